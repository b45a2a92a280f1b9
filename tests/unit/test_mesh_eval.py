"""make eval's own scoring: MATH answers after LaTeX normalisation, HumanEval programs."""

import pytest
from training.mesh_eval.scoring import humaneval_program, math_normalised, math_right


@pytest.mark.parametrize(
    ("expected", "said"),
    [
        ("\\frac{14}{3}", "14/3"),
        ("\\frac{14}{3}", "4.66667"),
        ("\\boxed{9}", "9"),
        ("\\text{Evelyn}", "Evelyn"),
        ("90^\\circ", "90"),
        ("p - q", "p-q"),
        ("42", "The answer is 42."),
        ("\\$18.90", "18.9"),
    ],
)
def test_equal_math_answers_are_right(expected: str, said: str) -> None:
    assert math_right(expected, said)


@pytest.mark.parametrize(
    ("expected", "said"),
    [("\\frac{14}{3}", "14/5"), ("9", ""), ("9", "9 or 10"), ("p - q", "q - p"), ("42", "4.2")],
)
def test_other_math_answers_are_wrong(expected: str, said: str) -> None:
    assert not math_right(expected, said)


def test_latex_fractions_read_as_quotients() -> None:
    assert math_normalised("\\left( \\dfrac{1}{2} \\right)") == "(1/2)"


def test_a_reply_with_the_whole_function_overrides_the_prompt() -> None:
    prompt = 'def add(a, b):\n    """Sum."""\n'
    reply = "Here it is:\n```python\ndef add(a, b):\n    return a + b\n```\nDone."
    program = humaneval_program(prompt, reply, "def check(f):\n    assert f(1, 2) == 3", "add")
    namespace: dict = {}
    exec(compile(program, "<test>", "exec"), namespace)


def test_a_reply_with_only_the_body_completes_the_prompt() -> None:
    program = humaneval_program(
        "def add(a, b):\n", "    return a - b\n", "def check(f):\n    assert f(1, 2) == 3", "add"
    )
    with pytest.raises(AssertionError):
        exec(compile(program, "<test>", "exec"), {})
