"""The archive file: 0600, UTF-8, revisions, one write per batch, history, damaged files."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from tinydb import TinyDB

from store import (
    Archive,
    ArchiveDamagedError,
    ArchiveNotFoundError,
    AtomicJSONStorage,
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
    assert Archive.open(archive.path).get("C1")["name"] == "新名称"


def test_duplicate_id_is_refused(archive: Archive) -> None:
    archive.save_customer(_doc("C1"), base_rev=None, actor="a")
    with pytest.raises(DuplicateCustomerError):
        archive.save_customer(_doc("C1"), base_rev=None, actor="a")


def test_import_and_regrade_are_one_write_each(archive: Archive,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    replaced: list[str] = []
    real = os.replace
    monkeypatch.setattr(os, "replace", lambda a, b: (replaced.append(str(b)), real(a, b))[1])
    archive.import_customers([_doc(f"C{i}") for i in range(300)], actor="ops")
    archive.regrade(lambda docs: {d["id"]: {"grade": "A", "total": 90.0} for d in docs},
                    run={"as_of": "2026-11-29"}, actor="ops")
    writes = [p for p in replaced if p == str(archive.path)]
    assert len(writes) == 2


def test_dry_run_and_cancel_leave_the_file_byte_identical(archive: Archive) -> None:
    archive.import_customers([_doc(f"C{i}") for i in range(20)], actor="ops")
    before = archive.path.read_bytes()
    outcome = archive.regrade(lambda docs: {d["id"]: {"grade": "B", "total": 85.0}
                                            for d in docs},
                              run={}, actor="ops", dry_run=True)
    assert len(outcome.changes) == 20
    with pytest.raises(RegradeCancelledError):
        archive.regrade(lambda docs: {d["id"]: {"grade": "B"} for d in docs}, run={},
                        actor="ops", cancelled=lambda: True)
    assert archive.path.read_bytes() == before


def test_history_records_who_what_and_grade_changes(archive: Archive) -> None:
    first = archive.save_customer(_doc("C1"), base_rev=None, actor="wang")
    changed = {**_doc("C1"), "contact": {"phone": "13800000000"}}
    archive.save_customer(changed, base_rev=first["_meta"]["rev"], actor="li")
    archive.regrade(lambda docs: {"C1": {"grade": "A", "total": 91.0}},
                    run={"as_of": "2026-11-29", "policy_version": "2026.1"}, actor="ops")
    events = Archive.open(archive.path).history("C1")
    kinds = [(e["kind"], e["actor"]) for e in events]
    assert kinds == [("customer_created", "wang"), ("customer_changed", "li"),
                     ("grade_changed", "ops")]
    assert events[1]["fields"] == ["contact.phone"]
    assert events[2]["from"] is None
    assert events[2]["to"] == "A"
    assert events[2]["policy_version"] == "2026.1"


def test_history_lines_of_an_unfinished_write_are_never_shown(archive: Archive) -> None:
    archive.save_customer(_doc("C1"), base_rev=None, actor="a")
    history = archive.path.with_name(archive.path.name + ".history.jsonl")
    with history.open("a", encoding="utf-8") as stream:  # a writer died before its commit
        stream.write(json.dumps({"kind": "customer_changed", "customer_id": "C1",
                                 "txn": 99}) + "\n")
    assert [e["kind"] for e in archive.history("C1")] == ["customer_created"]
    archive.save_customer(_doc("C2"), base_rev=None, actor="a")
    assert [e["kind"] for e in Archive.open(archive.path).history("C1")] == ["customer_created"]


@pytest.mark.parametrize("content", [b"", b'{"customers": {"1": {"id": ', b"not json at all",
                                     b'{"_default": {"1": {"x": 1}}}', b"[1, 2, 3]"])
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
    archive.activate_policy("policy_version: x\n", sha256="abc", version="x", path="/p.yaml",
                            actor="compliance")
    active = Archive.open(archive.path).active_policy()
    assert active is not None
    assert active["text"] == "policy_version: x\n"
    assert active["activated_by"] == "compliance"
    assert [e["kind"] for e in archive.history()] == ["policy_activated"]
