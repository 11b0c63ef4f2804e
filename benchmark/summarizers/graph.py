"""Graph-based extractive summarizers: TextRank and LexRank, ranked by PageRank (networkx).

- TextRank (Mihalcea and Tarau 2004): sentences are nodes, edges are weighted by the
  paper's content overlap, ``|{w : w in Si and w in Sj}| / (log|Si| + log|Sj|)``, or, with
  ``similarity=tfidf``, by the TF-IDF cosine; no self-loops.
- LexRank (Erkan and Radev 2004): edges are weighted by the idf-modified cosine, self-loops
  included as in the paper's cosine matrix (continuous LexRank); with ``threshold=t`` only
  pairs whose cosine exceeds ``t`` are linked, unweighted (LexRank with threshold).

Terms are lower-cased word tokens, stopwords removed (the shipped English list) and Porter
stemmed (nltk, rouge-score's rule: tokens longer than 3 letters), both switchable. IDF comes
from the sentences of the document itself, ``log((1 + n) / (1 + df)) + 1`` (scikit-learn's
smooth IDF), so a summary depends on its document alone, never on the rest of a batch.
Both take ``damping`` (PageRank's alpha, the paper's 0.85) and keep ``k`` sentences or a
``words`` budget, in document order.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import version
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from benchmark.core.hashing import stable_hash
from benchmark.inputs.documents import Document
from benchmark.inputs.text import porter_stem, words
from benchmark.summarizers.selection import Extractive, rank_by_score
from benchmark.summarizers.stopwords import ENGLISH_STOPWORDS

if TYPE_CHECKING:  # numpy and networkx are imported where used: a cached run needs neither
    import numpy as np

PAGERANK_MAX_ITER = 1000


def sentence_terms(sentence: str, *, stopwords: bool = True, stem: bool = True) -> list[str]:
    """The terms of a sentence: lower-cased words, stopwords out, Porter stems."""
    tokens = [w.lower() for w in words(sentence)]
    if stopwords:
        tokens = [t for t in tokens if t not in ENGLISH_STOPWORDS]
    if stem:
        tokens = [porter_stem(t) for t in tokens]
    return tokens


def overlap_similarity(a: Sequence[str], b: Sequence[str]) -> float:
    """TextRank's similarity: distinct shared terms over ``log|a| + log|b|`` (term counts).

    Two one-term sentences have a zero denominator; they score their overlap (0 or 1).
    """
    common = len(set(a) & set(b))
    if common == 0:
        return 0.0
    norm = math.log(len(a)) + math.log(len(b))
    return common / norm if norm > 0 else float(common)


def tfidf_matrix(terms: Sequence[Sequence[str]]) -> np.ndarray:
    """Rows: L2-normalised TF-IDF vectors of the sentences (raw counts, smooth IDF)."""
    import numpy as np

    vocab = {t: i for i, t in enumerate(sorted({t for sent in terms for t in sent}))}
    counts = np.zeros((len(terms), len(vocab)))
    for row, sent in enumerate(terms):
        for term, n in Counter(sent).items():
            counts[row, vocab[term]] = n
    df = (counts > 0).sum(axis=0)
    idf = np.log((1 + len(terms)) / (1 + df)) + 1
    weighted = counts * idf
    norms = np.linalg.norm(weighted, axis=1, keepdims=True)
    return np.divide(weighted, norms, out=np.zeros_like(weighted), where=norms > 0)


def cosine_matrix(terms: Sequence[Sequence[str]]) -> np.ndarray:
    """Pairwise TF-IDF cosine (LexRank's idf-modified cosine); a sentence without terms scores 0."""
    import numpy as np

    vectors = tfidf_matrix(terms)
    return np.clip(vectors @ vectors.T, 0.0, 1.0)


def pagerank_scores(weights: np.ndarray, damping: float) -> list[float]:
    """PageRank of the undirected weighted graph with adjacency ``weights`` (diagonal: self-loops)."""
    import networkx as nx

    graph = nx.from_numpy_array(weights)
    ranks = nx.pagerank(graph, alpha=damping, weight="weight", max_iter=PAGERANK_MAX_ITER)
    return [float(ranks[i]) for i in range(len(weights))]


@dataclass(frozen=True)
class GraphRanker(Extractive):
    """Options shared by TextRank and LexRank; subclasses build the weight matrix."""

    stopwords: bool = True
    stem: bool = True
    damping: float = 0.85

    def __post_init__(self) -> None:
        super().__post_init__()
        if not 0 < self.damping < 1:
            raise ValueError(f"damping must be between 0 and 1 (exclusive), got {self.damping}")

    def weights(self, terms: list[list[str]]) -> np.ndarray:
        raise NotImplementedError

    def fingerprint_extra(self) -> dict[str, Any]:
        return {
            **super().fingerprint_extra(),
            "stopwords": stable_hash(sorted(ENGLISH_STOPWORDS)),
            "stemmer": f"nltk-{version('nltk')}-porter-original",
            "pagerank": f"networkx-{version('networkx')}",
        }

    def rank(self, sentences: Sequence[str], doc: Document) -> list[int]:
        terms = [sentence_terms(s, stopwords=self.stopwords, stem=self.stem) for s in sentences]
        return rank_by_score(pagerank_scores(self.weights(terms), self.damping))


@dataclass(frozen=True)
class TextRank(GraphRanker):
    """TextRank sentence extraction (Mihalcea and Tarau 2004).

    Example: ``textrank:k=3``, ``textrank:words=60``, ``textrank:similarity=tfidf``.
    """

    name: ClassVar[str] = "textrank"
    version: ClassVar[str] = "1"

    similarity: Literal["overlap", "tfidf"] = "overlap"

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.similarity not in ("overlap", "tfidf"):
            raise ValueError(f"similarity must be 'overlap' or 'tfidf', got {self.similarity!r}")

    def weights(self, terms: list[list[str]]) -> np.ndarray:
        import numpy as np

        if self.similarity == "tfidf":
            matrix = cosine_matrix(terms)
        else:
            n = len(terms)
            matrix = np.zeros((n, n))
            for i in range(n):
                for j in range(i + 1, n):
                    matrix[i, j] = matrix[j, i] = overlap_similarity(terms[i], terms[j])
        np.fill_diagonal(matrix, 0.0)
        return matrix


@dataclass(frozen=True)
class LexRank(GraphRanker):
    """LexRank (Erkan and Radev 2004): continuous, or with a cosine ``threshold``.

    Example: ``lexrank:k=3``, ``lexrank:threshold=0.1`` (the paper's best threshold).
    """

    name: ClassVar[str] = "lexrank"
    version: ClassVar[str] = "1"

    threshold: float | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.threshold is not None and not 0 <= self.threshold < 1:
            raise ValueError(f"threshold must be in [0, 1) or none, got {self.threshold}")

    def weights(self, terms: list[list[str]]) -> np.ndarray:
        matrix = cosine_matrix(terms)
        if self.threshold is None:
            return matrix
        return (matrix > self.threshold).astype(float)
