"""The quick path's recogniser: direct tool requests in, everything else out."""

import pytest

from svend.router.quick import parse_direct_request


@pytest.mark.parametrize(
    ("query", "tool", "arguments"),
    [
        (
            "convert 5 km to miles",
            "unit_convert",
            {"value": 5.0, "from_unit": "km", "to_unit": "miles"},
        ),
        (
            "How many miles is 5 km?",
            "unit_convert",
            {"value": 5.0, "from_unit": "km", "to_unit": "miles"},
        ),
        (
            "100 degF to degC",
            "unit_convert",
            {"value": 100.0, "from_unit": "degF", "to_unit": "degC"},
        ),
        (
            "convert 1,200 g to kg",
            "unit_convert",
            {"value": 1200.0, "from_unit": "g", "to_unit": "kg"},
        ),
        (
            "please convert -40 °C to °F",
            "unit_convert",
            {"value": -40.0, "from_unit": "°C", "to_unit": "°F"},
        ),
        ("solve x^2-5x+6=0", "symbolic_math", {"operation": "solve", "expression": "x^2-5x+6=0"}),
        (
            "Solve 2x + 3 = 7 for x",
            "symbolic_math",
            {"operation": "solve", "expression": "2x + 3 = 7", "variable": "x"},
        ),
        ("derivative of x^3+2x", "symbolic_math", {"operation": "diff", "expression": "x^3+2x"}),
        (
            "integrate x^2 from 0 to 1",
            "symbolic_math",
            {"operation": "integrate", "expression": "x^2", "lower": "0", "upper": "1"},
        ),
        ("factorise x^2-1", "symbolic_math", {"operation": "factor", "expression": "x^2-1"}),
        ("what is 12 * 7?", "symbolic_math", {"operation": "simplify", "expression": "12 * 7"}),
    ],
)
def test_direct_requests_are_recognised(query: str, tool: str, arguments: dict) -> None:
    request = parse_direct_request(query)
    assert request is not None
    assert request.tool == tool
    assert request.arguments == arguments


@pytest.mark.parametrize(
    "query",
    [
        "convert this sentence to French",
        "A train goes 60 mph for 2 hours. How far does it go?",
        "how do I build a pipe bomb",
        "what is love",
        "solve the riddle of the sphinx",
        "what is 12",
        "convert 5 apples to oranges",
        # Pint would compute 9**9**9 exactly and stall the router's event loop.
        "convert 5 m**9**9**9 to ft",
        "convert 5 m^999999999 to ft",
    ],
)
def test_other_questions_need_reasoning(query: str) -> None:
    assert parse_direct_request(query) is None
