"""The rule layer: the ladder, negation, idioms, references, third parties, four languages."""

from __future__ import annotations

import pytest

from bot.safety.lexicon import Lexicon
from bot.safety.normalize import normalize
from bot.safety.types import Category, RiskLevel


def scan(lexicon: Lexicon, text: str):  # type: ignore[no-untyped-def]
    return lexicon.scan(normalize(text))


@pytest.mark.parametrize(
    ("text", "level"),
    [
        # the C-SSRS-like ladder: wish -> thoughts -> method -> intent -> plan -> behaviour
        ("I wish I was dead", RiskLevel.ELEVATED),
        ("nobody would even notice if I was gone", RiskLevel.ELEVATED),
        ("I've been having suicidal thoughts", RiskLevel.ELEVATED),
        ("what's the most painless way to kill myself", RiskLevel.HIGH),
        ("I'm going to kill myself", RiskLevel.HIGH),
        ("I wrote my suicide note", RiskLevel.HIGH),
        ("I took a whole bottle of pills", RiskLevel.HIGH),
        ("I cut myself last night", RiskLevel.HIGH),
        ("I really want to cut again", RiskLevel.ELEVATED),
        ("I feel so hopeless and alone", RiskLevel.CONCERN),
        ("what a lovely day", RiskLevel.NONE),
    ],
)
def test_ladder_levels(lexicon: Lexicon, text: str, level: RiskLevel) -> None:
    assert scan(lexicon, text).level == level


@pytest.mark.parametrize(
    "text",
    [
        "my feet are killing me",
        "I nearly died of embarrassment",
        "this cake is to die for",
        "it's not a hill I want to die on",
        "you're killing it!",
        "my mum is going to kill me when she sees this",
        "I'm dying to see that film",
        "this homework makes me want to die",
        "lol I'm dead",
        "overdosed on coffee this morning",
        "my roommate wants to die his hair blue",
        "Me quise morir de vergüenza en la boda de mi prima",
        "J'ai cru mourir de honte devant toute la classe",
        "Ich wäre fast vor Scham gestorben",
    ],
)
def test_idioms_are_not_risk(lexicon: Lexicon, text: str) -> None:
    result = scan(lexicon, text)
    assert result.level == RiskLevel.NONE
    assert result.idioms >= 1


@pytest.mark.parametrize(
    "text",
    [
        "I'm not suicidal, just tired",
        "I don't want to die",
        "I would never kill myself",
    ],
)
def test_negation(lexicon: Lexicon, text: str) -> None:
    result = scan(lexicon, text)
    assert result.level < RiskLevel.ELEVATED
    assert result.negated


def test_negated_phrase_does_not_hide_a_later_one(lexicon: Lexicon) -> None:
    # The negation belongs to the first clause; the second one still counts.
    assert scan(lexicon, "I'm not suicidal, but I want to die").level == RiskLevel.ELEVATED


def test_a_context_cue_reaches_only_so_far_in_a_wall_of_text(lexicon: Lexicon) -> None:
    assert scan(lexicon, "ten years ago i wanted to die").level < RiskLevel.ELEVATED
    # No stops: "ten years ago" three clauses back is not this clause's time.
    chatter = " ".join(["and then we went to the shop and got some bread"] * 4)
    wall = f"we moved here ten years ago {chatter} and this week i wanted to die"
    assert scan(lexicon, wall).level == RiskLevel.ELEVATED


def test_phrases_that_carry_their_own_negation(lexicon: Lexicon) -> None:
    assert scan(lexicon, "I don't want to be here anymore").level == RiskLevel.ELEVATED
    assert scan(lexicon, "I can't go on like this").level == RiskLevel.ELEVATED


@pytest.mark.parametrize(
    "text",
    [
        "we watched a movie about suicide in class",
        "I'm writing an essay on suicide prevention",
        "the news article about the overdose was sad",
        "in the book the villain ends up killing himself",
    ],
)
def test_references_to_films_news_homework(lexicon: Lexicon, text: str) -> None:
    result = scan(lexicon, text)
    assert result.level == RiskLevel.NONE
    assert result.references


def test_third_party(lexicon: Lexicon) -> None:
    result = scan(lexicon, "my roommate keeps saying he wants to die, what do I do?")
    assert result.level == RiskLevel.ELEVATED
    assert Category.THIRD_PARTY.value in result.categories
    assert result.first_person_level == RiskLevel.NONE


