"""The business over time: lease amount booked per year or quarter, by grade, leased item or
nature, with the change on the previous period.

A lease is booked in the period its ``start`` falls in (its whole amount: lease amounts are
booked per contract), so the periods of a series add up to the cumulative lease amount of the
leases they cover; cancelled leases and leases starting after the report's date never count.
By grade, a customer is grouped under the grade it held at each period's end as the history
records it (``grade_history``): a grade is the one of the last grading made for a date on or
before that day, so a regrade run ``--as-of`` a past date fills that past in. A customer with
no grading by then is ungraded in that period.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from creditfile.engine.facts import money
from creditfile.engine.grading import customer_id
from creditfile.engine.timeline import counted_leases, parse_date
from creditfile.policy.model import Policy
from creditfile.reports.composition import group_order, policy_labels
from creditfile.reports.shares import UNGRADED, group_label, money_value, percent_shares

TREND_DIMENSIONS = ("grade", "item", "nature")
PERIOD_KINDS = ("year", "quarter")
MAX_PERIODS = 400
"""The longest series a report gives (a century of quarters); an earlier start is refused."""
_ZERO = Decimal(0)


class TrendRangeError(ValueError):
    """A series longer than ``MAX_PERIODS``: the caller asks for a later start."""

    def __init__(self, first: date, last: date, kind: str, count: int) -> None:
        super().__init__(
            f"{count} {kind}s from {first.isoformat()} to {last.isoformat()} is more than "
            f"{MAX_PERIODS}; give a later --from"
        )
        self.first = first
        self.last = last
        self.kind = kind
        self.count = count


@dataclass(frozen=True)
class GradeMark:
    """A grading a customer received: for which date, the grade (None: ungraded), the total."""

    as_of: date
    grade: str | None
    total: float | None = None


@dataclass(frozen=True)
class PeriodSpan:
    """One period of a series: its key (``2024``, ``2024-Q3``) and its first and last day."""

    key: str
    start: date
    end: date


def period_of(day: date, kind: str) -> PeriodSpan:
    """The year or quarter ``day`` falls in."""
    if kind == "year":
        return PeriodSpan(str(day.year), date(day.year, 1, 1), date(day.year, 12, 31))
    if kind != "quarter":
        raise ValueError(f"unknown period {kind!r}; use one of {', '.join(PERIOD_KINDS)}")
    quarter = (day.month - 1) // 3
    start = date(day.year, quarter * 3 + 1, 1)
    following = date(day.year + 1, 1, 1) if quarter == 3 else date(day.year, quarter * 3 + 4, 1)
    return PeriodSpan(f"{day.year}-Q{quarter + 1}", start, following - timedelta(days=1))


def periods_between(first: date, last: date, kind: str) -> list[PeriodSpan]:
    """Every year or quarter from the one holding ``first`` to the one holding ``last``.

    Raises:
        TrendRangeError: more than ``MAX_PERIODS`` of them.
    """
    count = (
        last.year - first.year + 1
        if kind == "year"
        else (last.year - first.year) * 4 + (last.month - 1) // 3 - (first.month - 1) // 3 + 1
    )
    if count > MAX_PERIODS:
        raise TrendRangeError(first, last, kind, count)
    spans = []
    day = first
    while day <= last:
        span = period_of(day, kind)
        spans.append(span)
        day = span.end + timedelta(days=1)
    return spans


def grade_at(marks: Sequence[GradeMark], day: date) -> str:
    """The grade held on ``day``: the mark for the latest date on or before it (marks are
    sorted by date, those for one date in the order they were made), else ungraded."""
    held: str | None = None
    for mark in marks:
        if mark.as_of <= day:
            held = mark.grade
    return held or UNGRADED


class TrendSums:
    """What ``trend`` counts, summed one customer at a time: per period and group the leases,
    the amount and the customers booking; per period the customers booking; what was booked
    before the first day; and, by grade, how the customers' grades step from day to day.
    Adding every customer, in any batches, then asking gives exactly ``trend`` of them all,
    while holding sums, never the documents.

    Args:
        by: One of ``TREND_DIMENSIONS``.
        kind: ``year`` or ``quarter``.
        last: The report's last day: a lease starting later never counts.
        first: The first day; by default the start of the earliest counted lease.

    Raises:
        ValueError: unknown ``by``.
    """

    def __init__(self, by: str, kind: str, last: date, first: date | None = None) -> None:
        if by not in TREND_DIMENSIONS:
            raise ValueError(f"unknown dimension {by!r}; use one of {', '.join(TREND_DIMENSIONS)}")
        self.by, self.kind, self.last, self.first = by, kind, last, first
        self._cut = None if first is None else min(first, last)
        # (period, group) -> [leases, amount, customers]
        self.cells: dict[tuple[str, str], list[Any]] = {}
        self.bookers: dict[str, int] = defaultdict(int)
        self.seen: set[str] = set()
        self.earliest: date | None = None
        self.before_leases = 0
        self.before_amount = _ZERO
        # By grade: day -> grade -> change in the customers holding it from that day on.
        self.steps: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self._ends: dict[date, tuple[str, date]] = {}

    def _period(self, day: date) -> tuple[str, date]:
        """The key of the period ``day`` falls in and that period's last counted day."""
        found = self._ends.get(day)
        if found is None:
            span = period_of(day, self.kind)
            found = self._ends[day] = (span.key, min(span.end, self.last))
        return found

    def add(self, doc: Mapping[str, Any], marks: Sequence[GradeMark] = ()) -> None:
        """Count one customer in, with its gradings oldest first (by grade only)."""
        nature = doc.get("nature")
        natured = nature if isinstance(nature, str) else ""
        cells: set[tuple[str, str]] = set()
        for lease in counted_leases(doc):
            start = parse_date(lease.get("start"))
            if start is None or start > self.last:
                continue
            item = lease.get("item")
            amount = money(lease["amount"])
            if self.earliest is None or start < self.earliest:
                self.earliest = start
            if self._cut is not None and start < self._cut:
                self.before_leases += 1
                self.before_amount += amount
                continue
            key, end = self._period(start)
            if self.by == "item":
                group = item if isinstance(item, str) else ""
            elif self.by == "nature":
                group = natured
            else:
                group = grade_at(marks, end)
            cell = self.cells.get((key, group))
            if cell is None:
                cell = self.cells[key, group] = [0, _ZERO, 0]
            cell[0] += 1
            cell[1] += amount
            cells.add((key, group))
            self.seen.add(group)
        for cell_key in cells:
            self.cells[cell_key][2] += 1
        for key in {key for key, _ in cells}:
            self.bookers[key] += 1
        if self.by == "grade":
            self._step(marks)

    def _step(self, marks: Sequence[GradeMark]) -> None:
        """The days a customer's grade (as ``grade_at`` reads its marks) changes."""
        held = UNGRADED
        for index, mark in enumerate(marks):
            if index + 1 < len(marks) and marks[index + 1].as_of == mark.as_of:
                continue  # the last mark of a day is the one held
            grade = mark.grade or UNGRADED
            if grade != held:
                if held != UNGRADED:
                    self.steps[mark.as_of][held] -= 1
                if grade != UNGRADED:
                    self.steps[mark.as_of][grade] += 1
                held = grade

    def report(self, policy: Policy) -> dict[str, Any]:
        """``trend`` of every customer added (see there).

        Raises:
            TrendRangeError: a series longer than ``MAX_PERIODS``.
        """
        last, kind, by = self.last, self.kind, self.by
        start = self.first or (self.earliest if self.earliest is not None else last)
        start = min(start, last)
        whole = periods_between(start, last, kind)
        spans = [PeriodSpan(s.key, max(s.start, start), min(s.end, last)) for s in whole]
        # A period cut by the report's first or last day is not comparable with a whole one.
        partial = {cut.key for cut, span in zip(spans, whole, strict=True) if cut != span}
        holders = self._holders(spans) if by == "grade" else {}
        seen = set(self.seen)
        seen.update(group for counts in holders.values() for group in counts if group != UNGRADED)
        keys = [key for key in group_order(by, policy, seen) if key in seen]
        labels = policy_labels(by, policy)
        return {
            "by": by,
            "kind": kind,
            "from": start.isoformat(),
            "to": last.isoformat(),
            "groups": [{"key": key, "label": group_label(by, key, labels)} for key in keys],
            "periods": [
                {**period, "partial": period["key"] in partial}
                for period in _series(spans, keys, labels, by, self.cells, self.bookers, holders)
            ],
            "before": {
                "leases": self.before_leases,
                "amount": money_value(self.before_amount),
            },
        }

    def _holders(self, spans: Sequence[PeriodSpan]) -> dict[str, dict[str, int]]:
        """Per period, how many customers held each grade at its end."""
        days = sorted(self.steps)
        held: dict[str, int] = defaultdict(int)
        counts: dict[str, dict[str, int]] = {}
        at = 0
        for span in spans:
            while at < len(days) and days[at] <= span.end:
                for grade, change in self.steps[days[at]].items():
                    held[grade] += change
                at += 1
            counts[span.key] = {grade: n for grade, n in held.items() if n}
        return counts


