"""Corrupt a parsed GSM8K chain in one of six ways, recomputing what the corruption implies.

Every corruption is checked before it is kept: the changed numbers must be writable the way
GSM8K writes them (at most two decimals, no sign flip), a value that is changed and then traced
into later steps must be unambiguous (produced by one annotation only and not a quantity of the
question), and the corrupted chain must be really wrong: its recomputed final answer differs from
GSM8K's, except for `numeric_error`, whose step is arithmetically false while later steps keep
the original values, and `wrong_final_answer`, where only the stated answer differs.

Labels: `step_labels[i]` is true when step i says exactly what the correct chain says there (so
it is right given the correct previous steps); steps that carry a wrong value forward are false.
`first_error_step` is the first false step, or len(steps) when every step is right and only the
answer is wrong (the verifier protocol's convention): `wrong_final_answer`, and `dropped_step`
when the final step is the one dropped and the answer is read from the step before it.
"""

import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import pairwise

import sympy

from svend.verifier.arithmetic import NUMBER, Token, number_value

from .chains import Calc, Chain, Step, expr_tokens, math_tokens, plain, render, value_of

CORRUPTIONS = (
    "numeric_error",
    "numeric_error_propagated",
    "wrong_operation",
    "dropped_step",
    "copy_error",
    "wrong_final_answer",
)
SWAPPED = {"+": "-", "-": "+", "*": "/", "/": "*"}
# How a swapped operator is written in prose, by how the original was written.
WRITTEN_SWAP = {"+": "-", "-": "+", "*": "/", "x": "/", "X": "/", "\u00d7": "÷", "÷": "\u00d7"}
OFFSETS = (1, 2, 3, 4, 5, 10)
# A result written as an ordinal (6th place) is not a quantity to slip on.
ORDINAL = re.compile(r"(?:st|nd|rd|th)\b")


@dataclass(frozen=True)
class Corruption:
    """A corrupted chain; `calcs` holds each step's (expression, stated value), kept hidden."""

    kind: str
    steps: tuple[str, ...]
    answer: str
    first_error_step: int
    step_labels: tuple[bool, ...]
    calcs: tuple[tuple[tuple[str, str], ...], ...]


