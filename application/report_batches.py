"""The UI's reports over every customer, read a batch at a time: memory bounded by a batch.

The portfolio's compositions, the review list and the card's archive-wide tops go through
every customer. A database of a million customers cannot be read into the program at once
(minutes and gigabytes), so the records come from the store in batches
(``store.BatchReadingStore``; any other store's records are cut into batches here) and each
batch is folded into small sums, then dropped: the compositions into ``CompositionSums``, the
review list into its most urgent rows and a count, the tops into their maxima. Both stores go
through this same code, so that a report is the same on both; the figures are exactly those
of the whole-archive functions (``ArchiveView``), which the tests hold them to.

Each function reports its progress as customers counted so far and the customers in the
archive, so that a screen shows "counting…" with a figure instead of freezing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from creditfile.application.reporting import ArchiveView
from creditfile.engine.grading import archive_tops_for
from creditfile.engine.numbers import to_decimal
from creditfile.policy import Policy
from creditfile.presentation.vocabulary import reason_label, reason_message
from creditfile.reports.composition import CompositionSums
from creditfile.reports.review import due_for_review, most_urgent
from creditfile.store import (
    ArchiveStore,
    BatchReadingStore,
    JSONObject,
    ListingStore,
    ListView,
    first_with_tops,
)

BATCH = 2_000
"""Customers read and folded per batch: a few megabytes of documents."""

Counted = Callable[[int, int], None]
"""Told the customers counted so far and the customers in the archive."""


def customer_count(store: ArchiveStore) -> int:
    """How many customers the archive holds (a database counts them; a file's are held)."""
    if isinstance(store, ListingStore):
        return store.list_count(ListView())
    return len(store.records())


def record_batches(store: ArchiveStore, size: int | None = None) -> Iterator[list[JSONObject]]:
    """Every record of ``store`` in stored order, in lists of at most ``size`` (``BATCH``
    when None; read-only)."""
    size = size or BATCH
    if isinstance(store, BatchReadingStore):
        yield from store.record_batches(size)
        return
    held = list(store.records().values())
    for start in range(0, len(held), size):
        yield held[start : start + size]


def view_batches(
    store: ArchiveStore, policy: Policy, as_of: date, counted: Counted | None = None
) -> Iterator[ArchiveView]:
    """Every customer of ``store`` as report views of one batch each, in stored order;
    ``counted`` is told the progress after each batch."""
    total = customer_count(store) if counted is not None else 0
    done = 0
    if counted is not None:
        counted(0, total)
    for batch in record_batches(store):
        records = {str(record.get("id")): record for record in batch}
        yield ArchiveView.of(records, policy, as_of)
        done += len(batch)
        if counted is not None:
            counted(done, max(total, done))


def compositions(
    store: ArchiveStore,
    policy: Policy,
    as_of: date,
    dimensions: Sequence[str],
    counted: Counted | None = None,
) -> dict[str, dict[str, Any]]:
    """``ArchiveView.compositions`` of the whole archive, read a batch at a time.

    Args:
        store: The archive.
        policy: The policy (its labels name the groups).
        as_of: The report's date.
        dimensions: ``grade``, ``nature``, ``tier``, ``lifecycle``, ``stage`` or ``item``.
        counted: Told the progress.

    Returns:
        ``{dimension: report}``, as ``reports.composition`` gives them.
    """
    sums = CompositionSums([by for by in dimensions if by != "item"])
    for view in view_batches(store, policy, as_of, counted):
        sums.add(view.lines())
    return {
        by: sums.item_composition(policy) if by == "item" else sums.composition(policy, by)
        for by in dimensions
    }


@dataclass(frozen=True)
class DueList:
    """The customers due for review: how many, and the most urgent of them.

    Attributes:
        count: Customers due for review.
        rows: The most urgent, most urgent first (``reports.review.due_for_review``'s rows,
            each reason worded as ``ArchiveView.due_for_review`` words it).
        customers: Customers in the archive.
    """

    count: int
    rows: list[dict[str, Any]]
    customers: int


def due_list(
    store: ArchiveStore, policy: Policy, as_of: date, keep: int, counted: Counted | None = None
) -> DueList:
    """The ``keep`` most urgent customers due for review and how many are due, read a batch
    at a time: the first ``keep`` rows of ``ArchiveView.due_for_review``, exactly."""
    count = customers = 0
    kept: list[dict[str, Any]] = []
    for view in view_batches(store, policy, as_of, counted):
        due = due_for_review(view.docs, view.gradings, policy, as_of)
        count += len(due)
        customers += len(view.docs)
        kept = most_urgent([*kept, *due], keep)
    for row in kept:
        for reason in row["reasons"]:
            reason["label"] = reason_label(reason)
            reason["message"] = reason_message(reason)
    return DueList(count, kept, customers)


def stored_tops(store: ArchiveStore, policy: Policy, as_of: date) -> dict[str, Decimal] | None:
    """The archive-wide tops the stored gradings hold, when they are this policy's and this
    date's (a whole regrade wrote them, and saves keep them so); None otherwise."""
    stored: Mapping[str, Any] | None = (
        store.stored_tops()
        if isinstance(store, BatchReadingStore)
        else first_with_tops(store.records(), ())
    )
    if not stored or not isinstance(stored.get("tops"), dict):
        return None
    graded_with = stored.get("policy")
    if not isinstance(graded_with, dict) or graded_with.get("sha256") != policy.sha256:
        return None
    if stored.get("as_of") != as_of.isoformat():
        return None
    wanted = set(archive_tops_for([], policy, as_of))
    tops = stored["tops"]
    if set(tops) != wanted or any(isinstance(v, bool) or not isinstance(v, int | float)
                                  for v in tops.values()):  # fmt: skip
        return None
    return {fact: _exact(value) for fact, value in tops.items()}


def _exact(value: float | int) -> Decimal:
    """A stored top as the amounts it came from give it: a whole amount without decimals."""
    number = to_decimal(value)
    return Decimal(int(number)) if number == number.to_integral_value() else number


def archive_tops(
    store: ArchiveStore, policy: Policy, as_of: date, counted: Counted | None = None
) -> dict[str, Decimal]:
    """The archive-wide top of each relative item at ``as_of``: the stored gradings' when
    they hold this policy's and this date's, else the highest of every batch's.

    A policy that places customers by rank needs every established customer's amount: its
    tops are worked out from every document at once.
    """
    if any(item.scale == "rank" for item in policy.scoring):
        return archive_tops_for(store.documents(), policy, as_of)
    kept = stored_tops(store, policy, as_of)
    if kept is not None:
        return kept
    tops: dict[str, Decimal] = dict(archive_tops_for([], policy, as_of))
    for view in view_batches(store, policy, as_of, counted):
        for fact, top in archive_tops_for(view.docs, policy, as_of).items():
            tops[fact] = max(tops.get(fact, Decimal(0)), top)
    return tops
