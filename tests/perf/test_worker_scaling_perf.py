"""Benchmark: how the pipeline scales with ``--workers`` (1, 2, 4, 8, up to the cores there are).

Run with ``.venv/bin/python -m pytest tests/perf/test_worker_scaling_perf.py -m perf -p no:xdist``.
What ``sumbench run`` does, through its Python API (config, pipeline, JSON report): lead-3 and
TextRank, ROUGE, 10,000 CNN/DM documents, empty cache each time, each worker count twice.
Writes ``reports/perf/worker_scaling_<N>cores.json``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from measure import machine, measure_cli, write_json
from realdata import scaled_cnndm

pytestmark = pytest.mark.perf
N_DOCS = 10000
RUN = """
import sys
from pathlib import Path
from benchmark.pipeline.config import RunConfig
from benchmark.pipeline.engine import run
from benchmark.reports import write_reports
dataset, out, workers = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
cfg = RunConfig(dataset=dataset, summarizers=("lead:k=3", "textrank:k=3"), metrics=("rouge",),
                workers=workers, batch_size=32, cache=str(out / "cache.sqlite"), formats=("json",))
write_reports(run(cfg), out, cfg.formats)
"""


def test_worker_scaling(shared_data: Path, tmp_path: Path) -> None:
    cores = os.cpu_count() or 1
    dataset = tmp_path / "docs.jsonl"
    records = scaled_cnndm(shared_data, N_DOCS)
    dataset.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    runs = []
    for rep in range(2):
        for workers in [w for w in (1, 2, 4, 8) if w <= cores]:
            out = tmp_path / f"w{workers}-{rep}"
            result = measure_cli([str(dataset), str(out), str(workers)], python=("-c", RUN))
            meta = json.loads((out / "results.json").read_text(encoding="utf-8"))["metadata"]
            runs.append({"workers": workers, "rep": rep, **result, "timings": meta["timings"]})
    write_json(f"worker_scaling_{cores}cores.json", {"benchmark": "worker_scaling", "documents": N_DOCS,
                                                       "runs": runs, "machine": machine()})
    if cores >= 2:  # the pool must not cost more than it gives: 2 workers at most 1.1x one worker's wall
        best = {w: min(r["wall_s"] for r in runs if r["workers"] == w) for w in (1, 2)}
        assert best[2] / best[1] <= 1.1, best
