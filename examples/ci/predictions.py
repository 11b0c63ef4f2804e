"""A sumbench plugin that serves summaries from a prediction file (JSONL ``{"id", "summary"}``).

Use: ``sumbench run --plugin predictions.py -s "prediction-file:path=preds.jsonl,name=model"``.
A document without a prediction is a failure, so gates see it. The file's content hash is part
of the fingerprint, so new predictions are never served from the cache. (``sumbench score REFS
PREDS`` does the same without a plugin where your sumbench has it.)
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from benchmark import SummarizerBase
from benchmark.errors import InputError
from benchmark.summarizers import SummaryFailure


@dataclass(frozen=True)
class PredictionFile(SummarizerBase):
    name: ClassVar[str] = "prediction-file"
    parallel_safe: ClassVar[bool] = True

    path: str = "predictions.jsonl"

    def __post_init__(self) -> None:
        if not Path(self.path).is_file():
            raise InputError(f"prediction file not found: {self.path}")

    def _rows(self) -> dict[str, str]:
        rows = {}
        for line in Path(self.path).read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                rows[str(record["id"])] = str(record["summary"])
        return rows

    def fingerprint_extra(self) -> dict[str, Any]:
        return {"content": hashlib.sha256(Path(self.path).read_bytes()).hexdigest()}

    def summarize(self, docs: Any) -> list[str | SummaryFailure]:
        rows = self._rows()
        return [rows[d.id] if d.id in rows else SummaryFailure(f"no prediction for {d.id}") for d in docs]
