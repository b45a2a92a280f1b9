"""Prometheus metrics: the RPC metrics every service shares, served on a side port."""

from prometheus_client import Counter, Histogram, start_http_server

RPC_REQUESTS = Counter(
    "svend_rpc_requests_total",
    "RPCs handled, by service, method and status code.",
    ["service", "method", "code"],
)
RPC_LATENCY = Histogram(
    "svend_rpc_latency_seconds",
    "RPC handling time, by service, method and status code.",
    ["service", "method", "code"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)


def start_metrics_server(host: str, port: int) -> None:
    """Serve /metrics on its own port; port 0 turns the endpoint off."""
    if port:
        start_http_server(port, addr=host)
