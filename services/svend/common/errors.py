"""Domain errors and the one table that maps them to gRPC status codes.

Domain code raises these; the server interceptor turns them into statuses. Anything else
becomes INTERNAL with a generic message, and the traceback goes to the log only.
"""

import asyncio

import grpc


class ServiceError(Exception):
    """Base of the errors a service reports to its caller as they are."""

    code: grpc.StatusCode = grpc.StatusCode.INTERNAL


class InvalidArgumentError(ServiceError):
    """The request is malformed; the message names the field."""

    code = grpc.StatusCode.INVALID_ARGUMENT

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field


class NotReadyError(ServiceError):
    """The service is still loading (models, connections) and cannot answer yet."""

    code = grpc.StatusCode.UNAVAILABLE


class UnavailableError(ServiceError):
    """A service this one depends on could not be reached."""

    code = grpc.StatusCode.UNAVAILABLE


class DeadlineExceededError(ServiceError):
    """The request's deadline passed before the work finished."""

    code = grpc.StatusCode.DEADLINE_EXCEEDED


GENERIC_INTERNAL_MESSAGE = "internal error; see the service log for this request id"

# Statuses of a failed downstream call that are passed on unchanged; any other becomes INTERNAL.
PASSED_ON_DOWNSTREAM_CODES = frozenset(
    {
        grpc.StatusCode.UNAVAILABLE,
        grpc.StatusCode.DEADLINE_EXCEEDED,
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        grpc.StatusCode.CANCELLED,
    }
)


def status_for(error: BaseException) -> tuple[grpc.StatusCode, str]:
    """Return the status code and the caller-visible message for an exception."""
    if isinstance(error, ServiceError):
        return error.code, str(error)
    if isinstance(error, TimeoutError | asyncio.TimeoutError):
        return grpc.StatusCode.DEADLINE_EXCEEDED, "deadline exceeded"
    if isinstance(error, grpc.aio.AioRpcError) and error.code() in PASSED_ON_DOWNSTREAM_CODES:
        return error.code(), f"downstream call failed: {error.details()}"
    return grpc.StatusCode.INTERNAL, GENERIC_INTERNAL_MESSAGE
