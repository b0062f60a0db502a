"""The unified social credit code (GB 32100-2015) and names compared for duplicates."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from creditfile.document.identity import (
    CODE_CHARS,
    check_character,
    comparable_name,
    credit_code_problem,
)

# Codes of real companies, from their business licences.
REAL = ["91350100M000100Y43", "9144030071526726XG", "91310000132149237G"]


@pytest.mark.parametrize("code", REAL)
def test_real_codes_are_valid(code: str) -> None:
    assert credit_code_problem(code) is None


@pytest.mark.parametrize("code", REAL)
def test_one_wrong_character_is_caught_by_the_check_character(code: str) -> None:
    for position in range(17):
        for char in CODE_CHARS:
            if char != code[position]:
                wrong = code[:position] + char + code[position + 1 :]
                problem = credit_code_problem(wrong)
                assert problem is not None and "last character should be" in problem


@pytest.mark.parametrize(
    ("code", "said"),
    [
        ("91350100M000100Y4", "18 digits and capital letters"),
        ("91350100M000100Y43X", "18 digits and capital letters"),
        ("91350100I000100Y43", "not I, O, Z, S or V"),
        ("91350100m000100y43", "write the code as '91350100M000100Y43'"),
        ("9135 0100 M000 100Y43", "write the code as '91350100M000100Y43'"),
        ("９１３５０１００Ｍ０００１００Ｙ４３", "write the code as '91350100M000100Y43'"),
        ("91350100M000100Y44", "should be '3'"),
    ],
)
def test_a_wrong_code_is_refused_saying_what_to_write(code: str, said: str) -> None:
    problem = credit_code_problem(code)
    assert problem is not None and said in problem


@given(st.text(alphabet=CODE_CHARS, min_size=17, max_size=17))
def test_every_17_characters_have_exactly_one_check_character(first17: str) -> None:
    valid = [c for c in CODE_CHARS if credit_code_problem(first17 + c) is None]
    assert valid == [check_character(first17)]


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("武汉宏达建设工程有限公司", "武汉宏达建设工程有限公司 "),
        ("武汉宏达建设工程有限公司", "武汉宏达建设工程有限责任公司"),
        ("武汉宏达(集团)建设有限公司", "武汉宏达（集团）建设有限公司"),
        ("武汉宏达集团建设有限公司", "武汉宏达【集团】建设有限公司"),
        ("ABC建设有限公司", "ａｂｃ 建设有限公司"),
    ],
)
def test_names_people_write_differently_compare_equal(one: str, other: str) -> None:
    assert comparable_name(one) == comparable_name(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("武汉宏达建设工程有限公司", "武汉宏达建筑工程有限公司"),
        ("武汉宏达建设有限公司", "武汉宏达建设股份有限公司"),
    ],
)
def test_different_companies_stay_different(one: str, other: str) -> None:
    assert comparable_name(one) != comparable_name(other)
