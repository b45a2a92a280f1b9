"""symbolic_math: exact algebra and calculus with SymPy.

Runs in a worker process (see runner.py): parsing and SymPy's algorithms can take unbounded
time on some inputs, and only a separate process can be stopped for certain.
"""

import math
from collections.abc import Mapping, Sequence
from typing import Any

import sympy

from svend.tools.expressions import (
    EQUALS_SIGN,
    MAX_EXPRESSION_CHARS,
    parse_expression,
    parse_relation,
)
from svend.tools.registry import FailureKind, ToolFailure, ToolSpec

NAME = "symbolic_math"
OPERATIONS = ("solve", "simplify", "expand", "factor", "diff", "integrate")
MAX_EQUATIONS = 10
MAX_DERIVATIVE_ORDER = 20
# Longest text of one result; bigger answers are refused rather than shipped.
MAX_RESULT_CHARS = 20_000

DESCRIPTION = f"""\
Exact symbolic math with SymPy. Write math plainly: ^ or ** for powers, implicit \
multiplication ("2x", "3(x+1)"), functions sin cos tan exp log/ln sqrt abs factorial ..., \
constants pi, e (Euler's number), I (imaginary unit), oo (infinity).
Operations:
- solve: "expression" is an equation "x^2-5x+6=0" (no "=" means "= 0"), an inequality \
"x^2<4", or a list of equations for a system; "variable" names the unknown (or a list of \
unknowns); optional when the equation has one symbol, or for a system (all its symbols). \
Periodic equations (sin(x)=0) give their principal solutions only.
- simplify, expand, factor: rewrite "expression".
- diff: derivative of "expression" with respect to "variable" ("order" times, default 1).
- integrate: antiderivative of "expression" in "variable"; with "lower" and "upper" (numbers \
or expressions like "pi", "oo") the definite integral.
Result fields: operation; for solve: variables (list; with one unknown also variable), \
solutions (list of strings, or for several unknowns a list of objects unknown -> string; \
empty when there is no solution), \
latex (same shape), numeric (same shape, a float where the value is real, else null), and \
identity=true when every value satisfies the equation; for the other operations: result \
(SymPy text), latex, numeric (float or null), and for diff/integrate variable; integrate \
adds closed_form (false when a definite integral was only evaluated numerically).
Expressions are at most {MAX_EXPRESSION_CHARS} characters; each call has a time limit."""

PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "operation": {
            "type": "string",
            "enum": list(OPERATIONS),
            "description": "What to do with the expression.",
        },
        "expression": {
            "type": ["string", "array"],
            "description": (
                'The math, e.g. "x^2-5x+6=0" or "sin(x)^2+cos(x)^2"; for solve also a list '
                "of equations (a system)."
            ),
            "minLength": 1,
            "maxLength": MAX_EXPRESSION_CHARS,
            "items": {"type": "string", "minLength": 1, "maxLength": MAX_EXPRESSION_CHARS},
            "minItems": 1,
            "maxItems": MAX_EQUATIONS,
        },
        "variable": {
            "type": ["string", "array"],
            "description": (
                'The variable to solve for, differentiate or integrate by, e.g. "x"; for a '
                "system a list of unknowns."
            ),
            "minLength": 1,
            "maxLength": 50,
            "items": {"type": "string", "minLength": 1, "maxLength": 50},
            "minItems": 1,
            "maxItems": MAX_EQUATIONS,
        },
        "order": {
            "type": "integer",
            "minimum": 1,
            "maximum": MAX_DERIVATIVE_ORDER,
            "description": "diff only: how many times to differentiate (default 1).",
        },
        "lower": {
            "type": ["number", "string"],
            "maxLength": 200,
            "description": "integrate only: lower bound of a definite integral.",
        },
        "upper": {
            "type": ["number", "string"],
            "maxLength": 200,
            "description": "integrate only: upper bound of a definite integral.",
        },
    },
    "required": ["operation", "expression"],
    "dependentRequired": {"lower": ["upper"], "upper": ["lower"]},
    "additionalProperties": False,
}


def invalid(message: str) -> ToolFailure:
    return ToolFailure(FailureKind.INVALID_ARGUMENTS, message)


