"""The editable fields of each card section and how form text maps to document values."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal["text", "date", "money", "int", "score", "choice", "bool"]


@dataclass(frozen=True)
class FieldSpec:
    """One form field: where its value lives in the document and how it is typed."""

    path: str
    kind: Kind = "text"
    required: bool = False

    @property
    def label_key(self) -> str:
        """The text key of the field's label."""
        return f"field.{self.path}"

    @property
    def widget_id(self) -> str:
        """A DOM id for the field's input, derived from the path."""
        return widget_id_for(self.path)


def widget_id_for(path: str) -> str:
    """The DOM id of the input editing ``path`` (dots and brackets are not valid in ids)."""
    return "f-" + path.replace(".", "--").replace("[", "-").replace("]", "")


SECTIONS: dict[str, tuple[FieldSpec, ...]] = {
    "basic": (
        FieldSpec("id", required=True),
        FieldSpec("name", required=True),
        FieldSpec("nature", "choice", required=True),
        FieldSpec("contact.address"),
        FieldSpec("contact.phone"),
        FieldSpec("contact.person"),
        FieldSpec("contact.email"),
        FieldSpec("profile.founded_on", "date"),
        FieldSpec("profile.trading_since", "date"),
        FieldSpec("profile.registered_capital", "money"),
        FieldSpec("profile.total_assets", "money"),
    ),
    "person": (
        FieldSpec("profile.person.age", "int"),
        FieldSpec("profile.person.personality"),
        FieldSpec("profile.person.hobbies"),
        FieldSpec("profile.person.family"),
    ),
    "characteristics": (
        FieldSpec("characteristics.development_potential"),
        FieldSpec("characteristics.business_philosophy"),
        FieldSpec("characteristics.management_style"),
    ),
    "business": (
        FieldSpec("business.construction_business"),
        FieldSpec("business.leasing_performance"),
        FieldSpec("business.cooperation_attitude"),
    ),
    "trading": (
        FieldSpec("trading.lease_status"),
        FieldSpec("trading.problems"),
        FieldSpec("trading.strengths"),
        FieldSpec("trading.countermeasures"),
    ),
}

ASSESSMENT_EXTRA: tuple[FieldSpec, ...] = (
    FieldSpec("assessment.assessed_by"),
    FieldSpec("assessment.assessed_on", "date"),
    FieldSpec("assessment.note"),
)

LEASE_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("contract", required=True),
    FieldSpec("item", "choice", required=True),
    FieldSpec("start", "date", required=True),
    FieldSpec("end", "date"),
    FieldSpec("amount", "money", required=True),
    FieldSpec("status", "choice", required=True),
    FieldSpec("outstanding", "money"),
    FieldSpec("overdue_days", "int"),
)

SOURCE_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("kind", "choice", required=True),
    FieldSpec("on", "date", required=True),
    FieldSpec("by"),
    FieldSpec("verified", "bool"),
    FieldSpec("cost", "money"),
    FieldSpec("note"),
)

LEASE_STATUSES = ("active", "closed", "cancelled")
SOURCE_KINDS = ("salesperson_visit", "customer_form", "agency_investigation")


def parse_value(text: str, kind: Kind) -> Any:
    """The document value for what was typed into a field.

    Text that does not parse as the field's type is kept as typed, so the shared document
    validation reports it with the same message as the command line does.

    Args:
        text: What the input holds.
        kind: The field's kind.

    Returns:
        None for an empty field (the key is then dropped), else a number or the text.
    """
    stripped = text.strip()
    if not stripped:
        return None
    if kind in ("money", "score"):
        return _number(stripped.replace(",", ""))
    if kind == "bool":
        return {"true": True, "false": False}.get(stripped, stripped)
    if kind == "int":
        number = _number(stripped)
        return int(number) if isinstance(number, float) and number.is_integer() else number
    return stripped


def _number(text: str) -> Any:
    try:
        value = float(text)
    except ValueError:
        return text
    if not math.isfinite(value):  # "nan" and "inf" parse as floats but are no amounts
        return text
    return int(value) if value.is_integer() and "." not in text else value


def format_value(value: Any, kind: Kind = "text") -> str:
    """The text an input shows for a document value (the inverse of ``parse_value``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and kind in ("money", "int"):
        return str(int(value))
    return str(value)


def get_path(doc: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted ``path`` of ``doc``, or None when any step is missing."""
    node: Any = doc
    for part in path.split("."):
        if not isinstance(node, Mapping):
            return None
        node = node.get(part)
    return node


def set_path(doc: dict[str, Any], path: str, value: Any) -> None:
    """Set (or, for None, remove) the value at a dotted ``path``; empty sections are dropped."""
    parts = path.split(".")
    parents: list[tuple[dict[str, Any], str]] = []
    node = doc
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            if value is None:
                return
            child = {}
            node[part] = child
        parents.append((node, part))
        node = child
    if value is None:
        node.pop(parts[-1], None)
    else:
        node[parts[-1]] = value
    # A section left empty by clearing its last field goes away rather than lingering as {}.
    for parent, key in reversed(parents):
        if parent[key]:
            break
        del parent[key]


def format_money(value: Any) -> str:
    """An amount as people read it: thousands separators, two decimals."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "" if value is None else str(value)
    return f"{value:,.2f}"
