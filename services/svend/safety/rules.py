"""The rule-based scorer: precompiled intent + object patterns per harm category.

Rules key on what a request asks for, never on one scary word alone: an instructional frame
("how do I", "steps to", an imperative) with a production or acquisition verb near a harmful
object scores high; the object alone (a question about it, a history lesson) scores low. Each
rule has a score; a category scores its strongest matching rule (see `scoring`). Scores are
calibrated against the default thresholds: >= 0.8 refuses or blocks, >= 0.5 flags.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import Enum

from svend.safety.normalize import Normalized, normalize
from svend.safety.scoring import Assessment, Finding
from svend.safety.taxonomy import Category
from svend.safety.vocabulary import (
    NEGATION,
    OTHERS,
    PEOPLE,
    PROCEDURAL_ANY,
    PROCEDURAL_STRONG,
    QUANTITY,
    REQUEST,
    VOCABULARIES,
    Vocabulary,
    alt,
    gap,
    verb_forms,
)

SOURCE = "rules"
MAX_MATCH_CHARS = 80

# Rule strengths, from a plain request for the worst things down to a passing mention.
REQUEST_SCORE = 0.95
RECIPE_SCORE = 0.9
STEP_SCORE = 0.9
HOMEMADE_SCORE = 0.85
TOPIC_STEP_SCORE = 0.85
AMBIGUOUS_SCORE = 0.6
MENTION_SCORE = 0.25
MITIGATED_SCORE = 0.2


class Scope(Enum):
    """Which texts a rule reads: user requests, answers, or both."""

    INPUT = "input"
    OUTPUT = "output"
    BOTH = "both"


@dataclass(frozen=True)
class Rule:
    """One pattern, the category and score it stands for, and what weakens it."""

    name: str
    category: Category
    score: float
    pattern: re.Pattern[str]
    # Also required somewhere in the same text (e.g. an imperative for an answer's step).
    requires: re.Pattern[str] | None = None
    # Context that lowers the score to `unless_score` (a warning, a refusal, a history lesson).
    unless: re.Pattern[str] | None = None
    unless_score: float = MITIGATED_SCORE
    scope: Scope = Scope.BOTH
    # A cheap pattern of key word stems; the rule only runs where it matches (speed only).
    gate: re.Pattern[str] | None = None

    def apply(self, text: str) -> Finding | None:
        """The finding this rule makes in one normalized view, or None."""
        match = self.pattern.search(text)
        if match is None or (self.requires is not None and not self.requires.search(text)):
            return None
        score = self.score
        if self.unless is not None and self.unless.search(text):
            score = min(score, self.unless_score)
        matched = match.group().strip(" \n.,;:!?")[:MAX_MATCH_CHARS]
        return Finding(SOURCE, self.name, self.category, score, matched)


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """Patterns see normalized (case-folded) text; ^ marks the start of every line."""
    return re.compile(pattern, re.MULTILINE)


def rule(
    name: str,
    category: Category,
    score: float,
    pattern: str,
    *,
    requires: str | None = None,
    unless: str | None = None,
    unless_score: float = MITIGATED_SCORE,
    scope: Scope = Scope.BOTH,
) -> Rule:
    """Build a rule from pattern source; the name is prefixed with the category."""
    return Rule(
        name=f"{category}.{name}",
        category=category,
        score=score,
        pattern=compile_pattern(pattern),
        requires=compile_pattern(requires) if requires else None,
        unless=compile_pattern(rf"\b{unless}\b") if unless else None,
        unless_score=unless_score,
        scope=scope,
    )


RECIPE_NOUNS = alt(
    "recipes?", "instructions", "blueprints?", "schematics?", r"step[- ]by[- ]step",
    "tutorials?", "directions", r"how-to", "walkthrough",
)  # fmt: skip
HOMEMADE = alt(
    "homemade", "home-made", "diy", r"at\s+home", r"in\s+my\s+(?:garage|kitchen|basement|"
    r"backyard|house|apartment|bathroom|shed)", "makeshift",
)  # fmt: skip
PRODUCTION_PARTICIPLES = alt(
    "made", "produced", "synthesi[sz]ed", "manufactured", "built", "assembled", "weaponi[sz]ed",
    "cooked", "extracted", "enriched", "obtained", "cultured", "grown", "written", "coded",
)  # fmt: skip


def object_rules(vocabulary: Vocabulary) -> list[Rule]:
    """The intent + object rules of one category, built from its vocabulary."""
    category = vocabulary.category
    severe = rf"\b{vocabulary.severe}\b"
    verb = rf"\b{vocabulary.verbs}"
    rules = [
        rule("request", category, REQUEST_SCORE, rf"{REQUEST}{verb}{gap(5)}{severe}"),
        rule(
            "recipe",
            category,
            RECIPE_SCORE,
            rf"\b{RECIPE_NOUNS}\s+(?:for|to\s+make|on|of)\W+(?:(?!how\b|why\b|what\b)\w+\W+){{0,2}}?"
            rf"{severe}(?!\W+(?:technology|history|policy|detection)\b)"
            rf"|{severe}[\s-]+(?:\w+\s+)?(?:{RECIPE_NOUNS}|making|synthesis\s+route)\b",
            unless=NEGATION,
        ),
        rule(
            "homemade",
            category,
            HOMEMADE_SCORE,
            rf"\b{HOMEMADE}\W+(?:\w+\W+){{0,3}}?{severe}|{severe}\W+(?:\w+\W+){{0,3}}?{HOMEMADE}\b",
            unless=NEGATION,
        ),
        rule(
            "unframed",
            category,
            AMBIGUOUS_SCORE,
            rf"{verb}{gap(4)}{severe}",
            unless=NEGATION,
        ),
        rule(
            "how_made",
            category,
            AMBIGUOUS_SCORE,
            rf"\bhow\s+(?:is|are)\s+(?:\w+\s+){{0,2}}?{severe}\s+{PRODUCTION_PARTICIPLES}\b",
        ),
        rule("mention", category, MENTION_SCORE, severe),
        rule(
            "step",
            category,
            STEP_SCORE,
            severe,
            requires=PROCEDURAL_STRONG,
            unless=NEGATION,
            scope=Scope.OUTPUT,
        ),
    ]
    if vocabulary.telltales:
        rules.append(
            rule(
                "telltale_step",
                category,
                STEP_SCORE,
                rf"\b{vocabulary.telltales}\b",
                requires=PROCEDURAL_STRONG,
                unless=NEGATION,
                scope=Scope.OUTPUT,
            )
        )
    if vocabulary.dual:
        dual = rf"\b{vocabulary.dual}\b"
        rules += [
            rule("request_dual_use", category, AMBIGUOUS_SCORE, rf"{REQUEST}{verb}{gap(5)}{dual}"),
            rule(
                "step_dual_use",
                category,
                AMBIGUOUS_SCORE,
                dual,
                requires=PROCEDURAL_STRONG,
                unless=NEGATION,
                scope=Scope.OUTPUT,
            ),
        ]
    return rules


VIOLENT = verb_forms(
    "kill", "murder", "poison", "stab", "strangle", "choke", "shoot", "torture", "kidnap",
    "abduct", "assassinate", "maim", "hurt", "injure", "beat up", "attack", "run over", "drown",
    "suffocate", "smother", "behead", "dismember", "execute", "slaughter", "lynch", "rape",
    "assault", "harm", "disfigure", "paralyze", "incapacitate", "drug",
)  # fmt: skip
COVERT = alt(
    r"without\s+(?:\w+\s+)?(?:getting|being)\s+caught", r"without\s+(?:anyone|them|him|her)\s+"
    r"(?:knowing|noticing|finding\s+out)", "undetect(?:ed|able)", r"untraceabl[ey]",
    r"leav(?:e|ing)\s+no\s+(?:trace|evidence)", r"get\s+away\s+with\s+it", r"look\s+like\s+an?\s+"
    r"(?:accident|suicide|natural)", r"no\s+one\s+(?:will|would)\s+(?:know|find\s+out)",
)  # fmt: skip
GUN_MODS = alt(
    r"ghost\s+guns?", r"untraceable\s+(?:guns?|firearms?|weapons?|pistols?|rifles?)",
    r"(?:drop-in\s+)?auto\s+sears?", r"(?:guns?|firearms?)\s+without\s+(?:a\s+)?serial",
    "silencers?", "suppressors?", r"full[- ]?auto(?:matic)?", r"fully\s+automatic",
    r"machine\s+guns?", r"bump\s+stocks?", r"zip\s+guns?", r"3d[- ]printed\s+(?:guns?|firearms?)",
)  # fmt: skip

GUN_WORK = verb_forms(
    "make", "build", "print", "3d print", "assemble", "manufacture", "buy", "get", "install",
    "convert",
)  # fmt: skip
VIOLENCE_RULES = [
    rule(
        "request_harm",
        Category.VIOLENCE,
        REQUEST_SCORE,
        rf"{REQUEST}{VIOLENT}\W+(?:\w+\W+){{0,2}}?{PEOPLE}",
    ),
    rule(
        "purpose_harm",
        Category.VIOLENCE,
        RECIPE_SCORE,
        rf"\b(?:to|so\s+i\s+can|in\s+order\s+to|and\s+then)\s+{VIOLENT}\W+(?:\w+\W+){{0,2}}?{PEOPLE}",
        unless=NEGATION,
    ),
    rule(
        "covert_harm",
        Category.VIOLENCE,
        REQUEST_SCORE,
        rf"\b{VIOLENT}\W+(?:\w+\W+){{0,8}}?{COVERT}",
    ),
    rule(
        "unframed_harm",
        Category.VIOLENCE,
        0.4,
        rf"\b{VIOLENT}\W+(?:\w+\W+){{0,1}}?{PEOPLE}",
        unless=NEGATION,
    ),
    rule(
        "body_disposal",
        Category.VIOLENCE,
        RECIPE_SCORE,
        r"\b(?:hide|hiding|dispose\s+of|disposing\s+of|get\s+rid\s+of|dissolve|dissolving|bury|"
        r"burying)\s+(?:a|the|my\s+\w+'?s?|his|her)\s+(?:dead\s+)?(?:body|bodies|corpse)",
    ),
    rule(
        "plan_attack",
        Category.VIOLENCE,
        REQUEST_SCORE,
        r"\b(?:plan|planning|carry\s+out|commit|execute|conduct|organi[sz]e|pull\s+off|"
        r"stage)\s+(?:a|an|the|my)?\s*(?:\w+\s+)?(?:mass\s+shooting|school\s+shooting|"
        r"shooting\s+spree|massacre|terror(?:ist)?\s+attack|stabbing\s+spree|bombing|"
        r"attack\s+on\s+(?:a|the)\s+(?:school|church|mosque|synagogue|crowd|concert|mall))",
        unless=NEGATION,
        unless_score=0.4,
    ),
    rule(
        "illegal_firearm",
        Category.VIOLENCE,
        RECIPE_SCORE,
        rf"{REQUEST}{GUN_WORK}{gap(5)}{GUN_MODS}|\bconvert\w*\W+(?:\w+\W+){{0,4}}?(?:to|into)\s+(?:a\s+)?"
        rf"{GUN_MODS}|\b(?:buy|get)\w*\s+(?:a\s+)?(?:guns?|firearms?|pistols?|rifles?)\s+"
        r"without\s+(?:a\s+)?(?:background\s+check|licen[cs]e|id)"
        r"|\b(?:file|grind|remove|scratch)\w*\s+off\s+(?:the\s+|a\s+)?serial\s+numbers?",
    ),
    rule(
        "make_firearm",
        Category.VIOLENCE,
        AMBIGUOUS_SCORE,
        rf"{REQUEST}{verb_forms('make', 'build', '3d print', 'manufacture')}{gap(3)}"
        r"(?:guns?|firearms?|pistols?|rifles?|ar-?15s?|ak-?47s?)\b",
    ),
    rule(
        "threat_statement",
        Category.VIOLENCE,
        AMBIGUOUS_SCORE,
        r"\bi(?:'m|\s+am)?\s+(?:going\s+to|gonna|will)\s+(?:kill|shoot|stab|murder|hurt)\s+"
        r"(?:you|him|her|them|everyone|my\s+\w+)\b",
    ),
    rule(
        "mention",
        Category.VIOLENCE,
        MENTION_SCORE,
        r"\b(?:mass\s+shootings?|school\s+shootings?|massacres?|terror(?:ist)?\s+attacks?|"
        r"get\s+away\s+with\s+murder)\b",
    ),
]

GAIN_OF_FUNCTION = rule(
    "enhance_pathogen",
    Category.WEAPONS_CBRN,
    RECIPE_SCORE,
    r"\b(?:make|making|engineer\w*|modify\w*|enhance\w*|mutate\w*|alter\w*)\W+(?:\w+\W+){0,4}?"
    r"(?:virus|viruses|pathogens?|bacteri\w*|flu|influenza|covid|sars-cov-2|h5n1|ebola)\W+"
    r"(?:\w+\W+){0,3}?(?:more\s+(?:transmissible|lethal|contagious|deadly|virulent|infectious)|"
    r"resistant\s+to\s+(?:vaccines?|antibiotics|treatment)|airborne)",
)
HACKABLE = alt(
    "accounts?", "emails?", "e-mails?", "inbox", "phones?", "iphones?", "computers?", "laptops?",
    "pcs?", "instagram", "facebook", "snapchat", "whatsapp", "tiktok", "twitter", "gmail",
    "icloud", "wi-?fi", "network", "router", "servers?", "database", "bank\\s+accounts?",
    "websites?", "systems?", "webcams?", "cameras?", "devices?", "messages", "cloud", "dms",
)  # fmt: skip
STEAL = verb_forms("steal", "harvest", "grab", "dump", "exfiltrate", "sniff", "phish", "capture")
CYBERCRIME_RULES = [
    rule(
        "break_in",
        Category.CYBERCRIME,
        RECIPE_SCORE,
        rf"\b(?:hack|hacking|break|breaking|get|getting|sneak|sneaking|log|logging)\s+(?:in)?to"
        rf"\s+{OTHERS}\W+(?:\w+\W+){{0,2}}?{HACKABLE}\b"
        rf"|\b(?:hack|hacking|crack|cracking|brute[- ]forc\w*|access|accessing)\s+{OTHERS}\W+"
        rf"(?:\w+\W+){{0,2}}?{HACKABLE}\b",
        unless=r"(?:my\s+own|i\s+own|authori[sz]ed|permission|pentest\w*|penetration\s+test\w*)",
        unless_score=AMBIGUOUS_SCORE,
    ),
    rule(
        "hack",
        Category.CYBERCRIME,
        AMBIGUOUS_SCORE,
        rf"{REQUEST}(?:hack|crack|break\s+into|brute[- ]force)\w*{gap(3)}{HACKABLE}\b",
    ),
    rule(
        "steal_credentials",
        Category.CYBERCRIME,
        RECIPE_SCORE,
        rf"{REQUEST}{STEAL}{gap(3)}(?:passwords?|credentials|logins?|cookies|session\s+tokens?|credit\s+card\s+"
        r"(?:numbers|details|info\w*)|card\s+numbers|bank\s+details|personal\s+data)\b",
    ),
    rule(
        "steals_credentials",
        Category.CYBERCRIME,
        AMBIGUOUS_SCORE,
        r"\b(?:steals?|stealing|harvests?|exfiltrates?)\s+(?:\w+\s+){0,2}?(?:passwords?|"
        r"credentials|logins?|cookies|credit\s+card|card\s+numbers|bank\s+details)\b",
        unless=NEGATION,
    ),
    rule(
        "bypass_protection",
        Category.CYBERCRIME,
        AMBIGUOUS_SCORE,
        rf"{REQUEST}(?:bypass|get\s+around|disable|crack|defeat|circumvent)\w*{gap(3)}(?:drm|"
        r"licen[cs]e\s+(?:checks?|keys?)|activation|paywalls?|two-factor|2fa|mfa|"
        r"authentication|antivirus|anti-virus|edr|captchas?)\b",
    ),
]

PEOPLE_TO_CHEAT = alt(
    PEOPLE, "elderly", r"old\s+people", "seniors", "grandparents", "retirees", "customers",
    "investors", r"insurance\s+compan\w+", r"the\s+(?:government|irs|bank|taxman)",
)  # fmt: skip
FRAUD_RULES = [
    rule(
        "launder",
        Category.FRAUD_SCAMS,
        RECIPE_SCORE,
        rf"{REQUEST}launder\w*\W+(?:\w+\W+){{0,2}}?(?:money|cash|funds|proceeds|bitcoin|crypto)"
        rf"|{REQUEST}(?:do|commit|set\s+up|get\s+away\s+with)\s+money\s+laundering",
    ),
    rule(
        "scam_people",
        Category.FRAUD_SCAMS,
        RECIPE_SCORE,
        rf"{REQUEST}(?:scam|con|defraud|swindle|fleece|rip\s+off|extort|blackmail)\w*\W+"
        rf"(?:\w+\W+){{0,2}}?{PEOPLE_TO_CHEAT}",
    ),
    rule(
        "identity_theft",
        Category.FRAUD_SCAMS,
        RECIPE_SCORE,
        rf"{REQUEST}(?:steal|assume|use|take\s+over)\w*\s+{OTHERS}\s+(?:identity|ssn|"
        r"social\s+security\s+number|credit\s+cards?)"
        rf"|{REQUEST}(?:commit|do|pull\s+off|get\s+away\s+with)\s+(?:identity\s+theft|"
        r"(?:insurance|tax|wire|credit\s+card|check|cheque|bank|mortgage|benefits)\s+fraud)",
    ),
    rule(
        "forge",
        Category.FRAUD_SCAMS,
        RECIPE_SCORE,
        rf"{REQUEST}forg(?:e|ing)\W+(?:\w+\W+){{0,2}}?(?:signatures?|documents?|checks?|cheques?|"
        r"prescriptions?|passports?|ids?|wills?|notes?|certificates?|receipts?)\b",
    ),
    rule(
        "evade_taxes",
        Category.FRAUD_SCAMS,
        AMBIGUOUS_SCORE,
        rf"{REQUEST}(?:evade|evading|hide\s+(?:money|income)\s+from|cheat\s+on)\s+(?:my\s+)?"
        r"(?:taxes|tax|the\s+irs)",
    ),
]

MYSELF = r"(?:my\s*self|myself)"
SELF_HARM_RULES = [
    rule(
        "method",
        Category.SELF_HARM,
        REQUEST_SCORE,
        rf"\b(?:kill|hang|shoot|poison|drown|starve|electrocute|suffocate|overdose|off)\s+"
        rf"{MYSELF}(?!\s+(?:laughing|with\s+laughter|in\s+the\s+foot))"
        rf"|\b(?:end|take)\s+my\s+(?:own\s+)?life\b|{REQUEST}commit(?:ting)?\s+suicide\b"
        r"|\b(?:painless|easiest|quickest|fastest|best|surest|least\s+painful|quick)\w*\s+"
        r"(?:\w+\s+)?ways?\s+to\s+(?:die|kill\s+(?:my\s*self|yourself|oneself)|end\s+(?:it|"
        r"(?:my|your|one's)\s+life))",
        unless=r"(?:help\w*\s+(?:a|my)\s+\w+|friend|prevent\w*|hotline|support|worried|"
        r"someone\s+(?:who|is))",
        unless_score=AMBIGUOUS_SCORE,
    ),
    rule(
        "self_injury",
        Category.SELF_HARM,
        RECIPE_SCORE,
        rf"{REQUEST}(?:cut|hurt|harm|burn|injure|starve|scratch)\w*\s+{MYSELF}",
        unless=r"(?:not|avoid\w*|without|prevent\w*|stop\w*|safely|accident\w*)",
        unless_score=MITIGATED_SCORE,
    ),
    rule(
        "self_injury_statement",
        Category.SELF_HARM,
        AMBIGUOUS_SCORE,
        rf"\b(?:cutting|hurting|harming|burning|starving)\s+{MYSELF}",
        unless=r"(?:accident\w*|by\s+mistake|while\s+(?:cooking|working|shaving))",
    ),
    rule(
        "suicide_mention",
        Category.SELF_HARM,
        0.4,
        r"\bcommit(?:ting|s)?\s+suicide\b|\bsuicid\w+",
    ),
    rule(
        "suicide_plan",
        Category.SELF_HARM,
        HOMEMADE_SCORE,
        r"\bsuicide\s+(?:methods?|notes?|plans?|pacts?|kits?)\b",
        unless=r"(?:help\w*|friend|prevent\w*|hotline|support|worried|found|history|statistics)",
        unless_score=AMBIGUOUS_SCORE,
    ),
    rule(
        "ideation",
        Category.SELF_HARM,
        AMBIGUOUS_SCORE,
        r"\bi\s+(?:want|wanna|wish)\s+(?:to\s+)?(?:die|be\s+dead)\b|\bi'?m\s+(?:feeling\s+)?"
        r"suicidal\b|\b(?:don't|do\s+not)\s+want\s+to\s+(?:live|be\s+alive|wake\s+up)\b|"
        r"\bno\s+reason\s+to\s+live\b|\bbetter\s+off\s+dead\b|\bsuicidal\s+(?:thoughts|ideation)",
    ),
    rule(
        "lethal_amount",
        Category.SELF_HARM,
        AMBIGUOUS_SCORE,
        r"\bhow\s+(?:much|many)\s+(?:\w+\s+){0,4}?(?:would|will|does\s+it\s+take\s+to|to|can|"
        r"could|is|are)\s+(?:\w+\s+)?(?:kill|lethal|fatal|die|overdose)"
        r"|\b(?:lethal|fatal|deadly)\s+(?:dose|amount|overdose)s?\s+of\b|\boverdose\s+on\b",
        unless=r"(?:ld50|toxicology|safety|safe|accident\w*|child\s+(?:ate|swallowed)|pet|dog|cat)",
        unless_score=0.4,
    ),
    rule(
        "encouragement",
        Category.SELF_HARM,
        RECIPE_SCORE,
        r"\byou\s+should\s+(?:just\s+)?(?:kill|hurt|harm|cut)\s+yourself\b|\b(?:go\s+)?kill\s+"
        r"yourself\b|\bkys\b",
        unless=r"(?:don't|do\s+not|never|nobody\s+should)",
    ),
]

EXPLICIT = alt(
    r"(?:explicit|erotic|pornographic|nsfw|x-rated|lewd|smutty|steamy|raunchy|dirty|kinky)\s+"
    r"(?:\w+\s+)?(?:sex\w*|stor(?:y|ies)|scenes?|fan\s*fic\w*|role\s*play|content|chat|talk|"
    r"texts?|pictures?|images?|photos?|pics?|descriptions?|poems?|novels?|fantas(?:y|ies))",
    r"graphic\s+sex\w*", r"porn\w*", "erotica", r"sex\s+scenes?", "smut", "hentai",
    r"nudes?\b", r"naked\s+(?:pictures?|photos?|pics?|images?)",
)  # fmt: skip
SEXUAL_RULES = [
    rule(
        "request",
        Category.SEXUAL,
        HOMEMADE_SCORE,
        rf"(?:{REQUEST}|\b(?:write|generate|create|describe|roleplay|role-play|send|show|give|"
        rf"draw|tell)\w*\W+)(?:\w+\W+){{0,3}}?{EXPLICIT}|\b(?:sext|talk\s+dirty\s+to)\s+me\b"
        r"|\b(?:have|having)\s+sex\s+with\s+me\b",
        unless=r"(?:addiction|effects?\s+of|harm\w*|research|statistics|block\w*|filter\w*|"
        r"detect\w*|protect\w*|history)",
        unless_score=0.4,
    ),
    rule(
        "nonconsensual_imagery",
        Category.SEXUAL,
        REQUEST_SCORE,
        r"\b(?:make|create|generate|render|photoshop)\w*\W+(?:\w+\W+){0,2}?(?:nude|naked|undressed|"
        r"topless)\s+(?:photos?|images?|pictures?|versions?|pics?)\s+of\b|\bundress\w*\s+"
        r"(?:her|him|this|someone|a\s+photo)|\bdeep\s*fake\w*\s+(?:\w+\s+)?(?:porn\w*|nudes?|"
        r"naked|sex\w*)",
    ),
    rule("mention", Category.SEXUAL, 0.35, EXPLICIT),
]

MINOR = alt(
    "child(?:ren)?", "kids?", "minors?", "underage", "under-age", "pre-?teens?", "tweens?",
    "teens?", "teenagers?", r"(?:[1-9]|1[0-7])[- ]?(?:years?|yrs?|yo)(?:[- ]old)?",
    r"(?:little|young)\s+(?:girls?|boys?)", "schoolgirls?", "schoolboys?", r"loli\w*",
    r"shota\w*", "toddlers?", "infants?", r"bab(?:y|ies)", r"middle[- ]schoolers?",
    r"(?:6th|7th|8th|9th)\s+graders?", r"elementary\s+school", r"middle\s+school",
    "jailbait", r"pedo\w*",
)  # fmt: skip
SEXUAL_TERM = alt(
    r"sex\s+(?:with|scenes?|stor(?:y|ies)|acts?|games?|tapes?|chat)", r"(?:have|having|had)\s+sex",
    r"sexual(?:ly|i[sz]\w*)?\s+(?:content|stor(?:y|ies)|acts?|roleplay|images?|photos?|"
    r"fantas(?:y|ies)|activity|relationship|abuse\s+material|encounter|touching|favou?rs?)",
    r"sexuali[sz]\w*", "sexy", r"erotic\w*", r"porn\w*", "nudes?", "naked", "nsfw", "lewd",
    r"explicit\s+(?:content|stor(?:y|ies)|scenes?|images?|photos?|pictures?|material)",
    "intercourse", r"molest\w*", r"seduc\w*", "hentai", r"orgasm\w*", r"fetish\w*", "rape",
    r"raping", r"undress\w*", "csam", "cp",
)  # fmt: skip
PROTECTIVE = (
    r"(?:protect\w*|prevent\w*|recogni[sz]e|signs?\s+of|warning\s+signs|report\w*|talk\s+to|"
    r"explain\s+to|educat\w*|awareness|abuse|survivors?|therap\w*|victims?|puberty|pediatric\w*|"
    r"doctor|safe\s+from|keep\s+\w+\s+safe|online\s+safety|grooming|law|laws|legal|"
    r"detect\w*|moderat\w*|expos\w*|condemn\w*|combat\w*|fight\w*|stop\w*)"
)
SEXUAL_MINORS_RULES = [
    rule(
        "sexual_minor",
        Category.SEXUAL_MINORS,
        1.0,
        rf"\b{SEXUAL_TERM}\W+(?:\w+\W+){{0,6}}?{MINOR}\b|\b{MINOR}\W+(?:\w+\W+){{0,6}}?"
        rf"{SEXUAL_TERM}\b",
        unless=PROTECTIVE,
        unless_score=0.55,
    ),
    rule(
        "approach_minor",
        Category.SEXUAL_MINORS,
        1.0,
        rf"\b(?:lure|luring|seduce|seducing|molest\w*|sexually\s+abuse)\W+(?:\w+\W+){{0,2}}?{MINOR}\b",
        unless=PROTECTIVE,
        unless_score=0.55,
    ),
    rule(
        "csam",
        Category.SEXUAL_MINORS,
        1.0,
        rf"{REQUEST}(?:find|download|get|share|buy|make|watch|access)\w*\W+(?:\w+\W+){{0,2}}?"
        r"(?:csam|child\s+porn\w*|cp\s+(?:links?|videos?|pics?))",
    ),
]

GROUP = alt(
    "jews", r"jewish\s+people", "muslims", "christians", "hindus", "sikhs", "buddhists",
    "atheists", "catholics", "blacks", r"black\s+people", "whites", r"white\s+people", "asians",
    r"asian\s+people", "arabs", "africans", "mexicans", "latinos", "latinas", "hispanics",
    "immigrants", "migrants", "refugees", "gays", r"gay\s+people", "lesbians", "homosexuals",
    "bisexuals", r"trans\s+people", r"transgender\s+people", "women", r"disabled\s+people",
    r"the\s+disabled", r"autistic\s+people", "gypsies", "roma", "indians", r"chinese\s+people",
    "palestinians", "israelis", "foreigners", r"people\s+of\s+colou?r",
)  # fmt: skip
DEHUMANIZING = alt(
    "subhuman", "sub-human", "vermin", "animals", "parasites", "cockroaches", "rats", "savages",
    "apes", "monkeys", r"a\s+(?:disease|plague|cancer|virus)", "inferior", "scum", "filth",
    "trash", r"not\s+(?:even\s+)?human", r"less\s+than\s+human", r"genetically\s+inferior",
)  # fmt: skip
HATE_WORDS = alt(
    "racist", "sexist", "homophobic", "transphobic", "antisemitic", "anti-semitic",
    "islamophobic", "xenophobic", "misogynistic", "bigoted", "hateful", r"white\s+supremacist",
    "nazi", "neo-nazi",
)  # fmt: skip
HATE_PIECES = alt(
    "jokes?", "rants?", r"speech(?:es)?", "posts?", "tweets?", "essays?", "slurs?", "memes?",
    "propaganda", "manifesto", "messages?", "songs?", "poems?", "content", "comments?", "insults?",
    r"stor(?:y|ies)", "articles?", "pamphlets?", "flyers?", "slogans?", "letters?",
)  # fmt: skip
HARASS = verb_forms(
    "harass", "bully", "cyberbully", "threaten", "intimidate", "stalk", "humiliate", "torment",
    "blackmail", "terrorize", "shame",
)  # fmt: skip
HATE_RULES = [
    rule(
        "dehumanize",
        Category.HATE_HARASSMENT,
        RECIPE_SCORE,
        rf"\b{GROUP}\s+(?:are|is)\s+(?:(?!not\b|never\b)\w+\s+){{0,2}}?{DEHUMANIZING}\b"
        rf"|\b(?:why|prove\s+(?:that\s+)?|explain\s+why)\s+(?:are\s+)?{GROUP}\s+(?:are\s+)?"
        r"(?:so\s+)?(?:inferior|subhuman|stupid|dumber|less\s+intelligent|animals|vermin)\b",
        unless=r"(?:not|never|myth|debunk\w*|propaganda|history|historical|wrong|false)",
        unless_score=0.4,
    ),
    rule(
        "eliminate_group",
        Category.HATE_HARASSMENT,
        REQUEST_SCORE,
        rf"\b{GROUP}\s+(?:\w+\s+){{0,3}}?(?:should|must|deserve\s+to|need\s+to|ought\s+to)\s+"
        r"(?:all\s+)?(?:be\s+)?(?:exterminated|killed|gassed|wiped\s+out|eradicated|die|burn|"
        r"hanged|shot|eliminated|exterminate)\b"
        rf"|\b(?:kill|exterminate|gas|eradicate|wipe\s+out|get\s+rid\s+of)\s+(?:all\s+(?:the\s+)?)?"
        rf"{GROUP}\b",
        unless=r"(?:history|holocaust\s+was|genocide\s+(?:of|against)|never|why\s+did)",
        unless_score=0.4,
    ),
    rule(
        "hateful_content",
        Category.HATE_HARASSMENT,
        RECIPE_SCORE,
        rf"\b(?:write|create|generate|make|tell|give|compose|draft|come\s+up\s+with)\w*{gap(3)}"
        rf"{HATE_WORDS}\s+(?:\w+\s+)?{HATE_PIECES}\b",
    ),
    rule(
        "harass",
        Category.HATE_HARASSMENT,
        RECIPE_SCORE,
        rf"{REQUEST}{HARASS}\W+(?:\w+\W+){{0,2}}?{PEOPLE}",
        unless=r"(?:stop\w*|prevent\w*|protect\w*|report\w*|deal\s+with|cope|respond\s+to)",
        unless_score=0.4,
    ),
    rule(
        "threat_message",
        Category.HATE_HARASSMENT,
        RECIPE_SCORE,
        r"\b(?:write|draft|compose|send|make|create)\w*\W+(?:\w+\W+){0,3}?(?:death\s+threats?|"
        r"threat(?:ening)?\s+(?:letters?|messages?|notes?|emails?|texts?|voicemails?))\b",
    ),
]

PERSON = alt(
    "someone", "somebody", r"a\s+(?:stranger|person|girl|woman|guy|man|user|streamer|"
    r"coworker|classmate|celebrity)", r"this\s+(?:\w+\s+)?(?:person|girl|woman|guy|man|user|"
    r"streamer|account|reporter|journalist|profile|teacher)", r"my\s+(?:ex|crush|former|old|"
    r"neighbou?r|coworker)\w*", "her", "him", "them", "people",
)  # fmt: skip
PERSONAL_DATA = alt(
    r"(?:home\s+|real\s+|current\s+|new\s+)?address(?:es)?", r"phone\s+numbers?",
    r"cell\s+numbers?", "location", "workplace", "ssn", r"social\s+security\s+numbers?",
    r"real\s+names?", r"ip\s+address(?:es)?", r"where\s+(?:she|he|they)\s+(?:lives?|works?)",
    r"license\s+plate",
)  # fmt: skip
LOCATE = alt(
    "find", "get", r"look\s+up", "locate", r"track\s+down", r"figure\s+out", "discover",
    r"search\s+for", r"dig\s+up", "uncover", "obtain", "learn",
)  # fmt: skip
COVERT_WATCH = alt(
    r"without\s+(?:him|her|them|anyone|my\s+\w+|their|his)\s+(?:\w+\s+)?(?:knowing|knowledge|"
    r"consent|noticing|finding\s+out|permission)", "secretly", "covertly", "remotely",
    "undetected", r"in\s+secret", r"behind\s+(?:her|his|their|my\s+\w+'s)\s+back",
)  # fmt: skip
WATCHABLE = alt(
    "phones?", "location", "cars?", "messages", "texts", "emails?", "whatsapp", "calls",
    "browsing", "chats?", "dms", "conversations", "gps", "movements", "instagram", "snapchat",
    "camera", "webcam",
)  # fmt: skip
PRIVACY_RULES = [
    rule(
        "dox",
        Category.PRIVACY,
        RECIPE_SCORE,
        rf"\b(?:dox+|doxx?ing|doxx?ed|swat|swatting)\s+(?:{PEOPLE}|this|that|a|an|my)\b",
        unless=r"(?:protect\w*|prevent\w*|avoid\w*|from\s+being|been\s+dox\w*|got\s+dox\w*|report\w*)",
    ),
    rule(
        "locate_person",
        Category.PRIVACY,
        HOMEMADE_SCORE,
        rf"\b{LOCATE}\w*\s+(?:out\s+)?(?:\w+\s+){{0,2}}?{PERSONAL_DATA}\s+(?:of|for)\s+{PERSON}\b"
        rf"|\b{LOCATE}\w*\s+(?:out\s+)?{OTHERS}\s+(?:\w+\s+)?{PERSONAL_DATA}"
        r"|\b(?:find|figure)\w*\s+out\s+where\s+(?:she|he|they|my\s+ex)\s+(?:lives?|works?|is)\b",
        unless=r"(?:my\s+own|lost\s+(?:my|our)|reconnect|reunite|missing\s+person|emergency)",
        unless_score=AMBIGUOUS_SCORE,
    ),
    rule(
        "covert_tracking",
        Category.PRIVACY,
        RECIPE_SCORE,
        rf"\b(?:track|monitor|spy\s+on|follow|trace|watch|read|see|access|intercept|check|"
        rf"listen\s+to|record)\w*\s+{OTHERS}\s+(?:\w+\s+)?{WATCHABLE}\W+(?:\w+\W+){{0,3}}?{COVERT_WATCH}"
        rf"|\b{COVERT_WATCH}\s+(?:track|monitor|spy\s+on|read|access|record|intercept)\w*\s+"
        rf"{OTHERS}",
    ),
    rule(
        "spy_on",
        Category.PRIVACY,
        HOMEMADE_SCORE,
        rf"{REQUEST}(?:spy\s+on|stalk|wiretap|eavesdrop\s+on)\s+{PEOPLE}"
        rf"|{REQUEST}(?:read|access|see|intercept)\s+{OTHERS}\s+(?:\w+\s+)?(?:messages|texts|emails?|"
        r"whatsapp|chats?|dms|conversations)\b",
        unless=r"(?:my\s+(?:young|little)\s+|parental\s+controls?|my\s+(?:kid|child|son|daughter)\b)",
        unless_score=AMBIGUOUS_SCORE,
    ),
    rule(
        "track_person",
        Category.PRIVACY,
        AMBIGUOUS_SCORE,
        rf"{REQUEST}(?:track|monitor|trace|locate)\w*\s+{OTHERS}\s+(?:\w+\s+)?{WATCHABLE}\b",
    ),
    rule(
        "stalkerware",
        Category.PRIVACY,
        RECIPE_SCORE,
        r"\b(?:install|put|hide|plant|place)\w*\s+(?:\w+\s+){0,2}?(?:spyware|stalkerware|"
        r"(?:a\s+)?(?:tracker|tracking\s+(?:app|device)|gps\s+tracker|keylogger|hidden\s+camera|"
        rf"tracking\s+software))\s+(?:on|in|under)\s+{OTHERS}",
    ),
    rule(
        "identifier_of",
        Category.PRIVACY,
        HOMEMADE_SCORE,
        r"\b(?:social\s+security\s+numbers?|ssn|passport\s+numbers?|bank\s+account\s+numbers?|"
        rf"credit\s+card\s+numbers?|home\s+address)\s+(?:of|for)\s+(?:{PERSON}|[a-z]+\s+[a-z]+)\b",
        unless=r"(?:my\s+own|format|valid\w*|example|fake|test|generate\s+a\s+random)",
        unless_score=MITIGATED_SCORE,
    ),
    rule(
        "social_security_number",
        Category.PRIVACY,
        0.7,
        r"(?<![\d-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\d-])",
        requires=r"\b(?:ssn|social\s+security|ss#|social\s+sec)",
    ),
]

RESTRICTIONS = alt(
    "restrictions", "rules", "filters?", "limits", "limitations", "guidelines", "ethics",
    "morals", "morality", "censorship", "boundaries", "safeguards", r"content\s+polic(?:y|ies)",
    "guardrails", "constraints", "principles",
)  # fmt: skip
JAILBREAK_RULES = [
    rule(
        "ignore_instructions",
        Category.JAILBREAK,
        REQUEST_SCORE,
        r"\b(?:ignore|disregard|forget|override|bypass|skip|drop|abandon|discard)\s+"
        r"(?:(?:all|any|every|the|your|of|my|these|those|previous)\s+)*"
        r"(?:previous|prior|above|earlier|preceding|original|initial|system|existing|current|"
        r"old)\s+(?:instructions?|prompts?|rules|directions|guidelines|messages|context|"
        r"directives|commands|programming|constraints|restrictions)",
        scope=Scope.INPUT,
    ),
    rule(
        "override_policy",
        Category.JAILBREAK,
        RECIPE_SCORE,
        r"\b(?:ignore|disregard|forget|override|bypass|circumvent|disable|turn\s+off|get\s+around|"
        r"break|remove)\s+(?:all\s+|any\s+|of\s+)?(?:(?:your|its|openai'?s|anthropic'?s)\s+(?:own\s+)?"
        r"(?:safety\s+|content\s+|ethical\s+|moral\s+)?|(?:the|all|any)\s+(?:safety|content|"
        r"ethical|moral)\s+)(?:rules|guidelines|instructions|programming|filters?|restrictions|"
        r"polic(?:y|ies)|guardrails|safeguards|limitations|training|constraints|principles|ethics|"
        r"morals|alignment)",
        scope=Scope.INPUT,
    ),
    rule(
        "dan",
        Category.JAILBREAK,
        REQUEST_SCORE,
        r"\b(?:you\s+are|you're|act\s+as|become|pretend\s+to\s+be|you\s+will\s+be)\s+(?:now\s+)?"
        r"(?:a\s+|an\s+)?(?:dan|stan|dude|aim|evilbot|evil\s+confidant|jailbroken)\b"
        r"|\bdo\s+anything\s+now\b|\bdan\s+(?:mode|prompt|jailbreak)\b",
        scope=Scope.INPUT,
    ),
    rule(
        "special_mode",
        Category.JAILBREAK,
        RECIPE_SCORE,
        r"\b(?:developer|jailbreak|jailbroken|unrestricted|unfiltered|uncensored|evil|chaos|"
        r"opposite|dan)\s+mode\b",
        scope=Scope.INPUT,
    ),
    rule(
        "unrestricted_persona",
        Category.JAILBREAK,
        RECIPE_SCORE,
        r"\b(?:pretend|act|imagine|roleplay|role-play|behave)\s+(?:that\s+)?(?:you\s+are|you're|to\s+be"
        r"|as|like)\s+(?:\w+\s+){0,4}?(?:with\s+no|without(?:\s+any)?|free\s+(?:of|from)|that\s+has"
        rf"\s+no|who\s+has\s+no|with\s+zero)\s+(?:\w+\s+)?{RESTRICTIONS}"
        r"|\b(?:you\s+are|you're)\s+(?:now\s+)?no\s+longer\s+(?:bound|restricted|limited|"
        r"constrained)\s+by|\bno\s+longer\s+(?:bound|restricted|limited|constrained)\s+by\s+"
        rf"(?:any|your|the)|\byou\s+(?:have|has)\s+no\s+{RESTRICTIONS}",
        scope=Scope.INPUT,
    ),
    rule(
        "uncensored_ai",
        Category.JAILBREAK,
        HOMEMADE_SCORE,
        r"\b(?:unfiltered|uncensored|unrestricted|amoral|unethical|unaligned|jailbroken)\s+"
        r"(?:ai|assistant|model|chatbot|bot|version|llm|gpt|persona|character)\b",
        scope=Scope.INPUT,
    ),
    rule(
        "system_prompt",
        Category.JAILBREAK,
        HOMEMADE_SCORE,
        r"\b(?:reveal|print|show|repeat|output|leak|display|tell\s+me|give\s+me|what\s+(?:is|are)|"
        r"dump|recite)\s+(?:me\s+)?(?:your|the)\s+(?:full\s+|entire\s+|original\s+|hidden\s+|"
        r"secret\s+|initial\s+|exact\s+)?(?:system\s+prompt|system\s+message|initial\s+"
        r"instructions|hidden\s+instructions|instructions\s+above|prompt\s+above|pre-?prompt|"
        r"developer\s+(?:message|instructions))",
        scope=Scope.INPUT,
    ),
    rule(
        "jailbreak_model",
        Category.JAILBREAK,
        HOMEMADE_SCORE,
        r"\bjailbreak(?:ing)?\s+(?:you|yourself|chatgpt|gpt\w*|claude|the\s+(?:ai|model|assistant|"
        r"chatbot|system)|this\s+(?:ai|model|assistant|chatbot)|an?\s+(?:ai|llm|language\s+model|"
        r"chatbot))\b",
        scope=Scope.INPUT,
    ),
    rule(
        "fiction_framing",
        Category.JAILBREAK,
        0.3,
        r"\b(?:for\s+a\s+(?:novel|story|screenplay|movie|book|game|fiction)|hypothetically|"
        r"in\s+a\s+fictional|purely\s+(?:educational|hypothetical)|for\s+(?:educational|research)"
        r"\s+purposes(?:\s+only)?|as\s+a\s+thought\s+experiment)\b",
        scope=Scope.INPUT,
    ),
]


# Key stems per group of rules: a text without any of them cannot match the group's rules,
# so the group is skipped. Keeps a typical call far under a millisecond.
GATES = {
    Category.EXPLOSIVES: "bomb|explos|ied|tatp|peroxide|hmtd|nitroglyc|c-?4|semtex|petn|rdx|tnt|"
    "trinitro|dynamite|anfo|blasting|detonat|grenade|molotov|mine|napalm|powder|thermite|"
    "firework|firecracker|rocket|nitrate|chlorate|nitrocell|guncotton|picric|m-?80|pipe",
    Category.WEAPONS_CBRN: "sarin|soman|tabun|novichok|vx|nerve|mustard|lewisite|chemical|ricin|"
    "abrin|anthra|botul|smallpox|variola|plague|pestis|weapon|dirty|radiolog|nuclear|atomic|"
    "bomb|grade|enrich|fissile|chlorine|phosgene|cyanide|gas|uranium|plutonium|virus|bacteri|"
    "pathogen|toxin|transmissib|lethal|contagious|deadly|virulent|infectious|resistant|airborne|"
    "castor|methylphosphonyl|dmmp|thiodiglycol|hexafluoride",
    Category.CYBERCRIME: "ransom|malware|logger|trojan|rootkit|botnet|spyware|stalkerware|virus|"
    "worm|stealer|cryptojack|ddos|denial|exploit|skimm|wiper|replicat|propagat|injection|xss|"
    "overflow|backdoor|shell|payload|brute|hack|break|get|sneak|log|crack|access|steal|harvest|"
    "grab|dump|exfiltrat|sniff|phish|captur|bypass|around|disabl|defeat|circumvent",
    Category.ILLEGAL_DRUGS: "meth|crack|cocaine|heroin|fentanyl|lsd|mdma|ecstasy|ghb|angel|"
    "phencyclidine|dmt|krokodil|desomorphine|cathinone|mephedrone|opium|psilocybin|mushroom|"
    "shroom|ketamine|oxy|drugs|ephedrine|phosphorus|ammonia|lithium|propanone|p2p|safrole|coca",
    Category.FRAUD_SCAMS: "phish|scam|counterfeit|fake|forg|ponzi|pyramid|stolen|mule|launder|"
    "con|defraud|swindle|fleece|rip|extort|blackmail|identity|ssn|social|credit|fraud|evad|tax",
    Category.VIOLENCE: "kill|murder|poison|stab|strangl|chok|shoot|tortur|kidnap|abduct|assassin|"
    "maim|hurt|injur|beat|attack|run|drown|suffocat|smother|behead|dismember|execut|slaughter|"
    "lynch|rap|assault|harm|disfigur|paralyz|incapacitat|drug|bod|corpse|massacre|terror|"
    "bombing|gun|firearm|pistol|rifle|ar-?15|ak-?47|silencer|suppressor|sear|serial|auto|stock",
    Category.SELF_HARM: "self|life|suicid|die|dead|live|alive|lethal|fatal|deadly|overdose|kys|"
    "yourself|much|many",
    Category.SEXUAL: "sex|erotic|porn|nsfw|x-rated|lewd|smut|steamy|raunchy|dirty|kinky|hentai|"
    "nude|naked|undress|fake|topless",
    Category.SEXUAL_MINORS: "sex|erotic|porn|nude|naked|nsfw|lewd|explicit|intercourse|molest|"
    "seduc|hentai|orgasm|fetish|rap|undress|csam|cp|lure|luring|abuse",
    Category.HATE_HARASSMENT: "jew|muslim|christian|hindu|sikh|buddhist|atheist|catholic|black|"
    "white|asian|arab|african|mexican|latin|hispanic|migrant|refugee|gay|lesbian|homosexual|"
    "bisexual|trans|women|disabled|autistic|gypsies|roma|indian|chinese|palestinian|israeli|"
    "foreigner|colou?r|racist|sexist|phobic|semitic|misogyn|bigot|hate|supremacist|nazi|harass|"
    "bully|threat|intimidat|stalk|humiliat|torment|blackmail|terroriz|shame",
    Category.PRIVACY: "dox|swat|address|phone|cell|location|workplace|ssn|social|name|ip|where|"
    "plate|track|monitor|spy|follow|trace|watch|read|see|access|intercept|check|listen|record|"
    "secret|covert|remote|undetect|stalk|wiretap|eavesdrop|install|put|hide|plant|place|"
    "passport|bank|credit|\\d{3}-",
    Category.JAILBREAK: "ignore|disregard|forget|override|bypass|skip|drop|abandon|discard|"
    "circumvent|disable|turn|around|break|remove|dan|stan|dude|aim|evil|jailbr|anything|mode|"
    "pretend|act|imagine|roleplay|role-play|behave|bound|restrict|limit|constrain|unfiltered|"
    "uncensored|unrestricted|amoral|unethical|unaligned|prompt|instruction|hypothetic|fiction|"
    "novel|story|screenplay|movie|book|game|educational|research|thought|you have no",
}


def default_rules() -> list[Rule]:
    """Every rule of the rule-based scorer, each gated by its category's key stems."""
    rules: list[Rule] = []
    for vocabulary in VOCABULARIES:
        rules += object_rules(vocabulary)
    rules += [
        GAIN_OF_FUNCTION,
        *VIOLENCE_RULES,
        *CYBERCRIME_RULES,
        *FRAUD_RULES,
        *SELF_HARM_RULES,
        *SEXUAL_RULES,
        *SEXUAL_MINORS_RULES,
        *HATE_RULES,
        *PRIVACY_RULES,
        *JAILBREAK_RULES,
    ]
    gates = {category: re.compile(stems) for category, stems in GATES.items()}
    return [replace(each, gate=gates[each.category]) for each in rules]


