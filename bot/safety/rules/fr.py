"""French risk phrases, idioms, negations and reference cues (written without accents)."""

from __future__ import annotations

from bot.safety.rules import AV, DI, MS, SH, SI, TP, RuleSpec

_PERSON = (
    r"(?:mon|ma|mes|notre) (?:meilleur |meilleure )?(?:ami|amie|amis|pote|frere|soeur|fils|fille|mere|pere|"
    r"copain|copine|partenaire|mari|femme|colocataire|coloc|cousin|cousine|eleve|collegue)"
)

# Une tentative d'il y a des années est du passé, pas un danger actuel (récits de rétablissement).
_LONG_AGO = r"\bil y a (?:\d+|un|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|plusieurs|quelques) ans\b|\b(?:\d+|deux|trois|quatre|cinq|six|sept|huit|neuf|dix) ans (?:apres|plus tard|depuis)\b|\bquand j'(?:avais \d+ ans|etais (?:ado|adolescente?|enfant|petite?))\b|\banniversaire\b"

RULES: list[RuleSpec] = [
    RuleSpec("fr.timing", "timing", r"\b(?:ce soir|cette nuit|j'ai decide|j'ai un plan)\b", ()),
    RuleSpec(
        "fr.veux_mourir",
        "passive",
        r"\b(?:j(?:e |')(?:veux|voudrais|aimerais|souhaite)|(?:j'ai )?(?:tellement |juste )?envie de) (?:juste |tellement )?(?:mourir|etre mort|etre morte|disparaitre(?! (?:sous (?:la couette|terre|les draps|ma couette)|dans mon lit|(?:quelques|deux|trois) jours|(?:pour )?(?:le|un|ce) (?:week-end|weekend)|une semaine|en vacances|sur une ile))|ne plus exister|ne pas me reveiller|ne plus me reveiller)\b",
        (SI,),
    ),
    RuleSpec(
        "fr.plus_envie_vivre",
        "passive",
        r"\b(?:je n'ai|j'ai) plus (?:envie|la force) de (?:vivre|continuer|me lever)\b|\bje ne veux plus (?:vivre|etre la|exister|continuer)\b",
        (SI,),
        negatable=False,
    ),
    RuleSpec(
        "fr.mieux_sans_moi",
        "passive",
        r"\b(?:ils|elles|tout le monde|ma famille|le monde) (?:seraient|serait) mieux sans moi\b|\bpersonne ne (?:remarquerait|verrait|regretterait)\b"
        r"|\bce serait (?:plus simple|mieux|plus facile|un soulagement) (?:pour (?:tout le monde|eux|ma famille|tous) )?si je (?:n'etais plus la|n'existais plus|disparaissais|mourais)\b",
        (SI,),
    ),
    RuleSpec(
        "fr.fardeau",
        "passive",
        r"\bje (?:suis|me sens) (?:juste |qu')?(?:un fardeau\b|(?:une charge|un poids) pour (?:tout le monde|mes proches|ma famille|les autres|eux|tous))|\b(?:m'endormir|dormir) et ne (?:plus|jamais|pas) me reveiller\b",
        (SI,),
    ),
    RuleSpec(
        "fr.sans_sens",
        "hopeless",
        r"\b(?:la vie|ma vie|rien) n'a (?:plus )?(?:de|aucun) sens\b|\bje n'en peux plus\b(?! (?:du|de la|de mon|de ma|des|de ce|de cette) (?:boulot|travail|job|taf|chef|patron|bruit|voisins?|ecole|fac|cours|examens?|collegue))|\bplus aucune raison de vivre\b|\bje ne vois pas d'avenir\b|\bje ne vois plus (?:l'interet|le sens|de raison|aucune raison) de (?:vivre|continuer a vivre)\b|\ba quoi bon vivre\b",
        (SI,),
        negatable=False,
    ),
    RuleSpec(
        "fr.pensees",
        "thoughts",
        r"\b(?:idees|pensees) (?:suicidaires|de suicide|de mort)\b|\bje suis suicidaire\b|\bje pense (?:au suicide|a me suicider|a me tuer|a mourir|a en finir)\b",
        (SI,),
    ),
    RuleSpec(
        "fr.me_tuer",
        "thoughts",
        r"\b(?:me tuer|me suicider|en finir avec (?:la vie|ma vie|tout)|mettre fin a (?:mes jours|ma vie))\b",
        (SI,),
    ),
    RuleSpec(
        "fr.intention",
        "intent",
        r"\bje (?:vais|veux|compte|ai decide de) (?:me tuer|me suicider|en finir|mettre fin a (?:mes jours|ma vie))\b",
        (SI,),
    ),
    RuleSpec(
        "fr.methode",
        "method",
        r"\bcomment (?:me tuer|me suicider|mourir sans douleur|en finir)\b|\b(?:dose mortelle|dose letale)\b|\bcombien de (?:cachets|pilules|comprimes)\b[^.!?]{0,30}\b(?:mourir|mortel)\b|\bfacon (?:facile|rapide|indolore) de mourir\b",
        (MS, SI),
    ),
    RuleSpec(
        "fr.plan",
        "plan",
        r"\b(?:lettre|message|story|video|texto) d'adieu\b",
        (SI,),
        # A farewell to colleagues, an old job or flat, a retirement or a move is not a
        # goodbye to life; a bare "travail" or "ecole" is as common in a crisis message.
        unless=r"\b(?:collegues?|retraite|demenag\w*|pot de depart|(?:mon|ma|mes|a l') ?ancien(?:ne)?s? (?:boulot|taf|travail|job|appart|appartement|bureau|ecole|lycee|equipe|club))\b",
    ),
    RuleSpec(
        "fr.plan_sans_nom",
        "plan",
        r"\bj'ai un plan\b|\bce soir (?:je le fais|c'est la fin)\b",
        (SI,),
        anaphoric=True,
    ),
    RuleSpec("fr.moyens", "means", r"\bj'ai (?:les cachets|une corde)\b", (MS,)),
    RuleSpec(
        "fr.tentative",
        "behaviour",
        r"\b(?:tentative de suicide|j'ai essaye de me (?:tuer|suicider)|j'ai tente de me (?:tuer|suicider))\b|\bj'ai (?:pris|avale) (?:tous|toutes|une boite de) (?:mes |les )?(?:cachets|pilules|comprimes|medicaments)\b",
        (SI,),
        unless=_LONG_AGO,
    ),
    RuleSpec(
        "fr.dernier",
        "imminent",
        r"\bc'est mon dernier message\b|\badieu (?:a tous|tout le monde)\b|\bquand vous lirez ceci\b",
        (SI,),
    ),
    RuleSpec(
        "fr.scarif",
        "self_harm_recent",
        r"\bje me suis (?:encore |de nouveau )?(?:(?:coupe|coupee|brule|brulee)\b(?! (?:(?:les|la|le|l'|un|une|avec|en|au|sur|a la|en me) )*(?:cheveux|frange|ongles|doigts?|pain|legumes|cuisinant|rasant|feuille|papier|four|fer|soleil|poele|casserole)\b)|scarifie|scarifiee|fait du mal)\b|\bje me (?:scarifie|mutile)\b|\bje me fais (?:du )?mal (?:depuis|encore|en cachette|tous les|souvent)\b",
        (SH,),
    ),
    RuleSpec(
        "fr.scarif_envie",
        "self_harm_urge",
        r"\b(?:envie|besoin|le gout) de (?:me scarifier|me couper|me faire (?:du )?mal)\b|\b(?:automutilation|scarification)\b",
        (SH,),
    ),
    RuleSpec(
        "fr.detresse",
        "distress",
        r"\bje me sens (?:si |tellement |tres |vraiment )?(?:seul|seule|vide|nul|nulle|deprime|deprimee|sans espoir|inutile|epuise|epuisee|perdu|perdue|piege|piegee)\b|\bcrises? (?:d'angoisse|de panique)\b|\bje me deteste\b|\bje n'arrete pas de pleurer\b",
        (DI,),
    ),
    RuleSpec(
        "fr.violence",
        "abuse",
        r"\b(?:il|elle|mon pere|ma mere|mon mari|mon copain|ma femme) (?:me frappe|me bat|me viole|m'a violee?|me menace|m'agresse)\b|\bviolences? conjugales?\b",
        (AV,),
    ),
    RuleSpec(
        "fr.tiers",
        "third_party",
        rf"\b{_PERSON} (?:dit qu'(?:il|elle) |parle de )?(?:veut|voudrait|a essaye de|va) (?:mourir|se tuer|se suicider|en finir)\b|\b{_PERSON} (?:est|semble) suicidaire\b|\b{_PERSON} se (?:scarifie|fait du mal|coupe)\b|\bse (?:suicider|tuer)\b",
        (TP, SI),
        first_person=False,
    ),
    RuleSpec("fr.mention", "mention", r"\bsuicid(?:e|es|aire|aires)\b", (SI,), first_person=False),
]

IDIOMS: list[str] = [
    r"\b(?:mes pieds|mon dos|cette chaleur|ces chaussures) me tuent?\b",
    r"\bje meurs (?:de faim|de soif|de rire|d'envie|de chaud|de froid|d'ennui)\b",
    r"\b(?:mort|morte) de (?:rire|honte|fatigue|faim|peur)\b",
    # any tense: "j'ai cru mourir de honte", "on mourait de chaud"
    r"\b(?:mourir|meurs|meurt|mourait|mourais|mourions|mourront|mourrai|mourrais) (?:de|d') ?(?:rire|honte|faim|soif|chaud|froid|ennui|fatigue|peur)\b",
    r"\b(?:ma mere|mon pere|mon patron|ma mere va) (?:va )?me tuer\b",
    r"\btuer le temps\b|\bc'est a mourir de rire\b",
]

NEGATIONS = r"\b(?:ne|n'|pas|jamais|plus|aucun|aucune|non)\b"

REFERENCES = r"\b(?:film|serie|chanson|livre|roman|actualite|actualites|article|personnage|documentaire|jeu|devoir|devoirs|expose|cours|etude|prevention|statistiques)\b"
