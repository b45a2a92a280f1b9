"""The quick path: recognise direct tool requests and answer them without a language model.

A request is direct when it names one exact computation: a unit conversion, an equation to
solve, a derivative, an integral, or an expression to simplify, expand or factor. Anything
else goes to a reasoning path.
"""

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import pint

NUMBER = r"[-+]?(?:\d+(?:,\d{3})*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
UNIT = r"[a-zA-Z°µΩ][\w°µΩ/*^ .\-]*?"
# An expression worth handing to SymPy: math characters only, at least one operator or variable.
MATH_EXPRESSION = re.compile(r"^[\w\s+\-*/^().,=<>!]+$")
POLITE_PREFIX = re.compile(r"^(?:please\s+|can you\s+|could you\s+|would you\s+)+", re.IGNORECASE)

CONVERSION_PATTERNS = (
    re.compile(
        rf"^(?:convert\s+|what\s+is\s+|what's\s+|how\s+much\s+is\s+)?(?P<value>{NUMBER})\s*"
        rf"(?P<from_unit>{UNIT})\s+(?:to|in|into|as)\s+(?P<to_unit>{UNIT})$",
        re.IGNORECASE,
    ),
    re.compile(
        rf"^how\s+many\s+(?P<to_unit>{UNIT})\s+(?:are\s+in|is|are|in)\s+"
        rf"(?P<value>{NUMBER})\s*(?P<from_unit>{UNIT})$",
        re.IGNORECASE,
    ),
)
SOLVE_PATTERN = re.compile(
    r"^(?:solve|find\s+the\s+roots?\s+of|find\s+\w\s+(?:if|when|such\s+that))\s*:?\s+"
    r"(?P<expression>.+?)(?:\s+for\s+(?P<variable>[a-zA-Z]\w*))?$",
    re.IGNORECASE,
)
DIFF_PATTERN = re.compile(
    r"^(?:differentiate|find\s+the\s+derivative\s+of|(?:what\s+is\s+)?the\s+derivative\s+of|"
    r"derivative\s+of|d/d(?P<dvar>[a-z]))\s*:?\s+(?P<expression>.+?)"
    r"(?:\s+(?:with\s+respect\s+to|wrt)\s+(?P<variable>[a-zA-Z]\w*))?$",
    re.IGNORECASE,
)
INTEGRATE_PATTERN = re.compile(
    r"^(?:integrate|find\s+the\s+integral\s+of|(?:what\s+is\s+)?the\s+integral\s+of|integral\s+of)"
    r"\s*:?\s+(?P<expression>.+?)(?:\s*d(?P<dvar>[a-z]))?"
    rf"(?:\s+from\s+(?P<lower>{NUMBER}|-?oo|-?inf(?:inity)?)\s+to\s+"
    rf"(?P<upper>{NUMBER}|oo|inf(?:inity)?))?$",
    re.IGNORECASE,
)
ARITHMETIC_PATTERN = re.compile(
    r"^(?:what\s+is|what's|calculate|compute|evaluate)\s*:?\s+(?P<expression>[\d\s+\-*/^().]+)$",
    re.IGNORECASE,
)
REWRITE_PATTERN = re.compile(
    r"^(?P<operation>simplify|expand|factor|factorise|factorize)\s*:?\s+(?P<expression>.+)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DirectRequest:
    """A tool call that answers the query by itself, and why it was recognised."""

    tool: str
    arguments: dict[str, Any]
    reason: str


@cache
def unit_registry() -> pint.UnitRegistry:
    """Pint's registry, only to tell unit names from other words; tools does the conversion."""
    return pint.UnitRegistry()


# Pint evaluates unit powers in exact integers: "m**9**9**9" would compute a number with
# hundreds of millions of digits. A power of a number, or an exponent of three or more digits,
# is never a unit a question means.
UNBOUNDED_POWER = re.compile(r"\d\s*(\*\*|\^)|(\*\*|\^)\s*[-+]?\s*\d{3,}")


@lru_cache(maxsize=4096)
def parsed_unit(text: str) -> str | None:
    """The unit Pint reads text as, or None (cached: the same few words come up again and again)."""
    if UNBOUNDED_POWER.search(text):
        return None
    try:
        return str(unit_registry().parse_units(text.strip()))
    except Exception:
        return None


def is_unit(text: str) -> bool:
    """True when Pint knows text as a unit."""
    return parsed_unit(text) is not None


def parse_number(text: str) -> float:
    return float(text.replace(",", ""))


def looks_mathematical(expression: str) -> bool:
    return bool(MATH_EXPRESSION.match(expression)) and bool(re.search(r"[a-zA-Z\d]", expression))


def clean(query: str) -> str:
    text = " ".join(query.split())
    text = POLITE_PREFIX.sub("", text)
    return text.rstrip(" ?.!")


def parse_conversion(text: str) -> DirectRequest | None:
    for pattern in CONVERSION_PATTERNS:
        match = pattern.match(text)
        if match and is_unit(match["from_unit"]) and is_unit(match["to_unit"]):
            arguments = {
                "value": parse_number(match["value"]),
                "from_unit": match["from_unit"].strip(),
                "to_unit": match["to_unit"].strip(),
            }
            return DirectRequest("unit_convert", arguments, "a unit conversion")
    return None


def parse_symbolic(text: str) -> DirectRequest | None:
    if match := SOLVE_PATTERN.match(text):
        expression = match["expression"]
        if "=" in expression and looks_mathematical(expression):
            arguments: dict[str, Any] = {"operation": "solve", "expression": expression}
            if match["variable"]:
                arguments["variable"] = match["variable"]
            return DirectRequest("symbolic_math", arguments, "an equation to solve")
    if match := DIFF_PATTERN.match(text):
        expression = match["expression"]
        if looks_mathematical(expression):
            arguments = {"operation": "diff", "expression": expression}
            variable = match["variable"] or match["dvar"]
            if variable:
                arguments["variable"] = variable
            return DirectRequest("symbolic_math", arguments, "a derivative")
    if match := INTEGRATE_PATTERN.match(text):
        expression = match["expression"]
        if looks_mathematical(expression):
            arguments = {"operation": "integrate", "expression": expression}
            if match["dvar"]:
                arguments["variable"] = match["dvar"]
            if match["lower"] is not None:
                arguments["lower"] = match["lower"]
                arguments["upper"] = match["upper"]
            return DirectRequest("symbolic_math", arguments, "an integral")
    if (match := ARITHMETIC_PATTERN.match(text)) and re.search(r"\d\s*[-+*/^]", match[1]):
        arguments = {"operation": "simplify", "expression": match["expression"]}
        return DirectRequest("symbolic_math", arguments, "an arithmetic expression")
    if match := REWRITE_PATTERN.match(text):
        expression = match["expression"]
        if looks_mathematical(expression):
            operation = match["operation"].lower()
            operation = "factor" if operation.startswith("factor") else operation
            arguments = {"operation": operation, "expression": expression}
            return DirectRequest("symbolic_math", arguments, f"an expression to {operation}")
    return None


def parse_direct_request(query: str) -> DirectRequest | None:
    """The tool call that answers query directly, or None when it needs reasoning."""
    text = clean(query)
    return parse_conversion(text) or parse_symbolic(text)
