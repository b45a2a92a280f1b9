"""unit_convert: Pint conversions, offset temperatures, aliases, readable text and errors."""

import re

import pytest

from svend.common.errors import InvalidArgumentError
from svend.tools.registry import FailureKind, ToolFailure, ToolRegistry
from svend.tools.units import UnitConverter, parse_unit, unit_convert_tool, unit_registry


@pytest.fixture(scope="module")
def converter():
    return UnitConverter()


def test_kilometres_to_miles(converter):
    result = converter({"value": 5, "from_unit": "km", "to_unit": "mi"})
    assert result["value"] == pytest.approx(3.10686, abs=1e-5)
    assert result["unit"] == "mile"
    assert result["symbol"] == "mi"
    assert result["text"] == "3.10686 mi"


def test_temperature_text_uses_degree_signs(converter):
    result = converter.convert(212, "degF", "degC")
    assert result["unit"] == "degree_Celsius"
    assert result["symbol"] == "°C"
    assert result["text"] == "100 °C"
    assert converter.convert(100, "degC", "degF")["text"] == "212 °F"


def test_compound_symbols_are_pretty(converter):
    assert converter.convert(1, "ft/s^2", "m/s^2")["symbol"] == "m/s²"
    assert converter.convert(1, "kohm", "ohm")["text"] == "1000 Ω"


@pytest.mark.parametrize(
    ("value", "source", "target", "expected"),
    [
        (212, "degF", "degC", 100.0),
        (41, "°F", "°C", 5.0),
        (-40, "fahrenheit", "celsius", -40.0),
        (0, "degC", "K", 273.15),
        (100, "degrees Celsius", "degrees Fahrenheit", 212.0),
        (300, "kelvin", "degF", 80.33),
        (10, "delta_degC", "delta_degF", 18.0),
    ],
)
def test_offset_temperatures(converter, value, source, target, expected):
    result = converter.convert(value, source, target)
    assert result["value"] == pytest.approx(expected, abs=1e-9)


def test_aliases_and_compound_units(converter):
    assert converter.convert(2, "miles", "km")["value"] == pytest.approx(3.218688)
    assert converter.convert(36, "km/h", "m/s")["value"] == pytest.approx(10.0)
    assert converter.convert(1, "kWh", "J")["value"] == pytest.approx(3.6e6)
    assert converter.convert(1, "m/s^2", "ft/s**2")["value"] == pytest.approx(3.2808399)
    # Celsius inside a compound unit is a temperature difference: 1 J/(g·°C) = 1000 J/(kg·K).
    assert converter.convert(1, "J/(g*degC)", "J/(kg*K)")["value"] == pytest.approx(1000.0)


def test_dimension_mismatch_is_explained_in_words(converter):
    with pytest.raises(ToolFailure) as failure:
        converter.convert(1, "meter", "second")
    assert failure.value.kind is FailureKind.EXECUTION_FAILED
    assert failure.value.message == "cannot convert meter (a length) to second (a time)"


@pytest.mark.parametrize(
    ("source", "target", "message"),
    [
        ("J", "W", "cannot convert joule (an energy) to watt (a power)"),
        ("km/h", "kg", "cannot convert kilometer / hour (a speed) to kilogram (a mass)"),
        ("psi", "N", "pound_force_per_square_inch (a pressure) to newton (a force)"),
        ("m*s", "m", "meter * second (dimension length * time) to meter (a length)"),
        ("percent", "s", "cannot convert percent (a pure number) to second (a time)"),
    ],
)
def test_dimension_words(converter, source, target, message):
    with pytest.raises(ToolFailure, match=re.escape(message)):
        converter.convert(1, source, target)


def test_unknown_unit_names_the_argument(converter):
    with pytest.raises(ToolFailure) as failure:
        converter.convert(1, "m", "florps")
    assert failure.value.kind is FailureKind.INVALID_ARGUMENTS
    assert failure.value.message == "to_unit: unknown unit 'florps' in 'florps'"


def test_scaled_unit_expression_is_refused(converter):
    with pytest.raises(ToolFailure, match=r"^from_unit: cannot read"):
        converter.convert(1, "2 m", "ft")


@pytest.mark.parametrize("text", ["m**9**9**9", "m**(9**9**9)", "((9**99)**99)**99*m", "km**1000"])
def test_huge_powers_are_refused_before_pint_computes_them(text):
    # Pint would evaluate these with Python integers of hundreds of millions of digits.
    with pytest.raises(ToolFailure) as failure:
        parse_unit(text, "from_unit")
    assert failure.value.kind is FailureKind.INVALID_ARGUMENTS
    assert failure.value.message == f"from_unit: the numbers or powers in {text!r} are out of range"


@pytest.mark.parametrize("text", ["(", "m +* s", "1/0*m"])
def test_malformed_unit_text_is_refused(text):
    with pytest.raises(ToolFailure, match=r"^to_unit: "):
        parse_unit(text, "to_unit")


def test_non_finite_value_is_refused(converter):
    with pytest.raises(ToolFailure, match=r"^value: must be a finite number$"):
        converter.convert(float("inf"), "m", "ft")


def test_one_registry_per_process(converter):
    assert converter.registry is unit_registry()
    assert UnitConverter().registry is converter.registry


def test_schema_rejects_long_units_and_extra_fields(converter):
    registry = ToolRegistry([unit_convert_tool(converter)])
    with pytest.raises(InvalidArgumentError) as error:
        registry.validate("unit_convert", {"value": 1, "from_unit": "m" * 101, "to_unit": "ft"})
    assert error.value.field == "arguments.from_unit"
    with pytest.raises(InvalidArgumentError) as error:
        registry.validate(
            "unit_convert", {"value": 1, "from_unit": "m", "to_unit": "ft", "precision": 3}
        )
    assert error.value.field == "arguments.precision"
