"""symbolic_math case suite: every operation against values found another way.

Expected values are textbook results written out by hand, or computed here by a second method:
numeric differentiation and quadrature with mpmath, numpy's floating-point linear algebra,
multiplying factorizations back, and Taylor coefficients from closed-form formulas. Results are
compared by meaning (results parsed back and evaluated), not by string form, wherever SymPy
could legitimately print the same value differently.
"""

import math
from fractions import Fraction

import mpmath
import numpy
import pytest
import sympy

from svend.tools.symbolic import symbolic_math

x = sympy.Symbol("x")


def run(**arguments):
    return symbolic_math(arguments)


def value_of(text: str, **values: float) -> complex:
    """A result text read back by SymPy and evaluated at the given point."""
    expression = sympy.sympify(text).subs({sympy.Symbol(k): v for k, v in values.items()})
    return complex(expression.evalf(30))


def same_expression(text: str, expected: str) -> bool:
    return sympy.simplify(sympy.sympify(text) - sympy.sympify(expected)) == 0


def significant_digits(text: str) -> int:
    mantissa = text.lstrip("-").split("e")[0].replace(".", "")
    return len(mantissa.lstrip("0"))


# solve: roots checked by hand (factoring, the quadratic formula, inverse functions).
SOLVE_CASES = [
    ("quadratic", "x^2 - 5x + 6 = 0", [2, 3]),
    ("cubic", "x^3 - 6x^2 + 11x - 6", [1, 2, 3]),
    ("linear", "2x + 3 = 11", [4]),
    ("square_root", "x^2 = 2", [-math.sqrt(2), math.sqrt(2)]),
    ("exponential", "exp(x) = 5", [math.log(5)]),
    ("logarithm", "log(x) = 2", [math.e**2]),
    ("latex_fraction", r"\frac{x}{2} + 1 = 4", [6]),
    ("double_root", "x^2 - 6x + 9", [3]),
]


@pytest.mark.parametrize(
    ("text", "roots"), [case[1:] for case in SOLVE_CASES], ids=[c[0] for c in SOLVE_CASES]
)
def test_solve_real_roots(text, roots):
    result = run(operation="solve", expression=text)
    assert sorted(result["numeric"]) == pytest.approx(roots, rel=1e-12)
    for solution in result["solutions"]:
        assert value_of(solution).imag == 0


# Systems solved by elimination by hand.
SYSTEM_CASES = [
    ("sum_difference", ["x + y = 10", "x - y = 2"], {"x": 6.0, "y": 4.0}),
    ("three_unknowns", ["a + b + c = 6", "a - b = -1", "2c = 6"], {"a": 1.0, "b": 2.0, "c": 3.0}),
]


@pytest.mark.parametrize(
    ("equations", "expected"), [c[1:] for c in SYSTEM_CASES], ids=[c[0] for c in SYSTEM_CASES]
)
def test_solve_linear_systems(equations, expected):
    assert run(operation="solve", expression=equations)["numeric"] == [expected]


# simplify / expand / factor: identities checked by hand (Pythagoras, double angle, binomial
# theorem, difference of squares and cubes); compared after reading the result back.
REWRITE_CASES = [
    ("pythagoras", "simplify", "sin(x)^2 + cos(x)^2", "1"),
    ("cancel", "simplify", "(x^2 - 1)/(x - 1)", "x + 1"),
    ("double_angle", "simplify", "2 sin(x) cos(x)", "sin(2*x)"),
    ("log_product", "simplify", "exp(log(x) + log(y))", "x*y"),
    ("binomial_cube", "expand", "(x + 1)^3", "x**3 + 3*x**2 + 3*x + 1"),
    ("difference_of_squares", "expand", "(x + y)(x - y)", "x**2 - y**2"),
    ("latex_square", "expand", r"\left(x + 2\right)^{2}", "x**2 + 4*x + 4"),
    ("quadratic", "factor", "x^2 - 5x + 6", "(x - 2)*(x - 3)"),
    ("difference_of_cubes", "factor", "x^3 - 1", "(x - 1)*(x**2 + x + 1)"),
    ("quartic", "factor", "x^4 - 16", "(x - 2)*(x + 2)*(x**2 + 4)"),
    ("common_factor", "factor", "6x^2 y + 9 x y^2", "3*x*y*(2*x + 3*y)"),
    ("integer", "factor", "2x + 2", "2*(x + 1)"),
]


