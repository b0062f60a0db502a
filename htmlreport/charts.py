"""The geometry of the report's inline SVG charts: where each bar goes; the templates draw them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

GRADE_COLOURS = {"A": "#2e7d32", "B": "#1565c0", "C": "#ef6c00", "D": "#c62828"}
OTHER_COLOURS = (
    "#00838f",
    "#6a1b9a",
    "#827717",
    "#ad1457",
    "#4e342e",
    "#283593",
    "#558b2f",
    "#37474f",
    "#d84315",
    "#0277bd",
)
UNGRADED_COLOUR = "#9e9e9e"
ROW_HEIGHT = 26
FONT = 13
LEGEND_HEIGHT = 24


def grade_colour(key: str, index: int = 0) -> str:
    """The colour of a grade (A green … D red, ungraded grey), else one from a palette."""
    if key == "ungraded":
        return UNGRADED_COLOUR
    return GRADE_COLOURS.get(key, OTHER_COLOURS[index % len(OTHER_COLOURS)])


def text_width(text: str) -> float:
    """Approximate rendered width in pixels: CJK characters are about one em wide."""
    return sum(FONT if ord(ch) > 0x2E80 else FONT * 0.6 for ch in text)


@dataclass(frozen=True)
class Bar:
    """One bar: its label, value, the text shown after it, and its colour."""

    label: str
    value: float
    shown: str
    colour: str


@dataclass(frozen=True)
class Stack:
    """One stacked bar: a label, its segments (value, colour, name), and the text after it."""

    label: str
    segments: Sequence[tuple[float, str, str]]
    shown: str


@dataclass(frozen=True)
class Segment:
    """A drawn rectangle of a chart row: where it starts, how long, its colour and tooltip."""

    x: float
    length: float
    colour: str
    tip: str


@dataclass(frozen=True)
class Row:
    """One drawn row: its label, its segments, and the text placed at ``end``."""

    y: float
    label: str
    segments: tuple[Segment, ...]
    end: float
    shown: str


@dataclass(frozen=True)
class LegendEntry:
    """One legend swatch and its name."""

    x: float
    colour: str
    name: str


@dataclass(frozen=True)
class Chart:
    """A laid-out horizontal bar chart, ready for the ``chart`` template macro."""

    kind: str  # "bar" (rounded single bars) or "stack"
    width: float
    height: float
    title: str
    label_x: float
    rows: tuple[Row, ...]
    legend: tuple[LegendEntry, ...] = ()


def bar_chart(bars: Sequence[Bar], *, width: int = 560, title: str = "") -> Chart:
    """A horizontal bar chart; bars are scaled to the largest value.

    Args:
        bars: The bars, top to bottom.
        width: The whole chart's width in pixels.
        title: An accessible title (read by screen readers, shown as a tooltip).

    Returns:
        The chart's layout.
    """
    label_w = max((text_width(b.label) for b in bars), default=40) + 12
    value_w = max((text_width(b.shown) for b in bars), default=40) + 10
    plot_w = max(width - label_w - value_w, 60)
    top = max((b.value for b in bars), default=0) or 1
    rows = []
    for index, bar in enumerate(bars):
        length = plot_w * bar.value / top if bar.value > 0 else 0
        tip = f"{bar.label}: {bar.shown}"
        segment = Segment(label_w, length, bar.colour, tip)
        rows.append(Row(index * ROW_HEIGHT + 3, bar.label, (segment,), label_w + length, bar.shown))
    height = ROW_HEIGHT * len(bars) + 6
    return Chart("bar", width, height, title, label_w, tuple(rows))


def stacked_chart(
    stacks: Sequence[Stack], legend: Sequence[tuple[str, str]], *, width: int = 720, title: str = ""
) -> Chart:
    """Horizontal stacked bars scaled to the largest total, with a legend above.

    Args:
        stacks: The bars, top to bottom.
        legend: ``(name, colour)`` of each segment kind, in stacking order.
        width: The chart's width in pixels.
        title: An accessible title.

    Returns:
        The chart's layout.
    """
    label_w = max((text_width(s.label) for s in stacks), default=40) + 12
    value_w = max((text_width(s.shown) for s in stacks), default=40) + 10
    plot_w = max(width - label_w - value_w, 60)
    top = max((sum(v for v, _, _ in s.segments) for s in stacks), default=0) or 1
    rows = []
    for index, stack in enumerate(stacks):
        x, segments = label_w, []
        for value, colour, name in stack.segments:
            if value <= 0:
                continue
            length = plot_w * value / top
            segments.append(Segment(x, length, colour, f"{stack.label} · {name}"))
            x += length
        y = LEGEND_HEIGHT + index * ROW_HEIGHT + 3
        rows.append(Row(y, stack.label, tuple(segments), x, stack.shown))
    height = LEGEND_HEIGHT + ROW_HEIGHT * len(stacks) + 6
    return Chart("stack", width, height, title, label_w, tuple(rows), _legend(legend, label_w))


def _legend(legend: Sequence[tuple[str, str]], start: float) -> tuple[LegendEntry, ...]:
    entries, x = [], start
    for name, colour in legend:
        entries.append(LegendEntry(x, colour, name))
        x += 16 + text_width(name) + 18
    return tuple(entries)
