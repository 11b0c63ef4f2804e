"""Claim-level checks by an LLM (``claims``): split a summary into atomic claims, check each.

After FActScore (Min et al. 2023), FineSurE (Song et al. 2024) and the faithfulness metrics of
ragas and DeepEval: one request asks the model for the summary's atomic claims
(:func:`claim_prompts.split_prompt`), then the claims are checked against the article in
batches of ``batch`` claims per request, each answered supported, contradicted or not in the
article. Columns: ``claims_supported`` (headline: the share of claims supported; 1 for a summary
with no text), ``claims_contradicted`` and ``claims_absent`` (counts), ``claims_failed`` (claims
without a verdict, plus 1 when the split failed: then ``claims_supported`` is NaN and the row is
not cached, so a rerun asks again). Every summary's evidence holds its claims with their
verdicts; its usage, the tokens and seconds of the requests made for it.

Caching: the scoring loop caches each summary's result per (signature, summary, article). Inside
a run the metric also keeps each split per summary text and each verdict per (claim, article)
in memory (the model, the prompts and the decoding are fixed by the signature), so a claim that
several systems' summaries share is checked once; across runs the score cache does the rest.

The model is any OpenAI-compatible server (``base_url``, ``model``, ``api_key_env``,
``concurrency``, ``timeout``, ``retries``: the same client as the ``api`` summarizer and the
``judge``) or, without ``base_url``, a GGUF model in this process (``model=smollm2``).
"""

from __future__ import annotations

import hashlib
import math
import warnings
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass, field
from typing import Any, ClassVar

from benchmark.components.base import Evidence, MetricBase, MetricWarning, Scored, Usage
from benchmark.inputs.documents import Document
from benchmark.metrics import claim_prompts as prompts
from benchmark.metrics.judge import Judge
from benchmark.models.llm_client import ChatBackend, ChatError, ChatRequest, Completion, complete_all

COLUMNS = ("claims_supported", "claims_contradicted", "claims_absent", "claims_failed")
COUNTED = {
    prompts.CONTRADICTED: "claims_contradicted",
    prompts.ABSENT: "claims_absent",
    prompts.FAILED: "claims_failed",
}


def _usage(answer: Completion | ChatError) -> Usage | None:
    if isinstance(answer, ChatError):
        return Usage(requests=1)
    return answer.usage or Usage()


