"""The archive file: 0600, UTF-8, revisions, one write per batch, history, damaged files."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from tinydb import TinyDB

from creditfile.store import (
    Archive,
    ArchiveDamagedError,
    ArchiveNotFoundError,
    ArchiveWriteError,
    AtomicJSONStorage,
    CustomerWrite,
    DuplicateCustomerError,
    RegradeCancelledError,
    StaleRevisionError,
    check_archive,
    restore_backup,
)


def _doc(cid: str, name: str = "武汉宏达建设工程有限公司") -> dict[str, object]:
    return {"id": cid, "name": name, "nature": "ordinary_company"}


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    return Archive.open(tmp_path / "archive.json", create=True)


def test_new_archive_is_private_utf8_and_a_tinydb_file(archive: Archive) -> None:
    archive.save_customer(_doc("C1"), base_rev=None, actor="王敏")
    assert stat.S_IMODE(archive.path.stat().st_mode) == 0o600
    raw = archive.path.read_bytes()
    assert "武汉宏达".encode() in raw  # not \\u escapes
    rows = TinyDB(archive.path, storage=AtomicJSONStorage).table("customers").all()
    assert [row["id"] for row in rows] == ["C1"]


def test_missing_archive_says_how_to_create_one(tmp_path: Path) -> None:
    with pytest.raises(ArchiveNotFoundError, match="creditfile demo"):
        Archive.open(tmp_path / "none.json")


def test_stale_save_is_refused_and_names_who(archive: Archive) -> None:
    first = archive.save_customer(_doc("C1"), base_rev=None, actor="wang")
    other = Archive.open(archive.path)
    other.save_customer(_doc("C1", "新名称"), base_rev=first["_meta"]["rev"], actor="li")
    with pytest.raises(StaleRevisionError) as caught:
        archive.save_customer(_doc("C1", "我的修改"), base_rev=first["_meta"]["rev"], actor="wang")
    assert caught.value.updated_by == "li"
    assert Archive.open(archive.path).get("C1")["name"] == "新名称"  # type: ignore[index]


def test_duplicate_id_is_refused(archive: Archive) -> None:
    archive.save_customer(_doc("C1"), base_rev=None, actor="a")
    with pytest.raises(DuplicateCustomerError):
        archive.save_customer(_doc("C1"), base_rev=None, actor="a")


def test_import_and_regrade_are_one_write_each(
    archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    replaced: list[str] = []
    real = os.replace

    def replace(source: str, target: str) -> None:
        replaced.append(str(target))
        real(source, target)

    monkeypatch.setattr(os, "replace", replace)
    archive.import_customers([_doc(f"C{i}") for i in range(300)], actor="ops")
    archive.regrade(
        lambda docs: {d["id"]: {"grade": "A", "total": 90.0} for d in docs},
        run={"as_of": "2026-11-29"},
        actor="ops",
    )
    writes = [p for p in replaced if p == str(archive.path)]
    assert len(writes) == 2


def test_dry_run_and_cancel_leave_the_file_byte_identical(archive: Archive) -> None:
    archive.import_customers([_doc(f"C{i}") for i in range(20)], actor="ops")
    before = archive.path.read_bytes()
    outcome = archive.regrade(
        lambda docs: {d["id"]: {"grade": "B", "total": 85.0} for d in docs},
        run={},
        actor="ops",
        dry_run=True,
    )
    assert len(outcome.changes) == 20
    with pytest.raises(RegradeCancelledError):
        archive.regrade(
            lambda docs: {d["id"]: {"grade": "B"} for d in docs},
            run={},
            actor="ops",
            cancelled=lambda: True,
        )
    assert archive.path.read_bytes() == before


def test_history_records_who_what_and_grade_changes(archive: Archive) -> None:
    first = archive.save_customer(_doc("C1"), base_rev=None, actor="wang")
    changed = {**_doc("C1"), "contact": {"phone": "13800000000"}}
    archive.save_customer(changed, base_rev=first["_meta"]["rev"], actor="li")
    archive.regrade(
        lambda docs: {"C1": {"grade": "A", "total": 91.0}},
        run={"as_of": "2026-11-29", "policy_version": "2026.1"},
        actor="ops",
    )
    events = Archive.open(archive.path).history("C1")
    kinds = [(e["kind"], e["actor"]) for e in events]
    assert kinds == [
        ("customer_created", "wang"),
        ("customer_changed", "li"),
        ("grade_changed", "ops"),
    ]
    assert events[1]["fields"] == ["contact.phone"]
    assert events[2]["from"] is None
    assert events[2]["to"] == "A"
    assert events[2]["policy_version"] == "2026.1"


def test_history_lines_of_an_unfinished_write_are_never_shown(archive: Archive) -> None:
    archive.save_customer(_doc("C1"), base_rev=None, actor="a")
    history = archive.path.with_name(archive.path.name + ".history.jsonl")
    with history.open("a", encoding="utf-8") as stream:  # a writer died before its commit
        stream.write(
            json.dumps({"kind": "customer_changed", "customer_id": "C1", "txn": 99}) + "\n"
        )
    assert [e["kind"] for e in archive.history("C1")] == ["customer_created"]
    archive.save_customer(_doc("C2"), base_rev=None, actor="a")
    assert [e["kind"] for e in Archive.open(archive.path).history("C1")] == ["customer_created"]


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b'{"customers": {"1": {"id": ',
        b"not json at all",
        b'{"_default": {"1": {"x": 1}}}',
        b"[1, 2, 3]",
    ],
)
def test_damaged_or_foreign_file_is_refused_untouched(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "archive.json"
    path.write_bytes(content)
    with pytest.raises(ArchiveDamagedError) as caught:
        Archive.open(path)
    assert str(path) in str(caught.value)
    assert path.read_bytes() == content


def test_backup_restores_the_last_good_copy(archive: Archive) -> None:
    archive.save_customer(_doc("C1"), base_rev=None, actor="a")
    archive.save_customer(_doc("C2"), base_rev=None, actor="a")
    archive.path.write_bytes(b'{"customers": {"1"')  # damaged by something else
    assert check_archive(archive.path)
    restore_backup(archive.path)
    assert check_archive(archive.path) == []
    assert list(Archive.open(archive.path).records()) == ["C1"]


def test_policy_activation_keeps_the_full_text(archive: Archive) -> None:
    archive.activate_policy(
        "policy_version: x\n", sha256="abc", version="x", path="/p.yaml", actor="compliance"
    )
    active = Archive.open(archive.path).active_policy()
    assert active is not None
    assert active["text"] == "policy_version: x\n"
    assert active["activated_by"] == "compliance"
    assert [e["kind"] for e in archive.history()] == ["policy_activated"]


FULL_DOC: dict[str, object] = {
    "id": "C000123",
    "name": "武汉宏达建设工程有限公司",
    "nature": "ordinary_company",
    "contact": {"address": "武汉市解放大道100号", "phone": "13800000000", "person": "王敏"},
    "profile": {"founded_on": "2008-03-15", "person": {"age": 45, "hobbies": "钓鱼“垂钓”"}},
    "leases": [
        {"contract": "L2023-001", "item": "ringlock_scaffolding", "start": "2023-01-05",
         "end": "2023-09-30", "amount": 1250000.5, "status": "closed"}
    ],
    "sources": [{"kind": "customer_form", "on": "2026-09-01", "verified": False, "cost": None}],
}  # fmt: skip


def test_chinese_document_round_trips_exactly(archive: Archive) -> None:
    archive.save_customer(FULL_DOC, base_rev=None, actor="王敏")
    assert Archive.open(archive.path).documents() == [FULL_DOC]
    record = json.loads(archive.path.read_text("utf-8"))["customers"]["1"]
    assert record["name"] == "武汉宏达建设工程有限公司"
    assert record["_meta"]["rev"] == 1
    assert record["_meta"]["created_by"] == "王敏"
    assert record["_grading"] is None


def test_file_stays_private_after_many_replacements(tmp_path: Path) -> None:
    old_umask = os.umask(0o022)
    try:
        archive = Archive.open(tmp_path / "a.json", create=True)
        for i in range(3):
            archive.save_customer(_doc(f"C{i}"), base_rev=None, actor="a")
    finally:
        os.umask(old_umask)
    sidecars = [archive.path, *tmp_path.glob("a.json.*")]
    assert {p.name for p in sidecars} >= {"a.json", "a.json.bak", "a.json.history.jsonl"}
    assert {stat.S_IMODE(p.stat().st_mode) for p in sidecars} == {0o600}


def test_failed_import_changes_nothing_not_even_in_memory(archive: Archive) -> None:
    archive.import_customers([_doc("C1")], actor="ops")
    before = archive.path.read_bytes()
    bad: list[dict[str, object]] = [_doc("C2"), _doc("C1", "替换"), {"name": "没有编号"}]
    with pytest.raises(KeyError):
        archive.import_customers(bad, actor="ops")
    assert archive.path.read_bytes() == before
    assert list(archive.records()) == ["C1"]
    assert archive.get("C1")["name"] == "武汉宏达建设工程有限公司"  # type: ignore[index]


def test_import_counts_and_replaces_keeping_creation_and_grading(archive: Archive) -> None:
    archive.import_customers([_doc("C1")], actor="first")
    archive.regrade(lambda docs: {"C1": {"grade": "B", "total": 80.0}}, run={}, actor="ops")
    result = archive.import_customers([_doc("C1", "新名"), _doc("C2")], actor="second")
    assert (result.added, result.replaced) == (1, 1)
    record = Archive.open(archive.path).get("C1")
    assert record is not None
    assert record["name"] == "新名"
    assert record["_meta"]["rev"] == 2
    assert record["_meta"]["created_by"] == "first"
    assert record["_meta"]["updated_by"] == "second"
    assert record["_grading"] == {"grade": "B", "total": 80.0}


def test_get_returns_a_copy_the_caller_may_change(archive: Archive) -> None:
    archive.save_customer(FULL_DOC, base_rev=None, actor="a")
    mine = archive.get("C000123")
    assert mine is not None
    mine["contact"]["phone"] = "0"
    assert archive.get("C000123")["contact"]["phone"] == "13800000000"  # type: ignore[index]


def test_a_save_by_another_process_is_seen_without_reopening(archive: Archive) -> None:
    first = archive.save_customer(_doc("C1"), base_rev=None, actor="a")
    Archive.open(archive.path).save_customer(
        _doc("C1", "别人改的"), base_rev=first["_meta"]["rev"], actor="b"
    )
    assert archive.records()["C1"]["name"] == "别人改的"


def test_one_save_does_not_read_the_file_again(
    archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive.import_customers([_doc(f"C{i}") for i in range(50)], actor="ops")
    reads: list[Path] = []
    real = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        reads.append(path)
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    record = archive.get("C7")
    assert record is not None
    archive.save_customer(_doc("C7", "改名"), base_rev=record["_meta"]["rev"], actor="a")
    archive.records()
    assert archive.path not in reads


def test_delete_refuses_stale_revision_and_keeps_history(archive: Archive) -> None:
    first = archive.save_customer(_doc("C1"), base_rev=None, actor="a")
    archive.save_customer(_doc("C1", "x"), base_rev=1, actor="b")
    with pytest.raises(StaleRevisionError):
        archive.delete_customer("C1", base_rev=first["_meta"]["rev"], actor="a")
    archive.delete_customer("C1", base_rev=2, actor="a")
    assert Archive.open(archive.path).records() == {}
    kinds = [e["kind"] for e in archive.history("C1")]
    assert kinds == ["customer_created", "customer_changed", "customer_deleted"]


def test_regrade_records_the_run_and_its_changes(archive: Archive) -> None:
    archive.import_customers([_doc("C1"), _doc("C2")], actor="ops")
    grades: dict[str, dict[str, Any]] = {
        "C1": {"status": "graded", "grade": "A", "total": 95.0},
        "C2": {"status": "ungraded", "grade": None, "total": None},
    }
    run = {"as_of": "2026-11-29", "policy_version": "2026.1", "policy_sha256": "ff", "top": 9}
    outcome = archive.regrade(lambda docs: grades, run=run, actor="night")
    assert outcome.changes == [{"id": "C1", "from": None, "to": "A", "total": 95.0}]
    assert archive.records()["C1"]["_grading"] == grades["C1"]
    (logged,) = Archive.open(archive.path).runs()
    assert logged["run_id"] == outcome.run_id
    assert logged["actor"] == "night"
    assert logged["top"] == 9
    assert (logged["customers"], logged["ungraded"], logged["changes"]) == (2, 1, 1)
    assert logged["by_grade"] == {"A": 1}
    again = archive.regrade(lambda docs: grades, run=run, actor="night", dry_run=True)
    assert again.changes == []


def test_regrade_sees_a_save_made_after_the_archive_was_opened(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    night = Archive.open(path, create=True)
    night.import_customers([_doc("C1")], actor="ops")
    Archive.open(path).save_customer(_doc("C1", "白天改的"), base_rev=1, actor="day")
    seen: list[str] = []

    def grade(docs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        seen.extend(d["name"] for d in docs)
        return {d["id"]: {"grade": "A"} for d in docs}

    night.regrade(grade, run={}, actor="ops")
    assert seen == ["白天改的"]
    assert Archive.open(path).get("C1")["name"] == "白天改的"  # type: ignore[index]


def test_audit_events_are_kept_without_rewriting_the_archive(archive: Archive) -> None:
    archive.save_customer(_doc("C1"), base_rev=None, actor="a")
    before = archive.path.read_bytes()
    archive.record_event("C1", "personal_data_revealed", "li", {"fields": ["profile.person"]})
    assert archive.path.read_bytes() == before
    last = Archive.open(archive.path).history("C1")[-1]
    assert (last["kind"], last["actor"], last["fields"]) == (
        "personal_data_revealed", "li", ["profile.person"]
    )  # fmt: skip


def test_a_history_line_cut_by_a_crash_does_not_swallow_the_next(archive: Archive) -> None:
    archive.save_customer(_doc("C1"), base_rev=None, actor="a")
    history = archive.path.with_name(archive.path.name + ".history.jsonl")
    with history.open("ab") as stream:
        stream.write(b'{"kind": "customer_chan')  # a write cut off mid-line
    archive.save_customer(_doc("C2"), base_rev=None, actor="a")
    assert [e["kind"] for e in Archive.open(archive.path).history("C2")] == ["customer_created"]
    assert any("cut short" in problem for problem in check_archive(archive.path))


def test_stray_temp_files_of_a_killed_writer_are_removed_on_open(archive: Archive) -> None:
    stray = archive.path.with_name(f".{archive.path.name}.tmp-999-abcd")
    stray.write_bytes(b'{"half": ')
    Archive.open(archive.path)
    assert not stray.exists()


def test_check_archive_reports_a_customer_stored_twice(archive: Archive) -> None:
    archive.import_customers([_doc("C1"), _doc("C2")], actor="a")
    data = json.loads(archive.path.read_text("utf-8"))
    data["customers"]["2"]["id"] = "C1"
    archive.path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    assert check_archive(archive.path) == [f"{archive.path}: customer C1 is stored 2 times"]


def test_newer_format_is_refused_untouched(archive: Archive) -> None:
    data = json.loads(archive.path.read_text("utf-8"))
    data["meta"]["1"]["format_version"] = 99
    archive.path.write_text(json.dumps(data), "utf-8")
    before = archive.path.read_bytes()
    with pytest.raises(ArchiveDamagedError, match="upgrade creditfile"):
        Archive.open(archive.path)
    assert archive.path.read_bytes() == before


def test_a_value_json_cannot_hold_is_refused_and_nothing_written(archive: Archive) -> None:
    archive.save_customer(_doc("C1"), base_rev=None, actor="a")
    before = archive.path.read_bytes()
    with pytest.raises(ArchiveWriteError, match="cannot be stored as JSON"):
        archive.save_customer({**_doc("C2"), "note": {1, 2}}, base_rev=None, actor="a")
    assert archive.path.read_bytes() == before
    assert list(archive.records()) == ["C1"]


def test_grading_code_may_use_the_archive_it_is_called_from(tmp_path: Path) -> None:
    archive = Archive.open(tmp_path / "a.json", create=True, lock_timeout=1)
    archive.import_customers([_doc("C1")], actor="a")

    def grade(docs: list[dict[str, object]]) -> dict[str, dict[str, object]]:
        archive.record_event("C1", "graded_note", "ops")  # would wait for its own lock
        return {"C1": {"grade": "A"}}

    archive.regrade(grade, run={}, actor="ops")
    assert [e["kind"] for e in archive.history("C1")][-2:] == ["graded_note", "grade_changed"]


@pytest.mark.parametrize(
    "customers",
    [{"1": [1, 2]}, {"1": {"name": "没有编号"}}, {"x": {"id": "C1"}}, ["C1"]],
)
def test_a_damaged_customers_table_is_refused_untouched(
    archive: Archive, customers: object
) -> None:
    archive.save_customer(_doc("C1"), base_rev=None, actor="a")
    data = json.loads(archive.path.read_text("utf-8"))
    data["customers"] = customers
    archive.path.write_text(json.dumps(data), "utf-8")
    before = archive.path.read_bytes()
    with pytest.raises(ArchiveDamagedError, match="creditfile doctor"):
        Archive.open(archive.path)
    assert archive.path.read_bytes() == before
    (problem,) = check_archive(archive.path)
    assert str(archive.path) in problem
    assert "last good copy" in problem


def test_a_created_customer_lists_the_fields_it_was_created_with(archive: Archive) -> None:
    doc = {
        **_doc("C1"),
        "contact": {"phone": "027-1234567", "address": None},
        "profile": {},
        "leases": [{"contract_no": "L1"}],
        "note": None,
    }
    archive.write_customers(lambda _records: [CustomerWrite("C1", doc, {})], actor="wang")
    created = Archive.open(archive.path).history("C1")[0]
    assert created["created"] is True
    assert created["fields"] == ["contact.phone", "id", "leases", "name", "nature"]
    assert "changes" not in created  # a new customer's values are its first revision
