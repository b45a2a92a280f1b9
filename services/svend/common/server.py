"""serve(): the grpc.aio server every Svend service runs in.

It binds the port, registers standard health and reflection, serves Prometheus metrics on a
side port, reports SERVING only after the service's startup hook (model loading) finished,
and on SIGTERM/SIGINT reports NOT_SERVING, then lets in-flight RPCs finish within the grace.
"""

import asyncio
import logging
import signal
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection
from opentelemetry.instrumentation.grpc import aio_server_interceptor

from svend.common.interceptors import ServerInterceptor
from svend.common.logs import configure_logging
from svend.common.metrics import start_metrics_server
from svend.common.settings import ServiceSettings, load_settings
from svend.common.tracing import configure_tracing, tracing_enabled

log = logging.getLogger("svend.server")


@dataclass(frozen=True)
class ServiceBinding:
    """One gRPC service to register: its full name, servicer and generated add function."""

    name: str
    servicer: Any
    register: Callable[[Any, grpc.aio.Server], None]


@dataclass
class ServiceApp:
    """What a service's build function hands to serve()."""

    bindings: Sequence[ServiceBinding]
    # Runs after the port is bound and before SERVING: load models, warm caches.
    startup: Callable[[], Awaitable[None]] | None = None
    # Runs after the server stopped: close channels and pools.
    shutdown: Callable[[], Awaitable[None]] | None = None


SettingsT = TypeVar("SettingsT", bound=ServiceSettings)


def server_options(settings: ServiceSettings) -> list[tuple[str, Any]]:
    """Channel arguments that bound message sizes and keep idle connections healthy."""
    return [
        ("grpc.max_receive_message_length", settings.max_message_bytes),
        ("grpc.max_send_message_length", settings.max_message_bytes),
        ("grpc.so_reuseport", 0),
        ("grpc.keepalive_permit_without_calls", 1),
        ("grpc.http2.min_ping_interval_without_data_ms", 5000),
    ]


async def serve(settings: ServiceSettings, app: ServiceApp) -> None:
    """Run the server until SIGTERM or SIGINT, then shut down gracefully."""
    service = settings.service_name()
    interceptors: list[grpc.aio.ServerInterceptor] = [ServerInterceptor(service)]
    if tracing_enabled():
        interceptors.insert(0, aio_server_interceptor())
    server = grpc.aio.server(
        interceptors=interceptors,
        options=server_options(settings),
        maximum_concurrent_rpcs=settings.max_concurrent_rpcs,
    )
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    names = [binding.name for binding in app.bindings]
    for binding in app.bindings:
        binding.register(binding.servicer, server)
    reflection.enable_server_reflection(
        [*names, health.SERVICE_NAME, reflection.SERVICE_NAME], server
    )
    for name in ("", *names):
        await health_servicer.set(name, health_pb2.HealthCheckResponse.NOT_SERVING)

    port = server.add_insecure_port(f"{settings.host}:{settings.port}")
    if port == 0:
        raise SystemExit(f"svend {service}: cannot bind {settings.host}:{settings.port}")
    start_metrics_server(settings.host, settings.metrics_port)
    await server.start()
    log.info(
        "listening",
        extra={"address": f"{settings.host}:{port}", "metrics_port": settings.metrics_port},
    )

    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)

    startup = asyncio.create_task(app.startup()) if app.startup else None
    if startup is not None:
        done, _ = await asyncio.wait(
            {startup, asyncio.create_task(stopping.wait())}, return_when=asyncio.FIRST_COMPLETED
        )
        if startup in done:
            startup.result()
        else:
            startup.cancel()
    if not stopping.is_set():
        for name in ("", *names):
            await health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
        log.info("serving", extra={"services": names})
        await stopping.wait()

    log.info("shutting down", extra={"grace_seconds": settings.grace_seconds})
    await health_servicer.enter_graceful_shutdown()
    await server.stop(settings.grace_seconds)
    if app.shutdown:
        await app.shutdown()
    log.info("stopped")


def run(
    settings_class: type[SettingsT], build: Callable[[SettingsT], Awaitable[ServiceApp]]
) -> None:
    """Entry point of `python -m svend.<service>`: settings, logging, tracing, then serve."""
    settings = load_settings(settings_class)
    sys.setswitchinterval(settings.gil_switch_interval_ms / 1000)
    configure_logging(settings.service_name(), settings.log_level)
    configure_tracing(settings.service_name())

    async def main() -> None:
        await serve(settings, await build(settings))

    asyncio.run(main())
