"""Rate claims in prose, recomputed with units: "3 hours at 45 mph is 135 miles".

The equation reader (arithmetic.py) reads numbers and operators only; a rate claim multiplies a
quantity by a rate written in words, so it is read here: `<amount> <unit> at <rate> is <result>`
or `<rate> for <amount> <unit> is <result>`. Pint multiplies the two quantities, converts the
product into the result's unit (so "30 minutes at 60 mph is 30 miles" holds) and the result must
match to the decimals it shows. A claim whose units do not combine into the result's dimension,
or that Pint cannot read, is skipped, never guessed.
"""

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import pint
import sympy

from svend.verifier.arithmetic import (
    CURRENCY_SIGNS,
    DIVIDE,
    NUMBER,
    OPERATOR,
    PERCENT,
    TIMES,
    Equation,
    approximately,
)

NUMBER_TEXT = r"\$?\d+(?:,\d{3})*(?:\.\d+)?"
UNIT = (
    r"(?:(?:per|an|a)\s+[A-Za-z]+"
    r"|[A-Za-z]+(?:/[A-Za-z]+)?(?:\s+(?:per|an|a)\s+[A-Za-z]+)?)"
)


def named_quantity(name: str) -> str:
    """A number and its unit, captured as `name` and `name_unit`."""
    return rf"(?P<{name}>{NUMBER_TEXT})(?:\s*(?P<{name}_unit>{UNIT}))?"


VERB = r"\s+(?:is|=|equals|gives|makes|covers|means)\s+(?:a\s+total\s+of\s+|about\s+)?"
RATE_CLAIMS = (
    re.compile(
        named_quantity("amount")
        + r"\s+(?:at|@)\s+(?:a\s+(?:rate|speed|price)\s+of\s+)?"
        + named_quantity("rate")
        + VERB
        + named_quantity("result")
    ),
    re.compile(
        named_quantity("rate")
        + r"\s+for\s+"
        + named_quantity("amount")
        + VERB
        + named_quantity("result")
    ),
)
# A unit written with a slash or 'per' inside a product ('6 days / $3/day', '10 beads/$1') makes
# its numbers rates, whose money the sign alone does not tell.
RATE_WRITTEN = re.compile(
    rf"[^\W\d_]\s*/|/\s*[^\W\d_{re.escape(CURRENCY_SIGNS)}]|\bper\b", re.IGNORECASE
)
# 'an hour' is 'per hour'; money is a unit of its own, so "$12 per hour" times hours is dollars.
PER_WORDS = re.compile(r"\s+(?:an|a)\s+")


@dataclass(frozen=True)
class RateClaim:
    """One rate claim: where it is, whether it held, and the result it should have stated."""

    start: int
    end: int
    held: bool
    value: sympy.Rational
    detail: str


@cache
def registry() -> pint.UnitRegistry:
    """Pint's units plus money (dollars, cents)."""
    units = pint.UnitRegistry()
    units.define("dollar = [currency] = usd = dollars")
    units.define("cent = dollar / 100 = cents")
    return units


def quantity(match: re.Match[str], name: str) -> Any:
    """The Pint quantity of a named number and unit; '$12 per hour' is 12 dollar/hour."""
    text = match.group(name)
    unit = PER_WORDS.sub(" per ", " " + (match.group(f"{name}_unit") or "")).strip()
    if text.startswith("$"):
        text = text[1:]
        # "$60 for the week": a word after a sum of money is prose, not a unit.
        unit = f"dollar {unit}" if unit.startswith(("per ", "/")) else "dollar"
    return registry().Quantity(float(text.replace(",", "")), unit)


def written(match: re.Match[str], name: str) -> str:
    """A quantity as the text wrote it."""
    return f"{match.group(name)} {match.group(f'{name}_unit') or ''}".rstrip()


def shown_decimals(number: str) -> int:
    return len(number.split(".", 1)[1]) if "." in number else 0


def rate_claims(text: str) -> list[RateClaim]:
    """Every rate claim of a text that Pint can read, checked."""
    claims = []
    for pattern in RATE_CLAIMS:
        for match in pattern.finditer(text):
            try:
                product = quantity(match, "amount") * quantity(match, "rate")
                stated = quantity(match, "result")
                computed = float(product.to(stated.units).magnitude)
            except (pint.errors.PintError, ValueError, AttributeError, TypeError):
                continue
            value = sympy.nsimplify(round(computed, 10), rational=True)
            shown = sympy.nsimplify(stated.magnitude, rational=True)
            decimals = shown_decimals(match.group("result"))
            held = value == shown or (decimals > 0 and approximately(value, shown, decimals))
            detail = (
                f"{written(match, 'amount')} * {written(match, 'rate')} = {computed:.10g}"
                f" {match.group('result_unit') or ''}".rstrip()
            )
            claims.append(RateClaim(match.start(), match.end(), held, value, detail))
    return claims


def _is_money(text: str, start: int) -> bool:
    """Whether the number starting at `start` is written after a currency sign."""
    before = text[:start].rstrip()
    return bool(before) and before[-1] in CURRENCY_SIGNS


def divides_count_by_money(text: str, equation: Equation) -> bool:
    """Whether an equation of `text` made only of products and quotients writes its result as
    money while its operands divide a count by money ('30 / $2 = $15', '6 / $15 = $0.40'): a
    multiplication written as a division, whose arithmetic may hold. Money on every operand
    ('$3*$10=$30', '$100/$50 = $2') is left alone, since people write the sign loosely there;
    so are sums, and products that mix in rates written with a slash or 'per'."""
    results = [t for t in equation.right if t.kind == NUMBER]
    if (
        not results
        or not _is_money(text, results[0].start)
        or RATE_WRITTEN.search(text[equation.start : equation.end])
    ):
        return False
    power, divides = 0, False
    for token in equation.left:
        if token.kind == NUMBER:
            money = _is_money(text, token.start)
            power += -money if divides else money
        elif token.kind == OPERATOR and token.symbol in (TIMES, DIVIDE):
            divides = token.symbol == DIVIDE
        elif not (token.kind == OPERATOR and token.symbol == PERCENT):
            return False
    return power < 0
