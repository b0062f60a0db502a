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
from decimal import Decimal
from typing import Any

from creditfile.application.batch import grade_known
from creditfile.application.duplicates import refuse_duplicate_code
from creditfile.application.regrade import run_record
from creditfile.application.relations import (
    names_group_parent,
    parents_in,
    relation_problems,
    relations_named,
)
from creditfile.engine import CustomerFacts, customer_id, facts_of, grade_customer
from creditfile.engine.numbers import as_number, to_decimal
from creditfile.engine.scoring import archive_tops
from creditfile.engine.validation import Problem, validator_for
from creditfile.policy import CreditfileError, Policy
from creditfile.policy.errors import NOTHING, joined, phrase
from creditfile.store import (
    ArchiveStore,
    GradeAfter,
    GradeFollow,
    JSONObject,
    customer_document,
    first_with_tops,
)


class InvalidCustomerError(CreditfileError):
    """A saved document the policy refuses (an unknown nature or leased item, a bad value).

    Attributes:
        customer_id: The customer.
        problems: Every problem, each at its field; no personal value is repeated.
    """

    def __init__(self, customer_id: str, problems: Sequence[Problem]) -> None:
        self.customer_id = customer_id
        self.problems = tuple(problems)
        listed = joined(
            [phrase("{path}: {problem}", path=p.path, problem=p.as_phrase()) for p in problems[:5]]
        )
        more = (
            phrase(" (and {count} more)", count=len(problems) - 5) if len(problems) > 5 else NOTHING
        )
        super().__init__(
            phrase(
                "customer {id}: {problems}{more}; nothing was saved",
                id=customer_id,
                problems=listed,
                more=more,
            )
        )


SOURCE_VERIFIED = "source_verified"
"""The history event of a source audited and marked verified."""
VERIFIED_SOURCE_KEYS = ("index", "kind", "on", "by", "note")
"""What a ``source_verified`` event records of the source (each prefixed ``source_``)."""


def verified_source_event(source: Mapping[str, Any]) -> JSONObject:
    """The history event recording that ``source`` was audited and marked verified.

    Its keys are prefixed so that the source's own (``kind``, ``by``, ``on``) cannot clash with
    the event's.
    """
    detail = {f"source_{key}": source.get(key) for key in VERIFIED_SOURCE_KEYS}
    return {"kind": SOURCE_VERIFIED, **detail}


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
    policy: Policy,
    as_of: date,
    cause: str,
    done: GradingDone | None = None,
    *,
    removed: Sequence[Mapping[str, Any]] = (),
) -> GradeAfter:
    """The grading a save or an import does in its own write (``store.GradeAfter``).

    The changed customers are graded as of the date the archive is graded as of (so every
    grading in it is of one date), against the archive-wide tops. Those are the tops the other
    customers' stored gradings hold, unless the change moved them: a changed customer now
    above a top, or one that held a top and no longer does. Then the tops are computed from
    every customer as stored under the lock and every customer is graded (a whole run). Only
    then does a save cost a pass over the whole archive.

    Args:
        policy: The policy in force.
        as_of: The grading date when no customer is graded yet.
        cause: ``save``, ``import`` or ``merge``: recorded on every grade change.
        done: Told what was graded (so a screen knows to re-read every customer).
        removed: The records the write removes (a merge's dropped customer): one that may
            have held a top moves it, like a changed customer that held one.
    """
    report = done if done is not None else GradingDone()

    def follow(records: Mapping[str, JSONObject], changed: Sequence[str]) -> GradeFollow:
        changed_ids = [cid for cid in dict.fromkeys(changed) if cid in records]
        reference = _reference_grading(records, set(changed_ids))
        when = _graded_on(reference) or as_of
        docs = {cid: customer_document(records[cid]) for cid in changed_ids}
        facts = dict(zip(docs, facts_of(list(docs.values()), policy, when), strict=True))
        tops = _kept_tops(reference, records, facts, policy, when)
        if tops is not None and any(_held_any(r, tops, policy, when) for r in removed):
            tops = None
        if tops is None:  # moved, or nothing graded yet: the tops of every customer
            every = [docs.get(cid) or customer_document(record) for cid, record in records.items()]
            every_facts = _every_facts(records, every, facts, policy, when)
            tops = archive_tops(every_facts, policy)
            shown = {fact: as_number(top) for fact, top in tops.items()}
            if reference is not None:
                report.whole, report.tops = True, shown
                report.gradings = grade_known(every, every_facts, policy, when, tops)
                run = {**run_record(policy, when), "tops": shown}
                return GradeFollow(report.gradings, run, cause)
        report.whole = False
        report.tops = {fact: as_number(top) for fact, top in tops.items()}
        report.gradings = _graded(docs, facts, policy, when, tops)
        return GradeFollow(report.gradings, None, cause)

    return follow


