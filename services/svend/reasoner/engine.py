"""The reasoning loop: model turns, Hermes tool calls, tool results, until an answer.

Each turn the model continues the conversation; tool calls in its output are run through the
tools service and their results appended as tool messages. The chain ends when the model
answers without a tool call, or at the step limit, the token budget, or shortly before the
request's deadline. Steps are yielded as they are produced, then the finished Chain.

A ChainRun holds one chain's state between turns, so Reason drives one of them turn by turn,
and Sample drives n in lockstep: each turn of every chain still going is one batched generation.
"""

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Sequence
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
from svend.reasoner.prompting import Message, ToolListing, system_prompt, tool_message
from svend.reasoner.toolbox import Tools, result_payload

# The model must never write a tool's response itself; cut its turn where it starts to.
STOP_STRINGS = ("<tool_response>",)
# Context kept free after a tool result, for the model's next turn to answer in.
NEXT_TURN_TOKENS = 256
# Fewer tokens than this left in the context budget end the chain: no turn fits.
MIN_TURN_TOKENS = 32

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


class ChainRun:
    """One chain in progress: its conversation, what it produced, and why it stopped.

    The caller asks `ready()` before each model turn, generates the turn however it likes (alone
    or batched with other chains) and hands it to `advance`, which yields the turn's steps as
    they happen, tool results included.
    """

    def __init__(self, reasoner: "Reasoner", messages: list[Message], limits: ChainLimits) -> None:
        self.reasoner = reasoner
        self.messages = messages
        self.limits = limits
        self.state = ChainState()
        self.turns = 0
        self.answer = ""
        self.stop = StopReason.STEP_LIMIT
        self.done = False
        # Tokens the context budget has left for the next turn (None: the backend cannot
        # count), and how many messages that was counted on.
        self.room: int | None = None
        self.counted = 0

    @property
    def budget(self) -> int:
        """Tokens the next turn may generate: what the token budget and the context leave."""
        left = self.limits.max_new_tokens - self.state.tokens
        return left if self.room is None else min(left, self.room)

    async def ready(self) -> bool:
        """Whether another model turn may run; otherwise the chain is done, with its reason."""
        if not self.done:
            await self.measure_room()
            if self.turns >= self.limits.max_steps:
                self.finish(StopReason.STEP_LIMIT)
            elif self.room is not None and self.room < MIN_TURN_TOKENS:
                self.finish(StopReason.CONTEXT_FULL)
            elif self.budget <= 0:
                self.finish(StopReason.TOKEN_BUDGET)
            elif self.reasoner.deadline_near():
                self.finish(StopReason.DEADLINE)
        return not self.done

    async def measure_room(self) -> None:
        """Count the conversation (once per change) against the context budget."""
        if self.counted == len(self.messages):
            return
        backend = self.reasoner.ready_backend()
        used = await asyncio.to_thread(backend.count_tokens, list(self.messages))
        self.counted = len(self.messages)
        self.room = None if used is None else self.reasoner.context_tokens - used

    def finish(self, reason: StopReason) -> None:
        self.stop = reason
        self.done = True

    async def advance(self, generation: Generation) -> AsyncIterator[Step]:
        """Take one model turn: an answer ends the chain; tool calls run and feed back."""
        state = self.state
        self.turns += 1
        state.tokens += generation.tokens
        TOKENS_GENERATED.inc(generation.tokens)
        parsed = parse_turn(generation.text)
        if not parsed.calls:
            if generation.finish == "stop":
                steps = answer_steps(state, parsed.text)
                self.answer = steps[-1].text if steps else ""
                for step in steps:
                    yield step
                self.finish(StopReason.ANSWER)
                return
            if parsed.text:
                yield state.add(StepKind.THOUGHT, parsed.text)
            self.finish(
                StopReason.TOKEN_BUDGET if generation.finish == "length" else StopReason.DEADLINE
            )
            return
        if parsed.text:
            yield state.add(StepKind.THOUGHT, parsed.text)
        self.messages.append({"role": "assistant", "content": generation.text})
        for parsed_call in parsed.calls:
            call = ToolCall(state.next_call_id(), parsed_call.name, parsed_call.arguments or {})
            yield state.add(
                StepKind.TOOL_CALL,
                parsed_call.raw if not parsed_call.ok else call_text(call),
                tool_call=call,
            )
            result = await self.reasoner.run_call(call, parsed_call)
            if parsed_call.ok:
                state.invocations.append(ToolInvocation(call, result))
            shown = await self.reasoner.fitted(self.messages, self.reasoner.shown_result(result))
            yield state.add(StepKind.TOOL_RESULT, shown, tool_result=result)
            self.messages.append(tool_message(shown))
        if generation.finish == "time":
            self.finish(StopReason.DEADLINE)

    async def take(self, generation: Generation) -> None:
        """`advance` without watching the steps (they are in the chain)."""
        async for _ in self.advance(generation):
            pass

    def chain(self) -> Chain:
        CHAINS.labels(self.stop.value).inc()
        return Chain(
            steps=self.state.steps,
            answer=self.answer,
            final_value=final_value(self.answer),
            tool_calls=self.state.invocations,
            stop_reason=self.stop,
            tokens_generated=self.state.tokens,
        )


