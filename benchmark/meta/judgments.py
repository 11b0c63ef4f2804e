"""Human judgments: per (document, system) an output and one or more human score columns.

The layout of SummEval's ``summeval_expert_scores.jsonl`` is the default (``doc_id``,
``system_id``, ``system_output`` and numeric human columns); other layouts name their
fields. Documents and references come from a reference set: by default the one
``*_docs.jsonl`` file beside the judgments (as SummEval, REALSumm and Newsroom ship them).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from benchmark.core.errors import InputError
from benchmark.inputs.documents import ReferenceSet, load_reference_set

DOCS_SUFFIX = "_docs.jsonl"


@dataclass(frozen=True, slots=True)
class JudgmentFields:
    """Which fields hold the document id, system id, output and human scores (() = all numeric)."""

    doc: str = "doc_id"
    system: str = "system_id"
    output: str = "system_output"
    humans: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()  # other fields kept as text columns (a split, a grouping)


@dataclass(frozen=True)
class Judgments:
    """A table with columns ``doc_id, system, output``, one column per human dimension (boolean
    ones as 0/1, named in ``binary``) and the ``extra`` fields asked for."""

    table: pd.DataFrame
    humans: tuple[str, ...]
    source: str
    binary: tuple[str, ...] = ()

    @property
    def systems(self) -> list[str]:
        return sorted(self.table["system"].unique())

    @property
    def doc_ids(self) -> list[str]:
        return list(dict.fromkeys(self.table["doc_id"]))


def locate(path: Path, docs: Path | None) -> tuple[Path, Path | None]:
    """The judgments file and the reference set: a directory holds one of each."""
    if path.is_dir():
        files = sorted(p for p in path.glob("*.jsonl") if not p.name.endswith(DOCS_SUFFIX))
        if len(files) != 1:
            raise InputError(
                f"{path}: expected one judgments .jsonl besides *{DOCS_SUFFIX}, found {len(files)}"
            )
        path = files[0]
    if not path.is_file():
        raise InputError(f"judgments file not found: {path}")
    if docs is None:
        siblings = sorted(path.parent.glob(f"*{DOCS_SUFFIX}"))
        docs = siblings[0] if len(siblings) == 1 else None
    return path, docs


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _is_score(value: Any) -> bool:
    """A human score: a finite number or a boolean label."""
    return isinstance(value, bool) or _is_number(value)


def load_judgments(path: Path, fields: JudgmentFields | None = None) -> Judgments:
    """Read a judgments JSONL; every bad line is reported (file:line), all at once."""
    fields = fields or JudgmentFields()
    records: list[dict[str, Any]] = []
    problems: list[str] = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{path}:{lineno}: bad JSON ({exc.msg})")
            continue
        wanted = (fields.doc, fields.system, fields.output, *fields.humans, *fields.extra)
        missing = [f for f in wanted if f not in record]
        if missing:
            problems.append(f"{path}:{lineno}: missing field(s) {', '.join(missing)}")
            continue
        records.append(record)
    if not records and not problems:
        problems.append(f"{path}: no judgments")
    humans = fields.humans or tuple(
        k for k, v in records[0].items()
        if k not in (fields.doc, fields.system, *fields.extra) and _is_score(v)
    ) if records else ()
    if records and not humans:
        problems.append(f"{path}: no numeric human score column; name them with --human")
    for lineno, record in enumerate(records, start=1):
        bad = [h for h in humans if not _is_score(record.get(h))]
        if bad:
            problems.append(f"{path}: record {lineno}: non-numeric {', '.join(bad)}")
    if problems:
        raise InputError(f"{len(problems)} problem(s) in judgments {path}:", problems[:20])
    table = pd.DataFrame({
        "doc_id": [str(r[fields.doc]) for r in records],
        "system": [str(r[fields.system]) for r in records],
        "output": [r[fields.output] if isinstance(r[fields.output], str) else "" for r in records],
        **{h: [float(r[h]) for r in records] for h in humans},
        **{e: [str(r[e]) for r in records] for e in fields.extra if e not in humans},
    })
    binary = tuple(h for h in humans if all(isinstance(r[h], bool) for r in records))
    dupes = table.duplicated(["doc_id", "system"])
    if dupes.any():
        first = table[dupes].iloc[0]
        raise InputError(f"{path}: {int(dupes.sum())} duplicate (document, system) pairs, e.g. "
                         f"{first['doc_id']!r} / {first['system']!r}")
    return Judgments(table, humans, str(path), binary)


def load_documents(
    docs: Path | None, judgments: Judgments, *, text_field: str | None = None, ref_field: str | None = None
) -> ReferenceSet:
    """The reference set holding every judged document (an error names the missing ids)."""
    if docs is None:
        raise InputError(f"no reference set for {judgments.source}; pass --docs FILE")
    refset = load_reference_set(docs, text_field=text_field, ref_field=ref_field)
    known = {d.id for d in refset}
    missing = [d for d in judgments.doc_ids if d not in known]
    if missing:
        raise InputError(f"{len(missing)} judged document(s) not in {docs}, e.g. {', '.join(missing[:5])}")
    return refset
