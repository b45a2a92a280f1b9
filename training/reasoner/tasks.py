"""The task families: what a question asks, the tool call that answers it, and the answer's wording.

A task samples a `Problem` from a `Draw`: the slots of its question templates, the call, a
short thought, and a function from the tool's real result to the closing sentence and final
value. Each task has training templates and held-out templates; no template is in both.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .phrasing import Draw, Span, number, polynomial

Result = Mapping[str, Any]
# From the tool's raw result (None without a tool) to the closing sentence and the final value.
Answer = Callable[[Result | None], tuple[str, str]]


@dataclass(frozen=True)
class Problem:
    """One sampled question: its slots, the expected call, and how the answer is worded.

    `mistake` is a first call the model gets wrong and, after reading the tool's error,
    corrects with `fix` (a thought) and the expected call.
    """

    slots: Mapping[str, Any]
    tool: str | None
    arguments: dict[str, Any] | None
    thought: str
    answer: Answer
    mistake: dict[str, Any] | None = None
    fix: str = ""


@dataclass(frozen=True)
class Task:
    """A kind of question with its train and held-out templates; weight is within its family."""

    family: str
    name: str
    train: tuple[str, ...]
    held_out: tuple[str, ...]
    sample: Callable[[Draw], Problem]
    weight: float = 1.0

    @property
    def id(self) -> str:
        return f"{self.family}.{self.name}"

    def templates(self, held_out: bool) -> list[tuple[str, str]]:
        """(template id, template) pairs of one side: t0, t1, … for training, h0, h1, … held out."""
        chosen, mark = (self.held_out, "h") if held_out else (self.train, "t")
        return [(f"{self.id}.{mark}{index}", text) for index, text in enumerate(chosen)]


def fixed(sentence: str, final: str) -> Answer:
    """An answer that needs no tool result."""
    return lambda _result: (sentence, final)


def quantity(field_name: str, sentence: str) -> Answer:
    """An answer reading {value, unit, text} quantity `field_name` of the result."""

    def answer(result: Result | None) -> tuple[str, str]:
        assert result is not None
        text = result[field_name]["text"]
        return sentence.format(text=text), text

    return answer


# ---------------------------------------------------------------------------------------- math

SMALL_COEFFICIENT = Span(train=(2, 9), held_out=(11, 29))
TERM_COEFFICIENT = Span(train=(1, 9), held_out=(10, 40))
ROOT = Span(train=(-9, 9), held_out=(10, 30))
OFFSET = Span(train=(1, 30), held_out=(31, 120))
MATH_THOUGHTS = (
    "I'll let the symbolic math tool do this exactly.",
    "This is a job for symbolic_math; I'll call it rather than work it out by hand.",
    "Let me compute this with the symbolic math tool.",
    "I'll use symbolic_math so the result is exact.",
)


def solve_linear(draw: Draw) -> Problem:
    a = draw.integer("a", SMALL_COEFFICIENT)
    root = draw.integer("x", ROOT)
    b = draw.integer("b", OFFSET)
    equation = f"{a}x + {b} = {a * root + b}"

    def answer(result: Result | None) -> tuple[str, str]:
        assert result is not None
        (value,) = result["solutions"]
        return f"The equation holds for x = {value}.", f"x = {value}"

    return Problem(
        {"equation": equation},
        "symbolic_math",
        {"operation": "solve", "expression": equation, "variable": "x"},
        draw.phrase(MATH_THOUGHTS),
        answer,
    )


def solve_quadratic(draw: Draw) -> Problem:
    first = draw.integer("root_1", ROOT)
    second = draw.integer("root_2", ROOT)
    if first == second:
        second += 1
    equation = polynomial([(1, 2), (-(first + second), 1), (first * second, 0)]) + " = 0"

    def answer(result: Result | None) -> tuple[str, str]:
        assert result is not None
        roots = " or ".join(f"x = {value}" for value in result["solutions"])
        return f"The solutions are {roots}.", roots

    return Problem(
        {"equation": equation},
        "symbolic_math",
        {"operation": "solve", "expression": equation, "variable": "x"},
        draw.phrase(MATH_THOUGHTS),
        answer,
    )


def random_polynomial(draw: Draw, slot: str, degrees: tuple[int, ...]) -> str:
    """A polynomial with a coefficient drawn per term; the lead term's size is recorded."""
    lead = draw.integer(slot, TERM_COEFFICIENT)
    terms = [(lead, degrees[0])]
    for power in degrees[1:]:
        terms.append((draw.rng.choice((-1, 1)) * draw.rng.randint(1, 9), power))
    return polynomial(terms)


