"""What the PostgreSQL archive guarantees by the server's own means: an append-only history,
writers serialised behind a regrade, a schema it knows, no password on a command line."""

from __future__ import annotations

import threading
import time
from typing import Any

import psycopg
import pytest

from creditfile.store import (
    ArchiveLockedError,
    StaleRevisionError,
    StoreError,
    initialise_database,
    open_database,
    pg_schema,
    upgrade_database,
)


def _doc(cid: str, name: str = "武汉宏达建设工程有限公司") -> dict[str, Any]:
    return {"id": cid, "name": name, "nature": "ordinary_company"}


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE history SET kind = 'forged'",
        "DELETE FROM history",
        "TRUNCATE history",
    ],
)
def test_the_server_refuses_to_change_or_remove_history(pg_url: str, statement: str) -> None:
    store = open_database(pg_url, create=True)
    store.save_customer(_doc("C1"), base_rev=None, actor="wang")
    with psycopg.connect(pg_url) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(statement)
    assert [e["kind"] for e in store.history("C1")] == ["customer_created"]


def test_the_history_records_the_database_user_beside_the_declared_actor(pg_url: str) -> None:
    store = open_database(pg_url, create=True)
    store.save_customer(_doc("C1"), base_rev=None, actor="claimed-someone-else")
    with psycopg.connect(pg_url) as conn:
        row = conn.execute("SELECT db_user, event->>'actor' FROM history").fetchone()
    assert row == ("postgres", "claimed-someone-else")


