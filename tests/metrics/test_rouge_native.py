"""The compiled ROUGE path (rouge-score-rs) and the fallback when it is not installed.

The parity suite on real data (5,000 pairs of CNN/DM, SummEval, REALSumm and Newsroom, 11
references, the Unicode tokenizer, edge cases) runs both backends in test_rouge_fast.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rouge_score import rouge_scorer, tokenizers

from benchmark.inputs.documents import Document
from benchmark.inputs.text import UnicodeTokenizer
from benchmark.metrics import rouge_native
from benchmark.metrics.rouge import ROUGE_TYPES, Rouge

ROOT = Path(__file__).resolve().parents[2]
needs_native = pytest.mark.skipif(not rouge_native.available(), reason="rouge-score-rs not installed")


@needs_native
def test_fast_backend_is_compiled_when_installed() -> None:
    assert Rouge().implementation() == "rouge-score-rs-0.2.1"
    assert Rouge(backend="python").implementation() == "python"
    assert Rouge(backend="rouge-score").implementation() == "rouge-score"


@needs_native
@pytest.mark.parametrize("stemmer", [True, False])
def test_rouge155_vectors_through_the_native_scorer(shared_data: Path, stemmer: bool) -> None:
    """The ROUGE-1.5.5 multi-line rougeLsum file pair and every line pair, identical to rouge-score."""
    folder = shared_data / "rouge_vectors"
    texts = [(folder / f"target{s}.txt").read_text() for s in ("", "_multi.0")]
    preds = [(folder / f"prediction{s}.txt").read_text() for s in ("", "_multi.0")]
    pairs = [*zip(texts[0].splitlines(), preds[0].splitlines(), strict=True), (texts[1], preds[1])]
    ours = rouge_native.native_scorer(ROUGE_TYPES, "default", stemmer)
    theirs = rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=stemmer)
    for target, prediction in pairs:
        assert {k: tuple(v) for k, v in ours.score(target, prediction).items()} == {
            k: tuple(v) for k, v in theirs.score(target, prediction).items()
        }


def test_falls_back_to_python_without_the_package() -> None:
    """With rouge-score-rs unimportable, backend=fast uses the pure-Python path: same numbers."""
    code = (
        "import sys, json; sys.modules['rouge_score_rs'] = None\n"
        "from benchmark.inputs.documents import Document\n"
        "from benchmark.metrics.rouge import Rouge\n"
        "doc = Document('d', 'src', ('The cat sat on the mat.\\nIt was happy.', 'A cat on a mat.'))\n"
        "m = Rouge()\n"
        "scores = m.score(candidates=['The cat is on the mat.'], documents=[doc])\n"
        "print(json.dumps([m.implementation(), scores]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    implementation, scores = json.loads(done.stdout)
    doc = Document("d", "src", ("The cat sat on the mat.\nIt was happy.", "A cat on a mat."))
    assert implementation == "python"
    slow = Rouge(backend="rouge-score")
    assert scores == slow.score(candidates=["The cat is on the mat."], documents=[doc])


@needs_native
@settings(max_examples=150, deadline=None)
@given(target=st.text(max_size=80), prediction=st.text(max_size=80),
       tokenizer=st.sampled_from(["default", "unicode"]), stemmer=st.booleans())
def test_native_identical_on_arbitrary_text(
    target: str, prediction: str, tokenizer: str, stemmer: bool
) -> None:
    tok = tokenizers.DefaultTokenizer(stemmer) if tokenizer == "default" else UnicodeTokenizer(stemmer)
    theirs = rouge_scorer.RougeScorer(list(ROUGE_TYPES), tokenizer=tok).score(target, prediction)
    ours = rouge_native.native_scorer(ROUGE_TYPES, tokenizer, stemmer).score(target, prediction)
    assert {k: tuple(v) for k, v in ours.items()} == {k: tuple(v) for k, v in theirs.items()}


def test_sentence_split_equals_blingfire_wrapper(shared_data: Path) -> None:
    """Our reused-buffer call gives blingfire.text_to_sentences' output on every real text."""
    import blingfire
    from realdata import real_pairs

    from benchmark.inputs.text import _text_to_sentences, paragraphs

    pairs = real_pairs(shared_data, 5000)
    texts = dict.fromkeys([c for c, _ in pairs] + [r for _, d in pairs for r in (d.text, *d.references)])
    paras = [" ".join(p.split()) for t in texts for p in paragraphs(t)]
    paras += ["", "a", "Ünïcödé — text. 北京是首都。Second one!", "x" * 70000 + ". Next."]
    assert [_text_to_sentences(p) for p in paras] == [blingfire.text_to_sentences(p) for p in paras]
