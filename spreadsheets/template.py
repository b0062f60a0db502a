"""The import template: empty sheets with documented headers, drop-down lists and instructions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from creditfile.document import field_catalogue
from creditfile.document.values import AMOUNT_CELL_FORMAT
from creditfile.policy.model import Policy
from creditfile.spreadsheets.columns import (
    LEASE_FIELDS,
    PERSON_FIELDS,
    RELATED_FIELDS,
    RELATED_SHEETS,
    RELATION_LABELS,
    SOURCE_FIELDS,
    SOURCE_KIND_LABELS,
    STATUS_LABELS,
    TEXT_CODES,
    Field,
    customer_fields,
)
from creditfile.spreadsheets.writing import inert_book, page_layout, sheet_font

KIND_TEXT = {
    "text": "文字",
    "id": "文字 (编号)",
    "date": "日期",
    "money": "金额 (元, 数字)",
    "number": "数字",
    "int": "整数",
    "nature": "客户性质 (见代码表)",
    "item": "租赁物品类 (见代码表)",
    "status": "状态 (见代码表)",
    "bool": "是 / 否",
    "source_kind": "来源类型 (见代码表)",
    "relation": "关联关系 (见代码表)",
}
DATA_ROWS = 2000  # drop-down lists cover this many rows
INTRO = (
    "客户信用档案导入模板 — 使用说明",
    "1. 在「客户」表每行填写一个客户; 带 * 的列必填 (表头为红色)。",
    "2. 「租赁」「来源」表每行一条记录, 用「客户编号」与客户表关联; 一个客户可以有多行。",
    "3. 日期可填 Excel 日期或 2024-03-15 这样的文字; 金额单位为元, 不要带单位。",
    "4. 客户性质、租赁物、状态、来源类型可填中文名称或英文代码 (见「代码表」)。",
    "5. 评分项按当前信用政策填写, 每项不超过满分; 缺项的客户导入后为「未评级」。",
    "6. 导入: creditfile import 文件.xlsx — 先检查全部行, 有任何错误则一行也不写入,"
    " 错误信息指明表名、行号和列 (如 客户!C7)。",
    "7. 个人信息 (年龄、性格、爱好、家庭) 属于敏感信息, 仅在确有需要时增加这些列。",
)


def build_template(policy: Policy) -> Any:
    """The template workbook (an ``openpyxl.Workbook``) for ``policy``."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    codes = _codes_sheet(book, policy)
    sheets = (
        ("客户", customer_fields(policy)),
        ("租赁", LEASE_FIELDS),
        ("来源", SOURCE_FIELDS),
        (RELATED_SHEETS[0], RELATED_FIELDS),
    )
    for name, fields in sheets:
        _data_sheet(book, name, fields, codes)
    _instructions(book, policy, sheets)
    # Staff should meet the instructions first and the code lists last.
    book.move_sheet("说明", offset=-book.sheetnames.index("说明"))
    book.move_sheet("代码表", offset=len(book.sheetnames) - 1 - book.sheetnames.index("代码表"))
    book.active = 1
    inert_book(book)  # labels come from the policy, which anyone may write
    return book


def _codes_sheet(book: Any, policy: Policy) -> dict[str, str]:
    sheet = book.create_sheet("代码表")
    catalogue = field_catalogue()
    lists = {
        "nature": (catalogue["nature"].header, dict(policy.natures)),
        "item": (catalogue["leases[].item"].header, dict(policy.item_categories)),
        "status": (catalogue["leases[].status"].header, STATUS_LABELS),
        "source_kind": (catalogue["sources[].kind"].header, SOURCE_KIND_LABELS),
        "relation": (catalogue["related[].relation"].header, RELATION_LABELS),
        "bool": ("是/否", {"true": "是", "false": "否"}),
    }
    ranges: dict[str, str] = {}
    column = 1
    for kind, (title, labels) in lists.items():
        from openpyxl.utils import get_column_letter

        letter, code = get_column_letter(column), get_column_letter(column + 1)
        sheet[f"{letter}1"], sheet[f"{code}1"] = title, "代码"
        sheet[f"{letter}1"].font = sheet[f"{code}1"].font = sheet_font(bold=True)
        for row, (key, label) in enumerate(labels.items(), start=2):
            sheet[f"{letter}{row}"], sheet[f"{code}{row}"] = label, key
        ranges[kind] = f"代码表!${letter}$2:${letter}${max(len(labels) + 1, 2)}"
        sheet.column_dimensions[letter].width = 18
        sheet.column_dimensions[code].width = 26
        column += 3
    sheet.freeze_panes = "A2"
    return ranges


