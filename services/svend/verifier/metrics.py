"""The verifier's own Prometheus metrics."""

from prometheus_client import Counter

from svend.verifier.findings import Outcome, Report, Verdict

VERDICTS = Counter("svend_verifier_verdicts", "Verdicts given, by verdict.", ["verdict"])
CHECKS = Counter(
    "svend_verifier_checks", "Individual checks made, by kind and outcome.", ["kind", "outcome"]
)
for verdict in Verdict:
    VERDICTS.labels(verdict.value)
for kind in ("arithmetic", "tool", "answer"):
    for outcome in Outcome:
        CHECKS.labels(kind, outcome.value)


def record(report: Report) -> None:
    """Count one report's verdict and checks."""
    VERDICTS.labels(report.verdict.value).inc()
    for finding in report.findings:
        CHECKS.labels(finding.kind, finding.outcome.value).inc()
