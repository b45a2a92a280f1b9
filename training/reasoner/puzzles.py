"""Logic puzzles for the Z3 solver and small programs for the Python sandbox."""

from typing import Any

from .phrasing import Draw, Span
from .replay import Dropped
from .tasks import Answer, Problem, Result, Task

# --------------------------------------------------------------------------------------- logic

LOGIC_THOUGHTS = (
    "I'll state this as constraints and let logic_solver find the values.",
    "This is a constraint problem; the logic solver will settle it exactly.",
    "Let me encode the conditions for logic_solver.",
)


def model_answer(names: tuple[str, ...], sentence: str) -> Answer:
    """An answer listing the solver's values of `names`."""

    def answer(result: Result | None) -> tuple[str, str]:
        if result is None or result["status"] != "sat":
            raise Dropped("the puzzle has no solution")
        values = ", ".join(f"{name} = {result['model'][name]}" for name in names)
        return sentence.format(**result["model"]), values

    return answer


def integers(*names: str, low: int = 0, high: int | None = None) -> list[dict[str, Any]]:
    """Int variable declarations, bounded below (and above when `high` is given)."""
    bounds = {"min": low} | ({"max": high} if high is not None else {})
    return [{"name": name, "type": "int", **bounds} for name in names]


def sum_and_difference(draw: Draw) -> Problem:
    small = draw.integer("y", Span(train=(1, 50), held_out=(51, 500)))
    large = small + draw.integer("gap", Span(train=(1, 40), held_out=(41, 300)))
    total, gap = small + large, large - small
    return Problem(
        {"total": total, "gap": gap},
        "logic_solver",
        {
            "variables": integers("x", "y", low=-1000, high=10_000),
            "constraints": [f"x + y == {total}", f"x - y == {gap}"],
        },
        draw.phrase(LOGIC_THOUGHTS),
        model_answer(("x", "y"), "The numbers are {x} and {y}."),
    )


def ages(draw: Draw) -> Problem:
    child = draw.integer("child_age", Span(train=(2, 12), held_out=(13, 20)))
    factor = draw.integer("factor", Span(train=(2, 3), held_out=(4, 5)))
    total = child * (factor + 1)
    return Problem(
        {"factor": factor, "total": total},
        "logic_solver",
        {
            "variables": integers("parent", "child", high=150),
            "constraints": [f"parent == {factor} * child", f"parent + child == {total}"],
        },
        draw.phrase(LOGIC_THOUGHTS),
        model_answer(("parent", "child"), "The parent is {parent} and the child is {child}."),
    )


def coins(draw: Draw) -> Problem:
    nickels = draw.integer("nickels", Span(train=(1, 30), held_out=(31, 200)))
    dimes = draw.integer("dimes", Span(train=(1, 30), held_out=(31, 200)))
    count, cents = nickels + dimes, 5 * nickels + 10 * dimes
    return Problem(
        {"count": count, "cents": cents},
        "logic_solver",
        {
            "variables": integers("nickels", "dimes"),
            "constraints": [f"nickels + dimes == {count}", f"5*nickels + 10*dimes == {cents}"],
        },
        draw.phrase(LOGIC_THOUGHTS),
        model_answer(("nickels", "dimes"), "There are {nickels} nickels and {dimes} dimes."),
    )


LOGIC = [
    Task(
        "logic",
        "sum_and_difference",
        (
            "Two numbers add up to {total} and differ by {gap}. What are they?",
            "{Find} x and y if x + y = {total} and x - y = {gap}.",
        ),
        (
            "The sum of two integers is {total}; the larger exceeds the smaller by {gap}. "
            "Name them.",
        ),
        sum_and_difference,
    ),
    Task(
        "logic",
        "ages",
        (
            "A parent is {factor} times as old as their child, and together they are {total}. "
            "How old is each?",
            "{Find} both ages: the parent is {factor} times the child's age and the ages sum to "
            "{total}.",
        ),
        ("Combined age {total}; one is {factor}x the other's age. What are the two ages?",),
        ages,
    ),
    Task(
        "logic",
        "coins",
        (
            "I have {count} coins, all nickels and dimes, worth {cents} cents. How many of each?",
            "{Find} the number of nickels and dimes in {count} coins totalling {cents} cents.",
        ),
        ("A jar holds {cents}¢ in nickels and dimes only, {count} coins in all. Count each kind.",),
        coins,
    ),
]

