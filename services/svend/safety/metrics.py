"""The safety service's own Prometheus metrics."""

from prometheus_client import Counter

DECISIONS = Counter(
    "svend_safety_decisions_total",
    "Safety decisions, by check (input or output), decision and harm category "
    "('none' when no category fired).",
    ["check", "decision", "category"],
)


def record_decision(check: str, decision: str, categories: list[str]) -> None:
    """Count one decision once per category it rests on."""
    for category in categories or ["none"]:
        DECISIONS.labels(check=check, decision=decision, category=category).inc()
