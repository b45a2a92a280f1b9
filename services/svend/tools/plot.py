"""plot: line, scatter and function plots rendered to PNG with Matplotlib's Agg backend.

Functions are parsed by the guarded expression parser and evaluated on a grid with NumPy
through sympy.lambdify, so points where a function is undefined (division by zero, log of a
negative) become gaps instead of errors. The figure is drawn on a bare Figure (no pyplot
global state) under Matplotlib's default style, and PNG metadata is left out, so the same
arguments always give the same bytes. Runs in a worker process (see runner.py): rendering
time grows with the number of points and pixels.
"""

import base64
import io
import math
import struct
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy
from matplotlib import cbook, style
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.mathtext import MathTextParser

from svend.tools.expressions import EQUALS_SIGN, parse_expression
from svend.tools.registry import FailureKind, ToolFailure, ToolSpec

NAME = "plot"
MAX_SERIES = 10
MAX_POINTS_PER_SERIES = 10_000
MAX_TOTAL_POINTS = 50_000
MAX_SAMPLES = 5000
DEFAULT_SAMPLES = 500
MAX_FUNCTION_CHARS = 500
MAX_LABEL_CHARS = 100
MAX_TITLE_CHARS = 200
MIN_PIXELS = 200
MAX_PIXELS = 2000
DEFAULT_WIDTH = 640
DEFAULT_HEIGHT = 480
DPI = 100
MAX_PNG_BYTES = 1024 * 1024
# A function value whose imaginary part is below this share of its size counts as real.
REAL_TOLERANCE = 1e-12
SERIES_KINDS = ("line", "scatter")

DESCRIPTION = f"""\
Draw a line, scatter or function plot and return it as a PNG image (Matplotlib).
Plot data with "series": a list of {{"x": [...], "y": [...], "label": "...", "kind": "line" \
or "scatter"}} (x optional: 0, 1, 2, ... by default; null in y leaves a gap), e.g. \
{{"series": [{{"x": [1, 2, 3], "y": [2, 4, 9], "label": "measured", "kind": "scatter"}}]}}.
Plot functions of one variable with "functions": a list of {{"expression": "sin(x)/x", \
"label": "sinc"}} sampled at "samples" points (default {DEFAULT_SAMPLES}) from "x_min" to \
"x_max", e.g. {{"functions": [{{"expression": "x^2 - 2"}}], "x_min": -3, "x_max": 3}}. Write \
math plainly (^ or ** for powers, "2x", sin cos exp log sqrt abs, pi, e). Points where a \
function is undefined or infinite (1/x at 0, log of a negative) are skipped; for functions \
with poles such as tan(x) set "y_min"/"y_max" to keep the interesting part in view.
Data series and functions can share one plot (at most {MAX_SERIES} in all). Options: "title", \
"x_label", "y_label" (Matplotlib mathtext such as "$\\\\sin(x)$" is allowed), "legend" \
(default: on when anything has a label), "grid" (default true), "x_log"/"y_log" (logarithmic \
axes; non-positive values are skipped), "x_min"/"x_max"/"y_min"/"y_max" (axis limits), \
"width"/"height" in pixels (default {DEFAULT_WIDTH}x{DEFAULT_HEIGHT}, {MIN_PIXELS} to \
{MAX_PIXELS}).
Result fields: image_png_base64 (the PNG, base64), media_type ("image/png"), width and height \
(pixels), bytes (PNG size), series (per plotted item: label, kind, points drawn, skipped), \
x_limits and y_limits (the visible axis ranges), text (a one-line summary). Images over \
{MAX_PNG_BYTES // 1024} KiB are refused."""

NUMBER_OR_GAP = {"type": ["number", "null"]}
LABEL = {"type": "string", "maxLength": MAX_LABEL_CHARS}

PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "series": {
            "type": "array",
            "description": 'Data to plot, e.g. [{"x": [1, 2, 3], "y": [2, 4, 9], "label": "a"}].',
            "minItems": 1,
            "maxItems": MAX_SERIES,
            "items": {
                "type": "object",
                "properties": {
                    "x": {
                        "type": "array",
                        "items": NUMBER_OR_GAP,
                        "minItems": 1,
                        "maxItems": MAX_POINTS_PER_SERIES,
                        "description": "x values; default 0, 1, 2, ...",
                    },
                    "y": {
                        "type": "array",
                        "items": NUMBER_OR_GAP,
                        "minItems": 1,
                        "maxItems": MAX_POINTS_PER_SERIES,
                        "description": "y values, one per x; null leaves a gap.",
                    },
                    "label": LABEL | {"description": "Legend text of this series."},
                    "kind": {
                        "type": "string",
                        "enum": list(SERIES_KINDS),
                        "description": "line (default) joins the points; scatter marks them.",
                    },
                },
                "required": ["y"],
                "additionalProperties": False,
            },
        },
        "functions": {
            "type": "array",
            "description": 'Functions of one variable, e.g. [{"expression": "sin(x)/x"}].',
            "minItems": 1,
            "maxItems": MAX_SERIES,
            "items": {
                "type": "object",
                "properties": {
                    "expression": {
                        "type": "string",
                        "minLength": 1,
                        "maxLength": MAX_FUNCTION_CHARS,
                        "description": 'The function\'s right-hand side, e.g. "x^2 - 2".',
                    },
                    "label": LABEL | {"description": "Legend text; default the expression."},
                },
                "required": ["expression"],
                "additionalProperties": False,
            },
        },
        "variable": {
            "type": "string",
            "pattern": "^[A-Za-z][A-Za-z0-9_]*$",
            "maxLength": 50,
            "description": "The functions' variable; default their only symbol (or x).",
        },
        "samples": {
            "type": "integer",
            "minimum": 2,
            "maximum": MAX_SAMPLES,
            "description": f"Points per function (default {DEFAULT_SAMPLES}).",
        },
        "x_min": {"type": "number", "description": "Left end of the x axis / function range."},
        "x_max": {"type": "number", "description": "Right end of the x axis / function range."},
        "y_min": {"type": "number", "description": "Bottom of the y axis (default automatic)."},
        "y_max": {"type": "number", "description": "Top of the y axis (default automatic)."},
        "title": {"type": "string", "maxLength": MAX_TITLE_CHARS, "description": "Plot title."},
        "x_label": LABEL | {"description": 'x axis label, e.g. "time (s)".'},
        "y_label": LABEL | {"description": 'y axis label, e.g. "speed (m/s)".'},
        "legend": {"type": "boolean", "description": "Show a legend (default: when labelled)."},
        "grid": {"type": "boolean", "description": "Draw grid lines (default true)."},
        "x_log": {"type": "boolean", "description": "Logarithmic x axis."},
        "y_log": {"type": "boolean", "description": "Logarithmic y axis."},
        "width": {
            "type": "integer",
            "minimum": MIN_PIXELS,
            "maximum": MAX_PIXELS,
            "description": f"Image width in pixels (default {DEFAULT_WIDTH}).",
        },
        "height": {
            "type": "integer",
            "minimum": MIN_PIXELS,
            "maximum": MAX_PIXELS,
            "description": f"Image height in pixels (default {DEFAULT_HEIGHT}).",
        },
    },
    "additionalProperties": False,
}


def invalid(message: str) -> ToolFailure:
    return ToolFailure(FailureKind.INVALID_ARGUMENTS, message)


@dataclass
class Curve:
    """One thing to draw: its points (NaN where skipped), legend label and style."""

    x: np.ndarray
    y: np.ndarray
    label: str | None
    kind: str
    skipped: int = 0


def as_array(values: Sequence[float | None]) -> np.ndarray:
    """JSON numbers as floats, with null and non-finite values as NaN."""
    array = np.array([np.nan if value is None else value for value in values], dtype=float)
    array[~np.isfinite(array)] = np.nan
    return array


def data_curves(arguments: Mapping[str, Any]) -> list[Curve]:
    curves = []
    for index, series in enumerate(arguments.get("series", [])):
        y = as_array(series["y"])
        if "x" in series:
            x = as_array(series["x"])
            if len(x) != len(y):
                raise invalid(
                    f"series[{index}].y: has {len(y)} values but series[{index}].x has {len(x)}"
                )
        else:
            x = np.arange(len(y), dtype=float)
        curves.append(Curve(x, y, series.get("label"), series.get("kind", "line")))
    return curves


def function_variable(
    expressions: Sequence[sympy.Expr], arguments: Mapping[str, Any]
) -> sympy.Symbol:
    """The named variable, or the one symbol the functions share (x when they have none)."""
    if "variable" in arguments:
        variable = sympy.Symbol(arguments["variable"])
        for index, expression in enumerate(expressions):
            others = sorted(map(str, expression.free_symbols - {variable}))
            if others:
                raise invalid(
                    f"functions[{index}].expression: uses {', '.join(others)} besides "
                    f"{variable}; plot functions of one variable"
                )
        return variable
    symbols = sorted(set().union(*(e.free_symbols for e in expressions)), key=str)
    if len(symbols) > 1:
        raise invalid(
            f"functions: the functions use several variables ({', '.join(map(str, symbols))}); "
            "plot functions of one variable, or name it with 'variable'"
        )
    return symbols[0] if symbols else sympy.Symbol("x")


def function_range(arguments: Mapping[str, Any]) -> tuple[float, float]:
    if "x_min" not in arguments or "x_max" not in arguments:
        missing = "x_min" if "x_min" not in arguments else "x_max"
        raise invalid(f"{missing}: functions need a range, e.g. x_min=-10, x_max=10")
    return float(arguments["x_min"]), float(arguments["x_max"])


