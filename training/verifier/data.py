"""Build the verifier's training data: GSM8K chains, each correct and corrupted.

    python -m training.verifier.data --split train --out build/verifier/train.jsonl [--limit N]
    python -m training.verifier.data --split test --out build/verifier/test.jsonl
    python -m training.verifier.data --split train --focus wrong_operation,dropped_step \
        --out build/verifier/scorer.jsonl

Each GSM8K item gives its correct chain (one step per solution line, `<<expr=value>>` annotations
stripped) and one corrupted copy, two for a seeded tenth of the items, so about half the records
are corrupted. The kind of corruption is the applicable one used least so far in the split,
which keeps kinds balanced as far as the data allows (see training.verifier.corrupt for the kinds,
their checks and the labelling convention). GSM8K train gives splits "train" and "validation"
(a seeded 10% of its lines, chosen by source_index); GSM8K test gives "test" only, held out
from every training run. `source_index` is the 0-based line index in the GSM8K file.
"""

import argparse
import json
import random
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .chains import Chain, Unparseable, parse_chain
from .corrupt import CORRUPTIONS, Corruption, corruptions

SEED = 1729
VALIDATION_SHARE = 0.1
SECOND_CORRUPTION_SHARE = 0.1
FOCUS_CORRECT_SHARE = 0.5
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_GSM8K = REPO_ROOT.parent / "shared" / "data" / "gsm8k"
SOURCES = ("train", "test")


@dataclass(frozen=True)
class Example:
    """One output record; `calcs` (each step's hidden expression and value) is not written."""

    id: str
    question: str
    steps: list[str]
    answer: str
    label: str
    corruption: str | None
    first_error_step: int | None
    step_labels: list[bool]
    source_index: int
    split: str
    calcs: tuple[tuple[tuple[str, str], ...], ...] = field(repr=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        record = asdict(self)
        del record["calcs"]
        return record


@dataclass
class Build:
    """What a build produced and what it had to leave out."""

    examples: list[Example] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    uncorrupted: int = 0

    def summary(self) -> str:
        """Counts by split, label and corruption, then the skipped items by reason."""
        lines = []
        for split in sorted({e.split for e in self.examples}):
            chosen = [e for e in self.examples if e.split == split]
            labels = Counter(e.label for e in chosen)
            kinds = Counter(e.corruption for e in chosen if e.corruption)
            lines.append(f"{split}: {len(chosen)} records, " + _counts(labels))
            lines.append("  corruptions: " + _counts(Counter({k: kinds[k] for k in CORRUPTIONS})))
        lines.append(f"items without an applicable corruption: {self.uncorrupted}")
        lines.append(
            f"skipped items: {sum(self.skipped.values())}"
            + (f" ({_counts(self.skipped)})" if self.skipped else "")
        )
        return "\n".join(lines)


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{key}={value}" for key, value in counter.items())


def validation_indices(total: int, seed: int = SEED) -> frozenset[int]:
    """The GSM8K train lines that form "validation": a seeded tenth, whatever --limit is."""
    return frozenset(random.Random(seed).sample(range(total), round(total * VALIDATION_SHARE)))


def build(
    source: str,
    gsm8k: Path = DEFAULT_GSM8K,
    limit: int | None = None,
    seed: int = SEED,
    focus: tuple[str, ...] = (),
) -> Build:
    """The records of one GSM8K file ("train" or "test"), the first `limit` items only if set.

    With `focus` (corruption kinds), each item instead gives every focused corruption that
    applies and its correct chain for a seeded FOCUS_CORRECT_SHARE of the items: the step
    scorer's training set, aimed at the errors that exact checks cannot see.
    """
    if source not in SOURCES:
        raise ValueError(f"source must be one of {SOURCES}")
    lines = (gsm8k / f"{source}.jsonl").read_text(encoding="utf-8").splitlines()
    validation = validation_indices(len(lines), seed) if source == "train" else frozenset()
    result = Build()
    used: dict[str, Counter[str]] = {}
    for index, line in enumerate(lines[:limit]):
        item = json.loads(line)
        try:
            chain = parse_chain(item["question"], item["answer"])
        except Unparseable as error:
            result.skipped[str(error).split(" '")[0]] += 1
            continue
        split = "validation" if index in validation else source
        counts = used.setdefault(split, Counter())
        rng = random.Random(f"{seed}:{source}:{index}")
        if focus:
            if rng.random() < FOCUS_CORRECT_SHARE:
                result.examples.append(_example(chain, None, index, split, source))
            for corruption in corruptions(chain, list(focus), rng):
                result.examples.append(_example(chain, corruption, index, split, source))
            continue
        result.examples.append(_example(chain, None, index, split, source))
        order = sorted(CORRUPTIONS, key=lambda kind: (counts[kind], rng.random()))
        found = corruptions(chain, order, rng)
        wanted = 2 if rng.random() < SECOND_CORRUPTION_SHARE else 1
        made = 0
        for corruption in found:
            result.examples.append(_example(chain, corruption, index, split, source))
            counts[corruption.kind] += 1
            made += 1
            if made == wanted:
                break
        result.uncorrupted += made == 0
    return result


def _example(
    chain: Chain, corruption: Corruption | None, index: int, split: str, source: str
) -> Example:
    kind = corruption.kind if corruption else "correct"
    common = {
        "id": f"gsm8k-{source}-{index:05d}-{kind}",
        "question": chain.question,
        "source_index": index,
        "split": split,
    }
    if corruption is None:
        return Example(
            steps=[step.text for step in chain.steps],
            answer=chain.answer,
            label="correct",
            corruption=None,
            first_error_step=None,
            step_labels=[True] * len(chain.steps),
            calcs=tuple(
                tuple((calc.expr, calc.stated) for calc in step.calcs) for step in chain.steps
            ),
            **common,
        )
    return Example(
        steps=list(corruption.steps),
        answer=corruption.answer,
        label="corrupted",
        corruption=corruption.kind,
        first_error_step=corruption.first_error_step,
        step_labels=list(corruption.step_labels),
        calcs=corruption.calcs,
        **common,
    )


def write(examples: list[Example], out: Path) -> None:
    """One JSON object per line."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as handle:
        for example in examples:
            handle.write(json.dumps(example.to_json(), ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=SOURCES, required=True, help="GSM8K file to read")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--limit", type=int, default=None, help="first N items only")
    parser.add_argument("--gsm8k", type=Path, default=DEFAULT_GSM8K)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--focus",
        default="",
        help="comma-separated corruption kinds: every applicable one per item (scorer training)",
    )
    args = parser.parse_args(argv)
    focus = tuple(kind for kind in args.focus.split(",") if kind)
    unknown = set(focus) - set(CORRUPTIONS)
    if unknown:
        parser.error(f"unknown corruption kinds {sorted(unknown)}; known: {', '.join(CORRUPTIONS)}")
    result = build(args.split, args.gsm8k, args.limit, args.seed, focus)
    write(result.examples, args.out)
    print(f"wrote {len(result.examples)} records to {args.out}")
    print(result.summary())


if __name__ == "__main__":
    main()
