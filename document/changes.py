"""What an edit changed in a customer document, field by field, with old and new values.

The history keeps these changes. Personal information (every field the catalogue marks
``x-personal``, and a person's phone, address and e-mail, ``x-personal-nature``) is recorded by its
path only (an ID number masked, ``4201**********1234``): the history is read by everyone who
may read the archive, so it never keeps a personal value, old or new. A text is kept whole up
to ``MAX_TEXT`` characters (an address, a company history, a note of several pages).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from creditfile.document.fields import catalogue_key, field_catalogue
from creditfile.document.personal import (
    DEFAULT_PERSONAL_NATURES,
    is_personal_value,
    masked_personal,
)
from creditfile.document.personal import MASK as PERSONAL_MASK

MASK = PERSONAL_MASK
"""What a personal value is shown as wherever a change is shown or kept (the history, an
import's dry run and summary, the card's History tab): only that there was one. The one mask
of the product (``document.personal.MASK``); every other module takes it from there."""

MAX_TEXT = 20_000
"""Characters of a text value the history keeps whole: ten times the longest value a returned
form may declare (2,000) and a hundred times a name's limit, so an auditor reads what a corrected
address or company history was. Only a text longer than that (a field holds up to 1,000,000) is
cut, ending with ``…``, which keeps one save's history line bounded."""

LIST_KEYS = {"leases": "contract"}
"""The field that identifies a record of a list, so a lease is compared with itself even when
the list was reordered or another lease was removed before it."""


@dataclass(frozen=True)
class FieldChange:
    """One field whose value an edit changed.

    Attributes:
        path: The document path, with the record's index in the list it is now in (or was
            in, when it was removed): ``contact.phone``, ``leases[1].amount``.
        old: The value before (None: there was none); ``MASK`` for a personal value.
        new: The value after (None: removed); ``MASK`` for a personal value.
        personal: The field is personal information: its values are not recorded.
        ref: What identifies the record a list field belongs to (a lease's contract number).
    """

    path: str
    old: Any = None
    new: Any = None
    personal: bool = False
    ref: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The change as the history records it (personal values masked)."""
        out: dict[str, Any] = {"path": self.path, "old": self.old, "new": self.new}
        if self.personal:
            out["personal"] = True
        if self.ref is not None:
            out["ref"] = self.ref
        return out


def field_changes(
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any],
    personal_natures: Collection[str] = DEFAULT_PERSONAL_NATURES,
) -> list[FieldChange]:
    """Every field whose value differs between two versions of a customer document.

    Sections are compared field by field; the records of a list are matched by their key
    (a lease by its contract number, see ``LIST_KEYS``), else by position, and compared field
    by field, so an added lease shows as its fields going from nothing to their values.

    Args:
        old: The document before (None: a new customer).
        new: The document after.
        personal_natures: The natures whose customers are people: their phone, address and e-mail
            are recorded masked too.

    Returns:
        The changes, in the documents' key order (sorted within a section).
    """
    out: list[FieldChange] = []
    _compare(old or {}, new, "", None, out)
    return [
        replace(c, old=masked_personal(c.path, c.old), new=masked_personal(c.path, c.new),
                personal=True)
        if is_personal_value(c.path, old, new, personal_natures) else c
        for c in out
    ]  # fmt: skip


def is_personal_path(path: str) -> bool:
    """Whether the document ``path`` (``profile.person.age``, ``leases[0].amount``) is, or
    lies under, a field the catalogue marks personal."""
    catalogue = field_catalogue()
    steps = catalogue_key(path).split(".")
    for end in range(1, len(steps) + 1):
        found = catalogue.get(".".join(steps[:end]))
        if found is not None and found.personal:
            return True
    return False


def _compare(
    old: Mapping[str, Any], new: Mapping[str, Any], prefix: str, ref: str | None, out: list[Any]
) -> None:
    for key in sorted(set(old) | set(new), key=str):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        path = f"{prefix}{key}"
        if _records(before) and _records(after) and (before or after):
            _compare_lists(before or [], after or [], path, LIST_KEYS.get(path), out)
        elif _section(before) and _section(after):
            _compare(before or {}, after or {}, f"{path}.", ref, out)
        else:
            out.append(_change(path, before, after, ref))


def _compare_lists(
    old: Sequence[Any], new: Sequence[Any], path: str, key: str | None, out: list[Any]
) -> None:
    pairs: list[tuple[int, Any, Any]] = []
    matched_old: set[int] = set()
    by_key = _index_by(old, key)
    for index, record in enumerate(new):
        found = by_key.get(_key_of(record, key)) if key else None
        if found is None and key is None and index < len(old):
            found = index
        if found is not None and found not in matched_old:
            matched_old.add(found)
            pairs.append((index, old[found], record))
        else:
            pairs.append((index, None, record))
    pairs.extend((i, record, None) for i, record in enumerate(old) if i not in matched_old)
    for index, before, after in pairs:
        if before == after:
            continue
        ref = _key_of(after if after is not None else before, key)
        if isinstance(before or {}, Mapping) and isinstance(after or {}, Mapping):
            _compare(before or {}, after or {}, f"{path}[{index}].", ref, out)
        else:
            out.append(_change(f"{path}[{index}]", before, after, ref))


def _index_by(records: Sequence[Any], key: str | None) -> dict[Any, int]:
    if key is None:
        return {}
    found: dict[Any, int] = {}
    for index, record in enumerate(records):
        value = _key_of(record, key)
        if value is not None:
            found.setdefault(value, index)
    return found


def _key_of(record: Any, key: str | None) -> str | None:
    if key is None or not isinstance(record, Mapping):
        return None
    value = record.get(key)
    return None if value is None else str(value)


def _records(value: Any) -> bool:
    return value is None or (isinstance(value, list) and all(isinstance(v, Mapping) for v in value))


def _section(value: Any) -> bool:
    return value is None or isinstance(value, Mapping)


def _change(path: str, old: Any, new: Any, ref: str | None) -> FieldChange:
    if is_personal_path(path):
        masked = (masked_personal(path, old), masked_personal(path, new))
        return FieldChange(path, *masked, personal=True, ref=ref)
    return FieldChange(path, _bounded(old), _bounded(new), ref=ref)


def _bounded(value: Any) -> Any:
    if isinstance(value, str) and len(value) > MAX_TEXT:
        return value[: MAX_TEXT - 1] + "…"
    if isinstance(value, Mapping | list):
        # A value of an unexpected shape (a document not yet validated): kept as short text.
        return _bounded(str(value))
    return value