def derivative(draw: Draw) -> Problem:
    degree = draw.rng.randint(2, 5)
    expression = random_polynomial(draw, "lead", (degree, *draw.rng.sample(range(degree), 2)))
    if draw.rng.random() < 0.3:
        expression += (
            f" + {draw.rng.randint(2, 9)}{draw.rng.choice(('sin(x)', 'cos(x)', 'exp(x)'))}"
        )

    def answer(result: Result | None) -> tuple[str, str]:
        assert result is not None
        return f"The derivative is {result['result']}.", result["result"]

    return Problem(
        {"f": expression},
        "symbolic_math",
        {"operation": "diff", "expression": expression, "variable": "x"},
        draw.phrase(MATH_THOUGHTS),
        answer,
    )


def antiderivative(draw: Draw) -> Problem:
    degree = draw.rng.randint(1, 4)
    expression = random_polynomial(draw, "lead", (degree, draw.rng.randrange(degree)))

    def answer(result: Result | None) -> tuple[str, str]:
        assert result is not None
        return f"An antiderivative is {result['result']}, plus any constant.", (
            f"{result['result']} + C"
        )

    return Problem(
        {"f": expression},
        "symbolic_math",
        {"operation": "integrate", "expression": expression, "variable": "x"},
        draw.phrase(MATH_THOUGHTS),
        answer,
    )


def definite_integral(draw: Draw) -> Problem:
    degree = draw.rng.randint(1, 3)
    expression = random_polynomial(draw, "lead", (degree, draw.rng.randrange(degree)))
    upper = draw.integer("upper", Span(train=(1, 6), held_out=(7, 15)))

    def answer(result: Result | None) -> tuple[str, str]:
        assert result is not None
        return f"The integral from 0 to {upper} equals {result['result']}.", result["result"]

    return Problem(
        {"f": expression, "upper": upper},
        "symbolic_math",
        {
            "operation": "integrate",
            "expression": expression,
            "variable": "x",
            "lower": 0,
            "upper": upper,
        },
        draw.phrase(MATH_THOUGHTS),
        answer,
    )


def simplify(draw: Draw) -> Problem:
    a = draw.integer("a", SMALL_COEFFICIENT)
    b = draw.integer("b", SMALL_COEFFICIENT)
    numerator = polynomial([(1, 2), (a + b, 1), (a * b, 0)])
    expression = f"({numerator})/(x + {a})"

    def answer(result: Result | None) -> tuple[str, str]:
        assert result is not None
        return f"It simplifies to {result['result']}.", result["result"]

    return Problem(
        {"f": expression},
        "symbolic_math",
        {"operation": "simplify", "expression": expression},
        draw.phrase(MATH_THOUGHTS),
        answer,
    )


def factor(draw: Draw) -> Problem:
    a = draw.integer("a", SMALL_COEFFICIENT) * draw.rng.choice((-1, 1))
    b = draw.integer("b", SMALL_COEFFICIENT) * draw.rng.choice((-1, 1))
    expression = polynomial([(1, 2), (a + b, 1), (a * b, 0)])

    def answer(result: Result | None) -> tuple[str, str]:
        assert result is not None
        return f"It factors as {result['result']}.", result["result"]

    return Problem(
        {"f": expression},
        "symbolic_math",
        {"operation": "factor", "expression": expression},
        draw.phrase(MATH_THOUGHTS),
        answer,
    )


