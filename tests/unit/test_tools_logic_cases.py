"""logic_solver case suite: puzzles, systems and optimisation problems with known answers.

Every expectation comes from outside the solver: a textbook value (SEND+MORE=MONEY, n-queens
counts, the Wyndor LP), a closed form computed here (stars and bars, chromatic polynomials,
Cramer's rule), or brute force in plain Python. Every model the tool returns is re-checked
against the constraints by plain Python predicates.
"""

import itertools
import math
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import pytest

from svend.tools.logic import logic_solver

CASES: list[Any] = []


def case(case_id: str, **arguments: Any) -> Callable[[Callable[[dict], None]], None]:
    """Register a check of logic_solver(arguments) under a readable id."""

    def register(check: Callable[[dict], None]) -> None:
        CASES.append(pytest.param(arguments, check, id=case_id))

    return register


def ints(names: str, low: int | None = None, high: int | None = None) -> list[dict]:
    bounds = {"min": low} if low is not None else {}
    if high is not None:
        bounds["max"] = high
    return [{"name": name, "type": "int"} | bounds for name in names.split()]


def bools(names: str) -> list[dict]:
    return [{"name": name, "type": "bool"} for name in names.split()]


def reals(names: str) -> list[dict]:
    return [{"name": name, "type": "real"} for name in names.split()]


def exact(value: Any) -> Any:
    """A model value as a Python number: reals from their exact text."""
    return Fraction(value["exact"]) if isinstance(value, dict) else value


def values(model: dict) -> dict:
    return {name: exact(value) for name, value in model.items()}


def all_satisfy(result: dict, predicate: Callable[[dict], bool]) -> None:
    """Every returned model passes the plain-Python version of the constraints."""
    assert result["status"] == "sat"
    models = result.get("solutions", [result["model"]])
    for model in models:
        assert predicate(values(model)), model
    keys = [tuple(sorted(values(model).items())) for model in models]
    assert len(set(keys)) == len(keys), "solutions repeat"


# --- Cryptarithms: SEND+MORE=MONEY has the textbook unique answer 9567 + 1085 = 10652; the
# number of TWO+TWO=FOUR solutions is counted by brute force over digit permutations.


def word_value(word: str, digits: dict) -> int:
    return int("".join(str(digits[letter]) for letter in word))


def cryptarithm(first: str, second: str, total: str) -> dict:
    letters = sorted(set(first + second + total))
    weighted = " + ".join(
        f"{10 ** (len(word) - 1 - position)}*{letter}"
        for word in (first, second)
        for position, letter in enumerate(word)
    )
    result = " + ".join(
        f"{10 ** (len(total) - 1 - position)}*{letter}" for position, letter in enumerate(total)
    )
    leading = sorted({first[0], second[0], total[0]})
    return {
        "variables": ints(" ".join(letters), 0, 9),
        "constraints": [
            f"Distinct({', '.join(letters)})",
            f"{weighted} == {result}",
            *[f"{letter} != 0" for letter in leading],
        ],
        "all_solutions": True,
    }


def cryptarithm_holds(first: str, second: str, total: str) -> Callable[[dict], bool]:
    def holds(digits: dict) -> bool:
        return (
            len(set(digits.values())) == len(digits)
            and word_value(first, digits) + word_value(second, digits) == word_value(total, digits)
            and all(digits[word[0]] != 0 for word in (first, second, total))
        )

    return holds


@case("send_more_money", **cryptarithm("SEND", "MORE", "MONEY"))
def _(result: dict) -> None:
    assert result["solutions"] == [{"S": 9, "E": 5, "N": 6, "D": 7, "M": 1, "O": 0, "R": 8, "Y": 2}]
    digits = result["model"]
    assert word_value("SEND", digits) == 9567
    assert word_value("MORE", digits) == 1085
    assert word_value("MONEY", digits) == 10652
    assert result["complete"] is True


def brute_force_cryptarithm(first: str, second: str, total: str) -> int:
    letters = sorted(set(first + second + total))
    holds = cryptarithm_holds(first, second, total)
    return sum(
        holds(dict(zip(letters, digits, strict=True)))
        for digits in itertools.permutations(range(10), len(letters))
    )


