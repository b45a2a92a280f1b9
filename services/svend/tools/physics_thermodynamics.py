"""thermodynamics: the ideal gas law, sensible and latent heat, isothermal and adiabatic work.

Closed forms on floats in SI units: bounded, sub-millisecond work, so the tool runs inline.
"""

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from svend.tools.physics_quantities import (
    AMOUNT,
    DIMENSIONLESS,
    ENERGY,
    LATENT_HEAT,
    MASS,
    MOLAR_HEAT_CAPACITY,
    MOLAR_MASS,
    PRESSURE,
    SPECIFIC_HEAT,
    TEMPERATURE,
    TEMPERATURE_CHANGE,
    VOLUME,
    Kind,
    invalid,
    measured,
    optional_value,
    positive,
    quantity_field,
    unused_fields,
)
from svend.tools.registry import ToolSpec
from svend.tools.units import rounded

NAME = "thermodynamics"
# Molar gas constant, exact since the 2019 SI: Boltzmann constant times Avogadro constant.
GAS_CONSTANT = 1.380649e-23 * 6.02214076e23
AGREEMENT = 1e-6
PHASES = ("solid", "liquid", "gas")
# Water at 1 atm, common textbook values (J/(kg·K), J/kg, K).
WATER = {
    "c_solid": 2090.0,
    "c_liquid": 4186.0,
    "c_gas": 2010.0,
    "latent_heat_fusion": 334e3,
    "latent_heat_vaporization": 2256e3,
    "melting_point": 273.15,
    "boiling_point": 373.15,
}
SUBSTANCE_FIELDS: dict[str, Kind] = {
    "c_solid": SPECIFIC_HEAT,
    "c_liquid": SPECIFIC_HEAT,
    "c_gas": SPECIFIC_HEAT,
    "latent_heat_fusion": LATENT_HEAT,
    "latent_heat_vaporization": LATENT_HEAT,
    "melting_point": TEMPERATURE,
    "boiling_point": TEMPERATURE,
}
SIGN_CONVENTION = (
    "work_by_gas is positive when the gas expands and does work on its surroundings; "
    "work_on_gas = -work_by_gas, so internal_energy_change = heat + work_on_gas"
)

DESCRIPTION = f"""\
Thermodynamics of ideal gases and heating. Quantities are JSON numbers in SI units (Pa, m^3, \
mol, K, kg, J, J/(kg*K), J/kg) or strings with units read by Pint: "1 atm", "22.4 L", \
"25 degC", "250 g", "4.18 J/(g*K)", "334 kJ/kg". Temperatures are absolute ("25 degC" is \
298.15 K); a temperature_change of "10 degC" is a difference of 10 K.
Operations:
- ideal_gas: PV = nRT. Give three of pressure, volume, amount (or mass with molar_mass \
instead of amount), temperature; get the fourth (all four: checked for agreement). Example: \
{{"operation": "ideal_gas", "amount": 1, "temperature": "0 degC", "pressure": "1 atm"}}.
- heat: q = m c ΔT. Give three of heat, mass, specific_heat, and the temperature change \
(temperature_change, or initial_temperature with final_temperature; with only one of those the \
other is solved for). Positive heat is absorbed. Assumes no phase change (see phase_change). \
Example: {{"operation": "heat", "mass": "500 g", "specific_heat": 4186, \
"initial_temperature": "20 degC", "final_temperature": "80 degC"}}.
- phase_change: heat to take mass of a substance from initial_temperature to \
final_temperature through melting/boiling, with latent heats. substance "water" (built in, \
1 atm: c_solid {WATER["c_solid"]:g}, c_liquid {WATER["c_liquid"]:g}, c_gas \
{WATER["c_gas"]:g} J/(kg*K), latent_heat_fusion {WATER["latent_heat_fusion"]:.0f}, \
latent_heat_vaporization {WATER["latent_heat_vaporization"]:.0f} J/kg, melting 273.15 K, \
boiling 373.15 K; any of these can be overridden) or "custom" (give melting_point, \
boiling_point and the c_* and latent heats the path needs). At a melting or boiling point \
the phase defaults to the side the path lies on (no transition at an end); give \
initial_phase/final_phase (solid, liquid, gas) to include one, e.g. ice at 0 degC to water \
at 0 degC. Example: {{"operation": "phase_change", "mass": "1 g", \
"initial_temperature": "-30 degC", "final_temperature": "120 degC"}}.
- isothermal_work: reversible isothermal ideal gas, W = nRT ln(V2/V1). Give amount and \
temperature (or initial_pressure and initial_volume for nRT) and initial_volume with \
final_volume (or initial_pressure with final_pressure).
- adiabatic_work: reversible adiabatic ideal gas, W = nR(T1 - T2)/(gamma - 1). Give gamma \
(5/3 monatomic, 1.4 diatomic) or molar_cv (J/(mol*K)); the initial state as amount with \
initial_temperature, or initial_pressure with initial_volume; and the final state as \
final_volume, final_pressure or final_temperature.
Result fields: every quantity is an object {{value, unit, text}} in SI units; the inputs \
and solved values under their argument names; heat and phase_change: heat (and segments: \
process + heat for each stage, constants used); work operations: work_by_gas, \
work_on_gas, heat, internal_energy_change, final state values, sign_convention; text."""


