"""Compliance's use cases on an archive: compare two policies (activation: ``activation``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from creditfile.application.policy_impact import archive_impact, investigation_changes
from creditfile.engine.policy_diff import policy_changes
from creditfile.policy import Policy, load_policy
from creditfile.store import ArchiveStore


@dataclass(frozen=True)
class PolicyDiff:
    """What changed between two policies and, with an archive, whose grade would change.

    Attributes:
        old: The policy compared from.
        new: The policy compared to.
        changes: ``{"path", "old", "new"}`` of every setting that differs.
        impact: ``engine.policy_diff.what_if`` over the archive (with
            ``investigation_changes`` in a diff), or None without one.
    """

    old: Policy
    new: Policy
    changes: list[dict[str, Any]]
    impact: dict[str, Any] | None


def diff_policies(
    old_file: str, new_file: str, store: ArchiveStore | None, as_of: date
) -> PolicyDiff:
    """Compare two policy files, and grade the archive (if any) under both at ``as_of``, a
    batch at a time (``policy_impact.archive_impact``).

    Raises:
        PolicyError: either file is not a valid policy.
        StoreError: the archive could not be read.
    """
    old, new = load_policy(old_file), load_policy(new_file)
    impact = (
        None
        if store is None
        else archive_impact(store, old, new, as_of, investigations=True).what_if
    )
    return PolicyDiff(old, new, policy_changes(old, new), impact)


__all__ = ["PolicyDiff", "diff_policies", "investigation_changes"]
