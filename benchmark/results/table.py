"""Results: long-form tables plus metadata, saved as a versioned JSON and CSV.

``results.json`` schema (version 3; see docs/results-schema.md)::

    {"schema": "sumbench-results", "schema_version": 3,
     "metadata": {...},
     "summaries": [{doc_id, system, summary, seconds, timing, error, cached, prompt_tokens,
                    completion_tokens, latency, retries, tokens_counted, finish_reason}],
     "scores": [{doc_id, system, metric, value}],   # metric: the score column, e.g. rouge1_f
     "evidence": [{doc_id, system, metric, evidence}],   # metric: the component, e.g. faithfulness
     "eval_usage": [{doc_id, system, metric, prompt_tokens, completion_tokens, latency,
                     requests, cached}],   # what the evaluation's own model calls cost
     "usage": {"systems": {name: figures}, "evaluation": {metric: figures}},   # derived, per system
     "documents": [{id, title, text, references}],   # only with --embed-documents
     "documents_ref": {source, fingerprint, documents, text_field, ref_field, id_field, limit},
     "pairwise": {judge, systems, statistics, pairs, ranking, bias, usage, verdicts}}  # when judged

Version 1 files (no usage columns, evidence or eval_usage) and version 2 files (no gate checks,
prices, usage figures or ``pairwise``) still load, with those empty; ``usage`` is recomputed on load. By
default a run stores its documents by reference only, so large runs stay small;
:func:`resolve_documents` reads them back for a report, checking the fingerprint.
"""

from __future__ import annotations

import dataclasses
import io
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from benchmark.components.base import Usage
from benchmark.core.atomic import atomic_write_text
from benchmark.core.errors import InputError
from benchmark.core.spreadsheet import FORMULA_STARTS, inert_cell
from benchmark.results.metadata import RunMetadata
from benchmark.results.pairwise import Pairwise
from benchmark.results.prices import Price, parse_price
from benchmark.results.usage import json_ready

SCHEMA_NAME = "sumbench-results"
SCHEMA_VERSION = 3
READABLE_VERSIONS = (1, 2, 3)
SUMMARY_COLUMNS = [
    "doc_id", "system", "summary", "seconds", "timing", "error", "cached", "prompt_tokens",
    "completion_tokens", "latency", "retries", "tokens_counted", "finish_reason",
]
SCORE_COLUMNS = ["doc_id", "system", "column", "value"]
JSON_SCORE_COLUMNS = ["doc_id", "system", "metric", "value"]  # version 1 key names
EVIDENCE_COLUMNS = ["doc_id", "system", "metric", "evidence"]
USAGE_COLUMNS = [
    "doc_id", "system", "metric", "prompt_tokens", "completion_tokens", "latency", "requests", "cached",
]


@dataclass(frozen=True, slots=True)
class EvidenceRow:
    """Why one summary got its scores under one metric (a JSON-ready object)."""

    doc_id: str
    system: str
    metric: str
    evidence: dict[str, Any]


@dataclass(frozen=True, slots=True)
class UsageRow:
    """What scoring one summary with one metric cost in model calls."""

    doc_id: str
    system: str
    metric: str
    prompt_tokens: int | None
    completion_tokens: int | None
    latency: float | None
    requests: int
    cached: bool

    @classmethod
    def of(cls, doc_id: str, system: str, metric: str, usage: Usage, cached: bool) -> UsageRow:
        return cls(doc_id, system, metric, usage.prompt_tokens, usage.completion_tokens, usage.latency,
                   usage.requests, cached)


