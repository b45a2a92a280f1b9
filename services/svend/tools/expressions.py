"""Guarded parsers from plain math text or LaTeX to SymPy expressions.

SymPy's parse_expr ends in Python's eval, so untrusted plain text is checked lexically first (a
character whitelist, no attribute access, no dunders or leading underscores, no keywords, a
length cap) and then evaluated against a namespace holding only whitelisted math names and no
builtins. LaTeX goes through SymPy's ANTLR grammar, which builds expressions without eval;
its commands are whitelisted, and the shapes that make that parser backtrack for long (many
|absolute value| bars, deep function nesting) are capped. Evaluation can still be slow
("9^9^9^9"), so callers run this in a worker process with a hard time limit.
"""

import keyword
import re
import tokenize
from typing import Literal

import sympy
from sympy.parsing.latex import LaTeXParsingError, parse_latex
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
# The ANTLR LaTeX parser takes about a second per thousand characters and recurses per factor.
MAX_LATEX_CHARS = 1000
# Its parse time grows exponentially with "|" bars and steeply with nested commands; these caps
# keep the worst case to a few seconds.
MAX_LATEX_BARS = 16
MAX_LATEX_COMMANDS = 40

Notation = Literal["auto", "plain", "latex"]
NOTATIONS: tuple[Notation, ...] = ("auto", "plain", "latex")

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

