"""How a run option is declared once: a RunConfig field whose metadata is an :class:`Option`.

The field gives the name, type and default; its :class:`Option` gives the help text, the flag
names, the commands that offer it and the checks its value must pass. Everything else is
derived from that one declaration: the Typer options of ``sumbench run`` and ``score``
(:mod:`benchmark.cli.options`), the keys and type checks of ``sumbench.toml``
(:mod:`benchmark.pipeline.config_file`), the validation in ``RunConfig.__post_init__`` and the
table of options in the docs (:func:`option_table`).
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from benchmark.core.errors import ConfigError


@dataclass(frozen=True, slots=True)
class Option:
    """The command-line and run-file face of one RunConfig field.

    ``flags``: the flag names (default ``--field-name``); ``switch``: for a boolean field, the
    value the field takes when the flag is given (``--no-cache`` sets ``use_cache`` to False);
    ``minimum`` / ``choices``: checks on the value; ``path``: a path that a run file's
    relative value is resolved against the file's folder; ``commands``: the commands that
    offer the flag (``run`` reads every option from a run file too); ``parse``: turns each
    given item into its typed value (gates), once, when the config is built.
    """

    help: str
    flags: tuple[str, ...] = ()
    switch: bool | None = None
    minimum: float | None = None
    choices: tuple[str, ...] = ()
    path: bool = False
    commands: tuple[str, ...] = ("run", "score")
    parse: Callable[[str], Any] | None = None
    metavar: str | None = None


def option(
    default: Any, help: str, *flags: str, factory: Callable[[], Any] | None = None, **more: Any
) -> Any:
    """A dataclass field declared with its :class:`Option` (``flags`` first, as Typer spells them)."""
    meta = {"option": Option(help, tuple(flags), **more)}
    if factory is not None:
        return dataclasses.field(default_factory=factory, metadata=meta)
    return dataclasses.field(default=default, metadata=meta)


@dataclass(frozen=True, slots=True)
class Declared:
    """One declared option: the field's name and type with its :class:`Option`."""

    name: str
    kind: type
    many: bool
    optional: bool
    option: Option

    @property
    def flags(self) -> tuple[str, ...]:
        return self.option.flags or ("--" + self.name.replace("_", "-"),)

    @property
    def long_flag(self) -> str:
        return next(f for f in self.flags if f.startswith("--"))

    @property
    def keys(self) -> tuple[str, ...]:
        """The names a run file may use: the field's and the long flag's (``summarizer``, ``no-cache``)."""
        flag = self.long_flag[2:]
        return tuple(dict.fromkeys((self.name, flag, flag.replace("-", "_"))))


def declared(config_class: type) -> Iterator[Declared]:
    """Every declared option of ``config_class``, in field order."""
    hints = typing.get_type_hints(config_class)
    for field in dataclasses.fields(config_class):
        meta = field.metadata.get("option")
        if meta is None:
            continue
        kind, many, optional = _unwrap(hints[field.name])
        yield Declared(field.name, kind, many, optional, meta)


def _unwrap(hint: Any) -> tuple[type, bool, bool]:
    """``int | None`` -> (int, False, True); ``tuple[str, ...]`` -> (str, True, False)."""
    optional = False
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        optional, hint = True, args[0]
    if typing.get_origin(hint) is tuple:
        return typing.get_args(hint)[0], True, optional
    return hint, False, optional


def _type_name(value: object) -> str:
    names = {str: "a string", bool: "a boolean", int: "an integer", float: "a number", list: "a list"}
    return names.get(type(value), type(value).__name__)


def coerce(item: Declared, value: Any, where: str) -> Any:
    """A run file's (or an API caller's) value as the field's type; ConfigError naming ``where``."""
    if value is None and item.optional:
        return None
    if item.many:
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list | tuple):
            raise ConfigError(f"{where} must be a list of strings, got {_type_name(value)} {value!r}")
        return tuple(_scalar(item, v, where) for v in values)
    return _scalar(item, value, where)


def _scalar(item: Declared, value: Any, where: str) -> Any:
    kind = item.kind
    if item.option.parse is not None and not isinstance(value, str):
        if isinstance(value, kind):
            return value
        raise ConfigError(f"{where}: {value!r} is {_type_name(value)}, expected a string")
    if kind is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{where} must be true or false, got {_type_name(value)} {value!r}")
        return value
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where} must be an integer, got {_type_name(value)} {value!r}")
        return value
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{where} must be a number, got {_type_name(value)} {value!r}")
        return float(value)
    if kind is str and isinstance(value, int | float) and not isinstance(value, bool) and not item.many:
        return str(value)  # allow_failures = 0.1
    if not isinstance(value, str):
        raise ConfigError(f"{where} must be a string, got {_type_name(value)} {value!r}")
    return item.option.parse(value) if item.option.parse else value


def check(item: Declared, value: Any) -> None:
    """The declared checks on a value already of the field's type (minimum, choices)."""
    flag = item.long_flag
    values = value if item.many else (value,)
    for v in values:
        if v is None:
            continue
        if item.option.minimum is not None and not (isinstance(v, int | float) and v >= item.option.minimum):
            raise ConfigError(f"{flag} must be at least {item.option.minimum:g}, got {v}")
        if isinstance(v, float) and not math.isfinite(v):
            raise ConfigError(f"{flag} must be a finite number, got {v}")
        if item.option.choices and v not in item.option.choices:
            raise ConfigError(f"unknown {flag} {v!r}; choose from {', '.join(item.option.choices)}")


def option_table(config_class: type, command: str = "run") -> str:
    """The Markdown table of a command's options (flag, run-file key, default, help)."""
    defaults = {f.name: f.default for f in dataclasses.fields(config_class)}
    rows = ["| flag | run-file key | default | what it does |", "|---|---|---|---|"]
    for item in declared(config_class):
        if command not in item.option.commands:
            continue
        default = defaults[item.name]
        shown = "" if default in (None, (), "", dataclasses.MISSING) else f"`{_toml(default)}`"
        flags = ", ".join(f"`{f}`" for f in item.flags)
        rows.append(f"| {flags} | `{item.keys[1] if len(item.keys) > 1 else item.name}` | {shown} | "
                    f"{item.option.help.replace('|', '/').replace('<', '&lt;')} |")
    return "\n".join(rows) + "\n"


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return f'"{value}"' if isinstance(value, str) else str(value)
