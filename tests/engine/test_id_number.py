"""The ID number of an individual (身份证号, GB 11643-1999): checked, never quoted, personal."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from creditfile.document.id_number import check_digit, id_number_problem, mask_id_number
from creditfile.engine.validation import validate_customer
from creditfile.policy import default_policy_path, load_policy

POLICY = load_policy(default_policy_path())
GOOD = "11010519491231002X"  # the standard's own example


def _doc(**person: Any) -> dict[str, Any]:
    return {"id": "P1", "name": "张三", "nature": "individual", "profile": {"person": person}}


def test_the_standards_example_is_accepted_in_either_case() -> None:
    assert validate_customer(_doc(id_number=GOOD), POLICY) == []
    assert validate_customer(_doc(id_number=GOOD.lower()), POLICY) == []


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_only_the_right_check_digit_is_accepted(first17: str) -> None:
    right = check_digit(first17)
    assert id_number_problem(first17 + right) is None
    for wrong in "0123456789X":
        if wrong != right:
            assert "check digit" in str(id_number_problem(first17 + wrong))


def test_a_wrong_number_is_refused_without_repeating_it() -> None:
    bad = GOOD[:-1] + "1"
    problems = [str(p) for p in validate_customer(_doc(id_number=bad), POLICY)]
    assert problems == [
        "profile.person.id_number: its check digit (the last character) does not match the "
        "other 17 (GB 11643); check the number"
    ]
    for text in ("4201", "12345678901234567890", "4201-0619"):
        problems = [str(p) for p in validate_customer(_doc(id_number=text), POLICY)]
        assert problems and all(text not in p for p in problems), problems


def test_no_message_repeats_a_personal_value() -> None:
    problems = validate_customer(_doc(age="SECRET-AGE", family=["SECRET"]), POLICY)
    assert [p.path for p in problems] == ["profile.person.age", "profile.person.family"]
    assert all("SECRET" not in str(p) for p in problems)


def test_the_mask_keeps_four_and_four() -> None:
    assert mask_id_number("420106199001011234") == "4201**********1234"
