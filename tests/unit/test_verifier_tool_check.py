"""Pairing tool calls with results and comparing re-runs, without the tools service."""

import sympy

from svend.verifier.chain import Step, StepKind, ToolCall, ToolOutcome, ToolResult
from svend.verifier.findings import Outcome
from svend.verifier.tool_check import compare, difference, numeric_value, pair_tool_steps

CALL = ToolCall("c1", "symbolic_math", {"operation": "simplify", "expression": "48/2"})
GOOD = {"operation": "simplify", "result": "24", "latex": "24", "numeric": 24.0}


def result(values: dict, ok: bool = True, name: str = "symbolic_math") -> ToolResult:
    return ToolResult("c1", name, ToolOutcome(ok, values))


def test_results_pair_by_call_id_then_by_name() -> None:
    other = ToolCall("", "unit_convert", {"value": 1, "from_unit": "m", "to_unit": "cm"})
    steps = (
        Step(StepKind.TOOL_CALL, tool_call=CALL),
        Step(StepKind.TOOL_CALL, tool_call=other),
        Step(StepKind.TOOL_RESULT, tool_result=ToolResult("", "unit_convert", ToolOutcome(True))),
        Step(StepKind.TOOL_RESULT, tool_result=result(GOOD)),
        Step(StepKind.TOOL_RESULT, tool_result=ToolResult("zz", "x", ToolOutcome(True))),
        Step(StepKind.TOOL_CALL, tool_call=ToolCall("c9", "symbolic_math", {})),
    )
    pairs = pair_tool_steps(steps)
    assert [(p.step, p.call_step, p.call and p.call.name) for p in pairs] == [
        (2, 1, "unit_convert"),
        (3, 0, "symbolic_math"),
        (4, None, None),
        (5, 5, "symbolic_math"),
    ]


def test_same_result_after_normalising_numbers_passes() -> None:
    claimed = {**GOOD, "numeric": 24, "result": " 24 "}
    finding = compare(0, CALL, 1, result(claimed), ToolOutcome(True, GOOD))
    assert finding.outcome is Outcome.PASSED
    assert finding.step == 1
    assert finding.covers == (0,)
    assert finding.value == 24


def test_tampered_result_fails_at_the_result_step() -> None:
    claimed = {**GOOD, "result": "25", "numeric": 25.0}
    finding = compare(0, CALL, 1, result(claimed), ToolOutcome(True, GOOD))
    assert finding.outcome is Outcome.FAILED
    assert finding.step == 1
    assert "result.numeric" in finding.detail


def test_ok_flag_must_match() -> None:
    failed = ToolOutcome(False, {}, "EXECUTION_FAILED", "cannot solve")
    assert compare(0, CALL, 1, result(GOOD), failed).outcome is Outcome.FAILED
    claimed_failure = ToolResult("c1", "symbolic_math", failed)
    assert compare(0, CALL, 1, claimed_failure, failed).outcome is Outcome.PASSED


def test_timeouts_are_not_compared() -> None:
    timed_out = ToolOutcome(False, {}, "TIMEOUT", "took too long")
    finding = compare(0, CALL, 1, result(GOOD), timed_out)
    assert finding.outcome is Outcome.UNCHECKED


def test_difference_names_the_path() -> None:
    assert difference({"a": [1, 2.0]}, {"a": [1.0, 2]}, "result") is None
    assert difference({"a": "1/2"}, {"a": 0.5}, "result") is None
    assert difference({"a": [1, 2]}, {"a": [1, 3]}, "result") == (
        "result.a[1]: the chain says 2, the tool returns 3"
    )
    assert difference({"a": 1}, {"a": 1, "b": 2}, "result") == (
        "result.b: missing from the chain's result"
    )
    assert difference({"s": "x**2"}, {"s": "x**3"}, "result") is not None


def test_numeric_value_of_tool_results() -> None:
    assert numeric_value(GOOD) == 24
    assert numeric_value({"solutions": ["5"], "numeric": [5.0]}) == 5
    assert numeric_value({"value": 2.54, "unit": "centimeter"}) == sympy.Rational("2.54")
    assert numeric_value({"result": "x**2", "numeric": None}) is None
