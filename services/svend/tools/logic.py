"""logic_solver: constraint satisfaction and optimisation with the Z3 SMT solver.

Constraints arrive either as small expressions ("x + y == 10", "Implies(a, b)") or as SMT-LIB2
text. The expressions are never evaluated: Python's `ast` parses them and a whitelist of node
types and names is walked to build Z3 terms. SMT-LIB text is limited to declarations and
assertions, because Z3's set-option can make the solver write files. The solver gets its own
timeout below the worker's hard limit, so a hard problem answers "unknown" instead of killing
the worker. Runs in a worker process (see runner.py).
"""

import ast
import keyword
import math
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import z3

from svend.tools.registry import FailureKind, ToolFailure, ToolSpec

NAME = "logic_solver"
MAX_VARIABLES = 200
MAX_CONSTRAINTS = 500
MAX_CONSTRAINT_CHARS = 2000
MAX_SMTLIB_CHARS = 50_000
MAX_ALLOWED_VALUES = 1000
MAX_SOLUTIONS = 1000
DEFAULT_SOLUTIONS = 100
MAX_EXPONENT = 32
MAX_CONSTANT_BITS = 4096
MIN_TIMEOUT_MS = 100
# Below the service's default 10 s hard limit, so "unknown" comes back before the worker dies.
MAX_TIMEOUT_MS = 8000
DEFAULT_TIMEOUT_MS = 5000
# Whole numbers beyond this lose precision as JSON doubles, so they are returned as text.
MAX_EXACT_JSON_INT = 2**53
MAX_SHOWN_CHARS = 200
VARIABLE_TYPES = ("int", "real", "bool")
# SMT-LIB commands that only declare or assert; anything else is refused.
SMTLIB_COMMANDS = frozenset(
    {
        "set-logic",
        "set-info",
        "declare-const",
        "declare-fun",
        "define-fun",
        "define-fun-rec",
        "define-funs-rec",
        "declare-sort",
        "define-sort",
        "declare-datatype",
        "declare-datatypes",
        "assert",
        "check-sat",
        "get-model",
        "exit",
    }
)
SMTLIB_TOKEN = re.compile(r';[^\n]*|"(?:[^"]|"")*"|\|[^|]*\||[()]|[^\s()";|]+|\s+')

DESCRIPTION = f"""\
Solve logic and constraint problems with the Z3 SMT solver: is there an assignment that \
satisfies every constraint (sat), none (unsat), or could the solver not decide in time \
(unknown)? Use it for puzzles, scheduling, integer/real equation systems, and proofs by \
contradiction.
Two ways to state a problem:
- "variables" + "constraints": declare each variable with a name and type ("int", "real", \
"bool") and optionally a domain: "min"/"max" bounds or "values" (allowed values), e.g. \
{{"name": "x", "type": "int", "min": 0, "max": 9}}. Constraints are expressions over them: \
"x + y == 10", "x > 2 and y < 5", "x % 3 == 1", "2*x - y/3 <= 4.5", "x**2 == 49", \
"Or(a, b)", "Not(a)", "Implies(a, b)", "Xor(a, b)", "If(a, x, y) > 0", \
"Distinct(x, y, z)", "Sum(x, y, z) == 12", "Abs(x - y) == 1", "Min(x, y) == 3", \
"Max(x, y) == 5", "AtMost(a, b, c, 1)", "AtLeast(a, b, c, 2)", "Exactly(a, b, c, 1)". \
Also and/or/not, chained comparisons "0 <= x < 10", "a if c else b". "/" is exact division, \
"//" and "%" are integer division and remainder (for a positive divisor, as in Python); \
powers need a whole-number exponent from 0 to {MAX_EXPONENT}.
- "smtlib": SMT-LIB2 text with declare-const/declare-fun/define-fun/assert (other commands \
such as set-option are refused).
Options: "all_solutions": true lists every solution up to "max_solutions" (default \
{DEFAULT_SOLUTIONS}, at most {MAX_SOLUTIONS}); "minimize" or "maximize": an expression to \
optimise, e.g. "3*x + 2*y"; "unsat_core": true names a small set of conflicting constraints \
when the answer is unsat; "timeout_ms" (default {DEFAULT_TIMEOUT_MS}, at most {MAX_TIMEOUT_MS}).
Result fields: status ("sat", "unsat" or "unknown"); reason (why unknown); model (variable -> \
value: ints as integers (as text beyond 2^53), bools as true/false, reals as {{"exact": \
"3/2", "float": 1.5}}, irrational ones with "algebraic": true); \
with all_solutions: solutions (list of models), solution_count, complete (true when no \
other solution exists); with an objective: objective {{"sense", "expression", "value", \
"optimal"}} where value is null and "bound" describes it when the optimum is unbounded or \
not attained; with unsat_core: unsat_core (list of {{"source": "constraints[1]", "text": \
...}}; domains appear as "variables[0].max" and SMT-LIB assertions as "assertions[2]"); \
text (a one-line summary)."""

