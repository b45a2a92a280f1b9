"""Case suite for unit_convert, kinematics, thermodynamics and circuits.

Every expected value comes from outside the tools: exact unit definitions, textbook answers,
or closed forms and hand analyses computed here with plain math.
"""

import math
from collections.abc import Callable, Mapping
from typing import Any

import pytest

from svend.tools.physics_circuits import circuits
from svend.tools.physics_kinematics import kinematics
from svend.tools.physics_thermodynamics import thermodynamics
from svend.tools.units import UnitConverter

# Exact SI values (2019 SI: R = k_B N_A; standard atmosphere; standard gravity).
R = 1.380649e-23 * 6.02214076e23
ATM = 101325.0
G0 = 9.80665
ZERO_C = 273.15

CONVERTER = UnitConverter()


def convert(arguments: Mapping[str, Any]) -> dict[str, Any]:
    return CONVERTER(arguments)


def case(
    tool: Callable[[Mapping[str, Any]], dict[str, Any]],
    arguments: dict[str, Any],
    expected: dict[tuple[Any, ...], float],
    case_id: str,
    rel: float = 1e-6,
) -> Any:
    return pytest.param(tool, arguments, expected, rel, id=case_id)


def unit(value: float, source: str, target: str, expected: float, case_id: str) -> Any:
    arguments = {"value": value, "from_unit": source, "to_unit": target}
    return case(convert, arguments, {("value",): expected}, f"unit-{case_id}", rel=1e-9)


# Exact definitions: international yard and pound (1959), standard atmosphere, thermochemical
# calorie, Celsius/Fahrenheit scales, 2019 SI elementary charge, IAU light-year.
UNIT_CASES = [
    unit(1, "mi", "km", 1.609344, "mile-km"),
    unit(1, "in", "cm", 2.54, "inch-cm"),
    unit(1, "ft", "m", 0.3048, "foot-m"),
    unit(1, "lb", "kg", 0.45359237, "pound-kg"),
    unit(1, "nautical_mile", "m", 1852, "nautical-mile-m"),
    unit(100, "degC", "degF", 212, "boiling-F"),
    unit(-40, "degC", "degF", -40, "minus-forty"),
    unit(98.6, "degF", "degC", 37, "body-temperature"),
    unit(0, "degC", "K", 273.15, "freezing-K"),
    unit(0, "K", "degF", -459.67, "absolute-zero-F"),
    unit(1, "atm", "Pa", 101325, "atm-Pa"),
    unit(1, "atm", "mmHg", 101325 / 133.322387415, "atm-mmHg"),
    unit(1, "bar", "kPa", 100, "bar-kPa"),
    unit(1, "cal", "J", 4.184, "calorie-J"),
    unit(1, "kWh", "MJ", 3.6, "kWh-MJ"),
    unit(1, "eV", "J", 1.602176634e-19, "eV-J"),
    unit(1, "hp", "W", 550 * 0.3048 * 0.45359237 * G0, "horsepower-W"),
    unit(1, "lbf", "N", 0.45359237 * G0, "pound-force-N"),
    unit(1, "psi", "Pa", 0.45359237 * G0 / 0.0254**2, "psi-Pa"),
    unit(60, "mph", "m/s", 60 * 1609.344 / 3600, "mph-m-per-s"),
    unit(1, "knot", "km/h", 1.852, "knot-km-per-h"),
    unit(1, "gallon", "L", 231 * 2.54**3 / 1000, "us-gallon-L"),
    unit(1, "light_year", "m", 299792458 * 365.25 * 86400, "light-year-m"),
    unit(1, "day", "s", 86400, "day-s"),
    unit(180, "degree", "rad", math.pi, "half-turn-rad"),
]


def suvat(expected: dict[tuple[Any, ...], float], case_id: str, **given: Any) -> Any:
    arguments = {"mode": "constant_acceleration", **given}
    return case(kinematics, arguments, expected, f"suvat-{case_id}")


def first(name: str) -> tuple[Any, ...]:
    return ("solutions", 0, name, "value")


