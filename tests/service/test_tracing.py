"""Request ids always, and trace ids when tracing is on, follow a request across services."""

import json

import grpc
import pytest

from svend.launcher import LocalMesh
from svend.router.v1 import router_pb2, router_pb2_grpc


def log_records(text: str) -> list[dict]:
    """The one-line JSON log records of a service's output (console spans span many lines)."""
    records = []
    for line in text.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict):
            records.append(record)
    return records


def rpc_log_lines(mesh: LocalMesh, service: str, method: str) -> list[dict]:
    records = log_records(mesh.processes[service].log_path.read_text())
    return [r for r in records if r.get("message") == "rpc" and r.get("method") == method]


def ask(mesh: LocalMesh, query: str, request_id: str) -> router_pb2.AskResponse:
    with grpc.insecure_channel(mesh.endpoints["router"].address) as channel:
        return router_pb2_grpc.RouterServiceStub(channel).Ask(
            router_pb2.AskRequest(query=query), metadata=[("x-request-id", request_id)], timeout=30
        )


@pytest.mark.parametrize("tracing", [False, True], ids=["tracing-off", "tracing-console"])
def test_one_request_is_traceable_across_hops(start_mesh, tracing: bool) -> None:
    env = {"OTEL_TRACES_EXPORTER": "console"} if tracing else {}
    mesh = start_mesh(["safety", "tools", "verifier", "router"], extra_env=env)
    reply = ask(mesh, "convert 5 km to miles", "req-trace-1")
    assert reply.request_id == "req-trace-1"
    router = rpc_log_lines(mesh, "router", "/svend.router.v1.RouterService/Ask")
    safety = rpc_log_lines(mesh, "safety", "/svend.safety.v1.SafetyService/CheckInput")
    tools = rpc_log_lines(mesh, "tools", "/svend.tools.v1.ToolService/CallTool")
    assert router and safety and tools
    assert {r["request_id"] for r in router + safety + tools} == {"req-trace-1"}
    trace_ids = {r["trace_id"] for r in router + safety + tools}
    if tracing:
        assert len(trace_ids) == 1 and "" not in trace_ids
    else:
        assert trace_ids == {""}
