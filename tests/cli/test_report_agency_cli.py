"""``creditfile report agency`` on a real archive: totals against the sources' own costs."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from test_report_cli import AS_OF, cli  # noqa: F401  (fixture)

from creditfile.store import Archive


def test_agency_report_totals_the_costs(tmp_path: Path, cli: Any) -> None:  # noqa: F811
    docs = [
        {
            "id": f"G{n}",
            "name": f"调查测试{n}有限公司",
            "nature": "developer",
            "sources": [
                {"kind": "agency_investigation", "on": f"202{4 + n % 2}-05-0{n + 1}",
                 "by": "某调查公司", "cost": 1000.25 * (n + 1)},
            ],
        }
        for n in range(4)
    ]  # fmt: skip
    Archive.open(tmp_path / "archive.json", create=True).import_customers(docs, actor="t")
    result = cli("report", "agency", "--as-of", AS_OF, "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)["data"]
    expected = sum((Decimal("1000.25") * (n + 1) for n in range(4)), Decimal(0))
    assert Decimal(repr(data["total"]["cost"])) == expected
    assert [y["year"] for y in data["years"]] == ["2024", "2025"]
    assert data["by_grade"][0]["key"] == "ungraded"  # never regraded
    zh = cli("--lang", "zh", "report", "agency", "--as-of", AS_OF)
    assert "专业机构调查及其费用" in zh.stdout and "10,002.50" in zh.stdout
    en = cli("report", "agency", "--as-of", AS_OF, "--csv")
    assert "Cost (CNY)" in en.stdout and "2024,ungraded," in en.stdout
    assert "未评级" not in en.stdout and "Grade name" in en.stdout  # one language at a time
    headers = zh.stdout.splitlines()[3].split()
    assert len(headers) == len(set(headers)), headers  # no two columns headed alike
    assert "未评级" in zh.stdout