@dataclass
class Results:
    """What a run produced: summaries, per-document scores and how they were made.

    ``scores`` is long-form: ``doc_id, system, column, value`` (``column`` is a metric's
    score column such as ``rouge1_f``; results.json keeps its version 1 key, ``metric``).
    """

    summaries: pd.DataFrame
    scores: pd.DataFrame
    metadata: RunMetadata = field(default_factory=RunMetadata)
    documents: list[dict[str, Any]] = field(default_factory=list)
    documents_ref: dict[str, Any] | None = None
    embed_documents: bool = True
    evidence: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=EVIDENCE_COLUMNS))
    eval_usage: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=USAGE_COLUMNS))
    pairwise: Pairwise | None = None
    _wide: dict[str, pd.DataFrame] = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def from_rows(
        cls,
        summaries: Sequence[Any],
        scores: Sequence[tuple[str, str, str, float]],
        metadata: RunMetadata,
        documents: list[dict[str, Any]],
        documents_ref: dict[str, Any] | None = None,
        embed_documents: bool = True,
        *,
        evidence: Sequence[EvidenceRow] = (),
        usage: Sequence[UsageRow] = (),
    ) -> Results:
        """Results from summary records (dataclasses) and ``(doc_id, system, column, value)`` rows.

        ``documents`` stay in memory for the reports of this run; results.json stores them only
        with ``embed_documents``, and ``documents_ref`` (where to read them again) always.
        """
        frame = pd.DataFrame([dataclasses.asdict(r) for r in summaries], columns=SUMMARY_COLUMNS)
        scores_frame = pd.DataFrame(list(scores), columns=SCORE_COLUMNS)
        evidence_frame = pd.DataFrame([dataclasses.asdict(r) for r in evidence], columns=EVIDENCE_COLUMNS)
        usage_frame = pd.DataFrame([dataclasses.asdict(r) for r in usage], columns=USAGE_COLUMNS)
        return cls(frame, scores_frame, metadata, documents, documents_ref, embed_documents,
                   evidence_frame, usage_frame)

    def prices(self) -> list[Price]:
        """The run's price table (``--price``, ``[prices]``), as recorded in its config."""
        return [parse_price(str(t)) for t in self.metadata.config.get("prices") or ()]

    def system_figures(self) -> dict[str, dict[str, Any]]:
        """Per system: tokens, latency p50/p95, truncation, throughput and cost (with the run's
        prices); see :mod:`benchmark.results.usage`."""
        from benchmark.results.usage import system_figures

        prices = self.prices()
        models = {s.name: s.model for s in self.metadata.systems}
        in_flight = {s.name: s.in_flight for s in self.metadata.systems}
        return system_figures(self.summaries, self.systems, prices, models, in_flight)

    def evaluation_figures(self) -> dict[str, dict[str, Any]]:
        """What the evaluation's own model calls cost (the judge, claim checks), per metric."""
        from benchmark.results.usage import evaluation_figures

        prices = self.prices()
        models = {m.name: m.model for m in self.metadata.metrics}
        return evaluation_figures(self.eval_usage, prices, models)

    def with_metadata(self, metadata: RunMetadata) -> Results:
        """These results under other metadata (the gate checks added after the run)."""
        return dataclasses.replace(self, metadata=metadata)

    @property
    def systems(self) -> list[str]:
        """System names in the order they were run."""
        return [s.name for s in self.metadata.systems] or sorted(self.summaries["system"].unique())

    @property
    def metric_columns(self) -> list[str]:
        """Every score column, in metric order."""
        cols = [c for m in self.metadata.metrics for c in m.columns]
        present = set(self.scores["column"].unique()) if len(self.scores) else set()
        ordered = [c for c in cols if c in present]
        return ordered + sorted(present - set(ordered))

    @property
    def headline_columns(self) -> list[str]:
        """The columns a leaderboard shows (each metric's headline), in metric order."""
        cols = [c for m in self.metadata.metrics for c in m.headline]
        present = set(self.scores["column"].unique()) if len(self.scores) else set()
        return [c for c in cols if c in present] or self.metric_columns

    def higher_is_better(self, column: str) -> bool:
        """Direction of a column; descriptive columns count as higher."""
        return self.metadata.higher_is_better(column)

    def scale(self, column: str) -> float:
        """Factor reports show ``column`` with (100 for fractions, 1 for counts; default 100)."""
        return self.metadata.scale(column)

    def descriptive(self, column: str) -> bool:
        """True for columns with no better direction (length, extractiveness): never "best"."""
        return self.metadata.descriptive(column)

    def wide(self, column: str) -> pd.DataFrame:
        """One score column as a doc_id x system table (ids and systems sorted; rows and
        columns with no value dropped), computed once per column: treat it as read-only."""
        if column not in self._wide:
            sub = self.scores.loc[self.scores["column"] == column, ["doc_id", "system", "value"]]
            unique = sub.dropna(subset=["value"]).drop_duplicates(["doc_id", "system"])  # first value
            table = unique.pivot(index="doc_id", columns="system", values="value")
            self._wide[column] = table.dropna(how="all").dropna(axis=1, how="all").astype(float)
        return self._wide[column]

    def means(self) -> pd.DataFrame:
        """Mean per system (rows, run order) and score column (columns).

        Every system has a row, also one that failed on every document (its means are NaN)."""
        if not len(self.scores):
            return pd.DataFrame(index=self.systems, columns=self.metric_columns, dtype=float)
        table = self.scores.pivot_table(index="system", columns="column", values="value", aggfunc="mean")
        extra = [s for s in table.index if s not in set(self.systems)]
        return table.reindex(index=[*self.systems, *extra], columns=self.metric_columns)

    @property
    def document_ids(self) -> list[str]:
        """Ids of the run's documents (summarized or failed), in run order."""
        ids = [*self.summaries.get("doc_id", ()), *self.scores.get("doc_id", ())]
        return [str(d) for d in dict.fromkeys(ids)]

    def missing(self, column: str) -> dict[str, int]:
        """Per system, how many of the run's documents have no value in ``column``."""
        total = len(self.document_ids)
        sub = self.scores[(self.scores["column"] == column) & self.scores["value"].notna()]
        present = sub.groupby("system")["doc_id"].nunique()
        return {s: total - int(present.get(s, 0)) for s in self.systems}

    def to_json(self) -> str:
        payload = {
            "schema": SCHEMA_NAME,
            "schema_version": SCHEMA_VERSION,
            "metadata": self.metadata.to_dict(),
            "summaries": _records(self.summaries, SUMMARY_COLUMNS),
            "scores": _records(self.scores.rename(columns={"column": "metric"}), JSON_SCORE_COLUMNS),
            "evidence": _records(self.evidence, EVIDENCE_COLUMNS),
            "eval_usage": _records(self.eval_usage, USAGE_COLUMNS),
            "usage": {
                "systems": json_ready(self.system_figures()),
                "evaluation": json_ready(self.evaluation_figures()),
            },
            "documents": self.documents if self.embed_documents else [],
        }
        if self.documents_ref:
            payload["documents_ref"] = self.documents_ref
        if self.pairwise is not None:
            payload["pairwise"] = self.pairwise.to_dict()
        return json.dumps(payload, ensure_ascii=False, indent=1, allow_nan=False) + "\n"

    def scores_csv(self) -> str:
        """Wide CSV for spreadsheets: one row per document and system, one column per score.

        Ids, system and column names that a spreadsheet would read as a formula get a
        leading ``'`` (:func:`~benchmark.core.spreadsheet.inert_cell`); results.json keeps them raw."""
        buffer = io.StringIO()
        wide = self.scores.pivot_table(
            index=["doc_id", "system"], columns="column", values="value", aggfunc="first"
        ).reindex(columns=self.metric_columns).reset_index()
        for name in ("doc_id", "system"):
            risky = wide[name].astype(str).str.startswith(FORMULA_STARTS)  # vectorised; few cells match
            wide.loc[risky, name] = wide.loc[risky, name].map(inert_cell)
        wide.columns = [inert_cell(str(c)) for c in wide.columns]
        # CRLF (RFC 4180) also makes the writer quote a cell holding a lone "\r", which a
        # spreadsheet would otherwise read as a row break, starting a new, unneutralised cell
        wide.to_csv(buffer, index=False, float_format="%.6f", lineterminator="\r\n")
        return buffer.getvalue()

    def save(self, directory: str | Path) -> dict[str, Path]:
        """Write results.json and scores.csv atomically; returns their paths."""
        out = Path(directory)
        return {
            "json": atomic_write_text(out / "results.json", self.to_json()),
            "csv": atomic_write_text(out / "scores.csv", self.scores_csv()),
        }


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict[str, Any]]:
    rows = []
    for record in frame.reindex(columns=columns).to_dict(orient="records"):
        rows.append(
            {str(k): (None if isinstance(v, float) and math.isnan(v) else v) for k, v in record.items()}
        )
    return rows


