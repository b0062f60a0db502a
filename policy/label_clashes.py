"""Warnings for labels of different kinds that read the same (a grade and a tier both 一般客户).

Such a policy is valid, and grades the same, but staff read one label as the other: a card
header saying ``C 73.6 一般客户`` beside a tier column saying 零散客户 for the same customer.
``policy check`` prints these as warnings; they never stop a policy being loaded or activated.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from pathlib import Path as FilePath
from typing import Any

from creditfile.policy.errors import (
    N_,
    NOTHING,
    PolicyProblem,
    format_path,
    phrase,
    policy_problem,
)
from creditfile.policy.yamlsource import Path, YamlDocument, parse_yaml

KIND_NAMES = {
    "grade": N_("grade"),
    "tier": N_("tier"),
    "nature": N_("nature"),
    "item": N_("scoring item"),
    "category": N_("leased-item category"),
}


ENGLISH_KINDS = {
    "grades": "grade",
    "tiers": "tier",
    "natures": "nature",
    "scoring": "item",
    "item_categories": "category",
}
"""The sections of ``labels_en`` and the kind of thing each names."""


def label_clashes(path: str | FilePath) -> list[PolicyProblem]:
    """Every label that a later entry of another kind repeats, located at the repeat.

    Args:
        path: A policy file (read as UTF-8; a file that does not parse gives no warnings,
            its errors are ``check_policy``'s to report).

    Returns:
        One warning per repeated label, in file order; empty when every label is its own.
    """
    if "\x00" in str(path) or not FilePath(path).is_file():
        return []  # a device such as /dev/zero might never end; check_policy says why
    try:
        text = FilePath(path).read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    doc, _problems = parse_yaml(text, str(path))
    if doc is None or not isinstance(doc.data, Mapping):
        return []
    return clashes_in(doc, str(path)) + unused_english(doc, str(path))


# Each section of ``labels_en``: where its keys are, and the field naming an entry of a list.
_ENGLISH_KEYS = {
    "natures": ("natures", ""),
    "item_categories": ("item_categories", ""),
    "scoring": ("scoring", "key"),
    "grades": ("grades", "name"),
    "tiers": ("tiers", "key"),
    "payment_methods": ("privileges", "payment_method"),
    "overrides": ("overrides", "id"),
}


def _keys_of(data: Mapping[str, Any], section: str) -> list[str]:
    where, field = _ENGLISH_KEYS[section]
    if section == "payment_methods":
        return _payment_methods(data.get(where))
    value = data.get(where)
    if isinstance(value, Mapping):
        return [str(k) for k in value]
    keys = [str(e.get(field)) for e in _list(value) if isinstance(e, Mapping)]
    below = data.get("below_lowest")
    if section == "grades" and isinstance(below, Mapping):
        keys.append(str(below.get("name")))
    return keys


def unused_english(doc: YamlDocument, file: str) -> list[PolicyProblem]:
    """A warning for each ``labels_en`` entry naming a key its section does not have (a typo,
    or an entry left behind when the key was removed): it is never shown."""
    english = doc.data.get("labels_en")
    warnings: list[PolicyProblem] = []
    if not isinstance(english, Mapping):
        return warnings
    for section in _ENGLISH_KEYS:
        entries = english.get(section)
        if not isinstance(entries, Mapping):
            continue
        keys = _keys_of(doc.data, section)
        for key in entries:
            if str(key) in keys:
                continue
            where: Path = ("labels_en", section, str(key))
            line, col = doc.locate(where)
            close = difflib.get_close_matches(str(key), keys, n=1)
            hint = phrase("did you mean {key}? ", key=repr(close[0])) if close else NOTHING
            template = (
                N_(
                    "warning: {key} is not a payment_method of privileges, so this English label "
                    "is never shown; {hint}name one of {keys}"
                )
                if section == "payment_methods"
                else N_(
                    "warning: {key} is not in {section}, so this English label is never shown; "
                    "{hint}name one of {keys}"
                )
            )
            said = phrase(template, key=repr(key), section=section, hint=hint, keys=", ".join(keys))
            warnings.append(policy_problem(file, line, col, format_path(where), said))
    return warnings


def clashes_in(doc: YamlDocument, file: str) -> list[PolicyProblem]:
    """The warnings of a parsed policy document (see ``label_clashes``)."""
    first: dict[tuple[str, str], tuple[str, str, Path]] = {}
    warnings: list[PolicyProblem] = []
    entries = sorted(_labels(doc.data), key=lambda e: tuple(n or 0 for n in doc.locate(e[2])))
    for kind, name, where, label in entries:
        # Labels are compared with labels, English ones (labels_en) with English ones, any case.
        seen_key = ("en", label.casefold()) if where[0] == "labels_en" else ("", label)
        seen = first.get(seen_key)
        if seen is None:
            first[seen_key] = (kind, name, where)
            continue
        other_kind, other_name, other_where = seen
        if other_kind == kind:
            continue  # two grades or two tiers alike: not a confusion of kinds
        line, col = doc.locate(where)
        other_line, _ = doc.locate(other_where)
        at = phrase(", line {line}", line=other_line) if other_line else NOTHING
        said = phrase(
            "warning: {label} is also the label of {other_kind} {other_name} ({other_key}{at}); "
            "staff will read the {kind} as the {other_kind}: give each its own label",
            label=repr(label),
            other_kind=phrase(KIND_NAMES[other_kind]),
            other_name=other_name,
            other_key=format_path(other_where),
            at=at,
            kind=phrase(KIND_NAMES[kind]),
        )
        warnings.append(policy_problem(file, line, col, format_path(where), said))
    return warnings


def _labels(data: Mapping[str, Any]) -> Iterator[tuple[str, str, Path, str]]:
    """(kind, name, path of the label, label) of every labelled entry."""
    for i, grade in enumerate(_list(data.get("grades"))):
        if isinstance(grade, Mapping) and isinstance(grade.get("label"), str):
            yield "grade", str(grade.get("name")), ("grades", i, "label"), grade["label"]
    below = data.get("below_lowest")
    if isinstance(below, Mapping) and isinstance(below.get("label"), str):
        yield "grade", str(below.get("name")), ("below_lowest", "label"), below["label"]
    for i, tier in enumerate(_list(data.get("tiers"))):
        if isinstance(tier, Mapping) and isinstance(tier.get("label"), str):
            yield "tier", str(tier.get("key")), ("tiers", i, "label"), tier["label"]
    for i, item in enumerate(_list(data.get("scoring"))):
        if isinstance(item, Mapping) and isinstance(item.get("label"), str):
            yield "item", str(item.get("key")), ("scoring", i, "label"), item["label"]
    for section, kind in (("natures", "nature"), ("item_categories", "category")):
        entries = data.get(section)
        if isinstance(entries, Mapping):
            for key, label in entries.items():
                if isinstance(label, str):
                    yield kind, str(key), (section, str(key)), label
    yield from _english_labels(data.get("labels_en"))


def _english_labels(english: object) -> Iterator[tuple[str, str, Path, str]]:
    """The entries of ``labels_en``, as ``_labels`` gives the others."""
    if not isinstance(english, Mapping):
        return
    for section, kind in ENGLISH_KINDS.items():
        entries = english.get(section)
        if isinstance(entries, Mapping):
            for key, label in entries.items():
                if isinstance(label, str):
                    yield kind, str(key), ("labels_en", section, str(key)), label


def _payment_methods(privileges: object) -> list[str]:
    """The payment methods the privileges write, each once, in file order (by_nature's too)."""
    found: list[str] = []
    grades = privileges.values() if isinstance(privileges, Mapping) else ()
    for terms in grades:
        if not isinstance(terms, Mapping):
            continue
        refined = terms.get("by_nature")
        by_nature = refined.values() if isinstance(refined, Mapping) else ()
        for given in (terms, *by_nature):
            method = given.get("payment_method") if isinstance(given, Mapping) else None
            if isinstance(method, str) and method not in found:
                found.append(method)
    return found


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []
