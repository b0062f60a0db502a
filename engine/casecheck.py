"""Policy tests: example customers with the grading compliance expects, compared with the engine."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from creditfile.engine.grading import grade_archive
from creditfile.policy.model import Policy

CHECKED_FIELDS = ("status", "grade", "total", "lifecycle", "stage", "tier", "flags", "overrides")


@dataclass(frozen=True)
class Mismatch:
    """One expectation that did not hold.

    Attributes:
        suite: The suite's name.
        customer_id: The customer's id.
        field: What was checked: ``grade``, ``items.payment``…
        expected: The value the test file gives.
        actual: The value graded.
        name: The customer's name in the suite.
        reasons: The grading's reasons (why ungraded, overrides that could not be evaluated).
        overrides: The overrides that held, as ``id: reason``.
        total: The total graded (None: ungraded).
    """

    suite: str
    customer_id: str
    field: str
    expected: Any
    actual: Any
    name: str | None = None
    reasons: tuple[str, ...] = ()
    overrides: tuple[str, ...] = ()
    total: float | None = None


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

    An expectation may give any of status, grade, total, lifecycle, stage, tier, flags,
    ``overrides`` (the ids of the overrides that held, in order) and ``items`` (points per item
    key); absent fields are not checked.
    """
    gradings = grade_archive(customers, policy, as_of)
    names = {str(c.get("id")): c.get("name") for c in customers}
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
                mismatches.append(
                    Mismatch(
                        name,
                        str(cid),
                        key,
                        want,
                        got,
                        _text(names.get(str(cid))),
                        tuple(str(r) for r in actual.get("reasons", ())),
                        tuple(f"{o['id']}: {o['reason']}" for o in actual.get("overrides", ())),
                        actual.get("total"),
                    )
                )
    return SuiteResult(name, checked, tuple(mismatches))


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


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
    if key == "overrides":
        return [record["id"] for record in grading.get("overrides", ())]
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
