"""reaction_balance and stoichiometry: exact balancing over the element matrix.

Coefficients are the nullspace of the element-by-species matrix (one row per element, and one
for charge when ions take part), solved in exact rationals with SymPy and scaled to the smallest
integers. Both tools run in a worker process because SymPy's linear algebra is not
sub-millisecond.
"""

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sympy

from svend.tools.chemistry.common import failures_explained, invalid, rounded
from svend.tools.chemistry.formulas import MAX_FORMULA_CHARS, Formula, parse_formula
from svend.tools.registry import ToolSpec

BALANCE_NAME = "reaction_balance"
STOICHIOMETRY_NAME = "stoichiometry"
MAX_EQUATION_CHARS = 500
MAX_SPECIES = 20
MAX_AMOUNT = 1e12
# A leftover this small relative to the amount given is float noise from the limiting ratio.
LEFTOVER_NOISE = 1e-12

ARROW = re.compile(r"<=+>|<-+>|⇌|⟶|→|-+>|=+>|=")
LEADING_COEFFICIENT = re.compile(r"^([0-9]+)\s*(?=[A-Za-z(\[])")
AMOUNT_TEXT = re.compile(
    r"^\s*((?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?)\s*([A-Za-zµμ]+)\s*$"
)
GRAMS_PER_UNIT = {"g": 1.0, "gram": 1.0, "grams": 1.0, "mg": 1e-3, "kg": 1e3}
MOLES_PER_UNIT = {
    "mol": 1.0,
    "mole": 1.0,
    "moles": 1.0,
    "mmol": 1e-3,
    "umol": 1e-6,
    "µmol": 1e-6,
    "μmol": 1e-6,
    "kmol": 1e3,
}
AMOUNT_UNITS = sorted(GRAMS_PER_UNIT | MOLES_PER_UNIT)

EQUATION_SYNTAX = """\
Write species as formulas joined by "+", with "->", "=", "→" or "<=>" between reactants and \
products, e.g. "C3H8 + O2 -> CO2 + H2O". Ions carry charges ("Fe^3+", "MnO4^-", "Cl-", \
"NH4+"; write polyatomic charges after a number with a caret, "SO4^2-"), "e-" is an electron, \
states such as "(aq)" are ignored, and coefficients already written are ignored and \
recomputed."""

BALANCE_DESCRIPTION = f"""\
Balance a chemical equation with the smallest whole-number coefficients, e.g. \
equation="H2 + O2 -> H2O" gives "2 H2 + O2 -> 2 H2O". {EQUATION_SYNTAX}
Result fields: equation (balanced text), reactants and products (lists of species, \
coefficient), atoms (per element: reactants and products atom counts, equal when balanced), \
charge (reactants and products total charge, only when ions take part), text. An equation \
with no balance (an element on one side only, or a species that would need a zero or \
negative coefficient) or with several independent balances (two reactions mixed in one) is \
refused with the reason. At most {MAX_SPECIES} species."""

STOICHIOMETRY_DESCRIPTION = f"""\
Stoichiometry of a reaction: balances it, then from the amounts of some reactants finds the \
limiting reagent, the theoretical yield of every product and what is left of each reactant, \
e.g. reaction="H2 + O2 -> H2O", amounts={{"H2": "4 g", "O2": "1 mol"}}. {EQUATION_SYNTAX}
amounts maps reactant formulas (as written in the reaction) to an amount: a string "4 g", \
"0.5 mol", "250 mg", "2 mmol", or an object {{"value": 4, "unit": "g"}}; units \
{", ".join(AMOUNT_UNITS)}. Reactants left out are taken to be in excess.
Result fields: equation (balanced), limiting_reagents (list; several when they run out \
together), extent (how many times the balanced reaction runs, in mol), reactants (species, \
coefficient, molar_mass, given_moles, given_grams, consumed_moles, consumed_grams, \
leftover_moles, leftover_grams; given and leftover are null for reactants in excess), \
products (species, coefficient, molar_mass, moles, grams), units (unit of each kind of field), \
text."""

EQUATION_FIELD: dict[str, Any] = {
    "type": "string",
    "minLength": 3,
    "maxLength": MAX_EQUATION_CHARS,
}

BALANCE_PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "equation": EQUATION_FIELD
        | {"description": 'The unbalanced equation, e.g. "C3H8 + O2 -> CO2 + H2O".'},
    },
    "required": ["equation"],
    "additionalProperties": False,
}

