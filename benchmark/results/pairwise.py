"""The ``pairwise`` block of results.json: a judge's verdicts on pairs of systems, and their statistics.

Data only (frozen dataclasses that read and write JSON); the verdicts come from
:mod:`benchmark.pipeline.pairwise` and the statistics from :mod:`benchmark.stats.pairwise`.

Each pair of systems ``(a, b)`` on one document is judged in both orders: ``verdict_ab`` with
``a`` shown first (``A`` means ``a`` is better), ``verdict_ba`` with ``b`` shown first (``A``
means ``b`` is better). :func:`outcome` combines them: both orders name the same summary (or
both say tie) is a win for it (or a tie); orders that disagree are ``inconsistent`` (counted
as a tie and reported); an order without a verdict (an unreadable reply, a failed request)
makes the document ``failed`` for that pair, left out of every rate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any

OUTCOMES = ("a", "b", "tie", "inconsistent", "failed")


def outcome(verdict_ab: str | None, verdict_ba: str | None) -> str:
    """``a``, ``b``, ``tie``, ``inconsistent`` or ``failed`` from the two orders' verdicts."""
    if verdict_ab is None or verdict_ba is None:
        return "failed"
    first = {"A": "a", "B": "b", "tie": "tie"}[verdict_ab]
    second = {"A": "b", "B": "a", "tie": "tie"}[verdict_ba]
    return first if first == second else "inconsistent"


def score_of_a(result: str) -> float | None:
    """``a``'s share of one document: 1 win, 0 loss, 0.5 tie or inconsistent; None if failed."""
    return {"a": 1.0, "b": 0.0, "tie": 0.5, "inconsistent": 0.5}.get(result)


@dataclass(frozen=True, slots=True)
class VerdictRow:
    """One document and pair of systems: the verdict, reply and cost of each order.

    ``p_ab`` / ``p_ba`` are P(A), P(B), P(tie) of each order when the judge gave them;
    ``length_a`` / ``length_b`` are the summaries' lengths in words; usage adds both orders;
    ``cached`` is True when both orders came from the cache (then they cost no request now)."""

    doc_id: str
    a: str
    b: str
    verdict_ab: str | None
    verdict_ba: str | None
    outcome: str
    length_a: int
    length_b: int
    p_ab: tuple[float, float, float] | None = None
    p_ba: tuple[float, float, float] | None = None
    answer_ab: str = ""
    answer_ba: str = ""
    error_ab: str | None = None
    error_ba: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    latency: float | None = None
    requests: int = 0
    cached: bool = False

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["p_ab"] = list(self.p_ab) if self.p_ab else None
        out["p_ba"] = list(self.p_ba) if self.p_ba else None
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> VerdictRow:
        values = _known(cls, data)
        for key in ("p_ab", "p_ba"):
            probs = values.get(key)
            values[key] = tuple(float(p) for p in probs) if isinstance(probs, list) and len(probs) == 3 \
                else None
        return cls(**values)


@dataclass(frozen=True, slots=True)
class Share:
    """A rate in [0, 1] with its bootstrap CI (``low``/``high`` None when not resampled)."""

    value: float | None
    low: float | None = None
    high: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any) -> Share:
        return cls(**_known(cls, data)) if isinstance(data, Mapping) else cls(None)


