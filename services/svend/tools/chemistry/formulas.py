"""molecular_weight, and the chemical-formula reader the reaction tools share.

Atomic weights come from RDKit's periodic table, so every chemistry tool agrees on them. The
reader knows parentheses and brackets, hydrates ("CuSO4·5H2O"), charges ("SO4^2-", "NH4+",
"Fe3+"), states ("(aq)") and the electron ("e-"). It is a linear scan of at most
MAX_FORMULA_CHARS characters, so molecular_weight runs inline.
"""

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rdkit import Chem

from svend.tools.chemistry.common import failures_explained, invalid, rounded
from svend.tools.registry import ToolFailure, ToolSpec

NAME = "molecular_weight"
MAX_FORMULA_CHARS = 200
# Largest count or multiplier read from a formula, and largest total of one element (nested
# groups multiply); bigger ones are typos, not chemistry.
MAX_COUNT = 1_000_000
MAX_ATOMS_OF_AN_ELEMENT = 1_000_000_000

PERIODIC_TABLE = Chem.GetPeriodicTable()
ATOMIC_WEIGHTS: dict[str, float] = {
    PERIODIC_TABLE.GetElementSymbol(number): PERIODIC_TABLE.GetAtomicWeight(number)
    for number in range(1, PERIODIC_TABLE.GetMaxAtomicNumber() + 1)
}

HYDRATE_SEPARATORS = "·•⋅*."
# ASCII only: str.isdigit() also accepts "²", which int() cannot read.
DIGITS = frozenset("0123456789")
OPENING = {"(": ")", "[": "]"}
STATE_SUFFIX = re.compile(r"\((?:s|l|g|aq)\)$", re.IGNORECASE)
SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻", "0123456789+-")
TRAILING_SUPERSCRIPTS = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻]+$")
# Charge notations, tried in order on the end of the formula: "^2-", "^+3" / "+3", "^-" / "--".
CARET_DIGITS_SIGN = re.compile(r"\^([0-9]+)([+-])$")
SIGN_DIGITS = re.compile(r"\^?([+-])([0-9]+)$")
SIGNS = re.compile(r"(\^?)(\++|-+)$")
MONATOMIC_WITH_COUNT = re.compile(r"^([A-Z][a-z]?)([0-9]+)$")

DESCRIPTION = f"""\
Molar mass of a chemical formula, with its elemental composition, e.g. formula="C6H12O6" \
(glucose, 180.156 g/mol), "Ca(OH)2", "K4[Fe(CN)6]", hydrates "CuSO4·5H2O" or "CuSO4*5H2O", \
ions "SO4^2-", "NH4+", "Fe3+" (a single element followed by a number and a sign is a \
monatomic ion: "O2-" is oxide, write "O2^-" for superoxide; write polyatomic charges with a \
caret, "PO4^3-", when a number precedes them). Element symbols are case-sensitive ("Co" is \
cobalt, "CO" carbon monoxide); a state suffix such as "(aq)" is ignored. Atomic weights are \
RDKit's (IUPAC conventional values); the electron mass of an ion's charge is neglected.
Result fields: formula (as read), hill_formula (e.g. "CuH10O9S"), charge, molar_mass, \
unit ("g/mol"), composition (one entry per element in order of appearance: element, count, \
atomic_weight, mass = count * atomic_weight in g/mol, mass_percent), text. Formulas are at \
most {MAX_FORMULA_CHARS} characters."""

PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "formula": {
            "type": "string",
            "minLength": 1,
            "maxLength": MAX_FORMULA_CHARS,
            "description": 'A chemical formula, e.g. "C6H12O6", "Ca(OH)2" or "CuSO4·5H2O".',
        },
    },
    "required": ["formula"],
    "additionalProperties": False,
}