VALUE_SCHEMA: dict[str, Any] = {"type": "number"}

PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "variables": {
            "type": "array",
            "description": (
                'The unknowns, e.g. [{"name": "x", "type": "int", "min": 0, "max": 9}, '
                '{"name": "flag", "type": "bool"}].'
            ),
            "minItems": 1,
            "maxItems": MAX_VARIABLES,
            "items": {
                "type": "object",
                "properties": {
                    "name": {
                        "type": "string",
                        "pattern": "^[A-Za-z][A-Za-z0-9_]*$",
                        "maxLength": 64,
                        "description": "Variable name: a letter, then letters, digits or _.",
                    },
                    "type": {
                        "type": "string",
                        "enum": list(VARIABLE_TYPES),
                        "description": "int (whole numbers), real (exact rationals) or bool.",
                    },
                    "min": VALUE_SCHEMA | {"description": "Smallest allowed value (inclusive)."},
                    "max": VALUE_SCHEMA | {"description": "Largest allowed value (inclusive)."},
                    "values": {
                        "type": "array",
                        "items": VALUE_SCHEMA,
                        "minItems": 1,
                        "maxItems": MAX_ALLOWED_VALUES,
                        "description": "The only values allowed, e.g. [1, 2, 4, 8].",
                    },
                },
                "required": ["name", "type"],
                "additionalProperties": False,
            },
        },
        "constraints": {
            "type": "array",
            "description": 'Conditions that must all hold, e.g. ["x + y == 10", "x > y"].',
            "maxItems": MAX_CONSTRAINTS,
            "items": {"type": "string", "minLength": 1, "maxLength": MAX_CONSTRAINT_CHARS},
        },
        "smtlib": {
            "type": "string",
            "minLength": 1,
            "maxLength": MAX_SMTLIB_CHARS,
            "description": (
                'The problem as SMT-LIB2, e.g. "(declare-const x Int) (assert (> x 2))"; '
                "instead of variables and constraints."
            ),
        },
        "all_solutions": {
            "type": "boolean",
            "description": "List every solution (up to max_solutions), not just one.",
        },
        "max_solutions": {
            "type": "integer",
            "minimum": 1,
            "maximum": MAX_SOLUTIONS,
            "description": f"How many solutions all_solutions lists at most ({DEFAULT_SOLUTIONS}).",
        },
        "minimize": {
            "type": "string",
            "minLength": 1,
            "maxLength": MAX_CONSTRAINT_CHARS,
            "description": 'An expression to make as small as possible, e.g. "x + 2*y".',
        },
        "maximize": {
            "type": "string",
            "minLength": 1,
            "maxLength": MAX_CONSTRAINT_CHARS,
            "description": 'An expression to make as large as possible, e.g. "profit".',
        },
        "unsat_core": {
            "type": "boolean",
            "description": "When unsat, name a small set of constraints that conflict.",
        },
        "timeout_ms": {
            "type": "integer",
            "minimum": MIN_TIMEOUT_MS,
            "maximum": MAX_TIMEOUT_MS,
            "description": f"Solver time budget in milliseconds (default {DEFAULT_TIMEOUT_MS}).",
        },
    },
    "additionalProperties": False,
}


def invalid(message: str) -> ToolFailure:
    return ToolFailure(FailureKind.INVALID_ARGUMENTS, message)


def shown(text: str) -> str:
    """Text quoted in a message, cut short when long."""
    return text if len(text) <= MAX_SHOWN_CHARS else text[:MAX_SHOWN_CHARS] + "…"


def sort_word(term: z3.ExprRef) -> str:
    if z3.is_bool(term):
        return "a true/false condition"
    if z3.is_int(term):
        return "an int"
    if z3.is_real(term):
        return "a real"
    return f"of sort {term.sort()}"


def exactly(conditions: list[z3.BoolRef], count: int) -> z3.BoolRef:
    return z3.PbEq([(condition, 1) for condition in conditions], count)


def minimum(terms: list[z3.ArithRef]) -> z3.ArithRef:
    result = terms[0]
    for term in terms[1:]:
        result = z3.If(term < result, term, result)
    return result


def maximum(terms: list[z3.ArithRef]) -> z3.ArithRef:
    result = terms[0]
    for term in terms[1:]:
        result = z3.If(term > result, term, result)
    return result


@dataclass(frozen=True)
class Function:
    """A callable name in constraints: argument kinds, how many, and how to build the term."""

    operands: str  # "bool", "arith" or "any" (If: condition, then two values of one kind)
    min_args: int
    max_args: int | None
    build: Callable[[list[z3.ExprRef]], z3.ExprRef]


