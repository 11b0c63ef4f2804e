"""The report's summary viewer: every summary of a run as one data block, rendered by a small script.

:func:`build_viewer` turns :class:`Results` and the run's resolved documents into one compact
JSON payload (every document, every system's summary, every score column, the evidence, the
spans to mark and each summary sentence's best-supporting article sentence,
:mod:`benchmark.reports.support`) plus the inline script (``templates/viewer*.js``) that
renders it: a sortable, filterable, paged table of every summary and a side-by-side detail
view of one document. The JSON sits in a ``<script type="application/json">`` element with
every ``<`` written as ``\\u003c``, so no text can close the element or open a comment; the
script inserts every string as text, never as markup, and the report's Content-Security-Policy
allows exactly this script by its SHA-256 hash.

A payload over :data:`COMPRESS_OVER` bytes of JSON is stored gzip-compressed (``mtime=0``, so
the same run writes the same bytes) and base64-encoded in a
``<script type="application/octet-stream" data-encoding="gzip+base64">`` element (base64 has no
``<``); the script unpacks it with the browser's own ``DecompressionStream`` (no library, no
request) and says so in the section where a browser lacks it.

Scores are stored as the report shows them: the value on its display scale (x100 for
fractions) in hundredths, an integer (``41.23`` is ``4123``); the viewer sorts by these.

Articles are the bulk of a large run, so they are embedded up to a budget
(:data:`ARTICLE_BUDGET` bytes of UTF-8 article and reference text, in total): documents are
taken worst first (a failed, flagged or truncated summary first, then by the mean over
systems of the first headline column that has a better direction), each whose texts still
fit. For every other document the payload holds only the article sentences that support a
summary sentence, which is what the viewer shows in place of the article.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

import pandas as pd
from markupsafe import Markup

from benchmark.reports.spans import KINDS, marks
from benchmark.reports.support import METHOD, Article
from benchmark.results.table import Results

ARTICLE_BUDGET = 4_000_000
"""Bytes of article and reference text (UTF-8) embedded in one report, all documents together.
Compressed, each MB adds about 0.5 MB to report.html: 4 MB keeps a 10,000-document, two-system
report at about 7 MB (docs/statistics.md, tests/reports/test_viewer_scale.py)."""
COMPRESS_OVER = 1_000_000
"""Bytes of JSON (UTF-8) above which the viewer's data is stored gzip-compressed, base64-encoded."""
ENCODING = "gzip+base64"
"""The ``data-encoding`` of a compressed data block, which the script checks."""
PAGE_SIZES = (25, 50, 100, 200)
WORSE_WHEN_HIGHER = ("_flagged", "_failed", "_risk")
"""Column name endings of 0/1 or risk columns, where a higher value is worse whatever the metric."""


@dataclass(frozen=True, slots=True)
class Viewer:
    """What the report template needs: the JSON block, the script, its CSP source and notes."""

    data: Markup
    encoding: str | None
    json_bytes: int
    script: Markup
    csp: Markup
    documents: int
    summaries: int
    embedded: int
    budget: int
    method: str


def worse_when_higher(results: Results, column: str) -> bool:
    """True when a higher value of ``column`` is worse (lower-is-better metrics, flag columns)."""
    return column.endswith(WORSE_WHEN_HIGHER) or not results.higher_is_better(column)


