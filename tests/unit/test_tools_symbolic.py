"""symbolic_math: the SymPy operations and the guarded parsers in front of them."""

import pytest

from svend.common.errors import InvalidArgumentError
from svend.tools.expressions import parse_expression, parse_relation
from svend.tools.registry import FailureKind, ToolFailure, ToolRegistry
from svend.tools.symbolic import SYMBOLIC_MATH, symbolic_math

REGISTRY = ToolRegistry([SYMBOLIC_MATH])


def run(**arguments):
    return symbolic_math(arguments)


def refused(kind=FailureKind.INVALID_ARGUMENTS, **arguments):
    """The failure message of a call that must fail with the given kind."""
    with pytest.raises(ToolFailure) as failure:
        symbolic_math(arguments)
    assert failure.value.kind is kind
    return failure.value.message


def schema_field(**arguments):
    """The argument the schema blames for a call that must not validate."""
    with pytest.raises(InvalidArgumentError) as error:
        REGISTRY.validate("symbolic_math", arguments)
    return error.value.field


def test_solve_quadratic_in_python_and_plain_notation():
    for text in ("x**2-5*x+6=0", "x^2 - 5x + 6 = 0"):
        result = run(operation="solve", expression=text)
        assert result["variables"] == ["x"]
        assert result["variable"] == "x"
        assert result["solutions"] == ["2", "3"]
        assert result["numeric"] == [2.0, 3.0]
        assert result["latex"] == ["2", "3"]


def test_solve_without_equals_sign_means_equal_to_zero():
    assert run(operation="solve", expression="2x - 8")["solutions"] == ["4"]


def test_solve_complex_roots_have_no_real_number():
    result = run(operation="solve", expression="x^2 + 1 = 0")
    assert result["solutions"] == ["-I", "I"]
    assert result["numeric"] == [None, None]


def test_solve_system_of_equations():
    result = run(operation="solve", expression=["x + y = 3", "x - y = 1"])
    assert result["variables"] == ["x", "y"]
    assert result["solutions"] == [{"x": "2", "y": "1"}]
    assert result["numeric"] == [{"x": 2.0, "y": 1.0}]


def test_solve_for_named_variable_among_parameters():
    result = run(operation="solve", expression="a x + b = 0", variable="x")
    assert result["solutions"] == ["-b/a"]


def test_solve_needs_a_variable_when_ambiguous():
    with pytest.raises(ToolFailure) as failure:
        run(operation="solve", expression="a x + b = 0")
    assert failure.value.kind is FailureKind.INVALID_ARGUMENTS
    assert failure.value.message.startswith("variable:")


def test_solve_identity_and_contradiction():
    assert run(operation="solve", expression="x = x")["identity"] is True
    contradiction = run(operation="solve", expression="x = x + 1")
    assert contradiction["solutions"] == []
    assert "identity" not in contradiction


def test_solve_inequality():
    result = run(operation="solve", expression="x^2 < 4")
    assert result["solutions"] == ["(-2 < x) & (x < 2)"]


def test_unsolvable_equation_is_an_execution_failure():
    with pytest.raises(ToolFailure) as failure:
        run(operation="solve", expression="x^x = 5 + cos(x)")
    assert failure.value.kind is FailureKind.EXECUTION_FAILED


def test_simplify_expand_factor():
    assert run(operation="simplify", expression="sin(x)^2 + cos(x)^2")["numeric"] == 1.0
    assert run(operation="expand", expression="(x+1)^3")["result"] == "x**3 + 3*x**2 + 3*x + 1"
    factored = run(operation="factor", expression="x^2 - 5x + 6")
    assert factored["result"] == "(x - 3)*(x - 2)"
    assert factored["numeric"] is None


def test_constants_e_and_i():
    assert run(operation="simplify", expression="e^(I pi)")["numeric"] == -1.0


def test_diff_with_order():
    first = run(operation="diff", expression="x^3 sin(x)")
    assert first["result"] == "x**3*cos(x) + 3*x**2*sin(x)"
    assert first["variable"] == "x"
    assert run(operation="diff", expression="x^3", order=2)["result"] == "6*x"
    partial = run(operation="diff", expression="x^2 y", variable="y")
    assert partial["result"] == "x**2"


def test_integrate_indefinite_and_definite():
    assert run(operation="integrate", expression="x^2")["result"] == "x**3/3"
    definite = run(operation="integrate", expression="x^2", lower=0, upper=3)
    assert definite["result"] == "9"
    assert definite["numeric"] == 9.0
    assert definite["closed_form"] is True
    gaussian = run(operation="integrate", expression="exp(-x^2)", lower="-oo", upper="oo")
    assert gaussian["result"] == "sqrt(pi)"
    assert gaussian["numeric"] == pytest.approx(1.7724538509)


