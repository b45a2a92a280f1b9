"""Reading and exactly re-computing the arithmetic written in prose."""

import pytest
import sympy

from svend.verifier.arithmetic import find_equations, recompute, states_value


def verdicts(text: str) -> list[tuple[str, bool]]:
    """Each equation the text claims, with whether it holds."""
    results = []
    for equation in find_equations(text):
        checked = recompute(equation)
        if checked is not None:
            results.append((text[equation.start : equation.end], checked.held))
    return results


@pytest.mark.parametrize(
    ("text", "claim"),
    [
        ("Natalia sold 48/2 = 24 clips in May.", "48/2 = 24"),
        ("She has 16 - 3 - 4 = 9 eggs left.", "16 - 3 - 4 = 9"),
        ("She makes $12 \u00d7 5 = $60 a week.", "12 \u00d7 5 = $60"),
        ("3 * 4 + 2 = 14", "3 * 4 + 2 = 14"),
        ("Then 2^3 = 8 and", "2^3 = 8"),
        ("1,200 + 300 = 1,500 people", "1,200 + 300 = 1,500"),
        ("0.5 * 10 = 5", "0.5 * 10 = 5"),
        ("3/4 of 20 = 15 marbles", "3/4 of 20 = 15"),
        ("20% of 80 is 16.", "20% of 80 is 16"),
        ("half of 48 = 24", "half of 48 = 24"),
        ("The area is pi*1 = 3.14 m².", "pi*1 = 3.14"),
        ("10/3 = 3.33 each", "10/3 = 3.33"),
        ("2/3 = 0.67", "2/3 = 0.67"),
        ("2/3 = 0.66", "2/3 = 0.66"),
        ("22/7 ≈ 3.14", "22/7 ≈ 3.14"),
        ("√16 = 4", "√16 = 4"),
        ("5² = 25", "5² = 25"),
        ("12 x 5 = 60", "12 x 5 = 60"),
        ("16/80 = 20%", "16/80 = 20%"),
        ("100 - 25 = 75% are left", "100 - 25 = 75%"),
        ("$20/hour * 35 hours/week = $700/week", "20/hour * 35 hours/week = $700"),
        ("(3/4)*100 = 75%", "(3/4)*100 = 75%"),
        ("3 * 4 is equal to 12", "3 * 4 is equal to 12"),
        ("-3 + 5 = 2", "-3 + 5 = 2"),
        ("2(3+4) = 14", "2(3+4) = 14"),
        ("7 \u2212 2 = 5", "7 \u2212 2 = 5"),
        ("**Step 1:** 48/2 = 24**.**", "48/2 = 24"),
        ("(so 48/2 = 24)", "48/2 = 24"),
        ("\\frac{3}{4} \\times 20 = 15", "\\frac{3}{4} \\times 20 = 15"),
        ("She has <<16-3-4=9>>9 eggs", "16-3-4=9"),
        (
            "126 apples/week - 42 apples/week = 84 apples/week",
            "126 apples/week - 42 apples/week = 84",
        ),
        ("2 loads * 45 minutes per load = 90 minutes", "2 loads * 45 minutes per load = 90"),
        ("3 books/person x 2 people = 6 books", "3 books/person x 2 people = 6"),
        ("6 oranges + 4 apples + 12 bananas = 22 fruits", "6 oranges + 4 apples + 12 bananas = 22"),
        ("because 6 times 1/4 equals 1.5", "6 times 1/4 equals 1.5"),
        ("so 1.5 plus 4 equals 5.5", "1.5 plus 4 equals 5.5"),
        # A unit written against its number is a unit, not algebra.
        ("she needs 20 + 6 = 26ml of oil", "20 + 6 = 26"),
        ("it weighs 20kg + 6kg = 26kg", "20kg + 6kg = 26"),
        ("2kg * 3 = 6kg", "2kg * 3 = 6"),
        # After 'higher by' the claim starts at its first number.
        ("Friday is higher by 40 * 40/100 = 16 books", "40 * 40/100 = 16"),
    ],
)
def test_correct_claims_hold(text: str, claim: str) -> None:
    assert verdicts(text) == [(claim, True)]


