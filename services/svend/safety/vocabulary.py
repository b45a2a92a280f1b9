"""Word lists and regex building blocks the rules are made of.

Everything is written for the normalized text (see `normalize`): lower case, single spaces,
straight quotes. Objects are the harmful things a request can be about, split into severe
(making or getting them has no everyday use: sarin, pipe bombs, ransomware), dual-use (has
everyday uses: gunpowder, fireworks, exploits) and precursors (only suspicious once the
conversation is already about that harm: acetone, fuses, castor beans).
"""

from dataclasses import dataclass

from svend.safety.taxonomy import Category


def alt(*parts: str) -> str:
    """A non-capturing alternation."""
    return "(?:" + "|".join(parts) + ")"


def verb_forms(*verbs: str) -> str:
    """Base, -s and -ing forms of each verb (the first word of a phrasal verb is inflected)."""
    forms: list[str] = []
    for verb in verbs:
        head, _, rest = verb.partition(" ")
        tail = f"\\s+{rest}" if rest else ""
        if head.endswith("e") and not head.endswith("ee"):
            ing = head[:-1] + "ing"
        elif head in DOUBLED:
            ing = head + head[-1] + "ing"
        else:
            ing = head + "ing"
        third = head + ("es" if head.endswith(("s", "sh", "ch", "x", "z", "o")) else "s")
        forms.extend(f"{form}{tail}" for form in (head, third, ing))
    return alt(*sorted(set(forms), key=len, reverse=True))


DOUBLED = frozenset({"set", "rig", "plan", "get", "ship", "plot", "stab", "grab", "drop"})

# Words that make a request about the object rather than for it: "how to detect malware",
# "how do I get off heroin", "the molar mass of cocaine", "an essay about ransomware".
GAP_BLOCKERS = alt(
    "detect\\w*", "identify\\w*", "recogni[sz]\\w*", "spot", "remove\\w*", "scan\\w*",
    "protect\\w*", "defend\\w*", "prevent\\w*", "analy[sz]\\w*", "block\\w*", "stop\\w*",
    "avoid\\w*", "survive\\w*", "treat\\w*", "neutrali[sz]\\w*", "defuse\\w*", "dispose\\w*",
    "report\\w*", "against", "about", "essay", "history", "off", "rid", "quit", "help",
    "addict\\w*", "withdrawal", "detox\\w*", "recover\\w*", "sober", "mass", "formula",
    "structure", "molecul\\w*", "properties", "effects?", "symptoms?", "signs?", "dangers?",
    "risks?", "test\\w*", "model", "picture", "drawing", "diagram", "not", "never",
)  # fmt: skip


def gap(words: int) -> str:
    """Up to `words` words between two parts of a pattern, none of them a blocker."""
    return rf"\W+(?:(?!{GAP_BLOCKERS}\b)\w+\W+){{0,{words}}}?"


# What makes a sentence a request: "how to", "how do I", "steps for", "tell me", "where can I",
# or the start of a sentence (an imperative: "synthesize sarin at home").
FRAME_WORDS = alt(
    r"how\s+(?:to|(?:do|can|could|would|should|might|will|shall)\s+"
    r"(?:i|we|you|u|one|someone|somebody|anyone|a\s+person|people))",
    r"steps?\s+(?:to|for|on)",
    r"instructions?\s+(?:to|for|on)",
    r"guide\s+(?:to|for|on)",
    r"tutorial\s+(?:to|for|on)",
    r"ways?\s+(?:to|of)",
    r"methods?\s+(?:to|for|of)",
    r"teach\s+me",
    r"show\s+me",
    r"tell\s+me",
    r"help\s+me",
    r"(?:i|we)\s+(?:want|need|plan|intend|wish|would\s+like|am\s+going|are\s+going|have)\s+to",
    r"i'?m\s+(?:going|planning|trying)\s+to",
    r"(?:can|could|would|will)\s+you",
    "please",
    r"explain\s+how\s+to",
    r"walk\s+me\s+through",
    r"where\s+(?:can|do|could|should|would)\s+(?:i|we|you|one|someone)",
    r"what\s+do\s+i\s+need\s+to",
)
REQUEST = rf"(?:\b{FRAME_WORDS}\W+(?:\w+\W+){{0,2}}?|^\W*|[.!?;:,]\W*)"

