"""GSM8K solutions as prose steps with hidden calculations, and the numbers' rendering.

A GSM8K answer line such as `Natalia sold 48/2 = <<48/2=24>>24 clips in May.` becomes the step
`Natalia sold 48/2 = 24 clips in May.`: the verifier reads prose as a person writes it, while the
annotation (`48/2`, `24`) is kept as a `Calc` so corruptions can change and recompute it. Prose
and expressions are read with the verifier's own tokenizer and exact SymPy evaluator, so a number
here means what it means to the verifier, and nothing is ever evaluated as code.
"""

import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

import sympy

from svend.verifier.arithmetic import (
    ANNOTATION_PATTERN,
    EQUALS,
    NUMBER,
    OPERATOR,
    DivisionByZero,
    Token,
    UnreadableClaim,
    decimals_shown,
    evaluate,
    find_equations,
    number_value,
    tokenize,
)

# The four operators a GSM8K annotation uses; anything else (brackets) is not swapped or aligned.
BINARY = frozenset("+-*/")
# Characters allowed between an annotation and the visible result it precedes (`$<<..>>24`).
RESULT_GAP = re.compile(r"[\s$]{0,2}")
ANSWER_MARK = "#### "


class Unparseable(Exception):
    """A GSM8K item whose solution or answer cannot be read; it is skipped and counted."""


@dataclass(frozen=True)
class Calc:
    """One `<<expr=value>>` annotation, kept out of the text as metadata.

    `result` indexes the step's visible number right after the annotation; `operands` and
    `operators` index the prose tokens of the written expression (`48/2 = `) when it matches the
    annotation number for number and operator for operator; None when the prose does not show it.
    """

    expr: str
    stated: str
    value: sympy.Rational
    holds: bool
    position: int
    result: int | None
    operands: tuple[int, ...] | None
    operators: tuple[int, ...] | None


@dataclass(frozen=True)
class Step:
    """One line of a solution: its prose, its tokens and its hidden calculations."""

    text: str
    tokens: tuple[Token, ...]
    calcs: tuple[Calc, ...]
    # Number tokens of equations written without an annotation: nothing recomputes them.
    loose: frozenset[int]

    def number(self, index: int) -> sympy.Rational:
        """The value of the token at `index` (a number token)."""
        return number_value(self.tokens[index])


@dataclass(frozen=True)
class Chain:
    """A parsed GSM8K item; `ambiguous` holds the values a later mention may not mean as the
    result of one annotation (see `ambiguous_values`)."""

    question: str
    steps: tuple[Step, ...]
    answer: str
    answer_value: sympy.Rational
    question_numbers: frozenset[sympy.Rational]
    ambiguous: frozenset[sympy.Rational]

    def calc_values(self) -> list[sympy.Rational]:
        """Every annotated value, in order."""
        return [calc.value for step in self.steps for calc in step.calcs]


@cache
def expr_tokens(expr: str) -> tuple[Token, ...]:
    """The tokens of an annotation expression."""
    return tuple(tokenize(expr))


@cache
def value_of(expr: str) -> sympy.Rational | None:
    """The exact value of an annotation expression; None when it has none (e.g. `5/0`)."""
    try:
        value = evaluate(expr_tokens(expr)).exact
    except (UnreadableClaim, DivisionByZero, ZeroDivisionError):
        return None
    return value if isinstance(value, sympy.Rational) else None


def math_tokens(tokens: tuple[Token, ...]) -> list[Token]:
    """Numbers and the four operators: what an expression and its prose must agree on."""
    return [t for t in tokens if t.kind == NUMBER or (t.kind == OPERATOR and t.symbol in BINARY)]


def parse_answer(answer: str) -> tuple[list[str], str]:
    """The solution lines and the final answer text of a GSM8K `answer` field."""
    if answer.count(ANSWER_MARK) != 1:
        raise Unparseable("no single '#### ' answer")
    body, final = answer.split(ANSWER_MARK)
    lines = [line.strip() for line in body.split("\n") if line.strip()]
    if not lines:
        raise Unparseable("no solution lines")
    return lines, final.strip()


def parse_chain(question: str, answer: str) -> Chain:
    """The chain of a GSM8K item; raises Unparseable when it cannot be read."""
    lines, final = parse_answer(answer)
    try:
        answer_value = sympy.Rational(final.replace(",", ""))
    except (TypeError, ValueError, SyntaxError) as error:
        raise Unparseable("final answer is not a number") from error
    numbers = frozenset(number_value(t) for t in tokenize(question) if t.kind == NUMBER)
    steps = tuple(parse_step(line) for line in lines)
    return Chain(
        question.strip(), steps, final, answer_value, numbers, ambiguous_values(numbers, steps)
    )


def ambiguous_values(
    question: frozenset[sympy.Rational], steps: tuple[Step, ...]
) -> frozenset[sympy.Rational]:
    """Values that cannot be traced to one annotation: in the question, produced twice, or
    written before the annotation that produces them (then the earlier number means something
    else, e.g. the 7 of `49/7 = 7`)."""
    seen = set(question)
    found = set(question)
    produced: Counter[sympy.Rational] = Counter()
    for step in steps:
        numbers = [(t.start, number_value(t)) for t in step.tokens if t.kind == NUMBER]
        for calc in step.calcs:
            before = {value for start, value in numbers if start < calc.position}
            if calc.value in seen | before:
                found.add(calc.value)
            produced[calc.value] += 1
        seen.update(value for _, value in numbers)
    return frozenset(found | {value for value, count in produced.items() if count > 1})


