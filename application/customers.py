"""Customers one at a time: save (graded, with its side records, in one transaction) and find.

Every save and every import grades what it changed in the same write, so no customer shows a
grading computed from inputs it no longer has (``follow_grades``). The cumulative-lease item
is relative to the archive-wide top: when a change moves that top, every customer's score
moves with it, and the whole archive is graded again in that same write (recorded as a regrade
run with its ``trigger``). That costs a whole regrade only on the rare change that moves the
top, and it leaves no grading to mark provisional and explain.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from creditfile.application.regrade import run_record
from creditfile.engine import facts_of, grade_customer, grade_with_tops
from creditfile.engine.numbers import as_number
from creditfile.engine.scoring import archive_tops
from creditfile.policy import Policy
from creditfile.store import ArchiveStore, GradeAfter, GradeFollow, JSONObject, customer_document

VERIFIED_SOURCE_KEYS = ("index", "kind", "on", "by", "note")
"""What a ``source_verified`` event records of the source (each prefixed ``source_``)."""


def verified_source_event(source: Mapping[str, Any]) -> JSONObject:
    """The history event recording that ``source`` was audited and marked verified.

    Its keys are prefixed so that the source's own (``kind``, ``by``, ``on``) cannot clash with
    the event's.
    """
    detail = {f"source_{key}": source.get(key) for key in VERIFIED_SOURCE_KEYS}
    return {"kind": "source_verified", **detail}


@dataclass
class GradingDone:
    """What grading inside a write did (filled in by ``follow_grades`` under the lock).

    Attributes:
        whole: The archive-wide top moved, so every customer was graded.
        gradings: The gradings written, by customer id.
        tops: The archive-wide tops they are relative to.
    """

    whole: bool = False
    gradings: dict[str, JSONObject] = field(default_factory=dict)
    tops: dict[str, Any] = field(default_factory=dict)


def follow_grades(
    policy: Policy, as_of: date, cause: str, done: GradingDone | None = None
) -> GradeAfter:
    """The grading a save or an import does in its own write (``store.GradeAfter``).

    The changed customers are graded as of the date the archive is graded as of (so every
    grading in it is of one date), against the archive-wide tops computed from every customer
    as stored under the lock. When those tops differ from the ones the other customers'
    stored gradings were computed with, every customer is graded (a whole run).

    Args:
        policy: The policy in force.
        as_of: The grading date when no customer is graded yet.
        cause: ``save`` or ``import``: recorded on every grade change.
        done: Told what was graded (so a screen knows to re-read every customer).
    """
    report = done if done is not None else GradingDone()

    def follow(records: Mapping[str, JSONObject], changed: Sequence[str]) -> GradeFollow:
        changed_ids = set(changed)
        when = archive_as_of(records, changed_ids) or as_of
        docs = [customer_document(record) for record in records.values()]
        facts = facts_of(docs, policy, when)
        tops = archive_tops(facts, policy)
        shown = {fact: as_number(top) for fact, top in tops.items()}
        moved = any(
            isinstance(grading := record.get("_grading"), Mapping) and grading.get("tops") != shown
            for cid, record in records.items()
            if cid not in changed_ids
        )
        report.whole, report.tops = moved, shown
        if moved:
            report.gradings = grade_with_tops(docs, facts, policy, when, tops)
            run = {**run_record(policy, when), "tops": shown}
            return GradeFollow(report.gradings, run, cause)
        position = {cid: i for i, cid in enumerate(records)}
        report.gradings = {
            cid: grade_customer(docs[position[cid]], policy, when, tops, facts[position[cid]])
            for cid in changed
            if cid in position
        }
        return GradeFollow(report.gradings, None, cause)

    return follow


def archive_as_of(records: Mapping[str, JSONObject], skip: set[str]) -> date | None:
    """The date the archive's customers are graded as of (that of the first stored grading
    outside ``skip``), or None when none is graded."""
    for cid, record in records.items():
        grading = record.get("_grading")
        if cid in skip or not isinstance(grading, Mapping):
            continue
        try:
            return date.fromisoformat(str(grading.get("as_of")))
        except ValueError:
            continue
    return None


def stamp_assessment(
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any],
    policy: Policy,
    actor: str,
    today: date,
) -> dict[str, Any]:
    """``after`` with ``assessment.assessed_on``/``assessed_by`` stamped when a manual scoring
    item changed from ``before`` and the editor did not set them.

    Args:
        before: The stored document (None for a new customer).
        after: The document to store.
        policy: Its manual items are the ones that count.
        actor: Who changed them (``assessed_by`` unless the editor changed it).
        today: The date stamped (``assessed_on`` unless the editor changed it).

    Returns:
        ``after`` itself when nothing is to stamp, else a copy with the stamp.
    """
    old = (before or {}).get("assessment")
    new = after.get("assessment")
    old = old if isinstance(old, Mapping) else {}
    if not isinstance(new, Mapping):
        return dict(after)
    items = [item.key for item in policy.manual_items]
    if all(old.get(key) == new.get(key) for key in items):
        return dict(after)
    stamped = dict(new)
    if new.get("assessed_on") == old.get("assessed_on"):
        stamped["assessed_on"] = today.isoformat()
    if new.get("assessed_by") == old.get("assessed_by"):
        stamped["assessed_by"] = actor
    return {**after, "assessment": stamped}


def save_customer(
    store: ArchiveStore,
    doc: Mapping[str, Any],
    *,
    base_rev: int | None,
    actor: str,
    policy: Policy,
    as_of: date,
    verified_sources: Sequence[Mapping[str, Any]] = (),
    done: GradingDone | None = None,
    today: date | None = None,
) -> JSONObject:
    """Create or change one customer and grade it, in one transaction; the sources newly
    marked verified are recorded in it too, so the history never says a source was verified
    in a save that failed.

    A changed manual scoring item stamps ``assessment.assessed_on`` (today) and
    ``assessed_by`` (``actor``) unless the edit set them itself.

    Args:
        store: The archive.
        doc: The customer document.
        base_rev: The revision the edit started from; None for a new customer.
        actor: Who saves.
        policy: The policy the customer is graded under.
        as_of: The grading date.
        verified_sources: The sources the edit marked verified (each with its ``index``).
        done: Told what was graded (a whole run when the archive-wide top moved).
        today: The date an assessment change is stamped with (default: today).

    Returns:
        The stored record with its new revision and grading.

    Raises:
        StaleRevisionError: someone else saved the customer since ``base_rev``.
        DuplicateCustomerError: a new customer's id is taken.
    """
    events = [verified_source_event(source) for source in verified_sources]
    stored = store.get(str(doc.get("id"))) if base_rev is not None else None
    before = customer_document(stored) if stored is not None else None
    doc = stamp_assessment(before, doc, policy, actor, today or date.today())
    grade = follow_grades(policy, as_of, "save", done)
    return store.save_customer(doc, base_rev=base_rev, actor=actor, events=events, grade=grade)
