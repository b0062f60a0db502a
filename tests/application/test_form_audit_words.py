"""A value typed while auditing a form that the document cannot hold is refused in the
language in force."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from creditfile.application.form_audit import AuditError, decide, find_pending
from creditfile.policy import Policy

DOC = {
    "id": "C1",
    "name": "武汉宏达建设工程有限公司",
    "nature": "ordinary_company",
    "profile": {"founded_on": "2008-05-20"},
    "sources": [
        {
            "kind": "customer_form",
            "on": "2026-11-01",
            "verified": False,
            "declared": {"profile.founded_on": "2008-05-21"},
        }
    ],
}


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("zh", "成立日期: '2008-02-30' 不是真实存在的日期；请核对日和月"),
        ("en", "Founded on: '2008-02-30' is not a real calendar date; check the day and the month"),
    ],
)
def test_a_typed_value_the_field_cannot_hold_is_refused_in_the_language_in_force(
    lang: str, said: str, default_policy: Policy, speak: Callable[[str], str]
) -> None:
    speak(lang)
    pending = find_pending(DOC, "founded_on")
    with pytest.raises(AuditError) as refused:
        decide(DOC, pending, "set", "2008-02-30", default_policy)
    assert str(refused.value) == said
