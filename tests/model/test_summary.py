"""Rolling summaries: the prompt sent, the folding of old turns, and a real backend."""

from __future__ import annotations

from collections.abc import Sequence

from model.base import ChatMessage
from model.config import ModelSection, OpenAISection
from model.llama_cpp_backend import LlamaCppBackend
from model.openai_backend import OpenAIBackend
from model.summary import MAX_SUMMARY_CHARS, split_for_summary, summarize
from tests.model.helpers import chat
from tests.model.openai_peer import OpenAIPeer


async def test_summary_sends_old_notes_and_transcript(openai_peer: OpenAIPeer) -> None:
    backend = OpenAIBackend(
        ModelSection(openai=OpenAISection(base_url=openai_peer.base_url, model="peer-model"))
    )
    await backend.start()
    openai_peer.reply = ["She feels ", "tired from ", "work."]
    try:
        turns = chat("Work keeps piling up.", "That sounds heavy.")[1:]
        summary = await summarize(backend, turns, previous="Ana sleeps badly.")
    finally:
        await backend.close()
    assert summary == "She feels tired from work."
    sent = openai_peer.requests[-1]
    assert sent["temperature"] == 0.0
    prompt = sent["messages"][-1]["content"]
    assert "Ana sleeps badly." in prompt
    assert "Person: Work keeps piling up." in prompt
    assert "Companion: That sounds heavy." in prompt


async def test_empty_answer_keeps_the_previous_summary(openai_peer: OpenAIPeer) -> None:
    backend = OpenAIBackend(
        ModelSection(openai=OpenAISection(base_url=openai_peer.base_url, model="peer-model"))
    )
    await backend.start()
    openai_peer.reply = ["   "]
    try:
        assert await summarize(backend, chat("Hi")[1:], previous="kept") == "kept"
        assert await summarize(backend, [], previous="kept") == "kept"
    finally:
        await backend.close()


async def test_long_summaries_are_bounded(openai_peer: OpenAIPeer) -> None:
    backend = OpenAIBackend(
        ModelSection(openai=OpenAISection(base_url=openai_peer.base_url, model="peer-model"))
    )
    await backend.start()
    openai_peer.reply = ["She talked about her week. "] * 100
    try:
        text = await summarize(backend, chat("Hi")[1:], max_new_tokens=1000)
    finally:
        await backend.close()
    assert len(text) <= MAX_SUMMARY_CHARS
    assert text.endswith(".")


async def test_summary_through_llama_cpp_keeps_the_conversation_cache(
    tiny_llama: LlamaCppBackend,
) -> None:
    from tests.model.helpers import collect, greedy

    msgs = chat("I feel alone right now.")
    await collect(tiny_llama, msgs, greedy(6), session="summ")
    restores = int((await tiny_llama.health()).extra["kv_restores"])
    summary = await summarize(tiny_llama, msgs[1:], max_new_tokens=12)
    assert isinstance(summary, str) and summary
    await collect(tiny_llama, msgs, greedy(6), session="summ")
    # the summary ran outside the conversation, which came back from the store
    assert int((await tiny_llama.health()).extra["kv_restores"]) == restores + 1


def _count(messages: Sequence[ChatMessage]) -> int:
    return sum(len(m.content.split()) + 2 for m in messages)


def test_split_keeps_recent_turns_and_folds_pairs() -> None:
    msgs = chat(*(f"turn number {i} with some words" for i in range(10)))
    fold, keep = split_for_summary(msgs, budget_tokens=40, count_tokens=_count, keep_last=4)
    assert keep[0].role == "system"
    assert keep[1].role == "user"
    assert len(keep) - 1 >= 4
    assert fold + keep[1:] == msgs[1:]
    assert _count(keep) <= 40 or len(keep) - 1 == 4


def test_split_folds_nothing_when_it_fits() -> None:
    msgs = chat("short", "reply")
    assert split_for_summary(msgs, 1000, _count) == ([], msgs)
