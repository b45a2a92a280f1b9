"""The decision policy: thresholds from settings turn combined scores into decisions.

Inputs: unsafe score >= refuse threshold -> REFUSE, >= review threshold -> REVIEW, else SAFE.
Answers are judged passage by passage: a passage scoring >= the edit threshold is offending.
No offending passage -> SAFE. Offending passages that are many (at least block_min_passages:
step-by-step instructions) or most of the answer (more than max_edit_fraction of it), with an
unsafe score >= the block threshold -> BLOCK. Otherwise the offending passages are replaced
by a marker -> EDIT.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from svend.safety.scoring import Assessment, Finding, combine

REDACTION = "[removed by safety filter]"


class InputDecision(StrEnum):
    SAFE = "safe"
    REVIEW = "review"
    REFUSE = "refuse"


class OutputDecision(StrEnum):
    SAFE = "safe"
    EDIT = "edit"
    BLOCK = "block"


@dataclass(frozen=True)
class Thresholds:
    """The policy's knobs, filled from settings."""

    review: float = 0.5
    refuse: float = 0.8
    edit: float = 0.5
    block: float = 0.8
    block_min_passages: int = 3
    max_edit_fraction: float = 0.34


@dataclass(frozen=True)
class InputVerdict:
    """The decision on a request and what it rests on."""

    decision: InputDecision
    unsafe_score: float
    scores: dict[str, float]
    categories: list[str]
    reasons: list[str]


@dataclass(frozen=True)
class OutputVerdict:
    """The decision on an answer; edited_text is set only for EDIT."""

    decision: OutputDecision
    unsafe_score: float
    scores: dict[str, float]
    categories: list[str]
    reasons: list[str]
    edited_text: str = ""


def reasons_for(findings: Sequence[Finding]) -> list[str]:
    """Readable reasons, strongest first, each stated once."""
    ordered = sorted(findings, key=lambda f: -f.score)
    return list(dict.fromkeys(f.describe() for f in ordered))


def decide_input(assessment: Assessment, thresholds: Thresholds) -> InputVerdict:
    """SAFE, REVIEW or REFUSE for a request."""
    score = assessment.unsafe_score
    if score >= thresholds.refuse:
        decision = InputDecision.REFUSE
    elif score >= thresholds.review:
        decision = InputDecision.REVIEW
    else:
        decision = InputDecision.SAFE
    return InputVerdict(
        decision=decision,
        unsafe_score=score,
        scores={str(c): s for c, s in assessment.scores.items()},
        categories=[str(c) for c in assessment.categories_at(thresholds.review)],
        reasons=reasons_for(assessment.findings),
    )


def redact(text: str, spans: Sequence[tuple[int, int]], offending: Sequence[bool]) -> str:
    """The text with each run of offending passages replaced by one marker."""
    pieces: list[str] = []
    cursor = 0
    previous_redacted = False
    for (start, end), bad in zip(spans, offending, strict=True):
        if not bad:
            previous_redacted = False
            continue
        between = text[cursor:start]
        if previous_redacted and not between.strip():
            cursor = end
            continue
        pieces += [between, REDACTION]
        cursor = end
        previous_redacted = True
    pieces.append(text[cursor:])
    return "".join(pieces)


def decide_output(
    text: str,
    spans: Sequence[tuple[int, int]],
    passages: Sequence[Assessment],
    thresholds: Thresholds,
) -> OutputVerdict:
    """SAFE, EDIT or BLOCK for an answer split into passages at `spans`."""
    overall = combine(passages)
    score = overall.unsafe_score
    offending = [p.unsafe_score >= thresholds.edit for p in passages]
    count = sum(offending)
    if count == 0:
        decision = OutputDecision.SAFE
    elif score >= thresholds.block and (
        count >= thresholds.block_min_passages
        or count / len(passages) > thresholds.max_edit_fraction
    ):
        decision = OutputDecision.BLOCK
    else:
        decision = OutputDecision.EDIT
    return OutputVerdict(
        decision=decision,
        unsafe_score=score,
        scores={str(c): s for c, s in overall.scores.items()},
        categories=[str(c) for c in overall.categories_at(thresholds.edit)],
        reasons=reasons_for(overall.findings),
        edited_text=redact(text, spans, offending) if decision is OutputDecision.EDIT else "",
    )