def phase_field(description: str) -> dict[str, Any]:
    return {"type": "string", "enum": list(PHASES), "description": description}


OPERATION_FIELDS: dict[str, tuple[str, ...]] = {
    "ideal_gas": ("pressure", "volume", "amount", "temperature", "mass", "molar_mass"),
    "heat": (
        "heat",
        "mass",
        "specific_heat",
        "temperature_change",
        "initial_temperature",
        "final_temperature",
    ),
    "phase_change": (
        "substance",
        "mass",
        "initial_temperature",
        "final_temperature",
        "initial_phase",
        "final_phase",
        *SUBSTANCE_FIELDS,
    ),
    "isothermal_work": (
        "amount",
        "temperature",
        "initial_volume",
        "final_volume",
        "initial_pressure",
        "final_pressure",
    ),
    "adiabatic_work": (
        "amount",
        "initial_temperature",
        "final_temperature",
        "initial_volume",
        "final_volume",
        "initial_pressure",
        "final_pressure",
        "gamma",
        "molar_cv",
    ),
}

PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "operation": {
            "type": "string",
            "enum": list(OPERATION_FIELDS),
            "description": "Which relation to use.",
        },
        "pressure": quantity_field('Pressure, e.g. 101325 (Pa) or "1 atm".'),
        "volume": quantity_field('Volume, e.g. 0.0224 (m^3) or "22.4 L".'),
        "amount": quantity_field('Amount of gas, e.g. 2 (mol) or "500 mmol".'),
        "temperature": quantity_field('Absolute temperature, e.g. 300 (K) or "25 degC".'),
        "mass": quantity_field('Mass, e.g. 0.5 (kg) or "250 g".'),
        "molar_mass": quantity_field('ideal_gas: molar mass, e.g. "32 g/mol" (with mass).'),
        "heat": quantity_field('Heat absorbed (negative: released), e.g. 4186 (J) or "1 kcal".'),
        "specific_heat": quantity_field('Specific heat capacity, e.g. 4186 or "0.9 J/(g*K)".'),
        "temperature_change": quantity_field('Temperature difference, e.g. 10 (K) or "18 degF".'),
        "initial_temperature": quantity_field('Starting temperature, e.g. "20 degC".'),
        "final_temperature": quantity_field('Ending temperature, e.g. "100 degC".'),
        "substance": {
            "type": "string",
            "enum": ["water", "custom"],
            "description": 'phase_change: "water" (default, built in) or "custom".',
        },
        "initial_phase": phase_field("phase_change: starting phase where ambiguous."),
        "final_phase": phase_field("phase_change: ending phase where ambiguous."),
        "c_solid": quantity_field('Specific heat of the solid, e.g. "2.09 J/(g*K)".'),
        "c_liquid": quantity_field('Specific heat of the liquid, e.g. "4.18 J/(g*K)".'),
        "c_gas": quantity_field('Specific heat of the gas, e.g. "2.01 J/(g*K)".'),
        "latent_heat_fusion": quantity_field('Latent heat of melting, e.g. "334 kJ/kg".'),
        "latent_heat_vaporization": quantity_field('Latent heat of boiling, e.g. "2256 J/g".'),
        "melting_point": quantity_field('Melting point, e.g. "0 degC".'),
        "boiling_point": quantity_field('Boiling point, e.g. "78.4 degC".'),
        "initial_volume": quantity_field('Initial volume, e.g. "10 L".'),
        "final_volume": quantity_field('Final volume, e.g. "20 L".'),
        "initial_pressure": quantity_field('Initial pressure, e.g. "2 atm".'),
        "final_pressure": quantity_field('Final pressure, e.g. "1 atm".'),
        "gamma": {
            "type": "number",
            "exclusiveMinimum": 1,
            "maximum": 100,
            "description": "adiabatic_work: heat capacity ratio Cp/Cv, e.g. 1.4.",
        },
        "molar_cv": quantity_field('adiabatic_work: molar Cv, e.g. 12.47 or "20.8 J/(mol*K)".'),
    },
    "required": ["operation"],
    "additionalProperties": False,
}

