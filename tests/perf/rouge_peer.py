"""The peer of the CLI ROUGE benchmark: rouge-score (or rouge-score-rs) the way its users call it.

``python rouge_peer.py LIBRARY SPEC.json OUT.json``; LIBRARY is ``rouge-score`` or
``rouge-score-rs``; SPEC holds ``pairs``: ``[reference, candidate]`` with sentences already
on their own lines (so the peer is spared the sentence split sumbench does itself). One
``RougeScorer(["rouge1", "rouge2", "rougeL", "rougeLsum"], use_stemmer=True)``, ``score`` per
pair; OUT gets the 12 columns and the seconds spent scoring.
"""

from __future__ import annotations

import json
import sys
import time

TYPES = ["rouge1", "rouge2", "rougeL", "rougeLsum"]


def main(library: str, spec_path: str, out_path: str) -> None:
    if library == "rouge-score":
        from rouge_score.rouge_scorer import RougeScorer
    else:
        from rouge_score_rs import RougeScorer  # type: ignore[no-redef]
    with open(spec_path, encoding="utf-8") as handle:
        pairs = json.load(handle)["pairs"]
    scorer = RougeScorer(TYPES, use_stemmer=True)
    start = time.perf_counter()
    scores = [scorer.score(ref, cand) for ref, cand in pairs]
    seconds = time.perf_counter() - start
    columns = {f"{t}_{s}": [getattr(x[t], name) for x in scores]
               for t in TYPES for s, name in (("f", "fmeasure"), ("p", "precision"), ("r", "recall"))}
    with open(out_path, "w", encoding="utf-8") as handle:
        json.dump({"scoring_s": seconds, "columns": columns}, handle)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
