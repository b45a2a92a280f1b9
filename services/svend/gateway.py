"""Envoy configuration for the gateway: REST/JSON transcoding and gRPC passthrough on one port.

One function renders the whole configuration from the mesh table and the protos, so the local
launcher, compose and k8s run the same gateway. The transcoder drops unknown JSON fields
silently, so a Lua filter in front of it checks every REST body against an allow-list of field
names generated here from the request messages, and answers 400 naming the first unknown field.

`python -m svend.gateway --write` regenerates the committed renderings that compose and k8s use.
"""

import argparse
import importlib
import json
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from google.api import annotations_pb2, http_pb2
from google.protobuf.descriptor import Descriptor, FieldDescriptor, MethodDescriptor

from svend.mesh import GATEWAY_ADMIN_PORT, GATEWAY_PORT, SERVICES

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DESCRIPTOR = ROOT / "deploy" / "envoy" / "svend.pb"
# The committed renderings: compose's image bakes the first, k8s makes a ConfigMap of the second.
COMMITTED_CONFIGS = (
    ROOT / "deploy" / "envoy" / "envoy.yaml",
    ROOT / "k8s" / "base" / "envoy-config.yaml",
)
CONTAINER_DESCRIPTOR = "/etc/envoy/svend.pb"

MEBIBYTE = 1024 * 1024
MAX_REST_BODY_BYTES = 2 * MEBIBYTE
MAX_GRPC_MESSAGE_BYTES = 4 * MEBIBYTE
DEFAULT_TIMEOUT_S = 30
# Answering a question spans safety, reasoning and verification: it gets longer, a little more
# than the router's own deadline (120 s) so that the router's DEADLINE_EXCEEDED reaches the caller.
ROUTE_TIMEOUTS_S = {
    "svend.router.v1.RouterService.Ask": 130,
    "svend.router.v1.RouterService.AskStream": 130,
    "svend.reasoner.v1.ReasonerService.Reason": 120,
    "svend.reasoner.v1.ReasonerService.ReasonStream": 120,
    "svend.reasoner.v1.ReasonerService.Sample": 120,
}
# Calls without side effects that are safe to send twice.
IDEMPOTENT_METHODS = frozenset(
    {
        "svend.tools.v1.ToolService.ListTools",
        "svend.safety.v1.SafetyService.CheckInput",
        "svend.safety.v1.SafetyService.CheckOutput",
        "svend.verifier.v1.VerifierService.Verify",
    }
)
HTTP_VERBS = ("get", "put", "post", "delete", "patch")
# Envoy's own error replies to REST callers get the transcoder's {"code", "message"} shape,
# with the gRPC code that matches the HTTP status.
LOCAL_REPLY_GRPC_CODES = {
    400: 3,
    401: 16,
    403: 7,
    404: 5,
    408: 4,
    413: 8,
    429: 8,
    500: 13,
    501: 12,
    502: 14,
    503: 14,
    504: 4,
}
UNKNOWN_GRPC_CODE = 2
METADATA_NAMESPACE = "svend.gateway"
LUA_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
LUA_KEYWORDS = frozenset(
    {
        "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "if", "in",
        "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
    }
)  # fmt: skip
LUA_MAGIC = re.compile(r"([\^$()%.\[\]*+\-?])")
PATH_VARIABLE = re.compile(r"\{([^}=]+)(?:=([^}]*))?\}")

ACCESS_LOG_FORMAT = {
    "start_time": "%START_TIME%",
    "request_id": "%REQ(X-REQUEST-ID)%",
    "method": "%REQ(:METHOD)%",
    "path": "%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%",
    "protocol": "%PROTOCOL%",
    "status": "%RESPONSE_CODE%",
    "grpc_status": "%GRPC_STATUS%",
    "flags": "%RESPONSE_FLAGS%",
    "details": "%RESPONSE_CODE_DETAILS%",
    "bytes_in": "%BYTES_RECEIVED%",
    "bytes_out": "%BYTES_SENT%",
    "duration_ms": "%DURATION%",
    "upstream": "%UPSTREAM_CLUSTER%",
    "upstream_host": "%UPSTREAM_HOST%",
    "client": "%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%",
    "user_agent": "%REQ(USER-AGENT)%",
}

