"""What a scorer reports, and how the reports of several scorers combine.

A scorer (the rules today, a trained classifier later) gives every harm category a score in
[0, 1] and the findings behind it. The policy only sees the combined `Assessment`, so adding a
model scorer changes no decision code.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from svend.safety.taxonomy import CATEGORIES, Category


@dataclass(frozen=True)
class Finding:
    """One piece of evidence: which scorer and rule, what it matched, how strongly."""

    source: str
    rule: str
    category: Category
    score: float
    matched: str

    def describe(self) -> str:
        """A readable line for the response's reasons."""
        return (
            f"{self.category}: {self.source} rule {self.rule} matched "
            f"{self.matched!r} (score {self.score:.2f})"
        )


@dataclass(frozen=True)
class Assessment:
    """Scores for every category of one text, with the findings that produced them."""

    scores: Mapping[Category, float] = field(default_factory=lambda: dict.fromkeys(CATEGORIES, 0.0))
    findings: tuple[Finding, ...] = ()

    @classmethod
    def from_findings(cls, findings: Iterable[Finding]) -> "Assessment":
        """Each category scores its strongest finding."""
        kept = tuple(findings)
        scores = dict.fromkeys(CATEGORIES, 0.0)
        for finding in kept:
            scores[finding.category] = max(scores[finding.category], finding.score)
        return cls(scores=scores, findings=kept)

    @property
    def unsafe_score(self) -> float:
        """How harmful the text is overall: its worst category."""
        return max(self.scores.values(), default=0.0)

    def categories_at(self, threshold: float) -> list[Category]:
        """Categories scoring at least threshold, worst first."""
        fired = [c for c in CATEGORIES if self.scores[c] >= threshold]
        return sorted(fired, key=lambda c: -self.scores[c])


def combine(assessments: Iterable[Assessment]) -> Assessment:
    """Several scorers' views of one text: per category the highest score, all findings."""
    scores = dict.fromkeys(CATEGORIES, 0.0)
    findings: list[Finding] = []
    for assessment in assessments:
        for category, score in assessment.scores.items():
            scores[category] = max(scores[category], score)
        findings.extend(assessment.findings)
    return Assessment(scores=scores, findings=tuple(findings))


class InputScorer(Protocol):
    """Scores a user's request."""

    def score_input(self, text: str) -> Assessment: ...


class OutputScorer(Protocol):
    """Scores each passage of an answer, knowing which categories (and how strongly) the prompt
    was about."""

    def score_passages(
        self, passages: Sequence[str], prompt_topic: Mapping[Category, float]
    ) -> list[Assessment]: ...
