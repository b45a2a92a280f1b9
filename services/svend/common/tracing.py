"""OpenTelemetry tracing, on only when an exporter is configured.

With OTEL_EXPORTER_OTLP_ENDPOINT set, spans of every RPC are exported by OTLP; with
OTEL_TRACES_EXPORTER=console they are printed (for debugging). The trace context then
propagates through gRPC metadata across hops and logs carry the trace id. Otherwise tracing is
off: its interceptors cost about a third of a quick request's CPU, and the request id (the
x-request-id header, which Envoy sets) still ties the logs of one request together.
"""

import os

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter


def exporter_from_environment() -> SpanExporter | None:
    """The span exporter the standard OTEL_* variables ask for, or None."""
    if os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter()
    if os.environ.get("OTEL_TRACES_EXPORTER") == "console":
        return ConsoleSpanExporter()
    return None


def tracing_enabled() -> bool:
    """True when this process exports spans, so RPCs should carry trace context."""
    return bool(os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")) or (
        os.environ.get("OTEL_TRACES_EXPORTER") == "console"
    )


def configure_tracing(service: str) -> None:
    """Install the global tracer provider for this process when an exporter is configured."""
    exporter = exporter_from_environment()
    if exporter is None:
        return
    provider = TracerProvider(resource=Resource.create({"service.name": f"svend-{service}"}))
    provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
