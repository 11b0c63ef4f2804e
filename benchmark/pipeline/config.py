"""RunConfig: everything a run needs, each option declared once, from flags or ``sumbench.toml``.

Each field carries its :class:`~benchmark.pipeline.options.Option` (help, flags, checks);
``sumbench run``'s options, the run-file keys and the docs table are derived from it. Adding
an option is one field here and its use where it takes effect.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmark.core.errors import ConfigError
from benchmark.core.outputs import DEFAULT_FORMATS, REPORT_FORMATS
from benchmark.pipeline.config_file import check_toml, read_toml
from benchmark.pipeline.executors import EXECUTORS
from benchmark.pipeline.options import check, coerce, declared, option
from benchmark.results.prices import Price, parse_price
from benchmark.stats.bounds import Bound, parse_allowance, parse_bound

DEFAULT_DATASET = "news-sample.jsonl"
DEFAULT_SUMMARIZERS: tuple[str, ...] = ("lead", "textrank", "transformer")
DEFAULT_REFERENCE_METRICS: tuple[str, ...] = ("rouge", "bertscore")
DEFAULT_REFERENCE_FREE_METRICS: tuple[str, ...] = ("faithfulness", "length")
RUN = ("run",)


def bundled_dataset() -> Path:
    """The bundled reference set, shipped as package data (``benchmark/data``), so it is found
    from any directory after any install. ``datasets/news-sample.jsonl`` in the repository is
    its source; a test keeps the two identical."""
    return Path(__file__).resolve().parents[1] / "data" / DEFAULT_DATASET


def _fail_under(text: str) -> Bound:
    return parse_bound(text, "--fail-under")


def _fail_over(text: str) -> Bound:
    return parse_bound(text, "--fail-over")


@dataclass(frozen=True, slots=True)
class RunConfig:
    """A run, as frozen data: it can be hashed, saved and diffed (gates and prices as typed
    values, parsed once when the config is built)."""

    dataset: str = option(
        "", "Reference set: JSONL, CSV, TSV or hf:NAME[:CONFIG]:SPLIT. Default: the bundled news-sample "
        "set (32 news articles, shipped with the package).",
        "--dataset", "-d", path=True, commands=RUN, metavar="FILE",
    )
    summarizers: tuple[str, ...] = option(
        DEFAULT_SUMMARIZERS, "Summarizer spec NAME[:key=value,...]; repeatable. name=LABEL sets its name "
        "in the results. Default: lead, textrank, transformer.",
        "--summarizer", "-s", commands=RUN, metavar="SPEC",
    )
    metrics: tuple[str, ...] = option(
        (), "Metric spec NAME[:key=value,...]; repeatable. Default: rouge, bertscore with references "
        "(score: rouge); faithfulness, length without (an articles-only set).",
        "--metric", "-m", metavar="SPEC",
    )
    output: str | None = option(
        None, "Output directory (run: default reports/<run-id>; score: reports are written only with "
        "--output).", "--output", "-o", path=True, metavar="DIR",
    )
    plugins: tuple[str, ...] = option(
        (), "Plugin to load: path/to/file.py or module:attr. Repeatable.",
        "--plugin", "-p", path=True, metavar="PLUGIN",
    )
    text_field: str | None = option(None, "Field holding the article text (default: tried aliases).")
    ref_field: str | None = option(
        None, "Field holding the reference(s); comma-separate several columns."
    )
    id_field: str | None = option(None, "Field holding the document id.")
    normalize_ids: bool = option(
        False, "Match document ids after Unicode NFC normalisation and stripping surrounding whitespace "
        "(reference set and prediction files); recorded in results.json.", switch=True,
    )
    limit: int | None = option(None, "Use only the first N documents.", minimum=1)
    cache: str | None = option(
        None, "Cache file (default $SUMBENCH_CACHE or ~/.cache/sumbench).", path=True, metavar="FILE"
    )
    use_cache: bool = option(True, "Compute everything; keep nothing.", "--no-cache", switch=False)
    batch_size: int = option(16, "Documents per summarizer/metric call.", minimum=1)
    seed: int = option(0, "Seed for every random choice (bootstrap, random baseline).", minimum=0)
    bootstrap: int = option(1000, "Bootstrap/randomization resamples for CIs and tests.", minimum=0)
    workers: int = option(
        1, "Worker processes for pure-Python summarizers and metrics (models stay in this process and "
        "use torch threads; with --executor ray, also the number of model actors). Results do not "
        "depend on it.", minimum=1,
    )
    executor: str = option(
        "local", "Where batches run: local (this machine) or ray (a Ray cluster; pip install "
        "'sumbench[ray]').", choices=EXECUTORS, commands=RUN,
    )
    ray_address: str | None = option(
        None, "Ray cluster to join: auto (the cluster this machine belongs to) or HEAD:6379 (default: "
        "start a local Ray with --workers CPUs).", commands=RUN,
    )
    ray_gpus: float = option(
        0.0, "GPUs each Ray actor of a model component asks for (default 0: CPU).", minimum=0,
        commands=RUN,
    )
    fail_under: tuple[Bound, ...] = option(
        (), "Gate: [SYSTEM:]COLUMN=VALUE; fail (exit 1) if a system's mean is below VALUE, in the units "
        "the tables show: x100 for fractions (rouge1_f=30 is 0.30), raw for counts (length_words=50 "
        "is 50 words). A system with a failed document or no value fails too. Repeatable.",
        "--fail-under", parse=_fail_under, metavar="[SYSTEM:]COLUMN=VALUE",
    )
    fail_over: tuple[Bound, ...] = option(
        (), "Gate: [SYSTEM:]COLUMN=VALUE; fail (exit 1) if a system's figure is above VALUE, in the same "
        "units: a score's mean (length_words=60: at most 60 words), a rate of flags (faith_flagged=0: "
        "no summary flagged; =5: at most 5%), or a cost and speed figure (latency_p95=3 seconds, "
        "cost_per_1k=0.5 dollars, truncated=0 percent, tokens). Repeatable.",
        "--fail-over", parse=_fail_over, metavar="[SYSTEM:]COLUMN=VALUE",
    )
    prices: tuple[Price, ...] = option(
        (), "Price of a model's tokens in dollars per million, MODEL=IN/OUT (e.g. gpt-4o-mini=0.15/0.60); "
        "MODEL is a system's name or its model option. Gives cost per system and per 1,000 summaries. "
        "Repeatable; a run file's [prices] table holds them too.",
        "--price", parse=parse_price, metavar="MODEL=IN/OUT",
    )
    allow_failures: str | None = option(
        None, "Documents a gated system may miss (failed or without a value): a count (3) or a "
        "fraction of the documents (0.05). Default 0.",
    )
    formats: tuple[str, ...] = option(
        DEFAULT_FORMATS, "Reports to write: md, json, csv, html, pdf, latex; a comma list or repeatable "
        "(default: md, json, csv, html).", "--format", "-f", metavar="FORMAT",
    )
    embed_documents: bool = option(
        False, "Store every article and reference in results.json (self-contained; default: the "
        "reference set's path and fingerprint only).", switch=True,
    )
    partial_references: bool = option(
        False, "On a set where only some documents have reference summaries, score reference metrics "
        "on those (the others count as missing in tables and gates).", switch=True,
    )
    pairwise: str | None = option(
        None, "After the run, judge every pair of systems head to head with this judge spec (both "
        "orders; win rates, a Bradley-Terry ranking, bias): llm for the bundled model (weak), "
        "llm:base_url=URL,model=NAME for a server. See `sumbench pairwise --help`.",
        "--pairwise", metavar="JUDGE",
    )

    def __post_init__(self) -> None:
        for item in declared(type(self)):
            value = getattr(self, item.name)
            if item.option.parse is not None:
                value = tuple(item.option.parse(v) if isinstance(v, str) else v for v in value)
                object.__setattr__(self, item.name, value)
            check(item, value)
        if not self.dataset:
            object.__setattr__(self, "dataset", str(bundled_dataset()))
        if not self.summarizers:
            raise ConfigError("no summarizer given; use --summarizer NAME (see `sumbench list`)")
        parse_allowance(self.allow_failures)
        if self.ray_address and self.executor != "ray":
            raise ConfigError("--ray-address needs --executor ray")
        formats = tuple(f.strip().lower() for spec in self.formats for f in spec.split(",") if f.strip())
        object.__setattr__(self, "formats", tuple(dict.fromkeys(formats)))
        unknown = [f for f in self.formats if f not in REPORT_FORMATS]
        if unknown:
            raise ConfigError(f"unknown report format(s) {unknown}; choose from {', '.join(REPORT_FORMATS)}")
        if not self.formats:
            raise ConfigError(f"no report format given; choose from {', '.join(REPORT_FORMATS)}")

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values (gates as the text they were given in)."""
        out: dict[str, Any] = {}
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            out[field.name] = [str(v) if isinstance(v, Bound | Price) else v for v in value] if isinstance(
                value, tuple
            ) else value
        return out


def load_toml(path: str | Path) -> dict[str, Any]:
    """Read a ``sumbench.toml``; keys are RunConfig fields or flag names (top level or under ``[run]``)."""
    file = Path(path)
    return check_toml(read_toml(file), file, RunConfig)


def from_flags(flags: dict[str, Any]) -> dict[str, Any]:
    """RunConfig values from a command line's flag values, by field name (``None`` or an empty
    list: not given; a switch's ``True``: given, so its field takes the declared value)."""
    unknown = sorted(set(flags) - {item.name for item in declared(RunConfig)})
    if unknown:
        raise ConfigError(f"unknown run option(s) {unknown}")
    values: dict[str, Any] = {}
    for item in declared(RunConfig):
        value: Any = flags.get(item.name)
        if value is None or (item.many and not value):
            continue
        if item.option.switch is not None:
            value = item.option.switch if value else not item.option.switch
        values[item.name] = coerce(item, list(value) if item.many else value, item.long_flag)
    return values


def build_config(file: str | Path | None = None, **flags: Any) -> RunConfig:
    """A RunConfig from an optional TOML file, with the command line's flags on top."""
    values: dict[str, Any] = load_toml(file) if file else {}
    values.update(from_flags(flags))
    return RunConfig(**values)
