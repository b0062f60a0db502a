"""What every store guarantees, checked on the file archive and on a real PostgreSQL server.

Each test runs twice: ``store`` is a new archive file, then a new, ``db init``-ed PostgreSQL
database on the throwaway server the test command starts (tests/pgcluster.py). ``reopen`` opens
a second, independent handle on the same archive, as another process or office would.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from creditfile.application.opening import open_archive
from creditfile.store import (
    ArchiveStore,
    ArchiveWriteError,
    CustomerMissingError,
    CustomerWrite,
    DuplicateCustomerError,
    GradeFollow,
    RegradeCancelledError,
    StaleRevisionError,
    customer_document,
)

Reopen = Callable[[], ArchiveStore]


def _doc(cid: str, name: str = "武汉宏达建设工程有限公司", **more: Any) -> dict[str, Any]:
    return {"id": cid, "name": name, "nature": "ordinary_company", **more}


def _grade_all(grade: str, total: float = 80.0) -> Callable[[list[dict[str, Any]]], Any]:
    return lambda docs: {
        d["id"]: {"status": "graded", "grade": grade, "total": total} for d in docs
    }


@pytest.fixture(params=["file", "postgres"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a new archive is: a file path or a database URL."""
    if request.param == "file":
        return str(tmp_path / "archive.json")
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture
def store(location: str) -> ArchiveStore:
    return open_archive(location, create=True)


@pytest.fixture
def reopen(location: str, store: ArchiveStore) -> Reopen:
    del store  # created first
    return lambda: open_archive(location)


def test_a_save_creates_then_changes_with_revisions(store: ArchiveStore, reopen: Reopen) -> None:
    first = store.save_customer(_doc("C1"), base_rev=None, actor="王敏")
    assert first["_meta"]["rev"] == 1 and first["_meta"]["created_by"] == "王敏"
    second = store.save_customer(_doc("C1", "新名称"), base_rev=1, actor="李强")
    assert second["_meta"]["rev"] == 2
    again = reopen().get("C1")
    assert again is not None
    assert customer_document(again) == _doc("C1", "新名称")
    assert again["_meta"]["created_by"] == "王敏" and again["_meta"]["updated_by"] == "李强"


def test_a_stale_save_is_refused_naming_who_and_nothing_is_lost(
    store: ArchiveStore, reopen: Reopen
) -> None:
    first = store.save_customer(_doc("C1"), base_rev=None, actor="wang")
    other = reopen()
    other.save_customer(_doc("C1", "新名称"), base_rev=first["_meta"]["rev"], actor="li")
    with pytest.raises(StaleRevisionError) as caught:
        store.save_customer(_doc("C1", "我的修改"), base_rev=first["_meta"]["rev"], actor="wang")
    assert caught.value.updated_by == "li"
    assert caught.value.current_rev == 2
    assert store.location in str(caught.value)
    assert reopen().get("C1")["name"] == "新名称"  # type: ignore[index]
    assert [e["kind"] for e in store.history("C1")] == ["customer_created", "customer_changed"]


def test_duplicates_and_missing_customers_are_refused(store: ArchiveStore) -> None:
    store.save_customer(_doc("C1"), base_rev=None, actor="a")
    with pytest.raises(DuplicateCustomerError):
        store.save_customer(_doc("C1"), base_rev=None, actor="a")
    with pytest.raises(CustomerMissingError):
        store.save_customer(_doc("C9"), base_rev=1, actor="a")
    with pytest.raises(CustomerMissingError):
        store.delete_customer("C9", base_rev=1, actor="a")


def test_side_records_are_written_in_the_save_transaction(store: ArchiveStore) -> None:
    store.save_customer(_doc("C1"), base_rev=None, actor="王敏")
    verified = {"kind": "source_verified", "source_index": 0}
    store.save_customer(_doc("C1", "新"), base_rev=1, actor="王敏", events=[verified])
    with pytest.raises(StaleRevisionError):
        store.save_customer(_doc("C1"), base_rev=1, actor="li", events=[verified])
    events = store.history("C1")
    assert [e["kind"] for e in events] == [
        "customer_created",
        "customer_changed",
        "source_verified",
    ]
    assert events[2]["txn"] == events[1]["txn"] != events[0]["txn"]
    assert events[2]["rev"] == 2 and events[2]["customer_id"] == "C1"
    assert {"os_user", "host"} <= set(events[0])


