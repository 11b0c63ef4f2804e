"""Cost per document of `faithfulness` and `summac` on SummEval outputs, on N CPU threads.

Wall and CPU seconds are both reported: on a shared machine the CPU time divided by the
thread count is the better estimate of the wall time on idle cores.

`summac` is timed with random-weight copies of the public NLI checkpoints' architectures
(the hub is not needed: the cost of a forward pass depends on the architecture, not on the
weights); the MiniLM WordPiece tokenizer stands in for each model's own tokenizer.

    python scripts/faithfulness_cost.py --threads 2 --docs 20 --out reports/perf/faithfulness.json
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUMMEVAL = ROOT.parent / "shared" / "data" / "summeval"

# name -> (public checkpoint, transformers config class, config arguments)
NLI_ARCHITECTURES = {
    "vitc-base": ("tals/albert-base-vitaminc-mnli", "AlbertConfig",
                  {"hidden_size": 768, "num_hidden_layers": 12, "num_attention_heads": 12,
                   "intermediate_size": 3072, "embedding_size": 128}),
    "vitc": ("tals/albert-xlarge-vitaminc-mnli", "AlbertConfig",
             {"hidden_size": 2048, "num_hidden_layers": 24, "num_attention_heads": 16,
              "intermediate_size": 8192, "embedding_size": 128}),
    "mnli-base": ("microsoft/deberta-base-mnli", "DebertaConfig",
                  {"hidden_size": 768, "num_hidden_layers": 12, "num_attention_heads": 12,
                   "intermediate_size": 3072, "relative_attention": True, "max_relative_positions": -1,
                   "pos_att_type": ["c2p", "p2c"], "position_biased_input": False}),
    "mnli": ("roberta-large-mnli", "BertConfig",
             {"hidden_size": 1024, "num_hidden_layers": 24, "num_attention_heads": 16,
              "intermediate_size": 4096}),
}


def pairs(n: int) -> tuple[list[str], list[object]]:
    from benchmark.inputs.documents import Document

    docs = {}
    for line in (SUMMEVAL / "summeval_docs.jsonl").read_text("utf-8").splitlines():
        rec = json.loads(line)
        docs[rec["doc_id"]] = Document(rec["doc_id"], rec["source"], tuple(rec["references"]))
    cands, documents, seen = [], [], set()
    for line in (SUMMEVAL / "summeval_expert_scores.jsonl").read_text("utf-8").splitlines():
        rec = json.loads(line)
        if rec["doc_id"] not in seen and len(seen) < n:
            seen.add(rec["doc_id"])
            cands.append(rec["system_output"])
            documents.append(docs[rec["doc_id"]])
    return cands, documents


def save_replica(name: str, folder: Path) -> str:
    import torch
    import transformers

    from benchmark.models.weights import default_model_path

    _, config_class, options = NLI_ARCHITECTURES[name]
    tokenizer = transformers.AutoTokenizer.from_pretrained(default_model_path())
    config = getattr(transformers, config_class)(
        vocab_size=tokenizer.vocab_size, num_labels=3,
        id2label={0: "ENTAILMENT", 1: "NEUTRAL", 2: "CONTRADICTION"},
        label2id={"ENTAILMENT": 0, "NEUTRAL": 1, "CONTRADICTION": 2}, **options,
    )
    torch.manual_seed(0)
    transformers.AutoModelForSequenceClassification.from_config(config).save_pretrained(folder / name)
    tokenizer.save_pretrained(folder / name)
    return str(folder / name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--docs", type=int, default=20)
    parser.add_argument("--nli-docs", type=int, default=3)
    parser.add_argument("--models", default=",".join(NLI_ARCHITECTURES))
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    import torch

    from benchmark.inputs.text import split_sentences
    from benchmark.metrics.faithfulness import Faithfulness
    from benchmark.metrics.summac import SummaC

    torch.set_num_threads(args.threads)
    cands, docs = pairs(args.docs)
    report: dict[str, object] = {"threads": args.threads, "documents": args.docs}
    metric = Faithfulness(device="cpu")
    metric.score(candidates=cands[:1], documents=docs[:1])  # load the encoder
    start, cpu = time.perf_counter(), time.process_time()
    metric.score(candidates=cands, documents=docs)
    report["faithfulness_s_per_doc"] = (time.perf_counter() - start) / len(cands)
    report["faithfulness_cpu_s_per_doc"] = (time.process_time() - cpu) / len(cands)
    print("faithfulness", report["faithfulness_s_per_doc"], report["faithfulness_cpu_s_per_doc"], flush=True)
    n = args.nli_docs
    grid = [len(split_sentences(c)) * len(split_sentences(d.text)) for c, d in zip(cands, docs, strict=True)]
    report["nli_pairs_per_doc"] = sum(grid[:n]) / n
    print("pairs per document", report["nli_pairs_per_doc"], flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.models.split(","):
            path = save_replica(name, Path(tmp))
            nli = SummaC(model=path, device="cpu")
            nli.score(candidates=cands[-1:], documents=docs[-1:])  # load, warm up
            start, cpu = time.perf_counter(), time.process_time()
            nli.score(candidates=cands[:n], documents=docs[:n])
            report[f"summac_{name}_s_per_doc"] = (time.perf_counter() - start) / n
            report[f"summac_{name}_cpu_s_per_doc"] = (time.process_time() - cpu) / n
            report[f"summac_{name}_checkpoint"] = NLI_ARCHITECTURES[name][0]
            print(name, report[f"summac_{name}_s_per_doc"], report[f"summac_{name}_cpu_s_per_doc"])
    print(json.dumps(report, indent=1))
    if args.out:
        args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
