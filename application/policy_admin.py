"""Compliance's use cases on an archive: compare two policies (activation: ``activation``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from creditfile.engine.grading import grade_archive
from creditfile.engine.policy_diff import policy_changes, what_if
from creditfile.policy import Policy, load_policy
from creditfile.reports.investigation import investigation_suggested
from creditfile.store import ArchiveStore


@dataclass(frozen=True)
class PolicyDiff:
    """What changed between two policies and, with an archive, whose grade would change.

    Attributes:
        old: The policy compared from.
        new: The policy compared to.
        changes: ``{"path", "old", "new"}`` of every setting that differs.
        impact: ``engine.policy_diff.what_if`` over the archive, or None without one.
    """

    old: Policy
    new: Policy
    changes: list[dict[str, Any]]
    impact: dict[str, Any] | None


def diff_policies(
    old_file: str, new_file: str, store: ArchiveStore | None, as_of: date
) -> PolicyDiff:
    """Compare two policy files, and grade the archive (if any) under both at ``as_of``.

    Raises:
        PolicyError: either file is not a valid policy.
    """
    old, new = load_policy(old_file), load_policy(new_file)
    impact = None if store is None else _impact(store.documents(), old, new, as_of)
    return PolicyDiff(old, new, policy_changes(old, new), impact)


def _impact(
    docs: Sequence[Mapping[str, Any]], old: Policy, new: Policy, as_of: date
) -> dict[str, Any]:
    before, after = grade_archive(docs, old, as_of), grade_archive(docs, new, as_of)
    impact = what_if(docs, old, new, as_of, (before, after))
    impact["investigation_changes"] = investigation_changes(docs, before, after, old, new, as_of)
    return impact


def investigation_changes(
    docs: Sequence[Mapping[str, Any]],
    before: Mapping[str, Mapping[str, Any]],
    after: Mapping[str, Mapping[str, Any]],
    old: Policy,
    new: Policy,
    as_of: date,
) -> list[dict[str, Any]]:
    """The customers an agency investigation would be suggested for under one policy only.

    Returns:
        ``{"id", "name", "grade", "change", "reason"}`` per customer: ``change`` is
        ``suggested`` (the new policy suggests it, the old did not) or ``withdrawn``;
        ``reason`` is the suggesting policy's, ``grade`` the one under the new policy.
    """
    rows: list[dict[str, Any]] = []
    for doc in docs:
        cid = str(doc.get("id"))
        was = investigation_suggested(doc, before.get(cid, {}), old, as_of)
        now = investigation_suggested(doc, after.get(cid, {}), new, as_of)
        if (was is None) == (now is None):
            continue
        rows.append(
            {
                "id": cid,
                "name": doc.get("name"),
                "grade": after.get(cid, {}).get("grade"),
                "change": "suggested" if now is not None else "withdrawn",
                "reason": (now or was or {}).get("reason"),
            }
        )
    return rows
