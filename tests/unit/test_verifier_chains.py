"""Whole prose chains through the exact checks and the combiner."""

import pytest

from svend.verifier.chain import Chain, Step, StepKind
from svend.verifier.findings import FAIL_CONFIDENCE, Outcome, Verdict
from svend.verifier.verifier import conclude, prose_findings

JANET = (
    "Janet's ducks lay 16 eggs per day.",
    "She eats 3 and bakes with 4, so 16 - 3 - 4 = 9 eggs are left.",
    "She sells them at $2 each: 9 * 2 = $18 a day.",
)


def report_for(steps: tuple[str, ...], answer: str, question: str = "How much does Janet make?"):
    chain = Chain(question, tuple(Step(StepKind.THOUGHT, t) for t in steps), answer)
    return conclude(chain, prose_findings(chain.question, chain.steps))


def test_correct_chain_passes() -> None:
    report = report_for(JANET, "$18")
    assert report.verdict is Verdict.PASS
    assert report.first_error_step == -1
    assert report.step_scores == (0.5, 1.0, 1.0)
    # Two of three steps and the answer were checked.
    assert report.confidence == 0.75
    assert [f.outcome for f in report.findings] == [Outcome.PASSED] * 3
    assert report.reasons[0] == "step 1: 16 - 3 - 4 = 9 holds"


def test_corrupted_step_fails_at_that_step() -> None:
    steps = (JANET[0], JANET[1].replace("= 9", "= 8"), "She sells them at $2 each: 8 * 2 = $16.")
    report = report_for(steps, "16")
    assert report.verdict is Verdict.FAIL
    assert report.first_error_step == 1
    assert report.step_scores == (0.5, 0.0, 1.0)
    assert report.confidence == FAIL_CONFIDENCE
    assert "step 1: 16 - 3 - 4 = 8 is wrong; 16 - 3 - 4 = 9" in report.reasons


def test_first_of_several_errors_is_reported() -> None:
    steps = ("48/2 = 24", "24 + 10 = 35", "35 * 2 = 60")
    report = report_for(steps, "60", "Janet had 48 eggs. How much does she make?")
    assert report.verdict is Verdict.FAIL
    assert report.first_error_step == 1
    assert report.step_scores == (1.0, 0.0, 0.0)


def test_wrong_final_answer_points_past_the_steps() -> None:
    report = report_for(JANET, "The answer is 20 dollars.")
    assert report.verdict is Verdict.FAIL
    assert report.first_error_step == len(JANET)
    assert report.step_scores == (0.5, 1.0, 1.0)
    assert report.reasons[-1].startswith("answer: 'The answer is 20 dollars.' is wrong")


def test_answer_without_a_number_is_not_checked() -> None:
    report = report_for(JANET, "eighteen dollars")
    assert report.verdict is Verdict.PASS
    assert all(f.kind != "answer" for f in report.findings)


def test_chain_without_numbers_is_unverified() -> None:
    report = report_for(("All cats are mammals.", "Tom is a cat, so Tom is a mammal."), "yes")
    assert report.verdict is Verdict.UNVERIFIED
    assert report.first_error_step == -1
    assert report.step_scores == (0.5, 0.5)
    assert report.confidence == 0.0
    assert report.findings == ()
    assert report.reasons[0].startswith("nothing could be checked")


def test_non_english_chain_is_unverified() -> None:
    report = report_for(("四十八除以二等于二十四。", "Сорок восемь пополам — двадцать четыре."), "")
    assert report.verdict is Verdict.UNVERIFIED


def test_answer_only_with_nothing_computed_is_unverified() -> None:
    report = report_for((), "42")
    assert report.verdict is Verdict.UNVERIFIED
    assert report.step_scores == ()
    assert [f.outcome for f in report.findings] == [Outcome.UNCHECKED]


def test_number_from_nowhere_is_a_copy_error() -> None:
    question = "Sally buys a pizza at $8 and a family pizza that costs 3 times as much."
    steps = ("The family pizza costs 3 x $9 = $27.", "She spends $8 + $27 = $35.")
    chain = Chain(question, tuple(Step(StepKind.THOUGHT, t) for t in steps), "35")
    report = conclude(chain, prose_findings(chain.question, chain.steps))
    assert report.verdict is Verdict.FAIL
    assert report.first_error_step == 0
    assert any("9 in 3 x $9 = $27 comes from nowhere" in reason for reason in report.reasons)


def test_numbers_from_the_question_words_and_earlier_steps_are_known() -> None:
    question = "Sally buys a pizza at $8 and a family pizza that costs three times as much."
    steps = ("The family pizza costs 3 x $8 = $24.", "She spends 8 + 24 = $32, 4/5 of $40.")
    chain = Chain(question, tuple(Step(StepKind.THOUGHT, t) for t in steps), "32")
    report = conclude(chain, prose_findings(chain.question, chain.steps))
    assert report.verdict is Verdict.PASS


