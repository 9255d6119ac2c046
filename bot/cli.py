"""``python -m bot``: run, chat, check, classify, safety-eval.

Every known failure (bad config, missing model, unusable database) ends with
one clear line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.config import DEFAULT_CONFIG_PATH, ConfigError, HavenConfig, load_config
from bot.memory.db import MemoryUnavailable
from bot.observability.logs import setup_logging
from model.base import BackendUnavailable

EXIT_OK = 0
EXIT_CONFIG = 1
EXIT_UNAVAILABLE = 2
EXIT_INTERRUPTED = 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Haven support chatbot")
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        cmd = sub.add_parser(name, help=help_text)
        cmd.add_argument(
            "--config", type=Path, default=None, help="TOML file (default: config.toml)"
        )
        return cmd

    add("run", "start the enabled adapters, scheduler and health endpoint")
    chat = add("chat", "one conversation in the terminal, one message per line")
    chat.add_argument("--user", default=None, help="who is talking (default: your login name)")
    add("check", "validate the config and report which backends are usable")
    add("classify", "grade each stdin line's risk as one JSON object per line")
    evaluate = add("safety-eval", "measure the safety classifier on a labelled JSONL file")
    evaluate.add_argument("path", type=Path, nargs="?", default=None)
    return parser


def _load(path: Path | None) -> HavenConfig:
    config = load_config(path)
    setup_logging(config.bot.log_level, log_content=config.privacy.log_content)
    return config


def config_file(path: Path | None) -> Path | None:
    """The file a config was read from (absolute), for ``/mod reload``; None
    when there was none and only defaults and environment applied."""
    chosen = path if path is not None else DEFAULT_CONFIG_PATH
    return chosen.resolve() if chosen.is_file() else None


def _default_user() -> str:
    for key in ("USER", "LOGNAME", "USERNAME"):
        if os.environ.get(key):
            return os.environ[key]
    return "local"


async def _chat(config: HavenConfig, user: str, config_path: Path | None) -> int:
    """The full app (plug-ins included: ``/mod``, ``/checkin``, ``/mood``) with
    the terminal as its only adapter, so check-ins reach this user here."""
    from bot.adapters.terminal import TerminalAdapter
    from bot.app import HavenApp

    app = await HavenApp.create(config, config_path=config_path)
    try:
        terminal = TerminalAdapter(config, app.core, user=user)
        await app.start(adapters=[terminal])
        return await terminal.run()
    finally:
        await app.stop()


async def _check(config: HavenConfig) -> int:
    from model.factory import check_backends

    print(f"config: ok (memory.path={config.memory.path}, model.backend={config.model.backend})")
    primary_ok = True
    for health in await check_backends(config.model):
        role = health.extra.get("role", "")
        state = "available" if health.available else "unavailable"
        detail = f": {health.detail}" if health.detail else ""
        print(f"backend {health.name} [{role}]: {state}{detail}")
        if role == "primary" and not health.available:
            primary_ok = False
    print(f"safety: {await _safety_status(config)}")
    return EXIT_OK if primary_ok else EXIT_UNAVAILABLE


async def _safety_status(config: HavenConfig) -> str:
    """Load the semantic classifier the way the bot does, to say whether it will
    run or why only the lexicon will (crisis replies work either way)."""
    from bot.safety import build_safety_layer

    safety = build_safety_layer(config)
    await safety.warm_up()
    status = safety.semantic_status
    if status == "ready":
        return "lexicon + semantic classifier ready"
    return f"lexicon only (semantic classifier {status})"


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        config = _load(args.config)
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_CONFIG
    try:
        if args.command == "run":
            from bot.app import run_service

            return asyncio.run(run_service(config, config_path=config_file(args.config)))
        if args.command == "chat":
            # The chat serves one person: no health port.
            config.health.enabled = False
            user = args.user or _default_user()
            return asyncio.run(_chat(config, user, config_file(args.config)))
        if args.command == "check":
            return asyncio.run(_check(config))
        if args.command == "classify":
            from bot.safety.cli import run_classify  # type: ignore[import-not-found]

            return int(run_classify(config, sys.stdin, sys.stdout) or 0)
        if args.command == "safety-eval":
            from bot.safety.cli import run_safety_eval  # type: ignore[import-not-found]

            return int(run_safety_eval(config, args.path, sys.stdout) or 0)
    except (BackendUnavailable, MemoryUnavailable) as exc:
        print(f"haven: {exc}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    except KeyboardInterrupt:
        return EXIT_OK
    return EXIT_CONFIG