def second(name: str) -> tuple[Any, ...]:
    return ("solutions", 1, name, "value")


# Constant acceleration: v = u + at, s = ut + at^2/2, v^2 = u^2 + 2as evaluated here by hand;
# textbook numbers (a car braking from 30 m/s in 45 m decelerates at 10 m/s^2 for 3 s).
up_roots = [
    (15 - math.sqrt(15**2 - 2 * 9.81 * 10)) / 9.81,
    (15 + math.sqrt(15**2 - 2 * 9.81 * 10)) / 9.81,
]
KINEMATICS_CASES = [
    suvat({first("s"): 44.145, first("v"): 29.43}, "free-fall-3s", u=0, a=9.81, t=3),
    suvat({first("a"): 3, first("s"): 121.5}, "car-0-27-in-9s", u=0, v=27, t=9),
    suvat({first("a"): -10, first("t"): 3}, "braking-30-in-45m", u=30, v=0, s=45),
    suvat({first("v"): 30, first("s"): 125}, "u20-a2-t5", u=20, a=2, t=5),
    suvat({first("a"): 2, first("v"): 20}, "from-rest-100m-10s", s=100, u=0, t=10),
    suvat({first("u"): 20, first("s"): 40}, "stop-in-4s", v=0, a=-5, t=4),
    suvat({first("u"): 5, first("a"): 3.75}, "s50-v20-t4", s=50, v=20, t=4),
    suvat({first("u"): 9, first("v"): 15}, "s36-a2-t3", s=36, a=2, t=3),
    suvat({first("t"): 4, first("a"): 2.5}, "s60-u10-v20", s=60, u=10, v=20),
    suvat(
        {first("t"): up_roots[0], second("t"): up_roots[1]},
        "thrown-up-two-roots",
        s=10,
        u=15,
        a=-9.81,
    ),
    suvat(
        {first("t"): math.sqrt(2 * 20 / 9.81), first("v"): -math.sqrt(2 * 9.81 * 20)},
        "drop-from-20m-cliff",
        s=-20,
        u=0,
        a=-9.81,
    ),
    suvat(
        {first("a"): -60 * 0.44704 / 5, first("s"): 60 * 0.44704 * 5 / 2},
        "60mph-stop-in-5s",
        u="60 mph",
        v=0,
        t="5 s",
    ),
    suvat(
        {first("t"): math.sqrt(2 * 100 / 32), first("v"): 32 * math.sqrt(2 * 100 / 32) * 0.3048},
        "100ft-drop-32ft-per-s2",
        s="100 ft",
        u=0,
        a="32 ft/s^2",
    ),
    suvat(
        {first("u"): math.sqrt(2 * 9.8 * 5), first("t"): math.sqrt(2 * 9.8 * 5) / 9.8},
        "jump-5m-high",
        s=5,
        v=0,
        a=-9.8,
    ),
    suvat({first("s"): 100.0}, "all-four-consistent", u=0, v=20, t=10, a=2),
]


def projectile(expected: dict[str, float], case_id: str, **given: Any) -> Any:
    keyed = {(name, "value"): value for name, value in expected.items()}
    return case(kinematics, {"mode": "projectile", **given}, keyed, f"projectile-{case_id}")


