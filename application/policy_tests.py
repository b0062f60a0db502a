"""Reading a policy's companion test file (``<policy>.tests.yaml``) and running it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from creditfile.engine.casecheck import Mismatch, SuiteResult, run_suite
from creditfile.policy import Policy, PolicyError
from creditfile.policy.errors import os_said, phrase, policy_problem, verbatim
from creditfile.policy.schema_check import TESTS_SCHEMA, schema_problems
from creditfile.policy.yamlsource import parse_yaml
from creditfile.presentation.grading_words import reason_text
from creditfile.presentation.translation import N_, _


def companion_path(policy_path: str | Path) -> Path:
    """``rules.yaml`` → ``rules.tests.yaml`` beside it."""
    path = Path(policy_path)
    return path.with_name(f"{path.stem}.tests{path.suffix or '.yaml'}")


def run_policy_tests(policy: Policy, tests_path: Path) -> list[SuiteResult]:
    """Run every suite of ``tests_path`` under ``policy``.

    Raises:
        PolicyError: the test file is missing or malformed (located problems).
    """
    file = str(tests_path)
    if tests_path.exists() and not tests_path.is_file() and not tests_path.is_dir():
        # A device or a pipe (/dev/zero) might never end: refused unread.
        message = phrase("not a regular file (a device or a pipe); name a tests file")
        raise PolicyError([policy_problem(file, None, None, "", message)])
    try:
        text = tests_path.read_text("utf-8")
    except OSError as exc:
        message = phrase(
            "cannot read the test file: {error}; create {name} beside the policy (see "
            "policy/default.tests.yaml)",
            error=os_said(exc),
            name=tests_path.name,
        )
        raise PolicyError([policy_problem(file, None, None, "", message)]) from None
    doc, problems = parse_yaml(text, file)
    if doc is None:
        raise PolicyError(problems)
    problems = schema_problems(doc, file, TESTS_SCHEMA)
    if problems:
        raise PolicyError(problems)
    suites = doc.data["suites"]
    return [_run(index, suite, policy, file, doc.locate) for index, suite in enumerate(suites)]


@dataclass(frozen=True)
class FailureWords:
    """One failed expectation in words: what was checked, expected and got, and why."""

    suite: str
    customer: str
    checked: str
    expected: str
    actual: str
    why: str

    def line(self) -> str:
        """``suite › customer: checked expected X, got Y — why``."""
        why = f" — {self.why}" if self.why else ""
        return (
            f"{self.suite} › {self.customer}: {self.checked} expected {self.expected}, "
            f"got {self.actual}{why}"
        )


def describe_failure(mismatch: Mismatch, policy: Policy) -> FailureWords:
    """A failed expectation in the policy's own words: labels for grades, tiers and items,
    ``ungraded`` for null, and the grading's reasons (why it is ungraded, an override)."""
    customer = f"{mismatch.customer_id} {mismatch.name}" if mismatch.name else mismatch.customer_id
    if mismatch.field == "id":
        return FailureWords(
            mismatch.suite, customer, _("customer"), _("in the suite"), _("no such customer"),
            _("add it under customers, or correct the id under expect"),
        )  # fmt: skip
    return FailureWords(
        suite=mismatch.suite,
        customer=customer,
        checked=_field_words(mismatch.field, policy),
        expected=_value_words(mismatch.field, mismatch.expected, policy),
        actual=_value_words(mismatch.field, mismatch.actual, policy),
        why="; ".join(
            [
                *(reason_text(r, policy) for r in mismatch.reasons),
                *(_("override {id}").format(id=o) for o in mismatch.overrides),
                *_band_words(mismatch, policy),
            ]
        ),
    )


def _band_words(mismatch: Mismatch, policy: Policy) -> list[str]:
    """For a grade that differs by its total alone: the total against the expected band."""
    if mismatch.field != "grade" or mismatch.total is None or mismatch.overrides:
        return []
    try:
        wanted = policy.grade_named(str(mismatch.expected))
    except KeyError:
        return []
    total = f"{mismatch.total:g}"
    if wanted.min_score is None:
        return [_("total {total} reaches a higher grade").format(total=total)]
    if mismatch.total < wanted.min_score:
        return [
            _("total {total} is below {grade}'s {least}").format(
                total=total, grade=wanted.name, least=f"{wanted.min_score:g}"
            )
        ]
    return [_("total {total} reaches a grade above {grade}").format(total=total, grade=wanted.name)]


_FIELDS = {
    "status": N_("status"),
    "grade": N_("grade"),
    "total": N_("total"),
    "lifecycle": N_("lifecycle"),
    "stage": N_("stage"),
    "tier": N_("tier"),
    "flags": N_("review flags"),
}
_VALUES = {
    "graded": N_("graded"),
    "ungraded": N_("ungraded"),
    "established": N_("established 老客户"),
    "new": N_("new 新客户"),
    "prospective": N_("prospective 未来客户"),
    "past": N_("past 曾经交易"),
    "current": N_("current 正在交易"),
    "upcoming": N_("upcoming 即将交易"),
}


def _field_words(field: str, policy: Policy) -> str:
    if field.startswith("items."):
        key = field.removeprefix("items.")
        item = next((i for i in policy.scoring if i.key == key), None)
        if item is None:
            return _("points of unknown item {key}").format(key=key)
        return _("{label} ({key}) points").format(label=item.label, key=key)
    return _(_FIELDS[field]) if field in _FIELDS else field


def _value_words(field: str, value: Any, policy: Policy) -> str:
    if value is None:
        return _("none (ungraded)") if field in ("grade", "total") else _("none")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | float):
        return f"{value:g}"
    if field == "grade":
        try:
            return f"{value} {policy.grade_named(str(value)).label}"
        except KeyError:
            return _("{value} (not a grade of this policy)").format(value=value)
    if field == "tier":
        tier = next((t for t in policy.tiers if t.key == value), None)
        if tier is None:
            return _("{value} (not a tier of this policy)").format(value=value)
        return f"{tier.label} ({value})"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or _("none")
    return _(_VALUES[str(value)]) if str(value) in _VALUES else str(value)


def _run(index: int, suite: Any, policy: Policy, file: str, locate: Any) -> SuiteResult:
    path = ("suites", index)
    try:
        as_of = date.fromisoformat(str(suite["as_of"]))
        customers = list(suite["customers"])
        expect = dict(suite["expect"])
    except (KeyError, TypeError, ValueError) as exc:
        line, col = locate(path)
        raise PolicyError(
            [
                policy_problem(
                    file,
                    line,
                    col,
                    f"suites[{index}]",
                    phrase(
                        "a suite needs as_of (YYYY-MM-DD), customers and expect ({error})",
                        error=verbatim(str(exc)),
                    ),
                )
            ]
        ) from None
    return run_suite(
        str(suite.get("name") or f"suite {index + 1}"), customers, expect, policy, as_of
    )


__all__ = [
    "FailureWords",
    "Mismatch",
    "SuiteResult",
    "companion_path",
    "describe_failure",
    "run_policy_tests",
]
