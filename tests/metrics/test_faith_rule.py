"""The faith_flagged rule: its signature names every weight, the cutoff and the version."""

from __future__ import annotations

import math

import pytest

from benchmark.metrics import faith_rule
from benchmark.metrics.faith_rule import Signals


def test_signature_pins_the_rule() -> None:
    assert faith_rule.signature() == (
        "logistic-v1(weakest=-6.23,unsupported=1.08,weak=0.8,copied=-3.28;b=6.52;copied=density/words)>=0.52"
    )


def test_risk_is_the_logistic_of_the_weighted_signals() -> None:
    signals = Signals.of(0.9, True, False, 0.2)
    z = 6.52 - 6.23 * 0.9 + 1.08 - 3.28 * 0.2
    assert faith_rule.risk(signals) == pytest.approx(1 / (1 + math.exp(-z)))
    assert signals.as_dict() == {"weakest": 0.9, "unsupported": 1, "weak": 0, "copied": 0.2}


@pytest.mark.parametrize(
    ("signals", "flagged"),
    [
        (Signals.of(0.97, False, False, 1.0), False),  # a sentence copied whole
        (Signals.of(0.95, False, False, 0.3), False),  # a well supported abstractive summary
        (Signals.of(0.95, True, True, 0.1), True),  # an invented name and a swapped one
        (Signals.of(0.72, False, False, 0.1), True),  # a sentence the article does not support
    ],
)
def test_verdicts(signals: Signals, flagged: bool) -> None:
    assert faith_rule.flagged(signals) is flagged
