"""Charts for the HTML report: matplotlib figures rendered to inline SVG (a panel with more than
``VECTOR_POINTS`` points draws them as one embedded PNG).

matplotlib draws them because the report must work offline and without JavaScript: SVG is
text that sits inside the HTML, prints and zooms cleanly, and is byte-for-byte reproducible
(fixed ``svg.hashsalt``, no date in the metadata). No pyplot and no GUI backend: each
chart is a plain ``Figure`` saved through matplotlib's SVG writer. Text stays text
(``svg.fonttype = none``) and is XML-escaped by matplotlib.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure

from benchmark.core.safe_text import printable
from benchmark.stats.resampling import Interval

_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)
VECTOR_POINTS = 1000  # a panel with more points draws them as one embedded image (axes, text stay vector)
RASTER_DPI = 144


def _rasterize(n_points: int) -> bool:
    """Thousands of SVG markers make a report slow to write and to open (10,000 documents: tens
    of MiB of HTML); beyond ``VECTOR_POINTS`` a panel's points become one PNG inside the SVG."""
    return n_points > VECTOR_POINTS


PALETTE = ("#4269d0", "#efb118", "#ff725c", "#6cc5b0", "#3ca951", "#ff8ab7", "#a463f2", "#97bbf5", "#9c6b4e")


