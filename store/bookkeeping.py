"""The shape of an archive file: meta document, records with bookkeeping, results, events."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from creditfile.policy.errors import phrase
from creditfile.store.audit import clean_actor
from creditfile.store.errors import (
    ArchiveDamagedError,
    CustomerMissingError,
    DuplicateCustomerError,
    StaleRevisionError,
)

FORMAT = "creditfile-archive"
FORMAT_VERSION = 1
Gradings = dict[str, dict[str, Any]]


@dataclass(frozen=True)
class ImportResult:
    """How many customers an import added and replaced."""

    added: int
    replaced: int


@dataclass(frozen=True)
class CustomerWrite:
    """One customer a batch write stores (``Archive.write_customers``).

    Attributes:
        customer_id: The customer's id.
        doc: The whole customer document to store.
        detail: What the history event records besides the store's own keys (``kind``,
            ``mode``, ``forced``…); ``kind`` defaults to ``customer_imported``.
    """

    customer_id: str
    doc: Mapping[str, Any]
    detail: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class GradeFollow:
    """The gradings a write stores beside the changed customers (``GradeAfter``).

    Attributes:
        gradings: New gradings by customer id: at least every changed customer's.
        run: When the whole archive was graded (the archive-wide top moved), what to record
            about that run (policy, as-of, tops, trigger); None when only the changed
            customers were graded.
        cause: Why they were graded (``save``, ``import``), recorded on each grade change.
    """

    gradings: Gradings
    run: Mapping[str, Any] | None = None
    cause: str = "save"


@dataclass(frozen=True)
class FollowedGrades:
    """What grading inside a write did: the grade changes and the run id, if a whole run."""

    changes: list[dict[str, Any]] = field(default_factory=list)
    run_id: int | None = None
    graded: int = 0


@dataclass
class RegradeTally:
    """What a regrade read batch by batch keeps of its customers: counts, never a customer each.

    Attributes:
        customers: Customers graded.
        changes: Customers whose grade changed (ungraded counts as a grade).
        ungraded_before: Customers without a stored grade before the regrade.
        ungraded_after: Customers ungraded by the regrade.
        newly_ungraded: Customers that had a grade and lost it.
        by_grade: Customers graded, by grade.
    """

    customers: int = 0
    changes: int = 0
    ungraded_before: int = 0
    ungraded_after: int = 0
    newly_ungraded: int = 0
    by_grade: Counter[str] = field(default_factory=Counter)

    def add(self, before: Any, grading: Mapping[str, Any]) -> bool:
        """Count one customer: the grade stored before (None: ungraded or never graded) and its
        new grading (``status`` and ``grade``). True when its grade changed."""
        new = grading.get("grade")
        self.customers += 1
        self.ungraded_before += before is None
        if grading.get("status") == "ungraded" or new is None:
            self.ungraded_after += 1
            self.newly_ungraded += before is not None
        else:
            self.by_grade[str(new)] += 1
        changed = bool(before != new)
        self.changes += changed
        return changed


@dataclass(frozen=True)
class RegradeOutcome:
    """The gradings of a regrade and the grade changes it made (or, dry, would make).

    A regrade read batch by batch keeps no grading: ``gradings`` is then empty, ``tally``
    holds its counts and ``changes`` reads the grade changes from where the store kept them
    as it is iterated (``{"id", "from", "to", "total"}`` each, in stored order).
    """

    gradings: Gradings
    changes: Collection[Mapping[str, Any]] = field(default_factory=list)
    run_id: int | None = None
    tally: RegradeTally | None = None


@dataclass(frozen=True)
class GeneratedOutcome:
    """What storing generated customers did (``Archive.refresh_generated``).

    Attributes:
        added: Customers new to the archive.
        replaced: Customers whose generated id was there already.
        replaced_unmarked: Of those, the ones that did not carry the generator's mark (a
            real customer, or one a person had changed): replaced only when forced.
        regrade: The grading of the whole archive done in the same write.
    """

    added: int
    replaced: int
    replaced_unmarked: list[str]
    regrade: RegradeOutcome


def marked_origin(record: Mapping[str, Any]) -> str | None:
    """The generator that made ``record`` and nobody changed since (``_meta.origin``), or None."""
    meta = record.get("_meta")
    origin = meta.get("origin") if isinstance(meta, Mapping) else None
    return origin if isinstance(origin, str) else None


def now_text() -> str:
    """The current UTC time, to the second, ISO 8601."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def copy_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy of a JSON record (orjson round trip: faster than ``copy.deepcopy``)."""
    copied: dict[str, Any] = orjson.loads(orjson.dumps(record))
    return copied


