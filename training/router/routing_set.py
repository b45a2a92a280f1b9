"""A labelled routing set: which path each question should take, from where it comes.

Labels follow what each path is for:
- QUICK: one exact computation the question fully specifies (a single tool call): the
  reasoner's tool questions and terse direct requests generated here.
- STANDARD: an ordinary question: a concept or fact (the reasoner's no-tool questions), a word
  problem whose reference solution takes at most SHORT_SOLUTION_STEPS steps (GSM8K), or a
  competition problem of MATH levels 1-3.
- DEEP: a multi-step problem: GSM8K solutions of more steps, MATH levels 4 and 5.

Two splits never share a question, a phrasing or a value range:
- dev (to tune rules on): GSM8K train, MATH test without MATH-500, the reasoner's training
  templates and values, the direct templates of DEV_DIRECT;
- held_out (to report on): GSM8K test, MATH-500, the reasoner's held-out templates and values,
  the direct templates of HELD_OUT_DIRECT.
"""

import random
from dataclasses import dataclass

from training.reasoner.data import TASKS
from training.reasoner.phrasing import Draw, question
from training.shared_data import SHARED_DATA, read_jsonl

SPLITS = ("dev", "held_out")
SHORT_SOLUTION_STEPS = 3
DEEP_MATH_LEVEL = 4
# Questions drawn per source and split; the held-out split takes all of GSM8K test and MATH-500.
DEV_DRAWS = 1500
TRACE_QUESTIONS = 1000
DIRECT_QUESTIONS = 300

DEV_DIRECT = (
    "convert {n} {unit_a} to {unit_b}",
    "how many {unit_b} are in {n} {unit_a}",
    "solve {linear}",
    "derivative of {poly}",
    "integrate {poly}",
    "molar mass of {formula}",
    "what is the pH of {conc} M {strong}",
    "balance {reaction}",
    "what is {a} * {b}",
    "factor {square}",
)
HELD_OUT_DIRECT = (
    "What is {n} {unit_a} in {unit_b}?",
    "Please convert {n} {unit_a} into {unit_b}.",
    "Solve for x: {linear}",
    "Find the derivative of {poly} with respect to x",
    "What is the integral of {poly} from 0 to {b}?",
    "What's the molecular weight of {formula}?",
    "Calculate the pH of a {conc} M {strong} solution.",
    "Balance the equation: {reaction}",
    "Compute {a} - {b}",
    "Expand ({linear_left})^2",
    "Turn {n} {unit_a} into {unit_b}",
    "{n} {unit_a} = ? {unit_b}",
)
UNIT_PAIRS = {
    "dev": (("km", "miles"), ("kg", "lb"), ("L", "gallons"), ("m", "ft"), ("J", "cal")),
    "held_out": (("mm", "inches"), ("g", "oz"), ("mL", "cups"), ("km/h", "m/s"), ("kWh", "MJ")),
}
FORMULAS = {
    "dev": ("H2SO4", "NaCl", "C6H12O6", "CaCO3", "KMnO4"),
    "held_out": ("Ca(OH)2", "CuSO4·5H2O", "C2H5OH", "NH4NO3", "Fe2O3"),
}
STRONG = {"dev": ("HCl", "NaOH", "HNO3"), "held_out": ("KOH", "HBr", "Ba(OH)2")}
REACTIONS = {
    "dev": ("H2 + O2 -> H2O", "Fe + O2 -> Fe2O3", "CH4 + O2 -> CO2 + H2O"),
    "held_out": ("C3H8 + O2 -> CO2 + H2O", "Al + O2 -> Al2O3", "N2 + H2 -> NH3"),
}


@dataclass(frozen=True)
class Example:
    """One question, the path it should take, and where it comes from."""

    query: str
    label: str
    source: str


def solution_steps(answer: str) -> int:
    """Lines of a GSM8K reference solution before its final '####' line."""
    work = answer.split("####")[0]
    return sum(1 for line in work.splitlines() if line.strip())


def gsm8k(split: str, rng: random.Random) -> list[Example]:
    rows = list(
        read_jsonl(SHARED_DATA / "gsm8k" / ("train.jsonl" if split == "dev" else "test.jsonl"))
    )
    if split == "dev":
        rows = rng.sample(rows, DEV_DRAWS)
    return [
        Example(
            row["question"],
            "STANDARD" if solution_steps(row["answer"]) <= SHORT_SOLUTION_STEPS else "DEEP",
            "gsm8k",
        )
        for row in rows
    ]


def level(text: str | int) -> int:
    return int(str(text).removeprefix("Level ").strip() or 0)


def competition_math(split: str, rng: random.Random) -> list[Example]:
    held_out = list(read_jsonl(SHARED_DATA / "math500" / "test.jsonl"))
    if split == "held_out":
        rows = held_out
    else:
        excluded = {row["problem"] for row in held_out}
        pool = [
            row
            for row in read_jsonl(SHARED_DATA / "math" / "test.jsonl")
            if row["problem"] not in excluded and level(row["level"]) > 0
        ]
        rows = rng.sample(pool, DEV_DRAWS)
    return [
        Example(
            row["problem"],
            "DEEP" if level(row["level"]) >= DEEP_MATH_LEVEL else "STANDARD",
            "math",
        )
        for row in rows
    ]


def reasoner_questions(split: str, rng: random.Random) -> list[Example]:
    """The reasoner's generated questions: a tool question is QUICK, a no-tool one STANDARD."""
    held_out = split == "held_out"
    examples = []
    for _ in range(TRACE_QUESTIONS):
        task = rng.choice(TASKS)
        _, template = rng.choice(task.templates(held_out))
        draw = Draw(rng, held_out)
        problem = task.sample(draw)
        text = question(template, problem.slots, draw)
        label = "QUICK" if problem.tool else "STANDARD"
        examples.append(Example(text, label, f"reasoner.{task.family}"))
    return examples


def direct_requests(split: str, rng: random.Random) -> list[Example]:
    templates = DEV_DIRECT if split == "dev" else HELD_OUT_DIRECT
    examples = []
    for _ in range(DIRECT_QUESTIONS):
        a, b = rng.randint(2, 99), rng.randint(2, 99)
        unit_a, unit_b = rng.choice(UNIT_PAIRS[split])
        slots = {
            "n": rng.choice((str(a), f"{a}.{rng.randint(1, 9)}")),
            "unit_a": unit_a,
            "unit_b": unit_b,
            "linear": f"{a}x + {b} = {rng.randint(100, 999)}",
            "linear_left": f"{a}x + {b}",
            "poly": f"{a}x^3 - {b}x",
            "square": f"x^2 - {a * a}",
            "formula": rng.choice(FORMULAS[split]),
            "conc": rng.choice(("0.1", "0.01", "0.005", "0.25")),
            "strong": rng.choice(STRONG[split]),
            "reaction": rng.choice(REACTIONS[split]),
            "a": str(a),
            "b": str(b),
        }
        examples.append(Example(rng.choice(templates).format(**slots), "QUICK", "direct"))
    return examples


def routing_set(split: str, seed: int = 0) -> list[Example]:
    """The labelled questions of one split, the same for a given seed."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; choose one of {', '.join(SPLITS)}")
    rng = random.Random(f"{seed}:{split}")
    return [
        *gsm8k(split, rng),
        *competition_math(split, rng),
        *reasoner_questions(split, rng),
        *direct_requests(split, rng),
    ]
