"""unit_convert: physical unit conversion with Pint.

Runs inline: one UnitRegistry is loaded at build time, a conversion takes well under a
millisecond, and Pint parses unit names with its own tokenizer (no eval), so this tool sits on
the router's quick path without a worker process.
"""

import math
import re
from collections.abc import Mapping
from typing import Any

import pint

from svend.tools.registry import FailureKind, ToolFailure, ToolSpec

NAME = "unit_convert"
MAX_UNIT_CHARS = 100
# Significant digits kept: enough for any physical constant, few enough to hide float noise
# such as 41 degF -> 4.999999999999943 degC.
SIGNIFICANT_DIGITS = 12

DESCRIPTION = """\
Convert a quantity between physical units with Pint, e.g. value=5, from_unit="km", \
to_unit="mi". Units are names, plurals or symbols ("kilometer", "miles", "km/h", "m/s^2", \
"kWh", "psi"); temperatures are absolute scales handled with their offsets ("degF", "degC", \
"K", "fahrenheit", "celsius", "°F"; note that a bare "F" is farad and "C" is coulomb); \
"delta_degC" is a temperature difference.
Result fields: value (the converted number), unit (the target unit's full name, e.g. \
"mile"), symbol (its short form, e.g. "mi"), text (the converted quantity to 6 significant \
digits, e.g. "3.10686 mile"). \
Converting between different dimensions (meter to second) fails with an explanation."""

PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "value": {"type": "number", "description": "The magnitude to convert, e.g. 5."},
        "from_unit": {
            "type": "string",
            "minLength": 1,
            "maxLength": MAX_UNIT_CHARS,
            "description": 'The unit of value, e.g. "km" or "degF".',
        },
        "to_unit": {
            "type": "string",
            "minLength": 1,
            "maxLength": MAX_UNIT_CHARS,
            "description": 'The unit to convert to, e.g. "mi" or "degC".',
        },
    },
    "required": ["value", "from_unit", "to_unit"],
    "additionalProperties": False,
}

# "degrees Fahrenheit", "deg C": spelled-out temperature scales Pint reads as two units.
SPELLED_TEMPERATURE = re.compile(
    r"\bdeg(?:ree)?s?\s*(?:(F|fahrenheit)|(C|celsius))\b", re.IGNORECASE
)


def normalize_unit(text: str) -> str:
    """Map common spellings Pint does not know onto its names."""
    return SPELLED_TEMPERATURE.sub(lambda match: "degF" if match.group(1) else "degC", text.strip())


def dimension_words(dimensionality: object) -> str:
    """Pint's "[length] / [time]" as "length / time"."""
    return str(dimensionality).replace("[", "").replace("]", "")


def rounded(value: float) -> float:
    return float(f"{value:.{SIGNIFICANT_DIGITS}g}")


class UnitConverter:
    """Conversions against one UnitRegistry, loaded once because loading takes ~0.1 s."""

    def __init__(self) -> None:
        self.registry = pint.UnitRegistry()

    def parse_unit(self, text: str, field: str) -> pint.Unit:
        try:
            return self.registry.parse_units(normalize_unit(text))
        except pint.UndefinedUnitError as error:
            names = ", ".join(repr(name) for name in error.unit_names)
            raise ToolFailure(
                FailureKind.INVALID_ARGUMENTS, f"{field}: unknown unit {names} in {text!r}"
            ) from None
        except (pint.PintError, ValueError, TypeError, SyntaxError, AttributeError) as error:
            raise ToolFailure(
                FailureKind.INVALID_ARGUMENTS, f"{field}: cannot read {text!r} as a unit ({error})"
            ) from None

    def convert(self, value: float, from_unit: str, to_unit: str) -> dict[str, Any]:
        """Convert value from one unit to another, offsets (°F ↔ °C) included."""
        if not math.isfinite(value):
            raise ToolFailure(FailureKind.INVALID_ARGUMENTS, "value: must be a finite number")
        source = self.parse_unit(from_unit, "from_unit")
        target = self.parse_unit(to_unit, "to_unit")
        quantity = self.registry.Quantity(value, source)
        try:
            converted = quantity.to(target)
        except pint.DimensionalityError as error:
            raise ToolFailure(
                FailureKind.EXECUTION_FAILED,
                f"cannot convert {source} to {target}: {dimension_words(error.dim1)} vs "
                f"{dimension_words(error.dim2)}",
            ) from None
        except pint.PintError as error:
            raise ToolFailure(
                FailureKind.EXECUTION_FAILED, f"cannot convert {source} to {target}: {error}"
            ) from None
        magnitude = float(converted.magnitude)
        if not math.isfinite(magnitude):
            raise ToolFailure(FailureKind.EXECUTION_FAILED, "the converted value is not finite")
        return {
            "value": rounded(magnitude),
            "unit": str(target),
            "symbol": f"{target:~P}",
            "text": f"{magnitude:.6g} {target}",
        }

    def __call__(self, arguments: Mapping[str, Any]) -> dict[str, Any]:
        return self.convert(float(arguments["value"]), arguments["from_unit"], arguments["to_unit"])


def unit_convert_tool(converter: UnitConverter) -> ToolSpec:
    """The unit_convert tool over a loaded converter."""
    return ToolSpec(
        name=NAME,
        description=DESCRIPTION,
        parameters=PARAMETERS,
        function=converter,
        isolated=False,
    )
