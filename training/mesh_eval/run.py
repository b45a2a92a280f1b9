"""Evaluate the running mesh, or one started here, on held-out sets; write a Markdown report.

    python -m training.mesh_eval.run                      # starts the mesh as `make run` does
    python -m training.mesh_eval.run --gateway http://127.0.0.1:8080   # a mesh already running

Suites, each asked one question at a time through Envoy's REST API:
- tool_use: the reasoner's held-out questions (build/reasoner/traces.held_out.jsonl), on the
  path the router picks; tool use scored BFCL-style and final answers as in
  training.reasoner.evaluate;
- gsm8k: the first --gsm8k problems of GSM8K test (--full-gsm8k: all 1,319), path picked by
  the router;
- deep_vs_standard: the first --compare GSM8K test problems forced onto STANDARD and onto DEEP,
  to show what DEEP gains and costs;
- math500: the first --math500 problems of MATH-500, the final value against the reference
  answer after LaTeX normalisation;
- humaneval: the first --humaneval HumanEval problems; the reply's code runs with the problem's
  tests through the execute_python tool (pass@1);
- safety: every held-out input of the safety data set and all of JailbreakBench through
  CheckInput; harmful ones should be refused, benign ones not.
The report gives accuracy per suite and latency per path (p50/p90 of the whole request); each
answer is also appended to outcomes.jsonl as it comes, and Ctrl-C still writes the report.
"""

import argparse
import json
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from svend.launcher import LocalMesh
from training.mesh_eval.scoring import humaneval_program, math_right
from training.reasoner.evaluate import (
    Question,
    answer_right,
    gsm8k_questions,
    gsm8k_right,
    held_out_questions,
    tool_use_right,
)
from training.safety.data import build as safety_records
from training.shared_data import SHARED_DATA, read_jsonl

REPO_ROOT = Path(__file__).resolve().parents[2]
HELD_OUT_TRACES = REPO_ROOT / "build" / "reasoner" / "traces.held_out.jsonl"
ASK_TIMEOUT_SECONDS = 180.0
START_TIMEOUT_SECONDS = 300.0
SUITES = ("safety", "tool_use", "gsm8k", "deep_vs_standard", "math500", "humaneval")
HUMANEVAL_PROMPT = (
    "Complete this Python function. Reply with the complete function in one ```python block."
    "\n\n{prompt}"
)


@dataclass
class Asked:
    """One request: where it went, how long it took, and whether it was right."""

    suite: str
    path: str
    seconds: float
    right: bool
    error: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)


class Evaluation:
    """Asks the gateway and keeps every outcome."""

    def __init__(self, gateway: str, progress: Callable[[str], None], log: Path) -> None:
        self.client = httpx.Client(base_url=gateway, timeout=ASK_TIMEOUT_SECONDS)
        self.progress = progress
        self.outcomes: list[Asked] = []
        log.parent.mkdir(parents=True, exist_ok=True)
        self.log = log.open("w")

    def post(self, route: str, body: dict[str, Any]) -> tuple[dict[str, Any] | None, float, str]:
        began = time.monotonic()
        try:
            reply = self.client.post(route, json=body)
            reply.raise_for_status()
            return reply.json(), time.monotonic() - began, ""
        except (httpx.HTTPError, ValueError) as error:
            return None, time.monotonic() - began, f"{type(error).__name__}: {error}"[:300]

    def ask(
        self,
        suite: str,
        query: str,
        score: Callable[[dict[str, Any]], bool],
        path: str | None = None,
        detail: dict[str, Any] | None = None,
        more: Callable[[dict[str, Any] | None], dict[str, Any]] | None = None,
    ) -> dict[str, Any] | None:
        """Ask one question and record the outcome; `more` adds scores of the reply (None
        when the request failed) to its detail before it is logged."""
        body = {"query": query} | ({"path": path} if path else {})
        reply, seconds, error = self.post("/v1/ask", body)
        chosen = reply.get("path", "PATH_UNSPECIFIED") if reply else "error"
        right = bool(reply) and score(reply)
        detail = (detail or {}) | (more(reply) if more else {})
        outcome = Asked(suite, chosen, seconds, right, error or None, detail)
        self.outcomes.append(outcome)
        self.log.write(json.dumps(asdict(outcome)) + "\n")
        self.log.flush()
        done = [o for o in self.outcomes if o.suite == suite]
        if len(done) % 10 == 0:
            self.progress(f"{suite}: {len(done)} asked, {sum(o.right for o in done)} right")
        return reply


