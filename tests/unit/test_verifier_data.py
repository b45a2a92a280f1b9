"""The verifier's GSM8K data: stripped prose, checked corruptions, held-out test split."""

import json
from functools import cache
from pathlib import Path

import pytest
import sympy
from training.verifier.chains import parse_chain, parse_step, render, value_of
from training.verifier.corrupt import CORRUPTIONS, misreads
from training.verifier.data import DEFAULT_GSM8K, Build, Example, build, main

LIMIT = 150
RECOMPUTED = ("numeric_error_propagated", "wrong_operation", "copy_error", "dropped_step")

needs_gsm8k = pytest.mark.skipif(
    not (DEFAULT_GSM8K / "train.jsonl").exists(), reason="GSM8K is not at ../shared/data"
)


@cache
def built(source: str) -> Build:
    return build(source, limit=LIMIT)


def pairs(source: str) -> list[tuple[Example, Example]]:
    """(correct, corrupted) records of the same GSM8K item."""
    examples = built(source).examples
    correct = {e.source_index: e for e in examples if e.label == "correct"}
    return [(correct[e.source_index], e) for e in examples if e.label == "corrupted"]


def number(text: str) -> sympy.Rational:
    return sympy.Rational(text.replace(",", ""))


def test_annotation_is_stripped_and_kept_as_metadata() -> None:
    step = parse_step("Weng earns 12/60 = $<<12/60=0.2>>0.2 per minute.")
    assert step.text == "Weng earns 12/60 = $0.2 per minute."
    (calc,) = step.calcs
    assert (calc.expr, calc.stated, calc.value) == ("12/60", "0.2", sympy.Rational(1, 5))
    assert step.tokens[calc.result].text == "0.2"
    assert [step.tokens[i].text for i in calc.operands] == ["12", "60"]


def test_numbers_are_written_as_gsm8k_writes_them() -> None:
    assert render(sympy.Integer(26), "24") == "26"
    assert render(sympy.Rational(3, 2), "1.50") == "1.50"
    assert render(sympy.Integer(3), "1.50") == "3"
    assert render(sympy.Integer(1250), "1,200") == "1,250"
    assert render(sympy.Rational(1, 3), "24") is None
    assert render(sympy.Integer(-2), "24") is None
    assert misreads("48") == ["84", "49", "47"]


def test_unreadable_items_are_skipped_and_counted(tmp_path: Path) -> None:
    items = [
        {"question": "Ann has 3 apples and 4 pears.", "answer": "3+4=<<3+4=7>>7\n#### 7"},
        {"question": "No answer mark.", "answer": "3+4=<<3+4=7>>7"},
    ]
    (tmp_path / "test.jsonl").write_text("\n".join(json.dumps(i) for i in items) + "\n")
    result = build("test", tmp_path)
    assert {e.source_index for e in result.examples} == {0}
    assert sum(result.skipped.values()) == 1


@needs_gsm8k
@pytest.mark.parametrize("source", ["train", "test"])
def test_steps_never_show_annotations(source: str) -> None:
    for example in built(source).examples:
        assert not any("<<" in s or ">>" in s for s in example.steps)
        assert len(example.step_labels) == len(example.steps)


@needs_gsm8k
def test_correct_chains_reproduce_gsm8k() -> None:
    lines = (DEFAULT_GSM8K / "train.jsonl").read_text().splitlines()
    correct = [e for e in built("train").examples if e.label == "correct"]
    assert len(correct) == LIMIT
    for example in correct:
        item = json.loads(lines[example.source_index])
        body, final = item["answer"].split("#### ")
        assert example.question == item["question"].strip()
        assert example.answer == final.strip()
        assert len(example.steps) == len([line for line in body.split("\n") if line.strip()])
        assert example.first_error_step is None and all(example.step_labels)


@needs_gsm8k
def test_every_kind_is_made_and_about_half_are_corrupted() -> None:
    examples = built("train").examples
    kinds = {e.corruption for e in examples if e.corruption}
    assert kinds == set(CORRUPTIONS)
    share = sum(e.label == "corrupted" for e in examples) / len(examples)
    assert 0.45 < share < 0.6


@needs_gsm8k
@pytest.mark.parametrize("source", ["train", "test"])
def test_first_error_step_points_at_the_changed_step(source: str) -> None:
    for correct, wrong in pairs(source):
        first = wrong.first_error_step
        assert first is not None
        assert all(wrong.step_labels[:first])
        assert first == len(wrong.steps) or not wrong.step_labels[first]
        if first == len(wrong.steps):
            assert wrong.corruption in ("wrong_final_answer", "dropped_step")
            assert wrong.answer != correct.answer
            continue
        if wrong.corruption == "dropped_step":
            assert any(
                wrong.steps[:first] == correct.steps[:gone] + correct.steps[gone + 1 : first + 1]
                for gone in range(first + 1)
            )
            assert wrong.steps[first] not in correct.steps
        else:
            assert wrong.steps[:first] == correct.steps[:first]
            assert wrong.steps[first] != correct.steps[first]


@needs_gsm8k
@pytest.mark.parametrize("source", ["train", "test"])
def test_each_corruption_changes_what_it_should(source: str) -> None:
    for correct, wrong in pairs(source):
        if wrong.corruption == "wrong_final_answer":
            assert wrong.steps == correct.steps
            assert number(wrong.answer) != number(correct.answer)
            continue
        if wrong.corruption == "numeric_error":
            first = wrong.first_error_step
            false = [e for e, v in wrong.calcs[first] if value_of(e) != sympy.Rational(v)]
            assert false, wrong.steps[first]
            unchanged = [s for i, s in enumerate(wrong.steps) if i != first]
            assert unchanged == [s for i, s in enumerate(correct.steps) if i != first]
            continue
        assert wrong.corruption in RECOMPUTED
        assert number(wrong.answer) != number(correct.answer)
        later = wrong.calcs[wrong.first_error_step + 1 :]
        if wrong.corruption != "numeric_error_propagated":
            later = wrong.calcs[wrong.first_error_step :]
        originals = {calc for step in correct.calcs for calc in step}
        for expr, stated in (calc for step in later for calc in step):
            if (expr, stated) not in originals:
                assert value_of(expr) == sympy.Rational(stated), (expr, stated)


@needs_gsm8k
def test_test_split_reads_only_gsm8k_test() -> None:
    questions = {
        json.loads(line)["question"].strip()
        for line in (DEFAULT_GSM8K / "test.jsonl").read_text().splitlines()
    }
    examples = built("test").examples
    assert {e.split for e in examples} == {"test"}
    assert all(e.question in questions and e.id.startswith("gsm8k-test-") for e in examples)
    assert {e.split for e in build("train", limit=400).examples} == {"train", "validation"}


@needs_gsm8k
def test_output_is_deterministic(tmp_path: Path) -> None:
    for name in ("a.jsonl", "b.jsonl"):
        main(["--split", "train", "--limit", "40", "--out", str(tmp_path / name)])
    first = (tmp_path / "a.jsonl").read_text()
    assert first == (tmp_path / "b.jsonl").read_text()
    assert [json.loads(line) for line in first.splitlines()] == [
        e.to_json() for e in build("train", limit=40).examples
    ]


def test_parse_chain_reads_the_final_answer() -> None:
    chain = parse_chain("Sam has 1,200 coins.", "1200+5=<<1200+5=1205>>1,205\n#### 1,205")
    assert chain.answer == "1,205" and chain.answer_value == 1205
    assert chain.steps[0].text == "1200+5=1,205"
