"""The field catalogue is held to customer.schema.json: one entry per property, both labels."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from importlib import resources
from typing import Any

import jsonschema
import pytest

from creditfile.document import customer_schema, field_catalogue
from creditfile.document.fields import SchemaAnnotationError, build_catalogue

SCHEMA_TEXT = resources.files("creditfile.document").joinpath("customer.schema.json")
CATALOGUE = field_catalogue()


def _schema_properties(schema: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every property of the schema with its key, walked here independently of the catalogue."""
    defs = schema["$defs"]

    def resolve(node: Mapping[str, Any]) -> Mapping[str, Any]:
        ref = node.get("$ref")
        return {**defs[ref.split("/")[-1]], **node} if ref else node

    def walk(node: Mapping[str, Any], prefix: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
        for name, prop in node.get("properties", {}).items():
            key = f"{prefix}{name}"
            yield key, prop
            full = resolve(prop)
            yield from walk(full, f"{key}.")
            if "items" in full:
                yield from walk(resolve(full["items"]), f"{key}[].")
        if isinstance(node.get("additionalProperties"), dict):
            yield f"{prefix}*", node["additionalProperties"]

    yield from walk(schema, "")


SCHEMA_PROPERTIES = dict(_schema_properties(json.loads(SCHEMA_TEXT.read_text("utf-8"))))


def test_every_schema_property_has_exactly_one_entry_and_every_entry_names_one() -> None:
    keys = CATALOGUE.keys()
    assert len(keys) == len(set(keys)), "a key appears twice in the catalogue"
    assert set(keys) == set(SCHEMA_PROPERTIES)
    assert len(keys) == 60  # a new property is a deliberate change: label it, count it here


@pytest.mark.parametrize("key", sorted(SCHEMA_PROPERTIES))
def test_every_property_has_both_labels_a_description_and_a_format(key: str) -> None:
    field = CATALOGUE[key]
    assert field.label.zh.strip() and field.label.en.strip()
    assert any(ord(ch) > 0x2E80 for ch in field.label.zh), "the Chinese label is Chinese"
    assert field.label.en.isascii()
    assert SCHEMA_PROPERTIES[key]["description"] == field.description != ""
    assert field.header
    assert field.format


def test_formats_agree_with_the_schema_types() -> None:
    expected = {
        "amount": ("number",),
        "integer": ("integer",),
        "score": ("number",),
        "date": ("string",),
        "flag": ("boolean",),
        "section": ("object",),
        "list": ("array",),
    }
    for field in CATALOGUE:
        if field.key == "sources[].declared.*":  # a declared value, as the form gave it
            assert field.types == ("string", "number")
        elif field.format in expected:
            assert field.types == expected[field.format], field.key
        else:
            assert field.types == ("string",), field.key
        if field.format == "choice":
            assert [c.value for c in field.choices] == list(
                SCHEMA_PROPERTIES[field.key].get("enum", [])
            )


def test_personal_fields_are_exactly_profile_person_and_below() -> None:
    personal = {f.key for f in CATALOGUE if f.personal}
    assert personal == {k for k in SCHEMA_PROPERTIES if k.startswith("profile.person")}


def test_required_follows_the_schema() -> None:
    required = {f.key for f in CATALOGUE if f.required}
    assert required == {
        "id",
        "name",
        "nature",
        "leases[].item",
        "leases[].start",
        "leases[].amount",
        "leases[].status",
        "sources[].kind",
        "related[].id",
        "related[].relation",
    }


def _sheets() -> dict[str, list[str]]:
    """The fields that share one sheet of a workbook: the customer, a lease, a source, a
    related customer."""
    sheets: dict[str, list[str]] = {"customers": [], "leases": [], "sources": [], "related": []}
    for field in CATALOGUE.values():
        sheet = field.section if field.in_list else "customers"
        sheets[sheet].append(field.key)
    return sheets


@pytest.mark.parametrize("sheet", ["customers", "leases", "sources", "related"])
def test_headers_and_aliases_name_one_field_per_sheet(sheet: str) -> None:
    seen: dict[str, str] = {}
    for key in _sheets()[sheet]:
        names = CATALOGUE[key].column_names()
        # A field's own spellings may coincide (key and last key); two fields' may not.
        for name in set(names):
            assert seen.setdefault(name.lower(), key) == key, f"{name!r}: {seen[name]} and {key}"


def test_the_annotated_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(customer_schema())


def test_a_caller_cannot_change_the_shared_schema() -> None:
    customer_schema()["properties"]["id"]["x-label"]["zh"] = "changed"
    assert customer_schema()["properties"]["id"]["x-label"]["zh"] == "客户编号"


def test_units_and_titles() -> None:
    assert CATALOGUE["profile.registered_capital"].titled("zh") == "注册资本(元)"
    assert CATALOGUE["leases[].amount"].titled("en") == "Amount (CNY)"
    assert CATALOGUE["contact.phone"].titled("en") == "Phone"


@pytest.mark.parametrize(
    ("path", "zh"),
    [
        ("contact.phone", "电话"),
        ("leases[3].amount", "金额"),
        ("leases.amount", "金额"),
        ("sources[0].kind", "来源类型"),
        ("assessment.payment", "assessment.payment"),  # a policy item: the policy labels it
    ],
)
def test_label_of_a_document_path(path: str, zh: str) -> None:
    assert CATALOGUE.label_of_path(path, "zh") == zh


def _without(schema: dict[str, Any], *path: str) -> dict[str, Any]:
    node = schema
    for step in path[:-1]:
        node = node[step]
    del node[path[-1]]
    return schema


@pytest.mark.parametrize(
    ("damage", "key", "words"),
    [
        (("properties", "contact", "properties", "phone", "x-label"), "contact.phone", "x-label"),
        (("properties", "name", "x-format"), "name", "x-format"),
        (("$defs", "lease", "properties", "status", "x-choices"), "leases[].status", "x-choices"),
    ],
)
def test_a_missing_annotation_is_refused_naming_its_key(
    damage: tuple[str, ...], key: str, words: str
) -> None:
    with pytest.raises(SchemaAnnotationError, match=re.escape(f"{key}: {words}")) as caught:
        build_catalogue(_without(customer_schema(), *damage))
    assert caught.value.key == key


def test_a_misspelt_annotation_is_refused() -> None:
    schema = customer_schema()
    schema["properties"]["name"]["x-lable"] = {"zh": "名称", "en": "Name"}
    with pytest.raises(SchemaAnnotationError, match=r"name: unknown annotation \['x-lable'\]"):
        build_catalogue(schema)


def test_an_unknown_key_is_refused_with_a_suggestion() -> None:
    with pytest.raises(KeyError, match=re.escape("contact.phone")):
        CATALOGUE["contact.phon"]


def test_a_declared_value_is_labelled_by_its_field() -> None:
    path = "sources[1].declared.profile.total_assets"
    assert CATALOGUE.label_of_path(path, "zh") == "待审核申报值 · 总资产"
    assert CATALOGUE.label_of_path(path, "en") == "Declared, to audit · Total assets"
    assert CATALOGUE.label_of_path("sources[1].declared.nothing", "en") == (
        "sources[1].declared.nothing"
    )
