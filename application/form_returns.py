"""A returned customer form, read and recorded as a ``customer_form`` source on its customer.

The values the customer declared that differ from the archive's are kept on that source
(``declared``), beside the archive's values and never over them, until someone audits them
field by field (``creditfile.application.form_audit``). A form whose every answer matches the
archive adds nothing to audit and is recorded as verified. A blank answer declares nothing
(it never clears what the archive holds). The same form recorded twice is recorded once.

A form is read by the keys of its hidden column: a workbook of another layout, a row that is
not the form's, a formula, an escape or bidirectional character, an answer over its length,
an unknown customer or a value the field cannot hold is refused at its cell, and nothing is
written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from creditfile.application.customers import save_customer
from creditfile.application.forms import form_fields
from creditfile.application.lookup import find_customer
from creditfile.document import CustomerField, field_catalogue
from creditfile.document.characters import describe_char, first_unsafe
from creditfile.document.limits import MAX_XLSX_BYTES, file_said
from creditfile.document.paths import value_at
from creditfile.document.values import parse_date
from creditfile.engine.validation import validator_for
from creditfile.policy import CreditfileError, Policy
from creditfile.presentation.translation import _
from creditfile.spreadsheets.cells import CellReader, cell_date
from creditfile.spreadsheets.columns import field_column
from creditfile.spreadsheets.customer_form import (
    FILLED_BY,
    FILLED_ON,
    FILLED_ON_LABEL,
    FORM_SHEET,
    ID_KEY,
    FormCell,
    read_form_sheet,
)
from creditfile.store import ArchiveStore, JSONObject

FORM_IMPORTED = "form_imported"
"""The history event of a returned form recorded on a customer."""
DECLARED = "declared"
"""The key of a ``customer_form`` source holding the declared values awaiting audit."""
MAX_ANSWER_CHARS = 2000
"""Characters of one answer on a form (an id, a name or who filled it in: 200)."""


class FormError(CreditfileError):
    """A returned form that cannot be recorded; ``problems`` names each cell. Nothing was
    written."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class FormImported:
    """A returned form recorded on a customer.

    Attributes:
        customer_id: The customer.
        declared: The values that differ from the archive's, by field key: kept for audit.
        same: How many answers matched the archive.
        source_index: The position of the new ``customer_form`` source (None: not recorded,
            because the same form was recorded already).
    """

    customer_id: str
    declared: dict[str, Any] = field(default_factory=dict)
    same: int = 0
    source_index: int | None = None


@dataclass(frozen=True)
class FormAnswers:
    """A returned form read and checked, before it meets the archive.

    Attributes:
        customer_id: The id the form names.
        values: The answers given, by field key (blank answers left out).
        cells: Each answer's cell, ``客户资料表!B7``, by field key.
        filled_by: Who filled it in, as written.
        filled_on: When, as written (``YYYY-MM-DD``), or ``""``.
    """

    customer_id: str
    values: dict[str, Any]
    cells: dict[str, str]
    filled_by: str
    filled_on: str


def read_form(path: str | Path, policy: Policy) -> FormAnswers:
    """Read a returned form; every problem named at its cell.

    Raises:
        FormError: not a form of this layout, a formula, a hostile or oversized answer, a
            value that cannot be read as its field; nothing is returned then.
    """
    file = str(path)
    from creditfile.spreadsheets.reading import unpacked_said

    problem = file_said(file, MAX_XLSX_BYTES) or unpacked_said(file)
    if problem:
        raise FormError([f"{file}: {problem.text(_)}"])
    try:
        sheet = read_form_sheet(Path(file))
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise FormError(
            [
                _("{file}: not a readable .xlsx workbook ({kind}); save it as .xlsx").format(
                    file=file, kind=type(exc).__name__
                )
            ]
        ) from None
    if not sheet.marked:
        raise FormError(
            [
                _(
                    "{file}: not a customer form: it has no {sheet} sheet laid out by "
                    "`creditfile form` (sheets: {sheets}); write a form with "
                    "`creditfile form ID --out FILE.xlsx` and send that one"
                ).format(file=file, sheet=FORM_SHEET, sheets=", ".join(sheet.sheets) or "-")
            ]
        )
    return _answers(file, sheet.cells, policy)


PHONE_KEY = "contact.phone"


