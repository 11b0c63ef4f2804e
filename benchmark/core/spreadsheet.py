"""Cells that stay inert when a CSV or TSV file is opened in a spreadsheet.

Document ids, system names and column names come from users and plugins. A spreadsheet
reads a cell that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return
before one) as a formula: ``=HYPERLINK(...)`` becomes a live link, ``+cmd|' /C calc'!A0``
a command. Every CSV or TSV cell sumbench writes goes through :func:`inert_cell`, the OWASP
rule: such a text cell gets a leading ``'``, which spreadsheets show as text. Numbers are
left as they are (a negative score stays ``-0.5``), and so is text that is a plain number.
"""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def inert_cell(value: object) -> object:
    """``value`` as a CSV cell that no spreadsheet runs: text starting with a formula
    character gets a leading ``'``; numbers and every other value are returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value
