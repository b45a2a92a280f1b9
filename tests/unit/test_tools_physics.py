"""kinematics, thermodynamics, circuits: behaviour, result shape, errors and schemas."""

import json
import math

import pytest

from svend.common.errors import InvalidArgumentError
from svend.tools.physics import CIRCUITS, KINEMATICS, PHYSICS_TOOLS, THERMODYNAMICS
from svend.tools.physics_circuits import MAX_ELEMENTS, circuits
from svend.tools.physics_kinematics import kinematics
from svend.tools.physics_thermodynamics import thermodynamics
from svend.tools.registry import FailureKind, ToolFailure, ToolRegistry


def failure_of(function, arguments) -> ToolFailure:
    with pytest.raises(ToolFailure) as failure:
        function(arguments)
    return failure.value


def invalid_message(function, arguments) -> str:
    failure = failure_of(function, arguments)
    assert failure.kind is FailureKind.INVALID_ARGUMENTS
    return failure.message


def suvat(given=None, **more):
    return kinematics({"mode": "constant_acceleration", **(given or {}), **more})


def gas(given=None, **more):
    return thermodynamics({"operation": "ideal_gas", **(given or {}), **more})


def solve(netlist):
    return circuits({"operation": "solve", "netlist": netlist})


# Kinematics.


def test_quantities_carry_value_unit_and_text():
    solution = suvat(u=0, a=9.81, t=3)["solutions"][0]
    assert solution["v"] == {"value": 29.43, "unit": "m/s", "text": "29.43 m/s"}
    assert solution["a"]["unit"] == "m/s²"
    assert set(solution) == {"s", "u", "v", "a", "t"}


def test_unit_strings_are_converted_to_si():
    solution = suvat(u="36 km/h", v="72 km/h", t="0.5 min")["solutions"][0]
    assert solution["u"]["value"] == pytest.approx(10.0)
    assert solution["a"]["value"] == pytest.approx(10 / 30)


def test_text_lists_only_the_unknowns():
    assert suvat(u=0, a=2, t=3)["text"] == "s = 9 m, v = 6 m/s"


def test_two_times_are_returned_earliest_first():
    result = suvat(s=10, u=15, a=-9.81)
    times = [solution["t"]["value"] for solution in result["solutions"]]
    assert len(times) == 2
    assert times[0] < times[1]
    assert result["solutions"][0]["v"]["value"] > 0 > result["solutions"][1]["v"]["value"]
    assert "; or " in result["text"]


def test_negative_time_root_is_dropped():
    # s = 5 m with v = 0 reached going up: u = -9.9 m/s would need t < 0.
    result = suvat(s=5, v=0, a=-9.8)
    assert len(result["solutions"]) == 1
    assert result["solutions"][0]["u"]["value"] > 0


def test_too_few_values_name_the_missing_ones():
    message = invalid_message(kinematics, {"mode": "constant_acceleration", "u": 3, "a": 2})
    assert message == "s, v, t: too few values: give any three of s, u, v, a, t (got u, a)"


@pytest.mark.parametrize(
    ("given", "start"),
    [
        ({"u": 3, "v": 3, "a": 0}, "s, t: cannot be determined: with a = 0 and u = v"),
        ({"s": 0, "u": 3, "v": -3}, "a, t: cannot be determined"),
        ({"u": 3, "v": 5, "a": 0}, "u, v, a: the values are inconsistent: the velocity cannot"),
        ({"u": 5, "v": 3, "a": 2}, "u, v, a: the values are inconsistent"),
        ({"s": 20, "u": 15, "a": -9.81}, "s, u, a: the values are inconsistent: the body turns"),
        ({"s": -10, "u": 0, "v": 0}, "s, u, v: the values are inconsistent"),
        ({"s": 10, "u": 0, "a": 0}, "s, u, a: the values are inconsistent"),
    ],
)
def test_degenerate_motion_is_explained(given, start):
    assert invalid_message(suvat, given).startswith(start)


def test_extra_values_must_agree():
    assert suvat(s=100, u=0, v=20, t=10)["solutions"][0]["a"]["value"] == pytest.approx(2)
    message = invalid_message(suvat, {"s": 100, "u": 0, "v": 20, "t": 11})
    assert message.startswith("s, u, v, t: the values are inconsistent: s, u, v give t = 10")
    assert message.endswith("not t = 11")