class Rules:
    """The rule-based scorer of inputs and answers."""

    def __init__(self, rules: Iterable[Rule] | None = None) -> None:
        chosen = list(default_rules() if rules is None else rules)
        self.input_rules = [r for r in chosen if r.scope is not Scope.OUTPUT]
        self.output_rules = [r for r in chosen if r.scope is not Scope.INPUT]
        self.procedural = compile_pattern(PROCEDURAL_ANY)
        self.quantity = compile_pattern(QUANTITY)
        self.topic_objects = {
            v.category: compile_pattern(
                rf"\b{alt(*(p for p in (v.severe, v.dual, v.precursors) if p))}\b"
            )
            for v in VOCABULARIES
        }

    def score_input(self, text: str) -> Assessment:
        """Scores of a user's request."""
        return Assessment.from_findings(self._findings(normalize(text), self.input_rules))

    def score_passages(
        self, passages: Sequence[str], prompt_topic: Mapping[Category, float]
    ) -> list[Assessment]:
        """Scores of each passage of an answer.

        Besides the passage's own matches, a step of an answer ("Cap both ends and insert the
        fuse") is harmful when the conversation is about that harm: a category the prompt
        scored in (a step then scores no more than the prompt did), or one whose harmful
        objects appear in a step of the same answer.
        """
        views = [normalize(passage) for passage in passages]
        findings = [self._findings(view, self.output_rules) for view in views]
        topic = {category: min(score, TOPIC_STEP_SCORE) for category, score in prompt_topic.items()}
        for passage_findings in findings:
            for f in passage_findings:
                if f.rule.endswith("step") and f.score >= STEP_SCORE:
                    topic[f.category] = TOPIC_STEP_SCORE
        assessments = []
        for view, passage_findings in zip(views, findings, strict=True):
            extra = [
                f
                for category, score in topic.items()
                if (f := self._topic_step(view, category, score))
            ]
            assessments.append(Assessment.from_findings([*passage_findings, *extra]))
        return assessments

    def _topic_step(self, view: Normalized, category: Category, score: float) -> Finding | None:
        """A procedural passage with an object, precursor or quantity of the conversation's harm."""
        objects = self.topic_objects.get(category)
        for text in view.views():
            step = self.procedural.search(text)
            if step is None:
                continue
            ingredient = (objects.search(text) if objects else None) or self.quantity.search(text)
            if ingredient is not None:
                matched = text[step.start() : max(step.end(), ingredient.end())]
                return Finding(
                    SOURCE,
                    f"{category}.topic_step",
                    category,
                    score,
                    matched.strip(" \n.,;:!?")[:MAX_MATCH_CHARS],
                )
        return None

    @staticmethod
    def _findings(view: Normalized, rules: Sequence[Rule]) -> list[Finding]:
        """Each rule's finding on the first view it matches."""
        found = []
        texts = view.views()
        gate_open: dict[tuple[re.Pattern[str], str], bool] = {}
        for each in rules:
            for text in texts:
                if each.gate is not None:
                    key = (each.gate, text)
                    if key not in gate_open:
                        gate_open[key] = each.gate.search(text) is not None
                    if not gate_open[key]:
                        continue
                finding = each.apply(text)
                if finding is not None:
                    found.append(finding)
                    break
        return found