FIELD_KINDS: dict[str, Kind] = {
    "pressure": PRESSURE,
    "volume": VOLUME,
    "amount": AMOUNT,
    "temperature": TEMPERATURE,
    "mass": MASS,
    "molar_mass": MOLAR_MASS,
    "heat": ENERGY,
    "specific_heat": SPECIFIC_HEAT,
    "temperature_change": TEMPERATURE_CHANGE,
    "initial_temperature": TEMPERATURE,
    "final_temperature": TEMPERATURE,
    "initial_volume": VOLUME,
    "final_volume": VOLUME,
    "initial_pressure": PRESSURE,
    "final_pressure": PRESSURE,
    "gamma": DIMENSIONLESS,
    "molar_cv": MOLAR_HEAT_CAPACITY,
    **SUBSTANCE_FIELDS,
}
# Fields that may be zero or negative; every other quantity must be greater than zero.
SIGNED_FIELDS = {"heat", "temperature_change"}


def read_values(arguments: Mapping[str, Any]) -> dict[str, float]:
    """Every quantity argument as an SI float, sign-checked."""
    values: dict[str, float] = {}
    for field, kind in FIELD_KINDS.items():
        value = optional_value(arguments, field, kind)
        if value is not None:
            values[field] = value if field in SIGNED_FIELDS else positive(value, field)
    return values


def close(first: float, second: float) -> bool:
    return math.isclose(first, second, rel_tol=AGREEMENT, abs_tol=1e-12)


def reported(values: Mapping[str, float]) -> dict[str, Any]:
    return {field: measured(value, FIELD_KINDS[field]) for field, value in values.items()}


def ideal_gas(values: dict[str, float]) -> dict[str, Any]:
    if "mass" in values or "molar_mass" in values:
        if "mass" not in values or "molar_mass" not in values:
            missing = "molar_mass" if "mass" in values else "mass"
            raise invalid(f"{missing}: give mass and molar_mass together (or amount)")
        amount = values["mass"] / values["molar_mass"]
        if "amount" in values and not close(amount, values["amount"]):
            raise invalid(
                f"amount: {values['amount']:.6g} mol disagrees with mass/molar_mass = "
                f"{amount:.6g} mol"
            )
        values["amount"] = amount
    state = ("pressure", "volume", "amount", "temperature")
    missing = [field for field in state if field not in values]
    if len(missing) > 1:
        raise invalid(f"{', '.join(missing)}: give three of pressure, volume, amount, temperature")
    solvers: dict[str, Callable[[dict[str, float]], float]] = {
        "pressure": lambda v: v["amount"] * GAS_CONSTANT * v["temperature"] / v["volume"],
        "volume": lambda v: v["amount"] * GAS_CONSTANT * v["temperature"] / v["pressure"],
        "amount": lambda v: v["pressure"] * v["volume"] / (GAS_CONSTANT * v["temperature"]),
        "temperature": lambda v: v["pressure"] * v["volume"] / (GAS_CONSTANT * v["amount"]),
    }
    if missing:
        unknown = missing[0]
        values[unknown] = solvers[unknown](values)
    else:
        unknown = "temperature"
        expected = solvers[unknown](values)
        if not close(expected, values[unknown]):
            raise invalid(
                f"pressure, volume, amount, temperature: PV = nRT does not hold: pressure, "
                f"volume and amount give temperature {expected:.6g} K, not "
                f"{values[unknown]:.6g} K"
            )
    result = reported({field: values[field] for field in state})
    return {
        "operation": "ideal_gas",
        "solved_for": unknown if missing else None,
        **result,
        "gas_constant": measured(GAS_CONSTANT, MOLAR_HEAT_CAPACITY),
        "text": f"{unknown} = {result[unknown]['text']}",
    }


