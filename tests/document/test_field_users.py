"""Every module that shows or reads a customer field takes its label from the field catalogue."""

from __future__ import annotations

import ast
import csv
import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from creditfile.document import field_catalogue
from creditfile.document.merging import REVISION_HEADERS
from creditfile.formats.interchange import write_csv
from creditfile.policy import Policy
from creditfile.presentation.report_tables import exposure_columns, review_table
from creditfile.presentation.translation import LOCALE_DIR, set_language, translation
from creditfile.spreadsheets import columns as sheet_columns
from creditfile.spreadsheets.writing import write_customers_xlsx
from creditfile.tui.card import fields as card_fields
from creditfile.tui.card.views import LEASE_COLUMNS, SOURCE_COLUMNS, column_titles
from creditfile.tui.vocabulary import tab_label

CATALOGUE = field_catalogue()
ROOT = Path(__file__).resolve().parents[2]
# Every value a customer document can hold, each field once (the policy names the scores).
VALUES = list(CATALOGUE.values())


def _sheet_key(sheet: str, column: sheet_columns.Field) -> str:
    return f"{sheet}[].{column.path}" if sheet else column.path


def _sheet_columns() -> dict[str, sheet_columns.Field]:
    found: dict[str, sheet_columns.Field] = {}
    groups = (
        ("", sheet_columns.CUSTOMER_FIELDS),
        ("", sheet_columns.ASSESSMENT_TAIL),
        ("", sheet_columns.PERSON_FIELDS),
        ("leases", sheet_columns.LEASE_FIELDS[1:]),  # the first names the customer
        ("sources", sheet_columns.SOURCE_FIELDS[1:]),
        ("related", sheet_columns.RELATED_FIELDS[1:]),
    )
    for sheet, columns in groups:
        for column in columns:
            key = _sheet_key(sheet, column)
            assert key not in found, f"{key} has two columns"
            found[key] = column
    return found


def test_spreadsheets_have_one_column_per_field_headed_by_the_catalogue() -> None:
    columns = _sheet_columns()
    assert set(columns) == {f.key for f in VALUES}
    for field in VALUES:
        column = columns[field.key]
        assert column.header == field.header
        assert column.aliases == field.aliases
        assert column.personal == field.personal
    # The lease and source sheets name their customer as the customer sheet heads its id.
    assert sheet_columns.LEASE_FIELDS[0].header == CATALOGUE["id"].header
    assert sheet_columns.SOURCE_FIELDS[0].header == CATALOGUE["id"].header
    assert sheet_columns.RELATED_FIELDS[0].header == CATALOGUE["id"].header


def test_the_card_edits_every_field_once_under_the_catalogue_label() -> None:
    specs = [
        *(s for section in card_fields.SECTIONS.values() for s in section),
        *card_fields.ASSESSMENT_EXTRA,
        *card_fields.LEASE_FIELDS,
        *card_fields.SOURCE_FIELDS,
        *card_fields.RELATED_FIELDS,
    ]
    keys = [s.key for s in specs]
    assert sorted(keys) == sorted(f.key for f in VALUES)
    for spec in specs:
        field = CATALOGUE[spec.key]
        assert spec.path == field.record_key
        for lang in ("zh", "en"):
            assert spec.label(lang) == field.titled(lang)
    # The interface's catalogue holds interface words, not field labels.
    assert not [m for m in _catalogue_messages() if str(m).startswith("field.")]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_card_tables_are_headed_by_the_catalogue(lang: str) -> None:
    assert column_titles(LEASE_COLUMNS, lang) == [CATALOGUE[k].titled(lang) for k in LEASE_COLUMNS]
    assert column_titles(SOURCE_COLUMNS, lang)[0] == CATALOGUE["sources[].kind"].text(lang)


def test_card_tabs_are_the_catalogue_sections() -> None:
    tabs = {
        "person": "profile.person",
        "characteristics": "characteristics",
        "business": "business",
        "trading": "trading",
        "leases": "leases",
        "assessment": "assessment",
        "sources": "sources",
        "related": "related",
    }
    try:
        for lang in ("zh", "en"):
            set_language(lang)
            for tab, key in tabs.items():
                assert tab_label(tab) == CATALOGUE[key].label.text(lang)
    finally:
        set_language("en")


FULL_DOC: dict[str, Any] = {
    "id": "C1",
    "name": "甲公司",
    "nature": "developer",
    "credit_code": "91350100M000100Y43",
    "contact": {"address": "a", "phone": "1", "person": "p", "email": "e"},
    "profile": {
        "founded_on": "2001-02-03",
        "trading_since": "2010-01-01",
        "registered_capital": 1,
        "total_assets": 2,
        "person": {
            "age": 40,
            "personality": "x",
            "hobbies": "y",
            "family": "z",
            "id_number": "11010519491231002X",
        },
    },
    "characteristics": {
        "development_potential": "a",
        "business_philosophy": "b",
        "management_style": "c",
    },
    "business": {
        "construction_business": "a",
        "leasing_performance": "b",
        "cooperation_attitude": "c",
    },
    "trading": {"lease_status": "a", "problems": "b", "strengths": "c", "countermeasures": "d"},
    "leases": [
        {
            "contract": "L1",
            "item": "steel_formwork",
            "start": "2020-01-01",
            "end": "2020-02-01",
            "amount": 10,
            "status": "closed",
            "outstanding": 1,
            "overdue_days": 3,
        }
    ],
    "assessment": {"strength": 8, "assessed_by": "王", "assessed_on": "2026-01-01", "note": "n"},
    "sources": [
        {
            "kind": "customer_form",
            "on": "2026-01-01",
            "by": "b",
            "verified": False,
            "cost": 1,
            "note": "n",
            "declared": {"profile.total_assets": 1},
        }
    ],
    "related": [{"id": "C2", "relation": "main_contractor", "note": "某项目"}],
}


