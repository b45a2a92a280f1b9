"""circuits: DC resistor networks by modified nodal analysis, and equivalent resistance.

At most MAX_ELEMENTS elements, so the sparse LU solve of the MNA system (at most a few hundred
unknowns) and the graph checks before it take well under a millisecond: the tool runs inline.
"""

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse
import scipy.sparse.linalg

from svend.tools.physics_quantities import (
    CURRENT,
    POWER,
    RESISTANCE,
    VOLTAGE,
    Kind,
    invalid,
    measured,
    si_value,
    unused_fields,
)
from svend.tools.registry import FailureKind, ToolFailure, ToolSpec

NAME = "circuits"
MAX_ELEMENTS = 200
MAX_LINE_CHARS = 200
MAX_NETLIST_CHARS = MAX_ELEMENTS * MAX_LINE_CHARS
MAX_NODE_CHARS = 30
GROUND_NAMES = {"0", "gnd"}
ELEMENT_TYPES = {"r": "resistor", "v": "voltage_source", "i": "current_source"}
ELEMENT_KINDS = {"r": RESISTANCE, "v": VOLTAGE, "i": CURRENT}
# SPICE scale suffixes; "m" is milli and "meg" is mega, as in SPICE.
SCALE_SUFFIXES = {
    "t": 1e12,
    "g": 1e9,
    "meg": 1e6,
    "k": 1e3,
    "m": 1e-3,
    "u": 1e-6,
    "µ": 1e-6,
    "n": 1e-9,
    "p": 1e-12,
    "f": 1e-15,
}
# Unit letters SPICE would ignore after a value, accepted only where they fit the element.
UNIT_WORDS = {"r": {"", "ohm", "ohms", "ω"}, "v": {"", "v"}, "i": {"", "a"}}
SPICE_VALUE = re.compile(
    r"([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?)(meg|[tgkmunpfµ])?([a-zΩω\u2126]*)", re.IGNORECASE
)
NODE_NAME = re.compile(rf"[A-Za-z0-9_.:+-]{{1,{MAX_NODE_CHARS}}}")
# Below this fraction of the largest value of its kind, a result is float noise: shown as 0.
NOISE = 1e-12
SIGN_CONVENTION = (
    "voltage = V(first node) - V(second node); current flows from the first node to the "
    "second through the element; power is absorbed power (voltage x current): negative "
    "means the element delivers power"
)

DESCRIPTION = f"""\
DC circuit analysis of resistor networks with independent sources.
Operations:
- solve: "netlist" in SPICE style, one element per line (or a list of lines): \
"R1 1 2 100" (resistor, ohms), "V1 1 0 10" (voltage source, V(1) - V(0) = 10 V), \
"I1 0 2 0.5" (current source: 0.5 A flows from node 0 through the source into node 2). \
Node 0 (or gnd) is ground. Values take SPICE suffixes (4.7k, 2meg, 10m = milli, 5u) and an \
optional unit (10V, 20mA, 1kohm); a bare M is refused as ambiguous. "DC" before a source \
value is allowed, ";" also ends a line, and lines starting with * are comments. Uses \
modified nodal analysis. Example: \
{{"operation": "solve", "netlist": "V1 1 0 12\\nR1 1 2 4k\\nR2 2 0 8k"}}.
- equivalent_resistance: either "resistors" (a list like [100, "4.7k", "2.2 kohm"]) with \
"connection" "series" or "parallel"; or a resistor-only "netlist" with "terminals" (two \
node names) for any network, bridges included. Example: {{"operation": \
"equivalent_resistance", "resistors": [100, 200, 300], "connection": "parallel"}}.
At most {MAX_ELEMENTS} elements. Floating nodes (no path to ground through resistors or \
voltage sources) and loops of voltage sources make a circuit unsolvable and fail with an \
explanation.
Result fields: every quantity is an object {{value, unit, text}}. solve: node_voltages \
(node -> voltage, ground included), elements (list of name, type, nodes, value, voltage, \
current, power), power_supplied (total power delivered by the elements that deliver it), \
sign_convention, text. equivalent_resistance: equivalent_resistance (value null and \
text "open circuit" when the terminals are not connected), text."""

PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "operation": {
            "type": "string",
            "enum": ["solve", "equivalent_resistance"],
            "description": "What to compute.",
        },
        "netlist": {
            "type": ["string", "array"],
            "minLength": 1,
            "maxLength": MAX_NETLIST_CHARS,
            "items": {"type": "string", "maxLength": MAX_LINE_CHARS},
            "minItems": 1,
            "maxItems": MAX_ELEMENTS * 2,
            "description": 'SPICE-style lines, e.g. "V1 1 0 10\\nR1 1 2 100\\nR2 2 0 300".',
        },
        "resistors": {
            "type": "array",
            "items": {"type": ["number", "string"], "minLength": 1, "maxLength": 100},
            "minItems": 1,
            "maxItems": MAX_ELEMENTS,
            "description": 'equivalent_resistance: values, e.g. [100, "4.7k", "1 kohm"].',
        },
        "connection": {
            "type": "string",
            "enum": ["series", "parallel"],
            "description": "equivalent_resistance with resistors: how they are connected.",
        },
        "terminals": {
            "type": "array",
            "items": {"type": "string", "minLength": 1, "maxLength": MAX_NODE_CHARS},
            "minItems": 2,
            "maxItems": 2,
            "description": 'equivalent_resistance with netlist: the two nodes, e.g. ["a", "b"].',
        },
    },
    "required": ["operation"],
    "additionalProperties": False,
}


@dataclass(frozen=True)
class Element:
    """One netlist line: name, type letter (r, v, i), nodes as written, and SI value."""

    name: str
    letter: str
    positive: str
    negative: str
    value: float


def component_value(text: str, field: str, kind: Kind, letter: str) -> float:
    """A SPICE value ("4.7k", "10V", "2meg") or, failing that, a Pint quantity ("1 kohm")."""
    match = SPICE_VALUE.fullmatch(text.strip())
    if match is None:
        return si_value(text, field, kind)
    number, suffix, unit = match.groups()
    if suffix == "M":
        raise invalid(f"{field}: {text!r} is ambiguous: write {number}meg for mega or {number}m")
    if unit.lower() not in UNIT_WORDS[letter]:
        return si_value(text, field, kind)
    value = float(number) * (SCALE_SUFFIXES[suffix.lower()] if suffix else 1.0)
    if not math.isfinite(value):
        raise invalid(f"{field}: {text!r} is out of range")
    return value


def netlist_lines(netlist: str | Sequence[str]) -> list[str]:
    text = netlist if isinstance(netlist, str) else "\n".join(netlist)
    return text.replace(";", "\n").splitlines()


def node_name(text: str, where: str) -> str:
    if NODE_NAME.fullmatch(text) is None:
        raise invalid(
            f"{where}: node {text!r} must be 1 to {MAX_NODE_CHARS} letters, digits or _ . : + -"
        )
    return "0" if text.lower() in GROUND_NAMES else text


def parse_netlist(netlist: str | Sequence[str]) -> list[Element]:
    """Elements of a SPICE-style netlist, checked line by line."""
    elements: list[Element] = []
    names: set[str] = set()
    for number, raw in enumerate(netlist_lines(netlist), start=1):
        line = raw.strip()
        if not line or line.startswith("*") or line.lower() in {".op", ".end"}:
            continue
        where = f"netlist: line {number} ({line[:60]!r})"
        tokens = line.split()
        letter = tokens[0][0].lower()
        if letter not in ELEMENT_TYPES:
            raise invalid(
                f"{where}: only resistors (R...), voltage sources (V...) and current "
                "sources (I...) are supported"
            )
        if len(tokens) == 5 and tokens[3].lower() == "dc":
            tokens = [*tokens[:3], tokens[4]]
        if len(tokens) != 4:
            raise invalid(f"{where}: write name, two nodes and a value, e.g. 'R1 1 2 100'")
        name = tokens[0]
        if name.lower() in names:
            raise invalid(f"{where}: the name {name} is used twice")
        names.add(name.lower())
        value = component_value(tokens[3], where, ELEMENT_KINDS[letter], letter)
        if letter == "r" and value <= 0:
            raise invalid(f"{where}: a resistance must be greater than zero")
        elements.append(
            Element(name, letter, node_name(tokens[1], where), node_name(tokens[2], where), value)
        )
        if len(elements) > MAX_ELEMENTS:
            raise invalid(f"netlist: more than {MAX_ELEMENTS} elements")
    if not elements:
        raise invalid("netlist: no elements")
    return elements


