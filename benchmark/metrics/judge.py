"""An LLM judge: G-Eval-style (Liu et al. 2023) 1-5 ratings of summaries against their article.

``judge`` asks a chat model to rate each summary for ``consistency`` (the default) and, on
request, ``relevance``, ``coherence`` and ``fluency`` (``aspects=consistency+fluency``), with
the forms in :mod:`benchmark.metrics.judge_prompts`. The model is any OpenAI-compatible server
(``base_url``, ``model``, ``api_key_env``, ``concurrency``, ``retries``, ``timeout``, as for the
``api`` summarizer) or, without ``base_url``, a GGUF model in this process through llama.cpp
(``model=smollm2``, the bundled SmolLM2, or a ``.gguf`` path).

Scoring: when the answer carries token log-probabilities, the score is the probability-weighted
mean of 1..5 at the first answer token that is one of "1".."5", with the probabilities of those
five tokens among its top alternatives renormalised to sum to one (G-Eval's expected score).
Without log-probabilities it is the first integer in the answer. An answer without a score from
1 to 5, or a request that fails for good, is a failed judgement: NaN in that column, counted in
the ``judge_failed`` column and reported as a run warning. Rows with a failed judgement are not
cached (the scoring loop caches only complete rows), so a rerun asks again.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from typing import Any, ClassVar

from benchmark.components.base import MetricBase, MetricWarning, Scores
from benchmark.inputs.documents import Document
from benchmark.metrics import judge_prompts
from benchmark.models.llm_client import (
    ChatBackend,
    ChatError,
    ChatRequest,
    Completion,
    OpenAIChat,
    api_key,
    complete_all,
    local_backend,
    local_gguf,
    model_source,
    normalise_base_url,
)

SCORES = ("1", "2", "3", "4", "5")
FAILED = "judge_failed"
TOP_LOGPROBS = 20
_INTEGER = re.compile(r"(?<!\d)\d+(?!\d)")


def expected_score(position: Sequence[tuple[str, float]]) -> float | None:
    """Probability-weighted mean of 1..5 over one token's alternatives (renormalised); None if none."""
    logprobs = dict(position)  # the chosen token also appears among its alternatives
    mass: dict[int, float] = {}
    for token, logprob in logprobs.items():
        if token.strip() in SCORES:
            mass[int(token.strip())] = mass.get(int(token.strip()), 0.0) + math.exp(logprob)
    total = sum(mass.values())
    if total <= 0:
        return None
    return sum(score * p for score, p in mass.items()) / total


def parse_judgement(answer: Completion) -> float | str:
    """The score of an answer, or the reason it has none."""
    for position in answer.logprobs or ():
        if position and position[0][0].strip() in SCORES:
            score = expected_score(position)
            if score is not None:
                return score
    match = _INTEGER.search(answer.text)
    if match and 1 <= int(match.group()) <= 5:
        return float(match.group())
    shown = " ".join(answer.text.split())[:60]
    return f"no score from 1 to 5 in the answer {shown!r}"


