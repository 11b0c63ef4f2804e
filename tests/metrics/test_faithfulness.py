"""Faithfulness: source-grounded BERTScore precision over article windows, number and entity checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmark.core.errors import ConfigError
from benchmark.inputs.documents import Document
from benchmark.metrics import claims
from benchmark.metrics.faithfulness import Faithfulness

pytest.importorskip("bert_score")


@pytest.fixture(scope="module")
def articles(shared_data: Path) -> list[str]:
    path = shared_data / "cnndm" / "cnndm_test_sample.jsonl"
    if not path.is_file():
        pytest.skip(f"{path} missing")
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line)["article"] for line in handle][:40]


def doc(text: str) -> Document:
    return Document(id="d", text=text, references=("unused",))


@pytest.mark.slow
def test_windowing_finds_support_in_the_last_paragraph(articles: list[str]) -> None:
    """An article of 3x the encoder's length whose last paragraph supports the summary scores as
    high as the summary against that paragraph alone; truncation to one window would not."""
    metric = Faithfulness()
    limit = metric.max_length()
    support = (
        "The city council voted on Tuesday to close the old harbour bridge to cars. "
        "Engineers had warned that the bridge's steel cables were badly corroded. "
        "Cyclists and pedestrians may still use it until repairs begin next spring."
    )
    summary = "The council closed the harbour bridge to cars because its cables were corroded."
    filler: list[str] = []
    for text in articles:
        if len(metric._ids("\n\n".join(filler))) >= 3 * limit:
            break
        filler.append(text)
    long_article = "\n\n".join([*filler, support])
    assert len(metric._ids(long_article)) >= 3 * limit
    assert len(metric.windows(metric._ids(long_article))) >= 5

    scores = metric.score(
        candidates=[summary, summary, summary],
        documents=[doc(long_article), doc(support), doc("\n\n".join(filler))],
    ).columns["faithfulness"]
    windowed, alone, without = scores
    assert windowed >= alone - 1e-4, (windowed, alone)
    assert without < alone - 0.1, (without, alone)


def test_windows_cover_every_token_with_overlap() -> None:
    metric = Faithfulness(window=10, stride=4)
    ids = list(range(23))
    windows = metric.windows(ids)
    assert all(len(w) == 8 for w in windows)
    assert windows[0][0] == 0 and windows[-1][-1] == 22
    assert sorted({i for w in windows for i in w}) == ids
    assert metric.windows(ids[:5]) == [ids[:5]]


def test_number_absent_from_article_is_listed_and_lowers_the_share() -> None:
    article = "The company hired 1,000 workers in 2019 and cut prices by five per cent in Berlin."
    summary = "The firm hired 1000 staff, cut prices 5% and paid 3.2 million in Munich during 2019."
    found = claims.check(summary, article)
    assert found.unsupported_numbers == ("3.2 million",)
    assert set(found.numbers) == {"1000", "5%", "3.2 million", "2019"}
    assert found.number_support == pytest.approx(0.75)
    assert found.unsupported_entities == ("Munich",)
    scores = Faithfulness().score(candidates=[summary], documents=[doc(article)]).columns
    assert scores["faith_numbers"] == [pytest.approx(0.75)]
    assert scores["faith_entities"] == [pytest.approx(0.0)]


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("1,000 and 1000", ["number:1000", "number:1000"]),
        ("5% or 5 per cent or 5 percent", ["number:5"] * 3),
        ("twenty-one, seven and 1.50", ["number:21", "number:7", "number:1.5"]),
        ("£2.5m and 2,500,000 and 2.5 million", ["money:2500000:GBP", "number:2500000", "number:2500000"]),
        ("someone tends to often", []),
    ],
)
def test_number_normalisation(text: str, values: list[str]) -> None:
    assert [v for _, v in claims.numbers(text)] == values


def test_entities_take_full_names_and_skip_stop_words() -> None:
    text = "Paul Merson criticised Andros Townsend. The Tottenham midfielder replied on Sunday. Click here."
    assert claims.entities(text) == ["Paul Merson", "Andros Townsend", "Tottenham"]
    article = "Merson wrote that Andros Townsend's Tottenham career had stalled."
    assert claims.check(text, article).unsupported_entities == ()


def test_empty_summary_scores_zero_with_a_warning() -> None:
    with pytest.warns(UserWarning, match="empty"):
        out = Faithfulness().score(candidates=["  "], documents=[doc("Some article text.")])
    assert out.columns["faithfulness"] == [0.0] and out.columns["faith_flagged"] == [0.0]
    assert out.evidence == [None]


def test_copied_sentence_beats_invented_one_and_signature_states_windows() -> None:
    article = "Heavy rain flooded the village of Ashby on Monday. Residents were moved to a school hall."
    metric = Faithfulness()
    out = metric.score(
        candidates=["Heavy rain flooded the village of Ashby.", "A volcano erupted near Lisbon, killing 40."],
        documents=[doc(article), doc(article)],
    ).columns
    assert out["faithfulness"][0] > out["faithfulness"][1] + 0.1
    assert out["faith_min_sentence"][0] <= out["faithfulness"][0] + 1e-9
    sig = metric.signature()
    for part in ("window:512-tokens,stride-255", "layer:5", "all-MiniLM-L6-v2@", "no-idf", "entities:",
                 "|verdict:logistic-v1(weakest=", ";b=", ")>=0.52"):
        assert part in sig
    with pytest.raises(ConfigError):
        Faithfulness(ner="magic")