@pytest.mark.parametrize(
    ("operation", "text", "expected"),
    [c[1:] for c in REWRITE_CASES],
    ids=[c[0] for c in REWRITE_CASES],
)
def test_rewrites(operation, text, expected):
    result = run(operation=operation, expression=text)["result"]
    # Same form as well as same value: an expanded or factored result must look like one.
    assert sympy.sympify(result) == sympy.sympify(expected) or (
        operation == "simplify" and same_expression(result, expected)
    )


# diff: the derivative at a point against mpmath's numeric differentiation of the same function.
DIFF_CASES = [
    ("product_rule", "x^3 sin(x)", lambda t: t**3 * mpmath.sin(t), 1, 0.7),
    ("chain_exp", "exp(2x)", lambda t: mpmath.exp(2 * t), 1, 0.3),
    ("chain_log", "ln(x^2 + 1)", lambda t: mpmath.log(t**2 + 1), 1, 1.5),
    ("root", "sqrt(x)", mpmath.sqrt, 1, 2.0),
    ("tangent", "tan(x)", mpmath.tan, 1, 0.4),
    ("power_tower", "x^x", lambda t: t**t, 1, 1.3),
    ("arctangent", "atan(x)", mpmath.atan, 1, 0.5),
    ("quotient", "(x^2 + 1)/(x - 3)", lambda t: (t**2 + 1) / (t - 3), 1, 1.0),
    ("second_order", "sin(x) x^2", lambda t: mpmath.sin(t) * t**2, 2, 0.9),
    ("third_order", "x exp(x)", lambda t: t * mpmath.exp(t), 3, 0.2),
    ("latex_reciprocal", r"\frac{1}{x}", lambda t: 1 / t, 1, 2.0),
]


@pytest.mark.parametrize(
    ("text", "function", "order", "point"),
    [c[1:] for c in DIFF_CASES],
    ids=[c[0] for c in DIFF_CASES],
)
def test_derivative_matches_numeric_differentiation(text, function, order, point):
    result = run(operation="diff", expression=text, order=order)
    expected = float(mpmath.diff(function, point, order))
    assert value_of(result["result"], x=point).real == pytest.approx(expected, rel=1e-9)


def test_partial_derivative_matches_numeric_differentiation():
    result = run(operation="diff", expression="x^2 y + sin(x y)", variable="y")
    expected = float(mpmath.diff(lambda t: 1.2**2 * t + mpmath.sin(1.2 * t), 0.5))
    assert value_of(result["result"], x=1.2, y=0.5).real == pytest.approx(expected, rel=1e-9)


# Definite integrals against mpmath.quad; the closed forms named in the ids are textbook.
DEFINITE_CASES = [
    ("x2_0_3_is_9", "x^2", 0, 3, lambda t: t**2),
    ("sin_0_pi_is_2", "sin(x)", 0, "pi", mpmath.sin),
    ("gaussian_is_sqrt_pi", "exp(-x^2)", "-oo", "oo", lambda t: mpmath.exp(-(t**2))),
    ("arctan_is_pi_4", "1/(1 + x^2)", 0, 1, lambda t: 1 / (1 + t**2)),
    ("gamma_2_is_1", "x exp(-x)", 0, "oo", lambda t: t * mpmath.exp(-t)),
    ("log_1_e_is_1", "log(x)", 1, "E", mpmath.log),
    ("half_disc_is_pi_2", "sqrt(1 - x^2)", -1, 1, lambda t: mpmath.sqrt(1 - t**2)),
    ("reciprocal_is_ln_2", "1/x", 1, 2, lambda t: 1 / t),
    ("cos_squared_is_pi_4", "cos(x)^2", 0, "pi/2", lambda t: mpmath.cos(t) ** 2),
    ("latex_tail_is_1", r"\frac{1}{x^{2}}", 1, r"\infty", lambda t: 1 / t**2),
    ("no_closed_form", "sin(sin(x))", 0, 1, lambda t: mpmath.sin(mpmath.sin(t))),
]
BOUNDS = {"pi": mpmath.pi, "pi/2": mpmath.pi / 2, "E": mpmath.e, "oo": mpmath.inf}
BOUNDS |= {"-oo": -mpmath.inf, r"\infty": mpmath.inf}


