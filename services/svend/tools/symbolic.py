"""symbolic_math: exact algebra, calculus, linear algebra and number theory with SymPy.

Runs in a worker process (see runner.py): parsing and SymPy's algorithms can take unbounded
time on some inputs, and only a separate process can be stopped for certain. The sizes that
drive the cost (matrix dimensions, series order, integer digits, terms added one by one) are
capped here as well, so that an oversized request fails at once with a reason instead of
running into that time limit.
"""

import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import sympy
from sympy.matrices.exceptions import NonInvertibleMatrixError

from svend.tools.expressions import (
    EQUALS_SIGN,
    MAX_EXPRESSION_CHARS,
    MAX_LATEX_CHARS,
    NOTATIONS,
    Notation,
    parse_expression,
    parse_relation,
)
from svend.tools.registry import FailureKind, ToolFailure, ToolSpec

NAME = "symbolic_math"
EXPRESSION_OPERATIONS = (
    "solve",
    "simplify",
    "expand",
    "factor",
    "diff",
    "integrate",
    "limit",
    "series",
    "summation",
    "evaluate",
)
MATRIX_OPERATIONS = ("det", "inverse", "eigenvalues", "rank", "linear_solve")
INTEGER_OPERATIONS = ("gcd", "lcm", "factorint", "isprime")
OPERATIONS = EXPRESSION_OPERATIONS + MATRIX_OPERATIONS + INTEGER_OPERATIONS
MAX_EQUATIONS = 10
# Shared by diff (times to differentiate) and series (the n of O(x^n)).
MAX_ORDER = 20
DEFAULT_SERIES_ORDER = 6
MAX_MATRIX_SIZE = 10
MAX_INTEGERS = 50
MAX_INTEGER_DIGITS = 1000
# Balanced 30-digit semiprimes factor in well under a second; 40 digits can take minutes.
MAX_FACTORINT_DIGITS = 30
# Integers a JSON number carries exactly; larger ones must be sent as digit strings.
MAX_EXACT_JSON_INTEGER = 2**53 - 1
DEFAULT_PRECISION = 15
MAX_PRECISION = 100
# Finite sums without a closed form are added term by term, which is slow past this many.
MAX_DIRECT_SUM_TERMS = 1000
MAX_VALUE_CHARS = 200
# Longest text of one result; bigger answers are refused rather than shipped.
MAX_RESULT_CHARS = 20_000
DIGITS = re.compile(r"[+-]?[0-9]+")
DIRECTIONS = ("+-", "+", "-")