def load_results(path: str | Path) -> Results:
    """Read a ``results.json`` (or the directory that holds one)."""
    file = Path(path)
    if file.is_dir():
        file = file / "results.json"
    try:
        payload = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"results file not found: {file}") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{file}:{exc.lineno}: not valid JSON ({exc.msg})") from None
    except (UnicodeDecodeError, RecursionError, OSError) as exc:
        raise InputError(f"{file}: cannot read a results file ({exc.__class__.__name__}: {exc})") from None
    if not isinstance(payload, dict) or payload.get("schema") != SCHEMA_NAME:
        raise InputError(f"{file}: not a sumbench results file (missing schema {SCHEMA_NAME!r})")
    version = payload.get("schema_version")
    if version not in READABLE_VERSIONS or isinstance(version, bool):
        raise InputError(
            f"{file}: results schema version {version} is not supported "
            f"(this sumbench reads {', '.join(map(str, READABLE_VERSIONS))})"
        )
    from benchmark.results.schema import check_results_payload

    check_results_payload(payload, file)
    summaries = pd.DataFrame(payload.get("summaries", []), columns=SUMMARY_COLUMNS)
    scores = pd.DataFrame(payload.get("scores", []), columns=JSON_SCORE_COLUMNS)
    scores = scores.rename(columns={"metric": "column"})
    scores["value"] = scores["value"].astype(float)
    evidence = pd.DataFrame(payload.get("evidence", []), columns=EVIDENCE_COLUMNS)
    eval_usage = pd.DataFrame(payload.get("eval_usage", []), columns=USAGE_COLUMNS)
    metadata = RunMetadata.from_dict(payload.get("metadata", {}))
    documents = [d for d in payload.get("documents", []) if isinstance(d, dict) and "id" in d]
    ref = payload.get("documents_ref")
    judged = payload.get("pairwise")
    return Results(summaries=summaries, scores=scores, metadata=metadata, documents=documents,
                   documents_ref=ref if isinstance(ref, dict) else None, embed_documents=bool(documents),
                   evidence=evidence, eval_usage=eval_usage,
                   pairwise=Pairwise.from_dict(judged) if isinstance(judged, dict) else None)


