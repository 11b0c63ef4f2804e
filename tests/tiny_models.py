"""Tiny models built in a test, saved with ``save_pretrained`` and loaded the way users load theirs.

- :func:`train_tiny_bart`: a 1-layer BART and a byte-level BPE tokenizer trained for a few
  seconds to answer each toy article (a storm, a market report) with a fixed sentence;
- :func:`save_nli`: a tiny BERT sequence classifier (random weights, real NLI classes) with the
  MiniLM vocabulary.
"""

from __future__ import annotations

import random
from pathlib import Path

STORM = ("A storm hit the coast on {day}.", "Winds of {n} km/h closed the harbour.", "Fishermen stayed home.")
MARKET = ("Shares rose {n} percent on {day}.", "Traders cheered the results.", "The index closed higher.")
TARGET = {"storm": "a storm closed the harbour.", "market": "shares rose on good results."}
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


def toy_article(kind: str, rng: random.Random) -> str:
    lines = STORM if kind == "storm" else MARKET
    return " ".join(s.format(day=rng.choice(DAYS), n=rng.randint(10, 99)) for s in lines)


def train_tiny_bart(directory: Path) -> Path:
    """A 1-layer BART and a byte-level BPE tokenizer, trained to map each toy article to its target."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import BartConfig, BartForConditionalGeneration, PreTrainedTokenizerFast

    rng = random.Random(0)
    torch.manual_seed(0)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a tiny model trains fastest on one thread, and shares the CPU with -n 2
    pairs = [(toy_article(kind, rng), TARGET[kind]) for kind in ("storm", "market") * 24]
    pairs += [(f"{t} {t}", t) for t in TARGET.values()] * 4  # chunk summaries merge back to themselves
    bpe = Tokenizer(models.BPE(unk_token="<unk>"))
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    bpe.train_from_iterator(
        [a for a, _ in pairs] + list(TARGET.values()),
        trainers.BpeTrainer(
            vocab_size=300,
            special_tokens=["<s>", "<pad>", "</s>", "<unk>", "<mask>"],
            initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        ),
    )
    bpe.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", special_tokens=[("<s>", 0), ("</s>", 2)]
    )
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=bpe,
        bos_token="<s>",
        eos_token="</s>",
        pad_token="<pad>",
        unk_token="<unk>",
        mask_token="<mask>",
        model_max_length=128,
    )
    config = BartConfig(
        vocab_size=len(tokenizer),
        d_model=32,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=64,
        decoder_ffn_dim=64,
        max_position_embeddings=128,
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        decoder_start_token_id=2,
        forced_bos_token_id=None,
        forced_eos_token_id=None,
    )
    model = BartForConditionalGeneration(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    inputs = tokenizer([a for a, _ in pairs], padding=True, return_tensors="pt")
    labels = tokenizer([t for _, t in pairs], padding=True, return_tensors="pt")["input_ids"]
    labels[labels == tokenizer.pad_token_id] = -100
    model.train()
    for _ in range(150):
        loss = model(**inputs, labels=labels).loss
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    torch.set_num_threads(threads)
    model.save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


def save_nli(folder: Path, id2label: dict[int, str], seed: int = 0) -> Path:
    """A tiny BERT sequence classifier with the MiniLM vocabulary, saved like any checkpoint."""
    import torch
    import transformers

    from benchmark.models.weights import default_model_path

    tokenizer = transformers.AutoTokenizer.from_pretrained(default_model_path())
    config = transformers.BertConfig(
        vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=64, num_labels=len(id2label), id2label=id2label,
        label2id={v: k for k, v in id2label.items()},
    )
    torch.manual_seed(seed)
    model = transformers.BertForSequenceClassification(config)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder
