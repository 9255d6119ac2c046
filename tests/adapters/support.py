"""What the adapter tests plug in at the model seam, and how they start Haven.

``FastBackend`` is the shared ``ScriptedBackend`` (``tests.support.backends``)
with a reply about exams; it can hold a reply half-way until the test
releases it, so "the user saw the first part before the rest" is checked by
order of events, never by timing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.app import HavenApp
from bot.config import HavenConfig
from bot.safety import build_safety_layer
from tests.support.backends import ScriptedBackend

DEFAULT_REPLY = (
    "Thank you for telling me. Exams can feel like a lot. "
    "What part of it weighs on you most right now?"
)


def long_reply(chars: int) -> str:
    """Calm, varied sentences and paragraphs adding up to about ``chars`` characters."""
    sentences = [
        "It makes sense that this feels heavy.",
        "You have been carrying it for a while.",
        "Small steps still count, even on hard days.",
        "Would it help to name one thing you could do this evening?",
    ]
    out: list[str] = []
    size = 0
    i = 0
    while size < chars:
        sentence = sentences[i % len(sentences)]
        sep = "\n\n" if i % 9 == 8 else " "
        out.append(sentence + sep)
        size += len(sentence) + len(sep)
        i += 1
    return "".join(out).strip()


@dataclass
class FastBackend(ScriptedBackend):
    """The shared scripted backend with the adapter tests' name and reply."""

    name: str = "fast-test"
    reply: str = DEFAULT_REPLY


def haven_config(tmp_path: Path, **sections: dict[str, Any]) -> HavenConfig:
    """A config for one test: its own database, no health port, generous limits."""
    base: dict[str, dict[str, Any]] = {
        "memory": {"path": str(tmp_path / "haven.db")},
        "health": {"enabled": False},
        "limits": {"per_minute": 6000, "burst": 1000, "max_queued_per_user": 50},
        "safety": {"semantic": False},
        "scheduler": {"enabled": False},
        "bot": {"shutdown_grace_s": 5},
    }
    for name, values in sections.items():
        base.setdefault(name, {}).update(values)
    return HavenConfig(**base)


async def start_app(
    config: HavenConfig,
    backend: FastBackend,
    *,
    discover_plugins: bool = False,
    plugins: Sequence[Any] | None = None,
) -> HavenApp:
    """Haven as ``python -m bot run`` builds it, with the test backend at the model seam.

    Plug-ins (moderation, scheduler) stay out unless asked for, either all
    discovered ones or the given ``plugins``: these tests are about the
    adapters, and the plug-ins have their own."""
    chosen: list[Any] | None = list(plugins) if plugins is not None else None
    if chosen is None and not discover_plugins:
        chosen = []
    app = await HavenApp.create(
        config,
        backend=backend,
        safety=build_safety_layer(config),
        plugins=chosen,
    )
    await app.start()
    return app
