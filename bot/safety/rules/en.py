"""English risk phrases, idioms, negations and reference cues."""

from __future__ import annotations

from bot.safety.rules import AV, DI, MS, SH, SI, TP, RuleSpec

_ME = r"(?:i|i'm|i am|i've|i have|i'd|i was|im)"
# Goodbyes to a job, colleagues or a flat (a farewell card, a leaving do), named as the
# recipient: a bare "work" or "school" is as common in a crisis message ("this is my last
# message, i can't face school") and must not cancel it.
_FAREWELL_ELSEWHERE = r"\b(?:to|for|at|from|in|with) (?:my |the |our |all my |this )?(?:old |former )?(?:job|boss|workmates|office|company|colleagues|coworkers|co-workers|classmates|students|landlord|tenants|flat|apartment)\b|\bold (?:house|home|place|flat|room|car|school|job)\b|\bretir(?:e|ed|ing|ement)\b|\bleaving do\b"
# Openers shared by the explicit rules and their anaphoric twins ("... kill myself" /
# "... do it"), so that the two always read the same sentences.
_I_WILL = r"\b(?:i'll|i will|i'm gonna|i'm going to|i am going to) (?:finally |just |probably |actually )?"
_I_DECIDED = r"\b(?:i've|i have) (?:made up my mind|decided|made the decision)\b[^.!?]{0,30}\b"
_PLAN_TO = r"\b(?:have|made|got|making|worked out) (?:a|the|my) plan (?:to|for how to|for when i) "
_PICKED = r"\b(?:picked|chose|set|chosen) (?:a|the) (?:date|day|time|place|spot)\b[^.!?]{0,40}\b"
_PILLS = r"(?:pills|tablets|meds|medications?|medicines?|paracetamol|tylenol|acetaminophen|ibuprofen|aspirin|sleeping pills|insulin|painkillers|antidepressants|xanax|opioids)"
# Garden, household-pest and pet questions ("what chemicals kill weeds", "which meds are
# deadly to cats"): what kills something other than a person, named right after the verb
# (a cat elsewhere in the sentence must not hide "which pills would kill me").
_NOT_PEOPLE = r"(?!\s+(?:(?:to|for|off)\s+)?(?:(?:the|all|my|your|our|their|a|an)\s+)?(?:weeds?|weedkiller|bugs?|ants|mold|mould|bacteria|germs|lice|fleas|ticks|rats|mice|slugs|snails|moss|fungus|fungi|viruses|cockroach(?:es)?|roaches|termites|mosquito(?:es)?|wasps|algae|pests|insects|lawn|garden|crops|cats?|dogs?|kittens?|puppies|puppy|pets?|rabbits?|hamsters?|birds?|parrots?|horses?|livestock|fish)\b)"
# "Which pills kill the pain best" asks for relief; "kill the pain for good" does not.
_NOT_RELIEF = r"(?!\s+(?:the\s+|my\s+|a\s+)?(?:pain|headaches?|migraines?|cramps|toothache|fever)\b(?!\s+(?:forever|for good|permanently|once and for all)))"
_PERSON = (
    r"(?:(?:my|our) (?:best |close |older |younger |little |big |twin )?(?:friend|buddy|mate|roommate|flatmate|partner|"
    r"boyfriend|girlfriend|husband|wife|fiance|fiancee|brother|sister|son|daughter|mom|mum|mother|dad|father|"
    r"cousin|kid|child|student|colleague|coworker|co-worker|classmate|teen|teenager|niece|nephew|aunt|uncle|"
    r"grandma|grandpa|grandmother|grandfather|sibling|neighbou?r|ex|bf|gf|bestie|client|patient)|"
    r"(?:a|one of my) (?:friend|student|classmate|coworker|colleague|mate)|someone (?:i know|i love|close to me)|"
    r"he|she|they|he's|she's|they're)"
)
_THEM_SELF = r"(?:himself|herself|themselves|themself)"
# An attempt years ago is history, not danger now: recovery stories and anniversaries.
_LONG_AGO = r"\b(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|many|several|some|a few|few) years? (?:ago|since|after|later|on|clean|sober)\b|\bin (?:19\d\d|20[01]\d)\b|\bback in 20\d\d\b|\bwhen i was (?:\d+|a (?:kid|child|teen|teenager))\b|\b(?:in|during) (?:high school|middle school|college|uni|my teens|my twenties)\b|\banniversary\b"
# The wish to be dead, present or past (en.want_die, en.wanted_die).
_HEDGE = r"(?:really |just |honestly |genuinely |kinda |kind of |sometimes |often )?"
_BE_GONE = r"(?:die|be dead|stop living|stop existing|not exist|not be alive)"
# Self-harm told with how long it went on ("for a couple of years") is history.
_FOR_A_WHILE = r"for (?:about |around )?(?:a couple of|a few|several|many|a|one|two|three|four|five|\d+) (?:years?|months?)"
# A sentence about play, sport, screen or trivia: "jump off the bridge" is a move there.
_PLAY = r"\b(?:game|games|gaming|level|levels|quest|mission|boss|player|players|character|npc|speedrun|glitch|minecraft|fortnite|gta|zelda|mario|skyrim|roblox|movie|film|scene|episode|stunt|stuntman|bungee|parkour|diving|dive|cliff diving|swim|swimming|lake|river|pool|quiz|trivia|bet|fact|facts|world record|in the world|tourist|tourists|view|views|photo|photos|architect|architecture|engineering)\b"

