"""JSON Schema validation of a policy, every error located and worded for compliance staff."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import jsonschema

from creditfile.policy.errors import (
    N_,
    NOTHING,
    Phrase,
    PolicyProblem,
    clipped,
    format_path,
    phrase,
    policy_problem,
)
from creditfile.policy.schema_words import kinds_said, suggest_said, unknown_key_said
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
    """Every violation of ``schema`` (default: the policy's) in ``doc``, in file order, each
    worded as a phrase for the reader's language."""
    problems = []
    for error in _validator(schema).iter_errors(doc.data):
        problems.extend(_explain(error, doc, file, schema))
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0, p.path))


_EXAMPLES = {POLICY_SCHEMA: "policy/default.yaml", TESTS_SCHEMA: "policy/default.tests.yaml"}
"""The shipped file that shows each schema's keys in use, named when a required key is missing."""


def _explain(
    error: jsonschema.ValidationError, doc: YamlDocument, file: str, schema: str
) -> list[PolicyProblem]:
    path = tuple(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        return _unknown_keys(error, doc, file)
    line, col = doc.locate(path)
    if error.validator == "required" and isinstance(error.instance, dict):
        return [
            policy_problem(file, line, col, format_path(path), _required(key, schema))
            for key in _missing(error)
        ]
    return [policy_problem(file, line, col, format_path(path), _message(error))]


def _missing(error: jsonschema.ValidationError) -> list[str]:
    """The key a ``required`` error is about (jsonschema gives one error per missing key)."""
    wanted = error.validator_value if isinstance(error.validator_value, list) else []
    instance = error.instance if isinstance(error.instance, dict) else {}
    missing = [str(key) for key in wanted if key not in instance]
    named = [key for key in missing if error.message.startswith(repr(key))]
    return named[:1] or missing[:1]


def _required(key: str, schema: str) -> Phrase:
    example = _EXAMPLES.get(schema)
    if example is None:
        return phrase("{key} is required; add it", key=repr(key))
    return phrase(
        "{key} is required; add it (see {example} for an example)", key=repr(key), example=example
    )


def _unknown_keys(
    error: jsonschema.ValidationError, doc: YamlDocument, file: str
) -> list[PolicyProblem]:
    schema = error.schema if isinstance(error.schema, dict) else {}
    allowed = [str(key) for key in schema.get("properties", {})]
    base = tuple(error.absolute_path)
    problems = []
    instance = error.instance if isinstance(error.instance, dict) else {}
    for key in instance:
        if key in allowed:
            continue
        line, col = doc.locate((*base, str(key)), key=True)
        where = format_path((*base, str(key)))
        problems.append(policy_problem(file, line, col, where, unknown_key_said(str(key), allowed)))
    return problems


def _shown(value: object) -> str:
    """A value as a message quotes it: as written in Python (text in quotes), cut if long."""
    return clipped(repr(value), 60)


def _message(error: jsonschema.ValidationError) -> Phrase:
    kind = str(error.validator)
    value = error.instance
    wanted: Any = error.validator_value
    if kind == "type":
        if wanted == "string" and not isinstance(value, str):
            return phrase("{value} should be text; write it in quotes", value=_shown(value))
        return phrase("{value} should be {kind}", value=_shown(value), kind=kinds_said(wanted))
    if kind in _TOO_MANY or kind in _TOO_FEW or kind in _OUT_OF_RANGE:
        return _bounds(error, kind, value, wanted)
    if kind == "enum":
        choices = ", ".join(map(str, wanted)) if isinstance(wanted, list) else ""
        hint = suggest_said(value, [str(c) for c in wanted]) if isinstance(value, str) else NOTHING
        return phrase(
            "{value} is not allowed; use one of {choices}{hint}",
            value=_shown(value),
            choices=choices,
            hint=hint,
        )
    if kind == "const":
        return phrase("{value} is not allowed; write {wanted}", value=_shown(value), wanted=wanted)
    if kind in {"format", "pattern"} and isinstance(value, str):
        return _form(value, kind, wanted)
    if kind == "uniqueItems":
        return phrase("a value is listed twice; list each once")
    if kind == "oneOf" and isinstance(value, dict):
        return phrase("give exactly one of cap_grade or flag")
    if kind == "not" and isinstance(wanted, dict):
        return _misplaced(wanted)
    # A check no policy schema uses yet: said generally, with the schema's own word for it.
    return phrase("{value} is not valid here ({check})", value=_shown(value), check=kind)


def _bounds(error: jsonschema.ValidationError, kind: str, value: Any, wanted: Any) -> Phrase:
    """A value, text, list or mapping beyond a bound of the schema (a size or a range)."""
    if kind in _OUT_OF_RANGE:
        return phrase(_OUT_OF_RANGE[kind], value=_shown(value), limit=_number(wanted))
    if not isinstance(value, str | list | dict):
        return phrase("{value} is not valid here ({check})", value=_shown(value), check=kind)
    if kind == "maxLength" and list(error.absolute_path)[-1:] == ["when"]:
        return phrase(
            "the condition is {count} characters long; at most {limit} are allowed: split it "
            "over several tiers or overrides, or use `fact in [...]` for a list",
            count=format(len(value), ","),
            limit=format(wanted, ","),
        )
    if kind in _TOO_MANY:
        return phrase(_TOO_MANY[kind], count=format(len(value), ","), limit=format(wanted, ","))
    if wanted == 1 and kind in _EMPTY:
        return phrase(_EMPTY[kind], value=_shown(value))
    return phrase(_TOO_FEW[kind], limit=format(wanted, ","))


_TOO_MANY = {
    "maxLength": N_("{count} characters; at most {limit} are allowed here"),
    "maxItems": N_("{count} entries; at most {limit} are allowed here"),
    "maxProperties": N_("{count} keys; at most {limit} are allowed here"),
}
_TOO_FEW = {
    "minLength": N_("must not be empty; fill it in"),
    "minItems": N_("list at least {limit} entries here"),
    "minProperties": N_("give at least {limit} keys here"),
}
_EMPTY = {
    "minItems": N_("{value} is empty; list at least one entry here"),
    "minProperties": N_("{value} is empty; give at least one key here"),
}
_OUT_OF_RANGE = {
    "minimum": N_("{value} is out of range: it must be at least {limit}"),
    "maximum": N_("{value} is out of range: it must be at most {limit}"),
    "exclusiveMinimum": N_("{value} is out of range: it must be above {limit}"),
    "exclusiveMaximum": N_("{value} is out of range: it must be below {limit}"),
}


def _number(value: object) -> str:
    return format(value, ",g") if isinstance(value, int | float) else str(value)


# What each pattern of the schemas asks for, in words.
_FORMS = {
    "^[a-z][a-z0-9_]*$": N_(
        "{value} is not a key: write lower-case letters a-z, digits and _, starting with a letter"
    ),
    "^[A-Za-z][A-Za-z0-9_+-]*$": N_(
        "{value} is not a grade name: write letters, digits, _, + and -, starting with a letter"
    ),
    "^[A-Za-z0-9][A-Za-z0-9_.-]*$": N_(
        "{value} is not an id: write letters, digits, _, . and -, starting with a letter or digit"
    ),
    "^[0-9]{4}(-Q[1-4])?$": N_(
        "{value} is not a period; write a year (2026) or a quarter (2026-Q1)"
    ),
    "^\\d{4}-\\d{2}-\\d{2}$": N_("{value} is not a date; write it as YYYY-MM-DD, e.g. 2026-03-15"),
    "date": N_("{value} is not a date; write it as YYYY-MM-DD, e.g. 2026-03-15"),
}


def _form(value: str, kind: str, wanted: object) -> Phrase:
    """A text that does not have the form its key needs (a pattern, or the date format)."""
    template = _FORMS.get(str(wanted))
    if template is not None:
        return phrase(template, value=_shown(value))
    return phrase(
        "{value} does not have the form this key needs ({form})", value=_shown(value), form=wanted
    )


_ONLY_FOR = {
    "max": N_("give either max (a whole-number fact) or below (an amount), not both"),
    "new_customer_points": N_(
        "new_customer_points, prospective_customer_points, window_months and scale belong only "
        "to relative_to_max items"
    ),
    "bands": N_("bands and manual_override belong only to bands items"),
    "fact": N_("fact belongs only to relative_to_max and bands items"),
    "guidance": N_(
        "guidance belongs only to items an assessor enters (manual, or bands with manual_override)"
    ),
}


def _misplaced(refused: dict[str, Any]) -> Phrase:
    """What a ``not`` rule of the schema refused, in words (the keys it names pick the words)."""
    groups = refused.get("anyOf", [refused])
    first = groups[0].get("required", [""])[0] if groups and isinstance(groups[0], dict) else ""
    return phrase(_ONLY_FOR.get(first, N_("this combination of keys is not allowed here")))
