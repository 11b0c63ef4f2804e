"""Markdown report: leaderboard with CIs and significance, regressions, how it was computed.

Fit for a pull-request comment and ``$GITHUB_STEP_SUMMARY`` (GitHub-flavoured tables; every
``|`` inside a cell, signatures included, is escaped).
"""

from __future__ import annotations

import math
from typing import Any

from benchmark.reports import faithmarks, pairwise_view
from benchmark.reports.costs import COST_NOTE, EVAL_HEADER, cost_rows, eval_cost_rows
from benchmark.reports.costs import HEADER as COST_HEADER
from benchmark.reports.format import fmt_ci, fmt_delta, fmt_n, fmt_p, fmt_score, md_code, md_escape
from benchmark.reports.templating import environment
from benchmark.results.pairwise import Share
from benchmark.results.table import Results
from benchmark.stats.analysis import Analysis
from benchmark.stats.compare import Comparison

_ENV = environment(
    autoescape=False,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def leaderboard_rows(results: Results, analysis: Analysis | None = None) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the means table; the best value of each column in bold.

    With an ``analysis`` each cell also shows its CI, and a dagger marks a system that is
    significantly below the best one.
    """
    columns = results.headline_columns
    means = results.means()
    best: dict[str, float] = {}
    for col in columns:
        if col in means and not results.descriptive(col):
            series = means[col].dropna()
            if len(series):
                best[col] = series.max() if results.higher_is_better(col) else series.min()
    rows = []
    total = len(results.document_ids)
    missing = {col: results.missing(col) for col in columns}
    for system in means.index:
        row = [md_escape(str(system))]
        for col in columns:
            value = float(means[col].get(system, math.nan)) if col in means else math.nan
            cell = fmt_score(value, results.scale(col))
            if col in best and not math.isnan(value) and math.isclose(value, best[col]):
                cell = f"**{cell}**"
            if not math.isnan(value):
                cell += fmt_n(total - missing[col].get(str(system), 0), total)
            ci = analysis.ci(system, col) if analysis else None
            if analysis and ci is not None:
                cell += f" {fmt_ci(ci.low, ci.high, results.scale(col))}" + (
                    " †" if analysis.below_best(system, col) else ""
                )
            row.append(cell)
        row.append(str(results.metadata.failed(str(system))))
        rows.append(row)
    return ["system", *(md_escape(c) for c in columns), "failed"], rows


def example_article(results: Results) -> dict[str, Any] | None:
    """The first document every system summarized, with its summaries."""
    frame = results.summaries
    if not len(frame):
        return None
    ok = frame[frame["error"].isna()]
    counts = ok.groupby("doc_id")["system"].nunique()
    full = [d for d in ok["doc_id"].unique() if counts.get(d, 0) == len(results.systems)]
    doc_id = full[0] if full else frame["doc_id"].iloc[0]
    rows = frame[frame["doc_id"] == doc_id]
    return {
        "doc_id": md_escape(str(doc_id)),
        "summaries": [
            (
                md_escape(str(r.system)),
                md_escape(r.summary)
                if isinstance(r.summary, str)
                else f"(failed: {md_escape(str(r.error))})",
            )
            for r in rows.itertuples()
        ],
    }


def failures(results: Results, limit: int = 20) -> list[tuple[str, str, str]]:
    frame = results.summaries
    bad = frame[frame["error"].notna()] if len(frame) else frame
    return [
        (md_escape(str(r.system)), md_escape(str(r.doc_id)), md_escape(str(r.error)))
        for r in bad.head(limit).itertuples()
    ]


def flagged_summaries(results: Results, limit: int = 50) -> dict[str, Any] | None:
    """The summaries ``faith_flagged`` marked, each with its evidence (escaped), or None when the
    run has no faithfulness evidence."""
    if not faithmarks.evidence_index(results):
        return None
    rows, total = faithmarks.flagged_rows(results, limit)

    def listed(values: tuple[str, ...]) -> str:
        return ", ".join(md_escape(v) for v in values) or "—"

    items = []
    for system, doc_id, n in rows:
        weakest = "—" if n.weakest is None else f"{md_escape(n.weakest)} ({n.weakest_support:.2f})"
        claims = "; ".join(f"{md_escape(v)}: {md_escape(c)}" for c, v in n.claims if v != "supported")
        items.append([md_escape(system), md_escape(doc_id), listed(n.numbers + n.entities),
                      listed(n.weak), listed(n.roles), weakest, claims or "—"])
    return {"rows": items, "total": total, "limit": limit}


def pair_rows(analysis: Analysis) -> list[list[str]]:
    """One row per pair of systems and metric: difference, its CI, d_z and adjusted p-values."""
    return [
        [
            md_escape(p.metric),
            md_escape(p.a),
            md_escape(p.b),
            fmt_delta(p.test.diff.mean, analysis.scale(p.metric)),
            fmt_ci(p.test.diff.low, p.test.diff.high, analysis.scale(p.metric), signed=True),
            "—" if math.isnan(p.test.d_z) else f"{p.test.d_z:.2f}",
            fmt_p(p.p_adjusted),
            fmt_p(p.p_bootstrap_adjusted),
            "yes" if p.significant else "no",
        ]
        for p in analysis.pairs
    ]


def change_rows(comparison: Comparison) -> list[list[str]]:
    """One row per system and metric of a comparison; regressions flagged."""
    rows = []
    for c in comparison.changes:
        verdict = "improved" if c.significant else "no significant change"
        if c.regression:
            verdict = "**regression**"
        rows.append(
            [
                md_escape(c.system),
                md_escape(c.metric),
                fmt_score(c.base_mean, c.scale),
                fmt_score(c.new_mean, c.scale),
                fmt_delta(c.test.diff.mean, c.scale),
                fmt_ci(c.test.diff.low, c.test.diff.high, c.scale, signed=True),
                fmt_p(c.p_adjusted),
                verdict,
            ]
        )
    return rows


def pairwise_context(results: Results) -> dict[str, Any] | None:
    """The pairwise section's cells, every user string escaped (None when not judged)."""
    block = results.pairwise
    if block is None:
        return None
    matrix = pairwise_view.win_matrix(block)
    names = [md_escape(s) for s, _ in matrix]
    usage = block.usage
    cost = f", ${usage['cost_usd']:.4f}" if usage.get("cost_usd") is not None else ""
    bias = block.bias
    return {
        "judge": md_code(block.judge.spec),
        "caveat": md_escape(block.judge.caveat) if block.judge.caveat else None,
        "ranking": [
            [str(i), md_escape(r.system), f"{r.strength:+.2f}",
             "" if r.low is None or r.high is None else f"[{r.low:+.2f}, {r.high:+.2f}]", str(r.battles)]
            for i, r in enumerate(block.ranking, start=1)
        ],
        "pairs": [
            [md_escape(p.a), md_escape(p.b), str(p.n), str(p.a_wins), str(p.b_wins), str(p.ties),
             str(p.inconsistent), str(p.failed),
             f"{pairwise_view.percent(p.win_rate_a)} {pairwise_view.percent_ci(p.win_rate_a)}".strip(),
             fmt_p(math.nan if p.sign_p is None else p.sign_p),
             f"{pairwise_view.percent(p.lc_win_rate_a)} {pairwise_view.percent_ci(p.lc_win_rate_a)}".strip()]
            for p in block.pairs
        ],
        "matrix_header": names,
        "matrix": [
            [name, *("—" if c is None else f"{pairwise_view.percent(Share(c.rate))} ({c.record})"
                     for c in cells)]
            for name, (_, cells) in zip(names, matrix, strict=True)
        ],
        "bias": None if bias is None else [
            f"position: the summary shown first won {bias.first_wins} of {bias.decisive_orders} single-order "
            f"verdicts that named a winner, {_share(bias.position)} (unbiased: 50%)",
            f"length: the longer summary won {bias.longer_wins} of {bias.decisive_unequal} consistent wins "
            f"between summaries of different length, {_share(bias.length)}",
            f"inconsistent: {bias.inconsistent} of {bias.judged} judged document-pairs, "
            f"{_share(bias.inconsistency)}; failed: {bias.failed}",
        ],
        "cost": f"{usage.get('requests', 0)} requests in this run ({usage.get('cached_contests', 0)} "
        f"document-pairs from the cache), {usage.get('prompt_tokens') or 0} prompt and "
        f"{usage.get('completion_tokens') or 0} completion tokens, "
        f"{usage.get('latency') or 0:.1f} s of model time{cost}",
        "signature": md_code(block.judge.signature),
        "statistics": md_code(block.statistics),
    }


def _share(share: Share) -> str:
    """``62.5% [50.0, 75.0]``, or a dash when there is nothing to divide."""
    if share.value is None:
        return "—"
    return f"{pairwise_view.percent(share)}% {pairwise_view.percent_ci(share)}".strip()


def render_markdown(results: Results, analysis: Analysis, comparison: Comparison | None = None) -> str:
    """The full Markdown report of a run; with ``comparison``, its changes against a baseline."""
    header, rows = leaderboard_rows(results, analysis)
    meta = results.metadata
    return _ENV.get_template("report.md.j2").render(
        meta=meta,
        header=header,
        rows=rows,
        analysis=analysis,
        pairs=pair_rows(analysis),
        comparison=comparison,
        changes=change_rows(comparison) if comparison else [],
        regressions=[
            (md_escape(c.system), md_escape(c.metric), f"{c.drop_points:.2f}") for c in comparison.regressions
        ]
        if comparison
        else [],
        metric_signatures=[(md_escape(m.name), md_code(m.signature)) for m in meta.metrics],
        systems=[
            {
                **s.to_dict(),
                "name": md_escape(s.name),
                "spec": md_code(s.spec),
                "fingerprint": md_code(s.fingerprint),
            }
            for s in meta.systems
        ],
        stats_signature=md_code(analysis.options.signature()),
        text={
            "dataset": md_escape(meta.dataset.name),
            "dataset_code": md_code(meta.dataset.name),
            "run_id": md_code(meta.run_id),
            "fingerprint": md_code(meta.dataset.fingerprint),
            "version": md_escape(meta.sumbench_version),
            "created": md_escape(meta.created),
            "base_run": md_code(comparison.base_run) if comparison else "",
            "warnings": [md_escape(w) for w in meta.warnings],
            "comparison_warnings": [md_escape(w) for w in comparison.warnings] if comparison else [],
        },
        example=example_article(results),
        flagged=flagged_summaries(results),
        failures=failures(results),
        cost_header=COST_HEADER,
        costs=[[md_escape(c) for c in row] for row in cost_rows(results)],
        eval_header=EVAL_HEADER,
        eval_costs=[[md_escape(c) for c in row] for row in eval_cost_rows(results)],
        cost_note=COST_NOTE,
        gates=[("pass" if g.ok else "FAIL", md_code(g.line)) for g in meta.gates],
        n_failed=int(results.summaries["error"].notna().sum()) if len(results.summaries) else 0,
        pairwise=pairwise_context(results),
    )
