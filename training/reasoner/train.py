"""Supervised fine-tuning of the reasoner with LoRA on the tool-use conversations of data.py.

    python -m training.reasoner.train --config smollm2-cpu \\
        --data build/reasoner/traces.train.jsonl \\
        --validation build/reasoner/traces.validation.jsonl --out models/reasoner/v1

One script for both targets; a config names the base model and the hyper-parameters:
`smollm2-cpu` (SmolLM2-135M-Instruct from the pinned GGUF package, on this CPU) and
`qwen2.5-14b-gpu` (Qwen2.5-14B-Instruct on one A100/H100, bf16, lr 2e-5, effective batch 32,
checkpoints every 500 steps). transformers' Trainer runs the loop: gradient accumulation, warm-up
and linear decay, checkpoints under --checkpoints (`--resume` continues from the newest), metrics
as JSON lines in <checkpoints>/metrics.jsonl and in TensorBoard when it is installed; WandB only
with --wandb. A time budget (--max-minutes) ends training with a checkpoint and still writes the
artifact, so a CPU run finishes in the time it was given.

Only the assistant's turns are learned: each assistant message, with its end-of-turn token, is
the loss; the system prompt, the question and the tool responses are context. The conversation is
rendered by the tokenizer's own chat template, as the reasoner renders it at inference.

The artifact (--out) is the adapter in PEFT's format, which the reasoner's transformers backend
merges at load and vLLM serves with --lora-modules, and manifest.json: the base weights' package
and sha256, the data's sha256, the hyper-parameters, the validation loss and the command.
"""

import argparse
import copy
import dataclasses
import json
import math
import os
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import torch
from peft import LoraConfig, get_peft_model
from torch import nn
from transformers import (
    AutoModelForCausalLM,
    AutoTokenizer,
    DataCollatorForSeq2Seq,
    PreTrainedModel,
    PreTrainedTokenizerBase,
    Trainer,
    TrainerCallback,
    TrainerControl,
    TrainerState,
    TrainingArguments,
)

from svend.common.encoder import sha256_of
from svend.reasoner.backends import ADAPTER_MANIFEST, checked_weights
from svend.reasoner.settings import ReasonerSettings

IGNORE = -100
ADAPTER_FILES = ("adapter_model.safetensors", "adapter_config.json")
# Every projection of every decoder layer (Llama/Qwen module names).
LORA_TARGETS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")


@dataclass(frozen=True)
class Config:
    """A base model and how to fine-tune it."""

    name: str
    # "package:<python package>/<gguf file>" for weights inside a pinned package, otherwise a
    # model directory or hub id (the GPU machine's).
    base: str
    dtype: str
    lora_r: int
    lora_alpha: int
    lora_dropout: float
    learning_rate: float
    micro_batch: int
    gradient_accumulation: int
    epochs: float
    warmup_ratio: float
    # Conversations longer than this many tokens are left out (and counted).
    max_tokens: int
    save_steps: int
    logging_steps: int
    activation_checkpointing: bool
    max_minutes: float | None
    # Matrix products in bfloat16 over float32 weights, where the CPU has bf16 instructions
    # (AMX or AVX512-BF16); a GPU config's dtype says it already.
    bf16_autocast: bool = False
    validation_examples: int = 200


SMOLLM2_BASE = (
    f"package:{ReasonerSettings.model_fields['model_package'].default}/"
    f"{ReasonerSettings.model_fields['model_file'].default}"
)
CONFIGS = {
    "smollm2-cpu": Config(
        name="smollm2-cpu",
        base=SMOLLM2_BASE,
        dtype="float32",
        lora_r=16,
        lora_alpha=32,
        lora_dropout=0.05,
        # A CPU run sees a few hundred conversations in its budget: a high rate, small steps.
        learning_rate=1e-3,
        micro_batch=1,
        gradient_accumulation=4,
        epochs=1.0,
        warmup_ratio=0.03,
        max_tokens=8192,
        save_steps=25,
        logging_steps=5,
        activation_checkpointing=False,
        max_minutes=52.0,
        bf16_autocast=True,
        validation_examples=40,
    ),
    "qwen2.5-14b-gpu": Config(
        name="qwen2.5-14b-gpu",
        base="Qwen/Qwen2.5-14B-Instruct",
        dtype="bfloat16",
        lora_r=16,
        lora_alpha=32,
        lora_dropout=0.05,
        learning_rate=2e-5,
        micro_batch=4,
        gradient_accumulation=8,
        epochs=2.0,
        warmup_ratio=0.03,
        max_tokens=8192,
        save_steps=500,
        logging_steps=10,
        activation_checkpointing=True,
        max_minutes=None,
    ),
}


