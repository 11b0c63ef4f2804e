"""BERTScore equals bert_score.score (same model, layer, idf, baseline) and handles its traps."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from realdata import summeval_multi_ref, system_pairs

from benchmark.components.base import MetricWarning
from benchmark.core.errors import ConfigError
from benchmark.inputs.documents import Document
from benchmark.metrics.bertscore import DEFAULT_LAYER, BERTScore
from benchmark.metrics.bertscore_rescale import BASELINE_DIR
from benchmark.models.weights import DEFAULT_ENCODER as DEFAULT_MODEL
from benchmark.models.weights import default_model_path

bert_score = pytest.importorskip("bert_score")
TOLERANCE = 1e-6


@pytest.fixture(scope="module")
def pairs(shared_data: Path) -> list[tuple[str, Document]]:
    """200 real REALSumm (summary, document) pairs spread over its 100 articles."""
    every = system_pairs(shared_data, "realsumm/realsumm_docs.jsonl", "realsumm/realsumm_litepyramid.jsonl")
    return every[::12][:200]


def reference_scores(cands: list[str], refs: list, **options: object) -> np.ndarray:
    p, r, f = bert_score.score(cands, refs, model_type=default_model_path(), batch_size=64, **options)
    return np.stack([f.numpy(), p.numpy(), r.numpy()], axis=1)


def ours(metric: BERTScore, cands: list[str], docs: list[Document]) -> np.ndarray:
    metric.prepare(docs)
    out = metric.score(candidates=cands, documents=docs)
    return np.array([out["bertscore_f"], out["bertscore_p"], out["bertscore_r"]]).T


OUR_BASELINE = str(BASELINE_DIR / f"{DEFAULT_MODEL}.tsv")


# Layer 1 keeps the 200-pair checks quick; the default layer is checked with 11 references
# below and on 4 x 200 pairs by tests/perf/test_bertscore_perf.py.
def test_rescaled_equals_bert_score_on_200_real_pairs(pairs: list[tuple[str, Document]]) -> None:
    cands, docs = [c for c, _ in pairs], [d for _, d in pairs]
    expected = reference_scores(
        cands, [d.references[0] for d in docs], num_layers=1, lang="en",
        rescale_with_baseline=True, baseline_path=OUR_BASELINE,
    )
    got = ours(BERTScore(layer=1, rescale=True), cands, docs)
    assert len(pairs) == 200
    assert np.abs(got - expected).max() <= TOLERANCE


def test_idf_equals_bert_score_on_200_real_pairs(pairs: list[tuple[str, Document]]) -> None:
    cands, docs = [c for c, _ in pairs], [d for _, d in pairs]
    expected = reference_scores(cands, [d.references[0] for d in docs], num_layers=1, idf=True)
    got = ours(BERTScore(layer=1, idf=True), cands, docs)
    assert np.abs(got - expected).max() <= TOLERANCE


def test_several_references_take_bert_scores_max_at_the_default_layer(shared_data: Path) -> None:
    multi = summeval_multi_ref(shared_data, 16 * 3)[::8]
    cands, docs = [c for c, _ in multi], [d for _, d in multi]
    expected = reference_scores(
        cands, [list(d.references) for d in docs], num_layers=DEFAULT_LAYER, lang="en",
        rescale_with_baseline=True, baseline_path=OUR_BASELINE,
    )
    got = ours(BERTScore(rescale=True), cands, docs)
    assert all(len(d.references) == 11 for d in docs)
    assert np.abs(got - expected).max() <= TOLERANCE


def test_empty_candidates_score_zero_with_a_warning(pairs: list[tuple[str, Document]]) -> None:
    cands, docs = [pairs[0][0], "", "   ", pairs[3][0]], [pairs[i][1] for i in range(4)]
    metric = BERTScore(layer=2, rescale=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = ours(metric, cands, docs)
    assert any(issubclass(w.category, MetricWarning) and "2 empty" in str(w.message) for w in caught)
    assert (got[1:3] == 0).all()
    expected = ours(BERTScore(layer=2, rescale=True), [cands[0], cands[3]], [docs[0], docs[3]])
    assert np.abs(got[[0, 3]] - expected).max() <= TOLERANCE


@pytest.mark.parametrize("name", ["my-t5-minilm", "scibert-minilm"])
def test_model_path_names_never_pick_the_wrong_class(
    tmp_path: Path, name: str, pairs: list[tuple[str, Document]], monkeypatch: pytest.MonkeyPatch
) -> None:
    alias = tmp_path / name
    alias.symlink_to(default_model_path(), target_is_directory=True)
    model = str(alias) if name.startswith("my") else name
    cands, docs = [c for c, _ in pairs[:6]], [d for _, d in pairs[:6]]
    monkeypatch.chdir(tmp_path)  # 'scibert-minilm' is a relative path starting with 'scibert'
    got = ours(BERTScore(model=model, layer=2), cands, docs)
    expected = reference_scores(cands, [d.references[0] for d in docs], num_layers=2)
    assert np.abs(got - expected).max() <= TOLERANCE


def test_every_distinct_text_is_embedded_once_for_all_systems(
    pairs: list[tuple[str, Document]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """One call with every system's candidates embeds each reference and each distinct
    candidate (a summary two systems share counts once) exactly once."""
    docs = [d for _, d in pairs[:24]]
    systems = [[f"{c} {system}" for c, _ in pairs[:24]] for system in range(3)]
    systems.append(list(systems[0]))  # a fourth system that writes what the first does
    metric = BERTScore(layer=1, batch_tokens=2048)
    metric.prepare(docs)
    separate = [metric.score(candidates=s, documents=docs)["bertscore_f"] for s in systems]
    embedded: list[str] = []
    original = BERTScore._forward

    def counting(self: BERTScore, batch: list[tuple[str, list[int]]]) -> list:
        embedded.extend(t for t, _ in batch)
        return original(self, batch)

    monkeypatch.setattr(BERTScore, "_forward", counting)
    joint = metric.score(candidates=[c for s in systems for c in s], documents=docs * 4)["bertscore_f"]
    refs = {r for d in docs for r in d.references}
    distinct = refs | {c for s in systems for c in s}
    assert sorted(embedded) == sorted(distinct)
    assert np.abs(np.array(joint) - np.array([v for s in separate for v in s])).max() <= 1e-6


def test_rescale_needs_a_baseline_and_never_falls_back_silently(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no rescaling baseline"):
        BERTScore(model=str(tmp_path), layer=2, rescale=True)
    assert BERTScore(model="roberta-large", rescale=True).rescale  # bert-score's own baseline
    with pytest.raises(ConfigError, match="only applies with rescale"):
        BERTScore(baseline="x.tsv")


def test_signature_has_bert_score_hash_and_our_fields() -> None:
    sig = BERTScore(rescale=True).signature()
    assert sig.startswith(
        f"metric:bertscore|version:bert-score-0.3.13|impl:sumbench-bertscore-1|"
        f"hash:{DEFAULT_MODEL}_L{DEFAULT_LAYER}_no-idf_version=0.3.12"
    )
    assert f"-custom-rescaled|model:{DEFAULT_MODEL}@" in sig
    assert f"|layer:{DEFAULT_LAYER}|idf:no|rescale:{DEFAULT_MODEL}.tsv@" in sig
    assert sig.endswith("|dtype:fp32|multi_ref:max-each-prf|empty:zero")
    assert BERTScore(dtype="bf16").signature() != BERTScore().signature()


@pytest.mark.parametrize(
    "options", [{}, {"rescale": True}, {"idf": True}, {"model": "roberta-large", "rescale": True}]
)
def test_bert_score_hash_is_bert_scores_own(options: dict[str, object]) -> None:
    """Rebuilt without importing bert-score (a cached run never loads it), equal to its get_hash."""
    from bert_score.utils import get_hash

    metric = BERTScore(**options)  # type: ignore[arg-type]
    custom = metric.rescale and metric.model == DEFAULT_MODEL
    expected = get_hash(metric.model, metric.num_layers, metric.idf, metric.rescale, custom, False)
    assert metric.bert_score_hash() == expected


def test_pipeline_scores_every_system_and_a_rerun_comes_from_the_cache(
    tiny_set: Path, tmp_path: Path
) -> None:
    from benchmark.pipeline.config import RunConfig
    from benchmark.pipeline.engine import run

    config = RunConfig(dataset=str(tiny_set), summarizers=("lead:k=1", "lead:k=2"),
                       metrics=("bertscore:layer=1,rescale=true",), cache=str(tmp_path / "c.sqlite"))
    first = run(config)
    again = run(config)
    assert first.metadata.cache.scores_computed == 6 and again.metadata.cache.scores_cached == 6
    assert first.means().equals(again.means())
    (meta,) = first.metadata.metrics
    assert meta.signature.startswith("metric:bertscore|") and meta.headline == ("bertscore_f",)


def test_progress_moves_with_each_batch_of_texts() -> None:
    """A long BERTScore call reports its candidates as each token-budgeted batch is matched."""
    from benchmark.core.progress import listening

    steps: list[int] = []
    docs = [Document(id=f"d{i}", text="", references=(f"Reference {i} about boats.",)) for i in range(6)]
    cands = [" ".join(["word"] * (5 + 10 * i)) for i in range(6)]  # lengths differ, so batches differ
    with listening(steps.append):
        BERTScore(batch_tokens=64).score(candidates=cands, documents=docs)
    assert len(steps) > 1 and sum(steps) == 6


def test_scoring_raises_no_warning_on_ordinary_text(pairs: list[tuple[str, Document]]) -> None:
    """Every warning a metric raises lands in the run's report, so library noise must not."""
    cands, docs = [c for c, _ in pairs[:8]], [d for _, d in pairs[:8]]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        BERTScore().score(candidates=cands, documents=docs)


