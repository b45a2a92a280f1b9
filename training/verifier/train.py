"""Fine-tune the verifier's step scorer (LoRA on MiniLM + a per-step head) on corrupted chains.

    python -m training.verifier.train --scorer-data build/verifier/scorer.jsonl \
        --data build/verifier/train.jsonl --test build/verifier/test.jsonl --out models/verifier/v1

Trains on split "train" of --scorer-data: chains built with `training.verifier.data --focus
wrong_operation,dropped_step`, the errors that exact checks cannot see, beside correct chains.
It keeps the epoch with the lowest validation loss, fits the temperature of P(wrong) on that
file's "validation", and writes the adapter that `svend.verifier.scorer.StepScorer` loads.
The verdict rule and the confidence of the whole verifier (exact checks and scorer together)
are then fitted on the "validation" split of --data (chains of every kind) by
training.verifier.evaluate, which also measures the chains of --test (GSM8K test) and writes
the held-out metrics into the manifest.

Targets: a step is wrong when its step label is false (it differs from the correct chain there,
including steps that carry a wrong value on); the answer is wrong when the chain's final answer
is (every corruption but `numeric_error`, whose later steps keep the right values).
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
from safetensors.torch import save_file
from torch import nn
from transformers import get_linear_schedule_with_warmup

from svend.common.encoder import ADAPTER_FILE, MANIFEST_FILE, base_tokenizer, sha256_of
from svend.verifier.scorer import (
    ANSWER_PREFIX,
    CALIBRATION_FILE,
    Layout,
    StepHeads,
    Window,
    collate,
    windows,
)
from training.encoder import (
    base_entry,
    fit_temperature,
    length_batches,
    library_versions,
    lora_encoder,
    lora_targets,
    lora_tensors,
    seed_everything,
    write_json,
)
from training.verifier import evaluate


@dataclass(frozen=True)
class HyperParameters:
    """Everything that shapes the trained weights; recorded verbatim in the manifest."""

    seed: int = 7
    # A fraction of an epoch counts: the last epoch stops at that share of its batches, where the
    # learning rate has decayed to zero.
    epochs: float = 1.25
    batch_size: int = 16
    lr_lora: float = 5e-4
    lr_heads: float = 2e-3
    weight_decay: float = 0.01
    warmup_ratio: float = 0.06
    lora_r: int = 8
    lora_alpha: int = 16
    # No dropout on LoRA's input: it copies every adapted layer's input, and without it a step
    # takes 1.2 s instead of 1.8 s here, which buys a quarter epoch more within the budget.
    lora_dropout: float = 0.0
    # Which layers get LoRA ("3,4,5": the upper half only, cheaper steps). Trained on chains of
    # every corruption kind, every layer for one epoch reached a lower validation loss (0.805)
    # than the upper half for 1.6 epochs (0.828) in the same time.
    lora_layers: str = "all"
    head_dropout: float = 0.1
    threads: int = 2
    time_budget_min: float = 22.5


@dataclass(frozen=True)
class Example:
    """One window of one chain and the wrong (1) / right (0) target of each span it scores."""

    window: Window
    targets: list[float]


def read_records(path: Path) -> tuple[str, list[dict[str, Any]]]:
    """The records and the sha256 of the file they came from."""
    raw = path.read_bytes()
    records = [json.loads(line) for line in raw.decode("utf-8").split("\n") if line.strip()]
    return hashlib.sha256(raw).hexdigest(), records


def segment_targets(record: dict[str, Any]) -> list[float]:
    """1.0 for each wrong step, then the answer's target."""
    steps = [0.0 if right else 1.0 for right in record["step_labels"]]
    answer_wrong = record["label"] == "corrupted" and record["corruption"] != "numeric_error"
    return [*steps, 1.0 if answer_wrong else 0.0]


def encode(records: list[dict[str, Any]], tokenizer: Any, layout: Layout) -> list[Example]:
    """Every window of every record with its spans' targets."""
    examples = []
    for record in records:
        targets = segment_targets(record)
        segments = [*record["steps"], ANSWER_PREFIX + record["answer"]]
        for window in windows(tokenizer, record["question"], segments, layout):
            examples.append(Example(window, [targets[s] for _, _, s in window.spans]))
    return examples


