"""Policy tests: example customers with the grading compliance expects, compared with the engine."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from creditfile.engine.grading import grade_archive
from creditfile.policy.model import Policy

CHECKED_FIELDS = ("status", "grade", "total", "lifecycle", "stage", "tier", "flags")


@dataclass(frozen=True)
class Mismatch:
    """One expectation that did not hold."""

    suite: str
    customer_id: str
    field: str
    expected: Any
    actual: Any


@dataclass(frozen=True)
class SuiteResult:
    """How many expectations a suite checked and which failed."""

    name: str
    checked: int
    mismatches: tuple[Mismatch, ...]


def run_suite(
    name: str,
    customers: Sequence[Mapping[str, Any]],
    expectations: Mapping[str, Mapping[str, Any]],
    policy: Policy,
    as_of: date,
) -> SuiteResult:
    """Grade ``customers`` as one archive and compare with ``expectations`` by customer id.

    An expectation may give any of status, grade, total, lifecycle, stage, tier, flags, and
    ``items`` (points per item key); absent fields are not checked.
    """
    gradings = grade_archive(customers, policy, as_of)
    mismatches: list[Mismatch] = []
    checked = 0
    for cid, expected in expectations.items():
        actual = gradings.get(str(cid))
        if actual is None:
            mismatches.append(Mismatch(name, str(cid), "id", "a customer in the suite", None))
            continue
        for key, want in _flatten(expected):
            checked += 1
            got = _lookup(actual, key)
            if not _same(want, got):
                mismatches.append(Mismatch(name, str(cid), key, want, got))
    return SuiteResult(name, checked, tuple(mismatches))


def _flatten(expected: Mapping[str, Any]) -> list[tuple[str, Any]]:
    pairs: list[tuple[str, Any]] = []
    for key, value in expected.items():
        if key == "items" and isinstance(value, Mapping):
            pairs.extend((f"items.{item}", points) for item, points in value.items())
        else:
            pairs.append((str(key), value))
    return pairs


def _lookup(grading: Mapping[str, Any], key: str) -> Any:
    if key.startswith("items."):
        return grading["items"].get(key.removeprefix("items."))
    return grading.get(key)


def _same(expected: Any, actual: Any) -> bool:
    numbers = (int, float)
    if (
        isinstance(expected, numbers)
        and isinstance(actual, numbers)
        and not isinstance(expected, bool)
        and not isinstance(actual, bool)
    ):
        return abs(float(expected) - float(actual)) < 1e-9
    return bool(expected == actual)