@pytest.mark.parametrize(
    ("text", "claim"),
    [
        ("Natalia sold 48/2 = 25 clips in May.", "48/2 = 25"),
        ("16 - 3 - 4 = 8 eggs", "16 - 3 - 4 = 8"),
        ("$12 \u00d7 5 = $65", "12 \u00d7 5 = $65"),
        ("2^3 = 6", "2^3 = 6"),
        ("1,200 + 300 = 1,600", "1,200 + 300 = 1,600"),
        ("20% of 80 is 18", "20% of 80 is 18"),
        ("100 - 25 = 70%", "100 - 25 = 70%"),
        ("$1000/month + $500/month = $1503/month", "1000/month + $500/month = $1503"),
        ("so $250 / $10/day = 27 days", "250 / $10/day = 27"),
        # 2.5 has an exact one-decimal form, so 2.6 is not a rounding of it.
        ("10/4 = 2.6", "10/4 = 2.6"),
        ("pi*1 = 3.15", "pi*1 = 3.15"),
        ("5/0 = 0", "5/0 = 0"),
        ("56 pearls / 4 pearls/dive = 4 pearls/dive", "56 pearls / 4 pearls/dive = 4"),
        ("90 minutes + 75 minutes = 175 minutes", "90 minutes + 75 minutes = 175"),
        ("she needs 20 + 6 = 27ml of oil", "20 + 6 = 27"),
    ],
)
def test_wrong_claims_fail(text: str, claim: str) -> None:
    assert verdicts(text) == [(claim, False)]


def test_running_chains_check_each_link() -> None:
    assert verdicts("48/2 = 24 + 3 = 27") == [("48/2 = 24 + 3", True), ("24 + 3 = 27", True)]
    assert verdicts("48/2 = 24 + 3 = 28") == [("48/2 = 24 + 3", True), ("24 + 3 = 28", False)]


def test_gsm8k_annotation_and_prose_are_one_claim_unless_they_differ() -> None:
    assert verdicts("48/2 = <<48/2=24>>24 clips") == [("48/2 = <<48/2=24>>24", True)]
    assert sorted(verdicts("48/2 = <<48/2=24>>25 clips")) == [
        ("48/2 = <<48/2=24>>25", False),
        ("48/2=24", True),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "x + 3 = 5",
        "2x = 10",
        "f(3) = 9",
        "2 + 3 = 5 + y",
        "2y * 3 = 6y",
        "2x + 2x = 100",
        "He sold 5 apples for 2 dollars = 3 apples less",
        "It is 6 times 1/4",
        "3 divided by 1/4 = 12",
        "so 2 + 1 = 3x",
        "Day 1 = 5 + 3",
        "The answer is 16.",
        "80 + 20% = 96",
        "9^9^9 = 1",
        "__import__('os').system('echo 1') = 1",
        "Janet's ducks lay eggs every morning.",
        "四十八除以二等于二十四",
        "",
    ],
)
def test_unreadable_or_algebraic_text_is_skipped(text: str) -> None:
    assert verdicts(text) == []


@pytest.mark.parametrize(
    ("answer", "value", "stated"),
    [
        ("18", 18, True),
        ("$18.00", 18, True),
        ("The answer is \\boxed{18}.", 18, True),
        ("x = 4", 4, True),
        ("3/4", sympy.Rational(3, 4), True),
        ("25%", 25, True),
        ("3.33", sympy.Rational(10, 3), True),
        ("19", 18, False),
        ("-5", 5, False),
        ("3/4", 4, False),
        ("eighteen", 18, None),
    ],
)
def test_answer_states_value(answer: str, value: object, stated: bool | None) -> None:
    assert states_value(sympy.sympify(value), answer) is stated


def test_an_answer_equation_states_its_right_hand_side() -> None:
    assert states_value(sympy.Integer(391), "17 * 23 = 391") is True
    assert states_value(sympy.Integer(391), "17 * 23 = 381") is False
