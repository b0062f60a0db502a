"""The customer archive: one TinyDB JSON file, written whole and atomically, under a lock.

Layout (a valid TinyDB database, ``TinyDB(path, storage=AtomicJSONStorage)`` opens it): table
``customers`` maps TinyDB document ids (``"1"``, ``"2"`` …) to records — the customer document
plus ``_meta`` (revision, created/updated by and at) and ``_grading`` (the latest grading) — and
table ``meta`` holds one document with the format marker, the active policy and the
transaction bookkeeping of the history (see ``store.history``). Each record is on a line of its
own (``store.framing``).

Every change is a read-modify-write under the archive lock (``store.locking``). The parsed file
is cached, keyed by the file's inode, mtime and size, and re-read only when another process
replaced it. The encoded bytes of unchanged records are reused, so one save at 100,000
customers costs a copy of the file and one write, neither a read nor a JSON dump of everything.
If anything fails half-way through a change, the cache is dropped and the next call re-reads.

Records handed out by ``records()`` are the cached objects and ``documents()`` shares their
nested values: treat both as read-only (a change made to them is neither saved nor safe).
``get()`` returns a private copy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from creditfile.policy.errors import os_said, phrase
from creditfile.store import framing, history
from creditfile.store.audit import clean_actor
from creditfile.store.bookkeeping import (
    CustomerWrite,
    FollowedGrades,
    GeneratedOutcome,
    ImportResult,
    RegradeOutcome,
    build_record,
    changed_grades,
    check_revision,
    copy_record,
    customer_document,
    followed_events,
    grade_changes,
    marked_origin,
    merge_grade_detail,
    new_meta,
    now_text,
    regrade_events,
)
from creditfile.store.changes import change_detail
from creditfile.store.content import ArchiveContent
from creditfile.store.errors import (
    ArchiveNotFoundError,
    CustomerMissingError,
    ForeignCustomersError,
    RegradeCancelledError,
    StoreError,
)
from creditfile.store.indexed import first_with_tops
from creditfile.store.interface import AmendFn, GradeAfter, GradeFn
from creditfile.store.lines import CustomerLines, LinesRegrade, LinesUnreadable
from creditfile.store.locking import ArchiveLock, Waiting
from creditfile.store.paths import real_archive_path
from creditfile.store.snapshot import OnBatch, Snapshot, framed_tables
from creditfile.store.storage import gc_paused, read_bytes, remove_stray_temps, write_bytes_atomic


class Archive:
    """One archive file (a ``store.ArchiveStore``, ``store.LineRegradingStore`` and
    ``store.DemandStore``). Open with ``Archive.open``."""

    def __init__(self, path: Path, lock_timeout: float, on_wait: Waiting | None) -> None:
        """Prefer ``Archive.open``, which checks the file."""
        self.path = path
        self._lock = ArchiveLock(path, lock_timeout, on_wait)
        self._snap = Snapshot(path)
        self._grade_changes: tuple[object, dict[str, list[dict[str, Any]]]] | None = None

    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        create: bool = False,
        lock_timeout: float = 30.0,
        on_wait: Waiting | None = None,
        on_batch: OnBatch | None = None,
        read: bool = True,
    ) -> Archive:
        """Open (or with ``create``, create mode 0600) the archive at ``path``.

        Args:
            path: The archive file; a symbolic link is followed to the real file, beside which
                the lock, the history and ``.bak`` are kept.
            create: Create an empty archive when there is no file.
            lock_timeout: Seconds to wait for another process's lock before giving up.
            on_wait: Called with the holder's pid (or None) when the lock is busy, so a
                caller can say who it is waiting for.
            on_batch: Called with the records batch by batch as the file is parsed, so a
                screen can show the first ones at once (``store.snapshot.ReadBatch``).
            read: Read the content now (False: on first use, so a command that only needs
                the meta, or regrades line by line, never parses every record).

        Returns:
            The open archive, its content read and checked (unless ``read`` is False).

        Raises:
            ArchiveNotFoundError: no file and ``create`` is false.
            ArchiveDamagedError: the file is not a readable creditfile archive (left as is).
            ArchiveLockedError: another process held the lock for ``lock_timeout`` seconds.
        """
        archive = cls(real_archive_path(path), lock_timeout, on_wait)
        if not archive.path.exists():
            if not create:
                raise ArchiveNotFoundError(
                    archive.path,
                    phrase(
                        "no archive here; create one with `creditfile demo` or "
                        "`creditfile import FILE`, or point --db / $CREDITFILE_DB at an "
                        "existing one"
                    ),
                )
            try:
                archive.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    archive.path,
                    phrase(
                        "cannot create its folder ({error}); choose another --db",
                        error=os_said(exc),
                    ),
                ) from None
        with archive._lock.held():
            remove_stray_temps(archive.path)
            if not archive.path.exists():
                archive._snap.start_empty(new_meta())
                archive._commit([])
            if read:
                archive._snap.refresh(on_batch)
        return archive

    # Reading -----------------------------------------------------------------------------

    @property
    def location(self) -> str:
        """The archive file's path, for messages."""
        return str(self.path)

    def stamp(self) -> object:
        """The file's inode, modification time and size: they change with every write (a
        write replaces the file); None when it cannot be read."""
        try:
            info = self.path.stat()
        except OSError:
            return None
        return (info.st_ino, info.st_mtime_ns, info.st_size)

    def records(self) -> dict[str, dict[str, Any]]:
        """Every record by customer id, in file order.

        Returns:
            The cached records themselves, for speed: read them, never modify them.
        """
        # No lock needed to read: the file is only ever replaced whole.
        self._snap.refresh()
        return self._snap.records

    def documents(self) -> list[dict[str, Any]]:
        """Every customer document without ``_meta`` and ``_grading`` (read-only, shallow)."""
        with gc_paused():
            return [customer_document(record) for record in self.records().values()]

    def record_batches(self, size: int) -> Iterator[list[dict[str, Any]]]:
        """Every record, in file order, in lists of at most ``size``, all from the file as read
        when the first batch is asked for (the cached records themselves: read-only)."""
        held = list(self.records().values())
        for start in range(0, len(held), size):
            yield held[start : start + size]

    def grade_changes(self, customer_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        """The ``grade_changed`` events of these customers, oldest first, by id: the history
        read once per state of the archive and kept by customer (read-only)."""
        stamp = self.stamp()
        if self._grade_changes is None or self._grade_changes[0] != stamp:
            grouped: dict[str, list[dict[str, Any]]] = {}
            for event in self.history(kind="grade_changed"):
                grouped.setdefault(str(event.get("customer_id")), []).append(event)
            self._grade_changes = (stamp, grouped)
        held = self._grade_changes[1]
        return {cid: held[cid] for cid in customer_ids if cid in held}

    def stored_tops(self) -> dict[str, Any] | None:
        """The tops of the first stored grading holding them (``tops``, ``as_of`` and
        ``policy`` of that grading), in file order; None when none holds them."""
        grading = first_with_tops(self.records(), ())
        if grading is None:
            return None
        return {key: grading.get(key) for key in ("tops", "as_of", "policy")}

    def get(self, customer_id: str) -> dict[str, Any] | None:
        """A private copy of one record, or None when there is no such customer."""
        record = self.records().get(customer_id)
        return None if record is None else copy_record(record)

    def history(
        self, customer_id: str | None = None, *, kind: str | None = None
    ) -> list[dict[str, Any]]:
        """Committed history events, oldest first.

        Args:
            customer_id: Only this customer's events.
            kind: Only events of this kind (``customer_changed``, ``grade_changed``…).
        """
        meta = self._meta_fresh()
        aborted = meta.get("aborted_txns", ())
        return history.read_events(self.path, meta["last_txn"], aborted, customer_id, kind)

    def runs(self) -> list[dict[str, Any]]:
        """Every recorded regrade run, oldest first."""
        return self.history(kind="regrade_run")

    def active_policy(self) -> dict[str, Any] | None:
        """The activated policy (text, sha256, version, path, activated_by/at), or None."""
        active = self._meta_fresh().get("active_policy")
        return dict(active) if active else None

    def demands(self) -> list[dict[str, Any]]:
        """Every demand request kept in the archive, oldest first (private copies)."""
        return [dict(demand) for demand in self._meta_fresh().get("demands") or ()]

    # Writing -----------------------------------------------------------------------------

    def add_demands(
        self, demands: Sequence[Mapping[str, Any]], *, actor: str
    ) -> list[dict[str, Any]]:
        """Keep demand requests in the archive, all of them or none, in one transaction.

        Each gets the next id (``R000001`` …, never reused), who added it and when; the history
        records each one (``demand_added``) on its customer.

        Raises:
            CustomerMissingError: a request names a customer not in the archive; nothing is
                written.
        """
        with self._changing():
            at = now_text()
            meta = self._snap.meta
            serial = int(meta.get("demand_serial", 0))
            added = []
            for demand in demands:
                cid = str(demand["customer_id"])
                if cid not in self._snap.records:
                    raise CustomerMissingError(self.path, cid)
                serial += 1
                added.append(
                    {**demand, "id": f"R{serial:06d}", "added_by": clean_actor(actor),
                     "added_at": at}
                )  # fmt: skip
            if not added:
                return []
            meta["demands"] = [*(meta.get("demands") or ()), *added]
            meta["demand_serial"] = serial
            self._commit(
                [
                    {**{k: v for k, v in d.items() if k not in ("id", "added_by", "added_at")},
                     "kind": "demand_added", "demand_id": d["id"], "actor": actor, "at": at}
                    for d in added
                ]
            )  # fmt: skip
            return [dict(d) for d in added]

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

        Args:
            doc: The customer document (its ``_meta``, ``_grading`` are ignored).
            base_rev: The revision the edit started from, or None to create.
            actor: Who saves (recorded in the record and the history).
            events: Side records of the save (each with its ``kind``), appended to the
                history in the same transaction, stamped with the customer, actor and time.
            grade: Grades the saved customer (and, when the archive-wide top moved, all
                of them) in the same write; see ``GradeAfter``.

        Returns:
            A copy of the stored record, with its new ``_meta.rev``.

        Raises:
            StaleRevisionError: someone saved the customer after ``base_rev``.
            DuplicateCustomerError: creating an id that exists.
            CustomerMissingError: changing a customer that no longer exists.
        """
        cid = str(doc["id"])
        with self._changing():
            current = self._snap.records.get(cid)
            check_revision(self.path, cid, current, base_rev)
            at = now_text()
            record = build_record(doc, current, actor, at)
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
            self._snap.put(cid, record)
            graded, _followed = self._follow(grade, [cid], actor)
            self._commit([event, *side, *graded])
            return copy_record(self._snap.records[cid])

    def delete_customer(self, customer_id: str, *, base_rev: int, actor: str) -> None:
        """Remove one customer, refusing a stale revision; the history keeps its past.

        Raises:
            StaleRevisionError: someone saved the customer after ``base_rev``.
            CustomerMissingError: the customer is not in the archive.
        """
        with self._changing():
            current = self._snap.records.get(customer_id)
            if current is None:
                raise CustomerMissingError(self.path, customer_id)
            check_revision(self.path, customer_id, current, base_rev)
            self._snap.remove(customer_id)
            event = {"kind": "customer_deleted", "customer_id": customer_id, "actor": actor}
            self._commit([{**event, "at": now_text(), "rev": base_rev}])

    def aliases(self) -> dict[str, str]:
        """Ids of customers merged into others: ``{dropped id: the id kept}``."""
        return dict(self._meta_fresh().get("aliases") or {})

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
        """Store ``keep`` (two customers united) and remove ``drop_id``, in one transaction.

        ``drop_id`` becomes an alias of the kept customer (``aliases``), so that what is later
        written under it lands on the kept one; aliases that pointed at ``drop_id`` follow.
        ``grade`` grades the kept customer (or every customer) in the same write; the merge's
        history event records the kept customer's grade before and after (``grade``).

        Raises:
            StaleRevisionError: someone saved either customer after the revision given.
            CustomerMissingError: either customer is not in the archive.
        """
        cid = str(keep["id"])
        with self._changing():
            current = self._snap.records.get(cid)
            dropped = self._snap.records.get(drop_id)
            if current is None:
                raise CustomerMissingError(self.path, cid)
            if dropped is None:
                raise CustomerMissingError(self.path, drop_id)
            check_revision(self.path, cid, current, keep_rev)
            check_revision(self.path, drop_id, dropped, drop_rev)
            at = now_text()
            record = build_record(keep, current, actor, at)
            aliases = {
                old: (cid if new == drop_id else new)
                for old, new in (self._snap.meta.get("aliases") or {}).items()
            }
            aliases[drop_id] = cid
            self._snap.meta["aliases"] = aliases
            self._snap.put(cid, record)
            self._snap.remove(drop_id)
            graded, followed = self._follow(grade, [cid], actor)
            base = {"actor": actor, "at": at}
            self._commit(
                [
                    {
                        **base,
                        "kind": "customer_merged",
                        "customer_id": cid,
                        "rev": record["_meta"]["rev"],
                        "merged_from": drop_id,
                        **change_detail(current, keep),
                        **merge_grade_detail(
                            current, self._snap.records[cid], followed, graded=grade is not None
                        ),
                    },
                    {
                        **base,
                        "kind": "customer_merged_away",
                        "customer_id": drop_id,
                        "rev": drop_rev,
                        "into": cid,
                    },
                    *graded,
                ]
            )
            return copy_record(self._snap.records[cid])

    def import_customers(self, docs: Sequence[Mapping[str, Any]], *, actor: str) -> ImportResult:
        """Add or replace many customers in one write: all of them or, on any error, none.

        Documents are stored as given (validate them first); a replaced customer keeps its
        creation bookkeeping and latest grading and gets the next revision.

        Raises:
            ArchiveWriteError: the write failed; the archive is unchanged.
        """
        added: list[int] = []

        def every_document(records: Mapping[str, dict[str, Any]]) -> list[CustomerWrite]:
            new = {str(doc["id"]) for doc in docs} - set(records)
            added.append(len(new))
            return [CustomerWrite(str(doc["id"]), doc, {}) for doc in docs]

        self.write_customers(every_document, actor=actor)
        count = added[-1] if added else 0
        return ImportResult(added=count, replaced=len(docs) - count)

    def write_customers(
        self,
        plan: Callable[[Mapping[str, dict[str, Any]]], Sequence[CustomerWrite]],
        *,
        actor: str,
        grade: GradeAfter | None = None,
    ) -> FollowedGrades:
        """Store the customers ``plan`` decides on, in one write; nothing when it decides none.

        ``plan`` receives every record as read under the lock (read-only), so it decides on
        what is stored at that moment (revision checks, merges); an exception from it leaves
        the archive untouched. Each written customer gets the next revision and one history
        event (``customer_imported`` unless its ``detail`` names another kind) with the
        changed field paths.

        Args:
            plan: ``records -> customers to store``.
            actor: Who writes.
            grade: Grades the written customers in the same write (see ``GradeAfter``).

        Returns:
            The grade changes made in the same write, and the run id if the whole archive was
            graded.

        Raises:
            ArchiveWriteError: the write failed; the archive is unchanged.
        """
        with self._changing(), gc_paused():
            writes = plan(self._snap.records)
            if not writes:
                return FollowedGrades()
            at, events = now_text(), []
            for write in writes:
                cid = write.customer_id
                current = self._snap.records.get(cid)
                record = build_record(write.doc, current, actor, at)
                self._snap.put(cid, record)
                events.append(
                    {
                        "kind": "customer_imported",
                        **write.detail,
                        "customer_id": cid,
                        "actor": actor,
                        "at": at,
                        "rev": record["_meta"]["rev"],
                        "created": current is None,
                        **change_detail(current, write.doc),
                    }
                )
            graded, followed = self._follow(grade, [w.customer_id for w in writes], actor)
            self._commit(events + graded)
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
        """Grade the whole archive with ``grade_fn`` under the lock and store it in one write.

        ``grade_fn`` receives every document as read under the lock, so no edit saved before
        the write can be lost or graded stale; nobody can save while it runs.

        Args:
            grade_fn: ``documents -> {customer id: grading}``.
            run: What to record about the run (policy version and sha256, as-of, top…).
            actor: Who runs it.
            dry_run: Grade and report the changes, write nothing.
            cancelled: Polled just before the write; when it returns true nothing is written.

        Returns:
            The gradings, the grade changes and (unless dry) the run id.

        Raises:
            RegradeCancelledError: ``cancelled()`` was true; the file is untouched.
            ArchiveWriteError: the write failed; the archive is unchanged.
        """
        # The collector paused: grading builds an object tree per customer, no cycles.
        with self._changing(), gc_paused():
            if not dry_run:  # every record is about to change: free the old bytes first
                self._snap.forget_all()
            gradings = grade_fn(self.documents())
            changes = grade_changes(self._snap.records, gradings)
            if dry_run:
                return RegradeOutcome(gradings, changes)
            if cancelled is not None and cancelled():
                raise RegradeCancelledError(
                    self.path, phrase("regrade cancelled; nothing was written")
                )
            run_id = self._next_txn()
            for cid, grading in gradings.items():
                self._snap.set_grading(cid, grading)
            self._commit(regrade_events(run, run_id, actor, gradings, changes))
            return RegradeOutcome(gradings, changes, run_id)

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
        """Store generated customers and grade the whole archive, in one write.

        Each stored record is marked ``_meta.origin = origin``. Any later save or import of a
        customer builds its bookkeeping anew, without the mark: a customer a person has
        touched is no longer the generator's. The archive is checked under the lock; because
        it is one write, ``.bak`` afterwards holds the archive exactly as it was.

        Args:
            docs: The generated documents.
            grade_fn: ``documents -> {customer id: grading}``, called on the whole archive.
            origin: The generator's mark (``demo``).
            run: What to record about the regrade run (policy, as-of…).
            actor: Who runs it.
            force: Write even when the archive holds customers without the mark; those with
                a generated id are replaced (and named in the result), the others kept.

        Returns:
            How many were added and replaced, which unmarked customers were replaced, and the
            regrade's outcome.

        Raises:
            ForeignCustomersError: customers without the mark, and not ``force``; nothing
                was written.
            ArchiveWriteError: the write failed; the archive is unchanged.
        """
        with self._changing(), gc_paused():
            records = self._snap.records
            foreign = [cid for cid, rec in records.items() if marked_origin(rec) != origin]
            if foreign and not force:
                raise ForeignCustomersError(self.path, foreign)
            unmarked = set(foreign)
            self._snap.forget_all()  # every record is about to change: free the old bytes
            at, events, added, overwritten = now_text(), [], 0, []
            for doc in docs:
                cid = str(doc["id"])
                current = records.get(cid)
                added += current is None
                if cid in unmarked:
                    overwritten.append(cid)
                record = build_record(doc, current, actor, at)
                record["_meta"]["origin"] = origin
                self._snap.put(cid, record)
                events.append(
                    {"kind": "customer_imported", "customer_id": cid, "actor": actor, "at": at,
                     "rev": record["_meta"]["rev"], "created": current is None, "origin": origin,
                     **({"replaced_unmarked": True} if cid in unmarked else {})}
                )  # fmt: skip
            gradings = grade_fn(self.documents())
            changes = grade_changes(self._snap.records, gradings)
            run_id = self._next_txn()
            for cid, grading in gradings.items():
                self._snap.set_grading(cid, grading)
            self._commit(events + regrade_events(run, run_id, actor, gradings, changes))
            outcome = RegradeOutcome(gradings, changes, run_id)
            return GeneratedOutcome(added, len(docs) - added, overwritten, outcome)

    def regrade_lines(
        self,
        grade_lines: Callable[[CustomerLines], LinesRegrade],
        *,
        run: Mapping[str, Any],
        actor: str,
    ) -> RegradeOutcome | None:
        """Like ``regrade``, but the caller parses, grades and re-encodes the customer lines
        itself (``store.lines``: in worker processes, on every core); here the file is only
        read and written as bytes.

        Every line is graded as it is in the file under the lock, as in ``regrade``. A file
        not laid out one customer per line, or a line that is not a customer record, makes
        this answer None having written nothing: regrade with ``regrade``, whose reading of
        the whole file says what is wrong.

        Args:
            grade_lines: ``CustomerLines -> LinesRegrade``; may raise ``LinesUnreadable``.
            run: What to record about the run (policy version and sha256, as-of, top…).
            actor: Who runs it.

        Returns:
            The gradings (``status``, ``grade`` and ``total`` of each), the grade changes and
            the run id; or None (nothing written).

        Raises:
            ArchiveWriteError: the write failed; the archive is unchanged.
        """
        with self._lock.held(), gc_paused():
            raw = read_bytes(self.path)
            lines = CustomerLines.of(raw)
            if lines is None:
                return None
            try:
                tables = framed_tables(self.path, raw, lines.end)
            except StoreError:
                tables = None  # the whole-file regrade says what is wrong
            if tables is None:
                return None
            try:
                done = grade_lines(lines)
            except LinesUnreadable:
                return None
            del raw, lines
            changes = changed_grades(done.previous, done.gradings)
            self._snap.forget_all()  # the file is about to be replaced behind the cache
            self._snap.invalidate()
            meta: dict[str, Any] = next(iter(tables["meta"].values()))
            run_id = self._next_txn(meta)
            self._commit(
                regrade_events(run, run_id, actor, done.gradings, changes),
                meta,
                lambda: write_bytes_atomic(self.path, framing.encode_parts(done.parts, tables)),
            )
            return RegradeOutcome(done.gradings, changes, run_id)

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
        """Make ``text`` the archive's active policy and log it, full text, in the history.

        Documents changed by ``amend`` (called under the lock with every stored document)
        are stored in the same write, each with its event: all of it or, on any error
        (``amend`` may raise), none.
        """
        with self._changing():
            at = now_text()
            changed = []
            for doc, event in amend(self.documents()) if amend is not None else []:
                cid = str(doc["id"])
                current = self._snap.records.get(cid)
                if current is None:
                    raise CustomerMissingError(self.path, cid)
                record = build_record(doc, current, actor, at)
                self._snap.put(cid, record)
                changed.append(
                    {**event, "customer_id": cid, "actor": actor, "at": at,
                     "rev": record["_meta"]["rev"]}
                )  # fmt: skip
            active = {
                "text": text,
                "sha256": sha256,
                "version": version,
                "path": path,
                "activated_by": clean_actor(actor),
                "activated_at": at,
            }
            self._snap.meta["active_policy"] = active
            event = {**(detail or {}), "kind": "policy_activated", "actor": actor, "at": at}
            self._commit(
                [
                    {**event, "version": version, "sha256": sha256, "path": path, "text": text},
                    *changed,
                ]
            )

    def record_event(
        self,
        customer_id: str | None,
        kind: str,
        actor: str,
        detail: Mapping[str, Any] | None = None,
    ) -> None:
        """Append an audit event (e.g. ``personal_data_revealed``); the archive is not rewritten.

        Raises:
            ArchiveWriteError: the history could not be appended to.
        """
        event = {**(detail or {}), "kind": kind, "customer_id": customer_id, "actor": actor}
        with self._lock.held():
            history.append_events(self.path, [{**event, "at": now_text()}])

    def content(self) -> ArchiveContent:
        """Everything the archive holds, read under the lock (``creditfile db copy``)."""
        with self._lock.held():
            self._snap.refresh()
            meta = self._snap.meta
            return ArchiveContent(
                records={cid: copy_record(r) for cid, r in self._snap.records.items()},
                events=self.history(),
                active_policy=self.active_policy(),
                aliases=self.aliases(),
                demands=[dict(demand) for demand in meta.get("demands") or ()],
                demand_serial=int(meta.get("demand_serial", 0)),
            )

    @classmethod
    def create_from(cls, path: str | Path, content: ArchiveContent) -> Archive:
        """A new archive file at ``path`` holding ``content`` as it is: records with their
        revisions and gradings, the history event by event, the active policy, aliases.

        Raises:
            StoreError: a file (or its history) is already there; nothing was written.
        """
        archive = cls(real_archive_path(path), 30.0, None)
        if archive.path.exists() or history.history_path(archive.path).exists():
            raise StoreError(
                archive.path,
                phrase(
                    "a file is already there; an archive is copied only into a new file — "
                    "nothing was written (choose another path, or move that file away)"
                ),
            )
        try:
            archive.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # a file where a folder should be, a folder not writable
            raise StoreError(
                archive.path,
                phrase(
                    "cannot create its folder ({error}); choose another path", error=os_said(exc)
                ),
            ) from None
        with archive._lock.held():
            archive._snap.start_empty(new_meta())
            for cid, record in content.records.items():
                archive._snap.put(cid, copy_record(record))
            meta = archive._snap.meta
            meta["active_policy"] = content.active_policy
            if content.aliases:
                meta["aliases"] = dict(content.aliases)
            if content.demands:
                meta["demands"] = [dict(demand) for demand in content.demands]
                meta["demand_serial"] = content.demand_serial
            size = history.append_verbatim(archive.path, content.events)
            meta.update({"last_txn": content.last_txn, "history_size": size})
            archive._snap.write()
        return archive

    # Internals ---------------------------------------------------------------------------

    def _follow(
        self, grade: GradeAfter | None, changed: list[str], actor: str
    ) -> tuple[list[dict[str, Any]], FollowedGrades]:
        """Grade the changed customers (or all) with ``grade``; their events and outcome."""
        if grade is None:
            return [], FollowedGrades()
        follow = grade(self._snap.records, changed)
        changes = grade_changes(self._snap.records, follow.gradings)
        run_id = None if follow.run is None else self._next_txn()
        for cid, grading in follow.gradings.items():
            self._snap.set_grading(cid, grading)
        if follow.run is None or run_id is None:
            events = followed_events(follow, actor, changes)
        else:
            run = {**follow.run, "trigger": follow.cause}
            events = regrade_events(run, run_id, actor, follow.gradings, changes)
        return events, FollowedGrades(changes, run_id, len(follow.gradings))

    @contextmanager
    def _changing(self) -> Iterator[None]:
        """Lock, refresh, and drop the cache if the change fails half-way."""
        with self._lock.held():
            self._snap.refresh()
            try:
                yield
            except BaseException:
                self._snap.invalidate()  # it may hold a change that never reached the disk
                raise

    def _meta_fresh(self) -> dict[str, Any]:
        return self._snap.peek_meta()

    def _uncommitted(self, meta: Mapping[str, Any] | None = None) -> set[int]:
        meta = self._snap.meta if meta is None else meta
        return history.uncommitted_txns(self.path, meta.get("history_size", 0), meta["last_txn"])

    def _next_txn(self, meta: Mapping[str, Any] | None = None) -> int:
        meta = self._snap.meta if meta is None else meta
        return int(max([meta["last_txn"], *self._uncommitted(meta)])) + 1

    def _commit(
        self,
        events: list[dict[str, Any]],
        meta: dict[str, Any] | None = None,
        write: Callable[[], object] | None = None,
    ) -> None:
        """Write history then the archive, as one transaction (see ``store.history``).

        Args:
            events: The history of the change.
            meta: The meta document to update (default: the cached archive's).
            write: Writes the archive with that meta (default: the cached archive's write).
        """
        meta = self._snap.meta if meta is None else meta
        aborted = self._uncommitted(meta)
        txn = max([meta["last_txn"], *aborted]) + 1
        size = meta.get("history_size", 0)
        before = history.history_size(self.path)
        if events:
            try:
                size = history.append_events(self.path, [{**e, "txn": txn} for e in events])
            except BaseException:
                history.drop_after(self.path, before)  # half a line of a full disk
                raise
        meta.update(
            {
                "last_txn": txn,
                "history_size": size,
                "aborted_txns": sorted({*meta.get("aborted_txns", ()), *aborted}),
            }
        )
        # On failure ``_changing`` drops the cache, so the meta changed above is re-read.
        try:
            (write or self._snap.write)()
        except BaseException:
            # A refused write leaves no events behind (they would only be skipped as aborted);
            # unless the file was replaced after all and only a later step failed.
            if self._on_disk_txn() != txn:
                history.drop_after(self.path, before)
            raise

    def _on_disk_txn(self) -> int | None:
        """The last transaction the archive file on disk holds, read afresh."""
        self._snap.invalidate()
        try:
            return int(self._snap.peek_meta()["last_txn"])
        except Exception:
            return None
