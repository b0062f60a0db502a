"""Grade migration between two regrade runs: the from→to matrix by count and by lease amount."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from creditfile.policy.model import Policy
from creditfile.reports.shares import UNGRADED, UNGRADED_LABEL, money_value, percent_shares

NEW = "new"
NEW_LABEL = "新增/此前未评级"
_ZERO = Decimal(0)


def grades_at(
    changes: Iterable[Mapping[str, Any]], run_order: Sequence[str], run_id: str
) -> dict[str, str | None]:
    """Each customer's grade right after run ``run_id``, replayed from grade-change events.

    Args:
        changes: Grade-change events ``{"customer": id, "run": run id, "to": grade or None}``
            (None: ungraded), in any order.
        run_order: Every run id, oldest first.
        run_id: The run to stop at.

    Returns:
        ``{customer id: grade or None}`` for every customer graded at or before that run;
        customers without any change by then are absent.

    Raises:
        KeyError: ``run_id`` is not in ``run_order``.
    """
    position = {run: index for index, run in enumerate(run_order)}
    stop = position[run_id]
    relevant = [c for c in changes if position.get(str(c.get("run")), stop + 1) <= stop]
    # Events of one run keep their recorded order; a later run's event wins.
    relevant.sort(key=lambda c: position[str(c.get("run"))])
    state: dict[str, str | None] = {}
    for change in relevant:
        to = change.get("to")
        state[str(change.get("customer"))] = None if to is None else str(to)
    return state


class MigrationSums:
    """The from→to matrix summed one customer at a time, in any order: ``migration_matrix``'s
    figures without holding every customer's grades (a preview of a million customers).

    Args:
        policy: For the order and labels of grades.
    """

    def __init__(self, policy: Policy) -> None:
        self.grades = [g.name for g in policy.all_grades]
        self.labels = {g.name: g.label for g in policy.all_grades}
        self.columns = [*self.grades, UNGRADED]
        self.rows = [*self.columns, NEW]
        self.count = {r: dict.fromkeys(self.columns, 0) for r in self.rows}
        self.amount = {r: dict.fromkeys(self.columns, _ZERO) for r in self.rows}
        self.moves = {"upgraded": 0, "downgraded": 0, "unchanged": 0, "new": 0}
        self.total = _ZERO

    def add(
        self, graded_before: bool, before: str | None, after: str | None, amount: Decimal
    ) -> None:
        """One customer: whether it was graded before (else it is new), its grade before
        and after (None: ungraded) and its cumulative lease amount."""
        source = NEW if not graded_before else (before or UNGRADED)
        target = after or UNGRADED
        source, target = _known(source, self.rows), _known(target, self.columns)
        self.count[source][target] += 1
        self.amount[source][target] += amount
        self.moves[_move(source, target, self.grades)] += 1
        self.total += amount

    def matrix(self) -> dict[str, Any]:
        """The matrix of every customer added, as ``migration_matrix`` gives it."""
        moves, count = self.moves, self.count
        label_of = {**self.labels, UNGRADED: UNGRADED_LABEL, NEW: NEW_LABEL}
        shares = percent_shares(
            [moves["upgraded"], moves["downgraded"], moves["unchanged"], moves["new"]]
        )
        summary: dict[str, Any] = {
            "customers": sum(moves.values()),
            **moves,
            "upgraded_pct": shares[0],
            "downgraded_pct": shares[1],
            "unchanged_pct": shares[2],
            "new_pct": shares[3],
            "amount": money_value(self.total),
        }
        return {
            "rows": [{"key": r, "label": label_of.get(r, r)} for r in self.rows],
            "columns": [{"key": c, "label": label_of.get(c, c)} for c in self.columns],
            "count": count,
            "amount": {
                r: {c: money_value(v) for c, v in cells.items()} for r, cells in self.amount.items()
            },
            "row_totals": {r: sum(count[r].values()) for r in self.rows},
            "summary": summary,
        }


def migration_matrix(
    before: Mapping[str, str | None],
    after: Mapping[str, str | None],
    amounts: Mapping[str, Decimal],
    policy: Policy,
) -> dict[str, Any]:
    """The from→to matrix between two states of the archive.

    Args:
        before: ``{customer id: grade or None}`` at the earlier run (absent: not yet graded).
        after: The same at the later run.
        amounts: Each customer's cumulative lease amount (the amount column weighs by it).
        policy: For the order and labels of grades.

    Returns:
        ``{"rows": [{key, label}], "columns": [{key, label}], "count": {from: {to: n}},
        "amount": {from: {to: CNY}}, "row_totals", "summary": {customers, upgraded,
        downgraded, unchanged, new, amount, upgraded_pct, downgraded_pct, unchanged_pct}}``.
    """
    sums = MigrationSums(policy)
    for cid in sorted(set(before) | set(after)):
        sums.add(cid in before, before.get(cid), after.get(cid), amounts.get(cid, _ZERO))
    return sums.matrix()


def _known(key: str, allowed: Sequence[str]) -> str:
    # A grade the current policy no longer has is shown as ungraded rather than dropped,
    # so every customer stays counted.
    return key if key in allowed else UNGRADED


def _move(source: str, target: str, grades: list[str]) -> str:
    if source == NEW:
        return "new"
    if source == target:
        return "unchanged"
    rank = {g: i for i, g in enumerate(grades)}
    worst = len(grades)  # ungraded ranks below every grade
    return "upgraded" if rank.get(target, worst) < rank.get(source, worst) else "downgraded"
