"""Load through Envoy for each path at concurrency 1, 10, 50 and 100, in one run.

Starts the whole mesh (five services and Envoy, the CPU default model) on free ports and drives
REST /v1/ask with wrk, one distinct question per request so that nothing is answered from the
cache: a unit conversion for QUICK, "What is <n> times 37?" forced onto STANDARD and onto DEEP.
Prints completed requests, errors (non-2xx and timeouts), p50/p90/p99 and throughput per row,
then the issue's targets: QUICK at 100 concurrent with no errors and p99 <= 150 ms, STANDARD at
10 concurrent with no errors and p90 <= 5 s. Requests still running when a row ends are not
counted, so slow rows run longer (--slow-seconds).
"""

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from bench.wrk import distinct_questions, wrk_load
from svend.launcher import LocalMesh

CONCURRENCIES = (1, 10, 50, 100)
PATHS = {
    "QUICK": '{"query":"convert {n} km to miles"}',
    "STANDARD": '{"query":"What is {n} times 37?","path":"PATH_STANDARD"}',
    "DEEP": '{"query":"What is {n} times 37?","path":"PATH_DEEP"}',
}
# (path, concurrency, percentile, its limit in ms): no errors and the percentile within limit.
TARGETS = (("QUICK", 100, "p99", 150), ("STANDARD", 10, "p90", 5000))
# A request may take the router's whole deadline (120 s) before it counts as a timeout.
TIMEOUT_S = 125
# Pause after a slow row, so requests wrk abandoned do not weigh on the next one.
DRAIN_SECONDS = 10
QUIET_LOGS = {f"SVEND_{name}_LOG_LEVEL": "WARNING" for name in ("ROUTER", "SAFETY", "TOOLS")} | {
    "SVEND_VERIFIER_LOG_LEVEL": "WARNING",
    "SVEND_REASONER_LOG_LEVEL": "WARNING",
}


def targets(rows: dict[tuple[str, int], dict]) -> list[str]:
    """Each target of the issue beside what its row measured."""
    lines = []
    for path, concurrency, percentile, limit_ms in TARGETS:
        row = rows.get((path, concurrency))
        if row is None:
            continue
        met = row["errors"] == 0 and row[f"{percentile}_ms"] <= limit_ms
        lines.append(
            f"{path} at {concurrency}: {row['errors']} errors, {percentile} "
            f"{row[f'{percentile}_ms']:.0f} ms (target: 0 errors, {percentile} <= {limit_ms} ms): "
            f"{'met' if met else 'NOT met'}"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paths", nargs="+", choices=list(PATHS), default=list(PATHS))
    parser.add_argument("--concurrency", nargs="+", type=int, default=list(CONCURRENCIES))
    parser.add_argument("--seconds", type=int, default=10, help="length of a QUICK row")
    parser.add_argument("--slow-seconds", type=int, default=90, help="length of other rows")
    args = parser.parse_args()

    results: dict[tuple[str, int], dict] = {}
    with tempfile.TemporaryDirectory() as run_dir:
        mesh = LocalMesh.on_free_ports(Path(run_dir), extra_env=QUIET_LOGS)
        print("starting the mesh …", file=sys.stderr)
        mesh.start(timeout=240)
        try:
            for seed, (path, concurrency) in enumerate(
                ((p, c) for p in args.paths for c in args.concurrency), start=1
            ):
                slow = path != "QUICK"
                seconds = args.slow_seconds if slow else args.seconds
                print(f"{path} at {concurrency} for {seconds} s …", file=sys.stderr, flush=True)
                script = distinct_questions(PATHS[path], seed)
                result = wrk_load(mesh.gateway_port, concurrency, seconds, script, TIMEOUT_S)
                if result is None:
                    print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
                    return 1
                results[(path, concurrency)] = result
                if slow:
                    time.sleep(DRAIN_SECONDS)
        finally:
            mesh.stop()

    print(
        f"{'path':<9} {'conc':>4} {'done':>6} {'errors':>6} {'p50 ms':>9} {'p90 ms':>9} "
        f"{'p99 ms':>9} {'req/s':>8}"
    )
    for (path, concurrency), r in results.items():
        print(
            f"{path:<9} {concurrency:>4} {r['requests']:>6} {r['errors']:>6} {r['p50_ms']:>9.1f} "
            f"{r['p90_ms']:>9.1f} {r['p99_ms']:>9.1f} {r['throughput_rps']:>8.2f}"
        )
    for line in targets(results):
        print(line)
    print(
        json.dumps([{"path": p, "concurrency": c, **r} for (p, c), r in results.items()]),
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
