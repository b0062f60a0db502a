"""The customer archive: one TinyDB JSON file, written whole and atomically, under a lock.

Layout (a valid TinyDB database): table ``customers`` maps TinyDB document ids to records —
the customer document plus ``_meta`` (revision, created/updated by and at) and ``_grading``
(the latest grading) — and table ``meta`` holds one document with the format marker, the
active policy and the transaction bookkeeping of the history (see ``store.history``).

Every change is a read-modify-write under the archive lock. The parsed file is cached and
re-read only when the file on disk changed, so one save at 100,000 customers costs one dump
and one write. Records handed out by ``records()`` are the cached objects: read them, never
modify them; ``get()`` returns a private copy.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from store import history
from store.changes import changed_paths
from store.errors import (
    ArchiveDamagedError,
    ArchiveNotFoundError,
    CustomerMissingError,
    DuplicateCustomerError,
    RegradeCancelledError,
    StaleRevisionError,
)
from store.locking import Waiting, archive_lock
from store.storage import read_json, remove_stray_temps, write_json_atomic

FORMAT = "creditfile-archive"
FORMAT_VERSION = 1
Gradings = dict[str, dict[str, Any]]


def now_text() -> str:
    """The current UTC time, to the second, ISO 8601."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class ImportResult:
    """How many customers an import added and replaced."""

    added: int
    replaced: int


@dataclass(frozen=True)
class RegradeOutcome:
    """The gradings of a regrade and the grade changes it made (or would make)."""

    gradings: Gradings
    changes: list[dict[str, Any]] = field(default_factory=list)
    run_id: int | None = None


