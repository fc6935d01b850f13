"""Demo groups with a few kind first messages (idempotent: found by name, never doubled)."""

from __future__ import annotations

from django.utils import timezone

from augenhoehe.accounts.models import User
from augenhoehe.chat import actions as chat_actions
from augenhoehe.groups import actions
from augenhoehe.groups.models import Audience, Group, JoinPolicy, Membership, Topic

RULES_DE = (
    "1. Wir begegnen uns auf Augenhöhe und mit Respekt.\n"
    "2. Was hier gesagt wird, bleibt in der Gruppe.\n"
    "3. Wir geben keine Diagnosen und keine Ratschläge zu Medikamenten.\n"
    "4. Jede:r spricht von sich selbst („Ich“ statt „man“).\n"
    "5. In einer akuten Krise: Notruf 112 oder die Krisendienste unter „Hilfe in der Krise“."
)
RULES_EN = (
    "1. We meet as equals and with respect.\n"
    "2. What is said here stays in the group.\n"
    "3. No diagnoses and no advice on medication.\n"
    "4. Speak about yourself (“I” rather than “one”).\n"
    "5. In an acute crisis: call 112 or see “Help in a crisis”."
)

# name, topic, audience, join policy, language, description, members, facilitators, messages
DEMO_GROUPS = [
    (
        "Depression – Austausch am Abend",
        Topic.DEPRESSION,
        Audience.EVERYONE,
        JoinPolicy.OPEN,
        "de",
        "Für alle, denen die Abende schwer fallen. Wir erzählen, wie der Tag war, und "
        "teilen, was uns hilft – ohne Druck.",
        ["Mira", "Jonas", "Sam", "Lena"],
        ["Sam"],
        [
            ("Sam", "Guten Abend zusammen! Wie war euer Tag heute?"),
            ("Mira", "Eher zäh. Ich bin aber immerhin kurz spazieren gegangen."),
            ("Jonas", "Das ist viel wert, Mira. Bei mir hat heute Musik ein bisschen geholfen."),
            ("Sam", "Schön, dass ihr da seid. Kleine Schritte zählen."),
        ],
    ),
    (
        "Angst & Panik",
        Topic.ANXIETY,
        Audience.EVERYONE,
        JoinPolicy.OPEN,
        "de",
        "Austausch über Angst, Panikattacken und Wege, damit zu leben. Atemübungen, "
        "Erfahrungen, Mut machen.",
        ["Jonas", "Ayse", "Mira"],
        ["Ayse"],
        [
            ("Ayse", "Willkommen! Mir hilft bei Panik die 5-4-3-2-1-Übung. Kennt ihr die?"),
            ("Jonas", "Ja, die hat mir letzte Woche im Bus tatsächlich geholfen."),
        ],
    ),
    (
        "Psychose-Erfahrung (Trialog)",
        Topic.PSYCHOSIS,
        Audience.TRIALOG,
        JoinPolicy.OPEN,
        "de",
        "Betroffene, Angehörige und Fachkräfte sprechen miteinander – gleichberechtigt. Jede "
        "Nachricht zeigt, aus welcher Perspektive sie geschrieben ist.",
        ["Mira", "Helga", "DrKrause", "Sam", "Lena"],
        ["Sam"],
        [
            ("Sam", "Schön, dass wir heute alle drei Perspektiven hier haben."),
            (
                "Helga",
                "Als Mutter habe ich oft nicht gewusst, wie ich meinen Sohn ansprechen soll.",
            ),
            (
                "Mira",
                "Mir hat damals geholfen, wenn man mich einfach gefragt hat, was ich brauche.",
            ),
            (
                "DrKrause",
                "Das deckt sich mit meiner Erfahrung: Zuhören ist oft wichtiger als Lösungen.",
            ),
        ],
    ),
    (
        "Angehörige psychisch erkrankter Menschen",
        Topic.RELATIVES,
        Audience.RELATIVES,
        JoinPolicy.CLOSED,
        "de",
        "Ein geschützter Raum für Angehörige: Sorgen teilen, Kraft tanken, an sich selbst "
        "denken dürfen.",
        ["Helga", "Ayse"],
        ["Ayse"],
        [
            ("Ayse", "Herzlich willkommen! Hier geht es auch um euch, nicht nur um die anderen."),
            ("Helga", "Danke. Das tut gut zu lesen."),
        ],
    ),
    (
        "Einsamkeit – junge Menschen",
        Topic.LONELINESS,
        Audience.YOUNG,
        JoinPolicy.OPEN,
        "de",
        "Für junge Menschen, die sich oft allein fühlen. Einfach reden, zusammen Zeit "
        "verbringen, sich gegenseitig zuhören.",
        ["Jonas", "Sam"],
        ["Sam"],
        [("Sam", "Hey! Was macht ihr gerne, wenn ihr allein seid?")],
    ),
    (
        "Bipolar",
        Topic.BIPOLAR,
        Audience.EVERYONE,
        JoinPolicy.CLOSED,
        "de",
        "Leben mit Hochs und Tiefs: Austausch über Frühwarnzeichen, Alltag und Stabilität.",
        ["Lena", "Ayse"],
        ["Ayse"],
        [],
    ),
    (
        "Living with anxiety (English)",
        Topic.ANXIETY,
        Audience.EVERYONE,
        JoinPolicy.OPEN,
        "en",
        "An English-speaking group about anxiety and panic.",
        ["Ayse"],
        ["Ayse"],
        [],
    ),
]


def create_demo_groups(write) -> None:
    people = {u.pseudonym: u for u in User.objects.filter(pseudonym__in=_all_names())}
    lena = people.get("Lena")
    for (
        name,
        topic,
        audience,
        policy,
        language,
        description,
        members,
        facilitators,
        chat,
    ) in DEMO_GROUPS:
        group = Group.objects.filter(name=name).first()
        if group is None:
            group = actions.create_group(
                name=name,
                topic=topic,
                description=description,
                language=language,
                rules=RULES_EN if language == "en" else RULES_DE,
                audience=audience,
                join_policy=policy,
            )
            group.rules_pinned = True
            group.save(update_fields=["rules_pinned"])
        for pseudonym in members:
            if pseudonym in people:
                _ensure_member(group, people[pseudonym])
        for pseudonym in facilitators:
            if pseudonym in people and lena is not None:
                actions.make_facilitator(lena, group.pk, user_id=people[pseudonym].pk)
        for index, (pseudonym, body) in enumerate(chat):
            if pseudonym in people:
                # A fixed client_id makes the demo idempotent: a rerun stores nothing new.
                chat_actions.send_message(
                    people[pseudonym], group.room_id, body=body, client_id=f"demo-{index}"
                )
    write(f"Demo groups: {len(DEMO_GROUPS)} (facilitators: Sam, Ayse)")


def _ensure_member(group: Group, user) -> None:
    membership = Membership.objects.filter(group=group, user=user).first()
    if membership is not None and membership.is_active:
        return
    # Demo members are placed directly; closed groups would otherwise leave them pending.
    now = timezone.now()
    Membership.objects.update_or_create(
        group=group,
        user=user,
        defaults={"status": "active", "accepted_rules_at": now, "joined_at": now},
    )


def _all_names() -> set[str]:
    names: set[str] = set()
    for entry in DEMO_GROUPS:
        names.update(entry[6])
    return names | {"Lena"}