def test_the_full_example_fills_every_field() -> None:
    def has(node: Any, steps: list[str]) -> bool:
        head, *rest = steps
        if head.endswith("[]"):
            return all(has(item, rest) for item in node[head[:-2]])
        if head == "*":
            return any(k not in ("assessed_by", "assessed_on", "note") for k in node)
        return head in node and (not rest or has(node[head], rest))

    for field in CATALOGUE:
        assert has(FULL_DOC, field.key.replace("[]", "[].").replace("[]..", "[].").split(".")), (
            field.key
        )


def test_interchange_csv_has_a_column_for_every_field_outside_the_lists() -> None:
    out = io.StringIO()
    write_csv(out, [FULL_DOC], include_personal=True)
    header = next(csv.reader(io.StringIO(out.getvalue())))
    expected = [
        f.key for f in CATALOGUE if not f.in_list and f.format != "section" and f.name != "*"
    ]
    # The policy's scoring items lead the assessment section; every other column is a field.
    assert [h for h in header if h != "assessment.strength"] == expected


def test_the_exported_workbook_is_headed_by_the_catalogue(
    tmp_path: Path, default_policy: Policy
) -> None:
    path = tmp_path / "out.xlsx"
    write_customers_xlsx(path, [FULL_DOC], default_policy)
    book = load_workbook(path, read_only=True)
    try:
        heads = {ws.title: [c.value for c in next(ws.iter_rows(max_row=1))] for ws in book}
    finally:
        book.close()
    items = {i.label for i in default_policy.manual_items}
    grading = {header for _, header in sheet_columns.GRADING_HEADERS}
    grading.add(REVISION_HEADERS[0])  # bookkeeping for the import, like the grading
    customer = [h for h in heads["客户"] if h not in items | grading]
    assert sorted(customer) == sorted(f.header for f in VALUES if not f.in_list)
    assert heads["租赁"] == [CATALOGUE["id"].header] + [
        f.header for f in VALUES if f.section == "leases"
    ]
    assert heads["来源"] == [CATALOGUE["id"].header] + [
        f.header for f in VALUES if f.section == "sources"
    ]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_report_tables_head_customers_as_the_catalogue(lang: str) -> None:
    set_language(lang)
    try:
        expected = [CATALOGUE["id"].text(lang), CATALOGUE["name"].text(lang)]
        assert [c.header for c in exposure_columns()[:2]] == expected
        assert [c.header for c in review_table([]).columns[1:3]] == expected
    finally:
        set_language("en")


def _catalogue_messages() -> dict[str, str]:
    """The interface catalogue's English messages and their Chinese translations."""
    return dict(translation("zh")._catalog)  # type: ignore[attr-defined]


ZH_CATALOGUE = LOCALE_DIR.relative_to(ROOT) / "zh_CN" / "LC_MESSAGES" / "creditfile.po"


def _literals(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text("utf-8"))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


# Where a field's label is also the right word for something else, said once with the reason.
ELSEWHERE = {
    ("spreadsheets/columns.py", "租赁"): "the lease sheet's name",
    ("spreadsheets/columns.py", "资料来源"): "the source sheet's name",
    ("spreadsheets/columns.py", "来源"): "the source sheet's name",
    ("spreadsheets/columns.py", "已核实"): "a word read as yes",
    ("spreadsheets/columns.py", "已审核"): "a word read as yes",
    ("spreadsheets/writing.py", "租赁"): "the lease sheet's name",
    ("spreadsheets/writing.py", "来源"): "the source sheet's name",
    ("spreadsheets/template.py", "租赁"): "the lease sheet's name",
    ("spreadsheets/template.py", "来源"): "the source sheet's name",
    ("spreadsheets/template.py", "日期"): "the name of the date format",
    (str(ZH_CATALOGUE), "客户性质"): "the nature dimension of the portfolio screen",
    (str(ZH_CATALOGUE), "租赁物品类"): "the leased-item dimension of a report",
    (str(ZH_CATALOGUE), "应收余额(元)"): "a sum over leases, not one lease's field",
    (str(ZH_CATALOGUE), "应收余额"): "a sum over leases, not one lease's field",
    (str(ZH_CATALOGUE), "租赁物"): "the leased-item dimension of the HTML report",
    (str(ZH_CATALOGUE), "来源"): "where the policy in force comes from",
    (str(ZH_CATALOGUE), "个人信息"): "the key that reveals personal data",
    ("tui/screens/help.py", "End"): "the End key",
}


def test_no_module_writes_a_field_label_by_hand() -> None:
    labels: dict[str, str] = {}
    for field in CATALOGUE:
        for name in (field.header, field.label.zh, field.titled("zh"), *field.aliases):
            labels.setdefault(name, field.key)
    found = []
    for path in sorted(ROOT.glob("*/**/*.py")):
        top = path.relative_to(ROOT).parts[0]
        if top in {".venv", "build", "tests", "scripts", "document"}:
            continue
        for line, text in _literals(path):
            if text in labels and (str(path.relative_to(ROOT)), text) not in ELSEWHERE:
                found.append(f"{path.relative_to(ROOT)}:{line}: {text!r} ({labels[text]})")
    for english, chinese in _catalogue_messages().items():
        if chinese in labels and (str(ZH_CATALOGUE), chinese) not in ELSEWHERE:
            found.append(f"{ZH_CATALOGUE}: {english!r} → {chinese!r} ({labels[chinese]})")
    assert not found, "take these labels from creditfile.document.field_catalogue():\n" + "\n".join(
        found
    )
