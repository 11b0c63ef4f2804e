"""RunConfig: everything a run needs, from flags or a ``sumbench.toml`` file, validated."""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmark.errors import ConfigError

DEFAULT_DATASET = "news-sample.jsonl"
DEFAULT_SUMMARIZERS: tuple[str, ...] = ("lead", "textrank", "transformer")
DEFAULT_METRICS: tuple[str, ...] = ("rouge", "bertscore")


def bundled_dataset() -> Path:
    """The bundled reference set, shipped as package data (``benchmark/data``), so it is found
    from any directory after any install. ``datasets/news-sample.jsonl`` in the repository is
    its source; a test keeps the two identical."""
    return Path(__file__).resolve().parent / "data" / DEFAULT_DATASET


@dataclass(frozen=True, slots=True)
class RunConfig:
    """A run, as frozen data: it can be hashed, saved and diffed."""

    dataset: str = ""
    summarizers: tuple[str, ...] = DEFAULT_SUMMARIZERS
    metrics: tuple[str, ...] = DEFAULT_METRICS
    output: str | None = None
    plugins: tuple[str, ...] = ()
    text_field: str | None = None
    ref_field: str | None = None
    id_field: str | None = None
    limit: int | None = None
    cache: str | None = None
    use_cache: bool = True
    batch_size: int = 16
    seed: int = 0
    bootstrap: int = 1000
    workers: int = 1
    executor: str = "local"
    ray_address: str | None = None
    fail_under: tuple[str, ...] = ()
    allow_failures: str | None = None
    formats: tuple[str, ...] = ("json", "csv", "md", "html")

    def __post_init__(self) -> None:
        if not self.dataset:
            object.__setattr__(self, "dataset", str(bundled_dataset()))
        if not self.summarizers:
            raise ConfigError("no summarizer given; use --summarizer NAME (see `sumbench list`)")
        if not self.metrics:
            raise ConfigError("no metric given; use --metric NAME (see `sumbench list`)")
        if self.batch_size < 1:
            raise ConfigError(f"batch_size must be at least 1, got {self.batch_size}")
        if self.workers < 1:
            raise ConfigError(f"workers must be at least 1, got {self.workers}")
        if self.limit is not None and self.limit < 1:
            raise ConfigError(f"limit must be at least 1, got {self.limit}")
        if self.bootstrap < 0:
            raise ConfigError(f"bootstrap must be >= 0, got {self.bootstrap}")
        if self.executor not in ("local", "ray"):
            raise ConfigError(f"unknown executor {self.executor!r}; choose local or ray")
        unknown = set(self.formats) - {"json", "csv", "md", "html"}
        if unknown:
            raise ConfigError(f"unknown report format(s) {sorted(unknown)}; choose json, csv, md, html")

    def to_dict(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        return {k: list(v) if isinstance(v, tuple) else v for k, v in out.items()}


_TUPLE_FIELDS = {"summarizers", "metrics", "plugins", "fail_under", "formats"}


def load_toml(path: str | Path) -> dict[str, Any]:
    """Read a ``sumbench.toml``; keys are RunConfig fields (top level or under ``[run]``)."""
    file = Path(path)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {file}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{file}: invalid TOML: {exc}") from None
    data = {**{k: v for k, v in data.items() if k != "run"}, **data.get("run", {})}
    known = {f.name for f in dataclasses.fields(RunConfig)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(f"{file}: unknown key(s) {unknown}; known: {sorted(known)}")
    for key in _TUPLE_FIELDS & set(data):
        value = data[key]
        if isinstance(value, dict):  # fail_under = {rouge1_f = 0.3}
            value = [f"{k}={v}" for k, v in value.items()]
        if isinstance(value, str):
            value = [value]
        data[key] = tuple(str(v) for v in value)
    base = file.parent
    for key in ("dataset", "output", "cache"):
        if isinstance(data.get(key), str) and not data[key].startswith("hf:"):
            candidate = base / data[key]
            data[key] = str(candidate) if not Path(data[key]).is_absolute() else data[key]
    return data


def build_config(file: str | Path | None = None, **overrides: Any) -> RunConfig:
    """A RunConfig from an optional TOML file, with non-None overrides (CLI flags) on top."""
    values: dict[str, Any] = load_toml(file) if file else {}
    for key, value in overrides.items():
        if value is None or (key in _TUPLE_FIELDS and value == ()):
            continue
        values[key] = tuple(value) if key in _TUPLE_FIELDS else value
    try:
        return RunConfig(**values)
    except TypeError as exc:
        raise ConfigError(f"bad configuration: {exc}") from None