@case("two_two_four_count", **cryptarithm("TWO", "TWO", "FOUR"))
def _(result: dict) -> None:
    all_satisfy(result, cryptarithm_holds("TWO", "TWO", "FOUR"))
    assert result["complete"] is True
    assert result["solution_count"] == brute_force_cryptarithm("TWO", "TWO", "FOUR")


# --- n-queens: solution counts 4 -> 2, 5 -> 10, 6 -> 4, 8 -> 92 (OEIS A000170).


def queens(n: int) -> dict:
    names = [f"q{row}" for row in range(n)]
    diagonals = [
        f"Abs({names[i]} - {names[j]}) != {j - i}" for i in range(n) for j in range(i + 1, n)
    ]
    return {
        "variables": ints(" ".join(names), 0, n - 1),
        "constraints": [f"Distinct({', '.join(names)})", *diagonals],
        "all_solutions": True,
    }


def queens_safe(board: dict) -> bool:
    columns = [board[f"q{row}"] for row in range(len(board))]
    return len(set(columns)) == len(columns) and all(
        abs(columns[i] - columns[j]) != j - i
        for i in range(len(columns))
        for j in range(i + 1, len(columns))
    )


for size, count in ((4, 2), (5, 10), (6, 4), (8, 92)):

    @case(f"queens_{size}", **queens(size))
    def _(result: dict, count: int = count) -> None:
        all_satisfy(result, queens_safe)
        assert result["solution_count"] == count
        assert result["complete"] is True


# --- Pigeonhole: n + 1 pigeons in n holes cannot all be apart; unsat by counting.


@case(
    "pigeonhole_ints_4_in_3",
    variables=ints("p1 p2 p3 p4", 1, 3),
    constraints=["Distinct(p1, p2, p3, p4)"],
)
def _(result: dict) -> None:
    assert result["status"] == "unsat"


def boolean_pigeonhole(pigeons: int, holes: int) -> dict:
    names = {(p, h): f"x{p}_{h}" for p in range(pigeons) for h in range(holes)}
    each_in_a_hole = [f"Or({', '.join(names[p, h] for h in range(holes))})" for p in range(pigeons)]
    no_sharing = [
        f"AtMost({', '.join(names[p, h] for p in range(pigeons))}, 1)" for h in range(holes)
    ]
    return {
        "variables": bools(" ".join(names.values())),
        "constraints": each_in_a_hole + no_sharing,
        "unsat_core": True,
    }


@case("pigeonhole_bools_5_in_4", **boolean_pigeonhole(5, 4))
def _(result: dict) -> None:
    assert result["status"] == "unsat"
    # Every constraint is needed: dropping any pigeon or hole leaves a satisfiable problem.
    assert len(result["unsat_core"]) == 5 + 4


@case("pigeonhole_bools_4_in_4_is_sat", **boolean_pigeonhole(4, 4) | {"all_solutions": True})
def _(result: dict) -> None:
    # Four pigeons in four holes, one each: 4! placements.
    assert result["solution_count"] == math.factorial(4)


# --- A 4x4 Sudoku with a unique completion, found by brute force over all 288 grids.


def sudoku_grids() -> list[list[list[int]]]:
    """Every valid 4x4 Sudoku grid, by plain enumeration of row permutations."""
    rows = list(itertools.permutations(range(1, 5)))
    grids = []
    for grid in itertools.product(rows, repeat=4):
        columns_ok = all(len({grid[r][c] for r in range(4)}) == 4 for c in range(4))
        boxes_ok = all(
            len({grid[r][c] for r in (br, br + 1) for c in (bc, bc + 1)}) == 4
            for br in (0, 2)
            for bc in (0, 2)
        )
        if columns_ok and boxes_ok:
            grids.append([list(row) for row in grid])
    return grids


SUDOKU_CLUES = {(0, 1): 3, (1, 0): 4, (1, 3): 2, (2, 2): 4, (3, 0): 3, (3, 2): 2}