class Scorer(nn.Module):
    """The LoRA-wrapped encoder plus the step head, as trained."""

    def __init__(self, encoder: nn.Module, heads: StepHeads) -> None:
        super().__init__()
        self.encoder = encoder
        self.heads = heads

    def forward(self, batch: list[Example], pad_id: int) -> torch.Tensor:
        """Raw logits of every span of the batch, in order."""
        ids, mask = collate([e.window for e in batch], pad_id)
        hidden = self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
        return self.heads(hidden, mask, [e.window.spans for e in batch])


def targets_of(batch: list[Example]) -> torch.Tensor:
    return torch.tensor([t for e in batch for t in e.targets])


def collect_logits(model: Scorer, examples: list[Example], pad_id: int) -> torch.Tensor:
    """Logits of every span of a split, in eval mode."""
    was_training = model.training
    model.eval()
    parts = []
    with torch.inference_mode():
        for start in range(0, len(examples), 64):
            parts.append(model(examples[start : start + 64], pad_id))
    model.train(was_training)
    return torch.cat(parts)


def dataset_summary(path: Path, sha256: str, records: list[dict[str, Any]]) -> dict[str, Any]:
    """Hash and counts of the data set, for the manifest."""
    by_split: dict[str, Counter] = {}
    for r in records:
        by_split.setdefault(r["split"], Counter())[r["corruption"] or "correct"] += 1
    return {
        "path": str(path),
        "sha256": sha256,
        "records": len(records),
        "splits": {s: dict(sorted(c.items())) for s, c in sorted(by_split.items())},
    }


