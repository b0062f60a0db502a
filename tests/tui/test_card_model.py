"""The card's editing model without a screen: typed values, the working copy, lease and source
actions, and where each validation problem is shown."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date

import pytest

from creditfile.engine.validation import Problem, validator_for
from creditfile.policy import Policy
from creditfile.presentation.translation import set_language
from creditfile.tui.card.backend import next_free_id
from creditfile.tui.card.draft import Draft, problems_by_section, problems_for, section_of
from creditfile.tui.card.fields import SECTIONS, FieldSpec, format_value, parse_value, set_path
from creditfile.tui.card.row_actions import relative_problems
from creditfile.tui.card.views import history_row, local_time, source_row


def record(**extra: object) -> dict[str, object]:
    doc: dict[str, object] = {
        "id": "C000007",
        "name": "武汉宏达建设工程有限公司",
        "nature": "ordinary_company",
        "leases": [
            {
                "contract": "L1",
                "item": "tower_crane",
                "start": "2025-01-05",
                "amount": 800000,
                "status": "active",
            },
            {
                "contract": "L2",
                "item": "steel_formwork",
                "start": "2024-02-01",
                "end": "2024-06-30",
                "amount": 120000,
                "status": "closed",
            },
        ],
        "sources": [
            {"kind": "customer_form", "on": "2026-09-01", "by": "王敏", "verified": False},
            {"kind": "salesperson_visit", "on": "2026-08-01", "by": "王敏", "verified": True},
        ],
        "_meta": {"rev": 4, "updated_by": "li", "updated_at": "2026-11-01T09:00:00"},
        "_grading": {"grade": "B", "total": 84},
    }
    doc.update(extra)
    return doc


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("", "money", None),
        ("   ", "text", None),
        ("1,250,000", "money", 1250000),
        ("12.5", "score", 12.5),
        ("12.0", "score", 12.0),
        ("abc", "money", "abc"),  # kept as typed: the shared validation names the mistake
        ("nan", "money", "nan"),
        ("45", "int", 45),
        ("2026-13-40", "date", "2026-13-40"),
        ("true", "bool", True),
        ("false", "bool", False),
        (" 王敏 ", "text", "王敏"),
    ],
)
def test_typed_text_becomes_the_document_value(text: str, kind: str, expected: object) -> None:
    assert parse_value(text, kind) == expected  # type: ignore[arg-type]
    if expected is not None and not isinstance(expected, str):
        assert parse_value(format_value(expected, kind), kind) == expected  # type: ignore[arg-type]


def test_clearing_the_last_field_of_a_section_removes_the_section() -> None:
    doc: dict[str, object] = {"id": "C1", "contact": {"phone": "138"}}
    set_path(doc, "contact.phone", None)
    assert doc == {"id": "C1"}
    set_path(doc, "profile.person.age", 45)
    assert doc == {"id": "C1", "profile": {"person": {"age": 45}}}
    set_path(doc, "trading.problems", None)
    assert "trading" not in doc


def test_a_draft_is_dirty_only_while_it_differs_from_what_was_loaded() -> None:
    draft = Draft(record())
    assert draft.base_rev == 4 and not draft.dirty
    assert "_meta" not in draft.doc and draft.grading == {"grade": "B", "total": 84}
    spec = FieldSpec("contact.phone")
    draft.set_text(spec, "13900000000")
    assert draft.dirty and draft.value("contact.phone") == "13900000000"
    draft.set_text(spec, "")
    assert not draft.dirty


def test_a_new_customer_starts_from_the_proposed_id() -> None:
    draft = Draft(None, "C000124")
    assert draft.is_new and draft.base_rev is None and draft.customer_id == "C000124"


def test_closing_a_lease_ends_it_today_unless_it_ended_earlier() -> None:
    draft = Draft(record())
    assert draft.close_lease(0, date(2026, 11, 29)) is None
    assert draft.leases[0]["status"] == "closed" and draft.leases[0]["end"] == "2026-11-29"
    refused = draft.close_lease(1, date(2026, 11, 29))
    assert (
        refused is not None
        and refused.key == "Lease {contract} is not active; only an active lease can be closed"
    )
    assert draft.leases[1]["end"] == "2024-06-30"


def test_cancelling_keeps_the_lease_on_file() -> None:
    draft = Draft(record())
    assert draft.cancel_lease(1) is None
    assert [lease["status"] for lease in draft.leases] == ["active", "cancelled"]
    refused = draft.cancel_lease(1)
    assert refused is not None and refused.key == "Lease {contract} is already cancelled"


def test_only_customer_forms_are_verified_and_each_only_once() -> None:
    draft = Draft(record())
    assert draft.pending_forms() == 1
    refused = draft.verify_source(1)
    assert refused is not None and refused.key == "Only customer forms need an audit"
    assert draft.verify_source(0) is None
    assert draft.pending_forms() == 0
    again = draft.verify_source(0)
    assert again is not None and again.key == "This source is already verified"
    assert [s["index"] for s in draft.newly_verified()] == [0]
    draft.reset(record())
    assert draft.newly_verified() == []


def test_problems_go_to_their_field_or_else_to_their_tab() -> None:
    problems = [
        Problem("contact.phone", "phone must be text"),
        Problem("leases[1].amount", "amount must be ≥ 0"),
        Problem("profile.person.age", "age must be a whole number"),
        Problem("assessment.strength", "25 is outside 0–10"),
        Problem("", "unknown key 'nmae'"),
    ]
    assert problems_for("contact.phone", problems) == ["phone must be text"]
    assert problems_for("contact", problems) == ["phone must be text"]
    grouped = problems_by_section(problems, {"contact.phone", "assessment.strength"})
    # A field no row shows is named by its label, never by its document path.
    assert grouped == {
        "leases": ["Leases #2 · Amount: amount must be ≥ 0"],
        "person": ["Age: age must be a whole number"],
        "basic": ["unknown key 'nmae'"],
    }
    assert section_of("sources[0].on") == "sources"


def test_every_section_field_has_a_distinct_widget_id() -> None:
    ids = [spec.widget_id for specs in SECTIONS.values() for spec in specs]
    assert len(ids) == len(set(ids))
    assert all("." not in i for i in ids)


def test_lease_problems_are_shown_relative_to_the_lease_being_edited() -> None:
    problems = [
        Problem("leases[2].amount", "negative"),
        Problem("leases[20].end", "x"),
        Problem("leases[2]", "end before start"),
    ]
    relative = relative_problems(problems, "leases[2]")
    assert [(p.path, p.message) for p in relative] == [
        ("amount", "negative"),
        ("", "end before start"),
    ]


@pytest.mark.parametrize(
    ("ids", "expected"),
    [([], "C000001"), (["C000009", "C000123", "X1"], "C000124"), (["K99"], "K100")],
)
def test_the_proposed_id_follows_the_highest(ids: list[str], expected: str) -> None:
    assert next_free_id(ids) == expected


def test_an_unaudited_customer_form_stands_out() -> None:
    set_language("zh")
    pending = source_row({"kind": "customer_form", "on": "2026-09-01", "verified": False}, "zh")
    audited = source_row({"kind": "customer_form", "on": "2026-09-01", "verified": True}, "zh")
    assert "待审核" in str(pending[2]) and "red" in str(pending[2].style)
    assert "待审核" not in str(audited[2])


def test_history_rows_say_who_did_what_when() -> None:
    row = history_row(
        {
            "at": "2026-11-29T10:15:00",
            "actor": "wang",
            "kind": "grade_changed",
            "from": "B",
            "to": "A",
            "total": 91,
        },
        "en",
    )
    assert row == ("2026-11-29 10:15", "wang", "grade changed", "B → A  91")
    set_language("zh")
    revealed = history_row(
        {
            "at": "2026-11-29T10:16:00",
            "actor": "li",
            "kind": "personal_data_revealed",
            "via": "creditfile tui",
        },
        "zh",
    )
    assert revealed[2] == "查看个人信息" and "creditfile tui" in revealed[3]


@pytest.mark.parametrize(
    ("lang", "shown"),
    [
        ("zh", "修改: 电话、成立日期、租赁、付款情况、assessment.gone"),
        ("en", "changed: Phone, Founded on, Leases, 付款情况, assessment.gone"),
    ],
)
def test_history_names_changed_fields_by_their_labels(
    lang: str, shown: str, default_policy: Policy
) -> None:
    set_language(lang)
    row = history_row(
        {
            "at": "2026-11-29T10:15:00",
            "actor": "wang",
            "kind": "customer_changed",
            "fields": [
                "contact.phone",
                "profile.founded_on",
                "leases",
                "assessment.payment",
                "assessment.gone",  # an item of an earlier policy: shown as recorded
            ],
        },
        lang,
        default_policy,
    )
    assert row[3] == shown


def test_history_rows_show_each_change_labelled_with_old_and_new(default_policy: Policy) -> None:
    event = {
        "at": "2026-11-29T10:15:00",
        "actor": "wang",
        "kind": "customer_changed",
        "fields": ["contact.phone", "leases", "profile.person.age", "nature"],
        "changes": [
            {"path": "contact.phone", "old": "027-1", "new": "027-2"},
            {"path": "leases[0].amount", "old": 1000, "new": 50_000_000, "ref": "L9"},
            {"path": "profile.person.age", "old": "•••", "new": "•••", "personal": True},
            {"path": "nature", "old": "developer", "new": "central_soe"},
        ],
    }
    set_language("zh")
    row = history_row(event, "zh", default_policy)
    assert row[3].split("\n") == [
        "电话: 027-1 → 027-2",
        "租赁 L9 · 金额: 1,000.00 → 50,000,000.00",
        "年龄: ••• → •••",
        "客户性质: 开发商 → 央企",
    ]


@pytest.mark.parametrize(
    ("zone", "shown"),
    [
        ("Asia/Shanghai", "2026-11-29 10:15"),  # UTC+8: the same day, eight hours on
        ("America/New_York", "2026-11-28 21:15"),  # UTC-5 in November: the day before
        ("UTC", "2026-11-29 02:15"),
    ],
)
def test_times_are_shown_to_the_minute_in_local_time(
    monkeypatch: pytest.MonkeyPatch, zone: str, shown: str
) -> None:
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        assert local_time("2026-11-29T02:15:00+00:00") == shown
        assert local_time("2026-11-29T10:15:00+08:00") == local_time("2026-11-29T02:15:00Z")
    finally:
        monkeypatch.undo()
        time.tzset()
    assert local_time("2026-11-01T09:00:00") == "2026-11-01 09:00"
    assert local_time("yesterday") == "yesterday"
    assert local_time(None) == ""


def test_a_merged_away_event_reads_as_words_without_the_os_account() -> None:
    event = {
        "kind": "customer_merged_away",
        "customer_id": "C2",
        "actor": "王敏",
        "os_user": "wangmin",
        "host": "desk-3",
        "at": "2026-12-01T04:51:00+00:00",
        "rev": 1,
        "into": "C1",
    }
    detail = history_row(event, "en", None, own_id="C1")[3]
    assert "merged into C1" in detail
    assert "=" not in detail and "wangmin" not in detail and "desk-3" not in detail


@pytest.mark.parametrize(
    ("lang", "at_field", "in_tab"),
    [
        (
            "zh",
            "为空；请从以下选择一项：active (在租), closed (已结束), cancelled (已取消)",
            "租赁 #1 · 金额: 为空；请填写数字",
        ),
        (
            "en",
            "is empty; choose one of active, closed, cancelled",
            "Leases #1 · Amount: is empty; fill it in with a number",
        ),
    ],
)
def test_a_validation_problem_reads_in_the_language_in_force(
    lang: str, at_field: str, in_tab: str, default_policy: Policy, speak: Callable[[str], str]
) -> None:
    speak(lang)
    doc = {
        "id": "C1",
        "name": "x",
        "nature": "ordinary_company",
        "leases": [{"contract": "L1", "item": "tower_crane", "start": "2025-01-05",
                    "amount": None, "status": None}],
    }  # fmt: skip
    problems = validator_for(default_policy).problems(doc)
    relative = relative_problems(problems, "leases[0]")
    assert problems_for("status", relative) == [at_field]
    assert problems_by_section(problems, {"leases[0].status"}) == {"leases": [in_tab]}
    assert "None" not in " ".join(p.text() for p in problems)  # no Python repr in English
