"""The store's interface: what the application may rely on, whatever keeps the archive."""

from __future__ import annotations

from pathlib import Path

import pytest

from creditfile.store import (
    Archive,
    ArchiveStore,
    CustomerLines,
    LineRegradingStore,
    StaleRevisionError,
    customer_document,
)


def _doc(cid: str, name: str = "武汉宏达建设工程有限公司") -> dict[str, object]:
    return {"id": cid, "name": name, "nature": "ordinary_company"}


@pytest.fixture
def store(tmp_path: Path) -> ArchiveStore:
    archive: ArchiveStore = Archive.open(tmp_path / "archive.json", create=True)
    return archive


def test_the_file_archive_is_an_archive_store_with_the_line_fast_path(store: ArchiveStore) -> None:
    assert isinstance(store, ArchiveStore)
    assert isinstance(store, LineRegradingStore)
    assert store.location.endswith("archive.json")


def test_side_records_of_a_save_are_written_with_it(store: ArchiveStore) -> None:
    first = store.save_customer(_doc("C1"), base_rev=None, actor="王敏")
    verified = {"kind": "source_verified", "source_index": 0, "source_kind": "customer_form"}
    store.save_customer(_doc("C1", "新名称"), base_rev=first["_meta"]["rev"], actor="王敏",
                        events=[verified])  # fmt: skip
    events = store.history("C1")
    assert [e["kind"] for e in events] == [
        "customer_created",
        "customer_changed",
        "source_verified",
    ]
    side = events[-1]
    assert side["customer_id"] == "C1" and side["actor"] == "王敏" and side["rev"] == 2
    assert side["txn"] == events[1]["txn"]  # one transaction with the save


def test_a_refused_save_writes_none_of_its_side_records(store: ArchiveStore) -> None:
    store.save_customer(_doc("C1"), base_rev=None, actor="wang")
    with pytest.raises(StaleRevisionError):
        store.save_customer(
            _doc("C1"), base_rev=7, actor="li", events=[{"kind": "source_verified"}]
        )
    assert [e["kind"] for e in store.history("C1")] == ["customer_created"]


def test_the_stamp_changes_with_every_write(store: ArchiveStore) -> None:
    before = store.stamp()
    store.save_customer(_doc("C1"), base_rev=None, actor="wang")
    assert store.stamp() != before


def test_customer_document_strips_only_the_store_fields() -> None:
    record = {**_doc("C1"), "_meta": {"rev": 3}, "_grading": {"grade": "A"}}
    assert customer_document(record) == _doc("C1")
    assert customer_document(None) == {}
    assert "_meta" in record  # the record itself is left as it was


def test_a_share_of_lines_reencodes_with_new_gradings(tmp_path: Path) -> None:
    archive = Archive.open(tmp_path / "archive.json", create=True)
    archive.import_customers([_doc("C1"), _doc("C2", "乙")], actor="wang")
    lines = CustomerLines.of(archive.path.read_bytes())
    assert lines is not None
    share = lines.share((lines.start, lines.end))
    assert [d["id"] for d in share.documents] == ["C1", "C2"]
    assert share.previous_grades() == [None, None]
    encoded = share.encode([{"grade": "A"}, {"grade": "B"}])
    assert encoded.count(b"\n") == 1 and b'"grade":"B"' in encoded
