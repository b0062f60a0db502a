"""Related customers (direct and indirect, 一): a customer names its main contractor or group
parent; import refuses a relation to a customer not on file with the id named, ``show`` gives
both directions, the workbook carries the relations there and back, a merge repoints them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from test_report_cli import cli  # noqa: F401  (fixture)

from creditfile.application.customers import InvalidCustomerError, save_customer
from creditfile.policy import default_policy_path, load_policy
from creditfile.store import Archive, customer_document

AS_OF = date(2026, 11, 29)


def _customer(cid: str, name: str, **extra: Any) -> dict[str, Any]:
    return {"id": cid, "name": name, "nature": "ordinary_company", **extra}


MAIN = _customer("M1", "中建三局第一建设工程有限责任公司", nature="central_soe")
GROUP = _customer("G1", "湖北联投集团有限公司", nature="government_investment")
SUB = _customer(
    "S1",
    "武汉鑫达劳务分包有限公司",
    related=[
        {"id": "M1", "relation": "main_contractor", "note": "光谷项目"},
        {"id": "G1", "relation": "group_parent"},
    ],
)


def _import(cli: Any, tmp_path: Path, name: str, docs: list[dict[str, Any]]) -> Any:  # noqa: F811
    path = tmp_path / name
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), "utf-8")
    return cli("import", str(path))


def test_an_import_keeps_relations_and_show_gives_both_directions(
    tmp_path: Path,
    cli: Any,  # noqa: F811
) -> None:
    # The subcontractor comes first: relations within one import may name each other.
    assert _import(cli, tmp_path, "all.jsonl", [SUB, MAIN, GROUP]).returncode == 0
    sub = json.loads(cli("show", "S1").stdout)
    assert sub["related"] == SUB["related"]
    assert [(r["id"], r["name"]) for r in sub["relations"]["names"]] == [
        ("M1", MAIN["name"]),
        ("G1", GROUP["name"]),
    ]
    main = json.loads(cli("show", "M1").stdout)
    assert main["relations"]["named_by"] == [
        {"id": "S1", "name": SUB["name"], "relation": "main_contractor", "note": "光谷项目"}
    ]
    group = json.loads(cli("show", "G1").stdout)["relations"]
    assert group == {
        "names": [],
        "named_by": [{"id": "S1", "name": SUB["name"], "relation": "group_parent"}],
    }


def test_a_relation_to_a_missing_customer_is_refused_with_its_id(
    tmp_path: Path,
    cli: Any,  # noqa: F811
) -> None:
    assert _import(cli, tmp_path, "main.jsonl", [MAIN]).returncode == 0
    result = _import(cli, tmp_path, "sub.jsonl", [SUB])
    assert result.returncode == 1
    assert "related[1].id" in result.stderr and "no customer G1 on file" in result.stderr
    assert Archive.open(tmp_path / "archive.json").get("S1") is None  # nothing written
    itself = _customer("S2", "自联公司", related=[{"id": "S2", "relation": "other"}])
    refused = _import(cli, tmp_path, "self.jsonl", [itself])
    assert refused.returncode == 1 and "cannot be related to itself" in refused.stderr
    store = Archive.open(tmp_path / "archive.json")
    policy = load_policy(default_policy_path())
    with pytest.raises(InvalidCustomerError, match="no customer G1 on file"):
        save_customer(store, SUB, base_rev=None, actor="t", policy=policy, as_of=AS_OF)
    assert store.get("S1") is None


def test_the_workbook_carries_relations_there_and_back(
    tmp_path: Path,
    cli: Any,  # noqa: F811
) -> None:
    assert _import(cli, tmp_path, "all.jsonl", [MAIN, GROUP, SUB]).returncode == 0
    out = tmp_path / "out.xlsx"
    assert cli("export", "--format", "xlsx", "--out", str(out)).returncode == 0
    sheet = openpyxl.load_workbook(out)["关联客户"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("客户编号", "关联客户编号", "关联关系", "备注")
    assert rows[1:] == [("S1", "M1", "总包单位", "光谷项目"), ("S1", "G1", "上级集团", None)]
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    result = cli("--db", str(fresh / "archive.json"), "import", str(out))
    assert result.returncode == 0, result.stderr
    back = customer_document(Archive.open(fresh / "archive.json").get("S1") or {})
    assert back["related"] == SUB["related"]


def test_a_merge_repoints_the_relations_naming_the_dropped_id(
    tmp_path: Path,
    cli: Any,  # noqa: F811
) -> None:
    twin = _customer("M2", "中建三局第一建设工程有限公司(重复)", nature="central_soe")
    other = _customer("S9", "另一分包公司", related=[{"id": "M2", "relation": "main_contractor"}])
    assert _import(cli, tmp_path, "all.jsonl", [MAIN, GROUP, SUB, twin, other]).returncode == 0
    result = cli("merge", "M1", "M2")
    assert result.returncode == 0, result.stderr
    assert "1 customer named M2 as related and now names M1: S9" in result.stdout
    store = Archive.open(tmp_path / "archive.json")
    assert customer_document(store.get("S9") or {})["related"] == [
        {"id": "M1", "relation": "main_contractor"}
    ]
    named_by = json.loads(cli("show", "M1").stdout)["relations"]["named_by"]
    assert sorted(r["id"] for r in named_by) == ["S1", "S9"]
    history = json.loads(cli("history", "S9", "--json").stdout)
    assert any("related" in json.dumps(e, ensure_ascii=False) for e in history)
    repointed = [e for e in history if e.get("kind") == "customer_changed"]
    assert repointed[-1]["repointed"] == {"from": "M2", "to": "M1"}
    # A file made before the merge names the old id: the relation lands on the kept one, as
    # the rows under the old id do; naming both gives one relation.
    old = _customer(
        "S8",
        "旧编号公司",
        related=[
            {"id": "M2", "relation": "main_contractor"},
            {"id": "M1", "relation": "main_contractor"},
        ],
    )
    assert _import(cli, tmp_path, "old.jsonl", [old]).returncode == 0
    assert customer_document(Archive.open(tmp_path / "archive.json").get("S8") or {})[
        "related"
    ] == [{"id": "M1", "relation": "main_contractor"}]
    # The card's save names the id to give instead.
    store = Archive.open(tmp_path / "archive.json")
    policy = load_policy(default_policy_path())
    stale = _customer("S7", "旧编号公司二", related=[{"id": "M2", "relation": "main_contractor"}])
    with pytest.raises(InvalidCustomerError, match="M2 was merged into M1; name M1"):
        save_customer(store, stale, base_rev=None, actor="t", policy=policy, as_of=AS_OF)


def test_a_loop_of_group_parents_is_refused_other_relations_may_run_both_ways(
    tmp_path: Path,
    cli: Any,  # noqa: F811
) -> None:
    a = _customer("A1", "甲集团", related=[{"id": "B1", "relation": "group_parent"}])
    b = _customer("B1", "乙集团", related=[{"id": "C1", "relation": "group_parent"}])
    c = _customer("C1", "丙集团", related=[{"id": "A1", "relation": "group_parent"}])
    refused = _import(cli, tmp_path, "loop.jsonl", [a, b, c])
    assert refused.returncode == 1
    assert "A1 → B1 → C1 → A1" in refused.stderr and "remove one" in refused.stderr
    assert not (tmp_path / "archive.json").exists()  # nothing written
    # Without C1's relation the chain is a hierarchy; naming A1 later closes the loop.
    assert _import(cli, tmp_path, "chain.jsonl", [a, b, {**c, "related": None}]).returncode == 0
    later = _import(cli, tmp_path, "later.jsonl", [{"id": "C1", "related": c["related"]}])
    assert later.returncode == 1 and "C1 → A1 → B1 → C1" in later.stderr
    store = Archive.open(tmp_path / "archive.json")
    policy = load_policy(default_policy_path())
    current = customer_document(store.get("C1") or {})
    with pytest.raises(InvalidCustomerError, match="C1 → A1 → B1 → C1"):
        save_customer(
            store,
            {**current, "related": c["related"]},
            base_rev=int((store.get("C1") or {})["_meta"]["rev"]),
            actor="t",
            policy=policy,
            as_of=AS_OF,
        )
    # Two contractors may each be the other's main contractor (on different projects).
    x = _customer("X1", "甲建设", related=[{"id": "Y1", "relation": "main_contractor"}])
    y = _customer("Y1", "乙建设", related=[{"id": "X1", "relation": "main_contractor"}])
    assert _import(cli, tmp_path, "both.jsonl", [x, y]).returncode == 0
    twice = _customer(
        "Z1",
        "丙建设",
        related=[
            {"id": "X1", "relation": "main_contractor"},
            {"id": "X1", "relation": "main_contractor", "note": "again"},
        ],
    )
    result = _import(cli, tmp_path, "twice.jsonl", [twice])
    assert result.returncode == 1 and "X1 is named twice" in result.stderr
