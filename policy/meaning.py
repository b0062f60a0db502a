"""Meaning checks beyond the schema: weights, thresholds, privileges, tiers, conditions."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from creditfile.policy.bands_check import check_bands_item
from creditfile.policy.conditions import ConditionCompileError, compile_condition
from creditfile.policy.errors import PolicyProblem, format_path
from creditfile.policy.fact_catalogue import FACTS_BY_NAME, Scope
from creditfile.policy.yamlsource import Path, YamlDocument

Report = Callable[[Path, str], None]
T = TypeVar("T")


def meaning_problems(doc: YamlDocument, file: str) -> list[PolicyProblem]:
    """Every meaning problem of a schema-valid policy document, located."""
    problems: list[PolicyProblem] = []

    def report(path: Path, message: str) -> None:
        line, col = doc.locate(path)
        problems.append(PolicyProblem(file, line, col, format_path(path), message))

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
            hint = _suggest(nature, list(natures)) or f"; the natures are {', '.join(natures)}"
            report(("personal_natures", index), f"{nature!r} is not one of the natures{hint}")


def _check_scoring(items: list[dict[str, Any]], report: Report) -> None:
    total = sum(float(item["weight"]) for item in items)
    if abs(total - 100) > 1e-9:
        listed = " + ".join(f"{item['key']} {item['weight']:g}" for item in items)
        report(("scoring",), f"weights add up to {total:g} ({listed}); they must add up to 100")
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
            report(("scoring", index, "fact"), f"{item['fact']!r} is not a numeric fact{hint}")
        if item.get("window_months") is not None and item["fact"] != "cumulative_lease_amount":
            report(
                ("scoring", index, "window_months"),
                f"window_months counts the leases started within the window, so it applies to "
                f"cumulative_lease_amount only, not {item['fact']!r}",
            )
        scale = item.get("scale", "linear")
        if scale != "linear" and fact is not None and fact.nullable:
            report(
                ("scoring", index, "scale"),
                f"scale {scale} needs a fact that is never null nor negative; {item['fact']!r} "
                "may be either: use scale linear, or another fact",
            )
        for key in ("new_customer_points", "prospective_customer_points"):
            if item.get(key) is not None and item[key] > item["weight"]:
                report(
                    ("scoring", index, key),
                    f"{item[key]:g} is above the item's weight {item['weight']:g}",
                )


def _check_guidance(item: Mapping[str, Any], where: Path, report: Report) -> None:
    levels = item.get("guidance") or []
    if levels and item["method"] == "bands" and not item.get("manual_override"):
        report(
            (*where, "guidance"),
            "guidance is shown beside an assessor's entry, and this bands item takes none; "
            "set manual_override: true or remove the guidance",
        )
    for index, level in enumerate(levels):
        at = (*where, "guidance", index, "points")
        if level["points"] > item["weight"]:
            report(at, f"{level['points']:g} is above the item's weight {item['weight']:g}")
        if index and level["points"] >= levels[index - 1]["points"]:
            report(
                at,
                f"{level['points']:g} is not below the level before it "
                f"({levels[index - 1]['points']:g}); list guidance from the most points down",
            )


def _check_grades(grades: list[dict[str, Any]], below: dict[str, Any], report: Report) -> list[str]:
    _check_unique(grades, "name", ("grades",), report)
    names = [grade["name"] for grade in grades]
    if below["name"] in names:
        report(
            ("below_lowest", "name"),
            f"{below['name']!r} is already a graded band; give below_lowest its own name",
        )
    for index in range(1, len(grades)):
        previous, current = grades[index - 1]["min_score"], grades[index]["min_score"]
        if current >= previous:
            report(
                ("grades", index, "min_score"),
                f"{current:g} is not below grades[{index - 1}].min_score {previous:g}; "
                f"thresholds must fall strictly from {names[0]} to {names[-1]}",
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
                f"grade {name!r} has no privileges; add privileges.{name} "
                "(every grade, including below_lowest, needs its terms)",
            )
    for name, terms in privileges.items():
        for nature in (terms.get("by_nature") or {}) if isinstance(terms, dict) else ():
            if nature not in natures:
                report(
                    ("privileges", name, "by_nature", nature),
                    f"unknown nature {nature!r}{_suggest(nature, list(natures))}",
                )
        if name not in grades:
            report(
                ("privileges", name),
                f"privileges for unknown grade {name!r}{_suggest(name, grades)}",
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
                "the last tier must have no condition: it catches "
                "every customer no earlier tier took; add a catch-all tier after it",
            )
        elif index < last and when is None:
            report(
                ("tiers", index),
                "only the last tier may omit `when`: tiers after a catch-all could never apply",
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
                ("overrides", index, "cap_grade"), f"unknown grade {cap!r}{_suggest(cap, grades)}"
            )


def _check_condition(
    text: str, scope: Scope, values: Mapping[str, tuple[str, ...]], path: Path, report: Report
) -> None:
    try:
        compile_condition(text, scope, values)
    except ConditionCompileError as exc:
        report(path, exc.message)


def _check_unique(items: list[dict[str, Any]], key: str, path: Path, report: Report) -> None:
    seen: set[Any] = set()
    for index, item in enumerate(items):
        if item[key] in seen:
            report((*path, index, key), f"{item[key]!r} is used twice; each {key} must be unique")
        seen.add(item[key])


def _suggest(word: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(str(word), candidates, n=1)
    return f"; did you mean {close[0]!r}?" if close else f" (known: {', '.join(candidates)})"
