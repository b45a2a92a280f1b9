"""plot case suite: what the PNG shows, checked by reading its pixels.

Expected pixel positions come from the plotted math, not from Matplotlib: the axes frame is
found in the image (the black spine rows and columns), and a curve's colour must appear where
linear interpolation between the frame edges puts its values. Skipped-point counts are
counted on the sampling grid in plain Python.
"""

import base64
import io
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from PIL import Image

from svend.tools.plot import plot

# Matplotlib's first two default colours (tab:blue, tab:orange).
BLUE = (31, 119, 180)
ORANGE = (255, 127, 14)
# Pixels this close (summed channel difference) to a colour count as drawn in it.
COLOUR_TOLERANCE = 60
# Allowed distance in pixels between where a value should be drawn and where it is.
PIXEL_TOLERANCE = 3
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PLAIN = {"grid": False, "legend": False}

CASES: list[Any] = []


def case(case_id: str, **arguments: Any) -> Callable[[Callable[[dict], None]], None]:
    def register(check: Callable[[dict], None]) -> None:
        CASES.append(pytest.param(arguments, check, id=case_id))

    return register


def pixels(result: dict) -> np.ndarray:
    png = base64.b64decode(result["image_png_base64"])
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def frame(image: np.ndarray) -> tuple[int, int, int, int]:
    """Top, bottom, left and right of the axes: the rows and columns that are mostly black."""
    black = image.sum(axis=2) < 100
    rows = np.nonzero(black.mean(axis=1) > 0.5)[0]
    columns = np.nonzero(black.mean(axis=0) > 0.5)[0]
    return int(rows.min()), int(rows.max()), int(columns.min()), int(columns.max())