def hundredths(value: Any, scale: float) -> int | None:
    """A score as the report shows it, in hundredths of its display value (None when missing)."""
    if value is None or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return round(float(f"{scale * float(value):.2f}") * 100)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _documents(results: Results, records: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Every document of the run, in the reference set's order, then any id only the results name."""
    docs = {str(r["id"]): r for r in records if "id" in r}
    for doc_id in results.document_ids:
        docs.setdefault(doc_id, {"id": doc_id})
    return list(docs.values())


def _evidence(results: Results) -> dict[tuple[str, str], dict[str, Any]]:
    out: dict[tuple[str, str], dict[str, Any]] = {}
    frame = results.evidence
    if not len(frame):
        return out
    for doc_id, system, metric, proof in zip(
        frame["doc_id"], frame["system"], frame["metric"], frame["evidence"], strict=True
    ):
        if isinstance(proof, dict):
            out.setdefault((str(doc_id), str(system)), {})[str(metric)] = proof
    return out


def _flag_scores(results: Results) -> set[tuple[str, str]]:
    """(doc_id, system) of every summary with a ``*_flagged`` column of 1 (or more)."""
    out: set[tuple[str, str]] = set()
    for column in results.metric_columns:
        if column.endswith("_flagged"):
            wide = results.wide(column)
            for system in wide.columns:
                out.update((str(d), str(system)) for d in wide.index[wide[system] >= 1])
    return out


def _flagged(proof: Mapping[str, Any]) -> bool:
    return any(isinstance(e, Mapping) and e.get("flagged") is True for e in proof.values())


def _weakest(proof: Mapping[str, Any], sentences: Sequence[str]) -> int | None:
    """Index of the summary sentence an evidence's ``weakest_sentence`` names, if one matches."""
    for e in proof.values():
        weakest = e.get("weakest_sentence") if isinstance(e, Mapping) else None
        text = weakest.get("text") if isinstance(weakest, Mapping) else None
        if isinstance(text, str) and text.strip():
            wanted = " ".join(text.split())
            for i, sentence in enumerate(sentences):
                flat = " ".join(sentence.split())
                if flat == wanted or wanted in flat or (len(flat) > 8 and flat in wanted):
                    return i
    return None


def _columns(results: Results, headline: Sequence[str]) -> list[dict[str, Any]]:
    return [
        {
            "name": c,
            "scale": results.scale(c),
            "worse": "higher" if worse_when_higher(results, c) else "lower",
            "descriptive": results.descriptive(c),
            "headline": c in headline,
        }
        for c in results.metric_columns
    ]


def _order(results: Results, doc_ids: Sequence[str], bad: set[str], headline: Sequence[str]) -> list[int]:
    """Document indices worst first: a failed, flagged or truncated summary, then by a headline mean."""
    column = next((c for c in headline if not results.descriptive(c)), None)
    means: Mapping[str, float] = {}
    if column is not None and len(results.scores):
        means = {str(d): float(v) for d, v in results.wide(column).mean(axis=1).items()}
    sign = 1.0 if worse_when_higher(results, column or "") else -1.0

    def key(i: int) -> tuple[int, int, float, int]:
        mean = means.get(doc_ids[i], math.nan)
        missing = math.isnan(mean)
        return (0 if doc_ids[i] in bad else 1, 1 if missing else 0, 0.0 if missing else sign * mean, i)

    return sorted(range(len(doc_ids)), key=key)


def _summary(row: Any, proof: dict[str, Any], flagged: bool) -> dict[str, Any]:
    """One summary's entry before its sentences are aligned: text, failure, truncation, flag, evidence."""
    summary, error, finish = _text(row.summary), _text(row.error), _text(row.finish_reason)
    item: dict[str, Any] = {"text": summary}
    if error is not None or summary is None:
        item["error"] = error or "no summary"
    if finish is not None:
        item["finish"] = finish
    if flagged or _flagged(proof):
        item["flagged"] = True
    if proof:
        item["evidence"] = proof
    return item


def _align(item: dict[str, Any], article: Article, system: int) -> dict[int, list[int] | None]:
    """Add the summary's sentences, best-supporting article sentences and marks to its entry.

    Returns the article sentences it used, each with ``[system, start, end]`` where the summary
    holds that sentence word for word (so the viewer can quote it from there), else None."""
    summary = item["text"]
    if not summary:
        return {}
    aligned = article.align(summary)
    item["sentences"] = [
        [*(a.span or (-1, -1)), -1 if a.article is None else a.article, round(100 * a.share)] for a in aligned
    ]
    proof = item.get("evidence", {})
    weakest = _weakest(proof, [a.text for a in aligned])
    if weakest is not None:
        item["weakest"] = weakest
    found = marks(summary, proof)
    if found:
        item["marks"] = [[m.start, m.end, m.kind, m.label] for m in found]
    used: dict[int, list[int] | None] = {}
    for a in aligned:
        if a.article is not None and used.get(a.article) is None:
            used[a.article] = [system, *a.span] if a.copied and a.span else None
    return used


def _embedded(docs: Sequence[Mapping[str, Any]], order: Sequence[int], budget: int) -> list[bool]:
    """Which documents' texts fit the budget, taken in ``order``."""
    embed = [False] * len(docs)
    left = budget
    for d in order:
        text = _text(docs[d].get("text"))
        if not text:
            continue
        refs = docs[d].get("references") or []
        size = len(text.encode("utf-8")) + sum(len(str(r).encode("utf-8")) for r in refs)
        if size <= left:
            left -= size
            embed[d] = True
    return embed


def _document(
    doc: Mapping[str, Any], article: Article, used: Mapping[int, list[int] | None], embed: bool
) -> dict[str, Any]:
    """A document's entry: id, title, sentence count, and its texts or its supporting sentences
    (each as its text, or as ``[system, start, end]`` of a summary that copies it)."""
    entry: dict[str, Any] = {"id": str(doc["id"])}
    if _text(doc.get("title")):
        entry["title"] = doc["title"]
    if article.sentences:
        entry["sentences"] = len(article.sentences)
    spans: dict[str, list[int]] = {}
    quotes: dict[str, str | list[int]] = {}
    for i in sorted(used):
        span = article.span(i) if embed else None
        if span is not None:
            spans[str(i)] = list(span)
        else:
            quotes[str(i)] = used[i] or article.sentences[i]
    if embed:
        entry["text"] = article.text
        entry["references"] = [str(r) for r in doc.get("references") or []]
    if spans:
        entry["spans"] = spans
    if quotes:
        entry["quotes"] = quotes
    return entry


def viewer_payload(
    results: Results,
    records: Sequence[Mapping[str, Any]],
    *,
    headline: Sequence[str] | None = None,
    article_budget: int = ARTICLE_BUDGET,
) -> dict[str, Any]:
    """The viewer's data: documents, systems, columns, scores and every summary with its evidence."""
    headline = list(headline if headline is not None else results.headline_columns)
    docs = _documents(results, records)
    doc_ids = [str(d["id"]) for d in docs]
    position = {d: i for i, d in enumerate(doc_ids)}
    systems = list(dict.fromkeys([*results.systems, *map(str, results.summaries["system"].unique())]))
    where = {s: i for i, s in enumerate(systems)}
    columns = _columns(results, headline)
    scores = []
    for system in systems:
        per_column = []
        for column in columns:
            wide = results.wide(column["name"])
            values = wide[system].reindex(doc_ids) if system in wide else pd.Series(math.nan, index=doc_ids)
            per_column.append([hundredths(v, column["scale"]) for v in values.tolist()])
        scores.append(per_column)
    flagged = _flag_scores(results)
    evidence = _evidence(results)
    summaries: list[list[dict[str, Any] | None]] = [[None] * len(docs) for _ in systems]
    for row in results.summaries.drop_duplicates(["doc_id", "system"]).itertuples(index=False):
        key = (str(row.doc_id), str(row.system))
        if key[0] in position:
            item = _summary(row, evidence.get(key, {}), key in flagged)
            summaries[where[key[1]]][position[key[0]]] = item
    bad = {
        doc_ids[d]
        for per_system in summaries
        for d, item in enumerate(per_system)
        if item is not None and ("error" in item or "flagged" in item or item.get("finish") == "length")
    }
    embed = _embedded(docs, _order(results, doc_ids, bad, headline), article_budget)
    out_docs = []
    for d, doc in enumerate(docs):
        article = Article(_text(doc.get("text")))  # one at a time: sentence grams are large
        used: dict[int, list[int] | None] = {}
        for s, per_system in enumerate(summaries):
            entry = per_system[d]
            if entry is not None:
                for i, copy in _align(entry, article, s).items():
                    used[i] = used.get(i) or copy
        out_docs.append(_document(doc, article, used, embed[d]))
    return {
        "version": 1,
        "systems": systems,
        "columns": columns,
        "documents": out_docs,
        "summaries": summaries,
        "scores": scores,
        "kinds": list(KINDS),
        "page_sizes": list(PAGE_SIZES),
        "budget": article_budget,
        "embedded": sum(embed),
    }


def script_json(payload: Any) -> str:
    """JSON for a ``<script type="application/json">`` element: compact, every ``<`` escaped."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c")


def encode_data(text: str, compress_over: int = COMPRESS_OVER) -> tuple[str, str | None]:
    """The data block's content and its ``data-encoding``: the JSON as it is up to
    ``compress_over`` bytes, else gzip (reproducible: no timestamp) in base64 and :data:`ENCODING`."""
    raw = text.encode("utf-8")
    if len(raw) <= compress_over:
        return text, None
    return base64.b64encode(gzip.compress(raw, compresslevel=9, mtime=0)).decode("ascii"), ENCODING


def decode_data(content: str, encoding: str | None) -> Any:
    """The payload back from a data block's content and ``data-encoding`` (the script's steps)."""
    if encoding is None:
        return json.loads(content)
    if encoding != ENCODING:
        raise ValueError(f"unknown viewer data encoding {encoding!r}; expected {ENCODING!r}")
    return json.loads(gzip.decompress(base64.b64decode(content, validate=True)).decode("utf-8"))


SCRIPT_PARTS = ("viewer_detail.js", "viewer.js")
"""The viewer's script files (in ``templates/``), wrapped in this order in one function."""


