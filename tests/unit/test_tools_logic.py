"""logic_solver: parsing the constraint syntax, solver modes, and refusals."""

import pytest

from svend.common.errors import InvalidArgumentError
from svend.tools.logic import LOGIC_SOLVER, MAX_TIMEOUT_MS, logic_solver
from svend.tools.registry import FailureKind, ToolFailure, ToolRegistry

INT_X = {"name": "x", "type": "int"}
INT_Y = {"name": "y", "type": "int"}
BOOL_A = {"name": "a", "type": "bool"}
BOOL_B = {"name": "b", "type": "bool"}
REAL_R = {"name": "r", "type": "real"}


def run(**arguments):
    return logic_solver(arguments)


def failure_of(**arguments) -> ToolFailure:
    with pytest.raises(ToolFailure) as failure:
        logic_solver(arguments)
    return failure.value


def test_sat_returns_a_model_that_satisfies_the_constraints():
    result = run(variables=[INT_X, INT_Y], constraints=["x + y == 10", "x - y == 4"])
    assert result["status"] == "sat"
    assert result["model"] == {"x": 7, "y": 3}
    assert result["text"] == "sat: x = 7, y = 3"


def test_unsat_without_core_has_no_core_field():
    result = run(variables=[INT_X], constraints=["x > 3", "x < 2"])
    assert result["status"] == "unsat"
    assert "unsat_core" not in result
    assert "model" not in result


def test_unsat_core_names_the_conflicting_constraints_in_order():
    result = run(
        variables=[INT_X, INT_Y],
        constraints=["y == 1", "x > 3", "y >= 0", "x < 2"],
        unsat_core=True,
    )
    assert result["status"] == "unsat"
    assert result["unsat_core"] == [
        {"source": "constraints[1]", "text": "x > 3"},
        {"source": "constraints[3]", "text": "x < 2"},
    ]
    assert "constraints[1]: x > 3" in result["text"]


def test_domains_take_part_in_the_unsat_core():
    result = run(
        variables=[{"name": "x", "type": "int", "min": 0, "max": 3}],
        constraints=["x >= 5"],
        unsat_core=True,
    )
    sources = [item["source"] for item in result["unsat_core"]]
    assert sources == ["variables[0].max", "constraints[0]"]
    assert result["unsat_core"][0]["text"] == "x <= 3"


def test_allowed_values_restrict_a_variable():
    result = run(
        variables=[{"name": "x", "type": "int", "values": [2, 4, 8]}],
        constraints=["x > 3", "x % 8 != 0"],
        all_solutions=True,
    )
    assert result["solutions"] == [{"x": 4}]
    assert result["complete"] is True
    assert result["text"] == "sat; unique solution: x = 4"


def test_real_values_are_exact_fractions_with_a_float():
    result = run(variables=[REAL_R], constraints=["3 * r == 1"])
    assert result["model"]["r"] == {"exact": "1/3", "float": pytest.approx(1 / 3)}


def test_decimal_literals_are_exact():
    result = run(variables=[REAL_R], constraints=["r == 0.1 + 0.2"])
    assert result["model"]["r"]["exact"] == "3/10"


def test_slash_is_exact_division_even_between_ints():
    result = run(variables=[INT_X, REAL_R], constraints=["x == 7", "r == x / 2"])
    assert result["model"]["r"] == {"exact": "7/2", "float": 3.5}


def test_floor_division_and_remainder_on_ints():
    result = run(variables=[INT_X], constraints=["x // 5 == 3", "x % 5 == 4"])
    assert result["model"] == {"x": 19}


def test_irrational_reals_are_algebraic_numbers():
    result = run(variables=[REAL_R], constraints=["r * r == 2", "r > 0"])
    value = result["model"]["r"]
    assert value["algebraic"] is True
    assert value["float"] == pytest.approx(2**0.5)


def test_boolean_operators_and_functions():
    result = run(
        variables=[BOOL_A, BOOL_B, INT_X],
        constraints=[
            "Implies(a, b)",
            "a or x > 100",
            "not (x > 100)",
            "Xor(a, Not(b)) == True",
            "If(b, x, -x) == 5",
        ],
    )
    assert result["model"] == {"a": True, "b": True, "x": 5}


def test_python_style_operators_on_conditions():
    result = run(variables=[BOOL_A, BOOL_B], constraints=["a & ~b", "a | b"])
    assert result["model"] == {"a": True, "b": False}


