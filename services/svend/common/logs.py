"""Structured JSON logs, each line carrying the service, request id and trace id."""

import logging
import sys

from opentelemetry import trace
from pythonjsonlogger.json import JsonFormatter

from svend.common.context import request_id_var


class RequestContextFilter(logging.Filter):
    """Adds service, request_id, trace_id and span_id to every record."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        span_context = trace.get_current_span().get_span_context()
        record.service = self.service
        record.request_id = request_id_var.get()
        record.trace_id = format(span_context.trace_id, "032x") if span_context.is_valid else ""
        record.span_id = format(span_context.span_id, "016x") if span_context.is_valid else ""
        return True


def configure_logging(service: str, level: str) -> None:
    """Send JSON lines to stderr; replaces any handler set before."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RequestContextFilter(service))
    handler.setFormatter(
        JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
