"""SafetyChecker: the rules and the trained classifier over a request or an answer, one policy.

The rules decide the unambiguous cases and explain them; the classifier scores everything,
including what no rule names. Their views combine per category by maximum, so either can
raise a decision and the reasons list both. Long texts are checked by the rules in a worker
thread, so a 100,000-character input does not stall the event loop.
"""

import asyncio
from collections.abc import Callable
from typing import TypeVar

from svend.safety.classifier import Classifier
from svend.safety.normalize import split_passages
from svend.safety.policy import (
    InputVerdict,
    OutputVerdict,
    Thresholds,
    decide_input,
    decide_output,
    merge_input_verdicts,
)
from svend.safety.rules import Rules
from svend.safety.scoring import Assessment, combine
from svend.safety.taxonomy import Category

# Texts longer than this are scored by the rules off the event loop.
INLINE_RULES_MAX_CHARS = 8_000

Scored = TypeVar("Scored")


async def off_loop_when_long(text: str, score: Callable[[], Scored]) -> Scored:
    if len(text) <= INLINE_RULES_MAX_CHARS:
        return score()
    return await asyncio.to_thread(score)


class SafetyChecker:
    """Checks texts with the rules and, when loaded, the classifier."""

    def __init__(
        self,
        rules: Rules,
        thresholds: Thresholds,
        classifier: Classifier | None = None,
        classifier_thresholds: Thresholds | None = None,
    ) -> None:
        self.rules = rules
        self.thresholds = thresholds
        self.classifier = classifier
        # Requests: the classifier's calibrated probabilities have thresholds of their own.
        self.classifier_thresholds = classifier_thresholds or thresholds

    async def input_views(self, text: str) -> list[Assessment]:
        views = [await off_loop_when_long(text, lambda: self.rules.score_input(text))]
        if self.classifier is not None:
            views.append(await self.classifier.score_input(text))
        return views

    async def check_input(self, text: str) -> InputVerdict:
        """Decide whether a request may be answered: each scorer on its own scale, merged."""
        views = await self.input_views(text)
        verdicts = [decide_input(views[0], self.thresholds)]
        verdicts += [decide_input(view, self.classifier_thresholds) for view in views[1:]]
        return merge_input_verdicts(verdicts)

    async def check_output(self, text: str, prompt: str = "") -> OutputVerdict:
        """Decide whether an answer to `prompt` may be returned, and redact it when needed."""
        topic: dict[Category, float] = {}
        if prompt.strip():
            # The rules' view of the prompt: the request itself was checked by CheckInput, and
            # its topic only steers how the rules read the answer's passages.
            prompt_scores = await off_loop_when_long(prompt, lambda: self.rules.score_input(prompt))
            topic = {
                category: prompt_scores.scores[category]
                for category in prompt_scores.categories_at(self.thresholds.review)
            }
        spans = split_passages(text)
        passages = [text[start:end] for start, end in spans]
        rule_views = await off_loop_when_long(
            text, lambda: self.rules.score_passages(passages, topic)
        )
        whole_answer_blocked = False
        assessments = rule_views
        if self.classifier is not None:
            whole = await self.classifier.score_output(text)
            whole_answer_blocked = (
                whole.label_probabilities.get("block", 0.0) >= self.thresholds.block
            )
            # Passages are scored one by one only when the whole answer is suspect: that finds
            # what to redact, and a benign answer (nearly all of them) costs one forward pass.
            if whole.unsafe_score >= self.thresholds.edit:
                model_views = await self.classifier.score_passages(passages)
                assessments = [
                    combine(views) for views in zip(rule_views, model_views, strict=True)
                ]
        return decide_output(
            text, spans, assessments, self.thresholds, whole_answer_blocked=whole_answer_blocked
        )
