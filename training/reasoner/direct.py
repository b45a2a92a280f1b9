"""Questions answered without a tool: greetings, concepts, and facts a tool cannot add to.

They teach the model that a tool call is for computing, not a reflex: even with tools offered,
these traces go straight to the answer.
"""

from .phrasing import Draw, Pool
from .tasks import Problem, Task, fixed

GREETINGS = Pool(
    train=("hi", "Hello!", "hey there", "Good morning!", "hello, who are you?", "Hi Svend"),
    held_out=("Greetings.", "yo, anyone there?", "Good evening, assistant."),
)
GREETING_REPLIES = (
    "Hello! I'm Svend. I can solve equations, convert units, balance reactions and work "
    "through physics and logic problems.",
    "Hi! I help with math, science and logic questions, and I use exact tools for the "
    "calculations.",
)
# (topic, explanation, short answer)
CONCEPTS = Pool(
    train=(
        (
            "pH",
            "pH measures how acidic or basic an aqueous solution is: it is minus the base-10 "
            "logarithm of the hydronium ion concentration, so 7 is neutral at 25 °C.",
            "the acidity of a solution, -log10[H3O+]",
        ),
        (
            "a derivative",
            "A derivative gives the instantaneous rate of change of a function: the slope of "
            "its tangent line at each point.",
            "the instantaneous rate of change",
        ),
        (
            "molar mass",
            "Molar mass is the mass of one mole of a substance, in grams per mole.",
            "mass per mole, in g/mol",
        ),
        (
            "a prime number",
            "A prime number is a whole number greater than 1 whose only divisors are 1 and itself.",
            "an integer > 1 divisible only by 1 and itself",
        ),
        (
            "Ohm's law",
            "Ohm's law says the voltage across a resistor is its current times its resistance.",
            "V = I R",
        ),
        (
            "Newton's second law",
            "Newton's second law says the net force on a body equals its mass times its "
            "acceleration.",
            "F = m a",
        ),
        (
            "the ideal gas law",
            "The ideal gas law relates pressure, volume, amount and temperature of an ideal gas.",
            "P V = n R T",
        ),
        (
            "a limiting reagent",
            "The limiting reagent is the reactant that runs out first and so caps how much "
            "product forms.",
            "the reactant used up first",
        ),
        (
            "an integral",
            "A definite integral adds up a quantity continuously over an interval; for a "
            "positive function it is the area under its curve.",
            "accumulated area under a curve",
        ),
        (
            "specific heat",
            "Specific heat is the energy needed to raise one kilogram (or gram) of a "
            "substance by one kelvin.",
            "heat per unit mass per degree",
        ),
        (
            "a logical contradiction",
            "A contradiction is a statement that is false under every assignment, such as "
            "'p and not p'.",
            "a statement that is always false",
        ),
    ),
    held_out=(
        (
            "a buffer solution",
            "A buffer is a mix of a weak acid and its conjugate base that resists changes in "
            "pH when small amounts of acid or base are added.",
            "a solution that resists pH change",
        ),
        (
            "kinetic energy",
            "Kinetic energy is the energy a body has because it moves: one half of its mass "
            "times its speed squared.",
            "E = m v^2 / 2",
        ),
        (
            "a tautology",
            "A tautology is a statement that is true under every assignment, such as 'p or not p'.",
            "a statement that is always true",
        ),
        (
            "the determinant of a matrix",
            "The determinant of a square matrix is the factor by which it scales volumes; it "
            "is zero exactly when the matrix is not invertible.",
            "the volume scale factor of a matrix",
        ),
    ),
)
# (element, symbol)
ELEMENTS = Pool(
    train=(
        ("sodium", "Na"),
        ("potassium", "K"),
        ("iron", "Fe"),
        ("gold", "Au"),
        ("silver", "Ag"),
        ("lead", "Pb"),
        ("copper", "Cu"),
        ("mercury", "Hg"),
        ("tin", "Sn"),
        ("helium", "He"),
        ("chlorine", "Cl"),
        ("calcium", "Ca"),
    ),
    held_out=(("tungsten", "W"), ("antimony", "Sb"), ("magnesium", "Mg"), ("zinc", "Zn")),
)
# (quantity, SI unit)
SI_UNITS = Pool(
    train=(
        ("force", "newton (N)"),
        ("energy", "joule (J)"),
        ("power", "watt (W)"),
        ("pressure", "pascal (Pa)"),
        ("electric charge", "coulomb (C)"),
        ("electric resistance", "ohm (Ω)"),
        ("amount of substance", "mole (mol)"),
        ("thermodynamic temperature", "kelvin (K)"),
    ),
    held_out=(
        ("frequency", "hertz (Hz)"),
        ("capacitance", "farad (F)"),
        ("magnetic flux density", "tesla (T)"),
    ),
)


def greeting(draw: Draw) -> Problem:
    text = draw.pick("greeting", GREETINGS)
    final = "Hello! What would you like to work out?"
    return Problem({"greeting": text}, None, None, "", fixed(draw.phrase(GREETING_REPLIES), final))


def concept(draw: Draw) -> Problem:
    topic, explanation, final = draw.pick("topic", CONCEPTS)
    return Problem({"topic": topic}, None, None, "", fixed(explanation, final))


def element_symbol(draw: Draw) -> Problem:
    element, symbol = draw.pick("element", ELEMENTS)
    sentence = f"The chemical symbol for {element} is {symbol}."
    return Problem({"element": element}, None, None, "", fixed(sentence, symbol))


def si_unit(draw: Draw) -> Problem:
    measured, unit = draw.pick("quantity", SI_UNITS)
    sentence = f"The SI unit of {measured} is the {unit}."
    return Problem({"quantity": measured}, None, None, "", fixed(sentence, unit))


DIRECT = [
    Task(
        "no_tool",
        "greeting",
        ("{greeting}",),
        ("{greeting} Can you help me with some homework?",),
        greeting,
        weight=0.5,
    ),
    Task(
        "no_tool",
        "concept",
        (
            "What does {topic} mean?",
            "Can you explain {topic} briefly?",
            "What is {topic}?",
            "what's {topic}",
        ),
        ("In one sentence, describe {topic}.", "Define {topic} for me."),
        concept,
    ),
    Task(
        "no_tool",
        "element_symbol",
        ("What is the chemical symbol for {element}?", "Which symbol does {element} have?"),
        ("On the periodic table, how is {element} written?",),
        element_symbol,
    ),
    Task(
        "no_tool",
        "si_unit",
        ("What is the SI unit of {quantity}?", "In which SI unit is {quantity} measured?"),
        ("Name the SI unit for {quantity}.",),
        si_unit,
    ),
]
