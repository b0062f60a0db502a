"""What a PostgreSQL archive tells a person is in the language shown: a refusal by the server
names the duty needed, the role that gives it and the `db grant` to ask for in Chinese as in
English, and so do the store's own refusals (no archive, a URL with a password)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import psycopg
import pytest

from creditfile.policy.errors import CreditfileError
from creditfile.presentation.translation import translation
from creditfile.store import PrivilegeRefusedError, StoreError, grant_duties, open_database
from creditfile.store.pg_roles import either
from creditfile.store.postgres import PostgresArchive, safe_location

As = Callable[..., PostgresArchive]
# English words a Chinese message may keep: names the user types (duties, commands, roles,
# the server's own words in parentheses) are removed before looking for English.
ENGLISH = re.compile(r"\b(?:needs?|nothing|written|refused|duty|role|server|ask|the)\b")


def _zh(error: CreditfileError) -> str:
    return error.text(translation("zh").gettext)


def _doc(cid: str, **extra: Any) -> dict[str, Any]:
    return {"id": cid, "name": "武汉宏达建设工程有限公司", "nature": "ordinary_company", **extra}


@pytest.fixture
def as_user(pg_url: str) -> As:
    """Open an archive holding C1 (scored) as a new database user with the duties given."""
    open_database(pg_url, create=True).import_customers(
        [_doc("C1", assessment={"strength": 8, "payment": 27})], actor="owner"
    )
    database = pg_url.rsplit("/", 1)[-1]

    def opened(*duties: str) -> PostgresArchive:
        user = f"{database}_{'_'.join(duties) or 'nobody'}_user"
        if duties:
            grant_duties(pg_url, user, list(duties))
        else:
            with psycopg.connect(pg_url, autocommit=True) as conn:
                conn.execute(f'CREATE ROLE "{user}" LOGIN')
        return open_database(pg_url.replace("postgres@", f"{user}@", 1))

    return opened


def test_a_duty_the_server_refuses_is_named_in_chinese(as_user: As) -> None:
    clerk = as_user("clerk")
    record = clerk.get("C1")
    assert record is not None
    doc = {k: v for k, v in record.items() if not k.startswith("_")}
    with pytest.raises(PrivilegeRefusedError) as refused:
        clerk.save_customer(
            {**doc, "assessment": {"strength": 10, "payment": 30}},
            base_rev=record["_meta"]["rev"],
            actor="li",
        )
    english = str(refused.value)
    assert "the server refused it: changing a customer's scores needs the duty assessor (role " in (
        english
    )
    chinese = _zh(refused.value)
    user = refused.value.user
    assert "服务器拒绝了此操作: 修改客户评分需要职责 assessor (角色 " in chinese
    assert f"数据库用户 {user} 没有该角色; 未写入任何内容" in chinese
    assert f"请数据库管理员运行 `creditfile db grant {user} --as assessor`" in chinese
    assert not ENGLISH.search(chinese), chinese


def test_a_refusal_naming_several_duties_says_or_in_chinese(as_user: As) -> None:
    assessor = as_user("assessor")
    with pytest.raises(PrivilegeRefusedError) as refused:
        assessor.save_customer(_doc("C9"), base_rev=None, actor="zhao")
    user = refused.value.user
    assert f"the server refused {user} this save of a customer (" in str(refused.value)
    chinese = _zh(refused.value)
    assert f"服务器拒绝了 {user} 的保存客户 (" in chinese
    assert "需要职责 clerk 或 assessor 或 operator; 未写入任何内容 — 请数据库管理员运行" in chinese
    without_server = re.sub(r"\([^()]*\)", "", chinese)
    assert not ENGLISH.search(without_server), chinese


def test_a_user_without_a_duty_is_told_in_chinese_whom_to_ask(as_user: As) -> None:
    with pytest.raises(PrivilegeRefusedError) as refused:
        as_user()
    assert "needs the duty auditor" in str(refused.value)
    chinese = _zh(refused.value)
    # The server's own reason stays as it said it, in the parentheses.
    without_server = re.sub(r"\([^()]*\)", "", chinese)
    assert "读取档案" in chinese and "需要职责 auditor 或 clerk 或 assessor" in chinese
    assert "creditfile db grant" in chinese
    assert not ENGLISH.search(without_server), chinese


def test_a_database_without_an_archive_is_told_in_chinese(pg_url: str) -> None:
    with pytest.raises(StoreError) as refused:
        open_database(pg_url)
    assert "holds no creditfile archive" in str(refused.value)
    assert "此数据库中没有 creditfile 档案" in _zh(refused.value)


def test_a_password_in_the_url_is_refused_in_chinese() -> None:
    with pytest.raises(StoreError) as refused:
        safe_location("postgresql://li:secret@db.example/credit")
    chinese = _zh(refused.value)
    assert chinese.startswith("postgresql://…@db.example/credit: 数据库 URL 中的密码")
    assert "secret" not in chinese


def test_either_words_or_in_the_language_shown() -> None:
    assert str(either(["clerk", "operator", "assessor"])) == "clerk or operator or assessor"
    assert either(["clerk", "operator"]).text(translation("zh").gettext) == "clerk 或 operator"
    assert str(either(["reveal"])) == "reveal"
