"""``summarize``: one raw article (a file or standard input) to one summary, the way a
"Get a summary" button would do it: page chrome stripped, no references needed."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from benchmark.components.build import build_systems, load_plugins
from benchmark.core.errors import InputError
from benchmark.core.safe_text import looks_binary
from benchmark.inputs.documents import Document
from benchmark.inputs.ingest import clean_article
from benchmark.pipeline.summarize import summarize_batch


def read_article(file: str, stdin: BinaryIO) -> tuple[str, str]:
    """The text of ``file`` (``-``: standard input) and its suffix; InputError for what is not text."""
    if file == "-":
        data = stdin.read()
        if looks_binary(data):
            raise InputError("standard input is not text (binary data)")
        return data.decode("utf-8", errors="replace"), ".txt"
    path = Path(file)
    if not path.is_file():
        raise InputError(f"article file not found: {path}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    if looks_binary(data):
        raise InputError(f"{path} is not a text file (binary data); give a .txt, .md or .html article")
    return data.decode("utf-8", errors="replace"), path.suffix.lower()


def summarize_article(
    file: str, spec: str, stdin: BinaryIO, *, plugins: tuple[str, ...] = (), raw: bool = False
) -> str:
    """The summary of one article by the summarizer ``spec``; InputError when it cannot be made."""
    load_plugins(plugins)
    text, suffix = read_article(file, stdin)
    article = clean_article(text, suffix=suffix) if not raw else None
    body = article.text if article else text
    if not body.strip():
        raise InputError(f"{file}: no article text left to summarize")
    system = build_systems([spec])[0]
    if system.summarizer.needs_references:
        raise InputError(f"summarizer {system.label!r} reads reference summaries; a raw article has none")
    doc = Document(
        id="stdin" if file == "-" else Path(file).stem,
        text=body,
        references=(),
        title=article.title if article else None,
    )
    system.prepared([doc])
    (outcome,) = summarize_batch(system.summarizer, [doc])
    if outcome.summary is None:
        raise InputError(f"summarizer {system.label!r} failed: {outcome.error}")
    return outcome.summary
