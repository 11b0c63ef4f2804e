"""Benchmark: our ROUGE against rouge-score 0.1.2 on 5,000 real pairs, numbers identical.

Run with ``.venv/bin/python -m pytest tests/perf/test_rouge_perf.py -m perf -p no:xdist``.
Writes ``reports/perf/rouge.json``. Two measurements, each from cold caches:

* core: rouge1, rouge2, rougeLsum with stemming, on the same newline-split texts, our
  ``FastRougeScorer`` against ``RougeScorer`` (the issue's target: at least 10x);
* metric: the whole ``rouge`` metric (12 columns, sentence splitting included),
  ``backend=fast`` against ``backend=rouge-score``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from measure import machine, write_json
from realdata import real_pairs
from rouge_score import rouge_scorer

from benchmark.metrics import rouge as rouge_metric
from benchmark.metrics import rouge_fast
from benchmark.metrics.rouge import Rouge, sentence_lines

pytestmark = pytest.mark.perf
TYPES = ("rouge1", "rouge2", "rougeLsum")
N_PAIRS = 5000


def clear_caches() -> None:
    rouge_fast.analyse.cache_clear()
    rouge_fast._default_stem.cache_clear()
    rouge_metric._analysis.cache_clear()


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def test_fast_rouge_is_ten_times_faster_with_identical_numbers(shared_data: Path) -> None:
    pairs = real_pairs(shared_data, N_PAIRS)
    texts = [(sentence_lines(doc.references[0]), sentence_lines(cand)) for cand, doc in pairs]

    slow_scorer = rouge_scorer.RougeScorer(list(TYPES), use_stemmer=True)
    slow_s, expected = timed(lambda: [slow_scorer.score(t, p) for t, p in texts])
    clear_caches()
    fast_scorer = rouge_fast.FastRougeScorer(TYPES)
    fast_s, got = timed(lambda: [fast_scorer.score(t, p) for t, p in texts])
    core_diff = max(
        abs(a[k][i] - b[k][i]) for a, b in zip(got, expected, strict=True) for k in TYPES for i in range(3)
    )

    candidates, docs = [c for c, _ in pairs], [d for _, d in pairs]
    slow_metric, fast_metric = Rouge(backend="rouge-score"), Rouge()
    metric_slow_s, slow_cols = timed(lambda: slow_metric.score(candidates=candidates, documents=docs))
    clear_caches()
    metric_fast_s, fast_cols = timed(lambda: fast_metric.score(candidates=candidates, documents=docs))
    metric_diff = max(
        abs(a - b) for col in slow_cols for a, b in zip(fast_cols[col], slow_cols[col], strict=True)
    )

    report = {
        "benchmark": "rouge",
        "pairs": N_PAIRS,
        "pairs_from": "CNN/DM sample lead-1/2/3, last and 4th-6th sentences vs highlights; SummEval, "
                      "REALSumm and Newsroom system outputs vs their reference (../shared/data)",
        "core": {
            "types": list(TYPES), "stemmer": True,
            "rouge_score_s": round(slow_s, 3), "ours_s": round(fast_s, 3),
            "rouge_score_pairs_per_s": round(N_PAIRS / slow_s, 1),
            "ours_pairs_per_s": round(N_PAIRS / fast_s, 1),
            "speedup": round(slow_s / fast_s, 2), "max_abs_diff": core_diff,
        },
        "metric": {
            "columns": 12, "includes": "blingfire sentence split, rouge1/2/L/Lsum P/R/F",
            "rouge_score_backend_s": round(metric_slow_s, 3), "fast_backend_s": round(metric_fast_s, 3),
            "speedup": round(metric_slow_s / metric_fast_s, 2), "max_abs_diff": metric_diff,
        },
        "machine": machine(),
    }
    write_json("rouge.json", report)
    assert core_diff <= 1e-12 and metric_diff <= 1e-12
    assert slow_s / fast_s >= 10, report["core"]