def test_chained_comparison_and_conditional_expression():
    result = run(
        variables=[INT_X, INT_Y],
        constraints=["3 < x <= 4", "y == (1 if x == 4 else 2)"],
    )
    assert result["model"] == {"x": 4, "y": 1}


def test_sum_abs_min_max():
    result = run(
        variables=[INT_X, INT_Y],
        constraints=[
            "Sum(x, y) == 3",
            "Abs(x - y) == 7",
            "x > y",
            "Min(x, y) == -2",
            "max(x, y) > 0",
        ],
    )
    assert result["model"] == {"x": 5, "y": -2}


def test_counting_functions():
    flags = [{"name": name, "type": "bool"} for name in ("p", "q", "r")]
    exactly_one = run(variables=flags, constraints=["Exactly(p, q, r, 1)"], all_solutions=True)
    assert exactly_one["solution_count"] == 3
    at_most = run(variables=flags, constraints=["AtMost(p, q, r, 1)"], all_solutions=True)
    assert at_most["solution_count"] == 4
    at_least = run(variables=flags, constraints=["AtLeast(p, q, r, 2)"], all_solutions=True)
    assert at_least["solution_count"] == 4


def test_powers_with_whole_exponents():
    result = run(variables=[INT_X], constraints=["x**3 == -27"])
    assert result["model"] == {"x": -3}


def test_all_solutions_stops_at_the_limit_and_says_so():
    result = run(
        variables=[{"name": "x", "type": "int", "min": 1}],
        all_solutions=True,
        max_solutions=5.0,
    )
    assert result["solution_count"] == 5
    assert result["complete"] is False
    assert len({item["x"] for item in result["solutions"]}) == 5
    assert "max_solutions=5" in result["text"]


def test_all_solutions_of_an_unsat_problem_is_empty_and_complete():
    result = run(variables=[INT_X], constraints=["x != x"], all_solutions=True)
    assert result == result | {"status": "unsat", "solutions": [], "complete": True}


def test_minimize_and_maximize():
    variables = [
        {"name": "x", "type": "int", "min": 0, "max": 10},
        {"name": "y", "type": "int", "min": 0, "max": 10},
    ]
    low = run(variables=variables, constraints=["x + y >= 7", "x >= 2"], minimize="3*x + 2*y")
    assert low["objective"] == {
        "sense": "minimize",
        "expression": "3*x + 2*y",
        "value": 16,
        "optimal": True,
    }
    assert low["model"] == {"x": 2, "y": 5}
    high = run(variables=variables, constraints=["x + 2*y <= 12"], maximize="x*1 + y")
    assert high["objective"]["value"] == 11


def test_unbounded_objective_has_no_value():
    result = run(variables=[INT_X], constraints=["x < 5"], minimize="x")
    objective = result["objective"]
    assert objective["value"] is None
    assert objective["optimal"] is False
    assert "oo" in objective["bound"]
    assert "unbounded" in result["text"]


def test_supremum_not_attained_on_reals():
    result = run(variables=[REAL_R], constraints=["r < 5"], maximize="r")
    assert result["objective"]["value"] is None
    assert "epsilon" in result["objective"]["bound"]


def test_unsat_optimisation_can_report_a_core():
    result = run(variables=[INT_X], constraints=["x > 1", "x < 0"], minimize="x", unsat_core=True)
    assert result["status"] == "unsat"
    assert [item["source"] for item in result["unsat_core"]] == [
        "constraints[0]",
        "constraints[1]",
    ]


def test_timeout_gives_unknown_instead_of_running_on():
    positive = [{"name": name, "type": "int", "min": 1} for name in ("x", "y", "z")]
    result = run(variables=positive, constraints=["x**3 + y**3 == z**3"], timeout_ms=200)
    assert result["status"] == "unknown"
    assert result["reason"]
    assert "model" not in result


def test_smtlib_problem_with_model_and_objective():
    text = """
    ; a comment (set-option :ignored true)
    (set-logic QF_LIA)
    (declare-const a Int)
    (declare-const |b c| Int)
    (define-fun total () Int (+ a |b c|))
    (assert (= total 10))
    (assert (> a 6))
    (check-sat)
    (get-model)
    """
    result = run(smtlib=text, minimize="a")
    assert result["status"] == "sat"
    assert result["objective"]["value"] == 7
    assert result["model"] == {"a": 7, "b c": 3}


def test_smtlib_unsat_core_names_assertions():
    text = "(declare-const p Bool)(assert p)(assert (not p))"
    result = run(smtlib=text, unsat_core=True)
    assert [item["source"] for item in result["unsat_core"]] == ["assertions[0]", "assertions[1]"]
    assert result["unsat_core"][1]["text"] == "(not p)"