def sudoku_arguments() -> dict:
    cells = [[f"c{r}{c}" for c in range(4)] for r in range(4)]
    groups = [row for row in cells]
    groups += [[cells[r][c] for r in range(4)] for c in range(4)]
    groups += [
        [cells[r][c] for r in (br, br + 1) for c in (bc, bc + 1)] for br in (0, 2) for bc in (0, 2)
    ]
    return {
        "variables": ints(" ".join(name for row in cells for name in row), 1, 4),
        "constraints": [f"Distinct({', '.join(group)})" for group in groups]
        + [f"c{r}{c} == {value}" for (r, c), value in SUDOKU_CLUES.items()],
        "all_solutions": True,
    }


@case("sudoku_4x4_unique", **sudoku_arguments())
def _(result: dict) -> None:
    grids = sudoku_grids()
    assert len(grids) == 288  # the known number of 4x4 Sudoku grids
    matching = [
        grid for grid in grids if all(grid[r][c] == v for (r, c), v in SUDOKU_CLUES.items())
    ]
    assert len(matching) == 1
    assert result["solution_count"] == 1
    assert result["model"] == {f"c{r}{c}": matching[0][r][c] for r in range(4) for c in range(4)}


# --- Hand-solved linear systems (substitution), and one checked by Cramer's rule.


@case("linear_2x2_ints", variables=ints("x y"), constraints=["2*x + 3*y == 13", "x - y == -1"])
def _(result: dict) -> None:
    assert result["model"] == {"x": 2, "y": 3}


@case(
    "linear_3x3_reals",
    variables=reals("x y z"),
    constraints=["x + y + z == 6", "2*x - y + z == 3", "x + 2*y - z == 2"],
)
def _(result: dict) -> None:
    assert values(result["model"]) == {"x": 1, "y": 2, "z": 3}


@case(
    "linear_2x2_fractions_cramer",
    variables=reals("x y"),
    constraints=["2*x + 4*y == 5", "3*x - y == 1"],
)
def _(result: dict) -> None:
    (a, b, e), (c, d, f) = (2, 4, 5), (3, -1, 1)
    determinant = Fraction(a * d - b * c)
    expected = {"x": (e * d - b * f) / determinant, "y": (a * f - e * c) / determinant}
    assert values(result["model"]) == expected
    assert result["model"]["x"]["float"] == pytest.approx(float(expected["x"]))


@case(
    "linear_singular_inconsistent",
    variables=reals("x y"),
    constraints=["x + y == 1", "2*x + 2*y == 3"],
    unsat_core=True,
)
def _(result: dict) -> None:
    assert result["status"] == "unsat"
    assert [item["source"] for item in result["unsat_core"]] == ["constraints[0]", "constraints[1]"]


@case(
    "chickens_and_rabbits",
    variables=ints("chickens rabbits", 0),
    constraints=["chickens + rabbits == 35", "2*chickens + 4*rabbits == 94"],
)
def _(result: dict) -> None:
    # The classic Sunzi problem: 23 chickens and 12 rabbits.
    assert result["model"] == {"chickens": 23, "rabbits": 12}


# --- Counting problems: closed forms and brute force.


@case(
    "stars_and_bars_x_y_z_sum_10",
    variables=ints("x y z", 0),
    constraints=["x + y + z == 10"],
    all_solutions=True,
    max_solutions=200,
)
def _(result: dict) -> None:
    all_satisfy(result, lambda m: m["x"] + m["y"] + m["z"] == 10 and min(m.values()) >= 0)
    assert result["solution_count"] == math.comb(10 + 2, 2)
    assert result["complete"] is True


@case(
    "chinese_remainder_sunzi",
    variables=ints("x", 0, 104),
    constraints=["x % 3 == 2", "x % 5 == 3", "x % 7 == 2"],
    all_solutions=True,
)
def _(result: dict) -> None:
    assert result["solutions"] == [{"x": 23}]


