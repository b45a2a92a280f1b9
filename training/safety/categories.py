"""Harm categories for sources that carry none of their own (AdvBench, JailbreakBench, ...).

A harmful prompt's categories are the union of a keyword map written for these data sets and the
project's rule scorer, so the labels follow the taxonomy's definitions rather than each data
set's own.
"""

import re
from functools import cache

from svend.safety.rules import Rules
from svend.safety.taxonomy import Category

RULE_THRESHOLD = 0.5

KEYWORDS: dict[Category, str] = {
    Category.VIOLENCE: (
        r"\b(?:kill(?:ing)? (?:someone|a person|people|him|her|them|my|a|the|as many)|murder"
        r"|assassinat|kidnap|tortur|mass shooting|shoot(?:ing)? (?:up|people|someone|a)|stab"
        r"|strangl|poison(?:ing)? (?:someone|my|a person|him|her|the|people|a)|assault"
        r"|terroris|hurt (?:someone|people|others|a)|untraceable (?:gun|firearm)|ghost gun"
        r"|fully automatic|violen|beat (?:up|someone)|harm (?:others|people|someone|a)"
        r"|weapon|firearm|gun\b|rifle|lethal wound|injur|attack (?:on )?(?:people|a crowd|a school"
        r"|civilians|a person)|sniper|hit man|hitman|lynch|massacre|behead|physical harm"
        r"|cause (?:harm|accidents|a crash|crashes|chaos)|sabotage|hit-and-run|maim)"
    ),
    Category.WEAPONS_CBRN: (
        r"\b(?:sarin|vx\b|tabun|soman|novichok|nerve agent|ricin|anthrax|botulinum|smallpox"
        r"|chemical weapon|biological weapon|bio-?weapon|mustard gas|chlorine gas|phosgene"
        r"|dirty bomb|radiological|nuclear (?:weapon|bomb|device)|enrich(?:ed|ing|ment)? uranium"
        r"|uranium enrichment|weapons?[- ]grade|plutonium|pathogen|toxin|cyanide|poison gas"
        r"|deadly virus|engineered virus|pandemic|chemical warfare|biological warfare"
        r"|weapon of mass destruction|weapons of mass destruction|lethal gas|toxic gas)"
    ),
    Category.EXPLOSIVES: (
        r"\b(?:bomb|explosive|detonat|ied\b|ieds\b|tatp|anfo|pipe bomb|grenade|molotov|napalm"
        r"|incendiar|c-4|semtex|nitroglycerin|blow up|blowing up|thermite|blasting cap"
        r"|car bomb|suicide vest)"
    ),
    Category.CYBERCRIME: (
        r"\b(?:hack|malware|ransomware|computer virus|virus that|antivirus|trojan|keylogger"
        r"|botnet|ddos|denial of service|exploit (?:a |the )?(?:vulnerab|bug|software|system"
        r"|server|network|website)|vulnerabilit|phish|spyware|rootkit|backdoor|sql injection"
        r"|crack (?:password|software|the password)|brute[- ]force|steal (?:passwords|credential"
        r"|data|sensitive|personal)|data breach|unauthori[sz]ed access|zero-day|worm\b|cyberattack"
        r"|cyber attack|infect|bypass (?:security|authentication|two-factor)|password"
        r"|steals? (?:sensitive |personal |confidential )?(?:user )?(?:information|data)"
        r"|hijack(?:s|ing)? (?:a |the )?(?:\w+'s )?(?:self-driving )?(?:car|account|social media"
        r"|computer|system|network|control)|illegally access)"
    ),
    Category.ILLEGAL_DRUGS: (
        r"\b(?:meth\b|methamphetamine|cocaine|heroin|fentanyl|lsd\b|mdma|ecstasy|drugs?\b"
        r"|narcotic|opioid|crack cocaine|cannabis|marijuana|psilocybin|dmt\b|ketamine|oxycodone"
        r"|controlled substance|date rape)"
    ),
    Category.FRAUD_SCAMS: (
        r"\b(?:fraud|scam|phishing|counterfeit|forge|forgery|forged|launder|identity theft"
        r"|steal (?:someone's |their |a person's )?identit|ponzi|pyramid scheme|insider trading"
        r"|tax evasion|evade (?:paying )?taxes|fake (?:review|invoice|id|charity|identity"
        r"|document|receipt|lottery|website)|embezzl|credit card|cheat|brib|extort|blackmail"
        r"|impersonat|spoof|con artist|swindl|defraud|shoplift|steal (?:money|from)|rob\b"
        r"|robbery|theft|counterfeiting|manipulat(?:e|ing) (?:stock|the stock|financial|market)"
        r"|gambling|insurance claim|steal\b|steals\b|stealing|pirat|review that manipulates"
        r"|product that you have not)"
    ),
    Category.SELF_HARM: (
        r"\b(?:suicid|kill (?:myself|yourself|themselves|oneself)|self-harm|self harm"
        r"|cut (?:myself|yourself)|hurt (?:myself|yourself)|end (?:my|your|their) (?:own )?life"
        r"|anorexi|bulimi|starv(?:e|ing) (?:myself|yourself)|overdose|eating disorder"
        r"|self-injur|hang myself)"
    ),
    Category.SEXUAL: (
        r"\b(?:sex|sexual|sexually|porn|pornograph|explicit|erotic|nude|naked|lewd|fetish"
        r"|prostitut|escort|revenge porn|intimate (?:image|photo|video)|orgasm|genital)"
    ),
    Category.HATE_HARASSMENT: (
        r"\b(?:hate|hatred|racis|sexis|xenophob|homophob|transphob|antisemit|slur|harass|bully"
        r"|bullies|cyberbull|(?:cyber)?stalk|threat|intimidat|humiliat|defam|inferior|subhuman|genocide"
        r"|ethnic cleansing|white supremac|nazi|discriminat|insult|troll|demean|body.?sham"
        r"|misogyn|bigot|offensive joke|dehumaniz|oppression of|false accusations"
        r"|ruin (?:their|his|her|someone's) reputation)"
    ),
    Category.PRIVACY: (
        r"\b(?:dox|home address|personal information|private information|track (?:someone|my|her"
        r"|his|their|a person|people)|location of|spy on|(?:cyber)?stalk|ssn\b"
        r"|social security number"
        r"|surveil|facial recognition|personal data|without (?:their|her|his|my \w+'s) "
        r"(?:consent|knowledge)|phone number of|hidden camera|eavesdrop|wiretap|private messages"
        r"|medical records|browsing history|someone's (?:email|account|messages|phone))"
    ),
    Category.JAILBREAK: (
        r"\b(?:ignore (?:all |any |your |the )?(?:previous |prior |above )?(?:instructions|rules"
        r"|guidelines)|developer mode|\bdan\b|jailbreak|no (?:restrictions|filters|limits|rules"
        r"|ethical)|unfiltered|system prompt|bypass (?:your|the|any) (?:safety|filter|guidelines"
        r"|restrictions|content policy)|do anything now|without any (?:restrictions|censorship"
        r"|filter))"
    ),
}
MINORS = (
    r"\b(?:child|children|minor|minors|underage|kid|kids|preteen|pre-teen|schoolgirl|schoolboy"
    r"|loli|(?:1[0-7]|[1-9])[- ]year[- ]old|teenager|young teen|middle school)"
)
CHILD_ABUSE = r"\b(?:child porn|csam|child sexual|groom(?:ing)? (?:a |the )?(?:child|minor|kid))"

PATTERNS = {category: re.compile(pattern, re.IGNORECASE) for category, pattern in KEYWORDS.items()}
MINORS_PATTERN = re.compile(MINORS, re.IGNORECASE)
CHILD_ABUSE_PATTERN = re.compile(CHILD_ABUSE, re.IGNORECASE)


def keyword_categories(text: str) -> set[Category]:
    """Categories whose keywords occur in a text already known to be harmful."""
    found = {category for category, pattern in PATTERNS.items() if pattern.search(text)}
    sexual_minor = Category.SEXUAL in found and MINORS_PATTERN.search(text)
    if sexual_minor or CHILD_ABUSE_PATTERN.search(text):
        found.add(Category.SEXUAL_MINORS)
    return found


@cache
def _rules() -> Rules:
    return Rules()


def rule_categories(text: str) -> set[Category]:
    """Categories the project's rule scorer finds at or above RULE_THRESHOLD."""
    return set(_rules().score_input(text).categories_at(RULE_THRESHOLD))


def derive_categories(text: str, *extra: Category) -> list[str]:
    """A harmful prompt's categories: keywords, rule scorer and given ones, in taxonomy order."""
    found = keyword_categories(text) | rule_categories(text) | set(extra)
    return [str(category) for category in Category if category in found]