def tool_use(evaluation: Evaluation, questions: Sequence[Question]) -> None:
    """Final answers, and tool use BFCL-style (kept in each outcome's detail)."""
    for question in questions:
        evaluation.ask(
            "tool_use",
            question.query,
            lambda reply, q=question: answer_right(q.final_value, reply),
            detail={"id": question.id},
            more=lambda reply, q=question: {
                "tool_use_right": bool(reply) and tool_use_right(q, reply)
            },
        )


def gsm8k(
    evaluation: Evaluation, questions: Sequence[Question], suite: str, path: str | None
) -> None:
    for question in questions:
        evaluation.ask(
            suite,
            question.query,
            lambda reply, q=question: gsm8k_right(q.final_value, reply),
            path=path,
            detail={"id": question.id},
        )


def math500(evaluation: Evaluation, count: int) -> None:
    for row in read_jsonl(SHARED_DATA / "math500" / "test.jsonl", count):
        evaluation.ask(
            "math500",
            row["problem"],
            lambda reply, r=row: math_right(r["answer"], reply.get("final_value") or ""),
            detail={"id": row["unique_id"], "level": row["level"]},
        )


def humaneval(evaluation: Evaluation, count: int) -> None:
    for problem in read_jsonl(SHARED_DATA / "humaneval" / "HumanEval.jsonl.gz", count):

        def passes(reply: dict[str, Any], p: dict[str, Any] = problem) -> bool:
            program = humaneval_program(
                p["prompt"], reply.get("answer", ""), p["test"], p["entry_point"]
            )
            result, _, error = evaluation.post(
                "/v1/tools/execute_python:call", {"arguments": {"code": program}}
            )
            return (
                not error
                and bool(result)
                and result.get("ok") is True
                and not (result.get("result", {}).get("error"))
            )

        evaluation.ask(
            "humaneval",
            HUMANEVAL_PROMPT.format(prompt=problem["prompt"]),
            passes,
            path="PATH_STANDARD",
            detail={"id": problem["task_id"]},
        )


