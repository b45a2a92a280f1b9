"""plot: result fields, sampling, skipped points, determinism and refusals."""

import base64
import io

import numpy as np
import pytest
from PIL import Image

from svend.common.errors import InvalidArgumentError
from svend.tools.plot import MAX_PNG_BYTES, MAX_SERIES, PLOT, plot
from svend.tools.registry import FailureKind, ToolFailure, ToolRegistry

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def run(**arguments):
    return plot(arguments)


def failure_of(**arguments) -> ToolFailure:
    with pytest.raises(ToolFailure) as failure:
        plot(arguments)
    return failure.value


def png_of(result: dict) -> bytes:
    return base64.b64decode(result["image_png_base64"])


def test_function_plot_result_fields():
    result = run(functions=[{"expression": "sin(x)/x"}], x_min=-10, x_max=10, title="sinc")
    png = png_of(result)
    assert png.startswith(PNG_SIGNATURE)
    assert result["media_type"] == "image/png"
    assert (result["width"], result["height"]) == (640, 480)
    assert Image.open(io.BytesIO(png)).size == (640, 480)
    assert result["bytes"] == len(png)
    assert result["series"] == [{"label": "sin(x)/x", "kind": "line", "points": 500, "skipped": 0}]
    assert result["x_limits"] == [-10.0, 10.0]
    assert result["text"].startswith("line plot of sin(x)/x: 640x480 PNG")


def test_same_arguments_give_identical_bytes_and_no_software_metadata():
    arguments = {
        "functions": [{"expression": "x^2", "label": "square"}],
        "series": [{"x": [0, 1, 2], "y": [4, 1, 0], "kind": "scatter"}],
        "x_min": -2,
        "x_max": 2,
        "title": "$x^2$",
    }
    first, second = png_of(plot(arguments)), png_of(plot(dict(arguments)))
    assert first == second
    assert b"Software" not in first
    assert b"matplotlib" not in first.lower()


def test_different_arguments_give_different_images():
    base = {"functions": [{"expression": "x"}], "x_min": 0, "x_max": 1}
    assert png_of(plot(base)) != png_of(plot(base | {"grid": False}))


def test_division_by_zero_point_is_skipped_not_fatal():
    result = run(functions=[{"expression": "1/x"}], x_min=-1, x_max=1, samples=21)
    assert result["series"][0] == {"label": "1/x", "kind": "line", "points": 20, "skipped": 1}
    assert "1 undefined or off-axis point skipped" in result["text"]


def test_complex_values_are_skipped():
    result = run(functions=[{"expression": "sqrt(x)"}], x_min=-1, x_max=1, samples=5)
    assert result["series"][0]["skipped"] == 2  # x = -1 and x = -0.5


def test_factorial_is_gamma_with_poles_at_negative_integers():
    result = run(functions=[{"expression": "factorial(x)"}], x_min=-3, x_max=3, samples=7)
    assert result["series"][0]["skipped"] == 3


def test_function_undefined_everywhere_beside_a_defined_one():
    result = run(functions=[{"expression": "1/(x-x)"}, {"expression": "x"}], x_min=0, x_max=1)
    assert [item["points"] for item in result["series"]] == [0, 500]


def test_data_series_default_x_and_gaps():
    result = run(series=[{"y": [1, None, 3, 4], "label": "data"}], legend=False)
    assert result["series"] == [{"label": "data", "kind": "line", "points": 3, "skipped": 1}]
    assert result["x_limits"][0] < 0 < 3 < result["x_limits"][1]


def test_log_axes_skip_non_positive_values():
    result = run(series=[{"x": [1, 10, 100, 1000], "y": [5, 0, -1, 50]}], y_log=True)
    assert result["series"][0]["skipped"] == 2


def test_log_x_axis_samples_geometrically():
    result = run(functions=[{"expression": "log(x)"}], x_min=0.01, x_max=100, x_log=True)
    assert result["series"][0]["skipped"] == 0
    assert result["x_limits"] == pytest.approx([0.01, 100])


def test_named_variable_and_axis_limits():
    result = run(
        functions=[{"expression": "t^2"}], variable="t", x_min=0, x_max=2, y_min=-1, y_max=5
    )
    assert result["y_limits"] == [-1.0, 5.0]


def test_constant_function_without_symbols():
    result = run(functions=[{"expression": "5"}], x_min=0, x_max=1)
    assert result["series"][0]["points"] == 500


def test_size_is_configurable():
    result = run(series=[{"y": [1, 2]}], width=300.0, height=250.0)
    assert Image.open(io.BytesIO(png_of(result))).size == (300, 250)
    assert (result["width"], result["height"]) == (300, 250)


