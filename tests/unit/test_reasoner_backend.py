"""The transformers backend on the real SmolLM2: a batch of different conversations generates,
row by row, what each conversation generates alone (left padding changes nothing), and each row
keeps its own token budget."""

import asyncio
from dataclasses import dataclass
from typing import Any

import pytest

from svend.reasoner import backends
from svend.reasoner.backends import Generation, TransformersBackend, checked_weights, prompt_ids
from svend.reasoner.engine import fit_to_context
from svend.reasoner.prompting import tool_message
from svend.reasoner.settings import ReasonerSettings

CONVERSATIONS = [
    [{"role": "user", "content": "What is the capital of France?"}],
    [
        {"role": "system", "content": "You are a careful assistant for math questions."},
        {"role": "user", "content": "Name three prime numbers greater than ten, please."},
    ],
]

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def backend() -> TransformersBackend:
    return TransformersBackend.load(checked_weights(ReasonerSettings()), threads=2)


def test_batched_rows_equal_the_conversations_alone(backend: TransformersBackend) -> None:
    async def run() -> tuple[list, list]:
        alone = [
            (await backend.generate(c, max_new_tokens=12, temperature=0))[0] for c in CONVERSATIONS
        ]
        batched = await backend.generate_batch(
            CONVERSATIONS, max_new_tokens=[12, 12], temperature=0
        )
        return alone, batched

    alone, batched = asyncio.run(run())
    assert [g.text for g in batched] == [g.text for g in alone]
    assert all(g.text for g in batched)


def test_each_row_keeps_its_own_budget(backend: TransformersBackend) -> None:
    short, long = asyncio.run(
        backend.generate_batch(CONVERSATIONS, max_new_tokens=[3, 12], temperature=0)
    )
    assert short.tokens <= 3
    assert long.tokens > 3


def test_a_long_tool_result_is_cut_to_the_real_token_count(backend: TransformersBackend) -> None:
    conversation = CONVERSATIONS[1]
    limit = backend.count_tokens(conversation) + 300

    def size(text: str) -> int:
        return backend.count_tokens([*conversation, tool_message(text)])

    text = "The integral evaluates to x**3/3 + C. " * 400
    cut = fit_to_context(text, size, limit)
    assert "truncated to fit the context" in cut
    assert size(cut) <= limit
    assert size(cut.replace(" …(truncated", "x …(truncated", 1)) > limit - 10  # nearly full
    assert cut.startswith(text[:200])


# A request SmolLM2 answers at length: it counts on to any budget without ending its turn.
COUNTING = [{"role": "user", "content": "Write the numbers from 1 to 500, separated by commas."}]


@dataclass
class Batch:
    rows: int
    cached_tokens: int
    new_tokens: int = 0


def watch_batches(backend: TransformersBackend, monkeypatch: pytest.MonkeyPatch) -> list[Batch]:
    """Each model.generate call the backend makes from here on: its rows, the prompt tokens
    whose keys and values it was handed, and the tokens it added."""
    batches: list[Batch] = []
    generate = backend.model.generate

    def watched(**kwargs: Any) -> Any:
        past = kwargs.get("cache")
        batches.append(Batch(len(kwargs["input_ids"]), past.get_seq_length() if past else 0))
        output = generate(**kwargs)
        batches[-1].new_tokens = output.shape[1] - kwargs["input_ids"].shape[1]
        return output

    monkeypatch.setattr(backend.model, "generate", watched)
    return batches


async def hold_the_model(backend: TransformersBackend) -> None:
    """A short request that finds the model idle, so the ones made right after it queue and
    share the next batch."""
    await backend.generate(CONVERSATIONS[0], max_new_tokens=4, temperature=0)