def safety(evaluation: Evaluation) -> dict[str, dict[str, float]]:
    """Refusal rates of CheckInput on the safety held-out split and JailbreakBench."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    latencies = []
    records = [
        r
        for r in safety_records()
        if r["kind"] == "input"
        and r["split"] in ("heldout", "jailbreakbench")
        and r["label"] in ("refuse", "safe")
    ]
    for index, record in enumerate(records, start=1):
        reply, seconds, error = evaluation.post("/v1/safety:checkInput", {"text": record["text"]})
        latencies.append(seconds)
        refused = bool(reply) and reply.get("decision") == "INPUT_DECISION_REFUSE"
        key = f"{record['split']} {'harmful' if record['label'] == 'refuse' else 'benign'}"
        counts[key][0] += refused
        counts[key][1] += 1
        if error:
            counts[f"{key} errors"][1] += 1
        if index % 200 == 0:
            evaluation.progress(f"safety: {index}/{len(records)} checked")
    rates = {key: {"refused": r / n, "inputs": n} for key, (r, n) in sorted(counts.items())}
    rates["latency"] = {"p50_ms": percentile(latencies, 50) * 1e3, "inputs": len(latencies)}
    return rates


def percentile(values: Sequence[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def report(outcomes: Sequence[Asked], safety_rates: dict[str, dict[str, float]]) -> str:
    lines = ["# Svend evaluation", "", "## Accuracy", "", "| suite | questions | right | errors |"]
    lines.append("|---|---|---|---|")
    suites = defaultdict(list)
    for outcome in outcomes:
        suites[outcome.suite].append(outcome)
    for suite, asked in suites.items():
        right = sum(o.right for o in asked)
        errors = sum(o.error is not None for o in asked)
        lines.append(f"| {suite} | {len(asked)} | {right / len(asked):.1%} ({right}) | {errors} |")
    tool_uses = [o.detail["tool_use_right"] for o in suites.get("tool_use", [])]
    if tool_uses:
        lines.append(
            f"| tool_use, BFCL-style tool use | {len(tool_uses)} | "
            f"{sum(tool_uses) / len(tool_uses):.1%} ({sum(tool_uses)}) | |"
        )
    lines += ["", "## Latency per path", "", "| suite | path | questions | right | p50 s | p90 s |"]
    lines.append("|---|---|---|---|---|---|")
    for suite, asked in suites.items():
        by_path = defaultdict(list)
        for outcome in asked:
            by_path[outcome.path].append(outcome)
        for path, group in sorted(by_path.items()):
            seconds = [o.seconds for o in group]
            right = sum(o.right for o in group)
            lines.append(
                f"| {suite} | {path} | {len(group)} | {right / len(group):.1%} | "
                f"{percentile(seconds, 50):.2f} | {percentile(seconds, 90):.2f} |"
            )
    if safety_rates:
        lines += [
            "",
            "## Safety (CheckInput through the gateway)",
            "",
            "| set | inputs | refused |",
        ]
        lines.append("|---|---|---|")
        for key, rate in safety_rates.items():
            if "refused" in rate:
                lines.append(f"| {key} | {rate['inputs']:.0f} | {rate['refused']:.1%} |")
        latency = safety_rates["latency"]
        lines.append(f"\nCheckInput p50 {latency['p50_ms']:.1f} ms over {latency['inputs']:.0f}.")
    return "\n".join(lines) + "\n"


def evaluate(gateway: str, args: argparse.Namespace, progress: Callable[[str], None]) -> str:
    """Run the chosen suites; Ctrl-C stops early and still reports what was asked."""
    evaluation = Evaluation(gateway, progress, args.out / "outcomes.jsonl")
    safety_rates: dict[str, dict[str, float]] = {}
    test = SHARED_DATA / "gsm8k" / "test.jsonl"
    try:
        if "safety" in args.suites:
            safety_rates = safety(evaluation)
        if "tool_use" in args.suites:
            tool_use(evaluation, held_out_questions(args.held_out, args.tool_use))
        if "gsm8k" in args.suites:
            count = 10**6 if args.full_gsm8k else args.gsm8k
            gsm8k(evaluation, gsm8k_questions(test, count), "gsm8k", None)
        if "deep_vs_standard" in args.suites:
            compared = gsm8k_questions(test, args.compare)
            gsm8k(evaluation, compared, "gsm8k forced STANDARD", "PATH_STANDARD")
            gsm8k(evaluation, compared, "gsm8k forced DEEP", "PATH_DEEP")
        if "math500" in args.suites:
            math500(evaluation, args.math500)
        if "humaneval" in args.suites:
            humaneval(evaluation, args.humaneval)
    except KeyboardInterrupt:
        progress("interrupted: reporting what was asked so far")
        return report(evaluation.outcomes, safety_rates) + "\nInterrupted before the end.\n"
    finally:
        evaluation.client.close()
        evaluation.log.close()
    return report(evaluation.outcomes, safety_rates)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--gateway", help="URL of a running gateway (default: start a mesh)")
    parser.add_argument("--suites", nargs="+", choices=SUITES, default=list(SUITES))
    parser.add_argument("--held-out", type=Path, default=HELD_OUT_TRACES)
    parser.add_argument("--tool-use", type=int, default=50, help="held-out tool questions")
    parser.add_argument("--gsm8k", type=int, default=30, help="GSM8K test problems")
    parser.add_argument("--full-gsm8k", action="store_true", help="all of GSM8K test")
    parser.add_argument("--compare", type=int, default=10, help="GSM8K problems, both paths")
    parser.add_argument("--math500", type=int, default=20, help="MATH-500 problems")
    parser.add_argument("--humaneval", type=int, default=10, help="HumanEval problems")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "build" / "eval")
    args = parser.parse_args(argv)
    if "tool_use" in args.suites and not args.held_out.is_file():
        parser.error(
            f"{args.held_out} does not exist: build it with python -m training.reasoner.data "
            "--out build/reasoner/traces.jsonl (make eval does)"
        )

    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    started = time.monotonic()
    if args.gateway:
        text = evaluate(args.gateway, args, progress)
    else:
        with tempfile.TemporaryDirectory() as run_dir:
            mesh = LocalMesh.on_free_ports(Path(run_dir))
            progress("starting the mesh …")
            mesh.start(timeout=START_TIMEOUT_SECONDS)
            try:
                text = evaluate(f"http://127.0.0.1:{mesh.gateway_port}", args, progress)
            finally:
                mesh.stop()
    text += f"\nEvaluated in {(time.monotonic() - started) / 60:.1f} min; command: "
    text += " ".join(["python -m training.mesh_eval.run", *(argv or sys.argv[1:])]) + "\n"
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "report.md").write_text(text)
    print(text)
    print(f"wrote {args.out / 'report.md'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
