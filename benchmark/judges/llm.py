"""An LLM as a pairwise judge: which of two summaries of an article is better (``A``, ``B``, ``tie``).

``llm`` asks a chat model through the same client as the ``api`` summarizer and the ``judge``
metric (:mod:`benchmark.models.llm_client`): any OpenAI-compatible server (``base_url``,
``model``, ``api_key_env``, ``concurrency``, ``timeout``, ``retries``; retries with backoff,
the key sent as a Bearer token only) or, without ``base_url``, a GGUF model in this process
through llama.cpp (``model=smollm2``, the bundled SmolLM2-135M, the default, or a ``.gguf``
path). The prompt and the reading of the reply are in :mod:`benchmark.judges.prompts`.

One request per matchup (the pipeline asks both orders). With ``logprobs=true`` the request
asks for the 20 most likely tokens at each position, and the judgement keeps P(A), P(B) and
P(tie) at the verdict's token (AlpacaEval's soft preference). The article is cut at a sentence
boundary after ``max_article_words`` words (600; 0 keeps it whole) so that a prompt fits a small
model's context; ``references=true`` shows the document's references, when it has them.

Signature: the model (server URL and name, or the weights hash and llama-cpp-python version),
a hash of the system prompt and the template, the reply parser's version, the decoding
parameters and the input options. Transport settings, the key and prices are not part of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from benchmark.components.base import JudgeBase, Judgement, Matchup, Usage
from benchmark.core.safe_text import printable
from benchmark.inputs.documents import Document
from benchmark.inputs.text import split_sentences
from benchmark.judges import prompts
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

TOP_LOGPROBS = 20
PARSER = "lenient-3"
TRANSPORT = ("concurrency", "timeout", "retries", "api_key_env", "threads", "price_in", "price_out")
BUNDLED = "smollm2"
WEAK_JUDGE = (
    "note: judging with the bundled SmolLM2-135M, a weak judge: on 50 SummEval pairs it named the "
    "summary shown first in both orders on every pair it judged (position consistency 0.00; agreement "
    "with the experts' preferences 0.50, chance; docs/metrics.md#pairwise-judge-agreement); for "
    "numbers worth reporting use --judge llm:base_url=URL,model=NAME with a capable model"
)


@dataclass(frozen=True)
class LLMJudge(JudgeBase):
    """Pairwise preference by an LLM (see the module docstring)."""

    name: ClassVar[str] = "llm"
    version: ClassVar[str] = "1"

    model: str = BUNDLED
    base_url: str | None = None
    api_key_env: str | None = None
    concurrency: int = 4
    temperature: float = 0.0
    seed: int | None = None
    logprobs: bool = True
    max_tokens: int = 16
    max_article_words: int = 600
    references: bool = False
    template: str | None = None
    timeout: float = 120.0
    retries: int = 4
    threads: int | None = None
    price_in: float | None = None
    price_out: float | None = None

    def __post_init__(self) -> None:
        if self.base_url is not None:
            object.__setattr__(self, "base_url", normalise_base_url(self.base_url))
        for key in ("max_tokens", "concurrency"):
            if getattr(self, key) < 1:
                raise ValueError(f"{key} must be at least 1, got {getattr(self, key)}")
        if self.max_article_words < 0:
            raise ValueError(
                f"max_article_words must be 0 (whole article) or more, got {self.max_article_words}"
            )
        if self.timeout <= 0 or self.retries < 0 or self.temperature < 0:
            raise ValueError("timeout must be positive, retries and temperature non-negative")
        if any(p is not None and p < 0 for p in (self.price_in, self.price_out)):
            raise ValueError("price_in and price_out are USD per million tokens, not negative")
        self.template_text()  # a missing or unusable template file is an error now
        api_key(self.api_key_env)

    def options(self) -> dict[str, Any]:
        """Options that change a verdict (not transport settings, the key or prices)."""
        return {k: v for k, v in super().options().items() if k not in TRANSPORT}

    def requirements(self) -> tuple[str, ...]:
        """A server is reached through the openai SDK; the bundled model runs through llama.cpp."""
        return ("openai",) if self.base_url is not None else ("llama_cpp",)

    def template_text(self) -> str:
        """The user-prompt template: the file named by ``template``, or the default form."""
        if self.template is None:
            return prompts.FORM
        path = Path(self.template)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ValueError(f"cannot read template {path}: {exc}") from None
        return prompts.check_template(text, str(path))


    def signature_fields(self) -> list[tuple[str, Any]]:
        source = model_source(self.base_url, self.model, "judge llm")
        return [
            ("judge", self.name),
            ("impl", f"sumbench-judge-llm-{self.version}"),
            *source,
            ("prompt", prompts.prompt_hash(self.template_text())),
            ("template", "default" if self.template is None else Path(self.template).name),
            ("parse", PARSER),
            ("logprobs", f"top{TOP_LOGPROBS}" if self.logprobs else "no"),
            ("max_tokens", self.max_tokens),
            ("temperature", self.temperature),
            ("seed", self.seed),
            ("article_words", self.max_article_words or "all"),
            ("references", self.references),
        ]

    def caveat(self) -> str | None:
        return WEAK_JUDGE if self.base_url is None and self.model == BUNDLED else None

    def cost(self, usage: Usage) -> float | None:
        """USD for ``usage`` at ``price_in``/``price_out`` per million tokens; None without them
        (the run's ``--price`` table is then looked up by the model name)."""
        if self.price_in is None and self.price_out is None:
            return None
        return ((usage.prompt_tokens or 0) * (self.price_in or 0.0)
                + (usage.completion_tokens or 0) * (self.price_out or 0.0)) / 1e6

    def pricing_model(self) -> str | None:
        """A server's model name (the key of ``--price``); the bundled model costs nothing."""
        return self.model if self.base_url is not None else None

    def backend(self) -> ChatBackend:
        """The server client, or the in-process model."""
        if self.base_url is not None:
            key = api_key(self.api_key_env)
            return OpenAIChat(self.base_url, self.model, key, self.timeout, self.retries)
        return local_backend(str(local_gguf(self.model, "judge llm").gguf_path), self.threads, self.logprobs)

    def request(self, matchup: Matchup) -> ChatRequest:
        """The chat request that shows ``matchup.first`` as A and ``matchup.second`` as B."""
        doc = matchup.document
        refs = doc.references if self.references else ()
        text = article_excerpt(doc, self.max_article_words)
        return ChatRequest.of(
            prompts.render(self.template_text(), text, matchup.first, matchup.second, refs),
            prompts.SYSTEM,
            max_tokens=self.max_tokens,
            temperature=self.temperature,
            seed=self.seed,
            logprobs=TOP_LOGPROBS if self.logprobs else 0,
        )

    def judge(self, matchups: Sequence[Matchup]) -> Sequence[Judgement]:
        requests = [self.request(m) for m in matchups]
        with closing(self.backend()) as backend:
            answers = complete_all(backend, requests, self.concurrency)
        return [read_answer(a) for a in answers]


def read_answer(answer: Completion | ChatError) -> Judgement:
    """A judgement from one reply: the verdict read leniently, its probabilities, the cost."""
    if isinstance(answer, ChatError):
        return Judgement(None, failure=f"request failed: {answer}")
    usage = answer.usage or Usage()
    shown = printable(" ".join(answer.text.split()))[:200]
    verdict = prompts.parse_verdict(answer.text)
    if verdict is None:
        return Judgement(None, answer=shown, failure=f"no verdict (A, B or tie) in the reply {shown[:60]!r}",
                         usage=usage)
    return Judgement(verdict, prompts.verdict_probabilities(answer.logprobs, verdict), shown, usage=usage)


def article_excerpt(document: Document, max_words: int) -> str:
    """The article's first sentences up to ``max_words`` words (0: all), marked when cut."""
    if max_words == 0 or len(document.text.split()) <= max_words:
        return document.text
    kept: list[str] = []
    count = 0
    for sentence in split_sentences(document.text):
        n = len(sentence.split())
        if kept and count + n > max_words:
            break
        kept.append(sentence if n <= max_words else " ".join(sentence.split()[:max_words]))
        count += n
    return " ".join(kept) + " [...]"