def drawn(image: np.ndarray, colour: tuple[int, int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Rows and columns of the pixels drawn in `colour`."""
    mask = np.abs(image - np.array(colour)).sum(axis=2) < COLOUR_TOLERANCE
    rows, columns = np.nonzero(mask)
    return rows, columns


def row_of(value: float, low: float, high: float, top: int, bottom: int) -> float:
    return bottom - (value - low) / (high - low) * (bottom - top)


def column_of(value: float, low: float, high: float, left: int, right: int) -> float:
    return left + (value - low) / (high - low) * (right - left)


def linspace(low: float, high: float, count: int) -> list[float]:
    return [low + (high - low) * index / (count - 1) for index in range(count)]


# --- Horizontal lines: a constant c on a y axis from 0 to 4 sits at c/4 of the frame height.


@case(
    "constant_two_is_mid_height",
    functions=[{"expression": "2"}],
    x_min=0,
    x_max=1,
    y_min=0,
    y_max=4,
    **PLAIN,
)
def _(result: dict) -> None:
    image = pixels(result)
    top, bottom, left, right = frame(image)
    rows, columns = drawn(image, BLUE)
    assert abs(rows.mean() - row_of(2, 0, 4, top, bottom)) <= PIXEL_TOLERANCE
    assert rows.max() - rows.min() <= 2 * PIXEL_TOLERANCE
    assert columns.min() <= left + PIXEL_TOLERANCE
    assert columns.max() >= right - PIXEL_TOLERANCE


@case(
    "two_constants_quarter_heights",
    functions=[{"expression": "1"}, {"expression": "3"}],
    x_min=-5,
    x_max=5,
    y_min=0,
    y_max=4,
    **PLAIN,
)
def _(result: dict) -> None:
    image = pixels(result)
    top, bottom, _, _ = frame(image)
    for colour, value in ((BLUE, 1), (ORANGE, 3)):
        rows, _ = drawn(image, colour)
        assert abs(rows.mean() - row_of(value, 0, 4, top, bottom)) <= PIXEL_TOLERANCE


# --- Straight lines: y = x, and exp(x) on a logarithmic y axis (log(e^x) = x), both run
# corner to corner of the frame.


def assert_diagonal(image: np.ndarray, colour: tuple[int, int, int]) -> None:
    top, bottom, left, right = frame(image)
    rows, columns = drawn(image, colour)
    expected = bottom - (columns - left) / (right - left) * (bottom - top)
    assert np.abs(rows - expected).max() <= 2 * PIXEL_TOLERANCE
    assert columns.min() <= left + PIXEL_TOLERANCE and columns.max() >= right - PIXEL_TOLERANCE


@case(
    "identity_is_the_diagonal",
    functions=[{"expression": "x"}],
    x_min=0,
    x_max=1,
    y_min=0,
    y_max=1,
    **PLAIN,
)
def _(result: dict) -> None:
    assert_diagonal(pixels(result), BLUE)


@case(
    "exp_is_straight_on_log_axis",
    functions=[{"expression": "exp(x)"}],
    x_min=0,
    x_max=5,
    y_min=1,
    y_max=math.exp(5),
    y_log=True,
    **PLAIN,
)
def _(result: dict) -> None:
    assert_diagonal(pixels(result), BLUE)


# --- A parabola: x^2 - 2 on [-2, 2] with y in [-3, 3] bottoms out at -2 mid-width and reaches 2
# at both ends.


@case(
    "parabola_vertex_and_ends",
    functions=[{"expression": "x^2 - 2"}],
    x_min=-2,
    x_max=2,
    y_min=-3,
    y_max=3,
    **PLAIN,
)
def _(result: dict) -> None:
    image = pixels(result)
    top, bottom, left, right = frame(image)
    rows, columns = drawn(image, BLUE)
    lowest = rows.max()
    assert abs(lowest - row_of(-2, -3, 3, top, bottom)) <= PIXEL_TOLERANCE
    assert abs(columns[rows == lowest].mean() - (left + right) / 2) <= 4 * PIXEL_TOLERANCE
    for end in (left, right):
        near_end = np.abs(columns - end) <= 1
        assert abs(rows[near_end].mean() - row_of(2, -3, 3, top, bottom)) <= 2 * PIXEL_TOLERANCE


# --- Scatter markers appear where the data points are, and nowhere else.

SCATTER_POINTS = [(1, 1), (2, 3), (3, 2)]


@case(
    "scatter_markers_at_data_points",
    series=[
        {
            "x": [x for x, _ in SCATTER_POINTS],
            "y": [y for _, y in SCATTER_POINTS],
            "kind": "scatter",
        }
    ],
    x_min=0,
    x_max=4,
    y_min=0,
    y_max=4,
    **PLAIN,
)
def _(result: dict) -> None:
    image = pixels(result)
    top, bottom, left, right = frame(image)
    rows, columns = drawn(image, BLUE)
    centres = [
        (row_of(y, 0, 4, top, bottom), column_of(x, 0, 4, left, right)) for x, y in SCATTER_POINTS
    ]
    distances = np.array([np.hypot(rows - row, columns - column) for row, column in centres])
    assert distances.min(axis=0).max() <= 3 * PIXEL_TOLERANCE  # every blue pixel is a marker
    assert (distances.min(axis=1) <= 1).all()  # every marker has a blue pixel at its centre


# --- A null in a data series leaves a gap: no line between the neighbours of the gap.


@case(
    "null_leaves_a_gap",
    series=[{"x": [0, 1, 2, 3, 4], "y": [1, 1, None, 3, 3]}],
    x_min=0,
    x_max=4,
    y_min=0,
    y_max=4,
    **PLAIN,
)
def _(result: dict) -> None:
    image = pixels(result)
    _, _, left, right = frame(image)
    _, columns = drawn(image, BLUE)
    inside_gap = (columns > column_of(1.2, 0, 4, left, right)) & (
        columns < column_of(2.8, 0, 4, left, right)
    )
    assert not inside_gap.any()
    assert result["series"][0]["skipped"] == 1


# --- Skipped points: counted on the same grid in plain Python.


@case("reciprocal_pole_skipped", functions=[{"expression": "1/x"}], x_min=-1, x_max=1, samples=201)
def _(result: dict) -> None:
    grid = linspace(-1, 1, 201)
    undefined = sum(1 for x in grid if abs(x) < 1e-12)
    assert undefined == 1
    assert result["series"][0]["skipped"] == undefined
    assert result["series"][0]["points"] == 201 - undefined


@case(
    "sqrt_negative_half_skipped",
    functions=[{"expression": "sqrt(x)"}],
    x_min=-1,
    x_max=1,
    samples=201,
)
def _(result: dict) -> None:
    undefined = sum(1 for x in linspace(-1, 1, 201) if x < -1e-12)
    assert result["series"][0]["skipped"] == undefined == 100


LOG_DATA = [3.0, -1.0, 0.0, 40.0, 0.5, -7.0]


@case("log_axis_skips_non_positive", series=[{"y": LOG_DATA}], y_log=True)
def _(result: dict) -> None:
    assert result["series"][0]["skipped"] == sum(1 for y in LOG_DATA if y <= 0)
    low, high = result["y_limits"]
    assert low <= min(y for y in LOG_DATA if y > 0) and high >= max(LOG_DATA)


# --- The PNG itself: signature, the requested size in pixels, and identical bytes each time.


@case("png_size_and_determinism", series=[{"y": [3, 1, 2]}], width=523, height=317)
def _(result: dict) -> None:
    png = base64.b64decode(result["image_png_base64"])
    assert png.startswith(PNG_SIGNATURE)
    assert Image.open(io.BytesIO(png)).size == (523, 317)
    again = plot({"series": [{"y": [3, 1, 2]}], "width": 523, "height": 317})
    assert again["image_png_base64"] == result["image_png_base64"]


@case(
    "x_limits_follow_the_range",
    functions=[{"expression": "sin(x)"}],
    x_min=-math.pi,
    x_max=2 * math.pi,
)
def _(result: dict) -> None:
    assert result["x_limits"] == pytest.approx([-math.pi, 2 * math.pi])
    # sin reaches ±1 in this range, and autoscaling keeps both in view.
    assert result["y_limits"][0] < -0.99 and result["y_limits"][1] > 0.99


@pytest.mark.parametrize(("arguments", "check"), CASES)
def test_plot_case(arguments: dict, check: Callable[[dict], None]) -> None:
    check(plot(arguments))


def test_suite_size() -> None:
    assert len(CASES) >= 10
