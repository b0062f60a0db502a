"""The customer list answered by PostgreSQL a page at a time: an archive upgraded from before
the list's sort keys were kept lists, sorts and filters every customer it held; pages continue
where the last one ended, both ways."""

from __future__ import annotations

from datetime import date

import psycopg
import pytest
from psycopg.types.json import Json

from creditfile.application import list_window
from creditfile.application.customer_index import ListQuery
from creditfile.application.list_window import ServerRows
from creditfile.application.opening import open_archive
from creditfile.application.regrade import regrade
from creditfile.demodata.customers import generate_customers
from creditfile.policy import Policy
from creditfile.store import ListingStore, pg_schema, pg_search

AS_OF = date(2026, 11, 29)


def test_an_archive_from_before_the_list_keys_is_listed_sorted_and_filtered_after_upgrade(
    pg_url: str, default_policy: Policy
) -> None:
    docs = generate_customers(30, 11, AS_OF)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        pg_schema.migrate(conn, pg_url, fresh=True, migrations=pg_schema.MIGRATIONS[:8])
        for doc in docs:
            conn.execute(
                "INSERT INTO customers (id, rev, doc, meta) VALUES (%s, 1, %s, '{\"rev\": 1}')",
                (doc["id"], Json(doc)),
            )
        pg_search.write(conn, [(str(d["id"]), d) for d in docs], list_columns=False)
        pg_schema.migrate(conn, pg_url, fresh=False)
        kept = conn.execute(
            "SELECT count(*) FROM customer_search WHERE name IS NOT NULL AND nature IS NOT NULL"
        ).fetchone()
    assert kept == (30,)
    store = open_archive(pg_url)
    regrade(store, default_policy, AS_OF, "night")
    assert isinstance(store, ListingStore)
    source = ServerRows(store, default_policy, AS_OF)
    ids = sorted(str(d["id"]) for d in docs)
    by_name = list_window.every_row(source, ListQuery(sort="name"), batch=7)
    assert sorted(r.id for r in by_name) == ids
    by_total = list_window.every_row(source, ListQuery(sort="total", reverse=True), batch=7)
    totals = [r.total for r in by_total]
    assert sorted(r.id for r in by_total) == ids
    assert totals == sorted(totals, key=lambda t: -1 if t is None else -t)
    nature = str(docs[0]["nature"])
    same = {str(d["id"]) for d in docs if d["nature"] == nature}
    rows = list_window.every_row(source, ListQuery(filters={"nature": frozenset({nature})}))
    assert {r.id for r in rows} == same
    assert source.count(ListQuery(filters={"nature": frozenset({nature})})) == len(same)


def test_pages_continue_both_ways_and_the_window_stays_bounded(
    pg_url: str, default_policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(list_window, "WINDOW", 20)
    store = open_archive(pg_url, create=True)
    store.import_customers(generate_customers(50, 3, AS_OF), actor="test")
    regrade(store, default_policy, AS_OF, "night")
    assert isinstance(store, ListingStore)
    source = ServerRows(store, default_policy, AS_OF)
    for query in (ListQuery(sort="grade"), ListQuery(sort="total", reverse=True), ListQuery()):
        every = [r.id for r in list_window.every_row(source, query, batch=50)]
        assert len(every) == 50
        window = list_window.first(source, query, 10)
        while not window.at_end:
            window = list_window.further(source, window, 10)
            assert len(window.rows) <= 20
            held = [r.id for r in window.rows]
            assert held == every[window.offset : window.offset + len(held)]
        assert window.offset == 30 and window.rows[-1].id == every[-1]
        while window.offset:
            window = list_window.earlier(source, window, 10)
            held = [r.id for r in window.rows]
            assert len(held) <= 20 and held == every[window.offset : window.offset + len(held)]
        last = list_window.last(source, window, 10)
        assert [r.id for r in last.rows] == every[-10:] and last.offset == 40
        assert last.total == 50


def test_the_command_lines_list_on_a_database_reads_pages_and_lists_what_the_records_give(
    pg_url: str, default_policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    from creditfile.application.customer_list import list_rows, listed_rows

    store = open_archive(pg_url, create=True)
    store.import_customers(generate_customers(120, 5, AS_OF), actor="t")
    regrade(store, default_policy, AS_OF, "night")
    records = store.records()
    queries = [
        ListQuery(),
        ListQuery(sort="total", reverse=True),
        ListQuery(filters={"grade": frozenset({"B", "C"})}, sort="grade"),
        ListQuery(filters={"attention": frozenset({"yes"})}, sort="total"),
        ListQuery(filters={"attention": frozenset({"no"}), "tier": frozenset({"major"})}),
        ListQuery(sort="attention", reverse=True),
        ListQuery(sort="name"),
        ListQuery(filters={"nature": frozenset({"developer"})}, sort="attention"),
    ]
    expected = [[r.id for r in list_rows(records, default_policy, AS_OF, q)] for q in queries]
    assert any(len(ids) not in (0, 120) for ids in expected)  # the filters do filter

    def every() -> None:
        raise AssertionError("read every record")

    monkeypatch.setattr(store, "records", every)
    for query, ids in zip(queries, expected, strict=True):
        assert [r.id for r in listed_rows(store, default_policy, AS_OF, query)] == ids, query
