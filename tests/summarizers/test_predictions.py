"""Prediction files: reading, systems per file, fingerprints, failures and every file problem."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import BUNDLED, run_cli, write_jsonl

from benchmark import RunConfig, load_reference_set, load_results
from benchmark.components.build import build_systems
from benchmark.core.errors import ConfigError, InputError
from benchmark.pipeline.engine import run


@pytest.fixture(scope="module")
def lead_summaries() -> dict[str, str]:
    """The bundled set's ``lead`` summaries, by document id (the predictions of a real system)."""
    refset = load_reference_set(BUNDLED)
    lead = build_systems(["lead"])[0].summarizer
    return {doc.id: str(s) for doc, s in zip(refset, lead.summarize(refset.documents), strict=True)}


def test_prediction_file_of_lead_summaries_scores_exactly_as_lead(
    tmp_path: Path, lead_summaries: dict[str, str]
) -> None:
    preds = write_jsonl(tmp_path / "lead.jsonl", [{"id": i, "summary": s} for i, s in lead_summaries.items()])
    out = tmp_path / "out"
    proc = run_cli(
        "run",
        "-d",
        str(BUNDLED),
        "-s",
        "lead",
        "-s",
        f"predictions:path={preds},name=from-file",
        "-m",
        "rouge",
        "-m",
        "length",
        "-o",
        str(out),
    )
    assert proc.returncode == 0, proc.stderr
    results = load_results(out)
    scores = results.scores.pivot_table(index=["doc_id", "column"], columns="system", values="value")
    assert len(scores) == 32 * 14
    assert (scores["lead"] == scores["from-file"]).all()
    system = {s.name: s for s in results.metadata.systems}["from-file"]
    assert system.spec == f"predictions:path={preds}" and system.failed == 0


def test_missing_documents_are_recorded_failed(tmp_path: Path, lead_summaries: dict[str, str]) -> None:
    two = list(lead_summaries.items())[:2]
    preds = write_jsonl(tmp_path / "two.jsonl", [{"doc_id": i, "prediction": s} for i, s in two])
    results = run(
        RunConfig(dataset=str(BUNDLED), summarizers=(f"predictions:path={preds}",), metrics=("rouge",))
    )
    assert results.metadata.failed("two") == 30
    assert results.metadata.cache.summaries_failed == 30
    errors = results.summaries.set_index("doc_id")["error"]
    assert errors.isna().sum() == 2 and (errors.dropna() == "no prediction").all()
    assert set(results.scores["doc_id"]) == {i for i, _ in two}


def test_one_file_holds_many_systems(tmp_path: Path) -> None:
    rows = [
        {"system": name, "id": f"d{i}", "output": f"{name} summary of story {i} about the harbour."}
        for name in ("bart", "pegasus")
        for i in range(3)
    ]
    preds = write_jsonl(tmp_path / "all.jsonl", rows)
    systems = build_systems([f"predictions:path={preds}"])
    assert [s.label for s in systems] == ["bart", "pegasus"]
    assert str(systems[1].spec) == f"predictions:path={preds},system=pegasus"
    assert [s.label for s in build_systems([f"predictions:path={preds},name=v2"])] == [
        "v2/bart",
        "v2/pegasus",
    ]
    assert [s.label for s in build_systems([f"predictions:path={preds},system=bart"])] == ["bart"]
    with pytest.raises(ConfigError, match=r"no system 't5'.*'bart', 'pegasus'"):
        build_systems([f"predictions:path={preds},system=t5"])
    renamed = write_jsonl(tmp_path / "renamed.jsonl", [{**r, "who": r.pop("system")} for r in rows])
    assert [s.label for s in build_systems([f"predictions:path={renamed},system_field=who"])] == [
        "bart",
        "pegasus",
    ]


