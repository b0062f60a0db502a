"""The UI follows other people's writes as they commit, on a file archive and on PostgreSQL: a
save by another program changes the row shown within seconds, so does a regrade, an open card
shows the customer as saved elsewhere (or, with unsaved edits, says that saving them will be
refused, and the save is refused as on the file)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from creditfile.store import copy_archive
from creditfile.tui.app import CreditfileApp, create_app
from creditfile.tui.card import CustomerScreen
from creditfile.tui.widgets.customer_table import CustomerTable

CUSTOMER = "C000009"
FEW_SECONDS = 6.0


@pytest.fixture(params=["file", "postgresql"])
def location(request: pytest.FixtureRequest, tui: Any) -> str:
    """The seeded archive: the file itself, or a copy of it in a fresh database."""
    if request.param == "file":
        return str(tui.archive)
    url = str(request.getfixturevalue("pg_url"))
    copy_archive(tui.archive, url)
    return url


def _app(location: str, tui: Any) -> CreditfileApp:
    return create_app(
        location,
        Path("policy.yaml"),
        "en",
        as_of=tui.as_of,
        actor="tester",
        keymap_file=Path("keys.toml"),
        live=True,
    )


def _elsewhere(location: str, *args: str) -> None:
    """Run ``creditfile`` in another process, as a colleague or a cron job would."""
    done = subprocess.run(
        [sys.executable, "-m", "creditfile", "--db", location, "--actor", "li", *args],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


def _rename_elsewhere(location: str, folder: Path, name: str) -> None:
    source = folder / "renamed.jsonl"
    source.write_text(f'{{"id": "{CUSTOMER}", "name": "{name}", "nature": "developer"}}\n', "utf-8")
    _elsewhere(location, "import", str(source))


def _visible_rows(app: CreditfileApp) -> list[str]:
    table = app.screen.query_one(CustomerTable)
    return [
        "".join(segment.text for segment in table.render_line(y))
        for y in range(table.scrollable_content_region.height)
    ]


def _row_of(app: CreditfileApp, customer_id: str) -> str:
    return next((line for line in _visible_rows(app) if line.startswith(customer_id)), "")


async def _until(pilot: Pilot[None], check: Callable[[], bool]) -> float:
    """Seconds until ``check`` holds (fails after ``FEW_SECONDS``)."""
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > FEW_SECONDS:
            raise AssertionError(f"not seen within {FEW_SECONDS:g} s")
        await pilot.pause(0.1)
    return time.monotonic() - started


def _run(app: CreditfileApp, tui: Any, steps: Callable[[Pilot[None]], Any]) -> None:
    async def main() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await tui.wait_loaded(pilot)
            await steps(pilot)

    asyncio.run(main())


def test_a_save_and_a_regrade_elsewhere_change_the_rows_shown(location: str, tui: Any) -> None:
    lenient = tui.folder / "lenient.yaml"
    text = (tui.folder / "policy.yaml").read_text("utf-8")
    lenient.write_text(text.replace("min_score: 70", "min_score: 40"), "utf-8")

    async def steps(pilot: Pilot[None]) -> None:
        app = pilot.app
        assert isinstance(app, CreditfileApp)
        await pilot.press("slash", *CUSTOMER)  # the customer's row in view
        await pilot.press("escape")
        assert "别处改名有限公司" not in _row_of(app, CUSTOMER)
        _rename_elsewhere(location, tui.folder, "别处改名有限公司")
        seconds = await _until(pilot, lambda: "别处改名有限公司" in _row_of(app, CUSTOMER))
        assert seconds < FEW_SECONDS
        await pilot.press("escape")  # the whole list again
        d_rows = [line for line in _visible_rows(app) if " D " in line]
        assert d_rows, "the seeded archive shows customers graded D"
        first_d = d_rows[0].split()[0]
        _elsewhere(location, "--policy", str(lenient), "regrade", "--as-of", str(tui.as_of))
        await _until(pilot, lambda: " D " not in _row_of(app, first_d))
        assert " C " in _row_of(app, first_d) or " B " in _row_of(app, first_d)

    _run(_app(location, tui), tui, steps)


def test_an_open_card_shows_a_save_elsewhere_and_refuses_a_stale_save(
    location: str, tui: Any
) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        app = pilot.app
        assert isinstance(app, CreditfileApp)
        app.list_screen().open_customer(CUSTOMER)
        await tui.settle(pilot)
        card = app.screen
        assert isinstance(card, CustomerScreen)
        _rename_elsewhere(location, tui.folder, "别处改名有限公司")
        # Nothing unsaved: the card shows the customer as it is now, and says why.
        await _until(pilot, lambda: card.draft.value("name") == "别处改名有限公司")
        assert card.query_one("#f-name", Input).value == "别处改名有限公司"
        await _until(pilot, lambda: any("changed elsewhere by li" in str(n.message)
                                        for n in app._notifications))  # fmt: skip
        # Unsaved edits stay, and the card says a save will be refused...
        await pilot.press("e")
        await tui.settle(pilot)
        phone = card.query_one("#f-contact--phone", Input)
        phone.focus()
        phone.value = "13911112222"
        await pilot.pause()
        _rename_elsewhere(location, tui.folder, "又一次改名有限公司")
        await _until(pilot, lambda: any("saved elsewhere by li" in str(n.message)
                                        for n in app._notifications))  # fmt: skip
        assert card.draft.value("contact.phone") == "13911112222"
        # ...and it is: the save on top of the newer revision is refused, nothing lost.
        await pilot.press("ctrl+s")
        await tui.settle(pilot)
        assert app.screen.id == "stale-dialog"

    _run(_app(location, tui), tui, steps)
    again = subprocess.run(
        [sys.executable, "-m", "creditfile", "--db", location, "show", CUSTOMER, "--json"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert "又一次改名有限公司" in again.stdout and "13911112222" not in again.stdout


def test_an_archive_out_of_reach_is_said_once_and_what_was_missed_is_shown_once_back(
    tui: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from creditfile.store import StoreError
    from creditfile.tui import app as app_module

    monkeypatch.setattr(app_module, "RETRY_SECONDS", 0.3)
    app = _app(str(tui.archive), tui)
    real_watcher = app.service.watcher
    drop = threading.Event()
    refusals = iter([True, True])  # the archive stays out of reach for two more tries

    class Dropping:
        """A watcher whose connection drops when the test says so."""

        def __init__(self) -> None:
            self.real = real_watcher()

        def wait(self, timeout: float) -> Any:
            if drop.is_set():
                drop.clear()
                raise StoreError(str(tui.archive), "the server closed the connection")
            return self.real.wait(timeout)

        def close(self) -> None:
            self.real.close()

    def watcher() -> Any:
        if not drop.is_set() and app.live_paused is not None and next(refusals, False):
            raise StoreError(str(tui.archive), "the server is not accepting connections")
        return Dropping()

    monkeypatch.setattr(app.service, "watcher", watcher)

    async def steps(pilot: Pilot[None]) -> None:
        drop.set()
        await _until(pilot, lambda: app.live_paused is not None)
        _rename_elsewhere(str(tui.archive), tui.folder, "断线期间改名有限公司")
        await pilot.press("slash", *CUSTOMER)
        await pilot.press("escape")
        await _until(pilot, lambda: "断线期间改名有限公司" in _row_of(app, CUSTOMER))
        said = [str(n.message) for n in app._notifications]
        assert sum("Lost the archive" in m for m in said) == 1  # said once, not per retry
        assert any("The archive is back" in m for m in said)
        assert app.live_paused is None

    _run(app, tui, steps)


def test_a_database_out_of_reach_for_long_leaves_the_ui_up_and_it_carries_on_once_back(
    tui: Any, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server gone for longer than the UI's checks: no check may end the program."""
    import psycopg

    from creditfile.tui import app as app_module

    monkeypatch.setattr(app_module, "RETRY_SECONDS", 0.3)
    monkeypatch.setattr(app_module, "DISK_CHECK_SECONDS", 0.2)
    copy_archive(tui.archive, pg_url)
    app = _app(pg_url, tui)
    database = pg_url.rsplit("/", 1)[-1]
    admin_url = pg_url.rsplit("/", 1)[0] + "/postgres"

    def reachable(yes: bool) -> None:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS {str(yes).lower()}')
            if not yes:  # what a server shut down does to every connection to it
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                    (database,),
                )

    async def steps(pilot: Pilot[None]) -> None:
        reachable(False)
        try:
            await _until(pilot, lambda: app.live_paused is not None)
            assert "\n" not in str(app.live_paused)  # the driver's first line, not its advice
            await pilot.pause(1.0)  # several of the UI's own checks of the archive
            await pilot.press("enter")  # a card, whose customer cannot be read now
            await pilot.pause(0.5)
            assert app.is_running and app.screen is app.list_screen()
            said = [str(n.message) for n in app._notifications]
            assert any("cannot connect to the database" in m for m in said), said
            for key in ("n", "x", "r", "2", "3", "4", "1"):  # each says why it cannot
                await pilot.press(key)
                await pilot.pause(0.3)
                if app.screen is not app.list_screen():
                    await pilot.press("escape")
                assert app.is_running, key
            await pilot.press("slash", *CUSTOMER)  # a search the archive cannot answer now
            await pilot.press("escape")
            await pilot.pause(0.5)
            assert len([r for r in _visible_rows(app) if r.strip()]) > 1
        finally:
            reachable(True)
        await _until(pilot, lambda: app.live_paused is None)
        # Answered once the archive is back, without another key.
        await _until(pilot, lambda: [r[:7] for r in _visible_rows(app) if r.strip()] == [CUSTOMER])
        _rename_elsewhere(pg_url, tui.folder, "恢复之后改名有限公司")
        await _until(pilot, lambda: "恢复之后改名有限公司" in _row_of(app, CUSTOMER))

    _run(app, tui, steps)