def test_smtlib_all_solutions():
    text = "(declare-const p Bool)(declare-const q Bool)(assert (or p q))"
    result = run(smtlib=text, all_solutions=True)
    assert result["solution_count"] == 3
    assert {"p": False, "q": False} not in result["solutions"]


@pytest.mark.parametrize(
    "command",
    ['set-option :sat.drat.file "/tmp/out"', "push 1", 'echo "hi"', "minimize a", "eval a"],
)
def test_smtlib_commands_beyond_declare_and_assert_are_refused(command):
    failure = failure_of(smtlib=f"(declare-const a Int)({command})(assert (> a 1))")
    assert failure.kind is FailureKind.INVALID_ARGUMENTS
    assert failure.message.startswith("smtlib: the command")


def test_smtlib_command_names_inside_strings_and_comments_are_not_commands():
    text = '(declare-const s String)\n; (set-option :x 1)\n(assert (= s "(set-option"))'
    assert run(smtlib=text)["model"] == {"s": '"(set-option"'}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(declare-const a Int)(assert (> b 1))", "smtlib: line 1 column"),
        ("(declare-const a Int))", "smtlib: unbalanced ')'"),
        ("declare-const", "smtlib: 'declare-const' is outside any command"),
    ],
)
def test_bad_smtlib_is_invalid(text, expected):
    failure = failure_of(smtlib=text)
    assert failure.kind is FailureKind.INVALID_ARGUMENTS
    assert failure.message.startswith(expected)


@pytest.mark.parametrize(
    ("constraint", "expected"),
    [
        ("x = 3", "constraints[0]: cannot parse 'x = 3' (write '==' for equality)"),
        ('__import__("os").system("id")', "constraints[0]: only the listed functions"),
        ("x.real > 0", "constraints[0]: 'x.real' is not allowed"),
        ("(lambda: 1)() > 0", "constraints[0]: only the listed functions"),
        ("[x][0] > 0", "constraints[0]: '[x][0]' is not allowed"),
        ("z > 1", "constraints[0]: unknown name 'z'; declare it in variables"),
        ("open(x)", "constraints[0]: unknown function 'open'"),
        ("Or > 1", "constraints[0]: Or is a function"),
        ("x + a > 1", "constraints[0]: + needs a number, but 'a' is a true/false condition"),
        ("And(x, a)", "constraints[0]: And needs a true/false condition, but 'x' is an int"),
        ("x", "constraints[0]: 'x' is an int, not a condition"),
        ("x ^ 2 == 4", "constraints[0]: '^' is not allowed"),
        ("r % 2 == 1", "constraints[0]: % needs whole numbers, but 'r' is a real"),
        ("x ** x == 4", "constraints[0]: the exponent in 'x ** x' must be a whole number"),
        ("x ** 1000 == 4", "constraints[0]: the exponent in 'x ** 1000' must be a whole number"),
        ("'text' == x", "constraints[0]: only numbers and True/False are allowed"),
        ("a == x", "constraints[0]: cannot compare 'a' (a true/false condition) with 'x'"),
        ("a < True", "constraints[0]: cannot compare"),
        ("x in [1, 2]", "constraints[0]: only ==, !=, <, <=, >, >= comparisons"),
        ("(x if a else a) > 0", "constraints[0]: If needs two values of the same kind"),
        ("Not(a, a)", "constraints[0]: Not takes 1 argument, not 2"),
        ("Distinct(x)", "constraints[0]: Distinct takes at least 2 arguments, not 1"),
        ("Or(*[a])", "constraints[0]: Or takes plain arguments only"),
        ("AtMost(a, x)", "constraints[0]: the last argument of AtMost must be a whole-number"),
        ("1e999 > x", "constraints[0]: numbers must be finite"),
        ("x == 2**5000", "constraints[0]: '2 ** 5000' is too large"),
        ("- " * 800 + "x > 0", "constraints[0]: the expression is nested too deeply"),
        ("   ", "constraints[0]: the expression is empty"),
    ],
)
def test_constraints_outside_the_whitelist_are_refused(constraint, expected):
    failure = failure_of(variables=[INT_X, BOOL_A, REAL_R], constraints=[constraint])
    assert failure.kind is FailureKind.INVALID_ARGUMENTS
    assert failure.message.startswith(expected), failure.message


