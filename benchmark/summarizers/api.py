"""Summaries from an LLM behind an OpenAI-compatible chat-completions server.

vLLM, llama.cpp's server, TGI, Ollama and hosted providers all speak this API:
``-s api:base_url=http://127.0.0.1:8000/v1,model=NAME``. Requests go through
:mod:`benchmark.models.llm_client` (``concurrency`` in flight; retries with backoff and jitter,
honouring ``Retry-After``); a document whose request fails for good, or whose answer is
empty or malformed, is recorded as a failure and the run goes on.

The fingerprint (and so the cache key) covers the base URL, the model name, the prompt, the
system prompt and every decoding parameter, so a rerun against the same server sends no
request. Transport settings (``concurrency``, ``timeout``, ``retries``) and the key are not
part of it. Answers are cleaned like the ``transformer`` summarizer's: a lead-in such as
"Here is a summary:" is dropped, whitespace collapsed, and an unfinished last sentence removed
when the answer stopped at ``max_tokens``.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from typing import Any, ClassVar

from benchmark.components.base import SummarizerBase, SummaryFailure, SummaryOutput
from benchmark.inputs.documents import Document
from benchmark.models.llm_client import (
    ChatError,
    ChatRequest,
    OpenAIChat,
    api_key,
    complete_all,
    normalise_base_url,
)
from benchmark.summarizers.chunking import truncate_text
from benchmark.summarizers.transformer import DEFAULT_PROMPT, clean_generation, render_prompt

TRANSPORT_OPTIONS = ("concurrency", "timeout", "retries", "api_key_env")


def _word_counts(texts: Sequence[str]) -> list[int]:
    return [len(t.split()) for t in texts]


@dataclass(frozen=True)
class API(SummarizerBase):
    """An LLM behind an OpenAI-compatible server.

    ``base_url`` (e.g. ``http://127.0.0.1:8000/v1``) and ``model`` (the name the server knows)
    are required. ``prompt`` is a template with ``{text}`` and optionally ``{title}``;
    ``api_key_env`` names the environment variable holding the key (sent as a Bearer token).
    ``max_input_words`` cuts long articles at a sentence boundary (unset: whole articles).
    ``timeout`` is seconds per request; ``retries`` is how many times a request is retried.
    """

    name: ClassVar[str] = "api"
    version: ClassVar[str] = "1"
    requires: ClassVar[tuple[str, ...]] = ("openai",)
    extra: ClassVar[str] = "api"

    base_url: str | None = None
    model: str | None = None
    prompt: str = DEFAULT_PROMPT
    system_prompt: str | None = None
    max_tokens: int = 150
    temperature: float = 0.0
    seed: int | None = None
    max_input_words: int | None = None
    concurrency: int = 4
    timeout: float = 120.0
    retries: int = 4
    api_key_env: str | None = None

    def __post_init__(self) -> None:
        if not self.base_url or not self.model:
            raise ValueError(
                "api needs base_url=... and model=..., e.g. api:base_url=http://127.0.0.1:8000/v1,model=NAME"
            )
        object.__setattr__(self, "base_url", normalise_base_url(self.base_url))
        if "{text}" not in self.prompt:
            raise ValueError(f"prompt must contain {{text}}, got {self.prompt!r}")
        for key in ("max_tokens", "concurrency", "max_input_words"):
            value = getattr(self, key)
            if value is not None and value < 1:
                raise ValueError(f"{key} must be at least 1, got {value}")
        if self.timeout <= 0 or self.retries < 0 or self.temperature < 0:
            raise ValueError("timeout must be positive, retries and temperature non-negative")
        api_key(self.api_key_env)  # an unset variable is an error now, not 32 failures later

    def options(self) -> dict[str, Any]:
        """Options that change the output (transport settings and the key's variable do not)."""
        return {k: v for k, v in super().options().items() if k not in TRANSPORT_OPTIONS}

    def request(self, doc: Document) -> ChatRequest:
        """The chat request for one document."""
        text = doc.text
        if self.max_input_words is not None:
            text = truncate_text(text, self.max_input_words, _word_counts)
        return ChatRequest.of(
            render_prompt(self.prompt, doc, text),
            self.system_prompt,
            max_tokens=self.max_tokens,
            temperature=self.temperature,
            seed=self.seed,
        )

    def summarize(self, docs: Sequence[Document]) -> Sequence[SummaryOutput]:
        assert self.base_url is not None and self.model is not None  # checked in __post_init__
        client = OpenAIChat(self.base_url, self.model, api_key(self.api_key_env), self.timeout, self.retries)
        with closing(client):
            answers = complete_all(client, [self.request(d) for d in docs], self.concurrency)
        out: list[SummaryOutput] = []
        for answer in answers:
            if isinstance(answer, ChatError):
                out.append(SummaryFailure(str(answer)))
                continue
            text = clean_generation(answer.text, self.prompt, answer.finish_reason == "length")
            out.append(text if text else SummaryFailure("the server returned an empty answer"))
        return out
