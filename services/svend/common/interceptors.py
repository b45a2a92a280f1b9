"""Server and client interceptors: errors to statuses, request ids, deadlines, RPC metrics."""

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc

from svend.common.context import (
    REQUEST_ID_HEADER,
    deadline_var,
    new_request_id,
    request_id_var,
)
from svend.common.errors import status_for
from svend.common.metrics import RPC_LATENCY, RPC_REQUESTS

log = logging.getLogger("svend.rpc")

QUIET_METHOD_PREFIXES = ("/grpc.health.", "/grpc.reflection.")


class ServerInterceptor(grpc.aio.ServerInterceptor):
    """One place that turns exceptions into statuses and records every RPC.

    Domain code raises; this maps the exception by `errors.status_for`, logs unexpected ones
    with their traceback (the caller only sees a generic message), counts and times the RPC,
    and exposes the request id and deadline to the handler through context variables.
    """

    def __init__(self, service: str) -> None:
        self.service = service
        # Wrapped handlers by method: built once, not on every call.
        self.handlers: dict[str, grpc.RpcMethodHandler] = {}

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler | None:
        method = handler_call_details.method
        wrapped = self.handlers.get(method)
        if wrapped is not None:
            return wrapped
        handler = await continuation(handler_call_details)
        if handler is None:
            return None
        wrapped = handler
        if handler.unary_unary is not None:
            wrapped = grpc.unary_unary_rpc_method_handler(
                self._wrap_unary(method, handler.unary_unary),
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
        elif handler.unary_stream is not None:
            wrapped = grpc.unary_stream_rpc_method_handler(
                self._wrap_stream(method, handler.unary_stream),
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
        self.handlers[method] = wrapped
        return wrapped

    def _enter(self, context: grpc.aio.ServicerContext) -> None:
        """Expose the request id and deadline to the handler, and return the id to the caller."""
        request_id = ""
        for key, value in context.invocation_metadata() or ():
            if key == REQUEST_ID_HEADER:
                request_id = str(value)
                break
        request_id = request_id or new_request_id()
        request_id_var.set(request_id)
        remaining = context.time_remaining()
        deadline_var.set(None if remaining is None else time.monotonic() + remaining)
        context.set_trailing_metadata(((REQUEST_ID_HEADER, request_id),))

    def _classify(self, method: str, error: BaseException) -> tuple[grpc.StatusCode, str]:
        code, message = status_for(error)
        if code is grpc.StatusCode.INTERNAL:
            log.error("unhandled error in %s", method, exc_info=error)
        else:
            log.info("%s failed: %s %s", method, code.name, message)
        return code, message

    def _record(self, method: str, code: grpc.StatusCode, started: float) -> None:
        elapsed = time.perf_counter() - started
        labels = (self.service, method.rsplit("/", 1)[-1], code.name)
        RPC_REQUESTS.labels(*labels).inc()
        RPC_LATENCY.labels(*labels).observe(elapsed)
        if not method.startswith(QUIET_METHOD_PREFIXES):
            log.info(
                "rpc",
                extra={
                    "method": method,
                    "code": code.name,
                    "duration_ms": round(elapsed * 1e3, 2),
                },
            )

    @contextlib.asynccontextmanager
    async def _handling(
        self, method: str, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[None]:
        """Around one RPC: request context in, exceptions to statuses, the RPC recorded."""
        started = time.perf_counter()
        self._enter(context)
        code = grpc.StatusCode.OK
        try:
            yield
        except grpc.aio.AbortError:
            code = context.code() or grpc.StatusCode.UNKNOWN
            raise
        except asyncio.CancelledError:
            # The caller went away or its deadline passed; grpc reports the status itself.
            code = grpc.StatusCode.CANCELLED
            raise
        except Exception as error:
            code, message = self._classify(method, error)
            await context.abort(code, message)
        finally:
            self._record(method, code, started)

    def _wrap_unary(
        self, method: str, behaviour: Callable[..., Awaitable[Any]]
    ) -> Callable[..., Awaitable[Any]]:
        async def handle(request: Any, context: grpc.aio.ServicerContext) -> Any:
            async with self._handling(method, context):
                return await behaviour(request, context)

        return handle

    def _wrap_stream(
        self, method: str, behaviour: Callable[..., AsyncIterator[Any]]
    ) -> Callable[..., AsyncIterator[Any]]:
        async def handle(request: Any, context: grpc.aio.ServicerContext) -> AsyncIterator[Any]:
            async with self._handling(method, context):
                async for message in behaviour(request, context):
                    yield message

        return handle


class RequestIdClientInterceptor(
    grpc.aio.UnaryUnaryClientInterceptor, grpc.aio.UnaryStreamClientInterceptor
):
    """Carries the current request id to downstream services in metadata."""

    def _with_request_id(self, details: grpc.aio.ClientCallDetails) -> grpc.aio.ClientCallDetails:
        request_id = request_id_var.get()
        if not request_id:
            return details
        metadata = grpc.aio.Metadata(*(details.metadata or ()))
        metadata[REQUEST_ID_HEADER] = request_id
        return grpc.aio.ClientCallDetails(
            details.method, details.timeout, metadata, details.credentials, details.wait_for_ready
        )

    async def intercept_unary_unary(
        self,
        continuation: Callable[[grpc.aio.ClientCallDetails, Any], Awaitable[Any]],
        client_call_details: grpc.aio.ClientCallDetails,
        request: Any,
    ) -> Any:
        return await continuation(self._with_request_id(client_call_details), request)

    async def intercept_unary_stream(
        self,
        continuation: Callable[[grpc.aio.ClientCallDetails, Any], Awaitable[Any]],
        client_call_details: grpc.aio.ClientCallDetails,
        request: Any,
    ) -> Any:
        return await continuation(self._with_request_id(client_call_details), request)
