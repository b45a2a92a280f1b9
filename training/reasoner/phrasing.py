"""Random values split by range, and the small rewrite rules that vary a question's wording.

Every number or pick a task draws goes through `Draw` with one range (or pool) for training and
a disjoint one for the held-out split, and is recorded under its slot name, so the held-out
split can be checked to share no value range with training.
"""

import random
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")

# Words a template names in braces, e.g. "{Find} x"; a capitalised name gives a capitalised word.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "find": ("find", "compute", "calculate", "work out", "determine"),
    "what is": ("what is", "what's", "tell me"),
    "give": ("give", "tell me", "show me"),
}
PREFIXES = ("", "", "", "Hi! ", "Please help: ", "Quick question. ", "Hello! ", "Can you help? ")
SUFFIXES = ("", "", "", " Thanks!", " Thank you.", " Please be exact.", " Cheers.")


@dataclass(frozen=True)
class Span:
    """A number's range in training and in the held-out split; the two never overlap."""

    train: tuple[float, float]
    held_out: tuple[float, float]

    def __post_init__(self) -> None:
        (a, b), (c, d) = self.train, self.held_out
        if not (a <= b < c <= d or c <= d < a <= b):
            raise ValueError(f"overlapping ranges {self.train} and {self.held_out}")


@dataclass(frozen=True)
class Pool:
    """The choices open to training and to the held-out split; no choice is in both."""

    train: tuple[Any, ...]
    held_out: tuple[Any, ...]

    def __post_init__(self) -> None:
        shared = [item for item in self.train if item in self.held_out]
        if shared:
            raise ValueError(f"choices in both splits: {shared}")


@dataclass
class Draw:
    """The random source of one sample, for the train ranges or the held-out ones."""

    rng: random.Random
    held_out: bool
    values: dict[str, Any] = field(default_factory=dict)

    def integer(self, slot: str, span: Span) -> int:
        low, high = span.held_out if self.held_out else span.train
        return self._record(slot, self.rng.randint(int(low), int(high)))

    def real(self, slot: str, span: Span, digits: int = 1) -> float:
        """A number with at most `digits` decimals, inside the split's range."""
        low, high = span.held_out if self.held_out else span.train
        value = round(self.rng.uniform(low, high), digits)
        return self._record(slot, min(max(value, low), high))

    def pick(self, slot: str, pool: Pool) -> Any:
        """One choice of the split's pool; recorded by its first element when it is a tuple."""
        choice = self.rng.choice(pool.held_out if self.held_out else pool.train)
        self._record(slot, choice[0] if isinstance(choice, tuple) else choice)
        return choice

    def phrase(self, options: Sequence[T]) -> T:
        """A wording choice, shared by the splits and not recorded."""
        return self.rng.choice(options)

    def _record(self, slot: str, value: T) -> T:
        if slot in self.values:
            raise ValueError(f"slot {slot!r} drawn twice")
        self.values[slot] = value
        return value


def fill(template: str, slots: Mapping[str, Any], draw: Draw) -> str:
    """The template with its slots, synonym words picked at random for the rest."""
    values: dict[str, Any] = {}
    for _, name, _, _ in string.Formatter().parse(template):
        if name is None or name in values:
            continue
        if name in slots:
            values[name] = slots[name]
            continue
        word = draw.phrase(SYNONYMS[name.lower()])
        values[name] = word[0].upper() + word[1:] if name[0].isupper() else word
    return template.format(**values)


def question(template: str, slots: Mapping[str, Any], draw: Draw) -> str:
    """The user's question: the filled template with an optional greeting and sign-off."""
    return f"{draw.phrase(PREFIXES)}{fill(template, slots, draw)}{draw.phrase(SUFFIXES)}"


def number(value: float) -> str:
    """A number as a person writes it: no trailing zeros, no exponent for everyday sizes."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.10g}"


def polynomial(terms: Sequence[tuple[int, int]], variable: str = "x") -> str:
    """Terms (coefficient, power) as plain math, e.g. [(3, 2), (-1, 1), (4, 0)] → 3x^2 - x + 4."""
    text = ""
    for coefficient, power in terms:
        if coefficient == 0:
            continue
        sign = "-" if coefficient < 0 else "+"
        size = abs(coefficient)
        if power == 0:
            body = str(size)
        else:
            factor = "" if size == 1 else str(size)
            body = factor + variable + (f"^{power}" if power > 1 else "")
        text += f" {sign} {body}" if text else ("-" if sign == "-" else "") + body
    return text or "0"
