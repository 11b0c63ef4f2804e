"""Ids that look equal: normalisation and the words that say what differs."""

from __future__ import annotations

import unicodedata

import pytest

from benchmark.inputs.ids import NearMatches, difference, normalize_id

NFC = unicodedata.normalize("NFC", "café")
NFD = unicodedata.normalize("NFD", "café")


def test_normalize_id_is_nfc_and_stripped() -> None:
    assert normalize_id(f"  {NFD}\t") == NFC
    assert normalize_id("A1") == "A1"  # case is never folded


@pytest.mark.parametrize(
    ("mine", "theirs", "said"),
    [
        (NFD, NFC, r"Unicode normalisation: decomposed (NFD) vs composed (NFC) ('cafe\u0301' vs 'caf\xe9')"),
        ("x", "x ", "whitespace: no surrounding whitespace vs trailing ' ' ('x' vs 'x ')"),
        ("\tx", "x", r"whitespace: leading '\t' vs no surrounding whitespace ('\tx' vs 'x')"),
        ("X1", "x1", "case ('X1' vs 'x1')"),
        (f"{NFD} ", NFC, "whitespace: trailing ' ' vs no surrounding whitespace; Unicode normalisation"),
    ],
)
def test_difference_names_what_differs(mine: str, theirs: str, said: str) -> None:
    assert said in difference(mine, theirs)


def test_near_matches_explain_and_offer_the_fix() -> None:
    near = NearMatches([NFC, "x ", "A1"])
    assert "pass --normalize-ids" in near.explain(NFD) and "'caf\\xe9'" in near.explain(NFD)
    assert "pass --normalize-ids" in near.explain("x")
    assert "case-sensitively" in near.explain("a1") and "--normalize-ids" not in near.explain("a1")
    assert near.explain("zzz") == "" and near.explain(NFC) == ""
