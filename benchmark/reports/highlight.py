"""Mark the words of a summary that belong to a word bigram shared with any reference.

Tokens are Unicode word runs (``\\w+``), compared lower-cased without stemming. A token is
marked when the bigram it forms with its left or right neighbour occurs in a reference;
consecutive marked tokens whose bigram is shared are joined into one ``<mark>``. Every
piece of text goes through ``markupsafe.escape``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markupsafe import Markup, escape

_TOKEN = re.compile(r"\w+", re.UNICODE)
N = 2


def ngrams(text: str, n: int = N) -> set[tuple[str, ...]]:
    """Lower-cased word n-grams of a text."""
    tokens = [t.lower() for t in _TOKEN.findall(text)]
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def shared_bigram_marks(summary: str, references: Sequence[str]) -> Markup:
    """The summary as escaped HTML with shared-bigram words wrapped in ``<mark>``."""
    shared: set[tuple[str, ...]] = set()
    for ref in references:
        shared |= ngrams(ref)
    matches = list(_TOKEN.finditer(summary))
    words = [m.group().lower() for m in matches]
    joined = [(words[i], words[i + 1]) in shared for i in range(len(words) - 1)]
    marked = [(i > 0 and joined[i - 1]) or (i < len(joined) and joined[i]) for i in range(len(words))]
    out: list[str] = []
    pos = 0
    for i, match in enumerate(matches):
        gap = summary[pos : match.start()]
        inside = i > 0 and marked[i] and joined[i - 1]
        out.append(str(escape(gap)))
        if marked[i] and not inside:
            out.append("<mark>")
        out.append(str(escape(match.group())))
        if marked[i] and not (i < len(joined) and joined[i]):
            out.append("</mark>")
        pos = match.end()
    out.append(str(escape(summary[pos:])))
    return Markup("".join(out))
