"""The quick path: recognise direct tool requests and answer them without a language model.

A request is direct when it names one exact computation: a unit conversion, an equation to
solve, a derivative, an integral, an expression to simplify, expand or factor, the molar mass
of a formula, the pH of a strong acid or base (or of a weak one with its constant given), or a
reaction to balance. Anything else goes to a reasoning path.
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
# Greetings, pleas and sign-offs around a request; they never change what is asked.
GREETING = re.compile(
    r"^(?:(?:hi|hello|hey|greetings|good\s+(?:morning|afternoon|evening))(?:\s+there)?[!,.]?\s+"
    r"|(?:please\s+help|quick\s+question|can\s+you\s+help|help)\s*[:?.!]\s+)+",
    re.IGNORECASE,
)
# Names of three letters or more that an expression may contain.
MATH_FUNCTIONS = frozenset(
    {
        *("sin", "cos", "tan", "cot", "sec", "csc", "asin", "acos", "atan"),
        *("sinh", "cosh", "tanh", "exp", "log", "ln", "sqrt", "abs", "pi", "oo", "inf"),
    }
)
POLITE_PREFIX = re.compile(
    r"^(?:please\s+|can\s+you\s+|could\s+you\s+|would\s+you\s+|kindly\s+)+", re.IGNORECASE
)
SIGN_OFF = re.compile(
    r"[.?!]?\s+(?:(?:many\s+)?thanks(?:\s+a\s+lot)?|thank\s+you|cheers|please\s+be\s+exact|thx)"
    r"[.!]?$",
    re.IGNORECASE,
)
# Verbs that ask for a computation, before what is to be computed.
COMPUTE = (
    r"(?:what\s+is\s+|what's\s+|calculate\s+|compute\s+|find\s+|give\s+|determine\s+|work\s+out\s+)"
)

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
# The ways an equation to solve is asked, each naming its expression and maybe its variable.
SOLVE_PATTERNS = (
    re.compile(
        r"^solve\s+for\s+(?P<variable>[a-zA-Z]\w*)\s*(?::|,|\s+in\s+|\s+if\s+|\s+when\s+)\s*"
        r"(?P<expression>.+)$",
        re.IGNORECASE,
    ),
    re.compile(
        r"^(?:solve|find\s+the\s+roots?\s+of|find\s+\w\s+(?:if|when|such\s+that)|"
        r"what\s+are\s+the\s+(?:solutions|roots)\s+of)\s*:?\s+"
        r"(?P<expression>.+?)(?:\s+for\s+(?P<variable>[a-zA-Z]\w*))?$",
        re.IGNORECASE,
    ),
    re.compile(
        r"^(?:what|which)\s+values?\s+of\s+(?P<variable>[a-zA-Z])\s+(?:satisfies|satisfy|solves?)"
        r"\s+(?P<expression>.+)$",
        re.IGNORECASE,
    ),
    re.compile(
        r"^for\s+(?:which|what)\s+(?P<variable>[a-zA-Z])\s+does\s+(?P<expression>.+?)\s+hold$",
        re.IGNORECASE,
    ),
    re.compile(
        r"^if\s+(?P<expression>.+?)\s*,\s*(?:what\s+is|find)\s+(?P<variable>[a-zA-Z])$",
        re.IGNORECASE,
    ),
)
DIFF_PATTERN = re.compile(
    rf"^(?:differentiate|(?:{COMPUTE}|take\s+)?(?:the\s+)?(?:first\s+)?derivative\s+of|"
    r"d/d(?P<dvar>[a-z]))\s*:?\s+(?P<expression>.+?)"
    r"(?:\s+(?:with\s+respect\s+to|wrt)\s+(?P<variable>[a-zA-Z]\w*))?$",
    re.IGNORECASE,
)
# "f(x) = ..." or "y = ...": a function named before its expression.
FUNCTION_NAME = re.compile(r"^(?:[a-zA-Z]\s*\(\s*[a-zA-Z]\s*\)|y)\s*=\s*(?=\S)")
INTEGRATE_PATTERN = re.compile(
    rf"^(?:integrate|(?:{COMPUTE})?(?:the\s+|an\s+)?(?:integral|antiderivative)\s+of)"
    r"\s*:?\s+(?P<expression>.+?)(?:\s*d(?P<dvar>[a-z]))?"
    r"(?:\s+(?:with\s+respect\s+to|wrt)\s+(?P<variable>[a-zA-Z]))?"
    rf"(?:\s+from\s+(?:[a-zA-Z]\s*=\s*)?(?P<lower>{NUMBER}|-?oo|-?inf(?:inity)?)\s+to\s+"
    rf"(?:[a-zA-Z]\s*=\s*)?(?P<upper>{NUMBER}|oo|inf(?:inity)?))?$",
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

# A chemical formula as written in a question: starts with an element's capital, no spaces.
FORMULA = r"[A-Z][A-Za-z0-9()\[\]·•⋅*.^+\-]*"
MOLAR_MASS_PATTERN = re.compile(
    rf"^(?i:{COMPUTE}?(?:the\s+)?"
    r"(?:molar\s+mass|molecular\s+weight|molecular\s+mass|formula\s+weight)\s+of\s+)"
    rf"(?P<formula>{FORMULA})$"
)
# Concentrations in mol/L, by the unit a question writes them in.
MOLAR_UNITS = {"M": 1.0, "mol/L": 1.0, "molar": 1.0, "mM": 1e-3, "mmol/L": 1e-3}
PH_PATTERN = re.compile(
    rf"^{COMPUTE}?(?:the\s+)?ph\s+of\s+"
    rf"(?:an?\s+)?(?P<concentration>{NUMBER})\s*(?P<unit>(?-i:mol/L|mmol/L|molar|mM|M))\s+"
    r"(?P<solute>[\w()\s]+?)(?:\s+solution)?"
    r"(?:\s*,?\s*\(?\s*(?:with\s+)?(?P<constant>pKa|pKb|Ka|Kb)\s*(?:=|of|is)?\s*"
    rf"(?P<constant_value>{NUMBER})\s*\)?)?$",
    re.IGNORECASE,
)
# Strong acids and bases by formula and name, with the H+ or OH- each formula unit releases.
# Sulfuric acid is left out: its second proton is weak, so it needs more than this tool's model.
STRONG_ACIDS = {"HCl": 1, "HBr": 1, "HI": 1, "HNO3": 1, "HClO4": 1, "HClO3": 1}
STRONG_BASES = {
    "LiOH": 1, "NaOH": 1, "KOH": 1, "RbOH": 1, "CsOH": 1,
    "Ca(OH)2": 2, "Sr(OH)2": 2, "Ba(OH)2": 2,
}  # fmt: skip
SOLUTE_NAMES = {
    "hydrochloric acid": "HCl",
    "hydrobromic acid": "HBr",
    "hydroiodic acid": "HI",
    "nitric acid": "HNO3",
    "perchloric acid": "HClO4",
    "chloric acid": "HClO3",
    "lithium hydroxide": "LiOH",
    "sodium hydroxide": "NaOH",
    "potassium hydroxide": "KOH",
    "rubidium hydroxide": "RbOH",
    "caesium hydroxide": "CsOH",
    "cesium hydroxide": "CsOH",
    "calcium hydroxide": "Ca(OH)2",
    "strontium hydroxide": "Sr(OH)2",
    "barium hydroxide": "Ba(OH)2",
}
# A neutral species with an optional coefficient, and a reaction of them ("2 H2 + O2 -> 2 H2O").
SPECIES = r"(?:\d+\s*)?[A-Z][A-Za-z0-9()\[\]·]*"
SIDE = rf"{SPECIES}(?:\s*\+\s*{SPECIES})*"
BALANCE_PATTERN = re.compile(
    r"^(?i:balance(?:\s+the)?(?:\s+(?:chemical|following))?(?:\s+(?:equation|reaction))?)"
    rf"\s*:?\s+(?P<equation>{SIDE}\s*(?:->|→|⟶|=>|=|⇌)\s*{SIDE})$"
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
    """Math characters only, something to compute, and no word but a function's name: "the
    sales curve" is prose, which SymPy would otherwise read as a product of symbols."""
    words = {word.lower() for word in re.findall(r"[a-zA-Z]{3,}", expression)}
    return (
        bool(MATH_EXPRESSION.match(expression))
        and bool(re.search(r"[a-zA-Z\d]", expression))
        and words <= MATH_FUNCTIONS
    )


