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
from benchmark.core.outputs import REPORT_FORMATS
from benchmark.pipeline.options import check, coerce, declared


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


def check_toml(data: dict[str, Any], file: Path, config_class: type) -> dict[str, Any]:
    """RunConfig values from a parsed file: keys canonical, types checked, paths resolved.

    The keys and their types come from ``config_class``'s declared options (RunConfig's); a
    switch's flag name as a key takes the flag's meaning (``no-cache = true`` is
    ``use_cache = false``)."""
    by_key = {key: item for item in declared(config_class) for key in item.keys}
    out: dict[str, Any] = {}
    for raw_key, value in data.items():
        item = by_key.get(raw_key)
        if item is None:
            raise ConfigError(f"{file}: unknown key {raw_key!r}; known: {sorted(by_key)}")
        if item.name in out:
            raise ConfigError(f"{file}: {item.name!r} given twice (as {raw_key!r} too)")
        where = f"{file}: {raw_key}"
        if item.many and isinstance(value, dict) and item.option.parse is not None:
            value = _table_items(value, where)  # fail_under = {rouge1_f = 30}
        if item.many and isinstance(value, list) and not value and item.name == "formats":
            raise ConfigError(f"{where} is empty; name at least one of {', '.join(REPORT_FORMATS)}")
        typed = coerce(item, value, where)
        inverted = item.option.switch is False and raw_key != item.name
        out[item.name] = (not typed) if inverted else typed
    try:
        for item in declared(config_class):
            if item.name in out:
                check(item, out[item.name])
    except ConfigError as exc:
        raise ConfigError(f"{file}: {exc}") from None
    return resolve_paths(out, file.parent, config_class)


def _table_items(value: dict[str, Any], where: str) -> list[str]:
    """A TOML table as the flag's items: ``{rouge1_f = 30}`` -> ``["rouge1_f=30"]``, and a price
    table ``{"gpt-4o-mini" = [0.15, 0.6]}`` (or ``"0.15/0.6"``) -> ``["gpt-4o-mini=0.15/0.6"]``."""
    items = []
    for name, entry in value.items():
        if isinstance(entry, list) and len(entry) == 2 and all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in entry
        ):
            entry = f"{entry[0]}/{entry[1]}"
        elif isinstance(entry, bool) or not isinstance(entry, int | float | str):
            raise ConfigError(f"{where}.{name} must be a number, got {type(entry).__name__}")
        items.append(f"{name}={entry}")
    return items


def _is_plugin_file(ref: str) -> bool:
    return ref.endswith(".py") or "/" in ref or "\\" in ref


def resolve_paths(values: dict[str, Any], base: Path, config_class: type) -> dict[str, Any]:
    """Relative paths of the options declared ``path`` (dataset, output, cache, plugin files)
    against ``base`` (the file's folder)."""
    for item in declared(config_class):
        if not item.option.path or values.get(item.name) is None:
            continue
        value = values[item.name]
        if item.many:
            values[item.name] = tuple(
                str(base / ref) if _is_plugin_file(ref) and not Path(ref).is_absolute() else ref
                for ref in value
            )
        elif not value.startswith("hf:") and not Path(value).is_absolute():
            values[item.name] = str(base / value)
    return values
