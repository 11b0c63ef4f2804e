"""Benchmark: ``sumbench run`` at 10,000 documents with ROUGE and BERTScore, 2 workers.

Run with ``.venv/bin/python -m pytest tests/perf/test_scale_perf.py -m perf -p no:xdist``
(on a 2-core CPU it takes tens of minutes; ``SUMBENCH_PERF_SCALE_DOCS`` sets the size).
The documents come from ``realdata.distinct_corpus``: every distinct real article of
``../shared/data`` with its sentences rotated per copy, so all 10,000 are different texts.
The command is the user's: ``sumbench run`` with its defaults (every report written) from an
empty cache; then the same command again (everything cached), and once more with
``--embed-documents`` to compare the size of ``results.json``. Writes ``reports/perf/scale.json``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from measure import ROOT, machine, measure_cli, write_json
from realdata import distinct_corpus

pytestmark = pytest.mark.perf
N_DOCS = int(os.environ.get("SUMBENCH_PERF_SCALE_DOCS", "10000"))
SYSTEMS = ("lead:k=3", "textrank:k=3")
METRICS = ("rouge", "bertscore")
CNNDM_TEST = 11490


def _supports(flag: str) -> bool:
    help_text = subprocess.run([sys.executable, "-m", "benchmark", "run", "--help"], cwd=ROOT,
                               capture_output=True, text=True, env={**os.environ, "COLUMNS": "200"}).stdout
    return flag in help_text


def _run(dataset: Path, workdir: Path, out: str, *extra: str, metrics: tuple[str, ...] = METRICS
         ) -> dict[str, Any]:
    args = ["run", "-d", str(dataset), "--cache", str(workdir / "cache.sqlite"), "-o", str(workdir / out),
            "--workers", "2"]
    for system in SYSTEMS:
        args += ["-s", system]
    for metric in metrics:
        args += ["-m", metric]
    load = round(os.getloadavg()[0], 2)
    result = measure_cli([*args, *extra], env={"SUMBENCH_CHART_CACHE": str(workdir / "charts")})
    meta = json.loads((workdir / out / "results.json").read_text(encoding="utf-8"))["metadata"]
    sizes = {p.name: p.stat().st_size for p in sorted((workdir / out).iterdir()) if p.is_file()}
    return {**result, "args": args[1:] + list(extra), "stage_seconds": meta["timings"],
            "cache": meta["cache"], "file_bytes": sizes, "load_average_1m_at_start": load}


def test_scale(shared_data: Path, tmp_path: Path) -> None:
    dataset = tmp_path / f"distinct-{N_DOCS}.jsonl"
    records = distinct_corpus(shared_data, N_DOCS)
    dataset.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    report: dict[str, Any] = {
        "benchmark": "scale", "documents": N_DOCS, "systems": list(SYSTEMS), "metrics": list(METRICS),
        "workers": 2, "dataset_bytes": dataset.stat().st_size, "machine": machine(),
        "documents_from": distinct_corpus.__doc__.split("\n\n")[1].strip() if distinct_corpus.__doc__ else "",
    }
    report["cold"] = cold = _run(dataset, tmp_path, "cold")
    assert cold["cache"]["summaries_computed"] == N_DOCS * len(SYSTEMS)
    per_doc = cold["wall_s"] / N_DOCS
    report["projection_cnndm_test"] = {"documents": CNNDM_TEST, "wall_s": round(per_doc * CNNDM_TEST, 1)}
    write_json("scale.json", report)
    report["cached"] = _run(dataset, tmp_path, "cached")
    if _supports("--embed-documents"):
        report["cached_embedded"] = _run(dataset, tmp_path, "embedded", "--embed-documents")
    write_json("scale.json", report)
    assert report["cached"]["wall_s"] / cold["wall_s"] <= 0.1, report  # a rerun recomputes nothing


def test_scale_rouge_only(shared_data: Path, tmp_path: Path) -> None:
    """The same documents with ROUGE only: cold, cached, and the size of results.json with and
    without ``--embed-documents``. Writes ``reports/perf/scale_rouge.json``."""
    dataset = tmp_path / f"distinct-{N_DOCS}.jsonl"
    records = distinct_corpus(shared_data, N_DOCS)
    dataset.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    report: dict[str, Any] = {
        "benchmark": "scale", "documents": N_DOCS, "systems": list(SYSTEMS), "metrics": ["rouge"],
        "workers": 2, "dataset_bytes": dataset.stat().st_size, "machine": machine(),
        "documents_from": "as in scale.json",
    }
    report["cold"] = _run(dataset, tmp_path, "cold", metrics=("rouge",))
    report["cached"] = _run(dataset, tmp_path, "cached", metrics=("rouge",))
    report["cached_embedded"] = _run(dataset, tmp_path, "embedded", "--embed-documents", metrics=("rouge",))
    write_json("scale_rouge.json", report)