FUNCTIONS: dict[str, Function] = {
    "And": Function("bool", 1, None, lambda args: z3.And(*args)),
    "Or": Function("bool", 1, None, lambda args: z3.Or(*args)),
    "Not": Function("bool", 1, 1, lambda args: z3.Not(args[0])),
    "Implies": Function("bool", 2, 2, lambda args: z3.Implies(*args)),
    "Xor": Function("bool", 2, 2, lambda args: z3.Xor(*args)),
    "If": Function("any", 3, 3, lambda args: z3.If(*args)),
    "Distinct": Function("any", 2, None, lambda args: z3.Distinct(*args)),
    "Sum": Function("arith", 1, None, lambda args: z3.Sum(*args)),
    "Abs": Function("arith", 1, 1, lambda args: z3.If(args[0] < 0, -args[0], args[0])),
    "Min": Function("arith", 1, None, minimum),
    "Max": Function("arith", 1, None, maximum),
}
FUNCTIONS["abs"] = FUNCTIONS["Abs"]
FUNCTIONS["min"] = FUNCTIONS["Min"]
FUNCTIONS["max"] = FUNCTIONS["Max"]
# Conditions then a whole-number count: AtMost(a, b, c, 1).
COUNTING_FUNCTIONS: dict[str, Callable[[list[z3.BoolRef], int], z3.BoolRef]] = {
    "AtMost": lambda conditions, count: z3.AtMost(*conditions, count),
    "AtLeast": lambda conditions, count: z3.AtLeast(*conditions, count),
    "Exactly": exactly,
}
RESERVED_NAMES = frozenset(FUNCTIONS) | frozenset(COUNTING_FUNCTIONS) | {"True", "False"}

COMPARISONS: dict[type[ast.cmpop], Callable[[z3.ExprRef, z3.ExprRef], z3.BoolRef]] = {
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
}
OPERATOR_WORDS: dict[type[ast.AST], str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.Pow: "**",
}


