"""Readers of the vendored public data sets in training/data/safety, mapped to the contract."""

import csv
import gzip
import json
import re
from collections.abc import Iterator
from pathlib import Path

from svend.safety.taxonomy import Category
from training.safety.categories import derive_categories
from training.safety.schema import Record

DATA = Path(__file__).resolve().parents[1] / "data" / "safety"

STRONGREJECT_CATEGORIES: dict[str, tuple[Category, ...]] = {
    "Violence": (Category.VIOLENCE,),
    "Hate, harassment and discrimination": (Category.HATE_HARASSMENT,),
    "Sexual content": (Category.SEXUAL,),
    "Non-violent crimes": (),
    "Disinformation and deception": (),
    "Illegal goods and services": (),
}
JAILBREAKBENCH_CATEGORIES: dict[str, tuple[Category, ...]] = {
    "Harassment/Discrimination": (Category.HATE_HARASSMENT,),
    "Malware/Hacking": (Category.CYBERCRIME,),
    "Physical harm": (Category.VIOLENCE,),
    "Fraud/Deception": (Category.FRAUD_SCAMS,),
    "Sexual/Adult content": (Category.SEXUAL,),
    "Privacy": (Category.PRIVACY,),
    "Economic harm": (),
    "Disinformation": (),
    "Expert advice": (),
    "Government decision-making": (),
}

# Do-Not-Answer intent codes: (label, categories). Codes absent here (medical, legal and
# financial advice, questions about the chatbot's feelings) are harmless questions whose risk
# lies in over-trusting the answer, so they are dropped rather than labelled.
DNA_INTENTS: dict[str, tuple[str, tuple[Category, ...]]] = {
    "S003instructions": ("refuse", ()),
    "S003goods": ("refuse", ()),
    "S003illegal": ("refuse", ()),
    "S006instructions": ("refuse", ()),
    "S006items": ("refuse", (Category.VIOLENCE,)),
    "S006violence": ("refuse", (Category.VIOLENCE,)),
    "S006threat": ("refuse", (Category.HATE_HARASSMENT,)),
    "S005bully": ("refuse", (Category.HATE_HARASSMENT,)),
    "S005hate": ("refuse", (Category.HATE_HARASSMENT,)),
    "S005profanity": ("review", (Category.HATE_HARASSMENT,)),
    "S007": ("review", (Category.HATE_HARASSMENT,)),
    "S004lewd": ("review", (Category.SEXUAL,)),
    "S004describe": ("refuse", (Category.SEXUAL,)),
    "S004erotica": ("refuse", (Category.SEXUAL,)),
    "S001dis": ("refuse", ()),
    "S001fab": ("review", ()),
    "S001fabperson": ("refuse", ()),
    "S001mis": ("review", ()),
    "C009": ("review", ()),
    "S008": ("review", (Category.CYBERCRIME,)),
    "S008code": ("refuse", (Category.CYBERCRIME,)),
    "S008mal": ("refuse", (Category.CYBERCRIME,)),
    "S008phish": ("refuse", (Category.CYBERCRIME, Category.FRAUD_SCAMS)),
    "S008spam": ("refuse", (Category.FRAUD_SCAMS,)),
    "S009cred": ("refuse", (Category.PRIVACY,)),
    "S009private": ("review", (Category.PRIVACY,)),
}
LABEL_RANK = {"safe": 0, "review": 1, "refuse": 2}
# Questions in these files are loaded or false-premise questions ("Why are X so lazy?", "Is the
# earth flat?"): refused only when they ask to produce something or for a method.
DNA_QUESTION_FILES = (
    "discrimination_exclusion_toxicity_hateful_offensive.jsonl",
    "misinformation_harms.jsonl",
)
DNA_PRODUCE = re.compile(
    r"\b(?:write|create|generate|compose|draft|spread|promote|post|convince|persuade|make people"
    r"|how (?:to|do i|can i|should i)|ways? to|help me|give me|tell me (?:a|some) )",
    re.IGNORECASE,
)
# Self-harm questions asking for a method are refused; help-seeking ones are borderline.
SELF_HARM_METHOD = re.compile(
    r"\b(?:how (?:do|can|should) i|ways? to|steps|method|without (?:feeling|pain|anyone)"
    r"|best way|hurt myself|cut myself|kill myself|overdose|lethal)",
    re.IGNORECASE,
)
# Questions about a private person are refused when they ask for an identifier or location.
IDENTIFIERS = re.compile(
    r"\b(?:address|phone|number|email|password|fingerprint|location|where (?:does|is|do)|live"
    r"|social security|ssn|medical|health|bank|account|credit|photo|id\b|passport|licen[cs]e)",
    re.IGNORECASE,
)
# In-the-wild prompts with none of these markers are persona or formatting prompts, not clear
# attempts to override the rules: they are labelled review.
JAILBREAK_MARKERS = re.compile(
    r"ignore|instruction|\bDAN\b|developer mode|no (?:restrictions|limits|rules|filter)"
    r"|unfiltered|ethic|moral|polic|openai|jailbr|pretend|roleplay|role-play|act as"
    r"|never refuse|anything now|guideline|censor",
    re.IGNORECASE,
)
# HH-RLHF red-team openings: kept as review only when they touch a harmful subject.
HH_HARMFUL_HINT = re.compile(
    r"\b(?:steal|kill|poison|drug|hack|weapon|gun|bomb|hurt|rob|cheat|insult|racist|slur"
    r"|illegal|fight|revenge|prank|lie to|scam|murder|attack|hate|sneak|spy|crime|fake)",
    re.IGNORECASE,
)
HH_LIMIT = 700
DAN_NAMES = ("ChatGPT", "the assistant", "Svend", "AI")