def color(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def to_svg(fig: Figure, salt: str) -> str:
    """The figure as an ``<svg>`` element (no XML prolog), reproducible for the same input."""
    buffer = io.StringIO()
    with mpl.rc_context({"svg.hashsalt": f"sumbench-{salt}", "svg.fonttype": "none"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight", dpi=RASTER_DPI)
    text = buffer.getvalue()
    text = _METADATA.sub("", text[text.index("<svg") :])
    return text.strip()


def _scale_label(scale: float) -> str:
    return f"×{scale:g}, " if scale != 1 else ""


def interval_chart(metric: str, systems: Sequence[str], cis: Sequence[Interval], scale: float = 100.0) -> str:
    """Mean per system (a dot, on its display scale) with its CI as a line: a dot-and-interval plot.

    The axis spans the intervals, not zero to the top, so differences of a point or two show.
    """
    systems, metric = [printable(s) for s in systems], printable(metric)
    fig = Figure(figsize=(4.2, max(1.4, 0.42 * len(systems) + 0.8)))
    ax = fig.add_subplot()
    means = np.array([scale * ci.mean for ci in cis])
    lows = np.array([scale * (ci.low if not math.isnan(ci.low) else ci.mean) for ci in cis])
    highs = np.array([scale * (ci.high if not math.isnan(ci.high) else ci.mean) for ci in cis])
    y = np.arange(len(systems))[::-1]
    for i in range(len(systems)):
        ax.plot([lows[i], highs[i]], [y[i], y[i]], color=color(i), lw=2.2, solid_capstyle="butt")
        ax.plot(means[i], y[i], "o", color=color(i), ms=6, mec="#222", mew=0.6)
    ax.set_yticks(y, list(systems))
    ax.set_ylim(-0.6, len(systems) - 0.4)
    ax.set_title(f"{metric} ({_scale_label(scale)}95% CI)", fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="x", alpha=0.3)
    return to_svg(fig, f"interval-{metric}")


def distributions(
    columns: Sequence[str],
    systems: Sequence[str],
    values: dict[tuple[str, str], np.ndarray],
    scales: dict[str, float] | None = None,
) -> str:
    """Per-document scores (display scale): a box plot and the points, one panel per metric."""
    labels = [printable(s) for s in systems]
    fig = Figure(figsize=(max(4.0, 2.2 * len(columns) + 0.4 * len(systems)), 3.0))
    axes = fig.subplots(1, len(columns), squeeze=False)[0]
    rng = np.random.default_rng(0)
    for ax, metric in zip(axes, columns, strict=True):
        scale = (scales or {}).get(metric, 100.0)
        data = [scale * values.get((s, metric), np.array([])) for s in systems]
        ax.boxplot(data, tick_labels=labels, showfliers=False, widths=0.5)
        raster = _rasterize(sum(len(points) for points in data))
        for i, points in enumerate(data):
            ax.scatter(i + 1 + rng.uniform(-0.15, 0.15, len(points)), points, s=6, alpha=0.6, color=color(i),
                       rasterized=raster)
        ax.set_title(printable(metric), fontsize=10)
        ax.tick_params(axis="x", labelrotation=30 if len(systems) > 2 else 0)
        ax.spines[["top", "right"]].set_visible(False)
    return to_svg(fig, "distributions")


def length_scatter(
    columns: Sequence[str],
    systems: Sequence[str],
    points: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]],
    scales: dict[str, float] | None = None,
) -> str:
    """Summary length in words against score (display scale), one panel per metric and colour per system."""
    fig = Figure(figsize=(max(4.0, 2.6 * len(columns)), 3.0))
    axes = fig.subplots(1, len(columns), squeeze=False, sharex=True)[0]
    empty = (np.array([]), np.array([]))
    for ax, metric in zip(axes, columns, strict=True):
        panel = [points.get((system, metric), empty) for system in systems]
        raster = _rasterize(sum(len(x) for x, _ in panel))
        scale = (scales or {}).get(metric, 100.0)
        for i, (system, (x, y)) in enumerate(zip(systems, panel, strict=True)):
            ax.scatter(x, scale * y, s=8, alpha=0.7, color=color(i), label=printable(system),
                       rasterized=raster)
        ax.set_title(printable(metric), fontsize=10)
        ax.set_xlabel("summary length (words)", fontsize=8)
        ax.spines[["top", "right"]].set_visible(False)
    axes[0].legend(fontsize=7, frameon=False)
    return to_svg(fig, "length")


@dataclass(frozen=True, slots=True)
class TrendLine:
    """One system's runs in one panel, oldest first, in display units; ``colour`` indexes the
    palette so a system keeps its colour in every panel."""

    system: str
    colour: int
    dates: tuple[str, ...]
    means: tuple[float, ...]
    lows: tuple[float, ...]
    highs: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class TrendPanel:
    """One comparable group of runs (one dataset, one signature): its title, y label and lines."""

    title: str
    label: str
    lines: tuple[TrendLine, ...]


def _utc(iso: str) -> datetime:
    moment = datetime.fromisoformat(iso)
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _legend_label(text: str) -> str:
    """A system name as a legend entry: matplotlib hides labels that start with ``_``."""
    label = printable(text)
    return f"\u200b{label}" if label.startswith("_") else label


def trend_chart(panels: Sequence[TrendPanel]) -> str:
    """Each run's mean with its CI (an error bar) against the run's date, a line per system; one
    panel per comparable group, stacked on one date axis, so no line ever joins runs that
    differ in dataset or signature."""
    import matplotlib.dates as mdates

    fig = Figure(figsize=(8.0, 0.6 + 2.4 * len(panels)))
    axes = fig.subplots(len(panels), 1, squeeze=False, sharex=True)[:, 0]
    for ax, panel in zip(axes, panels, strict=True):
        for line in panel.lines:
            means, lows, highs = (np.array(v, dtype=float) for v in (line.means, line.lows, line.highs))
            below = np.nan_to_num(means - lows, nan=0.0).clip(min=0)
            above = np.nan_to_num(highs - means, nan=0.0).clip(min=0)
            ax.errorbar([_utc(d) for d in line.dates], means, yerr=[below, above], fmt="o-",
                        color=color(line.colour), ms=5, lw=1.4, capsize=3, label=_legend_label(line.system))
        ax.set_title(printable(panel.title), fontsize=9, loc="left")
        ax.set_ylabel(printable(panel.label), fontsize=8)
        ax.grid(alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
        ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    locator = mdates.AutoDateLocator()
    axes[-1].xaxis.set_major_locator(locator)
    axes[-1].xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    axes[-1].set_xlabel("run date (UTC)", fontsize=8)
    return to_svg(fig, "trend")
