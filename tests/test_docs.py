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
from benchmark.pipeline.options import Declared, declared
from tests.conftest import BUNDLED, ROOT, run_cli

README = ROOT / "README.md"
PLUGINS_DOC = ROOT / "docs" / "plugins.md"
EXAMPLE = ROOT / "examples" / "sumbench-plugin-example"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.DOTALL | re.MULTILINE)


def _blocks(path: Path, language: str) -> list[str]:
    return [body for lang, body in FENCE.findall(path.read_text(encoding="utf-8")) if lang == language]


# ---- README: sumbench.toml keys -------------------------------------------------------------

def _value(cfg: RunConfig, field: str) -> Any:
    """A config value as a run file spells it (gates as their text)."""
    value = getattr(cfg, field)
    return tuple(str(v) for v in value) if field in ("fail_under", "fail_over", "prices") else value


def _load(tmp: Path, body: str) -> RunConfig:
    path = tmp / "sumbench.toml"
    path.write_text(body, encoding="utf-8")
    return build_config(path)


def sample(item: Declared, tmp: Path) -> tuple[str, Any]:
    """A TOML literal for one declared option and the value RunConfig holds after loading it."""
    if item.option.switch is not None:
        return "true", item.option.switch
    if item.name == "prices":
        return '["gpt-4o-mini=0.15/0.6"]', ("gpt-4o-mini=0.15/0.6",)
    if item.option.parse is not None:
        return '["rouge1_f=30"]', ("rouge1_f=30",)
    if item.option.choices:
        return f'"{item.option.choices[-1]}"', item.option.choices[-1]
    if item.name == "formats":
        return '["md", "html"]', ("md", "html")
    if item.kind is int:
        return "3", 3
    if item.kind is float:
        return "0.5", 0.5
    if item.name == "allow_failures":
        return "2", "2"
    text = f"value-{item.name}" + (".py" if item.name == "plugins" else "")  # a plugin file, not a module
    expected = str(tmp / text) if item.option.path else text
    return (f'["{text}"]', (expected,)) if item.many else (f'"{text}"', expected)


def test_every_run_flag_is_accepted_as_a_config_key(tmp_path: Path) -> None:
    """Derived from one declaration: each RunConfig option is a flag of `run` and a run-file key."""
    run = get_command(app).commands["run"]  # type: ignore[attr-defined]
    flags = {o for p in run.params for o in p.opts if o.startswith("--")} - {"--config", "--help"}
    items = [i for i in declared(RunConfig) if "run" in i.option.commands]
    assert flags == {i.long_flag for i in items}
    cfg = _load(tmp_path, "".join(f"{i.long_flag[2:]} = {sample(i, tmp_path)[0]}\n" for i in items))
    for item in items:
        assert _value(cfg, item.name) == sample(item, tmp_path)[1], item.name


def _readme_keys() -> set[str]:
    """The keys README names for sumbench.toml: the --config item's list, and `key = value` notes."""
    text = README.read_text(encoding="utf-8")
    item = text[text.index("`--config sumbench.toml`") : text.index("Flags given on the command line win")]
    keys = set(re.findall(r"`([a-z][a-z_-]*)`", item))
    keys |= set(re.findall(r"`([a-z_]+) = [^`]*`(?= in a run file|\))", text))  # formats, embed_documents
    return keys


KEYS = {key: item for item in declared(RunConfig) for key in item.keys}


@pytest.mark.parametrize("key", sorted(_readme_keys()))
def test_keys_the_readme_names_are_accepted(key: str, tmp_path: Path) -> None:
    item = KEYS[key]
    literal, expected = sample(item, tmp_path)
    if item.option.switch is False and key == item.name:  # use_cache = true keeps the cache
        expected = not expected
    cfg = _load(tmp_path, f"{key} = {literal}\n")
    assert _value(cfg, item.name) == expected


def test_the_readme_run_file_loads(tmp_path: Path) -> None:
    blocks = [b for b in _blocks(README, "toml") if b.startswith("# sumbench.toml")]
    assert blocks, "README shows no sumbench.toml"
    for block in blocks:
        cfg = _load(tmp_path, block)
        for key, value in tomllib.loads(block).items():
            item = KEYS[key]
            want = tuple(value) if isinstance(value, list) else value
            if item.option.switch is False and key != item.name:
                want = not value
            elif item.option.path and not item.many:
                want = str(tmp_path / value)
            assert _value(cfg, item.name) == want, key


def test_the_options_page_is_generated_from_the_declaration() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from make_options_doc import render
    finally:
        sys.path.pop(0)
    assert (ROOT / "docs" / "options.md").read_text(encoding="utf-8") == render(), (
        "docs/options.md is stale: run python scripts/make_options_doc.py"
    )


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
