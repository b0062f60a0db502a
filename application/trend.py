"""The trend report over an archive: its leases and the grades its history records."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from creditfile.application.report_batches import Counted, view_batches
from creditfile.application.reporting import ArchiveView, ReportError
from creditfile.engine.grading import customer_id
from creditfile.engine.timeline import parse_date
from creditfile.policy import Policy
from creditfile.presentation.translation import _
from creditfile.reports.trend import MAX_PERIODS, GradeMark, TrendRangeError, TrendSums, trend
from creditfile.store import ArchiveStore, BatchReadingStore, JSONObject

GRADE_SOURCES = ("then", "now")
"""By grade, which grade groups a customer: the one it held at each period's end as the
history records it (``then``), or its grade today (``now``)."""


def grade_history(events: Iterable[Mapping[str, Any]]) -> dict[str, list[GradeMark]]:
    """Every customer's gradings as the history records them, by the date they were made for.

    The history keeps grade *changes* only: a regrade run for a past date leaves a customer
    whose grade did not change without an event of that date. So the events are replayed in
    the order they were written, and each run marks every customer then known with the grade
    it holds after the run. A grade change made by a save counts from its own date.
    """
    ordered = sorted(
        (e for e in events if e.get("kind") in ("grade_changed", "regrade_run")),
        key=lambda e: (_txn(e), e.get("kind") == "regrade_run"),
    )
    held: dict[str, tuple[str | None, float | None]] = {}
    marks: dict[str, list[GradeMark]] = defaultdict(list)
    for event in ordered:
        day = parse_date(event.get("as_of")) or parse_date(str(event.get("at") or "")[:10])
        if day is None:
            continue
        if event.get("kind") == "regrade_run":
            shared: dict[tuple[str | None, float | None], GradeMark] = {}
            for known, state in held.items():
                # One mark object per grade and total of a run: a run marks every customer.
                mark = shared.get(state)
                if mark is None:
                    mark = shared[state] = GradeMark(day, *state)
                marks[known].append(mark)
            continue
        if not event.get("customer_id"):
            continue
        cid = str(event["customer_id"])
        grade, total = event.get("to"), event.get("total")
        held[cid] = (
            grade if isinstance(grade, str) else None,
            float(total) if isinstance(total, int | float) else None,
        )
        if event.get("run_id") is None:
            marks[cid].append(GradeMark(day, *held[cid]))
    for history in marks.values():
        history.sort(key=lambda mark: mark.as_of)  # stable: one date's marks stay in order
    return dict(marks)


def _txn(event: Mapping[str, Any]) -> int:
    txn = event.get("txn")
    return txn if isinstance(txn, int) else 0


def current_grades(gradings: Mapping[str, Mapping[str, Any]]) -> dict[str, list[GradeMark]]:
    """Today's grade of every graded customer, as if held since always."""
    marks: dict[str, list[GradeMark]] = {}
    for cid, grading in gradings.items():
        grade = grading.get("grade") if grading.get("status") == "graded" else None
        marks[cid] = [GradeMark(date.min, grade if isinstance(grade, str) else None)]
    return marks


def trend_report(
    store: ArchiveStore, view: ArchiveView, by: str, kind: str, grades: str = "then"
) -> dict[str, Any]:
    """The lease amount booked per year or quarter of the view's period, per group of ``by``.

    Args:
        store: The archive whose history holds the grades of the past (by grade, ``then``).
        view: The documents, gradings, policy and period (``--from``/``--to``).
        by: ``grade``, ``item`` or ``nature``.
        kind: ``year`` or ``quarter``.
        grades: ``then`` or ``now`` (see ``GRADE_SOURCES``).

    Raises:
        ReportError: a series too long to show.
    """
    if grades not in GRADE_SOURCES:
        raise ReportError(
            _("--grades {given}: use one of {choices}").format(
                given=grades, choices=", ".join(GRADE_SOURCES)
            )
        )
    marks: Mapping[str, list[GradeMark]] = {}
    if by == "grade":
        marks = (
            grade_history(store.history()) if grades == "then" else current_grades(view.gradings)
        )
    last = view.period.end if view.period else view.as_of
    first = view.period.start if view.period else None
    try:
        report = trend(view.docs, marks, view.policy, by, kind, last, first)
    except TrendRangeError as error:
        raise ReportError(_range_said(error)) from error
    report["grades"] = grades if by == "grade" else None
    return report


def _range_said(error: TrendRangeError) -> str:
    template = (
        _("{count} years from {first} to {last} is more than {limit}; give a later --from")
        if error.kind == "year"
        else _("{count} quarters from {first} to {last} is more than {limit}; give a later --from")
    )
    return template.format(
        count=error.count,
        first=error.first.isoformat(),
        last=error.last.isoformat(),
        limit=MAX_PERIODS,
    )


def trend_in_batches(
    store: ArchiveStore,
    policy: Policy,
    as_of: date,
    by: str,
    kind: str,
    counted: Counted | None = None,
) -> dict[str, Any]:
    """``trend_report`` of the whole archive to ``as_of`` (grades as held ``then``), read a
    batch at a time: each batch's documents and, by grade, their grade changes from the
    history, folded into ``reports.trend.TrendSums``; never every customer at once.

    Args:
        store: The archive.
        policy: For group order and labels.
        as_of: The report's last day.
        by: ``grade``, ``item`` or ``nature``.
        kind: ``year`` or ``quarter``.
        counted: Told the customers counted so far and the customers in the archive.

    Raises:
        ReportError: a series too long to show.
    """
    sums = TrendSums(by, kind, as_of)
    graded = by == "grade"
    # The runs are few; each customer's own grade changes are read with its batch.
    runs = store.history(kind="regrade_run") if graded else []
    for view in view_batches(store, policy, as_of, counted):
        ids = [customer_id(doc) for doc in view.docs]
        changes = grade_changes(store, ids) if graded else {}
        for cid, doc in zip(ids, view.docs, strict=True):
            mine = changes.get(cid)
            # A run marks only the customers graded before it: none without a change.
            marks = grade_history([*mine, *runs]).get(cid, []) if mine else []
            sums.add(doc, marks)
    try:
        report = sums.report(policy)
    except TrendRangeError as error:
        raise ReportError(_range_said(error)) from error
    report["grades"] = "then" if graded else None
    return report


def grade_changes(store: ArchiveStore, customer_ids: Sequence[str]) -> dict[str, list[JSONObject]]:
    """The ``grade_changed`` events of ``customer_ids`` by customer, oldest first."""
    if isinstance(store, BatchReadingStore):
        return store.grade_changes(customer_ids)
    wanted = set(customer_ids)
    found: dict[str, list[JSONObject]] = {}
    for event in store.history(kind="grade_changed"):
        cid = str(event.get("customer_id"))
        if cid in wanted:
            found.setdefault(cid, []).append(event)
    return found


def earliest_grade(store: ArchiveStore) -> date | None:
    """The earliest date any recorded grading was made for, or None before the first."""
    days = [marks[0].as_of for marks in grade_history(store.history()).values()]
    return min(days, default=None)
