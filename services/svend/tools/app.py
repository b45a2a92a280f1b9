"""Wires the tools service: registry, runner, worker pool and the gRPC binding."""

import asyncio

from svend.common import ServiceApp, ServiceBinding
from svend.common.settings import MEBIBYTE
from svend.tools.registry import ToolRegistry
from svend.tools.runner import ToolRunner
from svend.tools.servicer import ToolServicer
from svend.tools.settings import ToolsSettings
from svend.tools.symbolic import SYMBOLIC_MATH
from svend.tools.units import UnitConverter, unit_convert_tool
from svend.tools.v1 import tools_pb2_grpc

WARM_UP_CALL = {"operation": "solve", "expression": "x^2-5x+6=0"}


def default_registry(converter: UnitConverter) -> ToolRegistry:
    """Every tool the service offers; a new tool is one more ToolSpec here."""
    return ToolRegistry([SYMBOLIC_MATH, unit_convert_tool(converter)])


async def build(settings: ToolsSettings) -> ServiceApp:
    converter = await asyncio.to_thread(UnitConverter)
    runner = ToolRunner(
        default_registry(converter),
        timeout_seconds=settings.timeout_seconds,
        workers=settings.workers,
        worker_memory_bytes=settings.worker_memory_mb * MEBIBYTE,
    )

    async def startup() -> None:
        runner.start()
        # Brings up the forkserver (with SymPy preloaded) before health says SERVING.
        await runner.warm_up(SYMBOLIC_MATH, WARM_UP_CALL)

    async def shutdown() -> None:
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
