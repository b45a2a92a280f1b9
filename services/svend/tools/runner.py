"""Runs validated tool calls: inline tools on the event loop, isolated ones in worker processes.

Isolated tools go to a pebble ProcessPool: each task has a hard time limit after which pebble
kills the worker and starts a fresh one, so a runaway integral never blocks the service.
Workers are forked from a forkserver (started clean, not from the gRPC process, whose threads
do not survive fork) that has the tool modules preloaded, and each caps its address space.
"""

import asyncio
import logging
import multiprocessing
import resource
import time
from collections.abc import Mapping
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

import pebble
from prometheus_client import Histogram

from svend.common.context import bounded_timeout
from svend.tools.registry import FailureKind, ToolFailure, ToolRegistry, ToolSpec

log = logging.getLogger("svend.tools")

TOOL_CALL_SECONDS = Histogram(
    "svend_tools_call_seconds",
    "Tool run time by tool and outcome (ok, invalid_arguments, execution_failed, timeout).",
    ["tool", "outcome"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
OUTCOME_OK = "ok"
# Modules each worker needs, imported once in the forkserver rather than in every worker.
WORKER_PRELOAD = [
    "svend.tools.symbolic",
    "svend.tools.logic",
    "svend.tools.plot",
    "svend.tools.chemistry",
]


@dataclass(frozen=True)
class ToolOutcome:
    """What one call produced: a result, or a failure kind and message; and how long it took."""

    result: dict[str, Any] | None
    failure: ToolFailure | None
    duration_ms: float

    @property
    def ok(self) -> bool:
        return self.failure is None


def limit_worker_memory(max_bytes: int) -> None:
    """Worker initializer: cap the address space so one input cannot exhaust the host."""
    resource.setrlimit(resource.RLIMIT_AS, (max_bytes, max_bytes))


class ToolRunner:
    """Validates and runs calls against a registry, with time limits and latency metrics."""

    def __init__(
        self,
        registry: ToolRegistry,
        *,
        timeout_seconds: float,
        workers: int,
        worker_memory_bytes: int,
    ) -> None:
        self.registry = registry
        self.timeout_seconds = timeout_seconds
        self.workers = workers
        self.worker_memory_bytes = worker_memory_bytes
        self.pool: pebble.ProcessPool | None = None
        self._restarting = asyncio.Lock()

    def start(self) -> pebble.ProcessPool:
        """Start the worker pool (the forkserver and workers come up on the first task)."""
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(WORKER_PRELOAD)
        self.pool = pebble.ProcessPool(
            max_workers=self.workers,
            initializer=limit_worker_memory,
            initargs=(self.worker_memory_bytes,),
            context=context,
        )
        return self.pool

    async def warm_up(self, tool: ToolSpec, arguments: Mapping[str, Any]) -> None:
        """Run one real call so the first caller does not pay for starting the workers."""
        outcome = await self.call(tool.name, arguments)
        if not outcome.ok:
            raise RuntimeError(f"warm-up call of {tool.name} failed: {outcome.failure}")

    def close(self) -> None:
        """Stop the workers, killing any task still running."""
        if self.pool is not None:
            self.pool.stop()
            self.pool.join(timeout=5)
            self.pool = None

    async def call(self, name: str, arguments: Mapping[str, Any]) -> ToolOutcome:
        """Validate (InvalidArgumentError on schema violations), run, time and record."""
        tool = self.registry.validate(name, arguments)
        started = time.perf_counter()
        result: dict[str, Any] | None = None
        failure: ToolFailure | None = None
        try:
            if tool.isolated:
                result = await self._run_isolated(tool, arguments)
            elif tool.is_async:
                result = await tool.function(arguments)
            else:
                result = tool.function(arguments)
        except ToolFailure as error:
            failure = error
        elapsed = time.perf_counter() - started
        outcome = failure.kind.value if failure else OUTCOME_OK
        TOOL_CALL_SECONDS.labels(tool.name, outcome).observe(elapsed)
        return ToolOutcome(result=result, failure=failure, duration_ms=elapsed * 1e3)

    async def _active_pool(self) -> pebble.ProcessPool:
        """The worker pool, replaced first if it broke (every worker died outside a task)."""
        async with self._restarting:
            if self.pool is not None and self.pool.active:
                return self.pool
            if self.pool is not None:
                log.error("tool worker pool is broken; restarting it")
            await asyncio.to_thread(self.close)
            return self.start()

    async def _run_isolated(self, tool: ToolSpec, arguments: Mapping[str, Any]) -> dict[str, Any]:
        pool = await self._active_pool()
        limit = bounded_timeout(self.timeout_seconds)
        future = pool.schedule(tool.function, args=(dict(arguments),), timeout=limit)
        try:
            # pebble's limit counts from when a worker picks the task up; this one also
            # bounds the time spent queued behind other calls.
            return await asyncio.wait_for(asyncio.wrap_future(future), timeout=2 * limit + 1)
        except TimeoutError:
            future.cancel()
            raise ToolFailure(
                FailureKind.TIMEOUT, f"{tool.name} did not finish within {limit:g} seconds"
            ) from None
        except asyncio.CancelledError:
            future.cancel()
            raise
        except BrokenProcessPool:
            raise ToolFailure(
                FailureKind.EXECUTION_FAILED, f"{tool.name} workers failed; try again"
            ) from None
        except pebble.ProcessExpired as error:
            raise ToolFailure(
                FailureKind.EXECUTION_FAILED,
                f"{tool.name} worker died (exit code {error.exitcode}); the input may need "
                "more memory than a tool call is allowed",
            ) from None
