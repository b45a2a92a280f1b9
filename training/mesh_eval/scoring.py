"""Scoring replies the evaluation cannot take from the reasoner's: MATH answers and HumanEval
programs."""

import re

from training.reasoner.evaluate import close, numbers

LATEX_NOISE = (
    "\\left",
    "\\right",
    "\\!",
    "\\,",
    "\\;",
    "\\displaystyle",
    "^\\circ",
    "^{\\circ}",
    "\\%",
    "%",
    "\\$",
    "$",
)
BOXED = re.compile(r"\\boxed\{(.*)\}")
TEXT = re.compile(r"\\(?:text|textbf|mathrm|mbox)\{([^{}]*)\}")
FRACTION = re.compile(r"\\[dt]?frac\{([^{}]+)\}\{([^{}]+)\}")
SIMPLE_FRACTION = re.compile(r"^(-?\d+(?:\.\d+)?)/(\d+(?:\.\d+)?)$")
CODE_BLOCK = re.compile(r"```(?:python|py)?\s*\n(.*?)```", re.DOTALL)


def math_normalised(answer: str) -> str:
    """A MATH answer with its LaTeX markup and spacing removed, fractions as a/b."""
    text = answer.strip()
    if boxed := BOXED.search(text):
        text = boxed[1]
    text = TEXT.sub(r"\1", text)
    for noise in LATEX_NOISE:
        text = text.replace(noise, "")
    text = FRACTION.sub(lambda m: f"{grouped(m[1])}/{grouped(m[2])}", text)
    return re.sub(r"\s+", "", text).rstrip(".")


def grouped(part: str) -> str:
    """A fraction's numerator or denominator, in parentheses when it is more than one term."""
    part = part.strip()
    return part if re.fullmatch(r"-?[\w.\\]+", part) else f"({part})"


def as_number(text: str) -> float | None:
    if match := SIMPLE_FRACTION.match(text):
        return float(match[1]) / float(match[2])
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def math_right(expected: str, final_value: str) -> bool:
    """Equal after normalisation, or the same number (fractions included)."""
    want, got = math_normalised(expected), math_normalised(final_value)
    if not got:
        return False
    if want == got:
        return True
    wanted = as_number(want)
    if wanted is None:
        return False
    said = as_number(got)
    if said is None:
        found = numbers(got)
        said = found[-1] if len(found) == 1 else None
    return said is not None and close(wanted, said)


def humaneval_program(prompt: str, reply_text: str, test: str, entry_point: str) -> str:
    """The program that checks a reply: its code (the last Python block, or all of it) after the
    prompt, so a reply that gives only the body or the whole function both run, then the tests."""
    blocks = CODE_BLOCK.findall(reply_text)
    code = blocks[-1] if blocks else reply_text
    return f"{prompt}{code}\n\n{test}\n\ncheck({entry_point})\n"
