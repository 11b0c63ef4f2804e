"""Component specs: ``name:key=value,...`` strings as frozen data, and option coercion."""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass
from typing import Any, Literal, Union, get_args, get_origin

from benchmark.core.errors import ConfigError

LABEL_OPTION = "name"


@dataclass(frozen=True, slots=True)
class ComponentSpec:
    """A summarizer or metric named by the user: ``lead:k=3,name=lead3``."""

    name: str
    options: tuple[tuple[str, str], ...] = ()
    label: str | None = None

    @classmethod
    def parse(cls, text: str) -> ComponentSpec:
        """Parse ``name[:key=value,...]``; ``name=`` sets the label in the results."""
        text = text.strip()
        if not text:
            raise ConfigError("empty component spec; expected NAME[:key=value,...]")
        name, _, rest = text.partition(":")
        options: dict[str, str] = {}
        label = None
        if rest.strip():
            for item in _split_options(rest):
                key, sep, value = item.partition("=")
                key = key.strip()
                if not sep or not key:
                    raise ConfigError(f"bad option {item!r} in {text!r}; expected key=value")
                if key == LABEL_OPTION:
                    label = value.strip()
                elif key in options:
                    raise ConfigError(f"option {key!r} given twice in {text!r}")
                else:
                    options[key] = value.strip()
        return cls(name.strip(), tuple(sorted(options.items())), label)

    def __str__(self) -> str:
        body = ",".join(f"{k}={v}" for k, v in self.options)
        return f"{self.name}:{body}" if body else self.name


def _split_options(text: str) -> list[str]:
    """Split on commas that start a new ``key=``; commas inside values (e.g. prompts) survive."""
    items: list[str] = []
    for chunk in text.split(","):
        if items and "=" not in chunk:
            items[-1] += "," + chunk
        else:
            items.append(chunk)
    return [i for i in items if i.strip()]


def _coerce(value: str, hint: Any, key: str, owner: str) -> Any:
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(hint) if a is not type(None)]
        if value.lower() in ("none", "null", ""):
            return None
        last: ConfigError | None = None
        for arg in args:
            try:
                return _coerce(value, arg, key, owner)
            except ConfigError as exc:
                last = exc
        raise last or ConfigError(f"bad value {value!r} for {owner} option {key!r}")
    if origin is Literal:
        choices = get_args(hint)
        for choice in choices:
            if str(choice) == value:
                return choice
        raise ConfigError(
            f"bad value {value!r} for {owner} option {key!r}; choose one of " + ", ".join(map(str, choices))
        )
    try:
        if hint is bool:
            lowered = value.lower()
            if lowered in ("1", "true", "yes", "on"):
                return True
            if lowered in ("0", "false", "no", "off"):
                return False
            raise ValueError(value)
        if hint is int:
            return int(value)
        if hint is float:
            return float(value)
    except ValueError:
        name = getattr(hint, "__name__", str(hint))
        raise ConfigError(f"bad value {value!r} for {owner} option {key!r}; expected {name}") from None
    return unescape(value) if hint is str else value


_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\"}


def unescape(value: str) -> str:
    """A spec's text option with ``\\n`` (newline), ``\\t`` (tab) and ``\\\\`` (a backslash)
    read as such; any other backslash stays as typed (a Windows path keeps its separators)."""
    if "\\" not in value:
        return value
    out, i = [], 0
    while i < len(value):
        if value[i] == "\\" and i + 1 < len(value) and value[i + 1] in _ESCAPES:
            out.append(_ESCAPES[value[i + 1]])
            i += 2
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


def option_fields(cls: type) -> dict[str, dataclasses.Field[Any]]:
    """The public option fields of a dataclass component (init fields, no leading underscore)."""
    if not dataclasses.is_dataclass(cls):
        return {}
    return {f.name: f for f in dataclasses.fields(cls) if f.init and not f.name.startswith("_")}


def build_component(cls: type, spec: ComponentSpec, kind: str) -> Any:
    """Instantiate ``cls`` from a spec, coercing option strings by the class's type hints."""
    fields = option_fields(cls)
    owner = f"{kind} {spec.name!r}"
    if not fields:
        if spec.options:
            raise ConfigError(f"{owner} takes no options, got: {', '.join(k for k, _ in spec.options)}")
        return cls()
    hints = typing.get_type_hints(cls)
    kwargs: dict[str, Any] = {}
    for key, value in spec.options:
        if key not in fields:
            known = ", ".join(sorted(fields)) or "none"
            raise ConfigError(f"unknown option {key!r} for {owner}; known options: {known}")
        kwargs[key] = _coerce(value, hints[key], key, owner)
    try:
        return cls(**kwargs)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"invalid options for {owner}: {exc}") from exc


def non_default_options(component: Any) -> dict[str, Any]:
    """Options of a built component that differ from their declared defaults."""
    out: dict[str, Any] = {}
    for name, f in option_fields(type(component)).items():
        value = getattr(component, name)
        default = f.default if f.default is not dataclasses.MISSING else dataclasses.MISSING
        if f.default_factory is not dataclasses.MISSING:
            default = f.default_factory()
        if value != default:
            out[name] = value
    return out


def default_label(spec: ComponentSpec, component: Any) -> str:
    """System name when ``name=`` is not given: the name plus options that differ from defaults."""
    if spec.label:
        return spec.label
    changed = non_default_options(component)
    if not changed:
        return spec.name
    return spec.name + ":" + ",".join(f"{k}={v}" for k, v in sorted(changed.items()))
