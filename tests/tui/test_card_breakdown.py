"""The score breakdown as it is drawn on screen, at 80×24 and 120×40, in both languages.

The breakdown sits beside the assessment form; at 80 columns it has about 40 cells. Whatever
the width, every item's name, points and weight are on screen whole, never ``…``, and the
computed item's clause is in the card's language.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from card_kit import card, host, settle
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widgets import Static

from creditfile.policy import Policy


def drawn(pilot: Pilot[None], selector: str) -> list[str]:
    """The lines a widget draws on screen, as plain text."""
    widget = pilot.app.screen.query_one(selector, Static)
    width, height = widget.size
    return [strip.text.rstrip() for strip in widget.render_lines(Region(0, 0, width, height))]


def breakdown_lines(path: Path, policy: Policy, lang: str, size: tuple[int, int]) -> list[str]:
    app = host(path, policy, lang=lang)
    lines: list[str] = []

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            card(pilot).show_tab("assessment")
            await settle(pilot)
            lines.extend(drawn(pilot, "#breakdown"))

    asyncio.run(main())
    return lines


# The items as the shipped policy names them, and in English (its labels_en).
ITEMS = {
    "zh": ("实力", "潜力", "社会口碑与信用", "累计租赁额", "付款情况", "其他"),
    "en": (
        "Strength",
        "Potential",
        "Reputation and credit",
        "Cumulative leases",
        "Payment record",
        "Other",
    ),
}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_every_item_is_drawn_whole_with_its_points_and_weight(
    archive_path: Path, policy: Policy, lang: str, size: tuple[int, int]
) -> None:
    lines = breakdown_lines(archive_path, policy, lang, size)
    text = "\n".join(lines)
    assert "…" not in text
    items = ITEMS[lang]
    rows = {item: next((line for line in lines if line.startswith(item)), "") for item in items}
    # 8, 12.5, 17, 15 × 2,050,000 / 4,000,000 = 7.69, 27, 8 of 10, 15, 20, 15, 30, 10
    points_of = ("8", "12.5", "17", "7.69", "27", "8")
    weights = ("10", "15", "20", "15", "30", "10")
    for item, points, weight in zip(items, points_of, weights, strict=True):
        words = rows[item].replace("/", " ").split()
        assert points in words and weight in words, (item, rows[item])


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_the_computed_item_is_explained_in_chinese_on_the_chinese_card(
    archive_path: Path, policy: Policy, size: tuple[int, int]
) -> None:
    text = "".join(breakdown_lines(archive_path, policy, "zh", size))
    assert "老客户中最高" in text and "7.69" in text
    assert "cumulative_lease_amount" not in text and "the highest" not in text
    assert "总分:80.19" in text.replace(" ", "")


def test_the_computed_item_is_explained_in_english_on_the_english_card(
    archive_path: Path, policy: Policy
) -> None:
    text = " ".join(breakdown_lines(archive_path, policy, "en", (120, 40)))
    assert "the highest among established customers" in " ".join(text.split())
    assert "老客户" not in text


def test_at_80_columns_points_and_weight_share_a_column_and_the_input_is_left_out(
    archive_path: Path, policy: Policy
) -> None:
    lines = breakdown_lines(archive_path, policy, "zh", (80, 24))
    header = next(line for line in lines if line.startswith("项目"))
    assert "得分 / 满分" in header and "录入" not in header
    assert max(len(line) for line in lines) <= 45


def test_at_120_columns_every_column_is_shown(archive_path: Path, policy: Policy) -> None:
    lines = breakdown_lines(archive_path, policy, "en", (120, 40))
    header = next(line for line in lines if line.startswith("Item"))
    assert header.split() == ["Item", "┃", "Input", "┃", "Points", "┃", "Weight", "┃", "Lost"]
    assert any(line.startswith("Cumulative leases") and "2,050,000" in line for line in lines)
    assert not any(line.startswith("累计租赁额") for line in lines)