RULES: list[RuleSpec] = [
    # --- passive wish to be dead ---
    RuleSpec(
        "en.wish_dead",
        "passive",
        r"\bwish (?:i|that i) (?:was|were|could be|'d be|would be) (?:dead|gone|never born)\b",
        (SI,),
    ),
    RuleSpec(
        "en.wish_never_born",
        "passive",
        r"\bwish (?:i|that i) (?:had|'d) never (?:been born|existed|woken up|woke up)\b",
        (SI,),
    ),
    RuleSpec(
        "en.wish_disappear",
        "passive",
        r"\bwish (?:i|that i) could (?:just )?(?:(?:disappear|vanish)(?! (?:under|into|in) (?:the |my )?(?:duvet|covers|blankets?|bed|sofa|couch)| for (?:a |the |one )?(?:week|weekend|day|few days|couple of days|bit|month)| on (?:a |an )?(?:holiday|vacation|island|beach))|stop existing|cease to exist|not wake up|sleep forever|fall asleep and (?:never|not) wake up|go to sleep and (?:never|not) wake up)\b",
        (SI,),
    ),
    RuleSpec(
        "en.not_want_exist",
        "passive",
        r"\b(?:don't|do not|dont|no longer) (?:really )?(?:want|wish) to (?:be here|exist|live|be alive|wake up|be around|keep living|go on|carry on|keep going)\b",
        (SI,),
        negatable=False,
    ),
    RuleSpec(
        "en.not_here_anymore",
        "passive",
        r"\b(?:don't|do not) want to be here any ?more\b",
        (SI,),
        negatable=False,
    ),
    RuleSpec(
        "en.nobody_notice",
        "passive",
        r"\b(?:no one|nobody|noone|no-one|not a single person) (?:would|will|'d|is going to|would even|will even) (?:even )?(?:notice|care|miss me|realise|realize)\b[^.!?]{0,30}\b(?:if|when) i(?:'m| was| were| am)? (?:gone|dead|died|disappeared|not here|wasn't here|weren't here)",
        (SI,),
    ),
    RuleSpec(
        "en.better_off",
        "passive",
        r"\b(?:everyone|everybody|they|my family|my friends|my kids|the world|people|all of them|you all|you guys)(?: would| will|'d)? (?:all )?be better off (?:without me|if i (?:was|were|wasn't|weren't)|with me gone)",
        (SI,),
    ),
    RuleSpec(
        # The same thought with the words spread out: "everyone in this house would
        # honestly be better off if i wasnt in it", "easier for everyone if i wasn't around".
        "en.better_off_loose",
        "passive",
        r"\b(?:everyone|everybody|they|my family|my kids|my parents|the world|people)\b[^.!?]{0,30}?\b(?:would|will|'d) (?:honestly |probably |really |all |just |so much |much )*be (?:so much |much |a lot )?(?:better off|happier) (?:without (?:me|having to \w+ (?:for|about) me)|if i (?:just )?(?:was|were|wasn't|weren't|wasnt|werent) (?:not )?(?:here|around|in it|alive|gone|there)|with a different (?:mum|mom|mother|dad|father))\b"
        r"|\b(?:easier|better|simpler) (?:for (?:everyone|everybody|them|all of them|my \w+) )?if i (?:just )?(?:wasn't|was not|wasnt|weren't|were not|werent) (?:here|around|alive|in it|in the picture)\b"
        r"|\bif i (?:just )?(?:wasn't|was not|wasnt) (?:here|around) anymore\b",
        (SI,),
    ),
    RuleSpec(
        "en.not_exist",
        "passive",
        r"\b(?:i'd|i would|id) (?:like|love|rather|prefer) to (?:just )?(?:not exist|stop existing|not be here|not be alive)\b"
        r"|\b(?:easier|nicer|better|rest) to (?:just )?(?:stop existing|not exist|not be alive)\b|\b(?:just )?want to not be (?:here|alive)\b"
        r"|\b(?:rather|prefer to) not (?:be alive|exist|be here at all)\b|\bnot being here at all sounds\b"
        r"|\bstop existing (?:quietly|for good|altogether|permanently)\b",
        (SI,),
    ),
    RuleSpec(
        "en.letters_found",
        "plan",
        r"\b(?:wrote|written|writing|left|leave|put) (?:a |the |my |some )?(?:letters?|notes?|them|it)\b[^.!?]{0,80}\bwhere (?:they|she|he|you|someone|people|my \w+)(?:'ll|ll| will)? (?:find|be found)\b"
        r"|\bwhere (?:they|it)(?:'ll|ll| will) be found\b",
        (SI,),
        unless=r"\b(?:birthday|anniversary|valentine\w*|surprise|gift|present|christmas|love note|lunchbox|treasure hunt|scavenger)\b",
    ),
    RuleSpec(
        "en.better_off_dead",
        "passive",
        r"\b(?:i'd|i would|i'm|i am|i'll) be better off dead\b|\bbetter off dead\b",
        (SI,),
    ),
    RuleSpec(
        "en.want_die",
        "passive",
        rf"\b{_ME}? ?{_HEDGE}(?:want|wanting|wish|need) to {_BE_GONE}\b",
        (SI,),
    ),
    RuleSpec(
        # "I just want it all to end": the whole of it, not one exam or one shift.
        "en.want_it_over",
        "passive",
        r"\b(?:want|wanting|wish|need) (?:it all|everything|all of it|all of this|all this|this all|my life|life) (?:to )?(?:just )?(?:to )?(?:end|stop|be over)\b(?! (?:for a|for one|for an|for the|until|till|so i can))"
        r"|\b(?:wish|want) (?:it|this|everything|my life) (?:was|were|would be|to be) (?:just )?all over\b",
        (SI,),
    ),
    RuleSpec(
        # The past tense apart: "back then I wanted to die" in a recovery story is history.
        "en.wanted_die",
        "passive",
        rf"\b{_ME}? ?{_HEDGE}wanted to {_BE_GONE}\b",
        (SI,),
        unless=rf"{_LONG_AGO}|\bback then\b|\bat the time\b|\bused to\b|\blast year\b",
    ),
    RuleSpec(
        "en.hope_die",
        "passive",
        r"\bhope (?:i|that i) (?:die|(?:don't|never) wake up(?! (?:late|early|in time|on time|too|before|until|till|with|at \d))|get hit by|get cancer|catch something and die)\b"
        r"|\b(?:hope|hoping|hoped|pray|praying|prayed)(?: that)? (?:i|i'll|i will) (?:just )?(?:don't|do not|dont|won't|will not|wont|never|didn't|didnt) wake(?: up)?\b(?! (?:up|late|early|in time|on time|too|before|until|till|with|at \d))"
        r"|\bhop(?:e|ing) not to wake up\b|\b(?:wouldn't|would not|wouldnt) (?:be sorry|mind|care) not to wake up\b"
        r"|\bif i (?:just )?(?:didn't|did not|didnt|don't|dont|never) (?:woke|wake) up\b(?! (?:late|early|in time|on time|too|before|until|till|with|at \d))[^.!?]{0,50}\b(?:ok|okay|fine|relieved|relief|alright|at peace)\b",
        (SI,),
    ),
    RuleSpec(
        "en.tired_living",
        "passive",
        r"\b(?:tired|sick|exhausted) of (?:living|being alive|life|existing|waking up|being me)\b",
        (SI,),
    ),
    RuleSpec(
        "en.ready_die",
        "passive",
        r"\b(?:i'm|i am|i feel) (?:(?:so|finally|just|really|honestly) )?(?:ready|prepared) to (?:die|go)\b(?! (?:for|on|of|out|home|back|now,? (?:see|bye)|to (?!(?:my |the )?(?:maker|lord|god|heaven|jesus|other side)\b)(?:the|a|an|my|work|school|bed|class|uni|college|town|sleep)\b))"
        # chat drops the subject: "finally ready to die."
        r"|(?:^|[.!?,;:]\s*)(?:(?:finally|so|just|honestly|think i'm) )?(?:ready|prepared) to die\b(?! (?:for|on|of))",
        (SI,),
    ),
    RuleSpec(
        "en.disappear_forever",
        "passive",
        r"\b(?:disappear|vanish|sleep|be gone) forever\b|\bnever wake up\b|\bnot wake up\b",
        (SI,),
    ),
    RuleSpec(
        "en.still_here",
        "passive",
        r"\b(?:sad|upset|disappointed|annoyed|angry|gutted|pissed) (?:that )?(?:i'm|i am) still (?:here|alive|breathing)\b(?! (?:at|in|on|with) )|\b(?:disappointed|upset|annoyed|sad|gutted|angry) (?:that )?i (?:woke up|keep waking up)(?: again| this morning| every morning)?\b(?! (?:late|early|at|with|to|and (?:missed|forgot)))",
        (SI,),
    ),
    RuleSpec(
        "en.no_future_self",
        "passive",
        r"\b(?:don't|do not|can't|cannot) (?:really |honestly |even )?see myself (?:being )?(?:alive|making it) (?:in|by|at|past|for|much longer|next|a year from now|another)\b",
        (SI,),
    ),
    RuleSpec(
        "en.no_future_here",
        "passive",
        r"\b(?:don't|do not|can't|cannot) (?:really |honestly |even )?see myself (?:being )?(?:around|still here|here) (?:in|by|at|past|for|much longer|next|a year from now|another)\b",
        (SI,),
        # "I don't see myself here in five years" is also a career sentence.
        unless=r"\b(?:job|company|firm|team|city|town|country|uni|school|place|area|role|industry|career|position|flat|house|village|office|relationship|band|club|marriage)\b",
    ),
    RuleSpec(
        "en.burden",
        "passive",
        r"\b(?:i'm|i am|i feel like|feel like|i've become|i'm just|i am just) (?:such |just |only )?a (?:burden|waste of (?:space|air|oxygen))\b",
        (SI,),
        # Feeling a burden while asking for help is distress about asking, not a wish to be gone.
        unless=r"\b(?:when i ask|ask(?:ing)? for (?:help|support)|(?:always |i )need (?:help|support))\b",
    ),
    RuleSpec(
        "en.dead_inside",
        "distress",
        r"\b(?:i'm|i am|i feel|feel) (?:so |completely |totally )?dead inside\b",
        (DI,),
    ),
    # --- hopelessness that borders on ideation ---
    RuleSpec(
        "en.no_point_living",
        "hopeless",
        r"\b(?:what's|what is|whats) the point (?:of|in) (?:living|life|being alive|going on|anything|existing|trying|any of (?:it|this))\b(?! (?:at|in|with|for) (?:my |this |the |a )?(?:job|work|school|class|diet|gym|exam|exams|course|degree|relationship|team|game))",
        (SI,),
    ),
    RuleSpec(
        "en.no_reason_live",
        "hopeless",
        r"\b(?:no|zero|not a single|nothing(?: left)?) (?:reason|reasons|point) (?:to|in|for) (?:live|living|be alive|being alive|go on|going on|stay|staying|keep going)\b|\bnothing (?:left )?to live for\b",
        (SI,),
    ),
    RuleSpec(
        "en.cant_go_on",
        "hopeless",
        # "... like this for another ten years" is about the situation, not about living.
        r"\bcan't (?:go on|keep going|carry on|keep living|live like this|do life)\b(?! (?:a|the) (?:trip|date|holiday))(?![^.!?]{0,30}\bfor (?:another|the next) )",
        (SI,),
        negatable=False,
    ),
    RuleSpec(
        "en.not_worth_living",
        "hopeless",
        r"\b(?:life|my life|living)(?: is|'s)? (?:not|isn't|no longer|never) worth (?:living|it)\b|\bnot worth living\b",
        (SI,),
        negatable=False,
    ),
    RuleSpec(
        "en.done_with_life",
        "hopeless",
        r"\b(?:i'm|i am) (?:so )?done with (?:life|living|everything|it all|this life|existing)\b|\bgive up on (?:life|living|everything)\b",
        (SI,),
    ),
    RuleSpec(
        "en.no_way_out",
        "hopeless",
        r"\b(?:no way out|no future for me|no hope (?:left )?for me|can't see a future|don't see a future|there is no future|there's no future)\b",
        (SI,),
        negatable=False,
    ),
    RuleSpec(
        "en.dont_know_how_keep",
        "hopeless",
        r"\bdon't know how (?:much longer )?(?:i can|to|i'll) (?:keep going|go on|carry on|survive|hold on|keep living)\b",
        (SI,),
        negatable=False,
    ),
    RuleSpec(
        "en.easier_if_gone",
        "passive",
        r"\b(?:would|will) be (?:easier|better) (?:for everyone )?if i (?:was|were|wasn't|weren't|am|died|disappeared)(?: not)? (?:here|around|gone|dead|alive)?",
        (SI,),
    ),
    # --- thoughts of suicide ---
    RuleSpec(
        "en.suicidal_self",
        "thoughts",
        r"\b(?:i'm|i am|i feel|feeling|i've been|i have been|been|i get|i got|getting|i was|i became) (?:so |really |very |pretty |kinda |kind of |a bit |a little |quite |extremely |super |incredibly |actively |passively )?suicidal\b",
        (SI,),
    ),
    RuleSpec(
        "en.thinking_suicide",
        "thoughts",
        r"\b(?:think|thinking|thought|thoughts|fantasi[sz]e|fantasi[sz]ing|daydream|daydreaming|dream|dreaming|obsessing) (?:a lot |constantly |again |more |so much )?(?:about|of) (?:suicide|killing myself|ending (?:it|my life|things|it all)|taking my (?:own )?life|dying|death|my death|not being here|not existing|just ending it)\b",
        (SI,),
        unless=r"\bphilosophi\w*\b",
    ),
    RuleSpec(
        "en.suicidal_thoughts",
        "thoughts",
        r"\bsuicidal (?:thoughts|ideation|feelings|urges|thinking|tendencies|mood|episode)\b",
        (SI,),
        first_person=False,
        # A medicine's warning label names the risk; it says nothing about the reader.
        unless=r"\b(?:risk of|side effects?|warning|leaflet|label|black box|printout|may cause|can cause)\b",
    ),
    RuleSpec(
        "en.kill_myself_generic",
        "thoughts",
        # "I used to hurt myself" is history (recovery posts); "I want to hurt myself" is not.
        r"\b(?<!used\sto\s)(?:kill|killing|killed|hang|hanging|hurt|shoot|shooting|drown|drowning|off|offing) myself\b",
        (SI,),
        # In a game: "killed myself with my own grenade three times on the same boss".
        unless=r"\b(?:grenades?|(?:the same|final|raid|level|a|this) boss|boss (?:fight|battle|level)|respawn(?:ed|ing)?|checkpoint|in-game|in game|speedrun|fall damage|my own (?:grenade|rocket|bomb|trap|barrel|mine))\b",
    ),
    RuleSpec(
        "en.urge_end",
        "thoughts",
        r"\b(?:urge|urges|temptation|impulse|impulses|thoughts) to (?:die|end it|kill myself|end my life)\b",
        (SI,),
    ),
    # --- intent ---
    RuleSpec(
        "en.want_kill_self",
        "intent",
        r"\b(?:want|wanted|wanting|going|gonna|planning|plan|decided|ready|about|intend|intending|have|need|needed|will try|'m going|am going) to (?:kill myself|end my (?:own )?life|end it all|take my (?:own )?life|commit suicide|hang myself|overdose|end things for good)\b",
        (SI,),
    ),
    RuleSpec(
        "en.want_jump",
        "intent",
        r"\b(?:want|wanted|wanting|going|gonna|planning|plan|decided|ready|about|intend|intending|'m going|am going|thinking about|thinking of|think about) (?:to )?(?:jump|jumping) (?:off|from|in front of)\b",
        (SI,),
        unless=_PLAY,
    ),
    RuleSpec(
        "en.will_kill_self",
        "intent",
        rf"{_I_WILL}(?:kill myself|end my life|end it all|take my (?:own )?life|commit suicide)\b|\b(?:i'm|i am) (?:finally |just )?(?:ending my (?:own )?life|taking my own life)\b",
        (SI,),
    ),
    RuleSpec(
        "en.will_do_it",
        "intent",
        rf"{_I_WILL}(?:do it|end it)\b(?! (?:all|later|tomorrow at work|in the gym))",
        (SI,),
        anaphoric=True,
    ),
    RuleSpec(
        "en.decided_die",
        "intent",
        rf"{_I_DECIDED}(?:die|kill myself|end my life)\b",
        (SI,),
    ),
    RuleSpec(
        "en.decided_do_it",
        "intent",
        rf"{_I_DECIDED}(?:end it|go through with it)\b",
        (SI,),
        anaphoric=True,
    ),
    RuleSpec(
        "en.suicide_intent",
        "intent",
        r"\b(?:i'm|i am) (?:going to|gonna) (?:commit )?suicide\b",
        (SI,),
    ),
    # --- method seeking and methods ---
    RuleSpec(
        "en.how_to_die",
        "method",
        r"\b(?:how|best way|easiest way|easy way|painless way|quickest way|quick way|fastest way|surest way|simplest way|ways?|methods?) (?:do (?:i|you|people)|can (?:i|you|someone)|could i|would i|to|for me to)? ?(?:kill (?:myself|yourself|oneself)|die|end (?:my|your) life|commit suicide|overdose|hang (?:myself|yourself)|not wake up|end it all)\b",
        (MS, SI),
    ),
    RuleSpec(
        "en.painless",
        "method",
        r"\b(?:painless|quick|quickest|easiest|surest|peaceful|least painful|most painless|most effective|guaranteed) (?:way|method|methods|ways|death|suicide|exit)\b",
        (MS, SI),
    ),
    RuleSpec(
        "en.lethal_dose",
        "method",
        r"\b(?:lethal|fatal|deadly|toxic) (?:dose|doses|amount|quantity|dosage|level)\b",
        (MS,),
        first_person=False,
    ),
    RuleSpec(
        "en.pills_to_die",
        "method",
        rf"\bhow (?:many|much) {_PILLS}?\b[^.!?]{{0,30}}\b(?:to die|to kill|to overdose|to od|would kill|would it take|does it take|is (?:fatal|lethal|deadly)|to not wake up|to never wake up)\b",
        (MS,),
    ),
    RuleSpec(
        "en.what_kills",
        "method",
        rf"\b(?:what|which) (?:\w+ )?(?:{_PILLS}|drugs|chemicals|poison|poisons)\b[^.!?]{{0,25}}\b(?:kill|killed|kills|would kill|fatal|lethal|deadly|die)\b{_NOT_PEOPLE}{_NOT_RELIEF}",
        (MS,),
    ),
    RuleSpec(
        "en.jump_places",
        "method",
        r"\b(?:tallest|highest)\b[^.!?]{0,30}\b(?:bridge|building|roof|cliff|parking garage|car park)s? (?:near me|nearby|around here|close to me|i can get to|i could get to)\b|\b(?:high|tall) enough (?:to|that i)\b[^.!?]{0,20}\b(?:die|kill|fatal|lethal|not survive|wouldn't survive)\b|\bjump (?:off|from|in front of) (?:a|the|my) (?:bridge|building|roof|cliff|train|car|bus|balcony|window)\b",
        (MS, SI),
        unless=_PLAY,
    ),
    RuleSpec(
        "en.methods_named",
        "method",
        r"\b(?:slit|slitting|cut|cutting|open) my (?:wrists|throat|veins)\b|\b(?:gun|pistol|rifle) to my head\b|\bblow my (?:brains|head) out\b|\b(?:tie|tying|made|make|making|bought) a noose\b|\bcrash my car (?:on purpose|into)\b|\bstep in front of (?:a|the|the next) (?:train|bus|truck|car)\b",
        (SI, MS),
    ),
    RuleSpec(
        "en.stockpile",
        "plan",
        rf"\b(?:stockpil(?:e|ed|ing)|saving up|hoarding|collecting|stashing|saved up|saved|hoarded|collected) (?:my |some |all my |enough )?{_PILLS}\b",
        (SI, MS),
    ),
    # --- plan, means, goodbyes ---
    RuleSpec(
        "en.have_plan",
        "plan",
        rf"{_PLAN_TO}(?:die|kill myself|end my life)\b|{_PICKED}(?:die|kill myself)\b",
        (SI,),
    ),
    RuleSpec(
        "en.plan_do_it",
        "plan",
        rf"{_PLAN_TO}(?:end it|do it)\b|{_PICKED}(?:end it|do it)\b",
        (SI,),
        anaphoric=True,
    ),
    RuleSpec(
        "en.means_ready",
        "plan",
        rf"\b(?:{_PILLS}|rope|noose|gun|razor|razors|blade|blades|knife|bottle)\b[^.!?]{{0,25}}\b(?:ready|lined up|counted out|in front of me|in my hand|next to me|on the table|all set)\b",
        (SI, MS),
        # The week's pills sorted into an organiser.
        unless=r"\b(?:organi[sz]er|pill ?box|dosette|blister pack|for the week|weekly|vitamins?)\b",
    ),
    RuleSpec(
        "en.note",
        "plan",
        r"\b(?:wrote|writing|written|write|left|leaving|drafted|drafting) (?:a|my|the) suicide (?:note|letter|message|video)\b|\b(?:letters|notes) for (?:my family|everyone|my kids|my parents) (?:for )?(?:when|after) i(?:'m| am)? (?:gone|dead)\b",
        (SI,),
    ),
    RuleSpec(
        "en.goodbye_note",
        "plan",
        r"\b(?:wrote|writing|written|write|left|leaving|drafted|drafting) (?:a|my|the) (?:goodbye|farewell|last|final) (?:note|letter|message|video)\b",
        (SI,),
        # A goodbye to a job, colleagues or an old flat is not a goodbye to life, nor a
        # therapy exercise's letter to an eating disorder or to one's younger self.
        unless=_FAREWELL_ELSEWHERE
        + r"|\b(?:letter|note) to my (?:eating disorder|ed|anxiety|depression|addiction|drinking|bulimia|anorexia|self-harm|old self|younger self|past self|former self|inner child)\b",
    ),
    RuleSpec(
        "en.do_it_when",
        "plan",
        r"\b(?:i'm|i am|i'll|i will) (?:going to |gonna )?(?:do it|end it|go through with it) (?:tonight|tomorrow|this weekend|soon|today|now|after (?:they|everyone) (?:leave|go|sleep))\b|\btonight (?:is|will be) the night\b",
        (SI,),
        anaphoric=True,
    ),
    RuleSpec(
        "en.means_have",
        "means",
        rf"\b(?:i have|i've got|i got|i bought|i've bought|i just bought|i found|i'm holding|i have access to) (?:a |the |some |enough |my |all my |a bottle of |a bunch of )?(?:{_PILLS}|rope|gun|razor|razors|blade|blades|noose)\b",
        (MS,),
    ),
    RuleSpec(
        "en.last_message",
        "imminent",
        r"\b(?:this|it) (?:is|will be|'ll be) my (?:last|final) (?:message|post|day|night|words|goodbye|time talking|time here|time posting)\b|\bby the time (?:you|anyone|someone) (?:read|reads|sees|see) this\b|\b(?:goodbye|bye) (?:forever|everyone forever|cruel world|world)\b|\bthis is goodbye\b|(?<!him\x20)(?<!her\x20)(?<!them\x20)(?<!he's\x20)(?<!she's\x20)\bsaying (?:my )?goodbyes?\b",
        (SI,),
        unless=_FAREWELL_ELSEWHERE,  # "this is my last day at the office"
    ),
    RuleSpec(
        "en.giving_away",
        "warning_sign",
        r"\b(?:giving|gave|give|handing) (?:away )?(?:my|all my|most of my|some of my) (?:things|stuff|belongings|possessions|favourite things|favorite things|most precious things)(?: away)?\b|\bsorted out my (?:will|affairs)\b|\b(?:wrote|written|writing|updated|made) (?:a|my) will\b(?! (?:power|to live))|\bput my affairs in order\b|\bwho (?:will|would|can) take care of my (?:cat|dog|pet|kids) (?:when|after|if) i(?:'m| am)? (?:gone|dead)\b",
        (SI,),
        unless=r"\b(?:baby|newborn|pregnant|married|wedding|mortgage|lawyer|solicitor|estate planning|grown up|grown-up|moving (?:house|flats?|out|abroad)|declutter\w*)\b",
    ),
    # --- behaviour: attempt or imminent danger ---
    RuleSpec(
        "en.took_pills",
        "behaviour",
        rf"\b(?:i|i've|i have|i just) (?:just )?(?:took|swallowed|downed|taken|swallowed down) (?:a (?:bunch|handful|lot|whole bottle|whole pack|box)|all(?: of)?|too many|lots|loads|\d+|twenty|thirty|forty|fifty|the (?:whole|entire|rest of))\b(?! ?(?:days?|weeks?|two weeks|hours?|hrs|minutes?|mins|months?|years?|day|afternoon|morning|evening|night|weekend|summer|time|photos?|pictures?|pics|steps|laps|classes|lessons|course)\b(?!(?:'s|s'|')? (?:worth|supply)))[^.!?]{{0,20}}\b{_PILLS}?",
        (SI,),
    ),
    RuleSpec(
        "en.overdosed",
        "behaviour",
        r"\b(?:i|i've|i have|i just|i think i) (?:just )?(?:overdosed|od'd|overdose)\b|\bi'm overdosing\b",
        (SI,),
    ),
    RuleSpec(
        "en.attempted",
        "behaviour",
        r"\b(?:tried|attempted|try|trying|attempt|attempting|almost managed|nearly managed) to (?:kill myself|end my life|take my (?:own )?life|commit suicide|hang myself|overdose|end it)\b|\bmy (?:last |first |second |third |recent |latest )?(?:suicide )?attempt\b|\bsurvived (?:an|my|a) (?:suicide )?attempt\b",
        (SI,),
        unless=_LONG_AGO,
    ),
    RuleSpec(
        "en.on_edge",
        "imminent",
        r"\b(?:i'm|i am|standing|sitting|i'm standing|i'm sitting) (?:on|at|by) (?:the|a) (?:edge|ledge|bridge|roof|rooftop|tracks|railway|cliff|balcony railing)\b(?! of (?:my seat|glory|(?:a |an )?(?:nervous )?(?:breakdown|meltdown|panic attack|burnout)|tears|losing (?:it|my mind)|my sanity|giving up|quitting))",
        (SI,),
        # Stuck on a bridge in traffic, up on the roof fixing the gutters.
        unless=r"\b(?:(?:stuck|sitting) in traffic|in (?:heavy |bad |the )?traffic|traffic jam|commute|on the (?:bus|tram)|fixing|repairing|gutters?|shingles|tiles|aerial|antenna|satellite dish)\b",
    ),
    RuleSpec(
        "en.bleeding",
        "self_harm_recent",
        r"\b(?:bleeding|blood) (?:won't|will not|wont|doesn't|does not|isn't going to) stop\b|\bcut too deep\b",
        (SH,),
    ),
    # --- self-harm ---
    RuleSpec(
        "en.sh_recent",
        "self_harm_recent",
        # chat drops the subject, with a recency cue: "cut myself again an hour ago"
        r"(?:^|[.!?,;:]\s*)(?:just )?(?:cut|burned|burnt|harmed|carved) myself (?:again|last night|today|tonight|this morning|an hour ago|earlier)\b(?! (?:on|with|while|cooking|shaving|making|in the kitchen))|"
        rf"\b(?:i|i've|i have|i just) (?:just )?(?:cut|burned|burnt|hurt|harmed|scratched|hit|punched|carved|bit|bruised) myself\b(?! (?:by accident|accidentally|shaving|cooking|on (?:a|the)|with a kitchen|while|in the kitchen|badly while|{_FOR_A_WHILE}|more times than))|\b(?:i've been|been|i keep|i started|started) (?:cutting|burning|hurting|harming|scratching|hitting) (?:myself )?(?:again|lately|every day|every night|more)?\b(?! (?:the|my|onions|vegetables|back|down|class|school|carbs|sugar|hair|costs|hours|shifts|jobs|staff|corners|prices|ties|grass|wood|paper))",
        (SH,),
    ),
    RuleSpec(
        "en.sh_relapse",
        "self_harm_recent",
        rf"\b(?:relapsed|relapse|cut again|self-harmed|self-harming) (?:again|last night|today|yesterday|this morning|tonight)\b|\bi self-harmed\b(?! (?:at \d|from \d|between|through|throughout|on and off|as a (?:teen|kid)|in my (?:teens|twenties)|{_FOR_A_WHILE}))|\bi relapsed\b[^.!?]{{0,20}}\bself-harm",
        (SH,),
    ),
    RuleSpec(
        "en.sh_urge",
        "self_harm_urge",
        r"\b(?:want|wanted|urge|urges|need|needing|tempted|itching|craving|itch) to (?:cut|hurt|harm|burn|punish|scratch|hit) (?:myself|again|me)\b|\bself-harm urges\b|\bwant to self-harm\b|\bthinking (?:about|of) (?:cutting|hurting myself|self-harm|self-harming)\b|\b(?:thoughts|urges?) (?:of|about) (?:cutting|hurting|harming|burning) myself\b",
        (SH,),
    ),
    RuleSpec(
        "en.sh_self",
        "self_harm_urge",
        r"\b(?:i|i've|i have|i've been|i still) (?:self-harm|self harm)\b|\bmy self-harm\b",
        (SH,),
    ),
    RuleSpec(
        "en.sh_past",
        "self_harm_past",
        r"\b(?:used to|years ago i|when i was (?:younger|a teen|in school)[^.!?]{0,10}) (?:cut|self-harm|hurt myself|burn myself)\b|\b(?:my|the) (?:self-harm )?scars\b|\bclean (?:from self-harm )?for \d+ (?:days|weeks|months|years)\b",
        (SH,),
    ),
    # --- distress ---
    RuleSpec(
        "en.feel_bad",
        "distress",
        r"\b(?:i feel|i'm|i am|feeling|i've been feeling|i've been|i felt|i'm feeling|i keep feeling) (?:so |really |very |completely |totally |utterly |incredibly |just |always |kind of |kinda |pretty |super |extremely )?(?:hopeless|worthless|empty|numb|alone|lonely|depressed|miserable|broken|exhausted|overwhelmed|anxious|panicky|lost|trapped|desperate|a failure|useless|unlovable|invisible|defeated|unwanted|suffocated|like a failure|like a burden|like nothing|like garbage|like trash|like a ghost)\b",
        (DI,),
    ),
    RuleSpec(
        "en.hate_self",
        "distress",
        r"\b(?:hate|hating|despise|loathe) (?:myself|my life|who i am|being alive|my existence)\b",
        (DI,),
    ),
    RuleSpec(
        "en.panic",
        "distress",
        r"\bpanic attacks?\b|\bcan't stop (?:crying|shaking|panicking)\b|\bcrying (?:all|every) (?:day|night|the time)\b|\bcan't (?:cope|breathe|handle (?:it|this|anything)|take (?:it|this) any ?more|do this any ?more)\b|\b(?:everything|my life) is falling apart\b|\bfalling apart\b|\bnothing (?:ever )?(?:helps|matters|gets better|changes)\b|\bbreaking down\b|\bat (?:my|the) breaking point\b|\bat rock bottom\b|\bhit rock bottom\b",
        (DI,),
        negatable=False,
    ),
    RuleSpec(
        "en.not_ok",
        "distress",
        r"\b(?:i'm|i am) (?:really |so |just )?not (?:ok|okay|alright|fine|doing (?:well|ok|okay|good))\b",
        (DI,),
        negatable=False,
    ),
    RuleSpec(
        "en.depression",
        "distress",
        r"\b(?:my|i have|i've got|i struggle with|struggling with|battling|my) (?:depression|anxiety|ptsd|trauma|grief|eating disorder|bulimia|anorexia)\b",
        (DI,),
    ),
    # --- abuse and violence ---
    RuleSpec(
        "en.abused",
        "abuse",
        r"\b(?:my (?:dad|father|mom|mum|mother|husband|wife|boyfriend|girlfriend|partner|stepdad|stepfather|stepmom|stepmother|uncle|brother|sister|ex|bf|gf|teacher|coach|boss)|he|she|they) (?:keeps |always |often |still |sometimes |regularly )?(?:hits|hit|beats|beat|hurts|chokes|choked|punches|punched|kicks|kicked|slaps|slapped|abuses|abused|rapes|raped|molests|molested|strangles|strangled|threatens|threatened|touches|touched) me\b",
        (AV,),
    ),
    RuleSpec(
        "en.being_abused",
        "abuse",
        r"\b(?:i'm|i am|i was|i've been|i have been|being|got|get) (?:being )?(?:physically |sexually |emotionally |verbally )?(?:abused|raped|assaulted|molested|beaten|groomed|trafficked|stalked)\b|\bdomestic (?:abuse|violence)\b|\b(?:unsafe|not safe) at home\b",
        (AV,),
    ),
    RuleSpec(
        "en.threat_kill",
        "abuse_imminent",
        r"\b(?:(?:threatened|threatening|threatens|said (?:he|she|they)(?:'ll| will| would)) to|(?:he|she|they|he's|she's|they're|hes|shes|theyre|my \w+)(?: is| are|'s|'re)? (?:going to|gonna)) kill me\b|\b(?:afraid|scared|terrified|worried) (?:that )?(?:he|she|they|my \w+) (?:will|'ll|is going to|are going to|might|may) (?:kill|hurt|seriously hurt) me\b(?! (?:if i|when i) (?:fail|lose|forget|don't|miss|get))",
        (AV,),
    ),
    RuleSpec(
        "en.harm_others",
        "abuse",
        r"\b(?:want|going|gonna|planning|plan) to (?:kill|hurt|stab|shoot|murder|attack|poison) (?:him|her|them|someone|somebody|people|everyone|my (?:dad|father|mom|mum|mother|husband|wife|boyfriend|girlfriend|partner|brother|sister|boss|teacher|classmates))\b(?! (?:in|at) (?:the )?(?:game|match|fortnite|minecraft|valorant))",
        (AV,),
    ),
    # --- someone else at risk ---
    RuleSpec(
        "en.tp_wants_die",
        "third_party",
        rf"\b{_PERSON} (?:really |keeps |kept |has been |have been |is |are |always )?(?:says? |said |saying |told me |tells me |texted |texts |posted |posts |mentioned |keeps saying |talks about |talking about |talked about )?(?:that )?(?:(?:he|she|they) )?(?:wants?|wanted|wanting|is going|are going|'s going|'re going|plans|planned|is planning|are planning|tried|tries) to (?:die|kill {_THEM_SELF}|end (?:his|her|their) (?:own )?life|commit suicide|end it all|not be here|not exist|not be alive|hurt {_THEM_SELF})\b",
        (TP, SI),
        first_person=False,
    ),
    RuleSpec(
        # Passive ideation reported about someone else: "my girlfriend keeps saying
        # everyone would be better off without her".
        "en.tp_passive",
        "third_party",
        rf"\b{_PERSON} (?:really |keeps |kept |has been |always )?(?:says?|said|saying|told me|tells me|texted|texts|posted|posts|mentioned|wrote) (?:to me )?(?:that )?(?:(?:everyone|everybody|we|people|the world|(?:his|her|their) family) would be (?:better off|happier|fine) without (?:him|her|them)(?=\s*(?:$|[.!?,;:]|around\b|anymore\b|here\b|now\b|and\b|so\b|but\b))|(?:he|she|they) (?:doesn't|does not|don't|do not|can't|cannot) see (?:the|any) point (?:in|of) (?:living|life|going on|being alive|being here)|(?:he|she|they) wish(?:es)? (?:he|she|they) (?:was|were|had never been) (?:dead|gone|born|never born)|(?:he|she|they) (?:wants?|wanted) to (?:disappear|vanish|not wake up|sleep forever))",
        (TP, SI),
        first_person=False,
    ),
    RuleSpec(
        "en.tp_suicidal",
        "third_party",
        rf"\b{_PERSON} (?:is|are|has been|have been|'s|seems|seem|was|were|might be|may be|could be|sounds|sound|became|got|keeps being|feels|feel) (?:really |so |very |actively |quite |kind of |kinda |possibly |maybe )?(?:suicidal|self-harming|cutting|in crisis|talking about (?:suicide|dying|death|killing {_THEM_SELF}|ending it))\b",
        (TP, SI),
        first_person=False,
    ),
    RuleSpec(
        "en.tp_self_harm",
        "third_party",
        rf"\b(?:cuts|cutting|cut|hurts|hurting|hurt|harms|harming|burns|burning|burned|scratches|scratching) {_THEM_SELF}\b|\b{_PERSON} (?:self-harms|self-harmed|self harms)\b",
        (TP, SH),
        first_person=False,
    ),
    RuleSpec(
        "en.tp_kill_self",
        "third_party",
        rf"\b(?:kill|kills|killing|end|ends|ending) {_THEM_SELF}\b|\b(?:take|taking) (?:his|her|their) (?:own )?life\b",
        (TP, SI),
        first_person=False,
    ),
    RuleSpec(
        # A death by suicide is grief, not someone at risk now: the writer's own risk decides.
        "en.tp_died_by_suicide",
        "mention",
        rf"\b(?:killed|ended) {_THEM_SELF}\b|\btook (?:his|her|their) (?:own )?life\b|\bdied by suicide\b",
        (SI,),
        first_person=False,
    ),
    RuleSpec(
        "en.tp_help",
        "third_party",
        r"\bhow (?:can|do|should|could|would) i (?:help|support|talk to|reach|get through to|be there for) (?:a friend|someone|somebody|my \w+|him|her|them|a loved one|a student|a coworker)\b[^.!?]{0,60}\b(?:suicidal|suicide|die|dying|kill|self-harm|cutting|depressed|hopeless|crisis|hurt)",
        (TP, SI),
        first_person=False,
    ),
    RuleSpec(
        "en.tp_worried",
        "third_party",
        rf"\b(?:worried|scared|afraid|terrified|concerned) (?:about |for |that )?(?:{_PERSON})\b[^.!?]{{0,40}}\b(?:suicid\w*|kill {_THEM_SELF}|hurt {_THEM_SELF}|self-harm\w*|end (?:his|her|their) life|do something stupid|do something to {_THEM_SELF}|not be around)\b",
        (TP, SI),
        first_person=False,
    ),
    RuleSpec(
        "en.tp_imminent",
        "third_party_imminent",
        rf"\b{_PERSON} (?:just )?(?:(?:took|swallowed|has taken|have taken) (?:(?:a|an|all(?: of)?|the|too many|some|a bunch of|a handful of|loads of|lots of|his|her|their|a whole (?:bottle|pack|box) of) )*(?:{_PILLS}|an overdose|them all)|overdosed|od'd|is overdosing|cut (?:his|her|their) wrists|is on the (?:bridge|roof|ledge|edge|tracks)|has a (?:gun|knife|rope|noose)|locked (?:himself|herself|themselves) in|is (?:going to|gonna) (?:do it|jump|kill {_THEM_SELF}) (?:tonight|now|today|right now))\b",
        (TP, SI),
        first_person=False,
    ),
    RuleSpec(
        "en.tp_goodbye",
        "third_party_imminent",
        rf"\b{_PERSON} (?:just )?(?:sent|texted|posted|wrote) (?:me |us |everyone )?(?:a )?(?:goodbye|farewell|suicide) (?:text|message|note|letter|post)\b",
        (TP, SI),
        first_person=False,
    ),
    # --- added after reviewing misses on the training split ---
    RuleSpec(
        "en.happier_without",
        "passive",
        r"\b(?:happier|better|relieved|better off|a better place)\b[^.!?]{0,25}\b(?:without me|if i (?:was|were|wasn't|weren't|just|died|stopped|am)\b|when i(?:'m| am)? (?:dead|gone))",
        (SI,),
    ),
    RuleSpec(
        "en.point_alive",
        "hopeless",
        r"\b(?:don't|do not|can't|cannot) (?:really |even |honestly )?see (?:the|any|much) point (?:in|of) (?:me |my )?(?:being alive|living|life|going on|staying alive)\b"
        # "...the point in me sticking around", not at a job or in a group
        r"|\b(?:don't|do not|can't|cannot) (?:really |even |honestly )?see (?:the|any|much) point (?:in|of) (?:me |my )?(?:sticking around|carrying on|existing|waking up)\b(?! (?:at|in|with|for|on) (?:my |this |the |a |that )?(?:job|work|company|school|uni|class|team|course|degree|relationship|place|server|group|club|game|show|party))|\bwhy (?:do i|should i) (?:even )?(?:bother )?(?:stay|staying) alive\b|\b(?:don't|do not) care (?:if|whether) i (?:live or )?die\b",
        (SI,),
        negatable=False,
    ),
    RuleSpec(
        "en.not_around",
        "warning_sign",
        r"\b(?:won't|will not|not going to|don't think i'll|don't think i will) (?:be (?:around|here|alive)|make it) (?:much longer|for much longer|to (?:my|next|the)|by|after|next|anymore)\b|\bwon't be (?:a problem|a burden|posting|talking|writing) (?:for )?(?:much longer|again|anymore|after (?:tonight|today))\b",
        (SI,),
        negatable=False,
    ),
    RuleSpec(
        "en.dead_by",
        "imminent",
        r"\b(?:i'll|i will|i'm going to) be (?:dead|gone) (?:by|before) (?:morning|tomorrow|tonight|the weekend|the end of (?:the )?(?:day|night|week))\b|\bnot (?:going to|gonna) be alive (?:tomorrow|by|in the morning|next week)\b|\bi've made sure of it\b",
        (SI,),
        negatable=False,
    ),
    RuleSpec(
        "en.took_them",
        "behaviour",
        r"\b(?:already|just) (?:took|swallowed|taken) (?:them|it|the pills|all of them|the lot)\b|\bpills (?:are )?(?:kicking in|starting to work)\b|\battempted (?:suicide|last night|again|yesterday|this morning|today)\b|(?<!'s\x20)(?<!his\x20)(?<!her\x20)(?<!their\x20)\bsuicide attempt\b",
        (SI,),
        unless=_LONG_AGO,
    ),
    RuleSpec(
        "en.about_to",
        "imminent",
        r"\b(?:about to|going to|gonna) do something (?:really |very )?(?:bad|stupid|terrible|drastic|permanent) to myself\b",
        (SI,),
    ),
    RuleSpec(
        "en.take_them_all",
        "intent",
        r"\b(?:going to|gonna|will|i'll|about to) (?:take|swallow|down) (?:them all|all of them|all my|the whole|every (?:single )?(?:one|pill))\b",
        (SI, MS),
        # "if anyone has recs for games ... i will take them all"
        unless=r"\b(?:recs?|rec's|recommendations?)\b",
    ),
    RuleSpec(
        "en.holding_means",
        "plan",
        rf"\b(?:i'm|i am) (?:holding|sitting with|staring at|in the bathroom with|in my room with|in the car with) (?:a|the|my) (?:{_PILLS}|razor|blade|knife|rope|gun|bottle|noose)\b|\bin the car with the engine running\b|\b(?:i've|i have) got the (?:{_PILLS}|rope|gun|razor|blade) (?:here|now|with me|right here)\b",
        (SI, MS),
    ),
    RuleSpec(
        "en.how_high",
        "method",
        r"\bhow (?:high|tall|far|long|deep|much|many)\b[^.!?]{0,40}\b(?:to die|to kill (?:me|myself|you|someone)|be fatal|be lethal|not survive|to not wake up|die from)\b",
        (MS, SI),
    ),
    RuleSpec(
        "en.get_means",
        "means",
        r"\b(?:buy|get|find|get hold of|order) (?:a |some |enough )?(?:gun|firearm|rope|noose|razor blades|sleeping pills|poison)\b",
        (MS,),
    ),
    RuleSpec(
        "en.timing",
        "timing",
        r"\b(?:tonight|by morning|right now|this weekend|after work|when (?:everyone|they|my (?:parents|flatmates|roommates)) (?:is |are )?(?:asleep|away|gone|at work|out))\b|\b(?:have|got|made|i've got) a plan\b|\bi've (?:decided|made up my mind|made my choice|made the decision)\b",
        (),
    ),
    # --- a bare mention, not about oneself ---
    RuleSpec("en.mention_suicide", "mention", r"\bsuicid(?:e|es|al)\b", (SI,), first_person=False),
    RuleSpec(
        "en.mention_self_harm",
        "mention",
        r"\bself-harm(?:ing)?\b|\bself-injur(?:y|ies)\b",
        (SH,),
        first_person=False,
    ),
    RuleSpec(
        "en.mention_overdose", "mention", r"\boverdos(?:e|ed|es|ing)\b", (SI,), first_person=False
    ),
]

