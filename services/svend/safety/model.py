"""The trained safety classifier: MiniLM with a merged LoRA adapter and three heads.

The artifact directory (models/safety/<version>/) is loaded and hash-checked by
svend.common.encoder; besides the adapter it holds `calibration.json` (one temperature per head).

Texts longer than one window are split into overlapping token windows; a text scores its worst
window, so a harmful sentence deep inside a long benign text is still seen.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import torch
from torch import nn
from transformers import PreTrainedTokenizerBase

from svend.common.encoder import ArtifactError, Encoder, Runtime, load_artifact, mean_pool
from svend.safety.taxonomy import CATEGORIES

Kind = Literal["input", "output"]
INPUT_LABELS: tuple[str, ...] = ("safe", "review", "refuse")
OUTPUT_LABELS: tuple[str, ...] = ("safe", "edit", "block")
LABELS: dict[str, tuple[str, ...]] = {"input": INPUT_LABELS, "output": OUTPUT_LABELS}
CATEGORY_NAMES: tuple[str, ...] = tuple(str(c) for c in CATEGORIES)
CALIBRATION_FILE = "calibration.json"

__all__ = ["ArtifactError", "Prediction", "SafetyHeads", "SafetyModel"]


@dataclass(frozen=True)
class Prediction:
    """Calibrated scores of one text."""

    label_probabilities: dict[str, float]
    unsafe_score: float
    category_probabilities: dict[str, float]


class SafetyHeads(nn.Module):
    """Input (safe/review/refuse), output (safe/edit/block) and 12 category logits from a
    pooled sentence vector."""

    def __init__(self, hidden_size: int, dropout: float = 0.1) -> None:
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        self.input = nn.Linear(hidden_size, len(INPUT_LABELS))
        self.output = nn.Linear(hidden_size, len(OUTPUT_LABELS))
        self.categories = nn.Linear(hidden_size, len(CATEGORY_NAMES))

    def forward(self, pooled: torch.Tensor) -> dict[str, torch.Tensor]:
        """Raw (uncalibrated) logits of every head."""
        x = self.dropout(pooled)
        return {
            "input": self.input(x),
            "output": self.output(x),
            "categories": self.categories(x),
        }


def window_token_ids(
    ids: Sequence[int], window: int, stride: int, cls_id: int, sep_id: int
) -> list[list[int]]:
    """Overlapping windows of at most `window` tokens (special tokens included) covering all ids."""
    body = window - 2
    if len(ids) <= body:
        return [[cls_id, *ids, sep_id]]
    starts = list(range(0, len(ids) - body, stride))
    starts.append(len(ids) - body)
    return [[cls_id, *ids[s : s + body], sep_id] for s in dict.fromkeys(starts)]


class SafetyModel:
    """Scores user requests and assistant answers; see the module docstring for the artifact."""

    def __init__(
        self,
        encoder: Encoder,
        heads: SafetyHeads,
        tokenizer: PreTrainedTokenizerBase,
        temperatures: dict[str, float],
        *,
        window: int,
        stride: int,
        batch_size: int = 32,
        validated_thresholds: dict[str, float] | None = None,
        validated_runtime: str = "torch",
    ) -> None:
        # The decision thresholds chosen on the validation split when the model was trained,
        # and the runtime whose scores they were chosen on.
        self.validated_thresholds = validated_thresholds or {}
        self.validated_runtime = validated_runtime
        self.encoder = encoder
        self.heads = heads.eval()
        self.tokenizer = tokenizer
        self.temperatures = temperatures
        self.window = window
        self.stride = stride
        self.batch_size = batch_size

    @classmethod
    def load(
        cls,
        directory: Path,
        *,
        threads: int = 1,
        runtime: Runtime = "torch",
        cache_dir: Path | None = None,
    ) -> "SafetyModel":
        """Checks hashes, loads the merged encoder on `runtime`, attaches the heads."""
        artifact = load_artifact(directory, threads=threads, runtime=runtime, cache_dir=cache_dir)
        heads = SafetyHeads(artifact.hidden_size)
        heads.load_state_dict(artifact.head_state)
        calibration = json.loads((Path(directory) / CALIBRATION_FILE).read_text())
        inference = artifact.manifest["inference"]
        metrics = artifact.manifest.get("metrics", {})
        return cls(
            artifact.encoder,
            heads,
            artifact.tokenizer,
            calibration["temperatures"],
            window=inference["window"],
            stride=inference["stride"],
            # Absent while training has not evaluated the artifact yet.
            validated_thresholds=metrics.get("thresholds"),
            validated_runtime=metrics.get("runtime", "torch"),
        )

    def logits(self, texts: Sequence[str]) -> tuple[list[int], dict[str, torch.Tensor]]:
        """Raw logits of every window of every text, and which text each window belongs to."""
        tok = self.tokenizer
        encoded = tok(list(texts), add_special_tokens=False)["input_ids"]
        rows: list[list[int]] = []
        owner: list[int] = []
        for index, ids in enumerate(encoded):
            for row in window_token_ids(
                ids, self.window, self.stride, tok.cls_token_id, tok.sep_token_id
            ):
                rows.append(row)
                owner.append(index)
        order = sorted(range(len(rows)), key=lambda i: len(rows[i]))
        parts: dict[str, list[torch.Tensor]] = {"input": [], "output": [], "categories": []}
        with torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                chunk = [rows[i] for i in order[start : start + self.batch_size]]
                width = max(len(r) for r in chunk)
                ids = torch.full((len(chunk), width), tok.pad_token_id, dtype=torch.long)
                mask = torch.zeros((len(chunk), width), dtype=torch.long)
                for i, row in enumerate(chunk):
                    ids[i, : len(row)] = torch.tensor(row)
                    mask[i, : len(row)] = 1
                hidden = self.encoder(ids, mask)
                for name, value in self.heads(mean_pool(hidden, mask)).items():
                    parts[name].append(value)
        unsort = torch.empty(len(order), dtype=torch.long)
        unsort[torch.tensor(order, dtype=torch.long)] = torch.arange(len(order))
        return owner, {name: torch.cat(v)[unsort] for name, v in parts.items()}

    def predict(self, texts: Sequence[str], kind: Kind) -> list[Prediction]:
        """Calibrated label, unsafe and category probabilities of each text (worst window)."""
        if kind not in LABELS:
            raise ValueError(f"kind must be 'input' or 'output', not {kind!r}")
        if not texts:
            return []
        owner, logits = self.logits(texts)
        probs = torch.softmax(logits[kind] / self.temperatures[kind], dim=-1)
        cats = torch.sigmoid(logits["categories"] / self.temperatures["categories"])
        unsafe = 1.0 - probs[:, 0]
        labels = LABELS[kind]
        owners = torch.tensor(owner)
        results: list[Prediction] = []
        for index in range(len(texts)):
            rows = (owners == index).nonzero().flatten()
            worst = rows[unsafe[rows].argmax()]
            label_p = probs[worst].tolist()
            cat_p = cats[rows].max(0).values.tolist()
            results.append(
                Prediction(
                    label_probabilities=dict(zip(labels, label_p, strict=True)),
                    unsafe_score=1.0 - label_p[0],
                    category_probabilities=dict(zip(CATEGORY_NAMES, cat_p, strict=True)),
                )
            )
        return results
