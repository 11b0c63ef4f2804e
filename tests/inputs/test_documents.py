"""Reference-set readers: field aliases, CSV/TSV, Hugging Face, validation with file and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmark.core.errors import InputError
from benchmark.inputs.documents import Document, load_reference_set
from tests.conftest import write_jsonl


@pytest.mark.parametrize(
    ("record", "text", "refs"),
    [
        ({"id": "a", "article": "Body.", "highlights": "Sum."}, "Body.", ("Sum.",)),
        ({"id": "a", "document": "Body.", "summary": "Sum."}, "Body.", ("Sum.",)),
        ({"id": "a", "source": "Body.", "reference": "Sum."}, "Body.", ("Sum.",)),
        ({"id": "a", "source": "Body.", "references": ["S1.", "S2."]}, "Body.", ("S1.", "S2.")),
        ({"id": "a", "text": "Body.", "references": ["S1."]}, "Body.", ("S1.",)),
    ],
)
def test_field_aliases_of_common_corpora(tmp_path: Path, record: dict, text: str, refs: tuple) -> None:
    refset = load_reference_set(write_jsonl(tmp_path / "x.jsonl", [record]))
    assert refset.documents[0].text == text
    assert refset.documents[0].references == refs


def test_explicit_field_flags(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "x.jsonl", [{"key": 7, "body_text": "Body.", "gold": ["G."]}])
    refset = load_reference_set(path, text_field="body_text", ref_field="gold", id_field="key")
    assert refset.documents[0] == Document("7", "Body.", ("G.",))


def test_csv_and_tsv_with_several_reference_columns(tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_text('id,article,ref_a,ref_b\n1,"Body, with comma.",A.,B.\n', encoding="utf-8")
    (tmp_path / "x.tsv").write_text('id\ttext\treferences\n1\tBody.\t["A.", "B."]\n', encoding="utf-8")
    csv_set = load_reference_set(tmp_path / "x.csv", ref_field="ref_a,ref_b")
    tsv_set = load_reference_set(tmp_path / "x.tsv")
    assert csv_set.documents[0].references == ("A.", "B.")
    assert csv_set.documents[0].text == "Body, with comma."
    assert tsv_set.documents[0].references == ("A.", "B.")


def test_cnndm_sample_loads_without_flags(cnndm_path: Path) -> None:
    refset = load_reference_set(cnndm_path)
    assert len(refset) == 193
    assert refset.name == "cnndm_test_sample"
    assert all(doc.references for doc in refset)


def test_fingerprints_change_with_content(tmp_path: Path) -> None:
    a = Document("x", "Text.", ("Ref.",))
    assert a.fingerprint == Document("y", "Text.", ("Ref.",)).fingerprint
    assert a.fingerprint != Document("x", "Text!", ("Ref.",)).fingerprint
    assert a.fingerprint != Document("x", "Text.", ("Ref.", "Other.")).fingerprint
    path = write_jsonl(tmp_path / "x.jsonl", [{"id": "1", "text": "T.", "references": ["R."]}])
    first = load_reference_set(path).fingerprint
    write_jsonl(path, [{"id": "1", "text": "T.", "references": ["R!"]}])
    assert load_reference_set(path).fingerprint != first


def test_every_problem_named_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    lines = [
        json.dumps({"id": "a", "text": "Fine.", "references": ["R."]}),
        '{"id": "b", "text": "broken',
        json.dumps({"id": "c", "references": ["R."]}),
        json.dumps({"id": "a", "text": "Again.", "references": ["R."]}),
        json.dumps({"id": "d", "text": "  ", "references": ["R."]}),
        json.dumps({"id": "e", "references": []}),
    ]
    path.write_bytes(("\n".join(lines) + "\n").encode() + b'{"id": "f", "text": "\xff"}\n')
    with pytest.raises(InputError) as info:
        load_reference_set(path)
    problems = info.value.problems
    assert any(p.startswith(f"{path}:2: bad JSON") for p in problems)
    assert any(p.startswith(f"{path}:3: missing text") for p in problems)
    assert any(p.startswith(f"{path}:4: duplicate id 'a'") and f"{path}:1" in p for p in problems)
    assert any(p.startswith(f"{path}:5: empty text") for p in problems)
    assert any(p.startswith(f"{path}:6: neither article text nor a reference summary") for p in problems)
    assert any(p.startswith(f"{path}:7: undecodable bytes") for p in problems)
    assert len(problems) == 6


def test_limit_and_missing_file(tmp_path: Path, tiny_set: Path) -> None:
    assert len(load_reference_set(tiny_set, limit=2)) == 2
    with pytest.raises(InputError, match="not found"):
        load_reference_set(tmp_path / "nope.jsonl")


def test_huggingface_dataset_saved_locally(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets", reason="the hf extra (datasets) is not installed")
    data = datasets.Dataset.from_dict(
        {"id": ["x1", "x2"], "article": ["First body.", "Second body."], "highlights": ["One.", "Two."]}
    )
    datasets.DatasetDict({"test": data}).save_to_disk(str(tmp_path / "cnn"))
    refset = load_reference_set(f"hf:{tmp_path / 'cnn'}:test")
    assert [d.id for d in refset] == ["x1", "x2"]
    assert refset.documents[1].references == ("Two.",)


def test_huggingface_hub_id_offline_fails_clearly() -> None:
    pytest.importorskip("datasets", reason="the hf extra (datasets) is not installed")
    with pytest.raises(InputError, match="save_to_disk"):
        load_reference_set("hf:no-such-org/no-such-dataset:test")
