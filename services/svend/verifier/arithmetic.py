"""Exact re-computation of the arithmetic written in a step's prose.

Prose is never evaluated as code: a tokenizer turns it into numbers, operators and words, a small
recursive-descent parser builds SymPy values from the number and operator tokens only, and the
result is compared with what the text claims. Anything the reader cannot place with certainty
(variables, units inside an expression, ambiguous percentages) is skipped, never guessed: a skipped
equation leaves the step unchecked, while a misread one would fail a correct chain.

Comparison rules, for a claim `left <relation> right`:
- `=`, `is`, `equals`: exact equality. When the right side is a lone number shown with d >= 1
  decimals and the exact value has no d-decimal form, the number must be the exact value rounded
  to nearest or truncated at d decimals (10/3 = 3.33, 2/3 = 0.66, 2/3 = 0.67 and pi * 1 = 3.14
  hold; pi * 1 = 3.15 and 10/4 = 2.6 do not).
- `≈`: within one unit of the last shown decimal, or 0.5 % of the exact value, whichever is wider.
"""

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum

import sympy

# Bounds that keep one claim cheap to compute, whatever the text says.
MAX_NUMBER_CHARS = 60
MAX_RESULT_DIGITS = 2000
MAX_ROOT_DEGREE = 64
# Longest expression and deepest nesting read; beyond them a claim is skipped, not recursed into.
MAX_EXPRESSION_TOKENS = 300
MAX_NESTING = 40
# Longest unit between a number and its operator ('apples per week' is three tokens).
MAX_UNIT_TOKENS = 5

NUMBER = "NUM"
OPERATOR = "OP"
EQUALS = "EQ"
WORD = "WORD"
PUNCT = "PUNCT"

PLUS, MINUS, TIMES, DIVIDE, POWER = "+", "-", "*", "/", "^"
OF, PERCENT, SQUARED, CUBED, ROOT, FRAC = "of", "%", "²", "³", "√", "frac"
OPEN, CLOSE = "(", ")"
PI = "pi"

OPERATOR_SPELLINGS = {
    "**": POWER,
    "^": POWER,
    "+": PLUS,
    "-": MINUS,
    "\u2212": MINUS,
    "\u2013": MINUS,
    "*": TIMES,
    "\u00d7": TIMES,
    "·": TIMES,
    "⋅": TIMES,
    "\u2217": TIMES,
    "\\times": TIMES,
    "\\cdot": TIMES,
    "/": DIVIDE,
    "÷": DIVIDE,
    "\\div": DIVIDE,
    "%": PERCENT,
    "²": SQUARED,
    "³": CUBED,
    "√": ROOT,
    "\\sqrt": ROOT,
    "\\frac": FRAC,
    "\\pi": PI,
    "π": PI,
    "(": OPEN,
    "{": OPEN,
    "[": OPEN,
    ")": CLOSE,
    "}": CLOSE,
    "]": CLOSE,
}
# Words that are an operator when they stand between two operands ('6 times 1/4').
WORD_OPERATORS = {"x": TIMES, "times": TIMES, "plus": PLUS, "minus": MINUS}
# A claim right after one of these words misses the start of its left side ('6 times 4 + 1').
INCOMPLETE_AFTER = frozenset({"times", "plus", "minus", "over", "than", "per"})
# ... and so does one after 'by' that follows these ('3 divided by 4'); 'higher by 41 * 0.4 =
# 16.4' starts at its 41.
OPERATIONS_BY = frozenset(
    {"divided", "divide", "divides", "dividing", "multiplied", "multiply", "multiplies",
     "multiplying"}
)  # fmt: skip
# Unit abbreviations written against a number ('26ml', '5km'); a single letter is left out,
# since '3x' or '2n' is algebra.
GLUED_UNITS = frozenset(
    {"ml", "cl", "dl", "mg", "kg", "mm", "cm", "km", "lb", "lbs", "oz", "ft", "mph", "kph",
     "kmh", "hr", "hrs", "min", "mins", "sec", "secs", "gal", "kw", "kwh", "mb", "gb", "tb"}
)  # fmt: skip
BINARY_OPERATORS = frozenset({PLUS, MINUS, TIMES, DIVIDE, POWER, OF})
# Tokens after which an operand is complete (a following "(" or "√" multiplies it).
OPERAND_ENDS = frozenset({CLOSE, PERCENT, SQUARED, CUBED, PI})

