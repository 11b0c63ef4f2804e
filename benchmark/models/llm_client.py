"""One chat-completions client for LLMs: any OpenAI-compatible server, or a GGUF model in-process.

The ``api`` summarizer and the ``judge`` metric send their prompts through here. A server
(vLLM, llama.cpp's server, TGI, Ollama, hosted providers) is reached with the ``openai`` SDK,
whose retries are what we want: exponential backoff with jitter on timeouts, connection
errors, 408, 409, 429 and 5xx, honouring ``Retry-After`` (up to two minutes). Requests run
``concurrency`` at a time on a thread pool; a request that still fails, or whose response is
empty or malformed, becomes a :class:`ChatError` for that prompt alone.

The API key is read from the environment variable the user names (``api_key_env``), sent as a
Bearer token and nothing else: it is not part of any option, fingerprint or signature, and
every error message is scrubbed of it. Other ``OPENAI_*`` settings in the environment
(organization, project) are not sent to the server.
"""

from __future__ import annotations

import numbers
import os
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

from benchmark.core.errors import ConfigError, ModelUnavailableError
from benchmark.core.usage import Usage

NO_KEY = "sk-no-key-required"
TopLogprobs = tuple[tuple[str, float], ...]


@dataclass(frozen=True, slots=True)
class ChatRequest:
    """One chat completion to ask for; ``logprobs`` > 0 asks for that many alternatives per token."""

    messages: tuple[tuple[str, str], ...]
    max_tokens: int
    temperature: float = 0.0
    seed: int | None = None
    logprobs: int = 0

    @classmethod
    def of(cls, prompt: str, system: str | None = None, **params: Any) -> ChatRequest:
        messages = ((("system", system),) if system else ()) + (("user", prompt),)
        return cls(messages, **params)


@dataclass(frozen=True, slots=True)
class Completion:
    """An answer: its text, why it stopped, per generated token the top alternatives, and what
    it cost (tokens as the server counted them, the latency of the request that succeeded,
    the retries before it)."""

    text: str
    finish_reason: str | None = None
    logprobs: tuple[TopLogprobs, ...] | None = None
    usage: Usage | None = None


class ChatError(Exception):
    """One request that failed for good (after retries); its message never holds the key."""


class ChatBackend(Protocol):
    """Where chat completions come from (a server, or a model in this process)."""

    def complete(self, request: ChatRequest) -> Completion: ...

    def close(self) -> None: ...


def api_key(env_name: str | None) -> str | None:
    """The key in ``$env_name``; ``None`` when no variable is named; an error when it is unset."""
    if not env_name:
        return None
    value = os.environ.get(env_name)
    if not value:
        raise ConfigError(f"api_key_env={env_name}, but the environment variable {env_name} is not set")
    return value


def normalise_base_url(url: str) -> str:
    """The base URL as it goes into fingerprints: no trailing slash; credentials in it are refused."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"base_url must be an http(s) URL such as http://127.0.0.1:8000/v1, got {url!r}")
    if parts.username or parts.password:
        raise ValueError(
            "base_url must not hold credentials; put the key in an environment variable "
            "and name it with api_key_env"
        )
    return url.strip().rstrip("/")


class OpenAIChat:
    """An OpenAI-compatible chat-completions server, through the ``openai`` SDK."""

    def __init__(self, base_url: str, model: str, key: str | None, timeout: float, retries: int) -> None:
        try:
            import openai
        except ImportError as exc:
            raise ModelUnavailableError(
                f"talking to a server needs the openai package ({exc}): pip install 'sumbench[api]'"
            ) from exc
        self.model = model
        self._secret = key
        self._client = openai.OpenAI(
            base_url=base_url, api_key=key or NO_KEY, timeout=timeout, max_retries=retries
        )
        # The SDK reads these from OPENAI_ORG_ID / OPENAI_PROJECT_ID; a foreign server gets neither.
        self._client.organization = None
        self._client.project = None
        self._api_error: type[Exception] = openai.OpenAIError

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def complete(self, request: ChatRequest) -> Completion:
        params: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": role, "content": content} for role, content in request.messages],
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
        }
        if request.seed is not None:
            params["seed"] = request.seed
        if request.logprobs:
            params.update(logprobs=True, top_logprobs=request.logprobs)
        try:
            raw = self._client.chat.completions.with_raw_response.create(**params)
            response = raw.parse()
        except self._api_error as exc:  # after the SDK's retries
            raise ChatError(_shorten(scrub(f"{type(exc).__name__}: {exc}", self._secret))) from None
        except Exception as exc:  # a body that does not decode
            message = f"malformed response: {type(exc).__name__}: {exc}"
            raise ChatError(_shorten(scrub(message, self._secret))) from None
        completion = parse_completion(response, self._secret)
        latency = raw.elapsed.total_seconds()  # the request that succeeded, not the retries before it
        return _with_usage(completion, latency, int(getattr(raw, "retries_taken", 0) or 0))


def parse_completion(response: Any, secret: str | None = None) -> Completion:
    """A :class:`Completion` from an SDK response or a plain dict; malformed ones raise ChatError.

    The error shows a little of the body, with ``secret`` scrubbed (a server may echo what it got).
    """
    data = response if isinstance(response, dict) else _as_dict(response)
    choices = data.get("choices") if isinstance(data, dict) else None
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise ChatError(f"malformed response: no choices ({_preview(data, secret)})")
    choice = choices[0]
    message = choice.get("message")
    text = message.get("content") if isinstance(message, dict) else None
    if not isinstance(text, str):
        raise ChatError(f"malformed response: no message content ({_preview(choice, secret)})")
    usage = _usage(data.get("usage"))
    return Completion(text, choice.get("finish_reason"), _logprobs(choice.get("logprobs")), usage)


def _usage(block: Any) -> Usage | None:
    """The server's token counts (``usage.prompt_tokens``, ``completion_tokens``), if it sent them."""
    if not isinstance(block, dict):
        return None
    prompt, completion = _count(block.get("prompt_tokens")), _count(block.get("completion_tokens"))
    if prompt is None and completion is None:
        return None
    return Usage(prompt, completion)