class _Rewrite:
    """Pending edits to a chain's prose and hidden calculations, with the values they changed."""

    def __init__(self, chain: Chain) -> None:
        self.chain = chain
        self.edits: list[dict[tuple[int, int], str]] = [{} for _ in chain.steps]
        self.exprs = [[calc.expr for calc in step.calcs] for step in chain.steps]
        self.stated = [[calc.stated for calc in step.calcs] for step in chain.steps]
        self.changes: dict[sympy.Rational, sympy.Rational] = {}
        self.dropped: set[sympy.Rational] = set()

    def ambiguous(self, value: sympy.Rational) -> bool:
        """A value that later steps could mean without meaning this annotation's result."""
        return value in self.chain.ambiguous

    def edited(self, step: int, token: Token) -> bool:
        return any(s <= token.start and token.end <= e for s, e in self.edits[step])

    def set_token(self, step: int, token: Token, text: str) -> None:
        self.edits[step][(token.start, token.end)] = text

    def change(self, step: int, index: int, value: sympy.Rational) -> bool:
        """Record that calc `index` of `step` now gives `value`; False when it cannot."""
        calc = self.chain.steps[step].calcs[index]
        if value == calc.value:
            return True
        if self.ambiguous(calc.value) or render(value, plain(calc.value)) is None:
            return False
        self.changes[calc.value] = value
        self.stated[step][index] = plain(value)
        return True

    def propagate(self, step: int, calc: int, keep: frozenset[int] = frozenset()) -> bool:
        """Recompute every calc from (step, calc) on, and rewrite the prose numbers that changed
        (in `step`, all but the token indexes in `keep`); False when a result cannot be written.
        """
        for index in range(step, len(self.chain.steps)):
            current = self.chain.steps[index]
            first = calc if index == step else 0
            for position in range(first, len(current.calcs)):
                if not self._rewire(index, position):
                    return False
            for position, token in enumerate(current.tokens):
                if token.kind != NUMBER or (index == step and position in keep):
                    continue
                if self.edited(index, token):
                    continue
                value = number_value(token)
                if value in self.dropped:
                    return False
                if value in self.changes:
                    if position in current.loose:
                        return False
                    written = render(self.changes[value], token.text)
                    if written is None:
                        return False
                    self.set_token(index, token, written)
        return True

    def _rewire(self, step: int, index: int) -> bool:
        calc = self.chain.steps[step].calcs[index]
        expr = self.exprs[step][index]
        numbers = [t for t in expr_tokens(expr) if t.kind == NUMBER]
        hits = [
            t for t in numbers if number_value(t) in self.changes or number_value(t) in self.dropped
        ]
        if not hits:
            return True
        if not calc.holds:
            return False
        if any(number_value(t) in self.dropped for t in hits):
            if len(hits) != 1:
                return False
            expr = self._remove(step, calc, expr, hits[0])
            if expr is None:
                return False
        else:
            expr = splice(
                expr, {(t.start, t.end): plain(self.changes[number_value(t)]) for t in hits}
            )
        value = value_of(expr)
        if value is None:
            return False
        self.exprs[step][index] = expr
        return self.change(step, index, value)

    def _remove(self, step: int, calc: Calc, expr: str, number: Token) -> str | None:
        """The expression without a dropped step's value, the prose edited to match."""
        if calc.operands is None or calc.operators is None:
            return None
        tokens = self.chain.steps[step].tokens
        terms = math_tokens(expr_tokens(expr))
        at = next(i for i, t in enumerate(terms) if t.start == number.start)
        count = sum(1 for t in terms[:at] if t.kind == NUMBER)
        ordinal = at - count
        operand = tokens[calc.operands[count]]
        text = self.chain.steps[step].text
        if len(terms) == 3:
            return self._collapse(step, calc, terms[2 - at])
        if at > 0 and terms[at - 1].kind != NUMBER:
            operator = tokens[calc.operators[ordinal - 1]]
            cut_expr = (terms[at - 1].start, number.end)
            start = operator.start
            while start > 0 and text[start - 1] == " ":
                start -= 1
            cut_text = (start, operand.end)
        elif at + 1 < len(terms) and terms[at + 1].symbol in ("+", "*"):
            operator = tokens[calc.operators[ordinal]]
            cut_expr = (number.start, terms[at + 1].end)
            start = operand.start - (1 if text[operand.start - 1 : operand.start] == "$" else 0)
            end = operator.end
            while end < len(text) and text[end] == " ":
                end += 1
            cut_text = (start, end)
        else:
            return None
        shorter = splice(expr, {cut_expr: ""})
        if len(math_tokens(expr_tokens(shorter))) < 3:
            return None
        self.edits[step][cut_text] = ""
        return shorter

    def _collapse(self, step: int, calc: Calc, kept: Token) -> str:
        """Two operands, one dropped: the written expression goes, the result is the other."""
        tokens = self.chain.steps[step].tokens
        text = self.chain.steps[step].text
        start = min(tokens[i].start for i in (*calc.operands, *calc.operators))
        while start > 0 and text[start - 1] in "$(":
            start -= 1
        end = max(t.end for t in tokens if t.end <= calc.position)
        while end < len(text) and text[end] == " ":
            end += 1
        self.edits[step][(start, end)] = ""
        return kept.text

    def texts(self, skip: int | None = None) -> list[str]:
        return [
            splice(step.text, self.edits[i]) for i, step in enumerate(self.chain.steps) if i != skip
        ]

    def calcs(self, skip: int | None = None) -> tuple[tuple[tuple[str, str], ...], ...]:
        return tuple(
            tuple(zip(self.exprs[i], self.stated[i], strict=True))
            for i in range(len(self.chain.steps))
            if i != skip
        )

    def new_answer(self) -> str | None:
        """The recomputed final answer when it changed and can be written, else None."""
        value = self.chain.answer_value
        if value not in self.changes:
            return None
        return render(self.changes[value], self.chain.answer, max_places=2)

    def finish(
        self, kind: str, answer: str, skip: int | None = None, first_error: int | None = None
    ) -> Corruption:
        original = [step.text for i, step in enumerate(self.chain.steps) if i != skip]
        texts = self.texts(skip)
        labels = tuple(a == b for a, b in zip(texts, original, strict=True))
        if first_error is None:
            first_error = labels.index(False) if False in labels else len(texts)
        return Corruption(kind, tuple(texts), answer, first_error, labels, self.calcs(skip))


