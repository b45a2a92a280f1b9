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
        (
            "Solve for x: x^2 - 5x + 6 = 0",
            "symbolic_math",
            {"operation": "solve", "expression": "x^2 - 5x + 6 = 0", "variable": "x"},
        ),
        (
            "solve for y in 3y - 7 = 2",
            "symbolic_math",
            {"operation": "solve", "expression": "3y - 7 = 2", "variable": "y"},
        ),
        ("derivative of x^3+2x", "symbolic_math", {"operation": "diff", "expression": "x^3+2x"}),
        (
            "integrate x^2 from 0 to 1",
            "symbolic_math",
            {"operation": "integrate", "expression": "x^2", "lower": "0", "upper": "1"},
        ),
        ("factorise x^2-1", "symbolic_math", {"operation": "factor", "expression": "x^2-1"}),
        ("what is 12 * 7?", "symbolic_math", {"operation": "simplify", "expression": "12 * 7"}),
        ("What is the molar mass of H2SO4?", "molecular_weight", {"formula": "H2SO4"}),
        ("Molecular weight of CuSO4·5H2O", "molecular_weight", {"formula": "CuSO4·5H2O"}),
        (
            "What is the pH of 0.01 M HCl?",
            "ph",
            {"kind": "strong_acid", "concentration": 0.01, "equivalents": 1},
        ),
        (
            "pH of a 0.05 M Ba(OH)2 solution",
            "ph",
            {"kind": "strong_base", "concentration": 0.05, "equivalents": 2},
        ),
        (
            "pH of 10 mM sodium hydroxide",
            "ph",
            {"kind": "strong_base", "concentration": 0.01, "equivalents": 1},
        ),
        (
            "pH of 0.1 M acetic acid with Ka = 1.8e-5",
            "ph",
            {"kind": "weak_acid", "concentration": 0.1, "ka": 1.8e-5},
        ),
        (
            "pH of 0.1 M ammonia (pKb = 4.74)",
            "ph",
            {"kind": "weak_base", "concentration": 0.1, "pkb": 4.74},
        ),
        ("Balance Fe + O2 -> Fe2O3", "reaction_balance", {"equation": "Fe + O2 -> Fe2O3"}),
        (
            "Hello! Take the first derivative of f(x) = 30x^5 + 7x - 5. Thank you.",
            "symbolic_math",
            {"operation": "diff", "expression": "30x^5 + 7x - 5"},
        ),
        (
            "What value of x satisfies 3x + 26 = 47?",
            "symbolic_math",
            {"operation": "solve", "expression": "3x + 26 = 47", "variable": "x"},
        ),
        (
            "If 9x + 3 = -24, what is x? Thanks!",
            "symbolic_math",
            {"operation": "solve", "expression": "9x + 3 = -24", "variable": "x"},
        ),
        (
            "Please help: Integrate 8x^2 + 2x with respect to x.",
            "symbolic_math",
            {"operation": "integrate", "expression": "8x^2 + 2x", "variable": "x"},
        ),
        (
            "Integrate 4x^3 from x = 0 to x = 5",
            "symbolic_math",
            {"operation": "integrate", "expression": "4x^3", "lower": "0", "upper": "5"},
        ),
        (
            "balance the equation: C3H8 + O2 → CO2 + H2O",
            "reaction_balance",
            {"equation": "C3H8 + O2 → CO2 + H2O"},
        ),
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
        "solve for x: the distance is 3 times the speed",
        "what is 12",
        "convert 5 apples to oranges",
        # Pint would compute 9**9**9 exactly and stall the router's event loop.
        "convert 5 m**9**9**9 to ft",
        "convert 5 m^999999999 to ft",
        # Names, not formulas; a diprotic acid the pH tool's strong model would get wrong; a
        # strong acid given in the wrong case; molality; a balance that is not chemistry.
        "What is the molar mass of glucose?",
        "What is the pH of 0.1 M H2SO4?",
        "pH of 0.1 M hcl",
        "pH of 0.1 m HCl",
        "What is the pH of blood?",
        "Balance my budget = hard",
        # Prose is no expression: SymPy would read it as a product of symbols.
        "What is the derivative of the sales curve?",
        "Factorize x^2 - 4x - 45 over the integers",
    ],
)
def test_other_questions_need_reasoning(query: str) -> None:
    assert parse_direct_request(query) is None
