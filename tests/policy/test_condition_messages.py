"""What compliance reads when a condition is wrong, and what grading records when one fails."""

from __future__ import annotations

import pytest

from creditfile.policy.conditions import (
    ConditionCompileError,
    ConditionEvaluationError,
    compile_condition,
)

NATURES = {"nature": ("developer", "individual")}


@pytest.mark.parametrize(
    ("text", "scope", "message", "suggestion"),
    [
        (
            "cumulative_lease_amout > 5",
            "tier",
            "unknown fact 'cumulative_lease_amout'; did you mean 'cumulative_lease_amount'?",
            "cumulative_lease_amount",
        ),
        (
            "total_score > 5",
            "tier",
            "fact 'total_score' is only available in overrides",
            None,
        ),
        ("   ", "tier", "a condition must be a non-empty expression", None),
        (
            'nature == "developr"',
            "tier",
            "'nature == \"developr\"': 'developr' is not a known nature; did you mean 'developer'?",
            "developer",
        ),
        (
            'nature in ["developer", "qqqq"]',
            "tier",
            "'nature in [\"developer\", \"qqqq\"]': 'qqqq' is not a known nature; "
            "known: developer, individual",
            None,
        ),
        (
            '"zzzz" == nature',
            "tier",
            "'\"zzzz\" == nature': 'zzzz' is not a known nature; known: developer, individual",
            None,
        ),
        (
            'lifecycle == "old"',
            "tier",
            "'lifecycle == \"old\"': 'old' is not a known lifecycle; "
            "known: established, new, prospective",
            None,
        ),
        (
            'stage != "currant"',
            "override",
            "'stage != \"currant\"': 'currant' is not a known stage; did you mean 'current'?",
            "current",
        ),
        (
            "lease_count > ",
            "tier",
            "'lease_count > ': syntax error: the condition ends too early; is a value, a bracket "
            "or a quote missing?",
            None,
        ),
        (
            'lease_count > 0 and not (nature == "developr")',
            "tier",
            "'lease_count > 0 and not (nature == \"developr\")': 'developr' is not a known "
            "nature; did you mean 'developer'?",
            "developer",
        ),
        (
            "null > 1",
            "tier",
            "'null > 1': type mismatch: the parts of the condition are of kinds that cannot be "
            "compared (a number with text, or with null?)",
            None,
        ),
    ],
)
def test_a_wrong_condition_says_what_and_suggests(
    text: str, scope: str, message: str, suggestion: str | None
) -> None:
    with pytest.raises(ConditionCompileError) as caught:
        compile_condition(text, scope, NATURES)  # type: ignore[arg-type]
    assert caught.value.message == message
    assert str(caught.value) == message
    assert caught.value.suggestion == suggestion


def test_known_values_come_from_the_policy_before_the_fact_list() -> None:
    compile_condition('nature == "developer"', "tier", NATURES)
    with pytest.raises(ConditionCompileError, match="'central_soe' is not a known nature"):
        compile_condition('nature == "central_soe"', "tier", NATURES)
    # without the policy's natures, any nature text is accepted
    assert compile_condition('nature == "central_soe"', "tier").matches({"nature": "central_soe"})


@pytest.mark.parametrize(
    ("text", "facts", "message"),
    [
        (
            "months_since_first_trade < 3",
            {"months_since_first_trade": None},
            "'months_since_first_trade < 3': data type mismatch",
        ),
        ("lease_count > 1", {}, "'lease_count > 1': unknown symbol: 'lease_count'"),
        (
            "lease_count / active_lease_count > 1",
            {"lease_count": 1, "active_lease_count": 0},
            "'lease_count / active_lease_count > 1': arithmetic error: division by zero",
        ),
        # facts outside their documented types (NaN from a hand-edited file) fail, not crash
        ("lease_count > 1", {"lease_count": float("nan")}, "'lease_count > 1': InvalidOperation"),
    ],
)
def test_a_condition_that_cannot_be_evaluated_says_so(
    text: str, facts: dict[str, object], message: str
) -> None:
    condition = compile_condition(text, "tier")
    for _ in range(2):  # and again: a failure is never remembered as an answer
        with pytest.raises(ConditionEvaluationError) as caught:
            condition.matches(facts)
        assert str(caught.value) == message


def test_remembered_answers_follow_the_facts() -> None:
    condition = compile_condition('lease_count >= 10 or nature == "developer"', "tier", NATURES)
    answers = [
        condition.matches({"lease_count": count, "nature": nature})
        for count in (9, 10, 9.5, 11, 9)
        for nature in ("individual", "developer", "individual")
    ]
    assert answers == [
        False, True, False,
        True, True, True,
        False, True, False,
        True, True, True,
        False, True, False,
    ]  # fmt: skip
    # a value no memo key can hold (a list) is evaluated directly, and refused for its type
    with pytest.raises(ConditionEvaluationError, match="resolved to incorrect datatype"):
        condition.matches({"lease_count": [], "nature": "individual"})


def test_an_unknown_fact_without_a_suggestion_lists_the_facts_of_its_scope() -> None:
    # rule-engine suggests a fact for nearly any name; when it has none, the facts are listed
    from creditfile.policy.conditions import _unknown_fact

    tier = _unknown_fact("zzz", "tier", None)
    assert tier.message.startswith("unknown fact 'zzz' (known facts: cumulative_lease_amount, ")
    assert "total_score" not in tier.message
    assert tier.suggestion is None
    override = _unknown_fact("zzz", "override", None)
    assert override.message.endswith("max_overdue_days, total_score, grade, credit_utilisation)")


def test_an_error_without_a_message_attribute_is_shown_by_its_text() -> None:
    from creditfile.policy.conditions import _engine_message

    assert _engine_message(ValueError("boom")) == "boom"
    error = ValueError("long text")
    error.message = "short"  # type: ignore[attr-defined]
    assert _engine_message(error) == "short"
