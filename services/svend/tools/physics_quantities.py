"""Quantities for the physics tools: arguments in, SI floats inside, value+unit objects out.

An argument is a JSON number (already in the SI unit of its kind) or a string such as "20 m/s",
"3 ft" or "72 degF" read with the shared Pint registry. The physics works on plain floats in SI
units, which keeps each call well under a millisecond.
"""

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pint

from svend.tools.registry import FailureKind, ToolFailure
from svend.tools.units import describe_dimension, parse_unit, rounded, unit_registry

MAX_QUANTITY_CHARS = 100
# Celsius offset, for the "(25 °C)" shown beside temperatures in kelvin.
ZERO_CELSIUS_KELVIN = 273.15
# A number, then the unit (possibly empty): "20 m/s", "-3.5e2 ft", "72degF".
NUMBER_THEN_UNIT = re.compile(r"\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*)", re.S)
# Offset temperature scales read as differences where a field is a temperature change.
OFFSET_TO_DELTA = {
    "degree_Celsius": "delta_degree_Celsius",
    "degree_Fahrenheit": "delta_degree_Fahrenheit",
    "degree_Reaumur": "delta_degree_Reaumur",
}


def quantity_field(description: str) -> dict[str, Any]:
    """Schema of a quantity argument: a number in SI units or a string with its unit."""
    return {
        "type": ["number", "string"],
        "minLength": 1,
        "maxLength": MAX_QUANTITY_CHARS,
        "description": description,
    }


@dataclass(frozen=True)
class Kind:
    """A kind of quantity: its name in messages, its SI unit, and an example argument."""

    name: str
    unit: str
    symbol: str
    example: str

    def described(self) -> str:
        article = "an" if self.name[0] in "aeiou" else "a"
        return f"{article} {self.name}"


LENGTH = Kind("length", "m", "m", "3 ft")
SPEED = Kind("speed", "m/s", "m/s", "20 m/s")
ACCELERATION = Kind("acceleration", "m/s**2", "m/s²", "9.8 m/s^2")
TIME = Kind("time", "s", "s", "2.5 s")
ANGLE = Kind("angle", "degree", "°", "30 deg")
PRESSURE = Kind("pressure", "Pa", "Pa", "1 atm")
VOLUME = Kind("volume", "m**3", "m³", "22.4 L")
AMOUNT = Kind("amount of substance", "mol", "mol", "2 mol")
TEMPERATURE = Kind("temperature", "K", "K", "25 degC")
TEMPERATURE_CHANGE = Kind("temperature change", "K", "K", "10 delta_degC")
MASS = Kind("mass", "kg", "kg", "250 g")
MOLAR_MASS = Kind("molar mass", "kg/mol", "kg/mol", "18.015 g/mol")
ENERGY = Kind("energy", "J", "J", "4.2 kJ")
SPECIFIC_HEAT = Kind("specific heat capacity", "J/(kg*K)", "J/(kg·K)", "4.186 J/(g*K)")
LATENT_HEAT = Kind("specific latent heat", "J/kg", "J/kg", "334 kJ/kg")
MOLAR_HEAT_CAPACITY = Kind("molar heat capacity", "J/(mol*K)", "J/(mol·K)", "20.8 J/(mol*K)")
RESISTANCE = Kind("resistance", "ohm", "Ω", "4.7 kohm")
VOLTAGE = Kind("voltage", "V", "V", "12 V")
CURRENT = Kind("current", "A", "A", "20 mA")
POWER = Kind("power", "W", "W", "5 W")
DIMENSIONLESS = Kind("number", "dimensionless", "", "1.4")


def invalid(message: str) -> ToolFailure:
    return ToolFailure(FailureKind.INVALID_ARGUMENTS, message)


def finite(value: float, field: str) -> float:
    if not math.isfinite(value):
        raise invalid(f"{field}: must be a finite number")
    return value


def read_quantity(text: str, field: str, kind: Kind) -> pint.Quantity:
    """Text such as 20 m/s as a Pint quantity; a bare number is taken in kind's SI unit."""
    match = NUMBER_THEN_UNIT.fullmatch(text.replace("\u2212", "-"))
    if match is None:
        raise invalid(
            f"{field}: write a number followed by a unit, e.g. {kind.example!r}; got {text!r}"
        )
    number = finite(float(match.group(1)), field)
    unit_text = match.group(2).strip()
    unit = parse_unit(unit_text, field) if unit_text else unit_registry().parse_units(kind.unit)
    if kind is TEMPERATURE_CHANGE and str(unit) in OFFSET_TO_DELTA:
        unit = unit_registry().parse_units(OFFSET_TO_DELTA[str(unit)])
    return unit_registry().Quantity(number, unit)


def si_value(argument: float | str, field: str, kind: Kind) -> float:
    """An argument as a float in kind's SI unit (an angle in degrees)."""
    if not isinstance(argument, str):
        return finite(float(argument), field)
    quantity = read_quantity(argument, field, kind)
    target = unit_registry().parse_units(kind.unit)
    if quantity.dimensionality != target.dimensionality:
        raise invalid(
            f"{field}: expected {kind.described()} such as {kind.example!r}, got {argument!r} "
            f"({describe_dimension(quantity.dimensionality)})"
        )
    try:
        value = float(quantity.to(target).magnitude)
    except (pint.PintError, ArithmeticError) as error:
        raise invalid(f"{field}: cannot convert {argument!r} to {kind.symbol} ({error})") from None
    return finite(value, field)


def optional_value(arguments: Mapping[str, Any], field: str, kind: Kind) -> float | None:
    argument = arguments.get(field)
    return None if argument is None else si_value(argument, field, kind)


def positive(value: float, field: str, *, allow_zero: bool = False) -> float:
    if value < 0 or (value == 0 and not allow_zero):
        bound = "zero or more" if allow_zero else "greater than zero"
        raise invalid(f"{field}: must be {bound}, got {value:g}")
    return value


def measured(value: float, kind: Kind) -> dict[str, Any]:
    """A result quantity: value in kind's SI unit, the unit, and a short text."""
    if not math.isfinite(value):
        raise ToolFailure(
            FailureKind.EXECUTION_FAILED,
            f"the computed {kind.name} is too large to represent; check the input magnitudes",
        )
    value = rounded(value) + 0.0  # + 0.0 turns -0.0 into 0.0
    separator = "" if kind is ANGLE else " "
    text = f"{value:.6g}{separator}{kind.symbol}".rstrip()
    if kind is TEMPERATURE:
        text += f" ({value - ZERO_CELSIUS_KELVIN:.6g} °C)"
    return {"value": value, "unit": kind.symbol, "text": text}


def unused_fields(
    arguments: Mapping[str, Any], allowed: Sequence[str], operation: str
) -> ToolFailure | None:
    """INVALID_ARGUMENTS for the first argument the operation does not read, if any."""
    for field in arguments:
        if field not in allowed:
            return invalid(
                f"{field}: not used by {operation}; it reads {', '.join(sorted(allowed))}"
            )
    return None
