"""Documents, reference sets and their readers (JSONL, CSV/TSV, Hugging Face datasets).

Readers accept the field names of the common corpora without flags (CNN/DailyMail's
``article``/``highlights``, XSum's ``document``/``summary``, ``source``/``reference(s)``,
``text``/``references``). Every problem is reported with its file and line, all at once.

A reference set may have no reference summaries (articles only, as most teams have): its
documents have ``references == ()`` and components that declare ``needs_references`` refuse
it before any work; when only some documents have references, those components run on them
only if the user opts in. A set may also have no article text at all (records with
references only, e.g. to score prediction files with reference-based metrics): its documents
have ``text == ""`` and ``ReferenceSet.has_text`` is False; components that declare
``needs_text`` then refuse to run on it. A set where only some records lack the text is an
error naming them, and so is a record with neither text nor references.
"""

from __future__ import annotations

import csv
import dataclasses
import importlib
import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmark.core.errors import ConfigError, InputError
from benchmark.core.hashing import stable_hash
from benchmark.inputs.ids import difference, normalize_id

TEXT_FIELDS = ("text", "article", "document", "source", "content", "body")
REFERENCE_FIELDS = ("references", "reference", "highlights", "summary", "summaries", "abstract")
ID_FIELDS = ("id", "doc_id", "document_id", "guid")
TITLE_FIELDS = ("title", "headline")


@dataclass(frozen=True, slots=True)
class Document:
    """One source text with zero or more reference summaries (``text`` is "" in a text-less set)."""

    id: str
    text: str
    references: tuple[str, ...]
    title: str | None = None
    meta: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)
    fingerprint: str = field(init=False, compare=False, hash=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "fingerprint", stable_hash([self.text, list(self.references)]))


@dataclass(frozen=True, slots=True)
class ReferenceSet:
    """A named, fingerprinted sequence of documents."""

    name: str
    documents: tuple[Document, ...]
    source: str = ""
    fingerprint: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        fp = stable_hash([[d.id, d.fingerprint] for d in self.documents])
        object.__setattr__(self, "fingerprint", fp)

    def __len__(self) -> int:
        return len(self.documents)

    def __iter__(self) -> Iterator[Document]:
        return iter(self.documents)

    def __getitem__(self, doc_id: str) -> Document:
        for doc in self.documents:
            if doc.id == doc_id:
                return doc
        raise KeyError(doc_id)

    @property
    def has_text(self) -> bool:
        """False for a reference set whose records carry references but no article text."""
        return all(doc.text for doc in self.documents)

    @property
    def documents_with_references(self) -> int:
        """How many documents have at least one reference summary."""
        return sum(bool(doc.references) for doc in self.documents)

    @property
    def has_references(self) -> bool:
        """True when every document has a reference summary."""
        return self.documents_with_references == len(self.documents)

    def head(self, limit: int | None) -> ReferenceSet:
        """The first ``limit`` documents (all when ``limit`` is None)."""
        if limit is None or limit >= len(self.documents):
            return self
        return ReferenceSet(self.name, self.documents[:limit], self.source)


@dataclass(frozen=True, slots=True)
class FieldMap:
    """Which record fields hold the id, text and references (None: try the aliases)."""

    text: str | None = None
    references: str | None = None
    id: str | None = None

    def signature(self) -> dict[str, str | None]:
        return {"text": self.text, "references": self.references, "id": self.id}


def _pick(record: Mapping[str, Any], explicit: str | None, aliases: Sequence[str]) -> tuple[str | None, Any]:
    if explicit is not None:
        return (explicit, record.get(explicit)) if explicit in record else (None, None)
    for name in aliases:
        if name in record and record[name] not in (None, ""):
            return name, record[name]
    return None, None


