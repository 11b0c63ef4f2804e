"""Write the README of the perf folder from the JSON files the benchmarks leave there.

The folder is ``$SUMBENCH_PERF_OUT``, default ``reports/perf/latest/`` (ignored by git): a run of
the benchmarks never rewrites the figures committed in ``reports/perf/``; copy a run's files up
when they are the ones to keep."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

LATEST = Path(__file__).resolve().parents[2] / "reports" / "perf" / "latest"
OUT = Path(os.environ.get("SUMBENCH_PERF_OUT") or LATEST)
COMMAND = ".venv/bin/python -m pytest tests/perf -m perf -p no:xdist"


def _load(name: str) -> dict[str, Any] | None:
    path = OUT / name
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def _machine(m: dict[str, Any]) -> str:
    libs = ", ".join(f"{k} {v}" for k, v in m.get("libraries", {}).items())
    parts = [f"{m['cpu']}, {m.get('usable_cores', m['logical_cores'])} usable cores "
             f"({m['logical_cores']} logical), {m['memory_gib']} GiB RAM"]
    parts += [str(m[k]) for k in ("os",) if k in m] + [f"Python {m['python']}"]
    text = ", ".join(parts) + (f"; {libs}" if libs else "") + "."
    if "load_average_1m_at_start" in m:
        text += f" 1-minute load average at start: {m['load_average_1m_at_start']}."
    if "note" in m:
        text += f" {m['note']}."
    return text


def scaling_section(name: str, d: dict[str, Any]) -> list[str]:
    best: dict[int, tuple[float, float]] = {}
    for r in d["runs"]:
        wall, total = r["wall_s"], r["timings"]["total"]
        old = best.get(r["workers"], (wall, total))
        best[r["workers"]] = (min(wall, old[0]), min(total, old[1]))
    base_wall, base_total = best[1]
    lines = [
        f"### Worker scaling, {d['machine']['logical_cores']} cores (`{name}`)",
        "",
        f"{d['documents']:,} documents, lead-3 + TextRank, ROUGE, the Python API of `sumbench run` with a "
        "JSON report; each worker count run twice, the faster run shown.",
        "",
        "| workers | wall | speed-up | pipeline (summarize + score) | speed-up |",
        "|---:|---:|---:|---:|---:|",
    ]
    for w, (wall, total) in sorted(best.items()):
        lines.append(
            f"| {w} | {wall:.1f} s | {base_wall / wall:.2f}x | {total:.1f} s | {base_total / total:.2f}x |"
        )
    return [*lines, "", f"Machine: {_machine(d['machine'])}", ""]


def rouge_section(r: dict[str, Any]) -> list[str]:
    if "contenders" not in r:
        return []
    lines = [
        "## ROUGE: ours against rouge-score 0.1.2 and rouge-score-rs",
        "",
        f"{r['pairs']:,} real pairs ({r['pairs_from']}); rouge1, rouge2, rougeL, rougeLsum, stemmed. "
        "Ours: the `rouge` metric's Python API (12 columns, sentence split included, memos cleared); "
        "the peers: the same sentence split, then `RougeScorer.score` per pair. Alternating in one "
        f"process, {r['repeats']} rounds (rouge-score-rs and sumbench "
        f"{r.get('fast_runs_per_repeat', 1)} times a round: a run lasts under 0.1 s), medians. "
        "Our fast backend ran as "
        f"`{r['sumbench_implementation']}`.",
        "",
        "| contender | median | pairs/s | vs rouge-score | identical to rouge-score |",
        "|---|---:|---:|---:|---|",
    ]
    base = r["contenders"]["rouge-score"]["median_s"]
    for name, c in r["contenders"].items():
        same = "yes" if c["identical_to_rouge_score"] else "NO"
        lines.append(f"| {name} | {c['median_s']:.3f} s | {c['pairs_per_s']:,.0f} "
                     f"| **{base / c['median_s']:.1f}x** | {same} |")
    return [*lines, "", f"Machine: {_machine(r['machine'])}", ""]


def rouge_cli_section(r: dict[str, Any]) -> list[str]:
    lines = [
        "## ROUGE from the CLI against rouge-score and rouge-score-rs",
        "",
        f"`{r['command']}` (ROUGE, the default metric; every report written) against a script per peer "
        f"({r['peer']}). Real pairs from {r['pairs_from']}. Each side its own process, alternating, "
        f"{r['repeats']} repeats, medians. Every sumbench run is a first run (charts drawn, an empty "
        "memo folder). Whole process: wall and CPU from start to exit, imports "
        "included; scoring: the scoring stage alone (sumbench's `score:rouge` timing, the peer's "
        "loop over `score`).",
        "",
        "| pairs | contender | wall | CPU | scoring | wall vs rouge-score | CPU vs rouge-score "
        "| scoring vs rouge-score | identical to rouge-score |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for n, size in r["sizes"].items():
        for name, m in size["medians"].items():
            x = size["ratios_vs_rouge_score"][name]
            same = "yes" if size["identical_to_rouge_score"][name] else "NO"
            lines.append(f"| {int(n):,} | {name} | {m['wall_s']:.2f} s | {m['cpu_s']:.2f} s "
                         f"| {m['scoring_s']:.3f} s | **{x['wall_s']}x** | {x['cpu_s']}x "
                         f"| {x['scoring_s']}x | {same} |")
    return [*lines, "", f"Machine: {_machine(r['machine'])}", ""]


def cached_section(c: dict[str, Any]) -> list[str]:
    lines = [
        "## A cached rerun",
        "",
        f"`{' '.join(c['command'])}` on the bundled set after one cold run; every rerun finds all "
        "summaries, scores and charts cached. Median of the reruns (alternating with `--format json`).",
        "",
        "| reports | median wall | median CPU | every wall (s) | load average (1 min) |",
        "|---|---:|---:|---|---|",
    ]
    for name, v in c["cached"].items():
        lines.append(f"| {name} | {v['median_wall_s']:.2f} s | {v['median_cpu_s']:.2f} s "
                     f"| {', '.join(f'{w:.2f}' for w in v['all_wall_s'])} "
                     f"| {', '.join(str(x) for x in v['load_average_1m'])} |")
    return [*lines, "", f"Machine: {_machine(c['machine'])}", ""]


def scale_section(d: dict[str, Any]) -> list[str]:
    lines = [
        f"## {d['documents']:,} documents, {' + '.join(d['metrics'])}",
        "",
        f"`sumbench run` with its defaults, systems {', '.join(d['systems'])}, metrics "
        f"{' + '.join(d['metrics'])}, `--workers {d['workers']}`. Documents: {d['documents_from']}",
        "",
    ]
    if "cold" in d:
        lines += ["| run | wall | CPU | peak RSS (all processes) | peak RSS (main) | results.json "
                  "| stages (s) |", "|---|---:|---:|---:|---:|---:|---|"]
    for key in ("cold", "cached", "cached_embedded"):
        if key not in d:
            continue
        r = d[key]
        stages = ", ".join(f"{k} {v:.1f}" for k, v in r["stage_seconds"].items())
        lines.append(f"| {key.replace('_', ', ')} | {r['wall_s']:,.1f} s | {r.get('cpu_s', 0):,.1f} s "
                     f"| {r['peak_rss_tree_mib']:,.0f} MiB | {r['peak_rss_main_mib']:,.0f} MiB "
                     f"| {r['file_bytes'].get('results.json', 0) / 2**20:,.1f} MiB | {stages} |")
    if "projection_cnndm_test" in d:
        p = d["projection_cnndm_test"]
        lines += ["", f"Projection for the CNN/DM test set ({p['documents']:,} documents), linear in the "
                      f"documents: {p['wall_s'] / 60:,.0f} min wall on this machine."]
    if "note" in d:
        lines += ["", d["note"]]
    return [*lines, "", f"Machine: {_machine(d['machine'])}", ""]


def end_to_end_section(e: dict[str, Any]) -> list[str]:
    lines = [
        "## `sumbench run` end to end",
        "",
        f"Systems {', '.join(e['systems'])}; documents: {e['documents_from']}. Every run starts from an "
        "empty cache and writes every report (JSON, CSV, Markdown, HTML). Peak RSS: the largest sum of "
        "the resident memory of the `sumbench` process and its worker processes (sampled every 50 ms); "
        "main: the `sumbench` process alone (`ru_maxrss`). Where a configuration ran several times "
        "(1 and 2 workers alternating), the table shows the fastest run and the last column all of them.",
        "",
        "| documents | metrics | workers | wall | summarize | score "
        "| peak RSS (all processes) | peak RSS (main) | load at start | every wall (s) |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    runs = sorted(e["runs"], key=lambda r: (len(r["metrics"]), r["documents"], r["workers"]))
    for r in runs:
        t = r.get("stage_seconds", {})
        summarize = sum(v for k, v in t.items() if k.startswith("summarize:"))
        score = sum(v for k, v in t.items() if k.startswith("score:"))
        lines.append(
            f"| {r['documents']:,} | {' + '.join(r['metrics'])} | {r['workers']} | {r['wall_s']:.1f} s "
            f"| {summarize:.1f} s | {score:.1f} s "
            f"| {r['peak_rss_tree_mib']:,.0f} MiB | {r['peak_rss_main_mib']:,.0f} MiB "
            f"| {r.get('load_average_1m_at_start', '')} "
            f"| {', '.join(f'{w:.1f}' for w in r.get('all_wall_s', [r['wall_s']]))} |"
        )
    lines += ["", "Speed-up from 1 to 2 workers (wall time):", ""]
    by_key = {(r["documents"], tuple(r["metrics"]), r["workers"]): r for r in runs}
    for (n, metrics, workers), r in by_key.items():
        other = by_key.get((n, metrics, 1))
        if workers == 2 and other:
            lines.append(f"- {n:,} documents, {' + '.join(metrics)}: {other['wall_s'] / r['wall_s']:.2f}x")
    lines += ["", f"Machine: {_machine(e['machine'])}", ""]
    return lines


def render() -> str:
    lines = [
        "# Performance",
        "",
        f"Measured by `{COMMAND}`, which writes the JSON files here and rewrites this page. "
        "Numbers are from one run on the machine named under each table; on a shared machine other "
        "work adds noise, so the load average when each benchmark started is recorded with it.",
        "",
    ]
    if (rouge := _load("rouge.json")) is not None:
        lines += rouge_section(rouge)
    if (rouge_cli := _load("rouge_cli.json")) is not None:
        lines += rouge_cli_section(rouge_cli)
    if (cached := _load("cached_rerun.json")) is not None:
        lines += cached_section(cached)
    for name in ("scale.json", "scale_rouge.json"):
        if (scale := _load(name)) is not None:
            lines += scale_section(scale)
    if (e2e := _load("end_to_end.json")) is not None:
        lines += end_to_end_section(e2e)
    for path in sorted(OUT.glob("worker_scaling_*cores.json")):
        lines += scaling_section(path.name, json.loads(path.read_text(encoding="utf-8")))
    bertscore = OUT / "bertscore.md"
    if bertscore.is_file():  # written by tests/perf/test_bertscore_perf.py, with its JSON
        body = bertscore.read_text(encoding="utf-8").strip().split("\n", 1)[1].strip()
        lines += ["## BERTScore from the CLI against bert-score", "", body, ""]
    notes = OUT / "NOTES.md"
    if notes.is_file():
        lines += [notes.read_text(encoding="utf-8").strip(), ""]
    return "\n".join(lines)


def write() -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "README.md"
    path.write_text(render(), encoding="utf-8")
    return path


if __name__ == "__main__":
    print(write())
