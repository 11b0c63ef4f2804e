"""``predictions``: summaries read from a file, to score systems that ran elsewhere.

Files (by suffix):

- ``.jsonl`` (or any other suffix), ``.csv``, ``.tsv``: one row per summary, with an id field
  (``id``, ``doc_id``, ``document_id``, ``guid``; or ``id_field=``) and a summary field
  (``summary``, ``prediction``, ``output``, ``system_output``, ``hypothesis``, ``generated``;
  or ``summary_field=``). An empty summary is an empty summary; a JSON ``null`` is no prediction.
- ``.txt``: one summary per line, in the reference set's order; the line count must equal
  the number of documents.

**One file, many systems.** A ``system`` field (or ``system_field=``) names the system of
each row. :func:`benchmark.components.build.build_systems` asks :meth:`Predictions.expand_spec`
which systems a spec stands for: one per distinct value, in file order, each spec with
``system=VALUE`` added and labelled by the value (``NAME/VALUE`` when the spec sets
``name=NAME``). ``system=VALUE`` in the spec picks one system. Without a system field the
system is named after the file (``runs/bart.jsonl`` is ``bart``) unless ``name=`` says otherwise.

**Checks.** Problems in the file (bad JSON, a row without an id or a summary, a duplicate id
within a system, an empty file) raise :class:`InputError` naming file:line, all at once, when
the spec is built. ``prepare`` checks the file against the whole reference set (before
``--limit``): ids it lacks are an error listing them, and a ``.txt`` file must have one line
per document. A document with no prediction is recorded as failed, reason "no prediction".

**Fingerprint and cache.** The fingerprint is a hash of the system's ``(id, summary)`` pairs:
it names the predictions themselves, whatever the file's path, row order or other systems.
The summary cache is skipped (``cache_summaries = False``): the file is the store, reading it
costs nothing, and two documents with the same content may have different predictions, which
a cache keyed by document content would confuse. Scores are cached by candidate text and
document as for every system, so after an edit only the changed predictions are rescored.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, ClassVar

from benchmark.components.base import SummarizerBase, SummaryFailure, SummaryOutput
from benchmark.components.specs import ComponentSpec, build_component
from benchmark.core.errors import ConfigError, InputError
from benchmark.core.hashing import stable_hash
from benchmark.inputs.documents import ID_FIELDS, Document, iter_records
from benchmark.inputs.ids import NearMatches, normalize_id

SUMMARY_FIELDS = ("summary", "prediction", "output", "system_output", "hypothesis", "generated")
SYSTEM_FIELD = "system"
NO_PREDICTION = "no prediction"


@dataclass(frozen=True, slots=True)
class Prediction:
    """One predicted summary (``None``: a null in the file) and where it was read."""

    summary: str | None
    where: str


@dataclass(frozen=True, slots=True)
class PredictionFile:
    """A parsed prediction file: rows by system (key ``None`` when there is no system field)
    and id, or, for ``.txt``, the lines in order."""

    path: str
    systems: Mapping[str | None, Mapping[str, Prediction]]
    lines: tuple[str, ...] | None = None


def read_prediction_file(
    path: str | Path,
    id_field: str | None = None,
    summary_field: str | None = None,
    system_field: str | None = None,
    normalize_ids: bool = False,
) -> PredictionFile:
    """Parse a prediction file; InputError lists every problem with file:line.

    ``normalize_ids`` keys the rows by :func:`~benchmark.inputs.ids.normalize_id` (two ids
    of one system equal after it are a duplicate). Memoised by path and content hash, so
    expanding a spec into its systems parses the file once.
    """
    file = Path(path)
    if not file.is_file():
        raise InputError(f"prediction file not found: {file}")
    digest = hashlib.sha256(file.read_bytes()).hexdigest()
    return _read_cached(str(file), digest, id_field, summary_field, system_field, normalize_ids)


@functools.lru_cache(maxsize=64)
def _read_cached(
    shown: str,
    digest: str,
    id_field: str | None,
    summary_field: str | None,
    system_field: str | None,
    normalize_ids: bool,
) -> PredictionFile:
    path = Path(shown)
    problems: list[str] = []
    if path.suffix.lower() == ".txt":
        lines = _read_lines(path, problems)
        if not lines and not problems:
            problems.append(f"{path}:1: empty file, no predictions")
        _raise(path, problems)
        return PredictionFile(shown, {}, tuple(lines))
    records = list(iter_records(path, problems))
    if not records and not problems:
        problems.append(f"{path}:1: empty file, no predictions")
    system_name = system_field or SYSTEM_FIELD
    has_systems = system_field is not None or any(SYSTEM_FIELD in r for _, _, r in records)
    systems: dict[str | None, dict[str, Prediction]] = {}
    raw_ids: dict[tuple[str | None, str], str] = {}
    for where, _, record in records:
        row = _parse_row(record, where, id_field, summary_field, problems)
        system = None
        if has_systems:
            system = _text(record.get(system_name))
            if not system:
                problems.append(f"{where}: no system name (field {system_name!r})")
        if row is None or (has_systems and not system):
            continue
        raw_id, prediction = row
        doc_id = normalize_id(raw_id) if normalize_ids else raw_id
        rows = systems.setdefault(system, {})
        if doc_id in rows:
            of = f" of system {system!r}" if system is not None else ""
            other = raw_ids[(system, doc_id)]
            same = "" if other == raw_id else f" (equal to {other!r} after normalisation)"
            problems.append(f"{where}: duplicate id {raw_id!r}{same}{of} (first at {rows[doc_id].where})")
        else:
            rows[doc_id] = prediction
            raw_ids[(system, doc_id)] = raw_id
    _raise(path, problems)
    return PredictionFile(shown, systems)


def _read_lines(path: Path, problems: list[str]) -> list[str]:
    data = path.read_bytes()
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        lineno = data[: exc.start].count(b"\n") + 1
        problems.append(f"{path}:{lineno}: undecodable bytes (not UTF-8)")
        return []
    content = content.replace("\r\n", "\n")
    lines = content.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _parse_row(
    record: Mapping[str, Any],
    where: str,
    id_field: str | None,
    summary_field: str | None,
    problems: list[str],
) -> tuple[str, Prediction] | None:
    id_names = (id_field,) if id_field else ID_FIELDS
    doc_id = next((_text(record[n]) for n in id_names if _text(record.get(n))), "")
    summary_names = (summary_field,) if summary_field else SUMMARY_FIELDS
    summary_name = next((n for n in summary_names if n in record), None)
    before = len(problems)
    if not doc_id:
        problems.append(f"{where}: no id (looked for field {'/'.join(id_names)!r}; use id_field=)")
    if summary_name is None:
        problems.append(
            f"{where}: no summary (looked for field {'/'.join(summary_names)!r}; use summary_field=)"
        )
    summary = record.get(summary_name) if summary_name else None
    if summary is not None and not isinstance(summary, str):
        problems.append(f"{where}: summary must be a string or null, got {type(summary).__name__}")
    if len(problems) > before:
        return None
    return doc_id, Prediction(summary, where)


def _raise(path: Path, problems: list[str]) -> None:
    if problems:
        raise InputError(f"{len(problems)} problem(s) in prediction file {path}:", problems)


@dataclass(frozen=True)
class Predictions(SummarizerBase):
    """Summaries read from a prediction file (see the module docstring)."""

    name: ClassVar[str] = "predictions"
    version: ClassVar[str] = "1"
    needs_text: ClassVar[bool] = False
    cache_summaries: ClassVar[bool] = False

    path: str = ""
    id_field: str | None = None
    summary_field: str | None = None
    system_field: str | None = None
    system: str | None = None
    normalize_ids: bool = False
    _file: PredictionFile = field(init=False, repr=False, compare=False)
    _aligned: dict[str, Prediction] = field(init=False, repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        if not self.path:
            raise ValueError("path is required: predictions:path=FILE")
        txt = Path(self.path).suffix.lower() == ".txt"
        if txt and (self.id_field or self.summary_field or self.system_field or self.system):
            raise ValueError(
                "a .txt prediction file has no fields; id_field, summary_field, "
                "system_field and system apply to JSONL, CSV and TSV"
            )
        file = read_prediction_file(
            self.path, self.id_field, self.summary_field, self.system_field, self.normalize_ids
        )
        object.__setattr__(self, "_file", file)
        names = self.system_names()
        if self.system is not None and self.system not in names:
            held = ", ".join(repr(n) for n in names) if names else "no system field"
            raise ConfigError(f"{self.path}: no system {self.system!r} (the file has {held})")

    @classmethod
    def expand_spec(cls, spec: ComponentSpec) -> Sequence[ComponentSpec]:
        """One spec per system in the file, labelled by its name; one named after the file if none."""
        probe = build_component(cls, spec, "summarizer")
        names = probe.system_names()
        if probe.system is not None or not names:
            label = spec.label or probe.system or Path(probe.path).stem
            return [replace(spec, label=label)]
        return [
            replace(
                spec,
                options=tuple(sorted((*spec.options, ("system", name)))),
                label=f"{spec.label}/{name}" if spec.label else name,
            )
            for name in names
        ]

    def system_names(self) -> list[str]:
        """The systems the file holds, in file order (empty without a system field)."""
        return [name for name in self._file.systems if name is not None]

    @property
    def rows(self) -> Mapping[str, Prediction]:
        """This system's predictions by document id."""
        if self._file.lines is not None:
            if not self._aligned:
                raise ConfigError(
                    f"{self.path}: a .txt prediction file is aligned with the reference "
                    "set's order; call prepare(documents) first"
                )
            return self._aligned
        systems = self._file.systems
        if self.system is not None:
            return systems[self.system]
        if len(systems) != 1:
            raise ConfigError(f"{self.path} holds {len(systems)} systems; choose one with system=NAME")
        return next(iter(systems.values()))

    def prepare(self, documents: Sequence[Document]) -> None:
        """Align a ``.txt`` file with the documents; reject ids the reference set lacks."""
        lines = self._file.lines
        if lines is not None:
            if len(lines) != len(documents):
                raise InputError(
                    f"{self.path}:{len(lines)}: {len(lines)} line(s), but the reference set has "
                    f"{len(documents)} documents; a .txt prediction file holds one summary per line "
                    "in the reference set's order"
                )
            aligned = {
                doc.id: Prediction(line, f"{self.path}:{i}")
                for i, (doc, line) in enumerate(zip(documents, lines, strict=True), start=1)
            }
            object.__setattr__(self, "_aligned", aligned)
            return
        known = {doc.id for doc in documents}
        near = NearMatches(known)
        unknown = [
            f"{p.where}: id {doc_id!r}{near.explain(doc_id)}"
            for doc_id, p in self.rows.items() if doc_id not in known
        ]
        if unknown:
            of = f" (system {self.system!r})" if self.system is not None else ""
            raise InputError(
                f"{len(unknown)} id(s) in prediction file {self.path}{of} are not in the reference set:",
                unknown,
            )

    def options(self) -> dict[str, Any]:
        """Nothing but the predictions changes the output; the path and field names do not."""
        return {}

    def fingerprint_extra(self) -> dict[str, Any]:
        pairs = sorted((doc_id, p.summary) for doc_id, p in self.rows.items())
        return {"predictions": stable_hash(pairs, 32)}

    def summarize(self, docs: Sequence[Document]) -> Sequence[SummaryOutput]:
        rows = self.rows
        out: list[SummaryOutput] = []
        for doc in docs:
            prediction = rows.get(doc.id)
            if prediction is None:
                out.append(SummaryFailure(NO_PREDICTION))
            elif prediction.summary is None:
                out.append(SummaryFailure(f"{NO_PREDICTION} (null at {prediction.where})"))
            else:
                out.append(prediction.summary)
        return out
