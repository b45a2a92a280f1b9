"""The tools service as a real process, called over gRPC through the shared ToolsClient."""

import grpc
import httpx
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from svend.common.clients import ToolsClient, from_struct
from svend.common.v1 import tool_pb2

TOOL_NAMES = [
    "circuits",
    "execute_python",
    "functional_groups",
    "kinematics",
    "logic_solver",
    "molecular_structure",
    "molecular_weight",
    "ph",
    "plot",
    "reaction_balance",
    "stoichiometry",
    "symbolic_math",
    "thermodynamics",
    "unit_convert",
]
# Short enough that the timeout case ends quickly, long enough for every other call here.
TIMEOUT_ENV = {"SVEND_TOOLS_TIMEOUT_SECONDS": "2"}


@pytest.fixture
def mesh(start_mesh):
    return start_mesh(["tools"], extra_env=TIMEOUT_ENV)


@pytest.fixture
async def tools(mesh):
    client = ToolsClient(mesh.endpoints["tools"].address)
    yield client
    await client.close()


async def call_ok(client, name, arguments):
    reply = await client.call_tool(name, arguments)
    assert reply.ok, reply.error.message
    assert reply.duration_ms > 0
    return from_struct(reply.result)


async def test_list_tools_in_function_format(tools):
    reply = await tools.list_tools()
    assert [tool.name for tool in reply.tools] == TOOL_NAMES
    schemas = {tool.name: from_struct(tool.parameters_schema) for tool in reply.tools}
    assert schemas["unit_convert"]["required"] == ["value", "from_unit", "to_unit"]
    assert schemas["unit_convert"]["additionalProperties"] is False
    operations = set(schemas["symbolic_math"]["properties"]["operation"]["enum"])
    assert {"solve", "integrate", "limit", "series", "eigenvalues", "factorint"} <= operations
    assert all(schema["additionalProperties"] is False for schema in schemas.values())
    assert all(tool.description for tool in reply.tools)


async def test_call_each_tool(mesh, tools):
    solved = await call_ok(
        tools, "symbolic_math", {"operation": "solve", "expression": "x^2-5x+6=0"}
    )
    assert solved["solutions"] == ["2", "3"]
    assert solved["numeric"] == [2.0, 3.0]
    integral = await call_ok(
        tools,
        "symbolic_math",
        {"operation": "integrate", "expression": "x^2", "lower": 0, "upper": 3},
    )
    assert integral["numeric"] == 9.0
    derivative = await call_ok(
        tools, "symbolic_math", {"operation": "diff", "expression": "x^3", "order": 2}
    )
    assert derivative["result"] == "6*x"
    miles = await call_ok(tools, "unit_convert", {"value": 5, "from_unit": "km", "to_unit": "mi"})
    assert miles["value"] == pytest.approx(3.10686, abs=1e-5)
    celsius = await call_ok(
        tools, "unit_convert", {"value": 212, "from_unit": "degF", "to_unit": "degC"}
    )
    assert celsius["value"] == pytest.approx(100.0)
    system = await call_ok(
        tools, "symbolic_math", {"operation": "solve", "expression": ["x+y=3", "x-y=1"]}
    )
    assert system["solutions"] == [{"x": "2", "y": "1"}]

    metrics_url = f"http://{mesh.endpoints['tools'].host}:{mesh.endpoints['tools'].metrics_port}"
    async with httpx.AsyncClient() as http:
        metrics = (await http.get(f"{metrics_url}/metrics")).text
    assert 'svend_tools_call_seconds_count{outcome="ok",tool="unit_convert"} 2.0' in metrics


BAD_CALLS = [
    (
        "foo",
        {},
        f"name: unknown tool 'foo'; known tools: {', '.join(TOOL_NAMES)}",
    ),
    (
        "unit_convert",
        {"value": "abc", "from_unit": "km", "to_unit": "mi"},
        "arguments.value: 'abc' is not of type 'number'",
    ),
    (
        "unit_convert",
        {"value": 1, "from_unit": "km"},
        "arguments.to_unit: required argument is missing",
    ),
    ("symbolic_math", {"operation": "solve"}, "arguments.expression: required argument is missing"),
    (
        "symbolic_math",
        {"operation": "solve", "expression": "x=1", "colour": "red"},
        "arguments.colour: unknown argument; expected one of: "
        "direction, expression, input_format, integer, integers, lower, matrix, operation, "
        "order, point, precision, upper, variable, vector",
    ),
]


async def test_bad_arguments_are_invalid_argument_and_service_stays_up(tools):
    for name, arguments, message in BAD_CALLS:
        with pytest.raises(grpc.aio.AioRpcError) as error:
            await tools.call_tool(name, arguments)
        assert error.value.code() is grpc.StatusCode.INVALID_ARGUMENT
        assert error.value.details() == message
        solved = await call_ok(tools, "symbolic_math", {"operation": "solve", "expression": "2x=8"})
        assert solved["solutions"] == ["4"]


async def test_tool_failures_and_timeouts_are_results_not_rpc_errors(tools):
    reply = await tools.call_tool(
        "unit_convert", {"value": 1, "from_unit": "meter", "to_unit": "second"}
    )
    assert not reply.ok
    assert reply.error.code == tool_pb2.TOOL_ERROR_CODE_EXECUTION_FAILED
    assert reply.error.message == "cannot convert meter (a length) to second (a time)"
    assert not reply.HasField("result")

    reply = await tools.call_tool(
        "symbolic_math", {"operation": "simplify", "expression": "__import__('os').system('id')"}
    )
    assert not reply.ok
    assert reply.error.code == tool_pb2.TOOL_ERROR_CODE_INVALID_ARGUMENTS
    assert reply.error.message.startswith("expression: characters not allowed")

    # A runaway computation is stopped at the time limit and its worker replaced.
    reply = await tools.call_tool("symbolic_math", {"operation": "simplify", "expression": "9^9^9"})
    assert not reply.ok
    assert reply.error.code == tool_pb2.TOOL_ERROR_CODE_TIMEOUT
    assert "did not finish within 2 seconds" in reply.error.message
    solved = await call_ok(tools, "symbolic_math", {"operation": "factor", "expression": "x^2-1"})
    assert solved["result"] == "(x - 1)*(x + 1)"
    health = health_pb2_grpc.HealthStub(tools.channel)
    status = await health.Check(health_pb2.HealthCheckRequest(service="svend.tools.v1.ToolService"))
    assert status.status == health_pb2.HealthCheckResponse.SERVING
