"""Validation of customer documents against the customer JSON Schema and the active policy."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from math import isnan
from typing import Any, cast

import jsonschema

from creditfile.document import customer_schema as document_schema
from creditfile.document import field_catalogue
from creditfile.document.characters import (
    UNSAFE_CLASS,
    describe_char_said,
    first_unsafe,
    json_encoded,
    nul_path,
    surrogate_path,
)
from creditfile.document.fields import catalogue_key
from creditfile.document.id_number import id_number_said
from creditfile.document.identity import CODE_PATTERN, credit_code_said
from creditfile.document.personal import nature_personal_paths
from creditfile.document.values import amount_said
from creditfile.engine.schema_check import compile_check, lean_schema
from creditfile.policy.errors import (
    N_,
    NOTHING,
    Phrase,
    format_path,
    in_either,
    phrase,
    verbatim,
)
from creditfile.policy.model import Policy
from creditfile.policy.schema_words import kinds_said, suggest_said, unknown_key_said

__all__ = [
    "CustomerValidator",
    "Problem",
    "RecordProblem",
    "also_the_id",
    "batch_problems",
    "compile_check",
    "customer_schema",
    "document_problems",
    "said",
    "validate_customer",
    "validate_customers",
    "validator_for",
]

DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}\Z"
NOT_ITEMS = ("assessed_by", "assessed_on", "note")
_SHOWN = 40  # characters of a bad value quoted in a message


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a customer document.

    Attributes:
        path: Where, as a document path (``leases[2].amount``); empty for the whole document.
        message: What is wrong and what to do, for people (English).
        said: The message as a phrase, for a front end to word in the language in force
            (``text``); None for a message that has no wording but its English.
    """

    path: str
    message: str
    said: Phrase | None = field(default=None, compare=False, repr=False)

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message

    def text(self, translate: Callable[[str], str] | None = None) -> str:
        """The message in the language of ``translate`` (English without it)."""
        return self.said.text(translate) if self.said is not None else self.message

    def of_record(self, index: int, customer_id: str | None) -> RecordProblem:
        """This problem as one of record ``index`` (0-based) of a batch, its wording kept."""
        return RecordProblem(
            path=self.path,
            message=self.message,
            said=self.said,
            index=index,
            customer_id=customer_id,
        )

    def as_phrase(self) -> Phrase:
        """The message as a phrase, to be part of another or carried to another problem."""
        return self.said if self.said is not None else Phrase("{text}", {"text": self.message})


def said(path: str, message: Phrase) -> Problem:
    """A problem at ``path`` whose message is ``message`` (worded by the front end)."""
    return Problem(path, str(message), message)


@dataclass(frozen=True, kw_only=True)
class RecordProblem(Problem):
    """A problem of one record of a batch: which record (0-based) and its id, if it has one."""

    index: int
    customer_id: str | None


@cache
def customer_schema() -> dict[str, Any]:
    """The customer JSON Schema (``creditfile.document``), read once and shared: never change it."""
    return document_schema()


@cache
def _schema_validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(customer_schema())


