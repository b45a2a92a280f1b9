"""Fine-tune the safety classifier (LoRA on MiniLM + three heads), calibrate it, evaluate it.

    python -m training.safety.train --data build/safety/dataset.jsonl --out models/safety/v1

Trains on split "train", keeps the epoch with the lowest validation loss, fits one temperature
per head on "validation", writes the artifact that `svend.safety.model.SafetyModel` loads, then
runs training.safety.evaluate on "heldout" and "jailbreakbench" and records everything in
manifest.json and metrics.json. Only 2 CPU cores are assumed: sequences are short (head and tail
of long prompts), batches are grouped by length, and a wall-clock guard stops training before
the `make train-safety` budget is spent (the manifest says whether it fired).
"""

import argparse
import hashlib
import json
import math
import random
import shlex
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch
from peft import LoraConfig, get_peft_model
from safetensors.torch import save_file
from torch import nn
from transformers import AutoModel, AutoTokenizer, get_linear_schedule_with_warmup

from svend.common.encoder import (
    ADAPTER_FILE,
    MANIFEST_FILE,
    base_model_path,
    mean_pool,
    sha256_of,
)
from svend.safety.model import (
    CALIBRATION_FILE,
    CATEGORY_NAMES,
    INPUT_LABELS,
    OUTPUT_LABELS,
    SafetyHeads,
    SafetyModel,
)
from training.encoder import (
    LORA_TARGETS,
    base_entry,
    fit_temperature,
    length_batches,
    library_versions,
    lora_tensors,
    seed_everything,
    write_json,
)
from training.safety import evaluate


@dataclass(frozen=True)
class HyperParameters:
    """Everything that shapes the trained weights; recorded verbatim in the manifest."""

    seed: int = 13
    epochs: int = 3
    batch_size: int = 32
    max_length: int = 128
    head_tokens: int = 96
    lr_lora: float = 5e-4
    lr_heads: float = 2e-3
    weight_decay: float = 0.01
    warmup_ratio: float = 0.06
    lora_r: int = 8
    lora_alpha: int = 16
    lora_dropout: float = 0.1
    head_dropout: float = 0.1
    category_loss_weight: float = 1.0
    embedded_harmful_share: float = 0.15
    window: int = 128
    stride: int = 96
    threads: int = 2
    time_budget_min: float = 20.0


@dataclass
class Example:
    """One tokenised training row: body token ids (no special tokens) and its targets."""

    ids: list[int]
    kind: str
    label: int
    categories: list[float]


def read_records(path: Path) -> tuple[str, list[dict[str, Any]]]:
    """The data builder's JSONL (one record per line) and the sha256 of exactly those bytes."""
    raw = path.read_bytes()
    records = [json.loads(line) for line in raw.decode().split("\n") if line.strip()]
    return hashlib.sha256(raw).hexdigest(), records


def clip(ids: list[int], body: int, head: int) -> list[int]:
    """Keep the head and the tail of a long text: jailbreaks put their ask at either end."""
    if len(ids) <= body:
        return ids
    return ids[:head] + ids[len(ids) - (body - head) :]


def to_example(record: dict[str, Any], ids: list[int], hp: HyperParameters) -> Example:
    """Targets of one record in the heads' label orders."""
    labels = INPUT_LABELS if record["kind"] == "input" else OUTPUT_LABELS
    wanted = set(record["categories"])
    return Example(
        ids=clip(ids, hp.max_length - 2, hp.head_tokens),
        kind=record["kind"],
        label=labels.index(record["label"]),
        categories=[1.0 if c in wanted else 0.0 for c in CATEGORY_NAMES],
    )


def encode(records: list[dict[str, Any]], tokenizer: Any, hp: HyperParameters) -> list[Example]:
    """Tokenise without special tokens; they are added per batch."""
    ids = tokenizer([r["text"] for r in records], add_special_tokens=False)["input_ids"]
    return [to_example(r, i, hp) for r, i in zip(records, ids, strict=True)]