def trend(
    docs: Sequence[Mapping[str, Any]],
    grade_history: Mapping[str, Sequence[GradeMark]],
    policy: Policy,
    by: str,
    kind: str,
    last: date,
    first: date | None = None,
) -> dict[str, Any]:
    """The lease amount booked in each period, per group of ``by``, and its change.

    Args:
        docs: The customer documents.
        grade_history: ``{customer id: its gradings, oldest first}`` (used by grade only).
        policy: For group order and labels.
        by: One of ``TREND_DIMENSIONS``.
        kind: ``year`` or ``quarter``.
        last: The report's last day: a lease starting later never counts.
        first: The first day; by default the start of the earliest counted lease.

    Returns:
        ``{"by", "kind", "from", "to", "groups": [{key, label}], "periods": [{key, from, to,
        leases, amount, customers, change, change_pct, partial, rows: [{key, label, leases, amount,
        amount_pct, customers, change, change_pct[, graded]}]}], "before": {leases, amount}}``.
        ``partial`` says the period is cut short by ``first`` or ``last`` (its amount and
        change are for part of a year or quarter only);
        ``change`` is the amount less the previous period's (None for the first period);
        ``change_pct`` is that change in percent of the previous amount (None when it was 0);
        ``graded`` (by grade) counts the customers holding the grade at the period's end;
        only groups with a booking or a holder in some period are listed;
        ``before`` is what was booked before ``first``.

    Raises:
        ValueError: unknown ``by`` or ``kind``.
        TrendRangeError: a series longer than ``MAX_PERIODS``.
    """
    sums = TrendSums(by, kind, last, first)
    for doc in docs:
        sums.add(doc, grade_history.get(customer_id(doc), ()) if by == "grade" else ())
    return sums.report(policy)


