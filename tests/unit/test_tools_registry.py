"""The tool registry: schemas in OpenAI function format and validation before running."""

import pytest

from svend.common.errors import InvalidArgumentError
from svend.tools.registry import ToolRegistry, ToolSpec
from svend.tools.symbolic import SYMBOLIC_MATH
from svend.tools.units import UnitConverter, unit_convert_tool


@pytest.fixture(scope="module")
def registry():
    return ToolRegistry([unit_convert_tool(UnitConverter()), SYMBOLIC_MATH])


def test_tools_are_sorted_and_schemas_are_closed_objects(registry):
    tools = registry.tools()
    assert [tool.name for tool in tools] == ["symbolic_math", "unit_convert"]
    for tool in tools:
        assert tool.parameters["type"] == "object"
        assert tool.parameters["additionalProperties"] is False
        assert set(tool.parameters["required"]) <= set(tool.parameters["properties"])
        assert "Result fields" in tool.description


def validation_message(registry, name, arguments):
    with pytest.raises(InvalidArgumentError) as error:
        registry.validate(name, arguments)
    return str(error.value)


def test_unknown_tool_lists_known_ones(registry):
    message = validation_message(registry, "foo", {})
    assert message == "name: unknown tool 'foo'; known tools: symbolic_math, unit_convert"


def test_wrong_type_names_the_argument(registry):
    arguments = {"value": "abc", "from_unit": "km", "to_unit": "mi"}
    message = validation_message(registry, "unit_convert", arguments)
    assert message == "arguments.value: 'abc' is not of type 'number'"


def test_missing_required_argument(registry):
    message = validation_message(registry, "unit_convert", {"value": 1.0, "from_unit": "km"})
    assert message == "arguments.to_unit: required argument is missing"


def test_unknown_argument(registry):
    arguments = {"operation": "solve", "expression": "x=1", "colour": "red"}
    message = validation_message(registry, "symbolic_math", arguments)
    assert message.startswith("arguments.colour: unknown argument; expected one of: ")


def test_nested_paths_and_enums(registry):
    arguments = {"operation": "solve", "expression": ["x=1", 2.0]}
    message = validation_message(registry, "symbolic_math", arguments)
    assert message == "arguments.expression[1]: 2.0 is not of type 'string'"
    message = validation_message(
        registry, "symbolic_math", {"operation": "prove", "expression": "x"}
    )
    assert message.startswith("arguments.operation: 'prove' is not one of")


def test_overlong_values_are_not_echoed_back_whole(registry):
    arguments = {"operation": "simplify", "expression": "x" * 100_000}
    message = validation_message(registry, "symbolic_math", arguments)
    assert message.startswith("arguments.expression: 'xxx")
    assert len(message) < 400


def test_integral_numbers_arrive_as_floats_and_still_count_as_integers(registry):
    arguments = {"operation": "diff", "expression": "x^3", "order": 2.0}
    assert registry.validate("symbolic_math", arguments) is SYMBOLIC_MATH
    message = validation_message(registry, "symbolic_math", {**arguments, "order": 1.5})
    assert message == "arguments.order: 1.5 is not of type 'integer'"


def test_bounds_come_in_pairs(registry):
    arguments = {"operation": "integrate", "expression": "x", "lower": 0.0}
    assert "upper" in validation_message(registry, "symbolic_math", arguments)


def test_duplicate_names_and_broken_schemas_are_refused():
    with pytest.raises(ValueError, match="registered twice"):
        ToolRegistry([SYMBOLIC_MATH, SYMBOLIC_MATH])
    with pytest.raises(Exception, match="is not valid"):
        ToolSpec("bad", "bad", {"type": "nonsense"}, dict, isolated=False)


def test_a_coroutine_tool_cannot_be_sent_to_a_worker_process():
    async def run(arguments):
        return {}

    schema = {"type": "object", "properties": {}, "additionalProperties": False}
    with pytest.raises(ValueError, match="coroutine"):
        ToolSpec(name="jail", description="", parameters=schema, function=run, isolated=True)
    assert ToolSpec(name="jail", description="", parameters=schema, function=run, isolated=False)


def test_unknown_nested_argument_is_named_at_its_own_level():
    schema = {
        "type": "object",
        "properties": {
            "variables": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"name": {"type": "string"}},
                    "additionalProperties": False,
                },
            }
        },
        "additionalProperties": False,
    }
    registry = ToolRegistry([ToolSpec("nested", "", schema, lambda arguments: {}, False)])
    message = validation_message(registry, "nested", {"variables": [{"name": "x", "step": 2}]})
    assert message.startswith("arguments.variables[0].step: unknown argument")