@pytest.mark.parametrize(
    ("text", "lower", "upper", "function"),
    [c[1:] for c in DEFINITE_CASES],
    ids=[c[0] for c in DEFINITE_CASES],
)
def test_definite_integral_matches_quadrature(text, lower, upper, function):
    result = run(operation="integrate", expression=text, lower=lower, upper=upper)
    expected = float(mpmath.quad(function, [BOUNDS.get(lower, lower), BOUNDS.get(upper, upper)]))
    assert result["numeric"] == pytest.approx(expected, rel=1e-9)


# Indefinite integrals: the antiderivative's numeric derivative must give back the integrand.
INDEFINITE_CASES = [
    ("polynomial", "3x^2 + 2x", lambda t: 3 * t**2 + 2 * t),
    ("by_parts", "x cos(x)", lambda t: t * mpmath.cos(t)),
    ("partial_fractions", "1/(x^2 - 1)", lambda t: 1 / (t**2 - 1)),
    ("substitution", "x exp(x^2)", lambda t: t * mpmath.exp(t**2)),
    ("log", "log(x)", mpmath.log),
]


@pytest.mark.parametrize(
    ("text", "integrand"), [c[1:] for c in INDEFINITE_CASES], ids=[c[0] for c in INDEFINITE_CASES]
)
def test_antiderivative_differentiates_back(text, integrand):
    result = run(operation="integrate", expression=text)
    antiderivative = sympy.lambdify(x, sympy.sympify(result["result"]), "mpmath")
    point = 2.5
    assert float(mpmath.diff(antiderivative, point)) == pytest.approx(
        float(integrand(point)), rel=1e-9
    )


# limit: textbook limits (L'Hôpital, the definition of e, dominant terms).
LIMIT_CASES = [
    ("sinc", "sin(x)/x", 0, "+-", 1.0),
    ("e_definition", "(1 + 1/n)^n", "oo", "+-", math.e),
    ("one_minus_cos", "(1 - cos(x))/x^2", 0, "+-", 0.5),
    ("x_log_x", "x log(x)", 0, "+", 0.0),
    ("exp_derivative", "(exp(x) - 1)/x", 0, "+-", 1.0),
    ("root_derivative", "(sqrt(x + 1) - 1)/x", 0, "+-", 0.5),
    ("nth_root_of_n", "n^(1/n)", "oo", "+-", 1.0),
    ("rational_at_infinity", "(3x^2 + 1)/(2x^2 - 5)", "oo", "+-", 1.5),
    ("tan_over_x", "tan(x)/x", 0, "+-", 1.0),
    ("latex_exponential", r"\frac{e^{x} - 1}{2x}", 0, "+-", 0.5),
]


@pytest.mark.parametrize(
    ("text", "point", "direction", "expected"),
    [c[1:] for c in LIMIT_CASES],
    ids=[c[0] for c in LIMIT_CASES],
)
def test_limits(text, point, direction, expected):
    result = run(operation="limit", expression=text, point=point, direction=direction)
    assert result["exists"] is True
    assert result["numeric"] == pytest.approx(expected, abs=1e-12)


