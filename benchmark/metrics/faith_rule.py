"""The ``faith_flagged`` verdict: a small logistic model over four signals, fitted on SummEval.

Signals of one summary (all computed by the ``faithfulness`` metric, recorded in its evidence):

- ``weakest``: the source-grounded BERTScore precision of its least supported sentence
  (``faith_min_sentence``);
- ``unsupported``: 1 when it states a number or a name the article does not hold, or gives a
  name a role the article does not give it (a string check: see ``claims``);
- ``weak``: 1 when a number or a name it states is in the article only elsewhere, away from
  the rest of its sentence, next to a rival name or value (the mark of a swap);
- ``copied``: its extractive fragment density divided by its length in words, i.e. the sum of
  the squared lengths of the fragments it shares with the article over the squared number of
  its words (Grusky et al. 2018): 1 for a summary copied in one piece, near 0 for abstractive
  text, whatever the summary's length (density itself grows with length).

``faith_risk`` = sigmoid(b + sum of weight x signal), ``faith_flagged`` = 1 when the risk is at
least ``CUTOFF``. The weights come from ``scripts/fit_faith_flag.py`` (class-balanced logistic
regression with a small L2 penalty on the SummEval documents of the fitting half; the cutoff
maximises balanced accuracy there); the rule, its weights and its version are part of the
metric's signature.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

RULE_VERSION = "1"
WEIGHTS: dict[str, float] = {"weakest": -6.23, "unsupported": 1.08, "weak": 0.8, "copied": -3.28}
INTERCEPT = 6.52
CUTOFF = 0.52


@dataclass(frozen=True, slots=True)
class Signals:
    """What the verdict reads of one summary."""

    weakest: float
    unsupported: int
    weak: int
    copied: float

    @classmethod
    def of(cls, weakest: float, unsupported: bool, weak: bool, copied: float) -> Signals:
        return cls(float(weakest), int(unsupported), int(weak), float(copied))

    def as_dict(self) -> dict[str, float]:
        return {
            "weakest": round(self.weakest, 6),
            "unsupported": self.unsupported,
            "weak": self.weak,
            "copied": round(self.copied, 6),
        }


def risk(signals: Signals) -> float:
    """The model's probability that the summary is unfaithful."""
    z = INTERCEPT + sum(WEIGHTS[k] * float(v) for k, v in signals.as_dict().items())
    return 1.0 / (1.0 + math.exp(-z))


def flagged(signals: Signals) -> bool:
    """The verdict: likely unfaithful."""
    return risk(signals) >= CUTOFF


def signature() -> str:
    """The rule as it goes into the metric's signature (every weight, the cutoff, the version)."""
    weights = ",".join(f"{k}={v:g}" for k, v in WEIGHTS.items())
    return f"logistic-v{RULE_VERSION}({weights};b={INTERCEPT:g};copied=density/words)>={CUTOFF:g}"
