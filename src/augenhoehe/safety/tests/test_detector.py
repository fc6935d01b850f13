"""Tests for the crisis risk detector (pure Python, no Django needed).

Run: .venv/bin/pytest src/augenhoehe/safety/tests/test_detector.py -q -p no:django
"""

from __future__ import annotations

import dataclasses
import sys
import textwrap
import time
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[3]
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))

from augenhoehe.safety.detector import Assessment, Level, assess, reload_rules  # noqa: E402
from augenhoehe.safety.detector.normalize import normalize, offset_map  # noqa: E402

HIGH = [
    # goodbye / last message
    ("de", "Das ist mein letzter Beitrag hier. Danke, dass ihr da wart."),
    ("de", "wenn ihr des lest bin i scho weg. pfiat eich"),
    ("en", "this is my final post. please dont blame yourselves"),
    # plan / time / place
    ("de", "Ich hab mich entschieden. Heute Nacht mach ich Schluss."),
    ("de", "i bring mi heid no um"),
    ("en", "im going to kill myself tonight"),
    ("en", "on the roof of my building rn. goodbye everyone"),
    ("de", "sitz grad auf der brücke und will nimma"),
    # means
    ("de", "hab mir tabletten besorgt, die liegen jetzt neben mir. ich will nicht mehr"),
    ("en", "been stockpiling pills for a while now"),
    # self-harm now / overdose
    ("de", "hab mich grad wieder geritzt"),
    ("de", "hab ne ganze packung tabletten geschluckt"),
    ("en", "i just cut myself again and it wont stop bleeding"),
    ("en", "took all my sleeping pills"),
    # giveaway
    ("de", "hab meinen hund weggegeben, für immer. ich brauch das alles nicht mehr"),
    ("en", "gave away my cat for good. she needs someone who's going to be around"),
    # others
    ("de", "ich steh vor seinem haus und hab ein messer dabei. heute bezahlt er dafür"),
    ("en", "i'll kill him tonight, i've got a knife with me"),
    # third party
    ("de", "mein freund hat mir nen abschiedsbrief geschickt und geht nicht mehr ans handy"),
    ("en", "my sister says she took too many pills and now she's not answering"),
    # negation does not always clear risk
    ("de", "Nein, mir gehts nicht schlecht. Ich hab mich entschieden. Morgen ist es vorbei."),
]

CONCERN = [
    ("de", "ich will nicht mehr leben"),
    ("de", "i mog nimma"),
    ("de", "des hat alles koan sinn mehr"),
    ("de", "ich bin für alle nur eine last"),
    ("de", "hab oft suizidgedanken aber keinen plan"),
    ("de", "hab voll den drang mich zu ritzen"),
    ("de", "ich will mich nicht umbringen, ich will nur dass es aufhört"),
    ("de", "nein ich tu mir nix. zumindest heut nicht"),
    ("de", "Ich hab Gedanken, dass ich jemandem was antun könnte, und das macht mir Angst"),
    ("de", "meine schwester sagt sie will nicht mehr leben"),
    ("de", "vor zwei jahren war mein suizidversuch und grad fühlt sich alles wieder genauso an"),
    ("en", "i dont want to be here anymore"),
    ("en", "everyone would be better off without me"),
    ("en", "nothing is ever going to get better"),
    ("en", "i really want to hurt myself"),
    ("en", "my friend keeps saying she wants to kill herself"),
    ("en", "no, i won't do anything. probably."),
    ("en", "im so done, kms"),
]

NONE = [
    ("de", "ich lach mich tot 😂"),
    ("de", "die Hausaufgaben bringen mich noch um"),
    ("de", "das wäre beruflicher Selbstmord"),
    ("de", "einfach kill -9 auf den prozess"),
    ("de", "hab mich in fortnite dreimal umbringen lassen lol"),
    ("de", "in der serie bringt sich die hauptfigur um"),
    (
        "de",
        "vor fünf jahren wollte ich nicht mehr leben. heute bin ich dankbar, dass ich noch da bin",
    ),
    ("de", "ich will mir nichts antun, bin nur genervt"),
    ("de", "falls du an suizid denkst: telefonseelsorge 0800 111 0 111"),
    ("de", "muss ich meine tabletten morgens nehmen?"),
    ("de", "gute nacht, bis morgen!"),
    ("de", "ich geh zwei wochen in urlaub, machts gut und bis bald"),
    ("de", "hab nen post gemeldet der zu selbstverletzung aufruft"),
    ("de", "Heut war a guada Tog, gell"),
    ("en", "career suicide lol"),
    ("en", "kill the process and restart the service"),
    ("en", "got killed by the final boss again"),
    ("en", "the song goes 'i want to die' but it's so catchy"),
    ("en", "i used to self harm. two years clean now, it gets better"),
    ("en", "i'm not suicidal, just tired"),
    ("en", "if you're having thoughts of suicide please call 988"),
    ("en", "going on holiday for two weeks, see you all soon!"),
]


@pytest.mark.parametrize("lang,text", HIGH)
def test_high(lang, text):
    a = assess(text, lang)
    assert a.level is Level.HIGH, (text, a)
    assert a.rule_ids


@pytest.mark.parametrize("lang,text", CONCERN)
def test_concern(lang, text):
    a = assess(text, lang)
    assert a.level is Level.CONCERN, (text, a)
    assert a.rule_ids


@pytest.mark.parametrize("lang,text", NONE)
def test_none(lang, text):
    a = assess(text, lang)
    assert a.level is Level.NONE, (text, a)


@pytest.mark.parametrize("text", [t for _, t in HIGH + CONCERN])
def test_detects_without_hint(text):
    assert assess(text).level is not Level.NONE


def test_level_ordering_and_str():
    assert Level.NONE < Level.CONCERN < Level.HIGH
    assert max(Level.CONCERN, Level.HIGH) is Level.HIGH
    assert str(Level.HIGH) == "high" and Level.HIGH == "high"


