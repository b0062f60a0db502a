"""Personal information in a customer document: finding it, leaving it out, masking it.

Two kinds of field are personal. ``profile.person`` (age, personality, hobbies, family, the
ID number) is personal for every customer. A field marked ``x-personal-nature`` (the phone,
the address and the e-mail) is personal when the customer is a person: its nature is one the
policy lists under ``personal_natures`` (by default ``individual``). Where personal data is
left out, the ID number is still shown masked (``4201**********1234``) so that a person can be
recognised.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from functools import cache
from typing import Any

from creditfile.document.fields import field_catalogue
from creditfile.document.id_number import is_masked_id_number, mask_id_number
from creditfile.document.paths import value_at

DEFAULT_PERSONAL_NATURES: frozenset[str] = frozenset({"individual"})
"""The natures whose customers are people where no policy says (``Policy.personal_natures``)."""

ID_NUMBER_PATH = ("profile", "person", "id_number")
MASK = "•••"
"""What a personal value is shown as where only its presence may be told."""


@cache
def personal_sections() -> tuple[tuple[str, ...], ...]:
    """The paths of the outermost personal fields (``("profile", "person")``)."""
    catalogue = field_catalogue()
    return tuple(
        tuple(f.key.split("."))
        for f in catalogue
        if f.personal and not f.in_list and not catalogue[f.parent].personal
    )


@cache
def nature_personal_paths() -> tuple[tuple[str, ...], ...]:
    """The paths personal for a person only: the phone, the address and the e-mail."""
    return tuple(tuple(f.key.split(".")) for f in field_catalogue() if f.personal_by_nature)


def is_person(doc: Mapping[str, Any] | None, personal_natures: Collection[str]) -> bool:
    """Whether the customer is a person: its nature is one of ``personal_natures``."""
    nature = doc.get("nature") if isinstance(doc, Mapping) else None
    return isinstance(nature, str) and nature in personal_natures


def withheld_paths(
    doc: Mapping[str, Any], personal_natures: Collection[str] = DEFAULT_PERSONAL_NATURES
) -> tuple[tuple[str, ...], ...]:
    """The paths of ``doc`` that are personal: ``profile.person``, and for a person its phone
    and address."""
    if is_person(doc, personal_natures):
        return (*personal_sections(), *nature_personal_paths())
    return personal_sections()


def is_personal_value(
    path: str, old: Mapping[str, Any] | None, new: Mapping[str, Any] | None,
    personal_natures: Collection[str] = DEFAULT_PERSONAL_NATURES,
) -> bool:  # fmt: skip
    """Whether the value at the dotted ``path`` is personal only because the customer is (or
    was, before an edit) a person: its phone or address."""
    if not (is_person(old, personal_natures) or is_person(new, personal_natures)):
        return False
    return tuple(path.split(".")) in nature_personal_paths()


def has_personal(
    doc: Mapping[str, Any], personal_natures: Collection[str] = DEFAULT_PERSONAL_NATURES
) -> bool:
    """Whether ``doc`` carries any personal information (a masked ID number is none)."""
    for path in withheld_paths(doc, personal_natures):
        value = value_at(doc, path)
        if path == ID_NUMBER_PATH[:2] and isinstance(value, Mapping):
            value = {k: v for k, v in value.items() if not _masked_number(k, v)}
        if value:
            return True
    return False


def without_personal(
    doc: Mapping[str, Any], personal_natures: Collection[str] = DEFAULT_PERSONAL_NATURES
) -> Mapping[str, Any]:
    """``doc`` without its personal information, its ID number masked; ``doc`` itself when it
    has none.

    The document is not changed: the sections on the way are copied.
    """
    number = value_at(doc, ID_NUMBER_PATH)
    for path in withheld_paths(doc, personal_natures):
        doc = _drop(doc, path)
    if isinstance(number, str) and number:
        doc = _put(doc, ID_NUMBER_PATH, mask_id_number(number))
    return doc


def masked_personal(path: str, value: Any) -> Any:
    """A personal value as a list of changes shows it: the ID number masked, the rest ``•••``,
    nothing as None."""
    if value is None:
        return None
    if path == ".".join(ID_NUMBER_PATH) and isinstance(value, str) and value:
        return mask_id_number(value)
    return MASK


def without_masked_id(current: Mapping[str, Any], incoming: Mapping[str, Any]) -> Mapping[str, Any]:
    """``incoming`` without an ID number that is only the stored one masked (as an export
    without personal data writes it), so importing such an export keeps the stored number.

    A masked number that is not the stored one's mask is left for validation to refuse.
    """
    given = value_at(incoming, ID_NUMBER_PATH)
    stored = value_at(current, ID_NUMBER_PATH)
    if not (isinstance(given, str) and isinstance(stored, str) and is_masked_id_number(given)):
        return incoming
    if given != mask_id_number(stored):
        return incoming
    person = incoming["profile"]["person"]
    rest = {k: v for k, v in person.items() if k != "id_number"}
    profile = {k: v for k, v in incoming["profile"].items() if k != "person"}
    if rest:
        profile["person"] = rest
    out = {k: v for k, v in incoming.items() if k != "profile"}
    if profile:
        out["profile"] = profile
    return out


def _masked_number(key: str, value: object) -> bool:
    return key == ID_NUMBER_PATH[-1] and isinstance(value, str) and is_masked_id_number(value)


def _drop(node: Mapping[str, Any], path: tuple[str, ...]) -> Mapping[str, Any]:
    head, rest = path[0], path[1:]
    if head not in node:
        return node
    if not rest:
        return {k: v for k, v in node.items() if k != head}
    child = node[head]
    if not isinstance(child, Mapping):
        return node
    changed = _drop(child, rest)
    return node if changed is child else {**node, head: changed}


def _put(node: Mapping[str, Any], path: tuple[str, ...], value: Any) -> Mapping[str, Any]:
    head, rest = path[0], path[1:]
    if not rest:
        return {**node, head: value}
    child = node.get(head)
    return {**node, head: _put(child if isinstance(child, Mapping) else {}, rest, value)}
