"""The documentation holds: README's run-file keys load, docs/plugins.md is linked and its examples run."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from typer.main import get_command

from benchmark.cli.app import app
from benchmark.pipeline.config import RunConfig, build_config
from tests.conftest import BUNDLED, ROOT, run_cli

README = ROOT / "README.md"
PLUGINS_DOC = ROOT / "docs" / "plugins.md"
EXAMPLE = ROOT / "examples" / "sumbench-plugin-example"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.DOTALL | re.MULTILINE)


def _blocks(path: Path, language: str) -> list[str]:
    return [body for lang, body in FENCE.findall(path.read_text(encoding="utf-8")) if lang == language]


# ---- README: sumbench.toml keys -------------------------------------------------------------

# a value for every run option, by its flag name: (TOML literal, RunConfig field, expected value)
FLAG_VALUES: dict[str, tuple[str, str, Any]] = {
    "dataset": ('"d.jsonl"', "dataset", "{tmp}/d.jsonl"),
    "summarizer": ('["lead:k=2"]', "summarizers", ("lead:k=2",)),
    "metric": ('["rouge"]', "metrics", ("rouge",)),
    "output": ('"out"', "output", "{tmp}/out"),
    "plugin": ('["p.py"]', "plugins", ("{tmp}/p.py",)),
    "text-field": ('"body"', "text_field", "body"),
    "ref-field": ('"gold"', "ref_field", "gold"),
    "id-field": ('"key"', "id_field", "key"),
    "limit": ("3", "limit", 3),
    "cache": ('"c.sqlite"', "cache", "{tmp}/c.sqlite"),
    "no-cache": ("true", "use_cache", False),
    "batch-size": ("8", "batch_size", 8),
    "seed": ("7", "seed", 7),
    "workers": ("2", "workers", 2),
    "executor": ('"ray"', "executor", "ray"),
    "ray-address": ('"auto"', "ray_address", "auto"),
    "ray-gpus": ("0.5", "ray_gpus", 0.5),
    "bootstrap": ("50", "bootstrap", 50),
    "fail-under": ('["rouge1_f=30"]', "fail_under", ("rouge1_f=30",)),
    "allow-failures": ("2", "allow_failures", "2"),
    "format": ('["md", "html"]', "formats", ("md", "html")),
    "embed-documents": ("true", "embed_documents", True),
    "partial-references": ("true", "partial_references", True),
    "pairwise": ('"llm"', "pairwise", "llm"),
}
FIELD_VALUES = {field: (literal, field, expected) for literal, field, expected in FLAG_VALUES.values()}
FIELD_VALUES["use_cache"] = ("false", "use_cache", False)


def _expected(value: Any, tmp: Path) -> Any:
    if isinstance(value, tuple):
        return tuple(_expected(v, tmp) for v in value)
    return value.replace("{tmp}", str(tmp)) if isinstance(value, str) else value


def _load(tmp: Path, body: str) -> RunConfig:
    path = tmp / "sumbench.toml"
    path.write_text(body, encoding="utf-8")
    return build_config(path)


def test_every_run_flag_is_accepted_as_a_config_key(tmp_path: Path) -> None:
    run = get_command(app).commands["run"]  # type: ignore[attr-defined]
    flags = {o[2:] for p in run.params for o in p.opts if o.startswith("--")} - {"config", "help"}
    assert flags == set(FLAG_VALUES)  # a new flag needs a line here, and a config key
    cfg = _load(tmp_path, "".join(f"{flag} = {literal}\n" for flag, (literal, _, _) in FLAG_VALUES.items()))
    for flag, (_, field, expected) in FLAG_VALUES.items():
        assert getattr(cfg, field) == _expected(expected, tmp_path), flag


def _readme_keys() -> set[str]:
    """The keys README names for sumbench.toml: the --config item's list, and `key = value` notes."""
    text = README.read_text(encoding="utf-8")
    item = text[text.index("`--config sumbench.toml`") : text.index("Flags given on the command line win")]
    keys = set(re.findall(r"`([a-z][a-z_-]*)`", item))
    keys |= set(re.findall(r"`([a-z_]+) = [^`]*`(?= in a run file|\))", text))  # formats, embed_documents
    return keys


@pytest.mark.parametrize("key", sorted(_readme_keys()))
def test_keys_the_readme_names_are_accepted(key: str, tmp_path: Path) -> None:
    field = key.replace("-", "_")
    literal, field, expected = FLAG_VALUES.get(key) or FIELD_VALUES.get(field) or FIELD_VALUES[field + "s"]
    cfg = _load(tmp_path, f"{key} = {literal}\n")
    assert getattr(cfg, field) == _expected(expected, tmp_path)


