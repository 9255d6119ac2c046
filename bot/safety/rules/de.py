"""German risk phrases, idioms, negations and reference cues (umlauts reduced by normalisation)."""

from __future__ import annotations

from bot.safety.rules import AV, DI, MS, SH, SI, TP, RuleSpec

_PERSON = (
    r"(?:mein|meine|meiner|meinem|unser|unsere) (?:beste[rn]? )?(?:freund|freundin|bruder|schwester|sohn|tochter|"
    r"mutter|mama|vater|papa|partner|partnerin|mann|frau|kollege|kollegin|mitbewohner|mitbewohnerin|cousin|"
    r"cousine|schuler|schulerin|kumpel)"
)

# Ein Versuch vor Jahren ist Geschichte, keine Gefahr jetzt (Genesungsberichte, Jahrestage).
_LONG_AGO = r"\bvor (?:\d+|einem|zwei|drei|vier|funf|sechs|sieben|acht|neun|zehn|vielen|einigen|ein paar) jahren\b|\b(?:\d+|zwei|drei|vier|funf|sechs|sieben|acht|neun|zehn) jahre? (?:nach|her|seit|spater)\b|\bals ich (?:\d+|ein kind|jugendlich|teenager) war\b|\bjahrestag\b"

RULES: list[RuleSpec] = [
    RuleSpec(
        "de.timing",
        "timing",
        r"\b(?:heute nacht|heute abend|ich habe mich entschieden|ich habe einen plan)\b",
        (),
    ),
    RuleSpec(
        "de.will_sterben",
        "passive",
        r"\b(?:ich )?(?:will|mochte|wurde gern|wunschte,? ich ware|wunsche mir,? tot zu sein) (?:einfach |nur )?(?:sterben|tot sein|verschwinden(?! (?:fur |)(?:ein paar tage|eine woche|eine weile|das wochenende)| unter (?:der|meiner) (?:decke|bettdecke)| im urlaub| in den urlaub)|nicht mehr aufwachen|nicht mehr da sein|nicht mehr existieren)\b|\bwunschte,? ich ware tot\b",
        (SI,),
    ),
    RuleSpec(
        "de.nicht_mehr_leben",
        "passive",
        r"\b(?:ich )?(?:will|mochte|kann) nicht mehr (?:leben|da sein|hier sein|existieren|weitermachen|aufwachen)\b|\bkeine (?:kraft|lust) mehr (?:zu leben|auf das leben|aufs leben)\b",
        (SI,),
        negatable=False,
    ),
    RuleSpec(
        "de.besser_ohne_mich",
        "passive",
        r"\b(?:ohne mich|wenn ich weg ware|wenn ich tot ware) (?:waren|ware|ist|sind) (?:alle|es|sie|die welt) (?:besser|leichter)\b|\b(?:alle|jeder|die welt|meine familie|ihr) (?:waren|ware) (?:ohne mich besser dran|besser dran ohne mich)\b|\bniemand wurde mich vermissen\b|\bniemand wurde es merken\b"
        # "es wär für alle einfacher, wenn ich nicht mehr da wär" (not "weg": a trip is also away)
        r"|\b(?:ware|war|waer)\b[^.!?]{0,40}?\b(?:besser|einfacher|leichter)\b[^.!?]{0,30}?\bwenn ich (?:einfach )?(?:nicht mehr (?:da|am leben)|tot|nie geboren) (?:ware|war|waer)\b",
        (SI,),
    ),
    RuleSpec(
        "de.nicht_aufwachen",
        "passive",
        r"\b(?:hoffe|wunsche mir|wunschte)\b[^.!?]{0,25}?\b(?:nicht mehr aufzuwachen|nicht mehr aufwache|wache nicht mehr auf)\b|\beinschlafen und nicht mehr aufwachen\b",
        (SI,),
        negatable=False,
    ),
    RuleSpec(
        "de.last",
        "passive",
        r"\bich bin (?:(?:doch|nur|allen|euch|meiner familie|fur alle) )*(?:eine last|zur last)\b",
        (SI,),
    ),
    RuleSpec(
        "de.sinnlos",
        "hopeless",
        r"\b(?:das leben|mein leben|alles) (?:hat|ist) (?:keinen sinn|sinnlos)(?: mehr)?\b|\bkeinen grund (?:mehr )?zu leben\b|\bhat alles keinen sinn\b",
        (SI,),
        negatable=False,
    ),
    RuleSpec(
        "de.gedanken",
        "thoughts",
        r"\b(?:suizidgedanken|selbstmordgedanken|suizidal|lebensmude(?! (?:bin|war) ich (?:aber |doch |wirklich |echt )?nicht))\b|\b(?:denke|gedanken|nachgedacht|dachte) (?:daran|uber|an) (?:mich umzubringen|selbstmord|suizid|mir das leben zu nehmen|zu sterben|den tod)\b",
        (SI,),
    ),
    RuleSpec(
        "de.mich_umbringen",
        "thoughts",
        r"\bmich\b[^.!?]{0,25}\b(?:umbringen|umzubringen|toten|zu toten)\b|\bmir das leben (?:nehmen|zu nehmen)\b",
        (SI,),
    ),
    RuleSpec(
        "de.absicht",
        "intent",
        r"\bich (?:werde|will|mochte|habe beschlossen,?|plane,?) (?:mich )?(?:[^.!?]{0,25} )?(?:umbringen|mich umzubringen|mir das leben nehmen|mir das leben zu nehmen|selbstmord begehen|suizid begehen|mich toten|mich zu toten)\b|\bich bringe mich um\b",
        (SI,),
    ),
    RuleSpec(
        "de.methode",
        "method",
        r"\bwie (?:kann ich|bringe ich) mich (?:umbringen|toten)\b|\b(?:todliche|letale) (?:dosis|menge)\b|\bwie viele (?:tabletten|pillen)\b[^.!?]{0,30}\b(?:sterben|todlich|tot)\b|\bschmerzlos(?:e|er|en)? (?:sterben|tod|methode|weg)\b",
        (MS, SI),
    ),
    RuleSpec(
        "de.plan",
        "plan",
        r"\b(?:abschiedsbrief|abschiedsnachricht)\b",
        (SI,),
        # Ein Abschied von Kollegen, in die Rente oder vor dem Umzug ist kein Abschied vom Leben.
        unless=r"\b(?:kollegen|kollegin|kolleginnen|rente|ruhestand|umzug)\b",
    ),
    RuleSpec(
        "de.plan_ohne_namen",
        "plan",
        r"\bich habe einen plan\b|\bheute nacht (?:mache ich es|tue ich es|ist es soweit)\b",
        (SI,),
        anaphoric=True,
    ),
    RuleSpec("de.mittel", "means", r"\bich habe (?:die tabletten|ein seil)\b", (MS,)),
    RuleSpec(
        "de.versuch",
        "behaviour",
        r"\b(?:suizidversuch|selbstmordversuch)\b|\bhabe versucht,? mich umzubringen\b|\bhabe (?:alle|viele|eine packung) tabletten genommen\b",
        (SI,),
        unless=_LONG_AGO,
    ),
    RuleSpec(
        "de.letzte",
        "imminent",
        r"\bdas ist meine letzte nachricht\b|\blebt wohl\b|\bwenn ihr das lest,? bin ich\b",
        (SI,),
    ),
    RuleSpec(
        "de.ritzen",
        "self_harm_recent",
        r"\bhabe mich (?:wieder |gestern |heute )?(?:geritzt|geschnitten|verletzt|verbrannt)\b|\bich ritze mich\b|\bich (?:verletz|verletze|schneide) mich (?:selbst|seit|immer|oft|wieder|heimlich)\b",
        (SH,),
    ),
    RuleSpec(
        "de.ritzen_drang",
        "self_harm_urge",
        r"\b(?:drang|will|mochte|muss) (?:mich )?(?:zu )?(?:ritzen|schneiden|verletzen)\b|\bselbstverletz\w*\b",
        (SH,),
    ),
    RuleSpec(
        "de.belastung",
        "distress",
        r"\bich fuhle mich (?:so |total |sehr |ganz )?(?:allein|einsam|leer|wertlos|hoffnungslos|depressiv|erschopft|verloren|uberfordert)\b|\bpanikattacken?\b|\bich hasse mich\b|\bich kann nicht mehr\b|\bich kann nicht aufhoren zu weinen\b",
        (DI,),
    ),
    RuleSpec(
        "de.gewalt",
        "abuse",
        r"\b(?:er|sie|mein vater|meine mutter|mein mann|mein freund|meine frau) (?:schlagt|missbraucht|vergewaltigt|bedroht|wurgt) mich\b|\bhausliche gewalt\b",
        (AV,),
    ),
    RuleSpec(
        "de.dritte",
        "third_party",
        rf"\b{_PERSON} (?:sagt,? (?:er|sie) |redet davon,? )?(?:will|mochte|wollte) (?:sterben|sich umbringen|sich das leben nehmen|nicht mehr leben)\b|\b{_PERSON} (?:ist|wirkt) (?:suizidal|lebensmude)\b|\b{_PERSON} (?:ritzt|verletzt) sich\b|\bsich (?:umbringen|das leben nehmen)\b",
        (TP, SI),
        first_person=False,
    ),
    RuleSpec("de.erwaehnung", "mention", r"\b(?:suizid|selbstmord)\b", (SI,), first_person=False),
]