LATEX_COMMAND = re.compile(r"\\([A-Za-z]+)")
# \left and \right only size delimiters, and the parser's strict mode trips over them.
LATEX_SIZING = re.compile(r"\\(?:left|right)(?![A-Za-z])")
LATEX_UPRIGHT_E = re.compile(r"\\mathrm\{\s*e\s*\}")
# fmt: off
GREEK_LETTERS = frozenset({
    "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta",
    "vartheta", "iota", "kappa", "lambda", "mu", "nu", "xi", "rho", "varrho", "sigma", "tau",
    "upsilon", "phi", "varphi", "chi", "psi", "omega",
    "Gamma", "Delta", "Theta", "Lambda", "Xi", "Sigma", "Upsilon", "Phi", "Psi", "Omega",
})
LATEX_COMMANDS = GREEK_LETTERS | frozenset({
    "frac", "dfrac", "tfrac", "sqrt", "cdot", "times", "div", "pi", "infty",
    "sin", "cos", "tan", "csc", "sec", "cot", "arcsin", "arccos", "arctan", "arccsc", "arcsec",
    "arccot", "sinh", "cosh", "tanh", "arsinh", "arcosh", "artanh", "exp", "log", "ln", "lg",
    "le", "leq", "leqq", "leqslant", "ge", "geq", "geqq", "geqslant", "neq",
    "lfloor", "rfloor", "lceil", "rceil", "binom", "dbinom", "tbinom", "mathit",
    "quad", "qquad", "thinspace", "medspace", "thickspace",
})
# fmt: on
LATEX_CALCULUS_COMMANDS = frozenset({"int", "iint", "oint", "sum", "prod", "lim", "partial"})
# Unevaluated calculus the grammar builds ("\frac{d}{dx} f") but the operations compute instead.
LATEX_CALCULUS = (sympy.Integral, sympy.Derivative, sympy.Limit, sympy.Sum, sympy.Product)
# Names the LaTeX grammar leaves as symbols that plain text reads as constants.
LATEX_CONSTANTS: dict[str, object] = {"pi": sympy.pi, "e": sympy.E, "E": sympy.E, "I": sympy.I}
# The grammar names subscripted symbols "x_{1}"; plain text writes the same symbol "x_1".
BRACED_SUBSCRIPT = re.compile(r"^([^_{}]+)_\{([^{}]+)\}$")
LATEX_HINT = (
    "supported LaTeX: \\frac{a}{b}, \\sqrt{x}, \\sqrt[n]{x}, x^{2}, \\cdot, \\times, "
    "\\sin(x) and other trig functions, \\ln, \\log, \\exp, \\pi, \\infty, e, Greek "
    "letters, |x|, \\left( \\right), = \\leq \\geq \\neq < >"
)
LATEX_CALCULUS_ADVICE = (
    "write the plain expression and choose the operation (integrate, diff, limit, summation) "
    "instead of LaTeX calculus notation"
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


def parse_expression(
    text: str, field: str = "expression", notation: Notation = "plain"
) -> sympy.Expr:
    """Parse one expression (no "=") into SymPy."""
    if is_latex(text, notation):
        parsed = parse_latex_text(text, field)
        if isinstance(parsed, sympy.Rel):
            raise ToolFailure(
                FailureKind.INVALID_ARGUMENTS,
                f"{field}: an equation or inequality is not accepted here, only an expression",
            )
        return parsed
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


def parse_relation(
    text: str, field: str = "expression", notation: Notation = "plain"
) -> sympy.Basic:
    """Parse an expression, an equation "lhs = rhs" (as Eq), or an inequality."""
    if is_latex(text, notation):
        return parse_latex_text(text, field)
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


def is_latex(text: str, notation: Notation) -> bool:
    """Whether to read the text as LaTeX: asked for, or in auto mode a backslash, brace or bar."""
    if notation == "auto":
        return any(marker in text for marker in "\\{}|")
    return notation == "latex"


def latex_constants(expression: sympy.Basic) -> sympy.Basic:
    """Give LaTeX symbols the meaning plain text gives them: pi, e, I, and x_1 for x_{1}."""
    replacements: dict[sympy.Basic, object] = {}
    for symbol in expression.free_symbols:
        name = str(symbol)
        if name in LATEX_CONSTANTS:
            replacements[symbol] = LATEX_CONSTANTS[name]
        elif match := BRACED_SUBSCRIPT.match(name):
            replacements[symbol] = sympy.Symbol(f"{match[1]}_{match[2]}")
    return expression.xreplace(replacements) if replacements else expression


def check_latex(text: str, field: str) -> str:
    """Refuse LaTeX the parser would misread as symbols, or take too long over."""
    stripped = text.strip()
    if not stripped:
        raise ToolFailure(FailureKind.INVALID_ARGUMENTS, f"{field}: expression is empty")
    if len(stripped) > MAX_LATEX_CHARS:
        raise ToolFailure(
            FailureKind.INVALID_ARGUMENTS,
            f"{field}: LaTeX is limited to {MAX_LATEX_CHARS} characters",
        )
    prepared = LATEX_SIZING.sub("", LATEX_UPRIGHT_E.sub("e", stripped))
    commands = LATEX_COMMAND.findall(prepared)
    for command in commands:
        if command in LATEX_CALCULUS_COMMANDS:
            raise ToolFailure(FailureKind.INVALID_ARGUMENTS, f"{field}: {LATEX_CALCULUS_ADVICE}")
        if command not in LATEX_COMMANDS:
            raise ToolFailure(
                FailureKind.INVALID_ARGUMENTS,
                f"{field}: unsupported LaTeX command \\{command}; {LATEX_HINT}",
            )
    if len(commands) > MAX_LATEX_COMMANDS or prepared.count("|") > MAX_LATEX_BARS:
        raise ToolFailure(
            FailureKind.INVALID_ARGUMENTS,
            f"{field}: LaTeX is limited to {MAX_LATEX_COMMANDS} commands and "
            f"{MAX_LATEX_BARS} '|' bars; write plain math for larger expressions",
        )
    return prepared


def parse_latex_text(text: str, field: str) -> sympy.Basic:
    """Parse LaTeX into SymPy: an expression or a relation ("x^{2} = 4", "x \\leq 2")."""
    prepared = check_latex(text, field)
    try:
        parsed = parse_latex(prepared, strict=True)
        if not isinstance(parsed, sympy.Basic) or isinstance(parsed, sympy.MatrixBase):
            raise ToolFailure(
                FailureKind.INVALID_ARGUMENTS,
                f"{field}: {text.strip()!r} is not a math expression",
            )
        if parsed.has(*LATEX_CALCULUS):
            raise ToolFailure(FailureKind.INVALID_ARGUMENTS, f"{field}: {LATEX_CALCULUS_ADVICE}")
        # The grammar builds unevaluated terms (2*(pi*r), log(x, E)); doit evaluates them.
        return latex_constants(parsed).doit()
    except LaTeXParsingError:
        raise ToolFailure(
            FailureKind.INVALID_ARGUMENTS,
            f"{field}: cannot parse {text.strip()!r} as LaTeX; {LATEX_HINT}",
        ) from None
    except RecursionError:
        # The grammar nests every further term or factor one level deeper.
        raise ToolFailure(
            FailureKind.INVALID_ARGUMENTS,
            f"{field}: the LaTeX is nested or chained too deeply to parse; simplify it or "
            "write plain math",
        ) from None


# Load the LaTeX grammar at import, so worker processes forked after preloading parse at once.
parse_latex("x", strict=True)
