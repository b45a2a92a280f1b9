"""Chemistry and physics tasks: molar mass, balancing, stoichiometry, pH, motion, heat, circuits."""

from .phrasing import Draw, Pool, Span, number
from .tasks import Answer, Problem, Result, Task, quantity

# ----------------------------------------------------------------------------------- chemistry

# (formula, name)
COMPOUNDS = Pool(
    train=(
        ("H2O", "water"),
        ("C6H12O6", "glucose"),
        ("NaCl", "sodium chloride"),
        ("CO2", "carbon dioxide"),
        ("CH4", "methane"),
        ("NH3", "ammonia"),
        ("H2SO4", "sulfuric acid"),
        ("HNO3", "nitric acid"),
        ("CaCO3", "calcium carbonate"),
        ("NaOH", "sodium hydroxide"),
        ("KCl", "potassium chloride"),
        ("C2H5OH", "ethanol"),
        ("C6H6", "benzene"),
        ("Ca(OH)2", "calcium hydroxide"),
        ("MgSO4", "magnesium sulfate"),
        ("KMnO4", "potassium permanganate"),
        ("CuSO4·5H2O", "copper(II) sulfate pentahydrate"),
        ("Fe2O3", "iron(III) oxide"),
        ("Al2O3", "aluminium oxide"),
        ("NaHCO3", "sodium bicarbonate"),
        ("C12H22O11", "sucrose"),
        ("CH3COOH", "acetic acid"),
        ("HCl", "hydrogen chloride"),
        ("C3H8", "propane"),
        ("H3PO4", "phosphoric acid"),
        ("K2Cr2O7", "potassium dichromate"),
        ("AgNO3", "silver nitrate"),
        ("BaCl2", "barium chloride"),
    ),
    held_out=(
        ("C8H10N4O2", "caffeine"),
        ("C9H8O4", "aspirin"),
        ("Mg(OH)2", "magnesium hydroxide"),
        ("Na2CO3", "sodium carbonate"),
        ("(NH4)2SO4", "ammonium sulfate"),
        ("C4H10", "butane"),
        ("KNO3", "potassium nitrate"),
        ("Fe3O4", "magnetite"),
    ),
)
# (unbalanced equation with "->")
REACTIONS = Pool(
    train=(
        "H2 + O2 -> H2O",
        "CH4 + O2 -> CO2 + H2O",
        "C3H8 + O2 -> CO2 + H2O",
        "Fe + O2 -> Fe2O3",
        "Al + O2 -> Al2O3",
        "N2 + H2 -> NH3",
        "Na + Cl2 -> NaCl",
        "KClO3 -> KCl + O2",
        "C2H6 + O2 -> CO2 + H2O",
        "Mg + HCl -> MgCl2 + H2",
        "P4 + O2 -> P4O10",
        "C6H12O6 + O2 -> CO2 + H2O",
        "Fe2O3 + CO -> Fe + CO2",
        "NaOH + H2SO4 -> Na2SO4 + H2O",
    ),
    held_out=(
        "C4H10 + O2 -> CO2 + H2O",
        "Al + HCl -> AlCl3 + H2",
        "NH3 + O2 -> NO + H2O",
        "C2H5OH + O2 -> CO2 + H2O",
        "Cu + AgNO3 -> Cu(NO3)2 + Ag",
        "SO2 + O2 -> SO3",
        "Fe + Cl2 -> FeCl3",
    ),
)
# (reaction, the reactant given, the product asked for); the other reactants are in excess.
YIELDS = Pool(
    train=(
        ("H2 + O2 -> H2O", "H2", "H2O"),
        ("CH4 + O2 -> CO2 + H2O", "CH4", "CO2"),
        ("N2 + H2 -> NH3", "N2", "NH3"),
        ("CaCO3 -> CaO + CO2", "CaCO3", "CO2"),
        ("Fe2O3 + CO -> Fe + CO2", "Fe2O3", "Fe"),
        ("Mg + O2 -> MgO", "Mg", "MgO"),
    ),
    held_out=(
        ("C3H8 + O2 -> CO2 + H2O", "C3H8", "H2O"),
        ("Al + O2 -> Al2O3", "Al", "Al2O3"),
        ("Zn + HCl -> ZnCl2 + H2", "Zn", "H2"),
        ("KClO3 -> KCl + O2", "KClO3", "O2"),
    ),
)
# (formula, kind, Ka/Kb or strong equivalents)
STRONG = (("HCl", "strong_acid", 1), ("HNO3", "strong_acid", 1), ("NaOH", "strong_base", 1))
STRONG += (("KOH", "strong_base", 1), ("Ba(OH)2", "strong_base", 2), ("H2SO4", "strong_acid", 2))
WEAK = (
    ("acetic acid", "weak_acid", 1.8e-5),
    ("formic acid", "weak_acid", 1.8e-4),
    ("hydrofluoric acid", "weak_acid", 6.8e-4),
    ("hypochlorous acid", "weak_acid", 3.0e-8),
    ("ammonia", "weak_base", 1.8e-5),
    ("methylamine", "weak_base", 4.4e-4),
)
# Concentrations: a mantissa times 10^-exponent; training and held-out differ in the exponent.
CONCENTRATION_EXPONENT = Pool(train=(1, 2, 3), held_out=(4, 5))
CHEMISTRY_THOUGHTS = (
    "I'll use the {tool} tool for an exact value.",
    "Let me call {tool} instead of working this out by hand.",
    "The {tool} tool computes this directly.",
)
ARROWS = ("->", "→", "=")


