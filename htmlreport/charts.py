"""Inline SVG charts for the management report: bar charts and stacked bars, no scripts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

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


def bar_chart(bars: Sequence[Bar], *, width: int = 560, title: str = "") -> str:
    """A horizontal bar chart; bars are scaled to the largest value.

    Args:
        bars: The bars, top to bottom.
        width: The whole chart's width in pixels.
        title: An accessible title (read by screen readers, shown as a tooltip).
    """
    label_w = max((text_width(b.label) for b in bars), default=40) + 12
    value_w = max((text_width(b.shown) for b in bars), default=40) + 10
    plot_w = max(width - label_w - value_w, 60)
    top = max((b.value for b in bars), default=0) or 1
    height = ROW_HEIGHT * len(bars) + 6
    parts = [_svg_open(width, height, title)]
    for index, bar in enumerate(bars):
        y = index * ROW_HEIGHT + 3
        length = plot_w * bar.value / top if bar.value > 0 else 0
        parts.append(
            f'<text x="{label_w - 8:.0f}" y="{y + 16}" text-anchor="end">{escape(bar.label)}</text>'
            f'<rect x="{label_w:.0f}" y="{y + 3}" width="{length:.1f}" height="{ROW_HEIGHT - 8}" '
            f'rx="2" fill="{bar.colour}"><title>{escape(bar.label)}: {escape(bar.shown)}</title>'
            f'</rect><text x="{label_w + length + 6:.1f}" y="{y + 16}" class="v">'
            f"{escape(bar.shown)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class Stack:
    """One stacked bar: a label, its segments (value, colour, name), and the text after it."""

    label: str
    segments: Sequence[tuple[float, str, str]]
    shown: str


def stacked_chart(
    stacks: Sequence[Stack], legend: Sequence[tuple[str, str]], *, width: int = 720, title: str = ""
) -> str:
    """Horizontal stacked bars scaled to the largest total, with a legend above.

    Args:
        stacks: The bars, top to bottom.
        legend: ``(name, colour)`` of each segment kind, in stacking order.
        width: The chart's width in pixels.
        title: An accessible title.
    """
    label_w = max((text_width(s.label) for s in stacks), default=40) + 12
    value_w = max((text_width(s.shown) for s in stacks), default=40) + 10
    plot_w = max(width - label_w - value_w, 60)
    top = max((sum(v for v, _, _ in s.segments) for s in stacks), default=0) or 1
    legend_h = 24
    height = legend_h + ROW_HEIGHT * len(stacks) + 6
    parts = [_svg_open(width, height, title), _legend(legend, label_w)]
    for index, stack in enumerate(stacks):
        y = legend_h + index * ROW_HEIGHT + 3
        x = label_w
        parts.append(
            f'<text x="{label_w - 8:.0f}" y="{y + 16}" text-anchor="end">'
            f"{escape(stack.label)}</text>"
        )
        for value, colour, name in stack.segments:
            if value <= 0:
                continue
            length = plot_w * value / top
            parts.append(
                f'<rect x="{x:.1f}" y="{y + 3}" width="{length:.1f}" '
                f'height="{ROW_HEIGHT - 8}" fill="{colour}"><title>{escape(stack.label)}'
                f" · {escape(name)}</title></rect>"
            )
            x += length
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 16}" class="v">{escape(stack.shown)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _legend(legend: Sequence[tuple[str, str]], start: float) -> str:
    parts, x = [], start
    for name, colour in legend:
        parts.append(
            f'<rect x="{x:.0f}" y="4" width="12" height="12" rx="2" fill="{colour}"/>'
            f'<text x="{x + 16:.0f}" y="15" class="l">{escape(name)}</text>'
        )
        x += 16 + text_width(name) + 18
    return "".join(parts)


def _svg_open(width: float, height: float, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="100%" style="max-width:{width:.0f}px;height:auto" role="img" '
        f'aria-label="{escape(title)}" '
        f'font-size="{FONT}"><title>{escape(title)}</title>'
    )
