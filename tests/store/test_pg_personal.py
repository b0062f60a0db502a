"""Personal data in a PostgreSQL archive: every duty reads customers without it, the whole
document comes only through the server's reveal, which records who read it (the database
login) in the same transaction, and no save by someone who did not see it loses it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg
import pytest

from creditfile.store import PrivilegeRefusedError, grant_duties, open_database
from creditfile.store.postgres import PostgresArchive

As = Callable[..., PostgresArchive]

ID_NUMBER = "11010519491231002X"


def _person() -> dict[str, Any]:
    return {
        "id": "P1",
        "name": "王敏",
        "nature": "individual",
        "contact": {"address": "武汉市解放大道100号", "phone": "13800000000", "person": "王敏"},
        "profile": {
            "founded_on": None,
            "person": {"age": 45, "hobbies": "钓鱼", "id_number": ID_NUMBER},
            "trading_since": "2015-06-01",
        },
        "assessment": {"strength": 8, "payment": 27},
    }


def _company() -> dict[str, Any]:
    return {
        "id": "C1",
        "name": "武汉宏达建设工程有限公司",
        "nature": "ordinary_company",
        "contact": {"address": "武汉市解放大道1号", "phone": "02700000000"},
    }


@pytest.fixture
def owner(pg_url: str) -> PostgresArchive:
    store = open_database(pg_url, create=True)
    store.import_customers([_person(), _company()], actor="owner")
    return store


@pytest.fixture
def as_user(pg_url: str, owner: PostgresArchive) -> As:
    database = pg_url.rsplit("/", 1)[-1]

    def opened(*duties: str) -> PostgresArchive:
        user = f"{database}_{'_'.join(duties)}_p"
        grant_duties(pg_url, user, list(duties))
        return open_database(pg_url.replace("postgres@", f"{user}@", 1))

    return opened


def _doc(store: PostgresArchive, cid: str) -> dict[str, Any]:
    record = store.get(cid)
    assert record is not None
    return {k: v for k, v in record.items() if not k.startswith("_")}


def test_a_duty_reads_customers_without_personal_data(as_user: As, owner: PostgresArchive) -> None:
    clerk = as_user("clerk")
    seen = _doc(clerk, "P1")
    assert seen["contact"] == {"person": "王敏"}
    assert seen["profile"] == {
        "founded_on": None,
        "person": {"id_number": "1101**********002X"},
        "trading_since": "2015-06-01",
    }
    assert list(seen) == list(_person())  # the fields in their stored order
    assert clerk.records()["C1"]["contact"]["phone"] == "02700000000"  # a company's is not
    assert _doc(owner, "P1") == _person()
    # The server refuses it, not the program.
    conn = psycopg.connect(clerk.location)
    with conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("SELECT doc FROM customers")
    with pytest.raises(PrivilegeRefusedError, match="owner"):
        clerk.content()


def test_a_reveal_is_recorded_by_the_server_under_the_login(
    as_user: As, owner: PostgresArchive
) -> None:
    plain, revealer = as_user("clerk"), as_user("auditor", "reveal")
    with pytest.raises(PrivilegeRefusedError, match="needs the duty reveal"):
        plain.reveal(["P1"], actor="li", kind="personal_data_revealed")
    conn = psycopg.connect(plain.location)
    with conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("SELECT * FROM creditfile_reveal(NULL, '{}')")
    shown = revealer.reveal(
        ["P1"], actor="someone-else", kind="personal_data_revealed", detail={"via": "show"}
    )
    assert {k: v for k, v in shown["P1"].items() if not k.startswith("_")} == _person()
    with psycopg.connect(owner.location) as conn:
        rows = conn.execute(
            "SELECT db_user, event ->> 'actor', event ->> 'via' FROM history "
            "WHERE kind = 'personal_data_revealed'"
        ).fetchall()
    login = revealer.location.split("@")[0].rsplit("/", 1)[-1]
    assert rows == [(login, "someone-else", "show")]
    revealer.reveal(["C1"], actor="x", kind="personal_data_revealed")  # nothing personal
    assert len(owner.history(kind="personal_data_revealed")) == 1
    everyone = revealer.reveal(None, actor="x", kind="personal_data_exported")
    assert list(everyone) == ["P1", "C1"]
    assert len(owner.history(kind="personal_data_exported")) == 1


def test_saves_by_those_who_did_not_see_personal_data_keep_it(
    as_user: As, owner: PostgresArchive
) -> None:
    clerk, assessor = as_user("clerk"), as_user("assessor")
    record = clerk.get("P1")
    assert record is not None
    renamed = {**_doc(clerk, "P1"), "name": "王敏敏"}
    renamed["contact"] = {**renamed["contact"], "email": "wm@example.com"}
    clerk.save_customer(renamed, base_rev=record["_meta"]["rev"], actor="li")
    scored = {**_doc(assessor, "P1"), "assessment": {"strength": 9, "payment": 28}}
    assessor.save_customer(scored, base_rev=record["_meta"]["rev"] + 1, actor="zhao")
    kept = _doc(owner, "P1")
    assert kept["name"] == "王敏敏" and kept["assessment"]["payment"] == 28
    assert kept["profile"]["person"] == _person()["profile"]["person"]
    assert kept["contact"]["phone"] == "13800000000"
    assert kept["contact"]["address"] == "武汉市解放大道100号"
    assert kept["contact"]["email"] == "wm@example.com"
    # A clerk may add what was missing: a new phone typed on a card that had none.
    with psycopg.connect(owner.location, autocommit=True) as conn:
        conn.execute(
            "UPDATE customers SET doc = (doc::jsonb #- '{contact,phone}')::json WHERE id = 'P1'"
        )
    record = clerk.get("P1")
    assert record is not None
    typed = _doc(clerk, "P1")
    typed["contact"] = {**typed["contact"], "phone": "13900000000"}
    clerk.save_customer(typed, base_rev=record["_meta"]["rev"], actor="li")
    assert _doc(owner, "P1")["contact"]["phone"] == "13900000000"
