"""The rendered Envoy configuration: routes, transcoder, clusters and the body allow-lists."""

from typing import Any

import pytest
import yaml

from svend import gateway
from svend.mesh import SERVICES
from svend.reasoner.v1 import reasoner_pb2
from svend.tools.v1 import tools_pb2
from svend.verifier.v1 import verifier_pb2

UPSTREAMS = {spec.name: ("10.0.0.1", 40000 + i) for i, spec in enumerate(SERVICES)}


@pytest.fixture(scope="module")
def config() -> dict[str, Any]:
    return yaml.safe_load(
        gateway.render_envoy_config(
            listen_host="127.0.0.1",
            listen_port=18080,
            admin_port=19901,
            upstreams=UPSTREAMS,
            descriptor_path="/some/svend.pb",
        )
    )


def connection_manager(config: dict[str, Any]) -> dict[str, Any]:
    (listener,) = config["static_resources"]["listeners"]
    (chain,) = listener["filter_chains"]
    (manager,) = chain["filters"]
    return manager["typed_config"]


def http_filter(config: dict[str, Any], name: str) -> dict[str, Any]:
    filters = {f["name"]: f["typed_config"] for f in connection_manager(config)["http_filters"]}
    return filters[name]


def routes(config: dict[str, Any]) -> list[dict[str, Any]]:
    (host,) = connection_manager(config)["route_config"]["virtual_hosts"]
    return host["routes"]


def test_listener_and_admin_addresses(config: dict[str, Any]) -> None:
    (listener,) = config["static_resources"]["listeners"]
    assert listener["address"]["socket_address"] == {"address": "127.0.0.1", "port_value": 18080}
    assert config["admin"]["address"]["socket_address"] == {
        "address": "127.0.0.1",
        "port_value": 19901,
    }


def test_transcoder_serves_every_service_with_the_api_options(config: dict[str, Any]) -> None:
    transcoder = http_filter(config, "envoy.filters.http.grpc_json_transcoder")
    assert transcoder["services"] == [spec.grpc_service for spec in SERVICES]
    assert transcoder["proto_descriptor"] == "/some/svend.pb"
    assert transcoder["convert_grpc_status"] is True
    assert transcoder["print_options"]["preserve_proto_field_names"] is True
    assert transcoder["print_options"]["always_print_primitive_fields"] is True
    assert transcoder["print_options"]["always_print_enums_as_ints"] is False
    assert transcoder["max_request_body_size"] == 2 * 1024 * 1024


def test_body_check_runs_before_the_transcoder_and_the_router_last(
    config: dict[str, Any],
) -> None:
    names = [f["name"] for f in connection_manager(config)["http_filters"]]
    assert names.index("envoy.filters.http.lua") < names.index(
        "envoy.filters.http.grpc_json_transcoder"
    )
    assert names[-1] == "envoy.filters.http.router"


def test_each_service_prefix_routes_to_its_cluster(config: dict[str, Any]) -> None:
    prefixes = {
        r["match"]["prefix"]: r["route"]["cluster"]
        for r in routes(config)
        if "route" in r and "prefix" in r["match"]
    }
    for spec in SERVICES:
        assert prefixes[f"/{spec.grpc_service}/"] == spec.name
    assert routes(config)[-1]["direct_response"]["status"] == 404


def test_retries_only_for_idempotent_calls_and_ask_gets_longer(config: dict[str, Any]) -> None:
    retried = {r["match"]["path"] for r in routes(config) if "retry_policy" in r.get("route", {})}
    assert retried == {
        "/svend.tools.v1.ToolService/ListTools",
        "/svend.safety.v1.SafetyService/CheckInput",
        "/svend.safety.v1.SafetyService/CheckOutput",
        "/svend.verifier.v1.VerifierService/Verify",
    }
    timeouts = {
        r["match"].get("path"): r["route"]["timeout"] for r in routes(config) if "route" in r
    }
    assert timeouts["/svend.router.v1.RouterService/Ask"] == "130s"
    assert timeouts[None] == "30s"