def viewer_script() -> str:
    """The viewer's JavaScript: its parts in one strict-mode function, so it defines no global."""
    folder = files("benchmark.reports").joinpath("templates")
    parts = [folder.joinpath(name).read_text(encoding="utf-8") for name in SCRIPT_PARTS]
    return "(function () {\n  'use strict';\n" + "".join(parts) + "}());\n"


def csp_source(script: str) -> str:
    """The Content-Security-Policy source that allows exactly this inline script."""
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return f"'sha256-{digest}'"


def build_viewer(
    results: Results,
    records: Sequence[Mapping[str, Any]],
    *,
    headline: Sequence[str] | None = None,
    article_budget: int = ARTICLE_BUDGET,
    compress_over: int = COMPRESS_OVER,
) -> Viewer:
    """The viewer section's parts for the report template (the data compressed when its JSON is
    over ``compress_over`` bytes)."""
    payload = viewer_payload(results, records, headline=headline, article_budget=article_budget)
    script = viewer_script()
    if "</script" in script.lower() or "<!--" in script:
        raise ValueError("the viewer's script must not contain '</script' or '<!--'")
    text = script_json(payload)
    data, encoding = encode_data(text, compress_over)
    return Viewer(
        data=Markup(data),
        encoding=encoding,
        json_bytes=len(text.encode("utf-8")),
        script=Markup(script),
        csp=Markup(csp_source(script)),
        documents=len(payload["documents"]),
        summaries=sum(item is not None for per_system in payload["summaries"] for item in per_system),
        embedded=payload["embedded"],
        budget=article_budget,
        method=METHOD,
    )
