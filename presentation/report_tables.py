"""Reports laid out as tables with Chinese headers, shared by the terminal, CSV, XLSX and HTML."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from creditfile.document import field_catalogue
from creditfile.presentation.tables import Column, ColumnFormat, Table
from creditfile.reports.composition import DIMENSIONS

DIMENSION_LABELS = {
    "grade": "信用等级",
    "nature": field_catalogue()["nature"].header,
    "tier": "客户层级",
    "lifecycle": "新老客户",
    "stage": "交易阶段",
    "item": "租赁物品类",
}
TOTAL_LABEL = "合计"


def _field_column(key: str) -> Column:
    """A column showing a customer field, headed as the field catalogue labels it."""
    return Column(key, field_catalogue()[key].header)


def composition_table(report: Mapping[str, Any]) -> Table:
    """Business composition by one dimension, with a total row."""
    by = report["by"]
    name = DIMENSION_LABELS[by]
    columns = (
        Column("key", "代码"),
        Column("label", name),
        Column("customers", "客户数", "int"),
        Column("customers_pct", "客户占比%", "pct"),
        Column("cumulative_amount", "累计租赁额(元)", "money"),
        Column("cumulative_pct", "累计额占比%", "pct"),
        Column("active_amount", "在租金额(元)", "money"),
        Column("active_pct", "在租额占比%", "pct"),
    )
    total = report["total"]
    rows = [*report["rows"], {"key": "", "label": TOTAL_LABEL, **total, **_full(report["rows"])}]
    return Table(f"构成-{name}", f"业务构成: 按{name}", columns, rows)


def _full(rows: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    # Shares of the total row: 100 where the column has anything to share, else 0.
    keys = [
        k
        for k in (
            "customers_pct",
            "cumulative_pct",
            "active_pct",
            "amount_pct",
            "leases_pct",
            "outstanding_pct",
        )
        if rows and k in rows[0]
    ]
    return {k: 100.0 if any(row[k] for row in rows) else 0.0 for k in keys}


def item_tables(report: Mapping[str, Any]) -> list[Table]:
    """Leased-item composition; crossed, also item×group tables of amount and of lease count."""
    columns = (
        Column("key", "代码"),
        Column("label", "租赁物品类"),
        Column("leases", "租赁笔数", "int"),
        Column("leases_pct", "笔数占比%", "pct"),
        Column("amount", "租赁金额(元)", "money"),
        Column("amount_pct", "金额占比%", "pct"),
        Column("customers", "承租客户数", "int"),
    )
    rows = [
        *report["rows"],
        {"key": "", "label": TOTAL_LABEL, **report["total"], **_full(report["rows"])},
    ]
    tables = [Table("构成-租赁物", "租赁物构成", columns, rows)]
    cross = report.get("cross")
    if cross:
        name = DIMENSION_LABELS[cross]
        tables.append(
            _cross_table(
                report, "amount", "money", f"租赁物×{name}-金额", f"租赁物金额(元) 按{name}"
            )
        )
        tables.append(
            _cross_table(report, "leases", "int", f"租赁物×{name}-笔数", f"租赁物笔数 按{name}")
        )
    return tables


def _cross_table(
    report: Mapping[str, Any], measure: str, kind: ColumnFormat, name: str, title: str
) -> Table:
    groups = report["columns"]
    columns = (
        Column("label", "租赁物品类"),
        *(Column(f"c:{g['key']}", _grade_header(g), kind) for g in groups),
        Column(measure, TOTAL_LABEL, kind),
    )
    rows = []
    for row in report["rows"]:
        line = {"label": row["label"], measure: row[measure]}
        line.update({f"c:{key}": cell[measure] for key, cell in row["cells"].items()})
        rows.append(line)
    totals: dict[str, Any] = {"label": TOTAL_LABEL, measure: report["total"][measure]}
    for group in groups:
        totals[f"c:{group['key']}"] = sum(row[f"c:{group['key']}"] for row in rows)
    if kind == "money":
        totals = {k: round(v, 2) if isinstance(v, float) else v for k, v in totals.items()}
    return Table(name, title, columns, [*rows, totals])


def credit_table(report: Mapping[str, Any]) -> Table:
    """Credit analysis: terms, customers and exposure per grade."""
    columns = (
        Column("key", "等级"),
        Column("label", "等级名称"),
        Column("price_discount_pct", "租价优惠%", "pct"),
        Column("payment_method", "回款方式"),
        Column("payment_cycle_days", "回款周期(天)", "int"),
        Column("deposit_pct", "押金比例%", "pct"),
        Column("credit_limit", "信用额度(元)", "money"),
        Column("priority_supply", "优先供货", "bool"),
        Column("review_every_days", "复评周期(天)", "int"),
        Column("customers", "客户数", "int"),
        Column("customers_pct", "客户占比%", "pct"),
        Column("cumulative_amount", "累计租赁额(元)", "money"),
        Column("outstanding", "应收余额(元)", "money"),
        Column("outstanding_pct", "应收占比%", "pct"),
        Column("over_limit", "超额度客户数", "int"),
    )
    # A grade's terms refined per nature follow it, one row a nature ("A · 个人").
    rows = [
        *(part for row in report["rows"] for part in (row, *row.get("by_nature", ()))),
        {
            "key": TOTAL_LABEL,
            **report["total"],
            "cumulative_amount": round(sum(r["cumulative_amount"] for r in report["rows"]), 2),
            **_full(report["rows"]),
        },
    ]
    return Table("信用分析", "信用分析: 各等级的交易条件与敞口", columns, rows)


EXPOSURE_COLUMNS = (
    _field_column("id"),
    _field_column("name"),
    Column("grade", "等级"),
    Column("credit_limit", "信用额度(元)", "money"),
    Column("outstanding", "应收余额(元)", "money"),
    Column("utilisation_pct", "额度使用率%", "pct"),
    Column("excess", "超出额度(元)", "money"),
    Column("max_overdue_days", "最长逾期(天)", "days"),
)


def exposure_tables(report: Mapping[str, Any]) -> list[Table]:
    """Over-limit customers, receivables aging and the largest receivables."""
    aging = (
        Column("label", "账龄"),
        Column("leases", "租赁笔数", "int"),
        Column("outstanding", "应收余额(元)", "money"),
        Column("outstanding_pct", "占比%", "pct"),
    )
    total = report["total"]
    aging_rows = [
        *report["aging"],
        {
            "label": TOTAL_LABEL,
            "outstanding": total["outstanding"],
            "leases": sum(r["leases"] for r in report["aging"]),
            **_full(report["aging"]),
        },
    ]
    return [
        Table(
            "超额度客户",
            f"超出信用额度的客户 ({total['over_limit']} 户)",
            EXPOSURE_COLUMNS,
            list(report["over_limit"]),
        ),
        Table("账龄", "应收账款账龄", aging, aging_rows),
        Table("应收前20", "应收余额最大的客户", EXPOSURE_COLUMNS, list(report["largest"])),
    ]


def review_table(rows: Sequence[Mapping[str, Any]]) -> Table:
    """Customers due for review, most urgent first, one line each."""
    columns = (
        Column("rank", "序号", "int"),
        _field_column("id"),
        _field_column("name"),
        Column("grade", "等级"),
        Column("reasons", "复评原因"),
        Column("details", "说明"),
    )
    lines = [
        {
            "rank": index,
            "id": row["id"],
            "name": row["name"],
            "grade": row["grade"],
            "reasons": "、".join(r["label"] for r in row["reasons"]),
            "details": "; ".join(r["message"] for r in row["reasons"]),
        }
        for index, row in enumerate(rows, start=1)
    ]
    return Table("待复评", f"待复评客户 ({len(lines)} 户, 最紧急在前)", columns, lines)


def migration_tables(matrix: Mapping[str, Any], title: str = "") -> list[Table]:
    """The from→to matrix by customer count and by cumulative lease amount."""
    tables = []
    kinds: tuple[tuple[str, ColumnFormat, str], ...] = (
        ("count", "int", "迁移-户数"),
        ("amount", "money", "迁移-金额"),
    )
    for measure, kind, name in kinds:
        columns = (
            Column("from", "原等级 \\ 新等级"),
            *(Column(f"to:{c['key']}", _grade_header(c), kind) for c in matrix["columns"]),
            Column("total", TOTAL_LABEL, kind),
        )
        rows = []
        for row in matrix["rows"]:
            cells = matrix[measure][row["key"]]
            line: dict[str, Any] = {"from": _grade_header(row), "total": _sum(cells.values())}
            line.update({f"to:{k}": v for k, v in cells.items()})
            rows.append(line)
        totals: dict[str, Any] = {"from": TOTAL_LABEL}
        for column in (c.key for c in columns[1:]):
            totals[column] = _sum(line[column] for line in rows)
        unit = "户数" if measure == "count" else "累计租赁额(元)"
        tables.append(Table(name, f"等级迁移{title}: {unit}", columns, [*rows, totals]))
    return tables


def _grade_header(group: Mapping[str, str]) -> str:
    key, label = group["key"], group["label"]
    return label if len(key) > 2 else f"{key} {label}"


def _sum(values: Any) -> Any:
    items = list(values)
    total = sum(items)
    return round(total, 2) if any(isinstance(v, float) for v in items) else total


def portfolio_tables(report: Mapping[str, Any]) -> list[Table]:
    """Every table of a ``portfolio`` report, one per spreadsheet sheet."""
    tables = [composition_table(report["composition"][by]) for by in DIMENSIONS]
    tables += item_tables(report["items"])
    tables += item_tables(report["items_by_nature"])[1:]
    tables.append(credit_table(report["credit"]))
    tables += exposure_tables(report["exposure"])
    tables.append(review_table(report["review"]))
    if report.get("migration"):
        tables += migration_tables(report["migration"])
    return tables