def _shown(value: object) -> str | Phrase:
    if value is _NOT_SHOWN:
        return phrase("the value (personal data, not shown)")
    text = repr(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _suggest(word: str, candidates: Iterable[str]) -> Phrase:
    return suggest_said(word, list(candidates))


def _schema_problems(doc: object, hidden: Collection[str] = ()) -> list[Problem]:
    """The schema's errors in words; no value at a personal path or one of ``hidden`` (a
    person's phone and address) is repeated."""
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for error in _schema_validator().iter_errors(doc):
        for problem in _word(error, hidden):
            if (problem.path, problem.message) not in seen:
                seen.add((problem.path, problem.message))
                problems.append(problem)
    return problems


def _word(error: jsonschema.ValidationError, hidden: Collection[str] = ()) -> list[Problem]:
    path = list(error.absolute_path)
    kind, value, wanted = str(error.validator), error.instance, cast(Any, error.validator_value)
    schema = error.schema if isinstance(error.schema, dict) else {}
    if kind == "additionalProperties" and isinstance(value, dict):
        allowed = list(schema.get("properties", {}))
        return [said(format_path([*path, k]), unknown_key_said(k, allowed))
                for k in value if k not in allowed]  # fmt: skip
    if kind == "required" and isinstance(value, dict):
        missing = [key for key in wanted if key not in value]
        return [said(format_path([*path, k]), phrase("{key} is required; add it",
                                                      key=_field_name([*path, k])))
                for k in missing]  # fmt: skip
    where = format_path(path)
    if where.startswith(PERSONAL_PREFIX) or where in hidden:
        # Personal data is never repeated in a message, a log line or the history.
        hidden_text = _message(kind, _NOT_SHOWN, wanted, schema) or phrase("is not valid here")
        return [said(where, hidden_text)]
    if kind == "type" and isinstance(value, str) and _is_amount(where):
        wrong = amount_said(value) or phrase("{value} should be a number", value=_shown(value))
        return [said(where, wrong)]
    text = _message(kind, value, wanted, schema, where)
    # A check of the schema we have no words for is told in the schema library's English.
    return [said(where, text) if text is not None else Problem(where, error.message)]


def _field_name(path: Sequence[str | int]) -> Phrase:
    """A field's name as its reader calls it: its label in the catalogue (客户名称, Name), in
    either language; its key where the catalogue has no label for it (a policy's score)."""
    found = field_catalogue().field_of_path(format_path(path))
    if found is None:
        return verbatim(str(path[-1]))
    return in_either(found.label.text("zh"), found.label.text("en"))


def _is_amount(path: str) -> bool:
    found = field_catalogue().get(catalogue_key(path))
    return found is not None and found.format == "amount"


class _NotShown:
    """Stands for a personal value in a message (``_shown`` says it is not shown)."""


_NOT_SHOWN = _NotShown()
_NATURE_PERSONAL = frozenset(".".join(path) for path in nature_personal_paths())
PERSONAL_PREFIX = "profile.person"


def _message(
    kind: str, value: object, wanted: Any, schema: Mapping[str, Any], where: str = ""
) -> Phrase | None:
    shown = _shown(value)
    if kind == "type" and value is None and where:
        # A field left empty where a value is needed: said so, never as Python's ``None``.
        return phrase("is empty; fill it in with {kind}", kind=kinds_said(wanted))
    if value is None:
        shown = "null"  # a whole record that is JSON's null
    if kind == "type":
        return phrase("{value} should be {kind}", value=shown, kind=kinds_said(wanted))
    if kind == "enum":
        choices = _choices(where, [str(c) for c in wanted])
        if value is None:
            return phrase("is empty; choose one of {choices}", choices=choices)
        hint = _suggest(value, [str(c) for c in wanted]) if isinstance(value, str) else NOTHING
        return phrase(
            "{value} is not allowed; use one of {choices}{hint}",
            value=shown,
            choices=choices,
            hint=hint,
        )
    if kind == "minimum":
        return phrase("{value} is below {minimum}; it can never be negative", value=shown,
                      minimum=wanted)  # fmt: skip
    if kind == "maximum":
        return phrase("{value} is above {maximum}; check the value", value=shown,
                      maximum=format(wanted, ",.0f"))  # fmt: skip
    if kind == "pattern" and schema.get("pattern") == DATE_PATTERN:
        return phrase("{value} is not a date; write it as YYYY-MM-DD, e.g. 2026-03-15",
                      value=shown)  # fmt: skip
    if kind == "pattern" and schema.get("pattern") == CODE_PATTERN and isinstance(value, str):
        return credit_code_said(value)
    if kind == "pattern" and "{1,64}" in str(schema.get("pattern")) and isinstance(value, str):
        return _id_message(value)
    if kind in {"pattern", "minLength"}:
        return phrase("must not be empty; fill it in")
    if kind == "maxLength":
        return phrase("is longer than {count} characters; shorten it", count=wanted)
    return None


def _choices(where: str, keys: Sequence[str]) -> Phrase:
    """The allowed values of a choice field, with their labels in the reader's language
    (``active (在租), …`` in Chinese) where the field catalogue names them."""
    found = field_catalogue().field_of_path(where) if where else None
    labels = {} if found is None else found.choice_labels("zh")
    if not labels:
        return verbatim(", ".join(keys))
    return in_either(
        ", ".join(f"{key} ({labels[key]})" if key in labels else key for key in keys),
        ", ".join(keys),
    )


# What an id may not hold: the schema's pattern, told character by character.
_ID_BAD = re.compile(f"[\\s\uff01-\uff5e{UNSAFE_CLASS}]")
_ID_RULE = N_("an id is 1 to 64 visible characters, no spaces, typed in half-width (e.g. C000123)")


def _id_message(value: str) -> Phrase:
    rule = phrase(_ID_RULE)
    if not value:
        return phrase("is empty; {rule}", rule=rule)
    if len(value) > 64:
        return phrase("is {count} characters long; {rule}", count=len(value), rule=rule)
    bad = _ID_BAD.search(value)
    if bad is None:
        return phrase("{value} is not a usable id; {rule}", value=_shown(value), rule=rule)
    char = bad.group()
    what = (
        phrase(
            "U+{code} (the full-width {char})",
            code=format(ord(char), "04X"),
            char=repr(unicodedata.normalize("NFKC", char)),
        )
        if "\uff01" <= char <= "\uff5e"
        else describe_char_said(char)
    )
    return phrase(
        "{value} holds {what} at character {position}; {rule}",
        value=_shown(value),
        what=what,
        position=bad.start() + 1,
        rule=rule,
    )


def _name_problem(name: object, out: list[Problem]) -> None:
    # The value is never quoted: for an individual the name is personal data.
    if type(name) is str and (bad := first_unsafe(name)) is not None:
        position, char = bad
        out.append(said("name", phrase(
            "holds {what} at character {position}; a name is one line of visible characters: "
            "remove it", what=describe_char_said(char), position=position + 1)))  # fmt: skip


def _surrogate_problem(doc: object, out: list[Problem]) -> None:
    # Only for a document orjson would not encode: searching every text costs 13 µs.
    path = surrogate_path(doc)
    if path is not None and path not in ("id", "name"):  # those two are told by their own checks
        damaged = phrase("holds a lone surrogate (\\udxxx), which is no character: the text was "
                         "damaged on its way here; retype it")  # fmt: skip
        out.append(said(path, damaged))


def _nul_problem(doc: object, out: list[Problem]) -> None:
    # Only for a document whose JSON holds one: no PostgreSQL text can, so neither may a file.
    path = nul_path(doc)
    if path is not None and path not in ("id", "name"):  # those two are told by their own checks
        out.append(said(path, phrase("holds a NUL character (U+0000), which no archive can "
                                     "store; remove it")))  # fmt: skip


# --- checks that need the policy or more than one field ----------------------------------
# Written for speed (they run on every document of a 100,000-customer import): type() tests
# instead of isinstance, a memory of the date strings already found real, and paths put into
# words only for a problem.

_DATE_RE = re.compile(DATE_PATTERN)
_CODE_RE = re.compile(CODE_PATTERN)
_REMEMBERED_DATES = 200_000
DATE_PATHS = frozenset((
    "profile.founded_on", "profile.trading_since", "leases[].start", "leases[].end",
    "assessment.assessed_on", "sources[].on",
))  # fmt: skip
"""Where the validator matches dates against the schema's date pattern itself: the schema
check it uses on most documents leaves that pattern out there (it cost 3 to 5 µs a document,
and the calendar check reads every date anyway)."""
LONG_TEXT = 1_000_000
"""The lean schema check leaves out every ``maxLength`` of this or more: a document shorter
than this as compact JSON cannot hold a text as long."""
_SCHEMA_NEEDED = "the schema's check is needed"  # never shown: taken out before returning
_SCHEMA_SAYS = Problem("", _SCHEMA_NEEDED)
"""Put among a document's problems where it needs the whole schema check: a date at one of
``DATE_PATHS`` that is not written YYYY-MM-DD, or a part the lean checks cannot read."""
_NOT_A_NUMBER = phrase("NaN is not a number; write the amount as digits")


@cache
def _checks() -> tuple[Callable[[object], bool], Callable[[object], bool]]:
    """The schema check, whole and lean (see ``DATE_PATHS`` and ``LONG_TEXT``)."""
    schema = customer_schema()
    lean = lean_schema(schema, unchecked_patterns={DATE_PATTERN: DATE_PATHS}, long_text=LONG_TEXT)
    return compile_check(schema), compile_check(lean)


def _dicts(value: object, out: list[Problem]) -> Iterable[tuple[int, dict[str, Any]]]:
    if type(value) is list:
        for i, item in enumerate(value):
            if type(item) is dict:
                yield i, item
            elif isinstance(item, dict):
                out.append(_SCHEMA_SAYS)
    elif isinstance(value, list | tuple):
        out.append(_SCHEMA_SAYS)


def _check_credit_code(code: object, out: list[Problem]) -> None:
    # The schema's pattern takes the characters; the check character needs arithmetic.
    if type(code) is str and _CODE_RE.match(code):
        problem = credit_code_said(code)
        if problem is not None:
            out.append(said("credit_code", problem))


class CustomerValidator:
    """Checks documents against the schema and one policy; build once, use for many documents.

    Args:
        policy: The active policy: its natures and its manual scoring items and weights.
    """

    def __init__(self, policy: Policy) -> None:
        self.natures = dict(policy.natures)
        self.natures_en = {k: policy.natures_en.get(k) or v for k, v in self.natures.items()}
        # A bands item's entry is kept even where the policy lets no entry override the bands
        # (an item that was manual before): it is checked, and explain says it is not used.
        entered = [i for i in policy.scoring if i.method in ("manual", "bands")]
        self.weights = {item.key: float(item.weight) for item in entered}
        self.computed = {item.key for item in policy.scoring if item.key not in self.weights}
        self._labels = {label: key for key, label in self.natures.items()}
        self.items = dict(policy.item_categories)
        self.items_en = {k: policy.item_categories_en.get(k) or v for k, v in self.items.items()}
        self.personal_natures = policy.personal_natures
        self._item_labels = {label: key for key, label in self.items.items()}
        self._schema_ok, self._lean_schema_ok = _checks()
        if "assessed_on" in self.weights:  # its date would be taken for points, not matched
            self._lean_schema_ok = self._schema_ok
        self._real_dates: set[str] = set()

    def _hidden(self, doc: object) -> frozenset[str]:
        """The paths whose values no message may repeat beyond ``profile.person``: a person's
        phone and address (the policy's ``personal_natures``)."""
        nature = doc.get("nature") if type(doc) is dict else None
        if type(nature) is str and nature in self.personal_natures:
            return _NATURE_PERSONAL
        return frozenset()

    def problems(self, doc: object) -> list[Problem]:
        """Every problem of one document, in document order; empty when it is valid."""
        encoded = json_encoded(doc)
        size = None if encoded is None else len(encoded)
        found: list[Problem] = []
        if type(doc) is not dict:
            schema_ok = self._schema_ok(doc)
        else:
            lean = size is not None and size < LONG_TEXT
            schema_ok = (self._lean_schema_ok if lean else self._schema_ok)(doc)
            if size is None:
                _surrogate_problem(doc, found)
            elif encoded is not None and b"\\u0000" in encoded:  # how JSON writes a NUL
                _nul_problem(doc, found)
            _name_problem(doc.get("name"), found)
            self._check_nature(doc.get("nature"), found)
            _check_credit_code(doc.get("credit_code"), found)
            self._check_assessment(doc.get("assessment"), found)
            self._check_profile(doc.get("profile"), found)
            self._check_leases(doc.get("leases"), found)
            self._check_sources(doc.get("sources"), found)
        if found and _SCHEMA_SAYS in found:
            found = [p for p in found if p is not _SCHEMA_SAYS]
            schema_ok = False
        if not schema_ok:
            found = _schema_problems(doc, self._hidden(doc)) + found
        if size is None and type(doc) is not dict:
            _surrogate_problem(doc, found)
        return sorted(found, key=lambda p: _path_key(p.path)) if found else found

    def _date(self, value: object, path: str, index: int, out: list[Problem]) -> bool:
        """False (and a problem at ``path.format(index)``) for YYYY-MM-DD text that is no
        calendar date; text not written so is left to the schema check."""
        if type(value) is not str:
            if isinstance(value, str):  # a subclass: the lean schema check passed it
                out.append(_SCHEMA_SAYS)
            return True
        if value in self._real_dates:
            return True
        if len(value) != 10 or not _DATE_RE.match(value):
            out.append(_SCHEMA_SAYS)
            return True
        try:
            date.fromisoformat(value)
        except ValueError:
            out.append(
                said(
                    path.format(index),
                    phrase(
                        "{value} is not a real calendar date; check the day and the month",
                        value=repr(value),
                    ),
                )
            )
            return False
        if len(self._real_dates) < _REMEMBERED_DATES:
            self._real_dates.add(value)
        return True

    def _check_nature(self, nature: object, out: list[Problem]) -> None:
        if type(nature) is not str or nature in self.natures:
            return
        if nature in self._labels:
            hint = phrase(
                "; write the key {key} for {label}", key=repr(self._labels[nature]), label=nature
            )
        else:
            hint = _suggest(nature, self.natures)
            if hint is NOTHING:
                # Listed with their labels: a clerk types the label and may not know the key.
                listed = _listed(self.natures, self.natures_en)
                hint = phrase("; use one of {choices}", choices=listed)
        out.append(said("nature", phrase("{value} is not a nature of the policy{hint}",
                                         value=_shown(nature), hint=hint)))  # fmt: skip

    def _check_assessment(self, assessment: object, out: list[Problem]) -> None:
        if type(assessment) is not dict:
            if isinstance(assessment, dict):
                out.append(_SCHEMA_SAYS)
            return
        weights = self.weights
        for key, value in assessment.items():
            weight = weights.get(key)
            if weight is not None:
                if (type(value) is int or type(value) is float) and not 0 <= value <= weight:
                    out.append(
                        said(
                            f"assessment.{key}",
                            phrase(
                                "{value} is outside 0–{weight}, this item's range in the "
                                "policy; enter 0 to {weight}",
                                value=_shown(value),
                                weight=format(weight, "g"),
                            ),
                        )
                    )
            elif key == "assessed_on":
                self._date(value, "assessment.assessed_on", 0, out)
            elif key not in NOT_ITEMS:
                out.append(said(f"assessment.{key}", self._unknown_item(key)))

    def _unknown_item(self, key: str) -> Phrase:
        if key in self.computed:
            return phrase("{key} is computed from the leases, not entered; remove it",
                          key=repr(key))  # fmt: skip
        hint = _suggest(key, [*self.weights, *NOT_ITEMS])
        if hint is NOTHING:
            hint = phrase("; the policy's items are {keys}", keys=", ".join(self.weights))
        return phrase("{value} is not a scoring item of the policy{hint}", value=_shown(key),
                      hint=hint)  # fmt: skip

    def _unknown_category(self, item: str) -> Phrase:
        if item in self._item_labels:
            return phrase("{value}: write the key {key} for {label}", value=_shown(item),
                          key=repr(self._item_labels[item]), label=item)  # fmt: skip
        hint = _suggest(item, self.items)
        if hint is NOTHING:
            hint = phrase("; use one of {choices}", choices=_listed(self.items, self.items_en))
        return phrase("{value} is not a leased-item category of the policy{hint}",
                      value=_shown(item), hint=hint)  # fmt: skip

    def _check_profile(self, profile: object, out: list[Problem]) -> None:
        if type(profile) is not dict:
            if isinstance(profile, dict):
                out.append(_SCHEMA_SAYS)
            return
        person = profile.get("person")
        if type(person) is dict:
            number = person.get("id_number")
            if type(number) is str and number and (problem := id_number_said(number)):
                out.append(said("profile.person.id_number", problem))
        self._date(profile.get("founded_on"), "profile.founded_on", 0, out)
        self._date(profile.get("trading_since"), "profile.trading_since", 0, out)
        # NaN passes both minimum and maximum (every comparison is false); infinities do not.
        for key in ("registered_capital", "total_assets"):
            value = profile.get(key)
            if type(value) is float and isnan(value):
                out.append(said(f"profile.{key}", _NOT_A_NUMBER))

    def _check_leases(self, leases: object, out: list[Problem]) -> None:
        contracts: dict[str, int] = {}
        items = self.items
        for i, lease in _dicts(leases, out):
            start, end = lease.get("start"), lease.get("end")
            real = self._date(start, "leases[{}].start", i, out)
            if self._date(end, "leases[{}].end", i, out) and real and _iso_before(end, start):
                out.append(said(f"leases[{i}].end", phrase(
                    "{end} is before the start {start}; correct the dates", end=end,
                    start=start)))  # fmt: skip
            item = lease.get("item")
            if type(item) is str and item and items and item not in items:
                out.append(said(f"leases[{i}].item", self._unknown_category(item)))
            amount, outstanding = lease.get("amount"), lease.get("outstanding")
            if type(amount) is float and isnan(amount):
                out.append(said(f"leases[{i}].amount", _NOT_A_NUMBER))
            if type(outstanding) is float and isnan(outstanding):
                out.append(said(f"leases[{i}].outstanding", _NOT_A_NUMBER))
            contract = lease.get("contract")
            if type(contract) is str and contract:
                if contract in contracts:
                    out.append(said(f"leases[{i}].contract", phrase(
                        "{value} is also the contract of leases[{other}]; a contract number "
                        "appears once per customer", value=_shown(contract),
                        other=contracts[contract])))  # fmt: skip
                else:
                    contracts[contract] = i

    def _check_sources(self, sources: object, out: list[Problem]) -> None:
        for i, source in _dicts(sources, out):
            self._date(source.get("on"), "sources[{}].on", i, out)
            cost = source.get("cost")
            if type(cost) is float and isnan(cost):
                out.append(said(f"sources[{i}].cost", _NOT_A_NUMBER))


def _listed(chinese: Mapping[str, str], english: Mapping[str, str]) -> Phrase:
    """``key (label), …`` with the policy's labels in the language of the reader."""
    return in_either(
        ", ".join(f"{key} ({label})" for key, label in chinese.items()),
        ", ".join(f"{key} ({label})" for key, label in english.items()),
    )


def _iso_before(end: object, start: object) -> bool:
    # Real YYYY-MM-DD dates order as their text does.
    return (
        type(end) is str
        and type(start) is str
        and len(end) == len(start) == 10
        and end < start
        and bool(_DATE_RE.match(end))
        and bool(_DATE_RE.match(start))
    )


def _path_key(path: str) -> list[tuple[int, int | str]]:
    parts: list[tuple[int, int | str]] = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path):
        parts.append((1, int(index)) if index else (0, name))
    return parts