# Runs before the transcoder. The constants, ROUTES and MESSAGES are prepended by body_check_lua().
# A kind is true (any JSON value), {t="msg", m=<message>}, {t="list", e=<kind>} or
# {t="map", v=<kind>}; MESSAGES[<message>][<json key>] is the kind of that field's value.
LUA_BODY_CHECK = r"""
local MAX_DEPTH = 64

local function reject(status, message)
  error({status = status, message = message}, 0)
end

local function malformed(what, at)
  reject(400, "malformed JSON in request body: " .. what .. " at byte " .. at)
end

local function skip(s, i)
  return s:find("[^ \t\r\n]", i) or #s + 1
end

local ESCAPES = {['"'] = '"', ["\\"] = "\\", ["/"] = "/", b = "\b", f = "\f", n = "\n",
  r = "\r", t = "\t"}

local function parse_string(s, i)
  local parts = {}
  local j = i + 1
  while true do
    local k = s:find('["\\%c]', j)
    if not k then malformed("unterminated string", i) end
    parts[#parts + 1] = s:sub(j, k - 1)
    local c = s:sub(k, k)
    if c == '"' then return table.concat(parts), k + 1 end
    if c ~= "\\" then malformed("control character in string", k) end
    local e = s:sub(k + 1, k + 1)
    if e == "u" then
      local hex = s:match("^%x%x%x%x", k + 2)
      if not hex then malformed("bad \\u escape", k) end
      local code = tonumber(hex, 16)
      parts[#parts + 1] = code < 128 and string.char(code) or "?"
      j = k + 6
    elseif ESCAPES[e] then
      parts[#parts + 1] = ESCAPES[e]
      j = k + 2
    else
      malformed("bad escape", k)
    end
  end
end

local parse_value

local function parse_object(s, i, kind, path, depth)
  local fields = type(kind) == "table" and kind.t == "msg" and MESSAGES[kind.m] or nil
  local values = type(kind) == "table" and kind.t == "map" and kind.v or true
  i = skip(s, i + 1)
  if s:sub(i, i) == "}" then return i + 1 end
  while true do
    if s:sub(i, i) ~= '"' then malformed("expected a field name", i) end
    local key
    key, i = parse_string(s, i)
    local where = path == "" and key or path .. "." .. key
    local child = values
    if fields then
      child = fields[key]
      if child == nil then reject(400, "unknown field '" .. where .. "' in request body") end
    end
    i = skip(s, i)
    if s:sub(i, i) ~= ":" then malformed("expected ':'", i) end
    i = skip(s, parse_value(s, i + 1, child, where, depth + 1))
    local c = s:sub(i, i)
    if c == "}" then return i + 1 end
    if c ~= "," then malformed("expected ',' or '}'", i) end
    i = skip(s, i + 1)
  end
end

local function parse_array(s, i, kind, path, depth)
  local element = type(kind) == "table" and kind.t == "list" and kind.e or true
  i = skip(s, i + 1)
  if s:sub(i, i) == "]" then return i + 1 end
  local index = 0
  while true do
    i = skip(s, parse_value(s, i, element, path .. "[" .. index .. "]", depth + 1))
    local c = s:sub(i, i)
    if c == "]" then return i + 1 end
    if c ~= "," then malformed("expected ',' or ']'", i) end
    i = i + 1
    index = index + 1
  end
end

parse_value = function(s, i, kind, path, depth)
  if depth > MAX_DEPTH then reject(400, "request body is nested too deeply") end
  i = skip(s, i)
  local c = s:sub(i, i)
  if c == "{" then return parse_object(s, i, kind, path, depth) end
  if c == "[" then return parse_array(s, i, kind, path, depth) end
  if c == '"' then
    local _, after = parse_string(s, i)
    return after
  end
  for _, literal in ipairs({"true", "false", "null"}) do
    if s:sub(i, i + #literal - 1) == literal then return i + #literal end
  end
  local number = s:match("^-?%d+%.?%d*[eE]?[-+]?%d*", i)
  if number then return i + #number end
  malformed("unexpected character", i)
end

local function check_body(text, message)
  local i = skip(text, 1)
  if i > #text then return end
  if text:sub(i, i) ~= "{" then reject(400, "request body must be a JSON object") end
  i = skip(text, parse_value(text, i, {t = "msg", m = message}, "", 0))
  if i <= #text then malformed("trailing characters", i) end
end

local function request_message(headers)
  local method = headers:get(":method")
  local path = (headers:get(":path") or ""):gsub("%?.*$", "")
  for _, route in ipairs(ROUTES) do
    if route[1] == method and path:find(route[2]) then return route[3] end
  end
  return nil
end

function envoy_on_request(handle)
  local headers = handle:headers()
  if (headers:get("content-type") or ""):find("^application/grpc") then return end
  handle:streamInfo():dynamicMetadata():set(METADATA_NAMESPACE, "rest", true)
  local message = request_message(headers)
  if message == nil then return end
  local length = tonumber(headers:get("content-length") or "")
  local ok, err
  if length and length > MAX_BODY_BYTES then
    ok, err = false, {status = 413, message = "request body exceeds " .. MAX_BODY_BYTES .. " bytes"}
  else
    local body = handle:body()
    if body == nil then return end
    ok, err = pcall(check_body, body:getBytes(0, body:length()), message)
  end
  if ok then return end
  if type(err) ~= "table" then
    handle:logErr("request body check failed: " .. tostring(err))
    err = {status = 500, message = "internal error"}
  end
  handle:respond({[":status"] = tostring(err.status)}, err.message)
end
"""


