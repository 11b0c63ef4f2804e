"""CSV cells a spreadsheet would run get a leading quote; numbers and plain text stay as they are."""

from __future__ import annotations

import pytest

from benchmark.core.spreadsheet import inert_cell


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+2", "'=1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ('-HYPERLINK("http://x")', '\'-HYPERLINK("http://x")'),
        ("-2+3", "'-2+3"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-", "'-"),
        ("-5", "-5"),  # plain numbers cannot be formulas
        ("+1.5e3", "+1.5e3"),
        ("news-001", "news-001"),
        ("a=b", "a=b"),
        ("", ""),
        (-0.5, -0.5),
        (3, 3),
        (None, None),
    ],
)
def test_inert_cell(value: object, written: object) -> None:
    assert inert_cell(value) == written