def clean(query: str) -> str:
    """The request without blanks, greetings, pleas, sign-offs and its final punctuation."""
    text = " ".join(query.split())
    text = GREETING.sub("", text)
    text = SIGN_OFF.sub("", text)
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
    for pattern in SOLVE_PATTERNS:
        match = pattern.match(text)
        if match and "=" in match["expression"] and looks_mathematical(match["expression"]):
            arguments: dict[str, Any] = {"operation": "solve", "expression": match["expression"]}
            if match["variable"]:
                arguments["variable"] = match["variable"]
            return DirectRequest("symbolic_math", arguments, "an equation to solve")
    if match := DIFF_PATTERN.match(text):
        expression = FUNCTION_NAME.sub("", match["expression"])
        if looks_mathematical(expression):
            arguments = {"operation": "diff", "expression": expression}
            variable = match["variable"] or match["dvar"]
            if variable:
                arguments["variable"] = variable
            return DirectRequest("symbolic_math", arguments, "a derivative")
    if match := INTEGRATE_PATTERN.match(text):
        expression = FUNCTION_NAME.sub("", match["expression"])
        if looks_mathematical(expression):
            arguments = {"operation": "integrate", "expression": expression}
            if variable := match["dvar"] or match["variable"]:
                arguments["variable"] = variable
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


