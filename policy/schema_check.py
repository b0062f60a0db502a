"""JSON Schema validation of a policy, every error located and worded for compliance staff."""

from __future__ import annotations

import difflib
import json
from functools import cache
from importlib import resources
from typing import Any

import jsonschema

from creditfile.policy.errors import PolicyProblem, format_path
from creditfile.policy.yamlsource import YamlDocument

POLICY_SCHEMA = "policy.schema.json"
TESTS_SCHEMA = "policy-tests.schema.json"
"""The schema of a policy's companion test file (``<policy>.tests.yaml``)."""


@cache
def policy_schema(name: str = POLICY_SCHEMA) -> dict[str, Any]:
    """A JSON Schema shipped in ``policy/schema``: the policy's, or ``TESTS_SCHEMA``."""
    source = resources.files("creditfile.policy").joinpath(f"schema/{name}")
    text = source.read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        policy_schema(name), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def schema_problems(
    doc: YamlDocument, file: str, schema: str = POLICY_SCHEMA
) -> list[PolicyProblem]:
    """Every violation of ``schema`` (default: the policy's) in ``doc``, in file order."""
    problems = []
    for error in _validator(schema).iter_errors(doc.data):
        problems.extend(_explain(error, doc, file))
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0, p.path))


def _explain(
    error: jsonschema.ValidationError, doc: YamlDocument, file: str
) -> list[PolicyProblem]:
    path = tuple(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        return _unknown_keys(error, doc, file)
    line, col = doc.locate(path)
    return [PolicyProblem(file, line, col, format_path(path), _message(error))]


def _unknown_keys(
    error: jsonschema.ValidationError, doc: YamlDocument, file: str
) -> list[PolicyProblem]:
    schema = error.schema if isinstance(error.schema, dict) else {}
    allowed = list(schema.get("properties", {}))
    base = tuple(error.absolute_path)
    problems = []
    instance = error.instance if isinstance(error.instance, dict) else {}
    for key in instance:
        if key in allowed:
            continue
        line, col = doc.locate((*base, str(key)), key=True)
        close = difflib.get_close_matches(str(key), allowed, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f"; allowed: {', '.join(allowed)}"
        problems.append(
            PolicyProblem(
                file, line, col, format_path((*base, str(key))), f"unknown key {key!r}{hint}"
            )
        )
    return problems


def _message(error: jsonschema.ValidationError) -> str:
    kind = error.validator
    value = error.instance
    if kind == "required":
        return f"{error.message}; add it (see policy/default.yaml for an example)"
    if kind == "type":
        wanted = error.validator_value
        hint = " — write it in quotes" if wanted == "string" and not isinstance(value, str) else ""
        return f"{value!r} should be {_type_words(wanted)}{hint}"
    if (
        kind == "maxLength"
        and isinstance(value, str)
        and list(error.absolute_path)[-1:] == ["when"]
    ):
        return (
            f"the condition is {len(value):,} characters long; at most "
            f"{error.validator_value:,} are allowed — split it over several tiers or overrides, "
            "or use `fact in [...]` for a list"
        )
    if kind in {"maxLength", "maxItems", "maxProperties"}:
        what = {"maxLength": "characters", "maxItems": "entries", "maxProperties": "keys"}[kind]
        return (
            f"{len(value):,} {what}; at most {error.validator_value:,} are allowed here"
            if isinstance(value, str | list | dict)
            else error.message
        )
    if kind in {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}:
        return f"{value!r} is out of range: {error.message.split(' is ', 1)[-1]}"
    if kind == "enum":
        choices = error.validator_value if isinstance(error.validator_value, list) else []
        return f"{value!r} is not allowed; use one of {', '.join(map(str, choices))}"
    if kind in {"format", "pattern"} and isinstance(value, str):
        return f"{value!r} is not valid here ({error.message.split(' ', 1)[-1]})"
    if kind == "oneOf" and isinstance(value, dict):
        return "give exactly one of cap_grade or flag"
    if kind == "not" and isinstance(error.validator_value, dict):
        return _misplaced(error.validator_value)
    return error.message


_ONLY_FOR = {
    "max": "give either max (a whole-number fact) or below (an amount), not both",
    "new_customer_points": (
        "new_customer_points, prospective_customer_points, window_months and scale belong only "
        "to relative_to_max items"
    ),
    "bands": "bands and manual_override belong only to bands items",
    "fact": "fact belongs only to relative_to_max and bands items",
    "guidance": (
        "guidance belongs only to items an assessor enters (manual, or bands with manual_override)"
    ),
}


def _misplaced(refused: dict[str, Any]) -> str:
    """What a ``not`` rule of the schema refused, in words (the keys it names pick the words)."""
    groups = refused.get("anyOf", [refused])
    first = groups[0].get("required", [""])[0] if groups and isinstance(groups[0], dict) else ""
    return _ONLY_FOR.get(first, "this combination of keys is not allowed here")


def _type_words(wanted: object) -> str:
    words = {
        "string": "text",
        "number": "a number",
        "integer": "a whole number",
        "object": "a mapping of keys to values",
        "array": "a list",
        "boolean": "true or false",
    }
    if isinstance(wanted, list):
        return " or ".join(words.get(str(w), str(w)) for w in wanted)
    return words.get(str(wanted), str(wanted))