DESCRIPTION = f"""\
Exact symbolic math with SymPy: algebra, calculus, matrices, number theory, and numbers to \
any precision. Write math plainly: ^ or ** for powers, implicit multiplication ("2x", \
"3(x+1)"), functions sin cos tan exp log/ln sqrt abs factorial ..., constants pi, e (Euler's \
number), I (imaginary unit), oo (infinity). LaTeX also works: "\\frac{{1}}{{2}}", \
"\\sqrt{{x}}", "x^{{2}}", "\\sin(x)", "2 \\cdot \\pi", "|x|", "\\infty", Greek letters \
(e is Euler's number, x_{{1}} is the symbol x_1; write function arguments in parentheses; no \
\\int, \\sum, \\lim or d/dx: pick the operation instead). input_format "auto" (default) \
reads text with a backslash, brace or "|" as LaTeX and the rest as plain math; "plain" or \
"latex" forces one.
Operations ("expression" is one string unless said otherwise):
- solve: an equation "x^2-5x+6=0" (no "=" means "= 0"), an inequality "x^2<4", or a list of \
equations for a system; "variable" names the unknown (or a list of unknowns); optional when the \
equation has one symbol, or for a system (all its symbols). Periodic equations (sin(x)=0) give \
their principal solutions only.
- simplify, expand, factor: rewrite "expression".
- diff: derivative of "expression" with respect to "variable" ("order" times, default 1).
- integrate: antiderivative in "variable"; with "lower" and "upper" (numbers or expressions \
like "pi", "oo") the definite integral.
- limit: limit of "expression" as "variable" goes to "point" (e.g. 0, "oo", "-oo"); \
"direction" "+" from above, "-" from below, "+-" (default) both sides.
- series: Taylor/Laurent series of "expression" in "variable" about "point" (default 0) up to \
O((variable-point)^order), "order" default {DEFAULT_SERIES_ORDER}.
- summation: sum of "expression" for integer "variable" from "lower" to "upper" (upper may \
be "oo"), e.g. expression "1/k^2", variable "k", lower 1, upper "oo".
- evaluate: numeric value of a constant expression ("exp(pi) - pi", "sqrt(2)") to \
"precision" significant digits (1..{MAX_PRECISION}, default {DEFAULT_PRECISION}).
- det, inverse, eigenvalues, rank: of "matrix", a list of rows, each a list of numbers or \
expressions, e.g. [[2, 1], [1, "a"]] (at most {MAX_MATRIX_SIZE}x{MAX_MATRIX_SIZE}; det, inverse \
and eigenvalues need a square matrix).
- linear_solve: solve matrix * x = "vector" (one entry per row); unknowns are x1, x2, ... or \
the list in "variable"; free unknowns stay in the answer when there are infinitely many \
solutions.
- gcd, lcm: of "integers", a list such as [12, 18, 30].
- factorint, isprime: of "integer", e.g. 360 or a digit string "1000000007" (pass integers \
above 2^53 as strings; factorint takes at most {MAX_FACTORINT_DIGITS} digits, isprime \
{MAX_INTEGER_DIGITS}).
Result fields: operation, and for solve and linear_solve: variables (list; solve with one \
unknown also variable), solutions (list of strings, or for several unknowns a list of objects \
unknown -> string; empty when there is no solution), latex (same shape), numeric (same shape, \
a float where the value is real, else null), solve adds identity=true when every value \
satisfies the equation, linear_solve adds unique; for eigenvalues: eigenvalues (strings; real \
ones ascending first), multiplicities, latex, numeric, characteristic_polynomial (in lambda); \
for every other operation: result (SymPy text), latex, numeric (float or null; for inverse a \
list of rows), plus diff/integrate/limit/series/summation: variable; integrate/summation: \
closed_form (false when the value was only evaluated numerically); limit: point, direction, \
exists (false when the limit does not exist; then left and right give the one-sided limits \
when they differ); series: point, order, truncated (without the O term); evaluate: precision \
(result has that many significant digits); inverse: entries (rows of strings); factorint: \
integer, factors (list of prime (string) and exponent); isprime: integer, prime (boolean).
Expressions are at most {MAX_EXPRESSION_CHARS} characters ({MAX_LATEX_CHARS} in LaTeX); each \
call has a time limit."""

VALUE_SCHEMA: dict[str, Any] = {"type": ["number", "string"], "maxLength": MAX_VALUE_CHARS}
INTEGER_SCHEMA: dict[str, Any] = {
    "type": ["integer", "string"],
    "minimum": -MAX_EXACT_JSON_INTEGER,
    "maximum": MAX_EXACT_JSON_INTEGER,
    "pattern": r"^\s*[+-]?[0-9]+\s*$",
    "minLength": 1,
    "maxLength": MAX_INTEGER_DIGITS + 1,
}
# Which operations take each optional argument, and which arguments each operation needs.
ACCEPTED_BY: dict[str, tuple[str, ...]] = {
    "expression": EXPRESSION_OPERATIONS,
    "variable": ("solve", "diff", "integrate", "limit", "series", "summation", "linear_solve"),
    "order": ("diff", "series"),
    "lower": ("integrate", "summation"),
    "upper": ("integrate", "summation"),
    "point": ("limit", "series"),
    "direction": ("limit",),
    "precision": ("evaluate",),
    "matrix": MATRIX_OPERATIONS,
    "vector": ("linear_solve",),
    "integers": ("gcd", "lcm"),
    "integer": ("factorint", "isprime"),
}
REQUIRED_BY: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(EXPRESSION_OPERATIONS, ("expression",)),
    "limit": ("expression", "point"),
    "summation": ("expression", "lower", "upper"),
    **dict.fromkeys(MATRIX_OPERATIONS, ("matrix",)),
    "linear_solve": ("matrix", "vector"),
    "gcd": ("integers",),
    "lcm": ("integers",),
    "factorint": ("integer",),
    "isprime": ("integer",),
}

PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "operation": {
            "type": "string",
            "enum": list(OPERATIONS),
            "description": "What to compute; see the tool description for each operation.",
        },
        "expression": {
            "type": ["string", "array"],
            "description": (
                'The math, e.g. "x^2-5x+6=0", "sin(x)^2+cos(x)^2" or "\\frac{1}{x}"; for '
                "solve also a list of equations (a system)."
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
                'The variable to solve for, differentiate, integrate, sum or expand in, e.g. "x"; '
                "for a system or linear_solve a list of unknowns."
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
            "maximum": MAX_ORDER,
            "description": (
                "diff: how many times to differentiate (default 1); series: expand up to "
                f"O((x-point)^order) (default {DEFAULT_SERIES_ORDER})."
            ),
        },
        "lower": {
            **VALUE_SCHEMA,
            "description": 'integrate, summation: lower bound, e.g. 0, "-oo" or "pi/2".',
        },
        "upper": {
            **VALUE_SCHEMA,
            "description": 'integrate, summation: upper bound, e.g. 1, "oo" or "n".',
        },
        "point": {
            **VALUE_SCHEMA,
            "description": 'limit: where the variable goes, e.g. 0 or "oo"; series: the '
            "expansion point (default 0).",
        },
        "direction": {
            "type": "string",
            "enum": list(DIRECTIONS),
            "description": 'limit only: "+" from above, "-" from below, "+-" both (default).',
        },
        "precision": {
            "type": "integer",
            "minimum": 1,
            "maximum": MAX_PRECISION,
            "description": f"evaluate only: significant digits (default {DEFAULT_PRECISION}).",
        },
        "matrix": {
            "type": "array",
            "description": "det, inverse, eigenvalues, rank, linear_solve: a list of rows, e.g. "
            '[[1, 2], [3, "a"]].',
            "minItems": 1,
            "maxItems": MAX_MATRIX_SIZE,
            "items": {
                "type": "array",
                "minItems": 1,
                "maxItems": MAX_MATRIX_SIZE,
                "items": VALUE_SCHEMA,
            },
        },
        "vector": {
            "type": "array",
            "description": "linear_solve only: the right-hand side b of matrix * x = b.",
            "minItems": 1,
            "maxItems": MAX_MATRIX_SIZE,
            "items": VALUE_SCHEMA,
        },
        "integers": {
            "type": "array",
            "description": 'gcd, lcm: the integers, e.g. [12, 18, 30] or ["123456789012345678"].',
            "minItems": 1,
            "maxItems": MAX_INTEGERS,
            "items": INTEGER_SCHEMA,
        },
        "integer": {
            **INTEGER_SCHEMA,
            "description": 'factorint, isprime: the integer, e.g. 360 or "1000000007".',
        },
        "input_format": {
            "type": "string",
            "enum": list(NOTATIONS),
            "description": (
                '"auto" (default): LaTeX when the text has a backslash, brace or "|", else plain '
                'math; "plain" or "latex" to force one.'
            ),
        },
    },
    "required": ["operation"],
    "dependentRequired": {"lower": ["upper"], "upper": ["lower"]},
    "allOf": [
        {
            "if": {"properties": {"operation": {"const": operation}}, "required": ["operation"]},
            "then": {"required": list(needed)},
        }
        for operation, needed in REQUIRED_BY.items()
    ],
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
    # Checked first because refining a complex CRootOf to 15 digits can take many seconds.
    if not isinstance(value, sympy.Expr) or not value.is_number or value.is_real is False:
        return None
    try:
        real, imaginary = value.evalf(15).as_real_imag()
        if imaginary != 0 and abs(float(imaginary)) > 1e-12 * max(1.0, abs(float(real))):
            return None
        number = float(real)
    except (TypeError, ValueError, ArithmeticError):
        return None
    return number if math.isfinite(number) else None


def value_fields(value: sympy.Basic) -> dict[str, Any]:
    """The result, latex and numeric fields every single-valued operation returns."""
    return {"result": text_of(value), "latex": sympy.latex(value), "numeric": numeric_of(value)}


def notation_of(arguments: Mapping[str, Any]) -> Notation:
    return arguments.get("input_format", "auto")


def single_expression(arguments: Mapping[str, Any]) -> sympy.Expr:
    """The one expression of a non-solve operation; equations and lists belong to solve."""
    operation = arguments["operation"]
    text = arguments["expression"]
    if not isinstance(text, str):
        raise invalid(f"expression: a list of equations is only accepted by solve, not {operation}")
    if EQUALS_SIGN.search(text):
        raise invalid(f"expression: equations ('=') are only accepted by solve, not {operation}")
    return parse_expression(text, "expression", notation_of(arguments))


