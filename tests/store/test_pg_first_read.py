"""The first read of a PostgreSQL archive comes in batches, as the file's does: the list's first
page in its default order (by id) at once, then every record in stored order, starting over."""

from __future__ import annotations

from datetime import date
from typing import Any

from creditfile.application import list_window
from creditfile.application.customer_index import ListQuery
from creditfile.store import ReadBatch, open_database
from creditfile.store.pg_first_read import FIRST_PAGE
from creditfile.tui.service import ArchiveService, LoadingBatch


def _doc(n: int) -> dict[str, Any]:
    return {"id": f"C{n:04d}", "name": f"襄阳宏达建设工程有限公司{n}", "nature": "ordinary_company"}


def test_the_first_page_comes_first_then_every_record_in_stored_order(pg_url: str) -> None:
    # Stored in reverse: the first page (smallest ids) is the last stored.
    docs = [_doc(n) for n in reversed(range(FIRST_PAGE * 3))]
    open_database(pg_url, create=True).import_customers(docs, actor="ops")
    batches: list[ReadBatch] = []
    store = open_database(pg_url, on_batch=batches.append)
    records = store.records()
    assert list(records) == [d["id"] for d in docs]  # stored order
    first = batches[0]
    assert [r["id"] for r in first.records] == [f"C{n:04d}" for n in range(FIRST_PAGE)]
    assert (first.done, first.total, first.restart) == (FIRST_PAGE, len(docs), False)
    assert batches[1].restart and [b.restart for b in batches[2:]] == [False] * (len(batches) - 2)
    assert sum(len(b.records) for b in batches[1:]) == len(docs) == batches[-1].done
    before = len(batches)
    store.import_customers([_doc(9999)], actor="ops")
    assert len(store.records()) == len(docs) + 1
    assert len(batches) == before  # only the first read is handed out


def test_the_list_gets_its_first_rows_and_the_policy_without_a_whole_read(pg_url: str) -> None:
    docs = [_doc(n) for n in range(FIRST_PAGE * 2)]
    open_database(pg_url, create=True).import_customers(docs, actor="ops")
    seen: list[LoadingBatch] = []
    service = ArchiveService(pg_url, None, as_of=date(2026, 11, 29), actor="li")
    loaded = service.load(seen.append)
    # A database answers the list a page at a time: nothing is read whole, no batch handed out.
    assert loaded.paged and loaded.customers == 0 and seen == []
    source = service.list_rows()
    assert source is not None
    window = list_window.first(source, ListQuery())
    assert [row.id for row in window.rows] == [d["id"] for d in docs[: list_window.PAGE]]
    assert service.policy.version  # resolved from the archive before any record
    assert len(service.records()) == len(docs)  # every record, read when a screen asks


def test_an_archive_smaller_than_a_page_is_read_in_one_batch(pg_url: str) -> None:
    open_database(pg_url, create=True).import_customers([_doc(1), _doc(2)], actor="ops")
    batches: list[ReadBatch] = []
    assert list(open_database(pg_url, on_batch=batches.append).records()) == ["C0001", "C0002"]
    assert [(b.done, b.total, b.restart) for b in batches] == [(2, 2, False)]