# Signs written before a sum of money; the tokenizer drops them, the money check reads them.
CURRENCY_SIGNS = "$€£¥"
TOKEN_PATTERN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<skip>["""
    + re.escape(CURRENCY_SIGNS)
    + r"""]|\\left|\\right|\\,|\\;|\\!)
  | (?P<number>[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?|\.[0-9]+)
  | (?P<equals>==|=|≈|\\approx)
  | (?P<operator>\*\*|\\times|\\cdot|\\div|\\sqrt|\\frac|\\pi
      |[-+*/^\u2212\u2013\u00d7·⋅\u2217÷%²³√π(){}\[\]])
  | (?P<word>[^\W\d_]+)
  | (?P<other>.)
    """,
    re.VERBOSE,
)
# Markdown emphasis (**bold**, *italic*) and LaTeX wrappers whose content stays in place.
BLANKED_PATTERNS = (
    re.compile(r"(?<![\w)])\*\*(?=[\w($.])|(?<=[\w)%])\*\*(?![\w(])"),
    re.compile(r"\\text\{[^{}]*\}|\\mathrm\{[^{}]*\}"),
    re.compile(r"\\boxed\{|\\\(|\\\)|\\\[|\\\]"),
    re.compile(r"<<|>>"),
)
ANNOTATION_PATTERN = re.compile(r"<<([^<>]{1,400})>>")


class Relation(StrEnum):
    """How the two sides of a claim are compared."""

    EQUAL = "="
    APPROX = "≈"


@dataclass(frozen=True)
class Token:
    """One lexical unit of prose, with its place in the text."""

    kind: str
    text: str
    start: int
    end: int
    space_before: bool
    # Operator or equals symbol in canonical form (e.g. "*" for "\\times"); the word for words.
    symbol: str = ""


class UnreadableClaim(Exception):
    """A claim that cannot be computed (too large, complex, ambiguous); it is skipped."""


class DivisionByZero(Exception):
    """The claim divides by zero: a wrong step, not an unreadable one."""


@dataclass(frozen=True)
class Value:
    """A computed value and whether it was written as a percentage (20% = 1/5)."""

    exact: sympy.Expr
    percent: bool = False


def tokenize(text: str) -> list[Token]:
    """Tokens of a text; currency signs and markup are dropped, spacing is remembered."""
    cleaned = text
    for pattern in BLANKED_PATTERNS:
        cleaned = pattern.sub(lambda match: " " * len(match.group(0)), cleaned)
    tokens: list[Token] = []
    space_before = True
    for match in TOKEN_PATTERN.finditer(cleaned):
        kind = match.lastgroup
        piece = match.group(0)
        if kind == "space":
            space_before = True
            continue
        if kind == "skip":
            continue
        if kind == "number":
            tokens.append(Token(NUMBER, piece, match.start(), match.end(), space_before))
        elif kind == "equals":
            symbol = Relation.APPROX if piece in ("≈", "\\approx") else Relation.EQUAL
            tokens.append(Token(EQUALS, piece, match.start(), match.end(), space_before, symbol))
        elif kind == "operator":
            symbol = OPERATOR_SPELLINGS[piece]
            tokens.append(Token(OPERATOR, piece, match.start(), match.end(), space_before, symbol))
        elif kind == "word":
            tokens.append(
                Token(WORD, piece, match.start(), match.end(), space_before, piece.lower())
            )
        else:
            tokens.append(Token(PUNCT, piece, match.start(), match.end(), space_before))
        space_before = False
    return _read_words(tokens)


def _read_words(tokens: list[Token]) -> list[Token]:
    """Turn the words that act as math (x, of, pi, sqrt, half, is, equals) into math tokens."""
    result: list[Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        before = result[-1] if result else None
        after = tokens[index + 1] if index + 1 < len(tokens) else None
        if token.kind == WORD:
            word = token.symbol
            if word in WORD_OPERATORS and _ends_operand(before) and _starts_operand(after):
                symbol = WORD_OPERATORS[word]
                token = Token(OPERATOR, token.text, token.start, token.end, True, symbol)
            elif word == "of" and _takes_of(result) and _starts_operand(after):
                token = Token(OPERATOR, token.text, token.start, token.end, True, OF)
            elif word == "half" and after is not None and after.symbol == "of":
                token = Token(NUMBER, "1/2", token.start, token.end, token.space_before)
            elif word in ("pi", "sqrt"):
                symbol = PI if word == "pi" else ROOT
                token = Token(OPERATOR, token.text, token.start, token.end, False, symbol)
            elif word in ("equals", "is"):
                following = [t.symbol for t in tokens[index + 1 : index + 3]]
                end = token.end
                if word == "is" and following == ["equal", "to"]:
                    end = tokens[index + 2].end
                    index += 2
                token = Token(EQUALS, token.text, token.start, end, True, "is")
        result.append(token)
        index += 1
    return result


def _ends_operand(token: Token | None) -> bool:
    return token is not None and (
        token.kind == NUMBER or (token.kind == OPERATOR and token.symbol in OPERAND_ENDS)
    )


def _starts_operand(token: Token | None) -> bool:
    return token is not None and (
        token.kind == NUMBER
        or (token.kind == OPERATOR and token.symbol in (OPEN, ROOT, PI, MINUS, FRAC))
        or (token.kind == WORD and token.symbol in ("half", "pi", "sqrt"))
    )


def _takes_of(previous: Sequence[Token]) -> bool:
    """'of' multiplies only after a fraction, a percentage, 'half' or a bracket: 3/4 of 20."""
    if not previous:
        return False
    last = previous[-1]
    if last.kind == OPERATOR and last.symbol in (PERCENT, CLOSE):
        return True
    if last.kind == NUMBER and last.text == "1/2":
        return True
    return (
        last.kind == NUMBER
        and len(previous) >= 3
        and previous[-2].symbol == DIVIDE
        and previous[-3].kind == NUMBER
    )


def number_value(token: Token) -> sympy.Rational:
    """The exact value of a number token (thousands separators dropped)."""
    if len(token.text) > MAX_NUMBER_CHARS:
        raise UnreadableClaim("number too long")
    if token.text == "1/2":
        return sympy.Rational(1, 2)
    return sympy.Rational(token.text.replace(",", ""))


def decimals_shown(token: Token) -> int:
    """How many decimals a number token shows."""
    digits = token.text.replace(",", "")
    return len(digits.split(".", 1)[1]) if "." in digits else 0


class Parser:
    """Recursive-descent parser of one expression's tokens into a SymPy value.

    expr    := term (('+' | '-') term)*
    term    := unary (('*' | '/' | 'of' | implicit) unary)*
    unary   := ('-' | '+') unary | power
    power   := postfix ('^' unary)?
    postfix := atom ('%' | '²' | '³')*
    atom    := NUM | pi | '(' expr ')' | '√' postfix | frac '{' expr '}' '{' expr '}'
    """

    def __init__(self, tokens: Sequence[Token]) -> None:
        if len(tokens) > MAX_EXPRESSION_TOKENS:
            raise UnreadableClaim("expression too long")
        self.tokens = tokens
        self.position = 0
        self.depth = 0

    def parse(self) -> Value:
        value = self.expression()
        if self.position != len(self.tokens):
            raise UnreadableClaim("unexpected token")
        return value

    def peek(self) -> Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self, symbol: str) -> bool:
        token = self.peek()
        if token is not None and token.kind == OPERATOR and token.symbol == symbol:
            self.position += 1
            return True
        return False

    def expression(self) -> Value:
        value = self.term()
        while True:
            if self.take(PLUS):
                value = _add(value, self.term(), 1)
            elif self.take(MINUS):
                value = _add(value, self.term(), -1)
            else:
                return value

    def term(self) -> Value:
        value = self.unary()
        while True:
            token = self.peek()
            if self.take(TIMES) or self.take(OF):
                value = _multiply(value, self.unary())
            elif self.take(DIVIDE):
                divisor = self.unary()
                if divisor.exact == 0:
                    raise DivisionByZero
                value = Value(value.exact / divisor.exact)
            elif (
                token is not None
                and not token.space_before
                and token.kind == OPERATOR
                and token.symbol in (OPEN, ROOT, PI)
            ):
                value = _multiply(value, self.unary())
            else:
                return value

    @contextmanager
    def nested(self) -> Iterator[None]:
        """Every recursion passes through unary or atom, which bound the nesting here."""
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise UnreadableClaim("expression nested too deeply")
        try:
            yield
        finally:
            self.depth -= 1

    def unary(self) -> Value:
        with self.nested():
            return self.signed()

    def signed(self) -> Value:
        if self.take(MINUS):
            inner = self.unary()
            return Value(-inner.exact, inner.percent)
        if self.take(PLUS):
            return self.unary()
        return self.power()

    def power(self) -> Value:
        base = self.postfix()
        if self.take(POWER):
            return Value(_power(base.exact, self.unary().exact))
        return base

    def postfix(self) -> Value:
        value = self.atom()
        while True:
            if self.take(PERCENT):
                value = Value(value.exact / 100, percent=True)
            elif self.take(SQUARED):
                value = Value(_power(value.exact, sympy.Integer(2)))
            elif self.take(CUBED):
                value = Value(_power(value.exact, sympy.Integer(3)))
            else:
                return value

    def atom(self) -> Value:
        with self.nested():
            return self.operand()

    def operand(self) -> Value:
        token = self.peek()
        if token is None:
            raise UnreadableClaim("expression ends early")
        if token.kind == NUMBER:
            self.position += 1
            return Value(number_value(token))
        if self.take(PI):
            return Value(sympy.pi)
        if self.take(OPEN):
            value = self.expression()
            if not self.take(CLOSE):
                raise UnreadableClaim("unbalanced brackets")
            return value
        if self.take(ROOT):
            return Value(_power(self.postfix().exact, sympy.Rational(1, 2)))
        if self.take(FRAC):
            numerator, denominator = self.atom(), self.atom()
            if denominator.exact == 0:
                raise DivisionByZero
            return Value(numerator.exact / denominator.exact)
        raise UnreadableClaim(f"unexpected {token.text!r}")


def _add(left: Value, right: Value, sign: int) -> Value:
    """Sum of two values; '80 + 20%' is ambiguous (80.2 or 96) and so is not computed."""
    if left.percent != right.percent:
        raise UnreadableClaim("percentage added to a plain number")
    return Value(left.exact + sign * right.exact, left.percent)


def _multiply(left: Value, right: Value) -> Value:
    return Value(left.exact * right.exact)


def _digits(value: sympy.Expr) -> float:
    """Rough decimal size of a rational's numerator and denominator."""
    if isinstance(value, sympy.Rational):
        return max(len(str(abs(value.p))), len(str(value.q)))
    return float(MAX_RESULT_DIGITS + 1)


def _power(base: sympy.Expr, exponent: sympy.Expr) -> sympy.Expr:
    """base ** exponent, refused when the result would be huge, complex or irrational-exponent."""
    if not isinstance(exponent, sympy.Rational):
        raise UnreadableClaim("irrational exponent")
    if exponent.q > MAX_ROOT_DEGREE:
        raise UnreadableClaim("root of too high a degree")
    if base == 0 and exponent < 0:
        raise DivisionByZero
    if exponent.q != 1 and base.is_negative:
        raise UnreadableClaim("root of a negative number")
    if isinstance(base, sympy.Rational) and abs(base) not in (0, 1):
        if abs(exponent) * _digits(base) > MAX_RESULT_DIGITS:
            raise UnreadableClaim("result too large")
    elif abs(exponent) > MAX_RESULT_DIGITS:
        raise UnreadableClaim("exponent too large")
    return sympy.Pow(base, exponent)


def evaluate(tokens: Sequence[Token]) -> Value:
    """The exact value of an expression's tokens; raises when they do not form one."""
    value = Parser(tokens).parse()
    if not value.exact.is_real:
        raise UnreadableClaim("not a real number")
    return value


def is_math(token: Token) -> bool:
    return token.kind in (NUMBER, OPERATOR)


def has_operator(tokens: Sequence[Token]) -> bool:
    return any(t.kind == OPERATOR and t.symbol not in (OPEN, CLOSE) for t in tokens)


@dataclass(frozen=True)
class Equation:
    """One claim found in prose: `left relation right`, with its place in the text."""

    left: tuple[Token, ...]
    right: tuple[Token, ...]
    relation: Relation
    start: int
    end: int
    # Set for a claim in a running chain ('48/2 = 24 + 3 = 27'), where right continues on.
    continued: bool = False


def _left_side(tokens: Sequence[Token], equals_index: int) -> tuple[Token, ...] | None:
    """The expression just before an equals token, or None when it is not plain arithmetic."""
    start = equals_index
    while start > 0 and is_math(tokens[start - 1]):
        current, previous = tokens[start], tokens[start - 1]
        if start < equals_index and current.kind == NUMBER and previous.kind == NUMBER:
            break
        start -= 1
    side = list(tokens[start:equals_index])
    before = tokens[start - 1] if start > 0 else None
    if before is not None and before.kind == WORD and before.symbol in INCOMPLETE_AFTER:
        return None
    if (
        before is not None
        and before.symbol == "by"
        and start > 1
        and tokens[start - 2].symbol in OPERATIONS_BY
    ):
        return None
    if side and before is not None and before.kind == WORD and not side[0].space_before:
        return None
    while side and side[0].kind == OPERATOR and side[0].symbol in BINARY_OPERATORS:
        if before is not None and before.kind in (WORD, NUMBER):
            return None
        if side[0].symbol == MINUS:
            break
        side.pop(0)
    while side and side[0].symbol == OPEN and _balance(side) > 0:
        side.pop(0)
    return tuple(side)


def _right_side(tokens: Sequence[Token], equals_index: int) -> tuple[Token, ...] | None:
    """The expression just after an equals token, or None when it is not plain arithmetic."""
    end = equals_index + 1
    while end < len(tokens) and is_math(tokens[end]):
        current, previous = tokens[end], tokens[end - 1]
        if end > equals_index + 1 and current.kind == NUMBER and previous.kind == NUMBER:
            break
        end += 1
    side = list(tokens[equals_index + 1 : end])
    after = tokens[end] if end < len(tokens) else None
    if (
        side
        and after is not None
        and after.kind == WORD
        and not after.space_before
        and after.symbol not in GLUED_UNITS
    ):
        return None
    while side and side[-1].kind == OPERATOR and side[-1].symbol in BINARY_OPERATORS:
        if after is not None and after.kind in (WORD, NUMBER):
            return None
        side.pop()
    while side and side[-1].symbol == CLOSE and _balance(side) < 0:
        side.pop()
    return tuple(side)


def _balance(tokens: Sequence[Token]) -> int:
    return sum(1 if t.symbol == OPEN else -1 if t.symbol == CLOSE else 0 for t in tokens)


def _is_lone_number(tokens: Sequence[Token]) -> bool:
    """A single number, maybe signed or a percentage: what a result is written as."""
    rest = list(tokens)
    if rest and rest[0].symbol == MINUS:
        rest.pop(0)
    if rest and rest[-1].symbol == PERCENT:
        rest.pop()
    return len(rest) == 1 and rest[0].kind == NUMBER


def find_equations(text: str) -> list[Equation]:
    """Every arithmetic claim in a text, including GSM8K-style <<48/2=24>> annotations."""
    equations = list(_equations_in(text))
    for match in ANNOTATION_PATTERN.finditer(text):
        inner = " " * match.start(1) + match.group(1)
        equations.extend(_equations_in(inner))
    seen: set[str] = set()
    unique = []
    for equation in equations:
        key = "".join(t.text for t in (*equation.left, *equation.right)) + equation.relation
        if key not in seen:
            seen.add(key)
            unique.append(equation)
    return unique


def _drop_units(tokens: list[Token]) -> list[Token]:
    """Drop the unit words between a number and the operator after it, so that
    '126 apples/week - 42 apples/week = 84' reads as 126 - 42 = 84.

    A unit is at most MAX_UNIT_TOKENS words, maybe with '/word' or 'per word', written after a
    space ('2x' is not '2 units'); it is dropped only when an operator, '=' or a times-'x'
    followed by a number comes right after it, so prose between quantities is never bridged.
    A rate unit written against its number ('$1000/month') is dropped wherever it stands.
    """
    result: list[Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        result.append(token)
        index += 1
        if token.kind != NUMBER:
            continue
        while _is_rate_unit(tokens, index):
            index += 2
        end = index
        while end < len(tokens) and end - index < MAX_UNIT_TOKENS:
            current = tokens[end]
            if (
                current.kind == WORD
                and current.symbol != "x"
                and (end > index or current.space_before or current.symbol in GLUED_UNITS)
            ):
                end += 1
            elif (
                end > index
                and current.symbol == DIVIDE
                and end + 1 < len(tokens)
                and tokens[end + 1].kind == WORD
            ):
                end += 2
            else:
                break
        if end == index or end >= len(tokens):
            continue
        following = tokens[end]
        after = tokens[end + 1] if end + 1 < len(tokens) else None
        if following.kind == WORD and following.symbol == "x" and _starts_operand(after):
            result.append(
                Token(OPERATOR, following.text, following.start, following.end, True, TIMES)
            )
            index = end + 1
        elif following.kind == EQUALS or (
            following.kind == OPERATOR
            and following.symbol in (PLUS, MINUS, TIMES, DIVIDE)
            and _starts_operand(after)
        ):
            index = end
    return result


def _is_rate_unit(tokens: Sequence[Token], index: int) -> bool:
    """Whether '/word' written against a number starts at `index` ('$1000/month'): a unit,
    never a division, wherever it stands."""
    return (
        index + 1 < len(tokens)
        and tokens[index].symbol == DIVIDE
        and not tokens[index].space_before
        and tokens[index + 1].kind == WORD
        and tokens[index + 1].symbol != "x"
        and not tokens[index + 1].space_before
    )


def _equations_in(text: str) -> Iterator[Equation]:
    visible = ANNOTATION_PATTERN.sub(lambda match: " " * len(match.group(0)), text)
    tokens = _drop_units(tokenize(visible))
    for index, token in enumerate(tokens):
        if token.kind != EQUALS:
            continue
        left, right = _left_side(tokens, index), _right_side(tokens, index)
        if not left or not right or not has_operator(left):
            continue
        if token.symbol == "is" and not _is_lone_number(right):
            continue
        end_index = index + len(right)
        continued = end_index + 1 < len(tokens) and tokens[end_index + 1].kind == EQUALS
        relation = Relation.APPROX if token.symbol == Relation.APPROX else Relation.EQUAL
        yield Equation(left, right, relation, left[0].start, right[-1].end, continued)


@dataclass(frozen=True)
class Recomputation:
    """The verdict on one equation: held or not, the exact value, and a readable detail."""

    held: bool
    value: sympy.Expr | None
    detail: str


def format_value(value: sympy.Expr) -> str:
    """A readable exact value: 24, 0.75, 10/3 (≈ 3.3333), ≈ 3.1416 for irrationals."""
    if isinstance(value, sympy.Integer):
        return str(value)
    if isinstance(value, sympy.Rational):
        denominator = value.q
        while denominator % 2 == 0:
            denominator //= 2
        while denominator % 5 == 0:
            denominator //= 5
        if denominator == 1:
            return _decimal(value, 30)
        return f"{value.p}/{value.q} (≈ {_decimal(value, 6)})"
    return f"≈ {_decimal(value, 6)}"


def _decimal(value: sympy.Expr, places: int) -> str:
    text = f"{sympy.N(value, places + 20):.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def within_rounding(exact: sympy.Expr, shown: sympy.Rational, decimals: int) -> bool:
    """True when `shown` is `exact` rounded to nearest, or truncated, at `decimals` places."""
    if decimals == 0:
        return False
    scale = sympy.Integer(10) ** decimals
    scaled = exact * scale
    if isinstance(scaled, sympy.Rational) and scaled.q == 1:
        return False
    gap = sympy.N(exact - shown, 50)
    if abs(gap) <= 1 / (2 * scale):
        return True
    return bool(0 < gap * sympy.sign(exact) < 1 / scale)


def approximately(exact: sympy.Expr, shown: sympy.Expr, decimals: int) -> bool:
    """The looser test of '≈': a unit of the last decimal shown, or 0.5 % of the value."""
    tolerance = max(sympy.Rational(1, 10**decimals), abs(sympy.N(exact, 50)) / 200)
    return bool(abs(sympy.N(exact - shown, 50)) <= tolerance)


def equal(first: sympy.Expr, second: sympy.Expr) -> bool:
    """Exact equality; irrational values are compared to 40 significant digits."""
    if isinstance(first, sympy.Rational) and isinstance(second, sympy.Rational):
        return first == second
    difference = sympy.N(first - second, 60)
    scale = max(abs(sympy.N(first, 60)), 1)
    return bool(abs(difference) < scale * sympy.Float(10) ** -40)


def shown_decimals(tokens: Sequence[Token]) -> int:
    """Decimals shown by a lone number, counted on its percentage scale when it has a '%'."""
    numbers = [t for t in tokens if t.kind == NUMBER]
    places = decimals_shown(numbers[0]) if numbers else 0
    return places + 2 if tokens and tokens[-1].symbol == PERCENT else places


def matches(exact: sympy.Expr, tokens: Sequence[Token], relation: Relation) -> bool:
    """Whether the written tokens state the exact value under the relation's rule; a result
    written as a percentage may count in points ('100 - 25 = 75%', '(3/4)*100 = 75%')."""
    in_points = _is_lone_number(tokens) and tokens[-1].symbol == PERCENT and len(tokens) > 1
    if in_points and _matches(exact, tokens[:-1], relation):
        return True
    return _matches(exact, tokens, relation)


def _matches(exact: sympy.Expr, tokens: Sequence[Token], relation: Relation) -> bool:
    shown = evaluate(tokens).exact
    if equal(exact, shown):
        return True
    if not _is_lone_number(tokens):
        return relation is Relation.APPROX and approximately(exact, shown, 0)
    decimals = shown_decimals(tokens)
    if relation is Relation.APPROX:
        return approximately(exact, shown, decimals)
    return isinstance(shown, sympy.Rational) and within_rounding(exact, shown, decimals)


def recompute(equation: Equation) -> Recomputation | None:
    """Check one equation exactly; None when it cannot be computed (it is then skipped)."""
    left_text = " ".join(t.text for t in equation.left)
    try:
        left = evaluate(equation.left).exact
    except DivisionByZero:
        return Recomputation(False, None, f"{left_text} divides by zero")
    except (UnreadableClaim, ValueError, TypeError, OverflowError):
        return None
    try:
        held = matches(left, equation.right, equation.relation)
        if not held and equation.continued:
            held = matches(left, _leading_operand(equation.right), equation.relation)
    except (UnreadableClaim, DivisionByZero, ValueError, TypeError, OverflowError):
        return None
    return Recomputation(held, left, format_value(left))


def _leading_operand(tokens: Sequence[Token]) -> tuple[Token, ...]:
    """'24' of '24 + 3': the running total a chained claim starts from."""
    for index, token in enumerate(tokens):
        if token.kind == OPERATOR and token.symbol in (PLUS, MINUS, TIMES, DIVIDE) and index:
            return tuple(tokens[:index])
    return tuple(tokens)


def number_candidates(text: str) -> list[tuple[sympy.Expr, tuple[Token, ...]]]:
    """Values a text (an answer) states: each arithmetic run's value ('3/4' is 0.75, '-5' is -5),
    a percentage's bare number too ('25%' states 25 and 0.25), and the numbers of a run that
    does not compute."""
    runs: list[list[Token]] = [[]]
    for token in tokenize(text):
        if is_math(token) and not (runs[-1] and runs[-1][-1].kind == token.kind == NUMBER):
            runs[-1].append(token)
        else:
            runs.append([token] if is_math(token) else [])
    candidates: list[tuple[sympy.Expr, tuple[Token, ...]]] = []
    for run in runs:
        while run and run[-1].kind == OPERATOR and run[-1].symbol in BINARY_OPERATORS:
            run.pop()
        while run and run[0].kind == OPERATOR and run[0].symbol in BINARY_OPERATORS - {MINUS}:
            run.pop(0)
        if not any(t.kind == NUMBER for t in run):
            continue
        readings = [run[:-1], run] if run[-1].symbol == PERCENT else [run]
        try:
            candidates.extend((evaluate(reading).exact, tuple(reading)) for reading in readings)
        except (UnreadableClaim, DivisionByZero, ValueError, TypeError, OverflowError):
            for token in run:
                if token.kind == NUMBER and len(token.text) <= MAX_NUMBER_CHARS:
                    candidates.append((number_value(token), (token,)))
    return candidates


def states_value(exact: sympy.Expr, text: str) -> bool | None:
    """Whether a text (a final answer) states the value; None when it holds no number.

    An answer written as an equation ("17 * 23 = 391") states its right-hand side only, so
    a wrong result is not excused by a left-hand side that computes the value.
    """
    if "=" in text:
        text = text.rsplit("=", 1)[1]
    candidates = number_candidates(text)
    if not candidates:
        return None
    for shown, tokens in candidates:
        if equal(exact, shown):
            return True
        if (
            _is_lone_number(tokens)
            and isinstance(shown, sympy.Rational)
            and within_rounding(exact, shown, shown_decimals(tokens))
        ):
            return True
    return False
