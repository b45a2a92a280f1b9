"""symbolic_math: the SymPy operations and the guarded parser in front of them."""

import pytest

from svend.tools.expressions import parse_expression, parse_relation
from svend.tools.registry import FailureKind, ToolFailure
from svend.tools.symbolic import symbolic_math


def run(**arguments):
    return symbolic_math(arguments)


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
    with pytest.raises(ToolFailure, match="order: only diff"):
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
