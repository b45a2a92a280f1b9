"""REST load through Envoy with wrk (Debian's `wrk`): throughput and latency percentiles."""

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

# One question per request, numbered so that no two requests share a cache entry: %(template)s
# holds the JSON body with "{n}" where the number goes, %(seed)d keeps runs apart.
DISTINCT_QUESTIONS = """
counter = 0
request = function()
  counter = counter + 1
  local n = tostring(%(seed)d * 100000 + counter)
  local body = string.gsub('%(template)s', "{n}", n)
  return wrk.format("POST", "/v1/ask", {["content-type"] = "application/json"}, body)
end
"""
SAME_QUESTION = """
wrk.method = "POST"
wrk.path = "/v1/ask"
wrk.headers["content-type"] = "application/json"
wrk.body = '%(body)s'
"""


def distinct_questions(template: str, seed: int) -> str:
    """A wrk script asking template (a JSON body with "{n}") with a new n each time."""
    return DISTINCT_QUESTIONS % {"template": template, "seed": seed}


def same_question(body: str) -> str:
    """A wrk script asking one question over and over (all but the first hit the cache)."""
    return SAME_QUESTION % {"body": body}


def wrk_load(
    port: int, concurrency: int, seconds: int, script: str, timeout_s: int = 30
) -> dict[str, float] | None:
    """Run wrk against the gateway; None when wrk is not installed.

    Errors count non-2xx replies and requests that timed out after timeout_s; the percentiles
    are over the requests that completed.
    """
    wrk = shutil.which("wrk")
    if wrk is None:
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(script)
    try:
        output = subprocess.run(
            [
                wrk,
                f"-t{min(concurrency, 2)}",
                f"-c{concurrency}",
                f"-d{seconds}s",
                f"--timeout={timeout_s}s",
                "--latency",
                "-s",
                file.name,
                f"http://127.0.0.1:{port}",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        Path(file.name).unlink()
    return parse_wrk(output)


def parse_wrk(output: str) -> dict[str, float]:
    """Requests, errors, p50/p90/p99 in ms and requests per second from wrk --latency output."""

    def latency(label: str) -> float:
        match = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE)
        if match is None:
            return float("nan")
        scale = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}[match[2]]
        return float(match[1]) * scale

    requests = int(re.search(r"(\d+) requests in", output)[1])
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    timeouts = re.search(r"Socket errors: .*?timeout (\d+)", output)
    return {
        "requests": requests,
        "errors": (int(non_2xx[1]) if non_2xx else 0) + (int(timeouts[1]) if timeouts else 0),
        "p50_ms": latency("50"),
        "p90_ms": latency("90"),
        "p99_ms": latency("99"),
        "throughput_rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
    }