NOT_A_PROGRAM = (
    r"(?!\w)(?!\s+(?:process|processes|thread|node|element|window|task|job|class|component|pid))"
)
# People as the target of an act: "my neighbor", "someone", "a child" (but not "a child process").
PEOPLE = alt(
    "someone", "somebody", "anyone", "people", "persons?", "humans?", "him", "her", "them",
    r"(?:a|an|the|this|that|some)\s+(?:\w+\s+)?" + alt(
        "man", "woman", "guy", "girl", "boy", "kid", "child", "baby", "person", "cop",
        "police\\s+officer", "officer", "teacher", "student", "classmate", "coworker",
        "neighbou?r", "stranger", "president", "senator", "judge", "politician", "witness",
        "crowd", "family", "journalist", "reporter", "minister", "mayor",
    ),
    r"my\s+(?:\w+\s+)?" + alt(
        "wife", "husband", "girlfriend", "boyfriend", "partner", "ex", "boss", "neighbou?r",
        "mother", "mom", "mum", "father", "dad", "sister", "brother", "son", "daughter",
        "teacher", "classmate", "coworker", "roommate", "friend", "family", "landlord", "baby",
        "child", "kids?", "uncle", "aunt", "grandma", "grandpa", "colleague", "bully",
    ),
    "children", "kids", "students", "classmates", "coworkers", "police", "cops",
) + NOT_A_PROGRAM  # fmt: skip

# Whose account, phone or address: someone other than the speaker.
OTHERS = alt(
    "someone'?s", "somebody'?s", "other\\s+people'?s", "her", "his", "their",
    r"(?:my|a|the|this|that)\s+(?:\w+\s+)?" + alt(
        "ex", "wife", "husband", "girlfriend", "boyfriend", "partner", "boss", "neighbou?r",
        "teacher", "classmate", "coworker", "colleague", "friend", "roommate", "sister",
        "brother", "mom", "dad", "crush", "stranger", "celebrity", "user", "person", "girl",
        "guy", "woman", "man", "streamer", "employee", "employer", "school", "company",
    ) + "(?:'?s)?",
)  # fmt: skip

# Context that turns a statement around: warnings, refusals, history, defence.
NEGATION = alt(
    "never", "not", "don't", "do\\s+not", "doesn't", "shouldn't", "should\\s+not", "can't",
    "cannot", "won't", "will\\s+not", "refuse\\w*", "unable", "avoid\\w*", "prevent\\w*",
    "protect\\w*", "defend\\w*", "detect\\w*", "illegal", "dangerous", "against", "stop\\w*",
    "history", "historical\\w*", "banned", "treaty", "treaties", "why", "disarm\\w*",
)  # fmt: skip


@dataclass(frozen=True)
class Vocabulary:
    """The objects and verbs of one category's intent + object rules."""

    category: Category
    verbs: str
    severe: str
    dual: str | None = None
    # Ingredients and parts that only this harm uses ("red phosphorus", "castor beans").
    telltales: str | None = None
    # Generic ingredients and parts, suspicious only in a conversation about this harm.
    precursors: str | None = None


