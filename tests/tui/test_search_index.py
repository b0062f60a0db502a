"""The customer list's index: what staff find by typing, how filters narrow and how sorts order."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from creditfile.application.customer_index import (
    ListQuery,
    ListRow,
    PinyinKeys,
    SearchIndex,
    row_of,
)

GRADES = ["A", "B", "C", "D"]


def row(cid: str, name: str, **fields: Any) -> ListRow:
    values: dict[str, Any] = {
        "nature": "ordinary_company", "tier": "general", "grade": "B", "total": 85.0,
        "lifecycle": "established", "stage": "current", "assessed": "2026-10-12",
    }  # fmt: skip
    values.update(fields)
    return ListRow(id=cid, name=name, **values)


ROWS = [
    row("C000001", "武汉宏达建设工程有限公司", phone="13800000000", contact="王敏"),
    row("C000002", "重庆锦坤地产集团有限公司", nature="developer", grade="A", total=93.5),
    row("C000003", "中国银行武汉分行", nature="central_soe", grade="", total=None, tier=""),
    row("C000004", "成都万祥市政工程有限公司", grade="C", total=71.0, stage="past"),
    row("C000005", "Acme Scaffolding Ltd", grade="D", total=40.0, attention=("ungraded",)),
    row("C000010", "长沙鑫润置地有限公司", nature="developer", grade="B", total=80.0,
        contact="李长江", lifecycle="new", assessed=""),
]  # fmt: skip


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex(ROWS, GRADES)


def ids(index: SearchIndex, **query: Any) -> list[str]:
    return [index.rows[i].id for i in index.query(ListQuery(**query))]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("whhd", ["C000001"]),  # pinyin initials of 武汉宏达
        ("hongda", ["C000001"]),  # full pinyin, a syllable run inside the name
        ("宏达", ["C000001"]),
        ("WuHan", ["C000001", "C000003"]),  # case does not matter
        ("chongqing", ["C000002"]),  # 重 read chong, not zhong
        ("yinhang", ["C000003"]),  # 行 read hang
        ("chengdu", ["C000004"]),  # 都 read du
        ("changsha", ["C000010"]),  # 长 read chang
        ("138000", ["C000001"]),  # phone
        ("王敏", ["C000001"]),  # contact person
        ("wm", ["C000001"]),  # contact person's initials
        ("c00000", ["C000001", "C000002", "C000003", "C000004", "C000005"]),  # id substring
        ("acme ltd", ["C000005"]),  # every word must match, in any order
        ("ltd acme", ["C000005"]),
        ("whhd 138", ["C000001"]),
        ("whhd 139", []),
        ("   ", ["C000001", "C000002", "C000003", "C000004", "C000005", "C000010"]),
    ],
)
def test_typing_finds_customers_by_id_name_phone_contact_and_pinyin(
    index: SearchIndex, typed: str, expected: list[str]
) -> None:
    assert ids(index, text=typed) == expected


def test_words_cannot_match_across_two_fields(index: SearchIndex) -> None:
    # The id ends in 1 and the name starts with 武: "1武" appears in no single field.
    assert ids(index, text="1武") == []


def test_incremental_typing_gives_the_same_result_as_typing_at_once() -> None:
    fresh = SearchIndex(ROWS, GRADES)
    for prefix in ("c", "ch", "cho", "chon", "chong"):
        fresh.query(ListQuery(text=prefix))
    assert [fresh.rows[i].id for i in fresh.query(ListQuery(text="chong"))] == ["C000002"]
    # Deleting characters widens the result again.
    assert len(fresh.query(ListQuery(text="c"))) == len(ROWS)


def test_filters_combine_columns_with_and_values_with_or(index: SearchIndex) -> None:
    assert ids(index, filters={"grade": frozenset({"A", "B"})}) == ["C000001", "C000002", "C000010"]
    assert ids(
        index, filters={"grade": frozenset({"A", "B"}), "nature": frozenset({"developer"})}
    ) == ["C000002", "C000010"]
    assert ids(index, filters={"grade": frozenset({""})}) == ["C000003"]  # ungraded
    assert ids(index, filters={"attention": frozenset({"yes"})}) == ["C000005"]
    assert ids(index, filters={"stage": frozenset({"past"})}, text="成都") == ["C000004"]
    assert ids(index, filters={"grade": frozenset()}) == ids(index)  # an empty set does not filter


def test_sort_by_total_both_ways_keeps_missing_values_last(index: SearchIndex) -> None:
    assert ids(index, sort="total") == [
        "C000005",
        "C000004",
        "C000010",
        "C000001",
        "C000002",
        "C000003",
    ]
    assert ids(index, sort="total", reverse=True) == [
        "C000002",
        "C000001",
        "C000010",
        "C000004",
        "C000005",
        "C000003",
    ]


def test_sort_by_grade_follows_the_policy_order_with_ungraded_last(index: SearchIndex) -> None:
    assert ids(index, sort="grade") == [
        "C000002",
        "C000001",
        "C000010",
        "C000004",
        "C000005",
        "C000003",
    ]


def test_sort_by_name_is_pinyin_order_as_staff_expect(index: SearchIndex) -> None:
    names = [index.rows[i].name for i in index.query(ListQuery(sort="name"))]
    # By reading in context: Acme, chang(sha), cheng(du), chong(qing), wu(han), zhong(guo)
    assert names[0] == "Acme Scaffolding Ltd"
    assert names.index("长沙鑫润置地有限公司") < names.index("成都万祥市政工程有限公司")
    assert names == [
        "Acme Scaffolding Ltd",
        "长沙鑫润置地有限公司",
        "成都万祥市政工程有限公司",
        "重庆锦坤地产集团有限公司",
        "武汉宏达建设工程有限公司",
        "中国银行武汉分行",
    ]


def test_sort_ties_fall_back_to_id_in_both_directions(index: SearchIndex) -> None:
    assert ids(index, sort="nature")[:3] == ["C000003", "C000002", "C000010"]
    assert ids(index, sort="nature", reverse=True)[:3] == ["C000001", "C000004", "C000005"]


def test_unknown_sort_column_is_refused_with_the_choices(index: SearchIndex) -> None:
    with pytest.raises(ValueError, match="cannot sort by 'phone'; use one of id, name"):
        index.order("phone")


def test_put_replaces_a_saved_customer_and_adds_a_new_one() -> None:
    index = SearchIndex(ROWS, GRADES)
    assert ids_of(index, "hongda") == ["C000001"]
    index.put(row("C000001", "武汉新名字有限公司", grade="A", total=95.0))
    assert ids_of(index, "hongda") == []
    assert ids_of(index, "whxmz") == ["C000001"]
    index.put(row("C000099", "湖北宏达机械", grade="C"))
    assert ids_of(index, "hongda") == ["C000099"]
    assert next(index.rows[i].id for i in index.order("total", True)) == "C000001"
    assert len(index) == len(ROWS) + 1


def ids_of(index: SearchIndex, text: str) -> list[str]:
    return [index.rows[i].id for i in index.query(ListQuery(text=text))]


def test_an_index_shown_before_its_search_keys_are_built_still_finds() -> None:
    index = SearchIndex(ROWS, GRADES, searchable=False)
    assert not index.searchable
    assert [index.rows[i].id for i in index.order("id")][:2] == ["C000001", "C000002"]
    assert ids_of(index, "whhd") == ["C000001"]
    assert index.searchable


def test_a_list_row_never_carries_personal_data() -> None:
    record = {
        "id": "C1", "name": "张三", "nature": "individual",
        "contact": {"phone": "139", "person": "张三"},
        "profile": {"person": {"age": 45, "personality": "谨慎", "hobbies": "钓鱼"}},
        "assessment": {"assessed_on": "2026-01-02"},
        "_grading": {"status": "graded", "grade": "B", "total": 81, "tier": "general",
                     "lifecycle": "new", "stage": "current"},
    }  # fmt: skip
    listed = row_of(record, personal_natures={"individual"})
    assert (listed.grade, listed.total, listed.assessed) == ("B", 81.0, "2026-01-02")
    text = repr(listed)
    for private in ("45", "谨慎", "钓鱼", "139"):
        assert private not in text
    # The policy decides who is a person: a nature it does not mark keeps its phone searchable.
    assert row_of(record, personal_natures=set()).phone == "139"


def test_an_ungraded_or_never_graded_record_has_no_grade_or_total() -> None:
    ungraded = row_of(
        {
            "id": "C2",
            "name": "x",
            "_grading": {"status": "ungraded", "grade": None, "total": None, "reasons": ["…"]},
        },
        personal_natures=(),
    )
    never = row_of({"id": "C3", "name": "y"}, personal_natures=())
    assert (ungraded.grade, ungraded.total) == ("", None)
    assert (never.grade, never.total, never.stage) == ("", None, "")


def test_pinyin_keys_are_cached_per_character() -> None:
    keys = PinyinKeys()
    assert keys.keys("武汉宏达")[:2] == ("wuhanhongda", "whhd")
    assert keys.keys("重庆")[2:] == ("chongqing", "cq")
    assert keys.keys("ABC 建设")[:2] == ("abcjianshe", "abcjs")


NAMES = st.text(alphabet="武汉宏达重庆长沙银行建设abcAB 12", min_size=0, max_size=8)


@settings(max_examples=60, deadline=None)
@given(
    names=st.lists(NAMES, min_size=1, max_size=25),
    word=st.text(alphabet="whdcqabs12 ", max_size=7),
    other=st.text(alphabet="whdcqabs12 ", max_size=4),
)
def test_incremental_search_always_equals_a_fresh_search(
    names: list[str], word: str, other: str
) -> None:
    rows = [row(f"C{i:06d}", name) for i, name in enumerate(names)]
    index = SearchIndex(rows, GRADES)
    # Typing a word key by key, then something else, then backspacing to its start.
    steps = [word[:k] for k in range(len(word) + 1)] + [other, word[:1]]
    for text in steps:
        fresh = SearchIndex(rows, GRADES)
        assert index.query(ListQuery(text=text)) == fresh.query(ListQuery(text=text))