@dataclass(frozen=True)
class Judge(MetricBase):
    """G-Eval-style 1-5 ratings by an LLM (see the module docstring)."""

    name: ClassVar[str] = "judge"
    version: ClassVar[str] = "1"
    headline: ClassVar[tuple[str, ...]] = ("judge_consistency",)
    needs_references: ClassVar[bool] = False

    aspects: str = "consistency"
    model: str = "smollm2"
    base_url: str | None = None
    logprobs: bool = True
    max_tokens: int = 10
    temperature: float = 0.0
    seed: int | None = None
    concurrency: int = 4
    timeout: float = 120.0
    retries: int = 4
    api_key_env: str | None = None
    threads: int | None = None

    def __post_init__(self) -> None:
        wanted = tuple(dict.fromkeys(a.strip() for a in re.split(r"[+,]", self.aspects) if a.strip()))
        unknown = [a for a in wanted if a not in judge_prompts.ASPECTS]
        if unknown or not wanted:
            raise ValueError(
                f"unknown aspect(s) {unknown or [self.aspects]}; choose from "
                + ", ".join(judge_prompts.ASPECTS)
                + " joined with +"
            )
        object.__setattr__(self, "aspects", "+".join(wanted))
        if self.base_url is not None:
            object.__setattr__(self, "base_url", normalise_base_url(self.base_url))
        for key in ("max_tokens", "concurrency"):
            if getattr(self, key) < 1:
                raise ValueError(f"{key} must be at least 1, got {getattr(self, key)}")
        if self.timeout <= 0 or self.retries < 0 or self.temperature < 0:
            raise ValueError("timeout must be positive, retries and temperature non-negative")
        api_key(self.api_key_env)

    @property
    def aspect_list(self) -> tuple[str, ...]:
        return tuple(self.aspects.split("+"))

    def headline_columns(self) -> tuple[str, ...]:
        return tuple(f"judge_{a}" for a in self.aspect_list)

    def columns(self) -> tuple[str, ...]:
        return (*self.headline_columns(), FAILED)

    def pricing_model(self) -> str | None:
        return self.model if self.base_url is not None else None

    def requests_in_flight(self) -> int:
        return self.concurrency

    def requirements(self) -> tuple[str, ...]:
        """A server is reached through the openai SDK; the bundled model runs through llama.cpp."""
        return ("openai",) if self.base_url is not None else ("llama_cpp",)

    def display_scale(self, column: str) -> float:
        return 1.0


    def signature_fields(self) -> list[tuple[str, Any]]:
        source = model_source(self.base_url, self.model, "judge")
        return [
            ("metric", self.name),
            ("impl", f"sumbench-judge-{self.version}"),
            ("aspects", self.aspects),
            *source,
            ("prompts", judge_prompts.prompts_hash(self.aspect_list)),
            ("scoring", f"logprobs-top{TOP_LOGPROBS}" if self.logprobs else "integer"),
            ("max_tokens", self.max_tokens),
            ("temperature", self.temperature),
            ("seed", self.seed),
        ]

    def backend(self) -> ChatBackend:
        """The server client, or the in-process model."""
        if self.base_url is not None:
            return OpenAIChat(
                self.base_url, self.model, api_key(self.api_key_env), self.timeout, self.retries
            )
        return local_backend(str(local_gguf(self.model, "judge").gguf_path), self.threads)

    def request(self, aspect: str, candidate: str, document: Document) -> ChatRequest:
        """The chat request that rates ``candidate`` for ``aspect``."""
        return ChatRequest.of(
            judge_prompts.render(aspect, document.text, candidate),
            judge_prompts.SYSTEM,
            max_tokens=self.max_tokens,
            temperature=self.temperature,
            seed=self.seed,
            logprobs=TOP_LOGPROBS if self.logprobs else 0,
        )

    def score(self, *, candidates: Sequence[str], documents: Sequence[Document]) -> Scores:
        jobs = [(a, i) for i in range(len(candidates)) for a in self.aspect_list]
        requests = [self.request(a, candidates[i], documents[i]) for a, i in jobs]
        with closing(self.backend()) as backend:
            answers = complete_all(backend, requests, self.concurrency)
        out: Scores = {c: [math.nan] * len(candidates) for c in self.columns()}
        out[FAILED] = [0.0] * len(candidates)
        reasons: list[str] = []
        for (aspect, i), answer in zip(jobs, answers, strict=True):
            result = str(answer) if isinstance(answer, ChatError) else parse_judgement(answer)
            if isinstance(result, str):
                out[FAILED][i] += 1
                reasons.append(result)
            else:
                out[f"judge_{aspect}"][i] = result
        if reasons:
            warnings.warn(
                MetricWarning(f"judgements failed (first: {reasons[0]}); the run counts them per system"),
                stacklevel=2,
            )
        return out