def _kind(fld: Field) -> str:
    return "id" if fld.kind == "id" or fld.path in TEXT_CODES else fld.kind


def _data_sheet(book: Any, name: str, fields: Sequence[Field], codes: dict[str, str]) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    sheet = book.create_sheet(name)
    widths = []
    for index, fld in enumerate(fields, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=fld.header + ("*" if fld.required else ""))
        cell.font = sheet_font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="C00000" if fld.required else "305496")
        cell.comment = Comment(_describe(fld), "creditfile", width=260, height=110)
        width = max(12, 2 * len(fld.header) + 4)
        sheet.column_dimensions[letter].width = width
        widths.append(width)
        span = f"{letter}2:{letter}{DATA_ROWS + 1}"
        if fld.kind in codes:
            check = DataValidation(type="list", formula1=f"={codes[fld.kind]}", allow_blank=True)
            check.error = "请从下拉列表选择, 或填写代码表中的代码"
            check.showErrorMessage = False  # codes are accepted too, so only suggest
            sheet.add_data_validation(check)
            check.add(span)
        shown = _TEMPLATE_FORMATS.get(_kind(fld)) or _TEMPLATE_FORMATS.get(fld.kind)
        if shown:
            # 电话 as text: 02785551234 typed in keeps its leading 0; amounts with separators.
            for row in range(2, 202):
                sheet.cell(row=row, column=index).number_format = shown
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(fields))}1"
    page_layout(sheet, widths)


_TEMPLATE_FORMATS = {
    "date": "yyyy-mm-dd",
    "id": "@",
    "money": AMOUNT_CELL_FORMAT,
    "number": "0.00",
}


def _describe(fld: Field) -> str:
    parts = [f"{fld.header} ({fld.path})", KIND_TEXT[fld.kind]]
    if fld.required:
        parts.append("必填")
    if fld.note:
        parts.append(fld.note)
    return "\n".join(parts)


def _instructions(book: Any, policy: Policy, sheets: Sequence[tuple[str, Sequence[Field]]]) -> None:
    from openpyxl.styles import Alignment

    sheet = book.create_sheet("说明")
    for line in INTRO:
        sheet.append([line])
    sheet["A1"].font = sheet_font(bold=True, size=14)
    sheet.append([f"信用政策: {policy.name} {policy.version}"])
    sheet.append([])
    header_row = sheet.max_row + 1
    sheet.append(["表", "列名", "必填", "格式", "说明", "对应字段 (也可作英文表头)"])
    for cell in sheet[header_row]:
        cell.font = sheet_font(bold=True)
    extra = (("客户 (可选)", PERSON_FIELDS),)
    for name, fields in (*sheets, *extra):
        for fld in fields:
            sheet.append(
                [
                    name,
                    fld.header,
                    "是" if fld.required else "",
                    KIND_TEXT[fld.kind],
                    fld.note,
                    fld.path,
                ]
            )
    widths = (12, 18, 6, 22, 48, 40)
    for letter, width in zip("ABCDEF", widths, strict=True):
        sheet.column_dimensions[letter].width = width
    page_layout(sheet, widths, header_rows=f"{header_row}:{header_row}")
    for row in sheet.iter_rows(min_row=header_row):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
