"""The `sumbench` command line: parses options, calls the library, prints with rich.

One module per command group (``run``, ``results``, ``meta``, ``dataset``); no logic of
their own beyond turning options into library calls and results into output.
"""

from __future__ import annotations

from benchmark.cli.app import app, main

__all__ = ["app", "main"]
