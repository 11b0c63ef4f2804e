"""RunConfig: everything a run needs, from flags or a ``sumbench.toml`` file, validated."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmark.core.errors import ConfigError

DEFAULT_DATASET = "news-sample.jsonl"
REPORT_FORMATS = ("json", "csv", "md", "html", "pdf")  # pdf: headless Chromium prints the HTML
DEFAULT_SUMMARIZERS: tuple[str, ...] = ("lead", "textrank", "transformer")
DEFAULT_REFERENCE_METRICS: tuple[str, ...] = ("rouge", "bertscore")
DEFAULT_REFERENCE_FREE_METRICS: tuple[str, ...] = ("faithfulness", "length")


def bundled_dataset() -> Path:
    """The bundled reference set, shipped as package data (``benchmark/data``), so it is found
    from any directory after any install. ``datasets/news-sample.jsonl`` in the repository is
    its source; a test keeps the two identical."""
    return Path(__file__).resolve().parents[1] / "data" / DEFAULT_DATASET


@dataclass(frozen=True, slots=True)
class RunConfig:
    """A run, as frozen data: it can be hashed, saved and diffed."""

    dataset: str = ""
    summarizers: tuple[str, ...] = DEFAULT_SUMMARIZERS
    metrics: tuple[str, ...] = ()  # none given: chosen by what the reference set holds
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
    ray_gpus: float = 0.0
    fail_under: tuple[str, ...] = ()
    allow_failures: str | None = None
    formats: tuple[str, ...] = ("json", "csv", "md", "html")
    embed_documents: bool = False
    partial_references: bool = False
    pairwise: str | None = None  # a judge spec: every pair of systems judged head to head after the run

    def __post_init__(self) -> None:
        if not self.dataset:
            object.__setattr__(self, "dataset", str(bundled_dataset()))
        if not self.summarizers:
            raise ConfigError("no summarizer given; use --summarizer NAME (see `sumbench list`)")
        if self.batch_size < 1:
            raise ConfigError(f"batch_size must be at least 1, got {self.batch_size}")
        if self.workers < 1:
            raise ConfigError(f"workers must be at least 1, got {self.workers}")
        if self.limit is not None and self.limit < 1:
            raise ConfigError(f"limit must be at least 1, got {self.limit}")
        if self.seed < 0:
            raise ConfigError(f"seed must be a non-negative integer, got {self.seed}")
        if self.bootstrap < 0:
            raise ConfigError(f"bootstrap must be >= 0, got {self.bootstrap}")
        if self.ray_gpus < 0:
            raise ConfigError(f"ray_gpus must be >= 0, got {self.ray_gpus}")
        if self.executor not in ("local", "ray"):
            raise ConfigError(f"unknown executor {self.executor!r}; choose local or ray")
        formats = tuple(f.strip().lower() for spec in self.formats for f in spec.split(",") if f.strip())
        object.__setattr__(self, "formats", tuple(dict.fromkeys(formats)))
        unknown = [f for f in self.formats if f not in REPORT_FORMATS]
        if unknown:
            raise ConfigError(f"unknown report format(s) {unknown}; choose from {', '.join(REPORT_FORMATS)}")
        if not self.formats:
            raise ConfigError(f"no report format given; choose from {', '.join(REPORT_FORMATS)}")

    def to_dict(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        return {k: list(v) if isinstance(v, tuple) else v for k, v in out.items()}


_TUPLE_FIELDS = {"summarizers", "metrics", "plugins", "fail_under", "formats"}


def load_toml(path: str | Path) -> dict[str, Any]:
    """Read a ``sumbench.toml``; keys are RunConfig fields or flag names (top level or under ``[run]``)."""
    from benchmark.pipeline.config_file import check_toml, read_toml

    file = Path(path)
    return check_toml(read_toml(file), file)


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
