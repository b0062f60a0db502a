"""The reports over an archive, for the command line, the HTML report and the UI: what each
reads, and the migration between two recorded regrade runs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from creditfile.application.market import MARKET_DIMENSIONS, add_market
from creditfile.policy import CreditfileError, Policy
from creditfile.presentation.translation import _
from creditfile.presentation.vocabulary import reason_label, reason_message
from creditfile.reports.composition import (
    CustomerLine,
    composition,
    credit_analysis,
    customer_lines,
    item_composition,
)
from creditfile.reports.exposure import exposure_report
from creditfile.reports.market import MarketData
from creditfile.reports.periods import Period
from creditfile.reports.portfolio import migration_between, portfolio
from creditfile.reports.review import due_for_review
from creditfile.store import ArchiveStore, JSONObject, customer_document


class ReportError(CreditfileError):
    """A report that cannot be made from this archive (e.g. an unknown run id)."""


@dataclass(frozen=True)
class ArchiveView:
    """What every report reads: the documents, their stored gradings, the policy and the date.

    Attributes:
        docs: Every customer document, in stored order (read-only).
        gradings: The stored grading of every customer that has one, by id.
        policy: The policy in force.
        as_of: The date review ages are counted to; no lease starting later ever counts.
        period: The leases the composition, credit and exposure reports count (see
            ``reports.periods``); None: every lease begun by ``as_of``.
        market: The market data compositions by grade and by item set the company against
            (``application.market``), or None.
        region: The market file's region to compare with; None adds up every region.
    """

    docs: list[JSONObject]
    gradings: dict[str, JSONObject]
    policy: Policy
    as_of: date
    period: Period | None = None
    market: MarketData | None = None
    region: str | None = None

    @classmethod
    def of(
        cls,
        records: Mapping[str, Mapping[str, Any]],
        policy: Policy,
        as_of: date,
        period: Period | None = None,
        market: MarketData | None = None,
        region: str | None = None,
    ) -> ArchiveView:
        """The view of store records (document + ``_grading``)."""
        docs = [customer_document(record) for record in records.values()]
        gradings = {cid: r["_grading"] for cid, r in records.items() if r.get("_grading")}
        return cls(docs, gradings, policy, as_of, period, market, region)

    def lines(self) -> list[CustomerLine]:
        """The customers as the report functions see them, with the leases of the period."""
        return customer_lines(self.docs, self.gradings, self.policy, self.as_of, self.period)

    def _dated(self, report: dict[str, Any]) -> dict[str, Any]:
        counted = self.period or Period(end=self.as_of)
        start = counted.start.isoformat() if counted.start else None
        report["period"] = {"from": start, "to": counted.end.isoformat()}
        return report

    def compositions(self, dimensions: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Shares of customers and lease amount per group, for each of ``dimensions``
        (``grade``, ``nature``, ``tier``, ``lifecycle``, ``stage``, or ``item``)."""
        lines = self.lines()
        return {
            by: item_composition(lines, self.policy)
            if by == "item"
            else composition(lines, self.policy, by)
            for by in dimensions
        }

    def due_for_review(self) -> list[dict[str, Any]]:
        """Every customer due for review with its reasons, most urgent first; each reason also
        worded (``label``, ``message``) in the language in force, for the JSON's reader."""
        due = due_for_review(self.docs, self.gradings, self.policy, self.as_of)
        for row in due:
            for reason in row["reasons"]:
                reason["label"] = reason_label(reason)
                reason["message"] = reason_message(reason)
        return due

    def composition(self, by: str, cross: str | None = None) -> dict[str, Any]:
        """Shares of customers and lease amount by ``by``; ``item`` (leased items) may be
        crossed with ``grade`` or ``nature``.

        Raises:
            ReportError: ``cross`` without ``by="item"``.
        """
        lines = self.lines()
        if by == "item":
            return self._marketed(item_composition(lines, self.policy, cross), by, lines)
        if cross:
            raise ReportError(
                _("--cross goes with --by item (which grades or natures rent which items)")
            )
        return self._marketed(composition(lines, self.policy, by), by, lines)

    def _marketed(
        self, report: dict[str, Any], by: str, lines: Sequence[CustomerLine]
    ) -> dict[str, Any]:
        """``report`` dated, with the company's share of the market by grade or by item when
        there is market data (``application.market``)."""
        self._dated(report)
        if self.market is None or by not in MARKET_DIMENSIONS:
            return report
        grades = {line.id: line.groups["grade"] for line in lines}
        counted = self.period or Period(end=self.as_of)
        return add_market(report, by, self.market, self.docs, grades, counted, self.region)

    def credit(self) -> dict[str, Any]:
        """Per grade: the terms the policy grants, its customers and their exposure."""
        return self._dated(credit_analysis(self.lines(), self.policy))

    def exposure(self) -> dict[str, Any]:
        """Receivables by grade, overdue ageing, every customer over its grade's limit."""
        return self._dated(exposure_report(self.lines(), self.policy))

    def portfolio(self, store: ArchiveStore) -> dict[str, Any]:
        """Every report at once (the workbook's sheets, the HTML page), with the migration
        between the last two runs recorded in ``store`` (None before the second run)."""
        # The default period (every lease begun by as_of) needs no second reading.
        period = None if self.period == Period(end=self.as_of) else self.period
        report = portfolio(self.docs, self.gradings, self.policy, self.as_of, period)
        report["migration"] = optional_migration(store, self)
        if self.market is not None:
            lines = self.lines()
            self._marketed(report["composition"]["grade"], "grade", lines)
            self._marketed(report["items"], "item", lines)
        return report


