"""The catalogue of customer fields, built once from the annotations of the customer schema.

Every property of ``customer.schema.json`` carries, beside its ``description``, the facts the
rest of the program shows and reads it by (JSON Schema validators ignore ``x-`` keywords):

- ``x-label``: ``{"zh": …, "en": …}``, its name on the card and in every report;
- ``x-short``: a shorter label for narrow list columns (defaults to ``x-label``);
- ``x-header``: its spreadsheet column header (defaults to the Chinese label);
- ``x-aliases``: other headers an import accepts for it;
- ``x-format``: how its value is written and read (see ``CATALOGUE_FORMATS``);
- ``x-personal``: personal information, for it and everything under it;
- ``x-personal-nature``: personal information of a customer whose nature the policy lists
  under ``personal_natures`` (an individual's phone and address);
- ``x-hint``: a note for the people filling in an import template;
- ``x-choices``: the labels of an ``enum``'s values;
- ``x-declarable``: a fact the customer may declare on the form it fills in (``creditfile
  form``): its name, registration facts, contacts, declared capital and assets, projects —
  never a score, a grade, a note, a source or our own assessment;
- ``x-company-only``: a fact only a company has (its unified social credit code, its
  founding date, its registered capital): an individual's form does not ask for it.

A field's key is its dotted path, with ``[]`` for the records of a list and ``*`` for the
open section whose keys the policy decides: ``contact.phone``, ``leases[].amount``,
``assessment.*``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from creditfile.document.schema import customer_schema

Format = Literal[
    "id",  # the customer's number
    "text",
    "date",  # YYYY-MM-DD
    "amount",  # CNY, never negative
    "integer",
    "score",  # points of a scoring item of the policy
    "nature",  # a key of the policy's natures
    "item",  # a key of the policy's leased-item categories
    "choice",  # one of the property's enum values, labelled by x-choices
    "flag",  # true or false
    "section",  # an object of further fields
    "list",  # a list of records, each of further fields
]
CATALOGUE_FORMATS: frozenset[str] = frozenset(Format.__args__)  # type: ignore[attr-defined]
_CONTAINERS = frozenset({"section", "list"})
_ANNOTATIONS = frozenset(
    {
        "x-label",
        "x-short",
        "x-header",
        "x-aliases",
        "x-format",
        "x-personal",
        "x-personal-nature",
        "x-hint",
        "x-choices",
        "x-declarable",
        "x-company-only",
    }
)


class SchemaAnnotationError(ValueError):
    """The customer schema's field annotations are missing or malformed at ``key``."""

    def __init__(self, key: str, message: str) -> None:
        self.key = key
        super().__init__(f"customer.schema.json: {key}: {message}")


@dataclass(frozen=True)
class Label:
    """A name in Simplified Chinese and in English."""

    zh: str
    en: str

    def text(self, lang: str) -> str:
        """The name in ``lang``: ``zh`` gives Chinese, anything else English."""
        return self.zh if lang == "zh" else self.en


AMOUNT_UNIT = Label("元", "CNY")


@dataclass(frozen=True)
class Choice:
    """One allowed value of a ``choice`` field, with its label."""

    value: str
    label: Label


@dataclass(frozen=True)
class CustomerField:
    """One property of the customer document and how people see it.

    Attributes:
        key: Its dotted path, e.g. ``contact.phone``, ``leases[].amount``, ``assessment.*``.
        parent: The key of the section or list it belongs to; ``""`` at the top.
        label: Its name in both languages.
        short: A shorter name for narrow columns.
        header: Its Chinese spreadsheet column header.
        aliases: Other headers an import accepts.
        types: Its JSON types, ``null`` left out.
        format: How its value is written and read.
        personal: Personal information (``profile.person`` and what lies under it).
        required: Required within its section or record.
        hint: A note for the people filling in an import template.
        choices: The allowed values of a ``choice`` field, labelled.
        description: The schema's description, for compliance staff.
        personal_by_nature: Personal information when the customer's nature is one the policy
            lists under ``personal_natures`` (an individual's phone and address).
        declarable: The customer may declare it on the form it fills in.
        company_only: Only a company has it; an individual's form does not ask for it.
    """

    key: str
    parent: str
    label: Label
    short: Label
    header: str
    aliases: tuple[str, ...]
    types: tuple[str, ...]
    format: Format
    personal: bool
    required: bool
    hint: str
    choices: tuple[Choice, ...]
    description: str
    personal_by_nature: bool = False
    declarable: bool = False
    company_only: bool = False

    @property
    def name(self) -> str:
        """The last step of its key: ``phone``, ``amount``, ``*``."""
        return self.key.rsplit(".", 1)[-1]

    @property
    def section(self) -> str:
        """The top-level property it lies under (``contact``, ``leases``); ``""`` at the top."""
        return self.key.split(".", 1)[0].removesuffix("[]") if self.parent else ""

    @property
    def in_list(self) -> bool:
        """Whether it is a field of the records of a list (``leases[].amount``)."""
        return "[]" in self.key

    @property
    def record_key(self) -> str:
        """Its key within its record: ``amount`` for ``leases[].amount``, else the key."""
        return self.key.rsplit("[].", 1)[-1]

    @property
    def is_container(self) -> bool:
        """Whether it is a section or a list of records rather than a value."""
        return self.format in _CONTAINERS

    @property
    def unit(self) -> Label | None:
        """The unit its values are in, when people need telling (amounts: 元, CNY)."""
        return AMOUNT_UNIT if self.format == "amount" else None

    def text(self, lang: str) -> str:
        """Its label in ``lang``."""
        return self.label.text(lang)

    def titled(self, lang: str) -> str:
        """Its label with its unit, for a form or a table: ``注册资本(元)``, ``Amount (CNY)``."""
        unit = self.unit
        if unit is None:
            return self.text(lang)
        return f"{self.label.zh}({unit.zh})" if lang == "zh" else f"{self.label.en} ({unit.en})"

    def short_text(self, lang: str) -> str:
        """Its short label in ``lang``, for narrow list columns."""
        return self.short.text(lang)

    def column_names(self) -> tuple[str, ...]:
        """Every header an import accepts for it: Chinese header, key, last key, aliases."""
        names = (self.header, self.record_key, self.name, *self.aliases)
        return tuple(dict.fromkeys(names))

    def choice_labels(self, lang: str) -> dict[str, str]:
        """``{value: label}`` of a ``choice`` field in ``lang``; empty for other fields."""
        return {choice.value: choice.label.text(lang) for choice in self.choices}