def text_of(value: sympy.Basic) -> str:
    """SymPy's plain text for a value, refused when it is unreasonably large."""
    text = sympy.sstr(value)
    if len(text) > MAX_RESULT_CHARS:
        raise ToolFailure(
            FailureKind.EXECUTION_FAILED,
            f"the result is too large to return ({len(text)} characters)",
        )
    return text


def numeric_of(value: sympy.Basic) -> float | None:
    """The value as a float when it is a finite real number, else None."""
    if not isinstance(value, sympy.Expr) or not value.is_number:
        return None
    try:
        real, imaginary = value.evalf(15).as_real_imag()
        if imaginary != 0 and abs(float(imaginary)) > 1e-12 * max(1.0, abs(float(real))):
            return None
        number = float(real)
    except (TypeError, ValueError, ArithmeticError):
        return None
    return number if math.isfinite(number) else None


def single_expression(arguments: Mapping[str, Any]) -> sympy.Expr:
    """The one expression of a non-solve operation; equations and lists belong to solve."""
    operation = arguments["operation"]
    text = arguments["expression"]
    if not isinstance(text, str):
        raise invalid(f"expression: a list of equations is only accepted by solve, not {operation}")
    if EQUALS_SIGN.search(text):
        raise invalid(f"expression: equations ('=') are only accepted by solve, not {operation}")
    return parse_expression(text)


def parse_symbol(text: str, field: str) -> sympy.Symbol:
    symbol = parse_expression(text, field)
    if not isinstance(symbol, sympy.Symbol):
        raise invalid(f"{field}: {text!r} is not a variable name")
    return symbol


def variable_list(arguments: Mapping[str, Any]) -> list[sympy.Symbol] | None:
    """The variables the caller named, or None when they left it to the expression."""
    names = arguments.get("variable")
    if names is None:
        return None
    if isinstance(names, str):
        return [parse_symbol(names, "variable")]
    return [parse_symbol(name, f"variable[{index}]") for index, name in enumerate(names)]


def one_variable(arguments: Mapping[str, Any], expression: sympy.Basic) -> sympy.Symbol:
    """The variable of diff or integrate: named, or the expression's only symbol (x if none)."""
    named = variable_list(arguments)
    if named is not None:
        if len(named) != 1:
            raise invalid(f"variable: {arguments['operation']} takes one variable")
        return named[0]
    free = sorted(expression.free_symbols, key=str)
    if len(free) > 1:
        raise invalid(
            f"variable: the expression has several variables ({', '.join(map(str, free))}); "
            "name one with 'variable'"
        )
    return free[0] if free else sympy.Symbol("x")


def bound(value: float | str, field: str) -> sympy.Expr:
    """An integration bound from a JSON number or an expression such as "pi" or "oo"."""
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise invalid(f'{field}: must be a finite number (write "oo" for infinity)')
        return sympy.Rational(repr(value))
    if EQUALS_SIGN.search(value):
        raise invalid(f"{field}: a bound is a value, not an equation")
    return parse_expression(value, field)


def rewrite(arguments: Mapping[str, Any]) -> dict[str, Any]:
    """simplify, expand or factor."""
    operation = arguments["operation"]
    expression = single_expression(arguments)
    result = {"simplify": sympy.simplify, "expand": sympy.expand, "factor": sympy.factor}[
        operation
    ](expression)
    return {
        "operation": operation,
        "result": text_of(result),
        "latex": sympy.latex(result),
        "numeric": numeric_of(result),
    }


def differentiate(arguments: Mapping[str, Any]) -> dict[str, Any]:
    expression = single_expression(arguments)
    variable = one_variable(arguments, expression)
    order = int(arguments.get("order", 1))
    result = sympy.diff(expression, variable, order)
    return {
        "operation": "diff",
        "variable": str(variable),
        "order": order,
        "result": text_of(result),
        "latex": sympy.latex(result),
        "numeric": numeric_of(result),
    }