def square_root(draw: Draw) -> Problem:
    value = draw.integer("n", Span(train=(2, 99), held_out=(101, 999)))
    if int(value**0.5) ** 2 == value:
        value += 1
    digits = draw.rng.randint(4, 10)

    def answer(result: Result | None) -> tuple[str, str]:
        assert result is not None
        return f"To {digits} significant digits, sqrt({value}) ≈ {result['result']}.", result[
            "result"
        ]

    return Problem(
        {"n": value, "digits": digits},
        "symbolic_math",
        {"operation": "evaluate", "expression": f"sqrt({value})", "precision": digits},
        draw.phrase(MATH_THOUGHTS),
        answer,
    )


def gcd_lcm(draw: Draw) -> Problem:
    which = draw.rng.choice(("gcd", "lcm"))
    span = Span(train=(6, 200), held_out=(201, 3000))
    first = draw.integer("m", span)
    second = draw.integer("n", span)
    words = "greatest common divisor" if which == "gcd" else "least common multiple"

    def answer(result: Result | None) -> tuple[str, str]:
        assert result is not None
        return f"The {words} of {first} and {second} is {result['result']}.", result["result"]

    return Problem(
        {"m": first, "n": second, "what": draw.phrase((words, which.upper(), which))},
        "symbolic_math",
        {"operation": which, "integers": [first, second]},
        draw.phrase(MATH_THOUGHTS),
        answer,
    )


def primality(draw: Draw) -> Problem:
    value = draw.integer("n", Span(train=(50, 9999), held_out=(10_000, 999_999)))

    def answer(result: Result | None) -> tuple[str, str]:
        assert result is not None
        verdict = "yes" if result["prime"] else "no"
        return f"{value} is {'' if result['prime'] else 'not '}prime.", verdict

    return Problem(
        {"n": value},
        "symbolic_math",
        {"operation": "isprime", "integer": value},
        draw.phrase(MATH_THOUGHTS),
        answer,
    )


def limit(draw: Draw) -> Problem:
    a = draw.integer("a", SMALL_COEFFICIENT)
    function = draw.rng.choice(("sin", "tan"))
    expression = f"{function}({a}x)/x"

    def answer(result: Result | None) -> tuple[str, str]:
        assert result is not None
        return f"The limit as x → 0 is {result['result']}.", result["result"]

    return Problem(
        {"f": expression},
        "symbolic_math",
        {"operation": "limit", "expression": expression, "variable": "x", "point": 0},
        draw.phrase(MATH_THOUGHTS),
        answer,
    )


def determinant(draw: Draw) -> Problem:
    matrix = [
        [draw.integer(f"m{row}{column}", TERM_COEFFICIENT) for column in (1, 2)] for row in (1, 2)
    ]
    shown = "[[" + "], [".join(", ".join(str(v) for v in row) for row in matrix) + "]]"

    def answer(result: Result | None) -> tuple[str, str]:
        assert result is not None
        return f"The determinant is {result['result']}.", result["result"]

    return Problem(
        {"matrix": shown},
        "symbolic_math",
        {"operation": "det", "matrix": matrix},
        draw.phrase(MATH_THOUGHTS),
        answer,
    )


def sum_of_powers(draw: Draw) -> Problem:
    power = draw.rng.choice((1, 2, 3))
    upper = draw.integer("n", Span(train=(5, 60), held_out=(61, 500)))
    expression = "k" if power == 1 else f"k^{power}"

    def answer(result: Result | None) -> tuple[str, str]:
        assert result is not None
        return f"The sum of {expression} for k = 1..{upper} is {result['result']}.", result[
            "result"
        ]

    return Problem(
        {"term": expression, "n": upper},
        "symbolic_math",
        {
            "operation": "summation",
            "expression": expression,
            "variable": "k",
            "lower": 1,
            "upper": upper,
        },
        draw.phrase(MATH_THOUGHTS),
        answer,
    )


