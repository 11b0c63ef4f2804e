"""Compare two runs: per system and metric the change NEW - BASE, its CI and its significance.

Systems are matched by name, documents by ``doc_id``; only documents scored in both runs
count (a paired comparison). Holm's correction runs over the systems of one metric. A
change is a *regression* when it goes the wrong way (lower for higher-is-better metrics)
and its Holm-adjusted approximate randomization p-value is below ``alpha``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from benchmark.core.errors import InputError
from benchmark.results.metadata import numbers_signature
from benchmark.results.table import Results
from benchmark.stats.analysis import interval_dict, json_number, options_for
from benchmark.stats.resampling import PairedTest, StatsOptions, holm, paired_test


@dataclass(frozen=True, slots=True)
class Change:
    """One system's change on one metric, paired on shared documents."""

    system: str
    metric: str
    higher_is_better: bool
    base_mean: float
    new_mean: float
    test: PairedTest
    p_adjusted: float
    significant: bool
    scale: float = 100.0
    missing_base: int = 0
    missing_new: int = 0

    @property
    def worse(self) -> bool:
        delta = self.test.diff.mean
        return bool(delta < 0 if self.higher_is_better else delta > 0)

    @property
    def regression(self) -> bool:
        return self.significant and self.worse

    @property
    def drop_points(self) -> float:
        """How much worse NEW is than BASE, in display points (x100 for fractions); negative if better."""
        delta = self.test.diff.mean
        return self.scale * (-delta if self.higher_is_better else delta)


@dataclass(frozen=True)
class Comparison:
    """Every change between two runs, with what did not match."""

    base_run: str
    new_run: str
    options: StatsOptions
    columns: tuple[str, ...]
    changes: tuple[Change, ...]
    shared_documents: int
    only_in_base: tuple[str, ...] = ()
    only_in_new: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default_factory=tuple)
    base_documents: int = 0
    new_documents: int = 0
    missing_from_new: tuple[str, ...] = ()
    missing_from_base: tuple[str, ...] = ()

    @property
    def missing_systems(self) -> tuple[str, ...]:
        """Systems of BASE that NEW does not have."""
        return self.only_in_base

    def change(self, system: str, metric: str) -> Change | None:
        return next((c for c in self.changes if (c.system, c.metric) == (system, metric)), None)

    @property
    def regressions(self) -> list[Change]:
        return [c for c in self.changes if c.regression]

    def to_dict(self) -> dict[str, Any]:
        return {
            "base_run": self.base_run,
            "new_run": self.new_run,
            "signature": self.options.signature(),
            "shared_documents": self.shared_documents,
            "base_documents": self.base_documents,
            "new_documents": self.new_documents,
            "missing_from_new": list(self.missing_from_new),
            "missing_from_base": list(self.missing_from_base),
            "only_in_base": list(self.only_in_base),
            "only_in_new": list(self.only_in_new),
            "warnings": list(self.warnings),
            "changes": [
                {
                    "system": c.system,
                    "metric": c.metric,
                    "n": c.test.n,
                    "base_mean": json_number(c.base_mean),
                    "new_mean": json_number(c.new_mean),
                    "diff": interval_dict(c.test.diff),
                    "d_z": json_number(c.test.d_z),
                    "p_randomization": json_number(c.test.p_randomization),
                    "p_bootstrap": json_number(c.test.p_bootstrap),
                    "p_randomization_holm": json_number(c.p_adjusted),
                    "significant": c.significant,
                    "missing_base": c.missing_base,
                    "missing_new": c.missing_new,
                    "regression": c.regression,
                }
                for c in self.changes
            ],
        }


def _signatures(results: Results) -> dict[str, str]:
    return {m.name: m.signature for m in results.metadata.metrics}


