"""One language at a time where the program words things itself: the card's history and the
portfolio's groups never show the store's bookkeeping (``rev=1 created=True``) or Chinese words
the reports add (未评级, 未知) on an English screen. Policy labels stay as compliance wrote them."""

from __future__ import annotations

import io
from typing import Any

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Static

from creditfile.presentation.translation import set_language
from creditfile.tui.card.views import history_row
from creditfile.tui.screens.portfolio import PortfolioScreen

IMPORTED = {"kind": "customer_imported", "customer_id": "C1", "actor": "王敏",
            "at": "2026-11-29T10:00:00+00:00", "rev": 1, "created": True}  # fmt: skip


@pytest.mark.parametrize(
    ("lang", "event", "expected"),
    [
        ("zh", IMPORTED, "版本 1 新建档案"),
        ("en", IMPORTED, "revision 1 new customer"),
        ("en", {**IMPORTED, "rev": 3, "created": False}, "revision 3 replaced the customer's file"),
        ("zh", {**IMPORTED, "origin": "demo"}, "版本 1 新建档案 演示数据"),
    ],
)
def test_history_details_are_words_of_the_card_language(
    lang: str, event: dict[str, Any], expected: str
) -> None:
    set_language(lang)  # the card speaks the language in force
    _when, _who, what, detail = history_row(event, lang)
    assert detail == expected
    assert what == ("导入档案" if lang == "zh" else "imported")
    assert "=" not in detail and "True" not in detail


def test_unknown_bookkeeping_booleans_are_yes_or_no_in_the_card_language() -> None:
    set_language("zh")
    _w, _a, _k, detail = history_row({**IMPORTED, "checked": False}, "zh")
    assert detail.endswith("checked=否")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_portfolio_names_ungraded_customers_in_the_screen_language(tui: Any, lang: str) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("2")
        await tui.settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, PortfolioScreen)
        console = Console(width=200, file=io.StringIO(), record=True)
        for static in screen.query(Static):
            console.print(static.content)
        shown = console.export_text()
        if lang == "en":
            assert "ungraded" in shown and "未评级" not in shown and "未知" not in shown
        else:
            assert "未评级" in shown and "ungraded" not in shown

    tui.run(tui.make_app(lang), steps)
