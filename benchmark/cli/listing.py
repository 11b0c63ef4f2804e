"""Rows for `sumbench list`: each component's options, defaults and origin."""

from __future__ import annotations

import dataclasses
import typing
from typing import Any

from benchmark.components.registry import Registry
from benchmark.components.specs import option_fields
from benchmark.core.errors import ConfigError


def describe_options(cls: type) -> str:
    """``k: int = 3, ...`` for a dataclass component, or ``-``."""
    fields = option_fields(cls)
    if not fields:
        return "-"
    try:
        hints = typing.get_type_hints(cls)
    except Exception:
        hints = {}
    parts = []
    for name, f in fields.items():
        hint = hints.get(name, f.type)
        if typing.get_origin(hint) is typing.Literal:
            type_name = "|".join(map(str, typing.get_args(hint)))
        else:
            type_name = str(hint).replace("typing.", "") if typing.get_args(hint) else hint.__name__
        if f.default is not dataclasses.MISSING:
            parts.append(f"{name}: {type_name} = {f.default!r}")
        else:
            parts.append(f"{name}: {type_name}")
    return ", ".join(parts)


def component_rows(registry: Registry[Any]) -> list[tuple[str, str, str]]:
    """``(name, options, origin)`` for every registered component; load failures are shown."""
    rows = []
    for entry in registry.entries():
        try:
            options = describe_options(entry.load())
        except ConfigError as exc:
            options = f"(unavailable: {exc})"
        rows.append((entry.name, options, entry.origin))
    return rows
