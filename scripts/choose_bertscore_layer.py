"""Choose the default BERTScore layer of all-MiniLM-L6-v2 by correlation with human judgments.

Scores every summary of REALSumm (24 systems x 100 CNN/DM articles, LitePyramid recall)
and the Newsroom human evaluation (7 systems x 60 articles, 1-5 relevance and
informativeness) with BERTScore at every layer 1..6 in one pass (bert-score's
``all_layers``), then prints summary-level Kendall tau-b (per document over systems,
averaged) and system-level Kendall tau-b of F1 for each layer. SummEval is left out on
purpose: it is where the chosen metric is reported.

    HF_HUB_OFFLINE=1 python scripts/choose_bertscore_layer.py ../shared/data \
        --json reports/perf/bertscore_layers.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from benchmark.meta.correlation import correlate
from benchmark.models.weights import default_model_path

SETS = {
    "realsumm": (
        "realsumm/realsumm_docs.jsonl", "realsumm/realsumm_litepyramid.jsonl", ["litepyramid_recall"]
    ),
    "newsroom": (
        "newsroom_human/newsroom_docs.jsonl",
        "newsroom_human/newsroom_human_scores.jsonl",
        ["relevance", "informativeness"],
    ),
}


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def layer_scores(data: Path, name: str) -> tuple[pd.DataFrame, np.ndarray]:
    """The judgments table and F1 at layers 0..6 (``layers x summaries``)."""
    import bert_score

    docs_file, scores_file, _ = SETS[name]
    refs = {str(r["doc_id"]): r["reference"] for r in read_jsonl(data / docs_file)}
    table = pd.DataFrame(read_jsonl(data / scores_file))
    table["doc_id"] = table["doc_id"].astype(str)
    cands = [c if c.strip() else "." for c in table["system_output"]]
    _, _, f1 = bert_score.score(
        cands, [refs[d] for d in table["doc_id"]], model_type=default_model_path(),
        num_layers=6, all_layers=True,
    )
    return table, f1.numpy()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("data", type=Path, help="the shared data folder (../shared/data)")
    parser.add_argument("--json", type=Path, help="write the table as JSON here")
    args = parser.parse_args()
    rows = []
    for name, (_, _, humans) in SETS.items():
        table, f1 = layer_scores(args.data, name)
        for layer in range(1, f1.shape[0]):
            table["bertscore_f"] = f1[layer]
            for human in humans:
                m, h = (table.pivot_table(index="doc_id", columns="system_id", values=c).to_numpy()
                        for c in ("bertscore_f", human))
                rows.append({
                    "set": name, "human": human, "layer": layer,
                    "summary_kendall": round(correlate(m, h, "kendall", "summary", None).value, 4),
                    "summary_spearman": round(correlate(m, h, "spearman", "summary", None).value, 4),
                    "system_kendall": round(correlate(m, h, "kendall", "system", None).value, 4),
                })
    frame = pd.DataFrame(rows)
    print(frame.to_markdown(index=False))
    main_set = frame[(frame["set"] == "realsumm")]
    best = int(main_set.loc[main_set["summary_kendall"].idxmax(), "layer"])
    print(f"\nbest layer on REALSumm summary-level Kendall: {best}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"rows": rows, "chosen": best}, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
