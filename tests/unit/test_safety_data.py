"""The safety data set keeps the data contract and never leaks JailbreakBench or held-out text."""

import functools
from collections import defaultdict

from training.safety import sources
from training.safety.data import build
from training.safety.schema import INPUT_LABELS, OUTPUT_LABELS, SPLITS, normalise

from svend.safety.taxonomy import CATEGORIES

FIELDS = {"id", "text", "prompt", "kind", "label", "categories", "source", "split", "hard_negative"}


@functools.cache
def rows() -> tuple[dict, ...]:
    return tuple(build())


def test_every_record_satisfies_the_contract() -> None:
    names = {str(c) for c in CATEGORIES}
    ids = set()
    for row in rows():
        assert set(row) == FIELDS
        assert isinstance(row["id"], str) and row["id"] not in ids
        ids.add(row["id"])
        assert isinstance(row["text"], str) and row["text"].strip()
        assert row["prompt"] is None or isinstance(row["prompt"], str)
        assert row["kind"] in ("input", "output")
        labels = INPUT_LABELS if row["kind"] == "input" else OUTPUT_LABELS
        assert row["label"] in labels
        assert set(row["categories"]) <= names
        assert len(set(row["categories"])) == len(row["categories"])
        if row["label"] == "safe":
            assert row["categories"] == []
        assert row["split"] in SPLITS
        assert isinstance(row["hard_negative"], bool)


def test_jailbreakbench_is_entirely_in_its_split_and_nowhere_else() -> None:
    expected = {normalise(r.text) for r in sources.jailbreakbench()}
    held = [r for r in rows() if r["split"] == "jailbreakbench"]
    assert len(held) == 200
    assert {r["source"] for r in held} == {"jailbreakbench"}
    assert {normalise(r["text"]) for r in held} == expected
    assert sum(r["label"] == "refuse" for r in held) == 100
    for row in rows():
        if row["split"] != "jailbreakbench":
            assert normalise(row["text"]) not in expected
            assert normalise(row["prompt"] or "") not in expected


def test_no_normalised_text_appears_in_two_splits() -> None:
    splits: dict[str, set[str]] = defaultdict(set)
    for row in rows():
        for text in (row["text"], row["prompt"]):
            if text:
                splits[normalise(text)].add(row["split"])
    assert all(len(found) == 1 for found in splits.values())


def test_the_build_is_deterministic() -> None:
    again = build()
    assert [(r["id"], r["label"], r["split"]) for r in again] == [
        (r["id"], r["label"], r["split"]) for r in rows()
    ]


def test_hard_negatives_exist_and_are_safe() -> None:
    hard = [r for r in rows() if r["hard_negative"]]
    assert len(hard) > 1000
    assert all(r["label"] == "safe" and not r["categories"] for r in hard)
    assert any(r["split"] == "heldout" for r in hard)


def test_splits_have_the_intended_proportions_and_classes() -> None:
    rest = [r for r in rows() if r["split"] != "jailbreakbench"]
    heldout = sum(r["split"] == "heldout" for r in rest) / len(rest)
    assert 0.11 < heldout < 0.19
    inputs = [r for r in rows() if r["kind"] == "input"]
    refused = sum(r["label"] == "refuse" for r in inputs) / len(inputs)
    assert 0.3 < refused < 0.5
    for split in ("train", "validation", "heldout"):
        found = {(r["kind"], r["label"]) for r in rows() if r["split"] == split}
        assert len(found) == 6


IMPERATIVES = {"write", "create", "explain", "give", "describe", "draft", "generate", "list"}


def test_imperative_requests_are_not_mostly_harmful() -> None:
    """The form of a request ("Write ...", "Explain ...") must not predict its label."""
    imperative = [
        r
        for r in rows()
        if r["kind"] == "input"
        and r["split"] != "jailbreakbench"
        and r["text"].split(maxsplit=1)[0].lower() in IMPERATIVES
    ]
    safe = sum(r["label"] == "safe" for r in imperative)
    refused = sum(r["label"] == "refuse" for r in imperative)
    assert safe > refused > 500
    benign = [r for r in rows() if r["source"] == "generated/benign_instruction"]
    assert len(benign) > 1500
    assert all(r["hard_negative"] for r in benign)
    harmful = [r for r in rows() if r["source"] == "generated/instruction_redteam"]
    assert len(harmful) > 500 and all(r["label"] == "refuse" for r in harmful)