def test_definite_integral_without_closed_form_is_evaluated_numerically():
    result = run(operation="integrate", expression="sin(sin(x))", lower=0, upper=1)
    assert result["closed_form"] is False
    assert result["numeric"] == pytest.approx(0.4306061031)


def test_indefinite_integral_without_closed_form_fails():
    with pytest.raises(ToolFailure) as failure:
        run(operation="integrate", expression="sin(sin(x))")
    assert failure.value.kind is FailureKind.EXECUTION_FAILED
    assert "closed-form" in failure.value.message


def test_arguments_of_other_operations_are_refused():
    with pytest.raises(ToolFailure, match="order: only diff and series take 'order', not integ"):
        run(operation="integrate", expression="x", order=2)
    with pytest.raises(ToolFailure, match="only accepted by solve"):
        run(operation="simplify", expression="x = 2")
    with pytest.raises(ToolFailure, match="only accepted by solve"):
        run(operation="expand", expression=["x", "y"])


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os')",
        "__import__(os)",
        "x.__class__",
        "(1).__class__.__bases__",
        "x.func",
        "lambda x: x",
        "[x for x in y]",
        "_secret + 1",
        "globals()['x']",
        "x; y",
        "x" * 2001,
    ],
)
def test_parser_rejects_code_and_overlong_input(text):
    with pytest.raises(ToolFailure) as failure:
        parse_relation(text)
    assert failure.value.kind is FailureKind.INVALID_ARGUMENTS
    assert failure.value.message.startswith("expression:")


def test_unknown_names_become_symbols_not_python_objects():
    parsed = parse_expression("open + exec + rate time")
    assert sorted(map(str, parsed.free_symbols)) == ["exec", "open", "rate", "time"]


def test_implicit_multiplication_and_application():
    assert str(parse_expression("2x(x+1) + sin x")) == str(parse_expression("2*x*(x+1) + sin(x)"))


def test_parser_reports_syntax_errors_by_field():
    with pytest.raises(ToolFailure, match=r"^lower: cannot parse"):
        parse_expression("x +* 2", "lower")


# LaTeX input.


@pytest.mark.parametrize(
    ("latex", "plain"),
    [
        (r"\frac{1}{2} x^{2}", "x^2/2"),
        (r"\sqrt{x} \cdot \sin(x)", "sqrt(x) sin(x)"),
        (r"2\pi r", "2 pi r"),
        (r"e^{x} + \mathrm{e}", "exp(x) + e"),
        (r"\left(x+1\right)^{2}", "(x+1)^2"),
        (r"|x - 1|", "abs(x - 1)"),
        (r"x_{1} + x_2", "x_1 + x_2"),
        (r"\alpha \times \beta", "alpha beta"),
        (r"\log_{2}(8)", "3"),
    ],
)
def test_latex_reads_like_the_same_plain_math(latex, plain):
    assert parse_expression(latex, notation="auto") == parse_expression(plain)


def test_input_format_forces_or_detects_the_notation():
    assert run(operation="expand", expression="{x}^{2}")["result"] == "x**2"
    assert run(operation="expand", expression="x^2", input_format="latex")["result"] == "x**2"
    assert refused(operation="expand", expression=r"\frac{1}{2}", input_format="plain").startswith(
        "expression: characters not allowed"
    )


def test_latex_equations_and_inequalities_go_to_solve():
    assert run(operation="solve", expression=r"x^{2} - 5x + 6 = 0")["solutions"] == ["2", "3"]
    assert run(operation="solve", expression=r"x^{2} \leq 4")["solutions"] == [
        "(-2 <= x) & (x <= 2)"
    ]
    assert refused(operation="simplify", expression=r"x \leq 2").startswith("expression:")


def test_latex_commands_outside_the_whitelist_are_named():
    message = refused(operation="simplify", expression=r"\operatorname{f}(x)")
    assert message.startswith(r"expression: unsupported LaTeX command \operatorname")
    assert "choose the operation" in refused(operation="simplify", expression=r"\int x dx")
    assert "choose the operation" in refused(operation="simplify", expression=r"\frac{d}{dx} x")


def test_latex_syntax_errors_and_oversized_latex_are_refused():
    assert refused(operation="simplify", expression=r"\frac{1}{").startswith(
        "expression: cannot parse"
    )
    assert "1000 characters" in refused(operation="simplify", expression="{x}" + "+x" * 600)
    assert "'|' bars" in refused(operation="simplify", expression="|x|" * 9)
    assert "commands" in refused(operation="simplify", expression=r"\sin(" * 41 + "x" + ")" * 41)
    # 498 juxtaposed factors nest deeper than Python's recursion limit allows.
    assert "too deeply" in refused(operation="simplify", expression="{x}" + " x" * 498)