def test_images_over_the_size_cap_are_refused():
    noise = np.random.default_rng(0)
    series = [
        {"x": noise.random(4000).tolist(), "y": noise.random(4000).tolist(), "kind": "scatter"}
        for _ in range(MAX_SERIES)
    ]
    failure = failure_of(series=series, width=2000, height=2000)
    assert failure.kind is FailureKind.EXECUTION_FAILED
    assert f"over the {MAX_PNG_BYTES} byte limit" in failure.message


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ({}, "series: give data series or functions"),
        ({"functions": [{"expression": "x"}], "x_max": 1}, "x_min: functions need a range"),
        ({"functions": [{"expression": "x"}], "x_min": 1}, "x_max: functions need a range"),
        ({"functions": [{"expression": "x"}], "x_min": 1, "x_max": 1}, "x_max: must be greater"),
        ({"series": [{"y": [1]}], "y_min": 2, "y_max": 1}, "y_max: must be greater"),
        (
            {"functions": [{"expression": "x"}], "x_min": -1, "x_max": 1, "x_log": True},
            "x_min: must be positive on a logarithmic x axis",
        ),
        ({"series": [{"y": [1]}], "y_min": 0, "y_log": True}, "y_min: must be positive"),
        (
            {"functions": [{"expression": "y = x^2"}], "x_min": 0, "x_max": 1},
            "functions[0].expression: give the right-hand side only",
        ),
        (
            {"functions": [{"expression": "x*y"}], "x_min": 0, "x_max": 1},
            "functions: the functions use several variables (x, y)",
        ),
        (
            {"functions": [{"expression": "x"}, {"expression": "t"}], "x_min": 0, "x_max": 1},
            "functions: the functions use several variables (t, x)",
        ),
        (
            {"functions": [{"expression": "x + t"}], "variable": "x", "x_min": 0, "x_max": 1},
            "functions[0].expression: uses t besides x",
        ),
        (
            {"functions": [{"expression": "__import__('os')"}], "x_min": 0, "x_max": 1},
            "functions[0].expression:",
        ),
        (
            {"functions": [{"expression": "x.real"}], "x_min": 0, "x_max": 1},
            "functions[0].expression: attribute access",
        ),
        ({"series": [{"x": [1, 2], "y": [1]}]}, "series[0].y: has 1 values but series[0].x has 2"),
        ({"series": [{"y": [1]}], "title": "$\\frac{1$"}, "title: '$\\\\frac{1$' is not valid"),
        (
            {"series": [{"y": [1], "label": "$x^$"}]},
            "series[0].label: '$x^$' is not valid mathtext",
        ),
        (
            {
                "series": [{"y": [1]}] * 6,
                "functions": [{"expression": "x"}] * 5,
                "x_min": 0,
                "x_max": 1,
            },
            f"functions: at most {MAX_SERIES} series and functions in all, not 11",
        ),
    ],
)
def test_bad_arguments_are_invalid_and_name_the_field(arguments, expected):
    failure = failure_of(**arguments)
    assert failure.kind is FailureKind.INVALID_ARGUMENTS
    assert failure.message.startswith(expected), failure.message


def test_too_many_points_in_all():
    series = [{"y": [1.0] * 10_000}] * 5 + [{"y": [1.0]}]
    failure = failure_of(series=series)
    assert failure.message.startswith("series: at most 50000 points in all, not 50001")


def test_nothing_finite_to_plot_is_an_execution_failure():
    failure = failure_of(functions=[{"expression": "log(-1 - x^2)"}], x_min=0, x_max=1)
    assert failure.kind is FailureKind.EXECUTION_FAILED
    assert failure.message.startswith("nothing to plot")


def test_plain_dollar_signs_are_text():
    result = run(series=[{"y": [1, 2]}], y_label="cost in $", title="$5 and $")
    assert png_of(result).startswith(PNG_SIGNATURE)


SCHEMA_CASES = [
    ({"series": [{"x": [1]}]}, "arguments.series[0].y"),
    ({"series": [{"y": ["a"]}]}, "arguments.series[0].y[0]"),
    ({"series": [{"y": [1], "kind": "bar"}]}, "arguments.series[0].kind"),
    ({"series": []}, "arguments.series"),
    ({"functions": [{"expression": "x" * 501}]}, "arguments.functions[0].expression"),
    ({"series": [{"y": [1]}], "width": 5000}, "arguments.width"),
    ({"series": [{"y": [1]}], "samples": 1}, "arguments.samples"),
    ({"series": [{"y": [1]}], "dpi": 300}, "arguments.dpi"),
    ({"series": [{"y": [1]}], "title": "t" * 201}, "arguments.title"),
    ({"series": [{"y": [1]}], "variable": "2x"}, "arguments.variable"),
]


@pytest.mark.parametrize(("arguments", "field"), SCHEMA_CASES)
def test_schema_rejects_bad_arguments(arguments, field):
    registry = ToolRegistry([PLOT])
    with pytest.raises(InvalidArgumentError) as error:
        registry.validate("plot", arguments)
    assert error.value.field == field


def test_schema_accepts_a_full_call():
    ToolRegistry([PLOT]).validate(
        "plot",
        {
            "series": [{"x": [1.0, 2.0], "y": [3.0, None], "label": "a", "kind": "scatter"}],
            "functions": [{"expression": "x^2", "label": "b"}],
            "variable": "x",
            "samples": 100.0,
            "x_min": 0,
            "x_max": 2,
            "y_min": -1,
            "y_max": 5,
            "title": "t",
            "x_label": "x",
            "y_label": "y",
            "legend": True,
            "grid": False,
            "x_log": False,
            "y_log": False,
            "width": 800.0,
            "height": 600.0,
        },
    )


def test_spec_is_isolated_and_described():
    assert PLOT.isolated is True
    assert PLOT.name == "plot"
    assert "image_png_base64" in PLOT.description