class Archive:
    """One archive file. Open with ``Archive.open``."""

    def __init__(self, path: Path, lock_timeout: float, on_wait: Waiting | None) -> None:
        self.path = path
        self.lock_timeout = lock_timeout
        self.on_wait = on_wait
        self._data: dict[str, Any] = {}
        self._records: dict[str, dict[str, Any]] = {}
        self._keys: dict[str, str] = {}
        self._last_key = 0
        self._stamp: tuple[int, int, int] | None = None

    @classmethod
    def open(cls, path: str | Path, *, create: bool = False, lock_timeout: float = 30.0,
             on_wait: Waiting | None = None) -> Archive:
        """Open (or with ``create``, create) the archive at ``path``.

        Raises:
            ArchiveNotFoundError: no file and ``create`` is false.
            ArchiveDamagedError: the file is not a readable creditfile archive.
        """
        archive = cls(Path(path).expanduser().absolute(), lock_timeout, on_wait)
        if not archive.path.exists():
            if not create:
                raise ArchiveNotFoundError(archive.path, "no archive here; create one with "
                                           "`creditfile demo` or `creditfile import FILE`, or "
                                           "point --db / $CREDITFILE_DB at an existing one")
            archive.path.parent.mkdir(parents=True, exist_ok=True)
        with archive._locked():
            remove_stray_temps(archive.path)
            if not archive.path.exists():
                archive._data = {"customers": {}, "meta": {"1": _new_meta()}}
                archive._commit([])
            archive._refresh()
        return archive

    # Reading -----------------------------------------------------------------------------

    def records(self) -> dict[str, dict[str, Any]]:
        """Every record by customer id, in file order (read-only: the cached objects)."""
        self._refresh_unlocked()
        return self._records

    def documents(self) -> list[dict[str, Any]]:
        """Every customer document without the store's ``_`` fields."""
        return [{k: v for k, v in r.items() if k[:1] != "_"} for r in self.records().values()]

    def get(self, customer_id: str) -> dict[str, Any] | None:
        """A private copy of one record, or None."""
        record = self.records().get(customer_id)
        return None if record is None else _copy(record)

    def history(self, customer_id: str | None = None) -> list[dict[str, Any]]:
        """Committed history events, oldest first (one customer's with ``customer_id``)."""
        meta = self._meta_fresh()
        return history.read_events(self.path, meta["last_txn"], meta.get("aborted_txns", ()),
                                   customer_id)

    def runs(self) -> list[dict[str, Any]]:
        """Every recorded regrade run, oldest first."""
        return [e for e in self.history() if e.get("kind") == "regrade_run"]

    def active_policy(self) -> dict[str, Any] | None:
        """The activated policy (text, sha256, version, path, who, when), or None."""
        active = self._meta_fresh().get("active_policy")
        return dict(active) if active else None

    # Writing -----------------------------------------------------------------------------

    def save_customer(self, doc: Mapping[str, Any], *, base_rev: int | None,
                      actor: str) -> dict[str, Any]:
        """Create (``base_rev=None``) or change one customer, refusing a stale revision.

        Raises:
            StaleRevisionError: someone saved the customer after ``base_rev``.
            DuplicateCustomerError: creating an id that exists.
            CustomerMissingError: changing a customer that no longer exists.
        """
        cid = str(doc["id"])
        with self._locked():
            self._refresh()
            current = self._records.get(cid)
            self._check_revision(cid, current, base_rev)
            at = now_text()
            record = _record(doc, current, actor, at)
            kind = "customer_created" if current is None else "customer_changed"
            event = {"kind": kind, "customer_id": cid, "actor": actor, "at": at,
                     "rev": record["_meta"]["rev"],
                     "fields": changed_paths(_doc_of(current), dict(doc))}
            self._put(cid, record)
            self._commit([event])
            return _copy(record)

    def delete_customer(self, customer_id: str, *, base_rev: int, actor: str) -> None:
        """Remove one customer, refusing a stale revision; the history keeps its past."""
        with self._locked():
            self._refresh()
            current = self._records.get(customer_id)
            self._check_revision(customer_id, current, base_rev)
            del self._data["customers"][self._keys.pop(customer_id)]
            del self._records[customer_id]
            self._commit([{"kind": "customer_deleted", "customer_id": customer_id,
                           "actor": actor, "at": now_text()}])

    def import_customers(self, docs: Sequence[Mapping[str, Any]], *,
                         actor: str) -> ImportResult:
        """Add or replace many customers in one write (all or nothing)."""
        with self._locked():
            self._refresh()
            at = now_text()
            events = []
            added = 0
            for doc in docs:
                cid = str(doc["id"])
                current = self._records.get(cid)
                added += current is None
                record = _record(doc, current, actor, at)
                self._put(cid, record)
                events.append({"kind": "customer_imported", "customer_id": cid, "actor": actor,
                               "at": at, "rev": record["_meta"]["rev"]})
            self._commit(events)
            return ImportResult(added=added, replaced=len(docs) - added)

    def regrade(self, grade_fn: Callable[[list[dict[str, Any]]], Gradings], *,
                run: Mapping[str, Any], actor: str, dry_run: bool = False,
                cancelled: Callable[[], bool] | None = None) -> RegradeOutcome:
        """Grade the whole archive with ``grade_fn`` under the lock and store it in one write.

        ``grade_fn`` receives every document as read under the lock, so no edit made before
        the write can be lost or graded stale. With ``dry_run`` nothing is written; when
        ``cancelled()`` turns true before the write, ``RegradeCancelledError`` is raised and
        the file is untouched.
        """
        with self._locked():
            self._refresh()
            gradings = grade_fn(self.documents())
            changes = _grade_changes(self._records, gradings)
            if dry_run:
                return RegradeOutcome(gradings, changes)
            if cancelled is not None and cancelled():
                raise RegradeCancelledError(self.path, "regrade cancelled; nothing was written")
            at = now_text()
            run_id = int(self._meta()["last_txn"]) + 1
            for cid, grading in gradings.items():
                record = self._records.get(cid)
                if record is not None:
                    record["_grading"] = grading
            events = [{"kind": "regrade_run", "run_id": run_id, "actor": actor, "at": at,
                       "customers": len(gradings), "changes": len(changes), **run}]
            events += [{"kind": "grade_changed", "customer_id": c["id"], "run_id": run_id,
                        "actor": actor, "at": at, "from": c["from"], "to": c["to"],
                        "total": c["total"], "as_of": run.get("as_of"),
                        "policy_version": run.get("policy_version"),
                        "policy_sha256": run.get("policy_sha256")} for c in changes]
            self._commit(events)
            return RegradeOutcome(gradings, changes, run_id)

    def activate_policy(self, text: str, *, sha256: str, version: str, path: str | None,
                        actor: str) -> None:
        """Make ``text`` the archive's active policy and log it (full text) in the history."""
        with self._locked():
            self._refresh()
            active = {"text": text, "sha256": sha256, "version": version, "path": path,
                      "activated_by": actor, "activated_at": now_text()}
            self._meta()["active_policy"] = active
            self._commit([{"kind": "policy_activated", "actor": actor,
                           "at": active["activated_at"], "version": version, "sha256": sha256,
                           "path": path, "text": text}])

    def record_event(self, customer_id: str | None, kind: str, actor: str,
                     detail: Mapping[str, Any] | None = None) -> None:
        """Append an audit event (e.g. ``personal_data_revealed``) without touching the file."""
        with self._locked():
            history.append_events(self.path, [{"kind": kind, "customer_id": customer_id,
                                               "actor": actor, "at": now_text(),
                                               **(detail or {})}])

    # Internals ---------------------------------------------------------------------------

    @contextmanager
    def _locked(self) -> Any:
        with archive_lock(self.path, self.lock_timeout, self.on_wait):
            yield

    def _refresh_unlocked(self) -> None:
        # Readers without the lock are safe: the file is only ever replaced whole.
        self._refresh()

    def _refresh(self) -> None:
        try:
            info = self.path.stat()
        except FileNotFoundError:
            raise ArchiveNotFoundError(self.path, "the archive file has disappeared") from None
        stamp = (info.st_ino, info.st_mtime_ns, info.st_size)
        if stamp == self._stamp:
            return
        data = read_json(self.path)
        self._data = _checked(self.path, data)
        table = self._data["customers"]
        self._records = {str(r.get("id")): r for r in table.values()}
        self._keys = {str(r.get("id")): str(k) for k, r in table.items()}
        self._last_key = max((int(k) for k in table if str(k).isdigit()), default=0)
        self._stamp = stamp

    def _meta(self) -> dict[str, Any]:
        meta: dict[str, Any] = next(iter(self._data["meta"].values()))
        return meta

    def _meta_fresh(self) -> dict[str, Any]:
        self._refresh_unlocked()
        return self._meta()

    def _check_revision(self, cid: str, current: dict[str, Any] | None,
                        base_rev: int | None) -> None:
        if current is None:
            if base_rev is not None:
                raise CustomerMissingError(self.path, cid)
            return
        meta = current.get("_meta") or {}
        if base_rev is None:
            raise DuplicateCustomerError(self.path, cid)
        if meta.get("rev") != base_rev:
            raise StaleRevisionError(self.path, cid, base_rev, meta.get("rev"),
                                     meta.get("updated_by"), meta.get("updated_at"))

    def _put(self, cid: str, record: dict[str, Any]) -> None:
        key = self._keys.get(cid)
        if key is None:
            self._last_key += 1
            key = self._keys[cid] = str(self._last_key)
        self._data["customers"][key] = record
        self._records[cid] = record

    def _commit(self, events: list[dict[str, Any]]) -> None:
        """Write history then the archive, as one transaction (see ``store.history``)."""
        meta = self._meta()
        aborted = history.uncommitted_txns(self.path, meta.get("history_size", 0),
                                           meta["last_txn"])
        txn = max([meta["last_txn"], *aborted]) + 1
        size = meta.get("history_size", 0)
        if events:
            size = history.append_events(self.path, [{**e, "txn": txn} for e in events])
        previous = dict(meta)
        meta.update({"last_txn": txn, "history_size": size,
                     "aborted_txns": sorted({*meta.get("aborted_txns", ()), *aborted})})
        try:
            info = write_json_atomic(self.path, self._data)
        except Exception:
            meta.clear()
            meta.update(previous)
            self._stamp = None  # the cache no longer matches the file: re-read next time
            raise
        self._stamp = (info.st_ino, info.st_mtime_ns, info.st_size)