def test_time_must_be_positive():
    assert invalid_message(suvat, {"u": 1, "a": 1, "t": 0}) == (
        "t: must be greater than zero, got 0"
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("u", "3 kg", "u: expected a speed such as '20 m/s', got '3 kg' (a mass)"),
        (
            "a",
            "9.8 m/s",
            "a: expected an acceleration such as '9.8 m/s^2', got '9.8 m/s' (a speed)",
        ),
        ("t", "fast", "t: write a number followed by a unit, e.g. '2.5 s'; got 'fast'"),
        ("s", "3 florps", "s: unknown unit 'florps' in 'florps'"),
        ("s", "3 m**9**9**9", "s: the numbers or powers in 'm**9**9**9' are out of range"),
    ],
)
def test_bad_quantities_name_the_field(field, value, message):
    given = {"s": 1, "u": 1, "t": 1} | {field: value}
    assert invalid_message(suvat, given) == message


def test_mode_refuses_fields_it_does_not_read():
    message = invalid_message(kinematics, {"mode": "projectile", "speed": 3, "angle": 4, "u": 1})
    assert message == "u: not used by mode projectile; it reads angle, g, height, mode, speed"


def test_projectile_level_ground_is_symmetric():
    result = kinematics({"mode": "projectile", "speed": 10, "angle": 60, "g": 10})
    assert result["impact_speed"]["value"] == pytest.approx(10)
    assert result["impact_angle"]["value"] == pytest.approx(60)
    assert result["impact_angle"]["text"] == "60°"
    assert result["time_to_max_height"]["value"] == pytest.approx(
        result["time_of_flight"]["value"] / 2
    )
    assert result["text"].startswith("range = ")


def test_projectile_defaults_to_standard_gravity():
    result = kinematics({"mode": "projectile", "speed": 9.80665, "angle": 90})
    assert result["time_of_flight"]["value"] == pytest.approx(2.0)


def test_projectile_launched_downward_from_height():
    result = kinematics({"mode": "projectile", "speed": 5, "angle": -30, "height": 10, "g": 10})
    assert result["max_height"]["value"] == pytest.approx(10)
    assert result["time_to_max_height"]["value"] == 0


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"speed": 10}, "angle: projectile mode needs speed and angle"),
        ({"angle": 10}, "speed: projectile mode needs speed and angle"),
        ({"speed": 10, "angle": 120}, "angle: must be between -90 and 90 degrees, got 120"),
        ({"speed": -1, "angle": 10}, "speed: must be zero or more, got -1"),
        ({"speed": 10, "angle": 10, "g": 0}, "g: must be greater than zero, got 0"),
        (
            {"speed": 1, "angle": 10, "height": -100},
            "speed, angle, height: the values are inconsistent: the projectile never rises to "
            "the landing level",
        ),
    ],
)
def test_projectile_errors(given, message):
    assert invalid_message(kinematics, {"mode": "projectile", **given}) == message


# Thermodynamics.


def test_ideal_gas_reports_every_state_variable():
    result = gas(amount=1, temperature="25 degC", pressure="1 atm")
    assert result["solved_for"] == "volume"
    assert result["temperature"]["text"] == "298.15 K (25 °C)"
    assert result["volume"]["unit"] == "m³"
    assert result["text"].startswith("volume = 0.0244")
    assert result["gas_constant"]["value"] == pytest.approx(8.314462618)


def test_ideal_gas_checks_four_values():
    assert (
        gas(amount=1, temperature=273.15, pressure=101325, volume=0.0224139695)["solved_for"]
        is None
    )
    message = invalid_message(gas, {"amount": 1, "temperature": 300, "pressure": 1e5, "volume": 1})
    assert message.startswith("pressure, volume, amount, temperature: PV = nRT does not hold")


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"amount": 1, "temperature": 300}, "pressure, volume: give three of pressure, volume"),
        ({"mass": 1, "temperature": 300, "volume": 1}, "molar_mass: give mass and molar_mass"),
        ({"temperature": "-300 degC", "amount": 1, "volume": 1}, "temperature: must be greater"),
        (
            {"amount": 2, "mass": "32 g", "molar_mass": "32 g/mol", "volume": 1},
            "amount: 2 mol disagrees with mass/molar_mass = 1 mol",
        ),
        ({"pressure": "1 atm", "volume": "1 L", "amount": "2 kg"}, "amount: expected an amount"),
    ],
)
def test_ideal_gas_errors(given, message):
    assert invalid_message(gas, given).startswith(message)


