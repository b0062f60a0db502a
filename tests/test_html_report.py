"""The management report page: self-contained, complete, escaped, consistent with the reports."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

import pytest

from creditfile.engine import grade_archive
from creditfile.htmlreport.page import render_report
from creditfile.policy import Policy
from creditfile.reports.portfolio import migration_between, portfolio
from creditfile.reports.trend import trend

AS_OF = date(2026, 11, 29)
HAN = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
MARKS = {"strength": 10, "potential": 15, "reputation": 20, "payment": 30, "other": 10}


def _docs() -> list[dict[str, Any]]:
    docs = []
    for index in range(12):
        docs.append(
            {
                "id": f"H{index:02d}",
                "name": f"华中建设{index}有限公司",
                "nature": ("developer", "central_soe", "individual")[index % 3],
                "leases": [
                    {
                        "contract": f"L{index}",
                        "item": "tower_crane",
                        "start": "2019-01-01",
                        "amount": 1_000_000 + index * 250_000,
                        "status": "active",
                        "outstanding": 600_000.0 * (index % 3),
                        "overdue_days": 30 * index,
                    }
                ],
                "assessment": {**MARKS, "payment": 30 - 2 * index, "assessed_on": "2026-01-01"},
            }
        )
    docs[1]["name"] = '<script>alert("x")</script> & 公司'
    docs[1]["assessment"].pop("other")
    return docs


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend(attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.fixture(autouse=True)
def _chinese(speak: Callable[[str], str]) -> None:
    """The page in Chinese, its readers' usual language, unless a test speaks English."""
    speak("zh")


def _page(policy: Policy, *, with_migration: bool = True) -> tuple[str, dict[str, Any]]:
    docs = _docs()
    gradings = grade_archive(docs, policy, AS_OF)
    report = portfolio(docs, gradings, policy, AS_OF)
    if with_migration:
        changes = [
            {"customer": "H02", "run": "1", "to": "A"},
            {"customer": "H02", "run": "2", "to": "B"},
            {"customer": "H03", "run": "2", "to": "A"},
        ]
        amounts = {d["id"]: Decimal(d["leases"][0]["amount"]) for d in docs}
        report["migration"] = migration_between(["1", "2"], changes, amounts, policy, "1", "2")
    report["meta"] = {"archive": "/data/archive.json", "gradings_as_of": AS_OF.isoformat()}
    return render_report(report, policy), report


def test_the_page_needs_no_network_and_runs_no_code(default_policy: Policy) -> None:
    page, _ = _page(default_policy)
    parser = _Collector()
    parser.feed(page)
    assert "script" not in parser.tags and "link" not in parser.tags and "img" not in parser.tags
    urls = [v for k, v in parser.attrs if k in ("src", "href") and v]
    assert urls == []
    assert re.findall(r"https?://[^\s\"']+", page) == ["http://www.w3.org/2000/svg"] * page.count(
        "<svg"
    )
    assert "@media print" in page and "@page" in page


def test_every_section_is_there(default_policy: Policy) -> None:
    page, _ = _page(default_policy)
    for title in (
        "一、业务构成",
        "二、客户构成",
        "三、租赁物构成",
        "四、信用分析",
        "五、等级迁移",
        "六、信用敞口",
        "七、待复评客户",
    ):
        assert title in page
    assert page.count("<svg") >= 8  # grade ×2, four dimensions, items, aging, reasons


def test_customer_text_is_escaped(default_policy: Policy) -> None:
    page, _ = _page(default_policy)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; 公司" in page


HOSTILE = [
    '<script>alert("x")</script>',
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "{{ 7*7 }}{% raw %}{# x #}",
    "</td></tr></table><h1>伪造</h1>",
]


def _hostile_page(policy: Policy, name: str, item: str = "tower_crane") -> str:
    docs = _docs()
    for doc in docs[:4]:
        doc["name"] = name
        doc["leases"][0]["item"] = item
    gradings = grade_archive(docs, policy, AS_OF)
    report = portfolio(docs, gradings, policy, AS_OF)
    report["migration"] = None
    report["meta"] = {"archive": name, "gradings_as_of": AS_OF.isoformat()}
    return render_report(report, policy)


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_stay_text(default_policy: Policy, name: str) -> None:
    """A name (or archive path, or leased-item key) never becomes markup or template code."""
    page = _hostile_page(default_policy, name, item=name)
    parser = _Collector()
    parser.feed(page)
    assert not {"script", "img"} & set(parser.tags)
    assert parser.tags.count("h1") == 1  # the page's own heading only
    assert parser.tags.count("svg") >= 8  # every chart still drawn
    assert not [k for k, _ in parser.attrs if k.startswith("on")]
    text = "".join(parser.text)
    # Shown as the very text the clerk typed: never taken as markup or evaluated as a template.
    assert text.count(name) >= 5