@pytest.mark.parametrize(
    ("question", "step", "verdict"),
    [
        # A conversion factor is known only where a word names its unit.
        ("Her hens lay 42 eggs a week.", "That is 42 / 7 = 6 eggs a day.", Verdict.PASS),
        ("Her hens lay 42 eggs.", "She keeps 42 / 7 = 6 eggs.", Verdict.FAIL),
        ("He runs 3 hours.", "He runs 3 x 60 = 180 minutes.", Verdict.PASS),
        ("He buys 3 apples.", "He pays 3 x 60 = 180 cents.", Verdict.FAIL),
        # A percentage off leaves its complement; a percentage more grows the whole by it.
        ("A $50 coat is 20% off.", "It costs 0.8 x 50 = $40.", Verdict.PASS),
        ("A $50 coat is 20% off.", "It costs 80% x 50 = $40.", Verdict.PASS),
        ("Rent of $1200 rose 40 percent.", "It is 1200 x 1.4 = $1680.", Verdict.PASS),
        ("A $50 coat is 20% off.", "It costs 0.7 x 50 = $35.", Verdict.FAIL),
        # A number written in hyphenated words is known.
        ("There are sixty-five dolphins.", "Three times as many is 3 * 65 = 195.", Verdict.PASS),
        ("There are sixty-five dolphins.", "Three times as many is 3 * 56 = 168.", Verdict.FAIL),
    ],
)
def test_implicit_numbers_need_a_source(question: str, step: str, verdict: Verdict) -> None:
    chain = Chain(question, (Step(StepKind.THOUGHT, step),), step.split("= ")[1].split()[0])
    assert conclude(chain, prose_findings(chain.question, chain.steps)).verdict is verdict


@pytest.mark.parametrize(
    ("last_step", "answer", "verdict"),
    [
        ("Her allowance grew by $15/$10 x 100% = 150%.", "150", Verdict.PASS),
        ("Nine cheesecakes need 57 more eggs than 5 cakes.", "57", Verdict.PASS),
        ("So 6 boxes x 20 oranges = 120 oranges.", "120", Verdict.PASS),
        ("So 6 boxes x 20 oranges = 120 oranges.", "20", Verdict.FAIL),
    ],
)
def test_answer_is_the_value_the_last_step_ends_with(
    last_step: str, answer: str, verdict: Verdict
) -> None:
    question = "She had $10, got $15, bakes 9 cheesecakes and 5 cakes, sells 6 boxes of 20."
    chain = Chain(question, (Step(StepKind.THOUGHT, last_step),), answer)
    assert conclude(chain, prose_findings(chain.question, chain.steps)).verdict is verdict


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("He drives 3 hours at 45 mph is 135 miles.", Verdict.PASS),
        ("So 30 minutes at 60 mph is 30 miles.", Verdict.PASS),
        ("She works 5 hours at $12 an hour = $60.", Verdict.PASS),
        ("At 45 mph for 3 hours = 135 miles.", Verdict.PASS),
        ("He drives 3 hours at 45 mph is 145 miles.", Verdict.FAIL),
        ("She works 5 hours at $12 per hour = $65.", Verdict.FAIL),
        ("He ate 3 apples at 2 oranges is 6 pears.", Verdict.UNVERIFIED),
    ],
)
def test_rate_claims_are_recomputed_with_units(text: str, verdict: Verdict) -> None:
    question = "He drives at 45 mph for 3 hours; she works 5 hours at $12 an hour."
    chain = Chain(question, (Step(StepKind.THOUGHT, text),), "")
    report = conclude(chain, prose_findings(chain.question, chain.steps))
    assert report.verdict is verdict
    if verdict is Verdict.FAIL:
        assert "is wrong;" in report.reasons[0]


def test_numbers_too_long_to_read_are_skipped_not_fatal() -> None:
    huge = "9" * 80
    question = f"He has {huge} apples and 3 pears."
    chain = Chain(question, (Step(StepKind.THOUGHT, f"So {huge} + 3 = 12 and 2 + 2 = 4."),), "4")
    report = conclude(chain, prose_findings(chain.question, chain.steps))
    assert report.verdict is Verdict.PASS
    assert [f.claim for f in report.findings if f.kind == "arithmetic"] == ["2 + 2 = 4"]


@pytest.mark.parametrize(
    ("step", "verdict"),
    [
        ("Her earnings from the cupcakes are 30 x $2 = $60.", Verdict.PASS),
        ("Her earnings from the cupcakes are 30 / $2 = $15.", Verdict.FAIL),
        ("Each cupcake earns $60 / 30 = $2.", Verdict.PASS),
        ("She sold $60 / $2 = 30 cupcakes.", Verdict.PASS),
        # Money on every operand is loose writing, not a wrong operation.
        ("Each cupcake earns $60 / $30 = $2.", Verdict.PASS),
        # A rate written with a slash makes the sign's money ambiguous.
        ("She needs 30 cupcakes / 15 cupcakes/$1 = $2.", Verdict.PASS),
    ],
)
def test_a_count_divided_by_money_is_not_money(step: str, verdict: Verdict) -> None:
    question = "Hannah sold 30 cupcakes for $2 each, or 15 cupcakes per $1. How much did she earn?"
    report = report_for((step,), "", question)
    assert report.verdict is verdict
    if verdict is Verdict.FAIL:
        assert report.first_error_step == 0
        assert any("divides a count by money" in reason for reason in report.reasons)
