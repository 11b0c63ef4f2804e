"""Formatting shared by every report (Markdown, HTML, terminal): numbers, CIs, escapes."""

from __future__ import annotations

import math
import re

from benchmark.core.safe_text import printable
from benchmark.results.pairwise import Share


def md_escape(text: str) -> str:
    """Escape text for a Markdown table cell or paragraph: no markup, link, HTML, math or mention."""
    text = " ".join(printable(text).split())
    return _EMOJI.sub(r"\\:", _MD_SPECIAL.sub(r"\\\g<0>", text))


# "_" inside a word (rouge1_f) cannot start emphasis in CommonMark: left as it is
_MD_SPECIAL = re.compile(r"[\\`*\[\]<>|#!&~$@]|(?<![^\W_])_|_(?![^\W_])")
_EMOJI = re.compile(r":(?=[\w+-]+:)")  # ":smile:" would be an emoji on GitHub; "lead:k=1" stays


def md_code(text: str) -> str:
    """Inline code whose fence is longer than any backtick run inside; ``|`` escaped for tables."""
    body = " ".join(printable(text).split()).replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if body.startswith("`") or body.endswith("`") or longest else ""
    return f"{fence}{pad}{body}{pad}{fence}"


def fmt_ci(low: float, high: float, scale: float = 100.0, signed: bool = False) -> str:
    """A CI on the display scale: ``[39.10, 43.40]``; ``signed`` for changes: ``[-2.10, +0.40]``."""
    fmt = fmt_delta if signed else fmt_score
    return f"[{fmt(low, scale)}, {fmt(high, scale)}]"


def fmt_delta(value: float, scale: float = 100.0) -> str:
    """A signed change on the display scale (x100 for fractions)."""
    if value is None or math.isnan(value):
        return "—"
    return f"{scale * value:+.2f}"


def fmt_p(value: float) -> str:
    if value is None or math.isnan(value):
        return "—"
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def fmt_score(value: float, scale: float = 100.0) -> str:
    """A score on its display scale (fractions x100, ROUGE tradition), two decimals; NaN as a dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{scale * value:.2f}"


def fmt_n(n: int, total: int) -> str:
    """`` (n=K)`` when a mean covers fewer than all ``total`` documents (a failed summary, a
    document without references, a failed judgement), else nothing."""
    return f" (n={n})" if n < total else ""
def fmt_share(share: Share, ci: bool = True) -> str:
    """A rate in [0, 1] as a percentage with its CI: ``62.5 [50.0, 75.0]``; None as a dash."""
    if share.value is None:
        return "—"
    if not ci or share.low is None or share.high is None:
        return f"{100 * share.value:.1f}"
    return f"{100 * share.value:.1f} [{100 * share.low:.1f}, {100 * share.high:.1f}]"
