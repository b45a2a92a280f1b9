"""Findings of the individual checks, and the combiner that turns them into a verdict.

Every exact check (arithmetic, provenance of numbers, tool re-runs, the final answer) produces
findings about steps; the learned step scorer gives each step and the answer a P(wrong).
`combine` alone decides the verdict, first_error_step, step_scores and confidence, so new kinds
of checks plug in without touching the others.

- FAIL when an exact check fails (first_error_step: the first failed step). Otherwise, with
  learned evidence, a logistic model of it (the step scorer's P(wrong) of the worst step, of
  the answer and on average, and how the chain hangs together: svend.verifier.structure) gives
  P(the chain is wrong); at or above the policy's threshold the chain FAILs at the segment the
  scorer suspects most.
- PASS when nothing failed and at least one exact check passed; UNVERIFIED when nothing could
  be checked exactly (learned evidence can fail a chain, never pass it alone).
- Confidence, with learned evidence: for a PASS 1 - P(wrong), for a learned FAIL P(wrong),
  for an exact FAIL the share of validation chains failed exactly that were wrong. Without it,
  a heuristic: FAIL has a fixed FAIL_CONFIDENCE (the remaining doubt is that prose was misread),
  PASS the share of the chain's parts (each step, plus the answer when it holds a number) that
  a passed check covered. UNVERIFIED has 0 either way.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

import sympy

if TYPE_CHECKING:
    from svend.verifier.structure import Structure

FAIL_CONFIDENCE = 0.95
CHECKED_CORRECT_SCORE = 1.0
CHECKED_WRONG_SCORE = 0.0
UNCHECKED_SCORE = 0.5
NOTHING_CHECKED = "nothing could be checked: no arithmetic, tool call or numeric answer found"
SCORER = "scorer"
# P(wrong) is clipped away from 0 and 1 before its logit enters the confidence model.
PROBABILITY_FLOOR = 1e-4


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
    # Set for a finding about the final answer made by a check that is not the answer check.
    on_answer: bool = False

    @property
    def reason(self) -> str:
        """The readable line for this finding."""
        where = "answer" if self.kind == "answer" or self.on_answer else f"step {self.step}"
        return f"{where}: {self.detail}"


@dataclass(frozen=True)
class Learned:
    """What the exact checks cannot see: the step scorer's P(wrong) per step then for the
    answer, and how the chain hangs together (svend.verifier.structure)."""

    wrong: Sequence[float]
    structure: "Structure"


@dataclass(frozen=True)
class ScorerPolicy:
    """How the learned evidence enters the verdict; every value is fitted on validation."""

    # P(the chain is wrong) from which a chain that passed every exact check FAILs.
    threshold: float
    # Logistic weights over `evidence` (the last is the bias): P(the chain is wrong).
    weights: tuple[float, ...]
    # The share of validation chains failed by an exact check that really were wrong.
    exact_fail_confidence: float = FAIL_CONFIDENCE
    # The encoder runtime whose scores it was fitted on (svend.common.settings.EncoderRuntime).
    runtime: str = "onnxruntime"


def logit(probability: float) -> float:
    clipped = min(max(probability, PROBABILITY_FLOOR), 1 - PROBABILITY_FLOOR)
    return math.log(clipped / (1 - clipped))


def evidence(learned: Learned) -> list[float]:
    """The confidence model's features (structure.EVIDENCE_NAMES): the logits of the scorer's
    worst step, of the answer and the mean step logit, the structural features, and 1 for the
    bias."""
    steps = [logit(p) for p in learned.wrong[:-1]] or [0.0]
    return [
        max(steps),
        logit(learned.wrong[-1]),
        sum(steps) / len(steps),
        *learned.structure.features(),
        1.0,
    ]


def chain_wrong_probability(policy: ScorerPolicy, features: Sequence[float]) -> float:
    """P(the chain is wrong) under the policy's logistic model."""
    z = sum(w * x for w, x in zip(policy.weights, features, strict=True))
    return 1 / (1 + math.exp(-max(min(z, 50.0), -50.0)))


