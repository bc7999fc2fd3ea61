"""Chart geometry for server-side SVG (pure: numbers in, coordinates out).

No chart library and nothing from a CDN: the templates in ``templates/tickets/includes/``
draw what these functions compute. Colours are SVG presentation attributes (``fill=``,
``stroke=``), which the CSP allows, unlike ``style=""``. Series differ by dash pattern as
well as colour, so the charts also read in greyscale, and every chart has a text
description; the dashboard puts a data table next to each one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.utils import formats
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 32  # margins around the plot area
MAX_X_LABELS = 8

# Okabe–Ito colours, distinguishable with the common colour-vision deficiencies, all
# at least 4.5:1 against white.
BLUE, VERMILION, GREEN, PURPLE = "#0b5cad", "#b3421a", "#00734d", "#7a3e8f"
DASHES = ["", "6 4", "2 3", "10 3 2 3"]


def _format(value: float) -> str:
    # In the active language: "1,234.5" in English, "1.234,5" in German and Spanish.
    places = 0 if float(value).is_integer() else 1
    return formats.number_format(round(value, places), places, force_grouping=True)


def axis_maximum(largest: float) -> tuple[float, float]:
    """(top of the axis, step between ticks): a round step (1, 2, 5 × 10ⁿ, at least 1) and
    as many steps (at most 5) as needed to reach ``largest``."""
    rough = max(largest / 4, 1)
    magnitude = 10 ** math.floor(math.log10(rough))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= rough)
    return step * max(1, math.ceil(largest / step)), step


@dataclass
class Series:
    name: str
    values: list[float]
    color: str = BLUE
    dash: str = ""
    points: str = ""  # "x,y x,y …" for <polyline>
    dots: list[dict] = field(default_factory=list)  # {"x", "y", "label", "value"}


@dataclass
class Chart:
    id: str
    title: str
    description: str
    width: int = WIDTH
    height: int = HEIGHT
    plot_left: int = LEFT
    plot_right: int = WIDTH - RIGHT
    plot_bottom: int = HEIGHT - BOTTOM
    y_ticks: list[dict] = field(default_factory=list)  # {"y", "label"}
    x_labels: list[dict] = field(default_factory=list)  # {"x", "label"}
    bars: list[dict] = field(default_factory=list)  # {"x", "y", "width", "height", "label", "value", "color"}
    series: list[Series] = field(default_factory=list)  # lines
    rows: list[dict] = field(default_factory=list)  # horizontal bars: {"y", "label", "width", "value", ...}

    @property
    def tick_label_x(self) -> int:
        return self.plot_left - 6


def _describe(title: str, labels: list[str], series: list[Series]) -> str:
    if not labels:
        return _("%(title)s: no data.") % {"title": title}
    parts = [_("%(title)s, %(first)s to %(last)s.") % {"title": title, "first": labels[0], "last": labels[-1]}]
    for s in series:
        total = sum(s.values)
        if not total:
            parts.append(_("%(name)s: none.") % {"name": s.name})
            continue
        peak = max(range(len(s.values)), key=lambda i: s.values[i])
        parts.append(_("%(name)s: %(total)s in all, most %(most)s (%(when)s).") % {
            "name": s.name, "total": _format(total), "most": _format(s.values[peak]), "when": labels[peak]})
    return " ".join(parts)


def time_series(*, chart_id: str, title: str, labels: list[str], series: list[Series], bars: bool = False) -> Chart:
    """Values over time: one series as bars (``bars=True``), or one or more as lines."""
    chart = Chart(id=chart_id, title=title, description=_describe(title, labels, series))
    count = len(labels)
    if not count:
        return chart
    plot_width = chart.plot_right - chart.plot_left
    plot_height = chart.plot_bottom - TOP
    top, step = axis_maximum(max((v for s in series for v in s.values), default=0))

    def y_of(value: float) -> float:
        return round(chart.plot_bottom - plot_height * value / top, 1)

    chart.y_ticks = [{"y": y_of(step * i), "label": _format(step * i)} for i in range(round(top / step) + 1)]
    slot = plot_width / count
    centers = [round(chart.plot_left + slot * (i + 0.5), 1) for i in range(count)]
    every = math.ceil(count / MAX_X_LABELS)
    chart.x_labels = [{"x": centers[i], "label": labels[i]} for i in range(0, count, every)]
    if bars:
        width = round(max(slot * 0.7, 1), 1)
        for s in series[:1]:
            chart.bars = [
                {"x": round(centers[i] - width / 2, 1), "y": y_of(v), "width": width,
                 "height": round(chart.plot_bottom - y_of(v), 1), "label": labels[i], "value": _format(v),
                 "color": s.color}
                for i, v in enumerate(s.values)
            ]
        return chart
    for n, s in enumerate(series):
        s.dash = s.dash or DASHES[n % len(DASHES)]
        s.points = " ".join(f"{centers[i]},{y_of(v)}" for i, v in enumerate(s.values))
        s.dots = [{"x": centers[i], "y": y_of(v), "label": labels[i], "value": _format(v)}
                  for i, v in enumerate(s.values)]
    chart.series = series
    return chart


ROW_HEIGHT = 28
LABEL_WIDTH = 260
LABEL_CHARS = 38  # what fits in LABEL_WIDTH at font-size 12; the full text is in <title>


def horizontal_bars(*, chart_id: str, title: str, rows: list[tuple[str, float]], color: str = BLUE) -> Chart:
    """Named amounts side by side (routes, outcomes, articles), longest bar = largest amount."""
    height = max(len(rows), 1) * ROW_HEIGHT + 8
    largest = max((value for _, value in rows), default=0) or 1
    bar_space = WIDTH - LABEL_WIDTH - 60
    described = "; ".join(f"{label}: {_format(value)}" for label, value in rows) or _("no data")
    chart = Chart(id=chart_id, title=title, description=f"{title}. {described}.", height=height,
                  plot_left=LABEL_WIDTH)
    chart.rows = [
        {"y": 4 + i * ROW_HEIGHT, "text_y": 4 + i * ROW_HEIGHT + 17, "label": label,
         "short": label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1].rstrip() + "…",
         "label_x": LABEL_WIDTH - 8, "bar_x": LABEL_WIDTH, "bar_height": ROW_HEIGHT - 8,
         "width": round(max(bar_space * value / largest, 1 if value else 0), 1),
         "value_x": round(LABEL_WIDTH + bar_space * value / largest + 6, 1),
         "value": _format(value), "color": color}
        for i, (label, value) in enumerate(rows)
    ]
    return chart
