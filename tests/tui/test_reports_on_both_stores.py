"""The Portfolio, Review and the card's live breakdown show the same on a file archive and on
the same archive copied into PostgreSQL, where they are counted a batch at a time."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path
from typing import Any

from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Static

from creditfile.application import report_batches
from creditfile.store import copy_archive
from creditfile.tui.app import CreditfileApp, create_app
from creditfile.tui.screens.portfolio import VIEWS, PortfolioScreen
from creditfile.tui.screens.regrade import RegradeScreen
from creditfile.tui.screens.review import ReviewScreen


def _text(screen: Any, selector: str) -> str:
    content = screen.query_one(selector, Static).content
    if isinstance(content, str):
        return content
    console = Console(width=300, file=io.StringIO(), record=True)
    console.print(content)
    return console.export_text()


def _seen(location: str | Path, tui: Any) -> dict[str, Any]:
    """What the regrade preview, the Portfolio (every view) and Review screens show, and the
    card's tops."""
    app = create_app(location, Path("policy.yaml"), "en", as_of=tui.as_of, actor="tester",
                     keymap_file=Path("keys.toml"))  # fmt: skip
    seen: dict[str, Any] = {}

    async def main() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await tui.wait_loaded(pilot)
            await steps(pilot)

    async def steps(pilot: Pilot[None]) -> None:
        assert isinstance(pilot.app, CreditfileApp)
        await pilot.press("r")
        await tui.settle(pilot)
        regrade = pilot.app.screen
        assert isinstance(regrade, RegradeScreen)
        seen["preview"] = regrade.preview
        seen["changes"] = _text(regrade, "#regrade-changes-title")
        await pilot.press("escape")
        await tui.settle(pilot)
        await pilot.press("2")
        await tui.settle(pilot)
        portfolio = pilot.app.screen
        assert isinstance(portfolio, PortfolioScreen)
        seen["reports"] = portfolio.reports
        for view in VIEWS:
            seen[view] = (
                _text(portfolio, "#portfolio-chart"),
                _text(portfolio, "#portfolio-total"),
            )
            await pilot.press("b")
            await tui.settle(pilot)
        assert _text(portfolio, "#counting") == ""  # counted: the notice is gone
        await pilot.press("4")
        await tui.settle(pilot)
        review = pilot.app.screen
        assert isinstance(review, ReviewScreen)
        seen["review"] = (_text(review, "#review-heading"), list(review.rows_shown()), review.due)
        seen["tops"] = pilot.app.service.tops()
        review._counted(40, 151)  # what a worker shows while it counts
        line = review.query_one("#counting", Static)
        seen["counting"] = (line.display, _text(review, "#counting").strip())

    asyncio.run(main())
    return seen


def test_the_reports_on_postgres_are_the_file_s_counted_in_batches(
    tui: Any, pg_url: str, monkeypatch: Any
) -> None:
    monkeypatch.setattr(report_batches, "BATCH", 20)  # 151 customers: eight batches
    on_file = _seen(tui.archive, tui)
    copy_archive(tui.archive, pg_url)
    on_database = _seen(pg_url, tui)
    assert on_database == on_file
    heading, shown, due = on_file["review"]
    assert heading.startswith(f"{len(due)} customers due for review") and len(shown) == len(due)
    assert "Total: 151 customers" in on_file["grade"][1]
    assert on_file["counting"] == (True, "Counting… 40 of 151 customers")
    preview = on_file["preview"]
    assert preview.customers == 151 and sum(preview.after.values()) == 151


def test_the_review_counts_every_customer_due_but_lists_the_most_urgent(
    tui: Any, monkeypatch: Any
) -> None:
    from creditfile.tui.screens import review

    monkeypatch.setattr(review, "SHOWN", 5)
    on_file = _seen(tui.archive, tui)
    heading, shown, due = on_file["review"]
    assert len(shown) == len(due) == 5
    count = int(heading.split()[0])
    assert count > 5  # every one due counted, the five most urgent listed
