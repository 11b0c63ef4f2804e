"""Rich console helpers for the CLI: progress bars and error printing."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
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

from benchmark.core.errors import SumbenchError
from benchmark.core.safe_text import printable

# emoji codes off: ":smile:" in a path or a system name stays text (user strings are escaped too);
# soft wrap: a message is one line however long (a path stays greppable in a CI log), tables
# still fit the width
console = Console(emoji=False, soft_wrap=True)
err_console = Console(stderr=True, emoji=False, soft_wrap=True)

P = ParamSpec("P")
R = TypeVar("R")

EXIT_OK, EXIT_GATE, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
"""Exit codes: 0 pass, 1 a gate failed, 2 a usage or input error, 3 an internal error."""


def report_error(exc: SumbenchError) -> int:
    """Print a user-facing error as one clean message; returns its exit code."""
    label = "gate failed" if exc.exit_code == EXIT_GATE else "error"
    err_console.print(f"[bold red]{label}:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
    return exc.exit_code


def report_internal_error(exc: BaseException) -> int:
    """Write the traceback of an unexpected error to a log file, name it, return exit code 3."""
    import tempfile
    import time
    import traceback

    log_dir = Path(os.environ.get("SUMBENCH_LOG_DIR") or tempfile.gettempdir())
    text = "".join(traceback.format_exception(exc))
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        log = log_dir / f"sumbench-error-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"
        log.write_text(" ".join(sys.argv) + "\n\n" + text, encoding="utf-8")
        where = f"the traceback is in {log}"
    except OSError:
        sys.stderr.write(text)
        where = "traceback above"
    err_console.print(
        f"[bold red]internal error:[/] {escape(type(exc).__name__)}: {escape(str(exc))}\n"
        f"{escape(where)}; please report it with that file",
        highlight=False,
        soft_wrap=True,
    )
    return EXIT_INTERNAL


def exit_code(exc: BaseException) -> int:
    """The one mapping of an error to its exit code, printing its message: a SumbenchError
    (clean message; 1 for a failed gate, else 2), a click usage error (2), an interrupt (130),
    anything else an internal error (3, traceback in a log file)."""
    if isinstance(exc, typer.Exit):
        return int(exc.exit_code)
    if isinstance(exc, typer.Abort | KeyboardInterrupt):
        sys.stderr.write("aborted\n")
        return 130
    if isinstance(exc, SumbenchError):
        return report_error(exc)
    if _is_usage_error(exc):
        exc.show()  # type: ignore[attr-defined]
        return EXIT_USAGE
    return report_internal_error(exc)


def _is_usage_error(exc: BaseException) -> bool:
    """A click exception (bad option, missing argument, unreadable file): it can show itself."""
    return callable(getattr(exc, "show", None)) and isinstance(getattr(exc, "exit_code", None), int)


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """A command whose errors end as :func:`exit_code` says, also when the app is invoked
    without :func:`benchmark.cli.app.run_app` (Typer's test runner)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:
            if _is_usage_error(exc):  # click prints it and exits 2 itself
                raise
            raise typer.Exit(exit_code(exc)) from None

    return wrapper


def say(text: str) -> None:
    """Print a line of plain text (paths, names) to stdout: no markup, no emoji, no raw escapes."""
    console.print(printable(text), markup=False, highlight=False, soft_wrap=True)


def cell(text: object) -> Text:
    """A table cell holding untrusted text as text."""
    return Text(printable(str(text)))


class RichProgress:
    """A benchmark.core.progress.Progress drawn with rich progress bars (on stderr)."""

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