def parse_ph(text: str) -> DirectRequest | None:
    """pH of a strong acid or base named by formula or name, or of a weak one with its Ka/Kb."""
    match = PH_PATTERN.match(text)
    if not match:
        return None
    solute = " ".join(match["solute"].split())
    solute = SOLUTE_NAMES.get(solute.lower(), solute)
    concentration = parse_number(match["concentration"]) * MOLAR_UNITS[match["unit"]]
    arguments: dict[str, Any] = {"concentration": concentration}
    constant = (match["constant"] or "").lower()
    if solute in STRONG_ACIDS and not constant:
        arguments |= {"kind": "strong_acid", "equivalents": STRONG_ACIDS[solute]}
    elif solute in STRONG_BASES and not constant:
        arguments |= {"kind": "strong_base", "equivalents": STRONG_BASES[solute]}
    elif constant:
        kind = "weak_acid" if constant in ("ka", "pka") else "weak_base"
        arguments |= {"kind": kind, constant: parse_number(match["constant_value"])}
    else:
        return None
    return DirectRequest("ph", arguments, f"the pH of {solute}")


def parse_chemistry(text: str) -> DirectRequest | None:
    if match := MOLAR_MASS_PATTERN.match(text):
        formula = match["formula"]
        return DirectRequest("molecular_weight", {"formula": formula}, "a molar mass")
    if match := BALANCE_PATTERN.match(text):
        equation = " ".join(match["equation"].split())
        return DirectRequest("reaction_balance", {"equation": equation}, "a reaction to balance")
    return parse_ph(text)


def parse_direct_request(query: str) -> DirectRequest | None:
    """The tool call that answers query directly, or None when it needs reasoning."""
    text = clean(query)
    return parse_conversion(text) or parse_symbolic(text) or parse_chemistry(text)
