"""Fit the verifier's verdict policy on validation; measure the whole verifier on GSM8K test.

    python -m training.verifier.evaluate --model models/verifier/v1 \\
        --data build/verifier/train.jsonl --test build/verifier/test.jsonl [--runtime R]

Every number comes from the service's own code path: the exact checks of svend.verifier, the
trained StepScorer, and svend.verifier.findings.combine. On "validation" (GSM8K train lines no
training step saw) it chooses the scorer threshold that detects the most corrupted chains while
failing at most FALSE_ALARM_BUDGET of the correct ones, then fits the logistic confidence model;
both go into the artifact's calibration.json. Then, unchanged, it measures GSM8K test chains:
detection per corruption type, false alarms, first-error-step accuracy, a ProcessBench-style F1
(harmonic mean of the exact first-error accuracy on corrupted chains and of the accuracy on
correct ones), the expected calibration error of the confidence, and the same without the
scorer, so the scorer's share shows.
"""

import argparse
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from svend.common.encoder import MANIFEST_FILE, sha256_of
from svend.common.settings import ENCODER_RUNTIMES, EncoderRuntime
from svend.verifier.chain import Chain, Step, StepKind
from svend.verifier.findings import Finding, Report, ScorerPolicy, Verdict
from svend.verifier.scorer import CALIBRATION_FILE, StepScorer
from svend.verifier.settings import VerifierSettings
from svend.verifier.structure import EVIDENCE_NAMES
from svend.verifier.verifier import conclude, prose_findings
from training.encoder import write_json
from training.verifier.corrupt import CORRUPTIONS

FALSE_ALARM_BUDGET = 0.09
GRID = np.round(np.arange(0.05, 1.0, 0.005), 3)
ECE_BINS = 10
SCORER_BATCH = 64
# The policy is fitted on the scores of the runtime the service runs by default.
DEFAULT_RUNTIME: EncoderRuntime = VerifierSettings.model_fields["model_runtime"].default


@dataclass(frozen=True)
class Scored:
    """One record with what the verifier's parts said about it."""

    record: dict[str, Any]
    chain: Chain
    findings: list[Finding]
    wrong: list[float]


def score(records: list[dict[str, Any]], scorer: StepScorer) -> list[Scored]:
    """Exact findings and scorer probabilities of every record, with progress."""
    chains = [
        Chain(r["question"], tuple(Step(StepKind.THOUGHT, t) for t in r["steps"]), r["answer"])
        for r in records
    ]
    wrong: list[list[float]] = []
    started = time.monotonic()
    for start in range(0, len(chains), SCORER_BATCH):
        batch = chains[start : start + SCORER_BATCH]
        wrong.extend(
            scorer.wrong_probabilities(
                [(c.question, [s.text for s in c.steps], c.answer) for c in batch]
            )
        )
        if start and start % (SCORER_BATCH * 20) == 0:
            print(
                f"  scored {start}/{len(chains)} chains in {time.monotonic() - started:.0f} s",
                flush=True,
            )
    findings = [prose_findings(c.question, c.steps) for c in chains]
    return [Scored(*parts) for parts in zip(records, chains, findings, wrong, strict=True)]


def reports(
    scored: list[Scored], policy: ScorerPolicy | None, learned: bool = True
) -> list[Report]:
    """The verifier's reports; without a policy the learned evidence is computed but cannot fail
    a chain, and with learned=False the exact checks are alone."""
    if not learned:
        return [conclude(s.chain, s.findings) for s in scored]
    return [conclude(s.chain, s.findings, s.wrong, policy) for s in scored]


def is_corrupted(scored: Scored) -> bool:
    return scored.record["label"] == "corrupted"


def rates(scored: list[Scored], made: list[Report]) -> tuple[float, float]:
    """(detection on corrupted chains, false alarms on correct ones)."""
    fail = np.array([r.verdict is Verdict.FAIL for r in made])
    corrupted = np.array([is_corrupted(s) for s in scored])
    return float(fail[corrupted].mean()), float(fail[~corrupted].mean())


