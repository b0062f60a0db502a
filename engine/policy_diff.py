"""What changed between two policies, and what-if: whose grade would change."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from typing import Any, Protocol

import orjson

from creditfile.engine.change_reasons import Reason, ReasonCounts, change_reasons, effect_of
from creditfile.engine.grading import grade_archive
from creditfile.policy.model import Policy


def policy_changes(old: Policy, new: Policy) -> list[dict[str, Any]]:
    """Every changed, added or removed setting, as ``{"path", "old", "new"}`` rows.

    The ``investigation`` section is compared by the condition and reason each policy applies
    (a policy without the section applies the regime's default), one row per changed field.
    """
    rows: list[dict[str, Any]] = []
    _walk(_without_investigation(old), _without_investigation(new), "", rows)
    was, now = _investigation(old), _investigation(new)
    for field in ("when", "reason"):
        if was.get(field) != now.get(field):
            change = "added" if field not in was else "removed" if field not in now else "changed"
            rows.append(
                {
                    "path": f"investigation.{field}",
                    "old": was.get(field),
                    "new": now.get(field),
                    "change": change,
                }
            )
    return rows


def _without_investigation(policy: Policy) -> dict[str, Any]:
    return {k: v for k, v in policy.raw.items() if k != "investigation"}


def _investigation(policy: Policy) -> dict[str, str]:
    rule = policy.investigation
    return {} if rule is None else {"when": rule.when, "reason": rule.reason}


def _walk(old: Any, new: Any, path: str, rows: list[dict[str, Any]]) -> None:
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        for key in [*old, *(k for k in new if k not in old)]:
            joiner = "" if str(key).startswith("[") or not path else "."
            child = f"{path}{joiner}{key}"
            _walk(old.get(key, _ABSENT), new.get(key, _ABSENT), child, rows)
    elif _keyed_list(old) and _keyed_list(new):
        _walk(_by_key(old), _by_key(new), path, rows)
    elif old != new:
        rows.append(
            {
                "path": path,
                "old": None if old is _ABSENT else old,
                "new": None if new is _ABSENT else new,
                "change": "added" if old is _ABSENT else "removed" if new is _ABSENT else "changed",
            }
        )


class _Absent:
    def __repr__(self) -> str:
        return "<absent>"


_ABSENT = _Absent()
_ID_FIELDS = ("key", "name", "id")


def _keyed_list(value: Any) -> bool:
    # Scoring items, grades, tiers and overrides are compared by their key, not position.
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(v, Mapping) and any(f in v for f in _ID_FIELDS) for v in value)
    )


def _by_key(items: list[Mapping[str, Any]]) -> dict[str, Any]:
    keyed = {}
    for item in items:
        field = next(f for f in _ID_FIELDS if f in item)
        keyed[f"[{item[field]}]"] = item
    return keyed


def what_if(
    docs: Sequence[Mapping[str, Any]],
    old: Policy,
    new: Policy,
    as_of: date,
    gradings: tuple[Mapping[str, Mapping[str, Any]], Mapping[str, Mapping[str, Any]]] | None = None,
) -> dict[str, Any]:
    """Grade the archive under both policies; say whose grading would change and why.

    Args:
        docs: Every customer document.
        old: The policy compared from.
        new: The policy compared to.
        as_of: The grading date.
        gradings: The archive already graded under ``old`` and ``new`` (``grade_archive``),
            or None to grade it here.

    Returns:
        ``customers``; ``by_grade`` (``old``/``new`` counts); ``summary`` (customers per
        effect and reason, ``change_reasons.summarise``); ``grade_changes`` and
        ``tier_changes`` (``id``, ``name``, ``from``, ``to``, totals, ``effect`` and
        ``reasons``).
    """
    before, after = gradings or (grade_archive(docs, old, as_of), grade_archive(docs, new, as_of))
    sums = WhatIfSums(old, new)
    sums.add(docs, before, after)
    return sums.result()


class Rows(Protocol):
    """Where ``WhatIfSums`` puts the rows of the customers whose grading changes: a list, or
    anything that keeps rows in the order appended and gives them back as often as asked
    (the application layer's keep them in a temporary file)."""

    def append(self, row: dict[str, Any], /) -> None:
        """Keep ``row`` after those kept."""

    def __len__(self) -> int:
        """How many rows are kept."""

    def __iter__(self) -> Iterator[dict[str, Any]]:
        """Every row kept, in the order appended."""


class WhatIfSums:
    """``what_if`` folded a batch of customers at a time: each batch graded under both policies
    (against the whole archive's tops) is added, then dropped; what is kept is what the
    what-if reports (counts by grade, counts by reason, and one compact row per customer whose
    grading changes, no document, in ``rows``). Adding every customer in one batch or in many
    gives the same result."""

    def __init__(self, old: Policy, new: Policy, rows: Callable[[], Rows] | None = None) -> None:
        """Compare ``old`` with ``new``.

        Args:
            old: The policy compared from.
            new: The policy compared to.
            rows: Makes the two places the changed customers' rows go (grade changes, tier
                changes); None: lists, the reasons many customers have alike kept once.
        """
        self._old, self._new = old, new
        self._customers = 0
        self._before: Counter[str] = Counter()
        self._after: Counter[str] = Counter()
        self._grade_changes: Rows = [] if rows is None else rows()
        self._tier_changes: Rows = [] if rows is None else rows()
        self._reasons = ReasonCounts()
        # Rows held in lists share their alike parts; rows handed on are written as they come.
        self._shared = _Shared() if rows is None else None

    def add(
        self,
        docs: Sequence[Mapping[str, Any]],
        before: Mapping[str, Mapping[str, Any]],
        after: Mapping[str, Mapping[str, Any]],
    ) -> None:
        """Add a batch: its documents and their gradings under the old and the new policy."""
        old, new = self._old, self._new
        names = {str(d.get("id")): d.get("name") for d in docs}
        for cid, was in before.items():
            now = after[cid]
            effect = effect_of(was, now, new)
            if effect is None:
                continue
            reasons = change_reasons(was, now, old, new)
            row = {
                "id": cid,
                "name": names.get(cid),
                "from": was["grade"],
                "to": now["grade"],
                "old_total": was["total"],
                "new_total": now["total"],
                "effect": effect,
                "reasons": reasons if self._shared is None else self._shared.reasons(reasons),
            }
            if effect == "change tier":
                row.update({"from_tier": was["tier"], "to_tier": now["tier"]})
                self._tier_changes.append(row)
            else:
                self._grade_changes.append(row)
            self._reasons.add(row)
        self._customers += len(docs)
        self._before.update(g["grade"] or "ungraded" for g in before.values())
        self._after.update(g["grade"] or "ungraded" for g in after.values())

    def result(self) -> dict[str, Any]:
        """The what-if of every customer added (see ``what_if``); ``grade_changes`` and
        ``tier_changes`` are the ``rows`` they were put in."""
        return {
            "customers": self._customers,
            "by_grade": {"old": _sorted(self._before), "new": _sorted(self._after)},
            "summary": self._reasons.summary(),
            "grade_changes": self._grade_changes,
            "tier_changes": self._tier_changes,
        }


class _Shared:
    """One object for the parts of reasons that many customers have alike.

    A customer's reasons hold their wording as phrase data, nested a few levels: 16 KB per
    customer whose grade changes (850 MB for 38,000). Most of it is said alike of every
    customer with the same reason (the group, the causes): kept once and shared, the rows are a
    quarter of that, and give the same JSON (shared data is never changed in place).
    """

    def __init__(self) -> None:
        self._groups: dict[tuple[str, str], tuple[str, list[object]]] = {}
        self._values: dict[bytes, Any] = {}

    def reasons(self, reasons: list[Reason]) -> list[Reason]:
        """``reasons``, their alike parts replaced by the ones kept (in place)."""
        for reason in reasons:
            key = (reason["kind"], reason["group"])
            kept = self._groups.setdefault(key, (reason["group"], reason["group_said"]))
            reason["group"], reason["group_said"] = kept
            self._phrase(reason["said"])
        return reasons

    def _phrase(self, said: list[object]) -> None:
        """A phrase's data (``[template, {name: value}]``), each nested value shared."""
        values = said[1] if len(said) == 2 else None
        if not isinstance(values, dict):
            return
        for name, value in values.items():
            if not isinstance(value, dict | list):
                continue
            try:
                key = orjson.dumps(value)
            except orjson.JSONEncodeError:
                continue  # not plain data: kept as it is
            kept = self._values.get(key)
            if kept is None:
                inner = value.get("phrase") if isinstance(value, dict) else None
                if isinstance(inner, list):
                    self._phrase(inner)
                kept = self._values[key] = value
            values[name] = kept


def _sorted(counts: Counter[str]) -> dict[str, int]:
    return dict(sorted(counts.items()))