class TermBuilder:
    """Builds Z3 terms from an expression's syntax tree, allowing only whitelisted forms."""

    def __init__(self, names: Mapping[str, z3.ExprRef], undeclared_hint: str) -> None:
        self.names = names
        self.undeclared_hint = undeclared_hint

    def parse(self, text: str, field: str) -> z3.ExprRef:
        """The Z3 term for `text`; INVALID_ARGUMENTS naming `field` when it is not allowed."""
        source = text.strip()
        if not source:
            raise invalid(f"{field}: the expression is empty")
        try:
            tree = ast.parse(source, mode="eval")
        except SyntaxError as error:
            hint = ""
            if re.search(r"(?<![=<>!])=(?!=)", source):
                hint = " (write '==' for equality)"
            raise invalid(f"{field}: cannot parse {shown(source)!r}{hint}: {error.msg}") from None
        except (ValueError, MemoryError, RecursionError):
            raise invalid(f"{field}: cannot parse {shown(source)!r}") from None
        try:
            return self.term(tree.body, field)
        except RecursionError:
            raise invalid(f"{field}: the expression is nested too deeply") from None
        except z3.Z3Exception as error:
            raise invalid(f"{field}: {z3_message(error)}") from None

    def term(self, node: ast.AST, field: str) -> z3.ExprRef:
        match node:
            case ast.Constant(value=bool() as value):
                return z3.BoolVal(value)
            case ast.Constant(value=int() as value):
                return z3.IntVal(value)
            case ast.Constant(value=float() as value):
                if not math.isfinite(value):
                    raise invalid(f"{field}: numbers must be finite")
                return z3.RealVal(str(Fraction(repr(value))))
            case ast.Name(id=name):
                return self.variable(name, field)
            case ast.UnaryOp(op=ast.Not() | ast.Invert(), operand=operand):
                return z3.Not(self.condition(operand, field, "not"))
            case ast.UnaryOp(op=ast.USub(), operand=operand):
                return -self.number(operand, field, "-")
            case ast.UnaryOp(op=ast.UAdd(), operand=operand):
                return self.number(operand, field, "+")
            case ast.BoolOp(op=operator, values=values):
                word = "and" if isinstance(operator, ast.And) else "or"
                conditions = [self.condition(value, field, word) for value in values]
                return z3.And(*conditions) if word == "and" else z3.Or(*conditions)
            case ast.BinOp(op=ast.BitAnd() | ast.BitOr() as operator, left=left, right=right):
                word = "&" if isinstance(operator, ast.BitAnd) else "|"
                pair = [self.condition(side, field, word) for side in (left, right)]
                return z3.And(*pair) if word == "&" else z3.Or(*pair)
            case ast.BinOp(op=ast.BitXor()):
                raise invalid(f"{field}: '^' is not allowed; write x**2 for a power or Xor(a, b)")
            case ast.BinOp():
                return self.arithmetic(node, field)
            case ast.Compare(left=left, ops=operators, comparators=rights):
                return self.comparison(left, operators, rights, field)
            case ast.IfExp(test=test, body=body, orelse=orelse):
                condition = self.condition(test, field, "if")
                return z3.If(condition, *self.branches(body, orelse, field))
            case ast.Call():
                return self.call(node, field)
            case ast.Constant(value=value):
                raise invalid(f"{field}: only numbers and True/False are allowed, not {value!r}")
        raise invalid(f"{field}: {describe_node(node)} is not allowed in a constraint")

    def variable(self, name: str, field: str) -> z3.ExprRef:
        if name in self.names:
            return self.names[name]
        if name in FUNCTIONS or name in COUNTING_FUNCTIONS:
            raise invalid(f"{field}: {name} is a function; call it as {name}(...)")
        raise invalid(f"{field}: unknown name {name!r}; {self.undeclared_hint}")

    def condition(self, node: ast.AST, field: str, where: str) -> z3.BoolRef:
        term = self.term(node, field)
        if not z3.is_bool(term):
            raise invalid(
                f"{field}: {where} needs a true/false condition, but "
                f"{shown(ast.unparse(node))!r} is {sort_word(term)}"
            )
        return term

    def number(self, node: ast.AST, field: str, where: str) -> z3.ArithRef:
        term = self.term(node, field)
        if not z3.is_arith(term):
            raise invalid(
                f"{field}: {where} needs a number, but {shown(ast.unparse(node))!r} is "
                f"{sort_word(term)}"
            )
        return term

    def whole_number(self, node: ast.AST, field: str, where: str) -> z3.ArithRef:
        term = self.number(node, field, where)
        if not z3.is_int(term):
            raise invalid(
                f"{field}: {where} needs whole numbers, but {shown(ast.unparse(node))!r} is a real"
            )
        return term

    def arithmetic(self, node: ast.BinOp, field: str) -> z3.ArithRef:
        word = OPERATOR_WORDS.get(type(node.op))
        if word is None:
            raise invalid(f"{field}: the operator in {shown(ast.unparse(node))!r} is not allowed")
        if word == "**":
            return self.power(node, field)
        if word in ("//", "%"):
            left = self.whole_number(node.left, field, word)
            right = self.whole_number(node.right, field, word)
            return left / right if word == "//" else left % right
        left = self.number(node.left, field, word)
        right = self.number(node.right, field, word)
        if word == "/":
            return z3.ToReal(left) / z3.ToReal(right) if z3.is_int(left) else left / right
        return {"+": left + right, "-": left - right, "*": left * right}[word]

    def power(self, node: ast.BinOp, field: str) -> z3.ArithRef:
        base = self.number(node.left, field, "**")
        exponent = node.right
        if not (isinstance(exponent, ast.Constant) and type(exponent.value) is int):
            exponent_value = -1
        else:
            exponent_value = exponent.value
        if z3.is_int_value(base) and exponent_value >= 0:
            # A constant such as 2**60 is computed exactly, up to a size that stays cheap.
            value = base.as_long()
            if value.bit_length() * exponent_value > MAX_CONSTANT_BITS:
                raise invalid(
                    f"{field}: {shown(ast.unparse(node))!r} is too large (over "
                    f"{MAX_CONSTANT_BITS} bits)"
                )
            return z3.IntVal(value**exponent_value)
        if not 0 <= exponent_value <= MAX_EXPONENT:
            raise invalid(
                f"{field}: the exponent in {shown(ast.unparse(node))!r} must be a whole number "
                f"from 0 to {MAX_EXPONENT}"
            )
        return base**exponent_value

    def comparison(
        self,
        left: ast.expr,
        operators: Sequence[ast.cmpop],
        rights: Sequence[ast.expr],
        field: str,
    ) -> z3.BoolRef:
        """One comparison, or a chain such as 0 <= x < 10 read as a conjunction."""
        if any(type(operator) not in COMPARISONS for operator in operators):
            raise invalid(f"{field}: only ==, !=, <, <=, >, >= comparisons are allowed")
        terms = [self.term(left, field)] + [self.term(right, field) for right in rights]
        nodes = [left, *rights]
        links = []
        for index, operator in enumerate(operators):
            compare = COMPARISONS[type(operator)]
            first, second = terms[index], terms[index + 1]
            ordering = not isinstance(operator, ast.Eq | ast.NotEq)
            both_numbers = z3.is_arith(first) and z3.is_arith(second)
            if (ordering and not both_numbers) or (
                not ordering and not both_numbers and not first.sort().eq(second.sort())
            ):
                raise invalid(
                    f"{field}: cannot compare {shown(ast.unparse(nodes[index]))!r} "
                    f"({sort_word(first)}) with {shown(ast.unparse(nodes[index + 1]))!r} "
                    f"({sort_word(second)})"
                )
            links.append(compare(first, second))
        return links[0] if len(links) == 1 else z3.And(*links)

    def branches(
        self, then: ast.expr, otherwise: ast.expr, field: str
    ) -> tuple[z3.ExprRef, z3.ExprRef]:
        """The two values of an If, which must be of one kind (both numbers, or both bool)."""
        first, second = self.term(then, field), self.term(otherwise, field)
        same_kind = (z3.is_arith(first) and z3.is_arith(second)) or first.sort().eq(second.sort())
        if not same_kind:
            raise invalid(
                f"{field}: If needs two values of the same kind, but got {sort_word(first)} "
                f"and {sort_word(second)}"
            )
        return first, second

    def call(self, node: ast.Call, field: str) -> z3.ExprRef:
        if not isinstance(node.func, ast.Name):
            raise invalid(f"{field}: only the listed functions can be called, e.g. Or(a, b)")
        name = node.func.id
        if node.keywords or any(isinstance(argument, ast.Starred) for argument in node.args):
            raise invalid(f"{field}: {name} takes plain arguments only")
        if name in COUNTING_FUNCTIONS:
            return self.counting(name, node.args, field)
        function = FUNCTIONS.get(name)
        if function is None:
            known = ", ".join(sorted({*FUNCTIONS, *COUNTING_FUNCTIONS}))
            raise invalid(f"{field}: unknown function {name!r}; known functions: {known}")
        count = len(node.args)
        if count < function.min_args or (
            function.max_args is not None and count > function.max_args
        ):
            least = "" if function.max_args == function.min_args else "at least "
            plural = "s" if function.min_args != 1 else ""
            raise invalid(
                f"{field}: {name} takes {least}{function.min_args} argument{plural}, not {count}"
            )
        if name == "If":
            condition = self.condition(node.args[0], field, "If")
            return function.build([condition, *self.branches(node.args[1], node.args[2], field)])
        if function.operands == "bool":
            arguments: list[z3.ExprRef] = [
                self.condition(argument, field, name) for argument in node.args
            ]
        elif function.operands == "arith":
            arguments = [self.number(argument, field, name) for argument in node.args]
        else:
            arguments = [self.term(argument, field) for argument in node.args]
            numbers = all(z3.is_arith(argument) for argument in arguments)
            if not numbers and any(not a.sort().eq(arguments[0].sort()) for a in arguments):
                raise invalid(f"{field}: {name} needs arguments of one kind")
        return function.build(arguments)

    def counting(self, name: str, arguments: list[ast.expr], field: str) -> z3.BoolRef:
        """AtMost / AtLeast / Exactly: conditions followed by a whole-number count."""
        if len(arguments) < 2:
            raise invalid(f"{field}: {name} takes conditions then a count, e.g. {name}(a, b, 1)")
        *conditions, count = arguments
        if not (isinstance(count, ast.Constant) and type(count.value) is int):
            raise invalid(f"{field}: the last argument of {name} must be a whole-number count")
        terms = [self.condition(condition, field, name) for condition in conditions]
        return COUNTING_FUNCTIONS[name](terms, count.value)