_VALIDATORS: dict[tuple[Any, ...], CustomerValidator] = {}


def validator_for(policy: Policy) -> CustomerValidator:
    """The validator of ``policy``, built once per policy content and reused."""
    last = _LAST.get("policy")
    if last is not None and last[0] is policy:
        return last[1]  # an import validates every document under one policy object
    key = (
        policy.sha256,
        tuple(policy.natures),
        tuple(policy.item_categories),
        tuple(sorted(policy.personal_natures)),
        tuple((i.key, i.weight, i.method) for i in policy.scoring),
    )
    found = _VALIDATORS.get(key)
    if found is None:
        found = _VALIDATORS[key] = CustomerValidator(policy)
    _LAST["policy"] = (policy, found)
    return found


# The policy object last asked for and its validator: building the content key costs more than
# validating a small document.
_LAST: dict[str, tuple[Policy, CustomerValidator]] = {}


def validate_customer(doc: object, policy: Policy) -> list[Problem]:
    """Every problem of one customer document under ``policy``.

    Args:
        doc: A parsed JSON value, normally a dict (anything else is reported, never raised).
        policy: The active policy (natures, manual items and their weights).

    Returns:
        The problems in document order; empty when the document is valid.
    """
    return validator_for(policy).problems(doc)


def validate_customers(docs: Sequence[object], policy: Policy) -> list[RecordProblem]:
    """Every problem of every document of a batch, plus ids used twice within it.

    Args:
        docs: Parsed JSON values, one per customer.
        policy: The active policy.

    Returns:
        The problems in record order, each with its 0-based record index and id.
    """
    return batch_problems(docs, document_problems(docs, policy, 0, len(docs)))


