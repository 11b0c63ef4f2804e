"""Seeded bootstrap CIs, paired significance tests, Holm correction and effect sizes.

Pure functions over numpy arrays. Every computation takes its own ``numpy.random.Generator``;
:func:`generator` derives it from the run seed and the names involved (system, metric), so
a number never depends on the order in which others were computed.

Definitions (also in docs/statistics.md):

* **CI of a mean**: percentile bootstrap. ``R`` resamples of the n values with replacement
  (``rng.integers(0, n, (R, n))``, the draw ``scipy.stats.bootstrap`` makes), the mean of
  each, and the ``(1-level)/2`` and ``(1+level)/2`` quantiles of those means
  (``numpy.percentile``, linear interpolation).
* **Paired bootstrap test** (Koehn 2004; Berg-Kirkpatrick et al. 2012) on per-document
  differences ``d = a - b`` with observed mean ``δ``: resample documents ``R`` times; the
  two-sided p-value is ``(1 + #{r : |δ*_r - δ| >= |δ|}) / (R + 1)``, i.e. how often the
  resampled gain strays from the observed one by at least the observed gain (the
  Berg-Kirkpatrick ``δ(x*) > 2δ(x)`` rule made two-sided, with the +1 that keeps p > 0).
  The same resamples give the percentile CI of the mean difference.
* **Approximate randomization** (Noreen 1989; Riezler & Maxwell 2005): under the null the
  two systems' scores of a document are exchangeable, i.e. each ``d_i`` may flip sign.
  ``R`` random sign vectors; ``p = (1 + #{r : |mean(s_r * d)| >= |δ|}) / (R + 1)``.
  :func:`exact_sign_flip_p` enumerates all ``2**n`` sign vectors (small n, for tests).
* **Holm** step-down adjustment across a family of p-values (every pair, per metric).
* **Effect sizes**: the mean difference with its bootstrap CI, and Cohen's ``d_z`` =
  ``mean(d) / sd(d)`` (sample sd, ddof=1) for paired samples.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

#: Relative tolerance for ties between a resampled statistic and the observed one.
TIE_RTOL = 1e-9
#: Index entries drawn at once (bounds memory for large reference sets).
_CHUNK = 4_000_000


@dataclass(frozen=True, slots=True)
class StatsOptions:
    """How the statistics are computed; ``signature()`` records it in every report."""

    resamples: int = 1000
    seed: int = 0
    level: float = 0.95
    alpha: float = 0.05

    def signature(self) -> str:
        return "|".join(
            [
                "ci:bootstrap-percentile",
                f"resamples:{self.resamples}",
                f"seed:{self.seed}",
                f"level:{self.level:g}",
                "test:approx-randomization+paired-bootstrap",
                "correction:holm",
                f"alpha:{self.alpha:g}",
            ]
        )


@dataclass(frozen=True, slots=True)
class Interval:
    """A mean with its bootstrap confidence interval."""

    n: int
    mean: float
    low: float
    high: float


@dataclass(frozen=True, slots=True)
class PairedTest:
    """A paired comparison of ``a`` against ``b`` (difference ``a - b``)."""

    n: int
    diff: Interval
    d_z: float
    p_bootstrap: float
    p_randomization: float


def generator(seed: int, *names: str) -> np.random.Generator:
    """A Generator seeded by ``seed`` and a stable hash of ``names`` (order-independent runs)."""
    words = [int.from_bytes(hashlib.sha256(n.encode("utf-8")).digest()[:8], "big") for n in names]
    return np.random.default_rng([int(seed), *words])


def _as_array(values: npt.ArrayLike) -> FloatArray:
    arr = np.asarray(values, dtype=np.float64).ravel()
    return arr[~np.isnan(arr)]


def _percentile_interval(samples: FloatArray, level: float) -> tuple[float, float]:
    tail = 100 * (1 - level) / 2
    low, high = np.percentile(samples, [tail, 100 - tail])
    return float(low), float(high)


def bootstrap_means(values: FloatArray, resamples: int, rng: np.random.Generator) -> FloatArray:
    """Means of ``resamples`` bootstrap resamples (same index draw as scipy.stats.bootstrap)."""
    n = len(values)
    rows = max(1, _CHUNK // max(n, 1))
    # Drawn in chunks of rows to bound memory; the stream equals one (resamples, n) draw.
    return np.concatenate(
        [
            values[rng.integers(0, n, (min(rows, resamples - start), n))].mean(axis=1)
            for start in range(0, resamples, rows)
        ]
    )


def bootstrap_ci(
    values: npt.ArrayLike, *, resamples: int = 1000, level: float = 0.95, rng: np.random.Generator
) -> Interval:
    """Mean and percentile-bootstrap CI; NaNs are dropped; no resampling for n < 2."""
    arr = _as_array(values)
    n = len(arr)
    if n == 0:
        return Interval(0, math.nan, math.nan, math.nan)
    mean = float(arr.mean())
    if n < 2 or resamples < 1:
        return Interval(n, mean, mean, mean) if n == 1 else Interval(n, mean, math.nan, math.nan)
    low, high = _percentile_interval(bootstrap_means(arr, resamples, rng), level)
    return Interval(n, mean, low, high)


def _count_at_least(stats: FloatArray, observed: float) -> int:
    return int(np.count_nonzero(stats >= observed - TIE_RTOL * max(abs(observed), 1e-12)))


def paired_bootstrap(
    diffs: FloatArray, *, resamples: int, level: float, rng: np.random.Generator
) -> tuple[Interval, float]:
    """CI of the mean difference and the two-sided paired-bootstrap p-value."""
    n = len(diffs)
    observed = float(diffs.mean())
    if n < 2 or resamples < 1:
        return Interval(n, observed, math.nan, math.nan), math.nan
    means = bootstrap_means(diffs, resamples, rng)
    low, high = _percentile_interval(means, level)
    count = _count_at_least(np.abs(means - observed), abs(observed))
    return Interval(n, observed, low, high), (count + 1) / (resamples + 1)


def approximate_randomization(diffs: npt.ArrayLike, *, resamples: int, rng: np.random.Generator) -> float:
    """Two-sided sign-flip randomization p-value ``(count + 1) / (R + 1)``."""
    arr = _as_array(diffs)
    if len(arr) == 0 or resamples < 1:
        return math.nan
    observed = abs(float(arr.mean()))
    rows = max(1, _CHUNK // len(arr))
    count = 0
    for start in range(0, resamples, rows):
        signs = rng.integers(0, 2, (min(rows, resamples - start), len(arr))) * 2 - 1
        count += _count_at_least(np.abs((signs * arr).mean(axis=1)), observed)
    return (count + 1) / (resamples + 1)


def exact_sign_flip_p(diffs: npt.ArrayLike) -> float:
    """Exact two-sided sign-flip p-value over all ``2**n`` sign vectors (n <= 20)."""
    arr = _as_array(diffs)
    n = len(arr)
    if n > 20:
        raise ValueError(f"exact enumeration needs n <= 20, got {n}")
    bits = (np.arange(2**n)[:, None] >> np.arange(n)) & 1
    stats = np.abs(((bits * 2 - 1) * arr).mean(axis=1))
    return _count_at_least(stats, abs(float(arr.mean()))) / 2**n


def cohens_dz(diffs: npt.ArrayLike) -> float:
    """Cohen's d for paired samples: mean(d) / sd(d) (ddof=1); 0 when every d is 0."""
    arr = _as_array(diffs)
    if len(arr) < 2:
        return math.nan
    sd = float(arr.std(ddof=1))
    mean = float(arr.mean())
    if sd == 0:
        return 0.0 if mean == 0 else math.copysign(math.inf, mean)
    return mean / sd