def describe_node(node: ast.AST) -> str:
    try:
        return repr(shown(ast.unparse(node)))
    except (ValueError, TypeError, RecursionError):
        return type(node).__name__


def z3_message(error: z3.Z3Exception) -> str:
    """Z3's error text without its byte-string and s-expression wrapping."""
    value = error.value
    text = value.decode(errors="replace") if isinstance(value, bytes) else str(value)
    text = text.strip()
    match = re.fullmatch(r'\(error "(.*)"\)', text, re.DOTALL)
    return shown(match.group(1) if match else text)


@dataclass(frozen=True)
class Problem:
    """A parsed problem: named unknowns, labelled constraints, and how to build objectives."""

    variables: dict[str, z3.ExprRef]
    constraints: list[tuple[str, str, z3.BoolRef]]  # (source field, text, term)
    builder: TermBuilder


def number_literal(value: float, kind: str, field: str) -> z3.ArithRef:
    if not math.isfinite(value):
        raise invalid(f"{field}: must be a finite number")
    if kind == "int":
        if value != int(value):
            raise invalid(f"{field}: an int variable needs whole numbers, not {value!r}")
        return z3.IntVal(int(value))
    return z3.RealVal(str(Fraction(repr(float(value)))))


def plain_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def domain_constraints(
    index: int, spec: Mapping[str, Any], variable: z3.ExprRef
) -> list[tuple[str, str, z3.BoolRef]]:
    """The bounds and allowed values of one variable, as labelled constraints."""
    field = f"variables[{index}]"
    name, kind = spec["name"], spec["type"]
    present = [key for key in ("min", "max", "values") if key in spec]
    if kind == "bool" and present:
        raise invalid(f"{field}.{present[0]}: a bool variable takes no domain")
    result = []
    low, high = spec.get("min"), spec.get("max")
    if low is not None and high is not None and low > high:
        raise invalid(f"{field}.min: {plain_number(low)} is above max {plain_number(high)}")
    if low is not None:
        bound = number_literal(low, kind, f"{field}.min")
        result.append((f"{field}.min", f"{name} >= {plain_number(low)}", variable >= bound))
    if high is not None:
        bound = number_literal(high, kind, f"{field}.max")
        result.append((f"{field}.max", f"{name} <= {plain_number(high)}", variable <= bound))
    if "values" in spec:
        allowed = [
            number_literal(value, kind, f"{field}.values[{position}]")
            for position, value in enumerate(spec["values"])
        ]
        listed = ", ".join(plain_number(value) for value in spec["values"])
        text = shown(f"{name} in {{{listed}}}")
        result.append((f"{field}.values", text, z3.Or(*[variable == v for v in allowed])))
    return result


