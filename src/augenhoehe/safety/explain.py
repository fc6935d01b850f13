"""Plain words for the rule families, for the "why am I seeing this?" page and staff.

A rule id reads ``<language>.<family>.<name>`` (``de.plan.time_named``); people see only
the family, in plain words, never the text that matched.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

FAMILIES = {
    "plan": _("Words that sounded like a plan or a decision to end your life."),
    "means": _("Words about having the means to hurt yourself close at hand."),
    "ideation": _("Words about thoughts of ending your life."),
    "passive": _("Words that sounded like a wish not to be alive any more."),
    "hopeless": _("Words that sounded very hopeless."),
    "burden": _("Words about feeling like a burden to others."),
    "goodbye": _("Words that sounded like saying goodbye."),
    "giveaway": _("Words about giving your things away for good."),
    "selfharm": _("Words about hurting yourself."),
    "urge": _("Words about a strong urge to hurt yourself."),
    "attempt": _("Words about an attempt to end your life."),
    "intrusive": _("Words about unwanted thoughts of harming someone."),
    "others": _("Words that sounded like a danger to another person."),
    "thirdparty": _("Words about another person in acute danger."),
    "emoji": _(
        "Symbols that are often used to talk about death, together with a time or a goodbye."
    ),
    "negbut": _("A “no” that still sounded unsure."),
    "pastpresent": _("Words about feelings from a past crisis coming back."),
    "model": _(
        "Read as a whole, your message resembled messages people wrote in a crisis. An "
        "automatic second look noticed this; it runs on our own server and keeps no copy."
    ),
}
OTHER = _("Other signs that you might be in a crisis.")


def explain_families(families: list[str]) -> list[str]:
    texts: list[str] = []
    for family in families:
        text = str(FAMILIES.get(family, OTHER))
        if text not in texts:
            texts.append(text)
    return texts