@dataclass(frozen=True)
class LLMClaims(MetricBase):
    """Atomic claims of a summary, each checked against the article by an LLM."""

    name: ClassVar[str] = "claims"
    version: ClassVar[str] = "1"
    headline: ClassVar[tuple[str, ...]] = ("claims_supported",)
    lower_is_better: ClassVar[tuple[str, ...]] = ("claims_contradicted", "claims_absent", "claims_failed")
    needs_references: ClassVar[bool] = False

    model: str = "smollm2"
    base_url: str | None = None
    max_claims: int = 16
    batch: int = 8
    split_tokens: int = 384
    temperature: float = 0.0
    seed: int | None = None
    concurrency: int = 4
    timeout: float = 120.0
    retries: int = 4
    api_key_env: str | None = None
    threads: int | None = None
    _memo: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for key in ("max_claims", "batch", "split_tokens", "concurrency"):
            if getattr(self, key) < 1:
                raise ValueError(f"{key} must be at least 1, got {getattr(self, key)}")
        object.__setattr__(self, "base_url", self._client().base_url)

    def _client(self) -> Judge:
        """The judge's client settings (validation, server or in-process model, signature part)."""
        return Judge(
            model=self.model,
            base_url=self.base_url,
            concurrency=self.concurrency,
            timeout=self.timeout,
            retries=self.retries,
            api_key_env=self.api_key_env,
            threads=self.threads,
        )

    def columns(self) -> tuple[str, ...]:
        return COLUMNS

    def requirements(self) -> tuple[str, ...]:
        return self._client().requirements()

    def display_scale(self, column: str) -> float:
        return 100.0 if column == "claims_supported" else 1.0

    def signature_fields(self) -> list[tuple[str, Any]]:
        source = [
            f for f in self._client().signature_fields() if f[0] in ("server", "model", "llama-cpp-python")
        ]
        return [
            ("metric", self.name),
            ("impl", f"sumbench-claims-{self.version}"),
            *source,
            ("prompts", prompts.prompts_hash()),
            ("max_claims", self.max_claims),
            ("batch", self.batch),
            ("split_tokens", self.split_tokens),
            ("temperature", self.temperature),
            ("seed", self.seed),
            ("verdicts", "supported,contradicted,not-in-article;share-supported"),
        ]

    def _request(self, prompt: str, max_tokens: int) -> ChatRequest:
        return ChatRequest.of(
            prompt, prompts.SYSTEM, max_tokens=max_tokens, temperature=self.temperature, seed=self.seed
        )

    def _ask(self, backend: ChatBackend, requests: list[ChatRequest]) -> list[Completion | ChatError]:
        return complete_all(backend, requests, self.concurrency) if requests else []

    def score(self, *, candidates: Sequence[str], documents: Sequence[Document]) -> Scored:
        splits: dict[str, list[str]] = self._memo.setdefault("splits", {})
        failed: dict[str, str] = {}
        verdicts: dict[tuple[str, str], str] = self._memo.setdefault("verdicts", {})
        usage: list[Usage | None] = [None] * len(candidates)
        with closing(self._client().backend()) as backend:
            todo = list(dict.fromkeys(c for c in candidates if c.strip() and c not in splits))
            answers = self._ask(
                backend, [self._request(prompts.split_prompt(c), self.split_tokens) for c in todo]
            )
            first = {text: i for i, text in reversed(list(enumerate(candidates)))}
            for text, answer in zip(todo, answers, strict=True):
                usage[first[text]] = _usage(answer)
                found = (
                    []
                    if isinstance(answer, ChatError)
                    else prompts.parse_claims(answer.text, self.max_claims)
                )
                if found:
                    splits[text] = found
                else:
                    failed[text] = str(answer) if isinstance(answer, ChatError) else "no claims in the answer"
            jobs: list[tuple[int, str, list[str]]] = []
            pending: set[tuple[str, str]] = set()
            for i, (text, doc) in enumerate(zip(candidates, documents, strict=True)):
                claims = splits.get(text)
                if claims is not None:
                    key = _hash(doc.text)
                    open_claims = [
                        c
                        for c in dict.fromkeys(claims)
                        if (c, key) not in verdicts and (c, key) not in pending
                    ]
                    pending |= {(c, key) for c in open_claims}
                    jobs += [
                        (i, key, open_claims[s : s + self.batch])
                        for s in range(0, len(open_claims), self.batch)
                    ]
            requests = [
                self._request(prompts.verify_prompt(documents[i].text, part), 12 * len(part) + 8)
                for i, _, part in jobs
            ]
            for (i, key, part), answer in zip(jobs, self._ask(backend, requests), strict=True):
                found = (
                    [prompts.FAILED] * len(part)
                    if isinstance(answer, ChatError)
                    else prompts.parse_verdicts(answer.text, len(part))
                )
                for claim, verdict in zip(part, found, strict=True):
                    if verdict != prompts.FAILED:  # a failed verdict is asked again next time
                        verdicts[(claim, key)] = verdict
                spent = _usage(answer)
                usage[i] = spent if usage[i] is None else usage[i] + spent  # type: ignore[operator]
        return self._collect(candidates, documents, {**failed, **splits}, verdicts, usage)

    def _collect(
        self,
        candidates: Sequence[str],
        documents: Sequence[Document],
        splits: dict[str, list[str] | str],
        verdicts: dict[tuple[str, str], str],
        usage: list[Usage | None],
    ) -> Scored:
        out = {c: [0.0] * len(candidates) for c in COLUMNS}
        evidence: list[Evidence | None] = [None] * len(candidates)
        failures: list[str] = []
        for i, (text, doc) in enumerate(zip(candidates, documents, strict=True)):
            if not text.strip():
                out["claims_supported"][i] = 1.0
                evidence[i] = {"claims": []}
                continue
            claims = splits.get(text)
            if not isinstance(claims, list):
                out["claims_supported"][i], out["claims_failed"][i] = math.nan, 1.0
                failures.append(str(claims))
                evidence[i] = {"claims": [], "error": str(claims)}
                continue
            key = _hash(doc.text)
            found = [verdicts.get((c, key), prompts.FAILED) for c in claims]
            for verdict in found:
                if verdict in COUNTED:
                    out[COUNTED[verdict]][i] += 1
            out["claims_supported"][i] = sum(v == prompts.SUPPORTED for v in found) / len(found)
            if prompts.FAILED in found:
                out["claims_supported"][i] = math.nan
                failures.append(f"{found.count(prompts.FAILED)} claim(s) without a verdict")
            evidence[i] = {"claims": [{"claim": c, "verdict": v} for c, v in zip(claims, found, strict=True)]}
        if failures:
            warnings.warn(
                MetricWarning(
                    f"{len(failures)} of {len(candidates)} summaries' claim checks failed "
                    f"(first: {failures[0][:120]})"
                ),
                stacklevel=2,
            )
        return Scored(out, evidence, usage)


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]
