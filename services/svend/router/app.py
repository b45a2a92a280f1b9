"""Wiring of the router service."""

import asyncio

from svend.common import ServiceApp, ServiceBinding
from svend.common.clients import ReasonerClient, SafetyClient, ToolsClient, VerifierClient
from svend.router.cache import open_cache
from svend.router.flow import Router
from svend.router.quick import unit_registry
from svend.router.servicer import RouterServicer
from svend.router.settings import RouterSettings
from svend.router.v1 import router_pb2_grpc


async def build(settings: RouterSettings) -> ServiceApp:
    router = Router(
        settings,
        cache=open_cache(
            settings.redis_url, settings.cache_max_entries, settings.cache_ttl_seconds
        ),
        safety=SafetyClient(settings.safety_addr, settings.safety_timeout_seconds),
        tools=ToolsClient(settings.tools_addr, settings.tools_timeout_seconds),
        reasoner=ReasonerClient(settings.reasoner_addr, settings.reasoner_timeout_seconds),
        verifier=VerifierClient(settings.verifier_addr, settings.verifier_timeout_seconds),
    )

    async def startup() -> None:
        await asyncio.to_thread(unit_registry)

    async def shutdown() -> None:
        for client in (router.safety, router.tools, router.reasoner, router.verifier):
            await client.close()
        await router.cache.close()

    binding = ServiceBinding(
        name="svend.router.v1.RouterService",
        servicer=RouterServicer(router),
        register=router_pb2_grpc.add_RouterServiceServicer_to_server,
    )
    return ServiceApp(bindings=[binding], startup=startup, shutdown=shutdown)
