"""The reasoning loop: model turns, Hermes tool calls, tool results, until an answer.

Each turn the model continues the conversation; tool calls in its output are run through the
tools service and their results appended as tool messages. The chain ends when the model
answers without a tool call, or at the step limit, the token budget, or shortly before the
request's deadline. Steps are yielded as they are produced, then the finished Chain.
"""

import json
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from svend.common.context import remaining_seconds
from svend.common.errors import NotReadyError
from svend.reasoner.backends import Backend, Generation
from svend.reasoner.chain import (
    Chain,
    ChainLimits,
    Step,
    StepKind,
    StopReason,
    ToolCall,
    ToolError,
    ToolErrorCode,
    ToolInvocation,
    ToolResult,
)
from svend.reasoner.metrics import CHAINS, TOKENS_GENERATED, TOOL_CALLS
from svend.reasoner.parsing import ParsedCall, final_value, parse_turn
from svend.reasoner.prompting import Message, system_prompt, tool_message
from svend.reasoner.toolbox import Tools, result_payload

# The model must never write a tool's response itself; cut its turn where it starts to.
STOP_STRINGS = ("<tool_response>",)

ChainEvent = Step | Chain


@dataclass
class ChainState:
    """What a chain has produced so far."""

    steps: list[Step] = field(default_factory=list)
    invocations: list[ToolInvocation] = field(default_factory=list)
    tokens: int = 0
    calls: int = 0

    def add(self, kind: StepKind, text: str, **parts: Any) -> Step:
        step = Step(index=len(self.steps), kind=kind, text=text, **parts)
        self.steps.append(step)
        return step

    def next_call_id(self) -> str:
        self.calls += 1
        return f"call_{self.calls}"


