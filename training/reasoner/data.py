"""Build the reasoner's tool-use fine-tuning conversations (see the package docstring).

    python -m training.reasoner.data --out build/reasoner/traces.jsonl --count 20000 --seed 0

writes build/reasoner/traces.train.jsonl (--count traces), traces.validation.jsonl (count/20)
and traces.held_out.jsonl (count/10), then prints counts per family and split.
"""

import argparse
import json
import random
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

from svend.reasoner.chain import ToolCall
from svend.reasoner.engine import call_text
from svend.reasoner.prompting import ToolListing
from svend.reasoner.settings import ReasonerSettings

from .direct import DIRECT
from .phrasing import Draw, question
from .puzzles import CODE, LOGIC
from .replay import Dropped, Played, Script, ToolBench
from .science import CHEMISTRY, PHYSICS
from .tasks import MATH, UNITS_TASKS, Problem, Task

SPLITS = ("train", "validation", "held_out")
TASKS: list[Task] = [*MATH, *UNITS_TASKS, *CHEMISTRY, *PHYSICS, *LOGIC, *CODE, *DIRECT]
FAMILY_WEIGHTS = {
    "math": 0.28,
    "units": 0.15,
    "chemistry": 0.15,
    "physics": 0.15,
    "logic": 0.07,
    "code": 0.05,
    "no_tool": 0.15,
}
# What the reasoner offers by default; no-tool traces often see exactly this list.
DEFAULT_OFFER: list[str] = ReasonerSettings.model_fields["tools_offered"].default
DEFAULT_LISTING: ToolListing = ReasonerSettings.model_fields["tool_listing"].default
DEFAULT_OFFER_SHARE = 0.8
MAX_DISTRACTORS = 2
MAX_ATTEMPTS = 20
PROGRESS_EVERY = 1000


