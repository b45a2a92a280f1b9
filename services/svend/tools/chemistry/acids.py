"""ph: pH of strong and weak acids and bases, and of buffers, in water at 25 °C.

Strong and weak solutions are solved exactly from the charge balance, water's own ionization
included (Kw = 1.0e-14), so a 1e-8 M strong acid is slightly acidic rather than basic. Buffers
use Henderson-Hasselbalch. One bracketed root search at most, so the tool runs inline.
"""

import math
from collections.abc import Callable, Mapping
from typing import Any

from scipy.optimize import brentq

from svend.tools.chemistry.common import failures_explained, invalid, rounded
from svend.tools.registry import ToolSpec

NAME = "ph"
KINDS = ("strong_acid", "strong_base", "weak_acid", "weak_base", "buffer")
PKW = 14.0
KW = 10.0**-PKW
MAX_CONCENTRATION = 20.0
MAX_EQUIVALENTS = 4
# Henderson-Hasselbalch is trusted within a tenfold acid/base ratio.
BUFFER_RATIO_RANGE = (0.1, 10.0)

# Arguments each kind takes besides `kind`; every other argument is refused for that kind.
ARGUMENTS_OF_KIND = {
    "strong_acid": {"concentration", "equivalents"},
    "strong_base": {"concentration", "equivalents"},
    "weak_acid": {"concentration", "ka", "pka"},
    "weak_base": {"concentration", "kb", "pkb"},
    "buffer": {"acid_concentration", "base_concentration", "ka", "pka", "kb", "pkb"},
}

DESCRIPTION = """\
pH of an aqueous solution at 25 °C (Kw = 1.0e-14), concentrations in mol/L. Kinds:
- strong_acid / strong_base: "concentration", optional "equivalents" (H+ or OH- released per \
formula unit, e.g. 2 for Ba(OH)2; default 1), e.g. kind="strong_acid", concentration=0.01 \
→ pH 2.00.
- weak_acid: "concentration" and "ka" or "pka", e.g. acetic acid concentration=0.1, \
ka=1.8e-5 → pH 2.88 (the sqrt(Ka·C) shortcut gives 2.87). weak_base: "concentration" and \
"kb" or "pkb", e.g. ammonia concentration=0.1, kb=1.8e-5 → pH 11.12.
- buffer: "acid_concentration" (the weak acid, e.g. CH3COOH or NH4+), "base_concentration" \
(its conjugate base, e.g. CH3COO- or NH3) and the acid's "ka"/"pka" (or the base's \
"kb"/"pkb"), by Henderson-Hasselbalch, e.g. acid_concentration=0.1, base_concentration=0.1, \
pka=4.76 → pH 4.76.
Strong and weak solutions are solved exactly (charge balance with water's autoionization, \
not the sqrt(Ka·C) shortcut); concentrations stand in for activities, so pH below 1 or above \
13 is only indicative. "equivalents" counts every proton as fully released (the second \
proton of H2SO4 is in fact weak); weak polyprotic acids are treated by their first Ka only.
Result fields: kind, ph, poh, hydronium ([H3O+]), hydroxide ([OH-]), units, for weak kinds \
percent_ionization, for buffers pka and base_to_acid_ratio (and a note when the ratio is \
outside 0.1-10), method, text."""

CONCENTRATION: dict[str, Any] = {
    "type": "number",
    "exclusiveMinimum": 0,
    "maximum": MAX_CONCENTRATION,
}

PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "kind": {
            "type": "string",
            "enum": list(KINDS),
            "description": "What is dissolved: strong_acid, strong_base, weak_acid, weak_base "
            "or buffer.",
        },
        "concentration": CONCENTRATION
        | {"description": "Analytical concentration of the acid or base in mol/L, e.g. 0.1."},
        "equivalents": {
            "type": "integer",
            "minimum": 1,
            "maximum": MAX_EQUIVALENTS,
            "description": "Strong kinds only: H+ or OH- per formula unit (default 1).",
        },
        "ka": {
            "type": "number",
            "exclusiveMinimum": 0,
            "maximum": 1e3,
            "description": "Acid dissociation constant, e.g. 1.8e-5.",
        },
        "pka": {
            "type": "number",
            "minimum": -3,
            "maximum": 30,
            "description": "-log10 of Ka, e.g. 4.76.",
        },
        "kb": {
            "type": "number",
            "exclusiveMinimum": 0,
            "maximum": 1e3,
            "description": "Base dissociation constant, e.g. 1.8e-5.",
        },
        "pkb": {
            "type": "number",
            "minimum": -3,
            "maximum": 30,
            "description": "-log10 of Kb, e.g. 4.75.",
        },
        "acid_concentration": CONCENTRATION
        | {"description": "Buffer only: concentration of the weak acid in mol/L."},
        "base_concentration": CONCENTRATION
        | {"description": "Buffer only: concentration of its conjugate base in mol/L."},
    },
    "required": ["kind"],
    "additionalProperties": False,
}


