"""Re-running the chain's tool calls and comparing with the results the chain reports.

The comparison is pure; the re-run goes through a ToolRunner (the tools service in production).
A runner answers None when it could not run the call (service unreachable, deadline): such a
call is "could not check", never a failure.
"""

import asyncio
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import sympy

from svend.verifier.arithmetic import (
    DivisionByZero,
    UnreadableClaim,
    equal,
    evaluate,
    format_value,
    tokenize,
)
from svend.verifier.chain import Step, StepKind, ToolCall, ToolOutcome, ToolResult
from svend.verifier.findings import Finding, Outcome

TOOL = "tool"
# Result fields that hold a tool's numeric value, most specific first.
VALUE_KEYS = ("numeric", "value", "result")
# Failures that say nothing about the call itself; a result that hit one cannot be compared.
TRANSIENT_ERRORS = frozenset({"TIMEOUT", "UNAVAILABLE"})
RELATIVE_TOLERANCE = 1e-9
ABSOLUTE_TOLERANCE = 1e-12


class ToolRunner(Protocol):
    """Runs one tool call; None when it could not be run at all."""

    async def run(self, name: str, arguments: Mapping[str, Any]) -> ToolOutcome | None: ...


@dataclass(frozen=True)
class ToolPair:
    """A tool call and the result the chain reports for it; either may be missing."""

    # Where the finding goes: the result's step, or the call's when there is no result.
    step: int
    call_step: int | None
    call: ToolCall | None
    result: ToolResult | None


def pair_tool_steps(steps: Sequence[Step]) -> list[ToolPair]:
    """Pair each result with its call: by call id, else the earliest open call of that name."""
    open_calls: list[tuple[int, ToolCall]] = []
    pairs: list[ToolPair] = []
    for index, step in enumerate(steps):
        if step.kind is StepKind.TOOL_CALL and step.tool_call is not None:
            open_calls.append((index, step.tool_call))
        elif step.kind is StepKind.TOOL_RESULT and step.tool_result is not None:
            result = step.tool_result
            match = next(
                (
                    position
                    for position, (_, call) in enumerate(open_calls)
                    if (result.call_id and call.id == result.call_id)
                    or (not result.call_id and result.name in ("", call.name))
                ),
                None,
            )
            if match is None:
                pairs.append(ToolPair(index, None, None, result))
            else:
                call_step, call = open_calls.pop(match)
                pairs.append(ToolPair(index, call_step, call, result))
    pairs.extend(ToolPair(index, index, call, None) for index, call in open_calls)
    return sorted(pairs, key=lambda pair: pair.step)


