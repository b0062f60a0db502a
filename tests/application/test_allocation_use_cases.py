"""Demand requests through the application: checked all at once, kept only by a store that
keeps them, and shown in words in the history."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from creditfile.application.allocation import (
    DemandError,
    DemandInput,
    add_demands,
    allocate,
    demand_summary,
    kept_demands,
    read_demand_file,
)
from creditfile.application.opening import open_archive
from creditfile.policy import Policy
from creditfile.store import ArchiveStore

TODAY = date(2026, 11, 29)


@pytest.fixture
def store(tmp_path: Path) -> ArchiveStore:
    archive = open_archive(tmp_path / "archive.json", create=True)
    archive.import_customers([{"id": "C1", "name": "甲", "nature": "developer"}], actor="seed")
    return archive


def test_a_request_without_a_date_is_dated_today_and_recorded_in_words(
    store: ArchiveStore, default_policy: Policy
) -> None:
    [kept] = add_demands(
        store, [DemandInput("C1", "塔式起重机", "3", "2026年12月5日", note="南昌项目")],
        default_policy, actor="王敏", today=TODAY,
    )  # fmt: skip
    assert (kept["item"], kept["quantity"], kept["wanted_on"], kept["requested_on"]) == (
        "tower_crane", 3, "2026-12-05", "2026-11-29",
    )  # fmt: skip
    [event] = store.history("C1", kind="demand_added")
    assert demand_summary(event, "zh", default_policy) == (
        "需求 R000001 · 塔式起重机 ×3 · 需求日期 2026-12-05 · 申请日期 2026-11-29 · 南昌项目"
    )
    assert demand_summary(event, "en", default_policy).startswith("demand R000001 · 塔式起重机 ×3")
    assert demand_summary(event, "en", default_policy.in_language("en")) == (
        "demand R000001 · Tower crane ×3 · wanted 2026-12-05 · requested 2026-11-29 · 南昌项目"
    )


def test_every_problem_is_named_and_nothing_is_kept(
    store: ArchiveStore, default_policy: Policy
) -> None:
    entries = [
        DemandInput("C1", "tower_crane", "2", "2026-12-01", where="a.csv:2"),
        DemandInput("C2", "tower_crane", "-1", "2026-12-01", "not a date", where="a.csv:3"),
    ]
    with pytest.raises(DemandError) as caught:
        add_demands(store, entries, default_policy, actor="a", today=TODAY)
    assert caught.value.problems == [
        "a.csv:3: customer 'C2' is not in the archive",
        "a.csv:3: quantity '-1': give a whole number from 1 to 1,000,000",
        "a.csv:3: request date 'not a date': write it as YYYY-MM-DD",
    ]
    assert kept_demands(store) == []


class _NoDemands:
    """A store that keeps no demand requests (as a database store may not yet)."""

    location = "postgresql://db/archive"

    def records(self) -> dict[str, object]:
        return {"C1": {"id": "C1"}}


def test_a_store_without_demand_requests_says_so(default_policy: Policy) -> None:
    store = _NoDemands()
    with pytest.raises(DemandError, match="does not keep demand requests"):
        add_demands(
            store,  # type: ignore[arg-type]
            [DemandInput("C1", "tower_crane", "1", "2026-12-01")],
            default_policy,
            actor="a",
            today=TODAY,
        )
    assert kept_demands(store) == []  # type: ignore[arg-type]
    plan = allocate(store, default_policy, "tower_crane", 5)  # type: ignore[arg-type]
    assert plan["rows"] == [] and plan["left"] == 5


@pytest.mark.parametrize("device", ["/dev/full", "/dev/zero"])
def test_a_demand_sheet_that_is_a_device_is_refused_unread(device: str) -> None:
    with pytest.raises(DemandError, match="not a regular file"):
        read_demand_file(device)