class _LiteralDumper(yaml.SafeDumper):
    """Writes multi-line strings (the Lua source) as YAML literal blocks, readable in the file."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_LiteralDumper.add_representer(str, _represent_str)


def grpc_services() -> dict[str, Any]:
    """The service descriptors of every mesh service, from the generated *_pb2 modules."""
    found = {}
    for spec in SERVICES:
        module = importlib.import_module(f"svend.{spec.name}.v1.{spec.name}_pb2")
        short_name = spec.grpc_service.rsplit(".", 1)[1]
        found[spec.name] = module.DESCRIPTOR.services_by_name[short_name]
    return found


def http_bindings(method: MethodDescriptor) -> list[http_pb2.HttpRule]:
    """The google.api.http rule of a method and its additional bindings."""
    options = method.GetOptions()
    if not options.HasExtension(annotations_pb2.http):
        return []
    rule = options.Extensions[annotations_pb2.http]
    return [rule, *rule.additional_bindings]


def lua_path_pattern(template: str) -> str:
    """A Lua pattern matching the request paths of an http rule template like /v1/x/{name}:call."""
    parts = []
    last = 0
    for variable in PATH_VARIABLE.finditer(template):
        parts.append(LUA_MAGIC.sub(r"%\1", template[last : variable.start()]))
        parts.append(".+" if variable.group(2) and "**" in variable.group(2) else "[^/]+")
        last = variable.end()
    parts.append(LUA_MAGIC.sub(r"%\1", template[last:]))
    return "^" + "".join(parts) + "$"


def _is_checked_message(descriptor: Descriptor) -> bool:
    """Well-known types have their own JSON forms (Struct, Duration...); their keys are free."""
    return not descriptor.full_name.startswith("google.protobuf.")


def _field_kind(field: FieldDescriptor) -> Any:
    message = field.message_type
    if message is not None and message.GetOptions().map_entry:
        value_kind = _field_kind(message.fields_by_name["value"])
        return {"t": "map", "v": value_kind} if value_kind is not True else True
    element: Any = True
    if message is not None and _is_checked_message(message):
        element = {"t": "msg", "m": message.full_name}
    if field.is_repeated and element is not True:
        return {"t": "list", "e": element}
    return element


def request_schemas(roots: list[Descriptor]) -> dict[str, dict[str, Any]]:
    """Allowed JSON keys (proto and lowerCamel names) of each message reachable from roots."""
    schemas: dict[str, dict[str, Any]] = {}
    pending = list(roots)
    while pending:
        message = pending.pop()
        if message.full_name in schemas:
            continue
        fields: dict[str, Any] = {}
        for field in message.fields:
            kind = _field_kind(field)
            fields[field.name] = kind
            fields[field.json_name] = kind
            nested = field.message_type
            if nested is not None and nested.GetOptions().map_entry:
                nested = nested.fields_by_name["value"].message_type
            if nested is not None and _is_checked_message(nested):
                pending.append(nested)
        schemas[message.full_name] = fields
    return schemas


def body_routes() -> list[tuple[str, str, Descriptor]]:
    """(HTTP method, Lua path pattern, body message) for every REST route that takes a body."""
    routes = []
    for service in grpc_services().values():
        for method in service.methods:
            for rule in http_bindings(method):
                verb = rule.WhichOneof("pattern")
                if verb not in HTTP_VERBS or not rule.body:
                    continue
                body = method.input_type
                if rule.body != "*":
                    body = body.fields_by_name[rule.body].message_type
                routes.append((verb.upper(), lua_path_pattern(getattr(rule, verb)), body))
    return routes


def _lua_literal(value: Any) -> str:
    if value is True:
        return "true"
    if isinstance(value, str):
        if not value.isascii():
            raise ValueError(f"non-ASCII name in the API: {value!r}")
        return json.dumps(value)
    if isinstance(value, list | tuple):
        return "{" + ", ".join(_lua_literal(item) for item in value) + "}"
    items = ", ".join(f"{_lua_key(k)} = {_lua_literal(v)}" for k, v in value.items())
    return "{" + items + "}"


def _lua_key(key: str) -> str:
    if LUA_IDENTIFIER.match(key) and key not in LUA_KEYWORDS:
        return key
    return f"[{_lua_literal(key)}]"


def body_check_lua() -> str:
    """The Lua filter source with the route table and field allow-lists filled in."""
    routes = body_routes()
    schemas = request_schemas([message for _, _, message in routes])
    header = [
        f"local MAX_BODY_BYTES = {MAX_REST_BODY_BYTES}",
        f"local METADATA_NAMESPACE = {_lua_literal(METADATA_NAMESPACE)}",
        "local ROUTES = {",
        *(f"  {_lua_literal([v, p, m.full_name])}," for v, p, m in routes),
        "}",
        "local MESSAGES = {",
        *(f"  [{_lua_literal(name)}] = {_lua_literal(schemas[name])}," for name in sorted(schemas)),
        "}",
    ]
    return "\n".join(header) + "\n" + LUA_BODY_CHECK.lstrip("\n")


def _route(match: dict[str, Any], cluster: str, full_method: str | None) -> dict[str, Any]:
    timeout = ROUTE_TIMEOUTS_S.get(full_method or "", DEFAULT_TIMEOUT_S)
    action: dict[str, Any] = {
        "cluster": cluster,
        "timeout": f"{timeout}s",
        # A client's grpc-timeout is honoured up to the route's own limit.
        "max_stream_duration": {"grpc_timeout_header_max": f"{timeout}s"},
    }
    if full_method in IDEMPOTENT_METHODS:
        action["retry_policy"] = {
            "retry_on": "unavailable,reset,connect-failure",
            "num_retries": 2,
        }
    return {"match": {**match, "grpc": {}}, "route": action}


def grpc_routes() -> list[dict[str, Any]]:
    """Routes on gRPC paths; transcoded REST requests are matched again after the rewrite."""
    routes = []
    for name, service in grpc_services().items():
        for method in service.methods:
            if method.full_name in ROUTE_TIMEOUTS_S or method.full_name in IDEMPOTENT_METHODS:
                path = f"/{service.full_name}/{method.name}"
                routes.append(_route({"path": path}, name, method.full_name))
        routes.append(_route({"prefix": f"/{service.full_name}/"}, name, None))
    routes.append(
        {
            "match": {"prefix": "/"},
            "direct_response": {"status": 404, "body": {"inline_string": "no such route"}},
        }
    )
    return routes


def _local_reply_mapper(status_filter: dict[str, Any], grpc_code: int) -> dict[str, Any]:
    # The Lua filter marks requests that arrived as REST (the transcoder then rewrites them).
    rest = {
        "matcher": {
            "filter": METADATA_NAMESPACE,
            "path": [{"key": "rest"}],
            "value": {"bool_match": True},
        },
        "match_if_key_not_found": False,
    }
    return {
        "filter": {
            "and_filter": {
                "filters": [{"status_code_filter": status_filter}, {"metadata_filter": rest}]
            }
        },
        "body_format_override": {
            "json_format": {"code": grpc_code, "message": "%LOCAL_REPLY_BODY%"},
        },
    }


def _status_filter(op: str, status: int) -> dict[str, Any]:
    value = {"default_value": status, "runtime_key": f"svend.local_reply.{op.lower()}_{status}"}
    return {"comparison": {"op": op, "value": value}}


def local_reply_config() -> dict[str, Any]:
    """JSON error bodies for Envoy's own replies to REST callers (gRPC callers get trailers)."""
    mappers = [
        _local_reply_mapper(_status_filter("EQ", status), code)
        for status, code in LOCAL_REPLY_GRPC_CODES.items()
    ]
    mappers.append(_local_reply_mapper(_status_filter("GE", 400), UNKNOWN_GRPC_CODE))
    return {"mappers": mappers}


