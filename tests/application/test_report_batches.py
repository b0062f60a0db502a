"""The UI's reports over every customer, read a batch at a time: the same figures as the
whole-archive reports, and the same on a file archive and on PostgreSQL holding the same
customers."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from creditfile.application import report_batches
from creditfile.application.opening import open_archive
from creditfile.application.regrade import regrade
from creditfile.application.regrade_preview import preview_in_batches, preview_of
from creditfile.application.report_batches import archive_tops, compositions, due_list
from creditfile.application.reporting import ArchiveView
from creditfile.application.trend import trend_in_batches, trend_report
from creditfile.demodata.customers import generate_customers
from creditfile.engine.grading import archive_tops_for
from creditfile.policy import Policy, parse_policy
from creditfile.reports.composition import DIMENSIONS
from creditfile.store import ArchiveStore, BatchReadingStore

AS_OF = date(2026, 11, 29)
VIEWS = (*DIMENSIONS, "item")


def _filled(location: str, policy: Policy) -> ArchiveStore:
    """140 generated customers graded, then 12 more imported and never graded."""
    store = open_archive(location, create=True)
    customers = generate_customers(152, 11, AS_OF)
    store.import_customers(customers[:140], actor="seed")
    regrade(store, policy, AS_OF, "seed")
    store.import_customers(customers[140:], actor="seed")
    return store


@pytest.fixture(autouse=True)
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of 23 customers: seven per archive, the last one short."""
    monkeypatch.setattr(report_batches, "BATCH", 23)


@pytest.fixture(params=["file", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path, default_policy: Policy) -> ArchiveStore:
    location = (
        str(tmp_path / "archive.json")
        if request.param == "file"
        else str(request.getfixturevalue("pg_url"))
    )
    return _filled(location, default_policy)


def test_both_stores_hand_out_every_record_in_batches_in_stored_order(
    store: ArchiveStore,
) -> None:
    assert isinstance(store, BatchReadingStore)
    batches = list(store.record_batches(23))
    assert [len(b) for b in batches] == [23] * 6 + [14]
    assert [r["id"] for b in batches for r in b] == list(store.records())
    assert [r for b in batches for r in b] == list(store.records().values())


def test_the_compositions_counted_in_batches_are_the_whole_archive_s(
    store: ArchiveStore, default_policy: Policy
) -> None:
    seen: list[tuple[int, int]] = []
    got = compositions(store, default_policy, AS_OF, VIEWS, lambda d, t: seen.append((d, t)))
    whole = ArchiveView.of(store.records(), default_policy, AS_OF).compositions(VIEWS)
    assert got == whole
    assert got["grade"]["total"]["customers"] == 152
    assert seen[0] == (0, 152) and seen[-1] == (152, 152) and len(seen) == 8


def test_the_review_list_keeps_the_most_urgent_and_counts_every_one_due(
    store: ArchiveStore, default_policy: Policy
) -> None:
    whole = ArchiveView.of(store.records(), default_policy, AS_OF).due_for_review()
    assert len(whole) > 30  # the never-graded twelve among them
    first = due_list(store, default_policy, AS_OF, 30)
    assert first.count == len(whole) and first.customers == 152
    assert first.rows == whole[:30]
    every = due_list(store, default_policy, AS_OF, 10_000)
    assert every.rows == whole


def test_the_card_s_tops_are_the_stored_ones_on_the_graded_date_and_counted_on_another(
    store: ArchiveStore, default_policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    regrade(store, default_policy, AS_OF, "seed")  # the twelve imported last graded too
    graded = archive_tops_for(store.documents(), default_policy, AS_OF)
    read: list[int] = []
    batches = report_batches.record_batches

    def counting(store: ArchiveStore, size: int | None = None) -> Any:
        read.append(1)
        return batches(store, size)

    monkeypatch.setattr(report_batches, "record_batches", counting)
    assert archive_tops(store, default_policy, AS_OF) == graded
    assert read == []  # taken from the stored gradings, no customer read
    later = AS_OF + timedelta(days=400)
    assert archive_tops(store, default_policy, later) == archive_tops_for(
        store.documents(), default_policy, later
    )
    assert read == [1]


def _stricter(text: str) -> Policy:
    """Every threshold 5 points higher, as a new version: a regrade lowers grades."""
    for old, new in (("min_score: 90", "min_score: 95"), ("min_score: 80", "min_score: 85"),
                     ("min_score: 70", "min_score: 75"), ('"2026.1"', '"2026.2"')):  # fmt: skip
        assert old in text
        text = text.replace(old, new)
    return parse_policy(text)


def test_the_regrade_preview_in_batches_is_the_whole_archive_s_with_the_first_changes(
    store: ArchiveStore, default_policy: Policy, default_policy_text: str
) -> None:
    seen: list[float] = []
    for policy in (default_policy, _stricter(default_policy_text)):
        whole = preview_of(list(store.records().values()), policy, AS_OF)
        assert len(whole.changes) >= 12  # the twelve never graded, and more under the stricter
        got = preview_in_batches(store, policy, AS_OF, lambda f, _p: seen.append(f), keep=5)
        assert got.changing == len(whole.changes) and got.changes == whole.changes[:5]
        assert (got.customers, got.before, got.after, got.matrix) == (
            whole.customers, whole.before, whole.after, whole.matrix
        )  # fmt: skip
        assert preview_in_batches(store, policy, AS_OF) == whole
    assert 0 < max(seen) < 1  # the screen's bar moves; the screen itself says when done


def test_a_file_and_a_database_holding_the_same_customers_give_the_same_reports(
    tmp_path: Path, pg_url: str, default_policy: Policy
) -> None:
    stores = [
        _filled(str(tmp_path / "archive.json"), default_policy),
        _filled(pg_url, default_policy),
    ]
    reports = [
        (
            compositions(store, default_policy, AS_OF, VIEWS),
            due_list(store, default_policy, AS_OF, 50),
            archive_tops(store, default_policy, AS_OF),
            preview_in_batches(store, default_policy, AS_OF),
        )
        for store in stores
    ]
    assert reports[0] == reports[1]


@pytest.mark.parametrize("kind", ["year", "quarter"])
def test_the_trend_counted_in_batches_is_the_whole_archive_s(
    store: ArchiveStore, default_policy: Policy, default_policy_text: str, kind: str
) -> None:
    # A run for a past date under stricter thresholds: grades held change from year to year.
    regrade(store, _stricter(default_policy_text), date(2024, 6, 30), "seed")
    regrade(store, default_policy, AS_OF, "seed")
    view = ArchiveView.of(store.records(), default_policy, AS_OF)
    for by in ("grade", "item", "nature"):
        whole = trend_report(store, view, by, kind)
        assert trend_in_batches(store, default_policy, AS_OF, by, kind) == whole
    by_grade = trend_report(store, view, "grade", kind)
    graded = [row.get("graded") for p in by_grade["periods"] for row in p["rows"]]
    assert len(set(graded)) > 3  # holders differ from period to period
