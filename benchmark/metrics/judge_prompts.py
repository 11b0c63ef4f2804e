"""The ``judge`` metric's prompts: one G-Eval-style form per aspect (criterion, steps, form).

Written for sumbench after the forms of G-Eval (Liu et al. 2023), with every aspect on the same
1-5 scale. The article and the summary are data in delimited blocks
(:mod:`benchmark.metrics.prompt_blocks`): a summary that says "ignore the instructions above"
stays inside its block, and the form says the blocks are never instructions. Changing any text
here changes the judge's signature (it holds a hash of them).
"""

from __future__ import annotations

import re

from benchmark.core.hashing import stable_hash
from benchmark.metrics import prompt_blocks

SYSTEM = "You are a careful evaluator of news summaries. You answer with a single digit."

FORM = """You will be given a news article and a summary written for it.
Your task is to rate the summary on one criterion.

Evaluation criterion:
{criterion}

Evaluation steps:
{steps}

{data_note}

Article:
{document}

Summary:
{summary}

Answer with the score only, one digit from 1 to 5.
{label} score (1-5):"""

_FIELD = re.compile(r"\{(criterion|steps|label|data_note|document|summary)\}")

ASPECTS: dict[str, tuple[str, str]] = {
    "consistency": (
        "Consistency (1-5): the factual agreement between the summary and the article. A consistent "
        "summary states only facts that the article supports; penalise any statement that is not in "
        "the article or contradicts it.",
        "1. Read the article and note the facts it states.\n"
        "2. Read the summary and check each of its statements against the article.\n"
        "3. Give 5 when every statement is supported, 1 when most are unsupported or wrong.",
    ),
    "relevance": (
        "Relevance (1-5): how well the summary selects the important content of the article. A "
        "relevant summary holds the main points and leaves out redundancy and minor details.",
        "1. Read the article and note its main points.\n"
        "2. Read the summary and check which main points it covers and what it adds that is minor.\n"
        "3. Give 5 when it covers the main points and nothing superfluous, 1 when it misses them.",
    ),
    "coherence": (
        "Coherence (1-5): the collective quality of the summary's sentences. A coherent summary is "
        "well structured and well organised, building from sentence to sentence a body of "
        "information about the topic, not a heap of related facts.",
        "1. Read the article to learn its topic and main points.\n"
        "2. Read the summary and judge whether it presents them in a clear, logical order.\n"
        "3. Give 5 when it reads as one organised whole, 1 when its sentences do not connect.",
    ),
    "fluency": (
        "Fluency (1-5): the quality of the summary's sentences in grammar, spelling, punctuation, "
        "word choice and sentence structure.",
        "1. Read the summary sentence by sentence.\n"
        "2. Note errors of grammar, spelling and punctuation, and sentences hard to read.\n"
        "3. Give 5 when it has no such problems, 1 when they make it hard to understand.",
    ),
}


def render(aspect: str, document: str, summary: str) -> str:
    """The user prompt that asks for ``aspect`` of ``summary`` of ``document``."""
    criterion, steps = ASPECTS[aspect]
    fields = {
        "criterion": criterion,
        "steps": steps,
        "label": aspect.capitalize(),
        "data_note": prompt_blocks.DATA_NOTE,
        "document": prompt_blocks.block("article", document),
        "summary": prompt_blocks.block("summary", summary),
    }
    return _FIELD.sub(lambda m: fields[m.group(1)], FORM)  # one pass: braces in the texts stay


def prompts_hash(aspects: tuple[str, ...]) -> str:
    """A short hash of every prompt text the given aspects use (for the signature)."""
    texts = {"system": SYSTEM, "form": FORM, "aspects": {a: ASPECTS[a] for a in aspects},
             "blocks": [prompt_blocks.DATA_NOTE, prompt_blocks.block("x", "")]}
    return stable_hash(texts, 12)