EXPLOSIVES = Vocabulary(
    Category.EXPLOSIVES,
    verbs=verb_forms(
        "make", "build", "assemble", "construct", "create", "manufacture", "produce", "prepare",
        "synthesize", "synthesise", "cook", "mix", "detonate", "set off", "plant", "rig", "wire",
        "arm", "trigger", "hide", "smuggle", "obtain", "acquire", "buy", "purchase", "pack",
        "fill", "ignite", "throw", "brew",
    ),
    severe=alt(
        r"(?:pipe|nail|car|truck|letter|mail|fertili[sz]er|pressure[- ]cooker|suicide)\s+bombs?",
        r"(?<!bath )(?<!seed )(?<!photo )(?<!stink )(?<!smoke )(?<!calorie )(?<!cherry )"
        r"(?<!water )(?<!glitter )(?<!love )(?<!f-)(?<!f )(?<!sex )bombs?"
        r"(?![-\s]*(?:proof|shelter|calorimeter|squad|disposal|sniff\w*|detect\w*|cyclone|"
        r"diggity|threat))",
        "ieds?", r"improvised\s+explosive(?:\s+devices?)?", "explosives",
        r"explosive\s+(?:devices?|charges?|vests?|belts?|materials?|compounds?|mixtures?|"
        r"powders?)",
        r"suicide\s+vests?", "tatp", r"triacetone\s+triperoxide", r"acetone\s+peroxide",
        "hmtd", "nitroglycerine?", "c-4", r"c4\s+explosives?", "semtex", "petn", "rdx", "tnt",
        "trinitrotoluene", "dynamite", "anfo", r"blasting\s+caps?", "detonators?",
        r"(?:hand\s+)?grenades?", r"molotovs?(?:\s+cocktails?)?", r"land\s*mines?", "napalm",
    ),
    dual=alt(
        "gunpowder", r"black\s+powder", r"flash\s+powder", "thermite", "fireworks?",
        "firecrackers?", r"smoke\s+bombs?", r"rocket\s+fuel", r"ammonium\s+nitrate",
        r"potassium\s+(?:chlorate|perchlorate)", "nitrocellulose", "guncotton", r"picric\s+acid",
        "m-?80s?",
    ),
    telltales=alt(r"triacetone", r"blasting\s+caps?", r"pipe\s+bomb"),
    precursors=alt(
        "acetone", r"hydrogen\s+peroxide", "fuses?", "shrapnel", r"ball\s+bearings",
        r"end\s+caps?", r"steel\s+pipe", r"fuel\s+oil", r"potassium\s+nitrate", "sulfur",
        "sulphur", "charcoal", "detonat\\w*", r"nitric\s+acid", r"sulfuric\s+acid", "glycerin\\w*",
        "pipe", "timer", "ignit\\w*", "blasting",
    ),
)  # fmt: skip

WEAPONS_CBRN = Vocabulary(
    Category.WEAPONS_CBRN,
    verbs=verb_forms(
        "make", "build", "produce", "synthesize", "synthesise", "create", "manufacture",
        "prepare", "extract", "purify", "isolate", "culture", "grow", "cultivate", "weaponize",
        "weaponise", "aerosolize", "aerosolise", "disperse", "spread", "release", "deploy",
        "enrich", "refine", "obtain", "acquire", "buy", "smuggle", "engineer", "mix", "cook",
        "brew", "detonate",
    ),
    severe=alt(
        "sarin", "soman", "tabun", "cyclosarin", "novichok", r"vx\s+(?:nerve\s+)?(?:agent|gas)",
        r"nerve\s+(?:agents?|gas(?:es)?)", r"mustard\s+gas", r"(?:sulfur|nitrogen)\s+mustard",
        "lewisite", r"chemical\s+weapons?", "ricin", "abrin", "anthrax", r"bacillus\s+anthracis",
        r"botulinum(?:\s+toxin)?", r"botulism\s+toxin", "smallpox", "variola",
        r"(?:bubonic|pneumonic)\s+plague", r"yersinia\s+pestis", "bio-?weapons?",
        r"biological\s+weapons?", r"dirty\s+bombs?",
        r"radiological\s+(?:weapons?|dispersal\s+devices?|bombs?)",
        r"nuclear\s+(?:weapons?|bombs?|warheads?|devices?)", r"atomic\s+bombs?", "a-bombs?",
        "h-bombs?", r"hydrogen\s+bombs?", r"thermonuclear\s+(?:weapons?|bombs?)",
        r"weapons?[-\s]grade(?:\s+(?:uranium|plutonium))?", r"highly\s+enriched\s+uranium",
        r"fissile\s+material",
    ),
    dual=alt(
        r"chlorine\s+gas", "phosgene", r"hydrogen\s+cyanide", r"cyanide(?:\s+gas)?",
        r"(?:toxic|poison(?:ous)?|deadly|lethal|nerve)\s+gas(?:es)?", "uranium", "plutonium",
        r"(?:deadly|lethal|dangerous)\s+(?:virus(?:es)?|bacteria|pathogens?|toxins?)",
    ),
    telltales=alt(
        r"castor\s+beans?", r"methylphosphonyl\s+difluoride", "dmmp", "thiodiglycol",
        r"anthrax\s+spores?", r"uranium\s+hexafluoride",
    ),
    precursors=alt(
        "spores?", "centrifuges?", r"uranium\s+hexafluoride", "isopropanol", "aerosol\\w*",
        "toxin", "pathogen", "culture",
    ),
)  # fmt: skip

