"""Names checked sentence by sentence: swapped names and teams are weakly supported, role changes
are seen, word-order variants match (the misses and the false flag of a real run)."""

from __future__ import annotations

import pytest

from benchmark.metrics import claims
from benchmark.metrics.entities import ArticleNames, check_names

MATCH = (
    "Harry Kane scored twice as Tottenham beat Leicester 4-1 at White Hart Lane on Saturday. "
    "Dele Alli was booked in the second half for a late tackle. "
    "Striker Kane now has 20 goals this season. "
    "Hugo Lloris, the Tottenham goalkeeper, saved a penalty from Jamie Vardy. "
    "Leicester manager Claudio Ranieri said his side had been beaten by the better team."
)


def verdicts(summary: str, article: str = MATCH) -> dict[str, str]:
    return {c.name: c.support for c in check_names(summary, ArticleNames.of(article))}


def test_a_scorer_swapped_for_another_name_of_the_article_is_weakly_supported() -> None:
    assert verdicts("Kane scored twice as Tottenham beat Leicester.")["Kane"] == "supported"
    found = claims.check("Dele Alli scored twice as Tottenham beat Leicester.", MATCH)
    assert found.weak_entities == ("Dele Alli",) and found.unsupported_entities == ()
    assert found.evidence()["weakly_supported_names"] == ["Dele Alli"]


def test_a_team_swapped_for_the_other_team_is_weakly_supported() -> None:
    assert verdicts("Lloris saved a penalty for Tottenham.")["Tottenham"] == "supported"
    assert verdicts("Lloris saved a penalty for Leicester.")["Leicester"] == "weak"
    assert verdicts("Kane scored twice as Leicester beat Tottenham.") == {
        "Kane": "supported",
        "Leicester": "supported",
        "Tottenham": "supported",
    }  # both teams in the sentence: who beat whom is beyond a string check


def test_a_summary_sentence_fused_from_several_article_sentences_stays_supported() -> None:
    article = (
        "Alexis Sanchez was courted by elite clubs last summer but chose a new club. "
        "Barcelona let him leave after the World Cup. Arsenal paid £32million for the forward."
    )
    assert set(verdicts("Alexis Sanchez joined Arsenal from Barcelona last summer.", article).values()) == {
        "supported"
    }


@pytest.mark.parametrize(
    "summary",
    ["Goalkeeper Harry Kane scored twice.", "Kane, the Tottenham goalkeeper, scored twice."],
)
def test_a_striker_called_a_goalkeeper_is_a_role_change(summary: str) -> None:
    found = claims.check(summary, MATCH)
    assert len(found.role_changes) == 1 and "goalkeeper (article: striker)" in found.role_changes[0]
    assert found.any_unsupported


def test_a_role_the_article_gives_is_no_change() -> None:
    for summary in ("Striker Harry Kane scored twice.", "Tottenham goalkeeper Hugo Lloris saved a penalty."):
        assert claims.check(summary, MATCH).role_changes == ()


@pytest.mark.parametrize(
    "summary",
    [
        "The Corvane Regional Assembly voted to lower the voting age.",
        "Corvane's regional assembly voted to lower the voting age.",
        "The regional assembly of Corvane voted to lower the voting age.",
    ],
)
def test_word_order_variants_of_a_name_match(summary: str) -> None:
    article = "The regional assembly of Corvane voted narrowly on Wednesday to lower the voting age to 16."
    found = claims.check(summary, article)
    assert found.unsupported_entities == () and found.weak_entities == ()


def test_names_in_lower_cased_summaries_and_invented_names() -> None:
    assert verdicts("dele alli scored twice as tottenham beat leicester .")["dele alli"] == "weak"
    found = claims.check("Wayne Rooney scored twice for Tottenham.", MATCH)
    assert found.unsupported_entities == ("Wayne Rooney",)
    assert claims.check("Paul Merson praised Kane.", "Merson praised Harry Kane.").unsupported_entities == ()
