"""The transformers backend on the real SmolLM2: a batch of different conversations generates,
row by row, what each conversation generates alone (left padding changes nothing), and each row
keeps its own token budget."""

import asyncio

import pytest

from svend.reasoner.backends import TransformersBackend, checked_weights
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
