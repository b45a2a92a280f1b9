"""Real Envoy in front of a real tools service: REST transcoding, rejections, gRPC passthrough."""

import subprocess

import grpc
import httpx
import pytest

from svend import gateway
from svend.launcher import LocalMesh, envoy_binary
from svend.mesh import SERVICES
from svend.tools.v1 import tools_pb2, tools_pb2_grpc

CONVERT = {"arguments": {"value": 5, "from_unit": "km", "to_unit": "mi"}}


@pytest.fixture
def mesh(start_mesh) -> LocalMesh:
    return start_mesh(["tools"], gateway=True)


@pytest.fixture
def rest(mesh: LocalMesh) -> httpx.Client:
    with httpx.Client(base_url=f"http://127.0.0.1:{mesh.gateway_port}", timeout=10) as client:
        yield client


def assert_rejected(reply: httpx.Response, status: int, code: int, *words: str) -> None:
    assert reply.status_code == status, reply.text
    assert reply.headers["content-type"].startswith("application/json")
    body = reply.json()
    assert body["code"] == code
    for word in words:
        assert word in body["message"]


def test_rest_calls_are_transcoded_to_the_tools_service(rest: httpx.Client) -> None:
    listed = rest.get("/v1/tools")
    assert listed.status_code == 200
    names = {tool["name"] for tool in listed.json()["tools"]}
    assert "unit_convert" in names

    called = rest.post("/v1/tools/unit_convert:call", json=CONVERT)
    assert called.status_code == 200, called.text
    body = called.json()
    assert body["ok"] is True
    assert body["result"]["value"] == pytest.approx(3.10686, rel=1e-4)
    assert "duration_ms" in body


def test_bad_requests_are_refused_with_json_errors(rest: httpx.Client) -> None:
    call = "/v1/tools/unit_convert:call"
    assert_rejected(rest.post(call, json={**CONVERT, "foo": 1}), 400, 3, "'foo'")
    nested = {"question": "q", "steps": [{"text": "a"}, {"text": "b", "bogus": True}]}
    assert_rejected(rest.post("/v1/verify", json=nested), 400, 3, "'steps[1].bogus'")
    malformed = rest.post(
        call, content=b'{"arguments": {', headers={"content-type": "application/json"}
    )
    assert_rejected(malformed, 400, 3, "malformed JSON")
    too_big = b'{"arguments": {"x": "' + b"a" * (3 * 1024 * 1024) + b'"}}'
    big = rest.post(call, content=too_big)
    assert big.status_code in (400, 413)
    assert_rejected(rest.post("/v1/tools/no_such_tool:call", json={}), 400, 3, "no_such_tool")
    assert_rejected(rest.get("/v1/nowhere"), 404, 5)


def test_plain_grpc_passes_through_the_gateway_port(mesh: LocalMesh) -> None:
    with grpc.insecure_channel(f"127.0.0.1:{mesh.gateway_port}") as channel:
        stub = tools_pb2_grpc.ToolServiceStub(channel)
        listed = stub.ListTools(tools_pb2.ListToolsRequest(), timeout=10)
        assert "unit_convert" in {tool.name for tool in listed.tools}
        with pytest.raises(grpc.RpcError) as failure:
            stub.CallTool(tools_pb2.CallToolRequest(name="no_such_tool"), timeout=10)
        assert failure.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_envoy_accepts_the_rendered_configuration(tmp_path) -> None:
    assert gateway.DEFAULT_DESCRIPTOR.exists(), "run `make protos` to generate the descriptor"
    config = tmp_path / "envoy.yaml"
    config.write_text(
        gateway.render_envoy_config(
            listen_host="127.0.0.1",
            listen_port=8080,
            admin_port=9901,
            upstreams={spec.name: (spec.name, spec.grpc_port) for spec in SERVICES},
        )
    )
    checked = subprocess.run(
        [envoy_binary(), "--mode", "validate", "-c", str(config)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
