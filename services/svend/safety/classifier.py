"""The trained classifier as a scorer: model predictions turned into per-category assessments.

The model (model.py) gives a calibrated probability that a text is not safe and a probability
per harm category. The policy reads category scores and takes their maximum as the unsafe
score, so the most likely category carries the model's unsafe probability and the others keep
their own probability, capped by it. Concurrent requests share forward passes through a
MicroBatcher.
"""

import asyncio
from collections.abc import Sequence
from typing import Literal

from svend.common.batching import MicroBatcher
from svend.safety.model import Prediction, SafetyModel
from svend.safety.scoring import Assessment, Finding
from svend.safety.taxonomy import CATEGORIES

Kind = Literal["input", "output"]
SOURCE = "classifier"


def assessment_from(prediction: Prediction, head: str) -> Assessment:
    """Category scores and a finding that says what the model saw."""
    unsafe = prediction.unsafe_score
    probabilities = {c: prediction.category_probabilities.get(str(c), 0.0) for c in CATEGORIES}
    likeliest = max(CATEGORIES, key=lambda c: probabilities[c])
    scores = {c: min(unsafe, probabilities[c]) for c in CATEGORIES}
    scores[likeliest] = unsafe
    label = max(prediction.label_probabilities, key=prediction.label_probabilities.__getitem__)
    finding = Finding(
        source=SOURCE,
        rule=f"{head} head",
        category=likeliest,
        score=unsafe,
        matched=f"{label} (p={prediction.label_probabilities[label]:.2f}), "
        f"{likeliest} p={probabilities[likeliest]:.2f}",
    )
    return Assessment(scores=scores, findings=(finding,))


class Classifier:
    """Scores requests and answers with the safety model, batching concurrent calls."""

    def __init__(self, model: SafetyModel, *, max_batch: int) -> None:
        self.model = model
        self.batcher: MicroBatcher[tuple[str, Kind], Prediction] = MicroBatcher(
            self.predict_batch, max_batch=max_batch
        )

    def predict_batch(self, items: list[tuple[str, Kind]]) -> list[Prediction]:
        """One forward pass per kind present in the batch, results in the items' order."""
        results: dict[int, Prediction] = {}
        for kind in ("input", "output"):
            indices = [i for i, (_, item_kind) in enumerate(items) if item_kind == kind]
            if indices:
                predictions = self.model.predict([items[i][0] for i in indices], kind)
                results.update(zip(indices, predictions, strict=True))
        return [results[i] for i in range(len(items))]

    async def score_input(self, text: str) -> Assessment:
        return assessment_from(await self.batcher.submit((text, "input")), "input")

    async def score_passages(self, passages: Sequence[str]) -> list[Assessment]:
        predictions = await asyncio.gather(
            *self.batcher.submit_many((passage, "output") for passage in passages)
        )
        return [assessment_from(prediction, "output") for prediction in predictions]

    async def score_output(self, text: str) -> Prediction:
        """The whole answer (in windows when long) through the output head."""
        return await self.batcher.submit((text, "output"))