# Figures of speech removed before matching: they sound like risk and are not.
IDIOMS: list[str] = [
    # Told the other way round: "not once, in all those years, did I cut myself".
    r"\b(?:not once|never once|not even once|not one time)\b[^.!?]{0,40}?\b(?:did|have|had) i (?:ever )?(?:actually |really )?(?:cut|hurt|harm|harmed|hurted|kill|killed|try to kill|tried to kill) myself\b",
    # Saying plainly there is no such thought: "I don't have thoughts to hurt myself".
    r"\bi(?:'ve| have)? (?:don't|do not|haven't|have not|never|didn't|did not) (?:have|had|get|got|feel|felt) (?:any |a )?(?:single )?(?:thoughts?|urges?|plans?|intention|desire|wish) (?:of|to|about|for) (?:hurt|hurting|harm|harming|kill|killing|end|ending) (?:myself|my life)\b",
    r"\b(?:feet|foot|back|head|legs|knees|shoulders|neck|eyes|stomach|tummy|heat|shoes|boots|hangover|cramps|allergies|my \w+|this \w+|these \w+|the \w+|you guys|you|it|that|they|he|she|this|lol|lmao) (?:is|are|'re|'s)? ?(?:absolutely |literally |actually |seriously |really |totally |just )?killing me\b",
    r"\bkill(?:ing|ed|s)? it\b",
    r"\bkill(?:ing|ed|s)? (?:the|a|an|some|those|these|all the|every) (?:game|vibe|mood|boss|bosses|dragon|dragons|zombie|zombies|monster|monsters|enemy|enemies|lights|light|engine|music|process|bug|bugs|weeds|spider|spiders|fly|flies|mosquito|mosquitoes|time|conversation|final boss|presentation|interview|exam|audition|show|performance|competition|round|level|batteries|battery)\b",
    r"\bkill (?:two birds|some time|time)\b",
    # A break-up: "i'm going to end it with him", "ending things with my gf".
    r"\bend(?:ing|ed|s)? (?:it|things) (?:with|between) (?:him|her|them|us|my (?:boyfriend|girlfriend|bf|gf|partner|husband|wife|fiance|fiancee|ex|date|situationship))\b|\bcall(?:ing|ed)? it (?:off|quits)\b",
    r"\b(?:die|died|dying|dead) (?:of|from) (?:embarrassment|laughter|laughing|shame|boredom|cringe|cuteness|curiosity|jealousy|envy|excitement|happiness|heat|thirst|hunger)\b",
    r"\bto die for\b",
    r"\bhills? (?:(?:that )?(?:i|i'm|i am|i'd|we|you)(?:'d)? (?:\w+ )?(?:want|wanna|willing|going|gonna|need|have|prepared|ready)? ?(?:to )?)?(?:to )?die on\b",
    r"\b(?:wants?|wanted|going|gonna|to) (?:to )?die (?:his|her|their|my|your|our) (?:hair|beard|shirt|clothes|jeans|shoes)\b",
    r"\bdying (?:to|for) (?:see|know|try|meet|go|hear|get|watch|read|eat|find out|tell|visit|play|have|a|an|some|the)\b",
    r"\bi (?:could|would) (?:just |literally )?die (?:of|from|for|happy|laughing)\b",
    r"\b(?:mom|mum|mother|dad|father|boss|teacher|wife|husband|coach|parents|gf|bf|girlfriend|boyfriend|sister|brother|manager|landlord|prof|professor|grandma|nan|accountant|editor|trainer|dentist|mechanic|roommate|flatmate|team) (?:is|are|will|would|'s|'ll|is going to|are going to|is gonna|are gonna|gonna|going to) (?:literally |actually |absolutely |so )?(?:kill|murder) me\b",
    r"\b(?:dead|died|dying) (?:lol|lmao|haha|hahaha|rofl|xd)\b|\b(?:lol|lmao|haha|rofl) (?:i'm|im|i am) (?:dead|dying|deceased)\b|\bi'm (?:dead|dying|deceased) (?:💀|😂|🤣)",
    r"\bdead (?:tired|serious|wrong|right|end|lift|lifts|weight|lock|heat|ringer|set|on|center|centre|even|last|beat|broke|certain|sure|simple|easy|quiet|silent)\b",
    r"\bdeadlines?\b|\bdeadlift\w*\b",
    r"\b(?:battery|phone|laptop|plant|plants|car|computer|fish|goldfish|hamster|tamagotchi|character|server|conversation|chat|party|mood|vibe|group chat|game|series|show|franchise|meme|trend|joke|wifi|router|console|controller|engine) (?:is |was |has |just |finally |totally )?(?:dead|died|dying|killed)\b",
    r"\bdying (?:laughing|of laughter|inside lol)\b",
    r"\bsuicide (?:squad|doors|door|mission|missions|run|runs|pass|squeeze|silence|king|bomber|bombers|bombing|bombings|attack|attacks|drill|sprint|sprints|shift|note challenge)\b",
    r"\b(?:overdose|overdosed|overdosing|od'd|od|oded) on (?:coffee|caffeine|sugar|netflix|chocolate|candy|anime|tv|memes|pizza|energy drinks|cake|sweets|cookies|k-pop|kpop|video games)\b",
    r"\bshoot (?:me|you|him|her|them|us|myself) (?:an?|the) (?:email|message|text|dm|line|note|call)\b",
    r"\bhang(?:ing|s|ed)? (?:out|in there|on|up|around|tight|loose|with)\b",
    r"\bcut(?:ting|s)? (?:class|classes|school|carbs|sugar|ties|costs|my hair|the cake|corners|back|down|in line|the line|loose|it out|the grass|the lawn|my nails|the cord|my losses|the budget|off)\b|\bcut myself (?:a|some) (?:slice|piece|break)\b",
    r"\bkill(?:ing)? myself (?:laughing|with laughter|working|at work|at the gym|over (?:this|that|it|nothing)|trying to|for (?:this|that|nothing|a|an|the))\b",
    r"\b(?:bored|scared|sick|worried|frightened|tired|tickled|freezing|loved|love (?:you|it|this|them|him|her)) to death\b",
    r"\bover my dead body\b|\bdrop dead (?:gorgeous|beautiful)\b|\bshoot myself in the foot\b|\bcross that bridge\b|\bburn(?:ed|ing|t)? (?:the midnight oil|bridges|out)\b",
    r"\b(?:this|that|the|my|these|those) (?:exam|exams|homework|meeting|meetings|class|test|lecture|traffic|commute|queue|line|math|maths|assignment|essay|game|level|boss|week|monday|job|shift|hangover|song|movie|show|episode|weather|heat|cringe|group project|paperwork|code|bug|printer|wifi|ending|finale|cliffhanger) (?:is going to|is gonna|will|makes me want to|made me want to|is making me want to|honestly makes me want to|literally makes me want to) (?:kill me|die|end it all|kill myself|unalive)\b",
    r"\b(?:i could|i'm going to|i'm gonna|i'll|i will|i might) (?:literally |honestly )?(?:kill|murder|strangle|strangl) (?:him|her|them|you|my brother|my sister|my roommate|my cat|my dog)\b(?:[^.!?]{0,25}\b(?:lol|lmao|haha|for eating|for taking|if (?:he|she|they) (?:eat|eats|take|takes|touch|touches|use|uses)))",
    r"\bmurder(?:ed|ing)? (?:it|that|the (?:song|set|stage|game|track|test))\b",
    r"\bkilled (?:me|us) (?:lol|lmao|haha)\b|\b(?:that|this|it) (?:joke|meme|video|show|episode) (?:killed|kills) me\b",
    r"\bgun(?:ning)? (?:it|for)\b|\bjumping (?:the gun|to conclusions|through hoops)\b",
]

