"""The one translation table for every user-facing string Haven sends.

Other packages add their keys here with small edits. A key missing in a
language falls back to English, so a new key never breaks a language.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

LANGUAGES: tuple[str, ...] = ("en", "es", "de", "fr")
DEFAULT_LANGUAGE = "en"

LANGUAGE_NAMES: dict[str, str] = {
    "en": "English",
    "es": "Español",
    "de": "Deutsch",
    "fr": "Français",
}

STRINGS: dict[str, dict[str, str]] = {
    "consent.disclaimer": {
        "en": (
            "Hi, I'm {name}. Before we talk, please know: I'm an AI, not a therapist, doctor "
            "or emergency service. If you are in danger, contact your local emergency number "
            "or a crisis line (/resources lists some).\n\n"
            "To remember our conversation I store your messages on this server for {days} days. "
            "You can download them with /export or erase everything with /forget at any time.\n\n"
            "Is that okay with you?"
        ),
        "es": (
            "Hola, soy {name}. Antes de hablar, ten en cuenta que soy una IA, no un terapeuta, "
            "médico ni servicio de emergencias. Si estás en peligro, llama a tu número local de "
            "emergencias o a una línea de crisis (/resources muestra algunas).\n\n"
            "Para recordar nuestra conversación guardo tus mensajes en este servidor durante "
            "{days} días. Puedes descargarlos con /export o borrarlo todo con /forget cuando quieras.\n\n"
            "¿Te parece bien?"
        ),
        "de": (
            "Hallo, ich bin {name}. Bevor wir reden: Ich bin eine KI, kein Therapeut, Arzt und "
            "kein Notdienst. Wenn du in Gefahr bist, wende dich an den örtlichen Notruf oder an "
            "eine Krisenhotline (/resources nennt einige).\n\n"
            "Damit ich mich an unser Gespräch erinnere, speichere ich deine Nachrichten {days} Tage "
            "lang auf diesem Server. Mit /export kannst du sie herunterladen und mit /forget "
            "jederzeit alles löschen.\n\n"
            "Ist das für dich in Ordnung?"
        ),
        "fr": (
            "Bonjour, je suis {name}. Avant de parler, sache que je suis une IA, pas un "
            "thérapeute, un médecin ni un service d'urgence. Si tu es en danger, contacte le "
            "numéro d'urgence local ou une ligne d'écoute (/resources en indique quelques-unes).\n\n"
            "Pour me souvenir de notre conversation, je garde tes messages sur ce serveur pendant "
            "{days} jours. Tu peux les télécharger avec /export ou tout effacer avec /forget à "
            "tout moment.\n\n"
            "Est-ce que cela te convient ?"
        ),
    },
    "consent.yes_button": {
        "en": "I agree",
        "es": "Acepto",
        "de": "Einverstanden",
        "fr": "J'accepte",
    },
    "consent.no_button": {
        "en": "No thanks",
        "es": "No, gracias",
        "de": "Nein danke",
        "fr": "Non merci",
    },
    "consent.thanks": {
        "en": "Thank you. I'm here to listen. What's on your mind?",
        "es": "Gracias. Estoy aquí para escucharte. ¿Qué te preocupa?",
        "de": "Danke. Ich bin da und höre zu. Was beschäftigt dich?",
        "fr": "Merci. Je suis là pour t'écouter. Qu'est-ce qui te préoccupe ?",
    },
    "consent.thanks_pending": {
        "en": "Thank you. Let me answer what you wrote.",
        "es": "Gracias. Déjame responder a lo que escribiste.",
        "de": "Danke. Ich antworte jetzt auf das, was du geschrieben hast.",
        "fr": "Merci. Je réponds maintenant à ce que tu as écrit.",
    },
    "consent.declined": {
        "en": (
            "That's okay. I haven't stored anything. If you change your mind, send /start. "
            "If you need help right now, /resources lists crisis lines."
        ),
        "es": (
            "Está bien. No he guardado nada. Si cambias de opinión, envía /start. Si necesitas "
            "ayuda ahora mismo, /resources muestra líneas de crisis."
        ),
        "de": (
            "Das ist in Ordnung. Ich habe nichts gespeichert. Wenn du es dir anders überlegst, "
            "sende /start. Wenn du gerade Hilfe brauchst, nennt /resources Krisenhotlines."
        ),
        "fr": (
            "D'accord. Je n'ai rien enregistré. Si tu changes d'avis, envoie /start. Si tu as "
            "besoin d'aide tout de suite, /resources indique des lignes d'écoute."
        ),
    },
    "consent.tty_prompt": {
        "en": "Type yes to agree or no to decline",
        "es": "Escribe sí para aceptar o no para rechazar",
        "de": "Tippe ja zum Zustimmen oder nein zum Ablehnen",
        "fr": "Tape oui pour accepter ou non pour refuser",
    },
    "consent.operator": {
        "en": "(input is not a terminal: the operator running this command is taken as agreeing)",
        "es": "(la entrada no es un terminal: se considera que quien ejecuta este comando acepta)",
        "de": "(die Eingabe ist kein Terminal: wer diesen Befehl ausführt, gilt als einverstanden)",
        "fr": "(l'entrée n'est pas un terminal : la personne qui lance cette commande est considérée comme d'accord)",
    },
    "welcome_back": {
        "en": "Welcome back. I'm here whenever you want to talk. /help shows what I can do.",
        "es": "Hola de nuevo. Estoy aquí cuando quieras hablar. /help muestra lo que puedo hacer.",
        "de": "Schön, dass du wieder da bist. Ich bin da, wann immer du reden möchtest. /help zeigt, was ich kann.",
        "fr": "Content de te revoir. Je suis là quand tu veux parler. /help montre ce que je sais faire.",
    },
    "help.intro": {
        "en": "I'm {name}, an AI companion for when you want to talk things through. I'm not a therapist or an emergency service.",
        "es": "Soy {name}, una IA para cuando quieras hablar de lo que te pasa. No soy terapeuta ni un servicio de emergencias.",
        "de": "Ich bin {name}, eine KI zum Reden, wenn dich etwas beschäftigt. Ich bin kein Therapeut und kein Notdienst.",
        "fr": "Je suis {name}, une IA pour parler quand quelque chose te pèse. Je ne suis ni thérapeute ni un service d'urgence.",
    },
    "help.start": {
        "en": "Show the introduction and privacy choice",
        "es": "Mostrar la presentación y la elección de privacidad",
        "de": "Einführung und Datenschutz-Auswahl zeigen",
        "fr": "Afficher la présentation et le choix de confidentialité",
    },
    "help.help": {
        "en": "List commands",
        "es": "Ver los comandos",
        "de": "Befehle anzeigen",
        "fr": "Lister les commandes",
    },
    "help.reset": {
        "en": "Start a new conversation (history is kept)",
        "es": "Empezar una conversación nueva (el historial se conserva)",
        "de": "Neues Gespräch beginnen (Verlauf bleibt erhalten)",
        "fr": "Commencer une nouvelle conversation (l'historique est conservé)",
    },
    "help.forget": {
        "en": "Erase everything stored about you",
        "es": "Borrar todo lo guardado sobre ti",
        "de": "Alles über dich Gespeicherte löschen",
        "fr": "Effacer tout ce qui est enregistré à ton sujet",
    },
    "help.export": {
        "en": "Download your data as JSON",
        "es": "Descargar tus datos en JSON",
        "de": "Deine Daten als JSON herunterladen",
        "fr": "Télécharger tes données en JSON",
    },
    "help.resources": {
        "en": "Crisis lines and where to get help",
        "es": "Líneas de crisis y dónde pedir ayuda",
        "de": "Krisenhotlines und wo du Hilfe findest",
        "fr": "Lignes d'écoute et où trouver de l'aide",
    },
    "help.country": {
        "en": "Set your country for local resources, e.g. /country DE",
        "es": "Indicar tu país para recursos locales, p. ej. /country ES",
        "de": "Land für lokale Hilfsangebote festlegen, z. B. /country DE",
        "fr": "Choisir ton pays pour des ressources locales, ex. /country FR",
    },
    "help.language": {
        "en": "Choose my language: en, es, de, fr",
        "es": "Elegir mi idioma: en, es, de, fr",
        "de": "Meine Sprache wählen: en, es, de, fr",
        "fr": "Choisir ma langue : en, es, de, fr",
    },
    "reset.done": {
        "en": "Let's start fresh. Your earlier messages are kept until you /forget them.",
        "es": "Empecemos de nuevo. Tus mensajes anteriores se conservan hasta que uses /forget.",
        "de": "Wir fangen neu an. Deine früheren Nachrichten bleiben gespeichert, bis du /forget nutzt.",
        "fr": "Repartons de zéro. Tes anciens messages restent enregistrés jusqu'à ce que tu utilises /forget.",
    },
    "forget.confirm": {
        "en": "This erases everything I have stored about you: messages, preferences and mood entries. It cannot be undone. Erase everything?",
        "es": "Esto borra todo lo que he guardado sobre ti: mensajes, preferencias y registros de ánimo. No se puede deshacer. ¿Borrarlo todo?",
        "de": "Damit lösche ich alles, was ich über dich gespeichert habe: Nachrichten, Einstellungen und Stimmungseinträge. Das lässt sich nicht rückgängig machen. Alles löschen?",
        "fr": "Cela efface tout ce que j'ai enregistré à ton sujet : messages, préférences et humeurs. C'est définitif. Tout effacer ?",
    },
    "forget.yes_button": {
        "en": "Erase everything",
        "es": "Borrar todo",
        "de": "Alles löschen",
        "fr": "Tout effacer",
    },
    "forget.no_button": {"en": "Keep it", "es": "Conservar", "de": "Behalten", "fr": "Garder"},
    "forget.done": {
        "en": "Done. Everything I had stored about you is erased.",
        "es": "Hecho. Todo lo que tenía guardado sobre ti está borrado.",
        "de": "Erledigt. Alles, was ich über dich gespeichert hatte, ist gelöscht.",
        "fr": "C'est fait. Tout ce que j'avais enregistré à ton sujet est effacé.",
    },
    "forget.nothing": {
        "en": "I have nothing stored about you.",
        "es": "No tengo nada guardado sobre ti.",
        "de": "Ich habe nichts über dich gespeichert.",
        "fr": "Je n'ai rien enregistré à ton sujet.",
    },
    "forget.cancelled": {
        "en": "Okay, nothing was erased.",
        "es": "De acuerdo, no se ha borrado nada.",
        "de": "Gut, es wurde nichts gelöscht.",
        "fr": "D'accord, rien n'a été effacé.",
    },
    "export.caption": {
        "en": "Here is everything I have stored about you.",
        "es": "Aquí tienes todo lo que he guardado sobre ti.",
        "de": "Hier ist alles, was ich über dich gespeichert habe.",
        "fr": "Voici tout ce que j'ai enregistré à ton sujet.",
    },
    "country.set": {
        "en": "Got it. I'll show crisis resources for {country}.",
        "es": "Entendido. Te mostraré recursos de crisis para {country}.",
        "de": "Alles klar. Ich zeige dir Krisenangebote für {country}.",
        "fr": "C'est noté. Je t'indiquerai des ressources pour {country}.",
    },
    "country.usage": {
        "en": "Send /country followed by a two-letter country code, for example /country DE.",
        "es": "Envía /country seguido de un código de país de dos letras, por ejemplo /country ES.",
        "de": "Sende /country gefolgt von einem zweistelligen Ländercode, zum Beispiel /country DE.",
        "fr": "Envoie /country suivi d'un code pays à deux lettres, par exemple /country FR.",
    },
    "language.set": {
        "en": "I'll answer in English from now on.",
        "es": "A partir de ahora responderé en español.",
        "de": "Ich antworte ab jetzt auf Deutsch.",
        "fr": "Je répondrai en français à partir de maintenant.",
    },
    "language.usage": {
        "en": "Send /language followed by one of: {choices}.",
        "es": "Envía /language seguido de uno de: {choices}.",
        "de": "Sende /language gefolgt von einem dieser Codes: {choices}.",
        "fr": "Envoie /language suivi de l'un de ces codes : {choices}.",
    },
    "input.empty": {
        "en": "I didn't catch any text there. Whenever you're ready, just write to me.",
        "es": "No he recibido ningún texto. Cuando quieras, escríbeme.",
        "de": "Da ist kein Text angekommen. Schreib mir einfach, wann immer du so weit bist.",
        "fr": "Je n'ai reçu aucun texte. Quand tu veux, écris-moi simplement.",
    },
    "input.truncated": {
        "en": "Your message was long, so I read the first {limit} characters.",
        "es": "Tu mensaje era largo, así que he leído los primeros {limit} caracteres.",
        "de": "Deine Nachricht war lang, deshalb habe ich die ersten {limit} Zeichen gelesen.",
        "fr": "Ton message était long, j'en ai donc lu les {limit} premiers caractères.",
    },
    "queue.busy": {
        "en": "I'm still answering your last message. I'll get to this one right after.",
        "es": "Todavía estoy respondiendo a tu último mensaje. Después sigo con este.",
        "de": "Ich antworte noch auf deine letzte Nachricht. Diese kommt gleich danach dran.",
        "fr": "Je réponds encore à ton dernier message. Je m'occupe de celui-ci juste après.",
    },
    "queue.full": {
        "en": "Several of your messages are already waiting. I've kept this one; please give me a moment to catch up.",
        "es": "Ya hay varios mensajes tuyos esperando. He guardado este; dame un momento para ponerme al día.",
        "de": "Es warten schon mehrere Nachrichten von dir. Diese habe ich gespeichert; gib mir bitte einen Moment.",
        "fr": "Plusieurs de tes messages attendent déjà. J'ai gardé celui-ci ; laisse-moi un instant pour rattraper.",
    },
    "rate.limited": {
        "en": "You're writing faster than I can read. I've kept this message; please pause for a moment before sending more.",
        "es": "Escribes más rápido de lo que puedo leer. He guardado este mensaje; haz una pausa antes de enviar más.",
        "de": "Du schreibst schneller, als ich lesen kann. Diese Nachricht habe ich gespeichert; warte bitte kurz, bevor du mehr sendest.",
        "fr": "Tu écris plus vite que je ne peux lire. J'ai gardé ce message ; fais une petite pause avant d'en envoyer d'autres.",
    },
    "rate.limited_unstored": {
        "en": "You're writing faster than I can read. Please pause for a moment and send that again.",
        "es": "Escribes más rápido de lo que puedo leer. Haz una pausa y vuelve a enviarlo.",
        "de": "Du schreibst schneller, als ich lesen kann. Warte bitte kurz und sende es noch einmal.",
        "fr": "Tu écris plus vite que je ne peux lire. Fais une petite pause et renvoie ce message.",
    },
    "banned": {
        "en": "You can't chat with {name} right now. If you are in danger, please contact a crisis line or emergency services.",
        "es": "Ahora mismo no puedes hablar con {name}. Si estás en peligro, contacta con una línea de crisis o con emergencias.",
        "de": "Du kannst gerade nicht mit {name} schreiben. Wenn du in Gefahr bist, wende dich bitte an eine Krisenhotline oder den Notruf.",
        "fr": "Tu ne peux pas discuter avec {name} pour le moment. Si tu es en danger, contacte une ligne d'écoute ou les urgences.",
    },
    "fallback.error": {
        "en": "I'm sorry, I couldn't put a reply together just now. What you wrote matters, and I'd like to hear more in a moment. If things feel heavy right now, please reach out to someone who can talk with you:",
        "es": "Lo siento, ahora mismo no he podido responder. Lo que escribiste importa y me gustaría saber más en un momento. Si ahora todo pesa demasiado, busca a alguien que pueda hablar contigo:",
        "de": "Es tut mir leid, ich konnte gerade keine Antwort formulieren. Was du geschrieben hast, ist wichtig, und ich höre gleich gern mehr. Wenn es gerade schwer ist, wende dich bitte an jemanden, der mit dir sprechen kann:",
        "fr": "Désolé, je n'ai pas réussi à répondre à l'instant. Ce que tu as écrit compte et j'aimerais en savoir plus dans un moment. Si c'est lourd en ce moment, tourne-toi vers quelqu'un qui peut parler avec toi :",
    },
    "memory.busy": {
        "en": "I'm having trouble with my memory just now, so please send that again in a moment. If you need help right away, /resources lists crisis lines.",
        "es": "Ahora mismo tengo un problema con mi memoria; vuelve a enviarlo en un momento. Si necesitas ayuda ya, /resources muestra líneas de crisis.",
        "de": "Ich habe gerade ein Problem mit meinem Speicher; sende das bitte gleich noch einmal. Wenn du sofort Hilfe brauchst, nennt /resources Krisenhotlines.",
        "fr": "J'ai un souci de mémoire en ce moment ; renvoie ce message dans un instant. Si tu as besoin d'aide tout de suite, /resources indique des lignes d'écoute.",
    },
    "command.unknown": {
        "en": "I don't know /{command}. /help lists what I can do.",
        "es": "No conozco /{command}. /help muestra lo que puedo hacer.",
        "de": "/{command} kenne ich nicht. /help zeigt, was ich kann.",
        "fr": "Je ne connais pas /{command}. /help montre ce que je sais faire.",
    },
    "command.dm_only": {
        "en": "Please use /{command} in a private chat with me.",
        "es": "Usa /{command} en un chat privado conmigo.",
        "de": "Bitte nutze /{command} in einem privaten Chat mit mir.",
        "fr": "Utilise /{command} dans une conversation privée avec moi.",
    },
    "command.error": {
        "en": "Something went wrong with that command. Nothing you stored was lost; please try again in a moment.",
        "es": "Algo falló con ese comando. No se ha perdido nada de lo guardado; inténtalo de nuevo en un momento.",
        "de": "Bei diesem Befehl ist etwas schiefgegangen. Nichts Gespeichertes ging verloren; versuch es gleich noch einmal.",
        "fr": "Un problème est survenu avec cette commande. Rien de ce qui est enregistré n'est perdu ; réessaie dans un instant.",
    },
    "action.expired": {
        "en": "That button is no longer active.",
        "es": "Ese botón ya no está activo.",
        "de": "Diese Schaltfläche ist nicht mehr aktiv.",
        "fr": "Ce bouton n'est plus actif.",
    },
    "pending.dropped": {
        "en": "I can hold only a few messages before you answer the question above; please answer it first.",
        "es": "Solo puedo retener unos pocos mensajes antes de que respondas a la pregunta de arriba; respóndela primero.",
        "de": "Ich kann nur wenige Nachrichten festhalten, bevor du die Frage oben beantwortest; beantworte sie bitte zuerst.",
        "fr": "Je ne peux garder que quelques messages avant que tu répondes à la question ci-dessus ; réponds-y d'abord.",
    },
    # -- moderation (issue 6): user-facing lines in every language; the moderator
    # console is English-only (t() falls back to English) to keep the table small.
    "mod.not_permitted": {
        "en": "Sorry, that command is not permitted here.",
        "es": "Lo siento, ese comando no está permitido aquí.",
        "de": "Dieser Befehl ist hier leider nicht erlaubt.",
        "fr": "Désolé, cette commande n'est pas autorisée ici.",
    },
    "mod.paused_notice": {
        "en": (
            "I'm paused for maintenance right now, so I can't reply properly. Your message is "
            "saved. If you need someone now, these services are there for you:"
        ),
        "es": (
            "Ahora mismo estoy en pausa por mantenimiento y no puedo responder bien. Tu mensaje "
            "está guardado. Si necesitas a alguien ahora, estos servicios están para ti:"
        ),
        "de": (
            "Ich bin gerade wegen Wartung pausiert und kann nicht richtig antworten. Deine "
            "Nachricht ist gespeichert. Wenn du jetzt jemanden brauchst, sind diese Stellen für dich da:"
        ),
        "fr": (
            "Je suis en pause pour maintenance et ne peux pas bien répondre pour l'instant. Ton "
            "message est enregistré. Si tu as besoin de quelqu'un maintenant, ces services sont là pour toi :"
        ),
    },
    "mod.help": {
        "en": "Moderator tools (moderators only)",
        "es": "Herramientas de moderación (solo moderadores)",
        "de": "Moderationswerkzeuge (nur für Moderatoren)",
        "fr": "Outils de modération (modérateurs uniquement)",
    },
    "mod.help.title": {"en": "Moderator commands:"},
    "mod.bad.user": {"en": "I couldn't read that user. Usage: /mod {usage}"},
    "mod.bad.duration": {
        "en": "I couldn't read that duration (30m, 12h, 7d, 2w or perm). Usage: /mod {usage}"
    },
    "mod.bad.flag": {"en": "I need a flag number. Usage: /mod {usage}"},
    "mod.bad.count": {"en": "I need a number. Usage: /mod {usage}"},
    "mod.stats": {
        "en": (
            "Users: {users} ({consented} consented)\n"
            "User messages: {today} today, {week} in 7 days\n"
            "Open flags: {high} high, {elevated} elevated, {concern} concern\n"
            "Backend: {backend}; health probe {probe_ms} ms; mean reply time {latency}\n"
            "Mode: {paused}"
        )
    },
    "mod.state.paused": {"en": "paused (maintenance)"},
    "mod.state.running": {"en": "running"},
    "mod.flags.none": {"en": "No open flags."},
    "mod.flags.title": {"en": "Open flags ({count}), most serious first:"},
    "mod.flags.unacked": {"en": "NOT acknowledged"},
    "mod.flag.missing": {"en": "There is no flag #{id}."},
    "mod.flag.user_gone": {"en": "(user erased their data)"},
    "mod.flag.head": {"en": "Flag #{id}: {risk} (score {score}), {categories}"},
    "mod.flag.meta": {
        "en": "Status {status} · {platform} · {age} ago · alerts sent: {alerts} · user {user}"
    },
    "mod.flag.acked": {"en": "Acknowledged by {by}, {age} ago."},
    "mod.flag.note": {"en": "Note: {note}"},
    "mod.flag.context": {"en": "Conversation (consented, most recent last):"},
    "mod.flag.no_context": {
        "en": "No message text shown (moderation.alert_excerpts is off, or the user has not consented)."
    },
    "mod.ack.done": {"en": "Flag #{id} acknowledged. Re-alerts stop."},
    "mod.ack.already": {"en": "Flag #{id} was already acknowledged by {by}."},
    "mod.resolve.done": {"en": "Flag #{id} resolved."},
    "mod.resolve.unchanged": {"en": "Flag #{id} was already resolved."},
    "mod.escalate.done": {"en": "Flag #{id} escalated."},
    "mod.escalate.unchanged": {"en": "Flag #{id} is not open, so it cannot be escalated."},
    "mod.ban.unknown": {"en": "I can't find user {user}."},
    "mod.ban.forever": {"en": "no end date"},
    "mod.ban.done": {"en": "{user} is banned until {until}. They will see crisis resources only."},
    "mod.unban.done": {"en": "{user} is no longer banned."},
    "mod.unban.none": {"en": "{user} was not banned."},
    "mod.pause.done": {
        "en": "Paused: users now get a maintenance notice and crisis resources instead of the model. /mod resume ends it."
    },
    "mod.pause.already": {"en": "Already paused."},
    "mod.resume.done": {"en": "Resumed: the model answers again."},
    "mod.resume.already": {"en": "Not paused."},
    "mod.reload.done": {
        "en": (
            "Configuration re-read. Moderators, alerts, privacy, retention and bot texts apply now; "
            "platform, model and database settings need a restart."
        )
    },
    "mod.reload.failed": {
        "en": "The configuration is invalid; the old one stays in force.\n{error}"
    },
    "mod.reload.unavailable": {"en": "Reloading is not available in this mode; restart instead."},
    "mod.audit.none": {"en": "The audit log is empty."},
    "mod.audit.title": {"en": "Last {count} audit entries, newest first:"},
    "mod.audit.refused": {"en": "refused"},
    "mod.alert.first": {"en": "🚨 Crisis alert: flag #{id}"},
    "mod.alert.repeat": {"en": "🔁 Reminder {count}: flag #{id} is still not acknowledged"},
    "mod.alert.body": {"en": "Risk {risk} (score {score}) · {categories} · {platform} · {age} ago"},
    "mod.alert.excerpt": {"en": "Excerpt: “{excerpt}”"},
    "mod.alert.ack_hint": {
        "en": "Acknowledge with the button or /mod ack {id}; details: /mod flag {id}"
    },
    "mod.alert.ack_button": {"en": "Acknowledge"},
    # -- check-ins and mood (issue 6) --
    "help.checkin": {
        "en": "Daily check-in: /checkin 20:30 Europe/Berlin, /checkin off",
        "es": "Revisión diaria: /checkin 20:30 Europe/Madrid, /checkin off",
        "de": "Tägliches Nachfragen: /checkin 20:30 Europe/Berlin, /checkin off",
        "fr": "Point quotidien : /checkin 20:30 Europe/Paris, /checkin off",
    },
    "help.mood": {
        "en": "Your mood over 30 days; /mood 1-5 [note] records one",
        "es": "Tu ánimo en 30 días; /mood 1-5 [nota] registra uno",
        "de": "Deine Stimmung über 30 Tage; /mood 1-5 [Notiz] trägt eine ein",
        "fr": "Ton humeur sur 30 jours ; /mood 1-5 [note] en enregistre une",
    },
    "checkin.prompt": {
        "en": "Hi, it's your daily check-in. How was your day? Pick 1 (very hard) to 5 (very good). You can add a few words with /mood note ...",
        "es": "Hola, es tu revisión diaria. ¿Qué tal tu día? Elige de 1 (muy difícil) a 5 (muy bueno). Puedes añadir unas palabras con /mood note ...",
        "de": "Hallo, Zeit für dein tägliches Nachfragen. Wie war dein Tag? Wähle 1 (sehr schwer) bis 5 (sehr gut). Mit /mood note ... kannst du ein paar Worte ergänzen.",
        "fr": "Bonjour, c'est ton point quotidien. Comment s'est passée ta journée ? Choisis de 1 (très difficile) à 5 (très bien). Tu peux ajouter quelques mots avec /mood note ...",
    },
    "checkin.prompt_terminal": {
        "en": "Daily check-in: how was your day, from 1 (very hard) to 5 (very good)? Answer with /mood and the number, e.g. /mood 4, and add a note after it if you like.",
        "es": "Revisión diaria: ¿qué tal tu día, de 1 (muy difícil) a 5 (muy bueno)? Responde con /mood y el número, p. ej. /mood 4, y añade una nota si quieres.",
        "de": "Tägliches Nachfragen: Wie war dein Tag, von 1 (sehr schwer) bis 5 (sehr gut)? Antworte mit /mood und der Zahl, z. B. /mood 4, gern mit einer Notiz dahinter.",
        "fr": "Point quotidien : comment s'est passée ta journée, de 1 (très difficile) à 5 (très bien) ? Réponds avec /mood et le chiffre, par ex. /mood 4, et ajoute une note si tu veux.",
    },
    "mood.scale.1": {"en": "1 😞", "es": "1 😞", "de": "1 😞", "fr": "1 😞"},
    "mood.scale.2": {"en": "2 🙁", "es": "2 🙁", "de": "2 🙁", "fr": "2 🙁"},
    "mood.scale.3": {"en": "3 😐", "es": "3 😐", "de": "3 😐", "fr": "3 😐"},
    "mood.scale.4": {"en": "4 🙂", "es": "4 🙂", "de": "4 🙂", "fr": "4 🙂"},
    "mood.scale.5": {"en": "5 😄", "es": "5 😄", "de": "5 😄", "fr": "5 😄"},
    "checkin.set": {
        "en": "Done: I'll check in with you every day at {time} ({zone}). /checkin off stops it.",
        "es": "Hecho: te preguntaré cada día a las {time} ({zone}). /checkin off lo detiene.",
        "de": "Erledigt: Ich melde mich jeden Tag um {time} ({zone}). /checkin off beendet es.",
        "fr": "C'est noté : je prendrai de tes nouvelles chaque jour à {time} ({zone}). /checkin off l'arrête.",
    },
    "checkin.status": {
        "en": "Your daily check-in is at {time} ({zone}). /checkin off stops it.",
        "es": "Tu revisión diaria es a las {time} ({zone}). /checkin off la detiene.",
        "de": "Dein tägliches Nachfragen ist um {time} ({zone}). /checkin off beendet es.",
        "fr": "Ton point quotidien est à {time} ({zone}). /checkin off l'arrête.",
    },
    "checkin.off": {
        "en": "Daily check-ins are off.",
        "es": "Las revisiones diarias están desactivadas.",
        "de": "Das tägliche Nachfragen ist aus.",
        "fr": "Les points quotidiens sont désactivés.",
    },
    "checkin.none": {
        "en": "You have no daily check-in. Start one with, for example, /checkin 20:30 Europe/Berlin.",
        "es": "No tienes revisión diaria. Empieza una con, por ejemplo, /checkin 20:30 Europe/Madrid.",
        "de": "Du hast kein tägliches Nachfragen. Starte es zum Beispiel mit /checkin 20:30 Europe/Berlin.",
        "fr": "Tu n'as pas de point quotidien. Commence-en un avec, par exemple, /checkin 20:30 Europe/Paris.",
    },
    "checkin.usage": {
        "en": "Use /checkin HH:MM Time/Zone (e.g. /checkin 20:30 Europe/Berlin), /checkin off, or /checkin to see yours.",
        "es": "Usa /checkin HH:MM Zona/Horaria (p. ej. /checkin 20:30 Europe/Madrid), /checkin off, o /checkin para ver la tuya.",
        "de": "Nutze /checkin HH:MM Zeit/Zone (z. B. /checkin 20:30 Europe/Berlin), /checkin off, oder /checkin, um deins zu sehen.",
        "fr": "Utilise /checkin HH:MM Fuseau/Horaire (par ex. /checkin 20:30 Europe/Paris), /checkin off, ou /checkin pour voir le tien.",
    },
    "checkin.bad_time": {
        "en": "I couldn't read that time; please use 24-hour HH:MM.",
        "es": "No pude leer esa hora; usa el formato de 24 horas HH:MM.",
        "de": "Diese Uhrzeit konnte ich nicht lesen; bitte im 24-Stunden-Format HH:MM.",
        "fr": "Je n'ai pas pu lire cette heure ; utilise le format 24 h HH:MM.",
    },
    "checkin.bad_zone": {
        "en": "I don't know that time zone; please use a name like Europe/Berlin, America/New_York or UTC.",
        "es": "No conozco esa zona horaria; usa un nombre como Europe/Madrid, America/Mexico_City o UTC.",
        "de": "Diese Zeitzone kenne ich nicht; bitte einen Namen wie Europe/Berlin, America/New_York oder UTC.",
        "fr": "Je ne connais pas ce fuseau horaire ; utilise un nom comme Europe/Paris, America/Montreal ou UTC.",
    },
    "mood.saved": {
        "en": "Thank you for checking in: {score}/5 noted. Add a few words with /mood note ... if you like.",
        "es": "Gracias por contármelo: {score}/5 anotado. Si quieres, añade unas palabras con /mood note ...",
        "de": "Danke fürs Mitteilen: {score}/5 notiert. Mit /mood note ... kannst du ein paar Worte ergänzen.",
        "fr": "Merci de m'avoir répondu : {score}/5 noté. Ajoute quelques mots avec /mood note ... si tu veux.",
    },
    "mood.note_saved": {
        "en": "Your note is saved with today's mood.",
        "es": "Tu nota se guardó con el ánimo de hoy.",
        "de": "Deine Notiz ist bei der heutigen Stimmung gespeichert.",
        "fr": "Ta note est enregistrée avec l'humeur du jour.",
    },
    "mood.no_recent": {
        "en": "There's no mood from the last day to add a note to. Record one with /mood 1-5 and your note.",
        "es": "No hay ningún ánimo del último día al que añadir una nota. Registra uno con /mood 1-5 y tu nota.",
        "de": "Es gibt keine Stimmung vom letzten Tag, zu der die Notiz passt. Trag eine mit /mood 1-5 und deiner Notiz ein.",
        "fr": "Il n'y a pas d'humeur du dernier jour à laquelle ajouter une note. Enregistres-en une avec /mood 1-5 et ta note.",
    },
    "mood.usage": {
        "en": "Use /mood to see your chart, /mood 1-5 [note] to record how you feel, or /mood note ... to add words to today's.",
        "es": "Usa /mood para ver tu gráfico, /mood 1-5 [nota] para anotar cómo te sientes, o /mood note ... para añadir palabras al de hoy.",
        "de": "Nutze /mood für dein Diagramm, /mood 1-5 [Notiz] für deine Stimmung, oder /mood note ..., um der heutigen Worte hinzuzufügen.",
        "fr": "Utilise /mood pour voir ton graphique, /mood 1-5 [note] pour noter ton humeur, ou /mood note ... pour compléter celle du jour.",
    },
    "mood.summary": {
        "en": "Last {days} days: {count} check-ins, average {average}/5, latest {latest}/5, {trend}.",
        "es": "Últimos {days} días: {count} registros, media {average}/5, último {latest}/5, {trend}.",
        "de": "Letzte {days} Tage: {count} Einträge, Schnitt {average}/5, zuletzt {latest}/5, {trend}.",
        "fr": "{days} derniers jours : {count} relevés, moyenne {average}/5, dernier {latest}/5, {trend}.",
    },
    "mood.summary_empty": {
        "en": "No moods recorded in the last {days} days yet. /mood 1-5 records one, and /checkin can remind you daily.",
        "es": "Aún no hay ánimos registrados en los últimos {days} días. /mood 1-5 registra uno y /checkin te lo recuerda cada día.",
        "de": "In den letzten {days} Tagen ist noch keine Stimmung eingetragen. /mood 1-5 trägt eine ein, /checkin erinnert dich täglich.",
        "fr": "Aucune humeur enregistrée ces {days} derniers jours. /mood 1-5 en enregistre une, et /checkin peut te le rappeler chaque jour.",
    },
    "mood.trend.up": {
        "en": "trending up",
        "es": "en subida",
        "de": "Tendenz steigend",
        "fr": "en hausse",
    },
    "mood.trend.down": {
        "en": "trending down",
        "es": "en bajada",
        "de": "Tendenz fallend",
        "fr": "en baisse",
    },
    "mood.trend.steady": {
        "en": "fairly steady",
        "es": "bastante estable",
        "de": "recht stabil",
        "fr": "plutôt stable",
    },
    "mood.chart_title": {
        "en": "Your mood, last 30 days",
        "es": "Tu ánimo, últimos 30 días",
        "de": "Deine Stimmung, letzte 30 Tage",
        "fr": "Ton humeur, 30 derniers jours",
    },
    "mood.saved_png": {
        "en": "Chart saved to {path}",
        "es": "Gráfico guardado en {path}",
        "de": "Diagramm gespeichert unter {path}",
        "fr": "Graphique enregistré dans {path}",
    },
    # --- safety layer (issue 3): crisis, helper and fallback replies ---
    "safety.crisis_reply": {
        "en": (
            "I'm really glad you told me, and I'm so sorry you're carrying this much pain. Your "
            "safety matters most right now. I'm an AI, not a counsellor or an emergency service, "
            "so please reach out to a person who can help you tonight:\n\n{resources}\n\nIf you might "
            "act on these thoughts soon, call your local emergency number or go to the nearest "
            "emergency department. If you can, move away from anything you could hurt yourself "
            "with and stay close to someone you trust. I'm still here if you want to keep talking."
        ),
        "es": (
            "Me alegra de verdad que me lo hayas contado, y siento mucho que estés cargando con "
            "tanto dolor. Lo más importante ahora es tu seguridad. Soy una IA, no un profesional "
            "ni un servicio de emergencias, así que te pido que hables con una persona que pueda "
            "ayudarte hoy:\n\n{resources}\n\nSi crees que podrías actuar pronto sobre estos "
            "pensamientos, llama al número de emergencias o ve a urgencias. Si puedes, aléjate de "
            "cualquier cosa con la que pudieras hacerte daño y quédate cerca de alguien de "
            "confianza. Sigo aquí si quieres seguir hablando."
        ),
        "de": (
            "Ich bin wirklich froh, dass du mir das erzählst, und es tut mir leid, dass du so viel "
            "Schmerz trägst. Deine Sicherheit ist jetzt das Wichtigste. Ich bin eine KI, keine "
            "Beraterin und kein Notdienst. Bitte wende dich an einen Menschen, der dir heute "
            "helfen kann:\n\n{resources}\n\nWenn du befürchtest, diesen Gedanken bald nachzugeben, ruf "
            "den Notruf an oder geh in die nächste Notaufnahme. Wenn du kannst, bring Dinge, mit "
            "denen du dich verletzen könntest, außer Reichweite und bleib in der Nähe eines "
            "Menschen, dem du vertraust. Ich bin weiter da, wenn du reden möchtest."
        ),
        "fr": (
            "Je suis vraiment content·e que tu m'en parles, et je suis désolé·e que tu portes "
            "autant de souffrance. Ta sécurité compte avant tout. Je suis une IA, pas un·e "
            "professionnel·le ni un service d'urgence : s'il te plaît, contacte une personne qui "
            "peut t'aider dès maintenant :\n\n{resources}\n\nSi tu crains de passer à l'acte bientôt, "
            "appelle les urgences ou rends-toi aux urgences les plus proches. Si tu le peux, "
            "éloigne ce qui pourrait te blesser et reste près de quelqu'un de confiance. Je suis "
            "toujours là si tu veux continuer à parler."
        ),
    },
    "safety.helper_reply": {
        "en": (
            "Thank you for looking out for them; reaching out like this matters. If you think they "
            "could be in immediate danger, call emergency services now and, if it is safe, stay "
            "with them. Otherwise, find a quiet moment and ask them directly and calmly whether "
            "they are thinking about suicide: asking does not put the idea in their head, and it "
            "often comes as a relief. Listen without arguing or judging, tell them you care, and "
            "offer to help them contact a crisis line, even to make the call together. These "
            "services also support people who are worried about someone:\n\n{resources}\n\nSupporting "
            "someone is heavy, so please look after yourself too. I'm an AI, not a professional, "
            "but I'm here if you want to talk it through."
        ),
        "es": (
            "Gracias por preocuparte por esa persona; buscar ayuda así importa mucho. Si crees que "
            "puede estar en peligro inmediato, llama a emergencias ahora y, si es seguro, quédate "
            "a su lado. Si no, busca un momento tranquilo y pregúntale directamente y con calma si "
            "está pensando en el suicidio: preguntar no le mete la idea en la cabeza y a menudo es "
            "un alivio. Escucha sin discutir ni juzgar, dile que te importa y ofrécete a ayudarle "
            "a contactar una línea de crisis, incluso a llamar juntos. Estos servicios también "
            "atienden a quien se preocupa por alguien:\n\n{resources}\n\nAcompañar a alguien pesa, así "
            "que cuídate tú también. Soy una IA, no un profesional, pero estoy aquí si quieres "
            "hablarlo."
        ),
        "de": (
            "Danke, dass du dich um diesen Menschen sorgst; dass du dir Hilfe suchst, ist wichtig. "
            "Wenn du glaubst, dass akute Gefahr besteht, ruf jetzt den Notruf und bleib, wenn es "
            "sicher ist, bei der Person. Sonst such einen ruhigen Moment und frag direkt und "
            "ruhig, ob sie an Suizid denkt: Die Frage bringt niemanden erst auf die Idee und ist "
            "oft eine Erleichterung. Hör zu, ohne zu streiten oder zu werten, sag, dass sie dir "
            "wichtig ist, und biete an, gemeinsam eine Krisenberatung anzurufen. Diese Stellen "
            "beraten auch Angehörige und Freunde:\n\n{resources}\n\nJemanden zu begleiten ist schwer, "
            "pass auch auf dich auf. Ich bin eine KI, keine Fachkraft, aber ich bin da, wenn du "
            "darüber reden möchtest."
        ),
        "fr": (
            "Merci de veiller sur cette personne ; chercher de l'aide comme tu le fais compte "
            "vraiment. Si tu penses qu'elle est en danger immédiat, appelle les urgences "
            "maintenant et, si c'est sans risque, reste avec elle. Sinon, choisis un moment calme "
            "et demande-lui directement et doucement si elle pense au suicide : poser la question "
            "ne lui donne pas l'idée, et c'est souvent un soulagement. Écoute sans discuter ni "
            "juger, dis-lui qu'elle compte pour toi et propose de l'aider à contacter une ligne "
            "d'écoute, voire d'appeler ensemble. Ces services aident aussi les proches inquiets "
            ":\n\n{resources}\n\nSoutenir quelqu'un est lourd, prends soin de toi aussi. Je suis une "
            "IA, pas un·e professionnel·le, mais je suis là si tu veux en parler."
        ),
    },
    "safety.resources_header": {
        "en": "If you need to talk to someone now, these services are free and confidential:",
        "es": (
            "Si necesitas hablar con alguien ahora, estos servicios son gratuitos y confidenciales:"
        ),
        "de": (
            "Wenn du jetzt mit jemandem sprechen möchtest, diese Angebote sind kostenlos und "
            "vertraulich:"
        ),
        "fr": (
            "Si tu as besoin de parler à quelqu'un maintenant, ces services sont gratuits et "
            "confidentiels :"
        ),
    },
    "safety.emergency_line": {
        "en": "In an emergency, call {number}.",
        "es": "En una emergencia, llama al {number}.",
        "de": "Im Notfall wähle {number}.",
        "fr": "En cas d'urgence, appelle le {number}.",
    },
    "safety.resource_call": {
        "en": "call {phone}",
        "es": "llama al {phone}",
        "de": "Telefon {phone}",
        "fr": "appel au {phone}",
    },
    "safety.resource_text": {
        "en": "text {text}",
        "es": "SMS {text}",
        "de": "SMS {text}",
        "fr": "SMS {text}",
    },
    "safety.fallback": {
        "en": (
            "I'm sorry, I can't answer that in a way I know is safe. I'm an AI and not a "
            "replacement for professional care. If you're struggling, you deserve support from a "
            "person: type /resources any time to see crisis lines near you. Would you like to tell "
            "me more about how you're feeling?"
        ),
        "es": (
            "Lo siento, no puedo responder a eso de una forma que sepa que es segura. Soy una IA y "
            "no sustituyo la atención profesional. Si lo estás pasando mal, mereces el apoyo de "
            "una persona: escribe /resources cuando quieras para ver líneas de ayuda cerca de ti. "
            "¿Quieres contarme un poco más sobre cómo te sientes?"
        ),
        "de": (
            "Es tut mir leid, darauf kann ich nicht so antworten, dass ich sicher sein kann, dass "
            "es hilft. Ich bin eine KI und kein Ersatz für professionelle Hilfe. Wenn es dir "
            "schlecht geht, hast du Unterstützung von einem Menschen verdient: Mit /resources "
            "siehst du jederzeit Krisendienste in deiner Nähe. Magst du mir mehr darüber erzählen, "
            "wie es dir geht?"
        ),
        "fr": (
            "Désolé·e, je ne peux pas répondre à cela d'une façon dont je sois sûr·e qu'elle est "
            "sans danger. Je suis une IA et je ne remplace pas un accompagnement professionnel. Si "
            "tu traverses un moment difficile, tu mérites le soutien d'une personne : tape "
            "/resources à tout moment pour voir les lignes d'écoute près de chez toi. Veux-tu me "
            "dire un peu plus comment tu te sens ?"
        ),
    },
}


def language_for_locale(locale: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    """Map a platform locale (``de-DE``, ``es_419``, ``FR``) to a supported language."""
    if locale:
        base = locale.strip().replace("_", "-").split("-", 1)[0].lower()
        if base in LANGUAGES:
            return base
    return default if default in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, language: str | None = None, **fmt: object) -> str:
    """The text for ``key`` in ``language`` (English when missing), formatted with ``fmt``."""
    table = STRINGS.get(key)
    if table is None:
        log.warning("missing translation key %s", key)
        return key
    text = table.get(language or DEFAULT_LANGUAGE) or table[DEFAULT_LANGUAGE]
    if not fmt:
        return text
    try:
        return text.format(**fmt)
    except (KeyError, IndexError, ValueError):
        log.warning("translation %s could not be formatted", key)
        return text