class Reasoner:
    """Runs chains with a backend (set once loaded) and a tool provider."""

    def __init__(
        self,
        tools: Tools,
        *,
        deadline_margin_seconds: float = 1.5,
        max_tool_result_chars: int = 2000,
        context_tokens: int = 8192,
        tool_listing: ToolListing = "hermes",
    ) -> None:
        self.tools = tools
        self.backend: Backend | None = None
        self.deadline_margin_seconds = deadline_margin_seconds
        self.max_tool_result_chars = max_tool_result_chars
        self.context_tokens = context_tokens
        self.tool_listing = tool_listing

    def ready_backend(self) -> Backend:
        if self.backend is None:
            raise NotReadyError("the reasoner is still loading its model")
        return self.backend

    async def opening(self, query: str) -> list[Message]:
        """The system prompt with the current tool list, and the question."""
        specs = await self.tools.specs()
        return [
            {"role": "system", "content": system_prompt(specs, self.tool_listing)},
            {"role": "user", "content": query},
        ]

    async def reason(self, query: str, limits: ChainLimits) -> Chain:
        """One chain, without streaming."""
        async for event in self.stream(query, limits):
            if isinstance(event, Chain):
                return event
        raise RuntimeError("chain ended without a result")

    async def sample(self, query: str, limits: ChainLimits, n: int) -> list[Chain]:
        """n independent chains run in lockstep: every turn of all chains still going is one
        batch, so n chains cost about one chain's turns, not n times them. The tool calls of a
        turn run concurrently. A deadline ends every chain with what it has."""
        backend = self.ready_backend()
        opening = await self.opening(query)
        runs = [ChainRun(self, list(opening), limits) for _ in range(n)]
        while live := [run for run in runs if await run.ready()]:
            generations = await backend.generate_batch(
                [run.messages for run in live],
                max_new_tokens=[run.budget for run in live],
                temperature=limits.temperature,
                stop=STOP_STRINGS,
                max_time=self.generation_time(),
            )
            await asyncio.gather(
                *(run.take(generation) for run, generation in zip(live, generations, strict=True))
            )
        return [run.chain() for run in runs]

    async def stream(self, query: str, limits: ChainLimits) -> AsyncIterator[ChainEvent]:
        """Yield each step as it is produced, then the Chain."""
        backend = self.ready_backend()
        run = ChainRun(self, await self.opening(query), limits)
        while await run.ready():
            (generation,) = await backend.generate(
                run.messages,
                max_new_tokens=run.budget,
                temperature=limits.temperature,
                stop=STOP_STRINGS,
                max_time=self.generation_time(),
            )
            async for step in run.advance(generation):
                yield step
        yield run.chain()

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

    async def fitted(self, messages: Sequence[Message], text: str) -> str:
        """The tool result cut, with a marker, to what the context budget still holds after the
        conversation so far and room for the model's next turn."""
        backend = self.ready_backend()
        limit = self.context_tokens - NEXT_TURN_TOKENS

        def size(candidate: str) -> int | None:
            return backend.count_tokens([*messages, tool_message(candidate)])

        return await asyncio.to_thread(fit_to_context, text, size, limit)

    def deadline_near(self) -> bool:
        left = remaining_seconds()
        return left is not None and left <= self.deadline_margin_seconds

    def generation_time(self) -> float | None:
        """Seconds one generation may take so the chain still answers before the deadline."""
        left = remaining_seconds()
        return None if left is None else max(0.1, left - self.deadline_margin_seconds)


def context_cut(text: str, keep: int) -> str:
    return f"{text[:keep]} …(truncated to fit the context: {keep} of {len(text)} characters shown)"


def fit_to_context(text: str, size: Callable[[str], int | None], limit: int) -> str:
    """`text`, or its longest prefix (marked as cut) whose size stays within `limit`; size None
    means the backend cannot count, and the text is left to the model server."""
    whole = size(text)
    if whole is None or whole <= limit:
        return text
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if (size(context_cut(text, middle)) or 0) <= limit:
            low = middle
        else:
            high = middle - 1
    return context_cut(text, low)


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
