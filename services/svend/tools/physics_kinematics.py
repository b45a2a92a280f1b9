"""kinematics: constant-acceleration motion (the SUVAT equations) and projectiles.

Closed forms on floats in SI units: bounded, sub-millisecond work, so the tool runs inline.
"""

import itertools
import math
from collections.abc import Mapping
from typing import Any

from svend.tools.physics_quantities import (
    ACCELERATION,
    ANGLE,
    LENGTH,
    SPEED,
    TIME,
    Kind,
    invalid,
    measured,
    optional_value,
    positive,
    quantity_field,
    si_value,
    unused_fields,
)
from svend.tools.registry import ToolFailure, ToolSpec

NAME = "kinematics"
MODES = ("constant_acceleration", "projectile")
# Standard gravity (exact, CGPM 1901), the default g of projectile mode.
STANDARD_GRAVITY = 9.80665
VARIABLES: dict[str, Kind] = {"s": LENGTH, "u": SPEED, "v": SPEED, "a": ACCELERATION, "t": TIME}
VARIABLE_WORDS = {
    "s": "displacement",
    "u": "initial velocity",
    "v": "final velocity",
    "a": "acceleration",
    "t": "time",
}
PROJECTILE_FIELDS = ("speed", "angle", "height", "g")
# Two computed values agree when within this relative difference (float noise, unit factors).
AGREEMENT = 1e-6

DESCRIPTION = f"""\
Kinematics in one dimension with constant acceleration, and projectile motion. Quantities \
are JSON numbers in SI units (m, m/s, m/s^2, s) or strings with units read by Pint: \
"20 m/s", "3 ft", "60 mph", "9.8 m/s^2", "1.5 min".
Modes:
- constant_acceleration: give any three of s (displacement), u (initial velocity), v (final \
velocity), a (acceleration), t (time) and get the other two, from v = u + a t, \
s = u t + a t^2/2, v^2 = u^2 + 2 a s, s = (u + v) t/2. Signs matter (up positive: a \
ball thrown up at 15 m/s has u=15, a=-9.81). Where two times fit (a ball passes a height \
going up and coming down) both solutions are returned, earliest first; negative times are \
dropped. Giving four or five values checks that they agree. Example: \
{{"mode": "constant_acceleration", "u": 0, "a": 9.81, "t": 3}}.
- projectile: launch "speed", "angle" above the horizontal (a number is in degrees, or a \
string such as "0.5 rad"), optional "height" of the launch point above the landing level \
(default 0) and "g" (default {STANDARD_GRAVITY} m/s^2); no air resistance. Example: \
{{"mode": "projectile", "speed": "20 m/s", "angle": 30, "height": 1.5}}.
Result fields: every quantity is an object {{value, unit, text}} in SI units. \
constant_acceleration: solutions (a list of objects with s, u, v, a, t), text. projectile: \
time_of_flight (until it comes back to the landing level), range (horizontal distance), \
max_height (above the landing level), time_to_max_height, impact_speed, impact_angle (degrees \
below the horizontal), text. Inconsistent or too few values fail with an explanation."""


PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "mode": {"type": "string", "enum": list(MODES), "description": "Which problem to solve."},
        "s": quantity_field('Displacement, e.g. 100 (metres) or "300 ft".'),
        "u": quantity_field('Initial velocity, e.g. 0 or "60 km/h".'),
        "v": quantity_field('Final velocity, e.g. 25 (m/s) or "55 mph".'),
        "a": quantity_field('Acceleration, e.g. -9.81 (m/s^2) or "2 ft/s^2".'),
        "t": quantity_field('Time, e.g. 4 (seconds) or "1.5 min".'),
        "speed": quantity_field('projectile: launch speed, e.g. 20 (m/s) or "45 mph".'),
        "angle": quantity_field(
            'projectile: launch angle above the horizontal in degrees, e.g. 30, or "0.5 rad".'
        ),
        "height": quantity_field(
            "projectile: launch height above the landing level, e.g. 1.5 (metres); default 0."
        ),
        "g": quantity_field(
            f"projectile: gravitational acceleration, e.g. 9.81 or 1.62 (the Moon); "
            f"default {STANDARD_GRAVITY}."
        ),
    },
    "required": ["mode"],
    "additionalProperties": False,
}

Motion = dict[str, float]


def close(first: float, second: float) -> bool:
    return math.isclose(first, second, rel_tol=AGREEMENT, abs_tol=1e-9)


def negligible(value: float, *scale: float) -> bool:
    return abs(value) <= 1e-12 * max((1.0, *map(abs, scale)))


def future_times(candidates: list[Motion]) -> list[Motion]:
    """Candidates with t >= 0, earliest first, a repeated root once."""
    kept: list[Motion] = []
    for motion in sorted(candidates, key=lambda candidate: candidate["t"]):
        if motion["t"] < 0 and not negligible(motion["t"]):
            continue
        motion["t"] = max(motion["t"], 0.0)
        if not kept or not close(kept[-1]["t"], motion["t"]):
            kept.append(motion)
    return kept


