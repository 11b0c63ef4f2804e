"""Sentence selection shared by the extractive summarizers: k, word budget, document order."""

from __future__ import annotations

import pytest

from benchmark.inputs.text import count_words
from benchmark.summarizers.selection import choose, extract, rank_by_score, truncate_words

SENTENCES = [
    "One two three.",  # 3 words
    "Four five six seven eight.",  # 5 words
    "Nine ten.",  # 2 words
    "Eleven twelve thirteen fourteen.",  # 4 words
]


def test_k_takes_the_top_of_the_ranking_in_document_order() -> None:
    assert choose([3, 1, 0, 2], SENTENCES, k=2, words=None) == [1, 3]
    assert extract([3, 1, 0, 2], SENTENCES, k=2, words=None) == (
        "Four five six seven eight. Eleven twelve thirteen fourteen."
    )


def test_k_larger_than_the_document_keeps_everything() -> None:
    assert choose([2, 0, 1, 3], SENTENCES, k=10, words=None) == [0, 1, 2, 3]


@pytest.mark.parametrize(
    ("ranking", "budget", "expected"),
    [
        ([1, 3, 0, 2], 9, [1, 3]),  # 5 + 4 fill it exactly
        ([1, 3, 0, 2], 8, [0, 1]),  # after 5, the 4-word one would overflow: skipped; 3 fits
        ([0, 1, 2, 3], 100, [0, 1, 2, 3]),
    ],
)
def test_word_budget_takes_ranked_sentences_that_fit(
    ranking: list[int], budget: int, expected: list[int]
) -> None:
    chosen = choose(ranking, SENTENCES, k=1, words=budget)
    assert chosen == expected
    assert sum(count_words(SENTENCES[i]) for i in chosen) <= budget


def test_a_budget_smaller_than_every_sentence_cuts_the_best_one() -> None:
    assert extract([1, 0, 2, 3], SENTENCES, k=3, words=1) == "Four"
    assert truncate_words("It's a well-known fact, really.", 3) == "It's a well"


def test_empty_ranking_gives_an_empty_summary() -> None:
    assert extract([], [], k=3, words=None) == ""


def test_rank_by_score_breaks_ties_by_position() -> None:
    assert rank_by_score([0.2, 0.5, 0.2, 0.5 + 1e-15]) == [1, 3, 0, 2]
