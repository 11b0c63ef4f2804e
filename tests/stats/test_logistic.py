"""The vectorised logistic fit equals scipy's minimiser of the same loss, resample by resample."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize

from benchmark.stats.logistic import fit_logistic, logistic_loss


def _scipy(x: np.ndarray, y: np.ndarray, w: np.ndarray, ridge: float) -> np.ndarray:
    result = minimize(logistic_loss, np.zeros(x.shape[1]), args=(x, y, w, ridge), method="BFGS",
                      options={"gtol": 1e-10})
    return np.asarray(result.x)


def test_fit_equals_scipy_on_soft_labels_and_many_weightings() -> None:
    rng = np.random.default_rng(0)
    x = np.column_stack([np.ones(40), rng.normal(size=40)])
    y = rng.choice([0.0, 0.5, 1.0], size=40)
    weights = rng.integers(0, 3, size=(5, 40)).astype(float)
    fitted = fit_logistic(x, y, weights, ridge=0.01)
    for row, w in zip(fitted, weights, strict=True):
        assert row == pytest.approx(_scipy(x, y, w, 0.01), abs=1e-5)


def test_separable_data_gives_a_finite_estimate() -> None:
    x = np.ones((8, 1))
    y = np.ones(8)  # one side wins every battle: no maximum-likelihood estimate without the ridge
    (beta,) = fit_logistic(x, y, np.ones((1, 8)), ridge=0.01)
    assert np.isfinite(beta).all() and beta[0] > 5
    assert beta == pytest.approx(_scipy(x, y, np.ones(8), 0.01), abs=1e-4)
    with pytest.raises(ValueError, match="ridge"):
        fit_logistic(x, y, np.ones((1, 8)), ridge=0)
