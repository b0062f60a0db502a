"""A seeded, graded archive for the terminal UI's tests, and helpers to drive the whole app."""

from __future__ import annotations

import copy
import os
import shutil
import sys
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from creditfile.demodata.customers import generate_customers
from creditfile.engine import grade_archive
from creditfile.policy import Policy, default_policy_path, load_policy
from creditfile.store import Archive
from creditfile.tui.app import CreditfileApp, create_app

os.environ["TEXTUAL_ANIMATIONS"] = "none"
sys.path.insert(0, str(Path(__file__).parent))  # the kits the tests share: card_kit
from card_kit import graded_archive

SEED_AS_OF = date(2026, 11, 29)
SEED_CUSTOMERS = 150

WUHAN_HONGDA: dict[str, Any] = {
    "id": "C900001",
    "name": "武汉宏达建设工程有限公司",
    "nature": "ordinary_company",
    "contact": {"address": "武汉市解放大道100号", "phone": "13800000000", "person": "王敏"},
    "profile": {
        "founded_on": "2008-03-15",
        "trading_since": "2015-06-01",
        "registered_capital": 50000000,
        "person": {"age": 45, "personality": "谨慎", "hobbies": "钓鱼", "family": "已婚"},
    },
    "leases": [
        {"contract": "L2023-001", "item": "ringlock_scaffolding", "start": "2023-01-05",
         "end": "2023-09-30", "amount": 1250000.0, "status": "closed"},
        {"contract": "L2025-014", "item": "tower_crane", "start": "2025-03-01",
         "amount": 800000.0, "status": "active"},
    ],
    "assessment": {"strength": 8, "potential": 12.5, "reputation": 17, "payment": 27,
                   "other": 8, "assessed_by": "王敏", "assessed_on": "2026-10-12"},
    "sources": [{"kind": "salesperson_visit", "on": "2026-08-20", "by": "王敏",
                 "verified": True}],
}  # fmt: skip


def seeded_documents() -> list[dict[str, Any]]:
    """The seeded customers: generated ones plus 武汉宏达建设 (found by ``whhd``/``hongda``)."""
    docs = generate_customers(SEED_CUSTOMERS, 20261129, SEED_AS_OF)
    return [*docs, copy.deepcopy(WUHAN_HONGDA)]


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A graded archive made once per run; tests get copies (``seeded_dir``)."""
    folder = tmp_path_factory.mktemp("seeded")
    policy = load_policy(default_policy_path())
    archive = Archive.open(folder / "archive.json", create=True)
    archive.import_customers(seeded_documents(), actor="seed")
    archive.regrade(
        lambda docs: grade_archive(docs, policy, SEED_AS_OF),
        run={"as_of": SEED_AS_OF.isoformat(), "policy_version": policy.version},
        actor="seed",
    )
    shutil.copy(default_policy_path(), folder / "policy.yaml")
    return folder


@pytest.fixture
def seeded_dir(seeded_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the seeded archive and policy; the working directory is set to it so
    the paths the screens show (``archive.json``, ``policy.yaml``) are the same in every run."""
    for item in seeded_template.iterdir():
        if item.is_file() and not item.name.endswith(".lock"):
            shutil.copy2(item, tmp_path / item.name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CREDITFILE_POLICY", raising=False)
    return tmp_path


def make_app(lang: str = "en", keymap: Path | None = None, *, live: bool = True) -> CreditfileApp:
    """The whole terminal UI on the seeded copy in the working directory (``live``: following
    other programs' writes as they happen)."""
    return create_app(
        Path("archive.json"),
        Path("policy.yaml"),
        lang,
        as_of=SEED_AS_OF,
        actor="tester",
        keymap_file=keymap or Path("keys.toml"),
        live=live,
    )


async def wait_loaded(pilot: Pilot[None]) -> None:
    """Until the list shows rows, is searchable and has its attention marks (a database's
    list: its first page and its count); no toasts."""
    app = pilot.app
    assert isinstance(app, CreditfileApp)
    for _ in range(400):
        await pilot.pause(0.02)
        screen = app.list_screen()
        if screen is None:
            continue
        if screen.index is not None and screen.attention_ready:
            break
        window = screen.window
        if window is not None and window.total is not None and screen.archive_total is not None:
            break
    else:
        raise AssertionError("the archive did not load within 8 s")
    await app.workers.wait_for_complete()
    await pilot.pause()
    app.clear_notifications()
    await pilot.pause()


async def settle(pilot: Pilot[None]) -> None:
    """Let every worker finish and the screen repaint."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def run_app(
    app: CreditfileApp,
    steps: Callable[[Pilot[None]], Awaitable[None]],
    size: tuple[int, int] = (120, 40),
) -> None:
    """Drive ``app`` at ``size`` (120×40) through ``steps`` once the archive is loaded."""
    import asyncio

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await wait_loaded(pilot)
            await steps(pilot)

    asyncio.run(main())


class TuiKit:
    """What the flow and snapshot tests need, handed over as one fixture."""

    as_of = SEED_AS_OF
    hongda = WUHAN_HONGDA
    make_app = staticmethod(make_app)
    wait_loaded = staticmethod(wait_loaded)
    settle = staticmethod(settle)
    run = staticmethod(run_app)

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.archive = folder / "archive.json"


@pytest.fixture
def tui(seeded_dir: Path) -> TuiKit:
    """The seeded archive copy plus helpers to start and drive the app on it."""
    return TuiKit(seeded_dir)


@pytest.fixture(autouse=True)
def _english_again_after_each_test() -> Any:
    """The interface language is the process's (gettext's): a test that speaks Chinese must
    not leave it in force for the next one."""
    yield
    from creditfile.presentation.translation import set_language

    set_language("en")


@pytest.fixture(scope="module")
def policy() -> Policy:
    """The default policy, for the card's tests."""
    return load_policy(default_policy_path())


@pytest.fixture
def archive_path(tmp_path: Path, policy: Policy) -> Path:
    """A graded two-customer archive (``card_kit.HONGDA`` and ``JIANGONG``) for the card's
    tests."""
    return graded_archive(tmp_path / "archive.json", policy)