def test_the_stamp_changes_with_every_write(store: ArchiveStore) -> None:
    before = store.stamp()
    store.save_customer(_doc("C1"), base_rev=None, actor="wang")
    middle = store.stamp()
    store.import_customers([_doc("C2")], actor="wang")
    assert len({repr(before), repr(middle), repr(store.stamp())}) == 3


def test_records_keep_the_stored_order_and_see_other_writers(
    store: ArchiveStore, reopen: Reopen
) -> None:
    store.import_customers([_doc("C3"), _doc("C1"), _doc("C2")], actor="ops")
    assert list(store.records()) == ["C3", "C1", "C2"]
    reopen().save_customer(_doc("C1", "改"), base_rev=1, actor="li")
    assert list(store.records()) == ["C3", "C1", "C2"]  # a change keeps its place
    assert store.records()["C1"]["name"] == "改"
    assert [d["id"] for d in store.documents()] == ["C3", "C1", "C2"]
    assert "_meta" not in store.documents()[0]


def test_get_returns_a_private_copy(store: ArchiveStore) -> None:
    store.save_customer(_doc("C1", leases=[{"no": "L1"}]), base_rev=None, actor="a")
    copy = store.get("C1")
    assert copy is not None
    copy["leases"].append({"no": "L2"})
    assert store.get("C1")["leases"] == [{"no": "L1"}]  # type: ignore[index]
    assert store.get("C404") is None


def test_an_import_is_all_or_nothing(store: ArchiveStore) -> None:
    store.save_customer(_doc("C1"), base_rev=None, actor="a")
    with pytest.raises(ArchiveWriteError, match="cannot be stored as JSON"):
        store.import_customers([_doc("C2"), {**_doc("C3"), "note": {1, 2}}], actor="a")
    assert list(store.records()) == ["C1"]
    assert [e["kind"] for e in store.history()] == ["customer_created"]


def test_an_import_counts_and_replaces_keeping_creation_and_grading(store: ArchiveStore) -> None:
    store.save_customer(_doc("C1"), base_rev=None, actor="wang")
    store.regrade(_grade_all("A", 91.0), run={}, actor="ops")
    result = store.import_customers([_doc("C1", "新"), _doc("C2"), _doc("C2", "再")], actor="li")
    assert (result.added, result.replaced) == (1, 2)
    c1, c2 = store.get("C1"), store.get("C2")
    assert c1 is not None and c2 is not None
    assert c1["_meta"]["rev"] == 2 and c1["_meta"]["created_by"] == "wang"
    assert c1["_grading"]["grade"] == "A"
    assert c2["name"] == "再" and c2["_meta"]["rev"] == 2


def test_write_customers_plans_on_the_records_under_the_lock(store: ArchiveStore) -> None:
    store.import_customers([_doc("C1"), _doc("C2")], actor="ops")

    def plan(records: Any) -> list[CustomerWrite]:
        return [
            CustomerWrite(cid, {**customer_document(r), "name": f"{r['name']}·改"}, {"mode": "m"})
            for cid, r in records.items()
            if cid == "C2"
        ]

    store.write_customers(plan, actor="li")
    assert store.get("C2")["name"].endswith("·改")  # type: ignore[index]
    event = store.history("C2")[-1]
    assert event["kind"] == "customer_imported" and event["mode"] == "m"
    assert store.write_customers(lambda records: [], actor="li").run_id is None


def test_a_regrade_records_the_run_and_its_changes_and_dry_runs_write_nothing(
    store: ArchiveStore, reopen: Reopen
) -> None:
    store.import_customers([_doc(f"C{i}") for i in range(5)], actor="ops")
    before = reopen().records()
    dry = store.regrade(_grade_all("B"), run={}, actor="ops", dry_run=True)
    assert len(dry.changes) == 5 and dry.run_id is None
    with pytest.raises(RegradeCancelledError):
        store.regrade(_grade_all("B"), run={}, actor="ops", cancelled=lambda: True)
    assert reopen().records() == before and store.runs() == []
    outcome = store.regrade(
        _grade_all("A", 92.0), run={"as_of": "2026-11-29", "policy_version": "v1"}, actor="ops"
    )
    assert outcome.run_id is not None and len(outcome.changes) == 5
    (run,) = reopen().runs()
    assert run["run_id"] == outcome.run_id and run["by_grade"] == {"A": 5}
    assert run["as_of"] == "2026-11-29" and run["customers"] == 5
    assert all(r["_grading"]["grade"] == "A" for r in reopen().records().values())
    assert reopen().records()["C0"]["_meta"]["rev"] == 1  # a regrade changes no revision
    changed = store.history("C3", kind="grade_changed")
    assert [(e["from"], e["to"], e["run_id"]) for e in changed] == [(None, "A", outcome.run_id)]


