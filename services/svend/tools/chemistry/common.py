"""What every chemistry tool shares: refusals, rounding, and a last-resort failure message."""

from collections.abc import Iterator
from contextlib import contextmanager

from svend.tools.registry import FailureKind, ToolFailure

# Significant digits kept in results: enough for any atomic weight, few enough to hide float noise.
SIGNIFICANT_DIGITS = 10
MAX_FAILURE_CHARS = 500


def invalid(message: str) -> ToolFailure:
    """A refusal of bad input; the message starts with the argument's name and a colon."""
    return ToolFailure(FailureKind.INVALID_ARGUMENTS, message)


def rounded(value: float) -> float:
    """The value to SIGNIFICANT_DIGITS, so 0.1+0.2 reads 0.3."""
    return float(f"{value:.{SIGNIFICANT_DIGITS}g}")


@contextmanager
def failures_explained(tool: str) -> Iterator[None]:
    """Turn an unforeseen error into EXECUTION_FAILED a model can read, never a traceback."""
    try:
        yield
    except ToolFailure:
        raise
    except MemoryError:
        raise ToolFailure(
            FailureKind.EXECUTION_FAILED, f"{tool} ran out of memory on this input"
        ) from None
    except Exception as error:
        raise ToolFailure(
            FailureKind.EXECUTION_FAILED,
            f"{tool} failed: {type(error).__name__}: {error}"[:MAX_FAILURE_CHARS],
        ) from None
