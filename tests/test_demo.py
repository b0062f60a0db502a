"""Demo customers: seeded, valid, realistic, and covering what the archive must show."""

from __future__ import annotations

import re
import time
from collections import Counter
from datetime import date
from typing import Any

import orjson
import pytest

from creditfile.demodata.customers import generate_customers
from creditfile.engine import grade_archive
from creditfile.engine.validation import validate_customers
from creditfile.policy import Policy

AS_OF = date(2026, 11, 29)
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def docs() -> list[dict[str, Any]]:
    """Two thousand generated customers."""
    return generate_customers(2000, seed=11, as_of=AS_OF)


@pytest.fixture(scope="module")
def gradings(docs: list[dict[str, Any]], default_policy: Policy) -> dict[str, dict[str, Any]]:
    """Their gradings under the default policy."""
    return grade_archive(docs, default_policy, AS_OF)


def test_the_same_seed_gives_the_same_customers(docs: list[dict[str, Any]]) -> None:
    assert generate_customers(2000, seed=11, as_of=AS_OF) == docs
    assert generate_customers(50, seed=12, as_of=AS_OF) != docs[:50]
    assert generate_customers(50, seed=11, as_of=AS_OF) == docs[:50]  # a prefix of a longer run


def test_every_customer_is_valid_under_the_default_policy(
    docs: list[dict[str, Any]], default_policy: Policy
) -> None:
    assert validate_customers(docs, default_policy) == []
    assert [d["id"] for d in docs[:3]] == ["C000001", "C000002", "C000003"]
    assert len({d["id"] for d in docs}) == len(docs)


def test_names_are_chinese_and_companies_look_registered(docs: list[dict[str, Any]]) -> None:
    companies = [d for d in docs if d["nature"] != "individual"]
    assert all(CJK.search(d["name"]) for d in docs)
    suffixes = (
        "有限公司",
        "有限责任公司",
        "局",
        "委员会",
        "中心",
        "分公司",
        "项目经理部",
        "项目部",
    )
    assert all(d["name"].endswith(suffixes) for d in companies)
    assert len({d["name"] for d in companies}) == len(companies)
    people = [d["name"] for d in docs if d["nature"] == "individual"]
    assert people and all(2 <= len(name) <= 3 for name in people)
    assert all(d["contact"]["person"] and CJK.search(d["contact"]["person"]) for d in companies)
    assert all(re.fullmatch(r"1[3-9]\d{9}|0\d{2,3}-\d{8}", d["contact"]["phone"]) for d in docs)


def test_all_eight_natures_mostly_ordinary_companies_and_developers(
    docs: list[dict[str, Any]], default_policy: Policy
) -> None:
    natures = Counter(d["nature"] for d in docs)
    assert set(natures) == set(default_policy.natures)
    assert natures["ordinary_company"] + natures["developer"] > len(docs) / 2


def test_leases_are_real_categories_amounts_and_dates(
    docs: list[dict[str, Any]], default_policy: Policy
) -> None:
    leases = [lease for d in docs for lease in d.get("leases", [])]
    assert {len(d.get("leases", [])) for d in docs} == set(range(9))
    assert {lease["item"] for lease in leases} == set(default_policy.item_categories)
    assert Counter(lease["status"] for lease in leases).keys() == {"active", "closed", "cancelled"}
    assert all(10_000 <= lease["amount"] <= 10_000_000 for lease in leases)
    amounts = sorted(lease["amount"] for lease in leases)
    assert amounts[len(amounts) // 10] < 100_000 and amounts[-len(amounts) // 20] > 1_000_000
    dates = [lease[k] for lease in leases for k in ("start", "end") if lease.get(k)]
    assert max(dates) < AS_OF.isoformat()
    owed = [lease for lease in leases if "outstanding" in lease]
    assert owed and all(lease["status"] == "active" for lease in owed)
    assert any(lease["overdue_days"] > 0 for lease in owed)


def test_prospects_new_and_established_customers_all_appear(
    docs: list[dict[str, Any]], gradings: dict[str, dict[str, Any]]
) -> None:
    lifecycle = Counter(g["lifecycle"] for g in gradings.values())
    assert all(lifecycle[k] > len(docs) / 20 for k in ("prospective", "new", "established"))
    prospects = [d for d in docs if gradings[d["id"]]["lifecycle"] == "prospective"]
    # Nothing traded yet: no lease, or only cancelled ones.
    assert all("trading_since" not in d["profile"] for d in prospects)
    assert all(lease["status"] == "cancelled" for d in prospects for lease in d.get("leases", []))
    assert sum("leases" not in d for d in prospects) > 0.9 * len(prospects)
    stages = Counter(g["stage"] for g in gradings.values())
    assert set(stages) == {"current", "past", "upcoming"}
    assert len({g["tier"] for g in gradings.values()}) == 3


def test_grades_spread_and_some_assessments_are_incomplete(
    docs: list[dict[str, Any]], gradings: dict[str, dict[str, Any]]
) -> None:
    grades = Counter(g["grade"] for g in gradings.values())
    assert all(grades[k] > len(docs) / 100 for k in ("A", "B", "C", "D"))
    ungraded = [g for g in gradings.values() if g["status"] == "ungraded"]
    assert len(ungraded) < len(docs) / 3
    assert any("missing" in " ".join(g["reasons"]) for g in ungraded)
    assessed = [d for d in docs if "assessment" in d]
    assert len(assessed) > 0.8 * len(docs)
    incomplete = [d for d in assessed if len(d["assessment"]) < 8]
    assert 0 < len(incomplete) < 0.15 * len(assessed)


def test_sources_of_every_kind_and_some_unverified_forms(docs: list[dict[str, Any]]) -> None:
    sources = [s for d in docs for s in d["sources"]]
    assert {s["kind"] for s in sources} == {"salesperson_visit", "customer_form",
                                            "agency_investigation"}  # fmt: skip
    forms = [s for s in sources if s["kind"] == "customer_form"]
    assert 0 < sum(not s["verified"] for s in forms) < len(forms)
    assert all(s["cost"] > 0 for s in sources if s["kind"] == "agency_investigation")


def test_personal_data_for_individuals_and_some_contacts(docs: list[dict[str, Any]]) -> None:
    individuals = [d for d in docs if d["nature"] == "individual"]
    assert all(18 <= d["profile"]["person"]["age"] <= 80 for d in individuals)
    others = [d for d in docs if d["nature"] != "individual"]
    with_person = sum("person" in d["profile"] for d in others)
    assert 0.1 * len(others) < with_person < 0.6 * len(others)


def test_text_sections_are_filled_in_chinese_and_size_is_realistic(
    docs: list[dict[str, Any]],
) -> None:
    for section in ("characteristics", "business", "trading"):
        assert all(d[section] and all(CJK.search(v) for v in d[section].values()) for d in docs)
    sizes = [len(orjson.dumps(d)) for d in docs]
    assert 1200 <= sum(sizes) / len(sizes) <= 2000


@pytest.mark.slow
def test_a_hundred_thousand_customers_in_seconds() -> None:
    started = time.process_time()
    docs = generate_customers(100_000, seed=3, as_of=AS_OF)
    assert time.process_time() - started < 15
    assert docs[-1]["id"] == "C100000"