def split_sizes(count: int) -> dict[str, int]:
    """Traces per split: `count` for training, a twentieth to validate, a tenth held out."""
    return {"train": count, "validation": max(1, count // 20), "held_out": max(1, count // 10)}


def split_path(out: Path, split: str) -> Path:
    """traces.jsonl → traces.train.jsonl, traces.validation.jsonl, traces.held_out.jsonl."""
    return out.with_name(f"{out.stem}.{split}{out.suffix}")


@dataclass
class Builder:
    """Makes traces with one ToolBench; remembers what it had to drop."""

    bench: ToolBench
    seed: int
    dropped: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self.tool_names = self.bench.tool_names()
        self.tasks = [task for task in TASKS if self.available(task)]
        self.families = sorted({task.family for task in self.tasks})

    def available(self, task: Task) -> bool:
        """Whether the task's tool is served here (execute_python needs a sandbox)."""
        probe = task.sample(Draw(random.Random(0), held_out=False))
        return probe.tool is None or probe.tool in self.tool_names

    def traces(self, split: str, count: int) -> Iterator[dict[str, Any]]:
        for index in range(count):
            yield self.trace(split, index)

    def trace(self, split: str, index: int) -> dict[str, Any]:
        """Trace `index` of `split`: the same whatever the count, from its own seeded stream."""
        rng = random.Random(f"{self.seed}:{split}:{index}")
        held_out = split == "held_out"
        for _ in range(MAX_ATTEMPTS):
            family = rng.choices(self.families, [FAMILY_WEIGHTS[f] for f in self.families])[0]
            tasks = [task for task in self.tasks if task.family == family]
            task = rng.choices(tasks, [task.weight for task in tasks])[0]
            template_id, template = rng.choice(task.templates(held_out))
            draw = Draw(rng, held_out)
            problem = task.sample(draw)
            text = question(template, problem.slots, draw)
            offered = self.offer(problem.tool, rng)
            try:
                played = self.bench.play(offered, text, script(problem))
                check(played, problem)
            except Dropped:
                self.dropped[task.id] += 1
                continue
            return {
                "id": f"{split}-{index:06d}",
                "split": split,
                "family": task.family,
                "task": task.id,
                "template": template_id,
                "tool": problem.tool,
                "tools_offered": [name for name in self.tool_names if name in offered],
                "tool_listing": self.bench.tool_listing,
                "expected_arguments": problem.arguments,
                "mistaken_arguments": problem.mistake,
                "final_value": final_value(played),
                "values": draw.values,
                "messages": played.messages,
            }
        raise RuntimeError(f"{split} trace {index}: no sample worked in {MAX_ATTEMPTS} tries")

    def offer(self, tool: str | None, rng: random.Random) -> list[str]:
        """The tools listed in the system prompt: mostly the reasoner's default list, as served;
        otherwise the needed tool with up to two distractors (or, with no tool needed, none or
        one), so that another configured list is no surprise."""
        if rng.random() < DEFAULT_OFFER_SHARE:
            return [name for name in DEFAULT_OFFER if name in self.tool_names]
        others = [name for name in self.tool_names if name != tool]
        if tool is None:
            return rng.sample(others, rng.randint(0, 1))
        return [tool, *rng.sample(others, rng.randint(0, MAX_DISTRACTORS))]


def call_block(name: str, arguments: dict[str, Any]) -> str:
    """A Hermes tool call, its JSON written the way the reasoner logs calls."""
    return f"<tool_call>\n{call_text(ToolCall('', name, arguments))}\n</tool_call>"


def script(problem: Problem) -> Script:
    """The model's turns for a problem: thought and call (after a failed one), then the answer."""
    turns: list[str] = []
    if problem.tool is not None and problem.arguments is not None:
        if problem.mistake is not None:
            turns.append(f"{problem.thought}\n{call_block(problem.tool, problem.mistake)}")
            turns.append(f"{problem.fix}\n{call_block(problem.tool, problem.arguments)}")
        else:
            turns.append(f"{problem.thought}\n{call_block(problem.tool, problem.arguments)}")

    def answer(result: dict[str, Any] | None) -> str:
        sentence, final = problem.answer(result)
        return f"{sentence}\nAnswer: {final}"

    return Script(turns, answer)


def check(played: Played, problem: Problem) -> None:
    """The loop ran the calls the script wrote: a planned mistake failed, the real call worked."""
    invocations = played.chain.tool_calls
    expected = [problem.mistake, problem.arguments] if problem.mistake else [problem.arguments]
    if problem.tool is None:
        expected = []
    if [call.call.arguments for call in invocations] != expected:
        raise AssertionError(f"the loop read other calls than the script wrote: {invocations}")
    if problem.mistake is not None and invocations[0].result.ok:
        raise Dropped("the planned mistake did not fail")


def final_value(played: Played) -> str:
    """What follows 'Answer: ' on the last line of the final turn."""
    return played.messages[-1]["content"].rsplit("\nAnswer: ", 1)[1]


def build(
    out: Path, count: int, seed: int, bench: ToolBench, progress: bool = True
) -> tuple[Counter[tuple[str, str]], Counter[str]]:
    """Write the three split files; (traces per (split, family), samples dropped per task)."""
    builder = Builder(bench, seed)
    counts: Counter[tuple[str, str]] = Counter()
    out.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    done = 0
    total = sum(split_sizes(count).values())
    for split, size in split_sizes(count).items():
        with split_path(out, split).open("w", encoding="utf-8") as handle:
            for record in builder.traces(split, size):
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
                counts[split, record["family"]] += 1
                done += 1
                if progress and done % PROGRESS_EVERY == 0:
                    elapsed = time.monotonic() - started
                    print(f"{done}/{total} traces, {elapsed:.0f} s", file=sys.stderr, flush=True)
    return counts, builder.dropped


def summary(
    counts: Counter[tuple[str, str]], dropped: Counter[str], families: Sequence[str]
) -> str:
    """A table of traces per family and split, then the samples dropped and why it matters."""
    width = max(len(family) for family in families)
    lines = [f"{'family':<{width}} " + " ".join(f"{split:>10}" for split in SPLITS)]
    for family in families:
        row = " ".join(f"{counts[split, family]:>10}" for split in SPLITS)
        lines.append(f"{family:<{width}} {row}")
    totals = " ".join(f"{sum(counts[split, f] for f in families):>10}" for split in SPLITS)
    lines.append(f"{'total':<{width}} {totals}")
    shown = ", ".join(f"{task}={n}" for task, n in sorted(dropped.items())) or "none"
    lines.append(f"samples dropped (tool failed or result cut) and redrawn: {shown}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="e.g. build/reasoner/traces.jsonl")
    parser.add_argument("--count", type=int, default=20_000, help="training traces")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--tool-listing",
        choices=get_args(ToolListing),
        default=DEFAULT_LISTING,
        help="how the system prompt lists the tools (the reasoner's SVEND_REASONER_TOOL_LISTING)",
    )
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("--count must be positive")
    started = time.monotonic()
    bench = ToolBench.open(args.tool_listing)
    try:
        counts, dropped = build(args.out, args.count, args.seed, bench)
    finally:
        bench.close()
    if bench.sandbox is None:
        print("execute_python is unavailable here (no sandbox): no code traces", file=sys.stderr)
    for split in SPLITS:
        print(f"wrote {split_path(args.out, split)}")
    print(summary(counts, dropped, sorted(FAMILY_WEIGHTS)))
    print(f"took {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
