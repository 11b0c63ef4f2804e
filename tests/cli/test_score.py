"""`sumbench score`: prediction files to a leaderboard with signatures, as a user runs it."""

from __future__ import annotations

from pathlib import Path

from conftest import BUNDLED, run_cli, write_jsonl

from benchmark import load_reference_set, load_results
from benchmark.inputs.text import split_sentences


def _prediction_files(tmp: Path) -> tuple[Path, Path]:
    """Lead-1 and lead-2 of the bundled set: one JSONL file, one plain-text file."""
    docs = load_reference_set(BUNDLED).documents
    one = write_jsonl(
        tmp / "lead1.jsonl", [{"id": d.id, "prediction": split_sentences(d.text)[0]} for d in docs]
    )
    two = tmp / "lead2.txt"
    two.write_text("".join(" ".join(split_sentences(d.text)[:2]) + "\n" for d in docs), encoding="utf-8")
    return one, two


def test_score_two_files_prints_both_systems_and_signatures(tmp_path: Path) -> None:
    one, two = _prediction_files(tmp_path)
    proc = run_cli(
        "score", str(BUNDLED), str(one), str(two), "-m", "rouge", "-m", "length", cwd=tmp_path,
        env={"COLUMNS": "300"},
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    rows = {line.split()[1]: line for line in lines if line.startswith("│") and line.split()[1] != "│"}
    assert set(rows) == {"lead1", "lead2"}
    assert [line.split(":", 1)[0] for line in lines if line.startswith(("rouge:", "length:"))] == [
        "rouge",
        "length",
    ]
    assert "rouge: metric:rouge|version:rouge-score-" in proc.stdout
    assert "length: metric:length|impl:sumbench-length-1" in proc.stdout
    assert not any(tmp_path.glob("reports*")) and "wrote" not in proc.stdout


def test_score_writes_reports_only_with_output(tmp_path: Path) -> None:
    one, _ = _prediction_files(tmp_path)
    rows = [
        {"system": s, "id": d.id, "summary": d.references[0 if s == "ref-a" else -1]}
        for s in ("ref-a", "ref-b")
        for d in load_reference_set(BUNDLED).documents[:4]
    ]
    multi = write_jsonl(tmp_path / "multi.jsonl", rows)
    out = tmp_path / "out"
    proc = run_cli("score", str(BUNDLED), str(one), str(multi), "--output", str(out))
    assert proc.returncode == 0, proc.stderr
    results = load_results(out)
    assert results.systems == ["lead1", "ref-a", "ref-b"]
    assert [results.metadata.failed(s) for s in results.systems] == [0, 28, 28]
    assert {p.name for p in out.iterdir()} >= {"results.json", "scores.csv", "report.md", "report.html"}
    assert [m.name for m in results.metadata.metrics] == ["rouge"]


def test_score_errors_exit_2(tmp_path: Path) -> None:
    one, _ = _prediction_files(tmp_path)
    (tmp_path / "other").mkdir()
    same_stem = write_jsonl(tmp_path / "other" / "lead1.jsonl", [{"id": "news-001", "summary": "S."}])
    ok = run_cli("score", str(BUNDLED), one.name, "other/lead1.jsonl", "--no-cache", cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert {"lead1.jsonl", "other/lead1.jsonl"} <= set(ok.stdout.split()), ok.stdout
    assert same_stem.is_file()
    missing = run_cli("score", str(BUNDLED), str(tmp_path / "nope.jsonl"))
    assert missing.returncode == 2 and "prediction file not found" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_system_names_from_a_file_are_printed_literally(tmp_path: Path) -> None:
    docs = load_reference_set(BUNDLED).documents[:2]
    names = ["[bold]x[/bold]", "y\x1b[31m"]
    rows = [{"system": n, "id": d.id, "summary": d.references[0]} for n in names for d in docs]
    multi = write_jsonl(tmp_path / "multi.jsonl", rows)
    proc = run_cli("score", str(BUNDLED), str(multi), "--no-cache")
    assert proc.returncode == 0, proc.stderr
    assert "[bold]x[/bold]" in proc.stdout and "\x1b" not in proc.stdout