MATH = [
    Task(
        "math",
        "solve_linear",
        (
            "Solve {equation} for x.",
            "{Find} x if {equation}.",
            "What value of x satisfies {equation}?",
            "If {equation}, what is x?",
            "solve {equation}",
        ),
        (
            "Given the equation {equation}, determine the unknown x.",
            "x is unknown and {equation}. Which number is x?",
        ),
        solve_linear,
    ),
    Task(
        "math",
        "solve_quadratic",
        (
            "Solve {equation}.",
            "{Find} the roots of {equation}.",
            "What are the solutions of {equation}?",
            "For which x does {equation} hold?",
        ),
        (
            "List every real x with {equation}.",
            "Where are the zeros of the quadratic in {equation}?",
        ),
        solve_quadratic,
    ),
    Task(
        "math",
        "derivative",
        (
            "Differentiate {f} with respect to x.",
            "What is the derivative of {f}?",
            "{Find} d/dx of {f}.",
            "{Find} f'(x) for f(x) = {f}.",
        ),
        (
            "How fast does {f} change with x? Give the derivative.",
            "Take the first derivative of f(x) = {f}.",
        ),
        derivative,
    ),
    Task(
        "math",
        "antiderivative",
        (
            "Integrate {f} with respect to x.",
            "What is the indefinite integral of {f} dx?",
            "{Find} an antiderivative of {f}.",
        ),
        ("Which function has derivative {f}?",),
        antiderivative,
    ),
    Task(
        "math",
        "definite_integral",
        (
            "Integrate {f} from x = 0 to x = {upper}.",
            "{Find} the definite integral of {f} between 0 and {upper}.",
            "What is the area under {f} from 0 to {upper}?",
        ),
        ("Evaluate ∫ ({f}) dx over [0, {upper}].",),
        definite_integral,
    ),
    Task(
        "math",
        "simplify",
        ("Simplify {f}.", "{Find} a simpler form of {f}.", "Can {f} be simplified?"),
        ("Reduce the fraction {f} to lowest terms.",),
        simplify,
    ),
    Task(
        "math",
        "factor",
        ("Factor {f}.", "{Find} the factorisation of {f}.", "Factorize {f} over the integers."),
        ("Write {f} as a product of linear factors.",),
        factor,
    ),
    Task(
        "math",
        "square_root",
        (
            "{What is} the square root of {n} to {digits} significant digits?",
            "{Find} sqrt({n}) to {digits} significant figures.",
        ),
        ("Approximate √{n}, keeping {digits} significant digits.",),
        square_root,
    ),
    Task(
        "math",
        "gcd_lcm",
        ("{What is} the {what} of {m} and {n}?", "{Find} the {what} of {m} and {n}."),
        ("Take {m} and {n}: {give} their {what}.",),
        gcd_lcm,
    ),
    Task(
        "math",
        "primality",
        ("Is {n} a prime number?", "Is {n} prime?", "Check whether {n} is prime."),
        ("Does {n} have any divisors other than 1 and itself?",),
        primality,
    ),
    Task(
        "math",
        "limit",
        ("{Find} the limit of {f} as x approaches 0.", "What is lim x→0 of {f}?"),
        ("As x tends to zero, what value does {f} approach?",),
        limit,
    ),
    Task(
        "math",
        "determinant",
        ("{Find} the determinant of the matrix {matrix}.", "What is det({matrix})?"),
        ("The rows of a 2x2 matrix are {matrix}. Compute its determinant.",),
        determinant,
    ),
    Task(
        "math",
        "sum_of_powers",
        ("{What is} the sum of {term} for k from 1 to {n}?", "{Find} Σ {term}, k = 1..{n}."),
        ("Add up {term} over every integer k between 1 and {n}.",),
        sum_of_powers,
    ),
]

# --------------------------------------------------------------------------------------- units

