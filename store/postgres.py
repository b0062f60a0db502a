"""The customer archive in a PostgreSQL database: the same ``ArchiveStore`` as the file.

Every write is one database transaction. It starts by taking the row lock of the one row of
``archive_state`` and numbering itself (``last_txn + 1``): writers are serialised as the file
archive's lock serialises them, and each write's history events carry its number. A save
checks the revision it was made on (``UPDATE … WHERE rev = …``): one made on an older revision
is refused with the file archive's ``StaleRevisionError``, never lost. A regrade reads every
customer, grades and writes all gradings in that one transaction, so a save made meanwhile
waits for it and is then checked against the regraded revision. Readers take no lock.

The history is append-only in the server itself: a trigger refuses every UPDATE, DELETE and
TRUNCATE of its rows, whoever asks.

Records read are cached, keyed by ``last_txn`` read in the same snapshot: ``records()`` asks
the server only for that number while nobody writes.

Credentials come from libpq's usual places (``~/.pgpass`` or ``$PGPASSFILE``, a service file,
``$PGUSER``…); a URL holding a password is refused, so that none is ever on a command line.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import orjson
import psycopg
from psycopg import errors as pg_errors
from psycopg.conninfo import conninfo_to_dict
from psycopg.types.json import set_json_loads

from creditfile.policy.errors import Phrase, phrase
from creditfile.store import (
    pg_first_read,
    pg_gradings,
    pg_list,
    pg_personal_rules,
    pg_regrade,
    pg_reports,
    pg_roles,
    pg_schema,
    pg_search,
)
from creditfile.store.audit import clean_actor, os_identity
from creditfile.store.bookkeeping import (
    CustomerWrite,
    FollowedGrades,
    GeneratedOutcome,
    ImportResult,
    RegradeOutcome,
    build_record,
    change_event,
    check_revision,
    copy_record,
    customer_document,
    followed_events,
    grade_changes,
    marked_origin,
    merge_grade_detail,
    now_text,
    regrade_events,
    run_event,
)
from creditfile.store.changes import change_detail
from creditfile.store.content import ArchiveContent
from creditfile.store.errors import (
    ArchiveLockedError,
    ArchiveWriteError,
    CustomerMissingError,
    ForeignCustomersError,
    PrivilegeRefusedError,
    RegradeCancelledError,
    StaleRevisionError,
    StoreError,
)
from creditfile.store.interface import AmendFn, GradeAfter, GradeFn, StreamGrader
from creditfile.store.locking import Waiting
from creditfile.store.pg_notify import ChangeFeed
from creditfile.store.pg_records import ServerRecords
from creditfile.store.snapshot import OnBatch

Conn = psycopg.Connection[tuple[Any, ...]]
Records = dict[str, dict[str, Any]]

_COLUMNS = "id, doc, meta, grading"
_READING = ("auditor", "clerk", "assessor", "compliance", "operator")
_SAVING = ("clerk", "assessor", "operator")
_MERGING = ("clerk", "operator")
_OPERATING = ("operator",)
# What the server's duty checks call an import and a regrade (``pg_roles``), in its words.
_IMPORTING = "importing customers"
_REGRADING = "a regrade of the archive"
# What ``require_duty`` checks for each action: the duties allowing it, what the server's check
# calls it, and what a refusal calls it.
_DUTY_CHECKS: dict[str, tuple[tuple[str, ...], str, Phrase]] = {
    "activate": (("compliance",), "activating a policy", phrase("policy activation")),
}
_REVEALS = ("personal_data_revealed", "personal_data_exported")


def _encode(value: Any) -> str:
    """JSON text of ``value``, as the file archive encodes it."""
    return orjson.dumps(value).decode("utf-8")


def _record(doc: dict[str, Any], meta: dict[str, Any], grading: Any) -> dict[str, Any]:
    doc["_meta"], doc["_grading"] = meta, grading
    return doc


_NO_CHANGE = {"id": None, "from": None, "to": None, "total": None}


def _stamped(event: Mapping[str, Any], txn: int | None) -> dict[str, Any]:
    """A history event as the file archive writes it: its transaction, then who ran it where."""
    out = dict(event)
    if txn is not None:
        out["txn"] = txn
    if "actor" in out:
        out["actor"] = clean_actor(out["actor"])
    out.update(os_identity())
    return out


def safe_location(url: str) -> str:
    """``url`` for messages; refuses one holding a password.

    Raises:
        StoreError: the URL holds a password, or is not a connection string libpq reads.
    """
    try:
        params = conninfo_to_dict(url)
    except psycopg.ProgrammingError as exc:
        raise StoreError(
            url, phrase("not a PostgreSQL URL libpq can read ({error})", error=exc)
        ) from None
    if params.get("password"):
        shown = url.split("@", 1)[-1] if "@" in url else "the database"
        raise StoreError(
            f"postgresql://…@{shown}",
            phrase(
                "a password in the database URL would be seen by everyone on this machine "
                "(ps, shell history); nothing was opened — put it in ~/.pgpass (or "
                "$PGPASSFILE) or a pg_service.conf service, and leave it out of the URL"
            ),
        )
    return url


class PostgresArchive:
    """One archive in a PostgreSQL database (a ``store.ArchiveStore``). Open with ``open``."""

    def __init__(
        self,
        url: str,
        conn: Conn,
        lock_timeout: float,
        on_wait: Waiting | None,
        on_batch: OnBatch | None = None,
    ):
        """Prefer ``PostgresArchive.open``, which checks the schema."""
        self._url = url
        self._on_batch = on_batch
        self._conn = conn
        self._lock_timeout = lock_timeout
        self._on_wait = on_wait
        self._mutex = threading.RLock()
        self._cached: tuple[int, Records] | None = None
        self._audit: Conn | None = None
        self._searcher: Conn | None = None
        self._search_lock = threading.Lock()
        self._counter: Conn | None = None
        self._count_lock = threading.Lock()
        row = conn.execute("SELECT has_column_privilege('customers', 'doc', 'SELECT')").fetchone()
        # Whoever may not read whole documents reads them without personal data (the view).
        self._whole = bool(row and row[0])
        self._table = pg_gradings.RECORDS if self._whole else "customer_cards"

    @classmethod
    def open(
        cls,
        url: str,
        *,
        create: bool = False,
        lock_timeout: float = 30.0,
        on_wait: Waiting | None = None,
        on_batch: OnBatch | None = None,
    ) -> PostgresArchive:
        """Open the archive in the database at ``url``.

        Args:
            url: A ``postgresql://`` URL (no password: libpq finds it).
            create: Create the archive's tables when the database has none (as ``db init``).
            lock_timeout: Seconds a write waits for another writer before giving up.
            on_wait: Called (with None) when another writer holds the archive.
            on_batch: Handed the records batch by batch by the first read of every record:
                the list's first page at once, then the rest (``store.pg_first_read``).

        Raises:
            StoreError: no connection, no creditfile schema (and not ``create``), or a schema
                this program does not know.
        """
        location = safe_location(url)
        conn = connect(location)
        try:
            try:
                version = pg_schema.schema_version(conn)
            except pg_errors.InsufficientPrivilege as exc:
                user = str(conn.info.user)
                raise pg_roles.refusal(
                    location, user, phrase("read of the archive"), _READING, exc
                ) from None
            if version is None and create:
                pg_schema.migrate(conn, location, fresh=True)
                version = pg_schema.LATEST
            pg_schema.check_known(location, version)
        except BaseException:
            conn.close()
            raise
        return cls(location, conn, lock_timeout, on_wait, on_batch)

    def close(self) -> None:
        """Close the connections to the server."""
        self._conn.close()
        for extra in (self._audit, self._searcher, self._counter):
            if extra is not None:
                extra.close()

    # Reading -----------------------------------------------------------------------------

    @property
    def location(self) -> str:
        """The database URL, for messages."""
        return self._url

    def stamp(self) -> object:
        """The number of the last write: it changes with every write."""
        with self._mutex, self._errors(phrase("read")):
            row = self._live().execute("SELECT last_txn FROM archive_state").fetchone()
        return None if row is None else int(row[0])

    def records(self) -> dict[str, dict[str, Any]]:
        """Every record by customer id, in stored order (read-only: cached between writes)."""
        with self._mutex, self._errors(phrase("read")):
            conn = self._live()
            if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                # Asked inside a write (a regrade's guard): what it sees, never kept, since
                # the write numbered itself already and would be taken for what it leaves.
                return self._load(conn)
        with self._mutex, self._errors(phrase("read")), self._snapshot():
            row = self._live().execute("SELECT last_txn FROM archive_state").fetchone()
            last = int(row[0]) if row else 0
            if self._cached is None or self._cached[0] != last:
                self._cached = (last, self._first_load() or self._load(self._live()))
            return self._cached[1]

    def _first_load(self) -> Records | None:
        """Every record, handed out batch by batch as they arrive, on the first read only when
        opened with ``on_batch``; otherwise None."""
        on_batch, self._on_batch = self._on_batch, None
        if on_batch is None:
            return None
        active = self.active_policy()
        meta = {"active_policy": active} if active else {}
        return pg_first_read.read_streamed(self._live(), self._table, meta, _record, on_batch)

    def documents(self) -> list[dict[str, Any]]:
        """Every customer document without ``_meta`` and ``_grading`` (read-only, shallow)."""
        return [customer_document(record) for record in self.records().values()]

    def record_batches(self, size: int) -> Iterator[list[dict[str, Any]]]:
        """Every record, in stored order, in lists of at most ``size``, from one snapshot read
        over a connection of its own (``store.pg_reports``): never the whole archive at once."""
        with self._errors(phrase("read")), connect(self._url) as conn:
            yield from pg_reports.record_batches(conn, self._table, _record, size)

    def grade_changes(self, customer_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        """The ``grade_changed`` events of these customers, oldest first, by id: one query on
        the history's index by customer (``store.pg_reports``)."""
        with self._mutex, self._errors(phrase("read")):
            return pg_reports.grade_changes(self._live(), customer_ids)

    def stored_tops(self) -> dict[str, Any] | None:
        """The tops stored with the gradings of the last whole regrade (``tops``, ``as_of``,
        ``policy``), or None: one indexed row, never every record."""
        with self._mutex, self._errors(phrase("read")), self._snapshot():
            return pg_reports.stored_tops(self._live(), self._table)

    def get(self, customer_id: str) -> dict[str, Any] | None:
        """A private copy of one record, or None when there is no such customer."""
        with self._mutex, self._errors(phrase("read")):
            found = self._load(self._live(), [customer_id])
        return found.get(customer_id)

    def records_of(self, customer_ids: Collection[str]) -> dict[str, dict[str, Any]]:
        """The records of those of ``customer_ids`` on file, by id in stored order: one
        indexed query (see ``store.RelationsStore``)."""
        with self._mutex, self._errors(phrase("read")), self._snapshot():
            return self._load(self._live(), list(customer_ids)) if customer_ids else {}

    def naming_records(self, customer_id: str) -> dict[str, dict[str, Any]]:
        """Every record whose text holds ``customer_id`` as a JSON string, by id in stored
        order: those whose ``related`` name it among them, the caller picks them out (see
        ``store.RelationsStore``). The server scans the documents' text without decoding
        them (about 0.5 s for 100,000 customers); only the few it finds come back."""
        quoted = orjson.dumps(customer_id).decode()
        pattern = "%" + re.sub(r"([\\%_])", r"\\\1", quoted) + "%"
        with self._mutex, self._errors(phrase("read")), self._snapshot():
            rows = self._live().execute(
                f"SELECT {_COLUMNS} FROM {self._table} WHERE doc::text LIKE %s ORDER BY pos",
                (pattern,),
            )
            return {str(cid): _record(doc, meta, grading) for cid, doc, meta, grading in rows}

    def history(
        self, customer_id: str | None = None, *, kind: str | None = None
    ) -> list[dict[str, Any]]:
        """Committed history events, oldest first, of one customer or kind, or all."""
        return [event for event, _login in self._events(customer_id, kind)]

    def history_with_logins(
        self, customer_id: str | None = None, *, kind: str | None = None
    ) -> list[dict[str, Any]]:
        """``history``, each event with the database login that wrote it as ``db_user``."""
        return [{**event, "db_user": login} for event, login in self._events(customer_id, kind)]

    def _events(self, customer_id: str | None, kind: str | None) -> list[tuple[Any, str]]:
        query = "SELECT event, db_user FROM history WHERE true"
        params: list[Any] = []
        if customer_id is not None:
            query += " AND customer_id = %s"
            params.append(customer_id)
        if kind is not None:
            query += " AND kind = %s"
            params.append(kind)
        with self._mutex, self._errors(phrase("read")):
            rows = self._live().execute(query + " ORDER BY seq", params).fetchall()
        return [(row[0], str(row[1])) for row in rows]

    def runs(self) -> list[dict[str, Any]]:
        """Every recorded regrade run, oldest first."""
        with self._mutex, self._errors(phrase("read")):
            rows = self._live().execute("SELECT event FROM regrade_runs ORDER BY run_id").fetchall()
        return [row[0] for row in rows]

    def active_policy(self) -> dict[str, Any] | None:
        """The activated policy (text, sha256, version, path, activated_by/at), or None."""
        with self._mutex, self._errors(phrase("read")):
            query = (
                "SELECT text, sha256, version, path, activated_by, activated_at "
                "FROM policy_activations ORDER BY seq DESC LIMIT 1"
            )
            row = self._live().execute(query).fetchone()
        if row is None:
            return None
        keys = ("text", "sha256", "version", "path", "activated_by", "activated_at")
        return dict(zip(keys, row, strict=True))

    def aliases(self) -> dict[str, str]:
        """Ids of customers merged into others: ``{dropped id: the id kept}``."""
        with self._mutex, self._errors(phrase("read")):
            rows = self._live().execute("SELECT dropped_id, kept_id FROM aliases ORDER BY seq")
            return {str(a): str(b) for a, b in rows.fetchall()}

    def search(self, words: Sequence[str]) -> list[str]:
        """The ids of the customers whose search keys hold every one of ``words`` (lowercase),
        in no given order: asked of the server's indexed keys (``store.pg_search``)."""
        # A connection of its own: a keystroke never waits behind a long read or a regrade
        # holding the archive's connection.
        with self._search_lock, self._errors(phrase("customer search")):
            if self._searcher is None or self._searcher.closed or self._searcher.broken:
                self._searcher = connect(self._url)
            return pg_search.search_ids(self._searcher, words)

    def list_page(
        self,
        view: pg_list.ListView,
        after: pg_list.PageStart | None,
        limit: int,
        *,
        backward: bool = False,
    ) -> list[dict[str, Any]]:
        """One page of the customer list as the server searches, filters and sorts it
        (``store.pg_list.page``): the records of at most ``limit`` customers, in order."""
        # The search's connection: a page never waits behind a long read or a regrade.
        with self._search_lock, self._errors(phrase("customer search")):
            if self._searcher is None or self._searcher.closed or self._searcher.broken:
                self._searcher = connect(self._url)
            rows = pg_list.page(self._searcher, self._table, view, after, limit, backward=backward)
        return [_record(doc, meta, grading) for _id, doc, meta, grading in rows]

    def list_count(self, view: pg_list.ListView) -> int:
        """How many customers a view of the list shows (``store.pg_list.count``)."""
        # A connection of its own: a count of a million rows never holds up the next page.
        with self._count_lock, self._errors(phrase("customer search")):
            if self._counter is None or self._counter.closed or self._counter.broken:
                self._counter = connect(self._url)
            return pg_list.count(self._counter, self._table, view)

    def content(self) -> ArchiveContent:
        """Everything the archive holds, read in one snapshot (for ``db copy``).

        Raises:
            PrivilegeRefusedError: the user may not read personal data whole (only the owner
                copies an archive).
        """
        if not self._whole:
            user = str(self._conn.info.user)
            raise PrivilegeRefusedError(
                self._url,
                phrase(
                    "db copy reads every customer whole, personal data included; the database "
                    "user {user} may read them only through a reveal — copy as the archive's "
                    "owner (the user that ran `db init`); nothing was copied",
                    user=user,
                ),
                user=user,
                duties=(),
            )
        with self._mutex, self._errors(phrase("read")), self._snapshot():
            return ArchiveContent(
                records=self._load(self._live()),
                events=self.history(),
                active_policy=self.active_policy(),
                aliases=self.aliases(),
            )

    # Writing -----------------------------------------------------------------------------

    def save_customer(
        self,
        doc: Mapping[str, Any],
        *,
        base_rev: int | None,
        actor: str,
        events: Sequence[Mapping[str, Any]] = (),
        grade: GradeAfter | None = None,
    ) -> dict[str, Any]:
        """Create (``base_rev=None``) or change one customer, refusing a stale revision.

        See ``store.ArchiveStore.save_customer``.
        """
        cid = str(doc["id"])
        with self._writing(phrase("save of a customer"), _SAVING) as (conn, txn):
            records = self._server_records(conn, self._load(conn, [cid]))
            current = records.get(cid)
            check_revision(self._where, cid, current, base_rev)
            at = now_text()
            record = build_record(doc, current, actor, at)
            self._put(conn, [record], {cid: current})
            event = {
                "kind": "customer_created" if current is None else "customer_changed",
                "customer_id": cid,
                "actor": actor,
                "at": at,
                "rev": record["_meta"]["rev"],
                **change_detail(current, doc),
            }
            side = [
                {**extra, "customer_id": cid, "actor": actor, "at": at, "rev": event["rev"]}
                for extra in events
            ]
            records[cid] = record
            graded, _followed = self._follow(conn, txn, grade, records, [cid], actor)
            self._append(conn, txn, [event, *side, *graded])
            return copy_record(records[cid])

    def delete_customer(self, customer_id: str, *, base_rev: int, actor: str) -> None:
        """Remove one customer, refusing a stale revision; the history keeps its past."""
        with self._writing(phrase("removal of a customer"), _MERGING) as (conn, txn):
            current = self._load(conn, [customer_id]).get(customer_id)
            if current is None:
                raise CustomerMissingError(self._where, customer_id)
            check_revision(self._where, customer_id, current, base_rev)
            deleted = conn.execute(
                "DELETE FROM customers WHERE id = %s AND rev = %s", (customer_id, base_rev)
            )
            if deleted.rowcount != 1:
                raise CustomerMissingError(self._where, customer_id)
            event = {"kind": "customer_deleted", "customer_id": customer_id, "actor": actor}
            self._append(conn, txn, [{**event, "at": now_text(), "rev": base_rev}])

    def merge_customers(
        self,
        keep: Mapping[str, Any],
        *,
        keep_rev: int,
        drop_id: str,
        drop_rev: int,
        actor: str,
        grade: GradeAfter | None = None,
    ) -> dict[str, Any]:
        """Store ``keep`` and remove ``drop_id`` in one transaction, graded in it (``grade``);
        ``drop_id`` becomes an alias of the kept customer (see
        ``store.ArchiveStore.merge_customers``)."""
        cid = str(keep["id"])
        with self._writing(phrase("merge of two customers"), _MERGING) as (conn, txn):
            found = self._server_records(conn, self._load(conn, [cid, drop_id]))
            current, dropped = found.get(cid), found.get(drop_id)
            if current is None:
                raise CustomerMissingError(self._where, cid)
            if dropped is None:
                raise CustomerMissingError(self._where, drop_id)
            check_revision(self._where, cid, current, keep_rev)
            check_revision(self._where, drop_id, dropped, drop_rev)
            at = now_text()
            record = build_record(keep, current, actor, at)
            self._put(conn, [record], {cid: current})
            conn.execute("DELETE FROM customers WHERE id = %s", (drop_id,))
            conn.execute("UPDATE aliases SET kept_id = %s WHERE kept_id = %s", (cid, drop_id))
            conn.execute(
                "INSERT INTO aliases (dropped_id, kept_id) VALUES (%s, %s) "
                "ON CONFLICT (dropped_id) DO UPDATE SET kept_id = EXCLUDED.kept_id",
                (drop_id, cid),
            )
            found[cid] = record
            del found[drop_id]
            graded, followed = self._follow(conn, txn, grade, found, [cid], actor)
            detail = merge_grade_detail(current, found[cid], followed, graded=grade is not None)
            base = {"actor": actor, "at": at}
            self._append(
                conn,
                txn,
                [
                    {**base, "kind": "customer_merged", "customer_id": cid,
                     "rev": record["_meta"]["rev"], "merged_from": drop_id,
                     **change_detail(current, keep), **detail},
                    {**base, "kind": "customer_merged_away", "customer_id": drop_id,
                     "rev": drop_rev, "into": cid},
                    *graded,
                ],
            )  # fmt: skip
            return copy_record(found[cid])

    def import_customers(self, docs: Sequence[Mapping[str, Any]], *, actor: str) -> ImportResult:
        """Add or replace many customers in one transaction: all of them or none."""
        with self._writing(phrase("import"), _OPERATING) as (conn, txn):
            _require_operator(conn, _IMPORTING)
            stored = self._load(conn, list({str(doc["id"]) for doc in docs}))
            before = dict(stored)
            at, events, added = now_text(), [], 0
            for doc in docs:
                cid = str(doc["id"])
                current = stored.get(cid)
                added += current is None
                record = build_record(doc, current, actor, at)
                stored[cid] = record
                events.append(
                    {"kind": "customer_imported", "customer_id": cid, "actor": actor, "at": at,
                     "rev": record["_meta"]["rev"], "created": current is None,
                     **(change_detail(current, doc) if current is not None else {})}
                )  # fmt: skip
            self._put(conn, _written(stored, docs), before)
            self._append(conn, txn, events)
            return ImportResult(added=added, replaced=len(docs) - added)

    def write_customers(
        self,
        plan: Callable[[Mapping[str, dict[str, Any]]], Sequence[CustomerWrite]],
        *,
        actor: str,
        grade: GradeAfter | None = None,
    ) -> FollowedGrades:
        """Store the customers ``plan`` decides on, reading the records under the lock, in
        one transaction (see ``store.ArchiveStore.write_customers``)."""
        try:
            return self._write_planned(plan, actor, grade)
        except _NothingWritten:  # undone: the write's number is not taken, as on a file
            return FollowedGrades()

    def _write_planned(
        self,
        plan: Callable[[Mapping[str, dict[str, Any]]], Sequence[CustomerWrite]],
        actor: str,
        grade: GradeAfter | None,
    ) -> FollowedGrades:
        with self._writing(phrase("import"), _OPERATING) as (conn, txn):
            records = self._load(conn)
            writes = plan(records)
            if not writes:
                raise _NothingWritten
            if any(
                w.detail.get("kind", "customer_imported") == "customer_imported" for w in writes
            ):
                _require_operator(conn, _IMPORTING)
            before = dict(records)
            at, events = now_text(), []
            for write in writes:
                cid = write.customer_id
                current = records.get(cid)
                record = build_record(write.doc, current, actor, at)
                records[cid] = record
                events.append(
                    {"kind": "customer_imported", **write.detail, "customer_id": cid,
                     "actor": actor, "at": at, "rev": record["_meta"]["rev"],
                     "created": current is None, **change_detail(current, write.doc)}
                )  # fmt: skip
            self._put(conn, _written(records, [w.doc for w in writes]), before)
            changed = [w.customer_id for w in writes]
            graded, followed = self._follow(conn, txn, grade, records, changed, actor)
            self._append(conn, txn, events + graded)
            return followed

    def regrade(
        self,
        grade_fn: GradeFn,
        *,
        run: Mapping[str, Any],
        actor: str,
        dry_run: bool = False,
        cancelled: Callable[[], bool] | None = None,
    ) -> RegradeOutcome:
        """Grade every customer as stored, under the write lock, and store it in the same
        transaction (see ``store.ArchiveStore.regrade``)."""
        with self._writing(phrase("regrade"), _OPERATING, keep=not dry_run) as (conn, txn):
            if not dry_run and "trigger" not in run:
                _require_operator(conn, _REGRADING)
            records = self._load(conn)
            gradings = grade_fn([customer_document(r) for r in records.values()])
            changes = grade_changes(records, gradings)
            if dry_run:
                return RegradeOutcome(gradings, changes)
            if cancelled is not None and cancelled():
                raise RegradeCancelledError(
                    self._where, phrase("regrade cancelled; nothing was written")
                )
            self._set_gradings(conn, gradings)
            self._append(conn, txn, regrade_events(run, txn, actor, gradings, changes))
            return RegradeOutcome(gradings, changes, txn)

    def regrade_streamed(
        self,
        grader: StreamGrader,
        *,
        run: Mapping[str, Any],
        actor: str,
        cancelled: Callable[[], bool] | None = None,
    ) -> RegradeOutcome:
        """Grade every customer as stored, under the write lock, batch by batch, and store it
        in the same transaction (see ``store.StreamRegradingStore``): the archive is never
        held whole in this process (``store.pg_regrade``): the outcome holds counts, and
        its grade changes in a temporary file, read as they are iterated."""
        with self._writing(phrase("regrade"), _OPERATING) as (conn, txn):
            if "trigger" not in run:
                _require_operator(conn, _REGRADING)
            at = now_text()
            # What every change's event says alike, stamped once: a first regrade makes one
            # event per customer.
            alike = _stamped(change_event(run, txn, actor, at, _NO_CHANGE), txn)

            def change_row(change: Mapping[str, Any]) -> tuple[str, str]:
                event = dict(alike)  # the keys in their order; the change's values set
                event["customer_id"] = change["id"]
                event["from"], event["to"], event["total"] = (
                    change["from"], change["to"], change["total"]
                )  # fmt: skip
                return str(change["id"]), _encode(event)

            tally, changes = pg_regrade.regrade_streamed(
                conn, self._table, grader, cancelled, self._where, change_row
            )
            counts = {
                "customers": tally.customers,
                "ungraded": tally.ungraded_after,
                "changes": tally.changes,
            }
            self._append(conn, txn, [run_event(run, txn, actor, at, counts, tally.by_grade)])
            pg_regrade.record_changes(conn, txn)
        return RegradeOutcome({}, changes, txn, tally)

    def refresh_generated(
        self,
        docs: Sequence[Mapping[str, Any]],
        grade_fn: GradeFn,
        *,
        origin: str,
        run: Mapping[str, Any],
        actor: str,
        force: bool = False,
    ) -> GeneratedOutcome:
        """Store generated customers and grade the whole archive in one transaction (see
        ``store.ArchiveStore.refresh_generated``)."""
        with self._writing(phrase("demo refresh"), _OPERATING) as (conn, txn):
            records = self._load(conn)
            foreign = [cid for cid, rec in records.items() if marked_origin(rec) != origin]
            if foreign and not force:
                raise ForeignCustomersError(self._where, foreign, database=True)
            unmarked = set(foreign)
            before = dict(records)
            at, events, added, overwritten = now_text(), [], 0, []
            for doc in docs:
                cid = str(doc["id"])
                current = records.get(cid)
                added += current is None
                if cid in unmarked:
                    overwritten.append(cid)
                record = build_record(doc, current, actor, at)
                record["_meta"]["origin"] = origin
                records[cid] = record
                events.append(
                    {"kind": "customer_imported", "customer_id": cid, "actor": actor, "at": at,
                     "rev": record["_meta"]["rev"], "created": current is None, "origin": origin,
                     **({"replaced_unmarked": True} if cid in unmarked else {})}
                )  # fmt: skip
            self._put(conn, _written(records, docs), before)
            gradings = grade_fn([customer_document(r) for r in records.values()])
            changes = grade_changes(records, gradings)
            self._set_gradings(conn, gradings)
            self._append(conn, txn, events + regrade_events(run, txn, actor, gradings, changes))
            outcome = RegradeOutcome(gradings, changes, txn)
            return GeneratedOutcome(added, len(docs) - added, overwritten, outcome)

    def require_duty(self, action: str) -> None:
        """Refuse ``action`` now when this user may not do it (see
        ``store.DutyCheckingStore``): the server's own check, in a transaction of its own."""
        duties, doing, said = _DUTY_CHECKS[action]
        conn = self._live()
        with self._mutex, self._errors(said, duties), conn.transaction():
            _require(conn, duties, doing)

    def activate_policy(
        self,
        text: str,
        *,
        sha256: str,
        version: str,
        path: str | None,
        actor: str,
        detail: Mapping[str, Any] | None = None,
        amend: AmendFn | None = None,
    ) -> None:
        """Make ``text`` the active policy and record it, full text, in the history; the
        documents ``amend`` changes are stored in the same transaction."""
        natures = pg_personal_rules.natures_of(text)
        with self._writing(phrase("policy activation"), ("compliance",)) as (conn, txn):
            at = now_text()
            changed: list[dict[str, Any]] = []
            if amend is not None:
                records = self._load(conn)
                before = dict(records)
                amended = amend([customer_document(r) for r in records.values()])
                for doc, event in amended:
                    cid = str(doc["id"])
                    current = records.get(cid)
                    if current is None:
                        raise CustomerMissingError(self._where, cid)
                    record = build_record(doc, current, actor, at)
                    records[cid] = record
                    changed.append(
                        {**event, "customer_id": cid, "actor": actor, "at": at,
                         "rev": record["_meta"]["rev"]}
                    )  # fmt: skip
                self._put(conn, _written(records, [d for d, _ in amended]), before)
            conn.execute(
                "INSERT INTO policy_activations (txn, version, sha256, path, text, "
                "activated_by, activated_at) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                (txn, version, sha256, path, text, clean_actor(actor), at),
            )
            # What the server withholds changes with the policy, in the same transaction.
            pg_personal_rules.write_rules(conn, natures)
            event = {**(detail or {}), "kind": "policy_activated", "actor": actor, "at": at}
            self._append(
                conn,
                txn,
                [
                    {**event, "version": version, "sha256": sha256, "path": path, "text": text},
                    *changed,
                ],
            )

    def record_event(
        self,
        customer_id: str | None,
        kind: str,
        actor: str,
        detail: Mapping[str, Any] | None = None,
    ) -> None:
        """Append an audit event (e.g. ``personal_data_revealed``) to the history at once,
        on a connection of its own: it stands even when a write in progress is undone."""
        event = {**(detail or {}), "kind": kind, "customer_id": customer_id, "actor": actor}
        duties = ("reveal",) if kind in _REVEALS else ("clerk", "operator")
        with self._mutex, self._errors(phrase("record of {kind}", kind=kind), duties):
            if self._audit is None or self._audit.closed:
                self._audit = connect(self._url)
            self._append(self._audit, None, [{**event, "at": now_text()}])

    def listen(self) -> ChangeFeed:
        """A feed of the writes anyone commits to the archive from now on (LISTEN/NOTIFY), on
        a connection of its own; close it when done.

        Raises:
            StoreError: no connection to the server.
        """
        return ChangeFeed(connect(self._url), own=self._sessions)

    def _sessions(self) -> frozenset[int]:
        """The server processes serving this archive's connections (news of their writes is
        this program's own)."""
        return frozenset(
            conn.info.backend_pid
            for conn in (self._conn, self._audit)
            if conn is not None and not conn.closed
        )

    def reveal(
        self,
        customer_ids: Sequence[str] | None,
        *,
        actor: str,
        kind: str,
        detail: Mapping[str, Any] | None = None,
    ) -> dict[str, dict[str, Any]]:
        """The records of ``customer_ids`` (every customer: None) with their personal data,
        read by the server's ``creditfile_reveal``, which records the reveal (``kind``:
        ``personal_data_revealed`` or ``personal_data_exported``, with ``detail``) in the
        history in the same transaction, under the database login, when any of them holds
        personal data.

        Raises:
            PrivilegeRefusedError: the user does not hold the ``reveal`` duty; nothing was read.
        """
        one = customer_ids[0] if customer_ids is not None and len(customer_ids) == 1 else None
        event = _stamped(
            {**(detail or {}), "kind": kind, "customer_id": one, "actor": actor, "at": now_text()},
            None,
        )
        ids = None if customer_ids is None else list(customer_ids)
        with self._mutex, self._errors(phrase("reveal of personal data"), ("reveal",)):
            rows = self._live().execute(
                "SELECT id, doc, meta, grading FROM creditfile_reveal(%s, %s)",
                (ids, _encode(event)),
            )
            return {str(cid): _record(doc, meta, grading) for cid, doc, meta, grading in rows}

    def load_content(self, content: ArchiveContent) -> None:
        """Fill an empty archive with ``content`` as it is: records with their revisions and
        gradings, the history event by event, policies, aliases (``db copy``).

        Raises:
            StoreError: the archive is not empty; nothing was written.
        """
        if content.demands:
            raise StoreError(
                self._where,
                phrase(
                    "the source keeps {count} demand requests for priority supply, and a "
                    "database keeps none: nothing was written — copy with --without-demands "
                    "to leave them in the source file (`creditfile demand list` shows them)",
                    count=format(len(content.demands), ","),
                ),
            )
        with self._writing(phrase("copy into the archive"), ()) as (conn, _txn):
            row = conn.execute(
                "SELECT (SELECT count(*) FROM customers) + (SELECT count(*) FROM history)"
            ).fetchone()
            if row is None or int(row[0]) != 0:
                raise StoreError(
                    self._where,
                    phrase(
                        "this archive is not empty; db copy writes only into an empty one — "
                        "nothing was written (create a new database and `db init` it)"
                    ),
                )
            self._put(conn, list(content.records.values()), {})
            with conn.cursor().copy(
                "COPY history (txn, customer_id, kind, event) FROM STDIN"
            ) as copy:
                for event in content.events:
                    copy.write_row(
                        (event.get("txn"), event.get("customer_id"), event.get("kind"),
                         _encode(event))
                    )  # fmt: skip
            policies = [e for e in content.events if e.get("kind") == "policy_activated"]
            rows = [
                (e.get("txn"), e["version"], e["sha256"], e.get("path"), e["text"],
                 clean_actor(e.get("actor")), e["at"])
                for e in policies
            ]  # fmt: skip
            active = content.active_policy
            if active is not None and (
                not rows or rows[-1][2] != active["sha256"] or rows[-1][6] != active["activated_at"]
            ):
                rows.append(
                    (None, active["version"], active["sha256"], active.get("path"),
                     active["text"], active["activated_by"], active["activated_at"])
                )  # fmt: skip
            with conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO policy_activations (txn, version, sha256, path, text, "
                    "activated_by, activated_at) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                    rows,
                )
                cur.executemany(
                    "INSERT INTO regrade_runs (run_id, at, actor, event) VALUES (%s, %s, %s, %s)",
                    [
                        (e["run_id"], e["at"], e["actor"], _encode(e))
                        for e in content.events
                        if e.get("kind") == "regrade_run"
                    ],
                )
                cur.executemany(
                    "INSERT INTO aliases (dropped_id, kept_id) VALUES (%s, %s)",
                    list(content.aliases.items()),
                )
            active_text = None if active is None else str(active["text"])
            pg_personal_rules.write_rules(conn, pg_personal_rules.natures_of(active_text))
            conn.execute("UPDATE archive_state SET last_txn = %s", (content.last_txn,))

    # Internals ---------------------------------------------------------------------------

    @property
    def _where(self) -> str:
        return self._url

    def _live(self) -> Conn:
        """The connection, opened again when the last one was lost (the server restarted, the
        network dropped): a lost connection fails one call, not every later one."""
        if self._conn.closed or self._conn.broken:
            self._cached = None
            self._conn = connect(self._url)
        return self._conn

    @contextmanager
    def _errors(self, doing: Phrase, duties: Sequence[str] = _READING) -> Iterator[None]:
        """Server errors as ``StoreError``: each names the database and what to do; a refusal
        names the duties that allow ``doing``."""
        try:
            yield
        except pg_errors.LockNotAvailable:
            raise ArchiveLockedError(
                self._url,
                phrase(
                    "another writer held the archive for {seconds} s (a regrade or an import "
                    "in progress?); nothing was written — try again when it has finished",
                    seconds=format(self._lock_timeout, "g"),
                ),
            ) from None
        except pg_errors.InsufficientPrivilege as exc:
            user = str(self._conn.info.user)
            raise pg_roles.refusal(self._url, user, doing, duties, exc) from None
        except pg_errors.UntranslatableCharacter:
            # Only a NUL gets here: an import or a save refuses it first (``engine.validation``);
            # an archive file written before that may hold one.
            raise ArchiveWriteError(
                self._url,
                phrase(
                    "a text holds a NUL character (U+0000), which a database cannot store; "
                    "nothing was written — find it in a JSON export of the source (written "
                    "\\u0000), remove it and try again"
                ),
            ) from None
        except psycopg.OperationalError as exc:
            raise ArchiveWriteError(
                self._url,
                phrase(
                    "the database connection failed during a {doing} ({error}); nothing was "
                    "written by the unfinished step — check the server and try again",
                    doing=doing,
                    error=_first_line(exc),
                ),
            ) from None
        except orjson.JSONEncodeError as exc:
            raise ArchiveWriteError(
                self._url,
                phrase(
                    "a value cannot be stored as JSON ({error}); nothing was written", error=exc
                ),
            ) from None

    @contextmanager
    def _snapshot(self) -> Iterator[None]:
        """Read in one snapshot (a repeatable-read transaction), unless inside a write."""
        conn = self._live()
        if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            yield
            return
        with conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield

    @contextmanager
    def _writing(
        self, doing: Phrase, duties: Sequence[str], *, keep: bool = True
    ) -> Iterator[tuple[Conn, int]]:
        """One write transaction holding the archive's write lock, numbered; undone on any
        error (and when not ``keep``). ``doing`` and the ``duties`` allowing it name a refusal."""
        conn = self._live()
        with self._mutex, self._errors(doing, duties):
            self._cached = None
            with conn.transaction() as tx:
                conn.execute(
                    "SELECT set_config('lock_timeout', %s, true)",
                    (f"{int(self._lock_timeout * 1000)}ms",),
                )
                try:
                    with conn.transaction():
                        conn.execute("SELECT 1 FROM archive_state FOR UPDATE NOWAIT")
                except pg_errors.LockNotAvailable:
                    if self._on_wait is not None:
                        self._on_wait(None)
                row = conn.execute(
                    "UPDATE archive_state SET last_txn = last_txn + 1 RETURNING last_txn"
                ).fetchone()
                assert row is not None  # the one row the schema inserts
                yield conn, int(row[0])
                if not keep:
                    raise psycopg.Rollback(tx)

    def _server_records(self, conn: Conn, known: Records) -> ServerRecords:
        """The archive as this write sees it, read from the server as the grading asks."""
        return ServerRecords(conn, self._table, _record, known)

    def _load(self, conn: Conn, ids: Sequence[str] | None = None) -> Records:
        """Records by id in stored order: all, or those of ``ids`` that exist."""
        if ids is None:
            rows = conn.execute(f"SELECT {_COLUMNS} FROM {self._table} ORDER BY pos")
        else:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM {self._table} WHERE id = ANY(%s) ORDER BY pos",
                (list(ids),),
            )
        return {str(cid): _record(doc, meta, grading) for cid, doc, meta, grading in rows}

    def _put(
        self,
        conn: Conn,
        records: Sequence[Mapping[str, Any]],
        current: Mapping[str, Mapping[str, Any] | None],
    ) -> None:
        """Write ``records``: new ones inserted, the others updated on the revision read, and
        the search keys of each.

        Raises:
            StaleRevisionError: a row changed under us (the write lock makes this a bug).
        """
        fresh = [r for r in records if current.get(str(r["id"])) is None]
        if fresh:
            columns = [list(c) for c in zip(*(_row(r) for r in fresh), strict=True)]
            conn.execute(
                "INSERT INTO customers (id, rev, doc, meta) SELECT id, rev, doc::json, "
                "meta::json FROM unnest(%s::text[], %s::int[], %s::text[], %s::text[]) "
                "AS t(id, rev, doc, meta)",
                columns[:4],
            )
            # Every customer has its grading's row, written with the card (see pg_gradings).
            conn.execute(
                "INSERT INTO gradings (id, grading) SELECT id, grading::json "
                "FROM unnest(%s::text[], %s::text[]) AS t(id, grading)",
                [columns[0], columns[4]],
            )
        old = [r for r in records if current.get(str(r["id"])) is not None]
        if old:
            columns = [list(c) for c in zip(*(_row(r) for r in old), strict=True)]
            base = [int((current[str(r["id"])] or {})["_meta"]["rev"]) for r in old]
            updated = conn.execute(
                "UPDATE customers AS c SET rev = t.rev, doc = t.doc::json, meta = t.meta::json "
                "FROM unnest(%s::text[], %s::int[], %s::text[], %s::text[], %s::int[]) "
                "AS t(id, rev, doc, meta, base) WHERE c.id = t.id AND c.rev = t.base",
                [*columns[:4], base],
            )
            if updated.rowcount != len(old):
                # The write lock makes this impossible unless someone wrote around it.
                raise StaleRevisionError(self._where, str(old[0]["id"]), None, None, None, None)
            self._write_gradings(conn, columns[0], columns[4])
        # The search keys of every document written, in the same transaction.
        pg_search.write(conn, [(str(r["id"]), customer_document(r)) for r in records])

    def _set_gradings(self, conn: Conn, gradings: Mapping[str, Mapping[str, Any]]) -> None:
        if gradings:
            self._write_gradings(conn, list(gradings), [_encode(g) for g in gradings.values()])

    @staticmethod
    def _write_gradings(conn: Conn, ids: Sequence[str], texts: Sequence[str]) -> None:
        """Store the gradings (JSON texts) of customers that exist; one already stored as it is
        is not written again."""
        conn.execute(
            "UPDATE gradings AS g SET grading = t.grading::json "
            "FROM unnest(%s::text[], %s::text[]) AS t(id, grading) "
            "WHERE g.id = t.id AND g.grading::text IS DISTINCT FROM t.grading",
            (list(ids), list(texts)),
        )

    def _follow(
        self,
        conn: Conn,
        txn: int,
        grade: GradeAfter | None,
        records: Mapping[str, dict[str, Any]],
        changed: list[str],
        actor: str,
    ) -> tuple[list[dict[str, Any]], FollowedGrades]:
        """Grade the changed customers (or all) with ``grade``; their events and outcome."""
        if grade is None:
            return [], FollowedGrades()
        follow = grade(records, changed)
        changes = grade_changes(records, follow.gradings)
        self._set_gradings(conn, follow.gradings)
        for cid, grading in follow.gradings.items():
            if cid in records:  # the records handed back show the gradings stored with them
                records[cid]["_grading"] = grading
        if follow.run is None:
            return followed_events(follow, actor, changes), FollowedGrades(
                changes, None, len(follow.gradings)
            )
        run = {**follow.run, "trigger": follow.cause}
        events = regrade_events(run, txn, actor, follow.gradings, changes)
        return events, FollowedGrades(changes, txn, len(follow.gradings))

    def _append(self, conn: Conn, txn: int | None, events: Sequence[Mapping[str, Any]]) -> None:
        """Append ``events`` to the history (and each run to ``regrade_runs``), in bulk."""
        if not events:
            return
        stamped = [_stamped(event, txn) for event in events]
        with conn.cursor().copy("COPY history (txn, customer_id, kind, event) FROM STDIN") as copy:
            for event in stamped:
                copy.write_row((txn, event.get("customer_id"), event.get("kind"), _encode(event)))
        for event in stamped:
            if event.get("kind") == "regrade_run":
                conn.execute(
                    "INSERT INTO regrade_runs (run_id, at, actor, event) VALUES (%s, %s, %s, %s)",
                    (event["run_id"], event["at"], event["actor"], _encode(event)),
                )


