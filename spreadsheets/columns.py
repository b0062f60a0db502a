"""The spreadsheet columns of customers, leases and sources, from the customer field catalogue."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from creditfile.document import CustomerField, field_catalogue
from creditfile.policy.model import Policy

CellKind = Literal[
    "text",
    "id",
    "date",
    "money",
    "number",
    "int",
    "nature",
    "item",
    "status",
    "bool",
    "source_kind",
    "relation",
]


@dataclass(frozen=True)
class Field:
    """One column: where its value goes in the document, its header, and how to read it."""

    path: str
    header: str
    kind: CellKind = "text"
    note: str = ""
    aliases: tuple[str, ...] = ()
    required: bool = False
    personal: bool = False


def _f(
    path: str,
    header: str,
    kind: CellKind = "text",
    note: str = "",
    *aliases: str,
    required: bool = False,
    personal: bool = False,
) -> Field:
    return Field(path, header, kind, note, aliases, required, personal)


# How a sheet reads and writes each format of the field catalogue; the two schema enums are
# read with their own words (STATUS_WORDS, SOURCE_KIND_LABELS).
_KINDS: dict[str, CellKind] = {
    "id": "id",
    "text": "text",
    "date": "date",
    "amount": "money",
    "integer": "int",
    "score": "number",
    "nature": "nature",
    "item": "item",
    "flag": "bool",
}
_CHOICE_KINDS: dict[str, CellKind] = {
    "leases[].status": "status",
    "sources[].kind": "source_kind",
    "related[].relation": "relation",
}


def _column(field: CustomerField) -> Field:
    """The sheet column of a catalogue field: its header, aliases, kind and template note."""
    kind = _CHOICE_KINDS[field.key] if field.format == "choice" else _KINDS[field.format]
    required = field.required and not field.in_list  # a record sheet's rows are checked whole
    return Field(
        field.record_key,
        field.header,
        kind,
        field.hint,
        field.aliases,
        required,
        field.personal,
    )


def field_column(field: CustomerField) -> Field:
    """The sheet column of a catalogue field (how a cell of it is read)."""
    return _column(field)


def _sheet(predicate: Callable[[CustomerField], bool]) -> tuple[Field, ...]:
    return tuple(_column(f) for f in field_catalogue().values() if predicate(f))


def _customer_ref() -> Field:
    """The column of a lease or source sheet naming its customer by id."""
    ident = field_catalogue()["id"]
    return _f("customer", ident.header, "id", f"与客户表的{ident.header}一致", "customer_id", "id",
              required=True)  # fmt: skip


CUSTOMER_FIELDS = _sheet(lambda f: not (f.in_list or f.personal or f.section == "assessment"))
ASSESSMENT_TAIL = _sheet(lambda f: not f.in_list and f.section == "assessment")
PERSON_FIELDS = _sheet(lambda f: f.personal)
LEASE_FIELDS = (_customer_ref(), *_sheet(lambda f: f.in_list and f.section == "leases"))
SOURCE_FIELDS = (_customer_ref(), *_sheet(lambda f: f.in_list and f.section == "sources"))
RELATED_FIELDS = (_customer_ref(), *_sheet(lambda f: f.in_list and f.section == "related"))
# Text that looks like a number and must stay text in Excel (leading zeros, long digits).
TEXT_CODES = frozenset({"contact.phone", "credit_code", "contract", "customer"})

# Columns an export adds after the document's own; an import skips them, so an exported
# workbook can be edited and imported again.
GRADING_HEADERS: tuple[tuple[str, str], ...] = (
    ("status", "评级状态"),
    ("grade", "信用等级"),
    ("total", "总分"),
    ("tier", "客户层级"),
    ("lifecycle", "新老客户"),
    ("stage", "交易阶段"),
    ("as_of", "评级日期"),
    ("policy", "政策版本"),
    ("reasons", "评级说明"),
)

STATUS_WORDS = {
    "active": "active",
    "在租": "active",
    "进行中": "active",
    "正在租赁": "active",
    "closed": "closed",
    "已结束": "closed",
    "结束": "closed",
    "已完成": "closed",
    "已退租": "closed",
    "cancelled": "cancelled",
    "canceled": "cancelled",
    "已取消": "cancelled",
    "取消": "cancelled",
}
STATUS_LABELS = field_catalogue()["leases[].status"].choice_labels("zh")
SOURCE_KIND_LABELS = field_catalogue()["sources[].kind"].choice_labels("zh")
RELATION_LABELS = field_catalogue()["related[].relation"].choice_labels("zh")
BOOL_WORDS = {
    "是": True,
    "否": False,
    "true": True,
    "false": False,
    "yes": True,
    "no": False,
    "y": True,
    "n": False,
    "1": True,
    "0": False,
    "已核实": True,
    "未核实": False,
    "已审核": True,
    "未审核": False,
}
CUSTOMER_SHEETS = ("客户", "客户档案", "customers", "customer")
LEASE_SHEETS = ("租赁", "租赁记录", "leases", "lease")
SOURCE_SHEETS = ("来源", "资料来源", "sources", "source")
RELATED_SHEETS = (field_catalogue()["related"].label.zh, "related")
IGNORED_SHEETS = ("说明", "代码表", "instructions", "codes", "readme")


def assessment_fields(policy: Policy) -> tuple[Field, ...]:
    """One column per manual scoring item of the policy, headed by its label."""
    return tuple(
        _f(
            f"assessment.{item.key}",
            item.label,
            "number",
            f"0–{item.weight:g} 分",
            item.key,
            f"{item.label}得分",
        )
        for item in policy.manual_items
    )


def customer_fields(policy: Policy, *, personal: bool = False) -> tuple[Field, ...]:
    """Every column of the customer sheet, in template order."""
    person = PERSON_FIELDS if personal else ()
    return (*CUSTOMER_FIELDS, *person, *assessment_fields(policy), *ASSESSMENT_TAIL)


def normalise_header(text: str) -> str:
    """A header as compared: no spaces, underscores, case, required mark or unit suffix."""
    text = re.sub(r"[(（][^)）]*[)）]\s*$", "", text.strip())
    return re.sub(r"[\s_*＊]+", "", text).lower()


def header_index(fields: Iterable[Field]) -> dict[str, Field]:
    """Every accepted spelling of each field's header: Chinese, path, last key, aliases."""
    index: dict[str, Field] = {}
    for field in fields:
        names = (field.header, field.path, field.path.rsplit(".", 1)[-1], *field.aliases)
        for name in names:
            index.setdefault(normalise_header(name), field)
    return index


def reverse_labels(labels: Mapping[str, str]) -> dict[str, str]:
    """``{label or key, lower-cased: key}`` for reading a key written either way."""
    mapping = {key.lower(): key for key in labels}
    mapping.update({label.strip().lower(): key for key, label in labels.items()})
    return mapping
