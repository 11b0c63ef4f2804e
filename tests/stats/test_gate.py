"""CI gates: --fail-under on run (exit 1, one line per failed check) and the --max-drop rule."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from benchmark.core.errors import ConfigError, GateFailed
from benchmark.results.metadata import RunMetadata
from benchmark.results.table import Results
from benchmark.stats.compare import compare_results
from benchmark.stats.gate import check_max_drop, parse_max_drop
from tests.conftest import run_cli


def test_fail_under_prints_one_line_per_failed_check(tiny_set: Path, tmp_path: Path) -> None:
    proc = run_cli(
        "run",
        "--dataset",
        str(tiny_set),
        "-s",
        "lead",
        "-s",
        "lead:k=1,name=lead1",
        "-m",
        "rouge",
        "-o",
        str(tmp_path / "out"),
        "--fail-under",
        "rouge1_f=99",
        "--fail-under",
        "rouge2_f=99",
        "--fail-under",
        "rougeL_f=1",
    )
    assert proc.returncode == 1
    fails = [line for line in proc.stderr.splitlines() if "FAIL " in line]
    assert len(fails) == 4  # two systems x two failing metrics; rougeL_f passes
    assert sum("rouge2_f mean" in f and "< 99.00 (x100)" in f for f in fails) == 2
    assert proc.stdout.count("pass ") == 2 and "rougeL_f mean" in proc.stdout
    assert (tmp_path / "out" / "report.html").is_file()  # reports are written before the gate


def test_fail_under_passes_and_rejects_unknown_metric(tiny_set: Path, tmp_path: Path) -> None:
    ok = run_cli(
        "run",
        "--dataset",
        str(tiny_set),
        "-s",
        "lead",
        "-m",
        "rouge",
        "-o",
        str(tmp_path / "a"),
        "--fail-under",
        "rouge1_f=10",
        "--bootstrap",
        "200",
        "--seed",
        "7",
    )
    assert ok.returncode == 0, ok.stderr
    assert "resamples:200\\|seed:7" in (tmp_path / "a" / "report.md").read_text()
    bad = run_cli(
        "run", "--dataset", str(tiny_set), "-s", "lead", "-m", "rouge", "-o", str(tmp_path / "b"),
        "--fail-under", "bleu=0.2"
    )
    assert bad.returncode == 2 and "bleu" in bad.stderr


def _run(values: np.ndarray) -> Results:
    scores = pd.DataFrame(
        {
            "doc_id": [f"d{i}" for i in range(len(values))],
            "system": "s",
            "column": "rouge1_f",
            "value": values,
        }
    )
    meta = {
        "systems": [{"name": "s"}],
        "seed": 0,
        "bootstrap": 999,
        "metrics": [{"name": "rouge", "signature": "x", "columns": ["rouge1_f"], "headline": ["rouge1_f"]}],
    }
    return Results(summaries=pd.DataFrame(), scores=scores, metadata=RunMetadata.from_dict(meta))


def test_max_drop_needs_significance_unless_any_drop() -> None:
    rng = np.random.default_rng(1)
    base = rng.uniform(0.2, 0.6, 30)
    noisy = base - 0.02 + rng.normal(0, 0.15, 30)  # a 2-point drop buried in noise
    comparison = compare_results(_run(base), _run(noisy))
    change = comparison.change("s", "rouge1_f")
    assert change is not None and change.drop_points > 1 and not change.significant
    check_max_drop(comparison, ["rouge1_f=1.0"])
    with pytest.raises(GateFailed) as failed:
        check_max_drop(comparison, ["rouge1_f=1.0"], require_significant=False)
    assert failed.value.failures[0].startswith("FAIL s: rouge1_f dropped")
    assert failed.value.failures[0].endswith("> 1 (x100)")
    clear = compare_results(_run(base), _run(base - 0.05))
    with pytest.raises(GateFailed):
        check_max_drop(clear, ["rouge1_f=1.0"])
    check_max_drop(clear, ["rouge1_f=6"])  # 5 points allowed under a 6-point limit


@pytest.mark.parametrize(
    "text", ["rouge1_f", "=1", "rouge1_f=abc", "rouge1_f=-1", "rouge1_f=nan", "rouge1_f=inf", "s:=1"]
)
def test_bad_max_drop_is_a_config_error(text: str) -> None:
    with pytest.raises(ConfigError):
        parse_max_drop(text)


def test_unknown_fail_under_metric_is_rejected_before_any_work(tiny_set: Path) -> None:
    proc = run_cli(
        "run", "--dataset", str(tiny_set), "-s", "lead", "-m", "rouge", "--fail-under", "rouge9_f=0.1"
    )
    assert proc.returncode == 2
    assert "unknown metric 'rouge9_f'" in proc.stderr
    assert "summarize" not in proc.stderr  # no progress bar: nothing ran


def test_wide_table_takes_each_first_value_and_drops_empty_rows_and_systems() -> None:
    """``Results.wide`` as ``pivot_table(aggfunc="first")`` gave it: NaN skipped, first value kept."""
    rows = [("d1", "a", np.nan), ("d1", "a", 0.2), ("d1", "a", 0.3), ("d2", "a", 0.5),
            ("d2", "b", np.nan), ("d3", "b", np.nan), ("d3", "z", np.nan)]  # fmt: skip
    scores = pd.DataFrame(rows, columns=["doc_id", "system", "value"]).assign(column="rouge1_f")
    results = Results(summaries=pd.DataFrame(), scores=scores, metadata=RunMetadata())
    expected = scores.pivot_table(index="doc_id", columns="system", values="value", aggfunc="first")
    pd.testing.assert_frame_equal(results.wide("rouge1_f"), expected)
    assert results.wide("rouge1_f") is results.wide("rouge1_f")  # computed once per column