def _row(record: Mapping[str, Any]) -> tuple[str, int, str, str, str]:
    meta = record["_meta"]
    return (
        str(record["id"]),
        int(meta["rev"]),
        _encode(customer_document(record)),
        _encode(meta),
        _encode(record.get("_grading")),
    )


def _written(records: Records, docs: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The final record of each customer written (once, however often ``docs`` names it)."""
    ids = dict.fromkeys(str(doc["id"]) for doc in docs)
    return [records[cid] for cid in ids]


class _NothingWritten(Exception):
    """A planned write found nothing to write: its transaction is undone."""


def _require_operator(conn: Conn, doing: str) -> None:
    """Have the server refuse an import or a regrade by anyone but an operator before anything
    is written. Its own check runs on the history, after the cards or gradings, whose checks
    name the duty of an edit (clerk) or a table ("permission denied for table gradings"),
    neither of which says that only an operator may."""
    _require(conn, _OPERATING, doing)


def _require(conn: Conn, duties: Sequence[str], doing: str) -> None:
    """The server's own duty check (``creditfile_require``): refused, named by ``doing``, unless
    this user holds one of ``duties``."""
    conn.execute("SELECT creditfile_require(%s, %s)", (list(duties), doing))


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def connect(location: str) -> Conn:
    """A connection to the database at ``location`` (autocommit; JSON read by orjson).

    Raises:
        StoreError: the server cannot be reached, or refuses the login.
    """
    try:
        conn = psycopg.connect(location, autocommit=True, application_name="creditfile")
    except psycopg.OperationalError as exc:
        raise StoreError(
            location,
            phrase(
                "cannot connect to the database ({error}); check the URL, that the server "
                "runs, and your ~/.pgpass, service file or $PGUSER",
                error=_first_line(exc),
            ),
        ) from None
    set_json_loads(orjson.loads, conn)
    return conn
