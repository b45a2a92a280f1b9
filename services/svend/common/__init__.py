"""The one server runtime of every Svend service: settings, serving, errors, telemetry, clients."""

from svend.common.errors import (
    DeadlineExceededError,
    InvalidArgumentError,
    NotReadyError,
    ServiceError,
    UnavailableError,
)
from svend.common.server import ServiceApp, ServiceBinding, run, serve
from svend.common.settings import ServiceSettings, load_settings

__all__ = [
    "DeadlineExceededError",
    "InvalidArgumentError",
    "NotReadyError",
    "ServiceApp",
    "ServiceBinding",
    "ServiceError",
    "ServiceSettings",
    "UnavailableError",
    "load_settings",
    "run",
    "serve",
]