# Projectiles: level-ground range v^2 sin(2θ)/g, peak v^2 sin^2θ/(2g), flight 2 v sinθ/g;
# from a height the flight time is the positive root of h + v_y t - g t^2/2 = 0, and the
# impact speed follows from energy conservation, sqrt(v^2 + 2gh).
PROJECTILE_CASES = [
    projectile(
        {
            "range": 400 / 9.81,
            "max_height": 100 / 9.81,
            "time_of_flight": 2 * 20 * math.sqrt(0.5) / 9.81,
        },
        "45deg-20mps",
        speed=20,
        angle=45,
        g=9.81,
    ),
    projectile(
        {"range": 2500 * math.sin(math.radians(60)) / 9.8, "max_height": 2500 * 0.25 / (2 * 9.8)},
        "30deg-50mps",
        speed=50,
        angle=30,
        g=9.8,
    ),
    projectile(
        {"time_of_flight": math.sqrt(2 * 20 / 9.8), "range": 3 * math.sqrt(2 * 20 / 9.8)},
        "horizontal-from-20m-cliff",
        speed=3,
        angle=0,
        height=20,
        g=9.8,
    ),
    projectile(
        {
            "time_of_flight": (10 + math.sqrt(100 + 2 * G0 * 1.5)) / G0,
            "impact_speed": math.sqrt(400 + 2 * G0 * 1.5),
            "max_height": 1.5 + 100 / (2 * G0),
        },
        "30deg-from-1.5m-standard-g",
        speed="20 m/s",
        angle=30,
        height="1.5 m",
    ),
    projectile(
        {"range": 100 / 1.62, "time_to_max_height": 10 * math.sqrt(0.5) / 1.62},
        "moon-45deg",
        speed=10,
        angle=45,
        g=1.62,
    ),
    projectile(
        {"max_height": 15**2 / (2 * 9.81), "time_of_flight": 2 * 15 / 9.81},
        "straight-up",
        speed=15,
        angle=90,
        g=9.81,
    ),
    projectile(
        {"range": 400 * math.sin(1.0) / 9.81},
        "angle-in-radians",
        speed=20,
        angle="0.5 rad",
        g=9.81,
    ),
]


def gas(expected: dict[str, float], case_id: str, rel: float = 1e-6, **given: Any) -> Any:
    keyed = {(name, "value"): value for name, value in expected.items()}
    arguments = {"operation": "ideal_gas", **given}
    return case(thermodynamics, arguments, keyed, f"gas-{case_id}", rel=rel)


def thermo(
    operation: str, expected: dict[str, float], case_id: str, rel: float = 1e-6, **given: Any
) -> Any:
    keyed = {(name, "value"): value for name, value in expected.items()}
    arguments = {"operation": operation, **given}
    return case(thermodynamics, arguments, keyed, f"{operation}-{case_id}", rel=rel)


# Ideal gas: PV = nRT with the exact R; molar volume at STP (0 °C, 1 atm) is 22.414 L/mol.
GAS_CASES = [
    # 22.414 L/mol is the five-figure table value.
    gas(
        {"volume": 0.022414},
        "molar-volume-stp",
        rel=1e-5,
        amount=1,
        temperature=273.15,
        pressure=ATM,
    ),
    gas(
        {"volume": R * ZERO_C / ATM},
        "stp-with-units",
        amount="1 mol",
        temperature="0 degC",
        pressure="1 atm",
    ),
    gas(
        {"amount": 2 * ATM * 0.010 / (R * 300)},
        "moles-2atm-10L-300K",
        pressure="2 atm",
        volume="10 L",
        temperature=300,
    ),
    gas(
        {"temperature": ATM * 0.024465 / R},
        "temperature-1atm-24.465L",
        pressure="1 atm",
        volume="24.465 L",
        amount=1,
    ),
    gas(
        {"pressure": 2 * R * 350 / 0.05},
        "pressure-2mol-50L-350K",
        amount=2,
        volume=0.05,
        temperature=350,
    ),
    gas(
        {"volume": 2 * 0.022414},
        "64g-oxygen-stp",
        rel=1e-5,
        mass="64 g",
        molar_mass="32 g/mol",
        temperature="0 degC",
        pressure="1 atm",
    ),
    gas(
        {"temperature": 310.15}, "temperature-310K", amount=1, pressure=ATM, volume=R * 310.15 / ATM
    ),
]

