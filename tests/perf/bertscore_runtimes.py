"""Measure BERTScore's encoder in bf16 and int8 against PyTorch eager fp32.

``python tests/perf/bertscore_runtimes.py``. Embeds
every distinct text of the CLI benchmark's workload (4 lead-k systems + the references of
the CNN/DM sample) with the same token-budgeted, length-sorted batches as ``bertscore``,
alternating the runtimes, 3 repeats (``python ... N``: N); reports CPU seconds (user + system
of this process),
the largest hidden-state difference and the largest F1 difference from fp32. Writes
``reports/perf/bertscore_runtimes.json``.
"""

from __future__ import annotations

import json
import resource
import statistics
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from benchmark.inputs.documents import load_reference_set  # noqa: E402
from benchmark.metrics.bertscore import BERTScore  # noqa: E402
from benchmark.summarizers.lead import Lead  # noqa: E402

Forward = Callable[[Any, Any], Any]


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(repeats: int = 3) -> None:
    docs = list(load_reference_set(ROOT.parent / "shared" / "data" / "cnndm" / "cnndm_test_sample.jsonl"))
    cands = [Lead(k=k).summarize([d])[0] for k in (1, 2, 3, 4) for d in docs]
    texts = list(dict.fromkeys([r for d in docs for r in d.references] + [str(c) for c in cands]))
    metric = BERTScore()
    batches = list(metric._batches(metric._encode_texts(texts)))
    model, _ = metric._encoder()
    from bert_score.utils import padding

    pad = metric._tokenizer().pad_token_id
    padded = [padding([i for _, i in b], pad) for b in batches]

    def eager(dtype_model: Any) -> Forward:
        def run(ids: Any, mask: Any) -> Any:
            with torch.inference_mode():
                return dtype_model(ids, attention_mask=mask)[0].float()
        return run

    runtimes: dict[str, Forward] = {"torch_fp32": eager(model)}
    runtimes["torch_bf16"] = eager(BERTScore(dtype="bf16")._encoder()[0])
    runtimes["torch_int8"] = eager(BERTScore(dtype="int8")._encoder()[0])
    seconds: dict[str, list[float]] = {k: [] for k in runtimes}
    hidden: dict[str, list[Any]] = {}
    for _ in range(repeats):
        for name, forward in runtimes.items():
            start = cpu()
            hidden[name] = [forward(ids, mask) for ids, _, mask in padded]
            seconds[name].append(cpu() - start)
    emb = {name: {t: out[row, : len(ids)] for b, out in zip(batches, outs, strict=True)
                  for row, (t, ids) in enumerate(b)} for name, outs in hidden.items()}
    ids_of = {t: ids for b in batches for t, ids in b}
    f1 = {}
    for name, table in emb.items():
        pairs = [(str(c), d.references[0]) for c, d in zip(cands, docs * 4, strict=True)]
        prf = metric._match([(table[c], ids_of[c]) for c, _ in pairs],
                            [(table[r], ids_of[r]) for _, r in pairs])
        f1[name] = prf[:, 2].numpy()
    base = statistics.median(seconds["torch_fp32"])
    report = {
        "texts": len(texts), "repeats": repeats, "tokens": sum(len(i) for i in ids_of.values()),
        "torch_threads": torch.get_num_threads(),
        "runtimes": {
            name: {"median_cpu_s": round(statistics.median(s), 2),
                   "speedup_vs_torch_fp32": round(base / statistics.median(s), 3),
                   "max_abs_hidden_diff": float(max((emb[name][t] - emb["torch_fp32"][t]).abs().max()
                                                    for t in texts)),
                   "max_abs_f1_diff": float(np.abs(f1[name] - f1["torch_fp32"]).max()),
                   "mean_abs_f1_diff": float(np.abs(f1[name] - f1["torch_fp32"]).mean())}
            for name, s in seconds.items()
        },
    }
    out = ROOT / "reports" / "perf" / "bertscore_runtimes.json"
    out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