# One-sided limits of 1/x and |x|/x at 0, read off their graphs.
ONE_SIDED_CASES = [
    ("reciprocal_from_below", "1/x", "-", "-oo"),
    ("reciprocal_from_above", "1/x", "+", "oo"),
    ("sign_from_below", "abs(x)/x", "-", "-1"),
    ("sign_from_above", "abs(x)/x", "+", "1"),
]


@pytest.mark.parametrize(
    ("text", "direction", "expected"),
    [c[1:] for c in ONE_SIDED_CASES],
    ids=[c[0] for c in ONE_SIDED_CASES],
)
def test_one_sided_limits(text, direction, expected):
    result = run(operation="limit", expression=text, point=0, direction=direction)
    assert sympy.sympify(result["result"]) == sympy.sympify(expected)


# series: coefficients from the closed-form Taylor formulas, computed here with fractions.
SERIES_CASES = [
    (
        "sin",
        "sin(x)",
        0,
        7,
        [0 if k % 2 == 0 else Fraction((-1) ** (k // 2), math.factorial(k)) for k in range(7)],
    ),
    (
        "cos",
        "cos(x)",
        0,
        6,
        [Fraction((-1) ** (k // 2), math.factorial(k)) if k % 2 == 0 else 0 for k in range(6)],
    ),
    ("exp", "exp(x)", 0, 6, [Fraction(1, math.factorial(k)) for k in range(6)]),
    ("geometric", "1/(1 - x)", 0, 8, [1] * 8),
    ("log1p", "log(1 + x)", 0, 6, [0] + [Fraction((-1) ** (k + 1), k) for k in range(1, 6)]),
    (
        "atan",
        "atan(x)",
        0,
        8,
        [0 if k % 2 == 0 else Fraction((-1) ** (k // 2), k) for k in range(8)],
    ),
    (
        "binomial_sqrt",
        "sqrt(1 + x)",
        0,
        5,
        [
            Fraction(math.prod(Fraction(1, 2) - j for j in range(k)), math.factorial(k))
            for k in range(5)
        ],
    ),
    ("exp_about_1", "exp(x)", 1, 4, [sympy.E / math.factorial(k) for k in range(4)]),
]


@pytest.mark.parametrize(
    ("text", "point", "order", "coefficients"),
    [c[1:] for c in SERIES_CASES],
    ids=[c[0] for c in SERIES_CASES],
)
def test_series_coefficients(text, point, order, coefficients):
    result = run(operation="series", expression=text, point=point, order=order)
    shifted = sympy.expand(sympy.sympify(result["truncated"]).subs(x, x + point))
    found = [shifted.coeff(x, k) for k in range(order)]
    assert [sympy.nsimplify(c) for c in found] == [sympy.nsimplify(c) for c in coefficients]
    assert result["result"].endswith(")") and "O(" in result["result"]


# summation: Gauss's formula, Basel problem, geometric and alternating harmonic series,
# telescoping sums, e as the sum of 1/k!.
SUM_CASES = [
    ("gauss_100", "k", 1, 100, 5050.0),
    ("gauss_billion", "k", 1, 10**9, 10**9 * (10**9 + 1) / 2),
    ("basel", "1/k^2", 1, "oo", math.pi**2 / 6),
    ("geometric", "1/2^k", 0, "oo", 2.0),
    ("alternating_harmonic", "(-1)^(k+1)/k", 1, "oo", math.log(2)),
    ("e_series", "1/factorial(k)", 0, "oo", math.e),
    ("telescoping", "1/(k(k+1))", 1, "oo", 1.0),
    ("squares_to_10", "k^2", 1, 10, 385.0),
]


@pytest.mark.parametrize(
    ("text", "lower", "upper", "expected"),
    [c[1:] for c in SUM_CASES],
    ids=[c[0] for c in SUM_CASES],
)
def test_sums(text, lower, upper, expected):
    result = run(operation="summation", expression=text, variable="k", lower=lower, upper=upper)
    assert result["closed_form"] is True
    assert result["numeric"] == pytest.approx(expected, rel=1e-12)


def test_symbolic_sum_of_squares():
    result = run(operation="summation", expression="k^2", variable="k", lower=1, upper="n")
    assert same_expression(result["result"], "n*(n + 1)*(2*n + 1)/6")


def test_sum_without_closed_form_matches_mpmath_nsum():
    result = run(operation="summation", expression="1/(k^3 + 1)", variable="k", lower=1, upper="oo")
    expected = float(mpmath.nsum(lambda k: 1 / (k**3 + 1), [1, mpmath.inf]))
    assert result["numeric"] == pytest.approx(expected, rel=1e-9)


# evaluate: digits compared with mpmath at higher working precision.
EVALUATE_CASES = [
    ("pi_30", "pi", 30, lambda: mpmath.pi),
    ("e_50", "E", 50, lambda: mpmath.e),
    ("sqrt2_20", "sqrt(2)", 20, lambda: mpmath.sqrt(2)),
    ("gelfond_15", "exp(pi) - pi", 15, lambda: mpmath.exp(mpmath.pi) - mpmath.pi),
    ("ln10_25", "ln(10)", 25, lambda: mpmath.log(10)),
    ("seventh_12", "1/7", 12, lambda: mpmath.mpf(1) / 7),
    ("golden_40", "(1 + sqrt(5))/2", 40, lambda: (1 + mpmath.sqrt(5)) / 2),
    ("sin1_18", "sin(1)", 18, lambda: mpmath.sin(1)),
    ("ramanujan_35", "exp(pi sqrt(163))", 35, lambda: mpmath.exp(mpmath.pi * mpmath.sqrt(163))),
    ("latex_sqrt3_10", r"\sqrt{3}", 10, lambda: mpmath.sqrt(3)),
    ("one_digit", "2/3", 1, lambda: mpmath.mpf(2) / 3),
]


@pytest.mark.parametrize(
    ("text", "precision", "reference"),
    [c[1:] for c in EVALUATE_CASES],
    ids=[c[0] for c in EVALUATE_CASES],
)
def test_evaluate_to_precision(text, precision, reference):
    result = run(operation="evaluate", expression=text, precision=precision)
    assert significant_digits(result["result"]) == precision
    with mpmath.workdps(precision + 20):
        expected = reference()
        error = abs(mpmath.mpf(result["result"]) - expected) / abs(expected)
        assert error <= mpmath.mpf(10) ** (1 - precision)
    assert result["numeric"] == pytest.approx(float(expected), rel=1e-15)


# Matrices: numpy's floating-point linear algebra as the second method.
DET_CASES = [
    ("two_by_two", [[1, 2], [3, 4]]),
    ("diagonal", [[2, 0, 0], [0, 3, 0], [0, 0, 4]]),
    ("singular", [[1, 2, 3], [4, 5, 6], [7, 8, 9]]),
    ("permutation", [[0, 1, 0], [0, 0, 1], [1, 0, 0]]),
    ("hilbert_4", [[Fraction(1, i + j + 1) for j in range(4)] for i in range(4)]),
    ("integer_5", [[(3 * i + 5 * j) % 7 - 3 for j in range(5)] for i in range(5)]),
]


def as_arguments(matrix):
    return [
        [str(entry) if isinstance(entry, Fraction) else entry for entry in row] for row in matrix
    ]


def as_floats(matrix):
    return numpy.array([[float(entry) for entry in row] for row in matrix])


@pytest.mark.parametrize("matrix", [c[1] for c in DET_CASES], ids=[c[0] for c in DET_CASES])
def test_determinant_matches_numpy(matrix):
    result = run(operation="det", matrix=as_arguments(matrix))
    assert result["numeric"] == pytest.approx(numpy.linalg.det(as_floats(matrix)), abs=1e-9)


def test_symbolic_determinant_is_ad_minus_bc():
    result = run(operation="det", matrix=[["a", "b"], ["c", "d"]])
    assert same_expression(result["result"], "a*d - b*c")


INVERSE_CASES = [
    ("two_by_two", [[1, 2], [3, 4]]),
    ("upper_triangular", [[2, 1, 0], [0, 1, 3], [0, 0, 4]]),
    ("rotation_like", [[0, -1], [1, 0]]),
    ("hilbert_3", [[Fraction(1, i + j + 1) for j in range(3)] for i in range(3)]),
    ("dense_4", [[4, 1, 2, 0], [1, 3, 0, 1], [2, 0, 5, 1], [0, 1, 1, 2]]),
]


@pytest.mark.parametrize("matrix", [c[1] for c in INVERSE_CASES], ids=[c[0] for c in INVERSE_CASES])
def test_inverse_times_matrix_is_identity(matrix):
    result = run(operation="inverse", matrix=as_arguments(matrix))
    inverse = [[Fraction(entry) for entry in row] for row in result["entries"]]
    size = len(matrix)
    product = [
        [sum(Fraction(matrix[i][k]) * inverse[k][j] for k in range(size)) for j in range(size)]
        for i in range(size)
    ]
    assert product == [[int(i == j) for j in range(size)] for i in range(size)]
    assert numpy.allclose(numpy.array(result["numeric"]), numpy.linalg.inv(as_floats(matrix)))


# Eigenvalues: each value makes det(A - λI) vanish, multiplicities add up to the size, and the
# multiset matches numpy.linalg.eigvals.
EIGEN_CASES = [
    ("symmetric_2", [[2, 1], [1, 2]]),
    ("repeated", [[2, 0, 0], [0, 2, 0], [0, 0, 3]]),
    ("jordan_block", [[5, 1], [0, 5]]),
    ("irrational", [[1, 1], [1, 0]]),
    ("symmetric_3", [[2, -1, 0], [-1, 2, -1], [0, -1, 2]]),
    ("triangular_4", [[1, 2, 3, 4], [0, 5, 6, 7], [0, 0, 8, 9], [0, 0, 0, 1]]),
]


@pytest.mark.parametrize("matrix", [c[1] for c in EIGEN_CASES], ids=[c[0] for c in EIGEN_CASES])
def test_eigenvalues_are_roots_of_the_characteristic_polynomial(matrix):
    result = run(operation="eigenvalues", matrix=matrix)
    floats = as_floats(matrix)
    size = len(matrix)
    assert sum(result["multiplicities"]) == size
    found = []
    for value, multiplicity in zip(result["numeric"], result["multiplicities"], strict=True):
        assert abs(numpy.linalg.det(floats - value * numpy.eye(size))) < 1e-8
        found += [value] * multiplicity
    assert sorted(found) == pytest.approx(sorted(numpy.linalg.eigvals(floats).real), abs=1e-6)


RANK_CASES = [
    ("full", [[1, 2], [3, 4]], 2),
    ("rank_one", [[1, 2], [2, 4]], 1),
    ("consecutive_3", [[1, 2, 3], [4, 5, 6], [7, 8, 9]], 2),
    ("wide", [[1, 0, 2, 0], [0, 1, 0, 3]], 2),
    ("zero", [[0, 0], [0, 0]], 0),
]


@pytest.mark.parametrize(
    ("matrix", "expected"), [c[1:] for c in RANK_CASES], ids=[c[0] for c in RANK_CASES]
)
def test_rank_matches_numpy(matrix, expected):
    assert numpy.linalg.matrix_rank(as_floats(matrix)) == expected
    assert run(operation="rank", matrix=matrix)["result"] == str(expected)


LINEAR_CASES = [
    ("two_by_two", [[1, 2], [3, 4]], [5, 6]),
    ("three_by_three", [[2, 1, -1], [-3, -1, 2], [-2, 1, 2]], [8, -11, -3]),
    ("diagonal", [[4, 0, 0], [0, 5, 0], [0, 0, 8]], [1, 2, 3]),
    ("fractions", [["1/2", "1/3"], ["1/4", 1]], [1, 2]),
]


@pytest.mark.parametrize(
    ("matrix", "vector"), [c[1:] for c in LINEAR_CASES], ids=[c[0] for c in LINEAR_CASES]
)
def test_linear_solve_matches_numpy(matrix, vector):
    result = run(operation="linear_solve", matrix=matrix, vector=vector)
    assert result["unique"] is True
    floats = numpy.array([[float(Fraction(str(e))) for e in row] for row in matrix])
    expected = numpy.linalg.solve(floats, numpy.array(vector, dtype=float))
    solution = result["numeric"][0]
    assert [solution[f"x{i + 1}"] for i in range(len(vector))] == pytest.approx(list(expected))


def test_linear_solve_family_satisfies_every_equation():
    matrix, vector = [[1, 1, 1], [0, 1, 2]], [6, 5]
    result = run(operation="linear_solve", matrix=matrix, vector=vector)
    assert result["unique"] is False
    solution = {sympy.Symbol(k): sympy.sympify(v) for k, v in result["solutions"][0].items()}
    for row, target in zip(matrix, vector, strict=True):
        total = sum(c * solution[sympy.Symbol(f"x{i + 1}")] for i, c in enumerate(row))
        assert sympy.simplify(total - target) == 0


# Number theory: hand-checked values (prime factorizations of the inputs).
GCD_LCM_CASES = [
    ("gcd_small", "gcd", [12, 18, 30], 6),
    ("lcm_small", "lcm", [4, 6, 10], 60),
    ("gcd_powers", "gcd", [str(2**64), str(6**20)], 2**20),
    ("lcm_1_to_10", "lcm", list(range(1, 11)), 2520),
    ("gcd_coprime", "gcd", [35, 64], 1),
]


@pytest.mark.parametrize(
    ("operation", "integers", "expected"),
    [c[1:] for c in GCD_LCM_CASES],
    ids=[c[0] for c in GCD_LCM_CASES],
)
def test_gcd_and_lcm(operation, integers, expected):
    assert run(operation=operation, integers=integers)["result"] == str(expected)


FACTOR_CASES = [
    ("360", 360, {2: 3, 3: 2, 5: 1}),
    ("fermat_5", 2**32 + 1, {641: 1, 6700417: 1}),
    ("euler_problem_3", 600851475143, {71: 1, 839: 1, 1471: 1, 6857: 1}),
    ("mersenne_64", str(2**64 - 1), {3: 1, 5: 1, 17: 1, 257: 1, 641: 1, 65537: 1, 6700417: 1}),
    ("1001", 1001, {7: 1, 11: 1, 13: 1}),
    ("prime", 97, {97: 1}),
    ("cole_mersenne_67", str(2**67 - 1), {193707721: 1, 761838257287: 1}),
]


def is_prime_by_trial_division(number: int) -> bool:
    return number > 1 and all(number % d for d in range(2, math.isqrt(number) + 1))


@pytest.mark.parametrize(
    ("integer", "expected"), [c[1:] for c in FACTOR_CASES], ids=[c[0] for c in FACTOR_CASES]
)
def test_factorint_multiplies_back(integer, expected):
    result = run(operation="factorint", integer=integer)
    factors = {int(f["prime"]): f["exponent"] for f in result["factors"]}
    assert factors == expected
    assert math.prod(p**e for p, e in factors.items()) == int(integer)
    assert all(is_prime_by_trial_division(p) for p in factors if p < 10**12)


PRIME_CASES = [
    ("mersenne_61", str(2**61 - 1), True),
    ("mersenne_67", str(2**67 - 1), False),
    ("carmichael_561", 561, False),
    ("billion_and_7", 1000000007, True),
    ("one", 1, False),
    ("mersenne_89", str(2**89 - 1), True),
]


@pytest.mark.parametrize(
    ("integer", "expected"), [c[1:] for c in PRIME_CASES], ids=[c[0] for c in PRIME_CASES]
)
def test_isprime(integer, expected):
    result = run(operation="isprime", integer=integer)
    assert result["prime"] is expected
    assert result["result"] == str(expected)
