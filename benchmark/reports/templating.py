"""The reports' Jinja environments, with compiled templates memoised on disk.

Compiling the report templates is a noticeable part of a cached rerun; Jinja's bytecode
cache keeps the compiled code beside the chart memo (``charts.memo_folder``), keyed by the
template's name and a checksum of its source, so an edited template is compiled again.
A folder that cannot be written only costs the compilation next time.
"""

from __future__ import annotations

import contextlib
import os
from typing import Any

import jinja2

from benchmark.reports.charts import memo_folder


class _QuietBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja's file cache that creates its folder and never fails a report on an OSError."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            os.makedirs(self.directory, exist_ok=True)
            super().dump_bytecode(bucket)


def environment(**options: Any) -> jinja2.Environment:
    """A Jinja environment over ``benchmark/reports/templates`` with ``options``."""
    folder = memo_folder("templates")
    cache = _QuietBytecodeCache(str(folder)) if folder is not None else None
    return jinja2.Environment(
        loader=jinja2.PackageLoader("benchmark.reports", "templates"), bytecode_cache=cache, **options
    )
