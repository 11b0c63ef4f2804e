"""`sumbench compare`: paired changes between two runs, regressions and the --max-drop gate."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import BUNDLED, run_cli


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Lead-3 as BASE; NEW replaces it by lead-1 under the same name."""
    base = tmp_path_factory.mktemp("compare")
    env = {"SUMBENCH_CACHE": str(base / "cache.sqlite")}
    specs = {
        "base": ["-s", "lead", "-m", "rouge"],
        "new": ["-s", "lead:k=1,name=lead", "-m", "rouge"],
    }
    out = {}
    for name, args in specs.items():
        out[name] = base / name
        proc = run_cli("run", "--dataset", str(BUNDLED), *args, "-o", str(out[name]), env=env)
        assert proc.returncode == 0, proc.stderr
    return out


def test_lead1_replacing_lead3_is_a_significant_drop(runs: dict[str, Path], tmp_path: Path) -> None:
    md, js = tmp_path / "report.md", tmp_path / "compare.json"
    proc = run_cli(
        "compare",
        str(runs["base"] / "results.json"),
        str(runs["new"] / "results.json"),
        "--max-drop",
        "rouge1_f=1.0",
        "--max-drop",
        "rougeLsum_f=1.0",
        "--markdown",
        str(md),
        "--json",
        str(js),
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    fails = [line for line in proc.stderr.splitlines() if "FAIL " in line]
    assert len(fails) == 2
    assert "FAIL lead: rouge1_f dropped" in fails[0] and "FAIL lead: rougeLsum_f dropped" in fails[1]
    payload = json.loads(js.read_text())
    drop = next(c for c in payload["changes"] if c["metric"] == "rougeLsum_f")
    assert drop["regression"] and drop["significant"]
    assert drop["diff"]["mean"] < -0.01 and drop["diff"]["high"] < 0
    assert drop["p_randomization_holm"] < 0.05
    text = md.read_text()
    assert "### Regressions" in text and "**regression**" in text
    _assert_tables_well_formed(text)


def test_any_drop_fails_even_without_significance(runs: dict[str, Path]) -> None:
    base, new = str(runs["base"] / "results.json"), str(runs["new"] / "results.json")
    # rouge2_f drops by about 0.3 points, far from significant
    assert run_cli("compare", base, new, "--max-drop", "rouge2_f=0.1").returncode == 0
    assert run_cli("compare", base, new, "--max-drop", "rouge2_f=0.1", "--any-drop").returncode == 1


def test_comparing_a_run_with_itself_passes(runs: dict[str, Path]) -> None:
    path = str(runs["base"])
    proc = run_cli("compare", path, path, "--max-drop", "rouge1_f=0", "--any-drop")
    assert proc.returncode == 0, proc.stderr
    assert "regression" not in proc.stdout


def test_signature_mismatch_is_an_input_error(runs: dict[str, Path], tmp_path: Path) -> None:
    payload = json.loads((runs["base"] / "results.json").read_text())
    payload["metadata"]["metrics"][0]["signature"] = payload["metadata"]["metrics"][0]["signature"].replace(
        "stem:porter", "stem:none"
    )
    (tmp_path / "nostem.json").write_text(json.dumps(payload))
    base, other = str(runs["base"]), str(tmp_path / "nostem.json")
    proc = run_cli("compare", base, other)
    assert proc.returncode == 2
    assert "signature differs" in proc.stderr and "--allow-signature-mismatch" in proc.stderr
    proc = run_cli("compare", base, other, "--allow-signature-mismatch")
    assert proc.returncode == 0 and "warning" in proc.stderr


def test_bad_inputs_exit_2(runs: dict[str, Path], tmp_path: Path) -> None:
    base = str(runs["base"])
    assert run_cli("compare", base, str(tmp_path / "missing.json")).returncode == 2
    (tmp_path / "x.json").write_text('{"hello": 1}')
    assert "not a sumbench results file" in run_cli("compare", base, str(tmp_path / "x.json")).stderr
    assert run_cli("compare", base, base, "--max-drop", "rouge1_f").returncode == 2
    unknown = run_cli("compare", base, base, "--max-drop", "bleu=1")
    assert unknown.returncode == 2 and "bleu" in unknown.stderr
    payload = json.loads((runs["base"] / "results.json").read_text())
    for row in payload["scores"] + payload["summaries"]:
        row["system"] = "renamed"
    payload["metadata"]["systems"][0]["name"] = "renamed"
    (tmp_path / "renamed.json").write_text(json.dumps(payload))
    proc = run_cli("compare", base, str(tmp_path / "renamed.json"))
    assert proc.returncode == 2 and "no system in common" in proc.stderr


def test_help_states_the_scale_and_an_example() -> None:
    out = run_cli("compare", "--help").stdout
    assert "x100" in out and "Example: sumbench compare" in out


def _assert_tables_well_formed(markdown: str) -> None:
    """Every row of a table has as many cells as its header (escaped pipes do not split)."""
    header_cells = None
    for line in markdown.splitlines():
        if not line.startswith("|"):
            header_cells = None
            continue
        cells = len(re.split(r"(?<!\\)\|", line)) - 2
        if header_cells is None:
            header_cells = cells
        assert cells == header_cells, line