def test_assessment_frozen_and_to_dict():
    a = assess("ich will nicht mehr leben")
    assert isinstance(a, Assessment)
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.level = Level.NONE  # type: ignore[misc]
    d = a.to_dict()
    assert d["level"] == "concern" and d["lang"] == "de"
    assert d["rule_ids"] and d["spans"][0]["text"]


def test_negation_is_not_death_wish_negation():
    # "nicht mehr leben" is a death wish, not a negation
    assert assess("ich will nicht mehr leben").level is Level.CONCERN
    # a real negation before the risk phrase clears it, and is reported
    a = assess("ich will mich nicht umbringen")
    assert a.level is Level.NONE
    assert any("mod.negation" in s for s in a.suppressed)


def test_negation_scope_is_clause():
    # the negation belongs to another sentence -> risk stays
    assert assess("Nein, ich bin nicht traurig. Ich bring mich heute um.").level is Level.HIGH


def test_ambivalent_denial_reported():
    a = assess("ich bring mich schon nicht um, glaub ich")
    assert a.level is Level.CONCERN
    assert "mod.ambivalent_denial" in a.rule_ids


def test_past_and_feels_same_now():
    assert assess("Vor sechs Jahren hab ich versucht mich umzubringen.").level is Level.NONE
    a = assess(
        "Vor sechs Jahren hab ich versucht mich umzubringen und jetzt kommt das Gefühl wieder zurück, das macht mir Angst."  # noqa: E501
    )
    assert a.level is Level.CONCERN
    assert "mod.past_feels_present" in a.rule_ids


def test_media_and_report_modifiers():
    assert assess("im Buch bringt sie sich am Ende um").level is Level.NONE
    a = assess("in dem lied singt er dass er nicht mehr leben will")
    assert a.level is Level.NONE and any("mod.media" in s for s in a.suppressed)


@pytest.mark.parametrize(
    "lang,text",
    [
        ("de", "Der Hausarzt fragte, ob ich an Suizid denke. Nein, gar nicht, ich hab Rücken."),
        ("de", "die psychologin wollte wissen ob ich mir was antun will. nö, nur stress"),
        ("en", "The nurse asked if I was having thoughts of suicide. I said no."),
        ("en", "My GP asked whether I'd thought about ending my life, and honestly no."),
    ],
)
def test_screening_question_answered_no_is_none(lang, text):
    a = assess(text, lang)
    assert a.level is Level.NONE, a.to_dict()
    assert any("mod.asked_denied" in s for s in a.suppressed)


@pytest.mark.parametrize(
    "lang,text,level",
    [
        # the "no" was not the truth, or risk follows the answer
        (
            "de",
            "Sie fragte, ob ich Suizidgedanken habe. Ich sagte nein, weil ich die Klinik fürchte.",
            Level.CONCERN,
        ),
        ("de", "Er fragte, ob ich mich umbringen will. Ja. Heute Nacht mach ich es.", Level.HIGH),
        ("en", "She asked if I was okay and I said no. I want to kill myself tonight.", Level.HIGH),
        ("en", "The doctor asked if I was suicidal. I said no but that was a lie.", Level.CONCERN),
    ],
)
def test_screening_question_without_a_true_no_keeps_the_risk(lang, text, level):
    assert assess(text, lang).level is level


@pytest.mark.parametrize(
    "lang,text",
    [
        ("de", "Das ist meine letzte Nachricht für heute, muss morgen früh raus. Gute Nacht!"),
        ("de", "Letzte Nachricht vor dem Urlaub, ab Montag bin ich zwei Wochen ohne Netz."),
        ("en", "last message from me for a bit, exams start monday. wish me luck"),
        ("en", "This is my last post here, I found a job and I'm joining a local group."),
        ("de", "Lebensmüde bin ich nicht. Ich suche Tipps für Auszeiten vom Pflegen."),
        ("de", "Die Klausur heute hat mich umgebracht, ich schlaf jetzt."),
        ("en", "The Suicide Squad is on tonight, who's watching?"),
        ("de", "Wir halten ein Referat über die Suizidrate bei Männern, habt ihr Quellen?"),
        ("en", "Three years ago tonight I was planning to end my life. Today I got engaged."),
        ("en", "Someone sent me a link to a suicide methods site. Mods can you check the account?"),
    ],
)
def test_benign_lookalikes_are_none(lang, text):
    assert assess(text, lang).level is Level.NONE, assess(text, lang).to_dict()


@pytest.mark.parametrize(
    "lang,text",
    [
        ("de", "Das ist meine letzte Nachricht. Danke für alles, passt auf euch auf."),
        ("en", "This is my last message. Tell my sister I'm sorry."),
        ("de", "Suizidal bin ich nicht. Ich will nur nicht mehr da sein."),
    ],
)
def test_real_farewells_and_partial_denials_stay_flagged(lang, text):
    assert assess(text, lang).level is not Level.NONE


@pytest.mark.parametrize(
    "text",
    [
        "ich will nimmer lebn",  # dialect/typo
        "i wü nimma lebn",  # Austrian
        "Ich will nüme läbe",  # Swiss
        "ich will nicht mehr leeeeeben",  # repeated letters
        "ich will nicht mehr le\u200bben",  # zero-width char
        "ICH WILL NICHT MEHR LEBEN!!!",  # caps
        "hab oft suizidgedanken",
        "hab oft Suizidgedanken",
        "i dont wanna be here anymore",
        "I don’t want to be here anymore",  # typographic apostrophe
    ],
)
def test_dialect_typos_normalisation(text):
    assert assess(text).level is not Level.NONE, text


def test_umlaut_folding_both_ways():
    assert normalize("Über Müde ß") == "ueber muede ss"
    for t in [
        "ohne mich wär es für alle leichter",
        "ohne mich waer es fuer alle leichter",
        "ohne mich war es fur alle leichter",
    ]:
        assert assess(t).level is Level.CONCERN, t


def test_emoji_only_in_combination():
    assert assess("💊").level is Level.NONE
    assert assess("🪦⚰️").level is Level.NONE
    assert assess("machts gut 🖤🪦").level is Level.HIGH


