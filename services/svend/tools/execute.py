"""execute_python: run a short Python program in the sandbox and return what it printed and made.

The code is hostile until proven otherwise: it runs in a jail of its own (sandbox.py), never in
this process or a tool worker. A program that raises is still a result (the traceback is in
"error", next to what it printed before); a program that passes a limit is a failure.
"""

import dataclasses
from collections.abc import Mapping
from typing import Any

from svend.common.context import bounded_timeout
from svend.tools.registry import FailureKind, ToolFailure, ToolSpec
from svend.tools.sandbox import SandboxBreach, SandboxLimits, SandboxPool

NAME = "execute_python"
MAX_CODE_CHARS = 100_000
# Shortest wall-clock limit worth starting a program for.
MIN_TIMEOUT_SECONDS = 0.1


def description(limits: SandboxLimits) -> str:
    return f"""\
Run a Python 3.11 program in an isolated sandbox and return its output. Use it for numeric \
work, simulations, brute-force checks and data plots. numpy, sympy, scipy and matplotlib can be \
imported (numpy and sympy are already loaded). There is no network, no subprocess, no access to \
other files; the working directory starts empty and files written there are returned. Nothing \
is kept between calls. Limits: {limits.wall_seconds:g} s wall time (lower it with \
timeout_seconds), {limits.cpu_seconds} s CPU, {limits.memory_bytes // 2**20} MiB memory, \
{limits.output_bytes // 1024} KiB of stdout and of stderr; passing one ends the call with an \
error. Example: code="import math\\nprint(math.comb(10, 3))\\nmath.factorial(5)".
Result fields: stdout, stderr, value (repr of the final expression statement, or null), error \
(the traceback when the code raised, else null), files (list of {{path, size_bytes, \
content_base64}}), files_complete (false when files were left out for size), plots (one \
{{figure, image_png_base64}} per open Matplotlib figure)."""


def parameters(limits: SandboxLimits) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "code": {
                "type": "string",
                "minLength": 1,
                "maxLength": MAX_CODE_CHARS,
                "description": "The Python program; the value of a final bare expression is "
                "returned as 'value'.",
            },
            "timeout_seconds": {
                "type": "number",
                "minimum": MIN_TIMEOUT_SECONDS,
                "maximum": limits.wall_seconds,
                "description": f"Wall-clock limit, at most {limits.wall_seconds:g} seconds "
                "(the default).",
            },
        },
        "required": ["code"],
        "additionalProperties": False,
    }


class PythonExecutor:
    """The execute_python function over one sandbox pool."""

    def __init__(self, pool: SandboxPool) -> None:
        self.pool = pool

    async def run(self, arguments: Mapping[str, Any]) -> dict[str, Any]:
        """Run the code; a breached limit is a ToolFailure, an exception in the code is not."""
        wall = float(arguments.get("timeout_seconds", self.pool.limits.wall_seconds))
        limits = dataclasses.replace(self.pool.limits, wall_seconds=bounded_timeout(wall))
        try:
            run = await self.pool.run(str(arguments["code"]), limits)
        except SandboxBreach as breach:
            kind = FailureKind.TIMEOUT if breach.timed_out else FailureKind.EXECUTION_FAILED
            raise ToolFailure(kind, breach.message) from None
        return {
            "stdout": run.stdout,
            "stderr": run.stderr,
            "value": run.value,
            "error": run.error,
            "files": run.files,
            "files_complete": run.files_complete,
            "plots": run.plots,
        }


def execute_python_tool(pool: SandboxPool) -> ToolSpec:
    """The execute_python tool, running its calls in `pool`."""
    return ToolSpec(
        name=NAME,
        description=description(pool.limits),
        parameters=parameters(pool.limits),
        function=PythonExecutor(pool).run,
        isolated=False,
    )
