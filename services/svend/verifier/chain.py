"""A reasoning chain as the verifier's checks see it: plain data, no protobuf."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class StepKind(StrEnum):
    """What a step is; prose steps (thoughts and answers) are read for arithmetic."""

    THOUGHT = "thought"
    TOOL_CALL = "tool_call"
    TOOL_RESULT = "tool_result"
    ANSWER = "answer"


@dataclass(frozen=True)
class ToolCall:
    """A tool call written in the chain."""

    id: str
    name: str
    arguments: dict[str, Any]


@dataclass(frozen=True)
class ToolOutcome:
    """What a tool returned, as the chain claims it or as a re-run produced it."""

    ok: bool
    result: dict[str, Any] = field(default_factory=dict)
    error_code: str = ""
    error_message: str = ""


@dataclass(frozen=True)
class ToolResult:
    """A tool result written in the chain."""

    call_id: str
    name: str
    outcome: ToolOutcome


@dataclass(frozen=True)
class Step:
    """One step; tool_call or tool_result is set for tool steps."""

    kind: StepKind
    text: str = ""
    tool_call: ToolCall | None = None
    tool_result: ToolResult | None = None


@dataclass(frozen=True)
class Chain:
    """What Verify is asked about."""

    question: str
    steps: tuple[Step, ...]
    answer: str


# What the step scorer reads of a chain: the question, the steps' texts and the answer.
ChainText = tuple[str, Sequence[str], str]