def test_heat_temperature_change_in_fahrenheit_degrees_is_a_difference():
    result = thermodynamics(
        {"operation": "heat", "mass": 1, "specific_heat": 1000, "temperature_change": "9 degF"}
    )
    assert result["temperature_change"]["value"] == pytest.approx(5.0)
    assert result["heat"]["value"] == pytest.approx(5000.0)


def test_heat_solves_the_start_from_the_end():
    result = thermodynamics(
        {
            "operation": "heat",
            "mass": 1,
            "specific_heat": 1000,
            "heat": -10000,
            "final_temperature": 300,
        }
    )
    assert result["solved_for"] == "temperature_change"
    assert result["initial_temperature"]["value"] == pytest.approx(310.0)


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"mass": 1, "specific_heat": 1}, "heat, temperature_change: give three of heat, mass"),
        (
            {
                "mass": 1,
                "specific_heat": 1,
                "temperature_change": 1,
                "initial_temperature": 300,
                "final_temperature": 301,
            },
            "temperature_change: give temperature_change or initial_temperature",
        ),
        (
            {"heat": 5, "mass": 1, "specific_heat": 1, "temperature_change": 1},
            "heat: 5 J disagrees",
        ),
        ({"heat": 5, "specific_heat": 1, "temperature_change": -1}, "heat: must have the sign"),
        ({"heat": 5, "specific_heat": 1, "temperature_change": 0}, "temperature_change: zero"),
        ({"heat": 5, "specific_heat": 1, "mass": 1, "pressure": 1}, "pressure: not used by heat"),
        ({"mass": 0, "specific_heat": 1, "temperature_change": 1}, "mass: must be greater"),
    ],
)
def test_heat_errors(given, message):
    assert invalid_message(thermodynamics, {"operation": "heat", **given}).startswith(message)


def phase_change(given=None, **more):
    return thermodynamics({"operation": "phase_change", **(given or {}), **more})


def test_phase_change_lists_stages_and_constants():
    result = phase_change(mass=1, initial_temperature="-10 degC", final_temperature="110 degC")
    assert [segment["process"] for segment in result["segments"]] == [
        "solid 263.15 K to 273.15 K",
        "melting at 273.15 K",
        "liquid 273.15 K to 373.15 K",
        "boiling at 373.15 K",
        "gas 373.15 K to 383.15 K",
    ]
    total = sum(segment["heat"]["value"] for segment in result["segments"])
    assert result["heat"]["value"] == pytest.approx(total)
    assert result["constants"]["latent_heat_fusion"]["value"] == 334e3
    assert (result["initial_phase"], result["final_phase"]) == ("solid", "gas")


def test_cooling_reverses_the_stages_with_negative_heat():
    result = phase_change(mass=1, initial_temperature="50 degC", final_temperature="-5 degC")
    assert [segment["process"] for segment in result["segments"]] == [
        "liquid 323.15 K to 273.15 K",
        "freezing at 273.15 K",
        "solid 273.15 K to 268.15 K",
    ]
    assert all(segment["heat"]["value"] < 0 for segment in result["segments"])


def test_ends_at_a_transition_temperature_stay_on_the_path_side():
    warming_ice = phase_change(mass=1, initial_temperature="-10 degC", final_temperature="0 degC")
    assert warming_ice["final_phase"] == "solid"
    assert len(warming_ice["segments"]) == 1
    boiled = phase_change(
        mass=1, initial_temperature="-10 degC", final_temperature="0 degC", final_phase="liquid"
    )
    assert boiled["heat"]["value"] == pytest.approx(warming_ice["heat"]["value"] + 334e3)


