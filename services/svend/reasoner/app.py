"""Wiring of the reasoner service: the tools client, the reasoning loop and the model."""

import asyncio

from svend.common import ServiceApp, ServiceBinding
from svend.common.clients import ToolsClient
from svend.reasoner.backends import (
    ModelFileError,
    check_adapter,
    checked_weights,
    load_backend,
)
from svend.reasoner.engine import Reasoner
from svend.reasoner.servicer import ReasonerServicer
from svend.reasoner.settings import ReasonerSettings
from svend.reasoner.toolbox import ToolServiceTools
from svend.reasoner.v1 import reasoner_pb2_grpc


async def build(settings: ReasonerSettings) -> ServiceApp:
    weights = None
    if settings.backend == "transformers":
        try:
            weights = await asyncio.to_thread(checked_weights, settings)
            if settings.adapter_dir is not None:
                await asyncio.to_thread(check_adapter, settings.adapter_dir, settings)
        except ModelFileError as error:
            # Before the server exists, so the process ends with this line and nothing else.
            raise SystemExit(f"svend reasoner: cannot start: {error}") from None
    client = ToolsClient(settings.tools_addr, settings.tools_timeout_seconds)
    reasoner = Reasoner(
        ToolServiceTools(client, settings.tools_cache_seconds, settings.tools_offered),
        deadline_margin_seconds=settings.deadline_margin_seconds,
        max_tool_result_chars=settings.max_tool_result_chars,
        context_tokens=settings.context_tokens,
        tool_listing=settings.tool_listing,
    )

    async def startup() -> None:
        """Load the model; until this returns, health is NOT_SERVING and RPCs are UNAVAILABLE."""
        reasoner.backend = await load_backend(settings, weights)

    async def shutdown() -> None:
        await client.close()

    binding = ServiceBinding(
        name="svend.reasoner.v1.ReasonerService",
        servicer=ReasonerServicer(reasoner, settings),
        register=reasoner_pb2_grpc.add_ReasonerServiceServicer_to_server,
    )
    return ServiceApp(bindings=[binding], startup=startup, shutdown=shutdown)
