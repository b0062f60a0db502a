"""Duties the PostgreSQL server enforces: each user connects as itself and is refused, by the
server, whatever its duty does not allow — through the store (a message naming the duty) and
through plain SQL (the same refusal, so no client can go around it)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import psycopg
import pytest

from creditfile.store import (
    CustomerWrite,
    PrivilegeRefusedError,
    StoreError,
    grant_duties,
    open_database,
    revoke_duties,
)
from creditfile.store.pg_roles import members
from creditfile.store.postgres import PostgresArchive

As = Callable[..., PostgresArchive]


def _doc(cid: str, **extra: Any) -> dict[str, Any]:
    return {"id": cid, "name": "武汉宏达建设工程有限公司", "nature": "ordinary_company", **extra}


def _scored(cid: str, payment: float = 27) -> dict[str, Any]:
    return _doc(cid, assessment={"strength": 8, "payment": payment})


def _url_of(pg_url: str, user: str) -> str:
    return pg_url.replace("postgres@", f"{user}@", 1)


@pytest.fixture
def archive(pg_url: str) -> PostgresArchive:
    """An archive made by its owner (the superuser here), holding C1 (scored) and C2."""
    store = open_database(pg_url, create=True)
    store.import_customers([_scored("C1"), _doc("C2")], actor="owner")
    return store


@pytest.fixture
def as_user(pg_url: str, archive: PostgresArchive) -> As:
    """Open the archive as a new database user holding the duties given."""
    database = pg_url.rsplit("/", 1)[-1]

    def opened(*duties: str) -> PostgresArchive:
        user = f"{database}_{'_'.join(duties) or 'nobody'}_user"
        if duties:
            grant_duties(pg_url, user, list(duties))
        else:
            with psycopg.connect(pg_url, autocommit=True) as conn:
                conn.execute(f'CREATE ROLE "{user}" LOGIN')
        return open_database(_url_of(pg_url, user))

    return opened


def _sql(store: PostgresArchive, statement: str, params: tuple[Any, ...] = ()) -> None:
    """Run ``statement`` on a plain connection of the store's user, around the program."""
    with psycopg.connect(store.location, autocommit=True) as conn:
        conn.execute(statement, params)


def _changed(store: PostgresArchive, cid: str, **fields: Any) -> dict[str, Any]:
    record = store.get(cid)
    assert record is not None
    doc = {k: v for k, v in record.items() if not k.startswith("_")}
    return {**doc, **fields}


def _rev(store: PostgresArchive, cid: str) -> int:
    record = store.get(cid)
    assert record is not None
    return int(record["_meta"]["rev"])


def test_a_clerk_edits_a_card_but_the_server_refuses_its_scores(as_user: As) -> None:
    clerk = as_user("clerk")
    saved = clerk.save_customer(
        _changed(clerk, "C1", name="武汉宏达建设集团"), base_rev=_rev(clerk, "C1"), actor="li"
    )
    assert saved["name"] == "武汉宏达建设集团"
    clerk.save_customer(_doc("C3"), base_rev=None, actor="li")
    with pytest.raises(PrivilegeRefusedError) as refused:
        clerk.save_customer(
            _changed(clerk, "C1", assessment={"strength": 10, "payment": 30}),
            base_rev=_rev(clerk, "C1"),
            actor="li",
        )
    assert refused.value.duties[0] == "assessor"
    assert "changing a customer's scores needs the duty assessor" in str(refused.value)
    assert "creditfile db grant" in str(refused.value)
    assert clerk.get("C1")["assessment"]["payment"] == 27  # type: ignore[index]
    # The same change in plain SQL, around the program: the server refuses it alike.
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="duty assessor"):
        _sql(
            clerk,
            """UPDATE customers SET doc = '{"id": "C1", "name": "x",
            "nature": "ordinary_company", "assessment": {"payment": 30}}' WHERE id = 'C1'""",
        )


def test_an_assessor_enters_scores_but_may_not_change_the_card(as_user: As) -> None:
    assessor = as_user("assessor")
    saved = assessor.save_customer(
        _changed(assessor, "C1", assessment={"strength": 9, "payment": 29}),
        base_rev=_rev(assessor, "C1"),
        actor="zhao",
    )
    assert saved["assessment"]["payment"] == 29
    with pytest.raises(PrivilegeRefusedError, match="needs the duty clerk"):
        assessor.save_customer(
            _changed(assessor, "C2", name="改名"), base_rev=_rev(assessor, "C2"), actor="zhao"
        )
    with pytest.raises(PrivilegeRefusedError, match="needs the duty clerk or assessor"):
        assessor.save_customer(_doc("C9"), base_rev=None, actor="zhao")
    assert assessor.get("C9") is None


