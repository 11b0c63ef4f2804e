"""Untrusted text made safe to show: control characters become visible escapes.

System names, dataset names, file paths, error messages and summaries come from users,
plugins and results files; a terminal must never receive their escape sequences raw
(colour changes, cursor moves, hyperlinks, title changes), nor an editor their
bidirectional overrides. Every renderer (terminal, Markdown, HTML, plots) passes such text
through :func:`printable` before its own escaping.
"""

from __future__ import annotations

import re

# C0/C1 controls (escape sequences, backspace, bell), DEL and the bidirectional overrides
# and isolates that reorder what is shown; newline and tab are kept.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: object) -> str:
    """``text`` with control characters shown as escapes (``\\x1b``), never sent raw."""
    return _CONTROLS.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), str(text))


def looks_binary(data: bytes) -> bool:
    """True for data that is not text: a NUL byte, or mostly undecodable or control bytes."""
    head = data[:65536]
    if b"\x00" in head:
        return True
    text = head.decode("utf-8", errors="replace")
    if not text:
        return False
    bad = text.count("\ufffd") + len(_CONTROLS.findall(text))
    return bad / len(text) > 0.1