def fit_policy(scored: list[Scored], runtime: str) -> ScorerPolicy:
    """The logistic model of P(wrong) over the learned evidence of the chains that pass every
    exact check, the threshold on it with the best detection whose false alarms (exact ones
    included) stay within FALSE_ALARM_BUDGET, and the precision of exact failures."""
    exact = reports(scored, None)
    exact_failed = np.array([r.verdict is Verdict.FAIL for r in exact])
    corrupted = np.array([is_corrupted(s) for s in scored])
    features = np.array([r.evidence[:-1] for r in exact])
    model = LogisticRegression(C=1.0, max_iter=2000)
    model.fit(features[~exact_failed], corrupted[~exact_failed])
    p_wrong = model.predict_proba(features)[:, 1]
    best = (-1.0, 1.0)
    for threshold in GRID:
        fail = exact_failed | (p_wrong >= threshold)
        detection, false_alarms = fail[corrupted].mean(), fail[~corrupted].mean()
        if false_alarms <= FALSE_ALARM_BUDGET and detection > best[0]:
            best = (float(detection), float(threshold))
    weights = tuple(round(float(w), 6) for w in [*model.coef_[0], model.intercept_[0]])
    precision = round(float(corrupted[exact_failed].mean()), 4)
    return ScorerPolicy(best[1], weights, precision, runtime)


def expected_calibration_error(confidence: np.ndarray, right: np.ndarray) -> float:
    """Mean |accuracy - confidence| over equal-width confidence bins, weighted by their size."""
    bins = np.minimum((confidence * ECE_BINS).astype(int), ECE_BINS - 1)
    total = 0.0
    for index in range(ECE_BINS):
        chosen = bins == index
        if chosen.any():
            total += chosen.mean() * abs(right[chosen].mean() - confidence[chosen].mean())
    return float(total)


def measure(
    scored: list[Scored], made: list[Report], policy: ScorerPolicy | None = None
) -> dict[str, Any]:
    """Detection per corruption type, false alarms, first-error accuracy, F1, ECE."""
    kinds: dict[str, list[tuple[Scored, Report]]] = {}
    for s, r in zip(scored, made, strict=True):
        kinds.setdefault(s.record["corruption"] or "correct", []).append((s, r))
    per_kind = {}
    for kind in (*CORRUPTIONS, "correct"):
        pairs = kinds.get(kind, [])
        per_kind[kind] = {
            "chains": len(pairs),
            "fail": round(np.mean([r.verdict is Verdict.FAIL for _, r in pairs]), 4),
            "pass": round(np.mean([r.verdict is Verdict.PASS for _, r in pairs]), 4),
            "unverified": round(np.mean([r.verdict is Verdict.UNVERIFIED for _, r in pairs]), 4),
            "first_error_exact": round(
                np.mean(
                    [
                        r.first_error_step
                        == (s.record["first_error_step"] if kind != "correct" else -1)
                        for s, r in pairs
                    ]
                ),
                4,
            ),
        }
    detection, false_alarms = rates(scored, made)
    corrupted = [(s, r) for s, r in zip(scored, made, strict=True) if is_corrupted(s)]
    correct = [(s, r) for s, r in zip(scored, made, strict=True) if not is_corrupted(s)]
    error_accuracy = float(
        np.mean([r.first_error_step == s.record["first_error_step"] for s, r in corrupted])
    )
    correct_accuracy = float(np.mean([r.verdict is not Verdict.FAIL for _, r in correct]))
    decided = [
        (s, r) for s, r in zip(scored, made, strict=True) if r.verdict is not Verdict.UNVERIFIED
    ]
    confidence = np.array([r.confidence for _, r in decided])
    right = np.array([(r.verdict is Verdict.FAIL) == is_corrupted(s) for s, r in decided])
    result = {
        "chains": len(scored),
        "detection": round(detection, 4),
        "false_alarms": round(false_alarms, 4),
        "first_error_accuracy_on_corrupted": round(error_accuracy, 4),
        "processbench_f1": round(
            2 * error_accuracy * correct_accuracy / max(error_accuracy + correct_accuracy, 1e-9), 4
        ),
        "unverified": round(float(np.mean([r.verdict is Verdict.UNVERIFIED for r in made])), 4),
        "ece": round(expected_calibration_error(confidence, right), 4) if len(decided) else None,
        "verdict_accuracy_when_decided": round(float(right.mean()), 4) if len(decided) else None,
        "per_corruption": per_kind,
    }
    if policy is not None:
        # The verifier's P(wrong) of each chain, as its verdict and confidence state it.
        p_wrong = [
            r.confidence
            if r.verdict is Verdict.FAIL
            else 1 - r.confidence
            if r.verdict is Verdict.PASS
            else 0.5
            for r in made
        ]
        labels = [is_corrupted(s) for s in scored]
        result["auroc_chain_wrong"] = round(float(roc_auc_score(labels, p_wrong)), 4)
    return result


