"""OpenTelemetry tracing: spans on every RPC, exported by OTLP only when configured.

Spans are always created so that logs carry trace ids and the context propagates through
gRPC metadata across hops; OTEL_EXPORTER_OTLP_ENDPOINT turns export on.
"""

import os

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor


def configure_tracing(service: str) -> TracerProvider:
    """Install the global tracer provider for this process."""
    provider = TracerProvider(resource=Resource.create({"service.name": f"svend-{service}"}))
    if os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    return provider
