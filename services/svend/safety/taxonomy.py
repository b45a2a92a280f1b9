"""The harm taxonomy every safety scorer reports in.

- violence: killing, injuring, kidnapping or attacking people; planning attacks; making
  untraceable or illegally modified firearms.
- weapons_cbrn: chemical, biological, radiological and nuclear weapons: agents (sarin, VX,
  ricin, anthrax...), their production, enrichment, weaponisation and release.
- explosives: bombs, IEDs, primary and high explosives, detonators, incendiaries.
- cybercrime: malware (ransomware, keyloggers...), breaking into other people's accounts and
  systems, DDoS, stealing credentials.
- illegal_drugs: making, extracting, buying or trafficking controlled drugs.
- fraud_scams: phishing, scams, counterfeiting, forgery, money laundering, identity theft.
- self_harm: suicide and self-injury: methods, intent, encouragement.
- sexual: explicit sexual content between adults, non-consensual sexual imagery.
- sexual_minors: any sexualisation of minors (always the most severe).
- hate_harassment: dehumanising protected groups, calls for violence against them,
  harassment, threats and bullying of individuals.
- privacy: doxxing, locating or tracking people covertly, reading their private messages,
  leaking personal identifiers.
- jailbreak: attempts to override the assistant's instructions or safety rules (DAN,
  "ignore all previous instructions", developer mode, system-prompt extraction).

Rules key on intent plus a harmful object, never on a single scary word: "how do I build a
pipe bomb" is explosives, "explain how TNT releases energy" and "kill a Python process" are not.
"""

from enum import StrEnum


class Category(StrEnum):
    """One harm category; the value is the name used on the wire and in metrics."""

    VIOLENCE = "violence"
    WEAPONS_CBRN = "weapons_cbrn"
    EXPLOSIVES = "explosives"
    CYBERCRIME = "cybercrime"
    ILLEGAL_DRUGS = "illegal_drugs"
    FRAUD_SCAMS = "fraud_scams"
    SELF_HARM = "self_harm"
    SEXUAL = "sexual"
    SEXUAL_MINORS = "sexual_minors"
    HATE_HARASSMENT = "hate_harassment"
    PRIVACY = "privacy"
    JAILBREAK = "jailbreak"


CATEGORIES: tuple[Category, ...] = tuple(Category)