def check_compatible(base: Results, new: Results, allow_signature_mismatch: bool) -> list[str]:
    """Warnings for a different dataset; InputError for a metric signature that differs."""
    warnings: list[str] = []
    fp_base = base.metadata.dataset.fingerprint
    fp_new = new.metadata.dataset.fingerprint
    if fp_base != fp_new:
        warnings.append(
            f"dataset fingerprints differ ({fp_base} vs {fp_new}); only shared documents are compared"
        )
    sig_base, sig_new = _signatures(base), _signatures(new)
    for name in sorted(set(sig_base) & set(sig_new)):
        if numbers_signature(sig_base[name]) != numbers_signature(sig_new[name]):
            message = f"metric {name!r} signature differs:\n  base: {sig_base[name]}\n  new:  {sig_new[name]}"
            if not allow_signature_mismatch:
                raise InputError(
                    message + "\nthe numbers are not comparable; pass --allow-signature-mismatch "
                    "to compare anyway"
                )
            warnings.append(message.replace("\n", " "))
    return warnings


def compare_results(
    base: Results,
    new: Results,
    *,
    columns: list[str] | None = None,
    options: StatsOptions | None = None,
    allow_signature_mismatch: bool = False,
) -> Comparison:
    """Paired changes NEW - BASE for every system present in both runs."""
    warnings = check_compatible(base, new, allow_signature_mismatch)
    options = options or options_for(new)
    systems = [s for s in new.systems if s in set(base.systems)]
    if not systems:
        raise InputError(f"no system in common: base has {base.systems}, new has {new.systems}")
    shared_cols = set(base.metric_columns) & set(new.metric_columns)
    cols = tuple(c for c in (columns or new.headline_columns) if c in shared_cols)
    if not cols:
        raise InputError(
            f"no metric column in common: base has {base.metric_columns}, new has {new.metric_columns}"
        )
    base_ids, new_ids = base.document_ids, new.document_ids
    shared_docs = sorted(set(base_ids) & set(new_ids))
    if not shared_docs:
        raise InputError("the two runs share no scored document (compare runs over the same reference set)")
    shared = set(shared_docs)
    changes: list[Change] = []
    for metric in cols:
        wide_base = base.wide(metric).reindex(index=shared_docs)
        wide_new = new.wide(metric).reindex(index=shared_docs)
        found = []
        for system in systems:
            b = wide_base[system].to_numpy() if system in wide_base else np.full(len(shared_docs), np.nan)
            n = wide_new[system].to_numpy() if system in wide_new else np.full(len(shared_docs), np.nan)
            keep = ~(np.isnan(b) | np.isnan(n))
            test = paired_test(n, b, options=options, seed_names=("compare", metric, system))
            base_mean = float(b[keep].mean()) if keep.any() else math.nan
            new_mean = float(n[keep].mean()) if keep.any() else math.nan
            missing = (int(np.isnan(b).sum()), int(np.isnan(n).sum()))
            found.append((system, base_mean, new_mean, missing, test))
        adjusted = holm(np.array([t.p_randomization for *_, t in found]))
        for (system, base_mean, new_mean, missing, test), adj in zip(found, adjusted, strict=True):
            significant = bool(not math.isnan(adj) and adj < options.alpha)
            changes.append(
                Change(
                    system,
                    metric,
                    new.higher_is_better(metric),
                    base_mean,
                    new_mean,
                    test,
                    float(adj),
                    significant,
                    new.scale(metric),
                    *missing,
                )
            )
    return Comparison(
        base_run=base.metadata.run_id,
        new_run=new.metadata.run_id,
        options=options,
        columns=cols,
        changes=tuple(changes),
        shared_documents=len(shared_docs),
        only_in_base=tuple(s for s in base.systems if s not in systems),
        only_in_new=tuple(s for s in new.systems if s not in set(base.systems)),
        warnings=tuple(warnings),
        base_documents=len(base_ids),
        new_documents=len(new_ids),
        missing_from_new=tuple(d for d in base_ids if d not in shared),
        missing_from_base=tuple(d for d in new_ids if d not in shared),
    )