def _as_references(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            try:
                parsed = json.loads(stripped)
            except json.JSONDecodeError:
                parsed = None
            if isinstance(parsed, list):
                return _as_references(parsed)
        return [value] if stripped else []
    if isinstance(value, Sequence):
        bad = [v for v in value if not isinstance(v, str)]
        if bad:
            raise ValueError(f"references must be strings; got {type(bad[0]).__name__} {bad[0]!r:.40}")
        return [v for v in value if v.strip()]
    return []


def record_to_document(
    record: Mapping[str, Any], *, where: str, fields: FieldMap, default_id: str, problems: list[str]
) -> Document | None:
    """Build a Document from one record, appending ``where: problem`` lines on failure.

    A record with no text field at all (and no ``--text-field`` given) becomes a document
    with empty text; :func:`load_reference_set` accepts that only when no record has text.
    """
    before = len(problems)
    _, text = _pick(record, fields.text, TEXT_FIELDS)
    ref_names = fields.references.split(",") if fields.references else None
    try:
        if ref_names and len(ref_names) > 1:
            refs = [r for name in ref_names for r in _as_references(record.get(name))]
        else:
            _, raw_refs = _pick(record, ref_names[0] if ref_names else None, REFERENCE_FIELDS)
            refs = _as_references(raw_refs)
    except ValueError as exc:
        problems.append(f"{where}: {exc}")
        return None
    _, raw_id = _pick(record, fields.id, ID_FIELDS)
    textless = fields.text is None and not any(name in record for name in TEXT_FIELDS)
    if textless:
        text = ""
    elif text is None:
        problems.append(f"{where}: {_missing_text(fields)}")
    elif not isinstance(text, str):
        problems.append(f"{where}: text field must be a string, got {type(text).__name__}")
    elif not text.strip():
        problems.append(f"{where}: empty text")
    if textless and not refs:
        problems.append(
            f"{where}: neither article text nor a reference summary (looked for fields "
            f"{'/'.join(TEXT_FIELDS)!r} and {fields.references or '/'.join(REFERENCE_FIELDS)!r}; "
            "use --text-field or --ref-field)"
        )
    if len(problems) > before:
        return None
    assert isinstance(text, str)
    doc_id = str(raw_id) if raw_id not in (None, "") else default_id
    _, title = _pick(record, None, TITLE_FIELDS)
    known = {fields.text, fields.references, fields.id, *TEXT_FIELDS, *REFERENCE_FIELDS, *ID_FIELDS}
    meta = {k: v for k, v in record.items() if k not in known and isinstance(v, str | int | float | bool)}
    return Document(
        id=doc_id,
        text=text,
        references=tuple(refs),
        title=title if isinstance(title, str) else None,
        meta=meta,
    )


def _missing_text(fields: FieldMap) -> str:
    names = fields.text or "/".join(TEXT_FIELDS)
    return f"missing text (looked for field {names!r}; use --text-field)"


def _decode_lines(path: Path, problems: list[str]) -> Iterator[tuple[int, str]]:
    for lineno, raw in enumerate(path.read_bytes().splitlines(), start=1):
        try:
            yield lineno, raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            problems.append(f"{path}:{lineno}: undecodable bytes at column {exc.start + 1} (not UTF-8)")


Located = list[tuple[str, Document]]


Record = tuple[str, int, dict[str, Any]]


def iter_jsonl(path: Path, problems: list[str]) -> Iterator[Record]:
    """``(where, line, record)`` of each JSON object in a JSON Lines file; blank lines are skipped."""
    for lineno, line in _decode_lines(path, problems):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{where}: bad JSON ({exc.msg} at column {exc.colno})")
            continue
        except RecursionError:
            problems.append(f"{where}: bad JSON (nested too deeply)")
            continue
        if _has_surrogate(line, record):
            problems.append(f"{where}: lone surrogate escape (such as \\ud800): not valid Unicode text")
            continue
        if not isinstance(record, dict):
            problems.append(f"{where}: expected a JSON object, got {type(record).__name__}")
            continue
        yield where, lineno, record


def _has_surrogate(line: str, record: object) -> bool:
    """True when a parsed record holds a lone surrogate (a ``\\ud800`` escape), which no file can store."""
    if "\\u" not in line.lower():
        return False
    try:
        json.dumps(record, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


CSV_FIELD_LIMIT = 1 << 30  # csv's default (131,072 characters) is shorter than many articles


def _unclosed_quote(content: str, delimiter: str) -> int | None:
    """The line whose quoted field runs to the end of the file, else None.

    The lenient reader would take the rest of the file as that one field; a strict pass,
    made only when the quotes do not pair up, finds where it opens.
    """
    if content.count('"') % 2 == 0:
        return None
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter, strict=True)
    start = 1
    try:
        for _ in reader:
            start = reader.line_num + 1
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            return start
    return None


def iter_delimited(path: Path, problems: list[str], delimiter: str) -> Iterator[Record]:
    """``(where, line, row)`` of each row of a CSV or TSV file with a header row."""
    try:
        content = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        lineno = path.read_bytes()[: exc.start].count(b"\n") + 1
        problems.append(f"{path}:{lineno}: undecodable bytes (not UTF-8)")
        return
    csv.field_size_limit(CSV_FIELD_LIMIT)
    kind = "TSV" if delimiter == "\t" else "CSV"
    unclosed = _unclosed_quote(content, delimiter)
    if unclosed is not None:
        problems.append(
            f"{path}:{unclosed}: bad {kind}: the quoted field that opens on this line is never closed "
            '(a lone " runs to the end of the file; double a quote inside a quoted field as "")'
        )
        return
    reader = csv.DictReader(io.StringIO(content, newline=""), delimiter=delimiter)
    rows = iter(reader)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(f"{path}:{reader.line_num}: bad {kind} ({exc})")
            break
        lineno = reader.line_num
        where = f"{path}:{lineno}"
        if None in row:
            problems.append(f"{where}: more cells than header columns")
            continue
        yield where, lineno, dict(row)


def iter_records(path: Path, problems: list[str]) -> Iterator[Record]:
    """The records of a ``.csv``, ``.tsv`` or JSON Lines file (any other suffix), located."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        return iter_delimited(path, problems, "\t" if suffix == ".tsv" else ",")
    return iter_jsonl(path, problems)


def read_records(path: Path, fields: FieldMap, problems: list[str]) -> Located:
    """Read a JSONL, CSV or TSV reference set."""
    docs: Located = []
    for where, lineno, record in iter_records(path, problems):
        doc = record_to_document(
            record, where=where, fields=fields, default_id=f"line-{lineno}", problems=problems
        )
        if doc is not None:
            docs.append((where, doc))
    return docs


def read_huggingface(spec: str, fields: FieldMap, problems: list[str]) -> Located:
    """Read ``hf:NAME[:CONFIG]:SPLIT`` through the ``datasets`` library (optional extra)."""
    parts = spec.removeprefix("hf:").split(":")
    if len(parts) not in (2, 3):
        raise ConfigError(f"bad Hugging Face dataset spec {spec!r}; expected hf:NAME[:CONFIG]:SPLIT")
    name, config, split = (parts[0], None, parts[1]) if len(parts) == 2 else parts
    try:
        datasets: Any = importlib.import_module("datasets")
    except ImportError as exc:
        raise ConfigError(
            "loading hf: datasets needs the 'datasets' package: pip install 'sumbench[hf]'"
        ) from exc
    try:
        if Path(name).is_dir():
            loaded = datasets.load_from_disk(name)
            data = loaded[split] if isinstance(loaded, datasets.DatasetDict) else loaded
        else:
            data = datasets.load_dataset(name, config, split=split)
    except Exception as exc:
        raise InputError(
            f"cannot load Hugging Face dataset {name!r} (config {config!r}, split {split!r}): {exc}. "
            "Offline, point hf: at a directory written by Dataset.save_to_disk, "
            "or export the split to JSONL."
        ) from exc
    docs: Located = []
    for index, record in enumerate(data):
        where = f"{spec}[{index}]"
        doc = record_to_document(
            record,
            where=where,
            fields=fields,
            default_id=f"{split}-{index}",
            problems=problems,
        )
        if doc is not None:
            docs.append((where, doc))
    return docs


def load_reference_set(
    source: str | Path,
    *,
    text_field: str | None = None,
    ref_field: str | None = None,
    id_field: str | None = None,
    name: str | None = None,
    limit: int | None = None,
    normalize_ids: bool = False,
) -> ReferenceSet:
    """Load and validate a reference set from JSONL, CSV, TSV or ``hf:NAME[:CONFIG]:SPLIT``.

    Raises InputError listing every problem (file and line) when any record is invalid, and
    when two ids are equal after normalisation (NFC, stripped): both lines are named.
    ``normalize_ids`` stores every id normalised (:func:`benchmark.inputs.ids.normalize_id`).
    """
    fields = FieldMap(text=text_field, references=ref_field, id=id_field)
    problems: list[str] = []
    spec = str(source)
    if spec.startswith("hf:"):
        docs = read_huggingface(spec, fields, problems)
        set_name = name or spec.removeprefix("hf:").replace("/", "-").replace(":", "-")
    else:
        path = Path(spec)
        if not path.is_file():
            raise InputError(f"reference set not found: {path}")
        docs = read_records(path, fields, problems)
        set_name = name or path.name.split(".")[0]
    _report_duplicates(docs, problems)
    if normalize_ids:
        docs = [(where, dataclasses.replace(doc, id=normalize_id(doc.id))) for where, doc in docs]
    _report_partial_text(docs, fields, problems)
    if problems:
        raise InputError(f"{len(problems)} problem(s) in reference set {spec}:", problems)
    if not docs:
        raise InputError(f"reference set {spec} has no documents")
    return ReferenceSet(set_name, tuple(doc for _, doc in docs), spec).head(limit)


def _report_partial_text(docs: Located, fields: FieldMap, problems: list[str]) -> None:
    """A set is either text-less or has text in every record; name the records that lack it."""
    if any(doc.text for _, doc in docs):
        problems.extend(f"{where}: {_missing_text(fields)}" for where, doc in docs if not doc.text)


def _report_duplicates(docs: Located, problems: list[str]) -> None:
    """Repeated ids, and ids that only look different (equal after NFC and stripping)."""
    first: dict[str, tuple[str, str]] = {}
    for where, doc in docs:
        key = normalize_id(doc.id)
        if key not in first:
            first[key] = (where, doc.id)
            continue
        at, other = first[key]
        if other == doc.id:
            problems.append(f"{where}: duplicate id {doc.id!r} (first at {at})")
        else:
            problems.append(
                f"{where}: id {doc.id!r} equals id {other!r} at {at} after normalisation; they differ "
                f"in {difference(doc.id, other)}; give them distinct ids"
            )


def write_jsonl_documents(docs: Iterable[Document]) -> str:
    """Serialise documents in the bundled JSONL schema."""
    lines = []
    for doc in docs:
        record: dict[str, Any] = {"id": doc.id}
        if doc.title:
            record["title"] = doc.title
        record["text"] = doc.text
        if doc.references:
            record["references"] = list(doc.references)
        record.update(doc.meta)
        lines.append(json.dumps(record, ensure_ascii=False))
    return "\n".join(lines) + ("\n" if lines else "")
