"""A leaderboard table for a paper: LaTeX with booktabs (``report.tex``).

One row per system, one column per headline score column: the mean on the display scale
with its bootstrap CI, the best mean of each column in bold, and a dagger on every system
whose paired test against the best is *not* significant (Holm-corrected approximate
randomization, the test every report uses; :mod:`benchmark.stats.analysis`, computed once per
run and passed in). Under the table, a note says how each number was computed: the CI and
test, the statistics signature and each metric's signature.

Every user string (system, column and dataset names, signatures) goes through
:func:`latex_escape`, so a system named ``a_b & 50%`` prints as itself and no name can run a
TeX command (``\\input``, ``^^5c`` hex escapes, ``\\write18``). The table needs only
``\\usepackage{booktabs}``; text in scripts other than Latin needs an engine with Unicode
fonts (LuaLaTeX, XeLaTeX).
"""

from __future__ import annotations

import math
import re

from benchmark.core.safe_text import printable
from benchmark.reports.format import fmt_ci, fmt_score
from benchmark.results.table import Results
from benchmark.stats.analysis import Analysis

_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "_": r"\_",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "$": r"\$",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
}
_SPECIAL_RE = re.compile("[" + re.escape("".join(_SPECIAL)) + "]")
_LABEL_UNSAFE = re.compile(r"[^A-Za-z0-9:.-]")
DAGGER = r"$^{\dagger}$"
CI_MACRO = r"\sumbenchci"
# a mean over its CI in one right-aligned cell, with core LaTeX only (no makecell)
CI_DEFINITION = (
    rf"\providecommand{{{CI_MACRO}}}[2]{{\begin{{tabular}}[t]{{@{{}}r@{{}}}}#1\\[-2pt]"
    r"{\scriptsize #2}\end{tabular}}"
)


def latex_escape(text: object) -> str:
    """``text`` as LaTeX that prints it: special characters escaped, control characters shown
    as ``\\x1b`` (:func:`~benchmark.core.safe_text.printable`), whitespace runs (a blank line
    would end the paragraph) one space."""
    plain = " ".join(printable(str(text)).split())
    return _SPECIAL_RE.sub(lambda m: _SPECIAL[m.group()], plain)


def _signature(text: str) -> str:
    """A signature in typewriter type (which has a ``|`` glyph), breakable after each ``|``."""
    parts = [latex_escape(part) for part in printable(text).split("|")]
    return r"\texttt{" + r"|\allowbreak{}".join(parts) + "}"


def _number(text: str) -> str:
    """A formatted number with a true minus sign; the dash of a missing value as an en dash."""
    if text == "—":
        return "--"
    return text.replace("-", "$-$")


def _cell(results: Results, analysis: Analysis, system: str, column: str) -> str:
    ci = analysis.ci(system, column)
    if ci is None or math.isnan(ci.mean):
        return "--"
    scale = results.scale(column)
    value = _number(fmt_score(ci.mean, scale))
    best = None if results.descriptive(column) else analysis.best(column)
    if best is not None:
        top = analysis.ci(best, column)
        if top is not None and math.isclose(ci.mean, top.mean):
            value = rf"\textbf{{{value}}}"
        else:
            pair = analysis.pair(column, system, best)
            if pair is not None and not math.isnan(pair.p_adjusted) and not pair.significant:
                value += rf"\rlap{{{DAGGER}}}"  # outside the number's width: digits stay aligned
    interval = "" if math.isnan(ci.low) else _number(fmt_ci(ci.low, ci.high, scale))
    return rf"{CI_MACRO}{{{value}}}{{{interval}}}"


def _notes(results: Results, analysis: Analysis) -> list[str]:
    options = analysis.options
    level = f"{100 * options.level:g}"
    descriptive = any(results.descriptive(c) for c in analysis.columns)
    notes = [
        rf"Mean per system (fractions such as ROUGE $\times$100, counts as they are) over its {level}\% "
        rf"percentile-bootstrap CI "
        rf"({options.resamples} resamples over documents, seed {options.seed}). Bold: the best mean "
        rf"of a column. {DAGGER}: not significantly different from the best (paired approximate "
        rf"randomization test, Holm-corrected over the column's pairs of systems, "
        rf"$p \geq {options.alpha:g}$)."
        + (" Descriptive columns (length, extractiveness) have no best." if descriptive else ""),
        r"Statistics: " + _signature(options.signature()) + ".",
    ]
    notes += [
        rf"{latex_escape(m.name)}: " + _signature(m.signature) + "." for m in results.metadata.metrics
    ]
    failed = [(s, results.metadata.failed(s)) for s in results.systems if results.metadata.failed(s)]
    if failed:
        listed = ", ".join(f"{latex_escape(s)} ({n})" for s, n in failed)
        notes.append(rf"Documents without a summary (failed, no score): {listed}.")
    return notes


def render_latex(results: Results, analysis: Analysis) -> str:
    """The leaderboard as a LaTeX ``table`` with a booktabs ``tabular`` and its notes."""
    meta = results.metadata
    columns = list(analysis.columns)
    systems = [*analysis.systems, *(s for s in results.systems if s not in analysis.systems)]
    label = _LABEL_UNSAFE.sub("-", f"tab:sumbench-{meta.run_id}")
    lines = [
        f"% sumbench {latex_escape(meta.sumbench_version)}: leaderboard of run {latex_escape(meta.run_id)}",
        r"% needs \usepackage{booktabs}; for many columns use table* or \resizebox (graphicx)",
        r"\begin{table}[t]",
        r"\centering",
        rf"\caption{{{latex_escape(meta.dataset.name)}: mean scores with {100 * analysis.options.level:g}\% "
        rf"CIs over {meta.dataset.documents} documents.}}",
        rf"\label{{{label}}}",
        CI_DEFINITION,
        r"\begin{tabular}{l" + "r" * len(columns) + "}",
        r"\toprule",
        " & ".join(["System", *(latex_escape(c) for c in columns)]) + r" \\",
        r"\midrule",
    ]
    for system in systems:
        cells = [_cell(results, analysis, system, column) for column in columns]
        lines.append(" & ".join([latex_escape(system), *cells]) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}", "", r"\smallskip", r"{\footnotesize"]
    lines += [note + r"\par" for note in _notes(results, analysis)]
    lines += ["}", r"\end{table}"]
    return "\n".join(lines) + "\n"