# Sensible heat q = m c ΔT; phase changes add m L at each transition. Water constants as
# printed in the tool description (textbook values): c_ice 2090, c_water 4186, c_steam
# 2010 J/(kg K), L_f 334 kJ/kg, L_v 2256 kJ/kg. Serway's worked example (1.00 g of ice at
# -30 °C to steam at 120 °C, with c_water 4190 and L_f 333 kJ/kg, L_v 2260 kJ/kg) needs
# 3.11 kJ.
C_ICE, C_WATER, C_STEAM, L_F, L_V = 2090.0, 4186.0, 2010.0, 334e3, 2256e3
HEAT_CASES = [
    thermo(
        "heat",
        {"heat": 0.5 * 4186 * 60},
        "500g-water-20-to-80C",
        mass="500 g",
        specific_heat=4186,
        initial_temperature="20 degC",
        final_temperature="80 degC",
    ),
    thermo(
        "heat",
        {"heat": 18000},
        "aluminium-18F-rise",
        mass=2,
        specific_heat=900,
        temperature_change="18 degF",
    ),
    thermo(
        "heat",
        {"temperature_change": 1.0},
        "one-kcal-one-kg",
        heat="1 kcal",
        mass="1 kg",
        specific_heat="1 cal/(g*degC)",
    ),
    thermo(
        "heat",
        {"specific_heat": 1000},
        "solve-specific-heat",
        heat=1000,
        mass=0.1,
        temperature_change=10,
    ),
    thermo(
        "heat",
        {"mass": 0.25},
        "solve-mass",
        heat=-0.25 * 4186 * 20,
        specific_heat=4186,
        temperature_change=-20,
    ),
    thermo(
        "heat",
        {"final_temperature": 293.15 + 10000 / (0.5 * 4186)},
        "solve-final-temperature",
        heat="10 kJ",
        mass="500 g",
        specific_heat=4186,
        initial_temperature="20 degC",
    ),
    thermo(
        "phase_change",
        {"heat": 3.11e3},
        "serway-ice-to-steam",
        rel=2e-3,
        mass="1 g",
        initial_temperature="-30 degC",
        final_temperature="120 degC",
        c_liquid=4190,
        latent_heat_fusion="333 kJ/kg",
        latent_heat_vaporization="2260 kJ/kg",
    ),
    thermo(
        "phase_change",
        {"heat": L_F},
        "melt-1kg-ice-at-0C",
        mass=1,
        initial_temperature="0 degC",
        final_temperature="0 degC",
        initial_phase="solid",
        final_phase="liquid",
    ),
    thermo(
        "phase_change",
        {"heat": 0.5 * L_V},
        "boil-500g-at-100C",
        mass="500 g",
        initial_temperature="100 degC",
        final_temperature="100 degC",
        initial_phase="liquid",
        final_phase="gas",
    ),
    thermo(
        "phase_change",
        {"heat": 0.2 * (C_ICE * 10 + L_F + C_WATER * 25)},
        "ice-minus10-to-water-25",
        mass=0.2,
        initial_temperature="-10 degC",
        final_temperature="25 degC",
    ),
    thermo(
        "phase_change",
        {"heat": -0.1 * (C_STEAM * 10 + L_V + C_WATER * 50)},
        "steam-110-condense-to-50",
        mass=0.1,
        initial_temperature="110 degC",
        final_temperature="50 degC",
    ),
    thermo(
        "phase_change",
        {"heat": 2 * C_WATER * 30},
        "liquid-only-no-transition",
        mass=2,
        initial_temperature="20 degC",
        final_temperature="50 degC",
    ),
    thermo(
        "phase_change",
        {"heat": 0.1 * (2440 * 58.4 + 855e3)},
        "ethanol-20C-to-vapour",
        substance="custom",
        mass="100 g",
        initial_temperature="20 degC",
        final_temperature="78.4 degC",
        final_phase="gas",
        melting_point="-114 degC",
        boiling_point="78.4 degC",
        c_liquid="2.44 J/(g*K)",
        latent_heat_vaporization="855 kJ/kg",
    ),
]