def parse_symbol(text: str, field: str, notation: Notation) -> sympy.Symbol:
    symbol = parse_expression(text, field, notation)
    if not isinstance(symbol, sympy.Symbol):
        raise invalid(f"{field}: {text!r} is not a variable name")
    return symbol


def variable_list(arguments: Mapping[str, Any]) -> list[sympy.Symbol] | None:
    """The variables the caller named, or None when they left it to the expression."""
    names = arguments.get("variable")
    if names is None:
        return None
    notation = notation_of(arguments)
    if isinstance(names, str):
        return [parse_symbol(names, "variable", notation)]
    return [parse_symbol(name, f"variable[{index}]", notation) for index, name in enumerate(names)]


def one_variable(arguments: Mapping[str, Any], expression: sympy.Basic) -> sympy.Symbol:
    """The variable of a calculus operation: named, or the expression's only symbol (x if none)."""
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


def value_argument(value: float | str, field: str, notation: Notation) -> sympy.Expr:
    """A bound, point or matrix entry: a JSON number (taken exactly) or an expression."""
    if isinstance(value, bool):
        raise invalid(f"{field}: expected a number or an expression, not a boolean")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise invalid(f'{field}: must be a finite number (write "oo" for infinity)')
        return sympy.Rational(repr(value))
    if EQUALS_SIGN.search(value):
        raise invalid(f"{field}: a value, not an equation")
    return parse_expression(value, field, notation)


def rewrite(arguments: Mapping[str, Any]) -> dict[str, Any]:
    """simplify, expand or factor."""
    operation = arguments["operation"]
    expression = single_expression(arguments)
    result = {"simplify": sympy.simplify, "expand": sympy.expand, "factor": sympy.factor}[
        operation
    ](expression)
    return {"operation": operation} | value_fields(result)


def differentiate(arguments: Mapping[str, Any]) -> dict[str, Any]:
    expression = single_expression(arguments)
    variable = one_variable(arguments, expression)
    order = int(arguments.get("order", 1))
    result = sympy.diff(expression, variable, order)
    return {"operation": "diff", "variable": str(variable), "order": order} | value_fields(result)


def integrate(arguments: Mapping[str, Any]) -> dict[str, Any]:
    expression = single_expression(arguments)
    variable = one_variable(arguments, expression)
    answer: dict[str, Any] = {"operation": "integrate", "variable": str(variable)}
    if "lower" not in arguments:
        result = sympy.integrate(expression, variable)
        if result.has(sympy.Integral):
            raise ToolFailure(
                FailureKind.EXECUTION_FAILED,
                f"no closed-form antiderivative found for {sympy.sstr(expression)} "
                f"with respect to {variable}",
            )
        return answer | value_fields(result) | {"closed_form": True}
    notation = notation_of(arguments)
    lower = value_argument(arguments["lower"], "lower", notation)
    upper = value_argument(arguments["upper"], "upper", notation)
    result = sympy.integrate(expression, (variable, lower, upper))
    return (
        answer
        | {"lower": text_of(lower), "upper": text_of(upper)}
        | value_fields(result)
        | {"closed_form": not result.has(sympy.Integral)}
    )


def has_no_value(value: sympy.Basic) -> bool:
    """Whether a limit SymPy returned means "does not exist": undefined or oscillating."""
    return value in (sympy.nan, sympy.zoo) or isinstance(value, sympy.AccumBounds)


def same_value(first: sympy.Expr, second: sympy.Expr) -> bool:
    """Whether two one-sided limits agree, also when SymPy writes them differently."""
    if first == second:
        return True
    return bool(first.is_finite and second.is_finite and sympy.simplify(first - second) == 0)


def take_limit(arguments: Mapping[str, Any]) -> dict[str, Any]:
    """A one- or two-sided limit; two-sided limits that disagree are reported, not guessed."""
    expression = single_expression(arguments)
    variable = one_variable(arguments, expression)
    point = value_argument(arguments["point"], "point", notation_of(arguments))
    direction = arguments.get("direction", "+-")
    answer: dict[str, Any] = {
        "operation": "limit",
        "variable": str(variable),
        "point": text_of(point),
        "direction": direction,
    }
    if direction != "+-" or point.is_infinite:
        result = sympy.limit(expression, variable, point, direction)
        return answer | value_fields(result) | {"exists": not has_no_value(result)}
    from_below = sympy.limit(expression, variable, point, "-")
    from_above = sympy.limit(expression, variable, point, "+")
    if same_value(from_below, from_above):
        return answer | value_fields(from_above) | {"exists": not has_no_value(from_above)}
    return answer | {
        "result": "does not exist",
        "latex": r"\text{does not exist}",
        "numeric": None,
        "exists": False,
        "left": text_of(from_below),
        "right": text_of(from_above),
    }


