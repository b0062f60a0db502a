"""``report all`` carries the trend and the agency costs; ``policy diff`` compares the
investigation section a policy applies and says whose suggestion would change."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import openpyxl
import yaml
from test_report_cli import AS_OF, DOCS, MARKS, cli  # noqa: F401  (fixture)

from creditfile.policy import default_policy_path
from creditfile.policy.loader import DEFAULT_INVESTIGATION_REASON, default_investigation_when
from creditfile.store import Archive


def _with_investigations() -> list[dict[str, Any]]:
    docs = copy.deepcopy(DOCS)
    for n, doc in enumerate(docs[:6]):
        doc["sources"] = [
            {"kind": "agency_investigation", "on": f"202{4 + n % 2}-03-0{n + 1}", "cost": 1500.5}
        ]
    return docs


def test_report_all_has_the_trend_and_the_agency_costs(
    tmp_path: Path,
    cli: Any,  # noqa: F811
) -> None:
    Archive.open(tmp_path / "archive.json", create=True).import_customers(
        _with_investigations(), actor="t"
    )
    assert cli("regrade", "--as-of", AS_OF).returncode == 0
    every = json.loads(cli("report", "all", "--as-of", AS_OF, "--json").stdout)["data"]
    trend = json.loads(cli("report", "trend", "--as-of", AS_OF, "--json").stdout)["data"]
    agency = json.loads(cli("report", "agency", "--as-of", AS_OF, "--json").stdout)["data"]
    assert every["trend"] == trend and every["agency"] == agency
    assert agency["total"] == {"investigations": 6, "cost": 9003.0, "unpriced": 0, "customers": 6}
    out = tmp_path / "all.xlsx"
    result = cli("--lang", "zh", "report", "all", "--as-of", AS_OF, "--xlsx", str(out))
    assert result.returncode == 0, result.stderr
    book = openpyxl.load_workbook(out)
    assert {"趋势", "机构调查-按年", "机构调查-按等级"} <= set(book.sheetnames)
    totals = [r for r in book["机构调查-按等级"].iter_rows(values_only=True) if r[1] == "合计"]
    assert totals == [(None, "合计", 6, 9003, 0, 6)]
    english = tmp_path / "all-en.xlsx"
    assert cli("--lang", "en", "report", "all", "--xlsx", str(english)).returncode == 0
    names = openpyxl.load_workbook(english).sheetnames
    assert names[-3:] == ["Trend", "Agency by year", "Agency by grade"]
    text = cli("--lang", "zh", "report", "all", "--as-of", AS_OF).stdout
    assert "专业机构调查及其费用:按等级" in text and "9,003.00" in text


def _customer(cid: str, marks: dict[str, int], **extra: Any) -> dict[str, Any]:
    return {
        "id": cid,
        "name": f"调查对比{cid}有限公司",
        "nature": "developer",
        "assessment": {**marks, "assessed_on": "2026-06-01"},
        **extra,
    }


ZEROS = dict.fromkeys(MARKS, 0)
OVERDUE = [
    {"contract": "X-1", "item": "tower_crane", "start": "2026-06-01", "amount": 100_000,
     "status": "active", "outstanding": 50_000, "overdue_days": 120},
]  # fmt: skip
RECENT_REPORT = [{"kind": "agency_investigation", "on": "2026-10-30", "cost": 800}]


def _policy(tmp_path: Path, name: str, section: dict[str, str] | None) -> str:
    data = yaml.safe_load(default_policy_path().read_text("utf-8"))
    if section is not None:
        data["investigation"] = section
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return str(path)


def test_policy_diff_compares_the_investigation_each_policy_applies(
    tmp_path: Path,
    cli: Any,  # noqa: F811
) -> None:
    docs = [
        _customer("X1", MARKS, leases=OVERDUE),  # A (a new customer), overdue 120 days
        _customer("Y1", ZEROS, sources=RECENT_REPORT),  # D, an agency report 30 days old
        _customer("Z1", ZEROS),  # D, never investigated
    ]
    Archive.open(tmp_path / "archive.json", create=True).import_customers(docs, actor="t")
    old = _policy(tmp_path, "old.yaml", None)
    same = _policy(tmp_path, "same.yaml", {"when": default_investigation_when("D")})
    new = _policy(tmp_path, "new.yaml", {"when": 'grade == "D"', "reason": "限制类客户,建议调查"})
    unchanged = json.loads(cli("policy", "diff", old, same, "--as-of", AS_OF, "--json").stdout)
    assert unchanged["changes"] == []
    assert unchanged["what_if"]["investigation_changes"] == []
    result = cli("policy", "diff", old, new, "--as-of", AS_OF, "--json")
    assert result.returncode == 0, result.stderr
    diff = json.loads(result.stdout)
    assert diff["changes"] == [
        {"path": "investigation.when", "old": default_investigation_when("D"),
         "new": 'grade == "D"', "change": "changed"},
        {"path": "investigation.reason", "old": DEFAULT_INVESTIGATION_REASON,
         "new": "限制类客户,建议调查", "change": "changed"},
    ]  # fmt: skip
    moved = {row["id"]: row for row in diff["what_if"]["investigation_changes"]}
    assert set(moved) == {"X1", "Y1"}
    assert moved["X1"]["change"] == "withdrawn" and moved["X1"]["grade"] == "A"
    assert moved["X1"]["reason"] == DEFAULT_INVESTIGATION_REASON
    assert moved["Y1"] == {
        "id": "Y1", "name": "调查对比Y1有限公司", "grade": "D", "change": "suggested",
        "reason": "限制类客户,建议调查",
    }  # fmt: skip
    text = cli("--lang", "en", "policy", "diff", old, new, "--as-of", AS_OF).stdout
    assert "investigation.when" in text and "investigation.reason" in text
    assert "Agency investigation: 1 newly suggested, 1 no longer suggested" in text
    zh = cli("--lang", "zh", "policy", "diff", old, new, "--as-of", AS_OF).stdout
    assert "机构调查:新建议 1 户,不再建议 1 户" in zh