# Reversible ideal-gas work done BY the gas: isothermal nRT ln(V2/V1) = nRT ln(P1/P2);
# adiabatic n Cv (T1 - T2) with T V^(gamma-1) constant,
# or (P1V1 - P2V2)/(gamma - 1) with P V^gamma constant.
WORK_CASES = [
    thermo(
        "isothermal_work",
        {"work_by_gas": R * 300 * math.log(2)},
        "double-volume-300K",
        amount=1,
        temperature=300,
        initial_volume="10 L",
        final_volume="20 L",
    ),
    thermo(
        "isothermal_work",
        {
            "work_by_gas": 2 * R * 400 * math.log(1 / 3),
            "work_on_gas": -2 * R * 400 * math.log(1 / 3),
        },
        "compress-1-to-3-atm",
        amount=2,
        temperature=400,
        initial_pressure="1 atm",
        final_pressure="3 atm",
    ),
    thermo(
        "isothermal_work",
        {"work_by_gas": ATM * 0.001 * math.log(5), "final_pressure": ATM / 5},
        "pv-form-fivefold",
        initial_pressure=ATM,
        initial_volume="1 L",
        final_volume="5 L",
    ),
    thermo(
        "adiabatic_work",
        {
            "work_by_gas": 1.5 * R * (300 - 300 * 2 ** (-2 / 3)),
            "final_temperature": 300 * 2 ** (-2 / 3),
        },
        "monatomic-doubling",
        amount=1,
        initial_temperature=300,
        initial_volume="10 L",
        final_volume="20 L",
        gamma=5 / 3,
    ),
    thermo(
        "adiabatic_work",
        {"work_by_gas": (1e5 * 1e-3 - 1e5 * 2**-1.4 * 2e-3) / 0.4, "final_pressure": 1e5 * 2**-1.4},
        "diatomic-pv-form",
        initial_pressure=1e5,
        initial_volume=1e-3,
        final_volume=2e-3,
        gamma=1.4,
    ),
    thermo(
        "adiabatic_work",
        {"work_by_gas": 2 * 20.8 * (500 - 400)},
        "cv-and-temperatures",
        amount=2,
        initial_temperature=500,
        final_temperature=400,
        molar_cv=20.8,
    ),
]


def solve(netlist: str, expected: dict[tuple[Any, ...], float], case_id: str) -> Any:
    return case(
        circuits, {"operation": "solve", "netlist": netlist}, expected, f"circuit-{case_id}"
    )


def node(name: str) -> tuple[Any, ...]:
    return ("node_voltages", name, "value")


def element(index: int, quantity: str) -> tuple[Any, ...]:
    return ("elements", index, quantity, "value")


def parallel(*resistors: float) -> float:
    return 1 / sum(1 / r for r in resistors)


# Unbalanced Wheatstone bridge by Thevenin: open-circuit bridge voltages from the two dividers,
# Thevenin resistance (R1 || R2) + (R3 || R4), then the galvanometer current.
V_C = 10 * 200 / 300
V_D = 10 * 400 / 700
BRIDGE_CURRENT = (V_C - V_D) / (parallel(100, 200) + parallel(300, 400) + 500)
# Millman's theorem for two sources feeding one node through R1 and R3, with R2 to ground.
MILLMAN = (10 / 100 + 5 / 50) / (1 / 100 + 1 / 200 + 1 / 50)
BRIDGE = "V1 a 0 10\nR1 a c 100\nR2 c 0 200\nR3 a d 300\nR4 d 0 400\nR5 c d 500"
CIRCUIT_CASES = [
    solve(
        "V1 1 0 12\nR1 1 2 4k\nR2 2 0 8k",
        {node("2"): 8, element(1, "current"): 1e-3},
        "divider-12V",
    ),
    solve(
        "V1 in gnd DC 9V\nR1 in out 1kohm\nR2 out 0 2.2k",
        {node("out"): 9 * 2.2 / 3.2},
        "divider-units",
    ),
    solve(BRIDGE, {element(5, "current"): BRIDGE_CURRENT}, "wheatstone-unbalanced"),
    solve(
        BRIDGE.replace("400", "200").replace("300", "100"),
        {element(5, "current"): 0.0, node("c"): 20 / 3},
        "wheatstone-balanced",
    ),
    solve(
        "I1 0 1 2\nR1 1 0 5", {node("1"): 10, element(0, "power"): -20}, "current-source-ohms-law"
    ),
    solve("I1 0 1 1\nR1 1 0 10\nR2 1 0 10", {node("1"): 5}, "current-source-parallel"),
    solve(
        "V1 1 0 10\nR1 1 2 100\nR2 2 0 200\nV2 3 0 5\nR3 3 2 50",
        {node("2"): MILLMAN},
        "millman-two-sources",
    ),
    solve(
        "V1 1 0 12\nRint 1 2 0.5\nRload 2 0 5.5",
        {element(2, "power"): 22.0, element(0, "current"): -2.0, ("power_supplied", "value"): 24.0},
        "battery-internal-resistance",
    ),
    solve(
        "V1 1 0 5\nV2 2 1 3\nR1 2 0 4", {node("2"): 8, element(2, "current"): 2}, "stacked-sources"
    ),
    solve(
        "V1 1 0 10\nR1 1 2 100\nI1 0 2 0.5\nR2 2 0 100",
        {node("2"): 30, element(0, "power"): 2},
        "source-absorbing",
    ),
]


