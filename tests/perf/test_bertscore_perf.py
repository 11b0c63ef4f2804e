"""Benchmark: BERTScore from the CLI with its defaults against bert-score's ``BERTScorer``.

Run with ``pytest tests/perf/test_bertscore_perf.py -m perf -p no:xdist``. The workload is
the one users run: ``sumbench run -d cnndm -s lead:k=1 ... -s lead:k=4 -m bertscore
--no-cache`` over the single-reference CNN/DM sample. The peer (``bertscore_peer.py``) builds
one ``bert_score.BERTScorer`` (same bundled MiniLM, same layer) and calls ``score`` once per
system on the very summaries sumbench wrote. Each side runs as its own process, alternating,
``REPEATS`` times; CPU time (user + system of the process and its children, from
``wait4``) and wall time are compared by their medians. Writes
``reports/perf/bertscore.json`` and ``bertscore.md``.
"""

from __future__ import annotations

import json
import os
import statistics
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from measure import OUT, machine, measure_cli

from benchmark import models
from benchmark.documents import load_reference_set
from benchmark.metrics.bertscore import DEFAULT_LAYER

pytestmark = pytest.mark.perf
SYSTEMS = tuple(f"lead:k={k}" for k in (1, 2, 3, 4))
REPEATS = int(os.environ.get("SUMBENCH_PERF_REPEATS", "3"))
PEER = str(Path(__file__).with_name("bertscore_peer.py"))


def sumbench(dataset: Path, out: Path, metric: str) -> tuple[dict[str, Any], dict[str, list[float]]]:
    args = ["run", "-d", str(dataset), "-m", metric, "--no-cache", "-o", str(out)]
    for system in SYSTEMS:
        args += ["-s", system]
    timing = measure_cli(args)
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    labels = list(dict.fromkeys(s["system"] for s in results["summaries"]))  # lead:k=3 is "lead"
    order = {s["doc_id"]: i for i, s in enumerate(results["summaries"]) if s["system"] == labels[0]}
    f1: dict[str, list[float]] = {spec: [0.0] * len(order) for spec in SYSTEMS}
    spec_of = dict(zip(labels, SYSTEMS, strict=True))  # labels follow the -s order
    for row in results["scores"]:
        if row["metric"] == "bertscore_f":
            f1[spec_of[row["system"]]][order[row["doc_id"]]] = row["value"]
    timing["scoring_s"] = results["metadata"]["timings"].get(f"score:{metric}")
    return timing, f1


def peer_spec(dataset: Path, spec: Path) -> int:
    """The peer's input: the same systems' summaries (built from the same specs) and references."""
    from benchmark.components import build_systems

    docs = load_reference_set(dataset)
    systems = {spec: [str(s) for s in system.summarizer.summarize(docs)]
               for spec, system in zip(SYSTEMS, build_systems(list(SYSTEMS)), strict=True)}
    payload = {"model": models.default_model_path(), "layer": DEFAULT_LAYER,
               "references": [d.references[0] for d in docs], "systems": systems}
    spec.write_text(json.dumps(payload), encoding="utf-8")
    return len(docs)


def summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    keys = ("cpu_s", "wall_s", "scoring_s", "peak_rss_main_mib")
    return {f"median_{k}": round(statistics.median(r[k] for r in runs), 2) for k in keys if runs[0].get(k)}


def make_report(dataset: Path, docs: int, runs: dict[str, list[dict[str, Any]]],
                f1: dict[str, dict[str, list[float]]]) -> dict[str, Any]:
    flat = {name: np.array([v for s in sorted(values) for v in values[s]]) for name, values in f1.items()}
    med = {name: summary(r) for name, r in runs.items()}
    return {
        "workload": {"dataset": dataset.name, "documents": docs, "references_per_document": 1,
                     "systems": list(SYSTEMS), "model": models.DEFAULT_ENCODER, "layer": DEFAULT_LAYER,
                     "command": "sumbench run -d DATA " + " ".join(f"-s {s}" for s in SYSTEMS)
                     + " -m bertscore --no-cache -o DIR", "repeats": len(runs["fp32"])},
        "machine": machine(),
        "runs": runs,
        "medians": med,
        "cpu_ratio_fp32": round(med["fp32"]["median_cpu_s"] / med["bert_score"]["median_cpu_s"], 3),
        "cpu_ratio_bf16": round(med["bf16"]["median_cpu_s"] / med["bert_score"]["median_cpu_s"], 3),
        "wall_ratio_fp32": round(med["fp32"]["median_wall_s"] / med["bert_score"]["median_wall_s"], 3),
        "wall_ratio_bf16": round(med["bf16"]["median_wall_s"] / med["bert_score"]["median_wall_s"], 3),
        "max_abs_diff_f1_fp32_vs_bert_score": float(np.abs(flat["fp32"] - flat["bert_score"]).max()),
        "bf16_vs_fp32_f1": {"max_abs": float(np.abs(flat["bf16"] - flat["fp32"]).max()),
                            "mean_abs": float(np.abs(flat["bf16"] - flat["fp32"]).mean())},
    }


