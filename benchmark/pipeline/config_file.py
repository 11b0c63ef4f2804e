"""Strict reading of ``sumbench.toml``: keys as the flags name them, types as strict as the flags.

Keys are the RunConfig fields (``summarizers``, ``metrics``, ``fail_under``) or the flag
names (``summarizer``, ``metric``, ``fail-under``, ``batch-size``, ``no-cache``); a value of
the wrong type is a ConfigError naming the file and key, never a silent default. Relative
paths (``dataset``, ``output``, ``cache`` and plugin files) are resolved against the
config file's directory.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from benchmark.core.errors import ConfigError

STR_KEYS = (
    "dataset", "output", "text_field", "ref_field", "id_field", "cache", "executor", "ray_address",
    "pairwise",
)
LIST_KEYS = ("summarizers", "metrics", "plugins", "fail_under", "formats")
INT_KEYS = {"limit": 1, "batch_size": 1, "seed": 0, "bootstrap": 0, "workers": 1}
BOOL_KEYS = ("use_cache", "embed_documents", "partial_references")
NUMBER_KEYS = {"ray_gpus": 0.0}
STR_OR_NUMBER_KEYS = ("allow_failures",)  # a count (2) or a fraction (0.1, "10%")
ALIASES = {"summarizer": "summarizers", "metric": "metrics", "plugin": "plugins", "format": "formats"}
KNOWN = (*STR_KEYS, *LIST_KEYS, *INT_KEYS, *BOOL_KEYS, *NUMBER_KEYS, *STR_OR_NUMBER_KEYS)


def read_toml(file: Path) -> dict[str, Any]:
    """The parsed file; every way it can be unreadable is a ConfigError."""
    try:
        text = file.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {file}") from None
    except IsADirectoryError:
        raise ConfigError(f"config file {file} is a directory; give a .toml file") from None
    except UnicodeDecodeError as exc:
        line = file.read_bytes()[: exc.start].count(b"\n") + 1
        raise ConfigError(f"{file}:{line}: not UTF-8 (TOML files are UTF-8)") from None
    except OSError as exc:
        raise ConfigError(f"cannot read config file {file}: {exc.strerror}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{file}: invalid TOML: {exc}") from None
    run = data.pop("run", {})
    if not isinstance(run, dict):
        raise ConfigError(f"{file}: [run] must be a table, got {type(run).__name__}")
    return {**data, **run}


def _canonical(key: str) -> str:
    key = ALIASES.get(key, key)
    return ALIASES.get(key.replace("-", "_"), key.replace("-", "_"))


def _type_name(value: object) -> str:
    return {str: "a string", bool: "a boolean", int: "an integer", float: "a number"}.get(
        type(value), type(value).__name__
    )


def check_toml(data: dict[str, Any], file: Path) -> dict[str, Any]:
    """RunConfig values from a parsed file: keys canonical, types checked, paths resolved."""
    out: dict[str, Any] = {}
    for raw_key, value in data.items():
        if raw_key in ("no_cache", "no-cache"):
            if not isinstance(value, bool):
                raise ConfigError(f"{file}: {raw_key} must be true or false, got {_type_name(value)}")
            out["use_cache"] = not value
            continue
        key = _canonical(raw_key)
        if key not in KNOWN:
            raise ConfigError(f"{file}: unknown key {raw_key!r}; known: {sorted(KNOWN)}")
        if key in out:
            raise ConfigError(f"{file}: {key!r} given twice (as {raw_key!r} too)")
        where = f"{file}: {raw_key}"
        if key in STR_KEYS:
            if not isinstance(value, str):
                raise ConfigError(f"{where} must be a string, got {_type_name(value)}")
        elif key in INT_KEYS:
            if isinstance(value, bool) or not isinstance(value, int):
                raise ConfigError(f"{where} must be an integer, got {_type_name(value)} {value!r}")
            if value < INT_KEYS[key]:
                raise ConfigError(f"{where} must be at least {INT_KEYS[key]}, got {value}")
        elif key in BOOL_KEYS:
            if not isinstance(value, bool):
                raise ConfigError(f"{where} must be true or false, got {_type_name(value)} {value!r}")
        elif key in NUMBER_KEYS:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ConfigError(f"{where} must be a number, got {_type_name(value)} {value!r}")
            if not value >= NUMBER_KEYS[key]:
                raise ConfigError(f"{where} must be at least {NUMBER_KEYS[key]:g}, got {value}")
            value = float(value)
        elif key in STR_OR_NUMBER_KEYS:
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                raise ConfigError(f"{where} must be a number or a string, got {_type_name(value)}")
            value = str(value)
        elif key in LIST_KEYS:
            value = _as_list(value, where, key)
        out[key] = value
    return resolve_paths(out, file.parent)


def _as_list(value: Any, where: str, key: str) -> tuple[str, ...]:
    if key == "fail_under" and isinstance(value, dict):  # fail_under = {rouge1_f = 0.3}
        for name, number in value.items():
            if isinstance(number, bool) or not isinstance(number, int | float):
                raise ConfigError(f"{where}.{name} must be a number, got {_type_name(number)}")
        return tuple(f"{k}={v}" for k, v in value.items())
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list):
        raise ConfigError(f"{where} must be a list of strings, got {_type_name(value)} {value!r}")
    bad = [v for v in value if not isinstance(v, str)]
    if bad:
        raise ConfigError(f"{where} must be a list of strings; {bad[0]!r} is {_type_name(bad[0])}")
    if key == "formats" and not value:
        raise ConfigError(f"{where} is empty; name at least one of json, csv, md, html, pdf")
    return tuple(value)


def _is_plugin_file(ref: str) -> bool:
    return ref.endswith(".py") or "/" in ref or "\\" in ref


def resolve_paths(values: dict[str, Any], base: Path) -> dict[str, Any]:
    """Relative dataset, output, cache and plugin-file paths against ``base`` (the file's folder)."""
    for key in ("dataset", "output", "cache"):
        value = values.get(key)
        if isinstance(value, str) and not value.startswith("hf:") and not Path(value).is_absolute():
            values[key] = str(base / value)
    if "plugins" in values:
        values["plugins"] = tuple(
            str(base / ref) if _is_plugin_file(ref) and not Path(ref).is_absolute() else ref
            for ref in values["plugins"]
        )
    return values