def _type_url(message: str) -> str:
    return f"type.googleapis.com/{message}"


def _cluster(name: str, host: str, port: int) -> dict[str, Any]:
    return {
        "name": name,
        "type": "STRICT_DNS",
        "dns_lookup_family": "V4_PREFERRED",
        "connect_timeout": "2s",
        "lb_policy": "ROUND_ROBIN",
        "typed_extension_protocol_options": {
            "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": {
                "@type": _type_url("envoy.extensions.upstreams.http.v3.HttpProtocolOptions"),
                "explicit_http_config": {"http2_protocol_options": {}},
            }
        },
        "load_assignment": {
            "cluster_name": name,
            "endpoints": [
                {
                    "lb_endpoints": [
                        {"endpoint": {"address": {"socket_address": _address(host, port)}}}
                    ]
                }
            ],
        },
    }


def _address(host: str, port: int) -> dict[str, Any]:
    return {"address": host, "port_value": port}


def _http_filters(descriptor_path: str, services: list[str]) -> list[dict[str, Any]]:
    return [
        {
            "name": "envoy.filters.http.health_check",
            "typed_config": {
                "@type": _type_url("envoy.extensions.filters.http.health_check.v3.HealthCheck"),
                "pass_through_mode": False,
                "headers": [{"name": ":path", "string_match": {"exact": "/healthz"}}],
            },
        },
        {
            "name": "envoy.filters.http.lua",
            "typed_config": {
                "@type": _type_url("envoy.extensions.filters.http.lua.v3.Lua"),
                "default_source_code": {"inline_string": body_check_lua()},
            },
        },
        {
            "name": "envoy.filters.http.grpc_json_transcoder",
            "typed_config": {
                "@type": _type_url(
                    "envoy.extensions.filters.http.grpc_json_transcoder.v3.GrpcJsonTranscoder"
                ),
                "proto_descriptor": descriptor_path,
                "services": services,
                "print_options": {
                    "add_whitespace": False,
                    "always_print_primitive_fields": True,
                    "always_print_enums_as_ints": False,
                    "preserve_proto_field_names": True,
                    "stream_newline_delimited": True,
                },
                "convert_grpc_status": True,
                "request_validation_options": {
                    "reject_unknown_query_parameters": True,
                    "reject_binding_body_field_collisions": True,
                },
                "max_request_body_size": MAX_REST_BODY_BYTES,
                "max_response_body_size": MAX_GRPC_MESSAGE_BYTES,
            },
        },
        {
            "name": "envoy.filters.http.router",
            "typed_config": {"@type": _type_url("envoy.extensions.filters.http.router.v3.Router")},
        },
    ]


