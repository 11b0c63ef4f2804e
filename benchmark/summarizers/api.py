"""Summaries from an LLM behind an OpenAI-compatible chat-completions server.

vLLM, llama.cpp's server, TGI, Ollama and hosted providers all speak this API:
``-s api:base_url=http://127.0.0.1:8000/v1,model=NAME``. Requests go through
:mod:`benchmark.models.llm_client` (``concurrency`` in flight; retries with backoff and jitter,
honouring ``Retry-After``); a document whose request fails for good, or whose answer is
empty or malformed, is recorded as a failure and the run goes on.

The fingerprint (and so the cache key) covers the base URL, the model name, the prompt, the
system prompt and every decoding parameter, so a rerun against the same server sends no
request. Transport settings (``concurrency``, ``timeout``, ``retries``, ``tokenizer``) and the key
are not part of it. Answers are cleaned like the ``transformer`` summarizer's: a lead-in such
as "Here is a summary:" is dropped and whitespace collapsed; an answer that stopped at
``max_tokens`` (``finish_reason=length``, counted per system as *truncated*) loses its
unfinished last sentence unless ``trim_unfinished=false``.

Each summary carries what it cost: the server's token counts (``usage``; when the server sends
none, counted with ``tokenizer=DIR|HUB_ID`` if given and marked as counted), the latency of the
request that succeeded, the retries before it and the finish reason. A cached summary keeps the
numbers of the request that made it.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from typing import Any, ClassVar

from benchmark.components.base import SummarizerBase, Summary, SummaryFailure, SummaryOutput
from benchmark.core.usage import Usage
from benchmark.inputs.documents import Document
from benchmark.models.llm_client import (
    ChatError,
    ChatRequest,
    OpenAIChat,
    api_key,
    complete_all,
    counted_usage,
    normalise_base_url,
    read_prompt,
    token_counter,
)
from benchmark.summarizers.chunking import truncate_text
from benchmark.summarizers.transformer import DEFAULT_PROMPT, clean_generation, render_prompt

TRANSPORT_OPTIONS = ("concurrency", "timeout", "retries", "api_key_env", "tokenizer", "prompt_file",
                     "system_prompt_file")


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
    ``prompt_file`` / ``system_prompt_file`` read the prompts from files (their text, not
    their path, is in the fingerprint); ``trim_unfinished`` drops the unfinished last sentence
    of an answer cut at ``max_tokens``; ``tokenizer`` counts tokens when the server sends none.
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
    prompt_file: str | None = None
    system_prompt_file: str | None = None
    trim_unfinished: bool = True
    tokenizer: str | None = None

    def __post_init__(self) -> None:
        if self.prompt_file is not None:
            object.__setattr__(self, "prompt", read_prompt(self.prompt_file, "prompt_file"))
        if self.system_prompt_file is not None:
            prompt = read_prompt(self.system_prompt_file, "system_prompt_file")
            object.__setattr__(self, "system_prompt", prompt)
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
        if self.tokenizer:
            token_counter(self.tokenizer)  # loads offline now, or a ConfigError

    def options(self) -> dict[str, Any]:
        """Options that change the output (transport settings and the key's variable do not)."""
        return {k: v for k, v in super().options().items() if k not in TRANSPORT_OPTIONS}

    def pricing_model(self) -> str | None:
        return self.model

    def requests_in_flight(self) -> int:
        return self.concurrency

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
        for doc, answer in zip(docs, answers, strict=True):
            if isinstance(answer, ChatError):
                out.append(SummaryFailure(str(answer)))
                continue
            cut = answer.finish_reason == "length"
            text = clean_generation(answer.text, self.prompt, cut and self.trim_unfinished)
            if not text:
                out.append(SummaryFailure("the server returned an empty answer"))
                continue
            usage = answer.usage or Usage()
            if usage.prompt_tokens is None and usage.completion_tokens is None and self.tokenizer:
                usage = counted_usage(self.tokenizer, self.request(doc), answer.text, usage)
            out.append(Summary(text, usage, answer.finish_reason, usage.latency))
        return out
