"""The reasoning loop, driven by a scripted backend that replays model turns."""

import json
import time
from collections.abc import Sequence
from typing import Any

import pytest

from svend.common.context import deadline_var
from svend.common.errors import NotReadyError
from svend.reasoner.backends import Generation
from svend.reasoner.chain import (
    Chain,
    ChainLimits,
    Step,
    StepKind,
    StopReason,
    ToolCall,
    ToolError,
    ToolErrorCode,
    ToolResult,
)
from svend.reasoner.engine import NEXT_TURN_TOKENS, Reasoner
from svend.reasoner.prompting import Message

SPECS = [{"type": "function", "function": {"name": "symbolic_math", "parameters": {}}}]
CALL_12_BY_7 = (
    '<tool_call>{"name": "symbolic_math", "arguments": '
    '{"operation": "evaluate", "expression": "12*7"}}</tool_call>'
)


class ScriptedBackend:
    """Replays model turns in order and records the conversations it was shown."""

    name = "scripted"

    def __init__(self, *turns: str | Generation) -> None:
        self.turns = [
            turn if isinstance(turn, Generation) else Generation(turn, 10, "stop") for turn in turns
        ]
        self.seen: list[list[Message]] = []
        self.requests: list[dict[str, Any]] = []
        self.batches: list[int] = []
        self.counts = True

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
        self.seen.append(list(messages))
        self.requests.append({"max_new_tokens": max_new_tokens, "n": n, "stop": stop})
        turns = [self.turns.pop(0) for _ in range(n)]
        return [
            turn
            if turn.tokens <= max_new_tokens
            else Generation(turn.text, max_new_tokens, "length")
            for turn in turns
        ]

    def count_tokens(self, messages: Sequence[Message]) -> int | None:
        """A stand-in tokenizer: four characters a token."""
        return sum(len(m["content"]) for m in messages) // 4 if self.counts else None

    async def generate_batch(
        self,
        conversations: Sequence[Sequence[Message]],
        *,
        max_new_tokens: Sequence[int],
        temperature: float,
        stop: Sequence[str] = (),
        max_time: float | None = None,
    ) -> list[Generation]:
        self.batches.append(len(conversations))
        generations = []
        for messages, budget in zip(conversations, max_new_tokens, strict=True):
            generations += await self.generate(
                messages, max_new_tokens=budget, temperature=temperature, stop=stop
            )
        return generations


class ScriptedTools:
    """Answers symbolic_math with a fixed result and anything else as unknown."""

    def __init__(self, specs: list[dict[str, Any]] | None = SPECS) -> None:
        self._specs = specs
        self.calls: list[ToolCall] = []

    async def specs(self) -> list[dict[str, Any]] | None:
        return self._specs

    async def call(self, call: ToolCall) -> ToolResult:
        self.calls.append(call)
        if call.name == "symbolic_math":
            return ToolResult(call.id, call.name, True, {"value": "84"}, duration_ms=0.5)
        error = ToolError(ToolErrorCode.UNKNOWN_TOOL, f"no tool named {call.name!r}")
        return ToolResult(call.id, call.name, False, error=error)


def reasoner(
    backend: ScriptedBackend, tools: ScriptedTools | None = None, **options: Any
) -> Reasoner:
    engine = Reasoner(tools or ScriptedTools(), **options)
    engine.backend = backend
    return engine


def kinds(chain: Chain) -> list[StepKind]:
    return [step.kind for step in chain.steps]


async def test_direct_answer_splits_paragraphs_into_thoughts_and_answer() -> None:
    backend = ScriptedBackend("12 * 7 = 84.\n\nAnswer: 84")
    chain = await reasoner(backend).reason("What is 12 * 7?", ChainLimits(4, 100))
    assert kinds(chain) == [StepKind.THOUGHT, StepKind.ANSWER]
    assert [step.index for step in chain.steps] == [0, 1]
    assert chain.answer == "Answer: 84"
    assert chain.final_value == "84"
    assert chain.stop_reason is StopReason.ANSWER
    assert chain.tokens_generated == 10
    system = backend.seen[0][0]["content"]
    assert '"name": "symbolic_math"' in system.split("<tools>\n")[1]
    assert backend.requests[0]["stop"] == ("<tool_response>",)


