"""A guarded parser from plain math text to SymPy expressions.

SymPy's parse_expr ends in Python's eval, so untrusted text is checked lexically first (a
character whitelist, no attribute access, no dunders or leading underscores, no keywords, a
length cap) and then evaluated against a namespace holding only whitelisted math names and no
builtins. Evaluation can still be slow ("9^9^9^9"), so callers run this in a worker process
with a hard time limit.
"""

import keyword
import re
import tokenize

import sympy
from sympy.parsing.sympy_parser import (
    convert_xor,
    function_exponentiation,
    implicit_application,
    implicit_multiplication,
    parse_expr,
    standard_transformations,
)

from svend.tools.registry import FailureKind, ToolFailure

MAX_EXPRESSION_CHARS = 2000

# Digits, letters, whitespace, arithmetic, parentheses, commas, decimal points, comparisons.
ALLOWED_CHARACTERS = re.compile(r"[A-Za-z0-9_\s+\-*/^().,=<>!]*")
ATTRIBUTE_ACCESS = re.compile(r"\.\s*[A-Za-z_]")
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# A single "=" that is not part of "==", "<=", ">=" or "!=".
EQUALS_SIGN = re.compile(r"(?<![=<>!])=(?!=)")

# The math a caller may name; every other identifier becomes a Symbol.
FUNCTIONS: dict[str, object] = {
    "sin": sympy.sin,
    "cos": sympy.cos,
    "tan": sympy.tan,
    "cot": sympy.cot,
    "sec": sympy.sec,
    "csc": sympy.csc,
    "asin": sympy.asin,
    "acos": sympy.acos,
    "atan": sympy.atan,
    "acot": sympy.acot,
    "atan2": sympy.atan2,
    "arcsin": sympy.asin,
    "arccos": sympy.acos,
    "arctan": sympy.atan,
    "sinh": sympy.sinh,
    "cosh": sympy.cosh,
    "tanh": sympy.tanh,
    "asinh": sympy.asinh,
    "acosh": sympy.acosh,
    "atanh": sympy.atanh,
    "exp": sympy.exp,
    "log": sympy.log,
    "ln": sympy.log,
    "sqrt": sympy.sqrt,
    "cbrt": sympy.cbrt,
    "root": sympy.root,
    "abs": sympy.Abs,
    "Abs": sympy.Abs,
    "sign": sympy.sign,
    "floor": sympy.floor,
    "ceiling": sympy.ceiling,
    "ceil": sympy.ceiling,
    "factorial": sympy.factorial,
    "binomial": sympy.binomial,
    "gcd": sympy.gcd,
    "lcm": sympy.lcm,
    "min": sympy.Min,
    "max": sympy.Max,
    "re": sympy.re,
    "im": sympy.im,
    "conjugate": sympy.conjugate,
}
CONSTANTS: dict[str, object] = {
    "pi": sympy.pi,
    "E": sympy.E,
    "e": sympy.E,
    "I": sympy.I,
    "oo": sympy.oo,
    "inf": sympy.oo,
    "infinity": sympy.oo,
}
# Names the parser's own transformations emit (auto_symbol, auto_number, implicit calls).
PARSER_NAMES: dict[str, object] = {
    "Symbol": sympy.Symbol,
    "Function": sympy.Function,
    "Integer": sympy.Integer,
    "Float": sympy.Float,
    "Rational": sympy.Rational,
}
# Implicit multiplication ("2x", "x y") and application ("sin x") without splitting names into
# letters, so multi-letter variables such as "rate" stay one symbol.
TRANSFORMATIONS = (
    *standard_transformations,
    implicit_multiplication,
    implicit_application,
    function_exponentiation,
    convert_xor,
)


def safe_namespace() -> dict[str, object]:
    """A fresh global namespace for eval: whitelisted math only, and no builtins at all."""
    return {"__builtins__": {}, **PARSER_NAMES, **FUNCTIONS, **CONSTANTS}


def check_text(text: str, field: str) -> str:
    """Reject text that could reach Python beyond plain math, before any parsing."""
    stripped = text.strip()
    if not stripped:
        raise ToolFailure(FailureKind.INVALID_ARGUMENTS, f"{field}: expression is empty")
    if len(stripped) > MAX_EXPRESSION_CHARS:
        raise ToolFailure(
            FailureKind.INVALID_ARGUMENTS,
            f"{field}: expression is longer than {MAX_EXPRESSION_CHARS} characters",
        )
    if not ALLOWED_CHARACTERS.fullmatch(stripped):
        bad = sorted({char for char in stripped if not ALLOWED_CHARACTERS.fullmatch(char)})
        raise ToolFailure(
            FailureKind.INVALID_ARGUMENTS,
            f"{field}: characters not allowed in a math expression: {' '.join(map(repr, bad))}",
        )
    if ATTRIBUTE_ACCESS.search(stripped):
        raise ToolFailure(
            FailureKind.INVALID_ARGUMENTS, f"{field}: attribute access ('.name') is not allowed"
        )
    for name in IDENTIFIER.findall(stripped):
        if name.startswith("_") or "__" in name:
            raise ToolFailure(
                FailureKind.INVALID_ARGUMENTS, f"{field}: name {name!r} is not allowed"
            )
        if keyword.iskeyword(name) and name not in {"True", "False"}:
            raise ToolFailure(
                FailureKind.INVALID_ARGUMENTS, f"{field}: {name!r} is not a math name"
            )
    return stripped


def parse_expression(text: str, field: str = "expression") -> sympy.Expr:
    """Parse one checked expression (no "=") into SymPy."""
    checked = check_text(text, field)
    try:
        parsed = parse_expr(
            checked, global_dict=safe_namespace(), local_dict={}, transformations=TRANSFORMATIONS
        )
    except (SyntaxError, TypeError, ValueError, NameError, tokenize.TokenError) as error:
        raise ToolFailure(
            FailureKind.INVALID_ARGUMENTS, f"{field}: cannot parse {checked!r} as math"
        ) from error
    if not isinstance(parsed, sympy.Basic):
        raise ToolFailure(
            FailureKind.INVALID_ARGUMENTS, f"{field}: {checked!r} is not a math expression"
        )
    return parsed


def parse_relation(text: str, field: str = "expression") -> sympy.Basic:
    """Parse an expression, an equation "lhs = rhs" (as Eq), or an inequality."""
    checked = check_text(text, field)
    sides = EQUALS_SIGN.split(checked)
    if len(sides) > 2:
        raise ToolFailure(
            FailureKind.INVALID_ARGUMENTS, f"{field}: an equation has exactly one '=' sign"
        )
    if len(sides) == 2:
        left, right = (parse_expression(side, field) for side in sides)
        return sympy.Eq(left, right)
    return parse_expression(checked, field)
