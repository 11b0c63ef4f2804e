"""The `sumbench` Typer app: the root command, its version flag, and every command registered."""

from __future__ import annotations

from typing import Annotated

import typer

from benchmark import __version__
from benchmark.cli import history as history_commands
from benchmark.cli import meta as meta_commands
from benchmark.cli import pairwise as pairwise_commands
from benchmark.cli import results as results_commands
from benchmark.cli import run as run_commands
from benchmark.cli import score as score_commands
from benchmark.cli import show as show_commands
from benchmark.cli.console import console
from benchmark.cli.dataset import dataset_app

app = typer.Typer(
    name="sumbench",
    help="Summarization evaluation and benchmarking: run summarizers over a reference set, "
    "score them (ROUGE, BERTScore, ...), write reports and gate CI on them.\n\n"
    "Example: sumbench run --summarizer lead:k=3 --metric rouge --output reports/lead3\n\n"
    "Exit codes: 0 pass; 1 a gate failed (--fail-under, --max-drop, --min-coverage); 2 a usage or "
    "input error; 3 an internal error (the traceback is in the log file the message names).",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

def _version_callback(value: bool) -> None:
    if value:
        console.print(f"sumbench {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version_callback, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """sumbench command line."""



app.command()(run_commands.run)
app.command()(score_commands.score)
app.command()(run_commands.summarize)
app.command("list")(run_commands.list_components)
app.command()(results_commands.report)
app.command()(results_commands.compare)
app.command()(show_commands.show)
app.command()(history_commands.history)
app.command()(pairwise_commands.pairwise)
app.command("meta-eval")(meta_commands.meta_eval)
app.add_typer(dataset_app, name="dataset")


def run_app(argv: list[str] | None = None) -> int:
    """Run the app on ``argv`` (default: the command line) and return its exit code: 0 pass,
    1 a gate failed, 2 a usage or input error, 3 an internal error (traceback in a log file the
    message names). Every error is mapped here, by :func:`benchmark.cli.console.exit_code`."""
    from benchmark.cli.console import exit_code

    try:
        code = app(args=argv, standalone_mode=False)
    except BaseException as exc:
        if isinstance(exc, SystemExit) and _raised_by_the_cli_framework(exc):
            raise  # click's shell completion exits by itself
        code = exit_code(exc)  # a component's SystemExit that escaped every guard: never its code
    return code if isinstance(code, int) else 0


def main() -> None:
    """Console-script entry point: exits with :func:`run_app`'s code."""
    import sys

    sys.exit(run_app())


def _raised_by_the_cli_framework(exc: BaseException) -> bool:
    """True when the innermost frame of ``exc`` is in click or typer."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    module = str(tb.tb_frame.f_globals.get("__name__", "")) if tb is not None else ""
    return module.split(".")[0] in ("click", "typer")