def test_spans_point_at_original_text():
    text = "Hallo ihr Lieben…  Ich WILL nicht mehr lèben, echt."
    a = assess(text)
    assert a.level is Level.CONCERN
    for s, e, t in a.spans:
        assert text[s:e] == t
    assert any("WILL nicht mehr" in t for _, _, t in a.spans)


def test_spans_with_umlauts_and_repeats():
    text = "Sooooo müde. Ich fühl mich nur noch wie eine Läst... nein: ich bin nur noch eine Last für alle 😞"  # noqa: E501
    a = assess(text)
    assert a.level is Level.CONCERN
    for s, e, t in a.spans:
        assert text[s:e] == t
    assert any("Last" in t for *_, t in a.spans)


def test_offset_map_consistent():
    for text in ["Grüße aus Köln", "sooo\u200b schöön", "don't", "ÄÖÜß é", "a\u0308b"]:
        n = normalize(text)
        m = offset_map(text)
        assert len(m) == len(n) + 1
        assert all(0 <= i <= len(text) for i in m)


@pytest.mark.parametrize(
    "text,lang",
    [
        ("ich weiß nicht mehr weiter mit meinem leben", "de"),
        ("i dont know what to do anymore", "en"),
        ("I mog nimma, gell", "de"),
        ("Grüezi zäme", "de"),
        ("hello everyone, how are you?", "en"),
    ],
)
def test_language_detection(text, lang):
    assert assess(text).lang == lang


def test_lang_hint_is_used():
    assert assess("ok", "en").lang == "en"
    assert assess("ok", "de").lang == "de"


@pytest.mark.parametrize("text", ["", "   ", "\n\t", None])
def test_empty_input(text):
    a = assess(text)  # type: ignore[arg-type]
    assert a.level is Level.NONE and a.rule_ids == () and a.spans == ()


def test_very_long_input_is_fast_and_finds_risk():
    filler = "Heute war ein ganz normaler Tag und ich war einkaufen. " * 1800
    text = filler[:50_000] + " Ich will nicht mehr leben. " + filler[:50_000]
    assert len(text) > 100_000
    t0 = time.perf_counter()
    a = assess(text)
    assert time.perf_counter() - t0 < 5.0
    assert a.level is Level.CONCERN
    for s, e, t in a.spans:
        assert text[s:e] == t
    t0 = time.perf_counter()
    assert assess("x" * 100_000).level is Level.NONE
    assert assess("nicht " * 20_000).level is Level.NONE
    assert time.perf_counter() - t0 < 5.0


def test_typical_message_is_fast():
    text = "hab seit tagen das gefühl dass es eh keinen sinn mehr hat, aber ich schreib lieber hier"
    assess(text)
    n = 300
    t0 = time.perf_counter()
    for _ in range(n):
        assess(text)
    per_call = (time.perf_counter() - t0) / n
    assert per_call < 0.005  # generous: the benchmark target is a 200 µs median


def test_extra_rules_dir_via_env(tmp_path, monkeypatch):
    (tmp_path / "org.toml").write_text(
        textwrap.dedent("""
        version = "org-1"
        lang = "de"

        [concepts.org_code]
        patterns = ['codewort blau']

        [[rules]]
        id = "de.org.codeword"
        level = "high"
        reason = "Organisation-specific crisis code word."
        requires = ["org_code"]

        # extend a shipped lexicon with a new synonym
        [concepts.passive]
        patterns = ['will gar nimmer da sein wollen xyz']
    """),
        encoding="utf-8",
    )
    assert assess("codewort blau").level is Level.NONE
    monkeypatch.setenv("AUGENHOEHE_CRISIS_RULES_DIR", str(tmp_path))
    try:
        reload_rules()
        a = assess("codewort blau")
        assert a.level is Level.HIGH and "de.org.codeword" in a.rule_ids
        assert assess("will gar nimmer da sein wollen xyz").level is Level.CONCERN
        # shipped rules still work
        assert assess("ich will nicht mehr leben").level is Level.CONCERN
    finally:
        monkeypatch.delenv("AUGENHOEHE_CRISIS_RULES_DIR")
        reload_rules()
    assert assess("codewort blau").level is Level.NONE


