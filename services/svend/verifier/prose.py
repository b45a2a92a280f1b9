"""Checks of the prose: every equation in a step, and the final answer against the chain."""

from collections.abc import Sequence

from svend.verifier.arithmetic import (
    find_equations,
    format_value,
    number_candidates,
    recompute,
    states_value,
)
from svend.verifier.findings import Finding, Outcome

ARITHMETIC = "arithmetic"
ANSWER = "answer"


def step_findings(step: int, text: str) -> list[Finding]:
    """One finding per equation the step's text writes; equations that cannot be read are left
    out."""
    findings = []
    for equation in find_equations(text):
        checked = recompute(equation)
        if checked is None:
            continue
        claim = text[equation.start : equation.end]
        left = text[equation.left[0].start : equation.left[-1].end]
        if checked.held:
            detail = f"{claim} holds"
        elif checked.value is None:
            detail = f"{claim} is wrong; {checked.detail}"
        else:
            detail = f"{claim} is wrong; {left} = {checked.detail}"
        outcome = Outcome.PASSED if checked.held else Outcome.FAILED
        findings.append(Finding(step, ARITHMETIC, claim, outcome, detail, value=checked.value))
    return findings


def answer_finding(answer: str, findings: Sequence[Finding], step_count: int) -> Finding | None:
    """Whether the answer states the chain's last computed value; None when it has no number."""
    computed = [f for f in sorted(findings, key=lambda f: f.step) if f.value is not None]
    if not computed:
        if not number_candidates(answer):
            return None
        return Finding(
            step_count, ANSWER, answer, Outcome.UNCHECKED, "no computed value to compare with"
        )
    last = computed[-1]
    stated = states_value(last.value, answer)
    if stated is None:
        return None
    shown = format_value(last.value)
    if stated:
        detail = f"{answer!r} states the last computed value {shown} (step {last.step})"
        return Finding(step_count, ANSWER, answer, Outcome.PASSED, detail)
    detail = f"{answer!r} is wrong; the last computed value is {shown} (step {last.step})"
    return Finding(step_count, ANSWER, answer, Outcome.FAILED, detail)
