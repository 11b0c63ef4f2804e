"""The reports' Jinja environments, with compiled templates memoised on disk.

Compiling the report templates is a noticeable part of a cached rerun; Jinja's compiled code
is kept beside the chart memo (``charts.memo_folder``, looked up at each use, so
``SUMBENCH_CHART_CACHE=off`` works whenever it is set). A file's name carries the Jinja
version and a hash of the environment's options, and Jinja checks the template's source
checksum, so a changed template, option or Jinja release is compiled afresh. An unreadable,
corrupt or unwritable memo only costs the compilation: it never fails a report.
"""

from __future__ import annotations

import contextlib
import io
from importlib.metadata import version
from pathlib import Path
from typing import Any

import jinja2

from benchmark.core.atomic import atomic_write_bytes
from benchmark.core.hashing import stable_hash
from benchmark.reports.charts import memo_folder


class _MemoBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates in the memo folder, keyed by Jinja version, options and source."""

    def __init__(self, options: dict[str, Any]) -> None:
        self._prefix = f"jinja-{version('jinja2')}-{stable_hash(sorted(map(repr, options.items())), 12)}-"

    def _path(self, bucket: jinja2.bccache.Bucket) -> Path | None:
        folder = memo_folder("templates")
        return None if folder is None else folder / f"{self._prefix}{bucket.key}.cache"

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        path = self._path(bucket)
        if path is None:
            return
        try:
            with open(path, "rb") as handle:
                bucket.load_bytecode(handle)
        except Exception:  # missing, unreadable or corrupt: compile as if there were no memo
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        path = self._path(bucket)
        if path is None:
            return
        data = io.BytesIO()
        bucket.write_bytecode(data)
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(path, data.getvalue())


def environment(**options: Any) -> jinja2.Environment:
    """A Jinja environment over ``benchmark/reports/templates`` with ``options``."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("benchmark.reports", "templates"),
        bytecode_cache=_MemoBytecodeCache(options),
        **options,
    )