def real_part(values: np.ndarray) -> np.ndarray:
    """Real values as floats; values with a real imaginary part (sqrt(-1)) become NaN."""
    if not np.iscomplexobj(values):
        return values.astype(float)
    tolerance = REAL_TOLERANCE * np.maximum(1.0, np.abs(values.real))
    return np.where(np.abs(values.imag) <= tolerance, values.real, np.nan)


def sample(expression: sympy.Expr, variable: sympy.Symbol, x: np.ndarray, field: str) -> np.ndarray:
    """The function's values on the grid, NaN where it is undefined or infinite."""
    if expression.is_number and not expression.is_finite:
        # 1/(x - x) parses to complex infinity: undefined everywhere, so every point is a gap.
        return np.full(x.shape, np.nan)
    # factorial(n) as gamma(n + 1): SciPy's factorial is 0 at negative numbers, gamma has poles.
    expression = expression.replace(sympy.factorial, lambda argument: sympy.gamma(argument + 1))
    try:
        function = sympy.lambdify(variable, expression, modules=["scipy", "numpy"])
        with np.errstate(all="ignore"):
            values = np.asarray(function(x))
            values = real_part(np.broadcast_to(values, x.shape).astype(complex))
    except (TypeError, ValueError, NameError, ZeroDivisionError, OverflowError, KeyError):
        raise invalid(
            f"{field}: cannot evaluate {sympy.sstr(expression)!r} numerically; use functions "
            "such as sin, exp, log, sqrt, abs"
        ) from None
    values[~np.isfinite(values)] = np.nan
    return values


def function_curves(arguments: Mapping[str, Any]) -> list[Curve]:
    functions = arguments.get("functions", [])
    if not functions:
        return []
    expressions = []
    for index, function in enumerate(functions):
        field = f"functions[{index}].expression"
        text = function["expression"]
        if EQUALS_SIGN.search(text):
            raise invalid(f'{field}: give the right-hand side only, e.g. "sin(x)", not an equation')
        expressions.append(parse_expression(text, field))
    variable = function_variable(expressions, arguments)
    low, high = function_range(arguments)
    samples = int(arguments.get("samples", DEFAULT_SAMPLES))
    if arguments.get("x_log"):
        x = np.geomspace(low, high, samples)
    else:
        x = np.linspace(low, high, samples)
    return [
        Curve(
            x,
            sample(expression, variable, x, f"functions[{index}].expression"),
            function.get("label", function["expression"].strip()),
            "line",
        )
        for index, (function, expression) in enumerate(zip(functions, expressions, strict=True))
    ]


def check_limits(arguments: Mapping[str, Any]) -> None:
    for axis in ("x", "y"):
        low, high = arguments.get(f"{axis}_min"), arguments.get(f"{axis}_max")
        for name, value in ((f"{axis}_min", low), (f"{axis}_max", high)):
            if value is not None and not math.isfinite(value):
                raise invalid(f"{name}: must be a finite number")
            if value is not None and value <= 0 and arguments.get(f"{axis}_log"):
                raise invalid(f"{name}: must be positive on a logarithmic {axis} axis")
        if low is not None and high is not None and low >= high:
            raise invalid(f"{axis}_max: must be greater than {axis}_min")


def check_text(arguments: Mapping[str, Any]) -> None:
    """Refuse labels whose $...$ mathtext Matplotlib cannot parse, naming the field."""
    texts = [
        (name, arguments[name]) for name in ("title", "x_label", "y_label") if name in arguments
    ]
    for kind in ("series", "functions"):
        for index, item in enumerate(arguments.get(kind, [])):
            if "label" in item:
                texts.append((f"{kind}[{index}].label", item["label"]))
    parser = MathTextParser("path")
    for field, text in texts:
        if not cbook.is_math_text(text):
            continue
        try:
            parser.parse(text)
        except ValueError:
            raise invalid(
                f"{field}: {text!r} is not valid mathtext; fix the $...$ part or escape "
                "dollar signs as \\$"
            ) from None


def skip_off_axis(curve: Curve, arguments: Mapping[str, Any]) -> None:
    """Mark values a logarithmic axis cannot show, and count every skipped point."""
    if arguments.get("x_log"):
        curve.x[curve.x <= 0] = np.nan
    if arguments.get("y_log"):
        curve.y[curve.y <= 0] = np.nan
    curve.skipped = int(np.count_nonzero(np.isnan(curve.x) | np.isnan(curve.y)))