CYBERCRIME = Vocabulary(
    Category.CYBERCRIME,
    verbs=verb_forms(
        "write", "code", "program", "create", "develop", "build", "make", "design", "deploy",
        "spread", "distribute", "install", "launch", "plant", "hide", "obfuscate", "sell", "buy",
        "generate", "craft",
    ),
    severe=alt(
        "ransomware", "malware", r"key\s*loggers?", r"trojans?(?:\s+horses?)?", "rootkits?",
        "botnets?", "spyware", "stalkerware", r"computer\s+(?:virus(?:es)?|worms?)",
        r"info-?stealers?", r"(?:credential|password|cookie)\s+stealers?", "cryptojack\\w*",
        r"remote\s+access\s+trojans?", r"ddos(?:\s+attacks?)?",
        r"(?:denial[-\s]of[-\s]service)\s+attacks?", r"(?:zero-day|0-day)\s+exploits?",
        r"exploit\s+kits?", r"card\s+skimmers?", r"skimming\s+devices?", "wipers?\\s+malware",
        r"self-?(?:replicating|propagating)\s+(?:virus|worm|code|malware)",
    ),
    dual=alt(
        r"(?:sql\s+injection|xss|buffer\s+overflow)\s+(?:attacks?|payloads?|exploits?)",
        "exploits?", "backdoors?", r"reverse\s+shells?", "payloads?", r"brute[- ]force\w*",
    ),
    precursors=alt(
        "payload", "encrypt\\w*", r"victim'?s?", "c2", r"command\s+and\s+control", "bitcoin",
        "ransom", "persistence", r"registry\s+key", "keystrokes?", "exfiltrat\\w*",
    ),
)  # fmt: skip

ILLEGAL_DRUGS = Vocabulary(
    Category.ILLEGAL_DRUGS,
    verbs=verb_forms(
        "make", "cook", "synthesize", "synthesise", "produce", "manufacture", "extract", "grow",
        "cultivate", "refine", "buy", "purchase", "order", "obtain", "get", "score", "find",
        "smuggle", "sell", "deal", "traffic", "import", "ship", "hide", "lace", "press",
        "distill", "brew",
    ),
    severe=alt(
        "meth", "methamphetamine", r"crystal\s+meth", r"crack\s+(?:cocaine|rocks?)", "cocaine",
        "heroin", "fentanyl", "carfentanil", r"lsd(?!\W+(?:radix|sort|first|digit))", "mdma",
        r"ecstasy\s+(?:pills?|tablets?)", "ghb", r"angel\s+dust", "phencyclidine", "dmt",
        "krokodil", "desomorphine", "methcathinone", "mephedrone", "opium",
    ),
    dual=alt(
        "psilocybin", r"magic\s+mushrooms", "shrooms", "ketamine", "oxycodone", "oxycontin",
        r"(?:illegal|street|hard)\s+drugs",
    ),
    telltales=alt(
        "pseudoephedrine", r"red\s+phosphorus", r"anhydrous\s+ammonia", r"lithium\s+strips?",
        r"phenyl-?2-?propanone", "p2p", "safrole", r"coca\s+paste",
    ),
    precursors=alt(
        "ephedrine", "ergotamine", "lye", r"coca\s+leaves", r"opium\s+poppies", "cook\\w*",
        "batch", "iodine", "mixture", "solvent",
    ),
)  # fmt: skip

FRAUD_SCAMS = Vocabulary(
    Category.FRAUD_SCAMS,
    verbs=verb_forms(
        "write", "create", "make", "design", "build", "set up", "run", "send", "print",
        "produce", "forge", "draft", "generate", "start", "launch", "buy", "obtain", "sell",
        "use", "cash", "pass", "get",
    ),
    severe=alt(
        r"phishing\s+(?:emails?|pages?|sites?|websites?|kits?|messages?|texts?|sms|campaigns?|"
        r"links?|scams?)",
        r"scam\s+(?:emails?|calls?|scripts?|messages?|websites?|texts?)",
        r"counterfeit\s+(?:\w+\s+){0,2}?(?:money|bills?|currency|cash|notes|banknotes|dollars|euros|checks?|"
        r"cheques?|coins)",
        r"fake\s+(?:\w+\s+)?(?:ids?|passports?|driver'?s\s+licen[cs]es?|(?:bank\s+)?statements?|invoices?|"
        r"diplomas?|degrees?|identity|identities|checks?|cheques?|receipts?|prescriptions?|"
        r"reviews?|charity)",
        r"forged\s+(?:documents?|signatures?|checks?|cheques?|prescriptions?|passports?)",
        r"ponzi\s+schemes?", r"pyramid\s+schemes?",
        r"stolen\s+(?:credit\s+cards?|card\s+numbers|identities|identity|credentials)",
        r"money\s+mules?",
    ),
    precursors=alt(
        "urgent\\w*", r"verify\s+your", r"click\s+(?:the|this)\s+link", r"gift\s+cards?",
        "wire\\s+transfer", r"account\s+(?:will\s+be\s+)?suspended", "password",
    ),
)  # fmt: skip

