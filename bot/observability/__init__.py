"""Logging, metrics and the health endpoint."""

from bot.observability.logs import setup_logging
from bot.observability.metrics import HavenMetrics
from bot.observability.server import HealthServer

__all__ = ["HavenMetrics", "HealthServer", "setup_logging"]