IDIOMS: list[str] = [
    r"\b(?:meine fusse|mein rucken|mein kopf|diese hitze|diese schuhe) (?:bringen|bringt) mich um\b",
    r"\bich (?:sterbe|sterb) vor (?:lachen|hunger|langeweile|neugier|scham|hitze)\b",
    # any tense: "ich wäre fast vor Scham gestorben", "wir sind vor Hitze gestorben"
    r"\b(?:sterben|starb|starben|gestorben|sterbe|stirbt) vor (?:lachen|hunger|langeweile|neugier|scham|hitze|kalte)\b|\bvor (?:lachen|scham|hitze|langeweile) (?:fast )?(?:gestorben|sterben)\b",
    r"\b(?:zum totlachen|todmude|zu tode gelangweilt|todschick|totlachen)\b",
    r"\b(?:meine mutter|mein vater|mein chef|meine mama|mein papa) bringt mich um\b",
    r"\bdie zeit totschlagen\b",
]

NEGATIONS = r"\b(?:nicht|nie|niemals|kein|keine|keinen|nein|nicht mehr)\b"

REFERENCES = r"\b(?:film|serie|lied|song|buch|roman|nachrichten|artikel|figur|charakter|dokumentation|doku|spiel|hausaufgabe|referat|aufsatz|unterricht|studie|pravention|statistik)\b"
