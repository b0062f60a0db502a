"""Every portfolio report at once, for the management report, the TUI and ``report all``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from creditfile.policy.model import Policy
from creditfile.reports.composition import (
    DIMENSIONS,
    composition,
    credit_analysis,
    customer_lines,
    item_composition,
)
from creditfile.reports.exposure import exposure_report
from creditfile.reports.migration import grades_at, migration_matrix
from creditfile.reports.periods import Period
from creditfile.reports.review import due_for_review, reason_summary


def portfolio(
    docs: Sequence[Mapping[str, Any]],
    gradings: Mapping[str, Mapping[str, Any]],
    policy: Policy,
    as_of: date,
    period: Period | None = None,
) -> dict[str, Any]:
    """Composition by every dimension, leased items, credit terms, exposure and the review list.

    Args:
        docs: Every customer document.
        gradings: ``{customer id: grading}`` (missing: ungraded).
        policy: The policy the gradings were made under.
        as_of: The date review ages are counted to.
        period: The leases the compositions, credit and exposure count (``reports.periods``;
            default: every lease begun by ``as_of``); the review list counts every lease.

    Returns:
        ``{"as_of", "customers", "composition": {dimension: …}, "items", "items_by_nature",
        "credit", "exposure", "review", "review_summary"}``.
    """
    every = customer_lines(docs, gradings, policy, as_of)
    review = due_for_review(docs, gradings, policy, as_of, every)
    lines = every if period is None else customer_lines(docs, gradings, policy, as_of, period)
    return {
        "as_of": as_of.isoformat(),
        "customers": len(lines),
        "composition": {by: composition(lines, policy, by) for by in DIMENSIONS},
        "items": item_composition(lines, policy, "grade"),
        "items_by_nature": item_composition(lines, policy, "nature"),
        "credit": credit_analysis(lines, policy),
        "exposure": exposure_report(lines, policy),
        "review": review,
        "review_summary": reason_summary(review),
    }


def migration_between(
    runs: Sequence[str],
    changes: Sequence[Mapping[str, Any]],
    amounts: Mapping[str, Decimal],
    policy: Policy,
    run_a: str | None,
    run_b: str,
) -> dict[str, Any]:
    """The migration matrix from run ``run_a`` (None: before any run) to run ``run_b``.

    Args:
        runs: Every run id, oldest first.
        changes: Grade-change events ``{"customer", "run", "to"}``.
        amounts: Each customer's cumulative lease amount.
        policy: For grade order and labels.
        run_a: The earlier run, or None for the archive before its first run.
        run_b: The later run.
    """
    before = {} if run_a is None else grades_at(changes, runs, run_a)
    after = grades_at(changes, runs, run_b)
    matrix = migration_matrix(before, after, amounts, policy)
    matrix.update({"from_run": run_a, "to_run": run_b})
    return matrix