async def test_tool_call_result_is_fed_back_before_the_answer() -> None:
    backend = ScriptedBackend(f"Let me compute.\n{CALL_12_BY_7}", "The product is 84.")
    tools = ScriptedTools()
    chain = await reasoner(backend, tools).reason("What is 12 * 7?", ChainLimits(4, 100))
    assert kinds(chain) == [
        StepKind.THOUGHT,
        StepKind.TOOL_CALL,
        StepKind.TOOL_RESULT,
        StepKind.ANSWER,
    ]
    assert chain.steps[0].text == "Let me compute."
    call = chain.steps[1].tool_call
    assert call is not None and call.name == "symbolic_math" and call.id == "call_1"
    assert call.arguments == {"operation": "evaluate", "expression": "12*7"}
    result = chain.steps[2].tool_result
    assert result is not None and result.ok and result.call_id == "call_1"
    assert [(i.call.name, i.result.result) for i in chain.tool_calls] == [
        ("symbolic_math", {"value": "84"})
    ]
    second_turn = backend.seen[1]
    assert second_turn[-2] == {"role": "assistant", "content": f"Let me compute.\n{CALL_12_BY_7}"}
    assert second_turn[-1]["role"] == "tool"
    assert json.loads(second_turn[-1]["content"]) == {
        "name": "symbolic_math",
        "content": {"value": "84"},
    }
    assert chain.final_value == "84"
    assert chain.tokens_generated == 20
    assert backend.requests[1]["max_new_tokens"] == 90


async def test_broken_and_unknown_calls_go_back_to_the_model_as_errors() -> None:
    backend = ScriptedBackend(
        '<tool_call>{"name": "symbolic_math", "arguments": {</tool_call>'
        '<tool_call>{"name": "abacus", "arguments": {}}</tool_call>' + CALL_12_BY_7,
        "Answer: 84",
    )
    tools = ScriptedTools()
    chain = await reasoner(backend, tools).reason("q", ChainLimits(4, 100))
    results = [step.tool_result for step in chain.steps if step.kind is StepKind.TOOL_RESULT]
    assert [(r.ok, r.error.code if r.error else None) for r in results if r] == [
        (False, ToolErrorCode.INVALID_ARGUMENTS),
        (False, ToolErrorCode.UNKNOWN_TOOL),
        (True, None),
    ]
    assert [call.name for call in tools.calls] == ["abacus", "symbolic_math"]
    assert [i.call.name for i in chain.tool_calls] == ["abacus", "symbolic_math"]
    tool_messages = [m for m in backend.seen[1] if m["role"] == "tool"]
    assert len(tool_messages) == 3
    assert "not valid JSON" in tool_messages[0]["content"]
    assert chain.stop_reason is StopReason.ANSWER


async def test_step_limit_ends_a_chain_that_keeps_calling_tools() -> None:
    backend = ScriptedBackend(CALL_12_BY_7, CALL_12_BY_7, "never reached")
    chain = await reasoner(backend).reason("q", ChainLimits(2, 100))
    assert chain.stop_reason is StopReason.STEP_LIMIT
    assert len(backend.seen) == 2
    assert chain.answer == "" and chain.final_value == ""
    assert len(chain.tool_calls) == 2


async def test_token_budget_cuts_the_chain_without_an_answer() -> None:
    backend = ScriptedBackend(Generation("12 * 7 is", 50, "stop"))
    chain = await reasoner(backend).reason("q", ChainLimits(4, 16))
    assert chain.stop_reason is StopReason.TOKEN_BUDGET
    assert chain.tokens_generated == 16
    assert kinds(chain) == [StepKind.THOUGHT]
    assert chain.answer == ""