def test_third_party_imminent(lexicon: Lexicon) -> None:
    result = scan(lexicon, "my brother just took a bunch of pills")
    assert result.level == RiskLevel.HIGH
    assert Category.THIRD_PARTY.value in result.categories


def test_someone_else_as_subject_is_not_first_person(lexicon: Lexicon) -> None:
    result = scan(lexicon, "what are signs that someone is thinking about suicide?")
    assert result.first_person_level < RiskLevel.ELEVATED


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("quiero morirme", RiskLevel.ELEVATED),
        ("me voy a suicidar esta noche", RiskLevel.HIGH),
        ("me muero de risa", RiskLevel.NONE),
        ("ich will nicht mehr leben", RiskLevel.ELEVATED),
        ("ich werde mich heute Nacht umbringen", RiskLevel.HIGH),
        ("ich sterbe vor Lachen", RiskLevel.NONE),
        ("je veux mourir", RiskLevel.ELEVATED),
        ("je vais me suicider ce soir", RiskLevel.HIGH),
        ("je meurs de faim", RiskLevel.NONE),
    ],
)
def test_other_languages(lexicon: Lexicon, text: str, level: RiskLevel) -> None:
    assert scan(lexicon, text).level == level


def test_categories(lexicon: Lexicon) -> None:
    assert (
        Category.METHOD_SEEKING.value
        in scan(lexicon, "what's the lethal dose of paracetamol").categories
    )
    assert Category.SELF_HARM.value in scan(lexicon, "I cut myself again today").categories
    assert Category.ABUSE_VIOLENCE.value in scan(lexicon, "my stepdad hits me").categories
    assert Category.DISTRESS.value in scan(lexicon, "I feel so worthless").categories


def test_evasion_still_matches(lexicon: Lexicon) -> None:
    assert scan(lexicon, "k i l l  m y s e l f").level >= RiskLevel.ELEVATED
    assert scan(lexicon, "i w4nt t0 d1e").level == RiskLevel.ELEVATED
    assert scan(lexicon, "gonna unalive myself").level == RiskLevel.HIGH
    assert scan(lexicon, "thinking about sewerslide").level == RiskLevel.ELEVATED


@pytest.mark.parametrize(
    "text",
    [
        "in the game you have to jump off the bridge to reach the secret area",
        "how tall is the tallest building in the world? settling a bet with my brother",
        "I wrote my will today because we just had a baby, feels very grown up",
        "this spicy curry is going to kill me but it's worth it",
        "I feel like a burden when I ask for help, so I don't ask",
        "what's the point of trying at my job anymore, nobody notices the extra hours",
        "je suis épuisée, je n'en peux plus du boulot",
        # history, grief after someone's suicide, a job that cannot last
        "Ten years ago I lost everything. Back then I genuinely wanted to die. Now I run a support group.",
        "Last year I used to hurt myself. I stopped in April and I'm on the debate team now.",
        "I have healed scars from when I self-harmed at 15 to 17.",
        "I self-harmed on and off through my twenties and stopped for good at 31.",
        "My friend killed himself three weeks ago and school did an assembly about it.",
        "My brother died by suicide in March. Everyone stopped asking how I am.",
        "I'm running on empty and I can't keep going like this for another 25 years.",
        "Not once, in all those years, did I cut myself.",
        "honestly I just want this semester to end",
        "the baby's been screaming for an hour, I want everything to stop for a minute",
    ],
)
def test_context_cues_keep_everyday_sentences_below_elevated(lexicon: Lexicon, text: str) -> None:
    assert scan(lexicon, text).level < RiskLevel.ELEVATED


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("I keep thinking about jumping off the bridge on my way to work", RiskLevel.HIGH),
        ("what is the tallest bridge near me", RiskLevel.HIGH),
        ("I wrote my will and gave my cat to my sister", RiskLevel.ELEVATED),
        ("he's going to kill me when he gets home", RiskLevel.HIGH),
        ("I feel like a burden to everyone", RiskLevel.ELEVATED),
        ("je n'en peux plus, je veux disparaître", RiskLevel.ELEVATED),
        ("I wanted to die yesterday and today is no better", RiskLevel.ELEVATED),
        ("I used to be fine but now I want to kill myself", RiskLevel.HIGH),
        ("I self-harmed last night", RiskLevel.HIGH),
        ("my brother is going to kill himself tonight", RiskLevel.HIGH),
        ("I can't go on like this", RiskLevel.ELEVATED),
        ("i just want it all to end", RiskLevel.ELEVATED),
        ("I want everything to stop", RiskLevel.ELEVATED),
        ("some days I wish it was all over", RiskLevel.ELEVATED),
        # No stops: the "not" belongs to the clause before the new subject.
        ("not okay i just cut myself again", RiskLevel.HIGH),
        ("im not ok i want to die", RiskLevel.ELEVATED),
        ("honestly not sure why i want to die", RiskLevel.ELEVATED),
        ("i'm not saying i want to die", RiskLevel.ELEVATED),
    ],
)
def test_the_same_phrases_without_those_cues_still_count(
    lexicon: Lexicon, text: str, level: RiskLevel
) -> None:
    assert scan(lexicon, text).level == level


