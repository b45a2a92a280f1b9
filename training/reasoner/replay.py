"""Play a written conversation through the reasoner's own loop, with the real tools in-process.

A trace is only trustworthy if it is the transcript the reasoner would build at inference. So
nothing here renders messages: the model turns are handed to `svend.reasoner.engine.Reasoner`
by a scripted backend, the loop runs the tool calls against the tools service's registry in
this process, and the conversation the backend receives before the last turn is the trace.

What crosses the gRPC hop is reproduced: tool schemas and results travel as protobuf Structs,
which turn every number into a float. Struct's key order is random per process, so the tool's
own order is kept instead; a trace is then the same bytes on every run.
"""

import asyncio
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from svend.common.clients import from_struct, to_struct
from svend.reasoner.backends import Generation
from svend.reasoner.chain import (
    Chain,
    ChainLimits,
    StopReason,
    ToolCall,
    ToolErrorCode,
    ToolResult,
)
from svend.reasoner.engine import Reasoner
from svend.reasoner.prompting import Message, ToolListing, function_spec, with_tool_responses
from svend.reasoner.settings import ReasonerSettings
from svend.reasoner.toolbox import failed
from svend.tools.app import default_registry
from svend.tools.registry import ToolFailure, ToolRegistry
from svend.tools.sandbox import SandboxPool, SandboxUnavailableError
from svend.tools.settings import ToolsSettings
from svend.tools.units import UnitConverter

# The reasoner's own limit on a shown tool result; a longer one is cut, and such traces dropped.
MAX_TOOL_RESULT_CHARS: int = ReasonerSettings.model_fields["max_tool_result_chars"].default
TRUNCATION_MARK = " …(truncated)"
# Generous: a trace has at most three model turns, and token counts play no part here.
LIMITS = ChainLimits(max_steps=8, max_new_tokens=1_000_000)
EXECUTE_PYTHON = "execute_python"


class Dropped(Exception):
    """The sample cannot become a trace (a tool failed, or its result was cut); draw another."""


def as_served(value: Mapping[str, Any]) -> dict[str, Any]:
    """`value` as the reasoner receives it over gRPC (a Struct round trip), in its own key order."""
    return in_key_order(from_struct(to_struct(value)), value)


def in_key_order(served: Any, original: Any) -> Any:
    """`served` with every mapping's keys in the order `original` has them."""
    if isinstance(original, Mapping):
        return {key: in_key_order(served[key], original[key]) for key in original}
    if isinstance(original, list | tuple):
        return [
            in_key_order(item, item_original)
            for item, item_original in zip(served, original, strict=True)
        ]
    return served