def test_extra_rules_can_disable_a_rule(tmp_path, monkeypatch):
    (tmp_path / "off.toml").write_text(
        'version = "1"\nlang = "de"\n[[rules]]\nid = "de.burden.statement"\nenabled = false\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("AUGENHOEHE_CRISIS_RULES_DIR", str(tmp_path))
    try:
        reload_rules()
        assert "de.burden.statement" not in assess("ich bin allen nur eine last").rule_ids
    finally:
        monkeypatch.delenv("AUGENHOEHE_CRISIS_RULES_DIR")
        reload_rules()


def test_bad_rule_file_gives_clear_error(tmp_path, monkeypatch):
    from augenhoehe.safety.detector import RuleError

    (tmp_path / "bad.toml").write_text(
        'version = "1"\n[[rules]]\nid = "x.y"\nlevel = "urgent"\nreason = "r"\nrequires = ["a"]\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("AUGENHOEHE_CRISIS_RULES_DIR", str(tmp_path))
    try:
        with pytest.raises(RuleError, match="level"):
            reload_rules()
    finally:
        monkeypatch.delenv("AUGENHOEHE_CRISIS_RULES_DIR")
        reload_rules()


def test_shipped_rule_files_have_version_and_reasons():
    from augenhoehe.safety.detector import get_ruleset

    rs = get_ruleset()
    assert {"de.toml", "en.toml", "common.toml"} <= set(rs.versions)
    for r in rs.rules:
        assert r.reason and r.level in ("concern", "high") and r.id.count(".") >= 2
    for m in rs.modifiers:
        assert m.id.startswith("mod.") and m.reason


# --- generalised concept families (2025.06.2) -------------------------------------------------
# Examples are the rule author's own probes per concept family (not from any held-out set).
FAMILY_HIGH = [
    # quantities / whole packs / "all" + ingestion verb (incl. colloquial verbs)
    ("de", "hab grad 30 tabletten geschluckt"),
    ("de", "hab mir vorhin die ganzen ibus reingepfiffen"),
    ("de", "hab 2 packungen paracetamol genommen"),
    ("en", "just swallowed like 25 of my sleeping pills"),
    ("en", "took a lot more of my meds than I'm supposed to about an hour ago"),
    # bleeding / cut too deep
    ("de", "blute grad voll stark am arm, hab zu tief geschnitten"),
    ("en", "cant stop the bleeding, i went too deep"),
    # compound place nouns, dialect method phrases, method + time
    ("de", "stehe auf der autobahnbrücke und schau runter"),
    ("de", "i hau mi heit no vor an zug"),
    ("de", "ich häng mich heute auf"),
    ("en", "im going to hang myself tonight"),
    ("en", "im at the train tracks, waiting for the next one"),
    # future burden as farewell, gone + time
    ("de", "ich werd euch nicht mehr zur last fallen. danke für alles"),
    ("en", "wont be a burden to anyone anymore after tonight. goodbye"),
    ("de", "morgen früh bin ich nicht mehr da. hab alles geplant"),
    # giving away with hedged finality
    ("de", "hab meine katze meiner nachbarin gegeben, brauch sie eh nicht mehr lang"),
    ("en", "giving away all my stuff, i wont be needing it much longer"),
    # third party: locked in + pills, unconscious
    ("de", "meine freundin hat sich im bad eingesperrt und nimmt alle ihre pillen"),
    ("en", "my gf says she swallowed a whole bottle and now she wont respond"),
    ("de", "mein bruder ist bewusstlos und ich krieg ihn nicht wach"),
    # means: researched / lethal object + signal
    ("en", "I looked up how many of my pills it would take. I have more than that."),
    ("de", "Hab mir heute ein Seil gekauft. Ich glaub, jetzt ist es bald vorbei."),
]

FAMILY_CONCERN = [
    ("de", "ich wär am liebsten nie geboren worden"),
    ("en", "i wish i was never born"),
    ("de", "will einfach weg sein, für immer"),
    ("en", "whats the point of anything anymore"),
    ("de", "was ist überhaupt noch der sinn von allem"),
    ("de", "meine familie wär ohne mich besser dran"),
    ("en", "i really wanna cut rn"),
    ("de", "der svv druck is heut wieder mega"),
    ("en", "ive been thinking about sewerslide a lot"),
    ("de", "Mach dir keine Sorgen, ich tu nix. Die Gedanken sind halt trotzdem da."),
]

FAMILY_NONE = [
    ("en", "my boss is gonna kill me"),
    ("de", "arbeite grad auf dem dach, neue ziegel"),
    ("de", "muss ich die 2 tabletten vor oder nach dem essen nehmen"),
    ("de", "Ich nehme jeden Morgen alle meine Tabletten, wie verschrieben"),
    ("en", "i take all my meds in the morning now, works way better"),
    (
        "de",
        "Hab meine alten Bücher an die Stadtbibliothek gegeben, die brauch ich echt nicht mehr.",
    ),
    (
        "en",
        "gave my old guitar to my nephew, he's been wanting to learn. I don't play anymore anyway",
    ),
    ("de", "bin auf der brücke und mach fotos vom sonnenuntergang"),
    ("de", "Nein, ich hab keine Gedanken, mir was anzutun. Ich bin nur gerade sehr erschöpft."),
]


@pytest.mark.parametrize("lang,text", FAMILY_HIGH)
def test_family_high(lang, text):
    assert assess(text, lang).level is Level.HIGH, (text, assess(text, lang))


@pytest.mark.parametrize("lang,text", FAMILY_CONCERN)
def test_family_concern(lang, text):
    assert assess(text, lang).level is Level.CONCERN, (text, assess(text, lang))


@pytest.mark.parametrize("lang,text", FAMILY_NONE)
def test_family_none(lang, text):
    assert assess(text, lang).level is Level.NONE, (text, assess(text, lang))


def test_negation_does_not_cross_a_negated_subject():
    # "keiner" negates "weiß", not the self-harm that follows
    assert assess("keiner weiß dass ich mich grad wieder geritzt hab").level is Level.HIGH
    assert assess("nobody knows i cut myself again tonight").level is Level.HIGH


def test_media_cue_must_govern_the_risk_phrase():
    # the film is in another clause; "jetzt" anchors the disclosure in the present
    assert assess("hab nen film gesehen und jetzt will ich nicht mehr leben").level is Level.CONCERN
    assert assess("I watched a movie and now I want to die").level is not Level.NONE
    # media cue governing the phrase still cancels it
    assert assess("in dem film springt er am ende von der brücke").level is Level.NONE


def test_current_cue_overrides_past_framing_in_another_clause():
    text = "früher hab ich mich geritzt, aber heute hab ich mich wieder geritzt"
    assert assess(text).level is Level.HIGH
    assert assess("Vor sechs Jahren hab ich versucht mich umzubringen.").level is Level.NONE


def test_comma_inside_word_gaps():
    assert assess("Ich weiß genau, wie viele ich brauche.").level is Level.HIGH


def test_conditional_hyperbole_is_lowered():
    a = assess("if I have to sit through one more meeting today I'm going to jump off a bridge lol")
    assert a.level is not Level.HIGH and "mod.hyperbole" in a.rule_ids


# --- precision families of rules 2026.11.25.2 -------------------------------------------------
# Each family has look-alikes that must be none and real risk that must stay flagged.

PRECISION_NONE = [
    # a crisis dated in the past in a sentence of its own
    (
        "de",
        "Nach der Trennung wollte ich mir das Leben nehmen. Das ist jetzt sechs Jahre her, ich "
        "hab wieder Freude am Gärtnern.",
    ),
    ("de", "vor zwa joar bin i auf der brückn gstandn. heut bin i trauzeuge von meim bruader"),
    (
        "en",
        "I tried to end my life after my divorce. That was nine years ago and I coach kids' "
        "football now.",
    ),
    ("en", "I was hospitalised at 19 after an overdose. I'm 45 now and I teach a recovery class."),
    # a farewell with a stated, specific reason or a return
    (
        "de",
        "Ich verabschiede mich aus der Gruppe, weil ich nach Hamburg ziehe. Danke für alles, ich "
        "meld mich von dort!",
    ),
    (
        "de",
        "Das ist mein letzter Post als Moderator, ich fang im Herbst mein Studium an. Ihr bleibt "
        "mir erhalten.",
    ),
    (
        "en",
        "This is my last post for a while, I'm moving to Dublin for work. Thank you all, I'll "
        "still be around.",
    ),
    (
        "en",
        "Saying goodbye to my team today, last shift before my retirement. Thanks for everything.",
    ),
    # a farewell letter in a story or a lesson
    (
        "de",
        "In Deutsch haben wir heute einen Abschiedsbrief aus einem Roman analysiert, echt "
        "bewegend.",
    ),
    ("en", "The novel opens with a suicide note that turns out to be forged. Great read."),
    # everyday accidents
    ("de", "Beim Zwiebelschneiden in den Daumen geschnitten, blutet wie verrückt, Pflaster drauf."),
    ("en", "Cut myself shaving and it's bleeding like crazy, why do tiny cuts bleed so much"),
    # an everyday use of the object
    ("de", "Hab mir heute ein Seil für die neue Wäscheleine gekauft, liegt schon bereit."),
    ("en", "Bought a new rope and harness for climbing, it's ready for Saturday."),
    ("en", "Got my weekly pill organiser so I stop forgetting my meds, pills are all sorted now."),
    # a named event, sports and food
    ("en", "Tonight's the night, first date in two years!! so nervous"),
    ("en", "we're going to murder them on saturday, their keeper is useless"),
    ("en", "gonna murder that burger after the gym"),
]

PRECISION_STAYS = [
    # the past crisis comes back now
    (
        "de",
        "Vor drei Jahren wollte ich mich umbringen. Das ist lange her, aber jetzt ist dieselbe "
        "Leere wieder da.",
        "concern",
    ),
    ("en", "I overdosed when I was 20. I'm 34 now and the same thoughts are back.", "concern"),
    # a farewell whose 'reason' is no return
    ("de", "Das ist meine letzte Nachricht. Danke für alles, passt auf euch auf.", "high"),
    (
        "en",
        "Mods, you can delete my account after tonight, I won't be back. Thank you all.",
        "high",
    ),
    # a story named, but the message is the writer's own farewell
    (
        "de",
        "Ich klinge wie ein Abschiedsbrief aus einem Film, aber ich hab euch lieb und morgen bin "
        "ich nicht mehr da.",
        "high",
    ),
    (
        "en",
        "this sounds like a movie ending but this is my last message. bye everyone, i won't be "
        "here tomorrow",
        "high",
    ),
    # self-harm words keep an injury as self-harm
    ("de", "Hab mich wieder geritzt, am Finger und am Arm, es blutet wie verrückt.", "high"),
    ("en", "I relapsed and cut myself again, it's bleeding like crazy and won't stop", "high"),
    # a pretext or a risk signal keeps the object as a means
    (
        "de",
        "Hab mir ein Seil gekauft, angeblich für die Wäscheleine. Ich will nicht mehr leben.",
        "high",
    ),
    (
        "en",
        "Bought a rope today, told the guy it was for climbing. I don't want to be here anymore.",
        "high",
    ),
    (
        "de",
        "Mein Vater ist Jäger, das Gewehr ist im Keller und heute ist keiner zuhause. Ich will "
        "nicht mehr.",
        "high",
    ),
    # 'tonight's the night' without a named event
    ("en", "Tonight's the night. Thank you all for everything.", "high"),
]


# --- recall families of rules 2026.11.25.3 ----------------------------------------------------
# An amount taken (the substance unnamed or a nickname), a lethal means named as at hand, and
# someone else announcing the act now are high by themselves; each with look-alikes that stay
# below high (medication routine, photos, school trips, hobbies, a pretext, protective acts).

RECALL_HIGH = [
    # an amount taken, past tense
    ("de", "hab vorhin 25 von den tilidin genommen, mir wird ganz komisch"),
    ("de", "Hab die Pillen genommen. Alle. Es tut mir leid."),
    ("de", "hab meinen ganzen Monatsvorrat auf einmal geschluckt"),
    ("de", "glaub ich hab zu viele genommen, alles dreht sich"),
    ("en", "swallowed like 40 of my nan's co-codamol about an hour ago"),
    ("en", "took them all. sorry guys"),
    ("en", "I took my whole month of quetiapine, my heart is racing"),
    ("en", "took everything in the bathroom cabinet"),
    # something taken plus "don't call anyone"
    ("de", "hab das zeug schon genommen, bitte ruft keinen krankenwagen"),
    ("en", "already took them. please don't call anyone, it's too late"),
    # a lethal means named as got or lying ready
    ("de", "Hab mir heute im Baumarkt einen Strick gekauft."),
    ("de", "die rasierklingen liegen neben mir auf dem bett"),
    ("en", "got the charcoal and taped the windows"),
    ("en", "the rope is in my backpack"),
    # a pretext makes an everyday use suspicious
    ("en", "Bought a rope, told the guy at the store it was for camping."),
    ("de", "Hab ein Seil gekauft und hab der Verkäuferin erzählt, es ist zum Klettern."),
    # inverted German word order after a condition; self-harm happening now without an object
    ("de", "Wenn der Bescheid wieder negativ ist, dann nehm ich mir das Leben."),
    ("de", "bin grad wieder am ritzen"),
    ("en", "cutting right now, can't really type"),
    ("en", "just finished cutting. it's deeper than usual"),
    # locking oneself in with the means is no safety step
    ("de", "Hab das Messer mit ins Zimmer genommen und die Tür abgeschlossen."),
    # farewells: the last login, nobody needs to wait or worry any more
    ("de", "Heute log ich mich zum letzten Mal ein."),
    ("de", "ihr braucht dann nicht mehr auf Antworten von mir warten"),
    ("en", "after this weekend none of you will have to worry about me again"),
    ("en", "logging off for the last time. thank you"),
    # someone else announcing the act now
    ("de", "mein freund hat grad geschrieben, dass er jetzt springt!!"),
    ("en", "my brother just texted that he's going to hang himself, what do i do"),
]

RECALL_LOOKALIKES = [
    # medication routine, time, people, photos
    ("de", "Hab heute 10 Tage Urlaub genommen, endlich!"),
    ("de", "Hab meine Tabletten genommen wie verordnet, alle drei."),
    ("de", "Das Burnout hat mir alles genommen, aber ich kämpfe mich zurück."),
    ("de", "hab 20 Schüler in die Theater-AG genommen"),
    ("de", "hab alles runtergeschluckt, meinen Ärger und meinen Stolz"),
    ("en", "it took 20 minutes to get here"),
    ("en", "took 15 of the kids to the museum today"),
    ("en", "took all of my meds this morning like the doctor said"),
    ("en", "I took way too many photos at the wedding"),
    ("en", "he took everything from me in the divorce"),
    ("en", "we took 30 of them on the hike, great group"),
    # "took everything", "taken enough", "alles genommen" about people, jobs and breakups
    ("de", "Sie hat alles genommen und ist gegangen."),
    ("de", "Er hat alles genommen, was ich hatte."),
    ("de", "hab alles genommen was ging, Urlaub, Überstunden, alles"),
    ("de", "hab genug genommen, danke, bin satt"),
    ("en", "that job took everything I had."),
    ("en", "she took everything she had and left"),
    ("en", "I took them all on and won"),
    ("en", "I've taken enough. I'm leaving him."),
    # a hobby or an everyday use, a protective act
    ("de", "Hab Rattengift gekauft, wir haben Mäuse im Keller."),
    ("de", "Hab die Klingen weggeschlossen und den Schlüssel meiner Mutter gegeben."),
    ("en", "the charcoal is ready, bbq time"),
    ("en", "got my gun license today!"),
    ("en", "I locked the blades in my car and gave the key to my neighbour."),
    # the means handed over or taken away: a safety step, a concern at most
    ("en", "my wife took the gun out of the house for me"),
    ("en", "the police took the rifle after the hospital"),
    ("de", "Meine Frau hat die Pistole aus dem Haus gebracht."),
    # the same words in everyday use
    ("de", "Ich nehm mir das Leben nicht mehr so schwer seit der Reha."),
    ("de", "bin grad am schneiden vom gemüse"),
    ("en", "I'm cutting onions right now, send help lol"),
    ("en", "just finished cutting the grass"),
    # a last login with a role handed over, or a wait that ends
    ("en", "signing off for the last time as group moderator, Sam takes over on Monday"),
    ("en", "don't wait for my messages tonight, I'm at a concert"),
    ("de", "Ich log mich zum letzten Mal mit dem alten Account ein, ab morgen heiß ich anders."),
    # someone else's announcement that is not an act
    ("de", "Mein Kumpel hat gesagt, dass er nicht springt, er hat Angst vorm Zehner."),
    ("en", "he says he's going to jump in the pool later lol"),
]


# --- rules 2026.11.25.4: precision and recall families ---------------------------------------
# Found on the training writers' messages (out of fold); the sentences here are my own.

PRECISION_2026_11_25_4_NONE = [
    # a reference back to an earlier post, or someone else's last message
    ("de", "Mein letzter Post klang echt düster, sorry. Mir geht's wieder besser."),
    ("de", "Wegen meinem letzten Beitrag: war nur Frust über die Arbeit."),
    ("de", "@Lena dein letzter Post hat mich berührt, danke dafür."),
    ("en", "my last post sounded bleak but I'm honestly fine, talked it through with my sister"),
    ("en", "last message from me today, my battery is at 2%. talk tomorrow"),
    # goodbyes to a place, a thing or a job
    ("en", "this is goodbye for now, off to Peru for two months!"),
    ("en", "saying goodbye to my old flat today, so many memories"),
    ("en", "wrote a goodbye letter to my old job and handed in my notice"),
    # ending the day, not life
    ("de", "Ich mach jetzt Schluss für heute, gute Nacht ihr Lieben"),
    # an everyday reason to be on a roof or a bridge
    ("de", "bin aufm Dach, die Dachrinne ist schon wieder verstopft"),
    ("de", "steh auf der Brücke im Stau, komme zehn Minuten später"),
    ("en", "stuck in traffic on the bridge, running late for group"),
    ("de", "Am Sonntag ist Brückenfest bei uns, kommt wer mit?"),
    # talk about how a group should respond (a protocol, a meeting topic)
    ("de", "Wie gehen wir als Mods damit um, wenn jemand nachts eine Abschiedsnachricht postet?"),
    (
        "en",
        "If someone in the group posts a goodbye message, who do we contact? We need a protocol.",
    ),
    # a thing given away for a reason of its own
    (
        "de",
        "Hab meinem Patenkind mein altes Fahrrad geschenkt, ich fahr "
        "eh nicht mehr, seit ich das E-Bike hab.",
    ),
    ("en", "Gave my old guitar to my niece, she's been asking for one for years."),
    # hyperbole about coffee, series and a night out
    ("en", "overdosed on coffee this morning, my hands are shaking lol"),
    ("de", "Überdosis Zucker beim Kindergeburtstag, ich brauch jetzt Gemüse"),
    ("de", "Hab mir gestern die Kante gegeben, heute bin ich tot. Nie wieder Wodka."),
    # a crisis told as past
    ("en", "Two years since my overdose. I run the Thursday peer group now."),
    ("en", "I self-harmed all through school. It's been six years since the last time."),
    (
        "de",
        "Ich war mal jemand, der Tabletten gesammelt hat. Heute "
        "verwaltet mein Partner die Packungen.",
    ),
    # 'total' is not 'tot'
    ("de", "ich verabschiede mich mal, bin total müde. gute nacht!"),
    # a negated act
    ("de", "nee, hab mich nicht geritzt, das ist ein Kratzer vom Kater"),
    # a dental bridge, a drinking relapse, a denied overdose, a crime novel
    ("de", "Meiner Oma ist beim Mittagessen die Brücke rausgefallen, die vom Zahnarzt."),
    ("de", "Rückfall gestern, wieder getrunken nach drei Monaten. Heute geh ich zur Gruppe."),
    ("de", "Nein, ich hab nicht mehr genommen als verschrieben, ich war nur müde."),
    ("de", "Kennt ihr den Krimi, wo der Täter am Ende auf der Klippe steht und springt?"),
]

PRECISION_2026_11_25_4_STAYS = [
    # a real farewell after a reference back still counts
    ("de", "Mein letzter Post klang düster. Das hier ist meine letzte Nachricht.", "high"),
    ("en", "this is goodbye. thank you all", "high"),
    ("de", "heute nacht mach ich schluss.", "high"),
    # a thing given away with finality, even to someone's joy
    (
        "de",
        "Hab meinem Bruder meine Gitarre geschenkt, er hat sich so "
        "gefreut. Ich werd sie eh nicht mehr spielen, bald bin ich weg.",
        "high",
    ),
    ("en", "gave my bike to my nephew, his face lit up. i won't need it where i'm going", "high"),
    # a crisis told as past, but it feels the same now
    (
        "en",
        "it's been 4 years since my attempt and this week feels "
        "exactly like the weeks right before it",
        "concern",
    ),
    # not yet, but the pressure is there
    ("de", "hab noch nicht geritzt, aber der Druck ist riesig", "concern"),
    ("en", "the urge is loud tonight. not gonna do it. i think", "concern"),
    ("de", "es lohnt sich nicht weiterzumachen", "concern"),
    ("de", "ich bin für alle nur eine Enttäuschung", "concern"),
    ("de", "mir wär's egal, wenn mich morgen ein Auto überfährt", "concern"),
    (
        "de",
        "an der Bahnsteigkante hab ich oft den Gedanken zu springen, das macht mir Angst",
        "concern",
    ),
    # unwanted thoughts of harming someone
    (
        "de",
        "beim Wickeln hab ich manchmal den Gedanken, ihm das Kissen "
        "aufs Gesicht zu drücken. Das erschreckt mich.",
        "concern",
    ),
    (
        "en",
        "i keep getting a flash of dropping the baby down the stairs, it terrifies me",
        "concern",
    ),
]

RECALL_2026_11_25_4_HIGH = [
    # means got or ready plus a further sign
    (
        "de",
        "Hab mir besorgt, was ich brauche. Liegt unterm Bett. Ich wollt nur, dass es einer weiß.",
    ),
    ("de", "Hab mir was bestellt, ist heute gekommen. Jetzt brauch ich nur noch den Mut."),
    ("de", "Ich hab alles zusammen, was ich brauche. Die Tür ist abgeschlossen."),
    ("de", "Hab mir was aus der Apotheke besorgt. Ich weiß genau wofür."),
    ("en", "I've got everything I need now, it's in the garage. I just wanted someone to know."),
    ("en", "bought what I need. I'll be on my own tonight."),
    # a threat stated as meant
    ("en", "I'm going to hurt him when he gets home. I mean it."),
    ("en", "i'll kill her, i know where she parks. not joking this time"),
    ("de", "Ich stech ihn ab, wenn er heimkommt. Ich mein das ernst."),
    # not coming back, do not look for me
    ("de", "Am Samstag nach der Feier fahr ich raus zum Steinbruch und komm nicht zurück."),
    ("de", "Sucht bitte nicht nach mir. Danke für alles."),
    ("en", "please don't look for me. it's better this way"),
    # giving away with finality, self-harm done on purpose, still bleeding
    ("de", "Hab meine Werkzeuge dem Nachbarn geschenkt, ich werd gar nichts mehr brauchen."),
    ("de", "Hab mich absichtlich mit dem Bügeleisen verbrannt."),
    ("en", "cut again after 5 months clean, it's still bleeding"),
    # a decision, a time and an end across sentences; a dose worked out
    ("de", "Hab nachgerechnet, wie viele ich brauche. Samstag mach ich's."),
    ("de", "Ich hab mich entschieden. Morgen früh hört es auf."),
    ("de", "Wollte mich noch verabschieden, bevor ich es mache."),
    ("de", "Die Tabletten von meinem Vater hab ich eingesteckt. Heute Nacht bin ich allein."),
    ("de", "Stehe an den Gleisen. Der letzte Zug kommt kurz nach eins."),
    ("en", "Not going to my appointment. Won't need it after Friday."),
    ("en", "I'll wait until after my sister's wedding. Then I'm done."),
    # farewells that name a reader or a last night
    ("en", "If my dad ever reads this: it was never your fault."),
    ("en", "letters are on the desk. don't worry about me after tonight"),
    ("de", "Diese Nacht ist meine letzte. Danke euch allen."),
    ("en", "tonight is my last. thank you all"),
    # self-harm done now, in its many forms
    ("en", "pressed my hand against the iron on purpose, it's blistering"),
    ("en", "kept banging my head on the wall until there was blood, can't stop"),
    ("de", "Hab den Kopf gegen die Wand geschlagen bis mir schwindlig wurde."),
    ("de", "Der Schnitt ist diesmal tiefer als gedacht."),
    ("de", "Hab mich wieder geschnitten. Der Verband ist schon durchgeblutet."),
    # a loaded weapon, someone else announcing it after a gap, a pet entrusted at the end
    ("en", "the rifle is loaded and on the bed next to me"),
    ("en", "my friend posted on his story that he's going to jump tonight"),
    ("de", "Meine Schwester hat mir eben am Telefon gesagt, dass sie sich heute umbringt."),
    ("de", "Kümmert euch bitte um meinen Kater, wenn ich nicht mehr da bin."),
    # the means in front of one, taken now
    ("de", "Die Tabletten liegen vor mir. Ich nehm sie jetzt."),
    # a decision or an announced act, the time named in another sentence
    ("de", "Der Plan steht. Sonntag, wenn alle schlafen."),
    ("en", "I've made up my mind. Tomorrow night, after everyone's asleep."),
    # a blade in the hand now, someone else armed and threatening, pills with alcohol
    ("de", "sitz im Bad und hab die Klinge schon in der Hand"),
    ("en", "holding the blade against my wrist and can't put it down"),
    ("de", "Mein Bruder steht mit der Axt im Flur und brüllt, er bringt uns um."),
    ("en", "my dad is waving a gun and screaming, we're hiding upstairs"),
    ("de", "Hab die ganze Packung genommen und Wodka hinterher."),
    ("en", "downed a bottle of wine on top of my sleeping pills"),
    # letters left to be found, a date named, a decision with the end elsewhere
    ("de", "Die Briefe sind geschrieben. Meine Schwester findet sie dann schon."),
    ("de", "Hab mir den Tag ausgesucht: 3. Mai."),
    ("de", "Die Entscheidung steht. Nach der Hochzeit meiner Schwester bin ich weg."),
    ("en", "it's happening tonight. i've made my peace with it"),
    ("en", "I took them. I don't feel anything yet."),
    # saying one has got what one needs
    ("de", "Hab alles besorgt, was ich brauche."),
    ("en", "I've got everything I need now."),
]

RECALL_2026_11_25_4_LOOKALIKES = [
    ("de", "Hab alles für die Party besorgt, jetzt ist alles bereit!"),
    ("en", "got everything ready for the camping trip, I'll be on my own tonight in the tent"),
    ("de", "Der Skillskoffer liegt neben mir, Eiswürfel und Chilischote, alles da."),
    ("en", "I'm going to kill him at chess tonight, I mean it"),
    ("de", "ich fahr nach Hamburg und komm nicht zurück, neuer Job ab März!"),
    ("en", "moving to Canada next month, not coming back."),
    ("de", "Morgen ist der Tag! Führerscheinprüfung, drückt mir die Daumen"),
    ("de", "Ab Montag Urlaub, dann hab ich meine Ruhe."),
    ("de", "Der Zug kommt um acht, ich hol dich am Bahnhof ab."),
    ("en", "if my mum sees this tattoo she'll lose it haha"),
    ("de", "Das Handtuch ist voll, wir waren schwimmen."),
    ("de", "Im Keller liegt schon alles bereit. Samstag ist Party!"),
    ("de", "Er hat gesagt, dass er sich nicht umbringt, er hat es versprochen."),
    ("de", "Heute ist meine letzte Schicht vor dem Urlaub!"),
    ("en", "tonight is my last night in Berlin, going out!"),
    ("de", "Kümmert euch bitte um die Pflanzen, wir sind zwei Wochen weg."),
    ("en", "loaded the dishwasher and the car, off to grandma's"),
    ("en", "I've decided. I'm quitting my job tomorrow and going back to uni."),
    ("de", "Hab mich entschieden. Ab Montag mach ich die Reha."),
    ("de", "hab das Messer in der Hand, schneide grad Zwiebeln"),
    ("de", "Hatte die Klinge in der Hand gehabt und sie wieder weggelegt."),
    ("en", "is it ok to have a beer on top of my meds?"),
    ("de", "Kann ich Ibuprofen mit Bier runterspülen?"),
    ("en", "the chef was waving a knife around shouting orders lol"),
    ("de", "Die Weihnachtsbriefe sind geschrieben, Oma findet sie dann schon unterm Baum."),
    ("de", "Hab mir das genau überlegt. Am 14. März fang ich die neue Stelle an."),
    ("en", "took my antibiotics an hour ago, don't feel anything yet, is that normal?"),
    # everyday decisions and plans with a time, a routine, a kitchen, laughter
    ("de", "Ich hab mich entschieden, ich nehm den Job in Hamburg. Am Montag geht's los!"),
    ("de", "Hab das Messer in der Hand und schneide Brot, gleich gibt's Abendessen"),
    ("de", "Die Tabletten liegen vor mir, ich nehm sie jetzt wie jeden Abend."),
    ("en", "my dad is holding a knife and shouting at the tv because of the football lol"),
    (
        "de",
        "Mein Nachbar steht mit nem Hammer im Treppenhaus und schreit, "
        "weil das Bild schief hängt 😂",
    ),
    ("en", "bought a new kitchen knife, it's in my bag, i'll be alone tonight cooking"),
    ("de", "Hab alles besorgt, was ich für den Kuchen brauche."),
    ("en", "got everything i need for the trip, leaving tomorrow"),
    ("en", "found a way to pay the rent this month"),
]


# One test per kind of expectation; each rule release adds its own list of sentences.
@pytest.mark.parametrize("lang,text", PRECISION_NONE + PRECISION_2026_11_25_4_NONE)
def test_precision_lookalikes_are_none(lang, text):
    a = assess(text, lang)
    assert a.level is Level.NONE, a.to_dict()


@pytest.mark.parametrize("lang,text,level", PRECISION_STAYS + PRECISION_2026_11_25_4_STAYS)
def test_precision_counterparts_stay_flagged(lang, text, level):
    a = assess(text, lang)
    assert a.level.value == level, a.to_dict()


@pytest.mark.parametrize("lang,text", RECALL_HIGH + RECALL_2026_11_25_4_HIGH)
def test_recall_families_are_high(lang, text):
    a = assess(text, lang)
    assert a.level is Level.HIGH, a.to_dict()


@pytest.mark.parametrize("lang,text", RECALL_LOOKALIKES + RECALL_2026_11_25_4_LOOKALIKES)
def test_recall_lookalikes_are_not_high(lang, text):
    a = assess(text, lang)
    assert a.level is not Level.HIGH, a.to_dict()
