"""Checks of the prose: every equation in a step, where its numbers come from, and the answer."""

from collections.abc import Sequence

import sympy

from svend.verifier.arithmetic import (
    DIVIDE,
    MAX_NUMBER_CHARS,
    NUMBER,
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
from svend.verifier.quantities import rate_claims

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
# Numbers a correct chain uses without the question giving them: small counts and the common
# conversion factors (hours, days, weeks, months, years, dozens, percent, ounces, thousands).
# Chosen on GSM8K train's correct chains, where they are the numbers that appear most often
# from nowhere; anything else that no step produced is a copy error or a dropped step.
IMPLICIT_NUMBERS = frozenset(
    sympy.Rational(text)
    for text in (
        *("0", "1", "2", "3", "4", "7", "10", "12", "16", "24", "30", "52", "60", "100", "365"),
        *("1000", "1/2", "1/3", "2/3", "1/4", "3/4", "1/10"),
    )
)


def step_findings(step: int, text: str) -> list[Finding]:
    """One finding per equation and per rate claim ('3 hours at 45 mph is 135 miles') the
    step's text writes; claims that cannot be read are left out."""
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
    for rate in rate_claims(text):
        claim = text[rate.start : rate.end]
        detail = f"{claim} holds" if rate.held else f"{claim} is wrong; {rate.detail}"
        outcome = Outcome.PASSED if rate.held else Outcome.FAILED
        findings.append(Finding(step, ARITHMETIC, claim, outcome, detail, value=rate.value))
    return findings


def stated_numbers(text: str) -> set[sympy.Rational]:
    """Every number a text states, in digits or in words."""
    numbers: set[sympy.Rational] = set()
    for token in tokenize(text):
        if token.kind == NUMBER:
            try:
                numbers.add(number_value(token))
            except (ValueError, UnreadableClaim):
                continue
        elif token.kind == WORD and token.symbol in NUMBER_WORDS:
            numbers.add(sympy.Integer(NUMBER_WORDS[token.symbol]))
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


def provenance_findings(question: str, steps: Sequence[str]) -> list[Finding]:
    """A failed finding for each number an equation computes with that neither the question,
    an earlier step, the step's own earlier text nor IMPLICIT_NUMBERS gives (a copy error, or
    the result of a dropped step); numbers that do have a source are not reported."""
    known = with_rescalings(stated_numbers(question)) | IMPLICIT_NUMBERS
    findings: list[Finding] = []
    for index, text in enumerate(steps):
        read_up_to = 0
        for equation in find_equations(text):
            if recompute(equation) is None:
                continue
            earlier = stated_numbers(text[: max(equation.start, read_up_to)])
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
        known |= with_rescalings(stated_numbers(text))
    return findings


def unused_question_numbers(question: str, steps: Sequence[str]) -> tuple[str, ...]:
    """The numbers the question writes in digits that no step states, even rescaled as a
    percentage: a chain that never uses a given quantity has most likely dropped a step."""
    used: set[sympy.Rational] = set()
    for text in steps:
        used |= stated_numbers(text)
    unused = []
    for token in tokenize(question):
        if token.kind != NUMBER or token.text in unused or len(token.text) > MAX_NUMBER_CHARS:
            continue
        value = number_value(token)
        if not {value, value * 100, value / 100} & used:
            unused.append(token.text)
    return tuple(unused)


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