def underdetermined(unknowns: str, reason: str) -> ToolFailure:
    return invalid(f"{unknowns}: cannot be determined: {reason}; give one of them")


def inconsistent(fields: str, reason: str) -> ToolFailure:
    return invalid(f"{fields}: the values are inconsistent: {reason}")


def solve_for_time_and_velocity(s: float, u: float, a: float) -> list[Motion]:
    """v and t from s, u, a: v = ±sqrt(u² + 2as), t = (v - u)/a."""
    if negligible(a):
        if negligible(u):
            if negligible(s):
                raise underdetermined("v, t", "the body stays at rest forever")
            raise inconsistent("s, u, a", "a body at rest with no acceleration never moves")
        return future_times_or_fail([{"s": s, "u": u, "v": u, "a": 0.0, "t": s / u}], "s, u, a")
    discriminant = u * u + 2 * a * s
    if discriminant < 0:
        raise inconsistent("s, u, a", "the body turns back before reaching displacement s")
    root = math.sqrt(discriminant)
    candidates = [{"s": s, "u": u, "v": v, "a": a, "t": (v - u) / a} for v in (root, -root)]
    return future_times_or_fail(candidates, "s, u, a")


def solve_for_time_and_initial(s: float, v: float, a: float) -> list[Motion]:
    """u and t from s, v, a: u = ±sqrt(v² - 2as), t = (v - u)/a."""
    if negligible(a):
        if negligible(v):
            if negligible(s):
                raise underdetermined("u, t", "the body stays at rest forever")
            raise inconsistent("s, v, a", "a body at rest with no acceleration never moves")
        return future_times_or_fail([{"s": s, "u": v, "v": v, "a": 0.0, "t": s / v}], "s, v, a")
    discriminant = v * v - 2 * a * s
    if discriminant < 0:
        raise inconsistent("s, v, a", "no initial velocity reaches v after displacement s")
    root = math.sqrt(discriminant)
    candidates = [{"s": s, "u": u, "v": v, "a": a, "t": (v - u) / a} for u in (root, -root)]
    return future_times_or_fail(candidates, "s, v, a")


def future_times_or_fail(candidates: list[Motion], fields: str) -> list[Motion]:
    kept = future_times(candidates)
    if not kept:
        raise inconsistent(fields, "they only fit at a negative time")
    return kept


def solve_three(known: Motion) -> list[Motion]:
    """Every motion (all five variables) that fits exactly three known ones."""
    s, u, v, a, t = (known.get(name) for name in VARIABLES)
    if t is not None:
        if s is None and v is None:
            return [{"s": u * t + a * t * t / 2, "u": u, "v": u + a * t, "a": a, "t": t}]
        if s is None and a is None:
            return [{"s": (u + v) * t / 2, "u": u, "v": v, "a": (v - u) / t, "t": t}]
        if s is None and u is None:
            return [{"s": v * t - a * t * t / 2, "u": v - a * t, "v": v, "a": a, "t": t}]
        if v is None and a is None:
            return [{"s": s, "u": u, "v": 2 * s / t - u, "a": 2 * (s - u * t) / t**2, "t": t}]
        if u is None and a is None:
            return [{"s": s, "u": 2 * s / t - v, "v": v, "a": 2 * (v * t - s) / t**2, "t": t}]
        return [{"s": s, "u": s / t - a * t / 2, "v": s / t + a * t / 2, "a": a, "t": t}]
    if s is None:
        if negligible(a):
            if close(u, v):
                raise underdetermined("s, t", "with a = 0 and u = v any time fits")
            raise inconsistent("u, v, a", "the velocity cannot change when a = 0")
        time = (v - u) / a
        if time < 0:
            raise inconsistent("u, v, a", "the acceleration moves the velocity away from v")
        return [{"s": (v * v - u * u) / (2 * a), "u": u, "v": v, "a": a, "t": time}]
    if v is None:
        return solve_for_time_and_velocity(s, u, a)
    if u is None:
        return solve_for_time_and_initial(s, v, a)
    if negligible(u + v, u, v):
        if negligible(s):
            raise underdetermined("a, t", "with s = 0 and u + v = 0 any acceleration fits")
        raise inconsistent("s, u, v", "when u + v = 0 the body ends where it started, so s = 0")
    time = 2 * s / (u + v)
    if time < 0:
        raise inconsistent("s, u, v", "s must have the sign of the average velocity (u + v)/2")
    if negligible(time):
        if close(u, v):
            raise underdetermined("a, t", "with s = 0 and u = v no time passes")
        raise inconsistent("s, u, v", "the velocity cannot change with zero displacement")
    return [{"s": s, "u": u, "v": v, "a": (v - u) / time, "t": time}]


