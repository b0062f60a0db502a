"""A stored grading's reasons and overrides in the language in force.

The engine records why a customer is ungraded (an entry missing or out of range, a condition
that could not be evaluated, a first trade after the grading date) as English sentences, and
an assessor's entry that took the place of a bands item's points with its values. Gradings
stored by every version of creditfile say the same sentences: they are worded again here from
their values, with the item named as the reader reads the policy; a sentence not recognised
(written by a later version) is shown as stored. What grading decided is never changed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from creditfile.policy import Policy
from creditfile.presentation.translation import N_, _

_MISSING = re.compile(
    r"assessment\.(?P<key>\S+) is missing: enter 0–(?P<weight>\S+) points for .+ \((?P=key)\)"
)
_NOT_NUMBER = re.compile(
    r"assessment\.(?P<key>\S+) is (?P<value>.+), not a number: enter 0–(?P<weight>\S+) points "
    r"for .+ \((?P=key)\)"
)
_OUTSIDE = re.compile(
    r"assessment\.(?P<key>\S+) is (?P<value>.+), outside 0–(?P<weight>\S+) for .+ \((?P=key)\): "
    r"correct the assessment"
)
_OVERRIDE = re.compile(r"override (?P<id>\S+) could not be evaluated: (?P<error>.*)", re.S)
_TIER = re.compile(r"tier (?P<key>\S+) could not be evaluated: (?P<error>.*)", re.S)
_FIRST_TRADE = re.compile(
    r"first trade (?P<first>\d{4}-\d{2}-\d{2}) is after the as-of date (?P<as_of>\d{4}-\d{2}-\d{2})"
)


def _item_label(policy: Policy | None, key: str) -> str:
    if policy is None:
        return key
    labels = {item.key: item.label for item in policy.scoring}
    if key not in labels:
        return key
    # The key (the policy file's own word) only tells apart two items of one label.
    shared = sum(label == labels[key] for label in labels.values()) > 1
    return f"{labels[key]} ({key})" if shared else labels[key]


def _missing(found: re.Match[str], policy: Policy | None) -> str:
    return _("{item} is missing from the assessment: enter 0–{weight} points").format(
        weight=found["weight"], item=_item_label(policy, found["key"])
    )


def _not_number(found: re.Match[str], policy: Policy | None) -> str:
    return _("{item} is entered as {value}, not a number: enter 0–{weight} points").format(
        value=found["value"],
        weight=found["weight"],
        item=_item_label(policy, found["key"]),
    )


def _outside(found: re.Match[str], policy: Policy | None) -> str:
    return _("{item} is entered as {value}, outside 0–{weight}: correct the assessment").format(
        value=found["value"],
        weight=found["weight"],
        item=_item_label(policy, found["key"]),
    )


def _override(found: re.Match[str], policy: Policy | None) -> str:
    del policy
    return _("override {id} could not be evaluated: {error}").format(
        id=found["id"], error=_evaluation(found["error"])
    )


def _tier(found: re.Match[str], policy: Policy | None) -> str:
    del policy
    return _("tier {key} could not be evaluated: {error}").format(
        key=found["key"], error=_evaluation(found["error"])
    )


# Why a condition failed on one customer's facts, as rule-engine (or Python) said it: the
# condition is quoted first, then the reason (``'lease_count > 3': data type mismatch``).
_FAILED = re.compile(r"(?P<condition>'.*'|\".*\"): (?P<reason>[^:]+)", re.S)
_EVALUATION_REASONS = {
    "data type mismatch": N_(
        "a fact it names has no value (null) or a value of another kind for this customer"
    ),
    "ArithmeticError": N_("a calculation in it has no result (a division by zero?)"),
    "ZeroDivisionError": N_("a calculation in it has no result (a division by zero?)"),
    "TypeError": N_(
        "a fact it names has no value (null) or a value of another kind for this customer"
    ),
}


def _evaluation(error: str) -> str:
    """The condition and why it failed, the reason in the language in force where known."""
    found = _FAILED.fullmatch(error)
    if found is None or found["reason"] not in _EVALUATION_REASONS:
        return error
    reason = _(_EVALUATION_REASONS[found["reason"]])
    return _("{condition}: {reason}").format(condition=found["condition"], reason=reason)


def _first_trade(found: re.Match[str], policy: Policy | None) -> str:
    del policy
    return _("first trade {first} is after the as-of date {as_of}").format(
        first=found["first"], as_of=found["as_of"]
    )


_WORDINGS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str], Policy | None], str]], ...] = (
    (_MISSING, _missing),
    (_NOT_NUMBER, _not_number),
    (_OUTSIDE, _outside),
    (_OVERRIDE, _override),
    (_TIER, _tier),
    (_FIRST_TRADE, _first_trade),
)


def reason_text(reason: object, policy: Policy | None = None) -> str:
    """One stored reason of a grading in the language in force.

    Args:
        reason: As the grading stores it (English).
        policy: Names the scoring items (give it in the language in force).
    """
    text = str(reason)
    for pattern, word in _WORDINGS:
        found = pattern.fullmatch(text)
        if found is not None:
            return word(found, policy)
    return text


def override_text(override: Mapping[str, Any], policy: Policy | None = None) -> str:
    """Why an override applies: an assessor's entry worded from its values; a policy rule's
    reason as the policy gives it."""
    entered, computed = override.get("entered"), override.get("computed")
    key = override.get("item")
    if (
        isinstance(key, str)
        and isinstance(entered, int | float)
        and isinstance(computed, int | float)
    ):
        labels = {item.key: item.label for item in policy.scoring} if policy else {}
        return _(
            "{item}: {entered} points entered by the assessor in place of the bands' {computed}"
        ).format(item=labels.get(key, key), entered=f"{entered:g}", computed=f"{computed:g}")
    return str(override.get("reason", ""))
