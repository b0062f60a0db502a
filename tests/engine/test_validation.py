"""Customer document validation: every problem found, located, worded, and checked against the
policy; the compiled schema check (fastjsonschema) agrees with jsonschema."""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from creditfile.demodata.customers import generate_customers
from creditfile.engine.schema_check import lean_schema
from creditfile.engine.validation import (
    DATE_PATHS,
    DATE_PATTERN,
    LONG_TEXT,
    CustomerValidator,
    Problem,
    RecordProblem,
    compile_check,
    customer_schema,
    validate_customer,
    validate_customers,
)
from creditfile.policy import Policy, parse_policy

SPEC_EXAMPLE: dict[str, Any] = {
    "id": "C000123",
    "name": "武汉宏达建设工程有限公司",
    "nature": "ordinary_company",
    "contact": {"address": "武汉市解放大道100号", "phone": "13800000000", "person": "王敏", "email": None},
    "profile": {
        "founded_on": "2008-03-15",
        "trading_since": "2015-06-01",
        "registered_capital": 50000000,
        "total_assets": None,
        "person": {"age": 45, "personality": "谨慎", "hobbies": "钓鱼", "family": "已婚"},
    },
    "characteristics": {"development_potential": "", "business_philosophy": "", "management_style": ""},
    "business": {"construction_business": "", "leasing_performance": "", "cooperation_attitude": ""},
    "trading": {"lease_status": "", "problems": "", "strengths": "", "countermeasures": ""},
    "leases": [
        {"contract": "L2023-001", "item": "ringlock_scaffolding", "start": "2023-01-05",
         "end": "2023-09-30", "amount": 1250000.00, "status": "closed"},
        {"contract": "L2024-007", "item": "tower_crane", "start": "2024-03-01", "end": None,
         "amount": 380000, "status": "active", "outstanding": 50000, "overdue_days": 12},
    ],
    "assessment": {"strength": 8, "potential": 12.5, "reputation": 17, "payment": 27, "other": 8,
                   "assessed_by": "王敏", "assessed_on": "2026-10-12", "note": ""},
    "sources": [
        {"kind": "customer_form", "on": "2026-09-01", "by": "王敏", "verified": False,
         "cost": None, "note": "注册资本待核实"},
        {"kind": "agency_investigation", "on": "2026-09-20", "by": "中诚信", "verified": True,
         "cost": 8000, "note": ""},
    ],
}  # fmt: skip


def changed(change: Callable[[dict[str, Any]], object]) -> dict[str, Any]:
    """The SPEC example with one change applied."""
    doc = copy.deepcopy(SPEC_EXAMPLE)
    change(doc)
    return doc


def where(problems: list[Problem]) -> dict[str, str]:
    return {p.path: p.message for p in problems}


def test_the_spec_example_and_a_bare_minimum_are_valid(default_policy: Policy) -> None:
    assert validate_customer(SPEC_EXAMPLE, default_policy) == []
    bare = {"id": "C1", "name": "张三", "nature": "individual"}
    assert validate_customer(bare, default_policy) == []


def test_optional_fields_may_be_null(default_policy: Policy) -> None:
    doc = {"id": "C2", "name": "李四", "nature": "individual", "contact": None, "profile": None,
           "leases": None, "assessment": None, "sources": None, "trading": {"problems": None}}  # fmt: skip
    assert validate_customer(doc, default_policy) == []