STOICHIOMETRY_PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "reaction": EQUATION_FIELD
        | {"description": 'The reaction, balanced or not, e.g. "H2 + O2 -> H2O".'},
        "amounts": {
            "type": "object",
            "description": (
                'Amount of each reactant given, e.g. {"H2": "4 g", "O2": "1 mol"} or '
                '{"H2": {"value": 4, "unit": "g"}}.'
            ),
            "minProperties": 1,
            "maxProperties": MAX_SPECIES,
            "propertyNames": {"minLength": 1, "maxLength": MAX_FORMULA_CHARS},
            "additionalProperties": {
                "type": ["string", "object"],
                "minLength": 1,
                "maxLength": 50,
                "properties": {
                    "value": {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_AMOUNT},
                    "unit": {"type": "string", "enum": AMOUNT_UNITS},
                },
                "required": ["value", "unit"],
                "additionalProperties": False,
            },
        },
    },
    "required": ["reaction", "amounts"],
    "additionalProperties": False,
}


@dataclass(frozen=True)
class Species:
    """One species as written in the equation, and what its formula holds."""

    name: str
    formula: Formula
    side: int  # +1 for a reactant, -1 for a product


@dataclass(frozen=True)
class Equation:
    """The species of an equation, reactants first, and whether it is an equilibrium."""

    species: list[Species]
    reversible: bool


@dataclass(frozen=True)
class Balanced:
    """An equation with its smallest positive integer coefficients."""

    species: list[Species]
    coefficients: list[int]
    reversible: bool

    def side(self, sign: int) -> list[tuple[Species, int]]:
        pairs = zip(self.species, self.coefficients, strict=True)
        return [(s, n) for s, n in pairs if s.side == sign]

    def text(self) -> str:
        def written(sign: int) -> str:
            return " + ".join(s.name if n == 1 else f"{n} {s.name}" for s, n in self.side(sign))

        return f"{written(1)} {'<=>' if self.reversible else '->'} {written(-1)}"


def split_side(text: str, field: str) -> list[str]:
    """Species of one side: a "+" joins species unless it belongs to a charge ("Na+ + Cl-")."""
    species: list[str] = []
    current = ""
    index = 0
    while index < len(text):
        char = text[index]
        if char != "+":
            current += char
            index += 1
            continue
        rest = text[index + 1 :]
        if not current.strip():
            raise invalid(f"{field}: a '+' with no species before it")
        # A charge sign follows its formula directly: "Fe+3 + e-", "Na+ + Cl-".
        attached = not current[-1].isspace()
        charge_digits = re.match(r"[0-9]+(?=\s|\+|$)", rest)
        if attached and charge_digits:
            current += "+" + charge_digits.group()
            index += 1 + charge_digits.end()
            continue
        if attached and (not rest.strip() or rest.lstrip().startswith("+")):
            current += "+"
            index += 1
            continue
        species.append(current.strip())
        current = ""
        index += 1
    if not current.strip():
        raise invalid(f"{field}: a side ends without a species")
    species.append(current.strip())
    return species


def parse_equation(text: str, field: str) -> Equation:
    """The species of an equation, reactants first; given coefficients are dropped."""
    arrows = ARROW.findall(text)
    if len(arrows) != 1:
        problem = "no arrow" if not arrows else f"{len(arrows)} arrows"
        raise invalid(
            f"{field}: found {problem}; write one '->' (or '=', '→') between reactants and products"
        )
    left, right = ARROW.split(text)
    species: list[Species] = []
    for side_text, sign in ((left, 1), (right, -1)):
        if not side_text.strip():
            side_name = "reactants" if sign == 1 else "products"
            raise invalid(f"{field}: there are no {side_name}")
        for written in split_side(side_text, field):
            name = "".join(LEADING_COEFFICIENT.sub("", written).split())
            formula = parse_formula(name, field)
            species.append(Species(name=name, formula=formula, side=sign))
    if len(species) > MAX_SPECIES:
        raise invalid(f"{field}: more than {MAX_SPECIES} species")
    seen: set[tuple[str, int]] = set()
    for s in species:
        if (s.name, s.side) in seen:
            raise invalid(f"{field}: {s.name!r} is written twice on the same side")
        seen.add((s.name, s.side))
    return Equation(species=species, reversible=arrows[0].startswith(("<", "⇌")))


