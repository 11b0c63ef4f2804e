"""The `sumbench` Typer app: the root command, its version flag, and every command registered."""

from __future__ import annotations

from typing import Annotated

import typer

from benchmark import __version__
from benchmark.cli import meta as meta_commands
from benchmark.cli import pairwise as pairwise_commands
from benchmark.cli import results as results_commands
from benchmark.cli import run as run_commands
from benchmark.cli import score as score_commands
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
app.command()(pairwise_commands.pairwise)
app.command("meta-eval")(meta_commands.meta_eval)
app.add_typer(dataset_app, name="dataset")


def main() -> None:
    """Console-script entry point: exit 0 pass, 1 a gate failed, 2 a usage or input error,
    3 an internal error (its traceback in a log file the message names)."""
    import sys

    from benchmark.cli.console import EXIT_USAGE, report_error, report_internal_error
    from benchmark.core.errors import SumbenchError

    try:
        code = app(standalone_mode=False)
    except (typer.Abort, KeyboardInterrupt):
        sys.stderr.write("aborted\n")
        code = 130
    except SumbenchError as exc:
        code = report_error(exc)
    except Exception as exc:
        if _is_usage_error(exc):  # click's usage and parameter errors: always 2
            exc.show()  # type: ignore[attr-defined]
            code = EXIT_USAGE
        else:
            code = report_internal_error(exc)
    sys.exit(code if isinstance(code, int) else 0)


def _is_usage_error(exc: Exception) -> bool:
    """A click exception (bad option, missing argument, unreadable file): it can show itself."""
    return callable(getattr(exc, "show", None)) and isinstance(getattr(exc, "exit_code", None), int)