@dataclass(frozen=True)
class FieldCatalogue:
    """Every field of the customer document, in schema order (a section before its fields)."""

    fields: tuple[CustomerField, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_key", {f.key: f for f in self.fields})

    def __getitem__(self, key: str) -> CustomerField:
        """The field at ``key``.

        Raises:
            KeyError: no field has that key; the message lists the closest keys.
        """
        found = self.get(key)
        if found is None:
            close = difflib.get_close_matches(key, self.keys(), n=3)
            hint = f"; did you mean {close}?" if close else ""
            raise KeyError(f"no customer field {key!r}{hint}")
        return found

    def get(self, key: str) -> CustomerField | None:
        """The field at ``key``, or None."""
        by_key: Mapping[str, CustomerField] = self._by_key  # type: ignore[attr-defined]
        return by_key.get(key)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __iter__(self) -> Iterator[CustomerField]:
        return iter(self.fields)

    def __len__(self) -> int:
        return len(self.fields)

    def keys(self) -> tuple[str, ...]:
        """Every field's key, in schema order."""
        return tuple(f.key for f in self.fields)

    def under(self, parent: str) -> tuple[CustomerField, ...]:
        """The fields directly under ``parent`` (``""``: the top-level properties)."""
        return tuple(f for f in self.fields if f.parent == parent)

    def values(self) -> tuple[CustomerField, ...]:
        """The fields that hold a value (not sections or lists, not the open ``*`` entries)."""
        return tuple(f for f in self.fields if not f.is_container and f.name != "*")

    def declarable(self) -> tuple[CustomerField, ...]:
        """The fields a customer may declare on its form, in schema order."""
        return tuple(f for f in self.values() if f.declarable)

    def label(self, key: str, lang: str) -> str:
        """The label of the field at ``key`` in ``lang``."""
        return self[key].text(lang)

    def field_of_path(self, path: str) -> CustomerField | None:
        """The field whose value lies at a document path: ``leases[2].amount`` gives
        ``leases[].amount``, a value declared on a form (``sources[1].declared.
        profile.registered_capital``) the declared field; None for a path it does not know."""
        key = catalogue_key(path)
        found = self.get(key)
        declared = key.removeprefix(_DECLARED)
        if found is None and declared != key:
            return self.get(declared)
        return found

    def label_of_path(self, path: str, lang: str) -> str:
        """The label for a document path as validation or the history names it.

        ``leases[2].amount`` and ``leases.amount`` read as ``leases[].amount``; a key the
        catalogue does not know (a policy's scoring item) is returned as written.
        """
        key = catalogue_key(path)
        found = self.get(key)
        declared = key.removeprefix(_DECLARED)
        if found is None and declared != key and declared in self:
            # A value a customer declared on a form: ``待审核申报值 · 注册资本``.
            return f"{self[_DECLARED.removesuffix('.')].text(lang)} · {self[declared].text(lang)}"
        return path if found is None else found.text(lang)


_DECLARED = "sources[].declared."


def catalogue_key(path: str) -> str:
    """The catalogue key of a document path: ``leases[2].amount`` and ``leases.amount`` give
    ``leases[].amount``; ``contact.phone`` stays as it is."""
    key = re.sub(r"\[\d*\]", "[]", path)
    for lists in ("leases", "sources"):
        if key.startswith(f"{lists}.") and not key.startswith(f"{lists}[]"):
            key = f"{lists}[]." + key.removeprefix(f"{lists}.")
    return key


@cache
def field_catalogue() -> FieldCatalogue:
    """The catalogue of customer fields, read from the packaged schema once.

    Raises:
        SchemaAnnotationError: a property lacks its label or format, or an annotation is
            malformed (a test holds the shipped schema to this).
    """
    return build_catalogue(customer_schema())


def build_catalogue(schema: Mapping[str, Any]) -> FieldCatalogue:
    """The catalogue of the fields of ``schema`` (``field_catalogue`` for the shipped one).

    Raises:
        SchemaAnnotationError: as ``field_catalogue``.
    """
    fields: list[CustomerField] = []
    _Walker(schema.get("$defs", {}), fields).object(schema, "", personal=False)
    return FieldCatalogue(tuple(fields))


class _Walker:
    """Walks the schema's properties depth first, following ``$ref`` into ``$defs``."""

    def __init__(self, defs: Mapping[str, Any], out: list[CustomerField]) -> None:
        self.defs = defs
        self.out = out

    def resolve(self, node: Mapping[str, Any]) -> dict[str, Any]:
        ref = node.get("$ref")
        if not isinstance(ref, str):
            return dict(node)
        return {**self.defs[ref.removeprefix("#/$defs/")], **node}

    def object(self, node: Mapping[str, Any], parent: str, *, personal: bool) -> None:
        required = set(node.get("required", ()))
        for name, prop in node.get("properties", {}).items():
            key = f"{parent}.{name}" if parent else name
            self.property(key, parent.removesuffix("[]"), prop, name in required, personal)
        extra = node.get("additionalProperties")
        if isinstance(extra, Mapping):
            parent_key = parent.removesuffix("[]")
            self.property(f"{parent}.*", parent_key, extra, required=False, personal=personal)

    def property(
        self, key: str, parent: str, prop: Mapping[str, Any], required: bool, personal: bool
    ) -> None:
        full = self.resolve(prop)
        types = _types(full)
        fmt = _format(key, prop, types)
        personal = personal or prop.get("x-personal") is True
        self.out.append(_field(key, parent, prop, full, types, fmt, required, personal))
        if fmt == "section":
            self.object(full, key, personal=personal)
        elif fmt == "list":
            self.object(self.resolve(full["items"]), f"{key}[]", personal=personal)


def _types(node: Mapping[str, Any]) -> tuple[str, ...]:
    kinds = node.get("type")
    if kinds is None and "enum" in node:
        kinds = sorted({_json_type(v) for v in node["enum"]})
    kinds = [kinds] if isinstance(kinds, str) else list(kinds or ())
    return tuple(k for k in kinds if k != "null")


def _json_type(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return "string" if isinstance(value, str) else "null"


def _format(key: str, prop: Mapping[str, Any], types: Sequence[str]) -> Format:
    unknown = {k for k in prop if k.startswith("x-")} - _ANNOTATIONS
    if unknown:
        raise SchemaAnnotationError(key, f"unknown annotation {sorted(unknown)}")
    if "object" in types:
        return "section"
    if "array" in types:
        return "list"
    fmt = prop.get("x-format")
    if fmt not in CATALOGUE_FORMATS or fmt in _CONTAINERS:
        allowed = ", ".join(sorted(CATALOGUE_FORMATS - _CONTAINERS))
        raise SchemaAnnotationError(key, f"x-format {fmt!r} is not one of {allowed}")
    return fmt  # type: ignore[no-any-return]


def _label(key: str, value: object, what: str) -> Label:
    if not isinstance(value, Mapping) or not all(
        isinstance(value.get(lang), str) and value[lang].strip() for lang in ("zh", "en")
    ):
        raise SchemaAnnotationError(key, f"{what} needs a non-empty zh and en text")
    return Label(value["zh"], value["en"])


def _field(
    key: str,
    parent: str,
    prop: Mapping[str, Any],
    full: Mapping[str, Any],
    types: tuple[str, ...],
    fmt: Format,
    required: bool,
    personal: bool,
) -> CustomerField:
    label = _label(key, prop.get("x-label"), "x-label")
    short = _label(key, prop["x-short"], "x-short") if "x-short" in prop else label
    aliases = prop.get("x-aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise SchemaAnnotationError(key, "x-aliases must be a list of texts")
    choices = tuple(
        Choice(value, _label(f"{key}={value}", text, "x-choices"))
        for value, text in prop.get("x-choices", {}).items()
    )
    if fmt == "choice" and [c.value for c in choices] != list(full.get("enum", ())):
        raise SchemaAnnotationError(key, "x-choices must label every enum value, in order")
    return CustomerField(
        key=key,
        parent=parent,
        label=label,
        short=short,
        header=str(prop.get("x-header") or label.zh),
        aliases=tuple(aliases),
        types=types,
        format=fmt,
        personal=personal,
        required=required,
        hint=str(prop.get("x-hint", "")),
        choices=choices,
        description=str(prop.get("description", "")),
        personal_by_nature=prop.get("x-personal-nature") is True,
        declarable=prop.get("x-declarable") is True,
        company_only=prop.get("x-company-only") is True,
    )
