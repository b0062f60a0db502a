"""Validation of customer documents against the customer JSON Schema and the active policy."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from math import isnan
from typing import Any, cast

import jsonschema

from creditfile.document import customer_schema as document_schema
from creditfile.document import field_catalogue
from creditfile.document.characters import (
    UNSAFE_CLASS,
    describe_char,
    first_unsafe,
    json_size,
    surrogate_path,
)
from creditfile.document.fields import catalogue_key
from creditfile.document.id_number import id_number_problem
from creditfile.document.identity import CODE_PATTERN, credit_code_problem
from creditfile.document.personal import nature_personal_paths
from creditfile.document.values import amount_problem
from creditfile.engine.schema_check import compile_check, lean_schema
from creditfile.policy.errors import format_path
from creditfile.policy.model import Policy

__all__ = [
    "CustomerValidator",
    "Problem",
    "RecordProblem",
    "batch_problems",
    "compile_check",
    "customer_schema",
    "document_problems",
    "validate_customer",
    "validate_customers",
    "validator_for",
]

DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}\Z"
NOT_ITEMS = ("assessed_by", "assessed_on", "note")
_TYPE_WORDS = {
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "object": "a group of fields {…}",
    "array": "a list […]",
    "boolean": "true or false",
    "null": "empty",
}
_SHOWN = 40  # characters of a bad value quoted in a message


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a customer document.

    Attributes:
        path: Where, as a document path (``leases[2].amount``); empty for the whole document.
        message: What is wrong and what to do, for people.
    """

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


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


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _suggest(word: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


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
        hint = f"; allowed here: {', '.join(allowed)}"
        return [Problem(format_path([*path, k]), f"unknown key {k!r}{_suggest(k, allowed) or hint}")
                for k in value if k not in allowed]  # fmt: skip
    if kind == "required" and isinstance(value, dict):
        missing = [key for key in wanted if key not in value]
        return [Problem(format_path([*path, k]), f"{k} is required; add it") for k in missing]
    where = format_path(path)
    if where.startswith(PERSONAL_PREFIX) or where in hidden:
        # Personal data is never repeated in a message, a log line or the history.
        text = _message(kind, _NOT_SHOWN, wanted, schema) or "is not valid here"
        return [Problem(where, text)]
    if kind == "type" and isinstance(value, str) and _is_amount(where):
        return [Problem(where, amount_problem(value) or f"{_shown(value)} should be a number")]
    text = _message(kind, value, wanted, schema) or error.message
    return [Problem(where, text)]


def _is_amount(path: str) -> bool:
    found = field_catalogue().get(catalogue_key(path))
    return found is not None and found.format == "amount"


class _NotShown:
    """Stands for a personal value in a message: its ``repr`` says it is not shown."""

    def __repr__(self) -> str:
        return "the value (personal data, not shown)"


_NOT_SHOWN = _NotShown()
_NATURE_PERSONAL = frozenset(".".join(path) for path in nature_personal_paths())
PERSONAL_PREFIX = "profile.person"


def _message(kind: str, value: object, wanted: Any, schema: Mapping[str, Any]) -> str | None:
    if kind == "type":
        kinds = [wanted] if isinstance(wanted, str) else list(wanted)
        words = " or ".join(_TYPE_WORDS.get(k, k) for k in kinds if k != "null")
        tail = " (or left empty)" if "null" in kinds else ""
        return f"{_shown(value)} should be {words}{tail}"
    if kind == "enum":
        choices = [str(c) for c in wanted]
        hint = _suggest(value, choices) if isinstance(value, str) else ""
        return f"{_shown(value)} is not allowed; use one of {', '.join(choices)}{hint}"
    if kind == "minimum":
        return f"{_shown(value)} is below {wanted}; it can never be negative"
    if kind == "maximum":
        return f"{_shown(value)} is above {wanted:,.0f}; check the value"
    if kind == "pattern" and schema.get("pattern") == DATE_PATTERN:
        return f"{_shown(value)} is not a date; write it as YYYY-MM-DD, e.g. 2026-03-15"
    if kind == "pattern" and schema.get("pattern") == CODE_PATTERN and isinstance(value, str):
        return credit_code_problem(value)
    if kind == "pattern" and "{1,64}" in str(schema.get("pattern")) and isinstance(value, str):
        return _id_message(value)
    if kind in {"pattern", "minLength"}:
        return "must not be empty; fill it in"
    if kind == "maxLength":
        return f"is longer than {wanted} characters; shorten it"
    return None


# What an id may not hold: the schema's pattern, told character by character.
_ID_BAD = re.compile(f"[\\s\uff01-\uff5e{UNSAFE_CLASS}]")


def _id_message(value: str) -> str:
    rule = "an id is 1 to 64 visible characters, no spaces, typed in half-width (e.g. C000123)"
    if not value:
        return f"is empty; {rule}"
    if len(value) > 64:
        return f"is {len(value)} characters long; {rule}"
    bad = _ID_BAD.search(value)
    if bad is None:
        return f"{_shown(value)} is not a usable id; {rule}"
    char = bad.group()
    what = (
        f"U+{ord(char):04X} (the full-width {unicodedata.normalize('NFKC', char)!r})"
        if "\uff01" <= char <= "\uff5e"
        else describe_char(char)
    )
    return f"{_shown(value)} holds {what} at character {bad.start() + 1}; {rule}"


def _name_problem(name: object, out: list[Problem]) -> None:
    # The value is never quoted: for an individual the name is personal data.
    if type(name) is str and (bad := first_unsafe(name)) is not None:
        position, char = bad
        out.append(Problem("name", f"holds {describe_char(char)} at character {position + 1}; "
                           "a name is one line of visible characters: remove it"))  # fmt: skip


def _surrogate_problem(doc: object, out: list[Problem]) -> None:
    # Only for a document orjson would not encode: searching every text costs 13 µs.
    path = surrogate_path(doc)
    if path is not None and path not in ("id", "name"):  # those two are told by their own checks
        out.append(Problem(path, "holds a lone surrogate (\\udxxx), which is no character: the "
                           "text was damaged on its way here; retype it"))  # fmt: skip


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
_SCHEMA_SAYS = Problem("", "the schema's check is needed")
"""Put among a document's problems where it needs the whole schema check: a date at one of
``DATE_PATHS`` that is not written YYYY-MM-DD, or a part the lean checks cannot read."""
_NOT_A_NUMBER = "NaN is not a number; write the amount as digits"


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
        problem = credit_code_problem(code)
        if problem is not None:
            out.append(Problem("credit_code", problem))


class CustomerValidator:
    """Checks documents against the schema and one policy; build once, use for many documents.

    Args:
        policy: The active policy: its natures and its manual scoring items and weights.
    """

    def __init__(self, policy: Policy) -> None:
        self.natures = dict(policy.natures)
        # A bands item's entry is kept even where the policy lets no entry override the bands
        # (an item that was manual before): it is checked, and explain says it is not used.
        entered = [i for i in policy.scoring if i.method in ("manual", "bands")]
        self.weights = {item.key: float(item.weight) for item in entered}
        self.computed = {item.key for item in policy.scoring if item.key not in self.weights}
        self._labels = {label: key for key, label in self.natures.items()}
        self.items = dict(policy.item_categories)
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
        size = json_size(doc)
        found: list[Problem] = []
        if type(doc) is not dict:
            schema_ok = self._schema_ok(doc)
        else:
            lean = size is not None and size < LONG_TEXT
            schema_ok = (self._lean_schema_ok if lean else self._schema_ok)(doc)
            if size is None:
                _surrogate_problem(doc, found)
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
                Problem(
                    path.format(index),
                    f"{value!r} is not a real calendar date; check the day and the month",
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
            hint = f"; write the key {self._labels[nature]!r} for {nature}"
        else:
            hint = _suggest(nature, self.natures) or f"; use one of {', '.join(self.natures)}"
        out.append(Problem("nature", f"{_shown(nature)} is not a nature of the policy{hint}"))

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
                        Problem(
                            f"assessment.{key}",
                            f"{_shown(value)} is outside "
                            f"0–{weight:g}, this item's range in the policy; enter "
                            f"0 to {weight:g}",
                        )
                    )
            elif key == "assessed_on":
                self._date(value, "assessment.assessed_on", 0, out)
            elif key not in NOT_ITEMS:
                out.append(Problem(f"assessment.{key}", self._unknown_item(key)))

    def _unknown_item(self, key: str) -> str:
        if key in self.computed:
            return f"{key!r} is computed from the leases, not entered; remove it"
        allowed = [*self.weights, *NOT_ITEMS]
        hint = _suggest(key, allowed) or f"; the policy's items are {', '.join(self.weights)}"
        return f"{_shown(key)} is not a scoring item of the policy{hint}"

    def _unknown_category(self, item: str) -> str:
        if item in self._item_labels:
            return f"{_shown(item)}: write the key {self._item_labels[item]!r} for {item}"
        listed = ", ".join(f"{key} ({label})" for key, label in self.items.items())
        hint = _suggest(item, self.items) or f"; use one of {listed}"
        return f"{_shown(item)} is not a leased-item category of the policy{hint}"

    def _check_profile(self, profile: object, out: list[Problem]) -> None:
        if type(profile) is not dict:
            if isinstance(profile, dict):
                out.append(_SCHEMA_SAYS)
            return
        person = profile.get("person")
        if type(person) is dict:
            number = person.get("id_number")
            if type(number) is str and number and (problem := id_number_problem(number)):
                out.append(Problem("profile.person.id_number", problem))
        self._date(profile.get("founded_on"), "profile.founded_on", 0, out)
        self._date(profile.get("trading_since"), "profile.trading_since", 0, out)
        # NaN passes both minimum and maximum (every comparison is false); infinities do not.
        for key in ("registered_capital", "total_assets"):
            value = profile.get(key)
            if type(value) is float and isnan(value):
                out.append(Problem(f"profile.{key}", _NOT_A_NUMBER))

    def _check_leases(self, leases: object, out: list[Problem]) -> None:
        contracts: dict[str, int] = {}
        items = self.items
        for i, lease in _dicts(leases, out):
            start, end = lease.get("start"), lease.get("end")
            real = self._date(start, "leases[{}].start", i, out)
            if self._date(end, "leases[{}].end", i, out) and real and _iso_before(end, start):
                out.append(Problem(f"leases[{i}].end", f"{end} is before the start {start}; "
                                   "correct the dates"))  # fmt: skip
            item = lease.get("item")
            if type(item) is str and item and items and item not in items:
                out.append(Problem(f"leases[{i}].item", self._unknown_category(item)))
            amount, outstanding = lease.get("amount"), lease.get("outstanding")
            if type(amount) is float and isnan(amount):
                out.append(Problem(f"leases[{i}].amount", _NOT_A_NUMBER))
            if type(outstanding) is float and isnan(outstanding):
                out.append(Problem(f"leases[{i}].outstanding", _NOT_A_NUMBER))
            contract = lease.get("contract")
            if type(contract) is str and contract:
                if contract in contracts:
                    out.append(Problem(f"leases[{i}].contract", f"{_shown(contract)} is also the "
                                       f"contract of leases[{contracts[contract]}]; a contract "
                                       "number appears once per customer"))  # fmt: skip
                else:
                    contracts[contract] = i

    def _check_sources(self, sources: object, out: list[Problem]) -> None:
        for i, source in _dicts(sources, out):
            self._date(source.get("on"), "sources[{}].on", i, out)
            cost = source.get("cost")
            if type(cost) is float and isnan(cost):
                out.append(Problem(f"sources[{i}].cost", _NOT_A_NUMBER))


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
                problems.insert(
                    0,
                    Problem(
                        "id",
                        f"{cid!r} is also the id of record "
                        f"{first_index[cid]}; each customer appears once",
                    ),
                )
            else:
                first_index[cid] = index
        found.extend(
            RecordProblem(path=p.path, message=p.message, index=index, customer_id=cid)
            for p in problems
        )
    return found


def _customer_id(doc: object) -> str | None:
    if type(doc) is dict:
        cid = doc.get("id")
        if type(cid) is str:
            return cid
    return None