def splice(text: str, edits: dict[tuple[int, int], str]) -> str:
    """`text` with each (start, end) span replaced; spans do not overlap."""
    for (start, end), replacement in sorted(edits.items(), reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def _targets(chain: Chain, rng: random.Random) -> list[tuple[int, int, Calc]]:
    """Every calc with a visible result, in a seeded order."""
    found = [
        (i, j, calc)
        for i, step in enumerate(chain.steps)
        for j, calc in enumerate(step.calcs)
        if calc.holds and calc.result is not None and not ORDINAL.match(step.text, _end(step, calc))
    ]
    rng.shuffle(found)
    return found


def _end(step: Step, calc: Calc) -> int:
    return step.tokens[calc.result].end if calc.result is not None else 0


def wrong_values(value: sympy.Rational, like: str, rng: random.Random) -> list[sympy.Rational]:
    """Plausible slips for a value written as `like`: small offsets and swapped digits."""
    unit = sympy.Integer(1) if value.q == 1 else sympy.Rational(1, 10)
    found = {value + sign * offset * unit for offset in OFFSETS for sign in (1, -1)}
    found.update(number_value_of(text) for text in misreads(like))
    kept = sorted(v for v in found if v != value and v > 0 and render(v, like) is not None)
    rng.shuffle(kept)
    return kept


def number_value_of(text: str) -> sympy.Rational:
    return sympy.Rational(text.replace(",", ""))


def misreads(text: str) -> list[str]:
    """A quantity as it might be miscopied: two adjacent digits swapped, or the last digit off
    by one (48 -> 84, 5 -> 6)."""
    digits = [i for i, c in enumerate(text) if c.isdigit()]
    found = []
    for a, b in pairwise(digits):
        if b == a + 1 and text[a] != text[b] and not (a == 0 and text[b] == "0"):
            found.append(text[:a] + text[b] + text[a] + text[b + 1 :])
    last = digits[-1]
    for step in (1, -1):
        digit = int(text[last]) + step
        if 0 <= digit <= 9:
            found.append(text[:last] + str(digit) + text[last + 1 :])
    return [f for f in found if f.replace(",", "").lstrip("0.") and f != text]


def numeric_error(chain: Chain, rng: random.Random) -> Corruption | None:
    """One written result changed; the step's own arithmetic is false, later steps unchanged."""
    for i, j, calc in _targets(chain, rng):
        if not calc.operators or calc.operands is None:
            continue
        token = chain.steps[i].tokens[calc.result]
        for wrong in wrong_values(calc.value, token.text, rng)[:1]:
            rewrite = _Rewrite(chain)
            restated = [token]
            if not rewrite.ambiguous(calc.value):
                restated = [
                    t
                    for k, t in enumerate(chain.steps[i].tokens)
                    if t.kind == NUMBER
                    and k not in calc.operands
                    and k not in chain.steps[i].loose
                    and number_value(t) == calc.value
                ]
            for mention in restated:
                rewrite.set_token(i, mention, render(wrong, mention.text) or plain(wrong))
            rewrite.stated[i][j] = plain(wrong)
            answer: str | None = chain.answer
            if (i, j) == _last_calc(chain) and calc.value == chain.answer_value:
                answer = render(wrong, chain.answer)
            if answer is not None:
                return rewrite.finish("numeric_error", answer, first_error=i)
    return None


def _last_calc(chain: Chain) -> tuple[int, int] | None:
    found = [(i, j) for i, step in enumerate(chain.steps) for j in range(len(step.calcs))]
    return found[-1] if found else None


def _propagated(
    chain: Chain, kind: str, i: int, j: int, prepare: Callable[[_Rewrite], sympy.Rational | None]
) -> Corruption | None:
    """Apply `prepare` to calc (i, j), which returns its new value, then propagate."""
    rewrite = _Rewrite(chain)
    calc = chain.steps[i].calcs[j]
    value = prepare(rewrite)
    if value is None or value == calc.value or not rewrite.change(i, j, value):
        return None
    if not rewrite.propagate(i, j + 1, frozenset(calc.operands or ())):
        return None
    answer = rewrite.new_answer()
    if answer is None:
        return None
    result = rewrite.finish(kind, answer)
    return result if result.first_error_step == i else None


def numeric_error_propagated(chain: Chain, rng: random.Random) -> Corruption | None:
    """One result changed and carried, correctly computed, through every later step."""
    for i, j, calc in _targets(chain, rng):
        token = chain.steps[i].tokens[calc.result]
        for wrong in wrong_values(calc.value, token.text, rng)[:2]:
            found = _propagated(chain, "numeric_error_propagated", i, j, lambda _, w=wrong: w)
            if found:
                return found
    return None


def wrong_operation(chain: Chain, rng: random.Random) -> Corruption | None:
    """One operator swapped (+ for -, * for /), the step recomputed so its arithmetic holds."""
    multiply = "x" if any(" x " in step.text for step in chain.steps) else "*"
    for i, j, calc in _targets(chain, rng):
        if not calc.operators:
            continue
        ordinals = list(range(len(calc.operators)))
        rng.shuffle(ordinals)
        for ordinal in ordinals:

            def swap(rewrite: _Rewrite, i: int = i, j: int = j, ordinal: int = ordinal):
                calc = chain.steps[i].calcs[j]
                operators = [t for t in math_tokens(expr_tokens(calc.expr)) if t.kind != NUMBER]
                symbol = operators[ordinal]
                expr = splice(calc.expr, {(symbol.start, symbol.end): SWAPPED[symbol.symbol]})
                written = chain.steps[i].tokens[calc.operators[ordinal]]
                new = WRITTEN_SWAP.get(written.text) or (
                    multiply if written.symbol == "/" else SWAPPED[written.symbol]
                )
                rewrite.set_token(i, written, new)
                rewrite.exprs[i][j] = expr
                return value_of(expr)

            found = _propagated(chain, "wrong_operation", i, j, swap)
            if found:
                return found
    return None


def copy_error(chain: Chain, rng: random.Random) -> Corruption | None:
    """A quantity of the question miscopied into a step (48 as 84), the arithmetic done right on
    the wrong number and carried forward."""
    produced: set[sympy.Rational] = set()
    candidates = []
    for i, step in enumerate(chain.steps):
        for j, calc in enumerate(step.calcs):
            if calc.operands is not None and calc.holds and calc.result is not None:
                for k, index in enumerate(calc.operands):
                    value = step.number(index)
                    if value in chain.question_numbers and value not in produced:
                        candidates.append((i, j, k))
            produced.add(calc.value)
    rng.shuffle(candidates)
    for i, j, k in candidates:
        token = chain.steps[i].tokens[chain.steps[i].calcs[j].operands[k]]
        for misread in misreads(token.text)[:2]:

            def miscopy(rewrite: _Rewrite, i: int = i, j: int = j, k: int = k, text: str = misread):
                calc = chain.steps[i].calcs[j]
                number = [t for t in expr_tokens(calc.expr) if t.kind == NUMBER][k]
                expr = splice(calc.expr, {(number.start, number.end): plain(number_value_of(text))})
                rewrite.set_token(i, chain.steps[i].tokens[calc.operands[k]], text)
                rewrite.exprs[i][j] = expr
                return value_of(expr)

            found = _propagated(chain, "copy_error", i, j, miscopy)
            if found:
                return found
    return None


def dropped_step(chain: Chain, rng: random.Random) -> Corruption | None:
    """A needed step removed and later steps recomputed without its value; when that cannot be
    written, the last step removed and the answer read from the step before it."""
    order = list(range(len(chain.steps) - 1))
    rng.shuffle(order)
    for i in order:
        calcs = chain.steps[i].calcs
        if not calcs or not all(c.holds for c in calcs):
            continue
        rewrite = _Rewrite(chain)
        if any(rewrite.ambiguous(c.value) for c in calcs):
            continue
        rewrite.dropped = {c.value for c in calcs}
        if chain.answer_value in rewrite.dropped or not rewrite.propagate(i + 1, 0):
            continue
        answer = rewrite.new_answer()
        if answer is not None:
            found = rewrite.finish("dropped_step", answer, skip=i)
            if found.first_error_step < len(found.steps):
                return found
    return _dropped_last(chain)


def _dropped_last(chain: Chain) -> Corruption | None:
    if len(chain.steps) < 2:
        return None
    before = chain.steps[-2]
    shown = [c for c in before.calcs if c.holds and c.result is not None]
    if not shown or shown[-1].value == chain.answer_value:
        return None
    answer = render(shown[-1].value, chain.answer)
    if answer is None:
        return None
    return _Rewrite(chain).finish("dropped_step", answer, skip=len(chain.steps) - 1)


def wrong_final_answer(chain: Chain, rng: random.Random) -> Corruption | None:
    """Right steps, wrong stated answer: an intermediate result or a slip of the right one."""
    others = [v for v in dict.fromkeys(chain.calc_values()) if v != chain.answer_value and v > 0]
    slips = wrong_values(chain.answer_value, chain.answer, rng)
    choices = [rng.choice(others)] if others and rng.random() < 0.5 else []
    for value in [*choices, *slips]:
        answer = render(value, chain.answer)
        if answer is not None:
            return _Rewrite(chain).finish("wrong_final_answer", answer)
    return None


MAKERS: dict[str, Callable[[Chain, random.Random], Corruption | None]] = {
    "numeric_error": numeric_error,
    "numeric_error_propagated": numeric_error_propagated,
    "wrong_operation": wrong_operation,
    "dropped_step": dropped_step,
    "copy_error": copy_error,
    "wrong_final_answer": wrong_final_answer,
}


def corruptions(chain: Chain, order: list[str], rng: random.Random) -> Iterator[Corruption]:
    """The corruptions that apply to `chain`, tried in `order`."""
    for kind in order:
        found = MAKERS[kind](chain, rng)
        if found is not None:
            yield found