# Words that cancel a risk phrase that follows closely in the same clause.
NEGATIONS = r"\b(?:not|never|no|no longer|don't|do not|didn't|did not|won't|will not|wouldn't|would not|isn't|aren't|wasn't|nor|neither|hardly|nothing like|far from|can't imagine|couldn't ever|stopped)\b|n't\b"

# Talk *about* a topic (films, news, homework) rather than about oneself.
REFERENCES = r"\b(?:film|films|movie|movies|show|tv show|series|episode|season|documentary|docu|song|songs|lyrics|lyric|album|band|singer|rapper|book|books|novel|novels|poem|poems|poetry|story|short story|fanfic|fanfiction|character|characters|protagonist|villain|anime|manga|comic|cartoon|game|video game|videogame|quest|npc|news|article|headline|headlines|newspaper|report|reporter|journalist|podcast|study|studies|research|paper|thesis|dissertation|essay|homework|assignment|class|course|lecture|lesson|presentation|project|statistics|stats|rates|rate|prevention|awareness|training|workshop|seminar|curriculum|hotline volunteer|celebrity|actor|actress|history|historical|historian|poet|author|play|shakespeare|hamlet|romeo|juliet|opera|painting|museum|biology|psychology class|textbook|quiz|exam question|13 reasons why|thirteen reasons why|wikipedia|statistic|epidemiology|policy|legislation|law|debate|hypothetically|hypothetical|in general|generally speaking)\b"