def test_a_save_during_a_regrade_waits_for_it_and_is_then_kept(pg_url: str) -> None:
    store = open_database(pg_url, create=True)
    store.import_customers([_doc("C1"), _doc("C2")], actor="ops")
    other = open_database(pg_url)
    grading = threading.Event()
    saved: list[dict[str, Any]] = []

    def slow_grade(docs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        grading.set()
        time.sleep(1.0)  # the save below is made meanwhile
        return {d["id"]: {"grade": "A", "total": 90.0, "name_seen": d["name"]} for d in docs}

    def save() -> None:
        grading.wait(10)
        saved.append(other.save_customer(_doc("C1", "改名"), base_rev=1, actor="li"))

    saver = threading.Thread(target=save)
    saver.start()
    started = time.monotonic()
    store.regrade(slow_grade, run={}, actor="ops")
    saver.join(10)
    assert saved and saved[0]["_meta"]["rev"] == 2
    assert time.monotonic() - started >= 1.0
    final = open_database(pg_url).get("C1")
    assert final is not None
    assert final["name"] == "改名"  # the save was serialised behind the regrade, not lost
    assert final["_grading"]["grade"] == "A"


def test_a_writer_waits_no_longer_than_its_timeout_and_is_told_who_blocks(pg_url: str) -> None:
    store = open_database(pg_url, create=True)
    store.import_customers([_doc("C1")], actor="ops")
    told: list[object] = []
    waiting = open_database(pg_url)
    waiting._lock_timeout = 0.3
    waiting._on_wait = told.append
    with psycopg.connect(pg_url) as holder:
        holder.execute("SELECT 1 FROM archive_state FOR UPDATE")
        with pytest.raises(ArchiveLockedError, match="another writer"):
            waiting.save_customer(_doc("C1", "x"), base_rev=1, actor="li")
    assert told == [None]
    assert waiting.get("C1")["_meta"]["rev"] == 1  # type: ignore[index]


def test_a_row_changed_behind_the_store_is_refused_as_stale(pg_url: str) -> None:
    store = open_database(pg_url, create=True)
    store.save_customer(_doc("C1"), base_rev=None, actor="wang")
    with psycopg.connect(pg_url) as conn:
        conn.execute("UPDATE customers SET rev = 5")
    with pytest.raises(StaleRevisionError):
        store.save_customer(_doc("C1", "x"), base_rev=1, actor="wang")


def test_an_uninitialised_database_says_to_run_db_init(pg_url: str) -> None:
    with pytest.raises(StoreError, match="db init"):
        open_database(pg_url)
    assert initialise_database(pg_url) == [
        f"{m.version}: {m.summary}" for m in pg_schema.MIGRATIONS
    ]
    with pytest.raises(StoreError, match="already holds"):
        initialise_database(pg_url)
    assert upgrade_database(pg_url) == []


def test_a_newer_schema_is_refused_and_left_untouched(pg_url: str) -> None:
    initialise_database(pg_url)
    with psycopg.connect(pg_url) as conn:
        conn.execute("INSERT INTO creditfile_schema (version, summary) VALUES (99, 'future')")
    with pytest.raises(StoreError, match="newer than this creditfile knows") as caught:
        open_database(pg_url)
    assert "upgrade creditfile" in str(caught.value)
    with pytest.raises(StoreError, match="newer"):
        upgrade_database(pg_url)


def test_an_older_schema_is_upgraded_step_by_step(pg_url: str) -> None:
    with psycopg.connect(pg_url, autocommit=True) as conn:
        pg_schema.migrate(conn, pg_url, fresh=True, migrations=pg_schema.MIGRATIONS[:1])
    with pytest.raises(StoreError, match="db upgrade"):
        open_database(pg_url)
    assert upgrade_database(pg_url) == [
        f"{m.version}: {m.summary}" for m in pg_schema.MIGRATIONS[1:]
    ]
    open_database(pg_url).save_customer(_doc("C1"), base_rev=None, actor="wang")
    step = pg_schema.Migration(
        pg_schema.LATEST + 1, "a note per customer", ("ALTER TABLE customers ADD note text",)
    )
    with psycopg.connect(pg_url, autocommit=True) as conn:
        done = pg_schema.migrate(
            conn, pg_url, fresh=False, migrations=[*pg_schema.MIGRATIONS, step]
        )
        assert [m.version for m in done] == [step.version]
        assert pg_schema.schema_version(conn) == step.version
        assert (
            pg_schema.migrate(conn, pg_url, fresh=False, migrations=[*pg_schema.MIGRATIONS, step])
            == []
        )
    with pytest.raises(StoreError, match="newer"):
        open_database(pg_url)  # this program does not know the step's version


def test_a_password_in_the_url_is_refused(pg_url: str) -> None:
    with pytest.raises(StoreError, match="pgpass") as caught:
        open_database(pg_url.replace("postgres@", "postgres:hunter2@"))
    assert "hunter2" not in str(caught.value)


def test_an_unreachable_server_is_named_with_what_to_check(tmp_path: Any) -> None:
    url = f"postgresql://nobody@{str(tmp_path).replace('/', '%2F')}:5432/none"
    with pytest.raises(StoreError, match="cannot connect"):
        open_database(url)


def _drop_other_connections(url: str) -> None:
    """What a server restart or a cut network does to every connection but this one."""
    with psycopg.connect(url, autocommit=True) as killer:
        killer.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


def test_a_connection_dropped_mid_save_writes_nothing_and_the_next_save_works(
    pg_url: str,
) -> None:
    from creditfile.store import ArchiveWriteError, GradeFollow

    store = open_database(pg_url, create=True)
    store.save_customer(_doc("C1"), base_rev=None, actor="wang")

    def grade_and_drop(records: Any, changed: Any) -> GradeFollow:
        _drop_other_connections(pg_url)
        return GradeFollow({"C1": {"grade": "A"}})

    with pytest.raises(ArchiveWriteError, match="connection failed") as caught:
        store.save_customer(_doc("C1", "改"), base_rev=1, actor="wang", grade=grade_and_drop)
    assert "nothing was written" in str(caught.value)
    fresh = open_database(pg_url)
    assert fresh.get("C1")["name"] == "武汉宏达建设工程有限公司"  # type: ignore[index]
    assert [e["kind"] for e in fresh.history("C1")] == ["customer_created"]
    saved = store.save_customer(_doc("C1", "改"), base_rev=1, actor="wang")  # reconnects
    assert saved["_meta"]["rev"] == 2


def test_a_regrade_cut_off_mid_way_leaves_no_half_written_grades(pg_url: str) -> None:
    from creditfile.store import ArchiveWriteError

    store = open_database(pg_url, create=True)
    store.import_customers([_doc(f"C{i}") for i in range(50)], actor="ops")

    def grade_and_drop(docs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        _drop_other_connections(pg_url)
        return {d["id"]: {"grade": "A"} for d in docs}

    with pytest.raises(ArchiveWriteError):
        store.regrade(grade_and_drop, run={}, actor="ops")
    fresh = open_database(pg_url)
    assert all(r["_grading"] is None for r in fresh.records().values())
    assert fresh.runs() == [] and fresh.history(kind="grade_changed") == []
    outcome = store.regrade(lambda docs: {d["id"]: {"grade": "B"} for d in docs}, run={}, actor="o")
    assert len(outcome.changes) == 50 and len(fresh.runs()) == 1


def test_records_read_inside_a_regrade_are_not_kept_for_after_it(pg_url: str) -> None:
    store = open_database(pg_url, create=True)
    store.import_customers([_doc("C1"), _doc("C2")], actor="ops")
    assert all(r["_grading"] is None for r in store.records().values())

    def grade(docs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        # A regrade's guard compares with the grades stored, read inside the write.
        assert all(r["_grading"] is None for r in store.records().values())
        return {str(d["id"]): {"status": "graded", "grade": "B"} for d in docs}

    store.regrade(grade, run={"as_of": "2026-11-01"}, actor="ops")
    assert [r["_grading"]["grade"] for r in store.records().values()] == ["B", "B"]


def test_the_history_with_logins_names_the_database_user_of_each_event(pg_url: str) -> None:
    store = open_database(pg_url, create=True)
    store.save_customer(_doc("C1"), base_rev=None, actor="wang")
    (event,) = store.history_with_logins("C1")
    assert event["db_user"] == "postgres" and event["actor"] == "wang"
    assert store.history("C1") == [{k: v for k, v in event.items() if k != "db_user"}]