@case(
    "pythagorean_triples_to_20",
    variables=ints("a b c", 1, 20),
    constraints=["a < b", "a**2 + b**2 == c**2"],
    all_solutions=True,
)
def _(result: dict) -> None:
    all_satisfy(result, lambda m: m["a"] < m["b"] and m["a"] ** 2 + m["b"] ** 2 == m["c"] ** 2)
    expected = {
        (a, b, c)
        for a, b, c in itertools.product(range(1, 21), repeat=3)
        if a < b and a * a + b * b == c * c
    }
    assert {(m["a"], m["b"], m["c"]) for m in result["solutions"]} == expected


def cycle_colouring(vertices: int, colours: int) -> dict:
    names = [f"v{i}" for i in range(vertices)]
    return {
        "variables": ints(" ".join(names), 1, colours),
        "constraints": [f"{names[i]} != {names[(i + 1) % vertices]}" for i in range(vertices)],
        "all_solutions": True,
    }


@case("cycle_c5_three_colourings", **cycle_colouring(5, 3))
def _(result: dict) -> None:
    all_satisfy(result, lambda m: all(m[f"v{i}"] != m[f"v{(i + 1) % 5}"] for i in range(5)))
    # Chromatic polynomial of a cycle: (k - 1)^n + (-1)^n (k - 1).
    assert result["solution_count"] == (3 - 1) ** 5 + (-1) ** 5 * (3 - 1)


@case("triangle_two_colours_unsat", **cycle_colouring(3, 2))
def _(result: dict) -> None:
    assert result["status"] == "unsat"
    assert result["solution_count"] == 0


SUBSET_NUMBERS = [3, 34, 4, 12, 5, 2]


@case(
    "subset_sum_count",
    variables=bools(" ".join(f"take{i}" for i in range(len(SUBSET_NUMBERS)))),
    constraints=[
        "Sum(" + ", ".join(f"If(take{i}, {n}, 0)" for i, n in enumerate(SUBSET_NUMBERS)) + ") == 9"
    ],
    all_solutions=True,
)
def _(result: dict) -> None:
    def total(m: dict) -> int:
        return sum(n for i, n in enumerate(SUBSET_NUMBERS) if m[f"take{i}"])

    all_satisfy(result, lambda m: total(m) == 9)
    expected = sum(
        sum(chosen) == 9
        for k in range(len(SUBSET_NUMBERS) + 1)
        for chosen in itertools.combinations(SUBSET_NUMBERS, k)
    )
    assert result["solution_count"] == expected


@case(
    "distinct_digits_sum_15",
    variables=ints("x y z", 1, 9),
    constraints=["Distinct(x, y, z)", "x + y + z == 15"],
    all_solutions=True,
)
def _(result: dict) -> None:
    all_satisfy(result, lambda m: len(set(m.values())) == 3 and sum(m.values()) == 15)
    expected = sum(
        len({x, y, z}) == 3 and x + y + z == 15
        for x, y, z in itertools.product(range(1, 10), repeat=3)
    )
    assert result["solution_count"] == expected


PRIMES = [2, 3, 5, 7, 11, 13]


@case(
    "allowed_values_prime_pairs",
    variables=[{"name": name, "type": "int", "values": PRIMES} for name in ("p", "q")],
    constraints=["p + q == 16"],
    all_solutions=True,
)
def _(result: dict) -> None:
    expected = {(p, q) for p in PRIMES for q in PRIMES if p + q == 16}
    assert {(m["p"], m["q"]) for m in result["solutions"]} == expected


# --- Propositional logic: model counts by truth tables.


def truth_table_count(names: str, formula: Callable[..., bool]) -> int:
    return sum(formula(*row) for row in itertools.product((False, True), repeat=len(names.split())))


@case(
    "cnf_model_count",
    variables=bools("a b c"),
    constraints=["Or(a, b)", "Or(Not(a), c)"],
    all_solutions=True,
)
def _(result: dict) -> None:
    def formula(a: bool, b: bool, c: bool) -> bool:
        return (a or b) and ((not a) or c)

    all_satisfy(result, lambda m: formula(m["a"], m["b"], m["c"]))
    assert result["solution_count"] == truth_table_count("a b c", formula)


