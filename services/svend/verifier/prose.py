"""Checks of the prose: every equation in a step, where its numbers come from, and the answer."""

from collections.abc import Sequence
from itertools import pairwise

import sympy

from svend.verifier.arithmetic import (
    DIVIDE,
    NUMBER,
    PERCENT,
    WORD,
    Token,
    UnreadableClaim,
    find_equations,
    format_value,
    number_candidates,
    number_value,
    recompute,
    states_value,
    tokenize,
)
from svend.verifier.findings import Finding, Outcome
from svend.verifier.quantities import divides_count_by_money, rate_claims

ARITHMETIC = "arithmetic"
PROVENANCE = "provenance"
ANSWER = "answer"

# Quantities that prose writes as words; an ordinal or a multiplier names its number too.
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "hundred": 100, "thousand": 1000, "million": 10**6, "dozen": 12, "half": 2,
    "twice": 2, "double": 2, "triple": 3, "thrice": 3, "third": 3, "quarter": 4, "fourth": 4,
    "fifth": 5, "sixth": 6, "tenth": 10, "twelfth": 12, "halves": 2, "thirds": 3,
    "quarters": 4, "fourths": 4, "fifths": 5, "sixths": 6, "tenths": 10,
}  # fmt: skip
TENS = frozenset({"twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"})
UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9,
}  # fmt: skip
# Numbers a correct chain uses without the question giving them: small counts, tens and
# hundreds (percentages) always; the common conversion factors only when a word of the question
# or the chain names their unit (7 needs a week, 60 minutes, hours or seconds). Chosen on GSM8K
# train's correct chains, where they are the numbers that appear most often from nowhere;
# anything else that no step produced, such as a 7 in a chain about eggs, is a copy error or a
# dropped step.
ALWAYS_IMPLICIT = frozenset(
    sympy.Rational(text) for text in ("0", "1", "2", "3", "4", "10", "100", "1/2")
)
UNIT_FACTORS: dict[sympy.Rational, frozenset[str]] = {
    sympy.Rational(text): frozenset(words.split())
    for text, words in (
        ("1/100", "cent cents penny pennies"),
        ("1/20", "nickel nickels"),
        ("1/10", "dime dimes tenth tenths cents"),
        ("1/4", "quarter quarters fourth fourths"),
        ("1/3", "third thirds"),
        ("2/3", "third thirds"),
        ("3/4", "quarter quarters fourth fourths"),
        ("5", "nickel nickels weekday weekdays"),
        ("7", "week weeks weekly"),
        ("8", "gallon gallons pint pints"),
        ("12", "dozen dozens month months year years yearly annual annually foot feet inch inches"),
        ("16", "ounce ounces oz pound pounds lb lbs gallon gallons cup cups"),
        ("24", "hour hours day days daily"),
        ("25", "quarter quarters"),
        ("30", "month months monthly day days minute minutes half"),
        ("31", "month months"),
        ("52", "week weeks weekly year years yearly annual annually"),
        ("60", "minute minutes hour hours hourly second seconds"),
        ("128", "gallon gallons"),
        ("144", "gross square"),
        ("365", "year years yearly annual annually"),
        (
            "1000",
            "thousand kilo kilogram kilograms kg kilometer kilometers km kw kilowatt kilowatts "
            "milliliter milliliters ml gram grams liter liters meter meters",
        ),
        ("5280", "mile miles"),
    )
}


def implicit_numbers(text: str) -> set[sympy.Rational]:
    """The numbers a chain may use unstated, given `text`: the factors whose unit it names,
    and for each percentage it gives, what is left of the whole or the whole grown by it (20 %
    off leaves 80 % or 0.8; 40 % more makes 140 % or 1.4)."""
    tokens = tokenize(text)
    words = {token.symbol for token in tokens if token.kind == WORD}
    numbers = set(ALWAYS_IMPLICIT)
    numbers |= {value for value, units in UNIT_FACTORS.items() if units & words}
    for token, following in pairwise(tokens):
        if token.kind == NUMBER and following.symbol in (PERCENT, "percent"):
            try:
                share = number_value(token)
            except UnreadableClaim:
                continue
            numbers |= {100 - share, 100 + share, 1 - share / 100, 1 + share / 100}
    return numbers


def step_findings(step: int, text: str) -> list[Finding]:
    """One finding per equation and per rate claim ('3 hours at 45 mph is 135 miles') the
    step's text writes, and a failed one for each count divided by money that it states as
    money ('30 / $2 = $15'); claims that cannot be read are left out."""
    findings = []
    for equation in find_equations(text):
        checked = recompute(equation)
        if checked is None:
            continue
        claim = text[equation.start : equation.end]
        left = text[equation.left[0].start : equation.left[-1].end]
        if checked.held:
            detail = f"{claim} holds"
        elif checked.value is None:
            detail = f"{claim} is wrong; {checked.detail}"
        else:
            detail = f"{claim} is wrong; {left} = {checked.detail}"
        outcome = Outcome.PASSED if checked.held else Outcome.FAILED
        findings.append(Finding(step, ARITHMETIC, claim, outcome, detail, value=checked.value))
        if divides_count_by_money(text, equation):
            detail = f"{claim} states money, but it divides a count by money"
            findings.append(Finding(step, ARITHMETIC, claim, Outcome.FAILED, detail))
    for rate in rate_claims(text):
        claim = text[rate.start : rate.end]
        detail = f"{claim} holds" if rate.held else f"{claim} is wrong; {rate.detail}"
        outcome = Outcome.PASSED if rate.held else Outcome.FAILED
        findings.append(Finding(step, ARITHMETIC, claim, outcome, detail, value=rate.value))
    return findings