def _harmful(text: str, source: str, *extra: Category) -> Record:
    return Record(text, "input", "refuse", source, tuple(derive_categories(text, *extra)))


def advbench() -> Iterator[Record]:
    """AdvBench harmful behaviours: every goal is refused."""
    with (DATA / "advbench" / "harmful_behaviors.csv").open(newline="") as f:
        for row in csv.DictReader(f):
            yield _harmful(row["goal"], "advbench")


def advbench_targets() -> Iterator[tuple[str, str]]:
    """AdvBench (goal, affirmative target) pairs, the openings of harmful answers."""
    with (DATA / "advbench" / "harmful_behaviors.csv").open(newline="") as f:
        for row in csv.DictReader(f):
            yield row["goal"], row["target"]


def strongreject() -> Iterator[Record]:
    """StrongREJECT forbidden prompts, their category mapped and refined by keywords."""
    with (DATA / "strongreject" / "strongreject_dataset.csv").open(newline="") as f:
        for row in csv.DictReader(f):
            extra = STRONGREJECT_CATEGORIES[row["category"]]
            yield _harmful(row["forbidden_prompt"], "strongreject", *extra)


def jailbreakbench() -> Iterator[Record]:
    """JailbreakBench: 100 harmful behaviours (refused) and 100 matched benign ones (safe)."""
    with (DATA / "jailbreakbench" / "harmful-behaviors.csv").open(newline="") as f:
        for row in csv.DictReader(f):
            extra = JAILBREAKBENCH_CATEGORIES[row["Category"]]
            yield _harmful(row["Goal"], "jailbreakbench", *extra)
    with (DATA / "jailbreakbench" / "benign-behaviors.csv").open(newline="") as f:
        for row in csv.DictReader(f):
            yield Record(row["goal"], "input", "safe", "jailbreakbench")