def integrate(arguments: Mapping[str, Any]) -> dict[str, Any]:
    expression = single_expression(arguments)
    variable = one_variable(arguments, expression)
    if "lower" not in arguments:
        result = sympy.integrate(expression, variable)
        if result.has(sympy.Integral):
            raise ToolFailure(
                FailureKind.EXECUTION_FAILED,
                f"no closed-form antiderivative found for {sympy.sstr(expression)} "
                f"with respect to {variable}",
            )
        return {
            "operation": "integrate",
            "variable": str(variable),
            "result": text_of(result),
            "latex": sympy.latex(result),
            "numeric": numeric_of(result),
            "closed_form": True,
        }
    lower = bound(arguments["lower"], "lower")
    upper = bound(arguments["upper"], "upper")
    result = sympy.integrate(expression, (variable, lower, upper))
    return {
        "operation": "integrate",
        "variable": str(variable),
        "lower": text_of(lower),
        "upper": text_of(upper),
        "result": text_of(result),
        "latex": sympy.latex(result),
        "numeric": numeric_of(result),
        "closed_form": not result.has(sympy.Integral),
    }


def solution_fields(values: Sequence[sympy.Basic]) -> dict[str, list[Any]]:
    return {
        "solutions": [text_of(value) for value in values],
        "latex": [sympy.latex(value) for value in values],
        "numeric": [numeric_of(value) for value in values],
    }


def solve(arguments: Mapping[str, Any]) -> dict[str, Any]:
    """Solve one equation or inequality, or a system of equations."""
    texts = arguments["expression"]
    if isinstance(texts, str):
        relations = [parse_relation(texts)]
    else:
        relations = [
            parse_relation(text, f"expression[{index}]") for index, text in enumerate(texts)
        ]
    free = sorted(set().union(*(relation.free_symbols for relation in relations)), key=str)
    named = variable_list(arguments)
    unknowns = named if named is not None else free
    answer: dict[str, Any] = {"operation": "solve", "variables": [str(u) for u in unknowns]}
    pending = [relation for relation in relations if relation is not sympy.true]
    if any(relation is sympy.false for relation in pending):
        return answer | solution_fields([])
    if not pending:
        return answer | solution_fields([]) | {"identity": True}
    if not unknowns:
        raise invalid("expression: there is no variable to solve for")
    if len(relations) == 1 and len(unknowns) > 1 and named is None:
        raise invalid(
            f"variable: the equation has several variables ({', '.join(map(str, unknowns))}); "
            "name the unknown with 'variable'"
        )
    if len(pending) == 1 and len(unknowns) == 1:
        answer["variable"] = str(unknowns[0])
        solutions = sympy.solve(pending[0], unknowns[0])
        if isinstance(solutions, list):
            return answer | solution_fields(solutions)
        return answer | solution_fields([solutions])
    systems = sympy.solve(pending, unknowns, dict=True)
    return answer | {
        "solutions": [{str(k): text_of(v) for k, v in s.items()} for s in systems],
        "latex": [{str(k): sympy.latex(v) for k, v in s.items()} for s in systems],
        "numeric": [{str(k): numeric_of(v) for k, v in s.items()} for s in systems],
    }


def check_operation_arguments(arguments: Mapping[str, Any]) -> None:
    """Arguments that only some operations take are refused elsewhere, to surface mistakes."""
    operation = arguments["operation"]
    if "order" in arguments and operation != "diff":
        raise invalid(f"order: only diff takes an order, not {operation}")
    if "lower" in arguments and operation != "integrate":
        raise invalid(f"lower: only integrate takes bounds, not {operation}")


OPERATION_FUNCTIONS = {
    "solve": solve,
    "simplify": rewrite,
    "expand": rewrite,
    "factor": rewrite,
    "diff": differentiate,
    "integrate": integrate,
}


def symbolic_math(arguments: Mapping[str, Any]) -> dict[str, Any]:
    """Run one operation; any SymPy failure becomes a ToolFailure a model can read."""
    operation = arguments["operation"]
    check_operation_arguments(arguments)
    try:
        return OPERATION_FUNCTIONS[operation](arguments)
    except ToolFailure:
        raise
    except MemoryError:
        raise ToolFailure(
            FailureKind.EXECUTION_FAILED, f"{operation} ran out of memory on this input"
        ) from None
    except NotImplementedError as error:
        raise ToolFailure(
            FailureKind.EXECUTION_FAILED, f"SymPy cannot {operation} this: {error}"[:500]
        ) from None
    except Exception as error:
        raise ToolFailure(
            FailureKind.EXECUTION_FAILED,
            f"{operation} failed: {type(error).__name__}: {error}"[:500],
        ) from None


SYMBOLIC_MATH = ToolSpec(
    name=NAME,
    description=DESCRIPTION,
    parameters=PARAMETERS,
    function=symbolic_math,
    isolated=True,
)
