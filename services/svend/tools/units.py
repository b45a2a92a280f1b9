"""unit_convert: physical unit conversion with Pint, and the process's one UnitRegistry.

Runs inline: the UnitRegistry is loaded once, a conversion takes well under a millisecond, and
unit text is parsed with Pint's own tokenizer (no eval) after a float pre-check that keeps
huge powers from stalling the event loop, so this tool sits on the router's quick path without a
worker process. The physics tools read their quantities through the same registry.
"""

import functools
import math
import operator
import re
import tokenize
from collections.abc import Callable, Mapping
from typing import Any

import pint
from pint.pint_eval import build_eval_tree, tokenizer
from pint.util import string_preprocessor

from svend.tools.registry import FailureKind, ToolFailure, ToolSpec

NAME = "unit_convert"
MAX_UNIT_CHARS = 100
# Significant digits kept: enough for any physical constant, few enough to hide float noise
# such as 41 degF -> 4.999999999999943 degC.
SIGNIFICANT_DIGITS = 12
# Stand-in magnitude of every unit name in the overflow pre-check: an exponent that overflows
# 10.0 ** n (n > 308) is far beyond any real unit and would overflow a conversion factor anyway.
UNIT_NAME_PROBE = 10.0

DESCRIPTION = """\
Convert a quantity between physical units with Pint, e.g. value=5, from_unit="km", \
to_unit="mi". Units are names, plurals or symbols ("kilometer", "miles", "km/h", "m/s^2", \
"kWh", "psi", "J/(g*degC)"); temperatures are absolute scales handled with their offsets \
("degF", "degC", "K", "fahrenheit", "celsius", "°F"; note that a bare "F" is farad and "C" is \
coulomb); "delta_degC" is a temperature difference.
Result fields: value (the converted number), unit (the target unit's full name, e.g. \
"mile"), symbol (its short form, e.g. "mi", "°C"), text (the converted quantity to 6 \
significant digits with the short form, e.g. "3.10686 mi"). \
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

# Words for dimensions, in order of preference where two share a dimensionality (energy and
# torque): the key is what a message says, the value is Pint's dimension expression.
DIMENSION_NAMES: dict[str, str] = {
    "length": "[length]",
    "mass": "[mass]",
    "time": "[time]",
    "temperature": "[temperature]",
    "electric current": "[current]",
    "amount of substance": "[substance]",
    "luminous intensity": "[luminosity]",
    "area": "[area]",
    "volume": "[volume]",
    "speed": "[velocity]",
    "acceleration": "[acceleration]",
    "force": "[force]",
    "energy": "[energy]",
    "power": "[power]",
    "pressure": "[pressure]",
    "momentum": "[momentum]",
    "density": "[density]",
    "frequency": "[frequency]",
    "electric charge": "[charge]",
    "voltage": "[electric_potential]",
    "electrical resistance": "[resistance]",
    "electrical conductance": "[conductance]",
    "capacitance": "[capacitance]",
    "inductance": "[inductance]",
    "magnetic flux": "[magnetic_flux]",
    "magnetic field": "[magnetic_field]",
    "electric field": "[electric_field]",
    "volumetric flow rate": "[volumetric_flow_rate]",
    "concentration": "[concentration]",
    "dynamic viscosity": "[viscosity]",
    "kinematic viscosity": "[kinematic_viscosity]",
    "heat capacity": "[entropy]",
    "molar heat capacity": "[molar_entropy]",
    "specific heat capacity": "[energy] / [mass] / [temperature]",
    "specific energy": "[energy] / [mass]",
    "molar mass": "[mass] / [substance]",
    "wavenumber": "[wavenumber]",
    "intensity": "[intensity]",
    "illuminance": "[illuminance]",
}

FLOAT_OPERATIONS: dict[str, Callable[[Any, Any], Any]] = {
    "**": operator.pow,
    "*": operator.mul,
    "": operator.mul,
    "/": operator.truediv,
    "+": operator.add,
    "-": operator.sub,
    "%": operator.mod,
    "//": operator.floordiv,
    # Pint's uncertainty operator; for a size check the sum bounds it.
    "+/-": operator.add,
}


@functools.cache
def unit_registry() -> pint.UnitRegistry:
    """The process's one UnitRegistry: loading takes ~0.1 s, and quantities of two registries
    cannot be combined."""
    return pint.UnitRegistry()


def normalize_unit(text: str) -> str:
    """Map common spellings Pint does not know onto its names."""
    return SPELLED_TEMPERATURE.sub(lambda match: "degF" if match.group(1) else "degC", text.strip())


def dimension_words(dimensionality: object) -> str:
    """Pint's "[length] / [time]" as "length / time"."""
    return str(dimensionality).replace("[", "").replace("]", "")


@functools.cache
def named_dimensions() -> dict[Any, str]:
    """Dimensionality → the word for it, first-listed name winning."""
    registry = unit_registry()
    names: dict[Any, str] = {}
    for word, expression in DIMENSION_NAMES.items():
        names.setdefault(registry.get_dimensionality(expression), word)
    return names


