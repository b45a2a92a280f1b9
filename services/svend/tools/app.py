"""Wires the tools service: registry, runner, worker pool, sandbox pool and the gRPC binding."""

import asyncio
import logging

from svend.common import ServiceApp, ServiceBinding
from svend.common.settings import MEBIBYTE
from svend.tools.chemistry import CHEMISTRY_TOOLS
from svend.tools.execute import execute_python_tool
from svend.tools.logic import LOGIC_SOLVER
from svend.tools.physics import PHYSICS_TOOLS
from svend.tools.plot import PLOT
from svend.tools.registry import ToolRegistry, ToolSpec
from svend.tools.runner import ToolRunner
from svend.tools.sandbox import SandboxPool
from svend.tools.servicer import ToolServicer
from svend.tools.settings import ToolsSettings
from svend.tools.symbolic import SYMBOLIC_MATH
from svend.tools.units import UnitConverter, unit_convert_tool
from svend.tools.v1 import tools_pb2_grpc

log = logging.getLogger("svend.tools")

WARM_UP_CALL = {"operation": "solve", "expression": "x^2-5x+6=0"}


def default_registry(converter: UnitConverter, sandbox: SandboxPool | None) -> ToolRegistry:
    """Every tool the service offers; a new tool is one more ToolSpec here."""
    tools: list[ToolSpec] = [
        SYMBOLIC_MATH,
        LOGIC_SOLVER,
        PLOT,
        *CHEMISTRY_TOOLS,
        *PHYSICS_TOOLS,
        unit_convert_tool(converter),
    ]
    if sandbox is not None:
        tools.append(execute_python_tool(sandbox))
    return ToolRegistry(tools)


async def build(settings: ToolsSettings) -> ServiceApp:
    converter = await asyncio.to_thread(UnitConverter)
    sandbox = None
    if settings.sandbox_enabled:
        sandbox = SandboxPool(
            settings.sandbox_limits(),
            warm=settings.sandbox_warm,
            max_concurrent=settings.sandbox_max_concurrent,
            preload=settings.sandbox_preload,
        )
    runner = ToolRunner(
        default_registry(converter, sandbox),
        timeout_seconds=settings.timeout_seconds,
        workers=settings.workers,
        worker_memory_bytes=settings.worker_memory_mb * MEBIBYTE,
    )

    async def startup() -> None:
        runner.start()
        # Brings up the forkserver (with SymPy preloaded) before health says SERVING.
        await runner.warm_up(SYMBOLIC_MATH, WARM_UP_CALL)
        if sandbox is not None:
            # Fails the start when this host cannot build a jail, rather than later per call.
            await sandbox.start()
        else:
            log.warning("execute_python is off (SVEND_TOOLS_SANDBOX_ENABLED=false)")

    async def shutdown() -> None:
        if sandbox is not None:
            await sandbox.close()
        await asyncio.to_thread(runner.close)

    return ServiceApp(
        bindings=[
            ServiceBinding(
                name="svend.tools.v1.ToolService",
                servicer=ToolServicer(runner),
                register=tools_pb2_grpc.add_ToolServiceServicer_to_server,
            )
        ],
        startup=startup,
        shutdown=shutdown,
    )