def test_the_readme_run_file_loads(tmp_path: Path) -> None:
    blocks = [b for b in _blocks(README, "toml") if b.startswith("# sumbench.toml")]
    assert blocks, "README shows no sumbench.toml"
    for block in blocks:
        cfg = _load(tmp_path, block)
        for key, value in tomllib.loads(block).items():
            _, field, _ = FLAG_VALUES.get(key) or FIELD_VALUES[key]
            want = tuple(value) if isinstance(value, list) else value
            if key == "no-cache":
                want = not value
            elif key in ("dataset", "output", "cache"):
                want = str(tmp_path / value)
            assert getattr(cfg, field) == want, key


# ---- docs/plugins.md ---------------------------------------------------------------------------


def _links(path: Path) -> set[Path]:
    targets = re.findall(r"\]\(([^)#\s]+)", path.read_text(encoding="utf-8"))
    return {(path.parent / t).resolve() for t in targets if "://" not in t}


def test_plugins_doc_exists_and_is_linked() -> None:
    assert PLUGINS_DOC.is_file()
    for page in (README, EXAMPLE / "README.md"):
        assert PLUGINS_DOC.resolve() in _links(page), f"{page} does not link docs/plugins.md"


def _sumbench_lines(block: str) -> list[list[str]]:
    lines = [line.split("#", 1)[0].strip() for line in block.replace("\\\n", " ").splitlines()]
    return [shlex.split(line)[1:] for line in lines if line.startswith("sumbench ")]


@pytest.fixture(scope="module")
def example_installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The example plugin package installed with pip into a folder; the env that finds it."""
    base = tmp_path_factory.mktemp("example")
    skip = shutil.ignore_patterns("build", "*.egg-info", "__pycache__")
    shutil.copytree(EXAMPLE, base / "source", ignore=skip)
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--target", str(base / "site"), str(base / "source")],
        check=True, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    return {"PYTHONPATH": os.pathsep.join(p for p in (str(base / "site"), str(ROOT)) if p)}


def test_the_plugin_file_example_runs(tmp_path: Path) -> None:
    python = _blocks(PLUGINS_DOC, "python")
    files = [b for b in python if re.match(r"# (\w+\.py)\n", b)]
    tests = [b for b in python if "def test_" in b]
    assert files and len(files) + len(tests) == len(python)  # every Python example is run below
    for block in files:
        name = block.split("\n", 1)[0][2:]
        (tmp_path / name).write_text(block, encoding="utf-8")
    commands = [args for block in _blocks(PLUGINS_DOC, "bash") for args in _sumbench_lines(block)]
    assert any(args[0] == "run" for args in commands)
    for args in commands:
        proc = run_cli(*args, *(["--no-cache"] if args[0] == "run" else []), cwd=tmp_path)
        assert proc.returncode == 0 and "Traceback" not in proc.stderr, (args, proc.stderr[-2000:])
        if args[0] == "run":
            assert re.search(r"^│ last +│", proc.stdout, re.MULTILINE), proc.stdout  # k=2: the default
            assert "metric:overlap|impl:sumbench-overlap-1|lowercase:yes" in proc.stdout.replace("\n", "")
        else:
            assert "last" in proc.stdout and "overlap" in proc.stdout


def test_the_plugin_testing_example_runs(example_installed: dict[str, str], tmp_path: Path) -> None:
    tests = [b for b in _blocks(PLUGINS_DOC, "python") if "def test_" in b]
    assert tests
    for n, block in enumerate(tests):
        (tmp_path / f"test_doc_{n}.py").write_text(block, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", str(tmp_path)],
        cwd=tmp_path, env={**os.environ, **example_installed}, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    text = PLUGINS_DOC.read_text(encoding="utf-8")
    command = re.search(r"`(sumbench run -s longest[^`]*)`", text)
    assert command, "the end-to-end command is gone"
    args = shlex.split(command.group(1))[1:]
    args[args.index("-o") + 1] = str(tmp_path / "longest")
    run = run_cli(*args, "--dataset", str(BUNDLED), env=example_installed, cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "longest:k=2" in run.stdout


def test_the_entry_point_example_matches_the_example_package() -> None:
    (block,) = _blocks(PLUGINS_DOC, "toml")
    declared = tomllib.loads(block)["project"]["entry-points"]
    package = tomllib.loads((EXAMPLE / "pyproject.toml").read_text(encoding="utf-8"))
    assert declared["sumbench.summarizers"] == package["project"]["entry-points"]["sumbench.summarizers"]
    (plugin_file,) = [b for b in _blocks(PLUGINS_DOC, "python") if b.startswith("# my_plugins.py")]
    for target in declared["sumbench.metrics"].values():  # the metric named is the one shown above
        assert f"class {target.rsplit(':', 1)[1]}(MetricBase)" in plugin_file
