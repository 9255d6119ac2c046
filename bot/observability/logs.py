"""Logging to stderr, so stdout stays free for the terminal chat's replies.

Haven's own code never puts message text in a log record; ``log_content``
exists for an operator debugging their own instance and is announced loudly.
"""

from __future__ import annotations

import logging
import sys

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# Chatty libraries whose DEBUG/INFO lines can echo request bodies.
_QUIET = ("httpx", "httpcore", "aiohttp.access", "telegram", "discord", "apscheduler", "urllib3")


def setup_logging(level: str = "INFO", *, log_content: bool = False) -> None:
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_haven", False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler._haven = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter(_FORMAT))
    root.addHandler(handler)
    root.setLevel(level)
    for name in _QUIET:
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLevelName(level)))
    if log_content:
        logging.getLogger("haven").warning(
            "privacy.log_content is ON: message text may appear in logs"
        )