def render_envoy_config(
    *,
    listen_host: str,
    listen_port: int,
    admin_port: int,
    upstreams: Mapping[str, tuple[str, int]],
    descriptor_path: str | None = None,
) -> str:
    """Envoy's YAML: one listener for REST (transcoded) and gRPC, one http2 cluster per service."""
    services = grpc_services()
    missing = sorted(set(services) - set(upstreams))
    if missing:
        raise ValueError(f"no upstream address for: {', '.join(missing)}")
    manager = {
        "@type": _type_url(
            "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager"
        ),
        "stat_prefix": "svend",
        "codec_type": "AUTO",
        "use_remote_address": True,
        "normalize_path": True,
        "merge_slashes": True,
        "generate_request_id": True,
        "common_http_protocol_options": {"idle_timeout": "300s"},
        "http2_protocol_options": {"max_concurrent_streams": 256},
        "access_log": [
            {
                "name": "envoy.access_loggers.stdout",
                "typed_config": {
                    "@type": _type_url("envoy.extensions.access_loggers.stream.v3.StdoutAccessLog"),
                    "log_format": {"json_format": ACCESS_LOG_FORMAT},
                },
            }
        ],
        "local_reply_config": local_reply_config(),
        "route_config": {
            "name": "svend",
            "virtual_hosts": [{"name": "svend", "domains": ["*"], "routes": grpc_routes()}],
        },
        "http_filters": _http_filters(
            descriptor_path or str(DEFAULT_DESCRIPTOR),
            [service.full_name for service in services.values()],
        ),
    }
    config = {
        "admin": {"address": {"socket_address": _address("127.0.0.1", admin_port)}},
        "static_resources": {
            "listeners": [
                {
                    "name": "svend",
                    "address": {"socket_address": _address(listen_host, listen_port)},
                    # Bounds what Envoy buffers per request (REST bodies are checked whole).
                    "per_connection_buffer_limit_bytes": MAX_GRPC_MESSAGE_BYTES,
                    "filter_chains": [
                        {
                            "filters": [
                                {
                                    "name": "envoy.filters.network.http_connection_manager",
                                    "typed_config": manager,
                                }
                            ]
                        }
                    ],
                }
            ],
            "clusters": [_cluster(name, *upstreams[name]) for name in services],
        },
    }
    header = "# Rendered by svend.gateway.render_envoy_config; do not edit by hand.\n"
    return header + yaml.dump(config, Dumper=_LiteralDumper, sort_keys=False, width=100)


def deployed_config() -> str:
    """The rendering for compose and k8s: services by name on their default ports."""
    return render_envoy_config(
        listen_host="0.0.0.0",
        listen_port=GATEWAY_PORT,
        admin_port=GATEWAY_ADMIN_PORT,
        upstreams={spec.name: (spec.name, spec.grpc_port) for spec in SERVICES},
        descriptor_path=CONTAINER_DESCRIPTOR,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    targets = ", ".join(str(path.relative_to(ROOT)) for path in COMMITTED_CONFIGS)
    parser.add_argument("--write", action="store_true", help=f"write {targets}")
    args = parser.parse_args(argv)
    config = deployed_config()
    if args.write:
        for path in COMMITTED_CONFIGS:
            path.write_text(config)
            print(f"wrote {path.relative_to(ROOT)}")
    else:
        sys.stdout.write(config)
    return 0


if __name__ == "__main__":
    sys.exit(main())
