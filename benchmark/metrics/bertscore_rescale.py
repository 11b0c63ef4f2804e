"""BERTScore's rescaling baselines: ours for the default encoder, bert-score's for its models."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from benchmark.core.errors import ConfigError
from benchmark.models.weights import DEFAULT_ENCODER

BASELINE_DIR = Path(__file__).resolve().parent / "baselines"


def baseline_file(model: str, lang: str, custom: str | None) -> Path:
    """The rescaling baseline: a custom file, ours for the default encoder, or bert-score's."""
    if custom:
        path = Path(custom)
        if not path.is_file():
            raise ConfigError(f"bertscore baseline file not found: {path}")
        return path
    if model == DEFAULT_ENCODER:
        return BASELINE_DIR / f"{DEFAULT_ENCODER}.tsv"
    spec = importlib.util.find_spec("bert_score")
    if spec is not None and spec.submodule_search_locations:
        package = Path(next(iter(spec.submodule_search_locations)))
        candidate = package / "rescale_baseline" / lang / f"{model}.tsv"
        if candidate.is_file():
            return candidate
    raise ConfigError(
        f"bertscore: no rescaling baseline for model {model!r} (lang {lang!r}); "
        "pass baseline=PATH (a LAYER,P,R,F file, see scripts/make_bertscore_baseline.py) or rescale=false"
    )


def read_baseline(path: Path, num_layers: int) -> tuple[float, float, float]:
    """The ``P, R, F`` row for ``num_layers`` (row index = layer, as bert-score reads it)."""
    import pandas as pd

    table = pd.read_csv(path)
    if num_layers >= len(table):
        raise ConfigError(f"baseline {path} has no row for layer {num_layers} ({len(table)} rows)")
    p, r, f = table.iloc[num_layers].to_numpy()[1:4]
    return float(p), float(r), float(f)