def describe_dimension(dimensionality: Any) -> str:
    """A length → "a length"; an unnamed one → "dimension length * mass"."""
    if not dimensionality:
        return "a pure number"
    word = named_dimensions().get(dimensionality)
    if word is None:
        return f"dimension {dimension_words(dimensionality)}"
    article = "an" if word[0] in "aeiou" else "a"
    return f"{article} {word}"


def rounded(value: float) -> float:
    return float(f"{value:.{SIGNIFICANT_DIGITS}g}")


def checked(operation: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """operation, failing as soon as a result is not a finite number."""

    def apply(left: Any, right: Any) -> Any:
        result = operation(left, right)
        if not math.isfinite(abs(result)):
            raise OverflowError("not finite")
        return result

    return apply


CHECKED_OPERATIONS = {symbol: checked(operation) for symbol, operation in FLOAT_OPERATIONS.items()}


def probe_value(token: tokenize.TokenInfo) -> float:
    return float(token.string) if token.type == tokenize.NUMBER else UNIT_NAME_PROBE


def ensure_bounded(text: str) -> None:
    """Raise OverflowError when the numbers or powers in unit text are out of float range.

    Pint evaluates the numbers of a unit expression as Python integers, so "m**9**9**9" would
    compute an integer with hundreds of millions of digits and stall the caller; the same
    expression evaluated in floats overflows at once.
    """
    for preprocess in unit_registry().preprocessors:
        text = preprocess(text)
    tree = build_eval_tree(tokenizer(string_preprocessor(text)))
    tree.evaluate(probe_value, CHECKED_OPERATIONS)


def parse_unit(text: str, field: str) -> pint.Unit:
    """A unit from its text, or INVALID_ARGUMENTS naming field."""
    normalized = normalize_unit(text)
    try:
        ensure_bounded(normalized)
    except ArithmeticError:
        raise ToolFailure(
            FailureKind.INVALID_ARGUMENTS,
            f"{field}: the numbers or powers in {text!r} are out of range",
        ) from None
    except Exception:
        # Pint's tokenizer and tree builder raise many exception types on malformed text, and
        # text that fails the check must not reach Pint's integer arithmetic.
        raise ToolFailure(
            FailureKind.INVALID_ARGUMENTS, f"{field}: cannot read {text!r} as a unit"
        ) from None
    try:
        return unit_registry().parse_units(normalized)
    except pint.UndefinedUnitError as error:
        names = ", ".join(repr(name) for name in error.unit_names)
        raise ToolFailure(
            FailureKind.INVALID_ARGUMENTS, f"{field}: unknown unit {names} in {text!r}"
        ) from None
    except (pint.PintError, ValueError, TypeError, SyntaxError, AttributeError) as error:
        raise ToolFailure(
            FailureKind.INVALID_ARGUMENTS, f"{field}: cannot read {text!r} as a unit ({error})"
        ) from None


def describe_unit(unit: pint.Unit) -> str:
    """The unit with what it measures, e.g. meter (a length)."""
    return f"{unit} ({describe_dimension(unit.dimensionality)})"


class UnitConverter:
    """Conversions against the shared UnitRegistry (construct it off the event loop: the
    first construction loads the registry)."""

    def __init__(self) -> None:
        self.registry = unit_registry()
        named_dimensions()

    def convert(self, value: float, from_unit: str, to_unit: str) -> dict[str, Any]:
        """Convert value from one unit to another, offsets (°F ↔ °C) included."""
        if not math.isfinite(value):
            raise ToolFailure(FailureKind.INVALID_ARGUMENTS, "value: must be a finite number")
        source = parse_unit(from_unit, "from_unit")
        target = parse_unit(to_unit, "to_unit")
        quantity = self.registry.Quantity(value, source)
        try:
            converted = quantity.to(target)
        except pint.DimensionalityError:
            raise ToolFailure(
                FailureKind.EXECUTION_FAILED,
                f"cannot convert {describe_unit(source)} to {describe_unit(target)}",
            ) from None
        except pint.OffsetUnitCalculusError:
            raise ToolFailure(
                FailureKind.EXECUTION_FAILED,
                f"cannot convert {source} to {target}: a temperature scale with an offset "
                "(degC, degF) inside a compound unit is ambiguous; write delta_degC or "
                "delta_degF for a temperature difference",
            ) from None
        except (pint.PintError, ArithmeticError) as error:
            raise ToolFailure(
                FailureKind.EXECUTION_FAILED, f"cannot convert {source} to {target}: {error}"
            ) from None
        magnitude = float(converted.magnitude)
        if not math.isfinite(magnitude):
            raise ToolFailure(FailureKind.EXECUTION_FAILED, "the converted value is not finite")
        symbol = f"{target:~P}"
        return {
            "value": rounded(magnitude),
            "unit": str(target),
            "symbol": symbol,
            "text": f"{magnitude:.6g} {symbol}".rstrip(),
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