def learned_finding(learned: Learned, probability: float) -> Finding:
    """The finding of a chain the learned evidence fails, at the step the scorer suspects most
    (the answer only when there are no steps: a wrong answer comes from a wrong step)."""
    steps = len(learned.wrong) - 1
    worst = max(range(steps), key=lambda i: learned.wrong[i]) if steps else 0
    on_answer = worst == steps
    suspect = "the answer" if on_answer else "this step"
    detail = (
        f"the chain is likely wrong (P = {probability:.2f}); the step scorer suspects "
        f"{suspect} most (P(wrong) = {learned.wrong[worst]:.2f})"
    )
    unused = learned.structure.unused_numbers
    if unused:
        detail += f"; the question gives {', '.join(unused)}, which no step uses"
    results = learned.structure.unused_results
    if results:
        detail += f"; no later step uses {', '.join(results)}"
    return Finding(worst, SCORER, "", Outcome.FAILED, detail, on_answer=on_answer)


@dataclass(frozen=True)
class Report:
    """The verifier's report on one chain."""

    verdict: Verdict
    confidence: float
    first_error_step: int
    step_scores: tuple[float, ...]
    reasons: tuple[str, ...]
    findings: tuple[Finding, ...]
    # The confidence model's features (see `evidence`); empty without a scorer.
    evidence: tuple[float, ...] = ()


def combine(
    findings: Iterable[Finding],
    step_count: int,
    learned: Learned | None = None,
    policy: ScorerPolicy | None = None,
) -> Report:
    """The verdict and scores implied by the findings and, when given, the learned evidence
    (rules in the module docstring)."""
    ordered = sorted(findings, key=lambda finding: finding.step)
    failed = [f for f in ordered if f.outcome is Outcome.FAILED]
    passed = [f for f in ordered if f.outcome is Outcome.PASSED]
    correct: set[int] = set()
    for finding in passed:
        correct.update(step for step in (finding.step, *finding.covers) if step < step_count)
    features = evidence(learned) if learned is not None else []
    p_wrong = chain_wrong_probability(policy, features) if features and policy else None
    flagged = policy is not None and p_wrong is not None and p_wrong >= policy.threshold
    if learned is not None and p_wrong is not None and flagged and not failed:
        failed = [learned_finding(learned, p_wrong)]
        ordered = sorted([*ordered, *failed], key=lambda finding: finding.step)
    if learned is not None:
        scores = [round(1.0 - p, 4) for p in learned.wrong[:step_count]]
    else:
        scores = [UNCHECKED_SCORE] * step_count
        for step in correct:
            scores[step] = CHECKED_CORRECT_SCORE
    for finding in failed:
        if finding.step < step_count and finding.kind != SCORER:
            scores[finding.step] = CHECKED_WRONG_SCORE
    if failed:
        verdict, first_error = Verdict.FAIL, failed[0].step
    elif passed:
        verdict, first_error = Verdict.PASS, -1
    else:
        verdict, first_error = Verdict.UNVERIFIED, -1
    answer_found = any(f.step >= step_count for f in ordered if f.kind != SCORER)
    answer_passed = any(f.step >= step_count for f in passed)
    parts = step_count + (1 if answer_found else 0)
    coverage = (len(correct) + (1 if answer_passed else 0)) / max(parts, 1)
    if verdict is Verdict.UNVERIFIED:
        confidence = 0.0
    elif p_wrong is not None and policy is not None:
        if verdict is Verdict.PASS:
            confidence = 1.0 - p_wrong
        elif failed[0].kind == SCORER:
            confidence = p_wrong
        else:
            confidence = policy.exact_fail_confidence
    else:
        confidence = FAIL_CONFIDENCE if verdict is Verdict.FAIL else coverage
    return Report(
        verdict=verdict,
        confidence=round(confidence, 4),
        first_error_step=first_error,
        step_scores=tuple(scores),
        reasons=tuple(finding.reason for finding in ordered) or (NOTHING_CHECKED,),
        findings=tuple(ordered),
        evidence=tuple(features),
    )