@dataclass(frozen=True, slots=True)
class PairRecord:
    """One pair of systems over the documents both summarized (``n``; ``failed`` among them).

    ``win_rate_a`` counts ties and inconsistent verdicts half, over the ``n - failed``
    documents with both orders judged; ``sign_p`` is the two-sided sign test on the wins
    (ties and inconsistent left out); ``lc_win_rate_a`` is the length-controlled win rate;
    ``soft_win_rate_a`` the mean probability-weighted preference when every judged order
    has probabilities; ``first_wins`` of ``decisive_orders`` is this pair's position bias."""

    a: str
    b: str
    n: int
    a_wins: int
    b_wins: int
    ties: int
    inconsistent: int
    failed: int
    win_rate_a: Share
    sign_p: float | None
    lc_win_rate_a: Share
    soft_win_rate_a: Share
    first_wins: int
    decisive_orders: int
    longer_wins: int
    decisive_unequal: int

    def to_dict(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        for key in ("win_rate_a", "lc_win_rate_a", "soft_win_rate_a"):
            interval = out.pop(key)
            out[key] = interval.value
            out[f"{key}_ci"] = [interval.low, interval.high]
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PairRecord:
        values = _known(cls, data)
        for key in ("win_rate_a", "lc_win_rate_a", "soft_win_rate_a"):
            ci = data.get(f"{key}_ci")
            low, high = ci if isinstance(ci, list) and len(ci) == 2 else (None, None)
            values[key] = Share(data.get(key), low, high)
        return cls(**values)


@dataclass(frozen=True, slots=True)
class RankRecord:
    """A system's Bradley-Terry strength (log-odds, mean 0 over the ranked systems) with its CI."""

    system: str
    strength: float
    low: float | None
    high: float | None
    battles: int

    def to_dict(self) -> dict[str, Any]:
        return {"system": self.system, "strength": self.strength, "ci": [self.low, self.high],
                "battles": self.battles}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RankRecord:
        ci = data.get("ci")
        low, high = ci if isinstance(ci, list) and len(ci) == 2 else (None, None)
        return cls(str(data["system"]), float(data["strength"]), low, high, int(data.get("battles") or 0))


@dataclass(frozen=True, slots=True)
class Bias:
    """The judge's biases over the whole run (each share with its CI over documents).

    ``position``: of the single-order verdicts that named a winner, the share that named the
    summary shown first (0.5 is unbiased). ``length``: of the consistent wins between summaries
    of different length, the share won by the longer one. ``inconsistency``: of the judged
    documents and pairs, the share whose two orders disagreed."""

    position: Share
    first_wins: int
    decisive_orders: int
    length: Share
    longer_wins: int
    decisive_unequal: int
    inconsistency: Share
    inconsistent: int
    judged: int
    failed: int

    def to_dict(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        for key in ("position", "length", "inconsistency"):
            out[key] = out[key].to_dict()
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Bias:
        def count(key: str) -> int:
            return int(data.get(key) or 0)

        return cls(
            Share.from_dict(data.get("position")), count("first_wins"), count("decisive_orders"),
            Share.from_dict(data.get("length")), count("longer_wins"), count("decisive_unequal"),
            Share.from_dict(data.get("inconsistency")), count("inconsistent"), count("judged"),
            count("failed"),
        )


@dataclass(frozen=True, slots=True)
class JudgeInfo:
    """Which judge gave the verdicts: its spec, signature and its own caveat (None for most)."""

    name: str
    spec: str
    signature: str
    caveat: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Pairwise:
    """Everything ``results.json`` holds under ``pairwise``."""

    judge: JudgeInfo
    systems: tuple[str, ...]
    statistics: str
    pairs: tuple[PairRecord, ...] = ()
    ranking: tuple[RankRecord, ...] = ()
    bias: Bias | None = None
    usage: Mapping[str, Any] = field(default_factory=dict)
    verdicts: tuple[VerdictRow, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "judge": self.judge.to_dict(),
            "systems": list(self.systems),
            "statistics": self.statistics,
            "pairs": [p.to_dict() for p in self.pairs],
            "ranking": [r.to_dict() for r in self.ranking],
            "bias": self.bias.to_dict() if self.bias else None,
            "usage": dict(self.usage),
            "verdicts": [v.to_dict() for v in self.verdicts],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Pairwise:
        judge = data.get("judge") or {}
        return cls(
            judge=JudgeInfo(**_known(JudgeInfo, judge)),
            systems=tuple(str(s) for s in data.get("systems") or ()),
            statistics=str(data.get("statistics") or ""),
            pairs=tuple(PairRecord.from_dict(p) for p in data.get("pairs") or ()),
            ranking=tuple(RankRecord.from_dict(r) for r in data.get("ranking") or ()),
            bias=Bias.from_dict(data["bias"]) if isinstance(data.get("bias"), Mapping) else None,
            usage=dict(data.get("usage") or {}),
            verdicts=tuple(VerdictRow.from_dict(v) for v in data.get("verdicts") or ()),
        )

    def pair(self, a: str, b: str) -> PairRecord | None:
        """The record of ``a`` against ``b`` as stored (either order), or None."""
        return next((p for p in self.pairs if {p.a, p.b} == {a, b}), None)


def _known(kind: type, data: Mapping[str, Any]) -> dict[str, Any]:
    names = {f.name for f in fields(kind)}
    return {k: v for k, v in data.items() if k in names}


def rows_by_pair(rows: Sequence[VerdictRow]) -> dict[tuple[str, str], list[VerdictRow]]:
    """Verdict rows grouped by ``(a, b)`` in first-seen order."""
    out: dict[tuple[str, str], list[VerdictRow]] = {}
    for row in rows:
        out.setdefault((row.a, row.b), []).append(row)
    return out
