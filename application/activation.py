"""Guarded activation: a policy's tests, its effect on the archive and the entries it would
strand are checked before it becomes the archive's policy.

``check_activation`` runs the policy's tests and the diff against the policy in force over the
archive; ``activate_checked`` refuses a policy whose tests fail (unless forced, which is
recorded) or whose weights would strand stored entries (unless they are rescaled, each
rescale recorded per customer with its old value), and records the activation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from creditfile.application.policy_admin import PolicyDiff
from creditfile.application.policy_impact import archive_impact
from creditfile.application.policy_tests import companion_path, run_policy_tests
from creditfile.engine.casecheck import SuiteResult
from creditfile.engine.policy_diff import policy_changes
from creditfile.engine.rescaling import (
    Rescaled,
    Stranded,
    changed_weights,
    could_strand,
    rescaled_entries,
    stranded_entries,
)
from creditfile.policy import (
    CreditfileError,
    Policy,
    default_policy_path,
    load_policy,
    parse_policy,
)
from creditfile.policy.errors import N_, Phrase, joined, phrase
from creditfile.store import ArchiveStore, DutyCheckingStore, JSONObject


class ActivationRefusedError(CreditfileError):
    """The policy was not activated: a test fails, or entries would be stranded."""


@dataclass(frozen=True)
class ActivationCheck:
    """What activating a policy file would do to an archive.

    Attributes:
        file: The policy file.
        diff: The policy in force (``diff.old``), the new one, their changed settings and the
            what-if over the archive, with reasons.
        tests_file: The test file run (None: none found beside the policy).
        suites: The results of its suites.
        stranded: Per manual item, the entries within the current weight but above the new.
        rescalable: Manual items whose weight changes (what ``--rescale`` would rescale).
        unknown_natures: Natures of stored customers that the new policy does not list,
            with how many customers have each.
    """

    file: str
    diff: PolicyDiff
    tests_file: Path | None
    suites: tuple[SuiteResult, ...]
    stranded: tuple[Stranded, ...]
    rescalable: tuple[str, ...]
    unknown_natures: Mapping[str, int] = field(default_factory=dict)

    @property
    def policy(self) -> Policy:
        """The policy to activate."""
        return self.diff.new

    @property
    def checks(self) -> int:
        """How many expectations the tests checked."""
        return sum(s.checked for s in self.suites)

    @property
    def failures(self) -> int:
        """How many of them failed."""
        return sum(len(s.mismatches) for s in self.suites)


@dataclass(frozen=True)
class Activation:
    """What an activation did: the policy, whether it was forced, the entries rescaled."""

    policy: Policy
    forced: bool
    rescaled: tuple[Rescaled, ...]


def policy_in_force(store: ArchiveStore) -> Policy:
    """The archive's activated policy, else the shipped default.

    Raises:
        PolicyError: the activated policy no longer loads.
    """
    active = store.active_policy()
    if active:
        return parse_policy(str(active["text"]), f"{store.location}#active-policy")
    return load_policy(default_policy_path())


def check_activation(
    store: ArchiveStore, file: str, as_of: date, tests: str | None = None
) -> ActivationCheck:
    """Run ``file``'s tests and compare it with the policy in force over the archive.

    Args:
        store: The archive.
        file: The policy file to activate.
        as_of: The grading date of the what-if.
        tests: The test file (default: ``FILE``'s stem + ``.tests.yaml`` beside it, if any).

    Raises:
        PolicyError: the policy or the given test file is not valid.
        StoreError: the archive could not be read.
    """
    if isinstance(store, DutyCheckingStore):
        store.require_duty("activate")  # before a preview that reads the whole archive
    new, current = load_policy(file), policy_in_force(store)
    found = Path(tests) if tests else companion_path(file)
    tests_file = found if tests or found.exists() else None
    suites = tuple(run_policy_tests(new, tests_file)) if tests_file else ()
    impact = archive_impact(store, current, new, as_of)  # a batch at a time
    return ActivationCheck(
        file=file,
        diff=PolicyDiff(current, new, policy_changes(current, new), impact.what_if),
        tests_file=tests_file,
        suites=suites,
        stranded=impact.stranded,
        rescalable=tuple(after.key for _, after in changed_weights(current, new)),
        unknown_natures=impact.unknown_natures,
    )


def activate_checked(
    store: ArchiveStore,
    check: ActivationCheck,
    actor: str,
    *,
    force: bool = False,
    rescale: bool = False,
) -> Activation:
    """Activate the checked policy, unless a test fails or entries would be stranded.

    Args:
        store: The archive checked.
        check: ``check_activation``'s result.
        actor: Who activates.
        force: Activate even though tests fail (recorded on the activation).
        rescale: Rescale the entries of every manual item whose weight changes, in the same
            write; each rescaled entry is recorded in the customer's history with its old value.

    Raises:
        ActivationRefusedError: tests fail and not ``force``; or entries would be stranded and
            not ``rescale`` (also when an entry saved since the check would be). Nothing written.
    """
    if check.failures and not force:
        raise ActivationRefusedError(
            phrase(
                "{file}: not activated: {failed} of {checks} policy test checks fail "
                "({tests}); see them with `creditfile policy test {file}`, or add --force to "
                "activate anyway (recorded in the history)",
                file=check.file,
                failed=check.failures,
                checks=check.checks,
                tests=check.tests_file,
            )
        )
    if check.stranded and not rescale:
        raise ActivationRefusedError(stranded_message(check.file, check.stranded))
    current, policy = check.diff.old, check.policy
    done: list[Rescaled] = []

    def amend(docs: list[JSONObject]) -> list[tuple[JSONObject, JSONObject]]:
        # Judged again on the documents as stored under the lock: a save since the check
        # could have entered a value the new weights strand.
        if not rescale:
            stranded = stranded_entries(docs, current, policy)
            if stranded:
                raise ActivationRefusedError(stranded_message(check.file, tuple(stranded)))
            return []
        done.extend(rescaled_entries(docs, current, policy, _earlier_rescales(store)))
        return _apply(docs, done)

    detail = {
        "forced": bool(check.failures and force),
        "tests": {"file": str(check.tests_file) if check.tests_file else None,
                  "checks": check.checks, "failed": check.failures},
        "replaced": {"version": current.version, "sha256": current.sha256},
        "what_if": (check.diff.impact or {}).get("summary", []),
    }  # fmt: skip
    # Every stored document is read under the lock only when an entry could change or be
    # stranded: a weight that changes under --rescale, else an item new or lighter.
    needed = changed_weights(current, policy) if rescale else could_strand(current, policy)
    store.activate_policy(
        policy.source,
        sha256=policy.sha256,
        version=policy.version,
        # A file name that is not UTF-8 is recorded by its escapes (``p\\udcff.yaml``): the
        # archive and its history are UTF-8 JSON.
        path=str(Path(check.file).resolve()).encode("utf-8", "backslashreplace").decode(),
        actor=actor,
        detail=detail,
        amend=amend if needed else None,
    )
    return Activation(policy, bool(detail["forced"]), tuple(done))


def stranded_message(file: str, stranded: tuple[Stranded, ...]) -> Phrase:
    """Why a policy is refused for the entries it would strand, and what to do."""
    parts = [_stranded_part(s) for s in stranded]
    return phrase(
        "{file}: not activated: {parts}. They would become ungraded. Add --rescale to scale "
        "the entries of every changed weight proportionally (each recorded in the customer's "
        "history with its old value), or correct the entries first",
        file=file,
        parts=joined(parts),
    )


def _stranded_part(s: Stranded) -> Phrase:
    values = {
        "count": f"{len(s.customers):,}",
        "label": s.label,
        "key": s.key,
        "weight": f"{s.new_weight:g}",
        "highest": f"{s.highest:g}",
        "ids": ", ".join(s.customers[:3]),
    }
    if len(s.customers) == 1:
        return Phrase(
            N_(
                "{count} customer has a {label} ({key}) entry above the new weight {weight} "
                "(up to {highest}; e.g. {ids})"
            ),
            values,
        )
    return Phrase(
        N_(
            "{count} customers have a {label} ({key}) entry above the new weight {weight} "
            "(up to {highest}; e.g. {ids})"
        ),
        values,
    )


def _earlier_rescales(store: ArchiveStore) -> dict[tuple[str, str], Mapping[str, Any]]:
    last: dict[tuple[str, str], Mapping[str, Any]] = {}
    for event in store.history(kind="assessment_rescaled"):
        for entry in event.get("entries") or ():
            last[(str(event.get("customer_id")), str(entry.get("item")))] = entry
    return last


def _apply(docs: list[JSONObject], rescaled: list[Rescaled]) -> list[tuple[JSONObject, JSONObject]]:
    """Each changed document (a copy with its new entries) with one event for all its entries."""
    by_id = {str(d.get("id")): d for d in docs}
    changed: dict[str, tuple[JSONObject, list[dict[str, Any]]]] = {}
    for entry in rescaled:
        if entry.customer_id not in changed:
            doc = dict(by_id[entry.customer_id])
            doc["assessment"] = dict(doc["assessment"])
            changed[entry.customer_id] = (doc, [])
        doc, entries = changed[entry.customer_id]
        doc["assessment"][entry.item] = entry.new
        entries.append(entry.event())
    return [
        (doc, {"kind": "assessment_rescaled", "entries": entries})
        for doc, entries in changed.values()
    ]


__all__ = [
    "Activation",
    "ActivationCheck",
    "ActivationRefusedError",
    "Stranded",
    "activate_checked",
    "check_activation",
    "policy_in_force",
    "stranded_message",
]
