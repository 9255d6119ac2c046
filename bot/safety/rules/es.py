"""Spanish risk phrases, idioms, negations and reference cues (written without accents)."""

from __future__ import annotations

from bot.safety.rules import AV, DI, MS, SH, SI, TP, RuleSpec

_PERSON = (
    r"(?:mi|mis|nuestro|nuestra) (?:mejor )?(?:amigo|amiga|amigos|hermano|hermana|hijo|hija|madre|mama|padre|papa|"
    r"novio|novia|pareja|esposo|esposa|marido|mujer|primo|prima|companero|companera|alumno|alumna|estudiante|"
    r"compa|roomie|vecino|vecina)"
)

# Un intento de hace años es historia, no un peligro ahora (relatos de recuperación, aniversarios).
_LONG_AGO = r"\bhace (?:\d+|un|uno|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|muchos|varios|unos) anos\b|\b(?:\d+|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez) anos (?:despues|desde)\b|\bcuando (?:tenia \d+|era (?:nino|nina|adolescente|joven))\b|\baniversario\b"

RULES: list[RuleSpec] = [
    RuleSpec("es.timing", "timing", r"\b(?:esta noche|ya lo decidi|tengo un plan|hoy mismo)\b", ()),
    RuleSpec(
        "es.quiero_morir",
        "passive",
        r"\b(?:quiero|quisiera|deseo|tengo ganas de|me gustaria) (?:morir|morirme|estar muerto|estar muerta|desaparecer(?! (?:unos dias|una semana|un tiempo|un rato|el fin de semana|este fin de semana|bajo las sabanas|debajo de las sabanas|de vacaciones|en una isla))|dejar de existir|no despertar)\b",
        (SI,),
    ),
    RuleSpec(
        "es.no_quiero_vivir",
        "passive",
        r"\bno (?:quiero|puedo) (?:seguir viviendo|vivir mas|seguir aqui|estar aqui|seguir asi|despertar|existir)\b|\bya no quiero (?:vivir|estar aqui|seguir)\b",
        (SI,),
        negatable=False,
    ),
    RuleSpec(
        "es.mejor_sin_mi",
        "passive",
        r"\b(?:estarian|estaria|estarias|estan|seria) mejor sin mi\b|\bnadie (?:me )?(?:extranaria|notaria|echaria de menos)\b"
        r"|\bseria (?:mejor|mas facil) (?:para (?:todos|todo el mundo|mi familia) )?si (?:yo )?(?:no estuviera|no existiera|desapareciera|me muriera|no hubiera nacido)(?=\s*(?:$|[.!?,;:]|aqui\b|mas\b|en este mundo\b|y\b|porque\b|pero\b))",
        (SI,),
    ),
    RuleSpec(
        "es.ojala_muerto",
        "passive",
        r"\bojala (?:estuviera|estuviese|me muriera|no despertara|no hubiera nacido)\b",
        (SI,),
    ),
    RuleSpec(
        "es.carga",
        "passive",
        r"\b(?:soy|me siento|siento que soy) (?:solo |nada mas que )?(?:una carga|un estorbo)\b|\b(?:dormir(?:me)?|acostarme) y no (?:volver a )?despertar(?:me)?\b",
        (SI,),
    ),
    RuleSpec(
        "es.sin_sentido",
        "hopeless",
        r"\b(?:no tiene sentido|no vale la pena) (?:vivir|seguir|nada)\b|\bno puedo (?:mas|seguir)\b|\bno tengo (?:razones|motivos) para vivir\b|\bno (?:le )?veo (?:el )?sentido a (?:la vida|vivir|seguir viviendo|nada)\b",
        (SI,),
        negatable=False,
    ),
    RuleSpec(
        "es.pensamientos",
        "thoughts",
        r"\b(?:pienso|pensando|pensamientos|pense|he pensado) (?:en|de) (?:suicidarme|matarme|el suicidio|quitarme la vida|morir|acabar con (?:todo|mi vida))\b|\bideas? suicidas?\b|\bestoy suicida\b|\bme siento suicida\b",
        (SI,),
    ),
    RuleSpec("es.matarme", "thoughts", r"\b(?:matarme|suicidarme|quitarme la vida)\b", (SI,)),
    RuleSpec(
        "es.voy_a_matarme",
        "intent",
        r"\b(?:voy a|quiero|he decidido|pienso|planeo) (?:matarme|suicidarme|quitarme la vida|acabar con mi vida|acabar con todo)\b|\bme voy a (?:matar|suicidar|quitar la vida)\b|\bme quiero (?:matar|suicidar)\b",
        (SI,),
    ),
    RuleSpec(
        "es.como_morir",
        "method",
        r"\b(?:como|forma|manera) (?:de |puedo |para )?(?:matarme|suicidarme|morir sin dolor|quitarme la vida)\b|\b(?:dosis letal|dosis mortal|cuantas pastillas)\b|\bmanera (?:facil|rapida|indolora) de morir\b",
        (MS, SI),
    ),
    RuleSpec(
        "es.plan",
        "plan",
        r"\bhe preparado (?:las pastillas|la cuerda|el arma)\b|\b(?:carta|nota) de despedida\b",
        (SI,),
        # Despedirse de los compañeros, por jubilación o por mudanza no es despedirse de la vida.
        unless=r"\b(?:companer[oa]s|colegas|alumnos|jubilacion|mudanza)\b",
    ),
    RuleSpec(
        "es.plan_sin_nombre",
        "plan",
        r"\btengo un plan\b|\besta noche (?:lo hago|lo voy a hacer|es la noche)\b",
        (SI,),
        anaphoric=True,
    ),
    RuleSpec("es.medios", "means", r"\btengo (?:las pastillas|la cuerda|el arma)\b", (MS,)),
    RuleSpec(
        "es.intento",
        "behaviour",
        r"\b(?:intente|he intentado|intento de) (?:matarme|suicidarme|quitarme la vida|suicidio)\b|\bme tome (?:todas|un monton de|muchas) (?:las )?pastillas\b",
        (SI,),
        unless=_LONG_AGO,
    ),
    RuleSpec(
        "es.despedida",
        "imminent",
        r"\beste es mi ultimo mensaje\b|\badios a todos para siempre\b|\bcuando leas esto ya\b",
        (SI,),
    ),
    RuleSpec(
        "es.autolesion",
        "self_harm_recent",
        r"\b(?:me corte|me he cortado|me lastime|me hice dano|me queme) (?:otra vez|anoche|hoy|de nuevo|a proposito)?\b|\bme estoy cortando\b",
        (SH,),
    ),
    RuleSpec(
        "es.ganas_cortarme",
        "self_harm_urge",
        r"\b(?:ganas|quiero|necesito) (?:de )?(?:cortarme|hacerme dano|lastimarme|autolesionarme)\b|\bautolesion(?:es|arme)?\b",
        (SH,),
    ),
    RuleSpec(
        "es.angustia",
        "distress",
        r"\bme siento (?:muy |tan |super )?(?:solo|sola|vacio|vacia|deprimido|deprimida|sin esperanza|inutil|agotado|agotada|perdido|perdida|atrapado|atrapada)\b|\bataques? de (?:panico|ansiedad)\b|\bno dejo de llorar\b|\bme odio\b",
        (DI,),
    ),
    RuleSpec(
        "es.abuso",
        "abuse",
        r"\b(?:me pega|me golpea|me maltrata|me viola|me violo|me abuso|abusa de mi|me amenaza)\b|\bviolencia (?:domestica|de genero)\b",
        (AV,),
    ),
    RuleSpec(
        "es.amenaza_matar",
        "abuse_imminent",
        r"\b(?:amenazo|amenaza|dijo que va) (?:con|a) matarme\b",
        (AV,),
    ),
    RuleSpec(
        "es.tercero",
        "third_party",
        rf"\b{_PERSON} (?:dice que |me dijo que |habla de )?(?:quiere|quiso|intento|va a) (?:morir|morirse|matarse|suicidarse|quitarse la vida)\b|\b{_PERSON} (?:esta|parece|se siente) (?:suicida|muy mal)\b|\b{_PERSON} se (?:corta|lastima|autolesiona)\b|\bcomo (?:puedo )?ayudar a (?:un amigo|una amiga|alguien|mi \w+)\b[^.!?]{{0,40}}\b(?:suicid\w*|morir|matarse|cortarse)",
        (TP, SI),
        first_person=False,
    ),
    RuleSpec("es.mencion", "mention", r"\bsuicid(?:io|ios|a|as)\b", (SI,), first_person=False),
]

