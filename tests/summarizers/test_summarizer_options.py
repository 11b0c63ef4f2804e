"""Bad options of the extractive, baseline and command summarizers: clear ConfigErrors."""

from __future__ import annotations

import pickle

import pytest

from benchmark.components.build import build_systems
from benchmark.core.errors import ConfigError


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("textrank:k=0", "k must be at least 1"),
        ("textrank:words=0", "words must be at least 1"),
        ("textrank:damping=1", "damping must be between 0 and 1"),
        ("textrank:similarity=bm25", "choose one of overlap, tfidf"),
        ("lexrank:threshold=1.5", "threshold must be in"),
        ("lexrank:thresold=0.1", "known options"),
        ("random:k=0", "k must be at least 1"),
        ("random:seed=x", "expected int"),
        ("oracle:k=0", "k must be at least 1 or none"),
        ("oracle:tokenizer=spacy", "choose one of default, unicode"),
        ("command", "cmd is required"),
        ("command:cmd=no-such-program-here --flag", "executable 'no-such-program-here' not found"),
        ("command:cmd=sh x.sh,timeout=0", "timeout must be positive"),
        ("command:cmd=sh 'unclosed", "cannot be split"),
    ],
)
def test_bad_options_are_config_errors(spec: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        build_systems([spec])


@pytest.mark.parametrize(
    "spec", ["textrank:similarity=tfidf", "lexrank:threshold=0.1", "random:seed=3", "oracle:k=none"]
)
def test_parallel_safe_summarizers_survive_pickling(spec: str) -> None:
    (system,) = build_systems([spec])
    summarizer = system.summarizer
    assert getattr(summarizer, "parallel_safe", False)
    copy = pickle.loads(pickle.dumps(summarizer))
    assert copy == summarizer
    assert copy.fingerprint() == summarizer.fingerprint()
