"""Typer options derived from RunConfig's declared options, so each is written once.

:func:`run_options` turns a command into one that takes every RunConfig option its command
offers (``Option.commands``) as a flag, and hands them to the function as ``**options``,
ready for :func:`benchmark.pipeline.config.build_config`. :func:`config_opt` gives one
option's Typer type for commands that take a few (``meta-eval``, ``dataset``).
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import typer

from benchmark.pipeline.config import RunConfig
from benchmark.pipeline.options import Declared, declared

F = TypeVar("F", bound=Callable[..., Any])


def _annotation(item: Declared) -> Any:
    """``Annotated[T | None, typer.Option(...)]`` for one declared option."""
    if item.option.switch is not None:
        kind: Any = bool
    elif item.many:
        kind = list[str]
    else:
        kind = item.kind if item.kind in (int, float) else str
    metavar = item.option.metavar or {int: "N", float: "X"}.get(kind, "TEXT")
    if item.option.switch is not None:
        return Annotated[kind | None, typer.Option(*item.flags, help=item.option.help, show_default=False)]
    return Annotated[
        kind | None, typer.Option(*item.flags, help=item.option.help, show_default=False, metavar=metavar)
    ]


def config_opt(name: str) -> Any:
    """The Typer annotation of the RunConfig option ``name`` (for commands that take only some)."""
    for item in declared(RunConfig):
        if item.name == name:
            return _annotation(item)
    raise KeyError(name)


def run_options(command: str) -> Callable[[F], F]:
    """Give the decorated function every RunConfig option ``command`` offers, as keyword-only
    flags after its own parameters; the values arrive in its ``**options`` (None: not given)."""

    def decorate(func: F) -> F:
        hints = typing.get_type_hints(func, include_extras=True)  # the module's annotations are strings
        own = [
            p.replace(annotation=hints.get(p.name, p.annotation))
            for p in inspect.signature(func).parameters.values()
            if p.kind is not p.VAR_KEYWORD
        ]
        taken = {p.name for p in own}
        extra = [
            inspect.Parameter(
                item.name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=_annotation(item)
            )
            for item in declared(RunConfig)
            if command in item.option.commands and item.name not in taken
        ]
        params = [*own, *extra]
        func.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
        func.__annotations__ = {p.name: p.annotation for p in params}
        return func

    return decorate


DatasetOpt = config_opt("dataset")
TextFieldOpt = config_opt("text_field")
RefFieldOpt = config_opt("ref_field")
IdFieldOpt = config_opt("id_field")
PluginOpt = config_opt("plugins")
