"""The CLI as a user runs it: subprocesses, exit codes, files written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import run_cli

PLUGIN = '''
from dataclasses import dataclass
from typing import ClassVar

from benchmark.summarizers import SummarizerBase


@dataclass(frozen=True)
class LastSentence(SummarizerBase):
    """The last sentence of the article."""

    name: ClassVar[str] = "last-sentence"
    n: int = 1

    def summarize_one(self, doc):
        return " ".join(doc.text.split(". ")[-self.n:])
'''


def test_run_on_cnndm_needs_no_field_flags(cnndm_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    proc = run_cli(
        "run", "--dataset", str(cnndm_path), "--summarizer", "lead", "--metric", "rouge", "--output", str(out)
    )
    assert proc.returncode == 0, proc.stderr
    for name in ("results.json", "scores.csv", "report.md"):
        assert (out / name).is_file()
    results = json.loads((out / "results.json").read_text())
    assert results["schema_version"] == 3
    assert results["metadata"]["dataset"]["documents"] == 193
    means = {m: [] for m in ("rouge1_f", "rouge2_f", "rougeLsum_f")}
    for row in results["scores"]:
        if row["metric"] in means:
            means[row["metric"]].append(row["value"])
    r1, r2, rlsum = (sum(v) / len(v) for v in means.values())
    # published lead-3 on the full test set: 40.34 / 17.70 / 36.57
    assert 0.38 < r1 < 0.44 and 0.15 < r2 < 0.21 and 0.34 < rlsum < 0.40
    report = (out / "report.md").read_text()
    assert "| lead |" in report and "metric:rouge" in report


def test_default_output_dir_is_under_reports(tiny_set: Path, tmp_path: Path) -> None:
    proc = run_cli("run", "--dataset", str(tiny_set), "-s", "lead", "-m", "rouge", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    (run_dir,) = (tmp_path / "reports").iterdir()
    assert (run_dir / "results.json").is_file() and (run_dir / "report.md").is_file()


def test_bad_reference_set_exits_2_naming_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(
        '{"id": "a", "text": "Fine.", "references": ["R."]}\n'
        "{not json\n"
        '{"id": "b", "references": ["R."]}\n'
        '{"id": "a", "text": "Dup.", "references": ["R."]}\n',
        encoding="utf-8",
    )
    for args in (["dataset", "validate", str(path)], ["run", "--dataset", str(path)]):
        proc = run_cli(*args)
        assert proc.returncode == 2
        assert f"{path}:2: bad JSON" in proc.stderr
        assert f"{path}:3: missing text" in proc.stderr
        assert f"{path}:4: duplicate id 'a'" in proc.stderr
        assert "Traceback" not in proc.stderr


def test_one_file_plugin_runs_end_to_end(tiny_set: Path, tmp_path: Path) -> None:
    plugin = tmp_path / "last_plugin.py"
    plugin.write_text(PLUGIN, encoding="utf-8")
    listing = run_cli("list", "--plugin", str(plugin), env={"COLUMNS": "400"})
    row = next(line for line in listing.stdout.splitlines() if "last-sentence" in line)
    assert "n: int = 1" in row and "plugin file" in row
    out = tmp_path / "out"
    proc = run_cli(
        "run",
        "--dataset",
        str(tiny_set),
        "--plugin",
        str(plugin),
        "-s",
        "last-sentence",
        "-s",
        "lead",
        "-m",
        "rouge",
        "-o",
        str(out),
    )
    assert proc.returncode == 0, proc.stderr
    results = json.loads((out / "results.json").read_text())
    assert [s["name"] for s in results["metadata"]["systems"]] == ["last-sentence", "lead"]
    summaries = [s["summary"] for s in results["summaries"] if s["system"] == "last-sentence"]
    assert summaries[0] == "Sentence four closes story 0."


def test_entry_point_plugin_shows_in_list(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "shout_plugin").mkdir(parents=True)
    (site / "shout_plugin" / "__init__.py").write_text(
        PLUGIN.replace("last-sentence", "shout").replace("LastSentence", "Shout"), encoding="utf-8"
    )
    info = site / "shout_plugin-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: shout-plugin\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[sumbench.summarizers]\nshout = shout_plugin:Shout\n")
    proc = run_cli("list", env={"PYTHONPATH": str(site), "COLUMNS": "200"})
    assert proc.returncode == 0, proc.stderr
    line = next(line for line in proc.stdout.splitlines() if "shout" in line)
    assert "entry point from shout-plugin" in line
    assert "n: int = 1" in line
    assert "built-in" in proc.stdout and "rouge" in proc.stdout


def test_dataset_build_strips_seed_page_chrome(shared_data: Path, tmp_path: Path) -> None:
    seed = shared_data.parent / "seed_article.txt"
    if not seed.is_file():
        pytest.skip(f"{seed} missing")
    raw = tmp_path / "seed.txt"
    shutil.copy(seed, raw)
    (tmp_path / "seed.ref.txt").write_text(
        "The US and Iraq are discussing the future of American troops in Iraq. Baghdad wants the "
        "anti-terror coalition to draw down, citing sovereignty, while Washington stresses stability.",
        encoding="utf-8",
    )
    out = tmp_path / "built.jsonl"
    proc = run_cli("dataset", "build", str(raw), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    (record,) = [json.loads(line) for line in out.read_text().splitlines()]
    text = record["text"]
    assert record["title"].startswith("US-Iraq Talks on Troop Presence")
    assert len(text.split("\n\n")) == 5
    for chrome in (
        "No time to read",
        "Get a summary",
        "[Citation",
        "Previous Article",
        "Next Article",
        "Ukraine's 2024 Financing",
        "Djokovic",
    ):
        assert chrome not in text
    assert text.startswith("The State Department in Washington")
    assert text.endswith("cornerstone of counterterrorism efforts.")
    assert record["references"][0].startswith("The US and Iraq")
    assert run_cli("dataset", "validate", str(out)).returncode == 0


def test_dataset_build_without_reference_fails_clearly(tmp_path: Path) -> None:
    raw = tmp_path / "lonely.txt"
    raw.write_text("A headline\n\nA paragraph of text.", encoding="utf-8")
    proc = run_cli("dataset", "build", str(raw), "-o", str(tmp_path / "x.jsonl"))
    assert proc.returncode == 2
    assert f"{raw}: no reference summary" in proc.stderr


def test_dataset_stats(tiny_set: Path) -> None:
    proc = run_cli("dataset", "stats", str(tiny_set), env={"COLUMNS": "200"})
    assert proc.returncode == 0, proc.stderr
    assert "words per document" in proc.stdout and "compression" in proc.stdout


def test_summarize_prints_summary_of_raw_article(shared_data: Path) -> None:
    seed = shared_data.parent / "seed_article.txt"
    proc = run_cli("summarize", "-", "--summarizer", "lead:k=2", input_text=seed.read_text())
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("The State Department in Washington")
    assert "No time to read" not in proc.stdout
    assert proc.stdout.count(".") == 2


def test_report_rerenders_from_results(tiny_set: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert (
        run_cli("run", "--dataset", str(tiny_set), "-s", "lead", "-o", str(out), "-m", "rouge").returncode
        == 0
    )
    (out / "report.md").unlink()
    proc = run_cli("report", str(out / "results.json"), "--format", "md")
    assert proc.returncode == 0, proc.stderr
    assert "## Leaderboard" in (out / "report.md").read_text()


def test_config_file(tiny_set: Path, tmp_path: Path) -> None:
    config = tmp_path / "sumbench.toml"
    config.write_text(
        f'dataset = "{tiny_set}"\nsummarizers = ["lead:k=1,name=one"]\nmetrics = ["rouge"]\n'
        'output = "cfg-out"\n',
        encoding="utf-8",
    )
    proc = run_cli("run", "--config", str(config))
    assert proc.returncode == 0, proc.stderr
    results = json.loads((tmp_path / "cfg-out" / "results.json").read_text())
    assert results["metadata"]["systems"][0]["name"] == "one"
    config.write_text('summariser = ["lead"]\n', encoding="utf-8")
    bad = run_cli("run", "--config", str(config))
    assert bad.returncode == 2 and "unknown key 'summariser'" in bad.stderr


def test_format_chooses_the_reports(tiny_set: Path, tmp_path: Path) -> None:
    """--format takes a comma list or repeats; run-file key `formats`; an unknown format exits 2."""
    out = tmp_path / "some"
    proc = run_cli("run", "-d", str(tiny_set), "-s", "lead", "-m", "rouge", "-o", str(out),
                   "--format", "md,csv", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["report.md", "results.json", "scores.csv"]
    config = tmp_path / "sumbench.toml"
    config.write_text(f'dataset = "{tiny_set}"\nsummarizers = ["lead"]\nmetrics = ["rouge"]\n'
                      'formats = "md"\nembed_documents = true\noutput = "md-only"\n', encoding="utf-8")
    assert run_cli("run", "--config", str(config)).returncode == 0
    assert [p.name for p in (tmp_path / "md-only").iterdir()] == ["report.md"]
    bad = run_cli("run", "-d", str(tiny_set), "-s", "lead", "-m", "rouge", "--format", "md,docx")
    assert bad.returncode == 2 and "unknown report format(s) ['docx']" in bad.stderr


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["run"],
        ["summarize"],
        ["list"],
        ["report"],
        ["dataset", "build"],
        ["dataset", "validate"],
        ["dataset", "stats"],
    ],
)
def test_every_help_has_an_example(command: list[str]) -> None:
    proc = run_cli(*command, "--help", env={"COLUMNS": "200"})
    assert proc.returncode == 0
    assert "Example: sumbench" in proc.stdout


def test_unknown_summarizer_suggests_a_name(tiny_set: Path) -> None:
    proc = run_cli("run", "--dataset", str(tiny_set), "-s", "laed")
    assert proc.returncode == 2
    assert "did you mean 'lead'" in proc.stderr and "Traceback" not in proc.stderr


def test_run_help_states_the_defaults() -> None:
    from benchmark.pipeline.config import (
        DEFAULT_REFERENCE_FREE_METRICS,
        DEFAULT_REFERENCE_METRICS,
        DEFAULT_SUMMARIZERS,
    )

    text = " ".join(run_cli("run", "--help", env={"COLUMNS": "300"}).stdout.split())
    assert "Default: " + ", ".join(DEFAULT_SUMMARIZERS) + "." in text
    assert f"Default: {', '.join(DEFAULT_REFERENCE_METRICS)} with references" in text
    assert f"{', '.join(DEFAULT_REFERENCE_FREE_METRICS)} without" in text
