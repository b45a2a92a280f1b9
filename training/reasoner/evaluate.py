"""The reasoner's held-out evaluation, asked through the whole mesh as a user asks it.

    python -m training.reasoner.evaluate --held-out build/reasoner/traces.held_out.jsonl \\
        --adapter models/reasoner/v1 --limit 100 --gsm8k ../shared/data/gsm8k/test.jsonl

starts meshes side by side on free ports (the five services and Envoy, as `make run` starts
them): one serves the untuned SmolLM2, one the same model with the adapter (and, with --gsm8k,
a third with the adapter for the GSM8K problems). Each question
goes to `POST /v1/ask` with `path: PATH_STANDARD`, one at a time per mesh, and the reply is
scored:
- tool use, BFCL-style: a question that needs a tool is right when every call the chain made
  names the expected tool and the last one's arguments equal the expected arguments after
  normalisation (numbers as numbers, whitespace and `**`/`^` spelling ignored, same keys); a
  question that needs none is right when no tool was called; tool choice is the same with
  the arguments left aside;
- final answer: every number of the expected answer appears in the reply's final value or
  answer (relative tolerance 1e-3), or, for an answer without numbers, its words do;
- GSM8K (--gsm8k, the adapter's mesh only): the first --gsm8k-count test problems, right when the
  reply's final value is the number after "####".
The meshes offer the model the tools it was trained on (--tools), in the reasoner's default
tool listing, as the service does. --gateway evaluates a mesh that is already running instead,
e.g. one whose reasoner is vLLM serving Qwen2.5-14B-Instruct (SVEND_REASONER_BACKEND=openai),
and then asks nothing of the local model. Results go to --out as JSON, per question and in
total, and the totals into the adapter's manifest (held_out_evaluation).
"""

import argparse
import json
import math
import re
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from svend.common.encoder import sha256_of
from svend.launcher import LaunchError, LocalMesh, free_endpoints, free_port
from svend.reasoner.backends import ADAPTER_MANIFEST
from svend.reasoner.settings import TRAINED_TOOLS