async def test_budget_spent_by_tool_turns_stops_before_another_turn() -> None:
    backend = ScriptedBackend(Generation(CALL_12_BY_7, 30, "stop"), "unused")
    chain = await reasoner(backend).reason("q", ChainLimits(4, 30))
    assert chain.stop_reason is StopReason.TOKEN_BUDGET
    assert len(backend.seen) == 1


async def test_near_deadline_stops_before_generating() -> None:
    backend = ScriptedBackend("unused")
    token = deadline_var.set(time.monotonic() + 0.5)
    try:
        chain = await reasoner(backend).reason("q", ChainLimits(4, 100))
    finally:
        deadline_var.reset(token)
    assert chain.stop_reason is StopReason.DEADLINE
    assert chain.steps == [] and backend.seen == []


async def test_generation_cut_by_time_is_a_deadline_stop() -> None:
    backend = ScriptedBackend(Generation("Let me think", 5, "time"))
    chain = await reasoner(backend).reason("q", ChainLimits(4, 100))
    assert chain.stop_reason is StopReason.DEADLINE


async def test_without_tools_the_prompt_says_so() -> None:
    backend = ScriptedBackend("Answer: 2")
    await reasoner(backend, ScriptedTools(specs=None)).reason("1+1?", ChainLimits(4, 100))
    assert "No tools are available" in backend.seen[0][0]["content"]


async def test_stream_yields_steps_then_the_chain() -> None:
    backend = ScriptedBackend(CALL_12_BY_7, "Answer: 84")
    events = [e async for e in reasoner(backend).stream("q", ChainLimits(4, 100))]
    assert all(isinstance(e, Step) for e in events[:-1])
    chain = events[-1]
    assert isinstance(chain, Chain)
    assert events[:-1] == chain.steps


async def test_sample_runs_chains_in_lockstep_one_batch_a_turn() -> None:
    # Turn 1 of chains 0, 1, 2; then turn 2 of chain 1 alone (the others answered).
    backend = ScriptedBackend("Answer: 84", CALL_12_BY_7, "Answer: 85", "Answer: 84")
    tools = ScriptedTools()
    chains = await reasoner(backend, tools).sample("q", ChainLimits(4, 100, 0.7), 3)
    assert backend.batches == [3, 1]
    assert [c.final_value for c in chains] == ["84", "84", "85"]
    assert [len(c.tool_calls) for c in chains] == [0, 1, 0]
    assert [c.stop_reason for c in chains] == [StopReason.ANSWER] * 3
    # Chain 1's second turn saw its own tool result, and no other chain's.
    assert backend.seen[-1][-1]["content"].count("84") == 1
    assert len(tools.calls) == 1


async def test_sample_keeps_each_chains_token_budget() -> None:
    backend = ScriptedBackend(
        Generation(CALL_12_BY_7, 60, "stop"),
        Generation(CALL_12_BY_7, 20, "stop"),
        Generation("Answer: 84", 50, "stop"),
        Generation("Answer: 84", 50, "stop"),
    )
    chains = await reasoner(backend).sample("q", ChainLimits(4, 100, 0.7), 2)
    assert backend.requests[-2]["max_new_tokens"] == 40
    assert backend.requests[-1]["max_new_tokens"] == 80
    assert [c.stop_reason for c in chains] == [StopReason.TOKEN_BUDGET, StopReason.ANSWER]


async def test_without_a_loaded_model_the_service_is_not_ready() -> None:
    with pytest.raises(NotReadyError):
        await Reasoner(ScriptedTools()).reason("q", ChainLimits(4, 100))


