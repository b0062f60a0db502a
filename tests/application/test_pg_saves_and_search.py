"""A save on PostgreSQL grades as the file archive does without reading every record, and the
server finds customers by their search keys (pinyin included), which hold no personal data."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import pytest

from creditfile.application.customers import save_customer
from creditfile.application.duplicates import DuplicateCreditCodeError
from creditfile.application.opening import open_archive
from creditfile.application.regrade import regrade
from creditfile.demodata.customers import generate_customers
from creditfile.document.pinyin import search_text
from creditfile.policy import Policy
from creditfile.store import ArchiveStore, copy_archive, customer_document, pg_records, pg_schema
from creditfile.store.postgres import PostgresArchive

AS_OF = date(2026, 11, 29)


def _amount(record: dict[str, Any]) -> float:
    return sum(
        float(lease.get("amount") or 0)
        for lease in record.get("leases") or []
        if lease.get("status") != "cancelled"
    )


def _top_holder(store: ArchiveStore) -> str:
    graded = {
        cid: r for cid, r in store.records().items() if r["_grading"]["lifecycle"] == "established"
    }
    return max(graded, key=lambda cid: _amount(graded[cid]))


def _save(store: ArchiveStore, cid: str, change: Any, policy: Policy) -> None:
    record = store.get(cid)
    assert record is not None
    doc = customer_document(record)
    change(doc)
    save_customer(
        store, doc, base_rev=record["_meta"]["rev"], actor="clerk", policy=policy, as_of=AS_OF
    )


def _note(doc: dict[str, Any]) -> None:
    doc["trading"] = {**(doc.get("trading") or {}), "problems": "回款慢"}


def _big_lease(doc: dict[str, Any]) -> None:
    doc["leases"] = [*doc.get("leases", []), {"contract": "L-BIG", "item": "tower_crane",
                     "start": "2020-03-01", "end": "2020-09-30", "amount": 9.9e8,
                     "status": "closed"}]  # fmt: skip


def _no_leases(doc: dict[str, Any]) -> None:
    doc["leases"] = []


def _gradings(store: ArchiveStore) -> dict[str, Any]:
    return {cid: record["_grading"] for cid, record in store.records().items()}


@pytest.fixture
def both(tmp_path: Path, pg_url: str, default_policy: Policy) -> tuple[ArchiveStore, ArchiveStore]:
    docs = generate_customers(40, 7, AS_OF)
    stores = (
        open_archive(str(tmp_path / "archive.json"), create=True),
        open_archive(pg_url, create=True),
    )
    for store in stores:
        store.import_customers(docs, actor="seed")
        regrade(store, default_policy, AS_OF, "night")
    return stores


def test_the_same_saves_grade_every_customer_alike_on_both_stores(
    both: tuple[ArchiveStore, ArchiveStore], default_policy: Policy
) -> None:
    file, database = both
    assert _gradings(file) == _gradings(database)
    quiet = next(cid for cid in file.records() if cid != _top_holder(file))
    top = _top_holder(file)
    assert _top_holder(database) == top
    steps = [(quiet, _note), (quiet, _big_lease), (quiet, _no_leases), (top, _note)]
    for cid, change in steps:
        for store in both:
            _save(store, cid, change, default_policy)
        assert _gradings(file) == _gradings(database), (cid, change.__name__)
    # The big lease moved the archive-wide top, its removal moved it back, and a save of the
    # customer holding the top may have moved it: each graded every customer again, as a run
    # recorded alike on both stores.
    assert len(file.runs()) == len(database.runs()) == 4


def test_a_save_that_leaves_the_tops_reads_only_the_customer_it_saves(
    both: tuple[ArchiveStore, ArchiveStore],
    default_policy: Policy,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _file, database = both
    assert isinstance(database, PostgresArchive)
    everything: list[bool] = []
    whole = pg_records.ServerRecords.every

    def counted(self: pg_records.ServerRecords) -> Any:
        everything.append(self._every is None)  # True: read from the server
        return whole(self)

    monkeypatch.setattr(pg_records.ServerRecords, "every", counted)
    quiet = next(cid for cid in database.records() if cid != _top_holder(database))
    _save(database, quiet, _note, default_policy)
    assert everything == []
    _save(database, quiet, _big_lease, default_policy)  # a new top: every customer graded
    assert everything.count(True) == 1


def test_a_credit_code_held_by_another_customer_is_refused_by_the_server_lookup(
    both: tuple[ArchiveStore, ArchiveStore], default_policy: Policy
) -> None:
    _file, database = both
    first, second = list(database.records())[:2]

    def code(doc: dict[str, Any]) -> None:
        doc["credit_code"] = "91420100MA4KXXXX1G"

    _save(database, first, code, default_policy)
    with pytest.raises(DuplicateCreditCodeError, match=first):
        _save(database, second, code, default_policy)


def test_credit_codes_stored_before_schema_8_still_refuse_a_duplicate_and_follow_saves(
    pg_url: str, default_policy: Policy
) -> None:
    code = "91420100MA4KXXXX1G"
    docs = generate_customers(2, 7, AS_OF)
    docs[0]["credit_code"] = code
    docs[1].pop("credit_code", None)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        pg_schema.migrate(conn, pg_url, fresh=True, migrations=pg_schema.MIGRATIONS[:7])
        for doc in docs:
            conn.execute(
                "INSERT INTO customers (id, rev, doc, meta) VALUES (%s, 1, %s, '{\"rev\": 1}')",
                (doc["id"], psycopg.types.json.Json(doc)),
            )
        pg_schema.migrate(conn, pg_url, fresh=False)
    first, second = (str(doc["id"]) for doc in docs)
    store = open_archive(pg_url)
    regrade(store, default_policy, AS_OF, "night")

    def codes() -> dict[str, Any]:
        with psycopg.connect(pg_url) as conn:
            return dict(conn.execute("SELECT id, credit_code FROM customers").fetchall())

    assert codes() == {first: code, second: None}

    def take(doc: dict[str, Any]) -> None:
        doc["credit_code"] = code

    with pytest.raises(DuplicateCreditCodeError, match=first):
        _save(store, second, take, default_policy)
    _save(store, first, lambda doc: doc.pop("credit_code"), default_policy)
    _save(store, second, take, default_policy)  # the code given up is free again
    assert codes() == {first: None, second: code}


def _person(cid: str, name: str) -> dict[str, Any]:
    return {
        "id": cid,
        "name": name,
        "nature": "individual",
        "contact": {"phone": "13912345678", "address": "武汉市江岸区解放大道1号", "person": name},
        "profile": {"person": {"age": 45, "hobbies": "钓鱼", "id_number": "420102197901011234"}},
    }


def test_the_server_finds_customers_by_name_id_and_pinyin_without_personal_data(
    pg_url: str, default_policy: Policy
) -> None:
    store = open_archive(pg_url, create=True)
    assert isinstance(store, PostgresArchive)
    store.import_customers(
        [
            {"id": "C1", "name": "襄阳建筑工程有限公司", "nature": "developer",
             "contact": {"person": "王敏", "phone": "027-88886666"}},
            {"id": "C2", "name": "重庆银行", "nature": "ordinary_company"},
            _person("P1", "张伟"),
        ],
        actor="seed",
    )  # fmt: skip
    assert store.search(["xiangyang"]) == ["C1"]
    assert store.search(["xyjz"]) == ["C1"]
    assert store.search(["chongqing", "yinhang"]) == ["C2"]
    assert sorted(store.search(["c"])) == ["C1", "C2"]
    assert store.search(["c2"]) == ["C2"]
    assert store.search(["wangmin"]) == ["C1"]
    assert store.search(["zhangwei"]) == ["P1"]
    assert store.search(["襄阳"]) == ["C1"]
    assert store.search(["100%"]) == []
    for secret in ("13912345678", "420102", "钓鱼", "解放大道", "88886666"):
        assert store.search([secret]) == [], secret
    with psycopg.connect(pg_url) as conn:
        texts = [row[0] for row in conn.execute("SELECT search_text FROM customer_search")]
    assert not any(secret in text for text in texts for secret in ("1391234", "钓鱼", "4201"))


def test_the_search_keys_follow_a_save_and_come_with_a_copy(
    pg_url: str, tmp_path: Path, default_policy: Policy
) -> None:
    file = open_archive(str(tmp_path / "archive.json"), create=True)
    file.import_customers(
        [{"id": "C1", "name": "襄阳建筑工程有限公司", "nature": "developer"}], actor="a"
    )
    copy_archive(str(tmp_path / "archive.json"), pg_url)
    store = open_archive(pg_url)
    assert isinstance(store, PostgresArchive)
    assert store.search(["xiangyang"]) == ["C1"]
    _save(store, "C1", lambda doc: doc.update(name="长沙建设集团"), default_policy)
    assert store.search(["xiangyang"]) == []
    assert store.search(["changsha"]) == ["C1"]


def test_an_upgrade_computes_the_search_keys_of_every_stored_customer(pg_url: str) -> None:
    with psycopg.connect(pg_url, autocommit=True) as conn:
        pg_schema.migrate(conn, pg_url, fresh=True, migrations=pg_schema.MIGRATIONS[:5])
        for i, name in enumerate(["襄阳建筑工程有限公司", "重庆银行", "Acme Leasing"]):
            doc = {"id": f"C{i}", "name": name, "nature": "developer"}
            conn.execute(
                "INSERT INTO customers (id, rev, doc, meta) VALUES (%s, 1, %s, '{}')",
                (f"C{i}", psycopg.types.json.Json(doc)),
            )
        pg_schema.migrate(conn, pg_url, fresh=False)
        rows = dict(conn.execute("SELECT id, search_text FROM customer_search").fetchall())
        index = conn.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'customer_search_words'"
        ).fetchone()
    store = open_archive(pg_url)
    assert isinstance(store, PostgresArchive)
    assert store.search(["acme"]) == ["C2"]
    assert store.search(["xyjz"]) == ["C0"]
    assert rows["C1"] == search_text({"id": "C1", "name": "重庆银行"}, _keys())
    assert index is not None and "gin_trgm_ops" in index[0]


def test_a_removed_or_merged_away_customer_is_found_no_more(
    pg_url: str, default_policy: Policy
) -> None:
    store = open_archive(pg_url, create=True)
    assert isinstance(store, PostgresArchive)
    store.import_customers(
        [{"id": f"C{i}", "name": f"襄阳建筑{i}", "nature": "developer"} for i in range(3)],
        actor="seed",
    )
    store.delete_customer("C0", base_rev=1, actor="clerk")
    kept = store.get("C1")
    assert kept is not None
    store.merge_customers(
        customer_document(kept), keep_rev=1, drop_id="C2", drop_rev=1, actor="clerk"
    )
    assert store.search(["xiangyang"]) == ["C1"]


def _keys() -> Any:
    from creditfile.document.pinyin import PinyinKeys

    return PinyinKeys()


def test_many_customers_are_found_as_the_lists_own_keys_find_them(pg_url: str) -> None:
    store = open_archive(pg_url, create=True)
    assert isinstance(store, PostgresArchive)
    rng = random.Random(5)
    docs = generate_customers(200, rng.randint(0, 99), AS_OF)
    store.import_customers(docs, actor="seed")
    from creditfile.application.customer_index import SearchIndex, row_of

    rows = [row_of(r, personal_natures=frozenset()) for r in store.records().values()]
    index = SearchIndex(rows)
    for word in ("jian", "gongcheng", "c0001", "youxian"):
        expected = [rows[i].id for i in index.matching(word) or []]
        assert sorted(store.search([word])) == sorted(expected), word


def test_the_list_asks_the_server_and_finds_what_its_own_scan_finds(
    pg_url: str, default_policy: Policy
) -> None:
    from creditfile.application.customer_index import SearchIndex, row_of
    from creditfile.application.customer_list import server_search

    store = open_archive(pg_url, create=True)
    docs = [*generate_customers(300, 11, AS_OF), _person("P1", "张伟")]
    store.import_customers(docs, actor="seed")
    natures = default_policy.personal_natures
    rows = [row_of(r, personal_natures=natures) for r in store.records().values()]
    asked: list[tuple[str, ...]] = []
    search = server_search(store)
    assert search is not None

    def server(words: Any) -> Any:
        asked.append(tuple(words))
        return search(words)

    scanning = SearchIndex(rows)
    serving = SearchIndex(rows, searchable=False, server=server)
    phone = next(row.phone for row in rows if row.phone)
    texts = [
        "jian",
        "jianshe youxian",
        "c0001",
        phone[-6:],
        f"{phone[-4:]} c00",
        "张",
        "zw",
        "1391",
    ]
    for text in texts:
        assert serving.matching(text) == scanning.matching(text), text
    assert not serving.searchable  # every answer came from the server, no key built here
    assert ("jian",) in asked and ("jianshe", "youxian") in asked
    assert serving.matching("13912345678") == []  # a person's phone is found by nobody


def test_the_list_scans_its_own_keys_when_the_server_cannot_answer() -> None:
    from creditfile.application.customer_index import ListRow, SearchIndex

    rows = [ListRow("C1", "襄阳建筑", "developer", "", "", None, "", "", "")]
    index = SearchIndex(rows, searchable=False, server=lambda _words: None)
    assert index.matching("xiangyang") == [0]
    assert index.searchable