def step_auroc(scored: list[Scored]) -> float:
    """How well the scorer alone ranks wrong steps above right ones (steps of every chain)."""
    labels, scores = [], []
    for s in scored:
        labels.extend(not right for right in s.record["step_labels"])
        scores.extend(s.wrong[:-1])
    return round(float(roc_auc_score(labels, scores)), 4)


def evaluate(
    model_dir: Path,
    validation: list[dict[str, Any]],
    test: list[dict[str, Any]],
    runtime: EncoderRuntime = DEFAULT_RUNTIME,
) -> dict[str, Any]:
    """Fit the policy on validation scores from `runtime`, write it into the artifact, measure
    on test."""
    scorer = StepScorer.load(model_dir, threads=2, runtime=runtime, with_policy=False)
    print(f"scoring {len(validation)} validation chains on {runtime}", flush=True)
    val_scored = score(validation, scorer)
    policy = fit_policy(val_scored, runtime)
    print(f"policy: {policy}", flush=True)
    calibration_path = model_dir / CALIBRATION_FILE
    calibration = json.loads(calibration_path.read_text())
    calibration["policy"] = {
        "threshold": policy.threshold,
        "weights": list(policy.weights),
        "exact_fail_confidence": policy.exact_fail_confidence,
        "runtime": policy.runtime,
        "features": list(EVIDENCE_NAMES),
        "fitted_on": f"validation ({len(validation)} chains), false alarms <= {FALSE_ALARM_BUDGET}",
    }
    write_json(calibration_path, calibration)
    print(f"scoring {len(test)} test chains", flush=True)
    test_scored = score(test, scorer)
    return {
        "policy": calibration["policy"],
        "validation": measure(val_scored, reports(val_scored, policy), policy),
        "test": measure(test_scored, reports(test_scored, policy), policy),
        "test_exact_only": measure(test_scored, reports(test_scored, None, learned=False)),
        "test_step_auroc": step_auroc(test_scored),
    }


def headline(metrics: dict[str, Any]) -> dict[str, Any]:
    """The manifest's summary: held-out numbers and the policy."""
    test = metrics["test"]
    return {
        "test_detection": test["detection"],
        "test_false_alarms": test["false_alarms"],
        "test_first_error_accuracy": test["first_error_accuracy_on_corrupted"],
        "test_processbench_f1": test["processbench_f1"],
        "test_ece": test["ece"],
        "test_detection_exact_only": metrics["test_exact_only"]["detection"],
        "test_step_auroc": metrics["test_step_auroc"],
        "threshold": metrics["policy"]["threshold"],
    }


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line.strip()
    ]


def finish(
    model_dir: Path, data: Path, test: Path, runtime: EncoderRuntime = DEFAULT_RUNTIME
) -> dict[str, Any]:
    """Evaluate, then record metrics and the new calibration hash in the manifest."""
    validation = [r for r in read_jsonl(data) if r["split"] == "validation"]
    metrics = evaluate(model_dir, validation, read_jsonl(test), runtime)
    manifest_path = model_dir / MANIFEST_FILE
    manifest = json.loads(manifest_path.read_text())
    manifest["files"][CALIBRATION_FILE] = sha256_of(model_dir / CALIBRATION_FILE)
    manifest["metrics"] = headline(metrics)
    manifest["policy_data"] = {"path": str(data), "sha256": sha256_of(data), "split": "validation"}
    manifest["test_data"] = {"path": str(test), "sha256": sha256_of(test)}
    write_json(model_dir / "metrics.json", metrics)
    write_json(manifest_path, manifest)
    return metrics


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=Path("models/verifier/v1"))
    parser.add_argument("--data", type=Path, default=Path("build/verifier/train.jsonl"))
    parser.add_argument("--test", type=Path, default=Path("build/verifier/test.jsonl"))
    parser.add_argument(
        "--runtime",
        choices=ENCODER_RUNTIMES,
        default=DEFAULT_RUNTIME,
        help="encoder runtime whose scores the policy is fitted on (the service's default)",
    )
    args = parser.parse_args()
    metrics = finish(args.model, args.data, args.test, args.runtime)
    print(json.dumps({k: metrics[k] for k in ("policy", "test")}, indent=2))
    print(
        "exact checks only:",
        json.dumps({k: metrics["test_exact_only"][k] for k in ("detection", "false_alarms")}),
    )


if __name__ == "__main__":
    main()
