"""The package's shape: no import cycle, short modules, a light `--help`, one scoring loop."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT, run_cli, write_jsonl

from benchmark.meta.judgments import load_documents, load_judgments
from benchmark.meta.meta_eval import meta_evaluate
from benchmark.pipeline.cache import Cache
from benchmark.pipeline.config import RunConfig
from benchmark.pipeline.engine import run

PACKAGE = ROOT / "benchmark"
MAX_LINES = 450
FIXTURE = ROOT / "tests" / "fixtures" / "results-0.1.0.json"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


LAYERS: tuple[tuple[str, ...], ...] = (
    ("core",),
    ("inputs",),
    ("models",),
    ("components",),
    ("summarizers", "metrics", "judges"),
    ("results",),
    ("stats",),
    ("pipeline",),
    ("meta",),
    ("reports",),
    ("jobs",),
    ("cli",),
)
"""The stages from the ground up: a module imports only from its own stage or a lower one.
Stages on one line stand side by side and import none of each other."""


@dataclass(frozen=True, slots=True)
class Import:
    """One import of a ``benchmark`` module by another, as written in the source."""

    source: str
    target: str
    names: tuple[str, ...]
    line: int


def imports() -> list[Import]:
    """Every import of a ``benchmark`` module by another, read from the source with ``ast``.

    ``from benchmark.x import y`` counts as an import of ``benchmark.x.y`` when that is a
    module, else of ``benchmark.x``; imports inside functions count too, except those under
    ``if TYPE_CHECKING``.
    """
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    found: list[Import] = []
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        type_checking = {
            id(n)
            for node in ast.walk(tree)
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
            for n in ast.walk(node)
        }
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(tree):
            if id(node) in type_checking:
                continue
            targets: list[tuple[str, tuple[str, ...]]] = []
            if isinstance(node, ast.Import):
                targets = [(alias.name, ()) for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join([*package.split(".")[: len(package.split(".")) - node.level + 1], base])
                    base = base.rstrip(".")
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    targets.append((sub, ()) if sub in modules else (base, (alias.name,)))
            for target, names in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name and target != "benchmark":
                    found.append(Import(name, target, names, node.lineno))
    return found


def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {module_name(p): set() for p in PACKAGE.rglob("*.py")}
    for edge in imports():
        graph[edge.source].add(edge.target)
    return graph


def stage(module: str) -> str:
    """``benchmark.pipeline.cache`` -> ``pipeline``; the package's own ``__init__``/``__main__`` -> ``""``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] not in ("__main__",)) else ""


def level(module: str) -> int:
    name = stage(module)
    for index, names in enumerate(LAYERS):
        if name in names:
            return index
    raise AssertionError(f"{module} is in no stage of LAYERS")


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_import_graph_has_no_cycle() -> None:
    graph = import_graph()
    assert "benchmark.components.build" in graph["benchmark.pipeline.engine"]  # the graph is really read
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])


def test_the_package_root_holds_only_the_public_api() -> None:
    root_modules = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert root_modules == ["__init__.py", "__main__.py"]
    stages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert stages <= {name for names in LAYERS for name in names}, "a stage the layer order lacks"


def test_nothing_imports_upward_or_sideways() -> None:
    """Every import, function-level ones included, goes to the same stage or a lower one."""
    edges = imports()
    assert any(e.source == "benchmark.pipeline.engine" and stage(e.target) == "core" for e in edges)
    wrong = [
        f"{e.source}:{e.line} imports {e.target}"
        for e in edges
        if stage(e.source) and stage(e.source) != stage(e.target) and level(e.target) >= level(e.source)
    ]
    assert wrong == []


def test_no_private_name_crosses_a_module() -> None:
    private = [
        f"{e.source}:{e.line} imports {name} from {e.target}"
        for e in imports()
        for name in e.names
        if name.startswith("_") and not name.startswith("__")
    ]
    assert private == []


