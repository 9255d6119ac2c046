"""The terminal chat: one message per line in, replies out, through the full pipeline.

stdout carries nothing but replies (logs and the disclaimer on a pipe go to
stderr), so ``printf '...' | python -m bot chat`` is scriptable. On a TTY the
disclaimer is answered by typing, and buttons become numbered choices.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
from dataclasses import dataclass
from typing import BinaryIO, TextIO

from bot.config import HavenConfig
from bot.core.pipeline import ConversationCore
from bot.i18n import language_for_locale, t
from bot.messages import Attachment, Button, ChatKind, Incoming, Outbound, Platform, Reply

_YES = {"y", "yes", "s", "si", "sí", "j", "ja", "o", "oui", "ok", "okay", "agree", "i agree"}
_NO = {"n", "no", "nein", "non", "no thanks"}
_EOF = object()

log = logging.getLogger(__name__)


@dataclass(slots=True)
class _Choice:
    buttons: tuple[Button, ...]
    consent: bool


class TerminalAdapter:
    platform = Platform.TERMINAL

    def __init__(
        self,
        config: HavenConfig,
        core: ConversationCore,
        *,
        user: str = "local",
        stdin: BinaryIO | None = None,
        stdout: TextIO | None = None,
        stderr: TextIO | None = None,
        interactive: bool | None = None,
        locale: str | None = None,
    ) -> None:
        self.config = config
        self.core = core
        self.user = user
        self.stdin = stdin if stdin is not None else sys.stdin.buffer
        self.stdout = stdout if stdout is not None else sys.stdout
        self.stderr = stderr if stderr is not None else sys.stderr
        self.interactive = self._isatty() if interactive is None else interactive
        self.locale = locale or config.bot.default_locale
        self.language = language_for_locale(self.locale, config.bot.default_locale)
        self._choice: _Choice | None = None
        self._stopping = False
        # One message at a time on stdout: a check-in must not cut into a streaming reply.
        self._output = asyncio.Lock()

    def _isatty(self) -> bool:
        try:
            return self.stdin.isatty()
        except (AttributeError, ValueError):
            return False

    # -- the Adapter protocol (send is used by plug-ins' notices) ---------------

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        self._stopping = True

    async def send(self, message: Outbound) -> bool:
        """Check-ins and alerts for this terminal's user print like a reply;
        anything for someone else is not shown (stdout is this user's)."""
        if Platform(message.platform) is not Platform.TERMINAL or message.chat_id != self.user:
            log.info("a message for another terminal user was not shown")
            return False
        async with self._output:
            self.stdout.write(message.text + "\n")
            self._show_extras(message.buttons, message.attachment, consent=False)
            self.stdout.flush()
        return True

    # -- the chat loop -------------------------------------------------------------

    def incoming(self, text: str = "", action: str | None = None) -> Incoming:
        return Incoming(
            platform=Platform.TERMINAL,
            user_id=self.user,
            chat_id=self.user,
            chat_kind=ChatKind.DM,
            text=text,
            locale=self.locale,
            action=action,
            user_name=self.user,
        )

    async def run(self) -> int:
        """Chat until end of input; returns the exit status (0)."""
        lines: asyncio.Queue[object] = asyncio.Queue()
        self._start_reader(lines)
        if not self.interactive:
            await self._operator_consent()
        elif await self._needs_consent():
            await self._show(self.incoming("/start"))
        while not self._stopping:
            if self.interactive:
                self._prompt()
            item = await lines.get()
            if item is _EOF:
                break
            assert isinstance(item, bytes)
            text = item.decode("utf-8", errors="replace").rstrip("\r\n")
            action = self._choice_for(text)
            if action is not None:
                await self._show(self.incoming(action=action))
            else:
                await self._show(self.incoming(text))
        return 0

    def _start_reader(self, lines: asyncio.Queue[object]) -> None:
        """Read stdin in a daemon thread: a blocked read must never keep Ctrl-C
        (or the process exit) waiting, which ``to_thread`` would."""
        loop = asyncio.get_running_loop()

        def read() -> None:
            try:
                for raw in iter(self.stdin.readline, b""):
                    loop.call_soon_threadsafe(lines.put_nowait, raw)
            except (OSError, ValueError):
                pass
            finally:
                try:
                    loop.call_soon_threadsafe(lines.put_nowait, _EOF)
                except RuntimeError:
                    pass  # the loop is already closed

        threading.Thread(target=read, name="haven-stdin", daemon=True).start()

    async def _needs_consent(self) -> bool:
        user = await self.core.store.get_user(Platform.TERMINAL.value, self.user)
        return self.core.needs_consent(user)

    async def _operator_consent(self) -> None:
        """On a pipe nobody can press a button: whoever runs the command agrees."""
        if not await self._needs_consent():
            return
        disclaimer = self.core.disclaimer(self.language)
        print(disclaimer.text, file=self.stderr)
        print(t("consent.operator", self.language), file=self.stderr, flush=True)
        await self.core.record_consent(Platform.TERMINAL.value, self.user, self.locale)

    def _prompt(self) -> None:
        # On stderr: stdout carries replies only, even on a TTY.
        self.stderr.write("> ")
        self.stderr.flush()

    def _choice_for(self, text: str) -> str | None:
        choice, self._choice = self._choice, None
        if choice is None:
            return None
        answer = text.strip().lower()
        if answer.isdigit() and 1 <= int(answer) <= len(choice.buttons):
            return choice.buttons[int(answer) - 1].action
        if choice.consent and answer in _YES:
            return "consent:yes"
        if choice.consent and answer in _NO:
            return "consent:no"
        if choice.consent:
            self._choice = choice  # keep asking; nothing is stored meanwhile
        return None

    async def _show(self, incoming: Incoming) -> None:
        async for reply in self.core.handle(incoming):
            await self._render(reply)

    async def _render(self, reply: Reply) -> None:
        async with self._output:
            await self._write(reply)

    async def _write(self, reply: Reply) -> None:
        if reply.stream is not None and self.interactive:
            shown = ""
            async for snapshot in reply.stream:
                if snapshot.startswith(shown):
                    self.stdout.write(snapshot[len(shown) :])
                else:  # moderation replaced what was shown
                    self.stdout.write("\n" + snapshot)
                shown = snapshot
                self.stdout.flush()
            self.stdout.write("\n")
            reply.text, reply.stream = shown, None
        else:
            self.stdout.write(await reply.final_text() + "\n")
        self._show_extras(reply.buttons, reply.attachment, consent=reply.kind == "consent")
        self.stdout.flush()

    def _show_extras(
        self, buttons: tuple[Button, ...], attachment: Attachment | None, *, consent: bool
    ) -> None:
        """Text attachments inline (``/export``), others by name; buttons as numbered choices."""
        if attachment is not None:
            if attachment.mime.startswith("text/") or attachment.mime == "application/json":
                self.stdout.write(attachment.data.decode("utf-8", errors="replace") + "\n")
            else:
                self.stdout.write(f"[{attachment.filename}: {len(attachment.data)} bytes]\n")
        if buttons and self.interactive:
            for number, button in enumerate(buttons, 1):
                self.stdout.write(f"  {number}. {button.label}\n")
            if consent:
                self.stdout.write(t("consent.tty_prompt", self.language) + "\n")
            self._choice = _Choice(buttons, consent)