CASES = [
    # (what changes, where the problem is shown, words the message must contain)
    (lambda d: d.update(nmae="x"), "nmae", "did you mean 'name'"),
    (lambda d: d.pop("name"), "name", "required"),
    (lambda d: d["contact"].update(phnoe="1"), "contact.phnoe", "did you mean 'phone'"),
    (lambda d: d["contact"].update(phone=13800000000), "contact.phone", "should be text"),
    (lambda d: d.update(id="C 1"), "id", "no spaces"),
    (lambda d: d.update(name="  "), "name", "must not be empty"),
    (lambda d: d["profile"].update(founded_on="2008/03/15"), "profile.founded_on", "YYYY-MM-DD"),
    (lambda d: d["profile"].update(founded_on="2008-02-30"), "profile.founded_on", "'2008-02-30' is not a real calendar date"),
    (lambda d: d["profile"].update(registered_capital=-1), "profile.registered_capital", "negative"),
    (lambda d: d["profile"].update(total_assets=math.nan), "profile.total_assets", "NaN"),
    (lambda d: d["profile"]["person"].update(age=45.5), "profile.person.age", "whole number"),
    (lambda d: d["leases"][0].update(start="2023-13-01"), "leases[0].start", "not a real calendar date"),
    (lambda d: d["leases"][0].update(end="2022-12-31"), "leases[0].end", "before the start 2023-01-05"),
    (lambda d: d["leases"][1].update(amount=-5), "leases[1].amount", "negative"),
    (lambda d: d["leases"][1].update(amount="38万"), "leases[1].amount", "should be a number"),
    (lambda d: d["leases"][1].update(amount=1e400), "leases[1].amount", "check the value"),
    (lambda d: d["leases"][1].update(status="actve"), "leases[1].status", "did you mean 'active'"),
    (lambda d: d["leases"][1].pop("item"), "leases[1].item", "required"),
    (lambda d: d["leases"][1].update(contract="L2023-001"), "leases[1].contract", "also the contract of leases[0]"),
    (lambda d: d["leases"][1].update(outstanding=-1), "leases[1].outstanding", "negative"),
    (lambda d: d["leases"][1].update(overdue_days=2.5), "leases[1].overdue_days", "whole number"),
    (lambda d: d["sources"][0].update(kind="phone_call"), "sources[0].kind", "salesperson_visit"),
    (lambda d: d["sources"][0].update(verified="yes"), "sources[0].verified", "true or false"),
    (lambda d: d["sources"][1].update(on="2026-09-31"), "sources[1].on", "not a real calendar date"),
    (lambda d: d.update(nature="ordinary_compnay"), "nature", "did you mean 'ordinary_company'"),
    (lambda d: d.update(nature="普通公司"), "nature", "write the key 'ordinary_company'"),
    (lambda d: d.update(nature="alien"), "nature", "use one of government_agency"),
    (lambda d: d["assessment"].update(strenght=5), "assessment.strenght", "did you mean 'strength'"),
    (lambda d: d["assessment"].update(cumulative_lease=15), "assessment.cumulative_lease", "computed from the leases"),
    (lambda d: d["assessment"].update(payment=31), "assessment.payment", "outside 0–30"),
    (lambda d: d["assessment"].update(strength=-0.5), "assessment.strength", "outside 0–10"),
    (lambda d: d["assessment"].update(other=True), "assessment.other", "should be a number"),
    (lambda d: d["assessment"].update(assessed_on="2026-02-29"), "assessment.assessed_on", "not a real calendar date"),
    (lambda d: d.update(leases={"contract": "L1"}), "leases", "should be a list"),
]  # fmt: skip


@pytest.mark.parametrize(("change", "path", "words"), CASES)
def test_each_mistake_is_named_where_it_is(
    default_policy: Policy, change: Callable[[dict[str, Any]], object], path: str, words: str
) -> None:
    problems = where(validate_customer(changed(change), default_policy))
    assert path in problems, problems
    assert words in problems[path]
    assert len(problems) == 1, problems


def test_every_problem_of_a_document_is_reported_in_document_order(default_policy: Policy) -> None:
    def many(d: dict[str, Any]) -> None:
        d.update(nmae="x", nature="developr")
        d["leases"][1].update(status="done", start="2024-02-30")
        d["assessment"].update(payment=99)
        d["sources"][0]["kind"] = "rumour"

    paths = [p.path for p in validate_customer(changed(many), default_policy)]
    assert paths == ["assessment.payment", "leases[1].start", "leases[1].status", "nature",
                     "nmae", "sources[0].kind"]  # fmt: skip