def render(
    tokenizer: PreTrainedTokenizerBase, messages: Sequence[dict[str, str]], **kw: Any
) -> str:
    """The conversation as the reasoner's backend renders it (the model's chat template)."""
    return tokenizer.apply_chat_template(list(messages), tokenize=False, **kw)


def token_ids(tokenizer: PreTrainedTokenizerBase, text: str) -> list[int]:
    return tokenizer(text, add_special_tokens=False)["input_ids"]


def encode(
    tokenizer: PreTrainedTokenizerBase, messages: Sequence[dict[str, str]]
) -> dict[str, list[int]]:
    """Token ids of the whole conversation and labels that keep only the assistant's turns.

    A turn's tokens are found by rendering the conversation up to it: the template must render
    every prefix of a conversation as a prefix of the whole, which is checked.
    """
    ids = token_ids(tokenizer, render(tokenizer, messages))
    labels = [IGNORE] * len(ids)
    for index, message in enumerate(messages):
        if message["role"] != "assistant":
            continue
        start = len(
            token_ids(tokenizer, render(tokenizer, messages[:index], add_generation_prompt=True))
        )
        through = token_ids(tokenizer, render(tokenizer, messages[: index + 1]))
        if ids[: len(through)] != through:
            raise ValueError(
                "the chat template does not render a conversation's prefixes as its prefixes"
            )
        labels[start : len(through)] = ids[start : len(through)]
    return {"input_ids": ids, "labels": labels}


@dataclass
class Encoded:
    """A data file's conversations, encoded, and what was left out."""

    path: Path
    sha256: str
    examples: list[dict[str, list[int]]]
    records: int
    too_long: int
    tool_listing: str

    def summary(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "sha256": self.sha256,
            "records": self.records,
            "used": len(self.examples),
            "too_long": self.too_long,
            "tool_listing": self.tool_listing,
        }


def read_conversations(
    path: Path, tokenizer: PreTrainedTokenizerBase, max_tokens: int, limit: int | None
) -> Encoded:
    """The first `limit` conversations of a traces file that fit in max_tokens; all must list
    the tools the same way, since the adapter will only be served with that listing."""
    examples: list[dict[str, list[int]]] = []
    records = too_long = 0
    listings: set[str] = set()
    with path.open() as handle:
        for line in handle:
            if limit is not None and len(examples) >= limit:
                break
            records += 1
            record = json.loads(line)
            listings.add(record.get("tool_listing", "none recorded"))
            example = encode(tokenizer, record["messages"])
            if len(example["input_ids"]) > max_tokens:
                too_long += 1
                continue
            examples.append(example)
    if len(listings) != 1:
        raise SystemExit(
            f"{path}: its conversations list the tools in {len(listings)} ways "
            f"({', '.join(sorted(listings)) or 'none'}); rebuild it with training.reasoner.data"
        )
    return Encoded(path, sha256_of(path), examples, records, too_long, listings.pop())


def load_base(config: Config, base_path: str | None) -> tuple[PreTrainedModel, Any, dict[str, str]]:
    """The base model, its tokenizer and the manifest's record of the weights."""
    dtype = getattr(torch, config.dtype)
    if config.base.startswith("package:"):
        package, _, filename = config.base.removeprefix("package:").partition("/")
        settings = ReasonerSettings(model_package=package, model_file=filename)
        weights = checked_weights(settings)
        tokenizer = AutoTokenizer.from_pretrained(weights.parent, gguf_file=weights.name)
        model = AutoModelForCausalLM.from_pretrained(
            weights.parent, gguf_file=weights.name, dtype=dtype
        )
        # The GGUF weights were dequantized to `dtype` on load; the record of their quantization
        # would only make the Trainer refuse to train them.
        model.hf_quantizer = None
        model.is_quantized = False
        if hasattr(model.config, "quantization_config"):
            del model.config.quantization_config
        distribution = package.replace("_", "-")
        entry = {
            "package": distribution,
            "version": metadata.version(distribution),
            "file": filename,
            "sha256": settings.model_sha256,
        }
    else:
        source = base_path or config.base
        tokenizer = AutoTokenizer.from_pretrained(source)
        model = AutoModelForCausalLM.from_pretrained(source, dtype=dtype)
        entry = {"model": config.base}
    return model, tokenizer, entry