def holm(pvalues: npt.ArrayLike) -> FloatArray:
    """Holm step-down adjusted p-values (NaNs stay NaN and do not count in the family)."""
    p = np.asarray(pvalues, dtype=np.float64)
    out = np.full(p.shape, np.nan)
    valid = np.flatnonzero(~np.isnan(p))
    m = len(valid)
    order = valid[np.argsort(p[valid], kind="stable")]
    running = 0.0
    for rank, idx in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[idx]))
        out[idx] = running
    return out


def paired_test(
    a: npt.ArrayLike, b: npt.ArrayLike, *, options: StatsOptions, seed_names: tuple[str, ...]
) -> PairedTest:
    """Compare paired scores ``a`` and ``b`` (same documents, same order; NaN pairs dropped)."""
    x = np.asarray(a, dtype=np.float64)
    y = np.asarray(b, dtype=np.float64)
    if x.shape != y.shape:
        raise ValueError(f"paired samples differ in length: {x.shape} vs {y.shape}")
    keep = ~(np.isnan(x) | np.isnan(y))
    diffs = x[keep] - y[keep]
    if len(diffs) == 0:
        nan = math.nan
        return PairedTest(0, Interval(0, nan, nan, nan), nan, nan, nan)
    diff, p_boot = paired_bootstrap(
        diffs,
        resamples=options.resamples,
        level=options.level,
        rng=generator(options.seed, "paired-bootstrap", *seed_names),
    )
    p_ar = approximate_randomization(
        diffs, resamples=options.resamples, rng=generator(options.seed, "randomization", *seed_names)
    )
    return PairedTest(len(diffs), diff, cohens_dz(diffs), p_boot, p_ar)
