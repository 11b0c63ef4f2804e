"""ROUGE through rouge-score-rs, a compiled implementation that gives rouge-score's numbers.

``rouge_score_rs.RougeScorer`` tokenizes and stems rouge-score's default way natively. For
our Unicode tokenizer it is given a memoised copy of that tokenizer (each text tokenized
once per run) and computes the n-gram and LCS scores natively from the tokens. Both are
checked against rouge-score in ``tests/metrics/test_rouge_native.py``; without the package
the metric uses the pure-Python path of :mod:`benchmark.metrics.rouge_fast`.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from benchmark.inputs.text import UnicodeTokenizer

MEMO_SIZE = 1 << 14


@lru_cache(maxsize=1)
def available() -> bool:
    """True when rouge-score-rs can be imported (it is small and quick to import)."""
    try:
        import rouge_score_rs  # noqa: F401
    except ImportError:
        return False
    return True


@lru_cache(maxsize=1)
def label() -> str:
    """``rouge-score-rs-<version>``: the compiled path as it appears in signatures."""
    from importlib.metadata import version

    return f"rouge-score-rs-{version('rouge-score-rs')}"


class _MemoTokenizer:
    """Our Unicode tokenizer with a bounded memo: a text shared by many pairs is tokenized once."""

    def __init__(self, use_stemmer: bool) -> None:
        self._tokenize = lru_cache(maxsize=MEMO_SIZE)(UnicodeTokenizer(use_stemmer).tokenize)

    def tokenize(self, text: str) -> list[str]:
        return self._tokenize(text)


@lru_cache(maxsize=8)
def native_scorer(rouge_types: tuple[str, ...], tokenizer: str, stemmer: bool) -> Any:
    """A rouge-score-rs scorer for ``rouge_types`` (one per configuration and process)."""
    from rouge_score_rs import RougeScorer

    if tokenizer == "default":
        return RougeScorer(list(rouge_types), use_stemmer=stemmer)
    return RougeScorer(list(rouge_types), tokenizer=_MemoTokenizer(stemmer))


def score_texts(
    scorer: Any, targets: Sequence[str], predictions: Sequence[str]
) -> list[dict[str, Any]]:
    """``scorer.score(t, p)`` for each pair (rouge-score's argument order: target first).

    Through ``score_batch``: with the default tokenizer rouge-score-rs scores the pairs on
    every core without holding the GIL (``RAYON_NUM_THREADS`` limits the threads); with ours,
    or in a worker process forked after such a call, it scores them one by one.
    """
    if len(targets) != len(predictions):
        raise ValueError(f"{len(targets)} targets but {len(predictions)} predictions")
    return list(scorer.score_batch(list(targets), list(predictions)))
