"""The policy in force, for every front end: where it comes from, and whether its file still
validates.

One resolution: ``--policy``, else ``$CREDITFILE_POLICY``, else the archive's activated policy,
else the shipped ``policy/default.yaml``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from creditfile.policy import (
    Policy,
    PolicyError,
    PolicyProblem,
    default_policy_path,
    load_policy,
    parse_policy,
)
from creditfile.policy.errors import os_said, phrase, policy_problem


@dataclass(frozen=True)
class PolicySource:
    """Where the active policy came from.

    Attributes:
        origin: ``option`` (``--policy``), ``environment`` (``$CREDITFILE_POLICY``), ``archive``
            (the archive's activated policy) or ``default`` (the shipped ``policy/default.yaml``).
        path: The file it was read from (for ``archive``: the path recorded on activation).
    """

    origin: str
    path: str | None


@dataclass(frozen=True)
class PolicyStatus:
    """The active policy and whether its file on disk still validates.

    Attributes:
        policy: The policy in force for this session.
        source: Where it came from.
        disk_checked: Whether there was a file on disk to check.
        disk_problems: The problems of the file as it is on disk now (empty: it validates).
        disk_changed: The file on disk validates but differs from the policy in force.
    """

    policy: Policy
    source: PolicySource
    disk_checked: bool
    disk_problems: tuple[PolicyProblem, ...] = ()
    disk_changed: bool = False


def policy_source(active: Mapping[str, Any] | None, option: str | None) -> PolicySource:
    """Where the policy comes from, as the command line resolves it: ``--policy``, else
    ``$CREDITFILE_POLICY``, else the archive's activated policy, else the shipped default."""
    if option:
        return PolicySource("option", option)
    env = os.environ.get("CREDITFILE_POLICY")
    if env:
        return PolicySource("environment", env)
    if active:
        return PolicySource("archive", active.get("path"))
    return PolicySource("default", str(default_policy_path()))


def resolve_policy(
    active: Mapping[str, Any] | None,
    db_path: Path | str,
    option: str | None,
    keep: PolicyStatus | None = None,
    *,
    check_file: bool = True,
) -> PolicyStatus:
    """Load the policy in force for an archive.

    Args:
        active: The archive's activated policy (``ArchiveStore.active_policy()``), if any.
        db_path: Where the archive is (names the activated policy in messages).
        option: ``--policy``, if given.
        keep: The status in force; when given, a policy that no longer loads is reported in
            ``disk_problems`` and ``keep``'s policy stays, instead of raising.
        check_file: For an activated policy, also re-read the file it was activated from
            (``disk_problems``, ``disk_changed``); a one-shot command need not.

    Raises:
        policy.PolicyError: The policy cannot be loaded (and there is nothing to keep).
    """
    source = policy_source(active, option)
    try:
        if active and source.origin == "archive":
            policy = _activated(active, f"{db_path}#active-policy({source.path or 'policy'})")
        else:
            policy = load_policy(source.path or default_policy_path())
    except PolicyError as exc:
        if keep is None:
            raise
        return PolicyStatus(keep.policy, keep.source, True, exc.problems)
    if source.origin != "archive":
        # Just read from that very file: it validates and is the one in force.
        return PolicyStatus(policy, source, disk_checked=True)
    if not check_file:
        return PolicyStatus(policy, source, disk_checked=False)
    return check_disk(policy, source)


def needs_archive(option: str | None) -> bool:
    """Whether the policy in force depends on the archive (no ``--policy`` and no
    ``$CREDITFILE_POLICY``): only then need it be opened to choose the policy."""
    return not (option or os.environ.get("CREDITFILE_POLICY"))


def _activated(active: Mapping[str, Any], label: str) -> Policy:
    """The archive's activated policy, parsed from the text recorded on activation.

    Raises:
        policy.PolicyError: it no longer loads (with what to do about it).
    """
    try:
        return parse_policy(active["text"], label)
    except PolicyError as exc:
        remedy = policy_problem(
            label,
            None,
            None,
            "",
            phrase(
                "the archive's active policy no longer loads; "
                "activate a valid one with `creditfile policy activate FILE`"
            ),
        )
        raise PolicyError([*exc.problems, remedy]) from None


def check_disk(policy: Policy, source: PolicySource) -> PolicyStatus:
    """Re-read the policy's file: does it still validate, and is it still the one in force?"""
    path = source.path
    if not path or not Path(path).is_file():
        return PolicyStatus(policy, source, disk_checked=False)
    try:
        on_disk = load_policy(path)
    except PolicyError as exc:
        return PolicyStatus(policy, source, True, exc.problems)
    except OSError as exc:
        said = phrase("cannot be read: {error}", error=os_said(exc))
        problem = policy_problem(path, None, None, "", said)
        return PolicyStatus(policy, source, True, (problem,))
    return PolicyStatus(policy, source, True, (), on_disk.sha256 != policy.sha256)
