"""``explain`` and ``show`` given a customer's name, part of it or its pinyin instead of its id,
as a credit officer on the phone types it: one match is shown and said to be the one found,
several are listed with their ids, an exact name wins over longer ones, and a mistyped id still
gets the close ids. On the file archive and on PostgreSQL alike, in either language."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cli_support import Run, no_traceback

NAMES = {
    "C1": "武汉建工集团",
    "C2": "武汉建工集团二公司",
    "C3": "中建三局",
    "C4": "湖北路桥有限公司",
}


def _customer(cid: str, name: str) -> dict[str, Any]:
    return {
        "id": cid,
        "name": name,
        "nature": "ordinary_company",
        "contact": {"phone": f"027-8555{cid[1:]:0>4}"},
        "leases": [
            {"contract": f"L-{cid}", "item": "tower_crane", "start": "2024-01-05",
             "end": "2024-09-30", "amount": 1_000_000, "status": "closed"}
        ],
    }  # fmt: skip


@pytest.fixture(params=["file", "postgresql"])
def db(request: pytest.FixtureRequest, run: Run, tmp_path: Path) -> dict[str, str]:
    """The environment naming an archive of the four customers: a file, or a database."""
    env = {"CREDITFILE_DB": str(tmp_path / "archive.json")}
    if request.param == "postgresql":
        env = {"CREDITFILE_DB": request.getfixturevalue("pg_url")}
        assert run("db", "init", env=env).returncode == 0
    seed = tmp_path / "seed.json"
    docs = [_customer(cid, name) for cid, name in NAMES.items()]
    seed.write_text(json.dumps(docs, ensure_ascii=False), "utf-8")
    for args in (("import", str(seed)), ("regrade",)):
        done = run("--actor", "setup", *args, env=env)
        assert done.returncode == 0, done.stderr
    return env


def test_a_whole_name_a_part_of_it_or_its_pinyin_finds_the_one_customer(
    run: Run, db: dict[str, str]
) -> None:
    explained = run("--lang", "en", "explain", "中建", env=db)
    assert explained.returncode == 0, explained.stderr
    assert explained.stdout.startswith("'中建' is C3 中建三局\n")
    assert "\nC3  中建三局" in explained.stdout

    by_pinyin = run("--lang", "en", "show", "hblq", env=db)
    assert by_pinyin.returncode == 0, by_pinyin.stderr
    assert json.loads(by_pinyin.stdout)["id"] == "C4"
    assert "'hblq' is C4 湖北路桥有限公司" in by_pinyin.stderr

    data = json.loads(run("explain", "zhongjian", "--json", env=db).stdout)
    assert data["id"] == "C3"
    assert data["matched"] == {"given": "zhongjian", "id": "C3", "name": "中建三局"}


def test_a_name_several_customers_share_lists_them_and_changes_nothing(
    run: Run, db: dict[str, str]
) -> None:
    several = run("--lang", "en", "explain", "武汉", env=db)
    assert several.returncode != 0
    assert no_traceback(several)
    said = several.stderr
    assert "2 customers match '武汉'" in said
    assert "C1 武汉建工集团" in said and "C2 武汉建工集团二公司" in said
    assert "give one of their ids" in said and several.stdout == ""

    chinese = run("--lang", "zh", "show", "whjg", env=db)
    assert chinese.returncode != 0
    assert "有 2 位客户与 'whjg' 相符" in chinese.stderr
    assert "请给出其中一位的编号" in chinese.stderr

    # The exact name picks its customer though a longer name contains it.
    exact = run("--lang", "en", "explain", "武汉建工集团", env=db)
    assert exact.returncode == 0, exact.stderr
    assert exact.stdout.startswith("'武汉建工集团' is C1 武汉建工集团\n")


def test_a_mistyped_id_gets_close_ids_and_an_unknown_name_the_list_search(
    run: Run, db: dict[str, str]
) -> None:
    typo = run("--lang", "en", "explain", "C44", env=db)
    assert typo.returncode != 0
    assert "no customer 'C44'; did you mean C4?" in typo.stderr

    unknown = run("--lang", "en", "show", "长江建材", env=db)
    assert unknown.returncode != 0
    assert no_traceback(unknown)
    assert "no customer '长江建材'" in unknown.stderr
    assert "creditfile list --search" in unknown.stderr

    chinese = run("--lang", "zh", "explain", "长江建材", env=db)
    assert "也没有客户名称与之相符" in chinese.stderr