def check_arguments(arguments: Mapping[str, Any]) -> None:
    """Refuse arguments the kind does not use, and missing ones it needs."""
    kind = arguments["kind"]
    allowed = ARGUMENTS_OF_KIND[kind]
    for name in arguments:
        if name != "kind" and name not in allowed:
            raise invalid(f"{name}: {kind} takes no {name}; it takes {', '.join(sorted(allowed))}")
    needed = ["acid_concentration", "base_concentration"] if kind == "buffer" else ["concentration"]
    for name in needed:
        if name not in arguments:
            raise invalid(f"{name}: {kind} needs {name} (mol/L)")
    constants = [name for name in ("ka", "pka", "kb", "pkb") if name in arguments]
    if len(constants) > 1:
        raise invalid(f"{constants[1]}: give only one of {' or '.join(constants)}")
    if kind != "buffer" and not kind.startswith("strong") and not constants:
        first, second = sorted(allowed - {"concentration"})
        raise invalid(f"{first}: {kind} needs {first} or {second}")
    if kind == "buffer" and not constants:
        raise invalid("pka: buffer needs the acid's ka or pka (or the base's kb or pkb)")


def p_constant(arguments: Mapping[str, Any], constant: str) -> float:
    """pKa or pKb from whichever of K or pK the caller gave."""
    if f"p{constant}" in arguments:
        return float(arguments[f"p{constant}"])
    return -math.log10(float(arguments[constant]))


def ionized_fraction_root(constant: float, concentration: float) -> float:
    """[X] where X is H3O+ for a weak acid (OH- for a weak base) of constant K at C mol/L.

    Charge balance [X] = C·K/(K + [X]) + Kw/[X], whose left side minus right side increases
    with [X]: negative at sqrt(Kw) (pure water), non-negative at C + sqrt(Kw). Solved in
    log10([X]) to keep full relative precision at every scale.
    """

    def imbalance(log_x: float) -> float:
        x = 10.0**log_x
        return x - concentration * constant / (constant + x) - KW / x

    low, high = math.log10(math.sqrt(KW)), math.log10(concentration + math.sqrt(KW))
    return 10.0 ** brentq(imbalance, low, high, xtol=1e-13, rtol=1e-15, maxiter=200)


def strong_root(concentration: float) -> float:
    """[X] for a fully dissociated C mol/L of X: X = C + Kw/X, the positive root."""
    return (concentration + math.sqrt(concentration**2 + 4 * KW)) / 2


def result_from_hydronium(kind: str, hydronium: float, method: str) -> dict[str, Any]:
    ph = -math.log10(hydronium)
    return {
        "kind": kind,
        "ph": rounded(ph),
        "poh": rounded(PKW - ph),
        "hydronium": rounded(hydronium),
        "hydroxide": rounded(KW / hydronium),
        "units": {"hydronium": "mol/L", "hydroxide": "mol/L"},
        "method": method,
    }


def strong(kind: str, arguments: Mapping[str, Any]) -> dict[str, Any]:
    released = float(arguments["concentration"]) * int(arguments.get("equivalents", 1))
    x = strong_root(released)
    hydronium = x if kind == "strong_acid" else KW / x
    return result_from_hydronium(
        kind, hydronium, "full dissociation; charge balance including water's autoionization"
    )


def weak(kind: str, arguments: Mapping[str, Any]) -> dict[str, Any]:
    constant_name = "ka" if kind == "weak_acid" else "kb"
    constant = 10.0 ** -p_constant(arguments, constant_name)
    concentration = float(arguments["concentration"])
    x = ionized_fraction_root(constant, concentration)
    hydronium = x if kind == "weak_acid" else KW / x
    result = result_from_hydronium(
        kind,
        hydronium,
        f"exact equilibrium with {constant_name.capitalize()}: charge balance including "
        "water's autoionization",
    )
    result["percent_ionization"] = rounded(100 * constant / (constant + x))
    result["units"]["percent_ionization"] = "%"
    return result


def buffer(kind: str, arguments: Mapping[str, Any]) -> dict[str, Any]:
    if "ka" in arguments or "pka" in arguments:
        pka = p_constant(arguments, "ka")
    else:
        pka = PKW - p_constant(arguments, "kb")
    ratio = float(arguments["base_concentration"]) / float(arguments["acid_concentration"])
    ph = pka + math.log10(ratio)
    result = result_from_hydronium(kind, 10.0**-ph, "Henderson-Hasselbalch")
    result["ph"] = rounded(ph)
    result["poh"] = rounded(PKW - ph)
    result["pka"] = rounded(pka)
    result["base_to_acid_ratio"] = rounded(ratio)
    low, high = BUFFER_RATIO_RANGE
    if not low <= ratio <= high:
        result["note"] = (
            f"base/acid ratio {ratio:.3g} is outside {low:g}-{high:g}; the solution buffers "
            "poorly and Henderson-Hasselbalch may be inaccurate"
        )
    return result


KIND_FUNCTIONS: dict[str, Callable[[str, Mapping[str, Any]], dict[str, Any]]] = {
    "strong_acid": strong,
    "strong_base": strong,
    "weak_acid": weak,
    "weak_base": weak,
    "buffer": buffer,
}


def ph(arguments: Mapping[str, Any]) -> dict[str, Any]:
    """pH, pOH and ion concentrations of one solution."""
    check_arguments(arguments)
    kind = arguments["kind"]
    with failures_explained(NAME):
        result = KIND_FUNCTIONS[kind](kind, arguments)
    text = f"pH {result['ph']:.2f} (pOH {result['poh']:.2f}, [H3O+] {result['hydronium']:.3g} M"
    if "percent_ionization" in result:
        text += f", {result['percent_ionization']:.3g}% ionized"
    result["text"] = text + ")"
    return result


PH = ToolSpec(
    name=NAME, description=DESCRIPTION, parameters=PARAMETERS, function=ph, isolated=False
)
