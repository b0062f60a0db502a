"""Reading the history through the application: one customer's or all, by kind, since a day,
the newest N — the same reading for the command line and the card."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from creditfile.application.customers import save_customer
from creditfile.application.history import HistoryQuery, read_history
from creditfile.application.opening import open_archive
from creditfile.policy import default_policy_path, load_policy
from creditfile.store import ArchiveStore

PERSONAL = frozenset({"individual"})


def _doc(cid: str, name: str) -> dict[str, Any]:
    return {"id": cid, "name": name, "nature": "developer"}


def _archive(tmp_path: Path) -> ArchiveStore:
    archive = open_archive(tmp_path / "archive.json", create=True)
    archive.import_customers([_doc("C1", "甲"), _doc("C2", "乙")], actor="seed")
    first = archive.get("C1")
    assert first is not None
    policy = load_policy(default_policy_path())
    save_customer(archive, {**_doc("C1", "甲公司")}, base_rev=first["_meta"]["rev"], actor="王",
                  policy=policy, as_of=date(2026, 11, 30))  # fmt: skip
    return archive


def test_one_customers_events_oldest_first(tmp_path: Path) -> None:
    archive = _archive(tmp_path)
    events = read_history(archive, HistoryQuery(customer_id="C1"), personal_natures=PERSONAL)
    assert events and all(e["customer_id"] == "C1" for e in events)
    assert [e["at"] for e in events] == sorted(e["at"] for e in events)
    assert events[-1]["actor"] == "王"
    assert (
        read_history(archive, HistoryQuery(customer_id="C2"), personal_natures=PERSONAL) != events
    )


def test_limit_keeps_the_newest(tmp_path: Path) -> None:
    archive = _archive(tmp_path)
    every = read_history(archive, HistoryQuery(), personal_natures=PERSONAL)
    assert len(every) >= 3
    assert read_history(archive, HistoryQuery(limit=2), personal_natures=PERSONAL) == every[-2:]
    assert read_history(archive, HistoryQuery(limit=0), personal_natures=PERSONAL) == every


def test_kind_and_since_select(tmp_path: Path) -> None:
    archive = _archive(tmp_path)
    every = read_history(archive, HistoryQuery(), personal_natures=PERSONAL)
    kinds = {e["kind"] for e in every}
    for kind in kinds:
        chosen = read_history(archive, HistoryQuery(kind=kind), personal_natures=PERSONAL)
        assert chosen == [e for e in every if e["kind"] == kind]
    today = datetime.fromisoformat(every[-1]["at"]).date()
    assert read_history(archive, HistoryQuery(since=today), personal_natures=PERSONAL) == [
        e for e in every if e["at"][:10] >= today.isoformat()
    ]
    assert (
        read_history(
            archive, HistoryQuery(since=today + timedelta(days=1)), personal_natures=PERSONAL
        )
        == []
    )
    assert (
        read_history(archive, HistoryQuery(since=date(2000, 1, 1)), personal_natures=PERSONAL)
        == every
    )