def new_meta() -> dict[str, Any]:
    """The meta document of an empty archive."""
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "active_policy": None,
        "last_txn": 0,
        "history_size": 0,
        "aborted_txns": [],
    }


def checked_archive(path: Path, data: Any) -> dict[str, Any]:
    """``data`` if it is a creditfile archive this version understands.

    Raises:
        ArchiveDamagedError: foreign JSON (no creditfile marker), a newer format, or tables
            of the wrong shape. The file is never touched.
    """
    meta_table = data.get("meta") if isinstance(data, dict) else None
    meta = next(iter(meta_table.values()), None) if isinstance(meta_table, dict) else None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ArchiveDamagedError(
            path,
            phrase(
                "this JSON file is not a creditfile archive (no creditfile marker); nothing was "
                "changed — check that --db or $CREDITFILE_DB names your archive"
            ),
        )
    if not isinstance(meta.get("format_version"), int) or meta["format_version"] > FORMAT_VERSION:
        raise ArchiveDamagedError(
            path,
            phrase(
                "archive format {found} is not one this creditfile understands (it reads format "
                "{known}); upgrade creditfile",
                found=repr(meta.get("format_version")),
                known=FORMAT_VERSION,
            ),
        )
    if not isinstance(meta.get("last_txn"), int):
        raise ArchiveDamagedError(
            path, phrase("the meta record has no transaction number; run `creditfile doctor`")
        )
    if not isinstance(data.setdefault("customers", {}), dict):
        raise ArchiveDamagedError(
            path, phrase("the customers table is not a table; run `creditfile doctor`")
        )
    checked: dict[str, Any] = data
    return checked


def index_customers(
    path: Path, table: dict[str, Any]
) -> tuple[dict[str, dict[str, Any]], dict[str, str], int]:
    """Records by customer id, TinyDB keys by customer id, and the highest TinyDB key.

    Raises:
        ArchiveDamagedError: a record that is not a JSON object, or a key TinyDB cannot read.
    """
    # Comprehensions and builtins rather than one explicit loop: this runs on every load of a
    # possibly very large file.
    try:
        ids = [str(record["id"]) for record in table.values()]
        last = max(map(int, table), default=0)
    except (TypeError, KeyError, ValueError):
        raise ArchiveDamagedError(
            path,
            phrase(
                "the customers table holds an entry that is not a customer record; "
                "run `creditfile doctor`"
            ),
        ) from None
    return dict(zip(ids, table.values(), strict=True)), dict(zip(ids, table, strict=True)), last


def check_revision(
    path: Path | str, cid: str, current: Mapping[str, Any] | None, base_rev: int | None
) -> None:
    """Refuse a change made on a revision other than the stored one.

    Raises:
        CustomerMissingError: changing a customer that is not (or no longer) stored.
        DuplicateCustomerError: creating (``base_rev`` None) a customer that exists.
        StaleRevisionError: someone saved the customer after ``base_rev``.
    """
    if current is None:
        if base_rev is not None:
            raise CustomerMissingError(path, cid)
        return
    if base_rev is None:
        raise DuplicateCustomerError(path, cid)
    meta = current.get("_meta") or {}
    if meta.get("rev") != base_rev:
        raise StaleRevisionError(
            path, cid, base_rev, meta.get("rev"), meta.get("updated_by"), meta.get("updated_at")
        )


STORE_FIELDS = ("_meta", "_grading")
"""The store's own fields of a record; a customer document has no key starting with ``_``."""


def customer_document(record: Mapping[str, Any] | None) -> dict[str, Any]:
    """The customer document inside a record: all but the store's ``_meta`` and ``_grading``.

    The one place that strips them. A shallow copy: nested values are shared with ``record``
    (treat them as read-only, or copy them deeply before changing them).
    """
    if record is None:
        return {}
    # A C-level copy and two pops: this runs for every customer of every regrade.
    doc = dict(record)
    for name in STORE_FIELDS:
        doc.pop(name, None)
    return doc


def build_record(
    doc: Mapping[str, Any], current: Mapping[str, Any] | None, actor: str, at: str
) -> dict[str, Any]:
    """The record storing ``doc``: next revision; creation and latest grading kept."""
    actor = clean_actor(actor)
    old = (current or {}).get("_meta") or {}
    meta = {
        "rev": int(old.get("rev", 0)) + 1,
        "created_at": old.get("created_at", at),
        "created_by": old.get("created_by", actor),
        "updated_at": at,
        "updated_by": actor,
    }
    grading = (current or {}).get("_grading")
    record = customer_document(doc)
    record["_meta"], record["_grading"] = meta, grading
    return record


