from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from PIL import Image

from bot.scheduler.mood_chart import PNG_SIGNATURE, MoodPoint, render_mood_chart, summarize

NOW = datetime(2025, 6, 30, 20, 0, tzinfo=UTC)


def test_chart_is_a_png_with_one_point_per_mood_in_the_window() -> None:
    points = [MoodPoint(NOW - timedelta(days=d), 1 + d % 5) for d in range(0, 40, 2)]
    inside = sum(1 for p in points if p.at >= NOW - timedelta(days=30))
    chart = render_mood_chart(points, now=NOW, days=30, title="Mood")
    assert chart.png.startswith(PNG_SIGNATURE)
    assert chart.points_plotted == inside == 16
    with Image.open(io.BytesIO(chart.png)) as image:
        assert image.format == "PNG"
        assert image.size == (640, 320)
    assert chart.summary.count == inside


def test_empty_chart_still_renders() -> None:
    chart = render_mood_chart([], now=NOW)
    assert chart.png.startswith(PNG_SIGNATURE)
    assert chart.points_plotted == 0
    assert chart.summary.average is None


def test_summary_trend_and_average() -> None:
    base = NOW - timedelta(days=10)
    points = [MoodPoint(base + timedelta(days=i), s) for i, s in enumerate([1, 2, 4, 5])]
    summary = summarize(points)
    assert summary.average == 3.0
    assert summary.latest == 5
    assert summary.trend == 3.0  # (4+5)/2 - (1+2)/2
    assert summarize(points[:3]).trend is None