def _count(value: Any) -> int | None:
    """A token count as the server sent it; anything but a non-negative integer is None."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _with_usage(completion: Completion, latency: float, retries: int) -> Completion:
    """``completion`` with its latency and retries; no tokens when the server sent no ``usage``."""
    base = completion.usage or Usage()
    usage = Usage(base.prompt_tokens, base.completion_tokens, latency, retries)
    return Completion(completion.text, completion.finish_reason, completion.logprobs, usage)


def _logprobs(block: Any) -> tuple[TopLogprobs, ...] | None:
    """Per token, the chosen token first and then its alternatives, as ``(token, logprob)``."""
    content = block.get("content") if isinstance(block, dict) else None
    if not isinstance(content, list):
        return None
    out = []
    for item in content:
        if not isinstance(item, dict):
            return None
        pairs = [item, *(item.get("top_logprobs") or [])]
        out.append(
            tuple(
                (str(p["token"]), float(p["logprob"]))
                for p in pairs
                if isinstance(p, dict) and "token" in p and isinstance(p.get("logprob"), numbers.Real)
            )
        )
    return tuple(out)


def _as_dict(response: Any) -> Any:
    dump = getattr(response, "model_dump", None)
    if callable(dump):
        return dump()
    return response


def _preview(value: Any, secret: str | None, limit: int = 120) -> str:
    return _shorten(scrub(repr(value), secret), limit)


def _shorten(text: str, limit: int = 400) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


def scrub(message: str, secret: str | None) -> str:
    """``message`` with every occurrence of ``secret`` replaced by ``***``."""
    return message.replace(secret, "***") if secret else message


class LlamaCppChat:
    """A GGUF model in this process through llama-cpp-python, with token log-probabilities.

    The KV cache is reset before every request, so an answer never depends on the one before.
    Requests are served one at a time (a lock), whatever the concurrency. Log-probabilities need
    llama.cpp to keep logits for every position (``n_ctx`` x vocabulary floats: 400 MB for
    SmolLM2 at 2,048 tokens), so the context is no longer than a judge prompt needs; a model
    loaded without them (``logprobs=False``) computes the last position's logits only, about
    twice as fast on a long prompt, and greedy answers are the same.
    """

    CONTEXT = 2048

    def __init__(self, path: str, threads: int | None = None, logprobs: bool = True) -> None:
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise ModelUnavailableError(
                f"a bundled judge model needs llama-cpp-python ({exc}): "
                "pip install 'sumbench[llama]' (compiles llama.cpp)"
            ) from exc
        from benchmark.models.generators import default_threads, quiet_stderr

        with quiet_stderr():
            self.llm = Llama(
                model_path=path,
                n_ctx=self.CONTEXT,
                n_threads=threads or default_threads(),
                logits_all=logprobs,
                seed=0,
                verbose=False,
            )
        self._lock = threading.Lock()

    def close(self) -> None:
        """Nothing to close: the model stays loaded for the rest of the process."""

    def complete(self, request: ChatRequest) -> Completion:
        params: dict[str, Any] = {"max_tokens": request.max_tokens, "temperature": request.temperature}
        if request.temperature == 0:
            params["top_k"] = 1
        if request.seed is not None:
            params["seed"] = request.seed
        if request.logprobs:
            params.update(logprobs=True, top_logprobs=request.logprobs)
        messages: Any = [{"role": role, "content": content} for role, content in request.messages]
        with self._lock:
            self.llm.reset()
            start = time.perf_counter()
            try:
                response = self.llm.create_chat_completion(messages=messages, **params)
            except ValueError as exc:  # e.g. a prompt longer than the context
                raise ChatError(f"llama.cpp: {exc}") from None
            latency = time.perf_counter() - start
        return _with_usage(parse_completion(response), latency, 0)


_LOCAL: dict[tuple[str, int | None, bool], LlamaCppChat] = {}
_LOCAL_LOCK = threading.Lock()


def local_backend(path: str, threads: int | None = None, logprobs: bool = True) -> LlamaCppChat:
    """The in-process model for ``path``, loaded once per process (with every position's logits
    when ``logprobs``: requests that ask for log-probabilities need them)."""
    with _LOCAL_LOCK:
        key = (path, threads, logprobs)
        if key not in _LOCAL:
            _LOCAL[key] = LlamaCppChat(path, threads, logprobs)
        return _LOCAL[key]


def complete_all(
    backend: ChatBackend,
    requests: Sequence[ChatRequest],
    concurrency: int,
) -> list[Completion | ChatError]:
    """Every request's completion (or its ChatError), in order, ``concurrency`` in flight at a time."""

    def one(index: int) -> Completion | ChatError:
        try:
            result: Completion | ChatError = backend.complete(requests[index])
        except ChatError as exc:
            result = exc
        return result

    if concurrency <= 1 or len(requests) <= 1:
        return [one(i) for i in range(len(requests))]
    with ThreadPoolExecutor(max_workers=min(concurrency, len(requests))) as pool:
        return list(pool.map(one, range(len(requests))))


