"""Write ``reports/perf/README.md`` from the JSON files the benchmarks leave in ``reports/perf/``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parents[2] / "reports" / "perf"
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
    c, m = r["core"], r["metric"]
    return [
        "## ROUGE: ours against rouge-score 0.1.2",
        "",
        f"{r['pairs']:,} real pairs ({r['pairs_from']}). Both sides from cold caches.",
        "",
        "| what | rouge-score | ours | speed-up | max abs difference |",
        "|---|---:|---:|---:|---:|",
        f"| core: {', '.join(c['types'])}, stemmed | {c['rouge_score_s']:.2f} s "
        f"({c['rouge_score_pairs_per_s']:,.0f} pairs/s) "
        f"| {c['ours_s']:.2f} s ({c['ours_pairs_per_s']:,.0f} pairs/s) "
        f"| **{c['speedup']:.1f}x** | {c['max_abs_diff']:g} |",
        f"| `rouge` metric, 12 columns, sentence split included | {m['rouge_score_backend_s']:.2f} s "
        f"| {m['fast_backend_s']:.2f} s | **{m['speedup']:.1f}x** | {m['max_abs_diff']:g} |",
        "",
        f"Machine: {_machine(r['machine'])}",
        "",
    ]


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
    if (e2e := _load("end_to_end.json")) is not None:
        lines += end_to_end_section(e2e)
    for path in sorted(OUT.glob("worker_scaling_*cores.json")):
        lines += scaling_section(path.name, json.loads(path.read_text(encoding="utf-8")))
    lines += [
        "## BERTScore",
        "",
        "Pairs per second of our BERTScore (fp32, bf16) against `bert_score.score`: "
        "`tests/perf/test_bertscore_perf.py`, results in `bertscore.md` and `bertscore.json` here.",
        "",
    ]
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
