"""What the MiniLM fine-tuning scripts share: LoRA set-up and export, calibration, provenance."""

import json
import math
import platform
import random
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import torch
from peft import LoraConfig, PeftModel, get_peft_model
from scipy.optimize import minimize_scalar
from torch import nn

from svend.common.encoder import BASE_PACKAGE, base_encoder, base_model_path, sha256_of

Item = TypeVar("Item")

# Every Linear of every transformer layer; the pooler and embeddings stay frozen.
LORA_TARGETS = (
    r".*encoder\.layer\.\d+\.(attention\.self\.(query|key|value)"
    r"|attention\.output\.dense|intermediate\.dense|output\.dense)"
)


def lora_targets(layers: str) -> str:
    """LORA_TARGETS restricted to some layers ("3,4,5"); "all" keeps every layer. Adapting only
    the upper layers leaves the lower ones without gradients, which makes a step cheaper."""
    if layers == "all":
        return LORA_TARGETS
    chosen = "|".join(str(int(layer)) for layer in layers.split(","))
    return LORA_TARGETS.replace(r"\d+", f"({chosen})")


def lora_encoder(r: int, alpha: int, dropout: float, targets: str = LORA_TARGETS) -> PeftModel:
    """The pinned base encoder wrapped for LoRA training."""
    config = LoraConfig(r=r, lora_alpha=alpha, lora_dropout=dropout, target_modules=targets)
    return get_peft_model(base_encoder(), config)


def lora_tensors(encoder: nn.Module) -> dict[str, torch.Tensor]:
    """LoRA A/B matrices keyed by the base encoder's module names."""
    tensors: dict[str, torch.Tensor] = {}
    for name, module in encoder.named_modules():
        if hasattr(module, "lora_A") and "default" in getattr(module, "lora_A", {}):
            base_name = name.removeprefix("base_model.model.")
            tensors[f"lora.{base_name}.lora_A"] = module.lora_A["default"].weight.detach().clone()
            tensors[f"lora.{base_name}.lora_B"] = module.lora_B["default"].weight.detach().clone()
    return tensors


def fit_temperature(logits: torch.Tensor, nll: Any) -> float:
    """The temperature minimising validation NLL (bounded search over log T)."""
    result = minimize_scalar(
        lambda log_t: float(nll(logits / math.exp(log_t))),
        bounds=(math.log(0.05), math.log(20.0)),
        method="bounded",
    )
    return round(math.exp(result.x), 6)


def base_entry() -> dict[str, str]:
    """The manifest's record of the base weights, checked again at every load."""
    return {
        "package": BASE_PACKAGE,
        "version": metadata.version(BASE_PACKAGE),
        "file": "model.safetensors",
        "sha256": sha256_of(base_model_path() / "model.safetensors"),
    }


def library_versions() -> dict[str, str]:
    """Versions of everything that shapes the numbers."""
    names = ("torch", "transformers", "peft", "safetensors", "numpy", "scipy", "scikit-learn")
    versions = {name: metadata.version(name) for name in names}
    versions["python"] = platform.python_version()
    return versions


def seed_everything(seed: int) -> None:
    """Same seed for every generator that training touches."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def write_json(path: Path, value: Any) -> None:
    """Stable, readable JSON."""
    path.write_text(json.dumps(value, indent=2, sort_keys=False) + "\n")


def length_batches(
    items: Sequence[Item], size: int, rng: random.Random, length: Callable[[Item], int]
) -> list[list[Item]]:
    """Shuffled batches of similar lengths (less padding, same randomness every run)."""
    order = list(items)
    rng.shuffle(order)
    pool = size * 20
    out: list[list[Item]] = []
    for start in range(0, len(order), pool):
        group = sorted(order[start : start + pool], key=length)
        out.extend(group[i : i + size] for i in range(0, len(group), size))
    rng.shuffle(out)
    return out
