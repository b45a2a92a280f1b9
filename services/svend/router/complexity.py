"""How much reasoning a question needs: a rule-based score that sends multi-step questions DEEP.

The score adds up what multi-step problems carry more of: quantities (numerals and number
words), cue words of chained reasoning ("each", "total", "remaining", "how many", "least", ...)
and length (a tenth of a point per word). Its weights and the default threshold were tuned on
the dev split of `training/router` and are measured on its held-out split (README, Routing).
"""

import re
from dataclasses import dataclass

QUANTITY = re.compile(
    r"(?<![\w.])\d+(?:[.,]\d+)*"
    r"|\b(?:twice|half|double|triple|thrice|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve|dozen|quarter|third|fourth|fifth)\b",
    re.IGNORECASE,
)
CUE = re.compile(
    r"\b(?:each|per|every|total|altogether|remaining|left|after|then|more than|less than|"
    r"times as|percent|average|ways|probability|prove|all|sum|remainder|least|greatest|"
    r"smallest|largest|if|how many|integers?|positive|real|distinct|possible)\b|%|\$",
    re.IGNORECASE,
)
WORDS_PER_POINT = 10


@dataclass(frozen=True)
class Complexity:
    """A question's complexity score and what it is made of."""

    quantities: int
    cues: int
    words: int

    @property
    def score(self) -> float:
        return self.quantities + self.cues + self.words / WORDS_PER_POINT

    def describe(self) -> str:
        return (
            f"complexity {self.score:.1f} ({self.quantities} quantities, {self.cues} cue words, "
            f"{self.words} words)"
        )


def complexity(query: str) -> Complexity:
    return Complexity(
        quantities=len(QUANTITY.findall(query)),
        cues=len(CUE.findall(query)),
        words=len(query.split()),
    )