def temperature_change(values: dict[str, float]) -> float | None:
    if "temperature_change" in values:
        if "initial_temperature" in values and "final_temperature" in values:
            raise invalid(
                "temperature_change: give temperature_change or initial_temperature and "
                "final_temperature, not both"
            )
        return values["temperature_change"]
    if "initial_temperature" in values and "final_temperature" in values:
        return values["final_temperature"] - values["initial_temperature"]
    return None


def sensible_heat(values: dict[str, float]) -> dict[str, Any]:
    change = temperature_change(values)
    heat, mass, specific = (values.get(name) for name in ("heat", "mass", "specific_heat"))
    unknowns = [
        name
        for name, value in (
            ("heat", heat),
            ("mass", mass),
            ("specific_heat", specific),
            ("temperature_change", change),
        )
        if value is None
    ]
    if len(unknowns) > 1:
        raise invalid(
            f"{', '.join(unknowns)}: give three of heat, mass, specific_heat and the "
            "temperature change"
        )
    if not unknowns:
        if not close(heat, mass * specific * change):
            raise invalid(
                f"heat: {heat:.6g} J disagrees with m c ΔT = {mass * specific * change:.6g} J"
            )
    elif heat is None:
        heat = mass * specific * change
    elif change is None:
        change = heat / (mass * specific)
    else:
        if close(change, 0.0):
            raise invalid("temperature_change: zero, so mass or specific heat is undetermined")
        solved = heat / (change * (specific if mass is None else mass))
        if solved <= 0:
            raise invalid("heat: must have the sign of the temperature change")
        mass, specific = (solved, specific) if mass is None else (mass, solved)
    result = {"heat": heat, "mass": mass, "specific_heat": specific, "temperature_change": change}
    if "initial_temperature" in values:
        result["initial_temperature"] = values["initial_temperature"]
        result["final_temperature"] = values["initial_temperature"] + change
    elif "final_temperature" in values:
        result["initial_temperature"] = values["final_temperature"] - change
        result["final_temperature"] = values["final_temperature"]
    for field in ("initial_temperature", "final_temperature"):
        if field in result:
            positive(result[field], field)
    shown = reported(result)
    text_field = unknowns[0] if unknowns else "heat"
    if text_field == "temperature_change" and "final_temperature" in shown:
        text_field = "final_temperature" if "initial_temperature" in values else text_field
    return {
        "operation": "heat",
        "solved_for": unknowns[0] if unknowns else None,
        **shown,
        "text": f"{text_field.replace('_', ' ')} = {shown[text_field]['text']}",
    }


@dataclass(frozen=True)
class State:
    """A point on a heating curve: temperature and phase index (0 solid, 1 liquid, 2 gas)."""

    temperature: float
    phase: int


class Substance:
    """Heating-curve constants, each required only when the path needs it."""

    def __init__(self, values: Mapping[str, float], name: str) -> None:
        self.name = name
        self.values = dict(WATER) if name == "water" else {}
        self.values.update({key: values[key] for key in SUBSTANCE_FIELDS if key in values})
        self.used: dict[str, float] = {}
        if self.get("melting_point") >= self.get("boiling_point"):
            raise invalid("boiling_point: must be above melting_point")

    def get(self, field: str) -> float:
        if field not in self.values:
            raise invalid(f"{field}: needed by this path for a custom substance")
        self.used[field] = self.values[field]
        return self.values[field]

    def bounds(self, phase: int) -> tuple[float, float]:
        """The temperature range of a phase (open-ended below solid and above gas)."""
        points = (-math.inf, self.get("melting_point"), self.get("boiling_point"), math.inf)
        return points[phase], points[phase + 1]


