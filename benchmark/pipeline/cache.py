"""Content-addressed SQLite store for summaries, per-document scores and pairwise verdicts.

Keys are content hashes: (summarizer key, document fingerprint) -> summary, (metric key,
candidate hash, document fingerprint) -> score columns, where a component's key is its
fingerprint or signature with the data key its ``prepare`` returned, and (judge signature,
document fingerprint, hash of the summary shown first, hash of the one shown second) ->
verdict: the order is part of the key, so each of a pair's two orders is its own row. What a summary or a
score cost and why (tokens, latency, finish reason; a metric's evidence) sits beside the row
in a details table under the same key, so a cached row reports what the call that made it
reported. Every batch is written in one transaction, so an interrupted run keeps what it
finished; WAL mode and a busy timeout let two runs share one cache file.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from benchmark.components.base import Evidence, Usage
from benchmark.core.errors import InputError
from benchmark.core.hashing import sha256_text

OPEN_TIMEOUT = 60.0  # seconds to keep trying when another run holds a new cache

SCHEMA = """
CREATE TABLE IF NOT EXISTS summaries (
    summarizer TEXT NOT NULL,
    document TEXT NOT NULL,
    summary TEXT NOT NULL,
    seconds REAL NOT NULL,
    created REAL NOT NULL,
    PRIMARY KEY (summarizer, document)
);
CREATE TABLE IF NOT EXISTS scores (
    metric TEXT NOT NULL,
    candidate TEXT NOT NULL,
    document TEXT NOT NULL,
    "values" TEXT NOT NULL,
    created REAL NOT NULL,
    PRIMARY KEY (metric, candidate, document)
);
CREATE TABLE IF NOT EXISTS signatures (
    metric TEXT PRIMARY KEY,
    signature TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS summary_details (
    summarizer TEXT NOT NULL,
    document TEXT NOT NULL,
    details TEXT NOT NULL,
    PRIMARY KEY (summarizer, document)
);
CREATE TABLE IF NOT EXISTS verdicts (
    judge TEXT NOT NULL,
    document TEXT NOT NULL,
    first TEXT NOT NULL,
    second TEXT NOT NULL,
    verdict TEXT NOT NULL,
    details TEXT NOT NULL,
    created REAL NOT NULL,
    PRIMARY KEY (judge, document, first, second)
);
CREATE TABLE IF NOT EXISTS score_details (
    metric TEXT NOT NULL,
    candidate TEXT NOT NULL,
    document TEXT NOT NULL,
    details TEXT NOT NULL,
    PRIMARY KEY (metric, candidate, document)
);
"""


@dataclass(frozen=True, slots=True)
class CachedSummary:
    """A stored summary with what making it cost."""

    document: str
    summary: str
    seconds: float
    timing: str = "batch-average"
    usage: Usage | None = None
    finish_reason: str | None = None

    def details(self) -> dict[str, Any]:
        return {
            "timing": self.timing,
            "usage": self.usage.to_dict() if self.usage else None,
            "finish_reason": self.finish_reason,
        }


@dataclass(frozen=True, slots=True)
class CachedScore:
    """Stored score columns of one (candidate, document) pair, with its evidence and cost."""

    columns: dict[str, float]
    evidence: Evidence | None = None
    usage: Usage | None = None


@dataclass(frozen=True, slots=True)
class CachedVerdict:
    """A stored verdict on one ordered matchup (``A``: the summary shown first is better)."""

    verdict: str
    probabilities: tuple[float, float, float] | None = None
    answer: str = ""
    usage: Usage | None = None


VerdictKey = tuple[str, str, str]  # (document fingerprint, summary shown first, summary shown second)


def default_cache_path() -> Path:
    """``$SUMBENCH_CACHE`` or ``$XDG_CACHE_HOME/sumbench/cache.sqlite`` (``~/.cache`` default)."""
    if env := os.environ.get("SUMBENCH_CACHE"):
        return Path(env)
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return base / "sumbench" / "cache.sqlite"


def unusable_cache(path: Path | None, exc: BaseException) -> InputError:
    """The error for a cache file SQLite cannot use (not a database, corrupt, unwritable)."""
    return InputError(
        f"cache {path} cannot be used ({exc}); delete it to start a fresh cache, "
        "or run with --no-cache (or --cache OTHER_FILE)"
    )


def _valid_columns(values: object) -> bool:
    return (
        isinstance(values, dict)
        and bool(values)
        and all(isinstance(k, str) and isinstance(v, int | float) and not isinstance(v, bool)
                for k, v in values.items())
    )


def candidate_key(candidate: str) -> str:
    return sha256_text(candidate)[:32]


def metric_key(signature: str) -> str:
    return sha256_text(signature)[:32]


class Cache:
    """The summary and score store; use as a context manager or call ``close``."""

    def __init__(self, path: str | Path | None) -> None:
        """Open (creating) the cache at ``path``; ``None`` keeps it in memory only."""
        self.path = Path(path) if path is not None else None
        if self.path is not None and self.path.exists() and not self.path.is_file():
            kind = "a directory" if self.path.is_dir() else "not a regular file"
            raise InputError(
                f"cache {self.path} is {kind}; give a cache file path with --cache, "
                "delete it if it is a stray leftover, or run with --no-cache"
            )
        deadline = time.monotonic() + OPEN_TIMEOUT
        while True:
            try:
                self._db = self._open()
                break
            except sqlite3.OperationalError as exc:
                # Two runs creating one cache at once: SQLite answers "locked" at once, without
                # waiting, where waiting could deadlock (switching to WAL, the first schema
                # write). It passes as soon as the other run is through; try again until then.
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise unusable_cache(self.path, exc) from None
                time.sleep(0.05)
            except (sqlite3.Error, OSError) as exc:
                raise unusable_cache(self.path, exc) from None
        self.bad_rows = 0

    def _open(self) -> sqlite3.Connection:
        """Connect, set WAL and the busy timeout, create the tables; closed again on failure."""
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(str(self.path) if self.path else ":memory:", timeout=60.0)
        try:
            db.execute("PRAGMA busy_timeout = 60000")
            if self.path is not None:
                db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            with db:
                db.executescript(SCHEMA)
            db.execute("SELECT COUNT(*) FROM summaries").fetchone()
        except BaseException:
            db.close()
            raise
        return db

    def __enter__(self) -> Cache:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def get_summaries(self, summarizer: str, documents: Sequence[str]) -> dict[str, CachedSummary]:
        """Cached summaries of one summarizer, by document fingerprint."""
        found: dict[str, CachedSummary] = {}
        for chunk in _chunks(list(documents), 500):
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT s.document, s.summary, s.seconds, d.details FROM summaries s "
                f"LEFT JOIN summary_details d ON d.summarizer = s.summarizer AND d.document = s.document "
                f"WHERE s.summarizer = ? AND s.document IN ({marks})",
                [summarizer, *chunk],
            )
            for doc, summary, seconds, details in rows:
                if isinstance(summary, str) and isinstance(seconds, int | float):
                    found[doc] = _summary(doc, summary, float(seconds), _json_object(details))
                else:
                    self.bad_rows += 1
        return found

    def put_summaries(self, summarizer: str, items: Iterable[CachedSummary]) -> None:
        """Store summaries (with their details) in one transaction."""
        now = time.time()
        rows = list(items)
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO summaries VALUES (?, ?, ?, ?, ?)",
                [(summarizer, r.document, r.summary, r.seconds, now) for r in rows],
            )
            self._db.executemany(
                "INSERT OR REPLACE INTO summary_details VALUES (?, ?, ?)",
                [(summarizer, r.document, json.dumps(r.details())) for r in rows],
            )

    def get_scores(
        self, signature: str, pairs: Sequence[tuple[str, str]]
    ) -> dict[tuple[str, str], CachedScore]:
        """Cached scores for ``(candidate, document fingerprint)`` pairs under one metric key."""
        key = metric_key(signature)
        found: dict[tuple[str, str], CachedScore] = {}
        wanted = {(candidate_key(c), d): (c, d) for c, d in pairs}
        docs = sorted({d for _, d in pairs})
        for chunk in _chunks(docs, 500):
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f'SELECT s.candidate, s.document, s."values", d.details FROM scores s '
                f"LEFT JOIN score_details d ON d.metric = s.metric AND d.candidate = s.candidate "
                f"AND d.document = s.document WHERE s.metric = ? AND s.document IN ({marks})",
                [key, *chunk],
            )
            for cand, doc, values, details in rows:
                if (cand, doc) not in wanted:
                    continue
                parsed = _json_object(values)
                if _valid_columns(parsed):
                    extra = _json_object(details) or {}
                    usage = extra.get("usage")
                    evidence = extra.get("evidence")
                    found[wanted[(cand, doc)]] = CachedScore(
                        parsed,  # type: ignore[arg-type]
                        evidence if isinstance(evidence, dict) else None,
                        Usage.from_dict(usage) if isinstance(usage, dict) else None,
                    )
                else:
                    self.bad_rows += 1
        return found

    def put_scores(self, signature: str, items: Iterable[tuple[str, str, CachedScore]]) -> None:
        """Store ``(candidate, document fingerprint, score)`` rows in one transaction."""
        key = metric_key(signature)
        now = time.time()
        rows = list(items)
        details = [
            (key, candidate_key(c), d, json.dumps({"evidence": s.evidence, "usage": s.usage.to_dict()
                                                    if s.usage else None}))
            for c, d, s in rows
            if s.evidence is not None or s.usage is not None
        ]
        with self._db:
            self._db.execute("INSERT OR IGNORE INTO signatures VALUES (?, ?)", (key, signature))
            self._db.executemany(
                "INSERT OR REPLACE INTO scores VALUES (?, ?, ?, ?, ?)",
                [(key, candidate_key(c), d, json.dumps(s.columns), now) for c, d, s in rows],
            )
            self._db.executemany("INSERT OR REPLACE INTO score_details VALUES (?, ?, ?, ?)", details)

    def get_verdicts(self, signature: str, keys: Sequence[VerdictKey]) -> dict[VerdictKey, CachedVerdict]:
        """Cached verdicts under one judge signature, by ``(document, first, second)`` texts' key."""
        judge = metric_key(signature)
        wanted = {(d, candidate_key(a), candidate_key(b)): (d, a, b) for d, a, b in keys}
        found: dict[VerdictKey, CachedVerdict] = {}
        for chunk in _chunks(sorted({d for d, _, _ in keys}), 500):
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT document, first, second, verdict, details FROM verdicts "
                f"WHERE judge = ? AND document IN ({marks})",
                [judge, *chunk],
            )
            for doc, first, second, verdict, details in rows:
                key = wanted.get((doc, first, second))
                if key is None:
                    continue
                parsed = _verdict(verdict, _json_object(details))
                if parsed is None:
                    self.bad_rows += 1
                else:
                    found[key] = parsed
        return found

    def put_verdicts(self, signature: str, items: Iterable[tuple[VerdictKey, CachedVerdict]]) -> None:
        """Store ``((document, first, second), verdict)`` rows in one transaction."""
        judge = metric_key(signature)
        now = time.time()
        rows = [
            (judge, d, candidate_key(a), candidate_key(b), v.verdict,
             json.dumps({"probabilities": v.probabilities, "answer": v.answer,
                         "usage": v.usage.to_dict() if v.usage else None}), now)
            for (d, a, b), v in items
        ]
        with self._db:
            self._db.execute("INSERT OR IGNORE INTO signatures VALUES (?, ?)", (judge, signature))
            self._db.executemany("INSERT OR REPLACE INTO verdicts VALUES (?, ?, ?, ?, ?, ?, ?)", rows)

    def counts(self) -> dict[str, int]:
        """Number of cached summaries, score rows and verdicts."""
        (n_sum,) = self._db.execute("SELECT COUNT(*) FROM summaries").fetchone()
        (n_sc,) = self._db.execute("SELECT COUNT(*) FROM scores").fetchone()
        (n_v,) = self._db.execute("SELECT COUNT(*) FROM verdicts").fetchone()
        return {"summaries": int(n_sum), "scores": int(n_sc), "verdicts": int(n_v)}


