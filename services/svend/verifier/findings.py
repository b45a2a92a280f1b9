"""Findings of the individual checks, and the combiner that turns them into a verdict.

Every check (exact arithmetic, tool re-runs, the final answer, later a learned step scorer) only
produces findings about steps; `combine` alone decides the verdict, first_error_step,
step_scores and confidence, so new kinds of checks plug in without touching the others.

Confidence heuristic: an exact check that disagrees is near-certain evidence, so FAIL has a fixed
FAIL_CONFIDENCE (the remaining doubt is that prose was misread). PASS has the coverage: the
share of the chain's parts (each step, plus the answer when it holds a number) that a passed
check covered, so a chain with one checked step out of ten is a weak PASS. UNVERIFIED has 0.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

import sympy

FAIL_CONFIDENCE = 0.95
CHECKED_CORRECT_SCORE = 1.0
CHECKED_WRONG_SCORE = 0.0
UNCHECKED_SCORE = 0.5
NOTHING_CHECKED = "nothing could be checked: no arithmetic, tool call or numeric answer found"


class Outcome(StrEnum):
    """The result of one check."""

    PASSED = "passed"
    FAILED = "failed"
    UNCHECKED = "unchecked"


class Verdict(StrEnum):
    """The verdict on a whole chain."""

    PASS = "pass"
    FAIL = "fail"
    UNVERIFIED = "unverified"


@dataclass(frozen=True)
class Finding:
    """One check about one step (index len(steps) is the final answer)."""

    step: int
    kind: str
    claim: str
    outcome: Outcome
    detail: str
    # Other steps a passed check vouches for too (a tool call, when its result was re-run).
    covers: tuple[int, ...] = ()
    # The value the step computed, recomputed exactly; the answer is checked against the last.
    value: sympy.Expr | None = None

    @property
    def reason(self) -> str:
        """The readable line for this finding."""
        where = f"step {self.step}" if self.kind != "answer" else "answer"
        return f"{where}: {self.detail}"


@dataclass(frozen=True)
class Report:
    """The verifier's report on one chain."""

    verdict: Verdict
    confidence: float
    first_error_step: int
    step_scores: tuple[float, ...]
    reasons: tuple[str, ...]
    findings: tuple[Finding, ...]


def combine(findings: Iterable[Finding], step_count: int) -> Report:
    """The verdict and scores implied by the findings (rules in the module docstring)."""
    ordered = sorted(findings, key=lambda finding: finding.step)
    failed = [f for f in ordered if f.outcome is Outcome.FAILED]
    passed = [f for f in ordered if f.outcome is Outcome.PASSED]
    scores = [UNCHECKED_SCORE] * step_count
    correct: set[int] = set()
    for finding in passed:
        correct.update(step for step in (finding.step, *finding.covers) if step < step_count)
    for step in correct:
        scores[step] = CHECKED_CORRECT_SCORE
    for finding in failed:
        if finding.step < step_count:
            scores[finding.step] = CHECKED_WRONG_SCORE
    if failed:
        verdict, confidence, first_error = Verdict.FAIL, FAIL_CONFIDENCE, failed[0].step
    elif passed:
        answer_found = any(f.step >= step_count for f in ordered)
        answer_passed = any(f.step >= step_count for f in passed)
        parts = step_count + (1 if answer_found else 0)
        covered = len(correct) + (1 if answer_passed else 0)
        verdict, confidence, first_error = Verdict.PASS, covered / max(parts, 1), -1
    else:
        verdict, confidence, first_error = Verdict.UNVERIFIED, 0.0, -1
    return Report(
        verdict=verdict,
        confidence=round(confidence, 4),
        first_error_step=first_error,
        step_scores=tuple(scores),
        reasons=tuple(finding.reason for finding in ordered) or (NOTHING_CHECKED,),
        findings=tuple(ordered),
    )