def expand_series(arguments: Mapping[str, Any]) -> dict[str, Any]:
    expression = single_expression(arguments)
    variable = one_variable(arguments, expression)
    point = value_argument(arguments.get("point", 0), "point", notation_of(arguments))
    order = int(arguments.get("order", DEFAULT_SERIES_ORDER))
    result = sympy.series(expression, variable, point, order)
    return (
        {"operation": "series", "variable": str(variable), "point": text_of(point), "order": order}
        | value_fields(result)
        | {"truncated": text_of(result.removeO())}
    )


def sum_terms(
    expression: sympy.Expr, variable: sympy.Symbol, lower: sympy.Expr, upper: sympy.Expr
) -> sympy.Expr:
    """The sum, with long finite ranges summed in closed form rather than term by term."""
    if lower.is_Integer and upper.is_Integer and upper - lower >= MAX_DIRECT_SUM_TERMS:
        end = sympy.Dummy("end", integer=True)
        general = sympy.summation(expression, (variable, lower, end))
        if general.has(sympy.Sum):
            raise ToolFailure(
                FailureKind.EXECUTION_FAILED,
                f"no closed form found for this sum, and {upper - lower + 1} terms are too "
                f"many to add one by one (at most {MAX_DIRECT_SUM_TERMS})",
            )
        return general.subs(end, upper)
    return sympy.summation(expression, (variable, lower, upper))


def summation(arguments: Mapping[str, Any]) -> dict[str, Any]:
    expression = single_expression(arguments)
    variable = one_variable(arguments, expression)
    notation = notation_of(arguments)
    lower = value_argument(arguments["lower"], "lower", notation)
    upper = value_argument(arguments["upper"], "upper", notation)
    result = sum_terms(expression, variable, lower, upper)
    return (
        {
            "operation": "summation",
            "variable": str(variable),
            "lower": text_of(lower),
            "upper": text_of(upper),
        }
        | value_fields(result)
        | {"closed_form": not result.has(sympy.Sum)}
    )


def evaluate(arguments: Mapping[str, Any]) -> dict[str, Any]:
    """A constant expression to the requested number of significant digits."""
    expression = single_expression(arguments)
    if expression.free_symbols:
        names = ", ".join(sorted(map(str, expression.free_symbols)))
        raise invalid(
            f"expression: evaluate needs a constant, but it has variables ({names}); "
            "put numbers in their place"
        )
    precision = int(arguments.get("precision", DEFAULT_PRECISION))
    value = sympy.N(expression, precision)
    return {
        "operation": "evaluate",
        "precision": precision,
        "result": text_of(value),
        "latex": sympy.latex(value),
        "numeric": numeric_of(expression),
    }


def exact(value: sympy.Expr) -> sympy.Expr:
    """Decimals as exact rationals (0.5 -> 1/2), so linear algebra stays exact."""
    floats = value.atoms(sympy.Float)
    if not floats:
        return value
    return value.xreplace({number: sympy.Rational(str(number)) for number in floats})


def parse_matrix(arguments: Mapping[str, Any]) -> sympy.Matrix:
    rows = arguments["matrix"]
    widths = {len(row) for row in rows}
    if len(rows) > MAX_MATRIX_SIZE or max(widths) > MAX_MATRIX_SIZE:
        raise invalid(f"matrix: at most {MAX_MATRIX_SIZE}x{MAX_MATRIX_SIZE}")
    if len(widths) != 1 or 0 in widths:
        raise invalid("matrix: every row needs the same number of entries (at least one)")
    notation = notation_of(arguments)
    return sympy.Matrix(
        [
            [
                exact(value_argument(entry, f"matrix[{row}][{column}]", notation))
                for column, entry in enumerate(entries)
            ]
            for row, entries in enumerate(rows)
        ]
    )