def equivalent(arguments: dict[str, Any], expected: float, case_id: str) -> Any:
    arguments = {"operation": "equivalent_resistance", **arguments}
    return case(
        circuits, arguments, {("equivalent_resistance", "value"): expected}, f"req-{case_id}"
    )


CUBE = "\n".join(
    f"R{n} {a} {b} 1"
    for n, (a, b) in enumerate(
        [
            (0, 1),
            (1, 2),
            (2, 3),
            (3, 0),
            (4, 5),
            (5, 6),
            (6, 7),
            (7, 4),
            (0, 4),
            (1, 5),
            (2, 6),
            (3, 7),
        ]
    )
)
# Series sums, product-over-sum parallels, and the classic cube of 1 Ω resistors: 5/6 Ω across
# the body diagonal, 3/4 Ω across a face diagonal, 7/12 Ω across an edge (symmetry argument).
EQUIVALENT_CASES = [
    equivalent({"resistors": [100, 220, 330], "connection": "series"}, 650, "series-three"),
    equivalent(
        {"resistors": [100, 200, 300], "connection": "parallel"}, 600 / 11, "parallel-three"
    ),
    equivalent(
        {"resistors": ["4.7k", "4.7k"], "connection": "parallel"}, 2350, "parallel-equal-spice"
    ),
    equivalent(
        {"resistors": ["1 kohm", "2.2k", 330], "connection": "series"}, 3530, "series-mixed-units"
    ),
    equivalent({"netlist": CUBE, "terminals": ["0", "6"]}, 5 / 6, "cube-body-diagonal"),
    equivalent({"netlist": CUBE, "terminals": ["0", "2"]}, 3 / 4, "cube-face-diagonal"),
    equivalent({"netlist": CUBE, "terminals": ["0", "1"]}, 7 / 12, "cube-edge"),
    equivalent(
        {"netlist": BRIDGE.replace("V1 a 0 10\n", ""), "terminals": ["a", "0"]},
        # Delta (R1, R3, R5 between a, c, d) to star, then series/parallel.
        (100 * 300 / 900) + parallel(100 * 500 / 900 + 200, 300 * 500 / 900 + 400),
        "bridge-delta-star",
    ),
]

ALL_CASES = (
    UNIT_CASES
    + KINEMATICS_CASES
    + PROJECTILE_CASES
    + GAS_CASES
    + HEAT_CASES
    + WORK_CASES
    + CIRCUIT_CASES
    + EQUIVALENT_CASES
)


def dig(result: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        result = result[key]
    return result


@pytest.mark.parametrize(("tool", "arguments", "expected", "rel"), ALL_CASES)
def test_case(tool, arguments, expected, rel):
    result = tool(arguments)
    for path, value in expected.items():
        assert dig(result, path) == pytest.approx(value, rel=rel, abs=1e-9), path


def test_suite_is_large_enough():
    assert len(ALL_CASES) >= 80