def test_user_constants_override_water():
    result = phase_change(
        mass=1, initial_temperature=280, final_temperature=290, c_liquid="4.18 J/(g*K)"
    )
    assert result["heat"]["value"] == pytest.approx(41800)


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (
            {"initial_temperature": "0 degC", "final_temperature": "0 degC"},
            "initial_phase: at 273.15 K two phases are possible",
        ),
        (
            {"initial_temperature": "20 degC", "final_temperature": 300, "initial_phase": "gas"},
            "initial_phase: gas is impossible at 293.15 K",
        ),
        (
            {
                "substance": "custom",
                "initial_temperature": 10,
                "final_temperature": 20,
                "melting_point": 5,
                "boiling_point": 50,
            },
            "c_liquid: needed by this path for a custom substance",
        ),
        (
            {"initial_temperature": 300, "final_temperature": 310, "boiling_point": "-5 degC"},
            "boiling_point: must be above melting_point",
        ),
        ({"initial_temperature": 300}, "final_temperature: phase_change needs"),
    ],
)
def test_phase_change_errors(given, message):
    assert invalid_message(phase_change, {"mass": 1, **given}).startswith(message)


def test_work_results_state_the_sign_convention():
    expansion = thermodynamics(
        {
            "operation": "isothermal_work",
            "amount": 1,
            "temperature": 300,
            "initial_volume": 1,
            "final_volume": 2,
        }
    )
    assert expansion["work_by_gas"]["value"] > 0
    assert expansion["work_on_gas"]["value"] == -expansion["work_by_gas"]["value"]
    assert expansion["heat"]["value"] == expansion["work_by_gas"]["value"]
    assert expansion["internal_energy_change"]["value"] == 0
    assert "positive when the gas expands" in expansion["sign_convention"]


def test_adiabatic_compression_heats_the_gas():
    result = thermodynamics(
        {
            "operation": "adiabatic_work",
            "amount": 1,
            "initial_temperature": 300,
            "initial_volume": 2,
            "final_volume": 1,
            "molar_cv": 12.5,
        }
    )
    assert result["work_by_gas"]["value"] < 0
    assert result["final_temperature"]["value"] > 300
    assert result["heat"]["value"] == 0
    assert result["internal_energy_change"]["value"] == pytest.approx(
        -result["work_by_gas"]["value"]
    )
    assert result["gamma"] == pytest.approx(1 + 8.314462618 / 12.5)


@pytest.mark.parametrize(
    ("operation", "given", "message"),
    [
        ("isothermal_work", {"amount": 1, "temperature": 300}, "final_volume: give initial_volume"),
        ("isothermal_work", {"initial_volume": 1, "final_volume": 2}, "amount: give amount"),
        (
            "adiabatic_work",
            {"amount": 1, "initial_temperature": 300, "final_volume": 1},
            "gamma: give gamma (Cp/Cv) or molar_cv",
        ),
        (
            "adiabatic_work",
            {"gamma": 1.4, "molar_cv": 20, "amount": 1, "initial_temperature": 3},
            "gamma: give gamma or molar_cv, not both",
        ),
        (
            "adiabatic_work",
            {"gamma": 1.4, "amount": 1, "initial_temperature": 300, "final_volume": 1},
            "initial_volume: needed with final_volume",
        ),
        (
            "adiabatic_work",
            {"gamma": 1.4, "amount": 1, "initial_temperature": 300},
            "final_volume: give final_volume, final_pressure or final_temperature",
        ),
    ],
)
def test_work_errors(operation, given, message):
    assert invalid_message(thermodynamics, {"operation": operation, **given}).startswith(message)


# Circuits.


def test_solve_reports_nodes_elements_and_power_balance():
    result = solve("V1 1 0 10\nR1 1 2 100\nR2 2 0 300")
    assert list(result["node_voltages"]) == ["0", "1", "2"]
    assert result["node_voltages"]["2"] == {"value": 7.5, "unit": "V", "text": "7.5 V"}
    source, first, _ = result["elements"]
    assert source["type"] == "voltage_source"
    assert source["current"]["value"] == pytest.approx(-0.025)
    assert first["nodes"] == ["1", "2"]
    assert first["value"]["unit"] == "Ω"
    absorbed = sum(element["power"]["value"] for element in result["elements"])
    assert absorbed == pytest.approx(0, abs=1e-12)
    assert result["power_supplied"]["value"] == pytest.approx(0.25)
    assert result["text"] == "V(1) = 10 V, V(2) = 7.5 V"


def test_resistor_with_both_ends_on_one_node_carries_nothing():
    result = solve("V1 1 0 10\nR1 1 1 5\nR2 1 0 10")
    assert result["elements"][1]["current"]["value"] == 0
    assert result["elements"][0]["current"]["value"] == pytest.approx(-1)