def read_prompt(path: str, option: str) -> str:
    """A prompt kept in a file (UTF-8); a missing or unreadable file is a ConfigError naming it."""
    from pathlib import Path

    try:
        return Path(path).expanduser().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{option}={path}: cannot read the prompt file ({exc})") from None


def counted_usage(tokenizer: str, request: ChatRequest, answer: str, usage: Usage) -> Usage:
    """``usage`` with tokens counted by ``tokenizer`` (a local directory or a hub id in the local
    cache) for a server that sent no ``usage``: the prompt's messages and the answer, marked
    ``counted``. The chat template's few extra tokens are not counted."""
    counter = token_counter(tokenizer)
    prompt = sum(len(counter.encode(content, add_special_tokens=False)) for _, content in request.messages)
    completion = len(counter.encode(answer, add_special_tokens=False))
    return Usage(prompt, completion, usage.latency, usage.retries, counted=True)


_TOKENIZERS: dict[str, Any] = {}


def token_counter(name: str) -> Any:
    """The tokenizer ``name`` (a directory or a hub id in the local cache), loaded once; a
    ConfigError when it cannot be loaded offline."""
    if name not in _TOKENIZERS:
        try:
            from transformers import AutoTokenizer

            _TOKENIZERS[name] = AutoTokenizer.from_pretrained(name, local_files_only=True)
        except Exception as exc:
            raise ConfigError(f"tokenizer={name}: cannot load it offline to count tokens ({exc})") from None
    return _TOKENIZERS[name]


def local_gguf(model: str, who: str) -> Any:
    """The resolved GGUF model that ``who`` (``"judge"``) runs in-process through llama.cpp;
    ConfigError when ``model`` names no GGUF file."""
    from benchmark.models.weights import resolve_model

    resolved = resolve_model(model)
    if resolved.gguf_path is None:
        raise ConfigError(
            f"{who} without base_url runs a GGUF model through llama.cpp; {model!r} is not one "
            "(use model=smollm2, a .gguf file, or base_url=... for a server)"
        )
    return resolved


def model_source(base_url: str | None, model: str, who: str) -> list[tuple[str, Any]]:
    """Signature fields naming where an LLM runs: a server (its URL and model name) or the
    local GGUF (its weights' identity and llama-cpp-python's version)."""
    if base_url is not None:
        return [("server", base_url), ("model", model)]
    return [
        ("model", f"{model}@{local_gguf(model, who).identity()}"),
        ("llama-cpp-python", package_version("llama-cpp-python")),
    ]


def package_version(name: str) -> str:
    """An installed distribution's version, or ``absent``."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "absent"
