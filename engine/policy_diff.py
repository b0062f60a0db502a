"""What changed between two policies, and what-if: whose grade would change."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from creditfile.engine.change_reasons import change_reasons, effect_of, summarise
from creditfile.engine.grading import grade_archive
from creditfile.policy.model import Policy


def policy_changes(old: Policy, new: Policy) -> list[dict[str, Any]]:
    """Every changed, added or removed setting, as ``{"path", "old", "new"}`` rows.

    The ``investigation`` section is compared by the condition and reason each policy applies
    (a policy without the section applies the regime's default), one row per changed field.
    """
    rows: list[dict[str, Any]] = []
    _walk(_without_investigation(old), _without_investigation(new), "", rows)
    was, now = _investigation(old), _investigation(new)
    for field in ("when", "reason"):
        if was.get(field) != now.get(field):
            change = "added" if field not in was else "removed" if field not in now else "changed"
            rows.append(
                {
                    "path": f"investigation.{field}",
                    "old": was.get(field),
                    "new": now.get(field),
                    "change": change,
                }
            )
    return rows


def _without_investigation(policy: Policy) -> dict[str, Any]:
    return {k: v for k, v in policy.raw.items() if k != "investigation"}


def _investigation(policy: Policy) -> dict[str, str]:
    rule = policy.investigation
    return {} if rule is None else {"when": rule.when, "reason": rule.reason}


def _walk(old: Any, new: Any, path: str, rows: list[dict[str, Any]]) -> None:
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        for key in [*old, *(k for k in new if k not in old)]:
            joiner = "" if str(key).startswith("[") or not path else "."
            child = f"{path}{joiner}{key}"
            _walk(old.get(key, _ABSENT), new.get(key, _ABSENT), child, rows)
    elif _keyed_list(old) and _keyed_list(new):
        _walk(_by_key(old), _by_key(new), path, rows)
    elif old != new:
        rows.append(
            {
                "path": path,
                "old": None if old is _ABSENT else old,
                "new": None if new is _ABSENT else new,
                "change": "added" if old is _ABSENT else "removed" if new is _ABSENT else "changed",
            }
        )


class _Absent:
    def __repr__(self) -> str:
        return "<absent>"


_ABSENT = _Absent()
_ID_FIELDS = ("key", "name", "id")


def _keyed_list(value: Any) -> bool:
    # Scoring items, grades, tiers and overrides are compared by their key, not position.
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(v, Mapping) and any(f in v for f in _ID_FIELDS) for v in value)
    )


def _by_key(items: list[Mapping[str, Any]]) -> dict[str, Any]:
    keyed = {}
    for item in items:
        field = next(f for f in _ID_FIELDS if f in item)
        keyed[f"[{item[field]}]"] = item
    return keyed


def what_if(
    docs: Sequence[Mapping[str, Any]],
    old: Policy,
    new: Policy,
    as_of: date,
    gradings: tuple[Mapping[str, Mapping[str, Any]], Mapping[str, Mapping[str, Any]]] | None = None,
) -> dict[str, Any]:
    """Grade the archive under both policies; say whose grading would change and why.

    Args:
        docs: Every customer document.
        old: The policy compared from.
        new: The policy compared to.
        as_of: The grading date.
        gradings: The archive already graded under ``old`` and ``new`` (``grade_archive``),
            or None to grade it here.

    Returns:
        ``customers``; ``by_grade`` (``old``/``new`` counts); ``summary`` (customers per
        effect and reason, ``change_reasons.summarise``); ``grade_changes`` and
        ``tier_changes`` (``id``, ``name``, ``from``, ``to``, totals, ``effect`` and
        ``reasons``).
    """
    before, after = gradings or (grade_archive(docs, old, as_of), grade_archive(docs, new, as_of))
    names = {str(d.get("id")): d.get("name") for d in docs}
    grade_changes, tier_changes = [], []
    for cid, was in before.items():
        now = after[cid]
        effect = effect_of(was, now, new)
        if effect is None:
            continue
        row = {
            "id": cid,
            "name": names.get(cid),
            "from": was["grade"],
            "to": now["grade"],
            "old_total": was["total"],
            "new_total": now["total"],
            "effect": effect,
            "reasons": change_reasons(was, now, old, new),
        }
        if effect == "change tier":
            row.update({"from_tier": was["tier"], "to_tier": now["tier"]})
            tier_changes.append(row)
        else:
            grade_changes.append(row)
    return {
        "customers": len(docs),
        "by_grade": {"old": _counts(before), "new": _counts(after)},
        "summary": summarise([*grade_changes, *tier_changes]),
        "grade_changes": grade_changes,
        "tier_changes": tier_changes,
    }


def _counts(gradings: Mapping[str, Mapping[str, Any]]) -> dict[str, int]:
    counts = Counter(g["grade"] or "ungraded" for g in gradings.values())
    return dict(sorted(counts.items()))
