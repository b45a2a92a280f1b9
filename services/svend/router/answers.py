"""Turning tool results, chains and votes into answers."""

import json
import re
from collections.abc import Sequence
from typing import Any

from svend.common.v1 import reasoning_pb2, verification_pb2

Verdict = verification_pb2.Verdict
StepKind = reasoning_pb2.StepKind
NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


StopReason = reasoning_pb2.StopReason
# Why a reasoning chain ended without an answer, as the caller reads it.
UNANSWERED = {
    StopReason.STOP_REASON_STEP_LIMIT: "the reasoner used all its model turns",
    StopReason.STOP_REASON_TOKEN_BUDGET: "the reasoner spent its token budget",
    StopReason.STOP_REASON_DEADLINE: "the reasoner ran out of time before the deadline",
    StopReason.STOP_REASON_CONTEXT_FULL: "the question and the work so far filled the model's "
    "context",
}


def unanswered(stop_reason: int) -> str:
    """The answer of a chain that ended without one: why, so it is never silently empty."""
    why = UNANSWERED.get(stop_reason, "the reasoner stopped")
    return f"No answer: {why} before reaching a final answer. The steps show how far it got."


def describe_call(tool: str, arguments: dict[str, Any]) -> str:
    rendered = ", ".join(f"{key}={json.dumps(value)}" for key, value in arguments.items())
    return f"{tool}({rendered})"


def render_tool_answer(
    tool: str, arguments: dict[str, Any], result: dict[str, Any]
) -> tuple[str, str]:
    """Answer text and machine-readable value for a direct tool result."""
    if tool == "unit_convert":
        value = result.get("value")
        unit = result.get("unit", arguments.get("to_unit", ""))
        text = result.get("text") or f"{value} {unit}"
        source = f"{_format_number(arguments.get('value'))} {arguments.get('from_unit', '')}"
        return f"{source} = {text}", f"{value} {unit}".strip()
    if tool == "molecular_weight":
        mass = f"{result.get('molar_mass')} {result.get('unit', 'g/mol')}"
        return f"The molar mass of {arguments.get('formula')} is {mass}.", mass
    if tool == "ph":
        value = f"{float(result.get('ph', 0.0)):.2f}"
        return f"The pH is {value}: {result.get('text', '')}.", value
    if tool == "reaction_balance":
        equation = str(result.get("equation", ""))
        return f"Balanced: {equation}", equation
    if "solutions" in result:
        solutions = [str(s) for s in result["solutions"]]
        variable = result.get("variable") or arguments.get("variable") or "x"
        if result.get("identity"):
            return f"Every value of {variable} is a solution.", "all"
        if not solutions:
            return "The equation has no solutions.", "[]"
        listed = " or ".join(f"{variable} = {s}" for s in solutions)
        return f"The solutions are {listed}.", ", ".join(solutions)
    value = result.get("result", result.get("text", ""))
    if isinstance(value, list | dict):
        value = json.dumps(value)
    operation = arguments.get("operation", tool)
    return f"{operation} of {arguments.get('expression', '')}: {value}", str(value)


def _format_number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def normalise_value(value: str) -> str:
    """The key votes compare answers by: the first number when there is one, else the text."""
    match = NUMBER.search(value.replace(",", ""))
    if match:
        number = float(match.group())
        return f"{number:.9g}"
    return " ".join(value.casefold().split())


def chains_agree(answers: Sequence[tuple[str, int]]) -> bool:
    """True when every chain answered the same value and the verifier failed none of them."""
    values = {normalise_value(value) for value, _ in answers}
    return (
        len(values) == 1
        and "" not in values
        and all(verdict != Verdict.VERDICT_FAIL for _, verdict in answers)
    )


def vote_weight(verdict: int, confidence: float) -> float:
    """How much one verified chain counts in the deep path's vote."""
    if verdict == Verdict.VERDICT_PASS:
        return 1.0 + confidence
    if verdict == Verdict.VERDICT_FAIL:
        return 0.1 * (1.0 - confidence)
    return 0.5


def weighted_vote(candidates: Sequence[tuple[str, float]]) -> tuple[int, dict[str, float]]:
    """Index of the best candidate by summed weight of its answer group, and the tallies."""
    tallies: dict[str, float] = {}
    for value, weight in candidates:
        key = normalise_value(value)
        tallies[key] = tallies.get(key, 0.0) + weight
    best_key = max(tallies, key=lambda key: tallies[key])
    best_index = max(
        (i for i, (value, _) in enumerate(candidates) if normalise_value(value) == best_key),
        key=lambda i: candidates[i][1],
    )
    return best_index, tallies
