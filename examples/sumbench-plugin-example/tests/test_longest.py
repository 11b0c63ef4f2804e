"""The example plugin on its own: its output, its options, and that sumbench finds it."""

from __future__ import annotations

import pytest
from sumbench_plugin_example import LongestSentences

from benchmark import Document
from benchmark.components.build import SUMMARIZERS

TEXT = (
    "Short one here. This sentence is clearly the longest of them all. A tiny one. "
    "A medium sized sentence here."
)


def make_doc(text: str = TEXT) -> Document:
    return Document(id="d1", text=text, references=("A reference.",))


def test_keeps_the_longest_sentences_in_document_order() -> None:
    assert LongestSentences(k=2).summarize([make_doc()]) == [
        "This sentence is clearly the longest of them all. A medium sized sentence here."
    ]


def test_rejects_a_bad_k() -> None:
    with pytest.raises(ValueError, match="k must be at least 1"):
        LongestSentences(k=0)


def test_the_fingerprint_follows_the_options() -> None:
    assert LongestSentences(k=2).fingerprint() != LongestSentences(k=3).fingerprint()


def test_sumbench_finds_the_entry_point() -> None:
    assert SUMMARIZERS.get("longest") is LongestSentences