def one_sided_elements(species: list[Species]) -> str:
    """Which elements appear on one side only (no balance conserves them), or "" if none."""
    sides: dict[str, set[int]] = {}
    for s in species:
        for element in s.formula.counts:
            sides.setdefault(element, set()).add(s.side)
    one_sided = [element for element, found in sides.items() if len(found) == 1]
    if len(one_sided) == 1:
        return f"{one_sided[0]} appears on one side only"
    if one_sided:
        return f"{', '.join(one_sided[:-1])} and {one_sided[-1]} appear on one side only"
    return ""


def balance(equation: Equation, field: str) -> Balanced:
    """Smallest positive integer coefficients, or INVALID_ARGUMENTS saying why none exist."""
    species = equation.species
    elements = list(dict.fromkeys(e for s in species for e in s.formula.counts))
    rows = [[s.side * s.formula.counts.get(element, 0) for s in species] for element in elements]
    if any(s.formula.charge for s in species):
        rows.append([s.side * s.formula.charge for s in species])
    solutions = sympy.Matrix(rows).nullspace()
    if not solutions:
        reason = one_sided_elements(species) or "no coefficients conserve every element" + (
            " and the charge" if len(rows) > len(elements) else ""
        )
        raise invalid(f"{field}: cannot be balanced: {reason}")
    if len(solutions) > 1:
        raise invalid(
            f"{field}: has {len(solutions)} independent balances, so no single set of "
            "coefficients is defined (it mixes several reactions, or a species is missing); "
            "split it or check the species"
        )
    vector = solutions[0]
    scale = sympy.ilcm(*(value.q for value in vector))
    integers = [int(value * scale) for value in vector]
    divisor = math.gcd(*integers)
    integers = [value // divisor for value in integers]
    if sum(integers) < 0:
        integers = [-value for value in integers]
    zero = [s.name for s, n in zip(species, integers, strict=True) if n == 0]
    if zero:
        reason = one_sided_elements(species) or "check its formula"
        raise invalid(
            f"{field}: cannot be balanced with {', '.join(zero)} taking part (it would need a "
            f"coefficient of 0); {reason}"
        )
    negative = [s.name for s, n in zip(species, integers, strict=True) if n < 0]
    if negative:
        raise invalid(
            f"{field}: cannot be balanced with positive coefficients; {', '.join(negative)} "
            "would need a negative one (is it on the wrong side?)"
        )
    return Balanced(species=species, coefficients=integers, reversible=equation.reversible)


def balance_result(balanced: Balanced) -> dict[str, Any]:
    elements = list(dict.fromkeys(e for s in balanced.species for e in s.formula.counts))

    def atoms(element: str, sign: int) -> int:
        return sum(s.formula.counts.get(element, 0) * n for s, n in balanced.side(sign))

    result: dict[str, Any] = {
        "equation": balanced.text(),
        "reactants": [{"species": s.name, "coefficient": n} for s, n in balanced.side(1)],
        "products": [{"species": s.name, "coefficient": n} for s, n in balanced.side(-1)],
        "atoms": [
            {"element": e, "reactants": atoms(e, 1), "products": atoms(e, -1)} for e in elements
        ],
    }
    if any(s.formula.charge for s in balanced.species):
        result["charge"] = {
            "reactants": sum(s.formula.charge * n for s, n in balanced.side(1)),
            "products": sum(s.formula.charge * n for s, n in balanced.side(-1)),
        }
    result["text"] = balanced.text()
    return result


def reaction_balance(arguments: Mapping[str, Any]) -> dict[str, Any]:
    """Balance one equation."""
    with failures_explained(BALANCE_NAME):
        equation = parse_equation(arguments["equation"], "equation")
        return balance_result(balance(equation, "equation"))


def moles_of(amount: str | Mapping[str, Any], species: Species, field: str) -> float:
    """An amount given in mass or moles, as moles of the species."""
    if isinstance(amount, str):
        match = AMOUNT_TEXT.match(amount)
        if match is None:
            raise invalid(f'{field}: {amount!r} is not an amount such as "4 g" or "0.5 mol"')
        number, unit = match.groups()
        value = float(number)
    else:
        value, unit = float(amount["value"]), amount["unit"]
    if unit not in GRAMS_PER_UNIT and unit not in MOLES_PER_UNIT:
        raise invalid(f"{field}: unknown unit {unit!r}; use one of {', '.join(AMOUNT_UNITS)}")
    if not 0 < value <= MAX_AMOUNT:
        raise invalid(f"{field}: the amount must be positive and at most {MAX_AMOUNT:g}")
    if unit in MOLES_PER_UNIT:
        return value * MOLES_PER_UNIT[unit]
    molar_mass = species.formula.molar_mass()
    if molar_mass == 0:
        raise invalid(f"{field}: {species.name} has no molar mass; give its amount in mol")
    return value * GRAMS_PER_UNIT[unit] / molar_mass


def find_species(key: str, species: list[Species]) -> Species:
    """The species an amounts key names: by its text, else by the same formula and charge."""
    name = "".join(key.split())
    for s in species:
        if s.name == name:
            return s
    formula = parse_formula(key, f"amounts.{key}")
    for s in species:
        if s.formula.counts == formula.counts and s.formula.charge == formula.charge:
            return s
    names = ", ".join(s.name for s in species if s.side == 1)
    raise invalid(f"amounts.{key}: not a reactant of the reaction; its reactants are {names}")


def stoichiometry(arguments: Mapping[str, Any]) -> dict[str, Any]:
    """Limiting reagent, theoretical yields and leftovers from amounts of reactants."""
    with failures_explained(STOICHIOMETRY_NAME):
        return yields(arguments)


def yields(arguments: Mapping[str, Any]) -> dict[str, Any]:
    balanced = balance(parse_equation(arguments["reaction"], "reaction"), "reaction")
    coefficients = {s.name: n for s, n in zip(balanced.species, balanced.coefficients, strict=True)}
    given: dict[str, float] = {}
    for key, amount in arguments["amounts"].items():
        field = f"amounts.{key}"
        s = find_species(key, balanced.species)
        if s.side == -1:
            raise invalid(f"{field}: {s.name} is a product; give amounts of reactants")
        if s.name in given:
            raise invalid(f"{field}: {s.name} is given twice")
        given[s.name] = moles_of(amount, s, field)
    runs = {name: moles / coefficients[name] for name, moles in given.items()}
    extent = min(runs.values())
    limiting = [name for name, run in runs.items() if math.isclose(run, extent, rel_tol=1e-9)]
    reactants = []
    for s, n in balanced.side(1):
        molar_mass = s.formula.molar_mass()
        consumed = n * extent
        entry: dict[str, Any] = {
            "species": s.name,
            "coefficient": n,
            "molar_mass": rounded(molar_mass),
            "given_moles": None,
            "given_grams": None,
            "consumed_moles": rounded(consumed),
            "consumed_grams": rounded(consumed * molar_mass),
            "leftover_moles": None,
            "leftover_grams": None,
        }
        if s.name in given:
            leftover = given[s.name] - consumed
            if s.name in limiting or leftover < LEFTOVER_NOISE * given[s.name]:
                leftover = 0.0
            entry |= {
                "given_moles": rounded(given[s.name]),
                "given_grams": rounded(given[s.name] * molar_mass),
                "leftover_moles": rounded(leftover),
                "leftover_grams": rounded(leftover * molar_mass),
            }
        reactants.append(entry)
    products = [
        {
            "species": s.name,
            "coefficient": n,
            "molar_mass": rounded(s.formula.molar_mass()),
            "moles": rounded(n * extent),
            "grams": rounded(n * extent * s.formula.molar_mass()),
        }
        for s, n in balanced.side(-1)
    ]
    yields = ", ".join(
        f"{p['moles']:.4g} mol {p['species']} ({p['grams']:.4g} g)" for p in products
    )
    leftovers = [r for r in reactants if r["leftover_moles"]]
    text = f"{balanced.text()}; limiting: {', '.join(limiting)}; yields {yields}"
    if leftovers:
        text += "; left over: " + ", ".join(
            f"{r['leftover_moles']:.4g} mol {r['species']} ({r['leftover_grams']:.4g} g)"
            for r in leftovers
        )
    return {
        "equation": balanced.text(),
        "limiting_reagents": limiting,
        "extent": rounded(extent),
        "reactants": reactants,
        "products": products,
        "units": {"molar_mass": "g/mol", "moles": "mol", "grams": "g", "extent": "mol"},
        "text": text,
    }


REACTION_BALANCE = ToolSpec(
    name=BALANCE_NAME,
    description=BALANCE_DESCRIPTION,
    parameters=BALANCE_PARAMETERS,
    function=reaction_balance,
    isolated=True,
)

STOICHIOMETRY = ToolSpec(
    name=STOICHIOMETRY_NAME,
    description=STOICHIOMETRY_DESCRIPTION,
    parameters=STOICHIOMETRY_PARAMETERS,
    function=stoichiometry,
    isolated=True,
)