class JsonLinesLog(TrainerCallback):
    """Every logged metric as one JSON line, with the time since training started."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.started = time.monotonic()

    def on_log(
        self,
        args: TrainingArguments,
        state: TrainerState,
        control: TrainerControl,
        logs: dict[str, float] | None = None,
        **kwargs: Any,
    ) -> None:
        record = {"step": state.global_step, "epoch": state.epoch, **(logs or {})}
        record["seconds"] = round(time.monotonic() - self.started, 1)
        with self.path.open("a") as handle:
            handle.write(json.dumps(record) + "\n")


class TimeBudget(TrainerCallback):
    """Stops training, with a checkpoint, once the budget is spent."""

    def __init__(self, minutes: float) -> None:
        self.deadline = time.monotonic() + minutes * 60
        self.expired = False

    def on_step_end(
        self, args: TrainingArguments, state: TrainerState, control: TrainerControl, **kwargs: Any
    ) -> None:
        if time.monotonic() >= self.deadline:
            self.expired = True
            control.should_training_stop = True
            control.should_save = True


def shared_prefix(examples: Sequence[dict[str, list[int]]]) -> list[int]:
    """The token ids that most conversations start with: their first turn, the system prompt,
    as the service lists its default tools (four in five of the traces), and what the next turn
    shares. A turn ends where the token that opened it opens the next one."""
    openings = Counter(first_turn(example["input_ids"]) for example in examples)
    if not openings:
        return []
    opening, count = openings.most_common(1)[0]
    if count < 2:
        return []
    sharing = [e["input_ids"] for e in examples if first_turn(e["input_ids"]) == opening]
    length = min(map(len, sharing))
    for ids in sharing[1:]:
        length = next((i for i in range(length) if ids[i] != sharing[0][i]), length)
    return sharing[0][:length]


def first_turn(ids: Sequence[int]) -> tuple[int, ...]:
    if not ids:
        return ()
    end = next((i for i in range(1, len(ids)) if ids[i] == ids[0]), len(ids))
    return tuple(ids[:end])


class LearnedTokensTrainer(Trainer):
    """A Trainer that spends its compute on what a conversation teaches.

    The loss projects onto the vocabulary only the positions whose next token is learned (the
    assistant's, about a tenth of a conversation): the full logits of a 1,000-token conversation
    are 200 MB, allocated and freed at every step, and made the CPU run spend most of its time
    in the kernel. And most conversations open with the same ~850-token system prompt: its keys
    and values are computed once per optimizer step, without gradient, and a conversation that
    starts with it runs forward and backward over its own tokens only (a gradient truncated at
    the prompt, as the adapter changes how the question and answers read the tools, not how the
    tool list reads itself)."""

    def __init__(self, *args: Any, prefix: Sequence[int] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.prefix = torch.tensor(prefix, dtype=torch.long)
        self.prefix_cache: tuple[int, Any] | None = None

    def compute_loss(
        self,
        model: nn.Module,
        inputs: dict[str, torch.Tensor],
        return_outputs: bool = False,
        num_items_in_batch: torch.Tensor | int | None = None,
    ) -> torch.Tensor | tuple[torch.Tensor, Any]:
        # Position i predicts token i + 1.
        targets = inputs["labels"][:, 1:]
        positions = (targets != IGNORE).any(dim=0).nonzero().squeeze(1)
        ids = inputs["input_ids"]
        start = len(self.prefix)
        shares_prefix = (
            start
            and model.training
            and ids.shape[1] > start
            and bool(positions.min() >= start)
            and bool((ids[:, :start] == self.prefix.to(ids.device)).all())
        )
        if shares_prefix:
            outputs = model(
                input_ids=ids[:, start:],
                attention_mask=inputs["attention_mask"],
                cache=self.prefix_keys_values(model, ids.shape[0]),
                logits_to_keep=positions - start,
            )
        else:
            outputs = model(
                input_ids=ids, attention_mask=inputs["attention_mask"], logits_to_keep=positions
            )
        kept = targets[:, positions]
        loss = nn.functional.cross_entropy(
            outputs.logits.float().flatten(0, 1),
            kept.flatten(),
            ignore_index=IGNORE,
            reduction="sum",
        )
        loss = loss / (
            num_items_in_batch if num_items_in_batch is not None else (kept != IGNORE).sum()
        )
        return (loss, outputs) if return_outputs else loss

    def prefix_keys_values(self, model: nn.Module, batch: int) -> Any:
        """A copy (the forward pass appends to it) of the shared prefix's cache, computed with
        this optimizer step's adapter."""
        step = self.state.global_step
        if self.prefix_cache is None or self.prefix_cache[0] != step:
            with torch.no_grad():
                prefix = self.prefix.to(model.device).unsqueeze(0)
                cache = model(input_ids=prefix, use_cache=True).cache
            self.prefix_cache = (step, cache)
        cache = copy.deepcopy(self.prefix_cache[1])
        if batch > 1:
            cache.batch_repeat_interleave(batch)
        return cache


def cpu_has_bf16() -> bool:
    """Whether this CPU multiplies bfloat16 natively; elsewhere bf16 autocast is slower."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return any(flag in flags.split() for flag in ("amx_bf16", "avx512_bf16"))


def installed(package: str) -> bool:
    try:
        metadata.version(package)
    except metadata.PackageNotFoundError:
        return False
    return True


def reporters(wandb: bool) -> list[str]:
    """TensorBoard when installed; WandB only when asked for (and installed)."""
    if wandb and not installed("wandb"):
        raise SystemExit("--wandb needs the wandb package installed")
    return [
        name for name, on in (("tensorboard", installed("tensorboard")), ("wandb", wandb)) if on
    ]


def with_lora(model: PreTrainedModel, config: Config) -> PreTrainedModel:
    """The model with trainable LoRA matrices on every projection; the base stays frozen."""
    lora = LoraConfig(
        r=config.lora_r,
        lora_alpha=config.lora_alpha,
        lora_dropout=config.lora_dropout,
        target_modules=list(LORA_TARGETS),
        task_type="CAUSAL_LM",
    )
    return get_peft_model(model, lora)


def train(
    config: Config,
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    train_data: Encoded,
    validation_data: Encoded,
    checkpoints: Path,
    *,
    resume: bool = False,
    max_minutes: float | None = None,
    wandb: bool = False,
    seed: int = 0,
) -> tuple[PreTrainedModel, dict[str, Any]]:
    """Fine-tune `model` with LoRA; returns it and the metrics for the manifest."""
    if not train_data.examples:
        raise SystemExit(f"{train_data.path}: no conversation fits in {config.max_tokens} tokens")
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    checkpoints.mkdir(parents=True, exist_ok=True)
    peft_model = with_lora(model, config)
    budget = TimeBudget(max_minutes) if max_minutes else None
    arguments = TrainingArguments(
        output_dir=str(checkpoints),
        per_device_train_batch_size=config.micro_batch,
        per_device_eval_batch_size=config.micro_batch,
        gradient_accumulation_steps=config.gradient_accumulation,
        learning_rate=config.learning_rate,
        num_train_epochs=config.epochs,
        warmup_steps=math.ceil(
            config.warmup_ratio
            * len(train_data.examples)
            * config.epochs
            / (config.micro_batch * config.gradient_accumulation)
        ),
        lr_scheduler_type="linear",
        logging_steps=config.logging_steps,
        save_steps=config.save_steps,
        save_total_limit=3,
        activation_checkpointing=config.activation_checkpointing,
        bf16=config.dtype == "bfloat16" or (config.bf16_autocast and cpu_has_bf16()),
        train_sampling_strategy="group_by_length" if config.micro_batch > 1 else "random",
        report_to=reporters(wandb),
        seed=seed,
        use_cpu=not torch.cuda.is_available(),
        dataloader_num_workers=0,
        remove_unused_columns=False,
    )
    callbacks: list[TrainerCallback] = [JsonLinesLog(checkpoints / "metrics.jsonl")]
    if budget is not None:
        callbacks.append(budget)
    trainer = LearnedTokensTrainer(
        model=peft_model,
        args=arguments,
        train_dataset=train_data.examples,
        eval_dataset=validation_data.examples,
        data_collator=DataCollatorForSeq2Seq(tokenizer, padding=True, label_pad_token_id=IGNORE),
        callbacks=callbacks,
        prefix=shared_prefix(train_data.examples),
    )
    started = time.monotonic()
    result = trainer.train(resume_from_checkpoint=resume or None)
    seconds = time.monotonic() - started
    evaluation = trainer.evaluate() if validation_data.examples else {}
    metrics = {
        "train_loss": round(result.training_loss, 4),
        "validation_loss": round(evaluation["eval_loss"], 4) if evaluation else None,
        "optimizer_steps": trainer.state.global_step,
        "examples_seen": trainer.state.global_step
        * config.micro_batch
        * config.gradient_accumulation,
        "seconds": round(seconds, 1),
        "stopped_by_time_budget": bool(budget and budget.expired),
    }
    return peft_model, metrics


def write_artifact(
    peft_model: PreTrainedModel, out: Path, manifest: dict[str, Any], base_name: str
) -> None:
    """The adapter in PEFT's format and a manifest that hashes it."""
    out.mkdir(parents=True, exist_ok=True)
    # A local path would leak into the adapter's config; name the base as the manifest does.
    peft_model.peft_config["default"].base_model_name_or_path = base_name
    peft_model.save_pretrained(out, save_embedding_layers=False)
    # PEFT's model-card template says nothing that the manifest does not.
    (out / "README.md").unlink(missing_ok=True)
    manifest["files"] = {name: sha256_of(out / name) for name in ADAPTER_FILES}
    (out / ADAPTER_MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")


def library_versions() -> dict[str, str]:
    """Versions of what shapes the adapter."""
    names = ("torch", "transformers", "peft", "gguf")
    return {name: metadata.version(name) for name in names}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--config", choices=sorted(CONFIGS), default="smollm2-cpu")
    parser.add_argument("--data", type=Path, required=True, help="traces.train.jsonl")
    parser.add_argument("--validation", type=Path, required=True, help="traces.validation.jsonl")
    parser.add_argument("--out", type=Path, required=True, help="artifact directory")
    parser.add_argument("--checkpoints", type=Path, default=Path("build/reasoner/checkpoints"))
    parser.add_argument("--base-path", help="local directory of a hub base model (GPU configs)")
    parser.add_argument(
        "--max-examples", type=int, help="use at most this many training conversations"
    )
    parser.add_argument(
        "--validation-examples", type=int, help="conversations to validate on (default: config's)"
    )
    parser.add_argument("--max-minutes", type=float, help="time budget (default: the config's)")
    parser.add_argument("--resume", action="store_true", help="continue from the newest checkpoint")
    parser.add_argument("--wandb", action="store_true", help="also report to Weights & Biases")
    parser.add_argument("--threads", type=int, default=os.cpu_count(), help="CPU threads")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    config = CONFIGS[args.config]
    for path in (args.data, args.validation):
        if not path.is_file():
            parser.error(f"{path} does not exist (python -m training.reasoner.data builds it)")
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    model, tokenizer, base = load_base(config, args.base_path)
    train_data = read_conversations(args.data, tokenizer, config.max_tokens, args.max_examples)
    validation_data = read_conversations(
        args.validation,
        tokenizer,
        config.max_tokens,
        args.validation_examples or config.validation_examples,
    )
    if validation_data.tool_listing != train_data.tool_listing:
        parser.error("the training and validation conversations list the tools differently")
    print(
        f"{len(train_data.examples)} training and {len(validation_data.examples)} validation "
        f"conversations ({train_data.too_long} longer than {config.max_tokens} tokens left out)",
        file=sys.stderr,
    )
    peft_model, metrics = train(
        config,
        model,
        tokenizer,
        train_data,
        validation_data,
        args.checkpoints / config.name,
        resume=args.resume,
        max_minutes=args.max_minutes or config.max_minutes,
        wandb=args.wandb,
        seed=args.seed,
    )
    manifest = {
        "base": base,
        "config": dataclasses.asdict(config),
        "data": {
            "tool_listing": train_data.tool_listing,
            "train": train_data.summary(),
            "validation": validation_data.summary(),
        },
        "metrics": metrics,
        "libraries": library_versions(),
        "command": " ".join(["python -m training.reasoner.train", *(argv or sys.argv[1:])]),
    }
    write_artifact(peft_model, args.out, manifest, config.base)
    print(json.dumps(metrics), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