@case(
    "implication_chain",
    variables=bools("a b c"),
    constraints=["Implies(a, b)", "Implies(b, c)"],
    all_solutions=True,
)
def _(result: dict) -> None:
    def formula(a: bool, b: bool, c: bool) -> bool:
        return (not a or b) and (not b or c)

    assert result["solution_count"] == truth_table_count("a b c", formula)


@case(
    "xor_parity_four",
    variables=bools("a b c d"),
    constraints=["Xor(Xor(a, b), Xor(c, d))"],
    all_solutions=True,
)
def _(result: dict) -> None:
    all_satisfy(result, lambda m: (m["a"] ^ m["b"] ^ m["c"] ^ m["d"]) is True)
    assert result["solution_count"] == truth_table_count("a b c d", lambda *bits: sum(bits) % 2)


@case(
    "permutation_matrices_3x3",
    variables=bools(" ".join(f"m{r}{c}" for r in range(3) for c in range(3))),
    constraints=[f"Exactly(m{r}0, m{r}1, m{r}2, 1)" for r in range(3)]
    + [f"Exactly(m0{c}, m1{c}, m2{c}, 1)" for c in range(3)],
    all_solutions=True,
)
def _(result: dict) -> None:
    assert result["solution_count"] == math.factorial(3)


@case(
    "knights_and_knaves",
    variables=bools("a_knight b_knight"),
    # A says "we are both knaves": a knight's statement is true, a knave's false.
    constraints=["a_knight == (Not(a_knight) and Not(b_knight))"],
    all_solutions=True,
)
def _(result: dict) -> None:
    expected = [
        {"a_knight": a, "b_knight": b}
        for a, b in itertools.product((False, True), repeat=2)
        if a == ((not a) and (not b))
    ]
    assert result["solutions"] == expected == [{"a_knight": False, "b_knight": True}]


# --- Optimisation: the Wyndor Glass LP (Hillier & Lieberman: x=2, y=6, Z=36), coin change
# and a 0/1 knapsack by brute force, and a sum of distances minimised on [3, 7].


@case(
    "wyndor_lp",
    variables=[{"name": "x", "type": "real", "min": 0}, {"name": "y", "type": "real", "min": 0}],
    constraints=["x <= 4", "2*y <= 12", "3*x + 2*y <= 18"],
    maximize="3*x + 5*y",
)
def _(result: dict) -> None:
    assert values(result["model"]) == {"x": 2, "y": 6}
    assert exact(result["objective"]["value"]) == 36


COINS = {"quarters": 25, "dimes": 10, "nickels": 5, "pennies": 1}


@case(
    "fewest_coins_for_67_cents",
    variables=ints(" ".join(COINS), 0),
    constraints=[" + ".join(f"{value}*{name}" for name, value in COINS.items()) + " == 67"],
    minimize=" + ".join(COINS),
)
def _(result: dict) -> None:
    model = result["model"]
    assert sum(COINS[name] * model[name] for name in COINS) == 67
    fewest = min(
        q + d + n + (67 - 25 * q - 10 * d - 5 * n)
        for q in range(3)
        for d in range(7)
        for n in range(14)
        if 25 * q + 10 * d + 5 * n <= 67
    )
    assert result["objective"]["value"] == fewest == sum(model.values())


KNAPSACK = [(12, 4), (2, 2), (1, 1), (4, 10), (1, 2)]  # (weight, value)


@case(
    "knapsack_01_capacity_15",
    variables=bools(" ".join(f"item{i}" for i in range(len(KNAPSACK)))),
    constraints=[
        "Sum(" + ", ".join(f"If(item{i}, {w}, 0)" for i, (w, _) in enumerate(KNAPSACK)) + ") <= 15"
    ],
    maximize="Sum(" + ", ".join(f"If(item{i}, {v}, 0)" for i, (_, v) in enumerate(KNAPSACK)) + ")",
)
def _(result: dict) -> None:
    chosen = [i for i in range(len(KNAPSACK)) if result["model"][f"item{i}"]]
    assert sum(KNAPSACK[i][0] for i in chosen) <= 15
    best = max(
        sum(KNAPSACK[i][1] for i in subset)
        for k in range(len(KNAPSACK) + 1)
        for subset in itertools.combinations(range(len(KNAPSACK)), k)
        if sum(KNAPSACK[i][0] for i in subset) <= 15
    )
    assert result["objective"]["value"] == best == sum(KNAPSACK[i][1] for i in chosen)