@dataclass(frozen=True)
class Formula:
    """What a formula says: atoms per element in order of appearance, and the net charge."""

    text: str
    counts: dict[str, int]
    charge: int

    def molar_mass(self) -> float:
        return math.fsum(ATOMIC_WEIGHTS[element] * n for element, n in self.counts.items())

    def hill_formula(self) -> str:
        """Carbon, hydrogen, then the rest alphabetically (all alphabetical without carbon)."""
        order = sorted(self.counts)
        if "C" in self.counts:
            order = ["C", *(["H"] if "H" in self.counts else [])] + [
                element for element in order if element not in ("C", "H")
            ]
        return "".join(
            element + (str(self.counts[element]) if self.counts[element] > 1 else "")
            for element in order
        ) + charge_text(self.charge)


def charge_text(charge: int) -> str:
    """A charge as written after a formula: "", "^+", "^2-"."""
    if charge == 0:
        return ""
    magnitude = "" if abs(charge) == 1 else str(abs(charge))
    return f"^{magnitude}{'+' if charge > 0 else '-'}"


class FormulaReader:
    """A recursive-descent reader over one formula body (no charge, no state)."""

    def __init__(self, body: str, original: str, field: str) -> None:
        self.body = body
        self.original = original
        self.field = field
        self.position = 0

    def fail(self, problem: str) -> ToolFailure:
        return invalid(f"{self.field}: {problem} (in {self.original!r})")

    def peek(self) -> str:
        return self.body[self.position] if self.position < len(self.body) else ""

    def number(self) -> int | None:
        """A run of digits at the cursor, or None when there is none."""
        start = self.position
        while self.peek() in DIGITS:
            self.position += 1
        if start == self.position:
            return None
        value = int(self.body[start : self.position])
        if value == 0:
            raise self.fail("a count of 0")
        if value > MAX_COUNT:
            raise self.fail(f"a count above {MAX_COUNT}")
        return value

    def element(self) -> str:
        start = self.position
        self.position += 1
        if self.peek().islower():
            self.position += 1
        symbol = self.body[start : self.position]
        if symbol not in ATOMIC_WEIGHTS:
            split = symbol[:1] + symbol[1:].upper()
            hint = ""
            if len(symbol) == 2 and all(letter in ATOMIC_WEIGHTS for letter in split):
                hint = f"; for {split[0]} and {split[1]} write {split!r}"
            raise self.fail(f"unknown element {symbol!r}{hint}")
        return symbol

    def sequence(self, closing: str) -> dict[str, int]:
        """Elements and bracketed groups up to `closing` ("" for the end of the part)."""
        counts: dict[str, int] = {}
        while (char := self.peek()) != closing:
            if char == "":
                raise self.fail(f"a missing {closing!r}")
            if char in OPENING:
                self.position += 1
                inner = self.sequence(OPENING[char])
                self.position += 1
                times = self.number() or 1
                for element, n in inner.items():
                    counts[element] = counts.get(element, 0) + n * times
            elif char.isupper():
                symbol = self.element()
                counts[symbol] = counts.get(symbol, 0) + (self.number() or 1)
            elif char in ")]":
                raise self.fail(f"an unmatched {char!r}")
            elif char.islower():
                raise self.fail(
                    f"unexpected lowercase {char!r}; element symbols start with a capital letter"
                )
            else:
                raise self.fail(f"unexpected {char!r}")
        if not counts:
            raise self.fail("an empty group")
        return counts

    def part(self) -> dict[str, int]:
        """One hydrate part: an optional multiplier ("5" in "5H2O") and its atoms."""
        times = self.number() or 1
        counts = self.sequence("")
        return {element: n * times for element, n in counts.items()}


def split_charge(text: str, field: str) -> tuple[str, int]:
    """The formula body and its net charge, read from the end of the text."""
    if match := CARET_DIGITS_SIGN.search(text):
        magnitude, sign = int(match.group(1)), match.group(2)
    elif match := SIGN_DIGITS.search(text):
        sign, magnitude = match.group(1), int(match.group(2))
    elif match := SIGNS.search(text):
        sign, magnitude = match.group(2)[0], len(match.group(2))
        body = text[: match.start()]
        if not match.group(1) and magnitude == 1 and body[-1:] in DIGITS:
            return charge_after_count(body, sign, text, field)
    else:
        return text, 0
    return text[: match.start()], magnitude if sign == "+" else -magnitude


