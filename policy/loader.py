"""Reading a policy file: YAML → schema → meaning checks → an immutable ``Policy``."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import date
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from creditfile.policy.conditions import compile_condition
from creditfile.policy.errors import PolicyError, PolicyProblem, os_said, phrase, policy_problem
from creditfile.policy.meaning import meaning_problems
from creditfile.policy.model import (
    Band,
    Grade,
    Guidance,
    Investigation,
    Override,
    Policy,
    ScoringItem,
    Tier,
)
from creditfile.policy.schema_check import schema_problems
from creditfile.policy.yamlsource import parse_yaml


def default_policy_path() -> Path:
    """The shipped policy of the regime, ``policy/default.yaml``."""
    return Path(str(resources.files("creditfile.policy").joinpath("default.yaml")))


def load_policy(path: str | Path) -> Policy:
    """Load and check the policy file at ``path``.

    Raises:
        PolicyError: every problem found, each with file, line, column and key.
    """
    file = str(path)
    if "\x00" in file:  # no file has such a name; the OS would refuse it with a ValueError
        message = phrase("the path holds a NUL character; name a policy file")
        raise PolicyError([policy_problem(file, None, None, "", message)])
    try:
        if Path(path).exists() and not Path(path).is_file() and not Path(path).is_dir():
            # A device or a pipe (/dev/zero) might never end: refused unread.
            message = phrase("not a regular file (a device or a pipe); name a policy file")
            raise PolicyError([policy_problem(file, None, None, "", message)])
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        message = phrase(
            "no such file; check the path (the shipped example is policy/default.yaml)"
        )
        raise PolicyError([policy_problem(file, None, None, "", message)]) from None
    except IsADirectoryError:
        message = phrase("is a folder; name a policy file")
        raise PolicyError([policy_problem(file, None, None, "", message)]) from None
    except OSError as exc:
        message = phrase("cannot read: {error}", error=os_said(exc))
        raise PolicyError([policy_problem(file, None, None, "", message)]) from None
    return parse_policy(raw, file)


def check_policy(path: str | Path) -> list[PolicyProblem]:
    """Every problem of the policy at ``path``; empty when it is valid."""
    try:
        load_policy(path)
    except PolicyError as exc:
        return list(exc.problems)
    return []


def parse_policy(raw: bytes | str, file: str = "<policy>") -> Policy:
    """Check and build a policy from its file content (no disk access).

    Raises:
        PolicyError: every problem found.
    """
    data = raw.encode("utf-8") if isinstance(raw, str) else raw
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        message = phrase("not UTF-8 text (byte {byte}); save the file as UTF-8", byte=exc.start)
        raise PolicyError([policy_problem(file, None, None, "", message)]) from None
    doc, problems = parse_yaml(text, file)
    if doc is None:
        raise PolicyError(problems)
    if not isinstance(doc.data, dict):
        message = phrase(
            "a policy is a mapping of keys (`policy_version`, `scoring`, `grades`, …); see "
            "policy/default.yaml"
        )
        raise PolicyError([policy_problem(file, 1, 1, "", message)])
    problems = schema_problems(doc, file)
    reported = {(p.line, p.path) for p in problems}
    problems += [p for p in meaning_problems(doc, file) if (p.line, p.path) not in reported]
    if problems:
        raise PolicyError(problems)
    return _build(doc.data, text, hashlib.sha256(data).hexdigest(), file)


def _build(data: Mapping[str, Any], text: str, sha256: str, file: str) -> Policy:
    natures = tuple(data["natures"])
    english = data.get("labels_en") or {}
    grade_en = english.get("grades") or {}
    tier_en = english.get("tiers") or {}
    grades = tuple(
        Grade(
            g["name"], g.get("label", g["name"]), float(g["min_score"]), grade_en.get(g["name"], "")
        )
        for g in data["grades"]
    )
    below = data["below_lowest"]
    names = (*(g.name for g in grades), below["name"])
    values = {"nature": natures, "grade": names}
    effective = data.get("effective_from")
    return Policy(
        version=data["policy_version"],
        name=data["name"],
        effective_from=date.fromisoformat(effective) if effective else None,
        rounding=int(data["rounding"]),
        natures=MappingProxyType(dict(data["natures"])),
        new_customer_months=int(data["lifecycle"]["new_customer_months"]),
        scoring=tuple(_item(item, english.get("scoring") or {}) for item in data["scoring"]),
        grades=grades,
        below_lowest=Grade(
            below["name"], below.get("label", below["name"]), None, grade_en.get(below["name"], "")
        ),
        privileges=MappingProxyType(
            {
                k: MappingProxyType({t: x for t, x in v.items() if t != "by_nature"})
                for k, v in data["privileges"].items()
            }
        ),
        nature_privileges=MappingProxyType(
            {
                k: MappingProxyType(
                    {n: MappingProxyType(dict(t)) for n, t in v["by_nature"].items()}
                )
                for k, v in data["privileges"].items()
                if v.get("by_nature")
            }
        ),
        tiers=tuple(
            Tier(
                t["key"],
                t["label"],
                t.get("when"),
                compile_condition(t["when"], "tier", values) if t.get("when") else None,
                tier_en.get(t["key"], ""),
            )
            for t in data["tiers"]
        ),
        overrides=tuple(
            Override(
                o["id"],
                o["reason"],
                o["when"],
                compile_condition(o["when"], "override", values),
                o.get("cap_grade"),
                o.get("flag"),
                (english.get("overrides") or {}).get(o["id"], ""),
            )
            for o in data.get("overrides") or ()
        ),
        item_categories=MappingProxyType(dict(data.get("item_categories") or {})),
        natures_en=MappingProxyType(dict(english.get("natures") or {})),
        item_categories_en=MappingProxyType(dict(english.get("item_categories") or {})),
        name_en=str(english.get("name") or ""),
        payment_methods_en=MappingProxyType(dict(english.get("payment_methods") or {})),
        personal_natures=_personal_natures(data),
        review=MappingProxyType(dict(data.get("review") or {})),
        supply_order=tuple((data.get("supply") or {}).get("order") or ("tier", "requested_on")),
        investigation=_investigation(
            data.get("investigation") or {}, below["name"], values, english.get("investigation")
        ),
        sha256=sha256,
        source=text,
        path=file,
        raw=MappingProxyType(dict(data)),
    )


DEFAULT_INVESTIGATION_REASON = "风险客户,一年内无专业机构调查报告,建议委托调查"
DEFAULT_INVESTIGATION_REASON_EN = (
    "a risk customer with no agency report within a year: commission an investigation"
)


def default_investigation_when(below_lowest: str) -> str:
    """The regime's risky customers when a policy says nothing: graded below the lowest grade
    or overdue over 90 days, with no agency report in a year."""
    return (
        f"(grade == {json.dumps(below_lowest)} or max_overdue_days > 90) and "
        "(days_since_agency_report == null or days_since_agency_report > 365)"
    )


def _investigation(
    section: Mapping[str, Any],
    below_lowest: str,
    values: Mapping[str, tuple[str, ...]],
    english: str | None,
) -> Investigation:
    when = str(section.get("when") or default_investigation_when(below_lowest))
    # The default reason has its English; a policy's own reason has what labels_en gives.
    given = section.get("reason")
    return Investigation(
        when,
        str(given or DEFAULT_INVESTIGATION_REASON),
        compile_condition(when, "override", values),
        english or ("" if given else DEFAULT_INVESTIGATION_REASON_EN),
    )


def _item(item: Mapping[str, Any], english: Mapping[str, str]) -> ScoringItem:
    points = item.get("new_customer_points")
    prospective = item.get("prospective_customer_points")
    return ScoringItem(
        item["key"],
        item["label"],
        float(item["weight"]),
        item["method"],
        item.get("fact"),
        None if points is None else float(points),
        None if prospective is None else float(prospective),
        tuple(_band(band) for band in item.get("bands") or ()),
        bool(item.get("manual_override", False)),
        item.get("window_months"),
        item.get("scale", "linear"),
        tuple(
            Guidance(float(g["points"]), str(g["text"]), str(g.get("text_en", "")))
            for g in item.get("guidance") or ()
        ),
        english.get(item["key"], ""),
    )


def _band(band: Mapping[str, Any]) -> Band:
    upper, below = band.get("max"), band.get("below")
    return Band(
        float(band["min"]),
        float(band["points"]),
        None if upper is None else float(upper),
        None if below is None else float(below),
    )


def _personal_natures(data: Mapping[str, Any]) -> frozenset[str]:
    """The natures whose customers are people; ``individual`` when the policy says nothing,
    so that a policy written before the key existed still protects individuals."""
    listed = data.get("personal_natures")
    if listed is None:
        return frozenset({"individual"} & set(data["natures"]))
    return frozenset(str(nature) for nature in listed)