@pytest.mark.parametrize("control", ["\u202e", "\u2066", "\u200f", "\x1b", "\x00"])
def test_bidi_and_control_characters_cannot_reorder_the_page(
    default_policy: Policy, control: str
) -> None:
    name = f"宏达{control}建设 <b>"
    page = _hostile_page(default_policy, name)
    assert control not in page
    assert "宏达\ufffd建设 &lt;b&gt;" in page


def test_headline_numbers_match_the_reports(default_policy: Policy) -> None:
    page, report = _page(default_policy)
    total = report["composition"]["grade"]["total"]["cumulative_amount"]
    assert f"{total / 10000:,.1f}<span>万元</span>" in page
    over = report["exposure"]["total"]["over_limit"]
    assert over > 0
    assert f"{over:,}<span>户</span>" in page
    assert f"共 {len(report['review']):,} 户" in page


def test_migration_matrix_marks_moves(default_policy: Policy) -> None:
    page, report = _page(default_policy)
    assert report["migration"]["count"]["A"]["B"] == 1
    assert 'class="m down"' in page
    assert "下调 <b class='down'>1</b> 户" in page


def test_without_runs_the_page_says_how_to_get_them(default_policy: Policy) -> None:
    page, _ = _page(default_policy, with_migration=False)
    assert "尚无评级运行记录" in page


def _english_page(policy: Policy, speak: Callable[[str], str]) -> tuple[str, dict[str, Any]]:
    """The page as ``report html --lang en`` writes it: English words, the policy's English."""
    speak("en")
    return _page(policy.in_language("en"))


def test_in_english_the_page_has_no_chinese_but_the_customers(
    default_policy: Policy, speak: Callable[[str], str]
) -> None:
    page, report = _english_page(default_policy, speak)
    parser = _Collector()
    parser.feed(page)
    names = {doc["name"] for doc in _docs()}
    shown = [t for t in parser.text if HAN.search(t) and t not in names]
    assert shown == [], shown
    assert '<html lang="en">' in page
    for title in (
        "1. Business:",
        "2. Customers:",
        "3. Leased items",
        "4. Credit analysis",
        "5. Grade migration",
        "6. Credit exposure",
        "7. Customers due for review",
    ):
        assert title in page
    over = report["exposure"]["total"]["over_limit"]
    assert f"{over:,}<span>customers</span>" in page
    assert f"{len(report['review']):,} customers in all." in page
    assert "downgraded" in page and "<b class='down'>1</b>" in page


def test_in_english_the_policy_speaks_english(
    default_policy: Policy, speak: Callable[[str], str]
) -> None:
    page, _ = _english_page(default_policy, speak)
    assert "credit policy Customer credit grading standard 2026.1" in page
    assert ">Monthly</td>" in page and ">Prepaid</td>" in page
    assert "A Prime customer" in page and "ungraded" in page
    assert "Tower crane" in page


def test_in_chinese_the_policy_is_as_written(default_policy: Policy) -> None:
    page, _ = _page(default_policy)
    assert '<html lang="zh-CN">' in page
    assert "信用政策 客户信用分级标准 2026.1" in page
    assert ">月结</td>" in page and ">预付</td>" in page
    assert "Monthly" not in page and "customers" not in page


def test_a_rows_label_is_never_broken_and_printed_tables_fit_the_page(
    default_policy: Policy,
) -> None:
    page, _ = _page(default_policy)
    style = page[page.index("<style>") : page.index("</style>")]
    # 优质客户 printed as 优质客 / 户 is a label nobody reads: a row's label stays on one line.
    assert re.search(r"tbody td:first-child \{ white-space: nowrap; \}", style)
    printed = style[style.index("@media print") :]
    # On A4 the credit terms' ten columns and the migration matrix fit inside their section.
    assert re.search(r"table \{ font-size: 10px; \}", printed)
    assert re.search(r"table\.matrix th, table\.matrix td \{ min-width: 0; \}", printed)
    assert "word-break: keep-all" in printed, "matrix headers break between words only"
    assert '<tr class=""><td class="">A 优质客户</td>' in page, "a grade labels its row"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_sections_are_numbered_as_shown_the_trend_among_them(
    default_policy: Policy, speak: Callable[[str], str], lang: str
) -> None:
    speak(lang)
    without, report = _page(default_policy)
    report["trend"] = trend(_docs(), {}, default_policy, "grade", "year", AS_OF)
    page = render_report(report, default_policy)
    shown = re.findall(r"<h2>(.)、" if lang == "zh" else r"<h2>(\d)\. ", page)
    assert shown == (list("一二三四五六七八") if lang == "zh" else list("12345678"))
    trend_title = "四、各年业务走势" if lang == "zh" else "4. Business over the years"
    assert f"<h2>{trend_title}" in page
    # Without leases over the years the trend is left out and leaves no gap in the numbers.
    assert len(re.findall(r"<h2>", without)) == 7 and (
        "<h2>七、" in without or "<h2>7. " in without
    )