# (pint unit, ways a person writes it)
UNITS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "length": (
        ("km", ("km", "kilometres", "kilometers")),
        ("mi", ("mi", "miles")),
        ("m", ("m", "metres", "meters")),
        ("ft", ("ft", "feet")),
        ("inch", ("in", "inches")),
        ("cm", ("cm", "centimetres", "centimeters")),
        ("yd", ("yd", "yards")),
    ),
    "mass": (
        ("kg", ("kg", "kilograms", "kilos")),
        ("lb", ("lb", "pounds", "lbs")),
        ("g", ("g", "grams")),
        ("oz", ("oz", "ounces")),
    ),
    "speed": (
        ("km/h", ("km/h", "kilometres per hour", "kph")),
        ("mph", ("mph", "miles per hour")),
        ("m/s", ("m/s", "metres per second", "meters per second")),
        ("knot", ("knots",)),
    ),
    "volume": (
        ("L", ("L", "litres", "liters")),
        ("gallon", ("gallons", "US gallons")),
        ("mL", ("mL", "millilitres", "milliliters")),
        ("cup", ("cups",)),
    ),
    "energy": (
        ("J", ("J", "joules")),
        ("kJ", ("kJ", "kilojoules")),
        ("kcal", ("kcal", "kilocalories")),
        ("kWh", ("kWh", "kilowatt-hours")),
        ("Btu", ("BTU", "British thermal units")),
    ),
    "pressure": (
        ("atm", ("atm", "atmospheres")),
        ("kPa", ("kPa", "kilopascals")),
        ("psi", ("psi", "pounds per square inch")),
        ("bar", ("bar",)),
        ("mmHg", ("mmHg", "millimetres of mercury")),
    ),
    "temperature": (
        ("degC", ("°C", "degrees Celsius", "celsius")),
        ("degF", ("°F", "degrees Fahrenheit", "fahrenheit")),
        ("K", ("K", "kelvin")),
    ),
}
UNIT_VALUE = Span(train=(0.5, 499), held_out=(500, 20_000))
UNIT_THOUGHTS = (
    "This is a unit conversion; the unit_convert tool knows the exact factor.",
    "I'll convert it with unit_convert.",
    "Let me use the unit converter rather than recall the factor.",
    "A conversion: I'll call unit_convert.",
)


def convert(draw: Draw) -> Problem:
    dimension = draw.phrase(list(UNITS))
    (source, source_names), (target, target_names) = draw.rng.sample(UNITS[dimension], 2)
    value = draw.real("value", UNIT_VALUE, digits=draw.rng.choice((0, 1, 2)))
    source_name = draw.phrase(source_names)

    def answer(result: Result | None) -> tuple[str, str]:
        assert result is not None
        return f"{number(value)} {source_name} is {result['text']}.", result["text"]

    return Problem(
        {"value": number(value), "source": source_name, "target": draw.phrase(target_names)},
        "unit_convert",
        {"value": value, "from_unit": source, "to_unit": target},
        draw.phrase(UNIT_THOUGHTS),
        answer,
    )


def convert_bare_temperature(draw: Draw) -> Problem:
    """Fahrenheit written "F": read as farad, the call fails, and the model corrects it."""
    value = draw.real("value", Span(train=(-40, 130), held_out=(131, 900)))
    source, target = draw.phrase((("degF", "degC"), ("degC", "degF")))

    def answer(result: Result | None) -> tuple[str, str]:
        assert result is not None
        return f"{number(value)} {source[-1]} is {result['text']}.", result["text"]

    return Problem(
        {"value": number(value), "source": source[-1], "target": target[-1]},
        "unit_convert",
        {"value": value, "from_unit": source, "to_unit": target},
        draw.phrase(UNIT_THOUGHTS),
        answer,
        mistake={"value": value, "from_unit": source[-1], "to_unit": target[-1]},
        fix=draw.phrase(
            (
                f"The tool read {source[-1]} and {target[-1]} as electrical units. For "
                f"temperatures I need {source} and {target}.",
                f"A bare F is farad and a bare C is coulomb; I'll retry with {source} and "
                f"{target}.",
            )
        ),
    )


UNITS_TASKS = [
    Task(
        "units",
        "convert",
        (
            "Convert {value} {source} to {target}.",
            "How many {target} is {value} {source}?",
            "{What is} {value} {source} in {target}?",
            "{value} {source} = ? {target}",
            "convert {value} {source} into {target} please",
        ),
        (
            "Express {value} {source} in {target}.",
            "I have {value} {source}; how much is that in {target}?",
        ),
        convert,
    ),
    Task(
        "units",
        "bare_temperature",
        ("Convert {value} {source} to {target}.", "{value}{source} in {target}?"),
        ("It is {value} {source} outside. What is that in {target}?",),
        convert_bare_temperature,
        weight=0.15,
    ),
]
