"""Build reference sets from raw article pages: strip page chrome, normalise, attach references."""

from __future__ import annotations

import csv
import glob
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

from benchmark.core.errors import InputError
from benchmark.inputs.documents import Document, ReferenceSet
from benchmark.inputs.text import count_words, normalize, paragraphs, split_sentences

# A line that is nothing but one of these is page chrome.
CHROME_LINES = re.compile(
    r"^(no time to read\??|get a summary|share( this( article| story)?)?|facebook|twitter|x|linkedin|"
    r"whatsapp|email|e-mail|copy link|print|advertisement|subscribe|sign up|read more|related( articles)?|"
    r"follow us|comments?|\d+ comments?)$",
    re.IGNORECASE,
)
_SHARE_WORDS = r"(facebook|twitter|x|linkedin|whatsapp|reddit|email|e-mail|copy link|print|share)"
# "Share this article: Facebook Twitter Email", "Facebook | Twitter | Email"
SHARE_BAR = re.compile(
    rf"^(share( this( article| story| page)?)?\s*:?\s*)?{_SHARE_WORDS}([\s|·•,/]+{_SHARE_WORDS})*\s*$",
    re.IGNORECASE,
)
# "By Jane Doe", "By Jane Doe and John Roe, Staff Reporters", "By Jane Doe | 3 May 2024"
BYLINE = re.compile(r"^[Bb][Yy]\s+[A-Z][\w.'’-]*(\s+(?:[A-Z][\w.'’-]*|and|&)){0,5}\s*([,|·•–-].{0,80})?$")
# From the first of these on, the page lists other articles: everything after it goes.
TRAILER_LINES = re.compile(
    r"^((previous article|next article|related articles|more stories|read next)\s*:?|"
    r"(read more|next article|previous article|read next|more stories)\s*:.{0,300})$",
    re.I,
)
CITATION = re.compile(r"\[(?:citation|source|cite)s?:[^\[\]\n]*\]", re.IGNORECASE)
# Every pattern runs in linear time on any input: the repeated parts cannot cross their own
# delimiters, so a failed match never rescans what the next start scans again.
MARKDOWN_MARKUP = [
    (re.compile(r"^[ \t]{0,3}#{1,6}[ \t]*", re.M), ""),
    (re.compile(r"!\[[^\[\]\n]*\]\([^()\n]*\)"), ""),
    (re.compile(r"\[([^\[\]\n]+)\]\([^()\n]*\)"), r"\1"),
    (re.compile(r"\*\*([^*\n]+)\*\*"), r"\1"),
    (re.compile(r"__([^_\n]+)__"), r"\1"),
    (re.compile(r"(?<!\w)\*([^*\n]+)\*(?!\w)"), r"\1"),
    (re.compile(r"(?<!\w)_([^_\n]+)_(?!\w)"), r"\1"),
    (re.compile(r"^[ \t]*>[ \t]?", re.M), ""),
]
SIDECAR = re.compile(r"\.ref\d*\.txt$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Article:
    """A cleaned article: an optional title and its body paragraphs joined by blank lines."""

    title: str | None
    text: str


class _HTMLText(HTMLParser):
    """Collect block-level text from HTML, skipping scripts, styles and navigation."""

    SKIP: ClassVar[frozenset[str]] = frozenset(
        {"script", "style", "nav", "footer", "aside", "noscript", "form", "button", "svg", "header"}
    )
    BLOCKS: ClassVar[frozenset[str]] = frozenset(
        {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "div", "section", "article", "br", "title", "tr"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: str | None = None
        self._skip = 0
        self._in_h1 = False
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skip += 1
        if tag in self.BLOCKS:
            self.parts.append("\n\n")
        self._in_h1 = self._in_h1 or tag == "h1"
        self._in_title = self._in_title or tag == "title"

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self._skip:
            self._skip -= 1
        if tag in self.BLOCKS:
            self.parts.append("\n\n")
        if tag == "h1":
            self._in_h1 = False
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            return
        if self._in_h1 and self.title is None and data.strip():
            self.title = " ".join(data.split())
        if self._skip:
            return
        self.parts.append(data)


def html_to_text(html: str) -> tuple[str | None, str]:
    """Title (first h1) and paragraph text of an HTML page."""
    parser = _HTMLText()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    blocks = [" ".join(b.split()) for b in re.split(r"\n\s*\n", text)]
    return parser.title, "\n\n".join(b for b in blocks if b)


def _looks_like_title(line: str) -> bool:
    return 0 < len(line) <= 200 and not line.rstrip().endswith((".", "?", "!", ":", ";", ","))


def clean_article(raw: str, suffix: str = ".txt") -> Article:
    """Strip page chrome (summary buttons, citations, share bars, next/previous links)."""
    title: str | None = None
    if suffix in (".html", ".htm"):
        title, raw = html_to_text(raw)
    elif suffix == ".md":
        for pattern, replacement in MARKDOWN_MARKUP:
            raw = pattern.sub(replacement, raw)
    kept: list[str] = []
    for line in normalize(raw).split("\n"):
        bare = line.strip()
        if TRAILER_LINES.match(bare):
            break
        if CHROME_LINES.match(bare) or (len(bare) <= 200 and (SHARE_BAR.match(bare) or BYLINE.match(bare))):
            kept.append("")
            continue
        kept.append(CITATION.sub("", line).rstrip())
    paras = paragraphs("\n".join(kept))
    if title is None and len(paras) > 1 and _looks_like_title(paras[0]) and "\n" not in paras[0]:
        title = paras[0]
        paras = paras[1:]
    elif title is not None and paras and paras[0] == title:
        paras = paras[1:]
    paras = [" ".join(p.split()) for p in paras]
    return Article(title=title, text="\n\n".join(paras))


def _sidecar_references(path: Path) -> list[str]:
    stem = path.name[: -len(path.suffix)] if path.suffix else path.name
    files = sorted(path.parent.glob(f"{glob.escape(stem)}.ref*.txt"))
    texts = [f.read_text(encoding="utf-8", errors="replace").strip() for f in files if SIDECAR.search(f.name)]
    return [t for t in texts if t]


def _csv_references(path: Path) -> dict[str, list[str]]:
    if not path.is_file():
        raise InputError(f"references CSV not found: {path}" + (" (a directory)" if path.is_dir() else ""))
    refs: dict[str, list[str]] = {}
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames or not {"id", "reference"} <= set(reader.fieldnames):
                raise InputError(f"{path}:1: references CSV needs the columns id,reference")
            for row in reader:
                if None in row or row["id"] is None or row["reference"] is None:
                    raise InputError(f"{path}:{reader.line_num}: a row needs exactly the cells id,reference")
                if row["reference"].strip():
                    refs.setdefault(row["id"].strip(), []).append(row["reference"].strip())
    except UnicodeDecodeError:
        raise InputError(f"{path}: undecodable bytes (not UTF-8)") from None
    except csv.Error as exc:
        raise InputError(f"{path}:{reader.line_num}: bad CSV ({exc})") from None
    return refs


def build_documents(
    files: Sequence[Path], references_csv: Path | None = None, clean: bool = True
) -> list[Document]:
    """Documents from raw article files; ids are the file stems. References come from the CSV
    or the sidecar files and are optional: without any, the set is articles-only."""
    table = _csv_references(references_csv) if references_csv else None
    problems: list[str] = []
    docs: list[Document] = []
    for path in files:
        if table is None and SIDECAR.search(path.name):
            continue  # a reference sidecar (NAME.ref1.txt) matched by the same glob as the articles
        if not path.is_file():
            problems.append(f"{path}: no such file")
            continue
        try:
            raw = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            line = path.read_bytes()[: exc.start].count(b"\n") + 1
            problems.append(f"{path}:{line}: undecodable bytes (not UTF-8)")
            continue
        suffix = path.suffix.lower()
        article = clean_article(raw, suffix) if clean else Article(None, normalize(raw))
        doc_id = path.name.split(".")[0]
        refs = table.get(doc_id, []) if table is not None else _sidecar_references(path)
        if not article.text.strip():
            problems.append(f"{path}: no article text left after removing page chrome")
        if article.text.strip():
            docs.append(Document(doc_id, article.text, tuple(refs), article.title, {"source": str(path)}))
    ids = [d.id for d in docs]
    problems += [
        f"duplicate id {i!r} (two files share the stem)" for i in sorted({i for i in ids if ids.count(i) > 1})
    ]
    if problems:
        raise InputError(f"{len(problems)} problem(s) building the reference set:", problems)
    return docs


def _describe(values: Sequence[float], digits: int = 1) -> tuple[str, str, str]:
    if not values:
        return ("—", "—", "—")
    return (
        f"{statistics.fmean(values):.{digits}f}",
        f"{min(values):.{digits}f}",
        f"{max(values):.{digits}f}",
    )


def reference_set_stats(refset: ReferenceSet) -> dict[str, tuple[str, str, str]]:
    """Mean, min and max of the usual size statistics of a reference set."""
    docs = refset.documents
    doc_words = [count_words(d.text) for d in docs]
    ref_words = [count_words(r) for d in docs for r in d.references]
    compression = [count_words(d.text) / max(count_words(r), 1) for d in docs for r in d.references]
    return {
        "documents": (str(len(docs)), "", ""),
        "words per document": _describe(doc_words),
        "sentences per document": _describe([len(split_sentences(d.text)) for d in docs]),
        "references per document": _describe([len(d.references) for d in docs]),
        "words per reference": _describe(ref_words),
        "sentences per reference": _describe([len(split_sentences(r)) for d in docs for r in d.references]),
        "compression (document/reference words)": _describe(compression),
    }
