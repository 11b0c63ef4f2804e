"""Refit the ``faith_flagged`` rule on SummEval's expert consistency, half of the documents.

Labels: a summary counts as consistent when its consistency (the mean of 3 experts, 1-5) is 5,
i.e. all three experts gave it full marks (the convention of FactCC-style and SummaC binary
benchmarks built on SummEval); everything below is "inconsistent", the class the rule flags.

Split by document, not by summary: a document goes to the fitting half ("val") when the
SHA-256 of its id is even, to the held-out half ("test") otherwise, so no article is seen on
both sides. The rule is a class-balanced logistic regression (L2 penalty 1/(2C), C = 10,
scipy's L-BFGS) on the four signals the ``faithfulness`` metric records in its evidence
(``benchmark/metrics/faith_rule.py``), fitted on the "val" half; the cutoff on its risk is the
one that maximises balanced accuracy there. The script prints the constants to put into
``faith_rule.py`` and writes, under ``--out`` only (never into the repository):

- ``summeval_split.jsonl``: the SummEval judgments with a ``split`` field, for
  ``sumbench meta-eval ... --split-field split``, which measures the rule and the copy rate
  (``density``) on the held-out half with the same procedure;
- ``fit.json``: the signals' weights, the cutoff and the split sizes.

    HF_HUB_OFFLINE=1 python scripts/fit_faith_flag.py ../shared/data --out /tmp/faith-fit
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import minimize

from benchmark.inputs.documents import Document
from benchmark.metrics import faith_rule
from benchmark.metrics.faithfulness import Faithfulness

SIGNALS = tuple(faith_rule.WEIGHTS)
C = 10.0


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def split_of(doc_id: str) -> str:
    """ "val" (fitting half) or "test" (held out), by the parity of the id's SHA-256."""
    return "val" if int(hashlib.sha256(doc_id.encode()).hexdigest(), 16) % 2 == 0 else "test"


def fit(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Class-balanced L2 logistic regression: weights and intercept (y = 1: inconsistent)."""
    weight = np.where(y == 1, len(y) / (2 * y.sum()), len(y) / (2 * (len(y) - y.sum())))

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        z = x @ theta[:-1] + theta[-1]
        p = 1 / (1 + np.exp(-z))
        nll = -(weight * (y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12))).sum()
        grad_z = weight * (p - y)
        grad = np.r_[x.T @ grad_z + theta[:-1] / C, grad_z.sum()]
        return nll + (theta[:-1] ** 2).sum() / (2 * C), grad

    theta = minimize(loss, np.zeros(x.shape[1] + 1), jac=True, method="L-BFGS-B").x
    return theta[:-1], float(theta[-1])


def balanced_accuracy(flag: np.ndarray, y: np.ndarray) -> float:
    return float((flag[y == 1].mean() + (~flag[y == 0]).mean()) / 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="the shared data folder (holds summeval/)")
    parser.add_argument(
        "--out", type=Path, required=True, help="folder for summeval_split.jsonl and fit.json"
    )
    args = parser.parse_args()
    docs = {str(r["doc_id"]): r["source"] for r in read_jsonl(args.data / "summeval" / "summeval_docs.jsonl")}
    rows = read_jsonl(args.data / "summeval" / "summeval_expert_scores.jsonl")
    metric = Faithfulness()
    scored = metric.score(
        candidates=[r["system_output"] for r in rows],
        documents=[Document(str(r["doc_id"]), docs[str(r["doc_id"])], ()) for r in rows],
    )
    x = np.array([[e["signals"][k] for k in SIGNALS] if e else [0.0] * len(SIGNALS) for e in scored.evidence])
    y = np.array([r["consistency"] < 5 for r in rows], dtype=int)
    fitting = np.array([split_of(str(r["doc_id"])) == "val" for r in rows])
    weights, intercept = fit(x[fitting], y[fitting])
    risk = 1 / (1 + np.exp(-(x @ weights + intercept)))
    candidates = np.round(np.linspace(0.05, 0.95, 91), 2)
    cutoff = float(max(candidates, key=lambda c: balanced_accuracy(risk[fitting] >= c, y[fitting])))
    result = {
        "weights": {k: round(float(w), 2) for k, w in zip(SIGNALS, weights, strict=True)},
        "intercept": round(intercept, 2),
        "cutoff": cutoff,
        "label": "inconsistent = SummEval expert consistency < 5",
        "fit_documents": len({r["doc_id"] for r, f in zip(rows, fitting, strict=True) if f}),
        "fit_summaries": int(fitting.sum()),
        "held_out_summaries": int((~fitting).sum()),
        "fit_balanced_accuracy": balanced_accuracy(risk[fitting] >= cutoff, y[fitting]),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "fit.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    with (args.out / "summeval_split.jsonl").open("w", encoding="utf-8") as sink:
        for r in rows:
            sink.write(json.dumps({**r, "split": split_of(str(r["doc_id"]))}) + "\n")
    print(json.dumps(result, indent=1))
    print(f"WEIGHTS = {result['weights']}\nINTERCEPT = {result['intercept']}\nCUTOFF = {cutoff}")


if __name__ == "__main__":
    main()