def test_batches_run_two_at_a_time_with_the_numbers_of_one_at_a_time(
    pairs: list[tuple[str, Document]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """On two or more CPU threads two encoder batches run at once, one thread each; the scores
    are those of one batch at a time, and torch's thread count is restored afterwards."""
    import threading

    import torch

    cands, docs = [c for c, _ in pairs[:40]], [d for _, d in pairs[:40]]
    threads = torch.get_num_threads()
    lanes: set[str] = set()
    original = BERTScore._forward

    def recording(self: BERTScore, batch: list[tuple[str, list[int]]]) -> list:
        lanes.add(threading.current_thread().name)
        assert torch.get_num_threads() == 1
        return original(self, batch)

    try:
        torch.set_num_threads(1)
        one_at_a_time = BERTScore(layer=1, batch_tokens=600).score(candidates=cands, documents=docs)
        torch.set_num_threads(2)
        monkeypatch.setattr(BERTScore, "_forward", recording)
        metric = BERTScore(layer=1, batch_tokens=600)
        two_at_a_time = metric.score(candidates=cands, documents=docs)
        assert metric._lanes() == (2, 1) and torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(threads)
    assert len(lanes) == 2 and all(name.startswith("bertscore") for name in lanes)
    for column, values in one_at_a_time.items():
        assert np.abs(np.array(values) - np.array(two_at_a_time[column])).max() <= 1e-6


def test_nothing_to_encode_loads_no_model_and_an_abandoned_run_restores_threads(
    pairs: list[tuple[str, Document]],
) -> None:
    import torch

    threads = torch.get_num_threads()
    try:
        torch.set_num_threads(2)
        empty = BERTScore(layer=1)
        assert empty.score(candidates=["", " "], documents=[d for _, d in pairs[:2]])["bertscore_f"] == [0, 0]
        assert "encoder" not in empty._state  # every candidate empty: nothing embedded, nothing loaded
        metric = BERTScore(layer=1, batch_tokens=300)
        batches = list(metric._batches(metric._encode_texts([c for c, _ in pairs[:30]])))
        assert len(batches) > 3
        running = metric._embedded(batches)
        next(running)
        assert torch.get_num_threads() == 1  # one thread per lane while it runs
        running.close()  # a consumer that stops early (an error, Ctrl-C)
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(threads)
