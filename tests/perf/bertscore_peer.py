"""The peer of the BERTScore benchmark: bert-score's own way, one ``BERTScorer`` and one
``score`` call per system. ``python bertscore_peer.py SPEC.json OUT.json``; SPEC holds
``model``, ``layer``, ``references`` and ``systems`` (label -> candidates)."""

from __future__ import annotations

import json
import sys

from bert_score import BERTScorer


def main(spec_path: str, out_path: str) -> None:
    with open(spec_path, encoding="utf-8") as handle:
        spec = json.load(handle)
    scorer = BERTScorer(model_type=spec["model"], num_layers=spec["layer"])
    refs = spec["references"]
    f1 = {label: scorer.score(cands, refs)[2].tolist() for label, cands in spec["systems"].items()}
    with open(out_path, "w", encoding="utf-8") as handle:
        json.dump(f1, handle)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
