"""The 30-day mood chart: a small PNG rendered off the event loop.

Uses matplotlib's object API with the Agg canvas (no pyplot, no global
state), so renders in worker threads never touch each other. Call
``render_mood_chart`` through ``asyncio.to_thread``: about 40 ms of CPU a chart.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import DateFormatter
from matplotlib.figure import Figure

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True, slots=True)
class MoodPoint:
    at: datetime  # aware
    score: int  # 1..5


@dataclass(frozen=True, slots=True)
class MoodSummary:
    count: int
    average: float | None
    latest: int | None
    # Mean of the later half minus the earlier half; None with fewer than 4 points.
    trend: float | None


@dataclass(frozen=True, slots=True)
class MoodChart:
    png: bytes
    points_plotted: int  # read from the figure's line data, before saving
    summary: MoodSummary


def in_window(points: Sequence[MoodPoint], now: datetime, days: int) -> list[MoodPoint]:
    start = now - timedelta(days=days)
    return sorted((p for p in points if start <= p.at <= now), key=lambda p: p.at)


def summarize(points: Sequence[MoodPoint]) -> MoodSummary:
    if not points:
        return MoodSummary(0, None, None, None)
    scores = [p.score for p in points]
    trend = None
    if len(scores) >= 4:
        half = len(scores) // 2
        trend = sum(scores[half:]) / len(scores[half:]) - sum(scores[:half]) / half
    return MoodSummary(len(scores), sum(scores) / len(scores), scores[-1], trend)


def render_mood_chart(
    points: Sequence[MoodPoint], *, now: datetime, days: int = 30, title: str = ""
) -> MoodChart:
    shown = in_window(points, now, days)
    fig = Figure(figsize=(6.4, 3.2), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    xs = [p.at for p in shown]
    ys = [p.score for p in shown]
    (line,) = ax.plot(xs, ys, marker="o", linestyle="-", color="#4a7fb0")
    ax.set_xlim(now - timedelta(days=days), now)
    ax.set_ylim(0.5, 5.5)
    ax.set_yticks([1, 2, 3, 4, 5])
    ax.grid(True, alpha=0.3)
    ax.xaxis.set_major_formatter(DateFormatter("%d %b"))
    if title:
        ax.set_title(title)
    fig.autofmt_xdate()
    plotted = len(line.get_xdata())
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return MoodChart(buffer.getvalue(), plotted, summarize(shown))
