"""Tuning the DEEP threshold: the one that best separates STANDARD from DEEP questions."""

from svend.router.complexity import complexity
from svend.router.quick import parse_direct_request
from training.router.routing_set import Example


def best_threshold(examples: list[Example]) -> tuple[float, float]:
    """The threshold with the highest balanced recall of STANDARD and DEEP, over the questions
    labelled either that the quick path does not take; and that recall."""
    scored = [
        (complexity(example.query).score, example.label)
        for example in examples
        if example.label in ("STANDARD", "DEEP") and parse_direct_request(example.query) is None
    ]
    standard = sum(label == "STANDARD" for _, label in scored)
    deep = len(scored) - standard
    best = (0.0, 0.0)
    for threshold in sorted({round(score, 1) for score, _ in scored}):
        deep_hits = sum(score >= threshold and label == "DEEP" for score, label in scored)
        standard_hits = sum(score < threshold and label == "STANDARD" for score, label in scored)
        balanced = (deep_hits / deep + standard_hits / standard) / 2
        if balanced > best[1]:
            best = (threshold, balanced)
    return best