ASK_TIMEOUT_SECONDS = 180.0
START_TIMEOUT_SECONDS = 300.0
NUMBER = re.compile(r"[-+]?(?:\d[\d,]*\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
RELATIVE_TOLERANCE = 1e-3
QUIET = "WARNING"
SHARED_CPU_SAFETY_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class Question:
    """One question with what a right reply holds."""

    id: str
    query: str
    family: str
    # The tool the question needs (None: no tool) and its arguments; None for GSM8K.
    tool: str | None
    arguments: dict[str, Any] | None
    final_value: str
    scores_tool_use: bool = True


def held_out_questions(path: Path, limit: int | None) -> list[Question]:
    """The held-out conversations' questions, in file order."""
    questions = []
    with path.open() as handle:
        for line in handle:
            if limit is not None and len(questions) >= limit:
                break
            trace = json.loads(line)
            questions.append(
                Question(
                    id=trace["id"],
                    query=trace["messages"][1]["content"],
                    family=trace["family"],
                    tool=trace["tool"],
                    arguments=trace["expected_arguments"],
                    final_value=trace["final_value"],
                )
            )
    return questions


def gsm8k_questions(path: Path, count: int) -> list[Question]:
    """The first `count` GSM8K problems, with the number after '####' as the answer."""
    questions = []
    with path.open() as handle:
        for index, line in enumerate(handle):
            if index >= count:
                break
            problem = json.loads(line)
            answer = problem["answer"].rsplit("####", 1)[1].strip().replace(",", "")
            questions.append(
                Question(
                    id=f"gsm8k-{index:04d}",
                    query=problem["question"],
                    family="gsm8k",
                    tool=None,
                    arguments=None,
                    final_value=answer,
                    scores_tool_use=False,
                )
            )
    return questions


def normalised(value: Any) -> Any:
    """A tool argument in a form where equal meanings compare equal."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return round(float(value), 9)
    if isinstance(value, str):
        text = re.sub(r"\s+", "", value).replace("**", "^")
        try:
            return round(float(text), 9)
        except ValueError:
            return text
    if isinstance(value, dict):
        return {key: normalised(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [normalised(item) for item in value]
    return value


def numbers(text: str) -> list[float]:
    found = []
    for match in NUMBER.findall(text):
        try:
            found.append(float(match.replace(",", "")))
        except ValueError:
            continue
    return found


def close(expected: float, got: float) -> bool:
    return math.isclose(expected, got, rel_tol=RELATIVE_TOLERANCE, abs_tol=1e-9)


def answer_right(expected: str, reply: dict[str, Any]) -> bool:
    """Whether the reply's final value (or answer) holds every number of `expected`."""
    said = f"{reply.get('final_value', '')}\n{reply.get('answer', '')}"
    wanted = numbers(expected)
    if wanted:
        got = numbers(said)
        return all(any(close(number, other) for other in got) for number in wanted)
    return re.sub(r"\s+", " ", expected.strip().lower()) in re.sub(r"\s+", " ", said.lower())


def gsm8k_right(expected: str, reply: dict[str, Any]) -> bool:
    got = numbers(reply.get("final_value", ""))
    return bool(got) and close(float(expected), got[-1])


def calls_of(reply: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (invocation["call"]["name"], invocation["call"].get("arguments") or {})
        for invocation in reply.get("tool_calls", [])
    ]


def tool_use_right(question: Question, reply: dict[str, Any]) -> bool:
    """BFCL-style: the expected tool with the expected arguments, or no call when none is due."""
    calls = calls_of(reply)
    if question.tool is None:
        return not calls
    if not calls or any(name != question.tool for name, _ in calls):
        return False
    return normalised(calls[-1][1]) == normalised(question.arguments)


def tool_choice_right(question: Question, reply: dict[str, Any]) -> bool:
    """The expected tool named by every call, arguments aside (no call when none is due):
    tells a model that picks its tool but not its arguments from one that picks neither."""
    names = {name for name, _ in calls_of(reply)}
    return names == ({question.tool} if question.tool else set())


@dataclass
class Outcome:
    """One question's reply and scores."""

    question: Question
    tool_use: bool | None
    tool_choice: bool | None
    answer: bool
    seconds: float
    calls: list[tuple[str, dict[str, Any]]]
    final_value: str
    error: str | None = None

    def record(self) -> dict[str, Any]:
        return {
            "id": self.question.id,
            "family": self.question.family,
            "expected_tool": self.question.tool,
            "tool_use_right": self.tool_use,
            "tool_choice_right": self.tool_choice,
            "answer_right": self.answer,
            "calls": [{"name": name, "arguments": args} for name, args in self.calls],
            "final_value": self.final_value,
            "expected_final_value": self.question.final_value,
            "seconds": round(self.seconds, 2),
            "error": self.error,
        }


def ask(client: httpx.Client, question: Question) -> Outcome:
    """Ask one question on the standard path and score the reply; errors score as wrong."""
    started = time.monotonic()
    try:
        response = client.post("/v1/ask", json={"query": question.query, "path": "PATH_STANDARD"})
        response.raise_for_status()
        reply = response.json()
    except (httpx.HTTPError, ValueError) as error:
        failed_tool_use = False if question.scores_tool_use else None
        return Outcome(
            question,
            failed_tool_use,
            failed_tool_use,
            False,
            time.monotonic() - started,
            [],
            "",
            error=f"{type(error).__name__}: {error}"[:300],
        )
    right = gsm8k_right if question.family == "gsm8k" else answer_right
    return Outcome(
        question,
        tool_use_right(question, reply) if question.scores_tool_use else None,
        tool_choice_right(question, reply) if question.scores_tool_use else None,
        right(question.final_value, reply),
        time.monotonic() - started,
        calls_of(reply),
        reply.get("final_value", ""),
    )


@dataclass
class Run:
    """One model's answers to a list of questions, filled in by its own thread and mesh."""

    name: str
    adapter: Path | None
    questions: Sequence[Question]
    outcomes: list[Outcome] = field(default_factory=list)
    failure: str | None = None

    def summary(self) -> dict[str, Any]:
        return summarise(self.outcomes)


def summarise(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    """Accuracy in total and per family; GSM8K on its own."""
    held_out = [o for o in outcomes if o.question.family != "gsm8k"]
    gsm8k = [o for o in outcomes if o.question.family == "gsm8k"]
    result: dict[str, Any] = {}
    if held_out:
        result["held_out"] = {
            "questions": len(held_out),
            "tool_use_accuracy": share(o.tool_use for o in held_out),
            "tool_choice_accuracy": share(o.tool_choice for o in held_out),
            "answer_accuracy": share(o.answer for o in held_out),
            "no_call_when_none_needed": share(
                o.tool_use for o in held_out if o.question.tool is None
            ),
            "errors": sum(o.error is not None for o in held_out),
            "per_family": {
                family: {
                    "questions": len(group),
                    "tool_use_accuracy": share(o.tool_use for o in group),
                    "tool_choice_accuracy": share(o.tool_choice for o in group),
                    "answer_accuracy": share(o.answer for o in group),
                }
                for family, group in grouped(held_out).items()
            },
            "median_seconds": median([o.seconds for o in held_out]),
        }
    if gsm8k:
        result["gsm8k"] = {
            "questions": len(gsm8k),
            "answer_accuracy": share(o.answer for o in gsm8k),
            "errors": sum(o.error is not None for o in gsm8k),
            "median_seconds": median([o.seconds for o in gsm8k]),
        }
    return result


def share(flags: Iterable[bool | None]) -> float | None:
    values = [bool(flag) for flag in flags]
    return round(sum(values) / len(values), 4) if values else None


def median(values: list[float]) -> float:
    ordered = sorted(values)
    return round(ordered[len(ordered) // 2], 2) if ordered else 0.0


def grouped(outcomes: Sequence[Outcome]) -> dict[str, list[Outcome]]:
    groups: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        groups.setdefault(outcome.question.family, []).append(outcome)
    return dict(sorted(groups.items()))


def evaluate(run: Run, gateway_url: str, report: Callable[[str], None]) -> None:
    """Ask every question in turn, reporting progress every ten."""
    total = len(run.questions)
    with httpx.Client(base_url=gateway_url, timeout=ASK_TIMEOUT_SECONDS) as client:
        for index, question in enumerate(run.questions, start=1):
            run.outcomes.append(ask(client, question))
            if index % 10 == 0 or index == total:
                answers = Counter(o.answer for o in run.outcomes)[True]
                tool_uses = Counter(o.tool_use for o in run.outcomes)[True]
                report(
                    f"{run.name}: {index}/{total} asked, {tool_uses} tool uses and "
                    f"{answers} answers right"
                )


def record_in_manifest(adapter: Path, held_out: Path, runs: dict[str, Any], command: str) -> None:
    """Write the held-out numbers into the manifest of the adapter they measure, so
    models/reasoner/<version>/ carries its own evaluation beside its training record."""
    path = adapter / ADAPTER_MANIFEST
    manifest = json.loads(path.read_text())
    manifest["held_out_evaluation"] = {
        "held_out": {"path": str(held_out), "sha256": sha256_of(held_out)},
        "command": command,
        "runs": runs,
    }
    path.write_text(json.dumps(manifest, indent=2) + "\n")


def mesh_environment(tools: Sequence[str], adapter: Path | None) -> dict[str, str]:
    env = {f"SVEND_{name}_LOG_LEVEL": QUIET for name in ("ROUTER", "SAFETY", "TOOLS", "VERIFIER")}
    env["SVEND_REASONER_TOOLS_OFFERED"] = json.dumps(list(tools))
    # Three meshes share the CPU cores: the router's 2-second safety budget would fail requests
    # for the load, not for the model under test.
    env["SVEND_ROUTER_SAFETY_TIMEOUT_SECONDS"] = str(SHARED_CPU_SAFETY_TIMEOUT_SECONDS)
    env["SVEND_REASONER_ADAPTER_DIR"] = "" if adapter is None else str(adapter.resolve())
    return env


def run_on_mesh(
    run: Run, run_dir: Path, tools: Sequence[str], report: Callable[[str], None]
) -> None:
    """Start a mesh, evaluate on it, stop it; a mesh that fails to start fails the run."""
    mesh = LocalMesh(
        run_dir,
        endpoints=free_endpoints(),
        gateway_port=free_port(),
        admin_port=free_port(),
        extra_env=mesh_environment(tools, run.adapter),
    )
    try:
        mesh.start(timeout=START_TIMEOUT_SECONDS)
    except LaunchError as error:
        run.failure = str(error)
        return
    try:
        report(f"{run.name}: mesh healthy, asking {len(run.questions)} questions")
        evaluate(run, f"http://127.0.0.1:{mesh.gateway_port}", report)
    finally:
        mesh.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--held-out", type=Path, required=True, help="traces.held_out.jsonl")
    parser.add_argument("--limit", type=int, default=100, help="held-out questions to ask")
    parser.add_argument("--adapter", type=Path, help="adapter directory (models/reasoner/v1)")
    parser.add_argument("--gsm8k", type=Path, help="GSM8K test.jsonl (../shared/data/gsm8k)")
    parser.add_argument("--gsm8k-count", type=int, default=100)
    parser.add_argument(
        "--tools", default=",".join(TRAINED_TOOLS), help="tools the reasoner offers (comma list)"
    )
    parser.add_argument("--gateway", help="URL of a running gateway to evaluate instead")
    parser.add_argument("--out", type=Path, default=Path("build/reasoner/evaluation.json"))
    args = parser.parse_args(argv)
    for path in (args.held_out, args.gsm8k):
        if path is not None and not path.is_file():
            parser.error(f"{path} does not exist")
    if args.gateway is None and args.adapter is None:
        parser.error("give --adapter (to compare with the untuned model) or --gateway")
    held_out = held_out_questions(args.held_out, args.limit)
    gsm8k = gsm8k_questions(args.gsm8k, args.gsm8k_count) if args.gsm8k else []
    lock = threading.Lock()

    def report(line: str) -> None:
        with lock:
            print(line, file=sys.stderr, flush=True)

    if args.gateway is not None:
        runs = [Run("gateway", None, [*held_out, *gsm8k])]
        evaluate(runs[0], args.gateway, report)
    else:
        tools = [name.strip() for name in args.tools.split(",") if name.strip()]
        # One mesh each, side by side: the untuned one is done first and leaves its core to the
        # adapter's longer GSM8K run.
        runs = [Run("untuned", None, held_out), Run("tuned", args.adapter, held_out)]
        if gsm8k:
            runs.append(Run("tuned-gsm8k", args.adapter, gsm8k))
        with tempfile.TemporaryDirectory() as scratch:
            threads = [
                threading.Thread(
                    target=run_on_mesh, args=(run, Path(scratch) / run.name, tools, report)
                )
                for run in runs
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
    failures = [f"{run.name}: {run.failure}" for run in runs if run.failure]
    result = {
        "held_out_file": str(args.held_out),
        "runs": {run.name: run.summary() for run in runs},
        "questions": {run.name: [o.record() for o in run.outcomes] for run in runs},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    if args.adapter is not None and args.gateway is None and not failures:
        command = " ".join(["python -m training.reasoner.evaluate", *(argv or sys.argv[1:])])
        record_in_manifest(args.adapter, args.held_out, result["runs"], command)
    print(json.dumps(result["runs"], indent=2))
    if failures:
        print("\n".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