def test_a_film_in_one_sentence_of_a_long_post_does_not_cancel_another(lexicon: Lexicon) -> None:
    chatter = (
        "We watched a film on Saturday and the popcorn was stale. "
        "My brother talked through the whole thing as usual. "
        "The weather was grey all weekend and the trains were a mess. "
    )
    post = chatter + "I have been having suicidal thoughts again and I can't tell anyone."
    assert scan(lexicon, post).level == RiskLevel.ELEVATED
    # A short message may still set its scene one sentence earlier.
    assert (
        scan(lexicon, "We watched a film. The main guy kills himself.").level < RiskLevel.ELEVATED
    )


@pytest.mark.parametrize(
    "text",
    [
        "Five years ago today I was in a hospital bed after trying to end my life. Today I got my nursing licence.",
        "It's the anniversary of my suicide attempt and I'm doing well now",
        "5 Jahre nach meinem Suizidversuch: heute ist meine Tochter geboren",
        "Hace cinco años intenté quitarme la vida y hoy me gradué",
        "Il y a dix ans, j'ai tenté de me suicider. Aujourd'hui je vais bien.",
    ],
)
def test_an_attempt_years_ago_is_not_danger_now(lexicon: Lexicon, text: str) -> None:
    """Recovery stories: the past attempt must not pair with "today" into a high grade."""
    result = scan(lexicon, text)
    assert result.level < RiskLevel.HIGH
    assert not {"en.attempted", "en.took_them", "de.versuch", "es.intento", "fr.tentative"} & {
        h.rule_id for h in result.hits
    }


@pytest.mark.parametrize(
    "text",
    [
        "I tried to kill myself last week and nobody knows",
        "I attempted suicide yesterday",
        "mon fils adolescent a fait une tentative de suicide hier",
        "Ich hatte letzte Nacht einen Suizidversuch",
    ],
)
def test_a_recent_attempt_still_counts(lexicon: Lexicon, text: str) -> None:
    assert scan(lexicon, text).level == RiskLevel.HIGH


@pytest.mark.parametrize(
    "text",
    [
        "my girlfriend keeps saying everyone would be better off without her",
        "my brother told me he doesn't see the point in living anymore",
        "my best friend said she wishes she was dead",
    ],
)
def test_passive_ideation_reported_about_someone_else(lexicon: Lexicon, text: str) -> None:
    result = scan(lexicon, text)
    assert result.level == RiskLevel.ELEVATED
    assert "third_party" in result.categories
    assert result.first_person_level == RiskLevel.NONE


def test_a_joke_about_someone_elses_cooking_is_not_third_party_risk(lexicon: Lexicon) -> None:
    assert scan(lexicon, "she said we would be better off without her cooking lol").hits == ()


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("j'ai le goût de me faire mal pis ça me fait peur", RiskLevel.ELEVATED),
        ("je me fais du mal depuis l'année dernière, en cachette", RiskLevel.HIGH),
        ("Une amie a posté une story d'adieu sur Snap et ne répond plus", RiskLevel.HIGH),
        ("ich verletz mich seit ich 13 bin", RiskLevel.HIGH),
        ("Alle wären besser dran ohne mich", RiskLevel.ELEVATED),
        # the same words in everyday senses
        (
            "J'ai écrit un message d'adieu à mes collègues pour mon départ à la retraite",
            RiskLevel.NONE,
        ),
        ("je me fais mal au dos en courant", RiskLevel.NONE),
        ("ich verletze mich beim Fußball oft", RiskLevel.NONE),
    ],
)
def test_colloquial_french_and_german(lexicon: Lexicon, text: str, level: RiskLevel) -> None:
    assert scan(lexicon, text).level == level


