"""The pairwise judge's prompt and the reading of its reply.

The default prompt (written for sumbench, after the pairwise forms of MT-Bench and AlpacaEval)
labels the summaries ``A`` and ``B`` and asks for one word: ``A``, ``B`` or ``tie``. The article,
the summaries and (on request) the references sit in delimited blocks
(:mod:`benchmark.models.prompt_blocks`): a text cannot close its block or forge another, and
the prompt declares the blocks data. A template file can replace the user prompt; its fields
``{article}``, ``{summary_a}``, ``{summary_b}``, ``{references}`` and ``{notice}`` expand to
those blocks and the data notice (it must use ``{summary_a}`` and ``{summary_b}``).

A reply is read leniently (:func:`parse_verdict`): ``[[A]]`` anywhere (MT-Bench's form, with
``[[C]]`` for a tie), a leading ``A``/``B``/``tie`` (also as ``Summary B``, ``(A)``,
``Answer: tie``, ``The answer is B``, ``**B**``), or one ``Summary X is better`` phrase. A
leading letter that names the loser (``A is worse than B``) and anything else is a failure
with the reply quoted, never a silent tie.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from benchmark.core.hashing import stable_hash
from benchmark.models.prompt_blocks import DATA_NOTICE, block

SYSTEM = (
    "You are a careful, impartial judge of news summaries. You compare two summaries of the same "
    "article and answer with one word: A, B or tie."
)

FORM = """Read the news article and the two summaries of it below, then decide which summary a reader would prefer.

A better summary is faithful to the article (it states nothing the article does not support), covers the article's main points, and reads clearly. Judge the content only: not the order in which the summaries are shown, and not their length.

{notice}

{article}
{references}
{summary_a}

{summary_b}

Which summary is better? Answer with one word: A if Summary A is better, B if Summary B is better, or tie if they are equally good."""  # noqa: E501

FIELDS = ("article", "summary_a", "summary_b", "references", "notice")
REQUIRED = ("summary_a", "summary_b")
_FIELD = re.compile(r"\{(" + "|".join(FIELDS) + r")\}")


def check_template(text: str, where: str) -> str:
    """``text`` if it is a usable template; a ValueError naming the missing fields otherwise."""
    used = set(_FIELD.findall(text))
    missing = [f for f in REQUIRED if f not in used]
    if missing:
        raise ValueError(
            f"template {where} lacks {', '.join('{' + f + '}' for f in missing)}; "
            f"its fields are {', '.join('{' + f + '}' for f in FIELDS)}"
        )
    return text


def render(template: str, article: str, first: str, second: str, references: Sequence[str] = ()) -> str:
    """The user prompt: ``first`` shown as Summary A, ``second`` as Summary B."""
    refs = "".join(f"\n{block(f'REFERENCE {i}', ref)}\n" for i, ref in enumerate(references, start=1))
    fields = {
        "article": block("ARTICLE", article),
        "summary_a": block("SUMMARY A", first),
        "summary_b": block("SUMMARY B", second),
        "references": refs,
        "notice": DATA_NOTICE,
    }
    return _FIELD.sub(lambda m: fields[m.group(1)], template)  # one pass: braces in the texts stay


def prompt_hash(template: str) -> str:
    """A short hash of the system prompt and the template (for the signature)."""
    return stable_hash({"system": SYSTEM, "template": template}, 12)


_BRACKETS = re.compile(r"\[\[\s*(a|b|c|tie)\s*\]\]", re.IGNORECASE)
_PREFIX = re.compile(
    r"^(?:(?:my|the|final|best|better|overall)\s+)*"
    r"(?:answer|verdict|winner|choice|judgement|judgment|preference|summary)?\s*(?:is\s*)?[:=\-–]\s*"
    r"|^(?:the\s+)?(?:better|best|preferred|winning)\s+(?:summary|one)\s+is\s+"
    r"|^(?:my|the)\s+(?:final\s+)?(?:answer|verdict|choice)\s+is\s+"
)
_HEAD = re.compile(
    r"(summary\s+|option\s+|output\s+)?[(\[]?(a|b|tie|equal|equally good)\b[)\]]?(.*)", re.DOTALL
)
_ARTICLE_WORD = re.compile(r"\s+[a-z]")  # "A summary ..." : the English article, not a verdict
_VERB = re.compile(r"\s+(?:is|wins|was|because|since|as|has|would|should)\b")
_BETTER = re.compile(
    r"\bsummary\s+(a|b)\s+(?:is|was)\s+(?:the\s+|clearly\s+|much\s+)?better\b", re.IGNORECASE
)
_WORSE = re.compile(  # "A is worse than B": a comparison that names the loser first
    r"\s+(?:is|was)\s+(?:(?:much|clearly|far|slightly)\s+)?(?:worse|less|weaker|inferior|not)\b|\s+loses\b"
)
_MARKUP = re.compile(r"[*_`#>\"']")


def parse_verdict(reply: str) -> str | None:
    """``A``, ``B`` or ``tie`` read from a reply, or None when it states no verdict.

    The reply's start is read with markdown marks dropped and lines joined ("The best summary
    is:" on one line and "A" on the next is a verdict); after a stated prefix ("Answer:", "The
    better summary is") the letter is the verdict, while a bare leading "A" followed by a word
    ("A summary should ...") is the English article, not a verdict."""
    found = {m.group(1).lower() for m in _BRACKETS.finditer(reply)}
    if len(found) == 1:
        letter = found.pop()
        return "tie" if letter in ("c", "tie") else letter.upper()
    text = " ".join(_MARKUP.sub(" ", reply).split()).lower()
    rest_of_reply = _PREFIX.sub("", text, count=1)
    head = _HEAD.match(rest_of_reply)
    if head:
        named, word, rest = head.group(1), head.group(2), head.group(3)
        if word in ("tie", "equal", "equally good"):
            return "tie"
        stated = rest_of_reply != text or named is not None
        bare_article = not stated and word == "a" and _ARTICLE_WORD.match(rest) and not _VERB.match(rest)
        if _WORSE.match(rest):
            return None  # read as no verdict (asked again), never as the summary it names
        if not bare_article:
            return word.upper()
    better = {m.group(1).upper() for m in _BETTER.finditer(reply)}
    return better.pop() if len(better) == 1 else None


def _label(token: str) -> str | None:
    word = token.strip().strip("[]()*\"'.:,").lower()
    return {"a": "A", "b": "B", "tie": "tie"}.get(word)


def verdict_probabilities(
    logprobs: Sequence[Sequence[tuple[str, float]]] | None, verdict: str
) -> tuple[float, float, float] | None:
    """P(A), P(B), P(tie) at the first generated token that states ``verdict``.

    The probabilities of the alternatives there that read as ``A``, ``B`` or ``tie`` (spaces,
    brackets and quotes ignored) are summed per label and renormalised to one; None when the
    reply carries no log-probabilities or no such token (a tie said as "equal")."""
    for position in logprobs or ():
        if not position or _label(position[0][0]) != verdict:
            continue
        mass = {"A": 0.0, "B": 0.0, "tie": 0.0}
        for token, logprob in dict(position).items():  # the chosen token repeats among its alternatives
            label = _label(token)
            if label is not None:
                mass[label] += math.exp(logprob)
        total = sum(mass.values())
        return (mass["A"] / total, mass["B"] / total, mass["tie"] / total) if total > 0 else None
    return None