def draw(curves: Sequence[Curve], arguments: Mapping[str, Any]) -> tuple[bytes, Figure]:
    width = int(arguments.get("width", DEFAULT_WIDTH))
    height = int(arguments.get("height", DEFAULT_HEIGHT))
    with style.context("default"), warnings.catch_warnings():
        # A label too long for tight layout only shifts the margins; the plot is still drawn.
        warnings.simplefilter("ignore", UserWarning)
        figure = Figure(figsize=(width / DPI, height / DPI), dpi=DPI, layout="tight")
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        for curve in curves:
            if curve.kind == "scatter":
                shown = ~(np.isnan(curve.x) | np.isnan(curve.y))
                axes.scatter(curve.x[shown], curve.y[shown], label=curve.label, s=12)
            else:
                axes.plot(curve.x, curve.y, label=curve.label)
        if arguments.get("x_log"):
            axes.set_xscale("log")
        if arguments.get("y_log"):
            axes.set_yscale("log")
        axes.set_xlim(arguments.get("x_min"), arguments.get("x_max"))
        axes.set_ylim(arguments.get("y_min"), arguments.get("y_max"))
        axes.set_title(arguments.get("title", ""))
        axes.set_xlabel(arguments.get("x_label", ""))
        axes.set_ylabel(arguments.get("y_label", ""))
        if arguments.get("grid", True):
            axes.grid(True, alpha=0.4)
        labelled = any(curve.label for curve in curves)
        if arguments.get("legend", labelled) and labelled:
            axes.legend()
        buffer = io.BytesIO()
        # No Software/date metadata: identical arguments give identical bytes.
        figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue(), figure


def summary(curves: Sequence[Curve], width: int, height: int, size: int) -> str:
    names = ", ".join(curve.label or f"series {index + 1}" for index, curve in enumerate(curves))
    kinds = {curve.kind for curve in curves}
    kind = "scatter" if kinds == {"scatter"} else "line" if kinds == {"line"} else "line/scatter"
    skipped = sum(curve.skipped for curve in curves)
    text = f"{kind} plot of {names}: {width}x{height} PNG, {size} bytes"
    if skipped:
        text += f"; {skipped} undefined or off-axis point{'s' if skipped != 1 else ''} skipped"
    return text[:500]


def plot(arguments: Mapping[str, Any]) -> dict[str, Any]:
    """Sample, draw and encode; refuse images over the size cap."""
    if "series" not in arguments and "functions" not in arguments:
        raise invalid(
            'series: give data series or functions, e.g. "functions": '
            '[{"expression": "sin(x)"}] with x_min and x_max'
        )
    count = len(arguments.get("series", [])) + len(arguments.get("functions", []))
    if count > MAX_SERIES:
        raise invalid(f"functions: at most {MAX_SERIES} series and functions in all, not {count}")
    check_limits(arguments)
    check_text(arguments)
    curves = data_curves(arguments) + function_curves(arguments)
    total = sum(len(curve.x) for curve in curves)
    if total > MAX_TOTAL_POINTS:
        raise invalid(f"series: at most {MAX_TOTAL_POINTS} points in all, not {total}")
    for curve in curves:
        skip_off_axis(curve, arguments)
    if all(curve.skipped == len(curve.x) for curve in curves):
        raise ToolFailure(
            FailureKind.EXECUTION_FAILED,
            "nothing to plot: every value is undefined, infinite or off a logarithmic axis",
        )
    try:
        png, figure = draw(curves, arguments)
    except MemoryError:
        raise ToolFailure(
            FailureKind.EXECUTION_FAILED, "the plot ran out of memory; use fewer points"
        ) from None
    except (ValueError, OverflowError) as error:
        raise ToolFailure(
            FailureKind.EXECUTION_FAILED, f"the plot could not be drawn: {error}"[:500]
        ) from None
    if len(png) > MAX_PNG_BYTES:
        raise ToolFailure(
            FailureKind.EXECUTION_FAILED,
            f"the image is {len(png)} bytes, over the {MAX_PNG_BYTES} byte limit; use fewer "
            "points or a smaller width and height",
        )
    axes = figure.axes[0]
    # The PNG header's IHDR chunk holds the drawn size, which is what the caller gets.
    width, height = struct.unpack(">II", png[16:24])
    return {
        "image_png_base64": base64.b64encode(png).decode("ascii"),
        "media_type": "image/png",
        "width": width,
        "height": height,
        "bytes": len(png),
        "series": [
            {
                "label": curve.label,
                "kind": curve.kind,
                "points": len(curve.x) - curve.skipped,
                "skipped": curve.skipped,
            }
            for curve in curves
        ],
        "x_limits": [float(limit) for limit in axes.get_xlim()],
        "y_limits": [float(limit) for limit in axes.get_ylim()],
        "text": summary(curves, width, height, len(png)),
    }


PLOT = ToolSpec(
    name=NAME,
    description=DESCRIPTION,
    parameters=PARAMETERS,
    function=plot,
    isolated=True,
)
