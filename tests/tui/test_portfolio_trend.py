"""The Portfolio screen's trend view: the trend report's own numbers, per year, in both
languages, and the key walk reaching it."""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Static

from creditfile.application.reporting import ArchiveView
from creditfile.application.trend import trend_report
from creditfile.tui.app import CreditfileApp
from creditfile.tui.screens.portfolio import PortfolioScreen


def text_of(pilot: Pilot[None], selector: str) -> str:
    content = pilot.app.screen.query_one(selector, Static).content
    console = Console(width=300, file=io.StringIO(), record=True)
    console.print(content)
    return console.export_text()


def app_of(pilot: Pilot[None]) -> CreditfileApp:
    assert isinstance(pilot.app, CreditfileApp)
    return pilot.app


def test_the_trend_view_shows_the_trend_reports_numbers(tui: Any) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("2")
        await tui.settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, PortfolioScreen)
        await pilot.press("left")  # from the first view back round to the last
        assert screen.view == "trend"
        service = app_of(pilot).service
        view = ArchiveView.of(service.records(), service.policy.in_language("en"), tui.as_of)
        expected = trend_report(service._open(), view, "grade", "year")
        assert screen.reports["trend"] == expected
        chart = text_of(pilot, "#portfolio-chart")
        last = expected["periods"][-1]
        assert last["key"] in chart
        assert f"{last['amount'] / 10000:,.1f}" in chart
        assert all(f"{g['key']}%" in chart for g in expected["groups"] if g["key"] != "ungraded")
        assert "each year's end" in text_of(pilot, "#portfolio-total")
        assert [p["key"] for p in screen.rows("trend")] == [p["key"] for p in expected["periods"]]

    tui.run(tui.make_app("en"), steps)


def test_the_trend_view_in_chinese(tui: Any) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("2")
        await tui.settle(pilot)
        await pilot.press("B")
        assert "年份" in text_of(pilot, "#portfolio-chart")
        assert "万元" in text_of(pilot, "#portfolio-chart")
        assert "各年末" in text_of(pilot, "#portfolio-total")

    tui.run(tui.make_app("zh"), steps)