def embedded_harmful(examples: list[Example], hp: HyperParameters, rng: random.Random) -> list:
    """Harmful requests hidden inside benign filler, and benign-only fillers of the same length,
    so the head learns that one harmful sentence makes a long window unsafe (the service scores
    long texts window by window)."""
    body = hp.max_length - 2
    harmful = [e for e in examples if e.kind == "input" and INPUT_LABELS[e.label] == "refuse"]
    benign = [e for e in examples if e.kind == "input" and INPUT_LABELS[e.label] == "safe"]
    if not harmful or not benign:
        return []
    made: list[Example] = []
    for target in rng.sample(harmful, int(len(harmful) * hp.embedded_harmful_share)):
        core = target.ids[: body // 3]
        filler = [t for e in rng.sample(benign, 8) for t in e.ids][: body - len(core)]
        cut = rng.randrange(len(filler) + 1)
        made.append(Example(filler[:cut] + core + filler[cut:], "input", 2, target.categories))
        plain = [t for e in rng.sample(benign, 8) for t in e.ids][:body]
        made.append(Example(plain, "input", 0, [0.0] * len(CATEGORY_NAMES)))
    return made


def collate(batch: list[Example], cls_id: int, sep_id: int, pad_id: int) -> dict:
    """Padded tensors of one batch."""
    rows = [[cls_id, *e.ids, sep_id] for e in batch]
    width = max(len(r) for r in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = torch.tensor(row)
        mask[i, : len(row)] = 1
    return {
        "ids": ids,
        "mask": mask,
        "is_input": torch.tensor([e.kind == "input" for e in batch]),
        "label": torch.tensor([e.label for e in batch]),
        "categories": torch.tensor([e.categories for e in batch]),
    }


class Classifier(nn.Module):
    """The LoRA-wrapped encoder plus the heads, as trained."""

    def __init__(self, encoder: nn.Module, heads: SafetyHeads) -> None:
        super().__init__()
        self.encoder = encoder
        self.heads = heads

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> dict[str, torch.Tensor]:
        """Raw logits of the heads."""
        hidden = self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
        return self.heads(mean_pool(hidden, mask))


def class_weights(examples: list[Example], kind: str, n: int) -> torch.Tensor:
    """Square-root inverse-frequency weights: minority labels (refuse, block) count more."""
    counts = Counter(e.label for e in examples if e.kind == kind)
    total = sum(counts.values())
    return torch.tensor([math.sqrt(total / (n * max(counts[i], 1))) for i in range(n)])


class Losses:
    """Cross-entropy per decision head (on its own kind only) plus BCE on the categories."""

    def __init__(self, train: list[Example], category_weight: float) -> None:
        self.input_ce = nn.CrossEntropyLoss(weight=class_weights(train, "input", 3))
        self.output_ce = nn.CrossEntropyLoss(weight=class_weights(train, "output", 3))
        self.bce = nn.BCEWithLogitsLoss()
        self.category_weight = category_weight

    def __call__(self, logits: dict[str, torch.Tensor], batch: dict) -> torch.Tensor:
        is_input = batch["is_input"]
        loss = self.category_weight * self.bce(logits["categories"], batch["categories"])
        if is_input.any():
            loss = loss + self.input_ce(logits["input"][is_input], batch["label"][is_input])
        if (~is_input).any():
            out = ~is_input
            loss = loss + self.output_ce(logits["output"][out], batch["label"][out])
        return loss


def collect_logits(model: nn.Module, examples: list[Example], tokenizer: Any) -> dict:
    """Logits ("input", "output", "categories") and targets ("is_input", "label", "target") of
    a split, in eval mode, for validation loss and calibration."""
    was_training = model.training
    model.eval()
    parts: dict[str, list[torch.Tensor]] = {}
    with torch.inference_mode():
        for start in range(0, len(examples), 64):
            batch = collate(
                examples[start : start + 64],
                tokenizer.cls_token_id,
                tokenizer.sep_token_id,
                tokenizer.pad_token_id,
            )
            targets = {k: batch[k] for k in ("is_input", "label")} | {"target": batch["categories"]}
            for name, value in (model(batch["ids"], batch["mask"]) | targets).items():
                parts.setdefault(name, []).append(value)
    model.train(was_training)
    return {name: torch.cat(values) for name, values in parts.items()}


def as_targets(split: dict) -> dict:
    """The targets of collect_logits' output in the shape Losses expects."""
    return {"is_input": split["is_input"], "label": split["label"], "categories": split["target"]}


def calibrate(val: dict) -> dict[str, float]:
    """One temperature per head; the category head shares one temperature over all logits."""
    temperatures: dict[str, float] = {}
    for name, mask in (("input", val["is_input"]), ("output", ~val["is_input"])):
        logits, labels = val[name][mask], val["label"][mask]
        temperatures[name] = (
            fit_temperature(logits, lambda z, y=labels: nn.functional.cross_entropy(z, y))
            if len(labels)
            else 1.0
        )
    temperatures["categories"] = fit_temperature(
        val["categories"],
        lambda z: nn.functional.binary_cross_entropy_with_logits(z, val["target"]),
    )
    return temperatures


def trainable_state(model: Classifier) -> dict[str, torch.Tensor]:
    """A copy of the parameters that training changes."""
    return {n: p.detach().clone() for n, p in model.named_parameters() if p.requires_grad}


def dataset_summary(path: Path, sha256: str, records: list[dict[str, Any]]) -> dict[str, Any]:
    """Hash and counts of the data set, for the manifest."""
    by_split: dict[str, Counter] = {}
    for r in records:
        by_split.setdefault(r["split"], Counter())[f"{r['kind']}/{r['label']}"] += 1
    return {
        "path": str(path),
        "sha256": sha256,
        "records": len(records),
        "splits": {
            s: {"total": sum(c.values()), **dict(sorted(c.items()))}
            for s, c in sorted(by_split.items())
        },
        "sources": dict(sorted(Counter(r["source"] for r in records).items())),
    }


def train(data: Path, out: Path, hp: HyperParameters) -> dict[str, Any]:
    """The whole run: train, keep the best epoch, calibrate, save, evaluate, write the manifest."""
    started = time.monotonic()
    seed_everything(hp.seed)
    torch.set_num_threads(hp.threads)
    data_sha256, records = read_records(data)
    tokenizer = AutoTokenizer.from_pretrained(base_model_path())
    tokenizer.model_max_length = 1 << 30  # long texts are clipped to head and tail by `clip`
    train_records = [r for r in records if r["split"] == "train"]
    val_records = [r for r in records if r["split"] == "validation"]
    rng = random.Random(hp.seed)
    train_examples = encode(train_records, tokenizer, hp)
    train_examples += embedded_harmful(train_examples, hp, rng)
    val_examples = encode(val_records, tokenizer, hp)
    print(f"train rows {len(train_examples)}, validation rows {len(val_examples)}", flush=True)

    encoder = AutoModel.from_pretrained(base_model_path())
    config = LoraConfig(
        r=hp.lora_r,
        lora_alpha=hp.lora_alpha,
        lora_dropout=hp.lora_dropout,
        target_modules=LORA_TARGETS,
    )
    encoder = get_peft_model(encoder, config)
    heads = SafetyHeads(encoder.config.hidden_size, hp.head_dropout)
    model = Classifier(encoder, heads)
    losses = Losses(train_examples, hp.category_loss_weight)
    lora_params = [p for n, p in encoder.named_parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(
        [
            {"params": lora_params, "lr": hp.lr_lora},
            {"params": list(heads.parameters()), "lr": hp.lr_heads},
        ],
        weight_decay=hp.weight_decay,
    )
    steps_per_epoch = math.ceil(len(train_examples) / hp.batch_size)
    total_steps = steps_per_epoch * hp.epochs
    scheduler = get_linear_schedule_with_warmup(
        optimizer, int(total_steps * hp.warmup_ratio), total_steps
    )
    ids = (tokenizer.cls_token_id, tokenizer.sep_token_id, tokenizer.pad_token_id)
    best: tuple[float, int, dict[str, torch.Tensor]] | None = None
    history: list[dict[str, float]] = []
    budget_hit = False
    step = 0
    train_started = time.monotonic()
    last_print = train_started
    model.train()
    for epoch in range(hp.epochs):
        seen = 0
        running = 0.0
        for batch_examples in length_batches(
            train_examples, hp.batch_size, rng, lambda e: len(e.ids)
        ):
            batch = collate(batch_examples, *ids)
            loss = losses(model(batch["ids"], batch["mask"]), batch)
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            step += 1
            seen += len(batch_examples)
            running = 0.98 * running + 0.02 * loss.item() if step > 1 else loss.item()
            now = time.monotonic()
            if now - last_print >= 30:
                rate = step * hp.batch_size / (now - train_started)
                eta = (total_steps - step) * hp.batch_size / rate
                print(
                    f"epoch {epoch + 1} step {step}/{total_steps} loss {running:.4f} "
                    f"{rate:.1f} ex/s ETA {eta / 60:.1f} min",
                    flush=True,
                )
                last_print = now
            if (now - started) / 60 > hp.time_budget_min:
                budget_hit = True
                break
        val = collect_logits(model, val_examples, tokenizer)
        val_loss = float(losses(val, as_targets(val)))
        history.append({"epoch": epoch + 1, "steps": step, "validation_loss": round(val_loss, 5)})
        print(f"epoch {epoch + 1} validation loss {val_loss:.4f}", flush=True)
        if best is None or val_loss < best[0]:
            best = (val_loss, epoch + 1, trainable_state(model))
        if budget_hit:
            print("time budget reached: stopping training", flush=True)
            break
    assert best is not None
    model.load_state_dict(best[2], strict=False)
    train_seconds = time.monotonic() - train_started

    val = collect_logits(model, val_examples, tokenizer)
    temperatures = calibrate(val)
    print(f"temperatures {temperatures}", flush=True)
    out.mkdir(parents=True, exist_ok=True)
    tensors = lora_tensors(model.encoder)
    tensors |= {f"heads.{k}": v.detach().clone() for k, v in heads.state_dict().items()}
    save_file({k: v.contiguous() for k, v in sorted(tensors.items())}, out / ADAPTER_FILE)
    write_json(
        out / CALIBRATION_FILE,
        {"method": "temperature scaling, validation NLL", "temperatures": temperatures},
    )
    manifest = {
        "name": "svend-safety",
        "version": out.name,
        "base": base_entry(),
        "files": {
            ADAPTER_FILE: sha256_of(out / ADAPTER_FILE),
            CALIBRATION_FILE: sha256_of(out / CALIBRATION_FILE),
        },
        "architecture": "mean-pooled all-MiniLM-L6-v2, LoRA merged at load, linear heads",
        "labels": {"input": list(INPUT_LABELS), "output": list(OUTPUT_LABELS)},
        "categories": list(CATEGORY_NAMES),
        "inference": {"window": hp.window, "stride": hp.stride, "aggregate": "max over windows"},
        "hyperparameters": asdict(hp)
        | {"lora": {"r": hp.lora_r, "alpha": hp.lora_alpha, "targets": LORA_TARGETS}},
        "dataset": dataset_summary(data, data_sha256, records),
        "training": {
            "best_epoch": best[1],
            "history": history,
            "steps": step,
            "time_budget_hit": budget_hit,
            "train_rows": len(train_examples),
        },
        "command": shlex.join(["python", "-m", "training.safety.train", *sys.argv[1:]]),
        "libraries": library_versions(),
    }
    write_json(out / MANIFEST_FILE, manifest)
    check_merge(model, out, val_examples[:16], tokenizer)
    metrics = evaluate.evaluate(out, records)
    manifest["metrics"] = evaluate.headline(metrics)
    manifest["training"]["train_seconds"] = round(train_seconds, 1)
    manifest["training"]["total_seconds"] = round(time.monotonic() - started, 1)
    write_json(out / evaluate.METRICS_FILE, metrics)
    write_json(out / MANIFEST_FILE, manifest)
    return manifest


def check_merge(model: Classifier, out: Path, examples: list[Example], tokenizer: Any) -> None:
    """The saved, merged model must give the trained model's logits (guards the merge code)."""
    loaded = SafetyModel.load(out, threads=torch.get_num_threads())
    trained = collect_logits(model, examples, tokenizer)
    merged = collect_logits(Classifier(loaded.encoder, loaded.heads), examples, tokenizer)
    gap = max((trained[k] - merged[k]).abs().max().item() for k in ("input", "categories"))
    if gap > 1e-3:
        raise RuntimeError(f"merged model disagrees with the trained one (max |dlogit| {gap})")


def main() -> None:
    """Command line: data set in, artifact directory out."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("build/safety/dataset.jsonl"))
    parser.add_argument("--out", type=Path, default=Path("models/safety/v1"))
    defaults = HyperParameters()
    for name, value in asdict(defaults).items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(value), default=value)
    args = parser.parse_args()
    hp = HyperParameters(**{k: getattr(args, k) for k in asdict(defaults)})
    manifest = train(args.data, args.out, hp)
    print(json.dumps(manifest["metrics"], indent=2))
    print(f"total {manifest['training']['total_seconds']:.0f} s")


if __name__ == "__main__":
    main()