def charge_after_count(body: str, sign: str, text: str, field: str) -> tuple[str, int]:
    """A sign right after a number: "Fe3+" is Fe^3+, "NH4+" is NH4^+, "SO42-" is unclear."""
    if monatomic := MONATOMIC_WITH_COUNT.match(body):
        magnitude = int(monatomic.group(2))
        return monatomic.group(1), magnitude if sign == "+" else -magnitude
    trailing = re.search(r"[0-9]+$", body)
    if trailing is not None and len(trailing.group()) > 1:
        digits = trailing.group()
        raise invalid(
            f"{field}: the charge of {text!r} is ambiguous; write it with a caret, e.g. "
            f"{body[: -len(digits)] + digits[:-1] + '^' + digits[-1] + sign!r}"
        )
    return body, 1 if sign == "+" else -1


def parse_formula(text: str, field: str = "formula") -> Formula:
    """Read a formula; INVALID_ARGUMENTS naming `field` when it is not one."""
    cleaned = "".join(text.split()).translate(SUBSCRIPTS)
    cleaned = STATE_SUFFIX.sub("", cleaned)
    if superscript := TRAILING_SUPERSCRIPTS.search(cleaned):
        cleaned = cleaned[: superscript.start()] + "^" + superscript.group().translate(SUPERSCRIPTS)
    if not cleaned:
        raise invalid(f"{field}: the formula is empty")
    body, charge = split_charge(cleaned, field)
    if body == "e":
        if charge != -1:
            raise invalid(f"{field}: an electron is written 'e-'")
        return Formula(text=cleaned, counts={}, charge=-1)
    if not body:
        raise invalid(f"{field}: no elements in {text!r}")
    counts: dict[str, int] = {}
    for part in re.split(f"[{re.escape(HYDRATE_SEPARATORS)}]", body):
        reader = FormulaReader(part, text, field)
        if not part:
            raise reader.fail("an empty hydrate part")
        for element, n in reader.part().items():
            counts[element] = counts.get(element, 0) + n
    for element, n in counts.items():
        if n > MAX_ATOMS_OF_AN_ELEMENT:
            raise invalid(f"{field}: more than {MAX_ATOMS_OF_AN_ELEMENT:,} atoms of {element}")
    return Formula(text=cleaned, counts=counts, charge=charge)


def molecular_weight(arguments: Mapping[str, Any]) -> dict[str, Any]:
    """Molar mass and mass composition of one formula."""
    with failures_explained(NAME):
        return formula_weight(arguments["formula"])


def formula_weight(text: str) -> dict[str, Any]:
    formula = parse_formula(text)
    if not formula.counts:
        raise invalid("formula: an electron is not a compound; give a formula with elements")
    total = formula.molar_mass()
    composition = [
        {
            "element": element,
            "count": count,
            "atomic_weight": ATOMIC_WEIGHTS[element],
            "mass": rounded(ATOMIC_WEIGHTS[element] * count),
            "mass_percent": rounded(100 * ATOMIC_WEIGHTS[element] * count / total),
        }
        for element, count in formula.counts.items()
    ]
    return {
        "formula": formula.text,
        "hill_formula": formula.hill_formula(),
        "charge": formula.charge,
        "molar_mass": rounded(total),
        "unit": "g/mol",
        "composition": composition,
        "text": f"{formula.text}: {total:.3f} g/mol",
    }


MOLECULAR_WEIGHT = ToolSpec(
    name=NAME,
    description=DESCRIPTION,
    parameters=PARAMETERS,
    function=molecular_weight,
    isolated=False,
)