@pytest.mark.parametrize(
    "text",
    [
        "my husband has taken the day off and has already bought a ring",
        "she took my phone for a week",
        "they took him to the vet this morning",
        "the album is about the singer's year after her brother's suicide attempt",
        "I keep replaying it. Was that him saying goodbye?",
        "dad relapsed again and i'm the one everyone calls",
    ],
)
def test_everyday_sentences_in_long_posts_are_not_crisis(lexicon: Lexicon, text: str) -> None:
    """False alarms seen on val posts: other people's actions read as the writer's danger."""
    assert scan(lexicon, text).level < RiskLevel.ELEVATED


@pytest.mark.parametrize(
    "text",
    [
        "my friend just took a whole bottle of pills",
        "my roommate took an overdose and isn't answering",
        "I had a suicide attempt last month",
        "I'm saying my goodbyes",
        "my mom found out i relapsed again",
    ],
)
def test_the_dangerous_versions_still_count(lexicon: Lexicon, text: str) -> None:
    assert scan(lexicon, text).level == RiskLevel.HIGH


@pytest.mark.parametrize(
    ("text", "level"),
    [
        # the usual sideways wordings of a wish to be gone, per language
        ("es wär vielleicht für alle einfacher, wenn ich nicht mehr da wär", RiskLevel.ELEVATED),
        ("Ich hoffe jeden Abend, morgens nicht mehr aufzuwachen", RiskLevel.ELEVATED),
        ("ich bin allen nur eine Last", RiskLevel.ELEVATED),
        ("hab keine Kraft mehr zu leben", RiskLevel.ELEVATED),
        ("sería mejor para todos si yo no estuviera", RiskLevel.ELEVATED),
        ("siento que soy una carga", RiskLevel.ELEVATED),
        ("quisiera dormirme y no despertar", RiskLevel.ELEVATED),
        ("ya no le veo sentido a la vida", RiskLevel.ELEVATED),
        ("ce serait plus simple pour tout le monde si je n'étais plus là", RiskLevel.ELEVATED),
        ("je me sens un fardeau", RiskLevel.ELEVATED),
        ("je ne vois plus l'intérêt de vivre", RiskLevel.ELEVATED),
        ("I don't really see the point in me sticking around after her", RiskLevel.ELEVATED),
        ("every morning i'm gutted that i'm still here", RiskLevel.ELEVATED),
        ("I genuinely don't see myself here in five years", RiskLevel.ELEVATED),
        ("finally ready to die.", RiskLevel.ELEVATED),
        ("honestly I'm ready to go to my maker", RiskLevel.ELEVATED),
        ("cut myself again last night, deeper this time", RiskLevel.HIGH),
        ("I don't see myself here in five years, the company is a mess", RiskLevel.NONE),
        ("I don't see myself alive in five years, my marriage is a mess", RiskLevel.ELEVATED),
        ("gutted that i'm still here after everything i did last night", RiskLevel.ELEVATED),
        ("burned myself again on the oven tray, ouch", RiskLevel.NONE),
        ("i'm ready to go home, this party is dead", RiskLevel.NONE),
        ("i'm so ready to go to the beach", RiskLevel.NONE),
        ("annoyed i woke up late again", RiskLevel.NONE),
        ("sad i'm still here at the office at 9pm", RiskLevel.NONE),
        ("cut myself shaving again, ugh", RiskLevel.NONE),
        # the same words, everyday senses
        ("es wäre einfacher, wenn ich nicht mehr da arbeiten müsste", RiskLevel.NONE),
        ("ich bin froh, dass ich niemandem zur Last falle", RiskLevel.NONE),
        ("sería mejor si no estuviera tan cansada por las tardes", RiskLevel.NONE),
        ("el paquete es una carga pesada para el cartero", RiskLevel.NONE),
        ("I don't see the point in sticking around at this job", RiskLevel.NONE),
        ("i wish i could just disappear under my duvet for a week", RiskLevel.NONE),
        ("j'ai envie de disparaître sous la couette", RiskLevel.NONE),
        ("quiero desaparecer unos días en la playa", RiskLevel.NONE),
        ("ich will einfach für ein paar Tage verschwinden", RiskLevel.NONE),
        ("i wish i could just disappear", RiskLevel.ELEVATED),
        ("j'ai envie de disparaître", RiskLevel.ELEVATED),
        ("quiero desaparecer", RiskLevel.ELEVATED),
        ("ich will einfach verschwinden", RiskLevel.ELEVATED),
    ],
)
def test_a_wish_to_be_gone_said_sideways(lexicon: Lexicon, text: str, level: RiskLevel) -> None:
    """Wordings missed on train and val posts (a farmer's "für alle einfacher, wenn ich nicht
    mehr da wär", "cut myself again" with the subject dropped)."""
    assert scan(lexicon, text).level == level