def test_only_an_operator_regrades_or_imports(as_user: As) -> None:
    def grade(docs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        return {str(d["id"]): {"status": "graded", "grade": "B"} for d in docs}

    clerk, operator = as_user("clerk"), as_user("operator")
    with pytest.raises(PrivilegeRefusedError, match="a regrade of the archive needs the duty"):
        clerk.regrade(grade, run={"as_of": "2026-11-01"}, actor="li")
    with pytest.raises(PrivilegeRefusedError, match="importing customers needs the duty operator"):
        clerk.import_customers([_doc("C5")], actor="li")
    assert clerk.get("C5") is None and clerk.runs() == []
    outcome = operator.regrade(grade, run={"as_of": "2026-11-01"}, actor="ops")
    assert len(outcome.changes) == 2 and len(operator.runs()) == 1
    operator.import_customers([_scored("C5", payment=20)], actor="ops")
    assert operator.get("C5") is not None


def test_an_import_changing_cards_names_the_operator_duty_whoever_tries(as_user: As) -> None:
    """The cards' check would name the clerk, whose duty allows no import either."""
    for duty in ("assessor", "compliance", "clerk"):
        user = as_user(duty)
        changed = _changed(user, "C2", name="改名")
        with pytest.raises(PrivilegeRefusedError, match="importing customers needs the duty op"):
            user.import_customers([changed], actor="zhao")
        with pytest.raises(PrivilegeRefusedError, match=r"grant \S+ --as operator"):
            user.write_customers(
                lambda _records, c=changed: [
                    CustomerWrite("C2", c, {"kind": "customer_imported", "combined": ["C9"]})
                ],
                actor="z",
            )
        assert user.get("C2")["name"] != "改名"  # type: ignore[index]


def test_only_compliance_activates_a_policy(as_user: As, default_policy_text: str) -> None:
    def activate(store: PostgresArchive) -> None:
        store.activate_policy(
            default_policy_text, sha256="0" * 64, version="2026.1", path=None, actor="x"
        )

    for duty in ("clerk", "operator", "auditor"):
        with pytest.raises(PrivilegeRefusedError, match="compliance"):
            activate(as_user(duty))
    compliance = as_user("compliance")
    assert compliance.active_policy() is None
    activate(compliance)
    assert compliance.active_policy() is not None
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        _sql(as_user("operator"), "INSERT INTO policy_activations (version, sha256, text, "
             "activated_by, activated_at) VALUES ('x', 'y', 'z', 'w', 'v')")  # fmt: skip


def test_an_auditor_reads_everything_and_changes_nothing(as_user: As) -> None:
    auditor = as_user("auditor")
    assert list(auditor.records()) == ["C1", "C2"]
    assert [e["kind"] for e in auditor.history("C1")] == ["customer_imported"]
    with pytest.raises(PrivilegeRefusedError) as refused:
        auditor.save_customer(_changed(auditor, "C2", name="x"), base_rev=1, actor="audit")
    assert "auditor" not in refused.value.duties and "clerk" in refused.value.duties
    assert "nothing was written" in str(refused.value)
    for statement in (
        "UPDATE archive_state SET last_txn = last_txn + 1",
        "UPDATE gradings SET grading = NULL",
        "UPDATE customers SET meta = meta",
        "INSERT INTO history (kind, event) VALUES ('note', '{\"kind\": \"note\"}')",
        "DELETE FROM customers",
    ):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            _sql(auditor, statement)
    assert [e["kind"] for e in auditor.history()] == ["customer_imported"] * 2


def test_a_user_without_a_duty_is_told_whom_to_ask_before_anything_is_read(as_user: As) -> None:
    with pytest.raises(PrivilegeRefusedError) as refused:
        as_user()
    text = str(refused.value)
    assert "needs the duty auditor" in text and "creditfile db grant" in text
    assert "password" not in text


def test_the_history_names_the_login_and_no_writer_can_name_another(
    as_user: As, archive: PostgresArchive
) -> None:
    clerk = as_user("clerk")
    clerk.save_customer(_doc("C7"), base_rev=None, actor="claimed-the-boss")
    with psycopg.connect(archive.location) as conn:
        row = conn.execute("SELECT db_user FROM history WHERE customer_id = 'C7'").fetchone()
    assert row is not None and row[0] == clerk.location.split("@")[0].rsplit("/", 1)[-1]
    forged = json.dumps({"kind": "note", "customer_id": "C7"})
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        _sql(clerk, "INSERT INTO history (kind, event, db_user) VALUES ('note', %s, 'boss')",
             (forged,))  # fmt: skip
    with pytest.raises(psycopg.errors.CheckViolation):
        _sql(clerk, "INSERT INTO history (kind, event) VALUES ('note', %s)",
             (json.dumps({"kind": "policy_activated"}),))  # fmt: skip


def test_grant_and_revoke_are_for_the_owner_and_listed(
    pg_url: str, as_user: As, archive: PostgresArchive
) -> None:
    clerk = as_user("clerk", "reveal")
    user = clerk.location.split("@")[0].rsplit("/", 1)[-1]
    with psycopg.connect(pg_url) as conn:
        held = {m.user: m.duties for m in members(conn)}
    assert held[user] == ("clerk", "reveal")
    with pytest.raises(StoreError, match="CREATEROLE"):
        grant_duties(clerk.location, user, ["operator"])
    revoke_duties(pg_url, user, ["clerk"])
    with pytest.raises(PrivilegeRefusedError, match="clerk"):
        clerk.save_customer(_doc("C8"), base_rev=None, actor="li")
    assert archive.get("C8") is None


def test_a_reveal_of_personal_data_needs_the_reveal_duty(as_user: As) -> None:
    clerk, revealer = as_user("clerk"), as_user("clerk", "reveal")
    for kind in ("personal_data_revealed", "personal_data_exported"):
        with pytest.raises(PrivilegeRefusedError, match="needs the duty reveal"):
            clerk.record_event("C1", kind, "li", {"via": "creditfile show"})
        revealer.record_event("C1", kind, "li", {"via": "creditfile show"})
    assert [e["kind"] for e in clerk.history("C1")][-2:] == [
        "personal_data_revealed",
        "personal_data_exported",
    ]