def test_netlist_syntax_variants():
    lines = ["* a comment", "V1 in GND DC 5", "R1 in out 2k; R2 out 0 2000ohm", ".end"]
    result = solve(lines)
    assert result["node_voltages"]["out"]["value"] == pytest.approx(2.5)
    assert [element["name"] for element in result["elements"]] == ["V1", "R1", "R2"]


@pytest.mark.parametrize(
    ("value", "ohms"),
    [("4.7k", 4700), ("2meg", 2e6), ("2MEG", 2e6), ("500m", 0.5), ("1e3", 1000), ("10kΩ", 1e4)],
)
def test_spice_suffixes(value, ohms):
    result = solve(f"I1 0 1 1\nR1 1 0 {value}")
    assert result["node_voltages"]["1"]["value"] == pytest.approx(ohms)


@pytest.mark.parametrize(
    ("netlist", "message"),
    [
        ("C1 1 0 1u", "netlist: line 1 ('C1 1 0 1u'): only resistors (R...), voltage sources"),
        ("R1 1 0", "netlist: line 1 ('R1 1 0'): write name, two nodes and a value"),
        ("V1 1 0 5\nR1 1 0 1\nr1 1 0 2", "netlist: line 3 ('r1 1 0 2'): the name r1 is used twice"),
        ("V1 1 0 5\nR1 1 0 1M", "netlist: line 2 ('R1 1 0 1M'): '1M' is ambiguous"),
        ("V1 1 0 5\nR1 1 0 5V", "netlist: line 2 ('R1 1 0 5V'): expected a resistance"),
        ("V1 1 0 5\nR1 1 0 0", "netlist: line 2 ('R1 1 0 0'): a resistance must be greater"),
        ("V1 1 0 5\nR1 1 0 -3", "netlist: line 2 ('R1 1 0 -3'): a resistance must be greater"),
        ("V1 1 0 5\nR1 1 n/a 1", "netlist: line 2 ('R1 1 n/a 1'): node 'n/a' must be"),
        ("* nothing", "netlist: no elements"),
        ("V1 1 0 5\nV2 1 0 3\nR1 1 0 1", "netlist: voltage source V2 closes a loop of voltage"),
        ("V1 1 0 5\nV2 1 2 3\nV3 2 0 1\nR1 1 0 1", "netlist: voltage source V3 closes a loop"),
        ("V1 1 1 5\nR1 1 0 1", "netlist: voltage source V1 closes a loop"),
        ("V1 1 0 5\nR1 1 0 1\nR2 2 3 1", "netlist: node(s) 2, 3 have no path to ground"),
        ("I1 0 1 1\nI2 1 0 2", "netlist: node(s) 1 have no path to ground"),
        ("V1 a b 5\nR1 a b 1", "netlist: node(s) a, b have no path to ground"),
    ],
)
def test_unsolvable_netlists_are_explained(netlist, message):
    assert invalid_message(solve, netlist).startswith(message)


def test_element_count_is_capped():
    lines = ["V1 1 0 1", *(f"R{n} 1 0 1" for n in range(MAX_ELEMENTS))]
    assert invalid_message(solve, lines) == f"netlist: more than {MAX_ELEMENTS} elements"


def test_largest_allowed_ladder_solves():
    lines = ["V1 1 0 1", *(f"R{n} {n} {n + 1} 1" for n in range(1, MAX_ELEMENTS - 1))]
    lines.append(f"R{MAX_ELEMENTS - 1} {MAX_ELEMENTS - 1} 0 1")
    result = solve(lines)
    assert len(result["elements"]) == MAX_ELEMENTS
    # A chain of 199 equal resistors: the drop across each is 1/199 V.
    assert result["elements"][1]["voltage"]["value"] == pytest.approx(1 / 199)


def equivalent(given=None, **more):
    return circuits({"operation": "equivalent_resistance", **(given or {}), **more})


def test_parallel_with_a_short_is_a_short():
    assert (
        equivalent(resistors=[0, 100], connection="parallel")["equivalent_resistance"]["value"] == 0
    )


def test_disconnected_terminals_are_an_open_circuit():
    result = equivalent(netlist="R1 a b 1\nR2 c d 1", terminals=["a", "d"])
    assert result["equivalent_resistance"] == {"value": None, "unit": "Ω", "text": "open circuit"}