@pytest.mark.parametrize("doc", [None, [], "C000001", 42, [SPEC_EXAMPLE]])
def test_something_that_is_not_a_document_is_reported_not_raised(
    default_policy: Policy, doc: object
) -> None:
    problems = validate_customer(doc, default_policy)
    assert [p.path for p in problems] == [""]
    assert "should be a group of fields" in problems[0].message


def test_a_batch_names_each_record_and_its_id(default_policy: Policy) -> None:
    docs: list[object] = [
        {"id": "C1", "name": "甲", "nature": "individual"},
        {"id": 7, "name": "乙", "nature": "individual"},
        {"id": "C1", "name": "丙", "nature": "individual"},
        {"id": "C3", "name": "丁", "nature": "individuel"},
    ]
    problems = validate_customers(docs, default_policy)
    assert [(p.index, p.customer_id, p.path) for p in problems] == [
        (1, None, "id"), (2, "C1", "id"), (3, "C3", "nature")]  # fmt: skip
    # Records are counted as the import's lines name them: the first is record 1.
    assert "also the id of record 1;" in problems[1].message
    assert all(isinstance(p, RecordProblem) for p in problems)
    assert str(problems[2]) == f"nature: {problems[2].message}"


def test_the_policy_decides_natures_items_and_ranges(default_policy_text: str) -> None:
    edited = parse_policy(
        default_policy_text.replace("{key: strength, label: 实力, weight: 10",
                                    "{key: assets, label: 资产, weight: 15")
        .replace("{key: potential, label: 潜力, weight: 15", "{key: potential, label: 潜力, weight: 10")
        .replace("  trading_partner: 交易伙伴\n", ""),
        "edited.yaml",
    )  # fmt: skip
    doc = changed(lambda d: d["assessment"].update(potential=12.5))
    doc["nature"] = "trading_partner"
    problems = where(validate_customer(doc, edited))
    assert set(problems) == {"assessment.strength", "assessment.potential", "nature"}
    assert "outside 0–10" in problems["assessment.potential"]
    assert "not a scoring item" in problems["assessment.strength"]
    doc["assessment"] = {"assets": 14.5, "potential": 9, "reputation": 1, "payment": 1, "other": 1}
    doc["nature"] = "developer"
    assert validate_customer(doc, edited) == []


def test_every_schema_property_is_described_for_staff() -> None:
    schema = customer_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    undescribed = []

    def walk(node: dict[str, Any], path: str) -> None:
        for key, sub in node.get("properties", {}).items():
            text = sub.get("description", "")
            if not text or not any("\u4e00" <= ch <= "\u9fff" for ch in text):
                undescribed.append(path + key)
            walk(sub, f"{path}{key}.")
        for name, sub in node.get("$defs", {}).items():
            walk(sub, f"$defs.{name}.")

    walk(schema, "")
    assert undescribed == []


# --- the compiled check against jsonschema itself ---------------------------------------------

SEEDS = generate_customers(6, seed=5, as_of=date(2026, 11, 29))
FAST = compile_check(customer_schema())
REFERENCE = jsonschema.Draft202012Validator(customer_schema())
HOSTILE = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**20), 10**20), st.floats(allow_nan=True),
    st.text(max_size=12), st.sampled_from(["", "2026-02-30", "2026-1-1", "active", "x" * 300,
                                           "ringlock_scaffolding", "customer_form", " C1"]),
    st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)  # fmt: skip


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


@st.composite
def mutated(draw: st.DrawFn) -> Any:
    doc = copy.deepcopy(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(0, 3))):
        path = draw(st.sampled_from(_paths(doc)))
        parent: Any = doc
        for step in path[:-1]:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "replace", "delete", "add"]))
        if action == "replace":
            parent[path[-1]] = draw(HOSTILE)
        elif action == "delete" and isinstance(parent, dict):
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=6))] = draw(HOSTILE)
    return doc


