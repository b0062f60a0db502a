"""The editable fields of each card section and how form text maps to document values."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from creditfile.document import CustomerField, field_catalogue
from creditfile.document.values import amount_or_text, date_or_text, format_amount

FieldKind = Literal["text", "date", "money", "int", "score", "choice", "bool"]


@dataclass(frozen=True)
class FieldSpec:
    """One form field: where its value lives in the document and how it is typed.

    Attributes:
        path: Where the value lives: in the document (``contact.phone``), or in its record for
            a lease or source (``amount``).
        kind: How the form reads and shows it.
        required: The form refuses to save without it.
        key: Its key in the field catalogue (``leases[].amount``); the path when empty.
    """

    path: str
    kind: FieldKind = "text"
    required: bool = False
    key: str = ""

    def label(self, lang: str) -> str:
        """The field's label with its unit, from the field catalogue; the path if it has none."""
        found = field_catalogue().get(self.key or self.path)
        return self.path if found is None else found.titled(lang)

    @property
    def widget_id(self) -> str:
        """A DOM id for the field's input, derived from the path."""
        return widget_id_for(self.path)


def widget_id_for(path: str) -> str:
    """The DOM id of the input editing ``path`` (dots and brackets are not valid in ids)."""
    return "f-" + path.replace(".", "--").replace("[", "-").replace("]", "")


# How the card edits each format of the field catalogue.
_KINDS: dict[str, FieldKind] = {
    "id": "text",
    "text": "text",
    "date": "date",
    "amount": "money",
    "integer": "int",
    "score": "score",
    "nature": "choice",
    "item": "choice",
    "choice": "choice",
    "flag": "bool",
}
# The card asks for more than the schema does: a contract number to refer to a lease by, and
# the date of a source, which staff always know when they record one.
_CARD_REQUIRED = frozenset({"leases[].contract", "sources[].on"})


def _spec(field: CustomerField) -> FieldSpec:
    required = field.required or field.key in _CARD_REQUIRED
    return FieldSpec(field.record_key, _KINDS[field.format], required, field.key)


def _specs(predicate: Callable[[CustomerField], bool]) -> tuple[FieldSpec, ...]:
    return tuple(_spec(f) for f in field_catalogue().values() if predicate(f))


# The card's tabs: basic data gathers the top-level fields, contact and profile.
SECTIONS: dict[str, tuple[FieldSpec, ...]] = {
    "basic": _specs(lambda f: f.section in ("", "contact", "profile") and not f.personal),
    "person": _specs(lambda f: f.personal),
    "characteristics": _specs(lambda f: f.section == "characteristics"),
    "business": _specs(lambda f: f.section == "business"),
    "trading": _specs(lambda f: f.section == "trading"),
}
ASSESSMENT_EXTRA = _specs(lambda f: f.section == "assessment")
LEASE_FIELDS = _specs(lambda f: f.section == "leases")
SOURCE_FIELDS = _specs(lambda f: f.section == "sources")
RELATED_FIELDS = _specs(lambda f: f.section == "related")

LEASE_STATUSES = tuple(c.value for c in field_catalogue()["leases[].status"].choices)
SOURCE_KINDS = tuple(c.value for c in field_catalogue()["sources[].kind"].choices)
RELATIONS = tuple(c.value for c in field_catalogue()["related[].relation"].choices)


def parse_value(text: str, kind: FieldKind) -> Any:
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
    if kind == "money":
        # 5,000万 is 50,000,000 here as in a sheet or a CSV (creditfile.document.values).
        return amount_or_text(stripped)
    if kind == "date":
        return date_or_text(stripped)
    if kind == "score":
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


def format_value(value: Any, kind: FieldKind = "text") -> str:
    """The text an input shows for a document value (the inverse of ``parse_value``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if kind == "money":
        return format_amount(value)  # 50,000,000.00, as the sheets and reports show it
    if isinstance(value, float) and value.is_integer() and kind == "int":
        return str(int(value))
    return str(value)


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
    """An amount as people read it: thousands separators, two decimals (as everywhere)."""
    return format_amount(value)