class LongResultTools(ScriptedTools):
    """symbolic_math answers with a result of `size` digits."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    async def call(self, call: ToolCall) -> ToolResult:
        self.calls.append(call)
        return ToolResult(call.id, call.name, True, {"value": "7" * self.size}, duration_ms=1)


async def test_a_result_that_would_overflow_the_context_is_cut_with_a_marker() -> None:
    backend = ScriptedBackend(CALL_12_BY_7, "Answer: 7")
    engine = reasoner(
        backend, LongResultTools(20_000), max_tool_result_chars=100_000, context_tokens=2048
    )
    chain = await engine.reason("q", ChainLimits(4, 100))
    shown = backend.seen[-1][-1]["content"]
    assert "truncated to fit the context" in shown
    assert "of 20" in shown  # says how much there was
    assert backend.count_tokens(backend.seen[-1]) <= 2048 - NEXT_TURN_TOKENS
    (result_step,) = [step for step in chain.steps if step.kind == StepKind.TOOL_RESULT]
    assert result_step.text == shown  # the step shows what the model saw
    assert chain.stop_reason == StopReason.ANSWER


async def test_a_result_that_fits_is_shown_whole() -> None:
    backend = ScriptedBackend(CALL_12_BY_7, "Answer: 7")
    engine = reasoner(backend, LongResultTools(500), context_tokens=8192)
    await engine.reason("q", ChainLimits(4, 100))
    assert "truncated" not in backend.seen[-1][-1]["content"]
    assert "7" * 500 in backend.seen[-1][-1]["content"]


async def test_without_a_token_count_only_the_character_limit_cuts() -> None:
    backend = ScriptedBackend(CALL_12_BY_7, "Answer: 7")
    backend.counts = False
    engine = reasoner(backend, LongResultTools(5_000), context_tokens=1024)
    await engine.reason("q", ChainLimits(4, 100))
    shown = backend.seen[-1][-1]["content"]
    assert shown.endswith("…(truncated)")
    assert "to fit the context" not in shown


async def test_a_question_that_fills_the_context_ends_the_chain_before_any_turn() -> None:
    backend = ScriptedBackend("Answer: 7")
    engine = reasoner(backend, context_tokens=1024)
    chain = await engine.reason("What is 12 * 7? " + "x" * 5_000, ChainLimits(4, 100))
    assert chain.stop_reason == StopReason.CONTEXT_FULL
    assert backend.seen == []
    assert chain.answer == ""


async def test_a_turn_generates_no_more_than_the_context_leaves() -> None:
    backend = ScriptedBackend("Answer: 7")
    engine = reasoner(backend, context_tokens=1024)
    opening = await engine.opening("")
    query = "x" * (4 * (1024 - 200) - sum(len(m["content"]) for m in opening))
    chain = await engine.reason(query, ChainLimits(4, 500))
    room = 1024 - backend.count_tokens(backend.seen[0])
    assert 32 < room < 500
    assert backend.requests[0]["max_new_tokens"] == room
    assert chain.stop_reason == StopReason.ANSWER


class TimingOutTools(ScriptedTools):
    """Every call runs past the tools service's limit."""

    async def call(self, call: ToolCall) -> ToolResult:
        self.calls.append(call)
        error = ToolError(ToolErrorCode.TIMEOUT, "symbolic_math took longer than 10 s")
        return ToolResult(call.id, call.name, False, error=error)


async def test_a_tool_that_times_out_is_told_to_the_model_and_the_chain_goes_on() -> None:
    backend = ScriptedBackend(CALL_12_BY_7, "The tool timed out; 12 * 7 is 84. Answer: 84")
    chain = await reasoner(backend, TimingOutTools()).reason("q", ChainLimits(4, 200))
    (result,) = [step for step in chain.steps if step.kind == StepKind.TOOL_RESULT]
    assert "TIMEOUT" in result.text and "longer than 10 s" in result.text
    assert "TIMEOUT" in backend.seen[-1][-1]["content"]
    assert chain.stop_reason == StopReason.ANSWER
    assert chain.final_value == "84"