@settings(max_examples=300, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
@given(doc=mutated())
def test_the_fast_check_agrees_with_jsonschema(doc: Any) -> None:
    assert FAST(doc) == REFERENCE.is_valid(doc)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(doc=mutated())
def test_a_document_is_valid_exactly_when_no_problem_is_reported(default_policy: Policy, doc: Any) -> None:  # fmt: skip
    problems = validate_customer(doc, default_policy)
    if not REFERENCE.is_valid(doc):
        assert problems, "jsonschema refuses the document but no problem was reported"
    assert all(p.message for p in problems)


def _whole_check_validator(policy: Policy) -> CustomerValidator:
    """A validator that checks every document against the whole schema, as it did before it
    left the date patterns and the longest lengths to its own checks."""
    validator = CustomerValidator(policy)
    validator._lean_schema_ok = validator._schema_ok
    return validator


@settings(max_examples=300, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
@given(doc=mutated())
def test_the_lean_check_reports_what_the_whole_check_reports(
    default_policy: Policy, doc: Any
) -> None:
    assert CustomerValidator(default_policy).problems(doc) == _whole_check_validator(
        default_policy
    ).problems(doc)


class _Text(str):
    __slots__ = ()


class _Fields(dict[str, Any]):
    pass


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        (lambda d: d["profile"].update(founded_on="2008-3-15"), "profile.founded_on", "YYYY-MM-DD"),
        (lambda d: d["profile"].update(trading_since="今天"), "profile.trading_since", "YYYY-MM-DD"),
        (lambda d: d["leases"][1].update(start="2024-03-01\n"), "leases[1].start", "YYYY-MM-DD"),
        (lambda d: d["leases"][0].update(end="30/09/2023"), "leases[0].end", "YYYY-MM-DD"),
        (lambda d: d["sources"][1].update(on="2026-09-2"), "sources[1].on", "YYYY-MM-DD"),
        (lambda d: d["assessment"].update(assessed_on="2026-10-12T00:00"), "assessment.assessed_on", "YYYY-MM-DD"),
        (lambda d: d["profile"].update(founded_on=_Text("2008/03/15")), "profile.founded_on", "YYYY-MM-DD"),
        (lambda d: d.update(profile=_Fields(d["profile"], founded_on="2008/3/15")), "profile.founded_on", "YYYY-MM-DD"),
        (lambda d: d["leases"].__setitem__(0, _Fields(d["leases"][0], start="1/5/2023")), "leases[0].start", "YYYY-MM-DD"),
        (lambda d: d["trading"].update(problems="长" * LONG_TEXT + "x"), "trading.problems", "longer than 1000000"),
        (lambda d: d["profile"].update(founded_on="2008/3/15", trading_since="\udc80"), "profile.founded_on", "YYYY-MM-DD"),
    ],
)  # fmt: skip
def test_what_the_lean_check_leaves_out_is_still_refused(
    default_policy: Policy, change: Callable[[dict[str, Any]], object], path: str, words: str
) -> None:
    """Dates not written YYYY-MM-DD (also in text or fields of a subclass, also beside a lone
    surrogate) and texts over a million characters: refused with the schema's words."""
    doc = changed(change)
    problems = CustomerValidator(default_policy).problems(doc)
    assert problems == _whole_check_validator(default_policy).problems(doc)
    assert words in where(problems)[path]
    assert not REFERENCE.is_valid(doc)