def square_matrix(arguments: Mapping[str, Any]) -> sympy.Matrix:
    matrix = parse_matrix(arguments)
    if not matrix.is_square:
        raise invalid(
            f"matrix: {arguments['operation']} needs a square matrix, not "
            f"{matrix.rows}x{matrix.cols}"
        )
    return matrix


def matrix_text(matrix: sympy.Matrix) -> str:
    """One-line text that SymPy reads back: Matrix([[1, 2], [3, 4]])."""
    return f"Matrix({text_of(matrix.tolist())})"


def determinant(arguments: Mapping[str, Any]) -> dict[str, Any]:
    return {"operation": "det"} | value_fields(square_matrix(arguments).det())


def rank(arguments: Mapping[str, Any]) -> dict[str, Any]:
    return {"operation": "rank"} | value_fields(sympy.Integer(parse_matrix(arguments).rank()))


def inverse(arguments: Mapping[str, Any]) -> dict[str, Any]:
    matrix = square_matrix(arguments)
    try:
        result = matrix.inv()
    except NonInvertibleMatrixError:
        raise invalid("matrix: it is singular (determinant 0) and has no inverse") from None
    return {
        "operation": "inverse",
        "result": matrix_text(result),
        "latex": sympy.latex(result),
        "numeric": [[numeric_of(entry) for entry in row] for row in result.tolist()],
        "entries": [[text_of(entry) for entry in row] for row in result.tolist()],
    }


def eigenvalues(arguments: Mapping[str, Any]) -> dict[str, Any]:
    """Distinct eigenvalues with multiplicities: real ones ascending, then the rest by text."""
    matrix = square_matrix(arguments)
    multiplicity_of = matrix.eigenvals()
    numeric_by_value = {value: numeric_of(value) for value in multiplicity_of}
    values = sorted(
        multiplicity_of,
        key=lambda value: (
            (0, numeric_by_value[value], "")
            if numeric_by_value[value] is not None
            else (1, 0.0, sympy.sstr(value))
        ),
    )
    return {
        "operation": "eigenvalues",
        "eigenvalues": [text_of(value) for value in values],
        "multiplicities": [int(multiplicity_of[value]) for value in values],
        "latex": [sympy.latex(value) for value in values],
        "numeric": [numeric_by_value[value] for value in values],
        "characteristic_polynomial": text_of(matrix.charpoly(sympy.Symbol("lambda")).as_expr()),
    }


def linear_unknowns(arguments: Mapping[str, Any], matrix: sympy.Matrix) -> list[sympy.Symbol]:
    """The unknowns of matrix * x = b: named by the caller, or x1, x2, ..."""
    named = variable_list(arguments)
    if named is not None:
        if len(named) != matrix.cols or len(set(named)) != len(named):
            raise invalid(f"variable: name {matrix.cols} different unknowns, one per matrix column")
        return named
    unknowns = list(sympy.symbols(f"x1:{matrix.cols + 1}"))
    if set(unknowns) & matrix.free_symbols:
        raise invalid("variable: the matrix uses the names x1, x2, ...; name the unknowns")
    return unknowns


def linear_solve(arguments: Mapping[str, Any]) -> dict[str, Any]:
    """All solutions of matrix * x = vector; free unknowns parametrize infinitely many."""
    matrix = parse_matrix(arguments)
    entries = arguments["vector"]
    if len(entries) != matrix.rows:
        raise invalid(f"vector: has {len(entries)} entries but the matrix has {matrix.rows} rows")
    notation = notation_of(arguments)
    vector = sympy.Matrix(
        [
            exact(value_argument(entry, f"vector[{index}]", notation))
            for index, entry in enumerate(entries)
        ]
    )
    unknowns = linear_unknowns(arguments, matrix)
    if set(unknowns) & (matrix.free_symbols | vector.free_symbols):
        raise invalid("variable: an unknown also appears inside the matrix or vector")
    solutions = [
        dict(zip(unknowns, values, strict=True))
        for values in sympy.linsolve((matrix, vector), unknowns)
    ]
    unique = len(solutions) == 1 and not any(
        value.free_symbols & set(unknowns) for value in solutions[0].values()
    )
    return {
        "operation": "linear_solve",
        "variables": [str(unknown) for unknown in unknowns],
        "solutions": [{str(k): text_of(v) for k, v in s.items()} for s in solutions],
        "latex": [{str(k): sympy.latex(v) for k, v in s.items()} for s in solutions],
        "numeric": [{str(k): numeric_of(v) for k, v in s.items()} for s in solutions],
        "unique": unique,
    }