def chemistry_thought(draw: Draw, tool: str) -> str:
    return draw.phrase(CHEMISTRY_THOUGHTS).format(tool=tool)


def molar_mass(draw: Draw) -> Problem:
    formula, name = draw.pick("compound", COMPOUNDS)
    shown = draw.phrase((formula, f"{name} ({formula})", name, formula))

    def answer(result: Result | None) -> tuple[str, str]:
        assert result is not None
        value = f"{number(result['molar_mass'])} g/mol"
        return f"The molar mass of {shown} is {value}.", value

    return Problem(
        {"compound": shown},
        "molecular_weight",
        {"formula": formula},
        chemistry_thought(draw, "molecular_weight"),
        answer,
    )


def balance(draw: Draw) -> Problem:
    equation = draw.pick("reaction", REACTIONS)
    shown = equation.replace("->", draw.phrase(ARROWS))

    def answer(result: Result | None) -> tuple[str, str]:
        assert result is not None
        return f"The balanced equation is {result['equation']}.", result["equation"]

    return Problem(
        {"reaction": shown},
        "reaction_balance",
        {"equation": equation},
        chemistry_thought(draw, "reaction_balance"),
        answer,
    )


def theoretical_yield(draw: Draw) -> Problem:
    reaction, given, product = draw.pick("reaction", YIELDS)
    grams = draw.real("grams", Span(train=(1, 99), held_out=(100, 2000)))

    def answer(result: Result | None) -> tuple[str, str]:
        assert result is not None
        (made,) = [item for item in result["products"] if item["species"] == product]
        value = f"{made['grams']:.4g} g"
        return f"{number(grams)} g of {given} gives at most {value} of {product}.", value

    return Problem(
        {"reaction": reaction, "given": given, "grams": number(grams), "product": product},
        "stoichiometry",
        {"reaction": reaction, "amounts": {given: f"{number(grams)} g"}},
        chemistry_thought(draw, "stoichiometry"),
        answer,
    )


def concentration(draw: Draw) -> float:
    exponent = draw.pick("concentration_exponent", CONCENTRATION_EXPONENT)
    return draw.rng.randint(1, 9) * 10.0**-exponent


def strong_ph(draw: Draw) -> Problem:
    formula, kind, equivalents = draw.phrase(STRONG)
    molar = concentration(draw)
    arguments = {"kind": kind, "concentration": molar}
    if equivalents > 1:
        arguments["equivalents"] = equivalents

    def answer(result: Result | None) -> tuple[str, str]:
        assert result is not None
        value = f"{result['ph']:.2f}"
        return f"A {number(molar)} M solution of {formula} has pH {value}.", value

    return Problem(
        {"solute": formula, "molar": number(molar)},
        "ph",
        arguments,
        chemistry_thought(draw, "ph"),
        answer,
    )


def weak_ph(draw: Draw) -> Problem:
    name, kind, constant = draw.phrase(WEAK)
    molar = concentration(draw)
    constant_name = "ka" if kind == "weak_acid" else "kb"

    def answer(result: Result | None) -> tuple[str, str]:
        assert result is not None
        value = f"{result['ph']:.2f}"
        return f"The pH of {number(molar)} M {name} is {value}.", value

    return Problem(
        {
            "solute": name,
            "molar": number(molar),
            "constant": f"{constant_name.capitalize()} = {constant:g}",
        },
        "ph",
        {"kind": kind, "concentration": molar, constant_name: constant},
        chemistry_thought(draw, "ph"),
        answer,
    )