def _change(amount: Decimal, previous: Decimal | None) -> tuple[float | None, float | None]:
    if previous is None:
        return None, None
    delta = amount - previous
    if previous == 0:
        return money_value(delta), None
    return money_value(delta), float((delta * 100 / previous).quantize(Decimal("0.01")))


def _series(
    spans: Sequence[PeriodSpan],
    keys: Sequence[str],
    labels: Mapping[str, str],
    by: str,
    cells: Mapping[tuple[str, str], Sequence[Any]],
    bookers: Mapping[str, int],
    holders: Mapping[str, Mapping[str, int]],
) -> list[dict[str, Any]]:
    periods: list[dict[str, Any]] = []
    previous: dict[str, Decimal] | None = None
    previous_total: Decimal | None = None
    empty = (0, _ZERO, 0)
    for span in spans:
        booked = [cells.get((span.key, key), empty) for key in keys]
        amounts = [cell[1] for cell in booked]
        rows = []
        for key, cell, amount, share in zip(
            keys, booked, amounts, percent_shares(amounts), strict=True
        ):
            change, change_pct = _change(amount, None if previous is None else previous[key])
            row: dict[str, Any] = {
                "key": key,
                "label": group_label(by, key, labels),
                "leases": cell[0],
                "amount": money_value(amount),
                "amount_pct": share,
                "customers": cell[2],
                "change": change,
                "change_pct": change_pct,
            }
            if by == "grade" and key != UNGRADED:
                row["graded"] = holders.get(span.key, {}).get(key, 0)
            rows.append(row)
        total = sum(amounts, _ZERO)
        change, change_pct = _change(total, previous_total)
        periods.append(
            {
                "key": span.key,
                "from": span.start.isoformat(),
                "to": span.end.isoformat(),
                "leases": sum(cell[0] for cell in booked),
                "amount": money_value(total),
                "customers": bookers.get(span.key, 0),
                "change": change,
                "change_pct": change_pct,
                "rows": rows,
            }
        )
        previous = dict(zip(keys, amounts, strict=True))
        previous_total = total
    return periods
