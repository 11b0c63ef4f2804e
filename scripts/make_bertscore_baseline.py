"""Make the BERTScore rescaling baseline of the default encoder (all-MiniLM-L6-v2).

As bert-score made its own baselines (Zhang et al. 2020, "rescaling"): the expected
score of *unrelated* text. Corpus: the sentences of the 193 CNN/DailyMail test articles in
``../shared/data/cnndm/cnndm_test_sample.jsonl`` (split with blingfire, PTB brackets and
quotes undone, 5 to 60 words). Pairs: 20,000 random pairs of sentences from two different
articles, drawn with ``random.Random(seed)``, seed 0. Each pair is scored with
``bert_score.score`` at every layer (``all_layers``, no idf); the baseline of a layer is
the mean P, R and F over the pairs. Output: a CSV in bert-score's baseline format
(``LAYER,P,R,F``, one row per layer from 0, the embeddings, to 6).

    HF_HUB_OFFLINE=1 python scripts/make_bertscore_baseline.py ../shared/data/cnndm/cnndm_test_sample.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from benchmark.inputs.text import split_sentences
from benchmark.metrics.bertscore_rescale import BASELINE_DIR
from benchmark.models.weights import DEFAULT_ENCODER as DEFAULT_MODEL
from benchmark.models.weights import default_model_path

PTB = {"-lrb-": "(", "-rrb-": ")", "-lsb-": "[", "-rsb-": "]", "``": '"', "''": '"'}


def sentences_by_article(path: Path, min_words: int = 5, max_words: int = 60) -> list[list[str]]:
    """Sentences of each article, PTB bracket tokens undone, within a length range."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        text = json.loads(line)["article"]
        for token, plain in PTB.items():
            text = text.replace(token, plain)
        sents = [s for s in split_sentences(text) if min_words <= len(s.split()) <= max_words]
        if sents:
            out.append(sents)
    return out


def random_pairs(articles: list[list[str]], n: int, seed: int) -> list[tuple[str, str]]:
    """``n`` pairs of sentences, each from two different articles."""
    rng = random.Random(seed)
    pairs = []
    while len(pairs) < n:
        a, b = rng.sample(range(len(articles)), 2)
        pairs.append((rng.choice(articles[a]), rng.choice(articles[b])))
    return pairs


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", type=Path, help="cnndm_test_sample.jsonl (field 'article')")
    parser.add_argument("--pairs", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", type=Path, default=BASELINE_DIR / f"{DEFAULT_MODEL}.tsv")
    args = parser.parse_args()

    import bert_score

    pairs = random_pairs(sentences_by_article(args.corpus), args.pairs, args.seed)
    cands, refs = [a for a, _ in pairs], [b for _, b in pairs]
    p, r, f = bert_score.score(
        cands, refs, model_type=default_model_path(), num_layers=6, all_layers=True, batch_size=128
    )
    lines = ["LAYER,P,R,F"]
    for layer in range(p.shape[0]):
        lines.append(f"{layer},{p[layer].mean():.8f},{r[layer].mean():.8f},{f[layer].mean():.8f}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    print(f"wrote {args.output} ({len(pairs)} pairs, seed {args.seed})")


if __name__ == "__main__":
    main()