def resolve_documents(results: Results) -> tuple[list[dict[str, Any]], str | None]:
    """The run's documents (``{id, title, text, references}``) and, when none, why not.

    Embedded documents are returned as they are. Otherwise they are read again from
    ``documents_ref``: only when the reference set is still there and its fingerprint is
    the run's, so a report never pairs summaries with the wrong articles.
    """
    if results.documents:
        return results.documents, None
    ref = results.documents_ref
    if not ref or not ref.get("source"):
        return [], "This results file stores no article texts; only the summaries are shown."
    source = str(ref["source"])
    if source.startswith("hf:"):
        return [], f"Articles are not shown: the reference set {source} is not read again for a report."
    from benchmark.inputs.documents import load_reference_set

    try:
        refset = load_reference_set(
            source, text_field=ref.get("text_field"), ref_field=ref.get("ref_field"),
            id_field=ref.get("id_field"), limit=ref.get("limit"),
            normalize_ids=ref.get("normalize_ids") is True,
        )
    except InputError:
        return [], f"Articles are not shown: the reference set {source} could not be read."
    if refset.fingerprint != ref.get("fingerprint"):
        return [], f"Articles are not shown: the reference set {source} changed since the run (fingerprint)."
    return document_records(refset.documents), None


def document_records(docs: Sequence[Any]) -> list[dict[str, Any]]:
    """Documents as results.json stores them (for the report's per-article drill-down)."""
    return [{"id": d.id, "title": d.title, "text": d.text, "references": list(d.references)} for d in docs]