CHEMISTRY = [
    Task(
        "chemistry",
        "molar_mass",
        (
            "What is the molar mass of {compound}?",
            "{Find} the molecular weight of {compound}.",
            "How many grams does one mole of {compound} weigh?",
            "molar mass of {compound}?",
        ),
        ("I need the formula mass of {compound} in g/mol.",),
        molar_mass,
    ),
    Task(
        "chemistry",
        "balance",
        (
            "Balance {reaction}.",
            "Balance the equation {reaction}.",
            "What are the coefficients in {reaction}?",
        ),
        ("Give the smallest whole-number coefficients for {reaction}.",),
        balance,
    ),
    Task(
        "chemistry",
        "theoretical_yield",
        (
            "How many grams of {product} can {grams} g of {given} make in {reaction}?",
            "{Find} the theoretical yield of {product} from {grams} g of {given} ({reaction}, "
            "everything else in excess).",
        ),
        (
            "Starting from {grams} g of {given}, what mass of {product} forms at most? "
            "Reaction: {reaction}.",
        ),
        theoretical_yield,
    ),
    Task(
        "chemistry",
        "strong_ph",
        (
            "What is the pH of {molar} M {solute}?",
            "{Find} the pH of a {molar} mol/L {solute} solution.",
        ),
        ("A solution is {molar} M in {solute}. How acidic or basic is it, as a pH?",),
        strong_ph,
    ),
    Task(
        "chemistry",
        "weak_ph",
        (
            "What is the pH of {molar} M {solute} ({constant})?",
            "{Find} the pH of {molar} M {solute}, {constant}.",
        ),
        ("With {constant}, what pH does a {molar} M {solute} solution have?",),
        weak_ph,
    ),
]

# ------------------------------------------------------------------------------------- physics

PHYSICS_THOUGHTS = (
    "I'll let the {tool} tool solve this.",
    "The {tool} tool handles this exactly; I'll call it.",
    "Let me set this up for {tool}.",
)


def physics_thought(draw: Draw, tool: str) -> str:
    return draw.phrase(PHYSICS_THOUGHTS).format(tool=tool)


def motion(field_name: str, sentence: str) -> Answer:
    """An answer reading quantity `field_name` of the one constant-acceleration solution."""

    def answer(result: Result | None) -> tuple[str, str]:
        assert result is not None
        (solution,) = result["solutions"]
        return quantity(field_name, sentence)(solution)

    return answer


def free_fall(draw: Draw) -> Problem:
    seconds = draw.real("t", Span(train=(0.5, 6), held_out=(7, 20)))
    return Problem(
        {"t": number(seconds)},
        "kinematics",
        {"mode": "constant_acceleration", "u": 0, "a": 9.81, "t": seconds},
        physics_thought(draw, "kinematics"),
        motion("s", "It falls {text}."),
    )


def acceleration(draw: Draw) -> Problem:
    start = draw.integer("u", Span(train=(0, 20), held_out=(21, 60)))
    end = start + draw.integer("gain", Span(train=(1, 30), held_out=(31, 90)))
    seconds = draw.real("t", Span(train=(1, 15), held_out=(16, 60)))
    return Problem(
        {"u": start, "v": end, "t": number(seconds)},
        "kinematics",
        {"mode": "constant_acceleration", "u": start, "v": end, "t": seconds},
        physics_thought(draw, "kinematics"),
        motion("a", "The acceleration is {text}."),
    )


def projectile(draw: Draw) -> Problem:
    speed = draw.integer("speed", Span(train=(5, 40), held_out=(41, 120)))
    angle = draw.integer("angle", Span(train=(10, 50), held_out=(55, 80)))
    return Problem(
        {"speed": speed, "angle": angle},
        "kinematics",
        {"mode": "projectile", "speed": speed, "angle": angle},
        physics_thought(draw, "kinematics"),
        quantity("range", "It lands {text} away."),
    )


def gas_volume(draw: Draw) -> Problem:
    moles = draw.real("amount", Span(train=(0.1, 5), held_out=(6, 40)))
    celsius = draw.integer("temperature", Span(train=(0, 100), held_out=(150, 600)))
    atmospheres = draw.real("pressure", Span(train=(0.5, 3), held_out=(4, 20)))
    return Problem(
        {"n": number(moles), "celsius": celsius, "atm": number(atmospheres)},
        "thermodynamics",
        {
            "operation": "ideal_gas",
            "amount": moles,
            "temperature": f"{celsius} degC",
            "pressure": f"{number(atmospheres)} atm",
        },
        physics_thought(draw, "thermodynamics"),
        quantity("volume", "The gas takes up {text}."),
    )


def heating(draw: Draw) -> Problem:
    grams = draw.integer("mass", Span(train=(50, 999), held_out=(1000, 20_000)))
    start = draw.integer("start", Span(train=(5, 30), held_out=(31, 45)))
    rise = draw.integer("rise", Span(train=(5, 40), held_out=(41, 54)))
    return Problem(
        {"grams": grams, "start": start, "end": start + rise},
        "thermodynamics",
        {
            "operation": "heat",
            "mass": f"{grams} g",
            "specific_heat": 4186,
            "initial_temperature": f"{start} degC",
            "final_temperature": f"{start + rise} degC",
        },
        physics_thought(draw, "thermodynamics"),
        quantity("heat", "It takes {text}."),
    )


