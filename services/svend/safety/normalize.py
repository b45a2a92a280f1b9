"""Text normalization before rules run, and splitting answers into passages.

Rules see two views of a text: `plain` (Unicode NFKC, case-folded, invisible characters
dropped, quotes and spaces unified) and `deobfuscated` (plain with obvious obfuscation undone:
leetspeak such as "b0mb", Cyrillic and Greek look-alike letters, and spelled-out letters such
as "b.o.m.b"). Scanning both keeps formulas like "nh4no3" intact in the first view while
catching "m3th" in the second.
"""

import re
import unicodedata
from dataclasses import dataclass

# Zero-width and formatting characters used to split words invisibly.
INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\u2061\ufeff"))
QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201b": "'", "\u2032": "'",
                        "\u201c": '"', "\u201d": '"', "\u201f": '"', "\u2033": '"'})  # fmt: skip
LOOKALIKES = str.maketrans(
    # Cyrillic and Greek letters that render like Latin ones.
    "аеорсухіјѕԁкмнтвαοερτυνικ",
    "aeopcyxijsdkmhtbaoeptuvik",
)
LEET = str.maketrans("0134578@$", "oieastbas")
# Whole tokens only (linear time); _deleet leaves tokens without a letter and a digit alone.
LEET_TOKEN = re.compile(r"[a-z0-9@$]+")
LEET_CHARS = frozenset("0134578@$")
# Three or more single letters joined by separators: "b o m b", "s.a.r.i.n", "m-e-t-h".
# A leading standalone "a" or "i" stays a word ("make a b o m b" -> "make a bomb").
SPELLED_OUT = re.compile(r"(?<![a-z0-9])(?![ai]\s)[a-z](?:[\s.\-_*+]{1,2}[a-z](?![a-z0-9])){2,}")
SEPARATORS = re.compile(r"[\s.\-_*+]")
HORIZONTAL_SPACE = re.compile(r"[^\S\n]+")
LINE_BREAKS = re.compile(r"\s*\n\s*")


@dataclass(frozen=True)
class Normalized:
    """The two views of one text that rules scan."""

    plain: str
    deobfuscated: str

    def views(self) -> tuple[str, ...]:
        """The distinct views, plain first."""
        if self.deobfuscated == self.plain:
            return (self.plain,)
        return (self.plain, self.deobfuscated)


def plain_view(text: str) -> str:
    """NFKC, case-folded, invisible characters removed, quotes and whitespace unified."""
    text = unicodedata.normalize("NFKC", text).translate(INVISIBLE).translate(QUOTES).casefold()
    text = HORIZONTAL_SPACE.sub(" ", text)
    return LINE_BREAKS.sub("\n", text).strip()


def _deleet(match: re.Match[str]) -> str:
    token = match.group()
    if LEET_CHARS.isdisjoint(token) or not any(char.isalpha() for char in token):
        return token
    return token.translate(LEET)


def deobfuscate(plain: str) -> str:
    """Undo look-alike letters, leetspeak inside words and spelled-out letters."""
    text = plain.translate(LOOKALIKES)
    text = LEET_TOKEN.sub(_deleet, text)
    return SPELLED_OUT.sub(lambda m: SEPARATORS.sub("", m.group()), text)


def normalize(text: str) -> Normalized:
    """Both views of a text."""
    plain = plain_view(text)
    return Normalized(plain=plain, deobfuscated=deobfuscate(plain))


# A passage ends at a line break, or after ., ! or ? followed by space and a capital, digit,
# quote or bracket, unless what precedes is only a list number ("1.") or an abbreviation.
PASSAGE_END = re.compile(r"\n+|(?:(?<=[.!?])|(?<=[.!?][\"')\]]))[^\S\n]+(?=[\"'(\[]?[A-Z0-9])")
LIST_MARKER = re.compile(r"(?:step\s+)?(?:\d{1,3}|[a-zA-Z])\.", re.IGNORECASE)
ABBREVIATION = re.compile(r"(?:^|\s)(?:e\.g|i\.e|etc|vs|dr|mr|mrs|ms|st|fig|no)\.$", re.IGNORECASE)


def split_passages(text: str) -> list[tuple[int, int]]:
    """Spans (start, end) of the sentences and lines of a text, whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    start = 0
    for boundary in PASSAGE_END.finditer(text):
        # Only the end of the passage so far matters; slicing all of it would be quadratic.
        head = text[max(start, boundary.start() - 12) : boundary.start()].strip()
        short = boundary.start() - start <= 12
        if "\n" not in boundary.group() and (
            (short and LIST_MARKER.fullmatch(head)) or ABBREVIATION.search(head)
        ):
            continue
        spans.append((start, boundary.start()))
        start = boundary.end()
    spans.append((start, len(text)))
    trimmed = []
    for begin, end in spans:
        chunk = text[begin:end]
        left = len(chunk) - len(chunk.lstrip())
        right = len(chunk.rstrip())
        if right > left:
            trimmed.append((begin + left, begin + right))
    return trimmed