def test_clusters_speak_http2_to_each_upstream(config: dict[str, Any]) -> None:
    clusters = {c["name"]: c for c in config["static_resources"]["clusters"]}
    assert set(clusters) == set(UPSTREAMS)
    for name, (host, port) in UPSTREAMS.items():
        cluster = clusters[name]
        (endpoints,) = cluster["load_assignment"]["endpoints"]
        (endpoint,) = endpoints["lb_endpoints"]
        address = endpoint["endpoint"]["address"]["socket_address"]
        assert address == {"address": host, "port_value": port}
        options = cluster["typed_extension_protocol_options"]
        (protocol,) = options.values()
        assert "http2_protocol_options" in protocol["explicit_http_config"]


def test_a_missing_upstream_is_refused() -> None:
    with pytest.raises(ValueError, match="tools"):
        gateway.render_envoy_config(
            listen_host="127.0.0.1",
            listen_port=1,
            admin_port=2,
            upstreams={k: v for k, v in UPSTREAMS.items() if k != "tools"},
        )


def test_allow_lists_name_proto_and_json_names_and_nest_into_messages() -> None:
    schemas = gateway.request_schemas([verifier_pb2.VerifyRequest.DESCRIPTOR])
    verify = schemas["svend.verifier.v1.VerifyRequest"]
    assert set(verify) == {"question", "steps", "answer"}
    assert verify["steps"] == {
        "t": "list",
        "e": {"t": "msg", "m": "svend.common.v1.ReasoningStep"},
    }
    step = schemas["svend.common.v1.ReasoningStep"]
    assert {"tool_call", "toolCall", "tool_result", "toolResult", "text"} <= set(step)
    # Struct arguments take any keys: no allow-list below them.
    assert schemas["svend.common.v1.ToolCall"]["arguments"] is True
    assert "google.protobuf.Struct" not in schemas
    reason = gateway.request_schemas([reasoner_pb2.ReasonRequest.DESCRIPTOR])
    assert {"max_steps", "maxSteps"} <= set(reason["svend.reasoner.v1.ReasonRequest"])


def test_every_rest_route_with_a_body_is_checked() -> None:
    checked = {(verb, message.full_name) for verb, _, message in gateway.body_routes()}
    assert {
        ("POST", "svend.router.v1.AskRequest"),
        ("POST", "svend.tools.v1.CallToolRequest"),
        ("POST", "svend.safety.v1.CheckInputRequest"),
        ("POST", "svend.safety.v1.CheckOutputRequest"),
        ("POST", "svend.verifier.v1.VerifyRequest"),
        ("POST", "svend.reasoner.v1.ReasonRequest"),
    } <= checked
    assert tools_pb2.ListToolsRequest.DESCRIPTOR.full_name not in {m for _, m in checked}


@pytest.mark.parametrize(
    ("template", "pattern"),
    [
        ("/v1/tools/{name}:call", "^/v1/tools/[^/]+:call$"),
        ("/v1/ask", "^/v1/ask$"),
        ("/v1/a.b/{path=**}", "^/v1/a%.b/.+$"),
    ],
)
def test_lua_path_patterns(template: str, pattern: str) -> None:
    assert gateway.lua_path_pattern(template) == pattern


def test_body_check_carries_every_checked_message() -> None:
    source = gateway.body_check_lua()
    for _, pattern, message in gateway.body_routes():
        assert f'"{pattern}", "{message.full_name}"' in source
        assert f'["{message.full_name}"] = ' in source


def test_committed_configurations_equal_the_rendering() -> None:
    rendered = gateway.deployed_config()
    for path in gateway.COMMITTED_CONFIGS:
        assert path.read_text() == rendered, (
            f"{path} is stale: run `python -m svend.gateway --write`"
        )