def test_the_layer_check_sees_an_upward_import() -> None:
    assert level("benchmark.cli.app") > level("benchmark.pipeline.engine") > level("benchmark.core.errors")
    assert level("benchmark.metrics.rouge") == level("benchmark.summarizers.lead")


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_registry_knows_nothing_of_what_it_registers() -> None:
    graph = import_graph()
    assert not {
        m
        for m in graph["benchmark.components.registry"]
        if m.startswith(("benchmark.metrics", "benchmark.summ"))
    }
    summarizer_imports = {t for m, ts in graph.items() if m.startswith("benchmark.summarizers") for t in ts}
    assert not {t for t in summarizer_imports if t.startswith("benchmark.metrics")}
    for module in ("benchmark.meta.meta_eval", "benchmark.cli.run"):
        assert "benchmark.components.build" in graph[module]


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_is_over_450_lines(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines"


def test_help_imports_no_heavy_library() -> None:
    code = (
        "import sys\nfrom benchmark.cli import app\n"
        "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('torch', 'transformers', 'pandas', 'numpy') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert "HEAVY []" in proc.stdout, proc.stdout[-500:]
    assert "Usage" in proc.stdout


def test_results_from_version_0_1_0_still_load_in_report_and_compare(tmp_path: Path) -> None:
    old = tmp_path / "old"
    old.mkdir()
    (old / "results.json").write_bytes(FIXTURE.read_bytes())
    payload = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert payload["metadata"]["sumbench_version"] == "0.1.0"
    report = run_cli("report", str(old / "results.json"), "--format", "md", "--format", "html")
    assert report.returncode == 0, report.stderr
    markdown = (old / "report.md").read_text(encoding="utf-8")
    assert "| lead | **" in markdown and "`metric:rouge\\|version:rouge-score-0.1.2" in markdown
    compare = run_cli("compare", str(old), str(old), "--max-drop", "rouge1_f=0.5")
    assert compare.returncode == 0, compare.stderr
    assert "lead1" in compare.stdout
    # a run written now compares against the old one
    new = run_cli(
        "run",
        "--limit",
        "6",
        "-s",
        "lead",
        "-s",
        "lead:k=1,name=lead1",
        "-m",
        "rouge",
        "-m",
        "length",
        "--no-cache",
        "--bootstrap",
        "200",
        "-o",
        str(tmp_path / "new"),
    )
    assert new.returncode == 0, new.stderr
    against = run_cli("compare", str(old), str(tmp_path / "new"), "--max-drop", "rouge1_f=0.5")
    assert against.returncode == 0, against.stderr
    means_old = {
        (r["system"], r["metric"]): r["value"] for r in payload["scores"] if r["doc_id"] == "news-001"
    }
    means_new = {
        (r["system"], r["metric"]): r["value"]
        for r in json.loads((tmp_path / "new" / "results.json").read_text())["scores"]
        if r["doc_id"] == "news-001"
    }
    assert means_new == means_old  # the same numbers as version 0.1.0


def test_meta_eval_reuses_scores_a_run_cached(tmp_path: Path) -> None:
    """One scoring loop: outputs `sumbench run` scored are not scored again by meta-eval."""
    docs = [
        {
            "doc_id": f"d{i}",
            "source": f"Story {i} opens here. The harbour had {i} boats. Rain fell late.",
            "reference": f"The harbour had {i} boats.",
        }
        for i in range(4)
    ]
    docs_path = write_jsonl(tmp_path / "toy_docs.jsonl", docs)
    cache_path = tmp_path / "cache.sqlite"
    config = RunConfig(
        dataset=str(docs_path),
        summarizers=("lead:k=1", "lead:k=2"),
        metrics=("rouge", "length"),
        cache=str(cache_path),
        bootstrap=0,
    )
    results = run(config)
    assert results.metadata.cache.scores_computed == 16
    judged = [
        {
            "doc_id": r.doc_id,
            "system_id": r.system,
            "system_output": r.summary,
            "quality": float(len(r.summary)),
        }
        for r in results.summaries.itertuples()
    ]
    judgments = load_judgments(write_jsonl(tmp_path / "toy_scores.jsonl", judged))
    refset = load_documents(docs_path, judgments)
    with Cache(cache_path) as cache:
        before = cache.counts()["scores"]
        meta = meta_evaluate(judgments, refset, ["rouge", "length"], cache=cache, bootstrap=0)
        assert cache.counts()["scores"] == before
    assert meta.metadata["cache"] == {"scores_cached": 16, "scores_computed": 0}
    assert meta.value("length_words", "quality", "system", "pearson") > 0.9