def declared_problem(arguments: Mapping[str, Any]) -> Problem:
    """Variables and constraints from the JSON form."""
    variables: dict[str, z3.ExprRef] = {}
    constraints: list[tuple[str, str, z3.BoolRef]] = []
    for index, spec in enumerate(arguments["variables"]):
        name = spec["name"]
        field = f"variables[{index}].name"
        if name in variables:
            raise invalid(f"{field}: {name!r} is declared twice")
        if name in RESERVED_NAMES or keyword.iskeyword(name):
            raise invalid(f"{field}: {name!r} is a reserved word; choose another name")
        constructor = {"int": z3.Int, "real": z3.Real, "bool": z3.Bool}[spec["type"]]
        variables[name] = constructor(name)
        constraints.extend(domain_constraints(index, spec, variables[name]))
    builder = TermBuilder(variables, "declare it in variables")
    for index, text in enumerate(arguments.get("constraints", [])):
        field = f"constraints[{index}]"
        term = builder.parse(text, field)
        if not z3.is_bool(term):
            raise invalid(
                f"{field}: {shown(text.strip())!r} is {sort_word(term)}, not a condition "
                "(write a comparison such as x == 3)"
            )
        constraints.append((field, text.strip(), term))
    return Problem(variables, constraints, builder)


def smtlib_commands(text: str) -> list[str]:
    """The head symbol of each top-level SMT-LIB command, skipping comments and strings."""
    heads: list[str] = []
    depth = 0
    expecting_head = False
    for match in SMTLIB_TOKEN.finditer(text):
        token = match.group()
        if token.isspace() or token.startswith(";"):
            continue
        if token == "(":
            if depth == 0:
                expecting_head = True
            depth += 1
            continue
        if token == ")":
            depth -= 1
            if depth < 0:
                raise invalid("smtlib: unbalanced ')'")
            continue
        if expecting_head:
            heads.append(token)
            expecting_head = False
        elif depth == 0:
            raise invalid(f"smtlib: {shown(token)!r} is outside any command")
    return heads


def constants_of(terms: Sequence[z3.ExprRef]) -> dict[str, z3.ExprRef]:
    """The uninterpreted constants (declared unknowns) that occur in the terms."""
    found: dict[str, z3.ExprRef] = {}
    seen: set[int] = set()
    pending = list(terms)
    while pending:
        term = pending.pop()
        if term.get_id() in seen:
            continue
        seen.add(term.get_id())
        if z3.is_const(term) and term.decl().kind() == z3.Z3_OP_UNINTERPRETED:
            found[str(term)] = term
        elif z3.is_app(term):
            pending.extend(term.children())
        elif z3.is_quantifier(term):
            pending.append(term.body())
    return {name: found[name] for name in sorted(found)}


def smtlib_problem(text: str) -> Problem:
    """Assertions from SMT-LIB2 text that only declares and asserts."""
    for head in smtlib_commands(text):
        if head not in SMTLIB_COMMANDS:
            raise invalid(
                f"smtlib: the command {shown(head)!r} is not allowed; use declarations and "
                "assert (optimise with the minimize/maximize arguments)"
            )
    try:
        assertions = list(z3.parse_smt2_string(text))
    except z3.Z3Exception as error:
        raise invalid(f"smtlib: {z3_message(error)}") from None
    constraints = [
        (f"assertions[{index}]", shown(assertion.sexpr()), assertion)
        for index, assertion in enumerate(assertions)
    ]
    variables = constants_of(assertions)
    builder = TermBuilder(variables, "it does not occur in the SMT-LIB assertions")
    return Problem(variables, constraints, builder)


def json_number(value: int) -> int | str:
    return value if abs(value) <= MAX_EXACT_JSON_INT else str(value)


def fraction_float(value: Fraction) -> float | None:
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def model_value(value: z3.ExprRef) -> Any:
    """A model value as JSON: ints, bools, reals as exact text plus float, others as text."""
    if z3.is_true(value) or z3.is_false(value):
        return z3.is_true(value)
    if z3.is_int_value(value):
        return json_number(value.as_long())
    if z3.is_rational_value(value):
        exact = value.as_fraction()
        return {"exact": str(exact), "float": fraction_float(exact)}
    if z3.is_algebraic_value(value):
        return {
            "exact": value.sexpr(),
            "float": fraction_float(value.approx(20).as_fraction()),
            "algebraic": True,
        }
    if z3.is_bv_value(value):
        return json_number(value.as_long())
    return shown(value.sexpr())


def read_model(model: z3.ModelRef, variables: Mapping[str, z3.ExprRef]) -> dict[str, Any]:
    return {
        name: model_value(model.eval(term, model_completion=True))
        for name, term in variables.items()
    }


def model_text(model: Mapping[str, Any]) -> str:
    parts = []
    for name, value in model.items():
        if isinstance(value, dict):
            value = value["exact"]
        elif isinstance(value, bool):
            value = str(value).lower()
        parts.append(f"{name} = {value}")
    return shown(", ".join(parts))


