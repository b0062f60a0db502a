"""The customer list on a PostgreSQL archive holds a window of pages that the server searches,
filters and sorts, never the archive; what it shows is what the file archive's list shows."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from creditfile.application import list_window
from creditfile.application.customer_index import ListQuery
from creditfile.application.customers import save_customer
from creditfile.policy import load_policy
from creditfile.store import copy_archive, customer_document, open_database
from creditfile.tui.app import CreditfileApp, create_app


@pytest.fixture(params=["file", "postgresql"])
def location(request: pytest.FixtureRequest, tui: Any) -> str:
    """The seeded archive: the file itself, or a copy of it in a fresh database."""
    if request.param == "file":
        return str(tui.archive)
    url = str(request.getfixturevalue("pg_url"))
    copy_archive(tui.archive, url)
    return url


@pytest.fixture
def database(tui: Any, pg_url: str) -> str:
    copy_archive(tui.archive, pg_url)
    return pg_url


def _run(location: str, tui: Any, steps: Callable[[Pilot[None]], Awaitable[None]]) -> None:
    app = create_app(location, Path("policy.yaml"), "en", as_of=tui.as_of, actor="tester",
                     keymap_file=Path("keys.toml"), live=False)  # fmt: skip

    async def main() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await tui.wait_loaded(pilot)
            await steps(pilot)

    asyncio.run(main())


def _screen(pilot: Pilot[None]) -> Any:
    app = pilot.app
    assert isinstance(app, CreditfileApp)
    return app.list_screen()


def _ids(screen: Any) -> list[str]:
    """The ids of every line held, in order (a database's window: the rows it holds)."""
    if screen.window is not None:
        return [row.id for row in screen.window.rows]
    return [screen.index.rows[i].id for i in screen.shown]


async def _view(pilot: Pilot[None], tui: Any, **changes: Any) -> None:
    _screen(pilot).with_query(**changes)
    await tui.settle(pilot)


def _status(screen: Any) -> str:
    return str(screen.query_one("#list-status").render())


def test_a_database_list_holds_a_page_not_the_archive(database: str, tui: Any) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        screen = _screen(pilot)
        assert screen.index is None  # no row of the archive is indexed here
        assert len(screen.window.rows) == list_window.PAGE < 151
        assert pilot.app.service._records == {}  # nor is any record held
        assert screen.window.total == 151
        assert "151 / 151 shown" in _status(screen)
        assert _ids(screen) == sorted(_ids(screen))  # by id, as the file's list starts

    _run(database, tui, steps)


@pytest.mark.parametrize("text", ["whhd", "hongda", "武汉", "C0001", "zzzz-nothing", "wu han"])
def test_a_search_shows_the_same_customers_on_both_stores(
    location: str, tui: Any, text: str
) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        screen = _screen(pilot)
        search = screen.query_one("#search", Input)
        await pilot.press("slash")
        for end in range(1, len(text) + 1):  # typed key by key, each key a view of its own
            search.value = text[:end]
            await pilot.pause()
        await tui.settle(pilot)
        await pilot.pause(0.5)  # the count follows the page once typing stops
        expected = _file_ids(tui, ListQuery(text=text))
        assert _ids(screen) == expected[: list_window.PAGE]
        assert f"{len(expected)} / 151 shown" in _status(screen)
        if not expected:
            assert "No customer matches" in _status(screen)

    _run(location, tui, steps)


def _file_ids(tui: Any, query: ListQuery) -> list[str]:
    from creditfile.application.customer_list import list_rows
    from creditfile.store import Archive

    records = Archive.open(tui.archive).records()
    rows = list_rows(records, load_policy(tui.folder / "policy.yaml"), tui.as_of, query)
    return [row.id for row in rows]


@pytest.mark.parametrize("column", ["grade", "total", "nature", "tier", "assessed", "name"])
@pytest.mark.parametrize("reverse", [False, True])
def test_each_sort_is_answered_by_the_server_in_order(
    database: str, tui: Any, column: str, reverse: bool
) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        screen = _screen(pilot)
        await _view(pilot, tui, sort=column, reverse=reverse)
        source = screen.source
        every = list_window.every_row(source, screen.query_state, batch=40)
        assert sorted(r.id for r in every) == sorted(_file_ids(tui, ListQuery()))
        rank = {g: i for i, g in enumerate(["A", "B", "C", "D"])}
        values = [
            rank[r.grade] if column == "grade" and r.grade else getattr(r, column) or None
            for r in every
        ]
        present = [v for v in values if v is not None]
        if column != "name":  # names: the server's pinyin collation, checked below
            assert present == sorted(present, reverse=reverse)
        # Customers without a value come last, whichever way.
        assert values == present + [None] * (len(values) - len(present))
        assert [r.id for r in screen.window.rows] == [r.id for r in every[:60]]
        assert screen.query_one("#list-header").sort == column

    _run(database, tui, steps)


def test_names_sort_in_pinyin_order_on_the_server(database: str, tui: Any) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        screen = _screen(pilot)
        await _view(pilot, tui, sort="name")
        names = [r.name for r in list_window.every_row(screen.source, screen.query_state)]
        chinese = [n for n in names if n and not n.isascii()]
        # 安 (an) before 北 (bei) before 武 (wu) before 郑 (zheng), as in a phone book.
        firsts = [n[0] for n in chinese]
        order = [c for c in "安北武郑" if c in firsts]
        assert [firsts.index(c) for c in order] == sorted(firsts.index(c) for c in order)

    _run(database, tui, steps)


@pytest.mark.parametrize(
    "filters",
    [
        {"grade": frozenset({"A"})},
        {"grade": frozenset({"B", ""})},
        {"nature": frozenset({"ordinary_company"}), "grade": frozenset({"C", "D"})},
        {"tier": frozenset({"a", "b"})},
        {"lifecycle": frozenset({"new"}), "stage": frozenset({"current"})},
    ],
)
def test_filters_show_the_same_customers_on_both_stores(
    location: str, tui: Any, filters: dict[str, frozenset[str]]
) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        screen = _screen(pilot)
        await _view(pilot, tui, filters=filters)
        await pilot.pause(0.5)
        expected = _file_ids(tui, ListQuery(filters=filters))
        assert _ids(screen) == expected[:60]
        assert f"{len(expected)} / 151 shown" in _status(screen)

    _run(location, tui, steps)


def test_scrolling_past_the_window_fetches_pages_and_drops_others(
    database: str, tui: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(list_window, "PAGE", 20)
    monkeypatch.setattr(list_window, "WINDOW", 40)
    everyone = _file_ids(tui, ListQuery())

    async def steps(pilot: Pilot[None]) -> None:
        screen = _screen(pilot)
        await _view(pilot, tui)  # the first page again, of 20
        table = screen.table
        table.focus()
        for _ in range(120):
            await pilot.press("down")
            await tui.settle(pilot)
            window = screen.window
            assert len(window.rows) <= 40  # never more than the window
            assert table.current is not None and table.current.id == everyone[table.cursor]
        assert screen.window.offset > 0  # the first rows were dropped
        for _ in range(110):  # back up: the pages before are fetched again
            await pilot.press("up")
            await tui.settle(pilot)
            assert table.current is not None and table.current.id == everyone[table.cursor]
        await pilot.press("end")
        await tui.settle(pilot)
        assert table.current is not None and table.current.id == everyone[-1]
        assert table.cursor == len(everyone) - 1 and len(screen.window.rows) <= 40
        await pilot.press("pageup")
        await tui.settle(pilot)
        assert table.current is not None and table.current.id == everyone[table.cursor]
        await pilot.press("home")
        await tui.settle(pilot)
        assert table.cursor == 0 and table.current is not None
        assert table.current.id == everyone[0] and screen.window.offset == 0

    _run(database, tui, steps)


def test_a_save_elsewhere_refreshes_the_row_in_the_window(database: str, tui: Any) -> None:
    policy = load_policy(tui.folder / "policy.yaml")

    async def steps(pilot: Pilot[None]) -> None:
        screen = _screen(pilot)
        await _view(pilot, tui, text="C00000")
        store = open_database(database)
        record = store.get("C000003")
        assert record is not None
        doc = customer_document(record)
        doc["name"] = "改名后的客户"
        save_customer(store, doc, base_rev=record["_meta"]["rev"], actor="li", policy=policy,
                      as_of=tui.as_of)  # fmt: skip
        pilot.app.service._changed("C000003")  # as the watcher does when told of the save
        screen.show_changes()
        await tui.settle(pilot)
        names = {row.id: row.name for row in screen.window.rows}
        assert names["C000003"] == "改名后的客户"

    _run(database, tui, steps)


def test_a_phone_is_found_on_the_server_but_not_a_persons(database: str, tui: Any) -> None:
    from creditfile.store import Archive

    policy = load_policy(tui.folder / "policy.yaml")
    records = Archive.open(tui.archive).records()
    company = next(
        r for r in records.values()
        if (r.get("contact") or {}).get("phone") and r.get("nature") not in policy.personal_natures
    )  # fmt: skip
    person = [
        r for r in records.values()
        if (r.get("contact") or {}).get("phone") and r.get("nature") in policy.personal_natures
    ]  # fmt: skip

    async def steps(pilot: Pilot[None]) -> None:
        screen = _screen(pilot)
        phone = company["contact"]["phone"]
        await _view(pilot, tui, text=phone[-7:])
        assert company["id"] in _ids(screen)
        assert _ids(screen) == _file_ids(tui, ListQuery(text=phone[-7:]))
        for record in person:
            await _view(pilot, tui, text=record["contact"]["phone"])
            assert record["id"] not in _ids(screen)

    _run(database, tui, steps)