def phase_at(
    substance: Substance, temperature: float, given: str | None, other: float, field: str
) -> int:
    """The phase of an end of the path: given, or the side of the path it lies on."""
    melting, boiling = substance.bounds(1)
    if given is not None:
        phase = PHASES.index(given)
        low, high = substance.bounds(phase)
        if not low - 1e-9 <= temperature <= high + 1e-9:
            raise invalid(
                f"{field}: {given} is impossible at {temperature:.6g} K (melting point "
                f"{melting:.6g} K, boiling point {boiling:.6g} K)"
            )
        return phase
    for point, phase_below in ((melting, 0), (boiling, 1)):
        if math.isclose(temperature, point, abs_tol=1e-9):
            if math.isclose(other, point, abs_tol=1e-9):
                raise invalid(
                    f"{field}: at {point:.6g} K two phases are possible; give initial_phase "
                    "and final_phase"
                )
            return phase_below if other < point else phase_below + 1
    return 0 if temperature < melting else 1 if temperature < boiling else 2


def heating_segments(
    substance: Substance, start: State, end: State, mass: float
) -> list[tuple[str, float]]:
    """(process, heat) for each stage from start to end, in the order they happen."""
    heating = (end.phase, end.temperature) >= (start.phase, start.temperature)
    low, high = (start, end) if heating else (end, start)
    capacities = ("c_solid", "c_liquid", "c_gas")
    transitions = (
        ("melting", "freezing", "latent_heat_fusion"),
        ("boiling", "condensing", "latent_heat_vaporization"),
    )
    segments: list[tuple[str, float]] = []
    for phase in range(low.phase, high.phase + 1):
        bottom, top = substance.bounds(phase)
        lower = low.temperature if phase == low.phase else bottom
        upper = high.temperature if phase == high.phase else top
        if upper > lower:
            heat = mass * substance.get(capacities[phase]) * (upper - lower)
            span = (lower, upper) if heating else (upper, lower)
            segments.append((f"{PHASES[phase]} {span[0]:.6g} K to {span[1]:.6g} K", heat))
        if phase < high.phase:
            up_word, down_word, latent = transitions[phase]
            word = up_word if heating else down_word
            segments.append((f"{word} at {top:.6g} K", mass * substance.get(latent)))
    if heating:
        return segments
    return [(process, -heat) for process, heat in reversed(segments)]


def phase_change(arguments: Mapping[str, Any], values: dict[str, float]) -> dict[str, Any]:
    for field in ("mass", "initial_temperature", "final_temperature"):
        if field not in values:
            raise invalid(
                f"{field}: phase_change needs mass, initial_temperature and final_temperature"
            )
    substance = Substance(values, arguments.get("substance", "water"))
    initial, final = values["initial_temperature"], values["final_temperature"]
    start = State(
        initial,
        phase_at(substance, initial, arguments.get("initial_phase"), final, "initial_phase"),
    )
    end = State(
        final, phase_at(substance, final, arguments.get("final_phase"), initial, "final_phase")
    )
    segments = heating_segments(substance, start, end, values["mass"])
    total = sum(heat for _, heat in segments)
    heat = measured(total, ENERGY)
    return {
        "operation": "phase_change",
        "heat": heat,
        "initial_phase": PHASES[start.phase],
        "final_phase": PHASES[end.phase],
        "segments": [
            {"process": process, "heat": measured(amount, ENERGY)} for process, amount in segments
        ],
        "constants": reported(substance.used),
        "text": f"heat = {heat['text']} ({PHASES[start.phase]} to {PHASES[end.phase]})",
    }


def thermal_energy(values: Mapping[str, float]) -> float:
    """nRT of the initial state."""
    temperature = values.get("temperature", values.get("initial_temperature"))
    if "amount" in values and temperature is not None:
        return values["amount"] * GAS_CONSTANT * temperature
    if "initial_pressure" in values and "initial_volume" in values:
        return values["initial_pressure"] * values["initial_volume"]
    raise invalid(
        "amount: give amount with the temperature, or initial_pressure with initial_volume"
    )


def work_result(
    operation: str, work_by_gas: float, heat: float, final: Mapping[str, float], text: str
) -> dict[str, Any]:
    return {
        "operation": operation,
        "work_by_gas": measured(work_by_gas, ENERGY),
        "work_on_gas": measured(-work_by_gas, ENERGY),
        "heat": measured(heat, ENERGY),
        "internal_energy_change": measured(heat - work_by_gas, ENERGY),
        **reported(final),
        "sign_convention": SIGN_CONVENTION,
        "text": text,
    }


