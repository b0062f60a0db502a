"""Reading spreadsheet cells as document values: text, ISO dates, numbers, keys from labels."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from creditfile.document.values import amount_or_text, parse_date
from creditfile.policy.model import Policy
from creditfile.spreadsheets.columns import (
    BOOL_WORDS,
    RELATION_LABELS,
    SOURCE_KIND_LABELS,
    STATUS_WORDS,
    Field,
    reverse_labels,
)


class CellReader:
    """Turns cell values into document values under one policy's labels.

    A value that cannot be read as its kind is kept as written, so that validation reports it
    at its cell rather than the reader guessing.
    """

    def __init__(self, policy: Policy) -> None:
        # A nature or item written by its English label reads as well as by its label.
        english = policy.in_language("en")
        self.natures = reverse_labels(english.natures) | reverse_labels(policy.natures)
        self.items = reverse_labels(english.item_categories) | reverse_labels(
            policy.item_categories
        )
        self.kinds = reverse_labels(SOURCE_KIND_LABELS)
        self.relations = reverse_labels(RELATION_LABELS)

    def value(self, fld: Field, raw: Any) -> Any:
        """The document value of a cell for ``fld``; None for an empty cell."""
        value = clean(raw)
        if value is None:
            return None
        kind = fld.kind
        if kind == "text" and not fld.required and isinstance(raw, str):
            return raw  # free text kept as written, spaces and all: the round trip is exact
        if kind in ("text", "id"):
            return _text(value)
        if kind == "date":
            return _date(value)
        if kind == "money":
            read = amount_or_text(value)  # 5,000万 as the card reads it; never guessed at
            return read if isinstance(read, str) else _number(read)
        if kind in ("number", "int"):
            return _number(value, whole=kind == "int")
        if kind == "bool":
            return (
                value
                if isinstance(value, bool)
                else BOOL_WORDS.get(str(_text(value)).lower(), value)
            )
        labels = {
            "nature": self.natures,
            "item": self.items,
            "status": STATUS_WORDS,
            "source_kind": self.kinds,
            "relation": self.relations,
        }[kind]
        return _keyed(labels, value)


def clean(value: Any) -> Any:
    """A cell value with text stripped; blank text is None."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _text(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # phone numbers and ids typed as numbers
    if isinstance(value, datetime):
        return value.date().isoformat()
    return value if isinstance(value, str) else str(value)


def cell_date(value: Any) -> Any:
    """A date cell as an ISO date (a date, an Excel serial, or text as the card reads it:
    ``2026-11-30``, ``2026/11/30``, ``2026.11.30``, ``2026年11月30日``); text that writes no
    real date is returned as written, for validation to name."""
    return _date(value)


def _date(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 2958466:
        return (date(1899, 12, 30) + timedelta(days=int(value))).isoformat()  # Excel serial
    # The card reads typed dates the same way (creditfile.document.values).
    return parse_date(str(value)) or (value if isinstance(value, str) else str(value))


def _number(value: Any, *, whole: bool = False) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = re.sub(r"[,，\s]|元$|^[¥￥]", "", value)
        try:
            value = float(text)
        except ValueError:
            return value  # kept as written: validation says it is not a number
    if isinstance(value, float) and (whole or value.is_integer()) and value.is_integer():
        return int(value)
    return value


def _keyed(mapping: Mapping[str, str], value: Any) -> Any:
    text = _text(value)
    return mapping.get(text.lower(), text) if isinstance(text, str) else text