@case("sum_of_distances_minimum", variables=reals("x"), minimize="Abs(x - 3) + Abs(x - 7)")
def _(result: dict) -> None:
    x = exact(result["model"]["x"])
    assert result["objective"]["value"] == {"exact": "4", "float": 4.0}
    assert 3 <= x <= 7


@case(
    "makespan_two_machines",
    variables=ints("s1 s2 s3 end", 0),
    # Jobs of length 3, 2 and 4; job 2 needs job 1 done; jobs 1 and 3 share one machine.
    constraints=[
        "s2 >= s1 + 3",
        "Or(s3 >= s1 + 3, s1 >= s3 + 4)",
        "end >= s1 + 3",
        "end >= s2 + 2",
        "end >= s3 + 4",
    ],
    minimize="end",
)
def _(result: dict) -> None:
    # Jobs 1 and 3 in sequence take 7 units on their machine, and job 2 fits after job 1.
    assert result["objective"]["value"] == 7
    m = result["model"]
    assert m["s2"] >= m["s1"] + 3 and (m["s3"] >= m["s1"] + 3 or m["s1"] >= m["s3"] + 4)


# --- Arithmetic semantics checked against Python's own operators.


@case(
    "floor_division_and_remainder",
    variables=ints("x"),
    constraints=["x // 7 == 3", "x % 7 == 5"],
)
def _(result: dict) -> None:
    x = result["model"]["x"]
    assert (x // 7, x % 7) == (3, 5)


@case("square_root_of_two", variables=reals("r"), constraints=["r * r == 2", "r < 0"])
def _(result: dict) -> None:
    assert result["model"]["r"]["float"] == pytest.approx(-math.sqrt(2))


# --- Unsat cores: the returned core must itself be contradictory (checked by brute force over
# the domain), and here it is the only minimal one.

CORE_CHECKS: dict[str, Callable[[int, int], bool]] = {
    "x + y == 7": lambda x, y: x + y == 7,
    "x < 2": lambda x, y: x < 2,
    "y < 3": lambda x, y: y < 3,
    "x != y": lambda x, y: x != y,
}


@case(
    "unsat_core_is_contradictory",
    variables=ints("x y", 0, 9),
    constraints=list(CORE_CHECKS),
    unsat_core=True,
)
def _(result: dict) -> None:
    core = [item["text"] for item in result["unsat_core"] if item["source"].startswith("con")]
    assert sorted(core) == sorted(["x + y == 7", "x < 2", "y < 3"])
    grid = itertools.product(range(10), repeat=2)
    assert not any(all(CORE_CHECKS[text](x, y) for text in core) for x, y in grid)


# --- SMT-LIB input: a bit-vector inverse (3 * 171 = 513 = 2 * 256 + 1) and a linear system.


@case(
    "smtlib_bitvector_inverse",
    smtlib="(declare-const b (_ BitVec 8)) (assert (= (bvmul b #x03) #x01))",
    all_solutions=True,
)
def _(result: dict) -> None:
    assert result["solutions"] == [{"b": pow(3, -1, 256)}]


@case(
    "smtlib_linear_system",
    smtlib="""
    (declare-const x Int) (declare-const y Int)
    (assert (= (+ x y) 10))
    (assert (= (- x y) 4))
    """,
)
def _(result: dict) -> None:
    assert result["model"] == {"x": 7, "y": 3}


@case(
    "smtlib_unsat",
    smtlib="(declare-const x Real) (assert (> (* x x) 4)) (assert (< x 2)) (assert (> x -2))",
)
def _(result: dict) -> None:
    # x^2 > 4 means |x| > 2, which -2 < x < 2 excludes.
    assert result["status"] == "unsat"


@pytest.mark.parametrize(("arguments", "check"), CASES)
def test_logic_case(arguments: dict, check: Callable[[dict], None]) -> None:
    check(logic_solver(arguments))


def test_suite_size() -> None:
    assert len(CASES) >= 30