def document_problems(
    docs: Sequence[object], policy: Policy, start: int, end: int
) -> dict[int, list[Problem]]:
    """The problems of each document of ``docs[start:end]`` on its own, by record index; the
    documents without problems are left out. A batch can be checked in slices, in parallel,
    and put together with :func:`batch_problems`."""
    validator = validator_for(policy)
    found: dict[int, list[Problem]] = {}
    for index in range(start, end):
        problems = validator.problems(docs[index])
        if problems:
            found[index] = problems
    return found


def batch_problems(
    docs: Sequence[object], by_document: Mapping[int, list[Problem]]
) -> list[RecordProblem]:
    """The problems of a batch: each document's own (from :func:`document_problems`) and the
    ids used twice, in record order, each with its record index and id."""
    first_index: dict[str, int] = {}
    found: list[RecordProblem] = []
    for index, doc in enumerate(docs):
        cid = _customer_id(doc)
        problems = list(by_document.get(index, ()))
        if cid is not None:
            if cid in first_index:
                problems.insert(0, said("id", also_the_id(cid, first_index[cid])))
            else:
                first_index[cid] = index
        found.extend(p.of_record(index, cid) for p in problems)
    return found


def also_the_id(cid: str, first: int) -> Phrase:
    """A record's id that an earlier record of the batch has (``first``, 0-based)."""
    return phrase(
        "{id} is also the id of record {record}; each customer appears once",
        id=repr(cid),
        record=first + 1,
    )


def _customer_id(doc: object) -> str | None:
    if type(doc) is dict:
        cid = doc.get("id")
        if type(cid) is str:
            return cid
    return None