# ---------------------------------------------------------------------------------------- code

CODE_THOUGHTS = (
    "A short Python program settles this; I'll run it in the sandbox.",
    "Let me compute it with execute_python.",
    "I'll write a few lines of Python and run them.",
)


def value_answer(sentence: str) -> Answer:
    """An answer quoting the program's final value."""

    def answer(result: Result | None) -> tuple[str, str]:
        assert result is not None
        return sentence.format(value=result["value"]), result["value"]

    return answer


def choose(draw: Draw) -> Problem:
    n = draw.integer("n", Span(train=(5, 40), held_out=(41, 120)))
    k = draw.rng.randint(2, min(n - 1, 8))
    return Problem(
        {"n": n, "k": k},
        "execute_python",
        {"code": f"import math\nmath.comb({n}, {k})"},
        draw.phrase(CODE_THOUGHTS),
        value_answer(f"There are {{value}} ways to choose {k} of {n}."),
    )


def count_primes(draw: Draw) -> Problem:
    n = draw.integer("n", Span(train=(50, 5000), held_out=(5001, 100_000)))
    code = (
        f"n = {n}\n"
        "sieve = bytearray([1]) * n\n"
        "sieve[:2] = b'\\x00\\x00'\n"
        "for i in range(2, int(n ** 0.5) + 1):\n"
        "    if sieve[i]:\n"
        "        sieve[i * i :: i] = bytearray(len(range(i * i, n, i)))\n"
        "sum(sieve)"
    )
    return Problem(
        {"n": n},
        "execute_python",
        {"code": code},
        draw.phrase(CODE_THOUGHTS),
        value_answer(f"There are {{value}} primes below {n}."),
    )


def fibonacci(draw: Draw) -> Problem:
    n = draw.integer("n", Span(train=(10, 60), held_out=(61, 200)))
    code = f"a, b = 0, 1\nfor _ in range({n}):\n    a, b = b, a + b\na"
    return Problem(
        {"n": n},
        "execute_python",
        {"code": code},
        draw.phrase(CODE_THOUGHTS),
        value_answer(f"F({n}) = {{value}}."),
    )


def digit_sum(draw: Draw) -> Problem:
    n = draw.integer("n", Span(train=(10, 200), held_out=(201, 2000)))
    return Problem(
        {"n": n},
        "execute_python",
        {"code": f"sum(int(digit) for digit in str(2 ** {n}))"},
        draw.phrase(CODE_THOUGHTS),
        value_answer(f"The digits of 2^{n} add up to {{value}}."),
    )


CODE = [
    Task(
        "code",
        "choose",
        (
            "In how many ways can I choose {k} items from {n}?",
            "Compute {n} choose {k} with Python.",
        ),
        ("How many {k}-element subsets does a set of {n} elements have?",),
        choose,
    ),
    Task(
        "code",
        "count_primes",
        ("How many primes are there below {n}?", "Count the prime numbers less than {n}."),
        ("Run a sieve: how many primes lie under {n}?",),
        count_primes,
    ),
    Task(
        "code",
        "fibonacci",
        (
            "What is the {n}th Fibonacci number (F(0) = 0, F(1) = 1)?",
            "Compute F({n}) of the Fibonacci sequence starting 0, 1.",
        ),
        ("Starting from 0 and 1, what is Fibonacci number {n}?",),
        fibonacci,
    ),
    Task(
        "code",
        "digit_sum",
        (
            "What is the sum of the digits of 2^{n}?",
            "Add up the decimal digits of 2 to the power {n}.",
        ),
        ("Write 2**{n} out in decimal and total its digits.",),
        digit_sum,
    ),
]
