"""Validation of a ``results.json`` payload before anything reads it (docs/results-schema.md).

An untrusted or damaged results file must give one clear input error that names the field
(``metadata.systems[0].name must be a string``), never a traceback deep in a report, a
silently accepted wrong shape, or a crash in CI. Unknown fields are allowed (the schema only
ever adds fields within a version).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from benchmark.core.errors import InputError

Check = Callable[[Any], bool]
Spec = dict[str, tuple[Check, bool]]


def _str(v: Any) -> bool:
    return isinstance(v, str)


def _int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _bool(v: Any) -> bool:
    return isinstance(v, bool)


def _obj(v: Any) -> bool:
    return isinstance(v, dict)


def _str_list(v: Any) -> bool:
    return isinstance(v, list) and all(isinstance(x, str) for x in v)


def _num_map(v: Any) -> bool:
    return isinstance(v, dict) and all(_num(x) for x in v.values())


def _opt(check: Check) -> Check:
    def optional(v: Any) -> bool:
        return v is None or check(v)

    optional.inner = check  # type: ignore[attr-defined]  # for the message: "null or <inner>"
    return optional


def _interval(v: Any) -> bool:
    return isinstance(v, list) and len(v) == 2 and all(x is None or _num(x) for x in v)


def _probs(v: Any) -> bool:
    return v is None or (isinstance(v, list) and len(v) == 3 and all(_num(x) for x in v))


def _verdict(v: Any) -> bool:
    return v is None or v in ("A", "B", "tie")


def _outcome(v: Any) -> bool:
    return v in ("a", "b", "tie", "inconsistent", "failed")


NAMES: dict[Check, str] = {
    _str: "a string",
    _int: "an integer",
    _num: "a finite number",
    _bool: "true or false",
    _obj: "an object",
    _str_list: "a list of strings",
    _num_map: "an object of numbers",
    _interval: "a list of two numbers or nulls",
    _probs: "null or a list of three numbers",
    _verdict: "null, \"A\", \"B\" or \"tie\"",
    _outcome: "one of a, b, tie, inconsistent, failed",
}

# field -> (check, required)
METADATA: Spec = {
    "sumbench_version": (_str, False),
    "run_id": (_str, False),
    "created": (_str, False),
    "dataset": (_obj, False),
    "seed": (_int, False),
    "bootstrap": (_int, False),
    "config": (_obj, False),
    "libraries": (_obj, False),
    "platform": (_obj, False),
    "cache": (_obj, False),
    "timings": (_num_map, False),
    "warnings": (_str_list, False),
}
GATE: Spec = {
    "ok": (_bool, True),
    "line": (_str, True),
    "system": (_str, False),
    "column": (_str, False),
}
DATASET: Spec = {
    "name": (_str, False),
    "source": (_str, False),
    "fingerprint": (_str, False),
    "documents": (_int, False),
}
SYSTEM: Spec = {
    "name": (_str, True),
    "spec": (_str, False),
    "summarizer": (_str, False),
    "class": (_str, False),
    "fingerprint": (_str, False),
    "documents": (_int, False),
    "failed": (_int, False),
    "seconds": (_num, False),
    "model": (_opt(_str), False),
    "in_flight": (_int, False),
}
METRIC: Spec = {
    "name": (_str, True),
    "spec": (_str, False),
    "signature": (_str, False),
    "columns": (_str_list, False),
    "headline": (_str_list, False),
    "scales": (_num_map, False),
    "higher_is_better": (_opt(_bool), False),
    "model": (_opt(_str), False),
    "lower_is_better": (_str_list, False),
}
CACHE: Spec = {
    k: (_int, False)
    for k in (
        "summaries_cached",
        "summaries_computed",
        "summaries_failed",
        "scores_cached",
        "scores_computed",
    )
}
SUMMARY: Spec = {
    "doc_id": (_str, True),
    "system": (_str, True),
    "summary": (_opt(_str), False),
    "seconds": (_opt(_num), False),
    "timing": (_opt(_str), False),
    "error": (_opt(_str), False),
    "cached": (_opt(_bool), False),
    "prompt_tokens": (_opt(_int), False),
    "completion_tokens": (_opt(_int), False),
    "latency": (_opt(_num), False),
    "retries": (_opt(_int), False),
    "tokens_counted": (_opt(_bool), False),
    "finish_reason": (_opt(_str), False),
}
EVIDENCE: Spec = {
    "doc_id": (_str, True),
    "system": (_str, True),
    "metric": (_str, True),
    "evidence": (_obj, True),
}
USAGE: Spec = {
    "doc_id": (_str, True),
    "system": (_str, True),
    "metric": (_str, True),
    "prompt_tokens": (_opt(_int), False),
    "completion_tokens": (_opt(_int), False),
    "latency": (_opt(_num), False),
    "requests": (_opt(_int), False),
    "cached": (_opt(_bool), False),
}
SCORE: Spec = {
    "doc_id": (_str, True),
    "system": (_str, True),
    "metric": (_str, True),
    "value": (_opt(_num), True),
}
PAIRWISE: Spec = {
    "judge": (_obj, True),
    "systems": (_str_list, False),
    "statistics": (_str, False),
    "bias": (_opt(_obj), False),
    "usage": (_obj, False),
}
JUDGE: Spec = {
    "name": (_str, True),
    "spec": (_str, False),
    "signature": (_str, True),
    "caveat": (_opt(_str), False),
}
PAIR: Spec = {
    **{k: (_str, True) for k in ("a", "b")},
    **{k: (_int, True) for k in ("n", "a_wins", "b_wins", "ties", "inconsistent", "failed")},
    **{k: (_opt(_num), False) for k in ("win_rate_a", "lc_win_rate_a", "soft_win_rate_a", "sign_p")},
    **{f"{k}_ci": (_interval, False) for k in ("win_rate_a", "lc_win_rate_a", "soft_win_rate_a")},
    **{k: (_int, True) for k in ("first_wins", "decisive_orders", "longer_wins", "decisive_unequal")},
}
SHARE: Spec = {k: (_opt(_num), False) for k in ("value", "low", "high")}
BIAS: Spec = {
    **{k: (_opt(_obj), False) for k in ("position", "length", "inconsistency")},
    **{k: (_int, False) for k in ("first_wins", "decisive_orders", "longer_wins", "decisive_unequal",
                                  "inconsistent", "judged", "failed")},
}
JUDGING_USAGE: Spec = {
    **{k: (_int, False) for k in ("requests", "cached_contests")},
    **{k: (_opt(_int), False) for k in ("prompt_tokens", "completion_tokens")},
    **{k: (_opt(_num), False) for k in ("latency", "seconds", "cost_usd")},
}
RANK: Spec = {
    "system": (_str, True),
    "strength": (_num, True),
    "ci": (_interval, False),
    "battles": (_int, False),
}
VERDICT: Spec = {
    **{k: (_str, True) for k in ("doc_id", "a", "b")},
    **{k: (_verdict, True) for k in ("verdict_ab", "verdict_ba")},
    "outcome": (_outcome, True),
    **{k: (_int, True) for k in ("length_a", "length_b")},
    "requests": (_int, False),
    **{k: (_probs, False) for k in ("p_ab", "p_ba")},
    **{k: (_str, False) for k in ("answer_ab", "answer_ba")},
    **{k: (_opt(_str), False) for k in ("error_ab", "error_ba")},
    **{k: (_opt(_int), False) for k in ("prompt_tokens", "completion_tokens")},
    "latency": (_opt(_num), False),
    "cached": (_bool, False),
}
DOCUMENT: Spec = {
    "id": (_str, True),
    "title": (_opt(_str), False),
    "text": (_opt(_str), False),
    "references": (_str_list, False),
}


def _describe(check: Check) -> str:
    for known, name in NAMES.items():
        if check is known:
            return name
    inner = getattr(check, "inner", None)
    if inner in NAMES:
        return "null or " + NAMES[inner]
    return "null or " + next((n for k, n in NAMES.items() if check(_SAMPLES[k])), "a value")


_SAMPLES: dict[Check, Any] = {
    _str: "",
    _int: 0,
    _num: 0.5,
    _bool: True,
    _obj: {},
    _str_list: [],
    _num_map: {},
    _interval: [0.1, 0.2],
    _probs: [0.1, 0.2, 0.7],
    _verdict: "A",
    _outcome: "a",
}


class _Problems:
    def __init__(self, file: object) -> None:
        self.file = file
        self.items: list[str] = []

    def add(self, message: str) -> None:
        if len(self.items) < 20:
            self.items.append(message)

    def fields(self, value: Any, path: str, spec: dict[str, tuple[Check, bool]]) -> bool:
        if not isinstance(value, dict):
            self.add(f"{path} must be an object, got {_kind(value)}")
            return False
        for name, (check, required) in spec.items():
            if name not in value:
                if required:
                    self.add(f"{path}.{name} is missing")
                continue
            if not check(value[name]):
                self.add(f"{path}.{name} must be {_describe(check)}, got {_kind(value[name])}")
        return True

    def rows(self, value: Any, path: str, spec: dict[str, tuple[Check, bool]]) -> list[dict[str, Any]]:
        if not isinstance(value, list):
            self.add(f"{path} must be a list of objects, got {_kind(value)}")
            return []
        good = []
        for i, row in enumerate(value):
            before = len(self.items)
            self.fields(row, f"{path}[{i}]", spec)
            if len(self.items) == before:
                good.append(row)
        return good


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    text = repr(value)
    return f"{type(value).__name__} {text[:40]}{'…' if len(text) > 40 else ''}"


def check_results_payload(payload: Any, file: object) -> None:
    """InputError naming each bad field of a parsed results.json (schema and version checked before)."""
    problems = _Problems(file)
    if "metadata" not in payload:
        problems.add("metadata is missing")
    elif problems.fields(payload["metadata"], "metadata", METADATA):
        meta = payload["metadata"]
        if isinstance(meta.get("dataset"), dict):
            problems.fields(meta["dataset"], "metadata.dataset", DATASET)
        if isinstance(meta.get("cache"), dict):
            problems.fields(meta["cache"], "metadata.cache", CACHE)
        problems.rows(meta.get("systems", []), "metadata.systems", SYSTEM)
        problems.rows(meta.get("metrics", []), "metadata.metrics", METRIC)
        problems.rows(meta.get("gates", []), "metadata.gates", GATE)
    problems.rows(payload.get("summaries", []), "summaries", SUMMARY)
    scores = problems.rows(payload.get("scores", []), "scores", SCORE)
    seen: dict[tuple[str, str, str], int] = {}
    for i, row in enumerate(scores):
        key = (row["doc_id"], row["system"], row["metric"])
        if key in seen:
            problems.add(
                f"scores[{i}] repeats scores[{seen[key]}] (doc_id {key[0]!r}, system {key[1]!r}, "
                f"metric {key[2]!r})"
            )
        seen.setdefault(key, i)
    problems.rows(payload.get("evidence", []), "evidence", EVIDENCE)
    problems.rows(payload.get("eval_usage", []), "eval_usage", USAGE)
    if isinstance(payload.get("documents"), list):
        problems.rows(payload["documents"], "documents", DOCUMENT)
    if "pairwise" in payload and problems.fields(payload["pairwise"], "pairwise", PAIRWISE):
        block = payload["pairwise"]
        if isinstance(block.get("judge"), dict):
            problems.fields(block["judge"], "pairwise.judge", JUDGE)
        problems.rows(block.get("pairs", []), "pairwise.pairs", PAIR)
        problems.rows(block.get("ranking", []), "pairwise.ranking", RANK)
        problems.rows(block.get("verdicts", []), "pairwise.verdicts", VERDICT)
        if isinstance(block.get("usage"), dict):
            problems.fields(block["usage"], "pairwise.usage", JUDGING_USAGE)
        bias = block.get("bias")
        if isinstance(bias, dict) and problems.fields(bias, "pairwise.bias", BIAS):
            for part in ("position", "length", "inconsistency"):
                if isinstance(bias.get(part), dict):
                    problems.fields(bias[part], f"pairwise.bias.{part}", SHARE)
    if problems.items:
        raise InputError(f"{file}: not a valid sumbench results file:", problems.items)