def test_latex_bounds_points_and_matrix_entries():
    result = run(operation="integrate", expression=r"\sin(x)", lower=0, upper=r"\pi")
    assert result["result"] == "2"
    assert run(operation="det", matrix=[[r"\frac{1}{2}", 0], [0, "4"]])["result"] == "2"


# limit, series, summation, evaluate.


def test_two_sided_limit_that_disagrees_reports_both_sides():
    result = run(operation="limit", expression="1/x", point=0)
    assert result["exists"] is False
    assert (result["left"], result["right"]) == ("-oo", "oo")
    assert result["numeric"] is None
    right = run(operation="limit", expression="1/x", point=0, direction="+")
    assert (right["result"], right["exists"]) == ("oo", True)


def test_oscillating_limit_does_not_exist():
    result = run(operation="limit", expression="sin(1/x)", point=0)
    assert result["exists"] is False
    assert result["result"].startswith("AccumBounds")


def test_limit_at_infinity_and_field_echo():
    result = run(operation="limit", expression="(1 + 1/n)^n", point="oo")
    assert result["result"] == "E"
    assert (result["variable"], result["point"], result["direction"]) == ("n", "oo", "+-")


def test_series_has_order_term_and_truncated_polynomial():
    result = run(operation="series", expression="exp(x)", order=3)
    assert result["result"] == "1 + x + x**2/2 + O(x**3)"
    assert result["truncated"] == "x**2/2 + x + 1"
    assert (result["point"], result["order"], result["numeric"]) == ("0", 3, None)


def test_summation_closed_forms_and_numeric_fallback():
    assert run(operation="summation", expression="k", lower=1, upper="n")["result"] == (
        "n**2/2 + n/2"
    )
    huge = run(operation="summation", expression="k", lower=1, upper=10**9)
    assert huge["result"] == "500000000500000000"
    no_closed_form = run(
        operation="summation", expression="1/(k^3 + 1)", variable="k", lower=0, upper="oo"
    )
    assert no_closed_form["closed_form"] is False
    assert no_closed_form["numeric"] == pytest.approx(1.6865033423386238, rel=1e-9)


def test_long_sums_without_closed_form_are_refused_not_ground_out():
    message = refused(
        FailureKind.EXECUTION_FAILED,
        operation="summation",
        expression="sin(k)",
        lower=1,
        upper=10**6,
    )
    assert "too many to add one by one" in message


def test_evaluate_gives_the_requested_significant_digits():
    result = run(operation="evaluate", expression="sqrt(2)", precision=30)
    assert result["result"] == "1.41421356237309504880168872421"
    assert result["numeric"] == pytest.approx(2**0.5)
    assert run(operation="evaluate", expression="1/3", precision=3)["result"] == "0.333"


def test_evaluate_needs_a_constant():
    assert refused(operation="evaluate", expression="x + 1").startswith(
        "expression: evaluate needs a constant"
    )


# Matrices.


def test_inverse_fields_and_singular_matrix():
    result = run(operation="inverse", matrix=[[1, 2], [3, 4]])
    assert result["result"] == "Matrix([[-2, 1], [3/2, -1/2]])"
    assert result["entries"] == [["-2", "1"], ["3/2", "-1/2"]]
    assert result["numeric"] == [[-2.0, 1.0], [1.5, -0.5]]
    assert refused(operation="inverse", matrix=[[1, 2], [2, 4]]).startswith(
        "matrix: it is singular"
    )


def test_decimals_in_matrices_are_exact():
    assert run(operation="det", matrix=[[0.5, "0.25"], [1, 1]])["result"] == "1/4"


def test_eigenvalues_with_multiplicities_and_complex_values():
    result = run(operation="eigenvalues", matrix=[[2, 1], [0, 2]])
    assert (result["eigenvalues"], result["multiplicities"]) == (["2"], [2])
    assert result["characteristic_polynomial"] == "lambda**2 - 4*lambda + 4"
    assert run(operation="eigenvalues", matrix=[[2, 1], [1, 2]])["eigenvalues"] == ["1", "3"]
    rotation = run(operation="eigenvalues", matrix=[[0, -1], [1, 0]])
    assert sorted(rotation["eigenvalues"]) == ["-I", "I"]
    assert rotation["numeric"] == [None, None]


def test_matrix_shape_problems_name_the_argument():
    assert refused(operation="det", matrix=[[1, 2, 3], [4, 5, 6]]).startswith(
        "matrix: det needs a square matrix, not 2x3"
    )
    assert refused(operation="rank", matrix=[[1, 2], [3]]).startswith("matrix: every row")
    assert refused(operation="det", matrix=[[1, "x +* 2"], [0, 1]]).startswith(
        "matrix[0][1]: cannot parse"
    )


