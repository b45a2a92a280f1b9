"""The structural evidence about a chain that the verdict policy weighs beside the scorer."""

import json
import shutil
from pathlib import Path

import pytest

from svend.common.encoder import MANIFEST_FILE, ArtifactError, sha256_of
from svend.verifier.chain import Step, StepKind
from svend.verifier.scorer import CALIBRATION_FILE, StepScorer
from svend.verifier.structure import EVIDENCE_NAMES, Structure, structure
from svend.verifier.verifier import prose_findings

MODELS = Path(__file__).resolve().parents[2] / "models"


def structure_of(question: str, steps: tuple[str, ...], answer: str) -> Structure:
    findings = prose_findings(question, tuple(Step(StepKind.THOUGHT, s) for s in steps))
    return structure(question, steps, answer, findings)


def test_a_dropped_last_step_leaves_an_unanswered_comparison() -> None:
    question = "Harry slept 9 hours. James slept 2/3 of that. How many more hours did Harry sleep?"
    dropped = structure_of(question, ("James slept 9 * 2/3 = 6 hours.",), "6")
    whole = structure_of(
        question, ("James slept 9 * 2/3 = 6 hours.", "Harry slept 9 - 6 = 3 more hours."), "3"
    )
    assert dropped.comparison_unanswered
    assert not whole.comparison_unanswered
    assert whole.ask_overlap > dropped.ask_overlap


def test_a_total_asked_for_needs_a_sum_or_product_last() -> None:
    question = "Ann has 4 pens and Bo has 6. How many pens do they have in total?"
    assert structure_of(question, ("Bo has 6 - 4 = 2 more.",), "2").total_unanswered
    assert not structure_of(question, ("They have 4 + 6 = 10 pens.",), "10").total_unanswered


def test_unused_numbers_and_results_are_named() -> None:
    question = "Charlie had 10 stickers, bought 21 and got 23. He gave away 9 and used 28."
    steps = ("He had 10 + 21 + 23 = 54 stickers.", "He got rid of 9 + 28 = 37 stickers.")
    found = structure_of(question, steps, "37")
    assert found.unused_results == ("54",)
    assert found.unused_numbers == ()
    finished = structure_of(question, (*steps, "He has 54 - 37 = 17 left."), "17")
    assert finished.unused_results == ()


def test_the_answer_size_is_measured_against_the_question() -> None:
    question = "Tom sails 30 miles back at 6 mph. How long does it take?"
    assert structure_of(question, ("It takes 30 * 6 = 180 hours.",), "180").answer_magnitude > 0
    assert structure_of(question, ("It takes 30 / 6 = 5 hours.",), "5").answer_magnitude < 0
    assert structure_of(question, ("It takes 30 / 4 = 7.5 hours.",), "7.5").answer_fractional


def test_features_follow_the_policy_names() -> None:
    assert len(Structure().features()) == len(EVIDENCE_NAMES) - 3


def test_a_policy_fitted_on_other_features_stops_the_load(tmp_path: Path) -> None:
    artifact = tmp_path / "v1"
    shutil.copytree(MODELS / "verifier" / "v1", artifact)
    calibration = json.loads((artifact / CALIBRATION_FILE).read_text())
    calibration["policy"]["features"] = ["logit_worst_step", "unused_number"]
    (artifact / CALIBRATION_FILE).write_text(json.dumps(calibration))
    manifest = json.loads((artifact / MANIFEST_FILE).read_text())
    manifest["files"][CALIBRATION_FILE] = sha256_of(artifact / CALIBRATION_FILE)
    (artifact / MANIFEST_FILE).write_text(json.dumps(manifest))
    with pytest.raises(ArtifactError, match="run make train-verifier"):
        StepScorer.load(artifact, cache_dir=tmp_path / "cache")