def report_period(as_of: date, start: date | None, end: date | None) -> Period:
    """The period of ``--from``/``--to``: ``end`` defaults to the report's date and may not
    pass it (a lease starting after the report's date never counts).

    Raises:
        ReportError: the period ends after the report's date, or starts after it ends.
    """
    last = end or as_of
    if last > as_of:
        raise ReportError(
            _(
                "--to {to} is after the report's date {as_of}; leases after it never count: "
                "give --as-of a later date or an earlier --to"
            ).format(to=last.isoformat(), as_of=as_of.isoformat())
        )
    if start is not None and start > last:
        raise ReportError(
            _("--from {start} is after --to {to}; swap them").format(
                start=start.isoformat(), to=last.isoformat()
            )
        )
    return Period(end=last, start=start)


def migration_report(
    store: ArchiveStore, view: ArchiveView, chosen: Sequence[str] = ()
) -> dict[str, Any]:
    """The migration matrix between two recorded regrade runs (default: the last two).

    Args:
        store: The archive whose history records the runs.
        view: The archive's documents and gradings (lease amounts weigh the matrix).
        chosen: Two run ids, or none for the last two runs.

    Raises:
        ReportError: not two ids, an unknown run, or no run recorded yet.
    """
    history = store.history()
    runs = [str(e.get("run_id")) for e in history if e.get("kind") == "regrade_run"]
    if len(chosen) not in (0, 2):
        raise ReportError(_("give two run ids (RUN_A RUN_B) or none for the last two runs"))
    missing = [r for r in chosen if r not in runs]
    if missing:
        known = ", ".join(runs[-10:]) or _("none yet")
        raise ReportError(
            _(
                "{archive}: no regrade run {runs}; recorded runs: {known} (see `creditfile runs`)"
            ).format(archive=store.location, runs=", ".join(missing), known=known)
        )
    if not runs:
        raise ReportError(
            _("{archive}: no regrade run recorded yet; run `creditfile regrade`").format(
                archive=store.location
            )
        )
    run_a, run_b = (
        (chosen[0], chosen[1]) if chosen else (runs[-2] if len(runs) > 1 else None, runs[-1])
    )
    numbered = sorted((int(run), run) for run in runs if run.isdigit())
    changes = _arrivals(history, runs) + [
        {"customer": e.get("customer_id"), "run": _run_of(e, numbered), "to": e.get("to")}
        for e in history
        if e.get("kind") == "grade_changed"
    ]
    amounts: Mapping[str, Decimal] = {line.id: line.cumulative for line in view.lines()}
    matrix = migration_between(runs, changes, amounts, view.policy, run_a, run_b)
    details = {str(e.get("run_id")): e for e in history if e.get("kind") == "regrade_run"}
    matrix["runs"] = {
        "from": _run_info(details.get(run_a or "")),
        "to": _run_info(details.get(run_b)),
    }
    return matrix


def optional_migration(store: ArchiveStore, view: ArchiveView) -> dict[str, Any] | None:
    """The migration between the last two runs, or None before the first run."""
    try:
        return migration_report(store, view)
    except ReportError:
        return None  # no run yet: the other reports still stand


def _arrivals(history: Sequence[Mapping[str, Any]], runs: Sequence[str]) -> list[dict[str, Any]]:
    """An ungraded entry for each customer at the first run after it was added.

    History records grade *changes* only; without these, a customer ungraded in both runs
    would be missing from the matrix. A run's id is the number of its transaction, so the first
    run after an addition is the first with a larger id. Listed before the grade changes, they
    are overwritten by any change the same run made.
    """
    numbered = sorted((int(run), run) for run in runs if run.isdigit())
    first: dict[str, dict[str, Any]] = {}
    for event in history:
        cid, txn = event.get("customer_id"), event.get("txn")
        if event.get("kind") not in {"customer_created", "customer_imported"}:
            continue
        if cid is None or not isinstance(txn, int) or cid in first:
            continue
        run = next((name for number, name in numbered if number > txn), None)
        if run is not None:
            first[str(cid)] = {"customer": str(cid), "run": run, "to": None}
    return list(first.values())


def _run_of(event: Mapping[str, Any], numbered: Sequence[tuple[int, str]]) -> str:
    """The run a grade change belongs to: its own, or, for one a save or an import made
    (no run of its own), the first run after it — the state that run leaves holds it."""
    run_id = event.get("run_id")
    if run_id is not None:
        return str(run_id)
    txn = event.get("txn")
    after = (name for number, name in numbered if isinstance(txn, int) and number > txn)
    return next(after, "none")


def _run_info(event: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not event:
        return None
    keys = ("run_id", "at", "actor", "as_of", "policy_version", "customers", "changes", "tops")
    return {k: event.get(k) for k in keys if k in event}