def test_the_lean_check_leaves_out_exactly_the_date_patterns_the_validator_matches() -> None:
    """Every date of the schema is matched by the validator (a new date field must be added to
    DATE_PATHS), and nothing else is left out of the lean check."""
    found: set[str] = set()

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            if node.get("pattern") == DATE_PATTERN:
                found.add(path)
            for name, sub in node.get("properties", {}).items():
                walk(sub, f"{path}.{name}" if path else name)
            walk(node.get("items"), f"{path}[]")
            for sub in node.get("allOf", []):
                walk(sub, path)

    schema = customer_schema()
    flat = lean_schema(schema, unchecked_patterns={}, long_text=LONG_TEXT + 1)
    walk(flat, "")
    assert found == DATE_PATHS
    lean = lean_schema(schema, unchecked_patterns={DATE_PATTERN: DATE_PATHS}, long_text=LONG_TEXT)
    kept = _keywords(lean)
    assert kept == [(k, v) for k, v in _keywords(flat) if (k, v) not in LEFT_OUT]
    assert ("maxLength", LONG_TEXT) in _keywords(flat)


LEFT_OUT = {("pattern", DATE_PATTERN), ("maxLength", LONG_TEXT)}


def _keywords(node: Any) -> list[tuple[str, Any]]:
    """Every pattern and maxLength of a schema, in order."""
    if isinstance(node, list):
        return [found for item in node for found in _keywords(item)]
    if not isinstance(node, dict):
        return []
    found = [(k, v) for k, v in node.items() if k in ("pattern", "maxLength")]
    return found + [
        f for k, v in node.items() if k not in ("enum", "required") for f in _keywords(v)
    ]


@pytest.mark.parametrize(
    ("schema", "good", "bad"),
    [
        (
            {"type": "object", "oneOf": [{"required": ["a"]}, {"required": ["b"]}]},
            {"a": 1},
            {"a": 1, "b": 2},
        ),
        ({"type": "object", "properties": {"k": {"const": "x"}}}, {"k": "x"}, {"k": "y"}),
        ({"type": "array", "uniqueItems": True}, [1, 2], [1, 1]),
        (
            {
                "$defs": {"n": {"type": "number", "exclusiveMinimum": 0}},
                "properties": {"v": {"$ref": "#/$defs/n", "description": "a share"}},
            },
            {"v": 1},
            {"v": 0},
        ),
    ],
)
def test_keywords_beyond_todays_schema_are_checked_too(
    schema: dict[str, Any], good: Any, bad: Any
) -> None:
    """A schema change that uses another keyword needs no code here: the whole draft is checked."""
    check = compile_check(schema)
    reference = jsonschema.Draft202012Validator(schema)
    assert check(good) and reference.is_valid(good)
    assert not check(bad) and not reference.is_valid(bad)


def test_the_check_never_changes_the_document_or_the_schema() -> None:
    schema = {"type": "object", "properties": {"k": {"type": "string", "default": "filled"}}}
    frozen = copy.deepcopy(schema)
    doc: dict[str, Any] = {}
    assert compile_check(schema)(doc)
    assert doc == {} and schema == frozen
    shipped = copy.deepcopy(customer_schema())
    compile_check(customer_schema())
    assert customer_schema() == shipped


@pytest.mark.parametrize("keyword", ["dependentRequired", "prefixItems", "unevaluatedProperties"])
def test_keywords_fastjsonschema_would_skip_are_refused(keyword: str) -> None:
    """fastjsonschema stops at draft 7: a later keyword must fail loudly, never pass unchecked."""
    with pytest.raises(ValueError, match=keyword):
        compile_check({"properties": {"leases": {"type": "object", keyword: {}}}})


def test_only_the_schemas_own_definitions_are_followed() -> None:
    with pytest.raises(ValueError, match="only references"):
        compile_check({"properties": {"k": {"$ref": "https://example.com/other.json"}}})


@pytest.mark.slow
def test_a_hundred_thousand_documents_validate_in_seconds(default_policy: Policy) -> None:
    docs = generate_customers(100_000, seed=9, as_of=date(2026, 11, 29))
    started = time.process_time()
    assert validate_customers(docs, default_policy) == []
    assert time.process_time() - started < 15
