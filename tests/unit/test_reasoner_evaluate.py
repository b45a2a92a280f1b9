"""Scoring of the reasoner's held-out evaluation: BFCL-style tool use and final answers."""

import json
from pathlib import Path

from training.reasoner.evaluate import (
    Question,
    answer_right,
    gsm8k_questions,
    gsm8k_right,
    held_out_questions,
    record_in_manifest,
    tool_choice_right,
    tool_use_right,
)

SOLVE = Question(
    id="held_out-000001",
    query="Solve x^2 - 5x + 6 = 0 for x.",
    family="math",
    tool="symbolic_math",
    arguments={"operation": "solve", "expression": "x^2 - 5*x + 6 = 0", "variable": "x"},
    final_value="x = 2 or x = 3",
)
HELLO = Question(
    id="held_out-000002",
    query="Hello there!",
    family="no_tool",
    tool=None,
    arguments=None,
    final_value="Hello! Ask me a math or science question.",
)


def reply_with(*calls: tuple[str, dict], final_value: str = "", answer: str = "") -> dict:
    invocations = [{"call": {"name": name, "arguments": args}} for name, args in calls]
    return {"tool_calls": invocations, "final_value": final_value, "answer": answer}


def test_the_expected_call_is_right_whatever_its_spacing_and_power_spelling() -> None:
    call = {"operation": "solve", "expression": "x**2-5*x+6=0", "variable": "x"}
    assert tool_use_right(SOLVE, reply_with(("symbolic_math", call)))


def test_a_wrong_tool_argument_or_extra_key_is_wrong() -> None:
    right = dict(SOLVE.arguments)
    assert not tool_use_right(SOLVE, reply_with(("unit_convert", right)))
    assert not tool_use_right(SOLVE, reply_with(("symbolic_math", {**right, "variable": "y"})))
    assert not tool_use_right(SOLVE, reply_with(("symbolic_math", {**right, "order": 2})))
    assert not tool_use_right(SOLVE, reply_with())


def test_the_last_call_counts_after_a_failed_first_try_with_the_same_tool() -> None:
    wrong = {**SOLVE.arguments, "expression": "x^2-5x+6"}
    assert tool_use_right(
        SOLVE, reply_with(("symbolic_math", wrong), ("symbolic_math", SOLVE.arguments))
    )
    assert not tool_use_right(
        SOLVE, reply_with(("unit_convert", {}), ("symbolic_math", SOLVE.arguments))
    )


def test_tool_choice_leaves_the_arguments_aside_but_not_the_tool() -> None:
    assert tool_choice_right(SOLVE, reply_with(("symbolic_math", {"operation": "simplify"})))
    assert not tool_choice_right(SOLVE, reply_with(("unit_convert", {}), ("symbolic_math", {})))
    assert not tool_choice_right(SOLVE, reply_with())
    assert tool_choice_right(HELLO, reply_with())
    assert not tool_choice_right(HELLO, reply_with(("symbolic_math", {})))


def test_numbers_compare_as_numbers() -> None:
    question = Question("q", "", "units", "unit_convert", {"value": 5, "to_unit": "mi"}, "")
    assert tool_use_right(question, reply_with(("unit_convert", {"value": "5.0", "to_unit": "mi"})))
    assert not tool_use_right(question, reply_with(("unit_convert", {"value": 6, "to_unit": "mi"})))


def test_no_call_is_right_only_when_no_tool_is_needed() -> None:
    assert tool_use_right(HELLO, reply_with())
    assert not tool_use_right(HELLO, reply_with(("symbolic_math", {"operation": "evaluate"})))


def test_an_answer_must_hold_every_expected_number() -> None:
    assert answer_right("x = 2 or x = 3", {"final_value": "3", "answer": "x = 2 or x = 3"})
    assert not answer_right("x = 2 or x = 3", {"final_value": "3", "answer": "x = 3"})
    assert answer_right("294.181 g/mol", {"final_value": "294.18", "answer": ""})
    assert not answer_right("294.181 g/mol", {"final_value": "295", "answer": ""})
    assert answer_right("1,250 J", {"final_value": "1250", "answer": ""})


def test_an_answer_without_numbers_must_hold_its_words() -> None:
    assert answer_right("unsat", {"final_value": "", "answer": "The constraints are UNSAT."})
    assert not answer_right("unsat", {"final_value": "", "answer": "sat: x = 1"})


def test_gsm8k_takes_the_last_number_of_the_final_value() -> None:
    assert gsm8k_right("18", {"final_value": "18"})
    assert gsm8k_right("1000", {"final_value": "$1,000"})
    assert not gsm8k_right("18", {"final_value": "16"})
    assert not gsm8k_right("18", {"final_value": ""})


def test_questions_are_read_from_the_held_out_traces_and_gsm8k(tmp_path: Path) -> None:
    trace = {
        "id": "held_out-000000",
        "family": "units",
        "tool": "unit_convert",
        "expected_arguments": {"value": 5, "from_unit": "km", "to_unit": "mi"},
        "final_value": "3.10686 mi",
        "messages": [
            {"role": "system", "content": "..."},
            {"role": "user", "content": "5 km in miles?"},
        ],
    }
    traces = tmp_path / "held_out.jsonl"
    traces.write_text(json.dumps(trace) + "\n" + json.dumps(trace) + "\n")
    (question,) = held_out_questions(traces, limit=1)
    assert (question.query, question.tool, question.final_value) == (
        "5 km in miles?",
        "unit_convert",
        "3.10686 mi",
    )
    gsm8k = tmp_path / "test.jsonl"
    problem = {"question": "How many?", "answer": "2 + 2 = 4\n#### 1,004"}
    gsm8k.write_text(json.dumps(problem) + "\n" + json.dumps(problem) + "\n")
    questions = gsm8k_questions(gsm8k, 1)
    assert [(q.query, q.final_value, q.scores_tool_use) for q in questions] == [
        ("How many?", "1004", False)
    ]


def test_the_totals_are_recorded_in_the_adapters_manifest_beside_what_it_held(
    tmp_path: Path,
) -> None:
    (tmp_path / "manifest.json").write_text(json.dumps({"files": {"a": "0" * 64}}))
    held_out = tmp_path / "held_out.jsonl"
    held_out.write_text("{}\n")
    runs = {"tuned": {"held_out": {"tool_use_accuracy": 0.5}}}
    record_in_manifest(tmp_path, held_out, runs, "python -m training.reasoner.evaluate")
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["files"] == {"a": "0" * 64}
    evaluation = manifest["held_out_evaluation"]
    assert evaluation["runs"] == runs
    assert len(evaluation["held_out"]["sha256"]) == 64