def test_error_names_the_index_of_the_bad_constraint():
    failure = failure_of(variables=[INT_X], constraints=["x > 1", "x > y"])
    assert failure.message.startswith("constraints[1]: unknown name 'y'")


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ({"variables": [INT_X], "smtlib": "(assert true)"}, "smtlib: give either"),
        ({"constraints": ["x > 1"]}, "variables: declare every unknown"),
        ({}, "variables: give variables and constraints, or smtlib"),
        ({"variables": [INT_X], "minimize": "x", "maximize": "x"}, "maximize: give one"),
        ({"variables": [INT_X], "minimize": "x", "all_solutions": True}, "all_solutions:"),
        ({"variables": [INT_X], "max_solutions": 3}, "max_solutions: only used with"),
        ({"variables": [INT_X], "minimize": "x > 1"}, "minimize: 'x > 1' is a true/false"),
        ({"variables": [INT_X], "maximize": "y"}, "maximize: unknown name 'y'"),
        ({"variables": [INT_X, INT_X]}, "variables[1].name: 'x' is declared twice"),
        ({"variables": [{"name": "If", "type": "int"}]}, "variables[0].name: 'If' is reserved"),
        ({"variables": [{"name": "lambda", "type": "int"}]}, "variables[0].name: 'lambda'"),
        ({"variables": [{"name": "x", "type": "bool", "max": 1}]}, "variables[0].max: a bool"),
        ({"variables": [{"name": "x", "type": "int", "min": 0.5}]}, "variables[0].min: an int"),
        (
            {"variables": [{"name": "x", "type": "int", "values": [1, 2.5]}]},
            "variables[0].values[1]: an int variable needs whole numbers",
        ),
        ({"variables": [{"name": "x", "type": "int", "min": 3, "max": 1}]}, "variables[0].min:"),
    ],
)
def test_argument_combinations_are_checked(arguments, expected):
    failure = failure_of(**arguments)
    assert failure.kind is FailureKind.INVALID_ARGUMENTS
    assert failure.message.startswith(expected.replace(" is reserved", "")), failure.message


def test_domain_bounds_accept_floats_that_are_whole_numbers():
    result = run(variables=[{"name": "x", "type": "int", "min": 2.0, "max": 2.0}])
    assert result["model"] == {"x": 2}


def test_real_domains_accept_fractions():
    result = run(variables=[{"name": "r", "type": "real", "min": 0.25, "max": 0.25}])
    assert result["model"]["r"]["exact"] == "1/4"


def test_constant_powers_are_exact_and_huge_integers_come_back_as_text():
    result = run(variables=[INT_X], constraints=["x == 2**60 + 1"])
    assert result["model"]["x"] == str(2**60 + 1)


SCHEMA_CASES = [
    ({"variables": [{"name": "x", "type": "complex"}]}, "arguments.variables[0].type"),
    ({"variables": [{"name": "1x", "type": "int"}]}, "arguments.variables[0].name"),
    ({"variables": [{"name": "x", "type": "int", "step": 2}]}, "arguments.variables[0]"),
    ({"variables": [INT_X], "constraints": ["x" * 2001]}, "arguments.constraints[0]"),
    ({"variables": [INT_X], "max_solutions": 5000, "all_solutions": True}, "arguments"),
    ({"variables": [INT_X], "timeout_ms": MAX_TIMEOUT_MS + 1}, "arguments.timeout_ms"),
    ({"smtlib": ""}, "arguments.smtlib"),
    ({"variables": [INT_X], "solve": True}, "arguments.solve"),
]


@pytest.mark.parametrize(("arguments", "field"), SCHEMA_CASES)
def test_schema_rejects_bad_arguments(arguments, field):
    registry = ToolRegistry([LOGIC_SOLVER])
    with pytest.raises(InvalidArgumentError) as error:
        registry.validate("logic_solver", arguments)
    assert error.value.field.startswith(field)


def test_schema_accepts_a_full_call():
    registry = ToolRegistry([LOGIC_SOLVER])
    registry.validate(
        "logic_solver",
        {
            "variables": [{"name": "x", "type": "int", "min": 0, "max": 9, "values": [1, 2]}],
            "constraints": ["x > 1"],
            "all_solutions": True,
            "max_solutions": 10.0,
            "unsat_core": True,
            "timeout_ms": 1000.0,
        },
    )


def test_spec_is_isolated_and_described():
    assert LOGIC_SOLVER.isolated is True
    assert LOGIC_SOLVER.name == "logic_solver"
    assert "Distinct(x, y, z)" in LOGIC_SOLVER.description
