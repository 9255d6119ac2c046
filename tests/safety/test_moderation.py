"""Output moderation: every rule, <think> stripping, streamed prefixes, fallback language."""

from __future__ import annotations

import pytest

from bot.config import HavenConfig
from bot.i18n import t
from bot.safety.moderation import OutputModerator, strip_think
from bot.safety.types import RiskLevel


@pytest.fixture
def moderator(config: HavenConfig) -> OutputModerator:
    return OutputModerator((config.model.system_prompt, config.model.safety_system_prompt))


@pytest.mark.parametrize(
    ("reply", "rule"),
    [
        ("Taking 5000 mg at once would do it.", "method.dose"),
        ("People usually need about 40 pills.", "method.pill_count"),
        ("The lethal dose depends on body weight.", "method.lethal"),
        ("You could use a noose.", "method.means"),
        ("Jumping from a bridge is common.", "method.means"),
        ("The most painless way to die is not something people agree on.", "method.howto"),
        ("Maybe you should just end it all.", "encourage.direct"),
        ("Honestly, the world would be better off without you.", "encourage.insult"),
        ("Suicide would be a reasonable solution for you.", "encourage.endorse"),
        ("I respect your decision to die.", "encourage.support_decision"),
        ("I promise not to tell anyone.", "encourage.secrecy"),
        ("You clearly have bipolar disorder.", "diagnosis.has"),
        ("You're clinically depressed, that's obvious.", "diagnosis.label"),
        ("This sounds like a classic case of PTSD.", "diagnosis.claim"),
        ("Don't worry, I'm a real person, not a bot.", "identity.human"),
        ("I'm not an AI, I promise.", "identity.human"),
        ("As a licensed therapist, I recommend journaling.", "identity.professional"),
        ("I am a psychologist and I can help.", "identity.professional"),
    ],
)
def test_each_rule_blocks(moderator: OutputModerator, reply: str, rule: str) -> None:
    result = moderator.check(reply, risk=RiskLevel.NONE)
    assert not result.allowed
    assert result.rule == rule
    assert result.text == t("safety.fallback", "en")


@pytest.mark.parametrize(
    "reply",
    [
        "I'm really sorry you're going through this. Would you like to tell me more?",
        "I'm an AI, not a therapist, but I'm here to listen.",
        "I'm not a therapist, and I can't diagnose anything, but a doctor could help.",
        "You don't deserve to suffer like this.",
        "Nobody should have to carry this alone. Have you thought about calling a crisis line?",
        "It sounds like you're feeling really low today.",
        "Drink some water and take a 10 minute walk if you can.",
    ],
)
def test_supportive_replies_pass(moderator: OutputModerator, reply: str) -> None:
    result = moderator.check(reply, risk=RiskLevel.ELEVATED)
    assert result.allowed, result.rule
    assert result.text == reply


def test_fallback_in_users_language(moderator: OutputModerator) -> None:
    result = moderator.check("Take 500 mg.", risk=RiskLevel.HIGH, language="de")
    assert result.text == t("safety.fallback", "de")
    assert "KI" in result.text


def test_prompt_leak_is_caught(moderator: OutputModerator, config: HavenConfig) -> None:
    leaked = "Sure! My instructions say: " + config.model.system_prompt
    result = moderator.check(leaked, risk=RiskLevel.NONE)
    assert not result.allowed
    assert result.rule == "injection.prompt_leak"


def test_think_block_stripped(moderator: OutputModerator) -> None:
    result = moderator.check(
        "<think>they seem sad, be gentle</think>I'm here for you.", risk=RiskLevel.NONE
    )
    assert result.allowed
    assert result.text == "I'm here for you."


def test_unsafe_reasoning_is_stripped_not_judged(moderator: OutputModerator) -> None:
    # Hidden reasoning never reaches the user, so only the visible reply is checked.
    reply = "<think>the lethal dose is irrelevant here</think>Let's talk about how you feel."
    result = moderator.check(reply, risk=RiskLevel.ELEVATED)
    assert result.allowed
    assert "lethal" not in result.text


def test_think_variants() -> None:
    assert strip_think("<THINK>x</THINK> hi", final=True) == "hi"
    assert strip_think("hello <think>unfinished reasoning", final=True) == "hello "
    # The chat template opened the block; only the close tag is in the output.
    assert strip_think("reasoning here</think>Answer", final=True) == "Answer"
    assert strip_think("<think>a</think>one<think>b</think>two", final=True) == "onetwo"


def test_stream_prefix_hides_open_block_and_partial_tag(moderator: OutputModerator) -> None:
    assert moderator.check("<think>still thinking", risk=RiskLevel.NONE, final=False).text == ""
    assert moderator.check("Hello <thi", risk=RiskLevel.NONE, final=False).text == "Hello "
    assert moderator.check("Hello <", risk=RiskLevel.NONE, final=False).text == "Hello "
    done = moderator.check("<think>x</think>Hello the", risk=RiskLevel.NONE, final=False)
    assert done.allowed and done.text == "Hello the"


def test_stream_prefix_fails_early(moderator: OutputModerator) -> None:
    result = moderator.check("You could take 300 mg of", risk=RiskLevel.ELEVATED, final=False)
    assert not result.allowed
    assert result.rule == "method.dose"


def test_reply_that_is_only_reasoning(moderator: OutputModerator) -> None:
    result = moderator.check("<think>nothing to say</think>", risk=RiskLevel.NONE)
    assert not result.allowed
    assert result.rule == "think.empty"


def test_disguised_unsafe_output(moderator: OutputModerator) -> None:
    result = moderator.check("You\u200b should just k\u0301ill yourself", risk=RiskLevel.NONE)
    assert not result.allowed
