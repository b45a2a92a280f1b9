"""Rendering direct tool answers and the deep path's verifier-weighted vote."""

import pytest
from pydantic import ValidationError

from svend.common.v1 import reasoning_pb2, verification_pb2
from svend.router.answers import (
    chains_agree,
    render_tool_answer,
    unanswered,
    vote_weight,
    weighted_vote,
)
from svend.router.settings import RouterSettings

Verdict = verification_pb2.Verdict


def test_unit_conversion_answer_names_both_sides() -> None:
    answer, value = render_tool_answer(
        "unit_convert",
        {"value": 5.0, "from_unit": "km", "to_unit": "miles"},
        {"value": 3.10686, "unit": "mile", "text": "3.10686 mile"},
    )
    assert answer == "5 km = 3.10686 mile"
    assert value == "3.10686 mile"


def test_solutions_are_listed() -> None:
    answer, value = render_tool_answer(
        "symbolic_math",
        {"operation": "solve", "expression": "x^2-5x+6=0"},
        {"solutions": ["2", "3"]},
    )
    assert "x = 2 or x = 3" in answer
    assert value == "2, 3"


def test_chemistry_answers_name_their_value() -> None:
    assert render_tool_answer(
        "molecular_weight", {"formula": "H2SO4"}, {"molar_mass": 98.079, "unit": "g/mol"}
    ) == ("The molar mass of H2SO4 is 98.079 g/mol.", "98.079 g/mol")
    answer, value = render_tool_answer(
        "ph", {"kind": "strong_acid"}, {"ph": 2.0, "text": "pH 2.00 (pOH 12.00)"}
    )
    assert value == "2.00" and "pH 2.00 (pOH 12.00)" in answer
    assert render_tool_answer(
        "reaction_balance", {"equation": "Fe + O2 -> Fe2O3"}, {"equation": "4 Fe + 3 O2 -> 2 Fe2O3"}
    ) == ("Balanced: 4 Fe + 3 O2 -> 2 Fe2O3", "4 Fe + 3 O2 -> 2 Fe2O3")


def test_verified_minority_beats_unverified_majority() -> None:
    candidates = [
        ("41", vote_weight(Verdict.VERDICT_FAIL, 0.9)),
        ("41", vote_weight(Verdict.VERDICT_FAIL, 0.9)),
        ("42", vote_weight(Verdict.VERDICT_PASS, 0.8)),
    ]
    best, tallies = weighted_vote(candidates)
    assert best == 2
    assert tallies["42"] > tallies["41"]


def test_equal_values_written_differently_are_one_group() -> None:
    best, tallies = weighted_vote([("42.0", 0.5), ("42", 0.5), ("7", 0.9)])
    assert len(tallies) == 2
    assert tallies["42"] == 1.0
    assert best in (0, 1)


def test_a_chain_without_an_answer_says_why() -> None:
    context_full = unanswered(reasoning_pb2.StopReason.STOP_REASON_CONTEXT_FULL)
    assert context_full.startswith("No answer: the question and the work so far filled")
    assert "model turns" in unanswered(reasoning_pb2.StopReason.STOP_REASON_STEP_LIMIT)
    assert "the reasoner stopped" in unanswered(reasoning_pb2.StopReason.STOP_REASON_UNSPECIFIED)


def test_chains_agree_on_one_value_none_failed() -> None:
    assert chains_agree([("391", Verdict.VERDICT_PASS), ("391.0", Verdict.VERDICT_UNVERIFIED)])
    assert not chains_agree([("391", Verdict.VERDICT_PASS), ("381", Verdict.VERDICT_PASS)])
    assert not chains_agree([("391", Verdict.VERDICT_PASS), ("391", Verdict.VERDICT_FAIL)])
    assert not chains_agree([("", Verdict.VERDICT_PASS), ("", Verdict.VERDICT_PASS)])


def test_deep_agreement_cannot_exceed_the_samples() -> None:
    with pytest.raises(ValidationError, match="deep_agreement"):
        RouterSettings(deep_samples=2, deep_agreement=3)
    assert RouterSettings(deep_samples=4, deep_agreement=4).deep_agreement == 4