def train(data: Path, out: Path, hp: HyperParameters, layout: Layout) -> dict[str, Any]:
    """Train, keep the best epoch, fit the temperature, save the adapter and a first manifest."""
    started = time.monotonic()
    seed_everything(hp.seed)
    torch.set_num_threads(hp.threads)
    data_sha256, records = read_records(data)
    tokenizer = base_tokenizer()
    pad_id = tokenizer.pad_token_id
    train_examples = encode([r for r in records if r["split"] == "train"], tokenizer, layout)
    val_examples = encode([r for r in records if r["split"] == "validation"], tokenizer, layout)
    print(f"train windows {len(train_examples)}, validation {len(val_examples)}", flush=True)
    train_targets = torch.tensor([t for e in train_examples for t in e.targets])
    wrong_share = float(train_targets.mean())
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=torch.tensor((1 - wrong_share) / wrong_share))

    encoder = lora_encoder(hp.lora_r, hp.lora_alpha, hp.lora_dropout, lora_targets(hp.lora_layers))
    heads = StepHeads(encoder.config.hidden_size, hp.head_dropout)
    model = Scorer(encoder, heads)
    optimizer = torch.optim.AdamW(
        [
            {"params": [p for p in encoder.parameters() if p.requires_grad], "lr": hp.lr_lora},
            {"params": list(heads.parameters()), "lr": hp.lr_heads},
        ],
        weight_decay=hp.weight_decay,
    )
    total_steps = math.ceil(math.ceil(len(train_examples) / hp.batch_size) * hp.epochs)
    scheduler = get_linear_schedule_with_warmup(
        optimizer, int(total_steps * hp.warmup_ratio), total_steps
    )
    rng = random.Random(hp.seed)
    val_targets = targets_of(val_examples)
    best: tuple[float, int, dict[str, torch.Tensor]] | None = None
    history: list[dict[str, float]] = []
    budget_hit = False
    step = 0
    train_started = last_print = time.monotonic()
    model.train()
    for epoch in range(math.ceil(hp.epochs)):
        running = 0.0
        for batch in length_batches(
            train_examples, hp.batch_size, rng, lambda e: len(e.window.ids)
        ):
            if step == total_steps:
                break
            loss = loss_fn(model(batch, pad_id), targets_of(batch))
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            step += 1
            running = 0.98 * running + 0.02 * loss.item() if step > 1 else loss.item()
            now = time.monotonic()
            if now - last_print >= 30:
                rate = step / (now - train_started)
                print(
                    f"epoch {epoch + 1} step {step}/{total_steps} loss {running:.4f} "
                    f"ETA {(total_steps - step) / rate / 60:.1f} min",
                    flush=True,
                )
                last_print = now
            if (now - started) / 60 > hp.time_budget_min:
                budget_hit = True
                break
        val_loss = float(loss_fn(collect_logits(model, val_examples, pad_id), val_targets))
        history.append({"epoch": epoch + 1, "steps": step, "validation_loss": round(val_loss, 5)})
        print(f"epoch {epoch + 1} validation loss {val_loss:.4f}", flush=True)
        if best is None or val_loss < best[0]:
            state = {n: p.detach().clone() for n, p in model.named_parameters() if p.requires_grad}
            best = (val_loss, epoch + 1, state)
        if budget_hit:
            print("time budget reached: stopping training", flush=True)
            break
    assert best is not None
    model.load_state_dict(best[2], strict=False)
    train_seconds = time.monotonic() - train_started

    val_logits = collect_logits(model, val_examples, pad_id)
    plain_bce = nn.BCEWithLogitsLoss()
    temperature = fit_temperature(val_logits, lambda z: plain_bce(z, val_targets))
    print(f"temperature {temperature}", flush=True)
    out.mkdir(parents=True, exist_ok=True)
    tensors = lora_tensors(model.encoder)
    tensors |= {f"heads.{k}": v.detach().clone() for k, v in heads.state_dict().items()}
    save_file({k: v.contiguous() for k, v in sorted(tensors.items())}, out / ADAPTER_FILE)
    write_json(out / CALIBRATION_FILE, {"temperature": temperature})
    manifest = {
        "name": "svend-verifier-step-scorer",
        "version": out.name,
        "base": base_entry(),
        "files": {
            ADAPTER_FILE: sha256_of(out / ADAPTER_FILE),
            CALIBRATION_FILE: sha256_of(out / CALIBRATION_FILE),
        },
        "architecture": "all-MiniLM-L6-v2 over the whole chain, LoRA merged at load, "
        "linear head on [step mean; chain mean] per step and for the answer",
        "inference": {"layout": asdict(layout)},
        "hyperparameters": asdict(hp)
        | {
            "lora": {
                "r": hp.lora_r,
                "alpha": hp.lora_alpha,
                "targets": lora_targets(hp.lora_layers),
            }
        },
        "dataset": dataset_summary(data, data_sha256, records),
        "training": {
            "best_epoch": best[1],
            "history": history,
            "steps": step,
            "time_budget_hit": budget_hit,
            "train_windows": len(train_examples),
            "wrong_share": round(wrong_share, 4),
            "train_seconds": round(train_seconds, 1),
        },
        "command": shlex.join(["python", "-m", "training.verifier.train", *sys.argv[1:]]),
        "libraries": library_versions(),
    }
    write_json(out / MANIFEST_FILE, manifest)
    return manifest


def main() -> None:
    """Command line: data set in, artifact directory out."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scorer-data",
        type=Path,
        default=Path("build/verifier/scorer.jsonl"),
        help="the scorer's training chains (training.verifier.data --focus ...)",
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=Path("build/verifier/train.jsonl"),
        help="chains of every kind; their validation split fits the verdict policy",
    )
    parser.add_argument("--test", type=Path, default=Path("build/verifier/test.jsonl"))
    parser.add_argument("--out", type=Path, default=Path("models/verifier/v1"))
    for name, value in asdict(HyperParameters()).items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(value), default=value)
    args = parser.parse_args()
    hp = HyperParameters(**{k: getattr(args, k) for k in asdict(HyperParameters())})
    started = time.monotonic()
    train(args.scorer_data, args.out, hp, Layout())
    evaluate.finish(args.out, args.data, args.test)
    manifest = json.loads((args.out / MANIFEST_FILE).read_text())
    manifest["training"]["total_seconds"] = round(time.monotonic() - started, 1)
    write_json(args.out / MANIFEST_FILE, manifest)
    print(json.dumps(manifest["metrics"], indent=2))


if __name__ == "__main__":
    main()