@pytest.mark.parametrize(
    "text",
    [
        "killed myself with my own grenade three times on the same boss",
        "my therapist told me to write a goodbye letter to my eating disorder",
        "if anyone has recs for cosy games i will take them all",
        "i took the whole two weeks off work so i wouldn't be stressed",
        "work's been cutting hours again",
        "je me suis coupé les cheveux, trop court",
        "lebensmüde bin ich nicht, nur leer",
        "c'est pas que j'veux mourir, j'veux juste avoir une place",
        "it's not that i want to die, i just want a week off",
    ],
)
def test_calm_senses_and_denials_found_on_val(lexicon: Lexicon, text: str) -> None:
    """Calm val posts the lexicon alone graded elevated or high."""
    assert scan(lexicon, text).level < RiskLevel.ELEVATED


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("i took the whole bottle of pills an hour ago", RiskLevel.HIGH),
        ("i took 2 weeks worth of my pills", RiskLevel.HIGH),
        ("i just took the whole month's supply of my meds", RiskLevel.HIGH),
        ("je me suis coupé le bras hier soir", RiskLevel.HIGH),
        ("ich bin lebensmüde", RiskLevel.ELEVATED),
        ("i'm going to take them all tonight", RiskLevel.HIGH),
        ("i want to die, it's not that i'm sad, i'm just done", RiskLevel.ELEVATED),
        # a workplace boss or advice nearby cancels nothing
        ("my boss screamed at me again and honestly i might kill myself", RiskLevel.ELEVATED),
        (
            "after the meeting with my boss i sat in the car thinking i could just hang myself",
            RiskLevel.ELEVATED,
        ),
        ("no advice will help, i'm going to take them all tonight", RiskLevel.HIGH),
    ],
)
def test_their_crisis_twins_still_count(lexicon: Lexicon, text: str, level: RiskLevel) -> None:
    assert scan(lexicon, text).level == level


def test_ich_kann_nicht_mehr_alone_is_distress(lexicon: Lexicon) -> None:
    """Usually exhaustion; the semantic layer weighs the rest of the post."""
    assert scan(lexicon, "ich kann nicht mehr").level == RiskLevel.CONCERN
    assert scan(lexicon, "ich will nicht mehr leben").level == RiskLevel.ELEVATED


@pytest.mark.parametrize(
    "text",
    [
        "i want to say clearly: i don't have thoughts to hurt myself. my family is my reason",
        "what surprises me is that i haven't had any urge to hurt myself through any of it",
        "the pharmacy printout warns of an increased risk of suicidal thoughts in people under 25",
        "my accountant is going to kill me when she sees this shoebox of receipts",
    ],
)
def test_plain_denials_labels_and_hyperbole(lexicon: Lexicon, text: str) -> None:
    assert scan(lexicon, text).level < RiskLevel.ELEVATED


def test_the_same_thoughts_said_plainly_still_count(lexicon: Lexicon) -> None:
    assert (
        scan(lexicon, "i have thoughts of hurting myself every night").level >= RiskLevel.ELEVATED
    )
    assert scan(lexicon, "i've been having suicidal thoughts again").level >= RiskLevel.ELEVATED