def test_fingerprint_is_the_predictions_not_the_file(tmp_path: Path, tiny_set: Path) -> None:
    rows = [{"id": f"d{i}", "summary": f"Story {i} is about boats."} for i in range(3)]
    first = write_jsonl(tmp_path / "a.jsonl", rows)
    moved = write_jsonl(tmp_path / "elsewhere.jsonl", rows[::-1])
    fingerprint = build_systems([f"predictions:path={first}"])[0].summarizer.fingerprint()
    assert build_systems([f"predictions:path={moved}"])[0].summarizer.fingerprint() == fingerprint
    config = RunConfig(dataset=str(tiny_set), summarizers=(f"predictions:path={first}",), metrics=("rouge",))
    assert run(config).metadata.cache.scores_computed == 3
    rows[1]["summary"] = "Story 1 is about the harbour and 1 boats."
    write_jsonl(first, rows)
    again = run(config)
    assert again.metadata.systems[0].fingerprint != fingerprint
    assert (again.metadata.cache.scores_computed, again.metadata.cache.scores_cached) == (1, 2)
    assert again.summaries.set_index("doc_id").at["d1", "summary"] == rows[1]["summary"]


def test_csv_tsv_txt_and_named_fields(tmp_path: Path, tiny_set: Path) -> None:
    (tmp_path / "p.csv").write_text('doc,hyp\nd0,"Story 0, boats."\nd1,Story 1.\nd2,\n', encoding="utf-8")
    (tmp_path / "p.tsv").write_text("id\thypothesis\nd2\tStory 2.\n", encoding="utf-8")
    (tmp_path / "p.txt").write_text("Line zero.\n\nLine two.\n", encoding="utf-8")
    write_jsonl(tmp_path / "p.jsonl", [{"id": "d0", "generated": None}])
    config = RunConfig(
        dataset=str(tiny_set),
        summarizers=(
            f"predictions:path={tmp_path / 'p.csv'},id_field=doc,summary_field=hyp,name=csv",
            f"predictions:path={tmp_path / 'p.tsv'},name=tsv",
            f"predictions:path={tmp_path / 'p.txt'},name=txt",
            f"predictions:path={tmp_path / 'p.jsonl'},name=null",
        ),
        metrics=("length",),
    )
    table = run(config).summaries.set_index(["system", "doc_id"])
    assert table.at[("csv", "d0"), "summary"] == "Story 0, boats."
    assert table.at[("csv", "d2"), "summary"] == ""
    assert (
        table.at[("tsv", "d2"), "summary"] == "Story 2."
        and table.at[("tsv", "d0"), "error"] == "no prediction"
    )
    assert [table.at[("txt", f"d{i}"), "summary"] for i in range(3)] == ["Line zero.", "", "Line two."]
    assert table.at[("null", "d0"), "error"] == f"no prediction (null at {tmp_path / 'p.jsonl'}:1)"


def test_limit_checks_ids_against_the_whole_reference_set(tmp_path: Path, tiny_set: Path) -> None:
    preds = write_jsonl(tmp_path / "p.jsonl", [{"id": f"d{i}", "summary": "Boats."} for i in range(3)])
    config = RunConfig(
        dataset=str(tiny_set), summarizers=(f"predictions:path={preds}",), metrics=("rouge",), limit=2
    )
    results = run(config)
    assert list(results.summaries["doc_id"]) == ["d0", "d1"] and results.metadata.failed("p") == 0


def test_prediction_file_api_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="path is required"):
        build_systems(["predictions"])
    with pytest.raises(InputError, match="prediction file not found"):
        build_systems([f"predictions:path={tmp_path / 'nope.jsonl'}"])


def _problem_files(tmp: Path) -> dict[str, tuple[Path, str]]:
    """A prediction file per problem, with what the error must say (file:line first)."""
    bad_json = tmp / "bad.jsonl"
    bad_json.write_text('{"id": "d0", "summary": "A."}\n{"id": "d1", "summary": \n', encoding="utf-8")
    dup = write_jsonl(
        tmp / "dup.jsonl",
        [
            {"system": "x", "id": "d0", "summary": "A."},
            {"system": "y", "id": "d0", "summary": "B."},
            {"system": "x", "id": "d0", "summary": "C."},
        ],
    )
    empty = tmp / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    unknown = write_jsonl(
        tmp / "unknown.jsonl", [{"id": "d0", "summary": "A."}, {"id": "zz", "summary": "B."}]
    )
    no_summary = write_jsonl(tmp / "nosum.jsonl", [{"id": "d0", "text": "A."}])
    short = tmp / "short.txt"
    short.write_text("One.\nTwo.\n", encoding="utf-8")
    return {
        "bad JSON": (bad_json, f"{bad_json}:2: bad JSON"),
        "duplicate": (dup, f"{dup}:3: duplicate id 'd0' of system 'x' (first at {dup}:1)"),
        "empty": (empty, f"{empty}:1: empty file"),
        "unknown ids": (unknown, f"{unknown}:2: id 'zz'"),
        "no summary": (no_summary, f"{no_summary}:1: no summary"),
        "txt lines": (short, f"{short}:2: 2 line(s), but the reference set has 3 documents"),
    }