class Groups:
    """Union-find over node names: which nodes a set of elements ties together."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def root(self, node: str) -> str:
        self.parent.setdefault(node, node)
        while self.parent[node] != node:
            self.parent[node] = self.parent[self.parent[node]]
            node = self.parent[node]
        return node

    def join(self, first: str, second: str) -> bool:
        """Tie two nodes together; False when they already were (the element closes a loop)."""
        first_root, second_root = self.root(first), self.root(second)
        self.parent[first_root] = second_root
        return first_root != second_root


def check_solvable(elements: Sequence[Element], nodes: Iterable[str]) -> None:
    """Refuse voltage-source loops and floating nodes, which make the MNA matrix singular."""
    sources = Groups()
    for element in elements:
        if element.letter == "v" and not sources.join(element.positive, element.negative):
            raise invalid(
                f"netlist: voltage source {element.name} closes a loop of voltage sources (in "
                "parallel or in a ring), so their currents have no unique solution"
            )
    paths = Groups()
    for element in elements:
        if element.letter != "i":
            paths.join(element.positive, element.negative)
    floating = sorted(node for node in nodes if paths.root(node) != paths.root("0"))
    if floating:
        raise invalid(
            f"netlist: node(s) {', '.join(floating)} have no path to ground (node 0) through "
            "resistors or voltage sources, so their voltage is undetermined",
        )


@dataclass(frozen=True)
class Solution:
    """Node voltages (the reference node at 0 V) and the current through each voltage source."""

    voltages: dict[str, float]
    source_currents: dict[str, float]


def modified_nodal_analysis(elements: Sequence[Element], reference: str = "0") -> Solution:
    """Solve G v + B j = -(current sources), B^T v = (source voltages) for v and j."""
    nodes = [node for node in node_names(elements) if node != reference]
    index = {node: position for position, node in enumerate(nodes)}
    sources = [element for element in elements if element.letter == "v"]
    source_row = {source.name: len(nodes) + number for number, source in enumerate(sources)}
    size = len(nodes) + len(sources)
    entries: list[tuple[int, int, float]] = []
    right_side = np.zeros(size)
    for element in elements:
        plus, minus = index.get(element.positive), index.get(element.negative)
        if element.letter == "r":
            conductance = 1 / element.value
            pairs = ((plus, plus, 1), (minus, minus, 1), (plus, minus, -1), (minus, plus, -1))
            for row, column, sign in pairs:
                if row is not None and column is not None:
                    entries.append((row, column, sign * conductance))
        elif element.letter == "v":
            source = source_row[element.name]
            for node, sign in ((plus, 1.0), (minus, -1.0)):
                if node is not None:
                    entries += [(node, source, sign), (source, node, sign)]
            right_side[source] = element.value
        else:
            for node, sign in ((plus, -1.0), (minus, 1.0)):
                if node is not None:
                    right_side[node] += sign * element.value
    rows, columns, values = zip(*entries, strict=True) if entries else ((), (), ())
    matrix = scipy.sparse.csc_array((values, (rows, columns)), shape=(size, size))
    try:
        solution = scipy.sparse.linalg.splu(matrix).solve(right_side)
    except RuntimeError:
        raise ToolFailure(
            FailureKind.EXECUTION_FAILED,
            "netlist: the circuit equations are numerically singular; check for resistances "
            "that differ by very many orders of magnitude",
        ) from None
    if not np.all(np.isfinite(solution)):
        raise ToolFailure(FailureKind.EXECUTION_FAILED, "netlist: the solution is not finite")
    return Solution(
        voltages={reference: 0.0} | {node: float(solution[index[node]]) for node in nodes},
        source_currents={name: float(solution[row]) for name, row in source_row.items()},
    )


def without_noise(values: Mapping[str, float]) -> dict[str, float]:
    scale = max((abs(value) for value in values.values()), default=0.0)
    return {key: 0.0 if abs(value) <= NOISE * scale else value for key, value in values.items()}


def node_names(elements: Iterable[Element]) -> list[str]:
    """Every node, in order of first appearance."""
    return list(dict.fromkeys(node for e in elements for node in (e.positive, e.negative)))


def solve_circuit(elements: Sequence[Element]) -> dict[str, Any]:
    nodes = [node for node in node_names(elements) if node != "0"]
    check_solvable(elements, nodes)
    solved = modified_nodal_analysis(elements)
    voltages = without_noise({node: solved.voltages[node] for node in ["0", *nodes]})
    drops = {e.name: voltages[e.positive] - voltages[e.negative] for e in elements}
    currents = without_noise(
        {
            e.name: drops[e.name] / e.value
            if e.letter == "r"
            else solved.source_currents[e.name]
            if e.letter == "v"
            else e.value
            for e in elements
        }
    )
    powers = without_noise({e.name: drops[e.name] * currents[e.name] for e in elements})
    supplied = -sum(power for power in powers.values() if power < 0)
    return {
        "operation": "solve",
        "node_voltages": {node: measured(voltage, VOLTAGE) for node, voltage in voltages.items()},
        "elements": [
            {
                "name": e.name,
                "type": ELEMENT_TYPES[e.letter],
                "nodes": [e.positive, e.negative],
                "value": measured(e.value, ELEMENT_KINDS[e.letter]),
                "voltage": measured(drops[e.name], VOLTAGE),
                "current": measured(currents[e.name], CURRENT),
                "power": measured(powers[e.name], POWER),
            }
            for e in elements
        ],
        "power_supplied": measured(supplied, POWER),
        "sign_convention": SIGN_CONVENTION,
        "text": ", ".join(
            f"V({node}) = {measured(voltages[node], VOLTAGE)['text']}" for node in nodes
        ),
    }


def resistance_between(elements: Sequence[Element], terminals: Sequence[str]) -> float | None:
    """Resistance seen between two nodes (None: not connected), by driving 1 A between them."""
    if any(element.letter != "r" for element in elements):
        raise invalid("netlist: equivalent_resistance takes resistors only; remove the sources")
    first, second = (node_name(node, "terminals") for node in terminals)
    if first == second:
        raise invalid("terminals: name two different nodes")
    groups = Groups()
    for element in elements:
        groups.join(element.positive, element.negative)
    known = {node for element in elements for node in (element.positive, element.negative)}
    for node in (first, second):
        if node not in known:
            raise invalid(f"terminals: node {node!r} is not in the netlist")
    if groups.root(first) != groups.root(second):
        return None
    network = [e for e in elements if groups.root(e.positive) == groups.root(first)]
    # 1 A driven into the first terminal and out of the second, the reference node.
    network.append(Element("test current", "i", second, first, 1.0))
    return modified_nodal_analysis(network, reference=second).voltages[first]


def combined_resistance(values: Sequence[float], connection: str) -> float:
    if connection == "series":
        return math.fsum(values)
    if any(value == 0 for value in values):
        return 0.0
    return 1 / math.fsum(1 / value for value in values)


def equivalent_resistance(arguments: Mapping[str, Any]) -> dict[str, Any]:
    if "resistors" in arguments:
        if "netlist" in arguments or "terminals" in arguments:
            raise invalid("resistors: give resistors with connection, or netlist with terminals")
        if "connection" not in arguments:
            raise invalid('connection: say "series" or "parallel"')
        values = [
            component_value(value, f"resistors[{n}]", RESISTANCE, "r")
            if isinstance(value, str)
            else float(value)
            for n, value in enumerate(arguments["resistors"])
        ]
        for n, value in enumerate(values):
            if value < 0 or not math.isfinite(value):
                raise invalid(f"resistors[{n}]: must be zero or more, got {value:g}")
        resistance: float | None = combined_resistance(values, arguments["connection"])
    else:
        if "netlist" not in arguments or "terminals" not in arguments:
            missing = "netlist" if "netlist" not in arguments else "terminals"
            raise invalid(f"{missing}: give resistors with connection, or netlist with terminals")
        if "connection" in arguments:
            raise invalid("connection: only used with resistors")
        resistance = resistance_between(parse_netlist(arguments["netlist"]), arguments["terminals"])
    if resistance is None:
        return {
            "operation": "equivalent_resistance",
            "equivalent_resistance": {"value": None, "unit": "Ω", "text": "open circuit"},
            "text": "the terminals are not connected: open circuit",
        }
    shown = measured(resistance, RESISTANCE)
    return {
        "operation": "equivalent_resistance",
        "equivalent_resistance": shown,
        "text": f"equivalent resistance = {shown['text']}",
    }


def circuits(arguments: Mapping[str, Any]) -> dict[str, Any]:
    """Entry point: dispatch on operation after refusing fields it does not read."""
    operation = arguments["operation"]
    if operation == "solve":
        if failure := unused_fields(arguments, ["operation", "netlist"], operation):
            raise failure
        if "netlist" not in arguments:
            raise invalid("netlist: solve needs a netlist")
        return solve_circuit(parse_netlist(arguments["netlist"]))
    return equivalent_resistance(arguments)


CIRCUITS = ToolSpec(
    name=NAME,
    description=DESCRIPTION,
    parameters=PARAMETERS,
    function=circuits,
    isolated=False,
)
