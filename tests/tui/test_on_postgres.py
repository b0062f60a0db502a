"""The terminal UI on a PostgreSQL archive, as each duty uses it: the list, a card saved with
its revision check, the regrade refused by the server to a clerk with a message naming the duty,
personal data shown through the recorded reveal to whoever holds that duty."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from creditfile.store import copy_archive, grant_duties, open_database
from creditfile.tui.app import CreditfileApp, create_app
from creditfile.tui.card import CustomerScreen

CUSTOMER = "C900001"  # 武汉宏达建设: a contact person and personal data on file


@pytest.fixture
def database(tui: Any, pg_url: str) -> str:
    """The seeded archive copied into a fresh database (its owner: the superuser)."""
    copy_archive(tui.archive, pg_url)
    return pg_url


def _as(database: str, *duties: str) -> str:
    """The URL of ``database`` for a new user holding ``duties``."""
    user = f"{database.rsplit('/', 1)[-1]}_user_{'_'.join(duties)}"
    grant_duties(database, user, list(duties))
    return database.replace("postgres@", f"{user}@", 1)


def _run(url: str, tui: Any, steps: Callable[[Pilot[None]], Awaitable[None]]) -> None:
    app = create_app(url, Path("policy.yaml"), "en", as_of=tui.as_of, actor="tester",
                     keymap_file=Path("keys.toml"))  # fmt: skip

    async def main() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await tui.wait_loaded(pilot)
            await steps(pilot)

    asyncio.run(main())


def _said(app: Any) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


def test_a_clerk_edits_a_card_and_is_refused_a_regrade_naming_the_duty(
    database: str, tui: Any
) -> None:
    clerk = _as(database, "clerk")

    async def steps(pilot: Pilot[None]) -> None:
        app = pilot.app
        assert isinstance(app, CreditfileApp)
        screen = app.list_screen()
        assert screen.index is None and screen.window is not None
        assert screen.window.total == 151 and len(screen.window.rows) == 60
        assert "postgresql://" in str(screen.query_one("#list-title").content)
        screen.open_customer(CUSTOMER, edit=True)
        await tui.settle(pilot)
        card = app.screen
        assert isinstance(card, CustomerScreen)
        phone = card.query_one("#f-contact--phone", Input)
        phone.focus()
        phone.value = "027-88886666"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await tui.settle(pilot)
        assert "Saved C900001 (revision 2)" in _said(app)
        await pilot.press("escape")
        await tui.settle(pilot)
        app.clear_notifications()
        await pilot.press("r")
        await tui.settle(pilot)
        await pilot.press("y")
        await tui.settle(pilot)
        said = _said(app)
        assert "needs the duty operator" in said and "db grant" in said
        assert "Traceback" not in said

    _run(clerk, tui, steps)
    stored = open_database(database).get(CUSTOMER)
    assert stored is not None and stored["contact"]["phone"] == "027-88886666"
    # The clerk never saw the personal data; the save kept it as it was.
    assert stored["profile"]["person"]["hobbies"] == "钓鱼"
    assert len(open_database(database).runs()) == 1  # the seeding run alone


@pytest.mark.parametrize("duties", [("clerk",), ("clerk", "reveal")])
def test_personal_data_is_shown_only_through_the_recorded_reveal(
    database: str, tui: Any, duties: tuple[str, ...]
) -> None:
    url = _as(database, *duties)

    async def steps(pilot: Pilot[None]) -> None:
        app = pilot.app
        assert isinstance(app, CreditfileApp)
        app.list_screen().open_customer(CUSTOMER)
        await tui.settle(pilot)
        card = app.screen
        assert isinstance(card, CustomerScreen)
        assert card.draft.value("profile.person.hobbies") is None  # not read without a reveal
        await pilot.press("p")
        await tui.settle(pilot)
        if "reveal" in duties:
            assert card.draft.value("profile.person.hobbies") == "钓鱼"
            assert not card.draft.dirty
            assert "Personal data shown (recorded)" in _said(app)
        else:
            assert card.draft.value("profile.person.hobbies") is None
            said = _said(app)
            assert "Personal data not shown" in said and "duty reveal" in said

    _run(url, tui, steps)
    reveals = [
        e for e in open_database(database).history_with_logins(CUSTOMER)
        if e["kind"] == "personal_data_revealed"
    ]  # fmt: skip
    if "reveal" in duties:
        assert [e["db_user"] for e in reveals] == [url.split("@")[0].rsplit("/", 1)[-1]]
    else:
        assert reveals == []


_FIRST_ROWS_ONLY = """
import asyncio, sys
from pathlib import Path
from creditfile.tui.app import create_app

async def main() -> None:
    app = create_app(sys.argv[1], None, "zh", actor="tester", keymap_file=Path("keys.toml"))
    async with app.run_test(size=(120, 40)):
        while app.first_rows_at is None:
            await asyncio.sleep(0.01)
        rows = len(app.list_screen().window.rows)
    print(rows, "pypinyin" in sys.modules)

asyncio.run(main())
"""


def test_the_list_on_a_database_shows_its_first_rows_without_the_pinyin_dictionary(
    database: str, tmp_path: Path
) -> None:
    """The server keeps the search keys: the UI does not spend 0.2–0.7 s loading pypinyin
    before its first rows (a search by the server needs none either)."""
    out = subprocess.run(
        [sys.executable, "-c", _FIRST_ROWS_ONLY, database],
        capture_output=True, text=True, check=True, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    rows, loaded = out.stdout.split()
    assert int(rows) > 0 and loaded == "False"