def stated_numbers(text: str) -> set[sympy.Rational]:
    """Every number a text states, in digits or in words ('sixty-five' is 65 as well)."""
    numbers: set[sympy.Rational] = set()
    tokens = tokenize(text)
    for index, token in enumerate(tokens):
        if token.kind == NUMBER:
            try:
                numbers.add(number_value(token))
            except (ValueError, UnreadableClaim):
                continue
        elif token.kind == WORD and token.symbol in NUMBER_WORDS:
            numbers.add(sympy.Integer(NUMBER_WORDS[token.symbol]))
            if token.symbol in TENS and index + 2 < len(tokens):
                hyphen, unit = tokens[index + 1], tokens[index + 2]
                if hyphen.text == "-" and unit.symbol in UNITS and not unit.space_before:
                    numbers.add(sympy.Integer(NUMBER_WORDS[token.symbol] + UNITS[unit.symbol]))
    return numbers


def with_rescalings(numbers: set[sympy.Rational]) -> set[sympy.Rational]:
    """The numbers as a chain may rewrite them: as percentages, fractions of them, reciprocals."""
    rescaled = set(numbers)
    for number in numbers:
        rescaled |= {number * 100, number / 100}
        if number != 0:
            rescaled.add(1 / number)
    return rescaled


def fraction_value(tokens: Sequence[Token], position: int) -> sympy.Rational | None:
    """The value of the plain fraction a/b that the number at `position` is part of, if any:
    '4/5' may come from the question's 80 %, though neither 4 nor 5 does."""
    for start in (position - 2, position):
        part = tokens[start : start + 3] if start >= 0 else ()
        if (
            len(part) == 3
            and part[0].kind == NUMBER == part[2].kind
            and part[1].symbol == DIVIDE
            and number_value(part[2]) != 0
        ):
            return number_value(part[0]) / number_value(part[2])
    return None


def provenance_findings(
    question: str, steps: Sequence[str], given: Sequence[str] = ()
) -> list[Finding]:
    """A failed finding for each number an equation computes with that neither the question,
    an earlier step, the step's own earlier text nor `implicit_numbers` gives (a copy error, or
    the result of a dropped step); numbers that do have a source are not reported. A unit word
    anywhere in the question, an earlier step or the step itself lets its factor in. `given[i]`
    is text that step i brings without prose to check (a tool's result): its numbers are known
    from then on."""
    known = with_rescalings(stated_numbers(question)) | implicit_numbers(question)
    findings: list[Finding] = []
    for index, text in enumerate(steps):
        read_up_to = 0
        units = implicit_numbers(text)
        for equation in find_equations(text):
            if recompute(equation) is None:
                continue
            earlier = stated_numbers(text[: max(equation.start, read_up_to)]) | units
            read_up_to = max(read_up_to, equation.end)
            left = equation.left
            for position, token in enumerate(left):
                if token.kind != NUMBER:
                    continue
                value = number_value(token)
                if value in known or value in earlier or fraction_value(left, position) in known:
                    continue
                detail = (
                    f"{token.text} in {text[equation.start : equation.end]} comes from nowhere: "
                    "neither the question nor an earlier step gives it"
                )
                findings.append(Finding(index, PROVENANCE, token.text, Outcome.FAILED, detail))
                break
        brought = f"{text} {given[index]}" if index < len(given) else text
        known |= with_rescalings(stated_numbers(brought)) | implicit_numbers(brought)
    return findings


def final_values(steps: Sequence[str], findings: Sequence[Finding]) -> tuple[int, list]:
    """The last step that states or computes a number, and the values it can be said to end
    with: its last computed value and its last number, or any number it states when it computes
    nothing ('57 more eggs than 5 cakes' restates a result without an equation). A re-run tool
    result after the last prose number is the value the chain ends with."""
    computed = [f for f in sorted(findings, key=lambda f: f.step) if f.value is not None]
    for index in range(len(steps) - 1, -1, -1):
        candidates = number_candidates(steps[index])
        if computed and computed[-1].step > index:
            return computed[-1].step, [computed[-1].value]
        if not candidates:
            continue
        own = [f.value for f in computed if f.step == index]
        if not own:
            return index, [value for value, _ in candidates]
        # Both readings of a last '150%' (150 and 1.5) start where it starts.
        last_start = candidates[-1][1][0].start
        last = [value for value, tokens in candidates if tokens[0].start == last_start]
        return index, [*last, own[-1]]
    return -1, []


def answer_finding(
    answer: str, steps: Sequence[str], findings: Sequence[Finding]
) -> Finding | None:
    """Whether the answer states the value the chain ends with; None when it has no number."""
    step_count = len(steps)
    if not number_candidates(answer):
        return None
    last_step, values = final_values(steps, findings)
    if not values:
        return Finding(
            step_count, ANSWER, answer, Outcome.UNCHECKED, "no computed value to compare with"
        )
    for value in values:
        if states_value(value, answer):
            detail = (
                f"{answer!r} states {format_value(value)}, the value step {last_step} ends with"
            )
            return Finding(step_count, ANSWER, answer, Outcome.PASSED, detail)
    shown = format_value(values[-1])
    detail = f"{answer!r} is wrong; the chain ends with {shown} (step {last_step})"
    return Finding(step_count, ANSWER, answer, Outcome.FAILED, detail)