class Deadline:
    """The call's whole time budget, shared by every solver check it makes."""

    def __init__(self, milliseconds: int) -> None:
        self.end = time.monotonic() + milliseconds / 1000

    def remaining_ms(self) -> int:
        return max(0, int((self.end - time.monotonic()) * 1000))


def status_of(result: z3.CheckSatResult) -> str:
    if result == z3.sat:
        return "sat"
    return "unsat" if result == z3.unsat else "unknown"


def check(solver: z3.Solver | z3.Optimize, deadline: Deadline) -> str:
    remaining = deadline.remaining_ms()
    if remaining <= 0:
        return "unknown"
    solver.set("timeout", remaining)
    return status_of(solver.check())


def unknown_reason(solver: z3.Solver | z3.Optimize, deadline: Deadline) -> str:
    if deadline.remaining_ms() <= 0:
        return "timeout"
    reason = solver.reason_unknown()
    return reason if reason else "unknown"


def add_constraints(
    solver: z3.Solver | z3.Optimize, problem: Problem, track: bool
) -> dict[str, tuple[str, str]]:
    """Assert every constraint; when tracked, map each label name to its source and text."""
    labels: dict[str, tuple[str, str]] = {}
    if track and isinstance(solver, z3.Solver):
        # Smaller cores name fewer constraints, which makes the conflict easier to see.
        solver.set("core.minimize", True)
    for source, text, term in problem.constraints:
        if track:
            label = z3.FreshBool("constraint")
            labels[str(label)] = (source, text)
            solver.assert_and_track(term, label)
        else:
            solver.add(term)
    return labels


def core_of(
    solver: z3.Solver | z3.Optimize, labels: Mapping[str, tuple[str, str]]
) -> list[dict[str, str]]:
    """The conflicting constraints, in the order they were given."""
    in_core = {str(label) for label in solver.unsat_core()}
    return [
        {"source": source, "text": text}
        for label, (source, text) in labels.items()
        if label in in_core
    ]


def objective_value(
    model: z3.ModelRef, handle: z3.OptimizeObjective, term: z3.ArithRef
) -> dict[str, Any]:
    """The optimum when it is attained; otherwise null with the bound Z3 reports.

    The value is read from the model rather than the bound so that it keeps the objective's
    type: Z3 reports the bound of a real objective such as Abs(x - 3) as an integer.
    """
    bound = handle.value()
    in_model = model_value(model.eval(term, model_completion=True))
    if z3.is_int_value(bound) or z3.is_rational_value(bound):
        return {"value": in_model, "optimal": True}
    return {"value": None, "optimal": False, "bound": shown(str(bound)), "value_in_model": in_model}


def optimise(problem: Problem, arguments: Mapping[str, Any], deadline: Deadline) -> dict[str, Any]:
    sense = "minimize" if "minimize" in arguments else "maximize"
    text = arguments[sense].strip()
    term = problem.builder.parse(text, sense)
    if not z3.is_arith(term):
        raise invalid(f"{sense}: {shown(text)!r} is {sort_word(term)}; an objective is a number")
    optimizer = z3.Optimize()
    labels = add_constraints(optimizer, problem, bool(arguments.get("unsat_core")))
    handle = optimizer.minimize(term) if sense == "minimize" else optimizer.maximize(term)
    status = check(optimizer, deadline)
    answer: dict[str, Any] = {"status": status}
    if status == "sat":
        model = optimizer.model()
        answer["model"] = read_model(model, problem.variables)
        answer["objective"] = {"sense": sense, "expression": text} | objective_value(
            model, handle, term
        )
        value = answer["objective"]["value"]
        shown_value = value["exact"] if isinstance(value, dict) else value
        if value is None:
            bound = answer["objective"]["bound"]
            shown_value = "unbounded" if "oo" in bound else f"not attained (bound {bound})"
        answer["text"] = f"sat; {sense} {text} = {shown_value} at {model_text(answer['model'])}"
    elif status == "unsat":
        answer |= unsat_fields(optimizer, labels, arguments)
    else:
        answer |= unknown_fields(optimizer, deadline)
    return answer


def unsat_fields(
    solver: z3.Solver | z3.Optimize,
    labels: Mapping[str, tuple[str, str]],
    arguments: Mapping[str, Any],
) -> dict[str, Any]:
    if not arguments.get("unsat_core"):
        return {"text": "unsat: no assignment satisfies all the constraints"}
    core = core_of(solver, labels)
    listed = "; ".join(f"{item['source']}: {item['text']}" for item in core)
    return {"unsat_core": core, "text": shown(f"unsat; conflicting: {listed}")}


def unknown_fields(solver: z3.Solver | z3.Optimize, deadline: Deadline) -> dict[str, Any]:
    reason = unknown_reason(solver, deadline)
    return {"reason": reason, "text": f"unknown: the solver could not decide ({reason})"}


