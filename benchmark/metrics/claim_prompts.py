"""The ``claims`` metric's prompts and the parsers of their answers.

Two steps, after FActScore (Min et al. 2023) and FineSurE (Song et al. 2024): split the summary
into atomic claims, then check a batch of claims against the article, each as supported,
contradicted or not in the article. Every text (summary, article, claims) is data in a
delimited block (:mod:`benchmark.metrics.prompt_blocks`). Changing any text here changes the
metric's signature (it holds a hash of them).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from benchmark.core.hashing import stable_hash
from benchmark.metrics import prompt_blocks

SYSTEM = "You are a careful fact checker of news summaries. You answer in the format asked for, nothing else."

SPLIT_FORM = """Split the summary into atomic claims: short, self-contained statements that each state \
one fact of the summary, with names instead of pronouns. Keep every number, name and date as the \
summary writes it; add nothing the summary does not say.

{data_note}

Summary:
{summary}

Answer with one claim per line, each line starting with "- ", and nothing else."""

VERIFY_FORM = """Check each numbered claim against the article. A claim is
- supported: the article states it, or it follows from what the article states;
- contradicted: the article states something that cannot be true together with it;
- not in the article: the article neither states it nor contradicts it.

{data_note}

Article:
{article}

Claims:
{claims}

Answer with one line per claim, in order, as "NUMBER: VERDICT" where VERDICT is supported, \
contradicted or not in the article, and nothing else."""

SUPPORTED, CONTRADICTED, ABSENT, FAILED = "supported", "contradicted", "not in the article", "failed"
VERDICTS = (SUPPORTED, CONTRADICTED, ABSENT)
_SYNONYMS = (
    (CONTRADICTED, ("contradict", "refute", "false", "incorrect", "inconsistent")),
    (
        ABSENT,
        (
            "not in",
            "not mentioned",
            "not stated",
            "unverifiable",
            "neutral",
            "not supported",
            "unsupported",
            "no evidence",
            "not enough",
        ),
    ),
    (SUPPORTED, ("support", "entail", "true", "correct", "consistent", "yes")),
)
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+(.+?)\s*$")
_NUMBERED = re.compile(r"^\s*(?:claim\s*)?(\d+)\s*[:.)\-]\s*(.+?)\s*$", re.IGNORECASE)
_MARKER = re.compile(r"<<\s*(?:END\s+)?[A-Z]+\s*>>")  # a block marker echoed back is no claim
_FIELD = re.compile(r"\{(data_note|summary|article|claims)\}")


def _render(form: str, fields: dict[str, str]) -> str:
    return _FIELD.sub(lambda m: fields[m.group(1)], form)  # one pass: braces in the texts stay


def split_prompt(summary: str) -> str:
    """The prompt that asks for the atomic claims of ``summary``."""
    return _render(
        SPLIT_FORM, {"data_note": prompt_blocks.DATA_NOTE, "summary": prompt_blocks.block("summary", summary)}
    )


def verify_prompt(article: str, claims: Sequence[str]) -> str:
    """The prompt that asks for the verdict of each of ``claims`` against ``article``."""
    numbered = "\n".join(f"{i}. {' '.join(c.split())}" for i, c in enumerate(claims, 1))
    return _render(
        VERIFY_FORM,
        {
            "data_note": prompt_blocks.DATA_NOTE,
            "article": prompt_blocks.block("article", article),
            "claims": prompt_blocks.block("claims", numbered),
        },
    )


def parse_claims(answer: str, limit: int) -> list[str]:
    """The claims of a split answer: its bulleted or numbered lines (the first ``limit``, each
    once; echoed block markers dropped); an answer without such lines gives its non-empty lines."""
    lines = [line for line in answer.splitlines() if line.strip()]
    bulleted = [m.group(1) for m in map(_BULLET.match, lines) if m]
    found = bulleted or [line.strip() for line in lines if not line.rstrip().endswith(":")]
    kept = (" ".join(c.split()) for c in found if len(c.split()) >= 2 and not _MARKER.search(c))
    return list(dict.fromkeys(kept))[:limit]


def verdict_of(text: str) -> str | None:
    """One verdict word or phrase as one of :data:`VERDICTS` (None when it is none of them)."""
    low = text.lower().strip(" .*_`'\"")
    for verdict, cues in _SYNONYMS:
        if any(low.startswith(cue) or cue in low.split(".")[0] for cue in cues):
            return verdict
    return None


def parse_verdicts(answer: str, count: int) -> list[str]:
    """A verdict per claim 1..``count`` from "N: verdict" lines; :data:`FAILED` where missing."""
    out = [FAILED] * count
    for line in answer.splitlines():
        match = _NUMBERED.match(line)
        if match and 1 <= int(match.group(1)) <= count:
            found = verdict_of(match.group(2))
            if found is not None and out[int(match.group(1)) - 1] == FAILED:
                out[int(match.group(1)) - 1] = found
    return out


def prompts_hash() -> str:
    """A short hash of every prompt text (for the signature)."""
    return stable_hash(
        {
            "system": SYSTEM,
            "split": SPLIT_FORM,
            "verify": VERIFY_FORM,
            "blocks": [prompt_blocks.DATA_NOTE, prompt_blocks.block("x", "")],
        },
        12,
    )
