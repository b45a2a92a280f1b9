"""Per-request context shared by logging, interceptors and clients."""

import contextvars
import time
import uuid

REQUEST_ID_HEADER = "x-request-id"

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
# Monotonic time by which the current request must be answered; None when the caller set none.
deadline_var: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "deadline", default=None
)


def new_request_id() -> str:
    """A fresh request id, short enough to read in logs."""
    return uuid.uuid4().hex[:16]


def remaining_seconds() -> float | None:
    """Seconds left before the current request's deadline, or None without one."""
    deadline = deadline_var.get()
    return None if deadline is None else deadline - time.monotonic()


def bounded_timeout(timeout: float) -> float:
    """A downstream call's timeout: its own limit, cut to what the caller's deadline leaves."""
    remaining = remaining_seconds()
    if remaining is None:
        return timeout
    return max(0.001, min(timeout, remaining))
