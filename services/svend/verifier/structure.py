"""How a chain hangs together: evidence, beside the step scorer's, of a chain that is wrong
although every claim in it holds (a dropped step, a wrong operation).

A correct chain uses the quantities the question gives, feeds every intermediate result into a
later step, ends on what the question asks for (a difference when it asks how many more, a sum
when it asks for a total) and lands on an answer of a plausible size. None of these proves a
chain wrong; the verdict policy weighs them with the scorer's evidence (svend.verifier.findings).
"""

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import sympy

from svend.verifier.arithmetic import MAX_NUMBER_CHARS, NUMBER, number_value, tokenize
from svend.verifier.findings import Finding, Outcome
from svend.verifier.prose import ARITHMETIC, stated_numbers, with_rescalings

SENTENCE_END = re.compile(r"(?<=[.?!])\s+")
WORD = re.compile(r"[a-z]+")
# Words too common to say what a sentence is about.
FUNCTION_WORDS = frozenset(
    {
        *("the", "a", "an", "of", "to", "in", "and", "is", "are", "was", "were", "how", "many"),
        *("much", "did", "does", "do", "what", "if", "he", "she", "they", "it", "his", "her"),
        *("their", "them", "for", "on", "at", "by", "with", "be", "has", "have", "had", "will"),
        *("would", "that", "this", "there", "each", "per", "as", "from", "so", "than", "then"),
    }
)
# Words are compared by their first letters, so 'sleeps' meets 'slept' and 'apples' 'apple'.
STEM_LETTERS = 5
COMPARISON = re.compile(
    r"\b(more|less|fewer|difference|left|remain|remaining|change|save|saved|profit|longer"
    r"|shorter|older|younger|taller|faster)\b"
)
TOTAL = re.compile(r"\b(total|together|altogether|in all|combined|sum|all)\b")
WRITTEN_OPERATOR = re.compile(r"(?<=[\d)\s])([-+*/x\u00d7\u00f7])(?=\s*[\d$(])")
ADDITIVE_OR_PRODUCT = frozenset("+*x\u00d7")
# Counts of unused results and numbers are capped: past a few, more says nothing new.
COUNT_CAP = 3


@dataclass(frozen=True)
class Structure:
    """The structural evidence about one chain (see the module docstring)."""

    # Numbers the question writes in digits that no step states.
    unused_numbers: tuple[str, ...] = ()
    # Results of steps (not the last) that no later step or the answer uses.
    unused_results: tuple[str, ...] = ()
    # Share of the question's asking sentence's words that the last step repeats.
    ask_overlap: float = 1.0
    # The question asks for a difference and the last step subtracts nothing.
    comparison_unanswered: bool = False
    # The question asks for a total and the last step neither adds nor multiplies.
    total_unanswered: bool = False
    # log10 of the answer's size over the largest number of the question.
    answer_magnitude: float = 0.0
    # The answer has a fractional part.
    answer_fractional: bool = False

    def features(self) -> list[float]:
        """The structural features, in EVIDENCE_NAMES' order after the scorer's three."""
        return [
            float(bool(self.unused_numbers)),
            float(min(len(self.unused_results), COUNT_CAP)),
            float(bool(self.unused_results)),
            self.ask_overlap,
            float(self.comparison_unanswered),
            float(self.total_unanswered),
            self.answer_magnitude,
            float(self.answer_fractional),
            max(self.answer_magnitude, 0.0),
        ]


# The verdict policy's features: the step scorer's, then these (findings.evidence).
EVIDENCE_NAMES = (
    "logit_worst_step",
    "logit_answer",
    "logit_mean_step",
    "unused_number",
    "unused_results",
    "unused_result",
    "ask_overlap",
    "comparison_unanswered",
    "total_unanswered",
    "answer_magnitude",
    "answer_fractional",
    "answer_magnitude_excess",
)


def unused_question_numbers(question: str, steps: Sequence[str]) -> tuple[str, ...]:
    """The numbers the question writes in digits that no step states, even rescaled as a
    percentage: a chain that never uses a given quantity has most likely dropped a step."""
    used: set[sympy.Rational] = set()
    for text in steps:
        used |= stated_numbers(text)
    unused = []
    for token in tokenize(question):
        if token.kind != NUMBER or token.text in unused or len(token.text) > MAX_NUMBER_CHARS:
            continue
        value = number_value(token)
        if not {value, value * 100, value / 100} & used:
            unused.append(token.text)
    return tuple(unused)


def unused_results(steps: Sequence[str], answer: str, findings: Sequence[Finding]) -> list[str]:
    """The last result of each step but the last computing one that neither a later step nor
    the answer states, even rescaled: a result computed for nothing."""
    results: dict[int, sympy.Expr] = {}
    for finding in findings:
        if (
            finding.kind == ARITHMETIC
            and finding.outcome is Outcome.PASSED
            and finding.value is not None
            and finding.step < len(steps)
        ):
            results[finding.step] = finding.value
    if not results:
        return []
    last = max(results)
    # stated_after[i]: the numbers the answer and the steps after step i state, read once each.
    stated_after: list[set[sympy.Rational]] = [set()] * len(steps)
    later = stated_numbers(answer)
    for index in range(len(steps) - 1, -1, -1):
        stated_after[index] = later
        later = later | stated_numbers(steps[index])
    return [
        str(value)
        for step, value in sorted(results.items())
        if step != last and value not in with_rescalings(stated_after[step])
    ]


def asking_sentence(question: str) -> str:
    """The sentence of the question that asks, in lower case: its last one with a '?'."""
    sentences = SENTENCE_END.split(question.strip())
    asking = [s for s in sentences if "?" in s] or sentences[-1:]
    return asking[-1].lower()


def stems(text: str) -> set[str]:
    return {
        word[:STEM_LETTERS]
        for word in WORD.findall(text.lower())
        if word not in FUNCTION_WORDS and len(word) > 2
    }


def answer_size(question: str, answer: str) -> tuple[float, bool]:
    """(log10 of the answer over the question's largest number, whether it is fractional)."""
    try:
        given = [float(v) for v in stated_numbers(question) if v > 0]
        stated = [float(v) for v in stated_numbers(answer)]
    except (TypeError, ValueError, OverflowError):
        return 0.0, False
    if not stated:
        return 0.0, False
    value = max(stated, key=abs)
    largest = max(given, default=1.0)
    magnitude = math.log10(abs(value) + 1) - math.log10(largest + 1)
    return magnitude, abs(value - round(value)) > 1e-9


def structure(
    question: str, steps: Sequence[str], answer: str, findings: Sequence[Finding]
) -> Structure:
    """The structural evidence of a chain whose prose steps are `steps`."""
    asking = asking_sentence(question)
    last = steps[-1] if steps else ""
    wanted = stems(asking)
    operators = set(WRITTEN_OPERATOR.findall(last))
    magnitude, fractional = answer_size(question, answer)
    return Structure(
        unused_numbers=unused_question_numbers(question, steps),
        unused_results=tuple(unused_results(steps, answer, findings)),
        ask_overlap=len(wanted & stems(last)) / max(len(wanted), 1),
        comparison_unanswered=bool(COMPARISON.search(asking)) and "-" not in operators,
        total_unanswered=bool(TOTAL.search(asking)) and not operators & ADDITIVE_OR_PRODUCT,
        answer_magnitude=magnitude,
        answer_fractional=fractional,
    )
