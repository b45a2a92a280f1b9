"""The record of the safety data contract, and the text normalisation the splits key on."""

import re
import unicodedata
from dataclasses import dataclass

INPUT_LABELS = ("safe", "review", "refuse")
OUTPUT_LABELS = ("safe", "edit", "block")
SPLITS = ("train", "validation", "heldout", "jailbreakbench")


@dataclass(frozen=True)
class Record:
    """One example; group is the text whose hash decides the split (never written out)."""

    text: str
    kind: str
    label: str
    source: str
    categories: tuple[str, ...] = ()
    prompt: str | None = None
    hard_negative: bool = False
    group: str | None = None


_NON_WORD = re.compile(r"[\W\d_]+")


def normalise(text: str) -> str:
    """Case, accents, digits and punctuation folded, so near-identical texts compare equal."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NON_WORD.sub(" ", folded.lower()).strip()
