"""Rich console helpers for the CLI: progress bars and error printing."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from benchmark.errors import SumbenchError
from benchmark.safe_text import printable

# emoji codes off: ":smile:" in a path or a system name stays text (user strings are escaped too)
console = Console(emoji=False)
err_console = Console(stderr=True, emoji=False)

P = ParamSpec("P")
R = TypeVar("R")


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn SumbenchError into a clean message and its exit code (no traceback)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except SumbenchError as exc:
            label = "gate failed" if exc.exit_code == 1 else "error"
            message = escape(printable(str(exc)))
            err_console.print(f"[bold red]{label}:[/] {message}", highlight=False, soft_wrap=True)
            raise typer.Exit(exc.exit_code) from None

    return wrapper


def say(text: str) -> None:
    """Print a line of plain text (paths, names) to stdout: no markup, no emoji, no raw escapes."""
    console.print(printable(text), markup=False, highlight=False, soft_wrap=True)


def cell(text: object) -> Text:
    """A table cell holding untrusted text as text."""
    return Text(printable(str(text)))


class RichProgress:
    """A benchmark.progress.Progress drawn with rich progress bars (on stderr)."""

    def __init__(self) -> None:
        self._progress = Progress(
            TextColumn("{task.description:<28}", markup=False),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("eta"),
            TimeRemainingColumn(),
            console=err_console,
            transient=False,
        )
        self._tasks: dict[str, Any] = {}

    def __enter__(self) -> RichProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def start(self, task: str, total: int) -> None:
        self._tasks[task] = self._progress.add_task(printable(task), total=total)

    def advance(self, task: str, amount: int = 1) -> None:
        if amount:
            self._progress.advance(self._tasks[task], amount)

    def finish(self, task: str) -> None:
        self._progress.refresh()

    def note(self, message: str) -> None:
        self._progress.console.print(f"[yellow]{escape(printable(message))}[/]", highlight=False)
