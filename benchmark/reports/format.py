"""Formatting shared by every report (Markdown, HTML, terminal): numbers, CIs, escapes."""

from __future__ import annotations

import math


def md_escape(text: str) -> str:
    """Escape text for a Markdown table cell or paragraph."""
    text = " ".join(str(text).split())
    for char in "\\`*_[]<>|":
        text = text.replace(char, "\\" + char)
    return text


def md_code(text: str) -> str:
    """Inline code for a table cell: the ``|`` that would end the cell is escaped."""
    return "`" + " ".join(str(text).split()).replace("`", "'").replace("|", "\\|") + "`"


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
