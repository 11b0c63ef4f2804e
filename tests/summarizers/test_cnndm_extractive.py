"""Extractive summarizers and baselines on the CNN/DailyMail sample: the expected ordering.

Oracle (the extractive upper bound) > lead-3 > random on ROUGE-2, and TextRank and LexRank in
the range the literature reports on CNN/DailyMail (ROUGE-1 F about 30 to 35). One test, so
that parallel workers do not each repeat the run.
"""

from __future__ import annotations

from pathlib import Path

from benchmark.pipeline.config import RunConfig
from benchmark.pipeline.engine import run


def test_oracle_lead_random_ordering_and_graph_methods_in_range(cnndm_path: Path) -> None:
    config = RunConfig(
        dataset=str(cnndm_path),
        summarizers=("lead", "textrank", "lexrank", "random", "oracle"),
        metrics=("rouge",),
        use_cache=False,
    )
    results = run(config)
    assert results.summaries["error"].isna().all()
    means = results.means()
    rouge2 = means["rouge2_f"]
    assert rouge2["oracle"] > rouge2["lead"] > rouge2["random"], rouge2.to_dict()
    for system in ("textrank", "lexrank"):
        assert 0.28 <= means.at[system, "rouge1_f"] <= 0.38, (system, means.at[system, "rouge1_f"])
        assert rouge2["random"] < rouge2[system] < rouge2["oracle"], rouge2.to_dict()
