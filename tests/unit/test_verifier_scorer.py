"""The step scorer's windows over a chain, and how its probabilities enter the verdict."""

import pytest

from svend.common.encoder import base_tokenizer
from svend.verifier.chain import Chain, Step, StepKind
from svend.verifier.findings import ScorerPolicy, Verdict
from svend.verifier.scorer import Layout, windows
from svend.verifier.structure import EVIDENCE_NAMES
from svend.verifier.verifier import conclude, prose_findings

QUESTION = "Natalia sold clips to 48 of her friends in April, and half as many in May."
# P(wrong) = sigmoid(worst step logit + answer logit + 3 * unused question number
#                    + 3 * unused intermediate result + 0); the other structural weights are 0.
WEIGHTS = dict.fromkeys(EVIDENCE_NAMES, 0.0) | {
    "logit_worst_step": 1.0,
    "logit_answer": 1.0,
    "unused_number": 3.0,
    "unused_result": 3.0,
}
POLICY = ScorerPolicy(threshold=0.7, weights=(*WEIGHTS.values(), 0.0), exact_fail_confidence=0.96)


@pytest.fixture(scope="module")
def tokenizer():
    return base_tokenizer()


def test_short_chain_is_one_window_with_a_span_per_segment(tokenizer) -> None:
    segments = ["Natalia sold 48/2 = 24 clips in May.", "In all 48+24 = 72 clips.", "Answer: 72"]
    [window] = windows(tokenizer, QUESTION, segments, Layout())
    assert window.ids[0] == tokenizer.cls_token_id
    assert [segment for _, _, segment in window.spans] == [0, 1, 2]
    for (start, end, _), text in zip(window.spans, segments, strict=True):
        assert window.ids[start:end] == tokenizer(text, add_special_tokens=False)["input_ids"]
        assert window.ids[end] == tokenizer.sep_token_id


def test_long_chain_is_cut_into_windows_that_score_each_segment_once(tokenizer) -> None:
    layout = Layout(max_tokens=64, question_tokens=16, segment_tokens=12, context_segments=2)
    segments = [f"Step {i}: {i} + {i} = {2 * i} apples in basket number {i}." for i in range(30)]
    cut = windows(tokenizer, QUESTION * 5, segments, layout)
    assert len(cut) > 1
    scored = [segment for window in cut for _, _, segment in window.spans]
    assert scored == list(range(30))
    question_ids = tokenizer(QUESTION * 5, add_special_tokens=False)["input_ids"][-16:]
    for window in cut:
        assert len(window.ids) <= layout.max_tokens
        assert window.ids[1:17] == question_ids


def report(steps: tuple[str, ...], answer: str, wrong: list[float], question: str = QUESTION):
    chain = Chain(question, tuple(Step(StepKind.THOUGHT, text) for text in steps), answer)
    return conclude(chain, prose_findings(chain.question, chain.steps), wrong, POLICY)


NATALIA = ("Natalia sold 48/2 = 24 clips in May.", "In all she sold 48+24 = 72 clips.")
WRONG_OPERATION = ("Natalia sold 48*2 = 96 clips in May.", "In all she sold 48+96 = 144 clips.")


def test_checked_chain_the_scorer_trusts_passes_with_its_scores() -> None:
    result = report(NATALIA, "72", [0.1, 0.2, 0.05])
    assert result.verdict is Verdict.PASS
    assert result.step_scores == (0.9, 0.8)
    assert result.first_error_step == -1
    assert 0.5 < result.confidence < 1.0


def test_learned_evidence_fails_a_chain_whose_arithmetic_holds() -> None:
    result = report(WRONG_OPERATION, "144", [0.9, 0.6, 0.95])
    assert result.verdict is Verdict.FAIL
    assert result.first_error_step == 0
    assert result.reasons[0].startswith("step 0: 48*2 = 96 holds")
    assert any(
        r.startswith("step 0: the chain is likely wrong") and "suspects this step" in r
        for r in result.reasons
    )
    assert result.confidence > POLICY.threshold


def test_an_unused_question_number_raises_the_doubt() -> None:
    question = "Natalia sold clips to 48 of her friends in April, and 12 fewer in May."
    steps = ("She sold 48 clips in April.",)
    used = report(steps, "48", [0.3, 0.3], question="She sold clips to 48 friends.")
    unused = report(steps, "48", [0.3, 0.3], question=question)
    assert used.verdict is Verdict.PASS
    assert unused.verdict is Verdict.FAIL
    assert any("the question gives 12, which no step uses" in reason for reason in unused.reasons)


def test_a_result_no_later_step_uses_raises_the_doubt() -> None:
    question = "Tom has 5 red and 7 blue marbles. He gives away 3. How many are left?"
    used = ("He has 5 + 7 = 12 marbles.", "He keeps 12 - 3 = 9 marbles.")
    dropped = ("He has 5 + 7 = 12 marbles.", "He gives away 3 * 1 = 3 marbles.")
    assert report(used, "9", [0.3, 0.3, 0.3], question=question).verdict is Verdict.PASS
    unused = report(dropped, "3", [0.3, 0.3, 0.3], question=question)
    assert unused.verdict is Verdict.FAIL
    assert any("no later step uses 12" in reason for reason in unused.reasons)


def test_exact_failure_decides_the_first_error_and_its_confidence() -> None:
    steps = ("Natalia sold 48*2 = 96 clips in May.", "In all she sold 48+96 = 145 clips.")
    result = report(steps, "145", [0.95, 0.1, 0.1])
    assert result.verdict is Verdict.FAIL
    assert result.first_error_step == 1
    assert result.confidence == POLICY.exact_fail_confidence
    assert result.step_scores == (0.05, 0.0)


def test_learned_evidence_alone_never_passes_a_chain() -> None:
    steps = ("All cats are mammals.", "Tom is a cat, so Tom is a mammal.")
    result = report(steps, "yes", [0.1, 0.1, 0.1])
    assert result.verdict is Verdict.UNVERIFIED
    assert result.confidence == 0.0