IDIOMS: list[str] = [
    r"\bme muero (?:de|por) (?:risa|verguenza|hambre|sueno|ganas|calor|frio|aburrimiento|amor)\b",
    # any tense: "me quise morir de verguenza", "casi me muero de risa", "nos moriamos de frio"
    r"\b(?:mori(?:r|rme|rse|rte|mos|amos|a|an)?|muero|muere|mueren|muri(?:o|eron)|me mori) de (?:risa|verguenza|hambre|sueno|calor|frio|aburrimiento|cansancio|miedo|la risa|pena ajena)\b",
    r"\b(?:muerto|muerta) de (?:risa|verguenza|hambre|sueno|cansancio|miedo|frio|calor)\b",
    r"\bme (?:mata|matan) (?:los pies|la espalda|la cabeza|el calor|estos zapatos)\b",
    r"\b(?:mi madre|mi mama|mi padre|mi papa|mi jefe|mi profe) me (?:va a matar|mata)\b",
    r"\bmatar el tiempo\b|\bpara morirse\b",
]

NEGATIONS = r"\b(?:no|nunca|jamas|ni|tampoco|ya no)\b"

REFERENCES = r"\b(?:pelicula|serie|cancion|libro|novela|noticia|noticias|articulo|personaje|documental|videojuego|juego|tarea|ensayo|clase|trabajo escolar|investigacion|prevencion|estadisticas)\b"
