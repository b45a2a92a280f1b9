"""Normalization, passage splitting, score combination, the decision policy and settings."""

import pytest
from pydantic import ValidationError

from svend.safety.normalize import normalize, split_passages
from svend.safety.policy import (
    REDACTION,
    InputDecision,
    OutputDecision,
    Thresholds,
    decide_input,
    decide_output,
    redact,
)
from svend.safety.scoring import Assessment, Finding, combine
from svend.safety.settings import SafetySettings
from svend.safety.taxonomy import Category


@pytest.mark.parametrize(
    ("text", "plain", "deobfuscated"),
    [
        ("How to make a B0MB", "how to make a b0mb", "how to make a bomb"),
        ("\uff50\uff49\uff50\uff45 \uff42\uff4f\uff4d\uff42", "pipe bomb", "pipe bomb"),
        ("make a b o m b now", "make a b o m b now", "make a bomb now"),
        ("s.a.r.i.n", "s.a.r.i.n", "sarin"),
        ("c\u043e\u043ek", "c\u043e\u043ek", "cook"),
        ("in\u200bvisible  spaces\n\n here", "invisible spaces\nhere", "invisible spaces\nhere"),
        ("someone\u2019s", "someone's", "someone's"),
        ("nh4no3 in H2O", "nh4no3 in h2o", "nhanoe in h2o"),
    ],
)
def test_normalize_views(text, plain, deobfuscated):
    views = normalize(text)
    assert views.plain == plain
    assert views.deobfuscated == deobfuscated


def test_split_passages_keeps_list_numbers_and_abbreviations():
    text = 'Intro. 1. Fill it. 2. Cap it.\nStep 3. Light it! Use e.g. This one. "Quoted." End'
    assert [text[a:b] for a, b in split_passages(text)] == [
        "Intro.",
        "1. Fill it.",
        "2. Cap it.",
        "Step 3. Light it!",
        "Use e.g. This one.",
        '"Quoted."',
        "End",
    ]
    assert split_passages("   \n ") == []


def finding(category: Category, score: float) -> Finding:
    return Finding("test", f"{category}.x", category, score, "x")


def test_combine_takes_the_highest_score_per_category_and_keeps_all_findings():
    rules = Assessment.from_findings([finding(Category.EXPLOSIVES, 0.6)])
    model = Assessment.from_findings(
        [finding(Category.EXPLOSIVES, 0.9), finding(Category.VIOLENCE, 0.3)]
    )
    combined = combine([rules, model])
    assert combined.scores[Category.EXPLOSIVES] == 0.9
    assert combined.scores[Category.VIOLENCE] == 0.3
    assert combined.scores[Category.PRIVACY] == 0.0
    assert len(combined.findings) == 3
    assert combined.categories_at(0.5) == [Category.EXPLOSIVES]


@pytest.mark.parametrize(
    ("score", "decision"),
    [(0.0, InputDecision.SAFE), (0.49, InputDecision.SAFE), (0.5, InputDecision.REVIEW),
     (0.79, InputDecision.REVIEW), (0.8, InputDecision.REFUSE), (1.0, InputDecision.REFUSE)],
)  # fmt: skip
def test_input_thresholds(score, decision):
    verdict = decide_input(
        Assessment.from_findings([finding(Category.FRAUD_SCAMS, score)]), Thresholds()
    )
    assert verdict.decision is decision
    assert verdict.categories == ([] if decision is InputDecision.SAFE else ["fraud_scams"])


def test_redact_merges_adjacent_offending_passages():
    text = "A ok. B bad. C bad. D ok. E bad."
    spans = split_passages(text)
    assert redact(text, spans, [False, True, True, False, True]) == (
        f"A ok. {REDACTION} D ok. {REDACTION}"
    )


def passages(*scores: float) -> list[Assessment]:
    return [Assessment.from_findings([finding(Category.EXPLOSIVES, s)]) for s in scores]


def test_output_policy():
    thresholds = Thresholds(block_min_passages=3, max_edit_fraction=0.34)
    text = "One. Two. Three. Four. Five. Six."
    spans = split_passages(text)
    assert decide_output(text, spans, passages(0, 0, 0, 0, 0, 0.3), thresholds).decision is (
        OutputDecision.SAFE
    )
    edit = decide_output(text, spans, passages(0, 0.9, 0, 0, 0, 0), thresholds)
    assert edit.decision is OutputDecision.EDIT
    assert edit.edited_text == f"One. {REDACTION} Three. Four. Five. Six."
    # Three offending passages are step-by-step instructions: blocked.
    assert decide_output(text, spans, passages(0, 0.9, 0.9, 0.9, 0, 0), thresholds).decision is (
        OutputDecision.BLOCK
    )
    # Too many offending passages to redact, but none reaches the block threshold: edited.
    assert decide_output(text, spans, passages(0.6, 0.6, 0.6, 0, 0, 0), thresholds).decision is (
        OutputDecision.EDIT
    )


def test_settings_from_environment(monkeypatch):
    monkeypatch.setenv("SVEND_SAFETY_REFUSE_THRESHOLD", "0.9")
    monkeypatch.setenv("SVEND_SAFETY_MAX_TEXT_CHARS", "500")
    settings = SafetySettings()
    assert settings.refuse_threshold == 0.9
    assert settings.max_text_chars == 500
    assert settings.review_threshold == 0.5
    assert settings.port == 50052


def test_settings_reject_unordered_thresholds(monkeypatch):
    monkeypatch.setenv("SVEND_SAFETY_REVIEW_THRESHOLD", "0.9")
    monkeypatch.setenv("SVEND_SAFETY_REFUSE_THRESHOLD", "0.8")
    with pytest.raises(ValidationError, match="review_threshold"):
        SafetySettings()