def blocking_clause(model: z3.ModelRef, variables: Mapping[str, z3.ExprRef]) -> z3.BoolRef:
    """Excludes this model's values of the unknowns from later solutions."""
    return z3.Or(*[term != model.eval(term, model_completion=True) for term in variables.values()])


def enumerate_solutions(
    problem: Problem, arguments: Mapping[str, Any], deadline: Deadline
) -> dict[str, Any]:
    limit = int(arguments.get("max_solutions", DEFAULT_SOLUTIONS))
    solver = z3.Solver()
    labels = add_constraints(solver, problem, bool(arguments.get("unsat_core")))
    solutions: list[dict[str, Any]] = []
    status = check(solver, deadline)
    if status == "unsat":
        return {"status": "unsat", "solutions": [], "solution_count": 0, "complete": True} | (
            unsat_fields(solver, labels, arguments)
        )
    if status == "unknown":
        return {"status": "unknown", "solutions": [], "solution_count": 0, "complete": False} | (
            unknown_fields(solver, deadline)
        )
    complete = False
    stopped = ""
    while True:
        model = solver.model()
        solutions.append(read_model(model, problem.variables))
        if len(solutions) >= limit:
            stopped = f"stopped at max_solutions={limit}"
            break
        if not problem.variables:
            complete = True
            break
        solver.add(blocking_clause(model, problem.variables))
        following = check(solver, deadline)
        if following == "unsat":
            complete = True
            break
        if following == "unknown":
            stopped = f"stopped: {unknown_reason(solver, deadline)}"
            break
    count = len(solutions)
    first = model_text(solutions[0])
    if complete and count == 1:
        summary = f"unique solution: {first}"
    elif complete:
        summary = f"all {count} solutions found; first: {first}"
    else:
        plural = "s" if count != 1 else ""
        summary = f"{count} solution{plural} ({stopped}; there may be more); first: {first}"
    return {
        "status": "sat",
        "model": solutions[0],
        "solutions": solutions,
        "solution_count": count,
        "complete": complete,
        "text": shown(f"sat; {summary}"),
    }


def solve_once(
    problem: Problem, arguments: Mapping[str, Any], deadline: Deadline
) -> dict[str, Any]:
    solver = z3.Solver()
    labels = add_constraints(solver, problem, bool(arguments.get("unsat_core")))
    status = check(solver, deadline)
    if status == "sat":
        model = read_model(solver.model(), problem.variables)
        return {"status": "sat", "model": model, "text": f"sat: {model_text(model)}"}
    if status == "unsat":
        return {"status": "unsat"} | unsat_fields(solver, labels, arguments)
    return {"status": "unknown"} | unknown_fields(solver, deadline)


def check_arguments(arguments: Mapping[str, Any]) -> None:
    """Combinations the schema cannot express, refused with the argument to fix."""
    has_smtlib = "smtlib" in arguments
    if has_smtlib and ("variables" in arguments or "constraints" in arguments):
        raise invalid("smtlib: give either smtlib or variables/constraints, not both")
    if not has_smtlib and "variables" not in arguments:
        if "constraints" in arguments:
            raise invalid('variables: declare every unknown, e.g. [{"name": "x", "type": "int"}]')
        raise invalid("variables: give variables and constraints, or smtlib")
    if "minimize" in arguments and "maximize" in arguments:
        raise invalid("maximize: give one objective, minimize or maximize, not both")
    objective = "minimize" if "minimize" in arguments else "maximize"
    if arguments.get("all_solutions") and objective in arguments:
        raise invalid(f"all_solutions: cannot be combined with {objective}")
    if "max_solutions" in arguments and not arguments.get("all_solutions"):
        raise invalid("max_solutions: only used with all_solutions=true")


def logic_solver(arguments: Mapping[str, Any]) -> dict[str, Any]:
    """Parse the problem, then solve, enumerate or optimise within the time budget."""
    check_arguments(arguments)
    deadline = Deadline(int(arguments.get("timeout_ms", DEFAULT_TIMEOUT_MS)))
    try:
        if "smtlib" in arguments:
            problem = smtlib_problem(arguments["smtlib"])
        else:
            problem = declared_problem(arguments)
        if "minimize" in arguments or "maximize" in arguments:
            return optimise(problem, arguments, deadline)
        if arguments.get("all_solutions"):
            return enumerate_solutions(problem, arguments, deadline)
        return solve_once(problem, arguments, deadline)
    except ToolFailure:
        raise
    except MemoryError:
        raise ToolFailure(
            FailureKind.EXECUTION_FAILED, "the solver ran out of memory on this problem"
        ) from None
    except z3.Z3Exception as error:
        raise ToolFailure(
            FailureKind.EXECUTION_FAILED, f"the solver failed: {z3_message(error)}"
        ) from None


LOGIC_SOLVER = ToolSpec(
    name=NAME,
    description=DESCRIPTION,
    parameters=PARAMETERS,
    function=logic_solver,
    isolated=True,
)