def isothermal_work(values: dict[str, float]) -> dict[str, Any]:
    energy = thermal_energy(values)
    if "initial_volume" in values and "final_volume" in values:
        ratio = values["final_volume"] / values["initial_volume"]
    elif "initial_pressure" in values and "final_pressure" in values:
        ratio = values["initial_pressure"] / values["final_pressure"]
    else:
        raise invalid(
            "final_volume: give initial_volume and final_volume, or initial_pressure and "
            "final_pressure"
        )
    work = energy * math.log(ratio)
    final: dict[str, float] = {}
    if "initial_volume" in values:
        final["final_volume"] = values["initial_volume"] * ratio
        final["final_pressure"] = energy / final["final_volume"]
    elif "initial_pressure" in values:
        final["final_pressure"] = values["initial_pressure"] / ratio
    text = f"work by gas = {measured(work, ENERGY)['text']} (heat absorbed equals it; ΔU = 0)"
    return work_result("isothermal_work", work, work, final, text)


def heat_capacity_ratio(values: Mapping[str, float]) -> float:
    if "gamma" in values and "molar_cv" in values:
        raise invalid("gamma: give gamma or molar_cv, not both")
    if "molar_cv" in values:
        return 1 + GAS_CONSTANT / values["molar_cv"]
    if "gamma" in values:
        return values["gamma"]
    raise invalid("gamma: give gamma (Cp/Cv) or molar_cv")


def adiabatic_work(values: dict[str, float]) -> dict[str, Any]:
    gamma = heat_capacity_ratio(values)
    energy = thermal_energy(values)
    initial_temperature = values.get("initial_temperature")
    initial_volume = values.get("initial_volume")
    initial_pressure = values.get("initial_pressure")
    if initial_pressure is None and initial_volume is not None:
        initial_pressure = energy / initial_volume
    # ratio = T2/T1; along the adiabat T V^(gamma-1) and T^gamma P^(1-gamma) are constant.
    if "final_volume" in values:
        if initial_volume is None:
            raise invalid("initial_volume: needed with final_volume")
        ratio = (initial_volume / values["final_volume"]) ** (gamma - 1)
    elif "final_pressure" in values:
        if initial_pressure is None:
            raise invalid("initial_pressure: needed with final_pressure")
        ratio = (values["final_pressure"] / initial_pressure) ** ((gamma - 1) / gamma)
    elif "final_temperature" in values:
        if initial_temperature is None:
            raise invalid("initial_temperature: needed with final_temperature")
        ratio = values["final_temperature"] / initial_temperature
    else:
        raise invalid("final_volume: give final_volume, final_pressure or final_temperature")
    work = energy * (1 - ratio) / (gamma - 1)
    final: dict[str, float] = {}
    if initial_temperature is not None:
        final["final_temperature"] = initial_temperature * ratio
    if initial_volume is not None:
        final["final_volume"] = initial_volume * ratio ** (-1 / (gamma - 1))
    if initial_pressure is not None:
        final["final_pressure"] = initial_pressure * ratio ** (gamma / (gamma - 1))
    text = f"work by gas = {measured(work, ENERGY)['text']} (Q = 0, ΔU = {-work:.6g} J)"
    return {**work_result("adiabatic_work", work, 0.0, final, text), "gamma": rounded(gamma)}


def thermodynamics(arguments: Mapping[str, Any]) -> dict[str, Any]:
    """Entry point: dispatch on operation after refusing fields it does not read."""
    operation = arguments["operation"]
    allowed = ["operation", *OPERATION_FIELDS[operation]]
    if failure := unused_fields(arguments, allowed, operation):
        raise failure
    values = read_values(arguments)
    if operation == "ideal_gas":
        return ideal_gas(values)
    if operation == "heat":
        return sensible_heat(values)
    if operation == "phase_change":
        return phase_change(arguments, values)
    if operation == "isothermal_work":
        return isothermal_work(values)
    return adiabatic_work(values)


THERMODYNAMICS = ToolSpec(
    name=NAME,
    description=DESCRIPTION,
    parameters=PARAMETERS,
    function=thermodynamics,
    isolated=False,
)