def _json_object(text: object) -> dict[str, Any] | None:
    """``text`` parsed as a JSON object, or None (absent, damaged, another type)."""
    if not isinstance(text, str):
        return None
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return parsed if isinstance(parsed, dict) else None


def _verdict(verdict: object, details: dict[str, Any] | None) -> CachedVerdict | None:
    """A cached verdict row, or None when it is damaged (then it is asked again)."""
    if verdict not in ("A", "B", "tie") or details is None:
        return None
    probs = details.get("probabilities")
    triple = None
    if isinstance(probs, list) and len(probs) == 3 and all(
        isinstance(p, int | float) and not isinstance(p, bool) for p in probs
    ):
        triple = (float(probs[0]), float(probs[1]), float(probs[2]))
    usage = details.get("usage")
    answer = details.get("answer")
    return CachedVerdict(
        str(verdict),
        triple,
        answer if isinstance(answer, str) else "",
        Usage.from_dict(usage) if isinstance(usage, dict) else None,
    )


def _summary(document: str, summary: str, seconds: float, details: dict[str, Any] | None) -> CachedSummary:
    """A cached summary row; rows written before details were kept have none."""
    if not details:
        return CachedSummary(document, summary, seconds)
    usage = details.get("usage")
    timing = details.get("timing")
    finish = details.get("finish_reason")
    return CachedSummary(
        document,
        summary,
        seconds,
        timing if isinstance(timing, str) else "batch-average",
        Usage.from_dict(usage) if isinstance(usage, dict) else None,
        finish if isinstance(finish, str) else None,
    )


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