def _answers(file: str, cells: Sequence[FormCell], policy: Policy) -> FormAnswers:
    catalogue = field_catalogue()
    known = {f.key for f in catalogue.declarable()} | {ID_KEY, FILLED_BY, FILLED_ON}
    reader = CellReader(policy)
    problems: list[str] = []
    values: dict[str, Any] = {}
    where: dict[str, str] = {}
    for cell in cells:
        place = f"{file}:{FORM_SHEET}!{cell.coordinate}"
        if cell.key not in known or cell.key in where:
            problems.append(
                _(
                    "{place}: row {row} is not a row of the customer form ({key}); send the "
                    "form as it was written"
                ).format(place=place, row=cell.row, key=repr(cell.key[:40]))
            )
            continue
        where[cell.key] = f"{FORM_SHEET}!{cell.coordinate}"
        wrong = _hostile(cell)
        if wrong:
            problems.append(f"{place}: {wrong}")
            continue
        if cell.value is None or (isinstance(cell.value, str) and not cell.value.strip()):
            continue
        fld = catalogue.get(cell.key)
        if cell.key == PHONE_KEY and isinstance(cell.value, (int, float)):
            # A spreadsheet drops a phone's leading 0 when it is typed as a number.
            problems.append(
                _(
                    "{place}: the phone is a number ({value}), which loses a leading 0; "
                    "type it as text, e.g. '02785551234"
                ).format(place=place, value=cell.value)
            )
            continue
        if cell.key == FILLED_ON or (fld is not None and fld.format == "date"):
            read = cell_date(cell.value)
            if parse_date(str(read)) != read:
                problems.append(_not_a_date(place, cell, fld))
                continue
            values[cell.key] = read
            continue
        column = field_column(fld) if fld is not None else None
        value = reader.value(column, cell.value) if column else _plain(cell.value)
        values[cell.key] = value.strip() if isinstance(value, str) else value
    if ID_KEY not in where:
        problems.append(
            _("{file}: the form has no customer id row; send the form as it was written").format(
                file=file
            )
        )
    if problems:
        raise FormError(problems)
    customer_id = str(values.pop(ID_KEY, "") or "")
    if not customer_id:
        problems.append(
            _(
                "{file}:{cell}: the form names no customer; write the customer's id there "
                "(create the customer first, on the card or with `creditfile import`)"
            ).format(file=file, cell=where[ID_KEY])
        )
        raise FormError(problems)
    by = str(values.pop(FILLED_BY, "") or "")
    on = values.pop(FILLED_ON, "")
    return FormAnswers(customer_id, values, where, by, on if isinstance(on, str) else "")


def _not_asked(file: str, cell: str, key: str, doc: Mapping[str, Any]) -> str:
    """Why an individual's form may not answer ``key`` (a form written for a company, or
    before the customer's nature was known)."""
    fld = field_catalogue()[key]
    if fld.company_only:
        return _(
            "{file}:{cell}: {field}: {id} is an individual, who has none; leave it blank "
            "(if {id} is a company, change its nature on the card first)"
        ).format(file=file, cell=cell, field=fld.text("zh"), id=doc.get("id"))
    return _("{file}:{cell}: personal data is not taken from a form; enter it on the card").format(
        file=file, cell=cell
    )


def _plain(value: Any) -> Any:
    return value if isinstance(value, str) else str(value)


def _not_a_date(place: str, cell: FormCell, fld: CustomerField | None) -> str:
    label = fld.text("zh") if fld is not None else FILLED_ON_LABEL
    return _(
        "{place}: {field} {value} is not a date; write it as 2026-11-30 (or 2026/11/30, "
        "2026年11月30日)"
    ).format(place=place, field=label, value=repr(str(cell.value)[:40]))


def _hostile(cell: FormCell) -> str | None:
    """What is wrong with an answer no field may hold, or None."""
    value = cell.value
    if cell.formula or (isinstance(value, str) and value.lstrip().startswith("=")):
        return _("a formula ({start}…) is not an answer; write the value itself").format(
            start=str(value)[:12]
        )
    if not isinstance(value, str):
        return None
    limit = 200 if cell.key in (ID_KEY, "name", FILLED_BY) else MAX_ANSWER_CHARS
    if len(value) > limit:
        return _("{count} characters, over the limit of {limit} for one answer").format(
            count=f"{len(value):,}", limit=f"{limit:,}"
        )
    text = value.replace("\n", " ") if cell.key == "business.construction_business" else value
    found = first_unsafe(text.replace("\r\n", " "))
    if found is not None:
        return _("holds {char} at character {position}; retype the answer").format(
            char=describe_char(found[1]), position=found[0] + 1
        )
    return None


