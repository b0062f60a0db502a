"""A stored grading's reasons and assessor overrides are worded again in the language in force
when shown: a reason stored under a Chinese policy reads in English with the English item
names, one stored in English reads in Chinese, and a sentence not recognised is shown as stored."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from creditfile.engine import grade_archive
from creditfile.policy import Policy, parse_policy
from creditfile.presentation.grading_words import override_text, reason_text

AS_OF = date(2026, 11, 29)
CJK = re.compile(r"[\u3400-\u9fff]")
FULL = {"strength": 10, "potential": 15, "reputation": 20, "payment": 30, "other": 10}


def _customer(cid: str, **extra: Any) -> dict[str, Any]:
    return {"id": cid, "name": "测试", "nature": "developer", "assessment": dict(FULL), **extra}


def _reasons(policy: Policy, doc: dict[str, Any]) -> list[str]:
    return list(grade_archive([doc], policy, AS_OF)[doc["id"]]["reasons"])


def _no_payment(policy: Policy) -> list[str]:
    entries = {k: v for k, v in FULL.items() if k != "payment"}
    return _reasons(policy, _customer("X", assessment=entries))


def test_a_reason_stored_in_chinese_reads_in_english(
    default_policy: Policy, speak: Callable[[str], str]
) -> None:
    stored = _no_payment(default_policy)
    assert stored == ["assessment.payment is missing: enter 0–30 points for 付款情况 (payment)"]
    speak("en")
    shown = reason_text(stored[0], default_policy.in_language("en"))
    assert shown == "Payment record is missing from the assessment: enter 0–30 points"
    assert not CJK.search(shown)


def test_a_reason_stored_in_english_reads_in_chinese(
    default_policy: Policy, speak: Callable[[str], str]
) -> None:
    stored = _no_payment(default_policy.in_language("en"))
    assert "Payment record (payment)" in stored[0]
    speak("zh")
    shown = reason_text(stored[0], default_policy)
    assert shown == "缺少 付款情况 的评分: 请录入 0–30 分"
    assert "missing" not in shown and "Payment" not in shown


def test_an_entry_that_is_not_a_number_or_out_of_range_reads_in_either_language(
    default_policy: Policy, speak: Callable[[str], str]
) -> None:
    wrong = _reasons(default_policy, _customer("X", assessment={**FULL, "payment": "很好"}))
    high = _reasons(default_policy, _customer("Y", assessment={**FULL, "payment": 45}))
    speak("en")
    english = [reason_text(r, default_policy.in_language("en")) for r in (*wrong, *high)]
    assert english == [
        "Payment record is entered as '很好', not a number: enter 0–30 points",
        "Payment record is entered as 45, outside 0–30: correct the assessment",
    ]
    speak("zh")
    chinese = [reason_text(r, default_policy) for r in (*wrong, *high)]
    for text in chinese:
        assert "付款情况" in text and "Payment" not in text and "payment" not in text
        assert not re.search(r"\b(not a number|outside|correct)\b", text)
    assert "'很好'" in chinese[0] and "45" in chinese[1]


def test_a_first_trade_after_the_grading_date_reads_in_chinese(
    default_policy: Policy, speak: Callable[[str], str]
) -> None:
    lease = {"contract": "L1", "item": "tower_crane", "start": "2027-01-05", "amount": 1000}
    stored = _reasons(default_policy, _customer("X", leases=[{**lease, "status": "active"}]))
    assert stored == ["first trade 2027-01-05 is after the as-of date 2026-11-29"]
    speak("zh")
    assert reason_text(stored[0]) == "首次交易日 2027-01-05 晚于评级日期 2026-11-29"
    speak("en")
    assert reason_text(stored[0]) == stored[0]


def test_a_condition_that_failed_on_a_customer_reads_in_chinese(
    speak: Callable[[str], str],
) -> None:
    # As the engine stores them when a fact is null for the customer (no first trade yet).
    override = (
        "override young could not be evaluated: 'months_since_first_trade < 3': data type mismatch"
    )
    tier = (
        "tier veteran could not be evaluated: 'months_since_first_trade >= 36': data type mismatch"
    )
    speak("zh")
    assert reason_text(override) == (
        "无法判断调整规则 young: 'months_since_first_trade < 3': "
        "条件中的某个事实对该客户没有值 (null) 或类型不同"
    )
    assert reason_text(tier).endswith(
        "'months_since_first_trade >= 36': 条件中的某个事实对该客户没有值 (null) 或类型不同"
    )
    speak("en")
    assert reason_text(override) == (
        "override young could not be evaluated: 'months_since_first_trade < 3': a fact it names "
        "has no value (null) or a value of another kind for this customer"
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    "stored",
    [
        "a reason a later version wrote",
        "assessment.payment is missing",  # cut short: not the sentence the engine writes
        "某个未来版本写下的理由",
    ],
)
def test_a_reason_not_recognised_is_shown_as_stored(
    default_policy: Policy, speak: Callable[[str], str], lang: str, stored: str
) -> None:
    speak(lang)
    assert reason_text(stored, default_policy.in_language(lang)) == stored


def _bands_policy(text: str) -> Policy:
    payment = "  - {key: payment, label: 付款情况, weight: 30, method: manual}\n"
    assert payment in text
    bands = (
        "  - {key: payment, label: 付款情况, weight: 30, method: bands, fact: max_overdue_days,\n"
        "     manual_override: true, bands: [{min: 0, max: 30, points: 30},"
        " {min: 31, points: 15}]}\n"
    )
    return parse_policy(text.replace(payment, bands), "p.yaml")


def test_an_assessor_override_stored_in_chinese_reads_in_english_and_back(
    default_policy_text: str, speak: Callable[[str], str]
) -> None:
    policy = _bands_policy(default_policy_text)
    lease = {
        "contract": "L1",
        "item": "tower_crane",
        "start": "2025-02-01",
        "amount": 1_000_000,
        "status": "active",
        "outstanding": 50_000,
        "overdue_days": 45,
    }
    doc = _customer("X", leases=[lease], assessment={**FULL, "payment": 28})
    (override,) = grade_archive([doc], policy, AS_OF)["X"]["overrides"]
    assert (
        override["reason"]
        == "付款情况: 28 points entered by the assessor in place of the bands' 15"
    )
    speak("en")
    english = override_text(override, policy.in_language("en"))
    assert english == "Payment record: 28 points entered by the assessor in place of the bands' 15"
    speak("zh")
    assert override_text(override, policy) == "付款情况: 评估人录入 28 分, 取代分档得分 15"


def test_a_policy_rules_override_keeps_the_reason_the_policy_gives(
    speak: Callable[[str], str],
) -> None:
    rule = {"id": "large-exposure", "reason": "敞口过大,最高评为B级", "from": "A", "to": "B"}
    for lang in ("zh", "en"):
        speak(lang)
        assert override_text(rule) == "敞口过大,最高评为B级"
    assert override_text({"id": "x"}) == ""
