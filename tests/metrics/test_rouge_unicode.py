"""Non-English text: tokenizer=unicode scores it; the default tokenizer warns that it drops it."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
from conftest import write_jsonl

from benchmark.components.base import MetricWarning
from benchmark.inputs.documents import Document
from benchmark.inputs.text import UnicodeTokenizer, dropped_fraction
from benchmark.metrics.rouge import Rouge

TEXTS = {
    "ru": "Президент подписал закон о бюджете на следующий год. Депутаты одобрили его в среду.",
    "de": "Über die Größe der Bärenhöhle müssen Fußgänger künftig schätzen. Müller grüßt schön.",
    "zh": "今天上午，市政府宣布了新的交通计划。居民对此表示欢迎。",
}


def score(
    text: str, tokenizer: str, reference: str | None = None
) -> tuple[dict[str, list[float]], list[str]]:
    doc = Document("d", text, (reference or text,))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = Rouge(tokenizer=tokenizer).score(candidates=[text], documents=[doc])
    return out, [str(w.message) for w in caught if issubclass(w.category, MetricWarning)]


@pytest.mark.parametrize("lang", sorted(TEXTS))
def test_identical_text_scores_one_with_the_unicode_tokenizer(lang: str) -> None:
    out, caught = score(TEXTS[lang], "unicode")
    assert {k: v[0] for k, v in out.items() if k.endswith("_f")} == {
        "rouge1_f": 1.0, "rouge2_f": 1.0, "rougeL_f": 1.0, "rougeLsum_f": 1.0,
    }
    assert caught == []


@pytest.mark.parametrize("lang", sorted(TEXTS))
def test_default_tokenizer_warns_on_the_same_text(lang: str) -> None:
    _, caught = score(TEXTS[lang], "default")
    assert len(caught) == 1
    assert "use rouge:tokenizer=unicode" in caught[0]
    assert dropped_fraction(TEXTS[lang]) > 0.05


def test_unicode_tokenizer_keeps_letters_digits_and_splits_cjk() -> None:
    tok = UnicodeTokenizer(use_stemmer=True)
    assert tok.tokenize("Größe 2026, Straße!") == ["größe", "2026", "straße"]
    assert tok.tokenize("東京タワー is running") == ["東", "京", "タ", "ワ", "ー", "is", "run"]
    assert tok.tokenize("Москва — столица") == ["москва", "столица"]
    # combining marks (Devanagari vowel signs, Arabic harakat) stay inside their word
    assert tok.tokenize("नमस्ते दुनिया") == ["नमस्ते", "दुनिया"]
    assert tok.tokenize("مُحَمَّد رسول") == ["مُحَمَّد", "رسول"]


def test_partial_overlap_is_scored_not_zeroed() -> None:
    out, _ = score("Президент подписал закон.", "unicode", reference="Президент подписал указ.")
    assert out["rouge1_f"][0] == pytest.approx(2 / 3)
    default, _ = score("Президент подписал закон.", "default", reference="Президент подписал указ.")
    assert default["rouge1_f"][0] == 0.0


def test_english_text_does_not_warn() -> None:
    _, caught = score("The café opened on Monday; the naïve reviewer liked it.", "default")
    assert caught == []


def test_cli_run_shows_and_records_the_warning(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    data = write_jsonl(tmp_path / "ru.jsonl", [
        {"id": f"ru{i}", "text": TEXTS["ru"] + f" Это статья номер {i}.", "references": [TEXTS["ru"]]}
        for i in range(3)
    ])
    default = cli(
        "run", "-d", str(data), "-s", "lead:k=2", "-m", "rouge", "--no-cache", "-o", str(tmp_path / "a")
    )
    assert default.returncode == 0, default.stderr
    shown = default.stdout + default.stderr
    assert "rouge:tokenizer=unicode" in shown and "dropped" in shown
    meta = json.loads((tmp_path / "a" / "results.json").read_text())["metadata"]
    assert any("rouge:tokenizer=unicode" in w for w in meta["warnings"])



def _letter_counts_by_definition(text: str) -> tuple[int, int]:
    """Letters and digits of the lower-cased text, and those outside rouge-score's a-z/0-9."""
    lowered = text.lower()
    alnum = sum(c.isalnum() for c in lowered)
    return alnum, alnum - sum(c in "abcdefghijklmnopqrstuvwxyz0123456789" for c in lowered)


@pytest.mark.parametrize(
    "text",
    ["plain ASCII, 12 words.", "“Curly” quotes — and dashes… ‘too’", "Café déjà vu", "ﬁne Straße İstanbul",
     "e\u0301 combining", "Ⓐ circled Ⅻ numeral", "KELVIN \u212a sign", "汉字 and 123", ""],
)
def test_letter_counts_fast_paths_agree_with_the_definition(text: str) -> None:
    from benchmark.inputs.text import letter_counts

    assert letter_counts(text) == _letter_counts_by_definition(text)


def test_letter_counts_agree_on_random_unicode() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from benchmark.inputs.text import letter_counts

    @settings(max_examples=400, deadline=None)
    @given(st.text(max_size=40))
    def check(text: str) -> None:
        assert letter_counts(text) == _letter_counts_by_definition(text)

    check()