def test_parts_away_from_the_terminals_are_ignored():
    result = equivalent(netlist="R1 a b 10\nR2 c d 5", terminals=["b", "a"])
    assert result["equivalent_resistance"]["value"] == pytest.approx(10)
    assert result["text"] == "equivalent resistance = 10 Ω"


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"resistors": [1, 2]}, 'connection: say "series" or "parallel"'),
        ({"resistors": [1, -2], "connection": "series"}, "resistors[1]: must be zero or more"),
        ({"resistors": ["2 V"], "connection": "series"}, "resistors[0]: expected a resistance"),
        ({"resistors": [1], "connection": "series", "terminals": ["a", "b"]}, "resistors: give"),
        ({"netlist": "R1 a b 1"}, "terminals: give resistors with connection"),
        ({"netlist": "R1 a b 1", "terminals": ["a", "b"], "connection": "series"}, "connection:"),
        ({"netlist": "V1 a 0 1\nR1 a 0 1", "terminals": ["a", "0"]}, "netlist: equivalent_"),
        ({"netlist": "R1 a b 1", "terminals": ["a", "c"]}, "terminals: node 'c' is not in"),
        ({"netlist": "R1 a b 1", "terminals": ["a", "a"]}, "terminals: name two different"),
    ],
)
def test_equivalent_resistance_errors(given, message):
    assert invalid_message(equivalent, given).startswith(message)


def test_solve_refuses_equivalent_resistance_fields():
    message = invalid_message(circuits, {"operation": "solve", "resistors": [1]})
    assert message.startswith("resistors: not used by solve")


# Contract: schemas, JSON-ready results.


@pytest.fixture(scope="module")
def registry():
    return ToolRegistry(PHYSICS_TOOLS)


def test_specs_run_inline_with_closed_schemas(registry):
    assert [tool.name for tool in registry.tools()] == ["circuits", "kinematics", "thermodynamics"]
    for tool in (KINEMATICS, THERMODYNAMICS, CIRCUITS):
        assert tool.isolated is False
        assert tool.parameters["additionalProperties"] is False
        assert len(tool.description) > 400


@pytest.mark.parametrize(
    ("name", "arguments", "field"),
    [
        ("kinematics", {"mode": "sideways"}, "arguments.mode"),
        ("kinematics", {"mode": "projectile", "speed": "9" * 101}, "arguments.speed"),
        ("kinematics", {"s": 1}, "arguments.mode"),
        ("thermodynamics", {"operation": "heat", "colour": "red"}, "arguments.colour"),
        ("thermodynamics", {"operation": "adiabatic_work", "gamma": 1}, "arguments.gamma"),
        (
            "thermodynamics",
            {"operation": "phase_change", "substance": "lava"},
            "arguments.substance",
        ),
        ("circuits", {"operation": "solve", "netlist": []}, "arguments.netlist"),
        ("circuits", {"operation": "solve", "netlist": "x" * 50_000}, "arguments.netlist"),
        (
            "circuits",
            {"operation": "equivalent_resistance", "terminals": ["a"]},
            "arguments.terminals",
        ),
        (
            "circuits",
            {"operation": "equivalent_resistance", "resistors": [1] * 201},
            "arguments.resistors",
        ),
    ],
)
def test_schema_violations_name_the_field(registry, name, arguments, field):
    with pytest.raises(InvalidArgumentError) as error:
        registry.validate(name, arguments)
    assert error.value.field == field


@pytest.mark.parametrize(
    ("tool", "arguments"),
    [
        (kinematics, {"mode": "constant_acceleration", "s": 10, "u": 15, "a": -9.81}),
        (kinematics, {"mode": "projectile", "speed": 20.0, "angle": 30.0}),
        (
            thermodynamics,
            {
                "operation": "phase_change",
                "mass": 1.0,
                "initial_temperature": 250.0,
                "final_temperature": 400.0,
            },
        ),
        (circuits, {"operation": "solve", "netlist": "V1 1 0 1\nR1 1 0 1"}),
    ],
)
def test_results_are_json_ready(registry, tool, arguments):
    registry.validate(tool.__name__, arguments)
    result = tool(arguments)
    assert json.loads(json.dumps(result, allow_nan=False)) == result


def test_numbers_arrive_as_floats_from_protobuf():
    result = suvat(u=0.0, a=2.0, t=3.0)
    assert result["solutions"][0]["s"]["value"] == 9.0
    assert not math.isnan(result["solutions"][0]["v"]["value"])