@dataclass
class ToolBench:
    """The tools service's registry, run in-process; execute_python only where a jail starts.

    The sandbox preloads nothing (the service preloads numpy and sympy): generated programs use
    the standard library only, so their results are the same and a call takes ~70 ms, not ~600.
    """

    registry: ToolRegistry
    sandbox: SandboxPool | None
    runner: asyncio.Runner = field(default_factory=asyncio.Runner)
    tool_listing: ToolListing = "hermes"
    _specs: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def open(cls, tool_listing: ToolListing = "hermes") -> "ToolBench":
        """The registry, with execute_python when a probe program runs in a fresh jail; traces
        list the tools as `tool_listing` says."""
        converter = UnitConverter()
        runner = asyncio.Runner()
        settings = ToolsSettings()
        if settings.sandbox_enabled:
            try:
                sandbox = SandboxPool(
                    settings.sandbox_limits(), warm=0, max_concurrent=1, preload=[]
                )
                bench = cls(default_registry(converter, sandbox), sandbox, runner, tool_listing)
                bench.run_now(EXECUTE_PYTHON, {"code": "1 + 1"})
                return bench
            except (SandboxUnavailableError, ToolFailure, OSError):
                pass
        return cls(default_registry(converter, None), None, runner, tool_listing)

    def close(self) -> None:
        if self.sandbox is not None:
            self.runner.run(self.sandbox.close())
        self.runner.close()

    def tool_names(self) -> list[str]:
        return [tool.name for tool in self.registry.tools()]

    def spec(self, name: str) -> dict[str, Any]:
        """The tool as ListTools describes it to the reasoner (OpenAI function format)."""
        if name not in self._specs:
            tool = self.registry.get(name)
            self._specs[name] = function_spec(
                tool.name, tool.description, as_served(tool.parameters)
            )
        return self._specs[name]

    async def run(self, name: str, arguments: Mapping[str, Any]) -> dict[str, Any]:
        """The tool's raw result; ToolFailure when it refuses. Schema violations are our bug."""
        tool = self.registry.validate(name, arguments)
        if tool.is_async:
            return await tool.function(arguments)
        return tool.function(arguments)

    def run_now(self, name: str, arguments: Mapping[str, Any]) -> dict[str, Any]:
        """`run` from synchronous code, for checks outside a trace."""
        return self.runner.run(self.run(name, arguments))

    def play(self, offered: Sequence[str], question: str, script: "Script") -> "Played":
        """The conversation the reasoner builds for `question` when the model writes `script`."""
        return self.runner.run(self._play(offered, question, script))

    async def _play(self, offered: Sequence[str], question: str, script: "Script") -> "Played":
        tools = OfferedTools(self, [name for name in self.tool_names() if name in offered])
        model = ScriptedModel(script, tools)
        reasoner = Reasoner(
            tools, max_tool_result_chars=MAX_TOOL_RESULT_CHARS, tool_listing=self.tool_listing
        )
        reasoner.backend = model
        chain = await reasoner.reason(question, LIMITS)
        if chain.stop_reason is not StopReason.ANSWER or model.unused_turns:
            raise Dropped("the loop did not play the whole script")
        final = {"role": "assistant", "content": model.final_text}
        return Played(with_tool_responses([*model.seen, final]), chain)


@dataclass(frozen=True)
class Script:
    """The model's turns: those before the answer, then the answer written from the last result.

    `answer` gets the last call's raw result (None when no tool was called).
    """

    turns: Sequence[str]
    answer: Callable[[dict[str, Any] | None], str]


@dataclass(frozen=True)
class Played:
    """A finished trace: the messages as the chat template gets them, and the loop's chain."""

    messages: list[Message]
    chain: Chain


@dataclass
class OfferedTools:
    """The reasoner's Tools protocol over a ToolBench, listing only the offered tools."""

    bench: ToolBench
    offered: Iterable[str]
    results: list[dict[str, Any] | None] = field(default_factory=list)

    async def specs(self) -> list[dict[str, Any]]:
        return [self.bench.spec(name) for name in self.offered]

    async def call(self, call: ToolCall) -> ToolResult:
        try:
            result = await self.bench.run(call.name, call.arguments)
        except ToolFailure as failure:
            self.results.append(None)
            return failed(call, tool_error_code(failure), failure.message)
        self.results.append(result)
        return ToolResult(call_id=call.id, name=call.name, ok=True, result=as_served(result))


def tool_error_code(failure: ToolFailure) -> ToolErrorCode:
    """The reasoner's error code for a tool failure, as the tools service maps it."""
    return ToolErrorCode[failure.kind.name]


@dataclass
class ScriptedModel:
    """A Backend that writes the script's turns and keeps the conversation it was shown."""

    script: Script
    tools: OfferedTools
    name: str = "scripted"
    seen: list[Message] = field(default_factory=list)
    final_text: str = ""
    turns_written: int = 0

    @property
    def unused_turns(self) -> int:
        return len(self.script.turns) - self.turns_written

    def count_tokens(self, messages: Sequence[Message]) -> None:
        """No model: the reasoner's character limit is the only cut (and drops the sample)."""
        return None

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
        self.seen = [dict(message) for message in messages]
        if self.turns_written < len(self.script.turns):
            text = self.script.turns[self.turns_written]
            self.turns_written += 1
        else:
            shown = [m["content"] for m in messages if m["role"] == "tool"]
            if any(content.endswith(TRUNCATION_MARK) for content in shown):
                raise Dropped("a tool result was cut to the reasoner's limit")
            last = self.tools.results[-1] if self.tools.results else None
            if self.tools.results and last is None:
                raise Dropped("the last tool call failed")
            text = self.final_text = self.script.answer(last)
        return [Generation(text=text, tokens=1, finish="stop")]
