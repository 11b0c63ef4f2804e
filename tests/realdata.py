"""Real (candidate, document) pairs and reference sets built from ``../shared/data``.

Shared by the fast-ROUGE equality tests, the robustness tests and the benchmarks.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from benchmark.inputs.documents import Document
from benchmark.inputs.text import split_sentences

Pair = tuple[str, Document]


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def cnndm_pairs(shared: Path) -> list[Pair]:
    """CNN/DM articles: lead-1..3, the last sentence and the article's 4th-6th sentences."""
    pairs: list[Pair] = []
    for rec in read_jsonl(shared / "cnndm" / "cnndm_test_sample.jsonl"):
        doc = Document(rec["id"], rec["article"], (rec["reference"],))
        sents = split_sentences(rec["article"])
        variants = [" ".join(sents[:k]) for k in (1, 2, 3)] + [sents[-1], " ".join(sents[3:6])]
        pairs.extend((v, doc) for v in variants)
    return pairs


def system_pairs(shared: Path, docs_file: str, outputs_file: str) -> list[Pair]:
    """System outputs against their document's first reference."""
    docs = {str(r["doc_id"]): r for r in read_jsonl(shared / docs_file)}
    pairs: list[Pair] = []
    for rec in read_jsonl(shared / outputs_file):
        src = docs[str(rec["doc_id"])]
        refs = src.get("references") or [src["reference"]]
        doc = Document(str(rec["doc_id"]), src["source"], (refs[0],))
        pairs.append((rec["system_output"], doc))
    return pairs


def summeval_multi_ref(shared: Path, limit: int) -> list[Pair]:
    """SummEval outputs against all 11 references of their document."""
    docs = {r["doc_id"]: r for r in read_jsonl(shared / "summeval" / "summeval_docs.jsonl")}
    pairs: list[Pair] = []
    for rec in read_jsonl(shared / "summeval" / "summeval_expert_scores.jsonl")[:limit]:
        src = docs[rec["doc_id"]]
        pairs.append((rec["system_output"], Document(rec["doc_id"], src["source"], tuple(src["references"]))))
    return pairs


SOURCES = {
    "cnndm": lambda shared: cnndm_pairs(shared),
    "summeval": lambda shared: system_pairs(
        shared, "summeval/summeval_docs.jsonl", "summeval/summeval_expert_scores.jsonl"
    ),
    "realsumm": lambda shared: system_pairs(
        shared, "realsumm/realsumm_docs.jsonl", "realsumm/realsumm_litepyramid.jsonl"
    ),
    "newsroom": lambda shared: system_pairs(
        shared, "newsroom_human/newsroom_docs.jsonl", "newsroom_human/newsroom_human_scores.jsonl"
    ),
}


def real_pairs(shared: Path, n: int = 5000) -> list[Pair]:
    """``n`` real pairs: CNN/DM variants, then SummEval, REALSumm and Newsroom outputs."""
    pairs = [pair for build in SOURCES.values() for pair in build(shared)]
    if len(pairs) < n:
        raise ValueError(f"only {len(pairs)} real pairs available, {n} asked")
    return pairs[:n]


def scaled_cnndm(shared: Path, n: int) -> list[dict[str, Any]]:
    """``n`` JSONL records from the CNN/DM sample: articles repeated under distinct ids.

    Copy ``c`` of an article gets a distinct id and a short distinct last paragraph, so every
    document has its own fingerprint while its lead sentences stay real news text.
    """
    base = read_jsonl(shared / "cnndm" / "cnndm_test_sample.jsonl")
    records = []
    for i in range(n):
        rec = base[i % len(base)]
        copy = i // len(base)
        records.append({
            "id": f"{rec['id']}-{copy}",
            "text": f"{rec['article']}\n\nCopy {copy} of this story.",
            "references": [rec["reference"]],
        })
    return records


def _pool(shared: Path) -> list[tuple[str, str, str]]:
    """(id, article, reference) of every distinct real article in ``../shared/data``, in file order."""
    pool: list[tuple[str, str, str]] = []
    seen: set[str] = set()

    def add(doc_id: str, text: str, ref: str) -> None:
        if text not in seen:
            seen.add(text)
            pool.append((doc_id, text, ref))

    for rec in read_jsonl(shared / "cnndm" / "cnndm_test_sample.jsonl"):
        add(rec["id"], rec["article"], rec["reference"])
    for name in ("summeval/summeval_docs.jsonl", "realsumm/realsumm_docs.jsonl",
                 "newsroom_human/newsroom_docs.jsonl"):
        for rec in read_jsonl(shared / name):
            refs = rec.get("references") or [rec["reference"]]
            add(f"{name.split('/')[0]}-{rec['doc_id']}", rec["source"], refs[0])
    return pool


def distinct_corpus(shared: Path, n: int) -> list[dict[str, Any]]:
    """``n`` distinct JSONL records built deterministically from every real article in the data.

    Document ``i`` is copy ``c = i // P`` of article ``a = i % P`` of the pool of P distinct
    articles (CNN/DM sample, SummEval, REALSumm, Newsroom). Copy 0 is the article itself; copy
    ``c`` has its L sentences rotated left by ``c % L`` and, from the second round of rotations
    on (``k = c // L > 0``), the first sentence of article ``(a + k) % P`` put in front. So every
    document's text and lead sentences differ and no summary or score is reused across them;
    the reference stays the article's.
    """
    pool = _pool(shared)
    split = [split_sentences(text) for _, text, _ in pool]
    records = []
    for i in range(n):
        a, copy = i % len(pool), i // len(pool)
        doc_id, text, ref = pool[a]
        sents = split[a]
        rounds, shift = divmod(copy, max(len(sents), 1))
        rotated = sents[shift:] + sents[:shift]
        if rounds:
            rotated = [split[(a + rounds) % len(pool)][0], *rotated]
        records.append({"id": f"{doc_id}-r{copy}", "text": " ".join(rotated) if copy else text,
                        "references": [ref]})
    return records