VOCABULARIES: tuple[Vocabulary, ...] = (
    EXPLOSIVES,
    WEAPONS_CBRN,
    CYBERCRIME,
    ILLEGAL_DRUGS,
    FRAUD_SCAMS,
)

# Verbs that start an instruction in an answer ("Mix ...", "Then heat ...").
STRONG_IMPERATIVES = alt(
    "mix", "add", "combine", "heat", "boil", "dissolve", "pour", "fill", "pack", "seal",
    "attach", "insert", "connect", "wire", "ignite", "light", "detonate", "place", "grind",
    "crush", "filter", "distill", "evaporate", "stir", "cool", "chill", "extract", "obtain",
    "buy", "purchase", "acquire", "order", "collect", "gather", "wrap", "drill", "cap", "screw",
    "weigh", "measure", "cultivate", "culture", "grow", "harvest", "inject", "aerosolize",
    "disperse", "release", "spray", "encrypt", "deploy", "install", "soak", "rinse", "dry",
    "crystallize", "recrystallize", "neutralize", "titrate", "react", "shake", "tape", "bury",
    "hide", "plant", "throw", "cook", "reduce", "separate", "decant", "purify", "refine",
    "solder", "arm", "trigger", "compress", "press", "load", "enrich", "isolate", "incubate",
    "infect", "spread", "smuggle", "forge", "launder", "send", "sell", "delete", "lock",
    "demand", "exfiltrate", "steal",
)  # fmt: skip
WEAK_IMPERATIVES = alt(
    "use", "take", "make", "prepare", "create", "write", "code", "compile", "run", "execute",
    "open", "copy", "upload", "host", "print", "sign", "deposit", "withdraw", "transfer", "set",
    "leave", "wait", "repeat", "keep", "get", "find", "put", "store", "transport", "move",
    "cut", "bend", "mount", "aim", "remove", "replace", "download", "configure", "target",
    "display", "show", "call", "import", "loop", "iterate", "walk", "scan", "overwrite",
)  # fmt: skip
_LEAD_IN = (
    r"(?:^\W*(?:step\s*\d+\W*|\d+[.)]\s*|[a-z][.)]\s+)?"
    r"(?:(?:first|then|next|now|finally|after\s+that|afterwards|second|third|lastly)\W+)?"
    r"(?:to\s+[^,\n]{1,80},\s*)?"
    r"(?:carefully|slowly|gently|quickly|simply|just)?\s*"
    r"|(?:,|;|\band|\bthen)\s+(?:then\s+)?(?:carefully\s+|slowly\s+)?"
    r"|\byou(?:'ll|\s+will)?\s+(?:need|have|want)\s+to\s+"
    r"|\byou\s+(?:should|must|can|could)\s+(?:now\s+|then\s+)?)"
)
PROCEDURAL_STRONG = rf"{_LEAD_IN}{STRONG_IMPERATIVES}\b"
PROCEDURAL_ANY = (
    rf"{_LEAD_IN}{alt(STRONG_IMPERATIVES, WEAK_IMPERATIVES)}\b|\byou(?:'ll|\s+will)\s+need\b"
)
QUANTITY = (
    r"\d+(?:[.,]\d+)?\s*(?:g|grams?|kg|kilograms?|mg|milligrams?|ml|millilit(?:er|re)s?|l|"
    r"lit(?:er|re)s?|oz|ounces?|lbs?|pounds?|°\s*[cf]|degrees|cups?|tbsp|tsp|tablespoons?|"
    r"teaspoons?|mol|moles?|%|percent|minutes?|mins?|hours?|hrs?|drops?|parts?)(?!\w)"
)