def test_cli_bertscore_uses_at_most_060_of_bert_scores_cpu_time(cnndm_path: Path, tmp_path: Path) -> None:
    spec = tmp_path / "peer.json"
    docs = peer_spec(cnndm_path, spec)
    runs: dict[str, list[dict[str, Any]]] = {"bert_score": [], "fp32": [], "bf16": []}
    f1: dict[str, dict[str, list[float]]] = {}
    for repeat in range(REPEATS):  # alternating, so drift in the machine's load hits both sides
        runs["bert_score"].append(measure_cli([str(spec), str(tmp_path / "peer_out.json")], python=(PEER,)))
        for name, metric in (("fp32", "bertscore"), ("bf16", "bertscore:dtype=bf16")):
            timing, f1[name] = sumbench(cnndm_path, tmp_path / f"{name}{repeat}", metric)
            runs[name].append(timing)
        f1["bert_score"] = json.loads((tmp_path / "peer_out.json").read_text(encoding="utf-8"))
        report = make_report(cnndm_path, docs, runs, f1)
        OUT.mkdir(parents=True, exist_ok=True)  # written after every repeat: a cut run keeps its data
        (OUT / "bertscore.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
        (OUT / "bertscore.md").write_text(render(report), encoding="utf-8")
    report = json.loads((OUT / "bertscore.json").read_text(encoding="utf-8"))
    assert report["max_abs_diff_f1_fp32_vs_bert_score"] <= 1e-6
    assert report["cpu_ratio_fp32"] <= 0.6, report
    assert report["cpu_ratio_bf16"] <= 0.35, report


def render(report: dict[str, Any]) -> str:
    w, m, med = report["workload"], report["machine"], report["medians"]
    rows = "".join(
        f"| {label} | {med[key]['median_cpu_s']} | {med[key]['median_wall_s']} | "
        f"{med[key].get('median_scoring_s', '')} | {cpu} | {wall} |\n"
        for label, key, cpu, wall in (
            ("bert-score `BERTScorer`, one `score` per system", "bert_score", "1", "1"),
            ("`sumbench run -m bertscore` (fp32)", "fp32", report["cpu_ratio_fp32"],
             report["wall_ratio_fp32"]),
            ("`sumbench run -m bertscore:dtype=bf16`", "bf16", report["cpu_ratio_bf16"],
             report["wall_ratio_bf16"]),
        )
    )
    bf16 = report["bf16_vs_fp32_f1"]
    return (
        "# BERTScore benchmark: the CLI's defaults against bert-score\n\n"
        f"`{w['command']}` on `{w['dataset']}` ({w['documents']} documents, one reference each, "
        f"{len(w['systems'])} lead-k systems), {w['model']} layer {w['layer']}, against a script that "
        "builds one `bert_score.BERTScorer` (same model and layer) and calls `score` once per system "
        f"on the same summaries. Each side in its own process, alternating, {w['repeats']} repeats, "
        f"medians. Machine: {m['cpu']}, {m['usable_cores']} usable cores, load average "
        f"{m['load_average_1m_at_start']} at start.\n\n"
        "| run | CPU s (user+sys) | wall s | scoring stage s | CPU ratio | wall ratio |\n"
        "|---|---:|---:|---:|---:|---:|\n" + rows
        + f"\nLargest F1 difference, sumbench fp32 vs bert-score: "
        f"{report['max_abs_diff_f1_fp32_vs_bert_score']:.1e}. bf16 vs fp32 F1: max "
        f"{bf16['max_abs']:.4f}, mean {bf16['mean_abs']:.4f}.\n"
    )
