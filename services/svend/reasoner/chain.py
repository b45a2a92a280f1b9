"""The domain objects of a reasoning chain, free of protobuf so the loop stays testable."""

import enum
from dataclasses import dataclass, field
from typing import Any


class StepKind(enum.Enum):
    """What one step of a chain is; mirrors svend.common.v1.StepKind."""

    THOUGHT = "THOUGHT"
    TOOL_CALL = "TOOL_CALL"
    TOOL_RESULT = "TOOL_RESULT"
    ANSWER = "ANSWER"


class StopReason(enum.Enum):
    """Why a chain ended; mirrors svend.common.v1.StopReason."""

    ANSWER = "ANSWER"
    STEP_LIMIT = "STEP_LIMIT"
    TOKEN_BUDGET = "TOKEN_BUDGET"
    DEADLINE = "DEADLINE"
    CONTEXT_FULL = "CONTEXT_FULL"


class ToolErrorCode(enum.Enum):
    """Why a tool call gave no result; mirrors svend.common.v1.ToolErrorCode."""

    UNKNOWN_TOOL = "UNKNOWN_TOOL"
    INVALID_ARGUMENTS = "INVALID_ARGUMENTS"
    EXECUTION_FAILED = "EXECUTION_FAILED"
    TIMEOUT = "TIMEOUT"
    UNAVAILABLE = "UNAVAILABLE"


@dataclass(frozen=True)
class ToolCall:
    """One call the model asked for."""

    id: str
    name: str
    arguments: dict[str, Any]


@dataclass(frozen=True)
class ToolError:
    """Why a call failed, in words the model can act on."""

    code: ToolErrorCode
    message: str


@dataclass(frozen=True)
class ToolResult:
    """The outcome of one ToolCall: a result object or an error."""

    call_id: str
    name: str
    ok: bool
    result: dict[str, Any] = field(default_factory=dict)
    error: ToolError | None = None
    duration_ms: float = 0.0


@dataclass(frozen=True)
class Step:
    """One step of a chain; tool_call or tool_result is set for the tool kinds."""

    index: int
    kind: StepKind
    text: str
    tool_call: ToolCall | None = None
    tool_result: ToolResult | None = None


@dataclass(frozen=True)
class ToolInvocation:
    """A call with its result, as reported to callers."""

    call: ToolCall
    result: ToolResult


@dataclass(frozen=True)
class Chain:
    """A finished chain."""

    steps: list[Step]
    answer: str
    final_value: str
    tool_calls: list[ToolInvocation]
    stop_reason: StopReason
    tokens_generated: int


@dataclass(frozen=True)
class ChainLimits:
    """What one chain may spend; temperature 0 decodes greedily."""

    max_steps: int
    max_new_tokens: int
    temperature: float = 0.0