def test_grading_code_may_record_an_event_while_the_regrade_holds_the_lock(
    store: ArchiveStore,
) -> None:
    store.import_customers([_doc("C1")], actor="a")

    def grade(docs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        store.record_event("C1", "graded_note", "ops")
        return {"C1": {"grade": "A"}}

    store.regrade(grade, run={}, actor="ops")
    assert [e["kind"] for e in store.history("C1")][-2:] == ["graded_note", "grade_changed"]


def test_delete_refuses_a_stale_revision_and_keeps_the_history(store: ArchiveStore) -> None:
    store.save_customer(_doc("C1"), base_rev=None, actor="a")
    store.save_customer(_doc("C1", "改"), base_rev=1, actor="b")
    with pytest.raises(StaleRevisionError):
        store.delete_customer("C1", base_rev=1, actor="a")
    store.delete_customer("C1", base_rev=2, actor="a")
    assert store.get("C1") is None
    kinds = [e["kind"] for e in store.history("C1")]
    assert kinds == ["customer_created", "customer_changed", "customer_deleted"]


def test_a_merge_removes_one_and_leaves_an_alias(store: ArchiveStore, reopen: Reopen) -> None:
    store.import_customers([_doc("K"), _doc("D"), _doc("E")], actor="a")
    store.merge_customers(_doc("K", "合并"), keep_rev=1, drop_id="E", drop_rev=1, actor="a")
    store.merge_customers(_doc("K", "再合并"), keep_rev=2, drop_id="D", drop_rev=1, actor="a")
    other = reopen()
    assert list(other.records()) == ["K"]
    assert other.aliases() == {"E": "K", "D": "K"}
    with pytest.raises(CustomerMissingError):
        store.merge_customers(_doc("K"), keep_rev=3, drop_id="D", drop_rev=1, actor="a")
    assert [e["kind"] for e in other.history("D")][-1] == "customer_merged_away"


def test_a_policy_activation_keeps_the_full_text(store: ArchiveStore, reopen: Reopen) -> None:
    assert store.active_policy() is None
    store.import_customers([_doc("C1")], actor="a")
    store.activate_policy(
        "policy_version: '1'\n# 中文\n", sha256="abc", version="1", path="/p.yaml", actor="合规"
    )

    def amend(docs: list[dict[str, Any]]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        return [({**docs[0], "note": "rescaled"}, {"kind": "entries_rescaled"})]

    store.activate_policy("v2", sha256="def", version="2", path=None, actor="合规", amend=amend)
    active = reopen().active_policy()
    assert active is not None
    assert (active["version"], active["text"], active["activated_by"]) == ("2", "v2", "合规")
    events = store.history(kind="policy_activated")
    assert [e["text"] for e in events] == ["policy_version: '1'\n# 中文\n", "v2"]
    assert store.get("C1")["note"] == "rescaled"  # type: ignore[index]
    assert store.history("C1")[-1]["kind"] == "entries_rescaled"


def test_a_refused_amend_activates_nothing(store: ArchiveStore) -> None:
    def amend(docs: list[dict[str, Any]]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        raise ValueError("stranded entries")

    with pytest.raises(ValueError, match="stranded"):
        store.activate_policy("v", sha256="s", version="1", path=None, actor="a", amend=amend)
    assert store.active_policy() is None and store.history() == []


def test_generated_customers_refuse_a_foreign_archive_unless_forced(store: ArchiveStore) -> None:
    from creditfile.store import ForeignCustomersError

    store.save_customer(_doc("REAL"), base_rev=None, actor="a")
    with pytest.raises(ForeignCustomersError) as refused:
        store.refresh_generated([_doc("G1")], _grade_all("C"), origin="demo", run={}, actor="d")
    # The copy --force would keep: a .bak beside a file; a database keeps none.
    said = str(refused.value)
    assert (".bak)" in said) != ("://" in store.location) and ("back it up" in said) == (
        "://" in store.location
    )
    result = store.refresh_generated(
        [_doc("G1"), _doc("REAL")], _grade_all("C"), origin="demo", run={}, actor="d", force=True
    )
    assert (result.added, result.replaced, result.replaced_unmarked) == (1, 1, ["REAL"])
    assert store.records()["G1"]["_meta"]["origin"] == "demo"
    assert store.records()["G1"]["_grading"]["grade"] == "C"
    assert result.regrade.run_id == store.runs()[-1]["run_id"]


def test_a_merge_grades_the_kept_customer_in_its_own_transaction(
    store: ArchiveStore, reopen: Reopen
) -> None:
    store.import_customers([_doc("K"), _doc("D")], actor="a")
    seen: list[tuple[list[str], list[str]]] = []

    def grade(records: Any, changed: Any) -> GradeFollow:
        seen.append((sorted(records), list(changed)))
        return GradeFollow({"K": {"status": "graded", "grade": "B", "total": 81.5}}, None, "merge")

    kept = store.merge_customers(
        _doc("K", "合并"), keep_rev=1, drop_id="D", drop_rev=1, actor="a", grade=grade
    )
    assert seen == [(["K"], ["K"])]  # graded on the records as they are written: D is gone
    assert kept["_grading"]["grade"] == "B"
    other = reopen()
    assert other.records()["K"]["_grading"]["total"] == 81.5
    [merged] = other.history("K", kind="customer_merged")
    assert merged["grade"] == {"from": None, "to": "B", "total": 81.5, "run_id": None}
    assert [e["kind"] for e in other.history("K")][-1] == "grade_changed"


def test_a_grade_hook_that_refuses_leaves_the_archive_as_it_was(
    store: ArchiveStore, reopen: Reopen
) -> None:
    """The hook is where a check of the records as stored is made under the lock (a credit
    code another writer took meanwhile): raising from it writes nothing."""
    store.import_customers([_doc("K"), _doc("D")], actor="a")

    def refuse(records: Any, changed: Any) -> GradeFollow:
        raise DuplicateCustomerError("archive", "K")

    with pytest.raises(DuplicateCustomerError):
        store.save_customer(_doc("K", "改名"), base_rev=1, actor="a", grade=refuse)
    with pytest.raises(DuplicateCustomerError):
        store.merge_customers(
            _doc("K"), keep_rev=1, drop_id="D", drop_rev=1, actor="a", grade=refuse
        )
    other = reopen()
    assert sorted(other.records()) == ["D", "K"] and other.aliases() == {}
    assert {customer_document(r)["name"] for r in other.records().values()} == {
        "武汉宏达建设工程有限公司"
    }
    assert [e["kind"] for e in other.history()] == ["customer_imported", "customer_imported"]


def test_a_planned_write_with_nothing_to_write_takes_no_transaction_number(
    store: ArchiveStore,
) -> None:
    """An import that changes nothing leaves no gap in the history's transaction numbers."""
    store.save_customer(_doc("C1"), base_rev=None, actor="a")
    first = store.history("C1")[-1]["txn"]
    assert store.write_customers(lambda _records: [], actor="a").changes == []
    store.save_customer(_doc("C2"), base_rev=None, actor="a")
    assert store.history("C2")[-1]["txn"] == first + 1


def test_a_nul_in_any_text_is_refused_before_either_store_and_a_copy_says_so(
    store: ArchiveStore, tmp_path: Path
) -> None:
    """No PostgreSQL text holds a NUL: the validator refuses one wherever it is, on a file
    too; an archive file written before that is refused by ``db copy`` with a message."""
    from creditfile.engine.validation import validator_for
    from creditfile.policy import default_policy_path, load_policy
    from creditfile.store import StoreError, copy_archive

    doc = _doc("C1", contact={"person": "a\x00b"}, assessment={"note": "x"})
    said = validator_for(load_policy(default_policy_path())).problems(doc)
    assert [p.path for p in said if "NUL" in str(p.message)] == ["contact.person"]
    if "://" in store.location:
        older = tmp_path / "older.json"
        open_archive(str(older), create=True).import_customers([doc], actor="a")
        with pytest.raises(StoreError, match=r"NUL character \(U\+0000\)"):
            copy_archive(older, store.location)
        assert store.records() == {}
