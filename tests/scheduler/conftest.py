from tests.moderation.helpers import backend, clock, config, core, db, notifier

__all__ = ["backend", "clock", "config", "core", "db", "notifier"]
