"""What a PostgreSQL archive withholds follows the policy in force: a policy activated with
other personal natures changes what every duty without the reveal sees, what a reveal records
and what a masked writer's save keeps — and the server masks a document exactly as the file
archive's ``without_personal`` does, for every nature."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from creditfile.document.personal import without_personal
from creditfile.policy.loader import default_policy_path, load_policy
from creditfile.store import (
    Archive,
    StoreError,
    grant_duties,
    open_database,
    pg_schema,
    upgrade_database,
)
from creditfile.store.postgres import PostgresArchive

As = Callable[..., PostgresArchive]

NATURES = tuple(load_policy(default_policy_path()).natures)


def _company(cid: str = "C1", nature: str = "ordinary_company") -> dict[str, Any]:
    return {
        "id": cid,
        "name": f"武汉宏达建设工程有限公司{cid}",
        "nature": nature,
        "contact": {
            "address": "武汉市解放大道1号",
            "phone": "02700000000",
            "person": "李强",
            "email": "hd@example.com",
        },
        "profile": {"person": {"age": 50, "id_number": "11010519491231002X"}},
    }


def _personal_natures(text: str, natures: list[str]) -> str:
    """The policy ``text`` listing ``natures`` as its personal natures."""
    return f"{text.rstrip()}\n\npersonal_natures: [{', '.join(natures)}]\n"


def _activate(store: PostgresArchive | Archive, text: str) -> None:
    store.activate_policy(text, sha256="0" * 64, version="2026.9", path=None, actor="qian")


def _doc(store: PostgresArchive, cid: str) -> dict[str, Any]:
    record = store.get(cid)
    assert record is not None
    return {k: v for k, v in record.items() if not k.startswith("_")}


@pytest.fixture
def owner(pg_url: str) -> PostgresArchive:
    store = open_database(pg_url, create=True)
    store.import_customers([_company("C1"), _company("P1", "individual")], actor="owner")
    return store


@pytest.fixture
def as_user(pg_url: str, owner: PostgresArchive) -> As:
    database = pg_url.rsplit("/", 1)[-1]
    opened_before: dict[tuple[str, ...], PostgresArchive] = {}

    def opened(*duties: str) -> PostgresArchive:
        if duties not in opened_before:
            user = f"{database}_{'_'.join(duties)}_r"
            grant_duties(pg_url, user, list(duties))
            opened_before[duties] = open_database(pg_url.replace("postgres@", f"{user}@", 1))
        return opened_before[duties]

    return opened


def test_a_policy_with_another_personal_nature_hides_its_phone_from_duties_without_reveal(
    as_user: As, owner: PostgresArchive, default_policy_text: str
) -> None:
    clerk, compliance = as_user("clerk"), as_user("compliance")
    revealer = as_user("auditor", "reveal")
    assert _doc(clerk, "C1")["contact"]["phone"] == "02700000000"  # a company's, by default
    assert "phone" not in _doc(clerk, "P1")["contact"]
    wider = _personal_natures(default_policy_text, ["individual", "ordinary_company"])
    _activate(compliance, wider)
    assert _doc(clerk, "C1")["contact"] == {"person": "李强"}
    assert clerk.records()["C1"]["contact"] == {"person": "李强"}  # the list reads the view too
    # The reveal still shows it whole, and the server records that it did.
    shown = revealer.reveal(["C1"], actor="wang", kind="personal_data_revealed")
    assert shown["C1"]["contact"]["phone"] == "02700000000"
    events = owner.history("C1", kind="personal_data_revealed")
    assert [e["actor"] for e in events] == ["wang"]
    # A policy with no personal nature shows an individual's phone to every duty.
    _activate(compliance, _personal_natures(default_policy_text, []))
    assert _doc(clerk, "P1")["contact"]["phone"] == "02700000000"
    assert _doc(clerk, "C1")["contact"]["phone"] == "02700000000"


def test_the_rules_change_with_the_activation_or_not_at_all(
    owner: PostgresArchive, default_policy_text: str, pg_url: str
) -> None:
    wider = _personal_natures(default_policy_text, ["developer", "individual"])
    _activate(owner, wider)
    with psycopg.connect(pg_url) as conn:
        row = conn.execute("SELECT natures, paths FROM personal_data_rules").fetchone()
    assert row == (
        ["developer", "individual"],
        ["contact.address", "contact.phone", "contact.email"],
    )

    def refused(_docs: object) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        raise RuntimeError("the activation stops half way")

    with pytest.raises(RuntimeError):
        owner.activate_policy(
            default_policy_text, sha256="1" * 64, version="x", path=None, actor="q", amend=refused
        )
    with psycopg.connect(pg_url) as conn:
        after = conn.execute("SELECT natures FROM personal_data_rules").fetchone()
    assert after == (["developer", "individual"],)


def test_saves_by_a_masked_writer_keep_the_new_natures_personal_values(
    as_user: As, owner: PostgresArchive, default_policy_text: str
) -> None:
    _activate(owner, _personal_natures(default_policy_text, ["individual", "ordinary_company"]))
    clerk = as_user("clerk")
    record = clerk.get("C1")
    assert record is not None
    seen = _doc(clerk, "C1")
    assert "phone" not in seen["contact"]
    clerk.save_customer({**seen, "name": "武汉宏达"}, base_rev=record["_meta"]["rev"], actor="li")
    kept = _doc(owner, "C1")
    assert kept["name"] == "武汉宏达"
    assert kept["contact"] == _company()["contact"]
    assert kept["profile"] == _company()["profile"]
    # What the clerk did not see but the customer had no contact at all: put back whole.
    record = clerk.get("C1")
    assert record is not None
    bare = {k: v for k, v in _doc(clerk, "C1").items() if k != "contact"}
    clerk.save_customer(bare, base_rev=record["_meta"]["rev"], actor="li")
    assert _doc(owner, "C1")["contact"] == {
        "address": "武汉市解放大道1号",
        "phone": "02700000000",
        "email": "hd@example.com",
    }


@pytest.mark.parametrize("nature", NATURES)
@pytest.mark.parametrize("personal", [["individual"], ["individual", "developer", "central_soe"]])
def test_the_server_masks_every_nature_as_the_file_archive_does(
    as_user: As, owner: PostgresArchive, default_policy_text: str, nature: str, personal: list[str]
) -> None:
    if personal != ["individual"]:
        _activate(owner, _personal_natures(default_policy_text, personal))
    owner.import_customers([_company("N1", nature)], actor="owner")
    seen = _doc(as_user("auditor"), "N1")
    assert seen == without_personal(_company("N1", nature), frozenset(personal))
    assert list(seen) == list(without_personal(_company("N1", nature), frozenset(personal)))


_TEXT = st.text(alphabet="0123456789武汉*-", max_size=20)
_VALUE = st.one_of(st.none(), _TEXT, st.integers(-5, 5))
_CONTACT = st.one_of(
    st.none(),
    st.dictionaries(st.sampled_from(["address", "phone", "email", "person"]), _VALUE),
)
_PERSON = st.one_of(
    st.none(),
    _TEXT,
    st.dictionaries(st.sampled_from(["id_number", "age", "family"]), _VALUE),
)


@st.composite
def _documents(draw: st.DrawFn) -> dict[str, Any]:
    doc: dict[str, Any] = {"id": "H1", "name": "某某", "nature": draw(st.sampled_from(NATURES))}
    if (contact := draw(_CONTACT)) is not None or draw(st.booleans()):
        doc["contact"] = contact
    profile = draw(st.one_of(st.none(), st.just({}), st.builds(lambda p: {"person": p}, _PERSON)))
    if profile is not None:
        doc["profile"] = {"founded_on": None, **profile}
    return doc


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(doc=_documents())
def test_any_document_is_masked_by_the_server_as_by_the_file_archive(
    as_user: As, owner: PostgresArchive, pg_url: str, doc: dict[str, Any]
) -> None:
    with psycopg.connect(pg_url) as conn:
        natures = conn.execute("SELECT natures FROM personal_data_rules").fetchone()
        conn.execute("DELETE FROM customers WHERE id = 'H1'")
    assert natures is not None
    owner.import_customers([doc], actor="owner")
    seen = _doc(as_user("auditor"), "H1")
    assert seen == without_personal(doc, frozenset(natures[0]))
    assert list(seen) == list(without_personal(doc, frozenset(natures[0])))


def test_an_archive_of_the_previous_schema_upgrades_and_follows_its_active_policy(
    pg_url: str, default_policy_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with psycopg.connect(pg_url, autocommit=True) as conn:
        pg_schema.migrate(conn, pg_url, fresh=True, migrations=pg_schema.MIGRATIONS[:4])
    with psycopg.connect(pg_url) as conn:  # what the program before this schema wrote
        conn.execute(
            "INSERT INTO customers (id, rev, doc, meta) VALUES ('C1', 1, %s, '{}')",
            (json.dumps(_company("C1"), ensure_ascii=False),),
        )
        conn.execute(
            "INSERT INTO policy_activations (version, sha256, text, activated_by, activated_at) "
            "VALUES ('2026.9', %s, %s, 'qian', '2026-11-30T09:00:00')",
            ("0" * 64, _personal_natures(default_policy_text, ["ordinary_company"])),
        )
    with pytest.raises(StoreError, match="db upgrade"):
        open_database(pg_url)
    assert upgrade_database(pg_url) == [
        f"{m.version}: {m.summary}" for m in pg_schema.MIGRATIONS[4:]
    ]
    user = f"{pg_url.rsplit('/', 1)[-1]}_upgraded_clerk"
    grant_duties(pg_url, user, ["clerk"])
    clerk = open_database(pg_url.replace("postgres@", f"{user}@", 1))
    assert _doc(clerk, "C1")["contact"] == {"person": "李强"}
    monkeypatch.setattr(pg_schema, "LATEST", 4)
    with pytest.raises(StoreError, match="newer than this creditfile knows"):
        open_database(pg_url)  # the older program refuses the newer schema


def test_a_copy_from_the_file_archive_withholds_what_its_active_policy_says(
    pg_url: str, tmp_path: Path, default_policy_text: str
) -> None:
    archive = Archive.open(tmp_path / "archive.json", create=True)
    archive.import_customers([_company("C1")], actor="owner")
    _activate(archive, _personal_natures(default_policy_text, ["ordinary_company"]))
    target = open_database(pg_url, create=True)
    target.load_content(archive.content())
    user = f"{pg_url.rsplit('/', 1)[-1]}_copied_clerk"
    grant_duties(pg_url, user, ["clerk"])
    clerk = open_database(pg_url.replace("postgres@", f"{user}@", 1))
    assert _doc(clerk, "C1")["contact"] == {"person": "李强"}