def test_concurrent_requests_share_a_batch_and_get_their_own_rows(
    backend: TransformersBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def run() -> tuple[list, list]:
        alone = [
            (await backend.generate(c, max_new_tokens=12, temperature=0))[0] for c in CONVERSATIONS
        ]
        batches.clear()
        _, *together = await asyncio.gather(
            hold_the_model(backend),
            *(
                backend.generate(c, max_new_tokens=12, temperature=0)
                for c in [*CONVERSATIONS, *CONVERSATIONS]
            ),
        )
        return alone, [g for (g,) in together]

    batches = watch_batches(backend, monkeypatch)
    alone, together = asyncio.run(run())
    assert [b.rows for b in batches] == [1, 4]
    assert [g.text for g in together] == [g.text for g in alone] * 2


def test_a_cancelled_request_stops_its_rows_and_not_the_others(
    backend: TransformersBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def run() -> tuple[Generation, Generation]:
        (alone,) = await backend.generate(COUNTING, max_new_tokens=30, temperature=0)
        batches.clear()
        holding = asyncio.ensure_future(hold_the_model(backend))
        doomed = asyncio.ensure_future(
            backend.generate(COUNTING, max_new_tokens=2000, temperature=0)
        )
        kept = asyncio.ensure_future(backend.generate(COUNTING, max_new_tokens=30, temperature=0))
        await holding
        await asyncio.sleep(1.0)
        doomed.cancel()
        # kept's row ends with its batch, so the batch is over when it is answered.
        (result,) = await kept
        return alone, result

    batches = watch_batches(backend, monkeypatch)
    alone, result = asyncio.run(run())
    assert result.text == alone.text
    assert [b.rows for b in batches] == [1, 2]
    # The batch ended soon after the cancelled row's caller went away, not at its 2000 tokens.
    assert batches[-1].new_tokens < 1000


def test_a_row_past_its_deadline_ends_with_what_it_has(
    backend: TransformersBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def run() -> list[Generation]:
        _, late, on_time = await asyncio.gather(
            hold_the_model(backend),
            backend.generate(COUNTING, max_new_tokens=2000, temperature=0, max_time=3.0),
            backend.generate(COUNTING, max_new_tokens=6, temperature=0),
        )
        return [*late, *on_time]

    batches = watch_batches(backend, monkeypatch)
    late, on_time = asyncio.run(run())
    assert [b.rows for b in batches] == [1, 2]
    assert late.finish == "time"
    assert 6 < late.tokens < 2000
    assert on_time.finish == "length"
    assert on_time.tokens == 6


def test_a_shared_system_prompt_is_prefilled_once_and_changes_nothing(
    backend: TransformersBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    system = {
        "role": "system",
        "content": "You are a careful assistant for math, science and logic questions. Work "
        "step by step, state each intermediate result, check the arithmetic of every step, "
        "and end with one line that gives the final answer with its unit.",
    }
    questions = [
        "What is 12 times 37?",
        "A train leaves at 9:40 and arrives at 13:05 after stopping twice for eleven minutes "
        "each. How long was it moving, in hours and minutes, and what was its average speed "
        "over 214 km of track?",
    ]
    conversations = [[system, {"role": "user", "content": q}] for q in questions]

    async def run() -> list[Generation]:
        _, *together = await asyncio.gather(
            hold_the_model(backend),
            *(backend.generate(c, max_new_tokens=16, temperature=0) for c in conversations),
        )
        return [g for (g,) in together]

    with monkeypatch.context() as without_prefix:
        without_prefix.setattr(backends, "MIN_PREFIX_TOKENS", 10**9)
        alone = [
            asyncio.run(backend.generate(c, max_new_tokens=16, temperature=0))[0]
            for c in conversations
        ]
    batches = watch_batches(backend, monkeypatch)
    together = asyncio.run(run())
    assert [b.rows for b in batches] == [1, 2]
    assert batches[1].cached_tokens > 32
    assert [g.text for g in together] == [g.text for g in alone]


def test_the_growing_cache_generates_what_the_default_cache_does(
    backend: TransformersBackend,
) -> None:
    import torch

    from svend.reasoner.kv_cache import GrowingCache

    ids = torch.tensor([prompt_ids(backend.tokenizer, CONVERSATIONS[1])])
    greedy = {"max_new_tokens": 12, "do_sample": False, "temperature": None, "top_p": None}
    with torch.inference_mode():
        plain = backend.model.generate(input_ids=ids, **greedy)
        # Room for two tokens past the prompt: the buffers grow while it generates.
        grown = backend.model.generate(
            input_ids=ids, cache=GrowingCache(capacity=ids.shape[1] + 2), **greedy
        )
    assert plain.shape[1] > ids.shape[1] + 2
    assert torch.equal(grown, plain)


def test_rows_prefilled_alone_are_laid_out_as_the_padded_batch_reads_them(
    backend: TransformersBackend,
) -> None:
    import torch
    from transformers import DynamicCache

    from svend.reasoner.kv_cache import prefill_rows

    ids = [prompt_ids(backend.tokenizer, conversation) for conversation in CONVERSATIONS]
    width = max(map(len, ids))
    batch = prefill_rows(backend.model, None, ids, shared=0, capacity=width + 8)
    assert batch.get_seq_length() == width - 1
    for position, row in enumerate(ids):
        alone = DynamicCache()
        with torch.inference_mode():
            backend.model(input_ids=torch.tensor([row[:-1]]), cache=alone, use_cache=True)
        gap = width - len(row)
        for laid_out, own in zip(batch.layers, alone.layers, strict=True):
            assert torch.equal(
                laid_out.keys[position, :, :gap], torch.zeros_like(own.keys[0, :, :gap])
            )
            assert torch.allclose(laid_out.keys[position, :, gap:], own.keys[0], atol=1e-5)
            assert torch.allclose(laid_out.values[position, :, gap:], own.values[0], atol=1e-5)


def test_a_long_row_is_set_aside_for_waiting_rows_and_goes_on_where_it_stopped(
    backend: TransformersBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def run() -> tuple[Generation, Generation]:
        (alone,) = await backend.generate(COUNTING, max_new_tokens=40, temperature=0)
        batches.clear()
        # The short question ends after a few tokens; a request made meanwhile waits.
        first = asyncio.ensure_future(
            backend.generate_batch(
                [COUNTING, CONVERSATIONS[0]], max_new_tokens=[40, 40], temperature=0
            )
        )
        waiting = asyncio.ensure_future(
            backend.generate(CONVERSATIONS[1], max_new_tokens=4, temperature=0)
        )
        counted, _ = await first
        await waiting
        return alone, counted

    batches = watch_batches(backend, monkeypatch)
    alone, counted = asyncio.run(run())
    # The counting row stopped once the other row had ended and a request waited, and went on
    # in the next batch beside it, from the tokens it had.
    assert [b.rows for b in batches] == [2, 2]
    assert backends.MIN_TOKENS_BEFORE_PREEMPTION <= batches[0].new_tokens < 40
    assert (counted.text, counted.tokens, counted.finish) == (alone.text, 40, "length")