def import_form(
    archive: ArchiveStore,
    path: str | Path,
    policy: Policy,
    *,
    actor: str,
    as_of: date,
    today: date,
) -> FormImported:
    """Record a returned form as a ``customer_form`` source on its customer.

    The declared values that differ from the archive's are kept on the source for audit;
    the archive's values are not changed. The same form recorded twice is recorded once.

    Raises:
        FormError: the form cannot be read, names an unknown customer, or declares a value the
            customer's document could not hold (each at its cell); nothing is written.
    """
    answers = read_form(path, policy)
    record = archive.get(answers.customer_id)
    if record is None:
        raise FormError(
            [
                _(
                    "{file}:{cell}: no customer {id} in the archive; check the id the form names"
                ).format(file=path, cell=answers.cells[ID_KEY], id=repr(answers.customer_id))
            ]
        )
    doc = find_customer(archive, answers.customer_id)
    allowed = {f.key for f in form_fields(doc, policy)}
    problems = [
        _not_asked(str(path), answers.cells[key], key, doc)
        for key in answers.values
        if key not in allowed
    ]
    if problems:
        raise FormError(problems)
    declared = {k: v for k, v in answers.values.items() if value_at(doc, k) != v}
    _check_declared(doc, declared, answers, str(path), policy)
    if not answers.filled_by:
        # An unsigned form is our own export sent back, not the customer's word.
        raise FormError(
            [
                _(
                    "{file}:{cell}: the form does not say who filled it in; ask the customer "
                    "to write the name (and the date) there"
                ).format(file=path, cell=answers.cells.get(FILLED_BY, FORM_SHEET))
            ]
        )
    source = _source(answers, declared, Path(path).name, today)
    if _recorded_already(doc, source):
        return FormImported(answers.customer_id, declared, len(answers.values) - len(declared))
    sources = [*(doc.get("sources") or []), source]
    event = {"kind": FORM_IMPORTED, "file": Path(path).name, "declared": sorted(declared)}
    save_customer(
        archive,
        {**doc, "sources": sources},
        base_rev=int(record["_meta"]["rev"]),
        actor=actor,
        policy=policy,
        as_of=as_of,
        events=[event],
        today=today,
    )
    same = len(answers.values) - len(declared)
    return FormImported(answers.customer_id, declared, same, len(sources) - 1)


def _source(
    answers: FormAnswers, declared: Mapping[str, Any], file: str, today: date
) -> JSONObject:
    source: JSONObject = {
        "kind": "customer_form",
        "on": answers.filled_on or today.isoformat(),
        "by": answers.filled_by or None,
        "verified": not declared,
        "note": file,
    }
    if declared:
        source[DECLARED] = dict(declared)
    return source


def _recorded_already(doc: Mapping[str, Any], source: Mapping[str, Any]) -> bool:
    return any(
        isinstance(s, Mapping) and {k: s.get(k) for k in source} == dict(source)
        for s in doc.get("sources") or []
    )


def _check_declared(
    doc: Mapping[str, Any],
    declared: Mapping[str, Any],
    answers: FormAnswers,
    file: str,
    policy: Policy,
) -> None:
    """Refuse a declared value the document could not hold, at its cell (a malformed credit
    code, an amount that is not one, a date that is not a date)."""
    trial = apply_values(doc, declared)
    catalogue = field_catalogue()
    problems = []
    for problem in validator_for(policy).problems(trial):
        key = next((k for k in declared if problem.path.startswith(k)), None)
        if key is None:
            continue
        label = catalogue[key].text("zh")
        problems.append(f"{file}:{answers.cells[key]}: {label}: {problem.text(_)}")
    if problems:
        raise FormError(problems)


def apply_values(doc: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``doc`` with each value set at its field key (``profile.total_assets``)."""
    out: dict[str, Any] = dict(doc)
    for key, value in values.items():
        node = out
        steps = key.split(".")
        for step in steps[:-1]:
            child = node.get(step)
            node[step] = dict(child) if isinstance(child, Mapping) else {}
            node = node[step]
        node[steps[-1]] = value
    return out