@pytest.mark.parametrize(
    "problem", ["bad JSON", "duplicate", "empty", "unknown ids", "no summary", "txt lines"]
)
def test_file_problems_exit_2_with_file_and_line(tmp_path: Path, tiny_set: Path, problem: str) -> None:
    path, message = _problem_files(tmp_path)[problem]
    proc = run_cli("run", "-d", str(tiny_set), "-s", f"predictions:path={path}", "-m", "rouge", "--no-cache")
    assert proc.returncode == 2, proc.stderr
    assert message in " ".join(proc.stderr.split()), proc.stderr
    assert "Traceback" not in proc.stderr


def test_reference_set_without_text(tmp_path: Path) -> None:
    refs = write_jsonl(
        tmp_path / "refs.jsonl",
        [{"id": f"d{i}", "references": [f"Story {i} is about boats."]} for i in range(3)],
    )
    assert not load_reference_set(refs).has_text
    preds = write_jsonl(tmp_path / "sys.jsonl", [{"id": f"d{i}", "summary": f"Story {i}."} for i in range(3)])
    ok = run_cli(
        "run",
        "-d",
        str(refs),
        "-s",
        f"predictions:path={preds}",
        "-m",
        "rouge",
        "-m",
        "length",
        "-o",
        str(tmp_path / "out"),
    )
    assert ok.returncode == 0, ok.stderr
    for args, named in (
        (["-s", "lead", "-m", "rouge"], "summarizer 'lead' needs the article text"),
        (["-s", f"predictions:path={preds}", "-m", "fragments"], "metric 'fragments' needs the article text"),
    ):
        proc = run_cli("run", "-d", str(refs), *args, "--no-cache")
        assert proc.returncode == 2 and named in proc.stderr and "Traceback" not in proc.stderr, proc.stderr


def test_partly_missing_text_is_still_an_error(tmp_path: Path) -> None:
    refs = write_jsonl(
        tmp_path / "mixed.jsonl",
        [{"id": "a", "text": "Text.", "references": ["R."]}, {"id": "b", "references": ["R."]}],
    )
    with pytest.raises(InputError) as info:
        load_reference_set(refs)
    assert info.value.problems == [
        f"{refs}:2: missing text (looked for field "
        "'text/article/document/source/content/body'; use --text-field)"
    ]


def test_copied_file_keeps_its_scores_cached(tmp_path: Path, tiny_set: Path) -> None:
    rows = [{"id": f"d{i}", "summary": f"Story {i} is about boats."} for i in range(3)]
    first = write_jsonl(tmp_path / "a.jsonl", rows)
    copy = tmp_path / "b.jsonl"
    shutil.copy(first, copy)
    run(RunConfig(dataset=str(tiny_set), summarizers=(f"predictions:path={first}",), metrics=("rouge",)))
    again = run(
        RunConfig(dataset=str(tiny_set), summarizers=(f"predictions:path={copy}",), metrics=("rouge",))
    )
    assert again.metadata.cache.scores_cached == 3
    assert json.loads(again.to_json())["metadata"]["systems"][0]["name"] == "b"


def test_components_declare_whether_they_read_the_text() -> None:
    from benchmark.components.build import BUILTIN_METRICS, BUILTIN_SUMMARIZERS, METRICS, SUMMARIZERS

    readers = {name for name in BUILTIN_SUMMARIZERS if SUMMARIZERS.get(name).needs_text}
    assert readers == set(BUILTIN_SUMMARIZERS) - {"predictions"}
    reading = {name for name in BUILTIN_METRICS if METRICS.get(name).needs_text}
    assert reading == {"fragments", "faithfulness", "summac", "judge", "claims"}
