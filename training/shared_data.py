"""The public data sets in ../shared/data, read the same way by every evaluation."""

import gzip
import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def read_jsonl(path: Path, limit: int | None = None) -> Iterator[dict[str, Any]]:
    """The records of a JSON-lines file (gzipped when it ends in .gz), the first `limit` only
    when given; blank lines are skipped."""
    with gzip.open(path, "rt") if path.suffix == ".gz" else path.open() as lines:
        records = (json.loads(line) for line in lines if line.strip())
        yield from itertools.islice(records, limit)