def parse_step(line: str) -> Step:
    """Strip a line's annotations and keep each as a Calc aligned with the prose."""
    pieces: list[str] = []
    found: list[tuple[int, str, str]] = []
    cursor = length = 0
    for match in ANNOTATION_PATTERN.finditer(line):
        pieces.append(line[cursor : match.start()])
        length += match.start() - cursor
        cursor = match.end()
        expr, sep, stated = match.group(1).rpartition("=")
        if not sep:
            raise Unparseable("annotation without '='")
        found.append((length, expr.strip(), stated.strip()))
    pieces.append(line[cursor:])
    text = "".join(pieces)
    if "<<" in text or ">>" in text:
        raise Unparseable("unbalanced annotation")
    tokens = tuple(tokenize(text))
    calcs = tuple(_calc(text, tokens, position, expr, stated) for position, expr, stated in found)
    claimed = {i for calc in calcs for i in (*(calc.operands or ()), calc.result)}
    index = {token.start: i for i, token in enumerate(tokens)}
    written = {
        index[token.start]
        for equation in find_equations(text)
        for token in (*equation.left, *equation.right)
        if token.kind == NUMBER and token.start in index
    }
    return Step(text, tokens, calcs, frozenset(written - claimed))


def _calc(text: str, tokens: tuple[Token, ...], position: int, expr: str, stated: str) -> Calc:
    try:
        value = sympy.Rational(stated)
    except (TypeError, ValueError, SyntaxError) as error:
        raise Unparseable(f"annotation value {stated!r}") from error
    exact = value_of(expr)
    if exact is None:
        raise Unparseable(f"annotation expression {expr!r}")
    result = None
    for index, token in enumerate(tokens):
        if token.start < position:
            continue
        gap = text[position : token.start]
        if token.kind == NUMBER and RESULT_GAP.fullmatch(gap) and number_value(token) == value:
            result = index
        break
    operands, operators = _align(tokens, position, expr)
    return Calc(expr, stated, value, exact == value, position, result, operands, operators)


def _align(
    tokens: tuple[Token, ...], position: int, expr: str
) -> tuple[tuple[int, ...] | None, tuple[int, ...] | None]:
    """Indexes of the prose tokens that write the annotation's expression before its `=`."""
    before = [i for i, t in enumerate(tokens) if t.end <= position]
    if not before or tokens[before[-1]].kind != EQUALS:
        return None, None
    written: list[int] = []
    for index in reversed(before[:-1]):
        token = tokens[index]
        if token.kind == NUMBER or (token.kind == OPERATOR and token.symbol in (*BINARY, "(", ")")):
            written.append(index)
        else:
            break
    written = [i for i in reversed(written) if tokens[i].symbol not in ("(", ")")]
    wanted = math_tokens(expr_tokens(expr))
    if not wanted or len(written) < len(wanted):
        return None, None
    written = written[len(written) - len(wanted) :]
    for index, token in zip(written, wanted, strict=True):
        mine = tokens[index]
        if mine.kind != token.kind:
            return None, None
        if token.kind == NUMBER and number_value(mine) != number_value(token):
            return None, None
        if token.kind == OPERATOR and mine.symbol != token.symbol:
            return None, None
    operands = tuple(i for i in written if tokens[i].kind == NUMBER)
    operators = tuple(i for i in written if tokens[i].kind == OPERATOR)
    return operands, operators


def decimal_places(value: sympy.Rational) -> int | None:
    """Decimals a value needs when written exactly; None when it never terminates."""
    denominator, twos, fives = int(value.q), 0, 0
    while denominator % 2 == 0:
        denominator, twos = denominator // 2, twos + 1
    while denominator % 5 == 0:
        denominator, fives = denominator // 5, fives + 1
    return max(twos, fives) if denominator == 1 else None


def render(value: sympy.Rational, like: str, max_places: int = 2) -> str | None:
    """`value` written the way GSM8K wrote `like`: integers bare, cents as in the original
    (1.50 stays two-place), thousands separators only where the original had them. None when
    the value needs more than `max_places` decimals or turns negative where `like` was not.
    """
    places = decimal_places(value)
    if places is None or places > max(max_places, decimals_shown_text(like)):
        return None
    if value < 0 and not like.lstrip().startswith("-"):
        return None
    if places and decimals_shown_text(like) == 2:
        places = 2
    grouping = "," if "," in like else ""
    exact = Decimal(int(value.p)) / Decimal(int(value.q))
    return f"{exact:{grouping}.{places}f}"


def decimals_shown_text(text: str) -> int:
    """How many decimals a written number shows."""
    return decimals_shown(Token(NUMBER, text, 0, len(text), False))


def plain(value: sympy.Rational) -> str:
    """A value as an annotation writes it: no separators, no trailing zeros."""
    written = render(value, "-0" if value < 0 else "0", max_places=12)
    if written is None:
        raise ValueError(f"{value} has no short decimal form")
    return written
