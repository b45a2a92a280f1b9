"""SafetyChecker: runs the scorers over a request or an answer and applies the policy."""

from collections.abc import Sequence

from svend.safety.normalize import split_passages
from svend.safety.policy import (
    InputVerdict,
    OutputVerdict,
    Thresholds,
    decide_input,
    decide_output,
)
from svend.safety.scoring import InputScorer, OutputScorer, combine
from svend.safety.taxonomy import Category


class SafetyChecker:
    """Checks texts with every scorer (rules today, a classifier later) and one policy."""

    def __init__(
        self,
        input_scorers: Sequence[InputScorer],
        output_scorers: Sequence[OutputScorer],
        thresholds: Thresholds,
    ) -> None:
        self.input_scorers = list(input_scorers)
        self.output_scorers = list(output_scorers)
        self.thresholds = thresholds

    def check_input(self, text: str) -> InputVerdict:
        """Decide whether a request may be answered."""
        return decide_input(
            combine(scorer.score_input(text) for scorer in self.input_scorers), self.thresholds
        )

    def check_output(self, text: str, prompt: str = "") -> OutputVerdict:
        """Decide whether an answer to `prompt` may be returned, and redact it when needed."""
        topic: dict[Category, float] = {}
        if prompt.strip():
            prompt_scores = combine(scorer.score_input(prompt) for scorer in self.input_scorers)
            topic = {
                category: prompt_scores.scores[category]
                for category in prompt_scores.categories_at(self.thresholds.review)
            }
        spans = split_passages(text)
        passages = [text[start:end] for start, end in spans]
        per_scorer = [scorer.score_passages(passages, topic) for scorer in self.output_scorers]
        assessments = [combine(views) for views in zip(*per_scorer, strict=True)]
        return decide_output(text, spans, assessments, self.thresholds)