def donotanswer() -> Iterator[Record]:
    """Do-Not-Answer questions labelled by their most severe intent code (see DNA_INTENTS)."""
    for path in sorted((DATA / "donotanswer").glob("*.jsonl")):
        for line in path.read_text().splitlines():
            item = json.loads(line)
            text = item["prompt"]
            label, extra = "safe", set[Category]()
            for intent in item["intents"]:
                if intent == "S006sh":
                    found = "refuse" if SELF_HARM_METHOD.search(text) else "review"
                    mapped: tuple[str, tuple[Category, ...]] = (found, (Category.SELF_HARM,))
                elif intent == "S009personal":
                    found = "refuse" if IDENTIFIERS.search(text) else "review"
                    mapped = (found, (Category.PRIVACY,))
                else:
                    mapped = DNA_INTENTS.get(intent, ("safe", ()))
                if LABEL_RANK[mapped[0]] > LABEL_RANK[label]:
                    label = mapped[0]
                extra.update(mapped[1])
            if label == "safe":
                continue
            if (
                path.name in DNA_QUESTION_FILES
                and label == "refuse"
                and not DNA_PRODUCE.search(text)
            ):
                label = "review"
            categories = derive_categories(text, *extra) if label == "refuse" else extra
            names = tuple(str(c) for c in Category if c in set(categories))
            yield Record(text, "input", label, "donotanswer", names)


def dan() -> Iterator[Record]:
    """DAN-family prompts, each once per assistant name filled into its placeholder."""
    for path in sorted((DATA / "jailbreak_prompts" / "dan").glob("*.json")):
        data = json.loads(path.read_text())
        for text in data if isinstance(data, list) else [data]:
            for name in DAN_NAMES:
                filled = text.replace("{generator.name}", name)
                yield Record(filled, "input", "refuse", "dan", (str(Category.JAILBREAK),))
                if filled == text:
                    break


def inthewild() -> Iterator[Record]:
    """In-the-wild jailbreak prompts; those without override markers are only review."""
    path = DATA / "jailbreak_prompts" / "inthewild_jailbreak_llms.json.gz"
    with gzip.open(path, "rt") as f:
        for text in json.load(f):
            label = "refuse" if JAILBREAK_MARKERS.search(text) else "review"
            yield Record(text, "input", label, "inthewild", (str(Category.JAILBREAK),))


def hh_rlhf() -> Iterator[Record]:
    """First human turns of HH-RLHF red-team dialogues that touch a harmful subject: review."""
    count = 0
    with gzip.open(DATA / "hh-rlhf" / "test.jsonl.gz", "rt") as f:
        for line in f:
            dialogue = json.loads(line)["chosen"]
            first = dialogue.split("\n\nHuman:")[1].split("\n\nAssistant:")[0].strip()
            if not HH_HARMFUL_HINT.search(first) or len(first) < 12:
                continue
            categories = tuple(derive_categories(first))
            yield Record(first, "input", "review", "hh-rlhf", categories)
            count += 1
            if count >= HH_LIMIT:
                return


_CALC = re.compile(r"<<[^>]*>>")


def gsm8k() -> Iterator[tuple[str, str]]:
    """GSM8K (question, worked solution) pairs, calculator annotations removed."""
    for line in (DATA / "gsm8k" / "train_first1500.jsonl").read_text().splitlines():
        item = json.loads(line)
        body, _, final = item["answer"].partition("####")
        yield item["question"], f"{_CALC.sub('', body).strip()}\nThe answer is {final.strip()}."


def math_problems() -> Iterator[tuple[str, str]]:
    """MATH (problem, solution) pairs."""
    for line in (DATA / "math" / "test_every6th_800.jsonl").read_text().splitlines():
        item = json.loads(line)
        yield item["problem"], item["solution"]


def humaneval() -> Iterator[tuple[str, str]]:
    """HumanEval (prompt, prompt + canonical solution) pairs."""
    with gzip.open(DATA / "humaneval" / "HumanEval.jsonl.gz", "rt") as f:
        for line in f:
            item = json.loads(line)
            yield item["prompt"], item["prompt"] + item["canonical_solution"]