def _graded(
    docs: Mapping[str, JSONObject],
    facts: Mapping[str, CustomerFacts],
    policy: Policy,
    when: date,
    tops: Mapping[str, Decimal],
) -> dict[str, JSONObject]:
    """The gradings of the changed customers, by id: on every core when they are many (an
    import of 100,000 new customers), each graded as ``grade_customer`` grades it."""
    if all(customer_id(doc) == cid for cid, doc in docs.items()):
        return grade_known(list(docs.values()), list(facts.values()), policy, when, tops)
    return {cid: grade_customer(docs[cid], policy, when, tops, facts[cid]) for cid in docs}


def _every_facts(
    records: Mapping[str, JSONObject],
    every: list[JSONObject],
    known: Mapping[str, CustomerFacts],
    policy: Policy,
    when: date,
) -> list[CustomerFacts]:
    """The facts of every document of ``every`` (in ``records`` order), computing only those
    not ``known`` already: an import of many new customers would otherwise compute them twice."""
    missing = [doc for cid, doc in zip(records, every, strict=True) if cid not in known]
    computed = iter(facts_of(missing, policy, when))
    return [known[cid] if cid in known else next(computed) for cid in records]


def _reference_grading(
    records: Mapping[str, JSONObject], skip: set[str]
) -> Mapping[str, Any] | None:
    """The stored grading of the first customer outside ``skip`` that has one: a whole run
    graded every customer as of one date against one set of tops, and saves keep it so.

    A database answers it with one query (``store.IndexedRecords``), not a read of every
    record."""
    return first_with_tops(records, skip)


def _graded_on(grading: Mapping[str, Any] | None) -> date | None:
    try:
        return date.fromisoformat(str((grading or {}).get("as_of")))
    except ValueError:
        return None


def _kept_tops(
    reference: Mapping[str, Any] | None,
    records: Mapping[str, JSONObject],
    facts: Mapping[str, CustomerFacts],
    policy: Policy,
    when: date,
) -> dict[str, Decimal] | None:
    """The stored tops when the changed customers leave them where they are, else None."""
    if reference is None or any(item.scale == "rank" for item in policy.scoring):
        return None  # a changed amount moves every established customer's rank
    stored = reference["tops"]
    relative = [item for item in policy.scoring if item.method == "relative_to_max"]
    facts_named = {item.fact or "cumulative_lease_amount" for item in relative}
    if set(stored) != facts_named or _graded_on(reference) != when:
        return None
    tops = {fact: to_decimal(stored[fact]) for fact in facts_named}
    mine = archive_tops(list(facts.values()), policy)
    for item in relative:
        fact = item.fact or "cumulative_lease_amount"
        if mine.get(fact, _ZERO) > tops[fact]:
            return None  # a changed customer is above the top now
        for cid in facts:
            if _created(records[cid]):
                continue  # new in this write: it held nothing
            if _held_top(records[cid].get("_grading"), item.key, tops[fact], when):
                return None  # it may have held the top; who holds it now needs everyone
    return tops


