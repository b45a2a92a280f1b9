"""unit_convert: Pint conversions, offset temperatures, aliases and dimension errors."""

import pytest

from svend.tools.registry import FailureKind, ToolFailure
from svend.tools.units import UnitConverter


@pytest.fixture(scope="module")
def converter():
    return UnitConverter()


def test_kilometres_to_miles(converter):
    result = converter({"value": 5, "from_unit": "km", "to_unit": "mi"})
    assert result["value"] == pytest.approx(3.10686, abs=1e-5)
    assert result["unit"] == "mile"
    assert result["symbol"] == "mi"
    assert result["text"] == "3.10686 mile"


@pytest.mark.parametrize(
    ("value", "source", "target", "expected"),
    [
        (212, "degF", "degC", 100.0),
        (41, "°F", "°C", 5.0),
        (-40, "fahrenheit", "celsius", -40.0),
        (0, "degC", "K", 273.15),
        (100, "degrees Celsius", "degrees Fahrenheit", 212.0),
        (300, "kelvin", "degF", 80.33),
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


def test_dimension_mismatch_is_explained(converter):
    with pytest.raises(ToolFailure) as failure:
        converter.convert(1, "meter", "second")
    assert failure.value.kind is FailureKind.EXECUTION_FAILED
    assert failure.value.message == "cannot convert meter to second: length vs time"


def test_unknown_unit_names_the_argument(converter):
    with pytest.raises(ToolFailure) as failure:
        converter.convert(1, "m", "florps")
    assert failure.value.kind is FailureKind.INVALID_ARGUMENTS
    assert failure.value.message == "to_unit: unknown unit 'florps' in 'florps'"


def test_scaled_unit_expression_is_refused(converter):
    with pytest.raises(ToolFailure, match=r"^from_unit: cannot read"):
        converter.convert(1, "2 m", "ft")
