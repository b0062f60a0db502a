"""The list's keys a PostgreSQL archive keeps beside each grading (schema 10, in a table of the
gradings' own since schema 11): always what the grading says, whichever write stored it, the
same through `db upgrade` as the indexes of schema 9 computed them; a regrade run twice writes
no grading the second time, and a regrade never rewrites a customer's card."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import orjson
import psycopg

from creditfile.application.customers import save_customer
from creditfile.application.opening import open_archive
from creditfile.application.regrade import regrade
from creditfile.demodata.customers import generate_customers
from creditfile.engine import grade_archive
from creditfile.policy import Policy
from creditfile.store import pg_gradings, pg_regrade, pg_schema, upgrade_database

AS_OF = date(2026, 11, 29)
_KEYS = "id, grade, total, tier, lifecycle, stage, phone"
_FROM_DOCUMENTS = """
    SELECT id,
           CASE WHEN grading ->> 'status' = 'graded' THEN NULLIF(grading ->> 'grade', '') END,
           CASE WHEN grading ->> 'status' = 'graded' AND NULLIF(grading ->> 'grade', '') IS NOT NULL
                     AND json_typeof(grading -> 'total') = 'number'
                THEN (grading ->> 'total')::float8 END,
           NULLIF(grading ->> 'tier', ''), NULLIF(grading ->> 'lifecycle', ''),
           NULLIF(grading ->> 'stage', ''), (doc -> 'contact') ->> 'phone'
    FROM customer_records ORDER BY id"""


def _kept(url: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as conn:
        return conn.execute(f"SELECT {_KEYS} FROM customer_records ORDER BY id").fetchall()


def _from_documents(url: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as conn:
        return conn.execute(_FROM_DOCUMENTS).fetchall()


def test_the_keys_follow_every_write_of_a_grading_or_a_document(
    pg_url: str, default_policy: Policy
) -> None:
    store = open_archive(pg_url, create=True)
    store.import_customers(generate_customers(60, 11, AS_OF), actor="seed")
    kept = _kept(pg_url)
    assert all(row[1:6] == (None,) * 5 for row in kept)  # ungraded: no grade, tier, …
    assert sum(row[6] is not None for row in kept) > 30  # phones kept from the documents

    regrade(store, default_policy, AS_OF, "ops")
    kept = _kept(pg_url)
    assert kept == _from_documents(pg_url)
    assert {row[1] for row in kept} >= {"B", "C"}
    assert all(isinstance(row[2], float) for row in kept if row[1] is not None)

    record = store.get("C000003")
    assert record is not None
    doc = {k: v for k, v in record.items() if not k.startswith("_")}
    doc["contact"] = {**doc.get("contact", {}), "phone": "027-8888-0000"}
    doc.pop("assessment", None)  # no scores: ungraded on its save
    save_customer(
        store, doc, base_rev=record["_meta"]["rev"], actor="wang", policy=default_policy,
        as_of=AS_OF,
    )  # fmt: skip
    after = {row[0]: row for row in _kept(pg_url)}["C000003"]
    assert after[1:3] == (None, None)
    assert after[6] == "027-8888-0000"
    assert _kept(pg_url) == _from_documents(pg_url)


def _versions(url: str, table: str) -> dict[str, str]:
    """The row version (``xmin``) of each customer's row in ``table``: it changes when the row is
    written."""
    with psycopg.connect(url) as conn:
        return dict(conn.execute(f"SELECT id, xmin::text FROM {table}").fetchall())


def test_a_regrade_run_twice_writes_no_customer_the_second_time(
    pg_url: str, default_policy: Policy
) -> None:
    store = open_archive(pg_url, create=True)
    store.import_customers(generate_customers(40, 5, AS_OF), actor="seed")
    cards = _versions(pg_url, "customers")
    first = regrade(store, default_policy, AS_OF, "ops")
    gradings = _versions(pg_url, "gradings")
    again = regrade(open_archive(pg_url), default_policy, AS_OF, "ops")
    assert first.customers == again.customers == 40
    assert len(again.changes) == 0
    assert _versions(pg_url, "gradings") == gradings
    # A day later every grading says its date: each is written, and no card is.
    regrade(open_archive(pg_url), default_policy, date(2026, 11, 30), "ops")
    later = _versions(pg_url, "gradings")
    assert len(later) == 40 and all(later[cid] != xmin for cid, xmin in gradings.items())
    assert _versions(pg_url, "customers") == cards


def test_every_customer_has_one_grading_row_whichever_write_made_it(
    pg_url: str, default_policy: Policy
) -> None:
    store = open_archive(pg_url, create=True)
    store.import_customers(generate_customers(12, 7, AS_OF), actor="seed")
    regrade(store, default_policy, AS_OF, "ops")
    record = store.get("C000002")
    assert record is not None
    doc = {k: v for k, v in record.items() if not k.startswith("_")}
    save_customer(
        store, {**doc, "id": "C900001", "name": "新建客户有限公司"}, base_rev=None,
        actor="wang", policy=default_policy, as_of=AS_OF,
    )  # fmt: skip
    store.delete_customer("C000003", base_rev=1, actor="wang")
    with psycopg.connect(pg_url) as conn:
        cards = {row[0] for row in conn.execute("SELECT id FROM customers").fetchall()}
        rows = [row[0] for row in conn.execute("SELECT id FROM gradings").fetchall()]
    assert sorted(rows) == sorted(cards) and len(cards) == 12
    assert "C900001" in cards and "C000003" not in cards
    new = store.get("C900001")
    assert new is not None and new["_grading"]["grade"] is not None


def test_an_archive_of_schema_9_gets_the_keys_its_indexes_computed(
    pg_url: str, default_policy: Policy
) -> None:
    docs = generate_customers(50, 3, AS_OF)
    gradings = grade_archive(docs, default_policy, AS_OF)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        pg_schema.migrate(conn, pg_url, fresh=True, migrations=pg_schema.MIGRATIONS[:9])
        for doc in docs:
            conn.execute(
                "INSERT INTO customers (id, rev, doc, meta, grading) "
                "VALUES (%s, 1, %s::json, '{}'::json, %s::json)",
                (doc["id"], json.dumps(doc, ensure_ascii=False), json.dumps(gradings[doc["id"]])),
            )
        conn.execute(
            "INSERT INTO customers (id, rev, doc, meta, grading) "
            "VALUES ('C999999', 1, '{\"id\": \"C999999\"}', '{}', NULL)"
        )
    with psycopg.connect(pg_url) as conn:
        expected = conn.execute(  # what the indexes of schema 9 computed
            _FROM_DOCUMENTS.replace("customer_records", "customers")
        ).fetchall()
        stored = conn.execute("SELECT id, grading::text FROM customers ORDER BY id").fetchall()
    assert upgrade_database(pg_url) == [
        f"{m.version}: {m.summary}" for m in pg_schema.MIGRATIONS[9:]
    ]
    assert _kept(pg_url) == expected
    assert {row[1] for row in expected} >= {"B", "C", None}
    with psycopg.connect(pg_url) as conn:
        # Every grading moved to its own table as it was written, the ungraded one included.
        assert (
            conn.execute("SELECT id, grading::text FROM customer_records ORDER BY id").fetchall()
            == stored
        )
        assert conn.execute("SELECT count(*) FROM gradings").fetchone() == (51,)


def test_the_keys_a_regrade_gives_are_those_the_server_takes_from_the_grading(
    pg_url: str,
) -> None:
    """A regrade writes the keys it took from each grading beside it (schema 12); for any
    grading they are what the server's trigger takes from the grading's JSON."""
    store = open_archive(pg_url, create=True)
    store.import_customers(generate_customers(1, 11, AS_OF), actor="seed")
    odd: list[dict[str, Any]] = [
        {"status": "graded", "grade": "A", "total": 91.5, "tier": "strategic",
         "lifecycle": "active", "stage": "mature"},
        {"status": "graded", "grade": "B", "total": 80, "tier": "", "lifecycle": None},
        {"status": "graded", "grade": "", "total": 70.25, "tier": "key"},
        {"status": "not_graded", "grade": "C", "total": 55.0, "stage": "new"},
        {"grade": "C", "total": 55.0},
        {"status": "graded", "grade": "C", "total": True, "tier": 3, "lifecycle": ["x"]},
        {"status": "graded", "grade": "C", "total": "61", "stage": {"a": 1}},
        {"status": "graded", "grade": "B", "total": float("nan")},
        {"status": "graded", "grade": "B", "total": 1e-7, "tier": "a\tb\\c\nd \u202e"},
        {"status": "graded", "grade": "甲", "total": 1e300, "lifecycle": "\u00e9"},
        {"status": 1, "grade": "A", "total": 90},
        {},
    ]  # fmt: skip
    cid = next(iter(store.records()))
    with psycopg.connect(pg_url) as conn:
        for grading in odd:
            text = orjson.dumps(grading).decode()
            conn.execute("UPDATE gradings SET grading = %s::json", (text,))
            by_server = conn.execute(
                "SELECT grade, total, tier, lifecycle, stage FROM gradings"
            ).fetchone()
            given = pg_gradings.list_keys(grading)
            assert by_server == (
                given[0],
                None if given[1] is None else float(given[1]),
                *given[2:],
            ), grading
            # Stored the regrade's way: the keys given are kept, and they are the same.
            conn.execute("UPDATE gradings SET grading = NULL")
            conn.execute("SELECT set_config(%s, 'on', true)", (pg_gradings.KEYS_GIVEN,))
            staged = pg_regrade.grading_rows([(cid, grading, orjson.dumps(grading))])
            conn.execute(
                "CREATE TEMPORARY TABLE IF NOT EXISTS staged (id text, grading text, "
                "grade text, total float8, tier text, lifecycle text, stage text)"
            )
            conn.execute("TRUNCATE staged")
            with conn.cursor().copy("COPY staged FROM STDIN") as copy:
                copy.write(staged)
            conn.execute(
                "UPDATE gradings g SET grading = s.grading::json, grade = s.grade, "
                "total = s.total, tier = s.tier, lifecycle = s.lifecycle, "
                "stage = s.stage FROM staged s WHERE g.id = s.id"
            )
            conn.execute("SELECT set_config(%s, 'off', true)", (pg_gradings.KEYS_GIVEN,))
            assert (
                conn.execute("SELECT grade, total, tier, lifecycle, stage FROM gradings").fetchone()
                == by_server
            ), grading