def agreeing(motions: list[Motion], known: Motion) -> list[Motion]:
    return [m for m in motions if all(close(m[name], value) for name, value in known.items())]


def solve_motion(known: Motion) -> list[Motion]:
    """Motions fitting three or more known variables; extra ones must agree."""
    if len(known) < 3:
        missing = [name for name in VARIABLES if name not in known]
        raise invalid(
            f"{', '.join(missing)}: too few values: give any three of s, u, v, a, t "
            f"(got {', '.join(known) or 'none'})"
        )
    failures: list[ToolFailure] = []
    for names in itertools.combinations(known, 3):
        try:
            motions = solve_three({name: known[name] for name in names})
        except ToolFailure as failure:
            failures.append(failure)
            continue
        fitting = agreeing(motions, known)
        if fitting:
            return fitting
        extra = [name for name in known if name not in names]
        found = " or ".join(", ".join(f"{n} = {m[n]:.6g}" for n in extra) for m in motions)
        given = ", ".join(f"{name} = {known[name]:.6g}" for name in extra)
        raise inconsistent(
            ", ".join(known), f"{', '.join(names)} give {found} (SI units), not {given}"
        )
    raise failures[0]


def motion_text(motion: Motion, unknowns: list[str]) -> str:
    return ", ".join(
        f"{name} = {measured(motion[name], VARIABLES[name])['text']}" for name in unknowns
    )


def constant_acceleration(arguments: Mapping[str, Any]) -> dict[str, Any]:
    known = {
        name: value
        for name, kind in VARIABLES.items()
        if (value := optional_value(arguments, name, kind)) is not None
    }
    if "t" in known:
        positive(known["t"], "t")
    motions = solve_motion(known)
    unknowns = [name for name in VARIABLES if name not in known] or list(VARIABLES)
    return {
        "mode": "constant_acceleration",
        "solutions": [
            {name: measured(motion[name], kind) for name, kind in VARIABLES.items()}
            for motion in motions
        ],
        "text": "; or ".join(motion_text(motion, unknowns) for motion in motions),
    }


def projectile(arguments: Mapping[str, Any]) -> dict[str, Any]:
    if "speed" not in arguments or "angle" not in arguments:
        field = "speed" if "speed" not in arguments else "angle"
        raise invalid(f"{field}: projectile mode needs speed and angle")
    speed = positive(si_value(arguments["speed"], "speed", SPEED), "speed", allow_zero=True)
    angle = si_value(arguments["angle"], "angle", ANGLE)
    if not -90 <= angle <= 90:
        raise invalid(f"angle: must be between -90 and 90 degrees, got {angle:g}")
    height = optional_value(arguments, "height", LENGTH)
    height = 0.0 if height is None else height
    gravity = optional_value(arguments, "g", ACCELERATION)
    gravity = STANDARD_GRAVITY if gravity is None else positive(gravity, "g")
    horizontal = speed * math.cos(math.radians(angle))
    vertical = speed * math.sin(math.radians(angle))
    discriminant = vertical * vertical + 2 * gravity * height
    if discriminant < 0:
        raise inconsistent(
            "speed, angle, height", "the projectile never rises to the landing level"
        )
    flight_time = (vertical + math.sqrt(discriminant)) / gravity
    rising_time = max(vertical, 0.0) / gravity
    landing_vertical = vertical - gravity * flight_time
    results = {
        "time_of_flight": measured(flight_time, TIME),
        "range": measured(horizontal * flight_time, LENGTH),
        "max_height": measured(height + max(vertical, 0.0) ** 2 / (2 * gravity), LENGTH),
        "time_to_max_height": measured(rising_time, TIME),
        "impact_speed": measured(math.hypot(horizontal, landing_vertical), SPEED),
        "impact_angle": measured(math.degrees(math.atan2(-landing_vertical, horizontal)), ANGLE),
    }
    text = ", ".join(
        f"{name.replace('_', ' ')} = {results[name]['text']}"
        for name in ("range", "max_height", "time_of_flight")
    )
    return {"mode": "projectile", **results, "text": text}


def kinematics(arguments: Mapping[str, Any]) -> dict[str, Any]:
    """Entry point: dispatch on mode after refusing fields the mode does not read."""
    mode = arguments["mode"]
    allowed = ["mode", *(PROJECTILE_FIELDS if mode == "projectile" else VARIABLES)]
    if failure := unused_fields(arguments, allowed, f"mode {mode}"):
        raise failure
    return projectile(arguments) if mode == "projectile" else constant_acceleration(arguments)


KINEMATICS = ToolSpec(
    name=NAME,
    description=DESCRIPTION,
    parameters=PARAMETERS,
    function=kinematics,
    isolated=False,
)