def grade_changes(
    records: Mapping[str, Mapping[str, Any]], gradings: Gradings
) -> list[dict[str, Any]]:
    """``{"id", "from", "to", "total"}`` for every customer whose grade would change."""
    previous = {}
    for cid in gradings:
        old = (records.get(cid) or {}).get("_grading")
        previous[cid] = old.get("grade") if isinstance(old, Mapping) else None
    return changed_grades(previous, gradings)


def changed_grades(previous: Mapping[str, Any], gradings: Gradings) -> list[dict[str, Any]]:
    """``{"id", "from", "to", "total"}`` for every customer whose grade differs from
    ``previous`` (customer id → the grade stored before, None when ungraded)."""
    return [
        {"id": cid, "from": previous.get(cid), "to": grading.get("grade"),
         "total": grading.get("total")}
        for cid, grading in gradings.items()
        if previous.get(cid) != grading.get("grade")
    ]  # fmt: skip


def followed_events(
    follow: GradeFollow, actor: str, changes: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The history of the grade changes a save or an import made without a whole run."""
    at = now_text()
    policy = next(iter(follow.gradings.values()), {}).get("policy") or {}
    return [
        {
            "kind": "grade_changed",
            "customer_id": change["id"],
            "cause": follow.cause,
            "actor": actor,
            "at": at,
            "from": change["from"],
            "to": change["to"],
            "total": change["total"],
            "as_of": follow.gradings[change["id"]].get("as_of"),
            "policy_version": policy.get("version"),
            "policy_sha256": policy.get("sha256"),
        }
        for change in changes
    ]


def regrade_events(
    run: Mapping[str, Any],
    run_id: int,
    actor: str,
    gradings: Gradings,
    changes: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """The history of one regrade: the run (with counts) and one event per grade change."""
    at = now_text()
    by_grade = Counter(str(g.get("grade")) for g in gradings.values() if g.get("grade"))
    ungraded = sum(1 for g in gradings.values() if g.get("status") == "ungraded")
    counts = {"customers": len(gradings), "ungraded": ungraded, "changes": len(changes)}
    return [
        run_event(run, run_id, actor, at, counts, by_grade),
        *(change_event(run, run_id, actor, at, change) for change in changes),
    ]


def run_event(
    run: Mapping[str, Any],
    run_id: int,
    actor: str,
    at: str,
    counts: Mapping[str, int],
    by_grade: Mapping[str, int],
) -> dict[str, Any]:
    """A regrade's run event: ``run`` with its id, who, when, and its ``customers``,
    ``ungraded`` and ``changes`` counts and customers per grade."""
    # The caller's run description comes first so it cannot overwrite the store's own keys.
    return {
        **run,
        "kind": "regrade_run",
        "run_id": run_id,
        "actor": actor,
        "at": at,
        "customers": counts["customers"],
        "ungraded": counts["ungraded"],
        "by_grade": dict(sorted(by_grade.items())),
        "changes": counts["changes"],
    }


def change_event(
    run: Mapping[str, Any], run_id: int, actor: str, at: str, change: Mapping[str, Any]
) -> dict[str, Any]:
    """The event of one grade change a regrade made (``change``: ``{"id", "from", "to",
    "total"}``)."""
    return {
        "kind": "grade_changed",
        "customer_id": change["id"],
        "run_id": run_id,
        "actor": actor,
        "at": at,
        "from": change["from"],
        "to": change["to"],
        "total": change["total"],
        "as_of": run.get("as_of"),
        "policy_version": run.get("policy_version"),
        "policy_sha256": run.get("policy_sha256"),
    }


def merge_grade_detail(
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    followed: FollowedGrades,
    *,
    graded: bool,
) -> dict[str, Any]:
    """What a merge's event records of the kept customer's grading: ``{"grade": {"from",
    "to", "total", "run_id"}}`` (``run_id``: the whole archive was graded in that run);
    nothing when the merge was not graded."""
    if not graded:
        return {}
    old, new = before.get("_grading") or {}, after.get("_grading") or {}
    return {
        "grade": {
            "from": old.get("grade"),
            "to": new.get("grade"),
            "total": new.get("total"),
            "run_id": followed.run_id,
        }
    }