class Reasoner:
    """Runs chains with a backend (set once loaded) and a tool provider."""

    def __init__(
        self,
        tools: Tools,
        *,
        deadline_margin_seconds: float = 1.5,
        max_tool_result_chars: int = 2000,
    ) -> None:
        self.tools = tools
        self.backend: Backend | None = None
        self.deadline_margin_seconds = deadline_margin_seconds
        self.max_tool_result_chars = max_tool_result_chars

    def ready_backend(self) -> Backend:
        if self.backend is None:
            raise NotReadyError("the reasoner is still loading its model")
        return self.backend

    async def opening(self, query: str) -> list[Message]:
        """The system prompt with the current tool list, and the question."""
        specs = await self.tools.specs()
        return [
            {"role": "system", "content": system_prompt(specs)},
            {"role": "user", "content": query},
        ]

    async def reason(self, query: str, limits: ChainLimits) -> Chain:
        """One chain, without streaming."""
        async for event in self.stream(query, limits):
            if isinstance(event, Chain):
                return event
        raise RuntimeError("chain ended without a result")

    async def sample(self, query: str, limits: ChainLimits, n: int) -> list[Chain]:
        """n independent chains; their first turns are generated as one batch.

        Later chains are skipped once the deadline is near, so at least one chain comes back.
        """
        backend = self.ready_backend()
        opening = await self.opening(query)
        if self.deadline_near():
            return [await self.reason(query, limits)]
        firsts = await backend.generate(
            opening,
            max_new_tokens=limits.max_new_tokens,
            temperature=limits.temperature,
            stop=STOP_STRINGS,
            max_time=self.generation_time(),
            n=n,
        )
        chains: list[Chain] = []
        for first in firsts:
            if chains and self.deadline_near():
                break
            async for event in self.stream(query, limits, opening=opening, first=first):
                if isinstance(event, Chain):
                    chains.append(event)
        return chains

    async def stream(
        self,
        query: str,
        limits: ChainLimits,
        *,
        opening: Sequence[Message] | None = None,
        first: Generation | None = None,
    ) -> AsyncIterator[ChainEvent]:
        """Yield each step as it is produced, then the Chain.

        `first` is the chain's first model turn when it was generated already (Sample's batch).
        """
        backend = self.ready_backend()
        messages = list(opening or await self.opening(query))
        state = ChainState()
        answer = ""
        stop = StopReason.STEP_LIMIT
        for turn in range(limits.max_steps):
            budget = limits.max_new_tokens - state.tokens
            if budget <= 0:
                stop = StopReason.TOKEN_BUDGET
                break
            if turn == 0 and first is not None:
                generation = first
            elif self.deadline_near():
                stop = StopReason.DEADLINE
                break
            else:
                (generation,) = await backend.generate(
                    messages,
                    max_new_tokens=budget,
                    temperature=limits.temperature,
                    stop=STOP_STRINGS,
                    max_time=self.generation_time(),
                )
            state.tokens += generation.tokens
            TOKENS_GENERATED.inc(generation.tokens)
            parsed = parse_turn(generation.text)
            if not parsed.calls:
                if generation.finish == "stop":
                    steps = answer_steps(state, parsed.text)
                    answer = steps[-1].text if steps else ""
                    for step in steps:
                        yield step
                    stop = StopReason.ANSWER
                    break
                if parsed.text:
                    yield state.add(StepKind.THOUGHT, parsed.text)
                stop = (
                    StopReason.TOKEN_BUDGET
                    if generation.finish == "length"
                    else StopReason.DEADLINE
                )
                break
            if parsed.text:
                yield state.add(StepKind.THOUGHT, parsed.text)
            messages.append({"role": "assistant", "content": generation.text})
            for parsed_call in parsed.calls:
                call = ToolCall(state.next_call_id(), parsed_call.name, parsed_call.arguments or {})
                yield state.add(
                    StepKind.TOOL_CALL,
                    parsed_call.raw if not parsed_call.ok else call_text(call),
                    tool_call=call,
                )
                result = await self.run_call(call, parsed_call)
                if parsed_call.ok:
                    state.invocations.append(ToolInvocation(call, result))
                shown = self.shown_result(result)
                yield state.add(StepKind.TOOL_RESULT, shown, tool_result=result)
                messages.append(tool_message(shown))
            if generation.finish == "time":
                stop = StopReason.DEADLINE
                break
        CHAINS.labels(stop.value).inc()
        yield Chain(
            steps=state.steps,
            answer=answer,
            final_value=final_value(answer),
            tool_calls=state.invocations,
            stop_reason=stop,
            tokens_generated=state.tokens,
        )

    async def run_call(self, call: ToolCall, parsed: ParsedCall) -> ToolResult:
        """Run a well-formed call; a malformed one gets the parse problem as its result."""
        if parsed.ok:
            result = await self.tools.call(call)
        else:
            result = ToolResult(
                call_id=call.id,
                name=call.name,
                ok=False,
                error=ToolError(ToolErrorCode.INVALID_ARGUMENTS, parsed.problem),
            )
        outcome = "ok" if result.ok or result.error is None else result.error.code.value.lower()
        TOOL_CALLS.labels(outcome).inc()
        return result

    def shown_result(self, result: ToolResult) -> str:
        """The result as the model reads it, cut to a bounded length."""
        text = json.dumps(
            {"name": result.name, "content": result_payload(result)}, ensure_ascii=False
        )
        if len(text) > self.max_tool_result_chars:
            return text[: self.max_tool_result_chars] + " …(truncated)"
        return text

    def deadline_near(self) -> bool:
        left = remaining_seconds()
        return left is not None and left <= self.deadline_margin_seconds

    def generation_time(self) -> float | None:
        """Seconds one generation may take so the chain still answers before the deadline."""
        left = remaining_seconds()
        return None if left is None else max(0.1, left - self.deadline_margin_seconds)


def call_text(call: ToolCall) -> str:
    return json.dumps({"name": call.name, "arguments": call.arguments}, ensure_ascii=False)


def answer_steps(state: ChainState, text: str) -> list[Step]:
    """A final message as steps: its paragraphs as thoughts, the last one as the answer."""
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    if not paragraphs:
        return []
    steps = [state.add(StepKind.THOUGHT, p) for p in paragraphs[:-1]]
    steps.append(state.add(StepKind.ANSWER, paragraphs[-1]))
    return steps
