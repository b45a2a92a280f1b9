"""The decision policy: thresholds from settings turn combined scores into decisions.

Inputs: unsafe score >= refuse threshold (or a category's score >= that category's own refuse
threshold) -> REFUSE, >= review threshold -> REVIEW, else SAFE.
Answers are judged passage by passage: a passage scoring >= the edit threshold is offending.
No offending passage -> SAFE. Offending passages that are many (at least block_min_passages:
step-by-step instructions) or most of the answer (more than max_edit_fraction of it), with an
unsafe score >= the block threshold -> BLOCK; so does a classifier that finds the whole answer
harmful. Otherwise the offending passages are replaced by a marker -> EDIT.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from svend.safety.scoring import Assessment, Finding, combine
from svend.safety.taxonomy import Category

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
    # Categories refused at a score of their own, lower than `refuse` (e.g. sexual_minors).
    category_refuse: Mapping[Category, float] = field(default_factory=dict)

    def refuses(self, assessment: Assessment) -> bool:
        """The unsafe score, or some category's score, reaches its refuse threshold."""
        if assessment.unsafe_score >= self.refuse:
            return True
        return any(
            assessment.scores.get(category, 0.0) >= threshold
            for category, threshold in self.category_refuse.items()
        )


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
    if thresholds.refuses(assessment):
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


SEVERITY = (InputDecision.SAFE, InputDecision.REVIEW, InputDecision.REFUSE)


def merge_input_verdicts(verdicts: Sequence[InputVerdict]) -> InputVerdict:
    """Several scorers' decisions on one request: the most severe decision, every reason.

    Each scorer is judged against thresholds on its own scale (the rules' scores and the
    classifier's calibrated probabilities are not the same quantity), then the verdicts merge.
    """
    categories: dict[str, None] = {}
    scores: dict[str, float] = {}
    for verdict in verdicts:
        categories.update(dict.fromkeys(verdict.categories))
        for category, score in verdict.scores.items():
            scores[category] = max(scores.get(category, 0.0), score)
    return InputVerdict(
        decision=max((v.decision for v in verdicts), key=SEVERITY.index),
        unsafe_score=max(v.unsafe_score for v in verdicts),
        scores=scores,
        categories=list(categories),
        reasons=list(dict.fromkeys(reason for v in verdicts for reason in v.reasons)),
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
    *,
    whole_answer_blocked: bool = False,
) -> OutputVerdict:
    """SAFE, EDIT or BLOCK for an answer split into passages at `spans`.

    `whole_answer_blocked`: the classifier, reading the whole answer, found it harmful as a
    whole (step-by-step instructions whose passages each look mild), which blocks it too.
    """
    overall = combine(passages)
    score = overall.unsafe_score
    offending = [p.unsafe_score >= thresholds.edit for p in passages]
    count = sum(offending)
    if whole_answer_blocked:
        decision = OutputDecision.BLOCK
    elif count == 0:
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
