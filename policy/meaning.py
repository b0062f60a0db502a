"""Meaning checks beyond the schema: weights, thresholds, privileges, tiers, conditions."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from creditfile.policy.bands_check import above_weight, check_bands_item
from creditfile.policy.conditions import ConditionCompileError, compile_condition
from creditfile.policy.errors import Phrase, PolicyProblem, format_path, phrase, policy_problem
from creditfile.policy.fact_catalogue import FACTS_BY_NAME, Scope
from creditfile.policy.yamlsource import Path, YamlDocument

Report = Callable[[Path, Phrase], None]
T = TypeVar("T")


def meaning_problems(doc: YamlDocument, file: str) -> list[PolicyProblem]:
    """Every meaning problem of a schema-valid policy document, located."""
    problems: list[PolicyProblem] = []

    def report(path: Path, message: Phrase) -> None:
        line, col = doc.locate(path)
        problems.append(policy_problem(file, line, col, format_path(path), message))

    data: Mapping[str, Any] = doc.data
    # Each section is checked on its own, so that a schema error in one section (already
    # reported) does not hide the meaning errors of the others.
    _guarded(lambda: _check_scoring(data["scoring"], report))
    grade_names = _guarded(lambda: _check_grades(data["grades"], data["below_lowest"], report))
    natures = _guarded(lambda: tuple(str(k) for k in data["natures"]))
    if natures is not None:
        listed = data.get("personal_natures") or []
        _guarded(lambda: _check_personal_natures(listed, natures, report))
    if grade_names is not None:
        _guarded(lambda: _check_privileges(data["privileges"], grade_names, natures or (), report))
    if grade_names is not None and natures is not None:
        values = {"nature": natures, "grade": tuple(grade_names)}
        _guarded(lambda: _check_tiers(data["tiers"], values, report))
        _guarded(lambda: _check_overrides(data.get("overrides") or [], values, grade_names, report))
        when = (data.get("investigation") or {}).get("when")
        if when is not None:
            path = ("investigation", "when")
            _guarded(lambda: _check_condition(when, "override", values, path, report))
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0))


def _guarded(check: Callable[[], T]) -> T | None:
    try:
        return check()
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        return None


def _check_personal_natures(listed: list[str], natures: tuple[str, ...], report: Report) -> None:
    for index, nature in enumerate(listed):
        if nature not in natures:
            report(
                ("personal_natures", index),
                phrase(
                    "{value} is not one of the natures{hint}",
                    value=repr(nature),
                    hint=_suggest(nature, list(natures)),
                ),
            )


def _check_scoring(items: list[dict[str, Any]], report: Report) -> None:
    total = sum(float(item["weight"]) for item in items)
    if abs(total - 100) > 1e-9:
        listed = " + ".join(f"{item['key']} {item['weight']:g}" for item in items)
        report(
            ("scoring",),
            phrase(
                "weights add up to {total} ({listed}); they must add up to 100",
                total=format(total, "g"),
                listed=listed,
            ),
        )
    _check_unique(items, "key", ("scoring",), report)
    for index, item in enumerate(items):
        _guarded(lambda: _check_guidance(item, ("scoring", index), report))  # noqa: B023
        if item["method"] == "bands":
            _guarded(lambda: check_bands_item(item, ("scoring", index), report))  # noqa: B023
        if item["method"] != "relative_to_max":
            continue
        fact = FACTS_BY_NAME.get(item["fact"])
        if fact is None or fact.type != "number" or "tier" not in fact.scopes:
            numeric = [
                f.name for f in FACTS_BY_NAME.values() if f.type == "number" and "tier" in f.scopes
            ]
            hint = _suggest(item["fact"], numeric)
            report(
                ("scoring", index, "fact"),
                phrase("{value} is not a numeric fact{hint}", value=repr(item["fact"]), hint=hint),
            )
        if item.get("window_months") is not None and item["fact"] != "cumulative_lease_amount":
            report(
                ("scoring", index, "window_months"),
                phrase(
                    "window_months counts the leases started within the window, so it applies "
                    "to cumulative_lease_amount only, not {fact}",
                    fact=repr(item["fact"]),
                ),
            )
        scale = item.get("scale", "linear")
        if scale != "linear" and fact is not None and fact.nullable:
            report(
                ("scoring", index, "scale"),
                phrase(
                    "scale {scale} needs a fact that is never null nor negative; {fact} may be "
                    "either: use scale linear, or another fact",
                    scale=scale,
                    fact=repr(item["fact"]),
                ),
            )
        for key in ("new_customer_points", "prospective_customer_points"):
            if item.get(key) is not None and item[key] > item["weight"]:
                report(("scoring", index, key), above_weight(item[key], item["weight"]))


def _check_guidance(item: Mapping[str, Any], where: Path, report: Report) -> None:
    levels = item.get("guidance") or []
    if levels and item["method"] == "bands" and not item.get("manual_override"):
        report(
            (*where, "guidance"),
            phrase(
                "guidance is shown beside an assessor's entry, and this bands item takes none; "
                "set manual_override: true or remove the guidance"
            ),
        )
    for index, level in enumerate(levels):
        at = (*where, "guidance", index, "points")
        if level["points"] > item["weight"]:
            report(at, above_weight(level["points"], item["weight"]))
        if index and level["points"] >= levels[index - 1]["points"]:
            report(
                at,
                phrase(
                    "{points} is not below the level before it ({before}); list guidance from "
                    "the most points down",
                    points=format(level["points"], "g"),
                    before=format(levels[index - 1]["points"], "g"),
                ),
            )


def _check_grades(grades: list[dict[str, Any]], below: dict[str, Any], report: Report) -> list[str]:
    _check_unique(grades, "name", ("grades",), report)
    names = [grade["name"] for grade in grades]
    if below["name"] in names:
        report(
            ("below_lowest", "name"),
            phrase(
                "{name} is already a graded band; give below_lowest its own name",
                name=repr(below["name"]),
            ),
        )
    for index in range(1, len(grades)):
        previous, current = grades[index - 1]["min_score"], grades[index]["min_score"]
        if current >= previous:
            report(
                ("grades", index, "min_score"),
                phrase(
                    "{value} is not below grades[{index}].min_score {previous}; thresholds must "
                    "fall strictly from {first} to {last}",
                    value=format(current, "g"),
                    index=index - 1,
                    previous=format(previous, "g"),
                    first=names[0],
                    last=names[-1],
                ),
            )
    return [*names, below["name"]]


def _check_privileges(
    privileges: Mapping[str, Any],
    grades: list[str],
    natures: tuple[str, ...],
    report: Report,
) -> None:
    for name in grades:
        if name not in privileges:
            report(
                ("privileges",),
                phrase(
                    "grade {name} has no privileges; add privileges.{key} (every grade, "
                    "including below_lowest, needs its terms)",
                    name=repr(name),
                    key=name,
                ),
            )
    for name, terms in privileges.items():
        for nature in (terms.get("by_nature") or {}) if isinstance(terms, dict) else ():
            if nature not in natures:
                report(
                    ("privileges", name, "by_nature", nature),
                    phrase(
                        "unknown nature {value}{hint}",
                        value=repr(nature),
                        hint=_suggest(nature, list(natures)),
                    ),
                )
        if name not in grades:
            report(
                ("privileges", name),
                phrase(
                    "privileges for unknown grade {value}{hint}",
                    value=repr(name),
                    hint=_suggest(name, grades),
                ),
            )


def _check_tiers(
    tiers: list[dict[str, Any]], values: Mapping[str, tuple[str, ...]], report: Report
) -> None:
    _check_unique(tiers, "key", ("tiers",), report)
    last = len(tiers) - 1
    for index, tier in enumerate(tiers):
        when = tier.get("when")
        if index == last and when is not None:
            report(
                ("tiers", index, "when"),
                phrase(
                    "the last tier must have no condition: it catches every customer no earlier "
                    "tier took; add a catch-all tier after it"
                ),
            )
        elif index < last and when is None:
            report(
                ("tiers", index),
                phrase(
                    "only the last tier may omit `when`: tiers after a catch-all could never apply"
                ),
            )
        if when is not None:
            _check_condition(when, "tier", values, ("tiers", index, "when"), report)


def _check_overrides(
    overrides: list[dict[str, Any]],
    values: Mapping[str, tuple[str, ...]],
    grades: list[str],
    report: Report,
) -> None:
    _check_unique(overrides, "id", ("overrides",), report)
    for index, rule in enumerate(overrides):
        _check_condition(rule["when"], "override", values, ("overrides", index, "when"), report)
        cap = rule.get("cap_grade")
        if cap is not None and cap not in grades:
            report(
                ("overrides", index, "cap_grade"),
                phrase("unknown grade {value}{hint}", value=repr(cap), hint=_suggest(cap, grades)),
            )


def _check_condition(
    text: str, scope: Scope, values: Mapping[str, tuple[str, ...]], path: Path, report: Report
) -> None:
    try:
        compile_condition(text, scope, values)
    except ConditionCompileError as exc:
        report(path, exc.said)


def _check_unique(items: list[dict[str, Any]], key: str, path: Path, report: Report) -> None:
    seen: set[Any] = set()
    for index, item in enumerate(items):
        if item[key] in seen:
            report(
                (*path, index, key),
                phrase(
                    "{value} is used twice; each {key} must be unique",
                    value=repr(item[key]),
                    key=key,
                ),
            )
        seen.add(item[key])


def _suggest(word: str, candidates: list[str]) -> Phrase:
    close = difflib.get_close_matches(str(word), candidates, n=1)
    if close:
        return phrase("; did you mean {key}?", key=repr(close[0]))
    return phrase(" (known: {known})", known=", ".join(candidates))