def _copy(record: Mapping[str, Any]) -> dict[str, Any]:
    copied: dict[str, Any] = orjson.loads(orjson.dumps(record))
    return copied


def _new_meta() -> dict[str, Any]:
    return {"format": FORMAT, "format_version": FORMAT_VERSION, "active_policy": None,
            "last_txn": 0, "history_size": 0, "aborted_txns": []}


def _checked(path: Path, data: Any) -> dict[str, Any]:
    meta_table = data.get("meta") if isinstance(data, dict) else None
    meta = next(iter(meta_table.values()), None) if isinstance(meta_table, dict) else None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ArchiveDamagedError(path, "this JSON file is not a creditfile archive (no "
                                  "creditfile marker); nothing was changed — check --db")
    if meta.get("format_version", 0) > FORMAT_VERSION:
        raise ArchiveDamagedError(path, f"archive format {meta['format_version']} is newer "
                                  "than this creditfile understands; upgrade creditfile")
    if not isinstance(data.get("customers", {}), dict):
        raise ArchiveDamagedError(path, "the customers table is not a mapping; the file is "
                                  "damaged — run `creditfile doctor`")
    customers = data.setdefault("customers", {})
    if not all(isinstance(record, dict) for record in customers.values()):
        raise ArchiveDamagedError(path, "a customer record is not a JSON object; the file is "
                                  "damaged — run `creditfile doctor`")
    checked: dict[str, Any] = data
    return checked


def _doc_of(record: Mapping[str, Any] | None) -> dict[str, Any]:
    return {} if record is None else {k: v for k, v in record.items() if k[:1] != "_"}


def _record(doc: Mapping[str, Any], current: Mapping[str, Any] | None, actor: str,
            at: str) -> dict[str, Any]:
    old = (current or {}).get("_meta") or {}
    meta = {"rev": int(old.get("rev", 0)) + 1,
            "created_at": old.get("created_at", at), "created_by": old.get("created_by", actor),
            "updated_at": at, "updated_by": actor}
    grading = (current or {}).get("_grading")
    return {**{k: v for k, v in doc.items() if k[:1] != "_"}, "_meta": meta, "_grading": grading}


def _grade_changes(records: Mapping[str, Mapping[str, Any]],
                   gradings: Gradings) -> list[dict[str, Any]]:
    changes = []
    for cid, grading in gradings.items():
        old = (records.get(cid) or {}).get("_grading") or {}
        if old.get("grade") != grading.get("grade"):
            changes.append({"id": cid, "from": old.get("grade"), "to": grading.get("grade"),
                            "total": grading.get("total")})
    return changes
