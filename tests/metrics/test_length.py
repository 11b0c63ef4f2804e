"""Length counts words and sentences; descriptive columns are never marked "best" in reports."""

from __future__ import annotations

from pathlib import Path

from benchmark.inputs.documents import Document
from benchmark.metrics.length import Length
from benchmark.pipeline.config import RunConfig
from benchmark.pipeline.engine import run
from benchmark.reports.markdown import leaderboard_rows


def test_counts_words_and_sentences() -> None:
    doc = Document("d", "Text.", ("Ref.",))
    text = "It's 3 p.m. in Zürich. Rain, again!"  # "p.m." counts as two words
    out = Length().score(candidates=[text, ""], documents=[doc, doc])
    assert out == {"length_words": [8.0, 0.0], "length_sentences": [2.0, 0.0]}


def test_descriptive_columns_are_recorded_and_never_bold(tiny_set: Path) -> None:
    results = run(RunConfig(dataset=str(tiny_set), summarizers=("lead:k=1", "lead:k=2"),
                            metrics=("rouge", "length", "fragments"), use_cache=False))
    meta = {m.name: m for m in results.metadata.metrics}
    assert meta["length"].higher_is_better is None and meta["fragments"].higher_is_better is None
    assert meta["rouge"].higher_is_better is True
    assert results.descriptive("length_words") and not results.descriptive("rouge1_f")
    header, rows = leaderboard_rows(results)
    for name in ("length_words", "coverage", "density"):
        column = header.index(name)
        assert not any(row[column].startswith("**") for row in rows), name
    assert any(row[header.index("rouge1_f")].startswith("**") for row in rows)