def test_linear_solve_unique_infinite_and_none():
    unique = run(operation="linear_solve", matrix=[[1, 2], [3, 4]], vector=[5, 6])
    assert unique["solutions"] == [{"x1": "-4", "x2": "9/2"}]
    assert unique["unique"] is True
    family = run(
        operation="linear_solve", matrix=[[1, 1], [2, 2]], vector=[3, 6], variable=["a", "b"]
    )
    assert family["variables"] == ["a", "b"]
    assert family["solutions"] == [{"a": "3 - b", "b": "b"}]
    assert family["unique"] is False
    none = run(operation="linear_solve", matrix=[[1, 1], [1, 1]], vector=[1, 2])
    assert (none["solutions"], none["unique"]) == ([], False)


def test_linear_solve_argument_problems():
    assert refused(operation="linear_solve", matrix=[[1, 0], [0, 1]], vector=[1]).startswith(
        "vector: has 1 entries but the matrix has 2 rows"
    )
    assert refused(
        operation="linear_solve", matrix=[[1, 0], [0, 1]], vector=[1, 2], variable=["a"]
    ).startswith("variable: name 2 different unknowns")
    assert refused(operation="linear_solve", matrix=[["x1", 0], [0, 1]], vector=[1, 2]).startswith(
        "variable: the matrix uses the names x1"
    )


# Number theory.


def test_integers_as_numbers_or_digit_strings():
    big = "340282366920938463463374607431768211457"  # 2^128 + 1
    assert run(operation="gcd", integers=[big, "18446744073709551617"])["result"] == "1"
    assert run(operation="lcm", integers=[4.0, 6.0])["result"] == "12"
    assert run(operation="isprime", integer=big)["prime"] is False


def test_factorint_fields_and_limits():
    result = run(operation="factorint", integer=-360)
    assert result["result"] == "-1 * 2**3 * 3**2 * 5"
    assert result["factors"][0] == {"prime": "2", "exponent": 3}
    assert refused(operation="factorint", integer=0).startswith("integer: 0 has no prime")
    assert refused(operation="factorint", integer="1" * 31).startswith("integer: at most 30 digits")
    assert refused(operation="isprime", integer="12a").startswith("integer: write the integer")
    assert refused(operation="isprime", integer=2.5).startswith("integer: 2.5 is not an integer")
    assert refused(operation="isprime", integer=2.0**60).startswith("integer: integers above 2^53")


# Which arguments go with which operation.


def test_arguments_an_operation_does_not_take_or_lacks():
    assert refused(operation="det", matrix=[[1]], expression="x").startswith(
        "expression: only solve, simplify"
    )
    assert refused(operation="gcd", integer=3).startswith("integer: only factorint and isprime")
    assert refused(operation="limit", expression="x").startswith("point: limit needs 'point'")
    assert refused(operation="linear_solve", matrix=[[1]]).startswith("vector: linear_solve needs")


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"operation": "det"}, "arguments.matrix"),
        ({"operation": "summation", "expression": "k"}, "arguments.lower"),
        ({"operation": "factorint"}, "arguments.integer"),
        ({"operation": "det", "matrix": [[1]] * 11}, "arguments.matrix"),
        ({"operation": "det", "matrix": [[1] * 11]}, "arguments.matrix[0]"),
        ({"operation": "isprime", "integer": 2.0**60}, "arguments.integer"),
        ({"operation": "isprime", "integer": "1" * 1002}, "arguments.integer"),
        ({"operation": "isprime", "integer": "0x1f"}, "arguments.integer"),
        ({"operation": "gcd", "integers": [1] * 51}, "arguments.integers"),
        ({"operation": "evaluate", "expression": "pi", "precision": 101}, "arguments.precision"),
        ({"operation": "series", "expression": "x", "order": 21}, "arguments.order"),
        (
            {"operation": "limit", "expression": "x", "point": 0, "direction": "up"},
            "arguments.direction",
        ),
        (
            {"operation": "simplify", "expression": "x", "input_format": "tex"},
            "arguments.input_format",
        ),
    ],
)
def test_schema_rejects_oversized_or_missing_arguments(arguments, field):
    assert schema_field(**arguments) == field


def test_schema_accepts_every_operation_with_its_arguments():
    for arguments in (
        {"operation": "limit", "expression": "sin(x)/x", "point": 0.0, "direction": "+"},
        {"operation": "series", "expression": "exp(x)", "point": "1", "order": 4.0},
        {"operation": "summation", "expression": "1/k^2", "lower": 1.0, "upper": "oo"},
        {"operation": "evaluate", "expression": "pi", "precision": 50.0},
        {"operation": "linear_solve", "matrix": [[1.0, "a"], [0.0, 1.0]], "vector": [1.0, 2.0]},
        {"operation": "gcd", "integers": [12.0, "18"]},
        {"operation": "factorint", "integer": "360", "input_format": "plain"},
    ):
        assert REGISTRY.validate("symbolic_math", arguments) is SYMBOLIC_MATH