def integer_argument(value: float | str, field: str, max_digits: int) -> int:
    """An integer from a JSON number (exact up to 2^53) or a string of decimal digits."""
    if isinstance(value, bool):
        raise invalid(f"{field}: expected an integer, not a boolean")
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            raise invalid(f"{field}: {value!r} is not an integer")
        if abs(value) > MAX_EXACT_JSON_INTEGER:
            raise invalid(f'{field}: integers above 2^53 must be sent as digit strings, "123..."')
        return int(value)
    text = value.strip()
    if not DIGITS.fullmatch(text):
        raise invalid(f'{field}: write the integer in decimal digits, e.g. "360"')
    digits = len(text.lstrip("+-"))
    if digits > max_digits:
        raise invalid(f"{field}: at most {max_digits} digits here, not {digits}")
    return int(text)


def integers_operation(arguments: Mapping[str, Any]) -> dict[str, Any]:
    """gcd or lcm of a list of integers."""
    operation = arguments["operation"]
    values = [
        integer_argument(value, f"integers[{index}]", MAX_INTEGER_DIGITS)
        for index, value in enumerate(arguments["integers"])
    ]
    if len(values) > MAX_INTEGERS:
        raise invalid(f"integers: at most {MAX_INTEGERS} integers")
    result = math.gcd(*values) if operation == "gcd" else math.lcm(*values)
    return {"operation": operation} | value_fields(sympy.Integer(result))


def factor_integer(arguments: Mapping[str, Any]) -> dict[str, Any]:
    number = integer_argument(arguments["integer"], "integer", MAX_FACTORINT_DIGITS)
    if number == 0:
        raise invalid("integer: 0 has no prime factorization")
    factors = sorted(
        (prime, exponent) for prime, exponent in sympy.factorint(number).items() if prime != -1
    )
    sign = ["-1"] if number < 0 else []
    powers = [str(p) if e == 1 else f"{p}**{e}" for p, e in factors]
    latex_powers = [str(p) if e == 1 else f"{p}^{{{e}}}" for p, e in factors]
    return {
        "operation": "factorint",
        "integer": str(number),
        "result": " * ".join(sign + powers) or "1",
        "latex": r" \cdot ".join(sign + latex_powers) or "1",
        "numeric": numeric_of(sympy.Integer(number)),
        "factors": [{"prime": str(p), "exponent": e} for p, e in factors],
    }


def is_prime(arguments: Mapping[str, Any]) -> dict[str, Any]:
    number = integer_argument(arguments["integer"], "integer", MAX_INTEGER_DIGITS)
    prime = bool(sympy.isprime(number))
    return {
        "operation": "isprime",
        "integer": str(number),
        "result": str(prime),
        "latex": rf"\text{{{prime}}}",
        "numeric": None,
        "prime": prime,
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
    notation = notation_of(arguments)
    if isinstance(texts, str):
        relations = [parse_relation(texts, "expression", notation)]
    else:
        relations = [
            parse_relation(text, f"expression[{index}]", notation)
            for index, text in enumerate(texts)
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
    """Refuse arguments the operation does not take (to surface mistakes) or lacks."""
    operation = arguments["operation"]
    for name in arguments:
        takers = ACCEPTED_BY.get(name)
        if takers is not None and operation not in takers:
            listed = ", ".join(takers[:-1]) + " and " + takers[-1] if len(takers) > 1 else takers[0]
            raise invalid(f"{name}: only {listed} take {name!r}, not {operation}")
    for name in REQUIRED_BY[operation]:
        if name not in arguments:
            raise invalid(f"{name}: {operation} needs {name!r}")


OPERATION_FUNCTIONS: dict[str, Callable[[Mapping[str, Any]], dict[str, Any]]] = {
    "solve": solve,
    "simplify": rewrite,
    "expand": rewrite,
    "factor": rewrite,
    "diff": differentiate,
    "integrate": integrate,
    "limit": take_limit,
    "series": expand_series,
    "summation": summation,
    "evaluate": evaluate,
    "det": determinant,
    "inverse": inverse,
    "eigenvalues": eigenvalues,
    "rank": rank,
    "linear_solve": linear_solve,
    "gcd": integers_operation,
    "lcm": integers_operation,
    "factorint": factor_integer,
    "isprime": is_prime,
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