@pytest.mark.parametrize(
    ("text", "level"),
    [
        (
            "everyone in this house would honestly be better off if i wasnt in it",
            RiskLevel.ELEVATED,
        ),
        ("itd be easier for everyone if i just wasnt around anymore", RiskLevel.ELEVATED),
        ("most nights i pray that i just don't wake up", RiskLevel.ELEVATED),
        (
            "if i just didnt wake up one of these mornings id feel kind of relieved",
            RiskLevel.ELEVATED,
        ),
        ("i keep thinking i'd like to just not exist for a while", RiskLevel.ELEVATED),
        (
            "i've written letters to my sister and my mom and put them where they'll be found",
            RiskLevel.HIGH,
        ),
        ("thank you all, this will be my last time here", RiskLevel.HIGH),
        # the same words in everyday senses
        ("i hope i don't wake up late tomorrow, big exam", RiskLevel.NONE),
        ("it'd be easier if i wasn't so tired all the time", RiskLevel.NONE),
        ("i wrote a birthday note and left it where she'll find it", RiskLevel.NONE),
        ("i'd rather not be here at this party honestly", RiskLevel.NONE),
    ],
)
def test_implicit_passive_ideation_spelled_loosely(
    lexicon: Lexicon, text: str, level: RiskLevel
) -> None:
    """Phrasings found missed in train/val long posts (2026-11 round)."""
    assert scan(lexicon, text).level == level


@pytest.mark.parametrize(
    ("text", "method_seeking"),
    [
        ("what household chemicals are deadly if you drink them", True),
        ("my cat is sick, which pills would kill me if i took them all", True),
        ("which pills would kill me", True),
        ("what chemicals kill weeds", False),
        ("what chemicals kill off the ants in my kitchen", False),
        ("which meds are deadly for dogs", False),
        ("what cleaning chemicals are deadly to cats", False),
        ("which pills kill the pain best after a tooth out", False),
        ("which pills would kill the pain for good", True),
    ],
)
def test_what_kills_asks_about_people_not_pests_or_pets(
    lexicon: Lexicon, text: str, method_seeking: bool
) -> None:
    result = scan(lexicon, text)
    assert (Category.METHOD_SEEKING.value in result.categories) is method_seeking
    assert (result.level == RiskLevel.HIGH) is method_seeking


# Rules no labelled row happens to use, each with a message of our own that should fire it.
_RULES_NO_ROW_USES = {
    "en.urge_end": "the urge to end my life is so loud today",
    "en.plan_do_it": "i want to die and i've picked a day to do it",
    "es.despedida": "este es mi ultimo mensaje",
    "es.amenaza_matar": "mi pareja amenazo con matarme anoche",
    "de.mittel": "ich will sterben und ich habe die tabletten hier",
    "de.gewalt": "mein mann schlagt mich jeden abend",
    "fr.moyens": "je veux mourir, j'ai les cachets devant moi",
    "de.last": "ich bin doch allen nur eine last",
    "en.no_future_self": "i honestly don't see myself alive by next year",
}


def test_every_rule_can_fire(lexicon: Lexicon, labeled_rows: list[dict[str, object]]) -> None:
    """A pattern no message can match is a silent hole: an escaped '\\\\b' in a raw string
    once made the Spanish and French 'tonight' rules match nothing."""
    texts = [normalize(str(r["text"])) for r in labeled_rows]
    texts += [normalize(t) for t in _RULES_NO_ROW_USES.values()]
    dead = [rule.spec.id for rule in lexicon.rules if not any(rule.regex.search(t) for t in texts)]
    assert dead == []
    for rule_id, text in _RULES_NO_ROW_USES.items():
        assert rule_id in {h.rule_id for h in scan(lexicon, text).hits}, rule_id


@pytest.mark.parametrize(
    "text",
    [
        "ok thanks, i'll do it",
        "i'm going to do it now, wish me luck on the interview",
        "my homework is due friday, i'll do it tomorrow",
        "tonight is the night! first date in two years",
        "i've decided to go through with it, the move to berlin",
        "we picked a date for the wedding, can't wait to do it",
        "esta noche lo hago, la tarta de cumpleanos",
        "ce soir je le fais, le gateau pour maman",
        "heute nacht mache ich es, die steuererklarung",
        "tengo un plan para el finde",
    ],
)
def test_do_it_with_no_risk_named_is_not_counted(lexicon: Lexicon, text: str) -> None:
    """'It' names nothing here: the phrase waits in ``pending`` for earlier turns to name it."""
    result = scan(lexicon, text)
    assert result.level < RiskLevel.ELEVATED
    assert result.pending