def _held_any(
    record: Mapping[str, Any], tops: Mapping[str, Decimal], policy: Policy, when: date
) -> bool:
    """Whether a record's grading may have counted towards any of ``tops``."""
    return any(
        _held_top(
            record.get("_grading"), item.key, tops[item.fact or "cumulative_lease_amount"], when
        )
        for item in policy.scoring
        if item.method == "relative_to_max"
    )


def _created(record: Mapping[str, Any]) -> bool:
    meta = record.get("_meta")
    return isinstance(meta, Mapping) and meta.get("rev") == 1


def _held_top(grading: Any, key: str, top: Decimal, when: date) -> bool:
    """Whether a customer's previous grading may have counted towards a top (no grading
    of the same date to tell: assume it did)."""
    if not isinstance(grading, Mapping) or _graded_on(grading) != when:
        return True
    if grading.get("lifecycle") != "established":
        return False
    value = (grading.get("inputs") or {}).get(key)
    return not isinstance(value, int | float) or to_decimal(value) >= top


_ZERO = Decimal(0)


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
    old = old if type(old) is dict or isinstance(old, Mapping) else {}
    if not (type(new) is dict or isinstance(new, Mapping)):
        return dict(after)
    if all(old.get(key) == new.get(key) for key in _entered_keys(policy)):
        return dict(after)
    stamped = dict(new)
    if new.get("assessed_on") == old.get("assessed_on"):
        stamped["assessed_on"] = today.isoformat()
    if new.get("assessed_by") == old.get("assessed_by"):
        stamped["assessed_by"] = actor
    return {**after, "assessment": stamped}


def _entered_keys(policy: Policy) -> tuple[str, ...]:
    """The keys of ``policy.entered_items``, worked out once per policy object: an import
    stamps every one of its customers under one policy."""
    last = _ENTERED.get("policy")
    if last is None or last[0] is not policy:
        last = _ENTERED["policy"] = (policy, tuple(item.key for item in policy.entered_items))
    return last[1]


_ENTERED: dict[str, tuple[Policy, tuple[str, ...]]] = {}


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
    events: Sequence[Mapping[str, Any]] = (),
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
        events: Further history events recorded in the same transaction (a returned form, an
            audited declared value).

    Returns:
        The stored record with its new revision and grading.

    Raises:
        StaleRevisionError: someone else saved the customer since ``base_rev``.
        DuplicateCustomerError: a new customer's id is taken.
        DuplicateCreditCodeError: another customer has its credit code.
        InvalidCustomerError: the policy refuses the document (its nature, a leased item,
            any value), each problem at its field; nothing is written.
    """
    problems = validator_for(policy).problems(doc)
    if problems:
        raise InvalidCustomerError(str(doc.get("id")), problems)
    events = [*events, *(verified_source_event(source) for source in verified_sources)]
    stored = store.get(str(doc.get("id"))) if base_rev is not None else None
    before = customer_document(stored) if stored is not None else None
    doc = stamp_assessment(before, doc, policy, actor, today or date.today())
    grade = follow_grades(policy, as_of, "save", done)
    aliases = store.aliases() if relations_named(doc) else {}

    def checked_then_graded(
        records: Mapping[str, JSONObject], changed: Sequence[str]
    ) -> GradeFollow:
        # Under the store's lock, on the records as stored now: of two writers giving one
        # credit code to two customers at once, the second finds the first's and is refused;
        # a related customer merged away, or a loop of group parents, is found as stored now.
        refuse_duplicate_code(records, doc)
        # Up the chain of parents only: a database reads those customers, not every one.
        parents = parents_in(records.get) if names_group_parent(doc) else None
        missing = relation_problems(doc, records.keys(), aliases, parents)
        if missing:
            raise InvalidCustomerError(str(doc.get("id")), missing)
        return grade(records, changed)

    return store.save_customer(
        doc, base_rev=base_rev, actor=actor, events=events, grade=checked_then_graded
    )
