"""Builds the safety classifier's data set (the data contract) from vendored and generated data.

    python -m training.safety.data --out build/safety/dataset.jsonl

All of JailbreakBench goes to its own split and any near copy of it elsewhere is dropped; the
rest is split by a hash of a normalised key (the generator's core text, else the prompt, else
the text), so paraphrases of one ask and an answer with its prompt share a split.
"""

import argparse
import hashlib
import json
import random
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, replace
from pathlib import Path

from training.safety import generators, sources
from training.safety.schema import Record, normalise

SEED = 20240611
HELDOUT_FRACTION = 0.15
VALIDATION_FRACTION = 0.10
NEAR_COPY_JACCARD = 0.8
NEAR_COPY_MAX_CHARS = 600
GSM8K_SOLUTIONS = 800
MATH_SOLUTIONS = 300
DEFAULT_OUT = Path("build/safety/dataset.jsonl")


def hash_split(key: str) -> str:
    """Heldout, validation or train from a key's hash: the same key always lands the same way."""
    digest = hashlib.sha256(f"svend-safety/{key}".encode()).digest()
    if int.from_bytes(digest[:8]) / 2**64 < HELDOUT_FRACTION:
        return "heldout"
    if int.from_bytes(digest[8:16]) / 2**64 < VALIDATION_FRACTION:
        return "validation"
    return "train"


def _key(text: str) -> str:
    return normalise(text) or text.strip().lower()


def record_id(record: Record) -> str:
    """Stable id from the source, kind and normalised text and prompt."""
    content = "\x00".join((record.kind, _key(record.text), _key(record.prompt or "")))
    return f"{record.source}:{record.kind}:{hashlib.sha256(content.encode()).hexdigest()[:16]}"


def _inputs(
    rng: random.Random, instructions_rng: random.Random
) -> tuple[list[Record], list[Record], list]:
    """Inputs of every source, plus the generated red-team prompts and hard negatives.

    The instruction-style requests draw from their own generator and come last, so adding them
    changed no earlier record and none of them displaces one.
    """
    redteam = generators.redteam_inputs(rng)
    hard = generators.hard_negative_inputs(rng)
    benign_real = [
        Record(q, "input", "safe", name, group=q)
        for name, pairs in (
            ("gsm8k", sources.gsm8k()),
            ("math", sources.math_problems()),
            ("humaneval", sources.humaneval()),
        )
        for q, _ in pairs
    ]
    records = [
        *sources.advbench(),
        *sources.strongreject(),
        *sources.donotanswer(),
        *sources.dan(),
        *sources.inthewild(),
        *sources.hh_rlhf(),
        *redteam,
        *generators.jailbreak_inputs(),
        *generators.twin_inputs(rng),
        *(record for record, _, _ in hard),
        *generators.everyday_inputs(rng),
        *benign_real,
        *generators.instruction_inputs(instructions_rng),
        *generators.instruction_redteam_inputs(instructions_rng),
    ]
    return records, redteam, hard


def _outputs(rng: random.Random, redteam: list[Record], hard: list) -> list[Record]:
    """Harmful, edited and safe answers."""
    advbench_categories = {r.text: r.categories for r in sources.advbench()}
    return [
        *generators.block_outputs(rng, redteam),
        *generators.advbench_block_outputs(
            rng, list(sources.advbench_targets()), advbench_categories
        ),
        *generators.edit_outputs(rng, hard),
        *generators.explanation_outputs(rng, hard),
        *generators.refusal_outputs(rng, redteam),
        *generators.solution_outputs(rng, list(sources.gsm8k()), "gsm8k", GSM8K_SOLUTIONS),
        *generators.solution_outputs(rng, list(sources.math_problems()), "math", MATH_SOLUTIONS),
        *generators.solution_outputs(rng, list(sources.humaneval()), "humaneval", 200),
    ]


class _NearCopies:
    """Finds texts that are (near) copies of JailbreakBench behaviours."""

    def __init__(self, texts: Iterable[str]) -> None:
        self.keys = {_key(t) for t in texts}
        self.tokens = [set(k.split()) for k in self.keys]

    def __call__(self, text: str | None) -> bool:
        if not text:
            return False
        key = _key(text)
        if key in self.keys:
            return True
        if len(text) > NEAR_COPY_MAX_CHARS:
            return False
        words = set(key.split())
        return any(
            len(words & other) >= NEAR_COPY_JACCARD * len(words | other) for other in self.tokens
        )


def assign_splits(held: list[Record], rest: list[Record]) -> Iterator[tuple[Record, str]]:
    """Each kept record with its split; duplicates, JailbreakBench copies and conflicts dropped."""
    near = _NearCopies(r.text for r in held)
    assigned: dict[str, str] = {}
    seen: set[str] = set()
    for record, fixed in [*((r, "jailbreakbench") for r in held), *((r, None) for r in rest)]:
        if fixed is None and (near(record.text) or near(record.prompt)):
            continue
        rid = record_id(record)
        if rid in seen:
            continue
        keys = [_key(record.text), *([_key(record.prompt)] if record.prompt else [])]
        existing = {assigned[k] for k in keys if k in assigned}
        if len(existing) > 1 or (fixed and existing - {fixed}):
            continue
        split = fixed or (existing.pop() if existing else None)
        split = split or hash_split(_key(record.group or record.prompt or record.text))
        seen.add(rid)
        for k in keys:
            assigned.setdefault(k, split)
        yield record, split


def build(seed: int = SEED) -> list[dict]:
    """All records of the data set as contract dicts, in a deterministic order."""
    rng = random.Random(seed)
    inputs, redteam, hard = _inputs(rng, random.Random(f"{seed}/instructions"))
    outputs = _outputs(rng, redteam, hard)
    rows = []
    for record, split in assign_splits(list(sources.jailbreakbench()), [*inputs, *outputs]):
        row = asdict(replace(record, group=None))
        del row["group"]
        row["categories"] = list(record.categories)
        rows.append({"id": record_id(record), **row, "split": split})
    return rows


def summary(rows: list[dict]) -> str:
    """Counts by split, kind and label, and by source, as a text table."""
    lines = ["split        kind    label    count"]
    by = Counter((r["split"], r["kind"], r["label"]) for r in rows)
    lines += [f"{s:<12} {k:<7} {lab:<8} {n:>5}" for (s, k, lab), n in sorted(by.items())]
    lines.append("")
    lines.append("source                          kind    label    count")
    by_source = Counter((r["source"], r["kind"], r["label"]) for r in rows)
    lines += [f"{s:<31} {k:<7} {lab:<8} {n:>5}" for (s, k, lab), n in sorted(by_source.items())]
    inputs = [r for r in rows if r["kind"] == "input"]
    refused = sum(r["label"] == "refuse" for r in inputs)
    categories = Counter(c for r in rows for c in r["categories"])
    lines.append("")
    lines.append(f"total {len(rows)}; inputs {len(inputs)}, refuse {refused / len(inputs):.1%}")
    lines.append(f"hard negatives {sum(r['hard_negative'] for r in rows)}")
    lines.append("categories " + ", ".join(f"{c} {n}" for c, n in sorted(categories.items())))
    return "\n".join(lines)


def main() -> None:
    """Writes the data set and prints its summary and sha256."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    rows = build(args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    args.out.write_text(text)
    print(summary(rows))
    print(f"wrote {args.out} sha256 {hashlib.sha256(text.encode()).hexdigest()}")


if __name__ == "__main__":
    main()
