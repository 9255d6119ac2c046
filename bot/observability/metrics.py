"""Prometheus metrics for one running app: counts and timings, never content.

Each app (and each test) gets its own ``CollectorRegistry``, so two cores in
one process never share or collide on counters.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120)


class HavenMetrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.messages = Counter(
            "haven_messages", "Incoming user messages and button presses", ["platform"], registry=r
        )
        self.replies = Counter(
            "haven_replies", "Replies sent, by kind", ["platform", "kind"], registry=r
        )
        self.reply_latency = Histogram(
            "haven_reply_latency_seconds",
            "From a message's arrival to its complete model reply",
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.first_text_latency = Histogram(
            "haven_first_text_latency_seconds",
            "From a message's arrival to the first moderated text of its reply",
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.risk = Counter("haven_risk_levels", "Assessed input risk", ["level"], registry=r)
        self.backend_errors = Counter(
            "haven_backend_errors", "Backend failures, by kind", ["kind"], registry=r
        )
        self.fallbacks = Counter(
            "haven_fallback_replies", "Fallback replies sent, by reason", ["reason"], registry=r
        )
        self.moderation_replacements = Counter(
            "haven_moderation_replacements",
            "Model replies replaced by output moderation",
            registry=r,
        )
        self.rate_limited = Counter(
            "haven_rate_limited", "Messages answered with a slow-down notice", registry=r
        )
        self.queued = Counter(
            "haven_queued_messages",
            "Messages that waited for the user's previous reply",
            registry=r,
        )
        self.memory_errors = Counter(
            "haven_memory_errors", "Database errors answered with a calm reply", registry=r
        )
        self.in_flight = Gauge(
            "haven_generations_in_flight", "Model generations running now", registry=r
        )

    def render(self) -> bytes:
        return generate_latest(self.registry)