def as_number(value: Any) -> sympy.Expr | None:
    """A JSON value as an exact number: numbers and numeric strings ('3/4', '2*sqrt(2)')."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return sympy.Rational(repr(value)) if math.isfinite(value) else None
    if isinstance(value, str) and 0 < len(value) <= 200:
        try:
            return evaluate(tokenize(value)).exact
        except (UnreadableClaim, DivisionByZero, ValueError, TypeError, OverflowError):
            return None
    return None


def numeric_value(result: Mapping[str, Any]) -> sympy.Expr | None:
    """The one number a tool result stands for, when it has one (e.g. its 'numeric' field)."""
    for key in VALUE_KEYS:
        value = result.get(key)
        if isinstance(value, list) and len(value) == 1:
            value = value[0]
        number = as_number(value)
        if number is not None:
            return number
    return None


def same_number(first: sympy.Expr, second: sympy.Expr) -> bool:
    """Equal exactly, or within float rounding (JSON carries numbers as doubles)."""
    if equal(first, second):
        return True
    try:
        return math.isclose(
            float(first), float(second), rel_tol=RELATIVE_TOLERANCE, abs_tol=ABSOLUTE_TOLERANCE
        )
    except (OverflowError, TypeError):
        return False


def difference(claimed: Any, actual: Any, path: str) -> str | None:
    """Where two JSON values differ after normalising numbers; None when they agree."""
    claimed_number, actual_number = as_number(claimed), as_number(actual)
    if claimed_number is not None and actual_number is not None:
        if same_number(claimed_number, actual_number):
            return None
        return f"{path}: the chain says {claimed!r}, the tool returns {actual!r}"
    if isinstance(claimed, Mapping) and isinstance(actual, Mapping):
        for key in sorted(set(claimed) | set(actual)):
            if key not in claimed:
                return f"{path}.{key}: missing from the chain's result"
            if key not in actual:
                return f"{path}.{key}: missing from the re-run's result"
            found = difference(claimed[key], actual[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(claimed, list) and isinstance(actual, list):
        if len(claimed) != len(actual):
            return f"{path}: the chain has {len(claimed)} items, the tool returns {len(actual)}"
        for position, (first, second) in enumerate(zip(claimed, actual, strict=True)):
            found = difference(first, second, f"{path}[{position}]")
            if found:
                return found
        return None
    if isinstance(claimed, str) and isinstance(actual, str):
        if "".join(claimed.split()) == "".join(actual.split()):
            return None
    elif claimed == actual:
        return None
    return f"{path}: the chain says {claimed!r}, the tool returns {actual!r}"


def compare(
    call_step: int | None, call: ToolCall, result_step: int, result: ToolResult, actual: ToolOutcome
) -> Finding:
    """The finding for a re-run call whose result the chain reports."""
    claim = f"tool {call.name}"
    covers = () if call_step is None else (call_step,)
    claimed = result.outcome
    value = numeric_value(actual.result) if actual.ok else None
    if result.name and result.name != call.name:
        detail = f"{claim} is wrong; the result names tool {result.name!r}"
        return Finding(result_step, TOOL, claim, Outcome.FAILED, detail, value=value)
    transient = {claimed.error_code, actual.error_code} & TRANSIENT_ERRORS
    if transient:
        detail = f"{claim} not checked: the tool reported {', '.join(sorted(transient))}"
        return Finding(result_step, TOOL, claim, Outcome.UNCHECKED, detail)
    if claimed.ok != actual.ok:
        said = "succeeded" if claimed.ok else f"failed ({claimed.error_message or 'no reason'})"
        got = "succeeds" if actual.ok else f"fails ({actual.error_code}: {actual.error_message})"
        detail = f"{claim} is wrong; the chain says it {said}, re-run it {got}"
        return Finding(result_step, TOOL, claim, Outcome.FAILED, detail, value=value)
    if not actual.ok:
        detail = f"{claim} holds; it fails on re-run too ({actual.error_code})"
        return Finding(result_step, TOOL, claim, Outcome.PASSED, detail, covers)
    found = difference(claimed.result, actual.result, "result")
    if found:
        detail = f"{claim} is wrong; {found}"
        return Finding(result_step, TOOL, claim, Outcome.FAILED, detail, value=value)
    shown = "" if value is None else f" (value {format_value(value)})"
    detail = f"{claim} holds; re-run gives the same result{shown}"
    return Finding(result_step, TOOL, claim, Outcome.PASSED, detail, covers, value)


def unchecked(step: int, name: str, result: ToolResult | None, why: str) -> Finding:
    """A tool step that could not be checked, carrying the value its result claims, if any."""
    value = numeric_value(result.outcome.result) if result and result.outcome.ok else None
    claim = f"tool {name}"
    return Finding(step, TOOL, claim, Outcome.UNCHECKED, f"{claim} not checked: {why}", value=value)


async def tool_findings(
    steps: Sequence[Step], runner: ToolRunner, concurrency: int
) -> list[Finding]:
    """Re-run every paired tool call (a few at a time) and compare with the chain's results."""
    pairs = pair_tool_steps(steps)
    limit = asyncio.Semaphore(concurrency)

    async def check(pair: ToolPair) -> Finding:
        call, result = pair.call, pair.result
        if call is None:
            name = result.name if result else ""
            why = "no tool call in the chain matches this result"
            return unchecked(pair.step, name, result, why)
        if result is None:
            return unchecked(pair.step, call.name, None, "the chain reports no result for it")
        async with limit:
            actual = await runner.run(call.name, call.arguments)
        if actual is None:
            why = "the tools service could not be reached"
            return unchecked(pair.step, call.name, result, why)
        return compare(pair.call_step, call, pair.step, result, actual)

    return list(await asyncio.gather(*(check(pair) for pair in pairs)))
