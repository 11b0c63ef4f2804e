"""The HTML report's charts, memoised on disk: a rerun with the same numbers draws nothing.

Each chart is a pure function of its inputs (:mod:`benchmark.reports.plots` renders
reproducible SVG), so the SVG is kept under a key made of the chart's name, its inputs, the
matplotlib version and the plotting code itself. A hit skips importing matplotlib and drawing,
which is most of a cached rerun's time. Charts live beside the default cache
(``$SUMBENCH_CACHE``'s folder, else ``~/.cache/sumbench``) in ``charts/``, or in
``$SUMBENCH_CHART_CACHE``; set it to ``off`` to always draw.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from importlib.metadata import version
from pathlib import Path
from typing import Any

from benchmark.core.atomic import atomic_write_text
from benchmark.pipeline.cache import default_cache_path

_PLOTS_SOURCE = Path(__file__).with_name("plots.py")


def _feed(digest: Any, value: Any) -> None:
    """Hash ``value`` exactly: arrays by dtype, shape and bytes, floats by repr, containers in order."""
    if hasattr(value, "tobytes") and hasattr(value, "dtype"):
        digest.update(f"array:{value.dtype}:{value.shape}:".encode())
        digest.update(value.tobytes())
    elif isinstance(value, dict):
        digest.update(b"{")
        for key in sorted(value, key=repr):
            _feed(digest, key)
            _feed(digest, value[key])
        digest.update(b"}")
    elif isinstance(value, list | tuple):
        digest.update(b"[")
        for item in value:
            _feed(digest, item)
        digest.update(b"]")
    else:
        digest.update(f"{type(value).__name__}:{value!r};".encode())


def memo_folder(kind: str = "charts") -> Path | None:
    """Where the reports' memos of ``kind`` live (``charts``, ``templates``); None when off."""
    setting = os.environ.get("SUMBENCH_CHART_CACHE")
    if setting == "off":
        return None
    base = Path(setting) if setting else default_cache_path().parent / "charts"
    return base if kind == "charts" else base / kind


def chart(name: str, *args: Any) -> str:
    """``plots.<name>(*args)`` as SVG, from the memo when the same chart was drawn before.

    Labels are drawn as plain text: mathtext is off, so a ``$`` in a system name is a dollar
    sign, not a formula to parse."""
    folder = memo_folder()
    digest = hashlib.sha256(f"{name}:{version('matplotlib')}:{version('pillow')}:".encode())  # PNG panels
    digest.update(_PLOTS_SOURCE.read_bytes())
    _feed(digest, args)
    path = folder / f"{digest.hexdigest()[:40]}.svg" if folder else None
    if path is not None:
        try:
            return path.read_text(encoding="utf-8")
        except OSError:
            pass
    import matplotlib as mpl

    from benchmark.reports import plots

    with mpl.rc_context({"text.parse_math": False}):  # a ``$`` in a label is a dollar sign
        svg: str = getattr(plots, name)(*args)
    if path is not None:
        with contextlib.suppress(OSError):  # a read-only folder only costs the drawing next time
            atomic_write_text(path, svg)
    return svg
