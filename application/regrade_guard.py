"""Guards for unattended regrades: how many grade changes and ungraded customers are acceptable.

A nightly ``creditfile regrade --max-changes 5% --max-ungraded 50`` writes nothing and exits 3
when the grading it computed goes past either limit: a policy edit that strands hundreds of
customers must stop a job, not pass through it. The check runs on the gradings computed under
the archive's lock, before the write, so the counts it judges are the ones that would be written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from creditfile.policy import CreditfileError
from creditfile.policy.errors import N_, NOTHING, Phrase, joined, phrase
from creditfile.presentation.translation import _

_LIMIT = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(%?)\s*")


@dataclass(frozen=True)
class Limit:
    """At most ``count`` customers, or at most ``percent`` per cent of the archive's customers."""

    text: str
    count: int | None = None
    percent: float | None = None

    @classmethod
    def parse(cls, text: str) -> Limit:
        """``"40"`` → at most 40 customers; ``"2.5%"`` → at most 2.5% of them.

        Raises:
            ValueError: ``text`` is neither a whole number nor a percentage.
        """
        match = _LIMIT.fullmatch(text)
        if match is None or (not match.group(2) and "." in match.group(1)):
            raise ValueError(
                _(
                    "{value} is not a limit: write a number of customers (40) or a share of "
                    "the archive (2.5%)"
                ).format(value=repr(text))
            )
        number = match.group(1)
        if match.group(2):
            return cls(text.strip(), percent=float(number))
        return cls(text.strip(), count=int(number))

    def allows(self, value: int, customers: int) -> bool:
        """Whether ``value`` customers out of ``customers`` stay within the limit."""
        if self.count is not None:
            return value <= self.count
        return value * 100 <= (self.percent or 0.0) * customers


@dataclass(frozen=True)
class RegradeGuard:
    """The limits of a guarded regrade; None: no limit of that kind."""

    max_changes: Limit | None = None
    max_ungraded: Limit | None = None


@dataclass(frozen=True)
class RegradeCounts:
    """What a regrade would do, in the numbers its guards judge.

    Attributes:
        customers: Customers graded.
        changes: Customers whose grade would change (ungraded counts as a grade).
        ungraded_before: Customers without a stored grade before the regrade.
        ungraded_after: Customers ungraded by the regrade.
        newly_ungraded: Customers that had a grade and would lose it.
    """

    customers: int
    changes: int
    ungraded_before: int
    ungraded_after: int
    newly_ungraded: int

    @property
    def ungraded_rise(self) -> int:
        """How many more customers would be ungraded than before (0 when not more)."""
        return max(0, self.ungraded_after - self.ungraded_before)


@dataclass(frozen=True)
class Breach:
    """One limit a regrade went past."""

    guard: str
    limit: Limit
    actual: int
    customers: int

    def describe(self) -> str:
        """The breach in words, e.g. ``1,418 customers ungraded, over --max-ungraded 5%``."""
        return str(self.said())

    def said(self) -> Phrase:
        """The breach as a phrase, for a front end to word in the language in force."""
        share = NOTHING
        if self.customers:
            percent = f"{self.actual * 100 / self.customers:.1f}"
            customers = f"{self.customers:,}"
            share = phrase(" ({percent}% of {customers})", percent=percent, customers=customers)
        values = {"count": f"{self.actual:,}", "share": share, "limit": self.limit.text}
        if self.guard == "max_changes":
            return Phrase(N_("{count} grade changes{share}, over --max-changes {limit}"), values)
        return Phrase(N_("{count} customers ungraded{share}, over --max-ungraded {limit}"), values)

    def as_json(self) -> dict[str, Any]:
        """The breach for ``--json``."""
        return {
            "guard": self.guard,
            "limit": self.limit.text,
            "actual": self.actual,
            "customers": self.customers,
        }


class RegradeRefusedError(CreditfileError):
    """A guarded regrade went past a limit; nothing was written."""

    def __init__(self, location: str, counts: RegradeCounts, breaches: list[Breach]) -> None:
        self.location = location
        self.counts = counts
        self.breaches = breaches
        super().__init__(
            phrase(
                "{location}: regrade refused, nothing was written: {breaches}. See why with "
                "`creditfile regrade --dry-run` and `creditfile policy diff`; raise the limit "
                "if the change is intended",
                location=location,
                breaches=joined([b.said() for b in breaches]),
            )
        )


def count_regrade(
    previous: Mapping[str, Any], gradings: Mapping[str, Mapping[str, Any]]
) -> RegradeCounts:
    """The numbers of a regrade from the grades stored before and the new gradings.

    Args:
        previous: Customer id → the grade stored before (None: ungraded or never graded).
        gradings: Customer id → the new grading (``status`` and ``grade`` at least).
    """
    changes = ungraded_after = newly_ungraded = 0
    for cid, grading in gradings.items():
        old, new = previous.get(cid), grading.get("grade")
        changes += old != new
        if grading.get("status") == "ungraded" or new is None:
            ungraded_after += 1
            newly_ungraded += old is not None
    ungraded_before = sum(1 for cid in gradings if previous.get(cid) is None)
    return RegradeCounts(len(gradings), changes, ungraded_before, ungraded_after, newly_ungraded)


def breaches(guard: RegradeGuard, counts: RegradeCounts) -> list[Breach]:
    """Every limit of ``guard`` that ``counts`` go past, changes first."""
    found = []
    for name, limit, actual in (
        ("max_changes", guard.max_changes, counts.changes),
        ("max_ungraded", guard.max_ungraded, counts.ungraded_after),
    ):
        if limit is not None and not limit.allows(actual, counts.customers):
            found.append(Breach(name, limit, actual, counts.customers))
    return found


def stored_grades(records: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Customer id → the grade stored on its record (None: ungraded or never graded)."""
    grades = {}
    for cid, record in records.items():
        grading = record.get("_grading")
        grades[cid] = grading.get("grade") if isinstance(grading, Mapping) else None
    return grades
