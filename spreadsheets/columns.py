"""The spreadsheet columns of customers, leases and sources: Chinese and English headers, kinds."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from creditfile.policy.model import Policy

Kind = Literal[
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
]


@dataclass(frozen=True)
class Field:
    """One column: where its value goes in the document, its header, and how to read it."""

    path: str
    header: str
    kind: Kind = "text"
    note: str = ""
    aliases: tuple[str, ...] = ()
    required: bool = False
    personal: bool = False


def _f(
    path: str,
    header: str,
    kind: Kind = "text",
    note: str = "",
    *aliases: str,
    required: bool = False,
    personal: bool = False,
) -> Field:
    return Field(path, header, kind, note, aliases, required, personal)


CUSTOMER_FIELDS: tuple[Field, ...] = (
    _f("id", "客户编号", "id", "每个客户唯一, 如 C000123; 租赁和来源表用它关联", required=True),
    _f("name", "客户名称", "text", "全称", required=True),
    _f("nature", "客户性质", "nature", "政策中的客户性质: 中文名称或英文代码", required=True),
    _f("contact.address", "地址", "text", "", "联系地址"),
    _f("contact.phone", "电话", "text", "", "联系电话"),
    _f("contact.person", "联系人", "text"),
    _f("contact.email", "电子邮箱", "text", "", "邮箱"),
    _f("profile.founded_on", "成立日期", "date", "YYYY-MM-DD 或 Excel 日期"),
    _f(
        "profile.trading_since",
        "与本公司交易时间",
        "date",
        "首次交易日期; 留空则取最早的租赁开始日",
        "开始交易时间",
        "首次交易日期",
    ),
    _f("profile.registered_capital", "注册资本", "money", "元"),
    _f("profile.total_assets", "总资产", "money", "元", "资产总额"),
    _f("characteristics.development_potential", "发展潜力", "text"),
    _f("characteristics.business_philosophy", "经营理念", "text"),
    _f("characteristics.management_style", "管理风格", "text"),
    _f("business.construction_business", "建筑业务", "text", "现在及过去的建筑业务"),
    _f("business.leasing_performance", "租赁表现", "text", "与本公司的租赁业绩"),
    _f("business.cooperation_attitude", "合作态度", "text"),
    _f("trading.lease_status", "租赁现状", "text", "目前租赁的品种与数量"),
    _f("trading.problems", "存在问题", "text"),
    _f("trading.strengths", "客户优势", "text", "", "优势"),
    _f("trading.countermeasures", "对策", "text", "我方对该客户的计划", "应对措施"),
)
ASSESSMENT_TAIL: tuple[Field, ...] = (
    _f("assessment.assessed_by", "评估人", "text"),
    _f("assessment.assessed_on", "评估日期", "date", "YYYY-MM-DD 或 Excel 日期"),
    _f("assessment.note", "评估备注", "text"),
)
PERSON_FIELDS: tuple[Field, ...] = (
    _f("profile.person.age", "年龄", "int", "个人信息", personal=True),
    _f("profile.person.personality", "性格", "text", "个人信息", personal=True),
    _f("profile.person.hobbies", "爱好", "text", "个人信息", personal=True),
    _f("profile.person.family", "家庭", "text", "个人信息", personal=True),
)
LEASE_FIELDS: tuple[Field, ...] = (
    _f("customer", "客户编号", "id", "与客户表的客户编号一致", "customer_id", "id", required=True),
    _f("contract", "合同编号", "text"),
    _f("item", "租赁物", "item", "租赁物品类: 中文名称或英文代码", "租赁物品类", "品类"),
    _f("start", "开始日期", "date", "YYYY-MM-DD 或 Excel 日期", "起租日期"),
    _f("end", "结束日期", "date", "YYYY-MM-DD 或 Excel 日期", "退租日期"),
    _f("amount", "金额", "money", "租赁金额, 元", "租赁金额", "合同金额"),
    _f("status", "状态", "status", "在租 / 已结束 / 已取消 (active / closed / cancelled)"),
    _f("outstanding", "应收余额", "money", "尚未收回的款项, 元", "应收款", "欠款"),
    _f("overdue_days", "逾期天数", "int", "最长逾期天数"),
)
SOURCE_FIELDS: tuple[Field, ...] = (
    _f("customer", "客户编号", "id", "与客户表的客户编号一致", "customer_id", "id", required=True),
    _f("kind", "来源类型", "source_kind", "业务员走访 / 客户自填 / 专业机构调查", "来源"),
    _f("on", "日期", "date", "YYYY-MM-DD 或 Excel 日期", "调查日期"),
    _f("by", "经办人", "text", "", "调查人"),
    _f("verified", "已核实", "bool", "客户自填资料是否已审核: 是 / 否", "已审核"),
    _f("cost", "费用", "money", "专业机构调查费用, 元"),
    _f("note", "备注", "text"),
)
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
STATUS_LABELS = {"active": "在租", "closed": "已结束", "cancelled": "已取消"}
SOURCE_KIND_LABELS = {
    "salesperson_visit": "业务员走访",
    "customer_form": "客户自填",
    "agency_investigation": "专业机构调查",
}
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