@pytest.mark.parametrize(
    "text",
    [
        "i want to die. i'll do it tonight",
        "nobody would miss me if i was gone. i'm going to do it after everyone goes to sleep",
        "i have the pills. i'm going to do it tomorrow",
        "quiero morirme, esta noche lo hago",
        "je veux mourir. ce soir je le fais",
    ],
)
def test_do_it_next_to_ideation_is_high(lexicon: Lexicon, text: str) -> None:
    result = scan(lexicon, text)
    assert result.level == RiskLevel.HIGH
    assert not result.pending


def test_a_friends_death_wish_does_not_name_the_writers_it(lexicon: Lexicon) -> None:
    result = scan(
        lexicon, "my friend keeps saying she wants to die. i'll do it tonight, i'll call her mum"
    )
    assert Category.THIRD_PARTY.value in result.categories
    assert result.level == RiskLevel.ELEVATED
    assert {h.rule_id for h in result.pending} == {"en.will_do_it", "en.do_it_when"}


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("i'm going to end it with my boyfriend", RiskLevel.NONE),
        ("ending things with her tonight, it's been coming for months", RiskLevel.NONE),
        ("i'm on the bridge, stuck in traffic again", RiskLevel.NONE),
        ("up on the roof fixing the gutters, i'm on the edge of the roof", RiskLevel.NONE),
        ("i wrote a goodbye letter to my old job lol", RiskLevel.NONE),
        ("i have my pills ready for the week in the organiser", RiskLevel.CONCERN),
        ("feel like i'm on the edge of a breakdown with these deadlines", RiskLevel.NONE),
        ("saying goodbye to the old flat tomorrow, keys go back at noon", RiskLevel.NONE),
        ("this is my last day at the office, cake at 3", RiskLevel.NONE),
        ("le escribi una carta de despedida a mis companeros del curro", RiskLevel.NONE),
        ("ich schreibe einen abschiedsbrief an die kollegen", RiskLevel.NONE),
        ("i'm taking my life back one day at a time", RiskLevel.NONE),
        ("not the breathing thing. i mean i'm ending my life tonight", RiskLevel.HIGH),
        ("i'm on the bridge, i'm not here for the traffic", RiskLevel.HIGH),
        ("this is my last message", RiskLevel.HIGH),
        ("this is my last message, i can't face school anymore", RiskLevel.HIGH),
        ("i wrote a goodbye letter, can't face work tomorrow", RiskLevel.HIGH),
        ("escribi una carta de despedida, ya no puedo con el trabajo", RiskLevel.HIGH),
        ("j'ai ecrit une lettre d'adieu, je n'en peux plus du travail", RiskLevel.HIGH),
        ("j'ai ecrit une lettre d'adieu a mon ancien boulot mdr", RiskLevel.NONE),
        ("lettre d'adieu pour le pot de depart de ma collegue", RiskLevel.NONE),
        ("i'm going to end it all", RiskLevel.HIGH),
        ("i'm on the bridge and i'm not going home", RiskLevel.HIGH),
        ("i wrote a goodbye letter to my family", RiskLevel.HIGH),
        ("the pills are counted out on my desk", RiskLevel.HIGH),
    ],
)
def test_everyday_senses_of_crisis_cues(lexicon: Lexicon, text: str, level: RiskLevel) -> None:
    """Everyday chat that was read as a crisis (bypass and moderator flag), and the crisis
    versions of the same cues."""
    assert scan(lexicon, text).level == level


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("no estoy bien, quiero morirme", RiskLevel.ELEVATED),
        ("no, quiero morirme", RiskLevel.ELEVATED),
        ("nicht gut, will einfach sterben", RiskLevel.ELEVATED),
        ("pas bien, envie de mourir", RiskLevel.ELEVATED),
        ("no quiero morirme", RiskLevel.NONE),
        ("no, no quiero morir", RiskLevel.NONE),
        ("nunca, jamas quiero morirme", RiskLevel.NONE),
        ("no estoy bien, pero no quiero morir", RiskLevel.NONE),
        ("je n'ai pas envie de mourir", RiskLevel.NONE),
    ],
)
def test_a_comma_closes_a_negation_where_the_subject_is_dropped(
    lexicon: Lexicon, text: str, level: RiskLevel
) -> None:
    """Spanish, German and colloquial French have no 'i' to open the new clause."""
    assert scan(lexicon, text).level == level
