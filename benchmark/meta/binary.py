"""Binary human labels (consistent or not), as the SummaC benchmark reports metrics on them.

- ROC AUC: the probability that a random positive summary outscores a random negative one
  (ties count half), from the Mann-Whitney U statistic.
- Balanced accuracy: the mean of the true-positive and true-negative rates when summaries
  scoring at or above a threshold are called positive. The threshold is tuned on the
  validation split only (the one maximising balanced accuracy there; candidates are the
  midpoints between consecutive distinct scores) and applied to the test split, so the
  reported number is never tuned on the data it is measured on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

VALIDATION_SPLITS = frozenset({"val", "valid", "validation", "dev"})
TEST_SPLITS = frozenset({"test"})


def roc_auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Area under the ROC curve; NaN unless both classes occur."""
    positives = labels.astype(bool)
    n_pos, n_neg = int(positives.sum()), int((~positives).sum())
    if n_pos == 0 or n_neg == 0:
        return math.nan
    ranks = stats.rankdata(scores)
    u = ranks[positives].sum() - n_pos * (n_pos + 1) / 2
    return float(u / (n_pos * n_neg))


def balanced_accuracy(scores: np.ndarray, labels: np.ndarray, threshold: float) -> float:
    """Mean of sensitivity and specificity with ``score >= threshold`` called positive."""
    positives = labels.astype(bool)
    if positives.all() or not positives.any():
        return math.nan
    predicted = scores >= threshold
    return float((predicted[positives].mean() + (~predicted[~positives]).mean()) / 2)


def tune_threshold(scores: np.ndarray, labels: np.ndarray) -> float:
    """The threshold that maximises balanced accuracy on these scores (lowest on ties)."""
    distinct = np.unique(scores)
    middles = (distinct[:-1] + distinct[1:]) / 2
    candidates = np.concatenate([[distinct[0] - 1.0], middles, [distinct[-1] + 1.0]])
    accuracies = [balanced_accuracy(scores, labels, t) for t in candidates]
    return float(candidates[int(np.nanargmax(accuracies))])


@dataclass(frozen=True, slots=True)
class BinaryResult:
    """AUC on the test split (or everything), balanced accuracy with a validation-tuned threshold."""

    auc: float
    balanced_accuracy: float
    threshold: float
    n_test: int
    n_validation: int
    positives: int


def evaluate(scores: np.ndarray, labels: np.ndarray, splits: np.ndarray | None) -> BinaryResult:
    """Binary agreement of ``scores`` with ``labels``; ``splits`` names each row's split (or None)."""
    keep = ~np.isnan(scores)
    scores, labels = scores[keep], labels[keep]
    if splits is None:
        return BinaryResult(roc_auc(scores, labels), math.nan, math.nan, len(scores), 0, int(labels.sum()))
    splits = np.array([str(s).lower() for s in splits[keep]])
    val, test = np.isin(splits, list(VALIDATION_SPLITS)), np.isin(splits, list(TEST_SPLITS))
    if not val.any() or not test.any():
        return BinaryResult(math.nan, math.nan, math.nan, int(test.sum()), int(val.sum()), 0)
    threshold = tune_threshold(scores[val], labels[val]) if len(np.unique(labels[val])) == 2 else math.nan
    accuracy = math.nan if math.isnan(threshold) else balanced_accuracy(scores[test], labels[test], threshold)
    return BinaryResult(
        roc_auc(scores[test], labels[test]), accuracy, threshold, int(test.sum()), int(val.sum()),
        int(labels[test].sum()),
    )