RESISTANCE = Span(train=(10, 999), held_out=(1000, 99_000))


def equivalent_resistance(draw: Draw) -> Problem:
    count = draw.rng.randint(2, 4)
    resistors = [draw.integer(f"r{index}", RESISTANCE) for index in range(1, count + 1)]
    connection = draw.phrase(("series", "parallel"))
    listed = ", ".join(f"{value} Ω" for value in resistors[:-1]) + f" and {resistors[-1]} Ω"
    return Problem(
        {"resistors": listed, "connection": connection},
        "circuits",
        {"operation": "equivalent_resistance", "resistors": resistors, "connection": connection},
        physics_thought(draw, "circuits"),
        quantity("equivalent_resistance", "The equivalent resistance is {text}."),
    )


def voltage_divider(draw: Draw) -> Problem:
    volts = draw.integer("volts", Span(train=(1, 24), held_out=(25, 400)))
    top = draw.integer("r1", RESISTANCE)
    bottom = draw.integer("r2", RESISTANCE)

    def answer(result: Result | None) -> tuple[str, str]:
        assert result is not None
        text = result["node_voltages"]["2"]["text"]
        return f"The voltage across R2 is {text}.", text

    return Problem(
        {"volts": volts, "r1": top, "r2": bottom},
        "circuits",
        {"operation": "solve", "netlist": f"V1 1 0 {volts}\nR1 1 2 {top}\nR2 2 0 {bottom}"},
        physics_thought(draw, "circuits"),
        answer,
    )


PHYSICS = [
    Task(
        "physics",
        "free_fall",
        (
            "A stone is dropped from rest. How far does it fall in {t} s (g = 9.81 m/s^2)?",
            "An object falls from rest for {t} seconds with g = 9.81 m/s². {Find} the distance.",
        ),
        (
            "Ignoring air, what drop height does a ball released at rest cover in {t} s? "
            "Use 9.81 m/s^2.",
        ),
        free_fall,
    ),
    Task(
        "physics",
        "acceleration",
        (
            "A car speeds up from {u} m/s to {v} m/s in {t} s. What is its acceleration?",
            "{Find} the constant acceleration taking a cart from {u} m/s to {v} m/s in {t} "
            "seconds.",
        ),
        (
            "Velocity goes {u} → {v} m/s over {t} s at a steady rate. How large is the "
            "acceleration?",
        ),
        acceleration,
    ),
    Task(
        "physics",
        "projectile",
        (
            "A ball is launched at {speed} m/s, {angle}° above the horizontal. How far does it go?",
            "{Find} the range of a projectile fired at {speed} m/s at {angle} degrees.",
        ),
        (
            "Launch speed {speed} m/s, elevation {angle}°, level ground, no drag: what is "
            "the range?",
        ),
        projectile,
    ),
    Task(
        "physics",
        "gas_volume",
        (
            "What volume do {n} mol of an ideal gas occupy at {celsius} °C and {atm} atm?",
            "{Find} the volume of {n} moles of ideal gas at {celsius} degC and {atm} atm.",
        ),
        (
            "An ideal gas sample holds {n} mol; it sits at {atm} atm and {celsius} °C. How "
            "big is it?",
        ),
        gas_volume,
    ),
    Task(
        "physics",
        "heating",
        (
            "How much heat warms {grams} g of water from {start} °C to {end} °C?",
            "{Find} the energy needed to heat {grams} g of water from {start} to {end} "
            "degrees Celsius.",
        ),
        ("Water, {grams} g, goes from {start} °C up to {end} °C. What heat must be supplied?",),
        heating,
    ),
    Task(
        "physics",
        "equivalent_resistance",
        (
            "What is the equivalent resistance of {resistors} in {connection}?",
            "{Find} the total resistance of {resistors} connected in {connection}.",
        ),
        (
            "Resistors of {resistors} are wired in {connection}. What single resistor "
            "replaces them?",
        ),
        equivalent_resistance,
    ),
    Task(
        "physics",
        "voltage_divider",
        (
            "A {volts} V source drives R1 = {r1} Ω in series with R2 = {r2} Ω. What is the voltage "
            "across R2?",
            "{Find} the output of a voltage divider with {volts} V in, R1 = {r1} Ω on top and "
            "R2 = {r2} Ω to ground.",
        ),
        (
            "Across R2 = {r2} Ω, with R1 = {r1} Ω above it and {volts} V applied, what "
            "voltage appears?",
        ),
        voltage_divider,
    ),
]
