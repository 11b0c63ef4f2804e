"""Quantities normalised like numbers: times, dates, money, ordinals, ranges (and the misses of a
real run of a small LLM's summaries)."""

from __future__ import annotations

import pytest

from benchmark.metrics import claims
from benchmark.metrics.numbers import ArticleQuantities, quantities

RACE = (
    "Eliud Kipchoge won the Berlin marathon on Sunday, September 25, in 2:21:48 after a slow start. "
    "The runner-up, Mark Korir, finished in 2:23:10. Prize money was $50,000 for the winner. "
    "It was his 4th win in Berlin and the race had 40,000 starters aged 18 to 80. "
    "The gates opened at 7.30am."
)


@pytest.mark.parametrize(
    ("summary", "unsupported"),
    [
        ("Kipchoge won in 2:21:48.", ()),
        ("Kipchoge won in 9:21:48.", ("9:21:48",)),  # the hours of a time changed
        ("Kipchoge won in 2:30:45.", ("2:30:45",)),  # a time the article never states
        ("The race was on September 25.", ()),
        ("The race was on 25th September.", ()),
        ("The race was on September 26.", ("September 26",)),  # a date: 26 alone is no number here
        ("The race was on Saturday.", ("Saturday",)),
        ("The winner took $50,000.", ()),
        ("The winner took £50,000.", ("£50,000",)),  # money in another currency
        ("The winner took 50,000 dollars.", ()),
        ("It was his fourth win in Berlin.", ()),
        ("It was his fifth win in Berlin.", ("fifth",)),  # an ordinal
        ("Runners were aged 18-80.", ()),
        ("Runners were aged between 18 and 80.", ()),
        ("Runners were aged 18 to 81.", ("18 to 81",)),  # a range with one end changed
        ("The gates opened at 7:30am.", ()),
        ("The gates opened at 7:30pm.", ("7:30pm",)),
    ],
)
def test_times_dates_money_ordinals_and_ranges_are_compared_as_values(
    summary: str, unsupported: tuple[str, ...]
) -> None:
    assert claims.check(summary, RACE).unsupported_numbers == unsupported


def test_kinds_and_values() -> None:
    found = [
        (q.kind, q.value, q.unit) for q in quantities("2:21:48, 2.30pm, March 3rd, $5m, 83rd, 2-1, May 5")
    ]
    assert found == [
        ("time", "2:21:48?", ""),
        ("time", "14:30:00", ""),
        ("date", "3-3", ""),
        ("money", "5000000", "USD"),
        ("ordinal", "83", ""),
        ("range", "2-1", ""),
        ("date", "5-5", ""),
    ]
    assert quantities("you may go") == [] and quantities("Theresa May said") == []


def test_a_range_lends_its_ends_and_money_its_value() -> None:
    article = ArticleQuantities.of("Between 10 and 12 people paid £5 million.")
    assert all(article.supports(q) for q in quantities("12 people paid 5 million"))
    assert not any(article.supports(q) for q in quantities("$5 million"))  # another currency


def test_a_number_stated_only_beside_someone_else_is_weakly_supported() -> None:
    article = "Gemma, 17, has two children. Her mother Debbie, 52, looks after them."
    found = claims.check("Gemma, 52, has two children.", article)
    assert found.unsupported_numbers == () and found.weak_numbers == ("52",)
    assert claims.check("Gemma, 17, has two children.", article).weak_numbers == ()
