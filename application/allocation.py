"""Priority supply: demand requests entered or imported, kept in the archive, and the
allocation plan when an item is short (``reports.allocation`` ranks and shares, purely).

A demand request is ``{customer_id, item, quantity, wanted_on, requested_on, note}``; the
store adds its id (``R000001`` …), who added it and when, and records each in the customer's
history (``demand_added``). An import of a CSV or XLSX file checks every row first and keeps
all of them or none.
"""

from __future__ import annotations

import csv
import difflib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from creditfile.application.outputs import write_output
from creditfile.document import field_catalogue
from creditfile.document.characters import has_lone_surrogate
from creditfile.document.limits import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_XLSX_BYTES,
    file_said,
)
from creditfile.document.values import parse_date
from creditfile.engine.quotes import outstanding_of
from creditfile.policy import CreditfileError, Policy
from creditfile.policy.errors import Phrase, os_said
from creditfile.presentation.tables import Column, ColumnFormat, Table
from creditfile.presentation.translation import _, language, pgettext, translation
from creditfile.reports.allocation import Standing, allocation_plan
from creditfile.spreadsheets.reading import unpacked_said
from creditfile.store import ArchiveStore, DemandStore, JSONObject, customer_document

MAX_QUANTITY = 1_000_000
MAX_NOTE = 500
MAX_ROWS = 100_000


def _label(key: str) -> str:
    """A customer field's Chinese label, from the one field catalogue."""
    return field_catalogue()[key].label.zh


def _english(key: str) -> str:
    """A customer field's English label, from the one field catalogue."""
    return field_catalogue()[key].label.en


# Column headers a demand sheet may use, Chinese or English, for each field: first the Chinese
# header, then the key, then other names (the English ones messages in English give).
HEADERS = {
    "customer_id": (_label("id"), "customer_id", "customer", "id", _english("id")),
    "item": (_label("leases[].item"), "item", "租赁物类别", _english("leases[].item")),
    "quantity": ("数量", "quantity", "需求数量"),
    "wanted_on": ("需求日期", "wanted_on", "wanted"),
    "requested_on": ("申请日期", "requested_on", "requested"),
    "note": (_label("sources[].note"), "note", _english("sources[].note")),
}
REQUIRED = ("customer_id", "item", "quantity", "wanted_on")


class DemandError(CreditfileError):
    """Demand requests that cannot be kept; every problem is listed, nothing was written."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class DemandInput:
    """One request as typed or read, before it is checked (values are text)."""

    customer_id: str
    item: str
    quantity: str
    wanted_on: str
    requested_on: str = ""
    note: str = ""
    where: str = ""


def check_demand(
    entry: DemandInput, policy: Policy, customers: Mapping[str, Any], today: date
) -> tuple[JSONObject | None, list[str]]:
    """The request to keep, or the problems that refuse it (each naming where and what).

    Args:
        entry: The request as typed.
        policy: Names the leased-item categories (key or label).
        customers: The archive's records by id.
        today: The request date when none is given.
    """
    at = f"{entry.where}: " if entry.where else ""
    problems = []
    cid = entry.customer_id.strip()
    if cid not in customers:
        close = difflib.get_close_matches(cid, list(customers), n=1)
        hint = _("; did you mean {id}?").format(id=close[0]) if close else ""
        problems.append(
            at + _("customer {id} is not in the archive{hint}").format(id=repr(cid), hint=hint)
        )
    item = _item(entry.item.strip(), policy)
    if item is None:
        problems.append(at + _unknown_item(repr(entry.item), policy))
    quantity = entry.quantity.strip()
    if not (quantity.isascii() and quantity.isdigit() and 1 <= int(quantity) <= MAX_QUANTITY):
        problems.append(
            at
            + _("quantity {value}: give a whole number from 1 to {most}").format(
                value=repr(entry.quantity), most=f"{MAX_QUANTITY:,}"
            )
        )
    wanted = parse_date(entry.wanted_on.strip())
    if wanted is None:
        problems.append(
            at
            + _("wanted date {value}: write it as YYYY-MM-DD").format(value=repr(entry.wanted_on))
        )
    requested = parse_date(entry.requested_on.strip()) if entry.requested_on.strip() else None
    if entry.requested_on.strip() and requested is None:
        problems.append(
            at
            + _("request date {value}: write it as YYYY-MM-DD").format(
                value=repr(entry.requested_on)
            )
        )
    if len(entry.note) > MAX_NOTE:
        problems.append(at + _("note: at most {most} characters").format(most=MAX_NOTE))
    elif has_lone_surrogate(entry.note):
        problems.append(
            at + _("note: holds a lone surrogate, not a character: the text was damaged")
        )
    if problems or item is None or wanted is None:
        return None, problems
    demand: JSONObject = {
        "customer_id": cid,
        "item": item,
        "quantity": int(quantity),
        "wanted_on": wanted,
        "requested_on": requested or today.isoformat(),
    }
    if entry.note.strip():
        demand["note"] = entry.note.strip()
    return demand, []


def _unknown_item(given: str, policy: Policy, *, option: bool = False) -> str:
    """An item the policy does not name (given as ``--item`` when ``option``), and the ones
    it does."""
    if option:
        template = _("--item {item} is not a leased-item category of the policy; one of: {known}")
    else:
        template = _("item {item} is not a leased-item category of the policy; one of: {known}")
    shown = policy.in_language(language()).item_categories
    known = ", ".join(f"{k} ({v})" for k, v in shown.items())
    return template.format(item=given, known=known)


def _item(text: str, policy: Policy) -> str | None:
    categories = policy.item_categories
    if text in categories or (not categories and text):
        return text
    by_label = {label: key for key, label in categories.items()}
    by_english = {label: key for key, label in policy.item_categories_en.items() if label}
    return by_label.get(text) or by_english.get(text)


def add_demands(
    archive: ArchiveStore,
    entries: Sequence[DemandInput],
    policy: Policy,
    *,
    actor: str,
    today: date,
) -> list[JSONObject]:
    """Check every request, then keep them all in one write (or none).

    Raises:
        DemandError: every problem, each naming its row or field; nothing was written.
    """
    customers = archive.records()
    kept, problems = [], []
    for entry in entries:
        demand, found = check_demand(entry, policy, customers, today)
        problems.extend(found)
        if demand is not None:
            kept.append(demand)
    if problems:
        raise DemandError(problems)
    return demand_store(archive).add_demands(kept, actor=actor)


def demand_store(archive: ArchiveStore) -> DemandStore:
    """The archive as a store of demand requests.

    Raises:
        DemandError: this kind of store does not keep demand requests.
    """
    if not isinstance(archive, DemandStore):
        raise DemandError(
            [
                _(
                    "{archive}: this archive's store does not keep demand requests; keep them "
                    "in an archive file (--db FILE)"
                ).format(archive=archive.location)
            ]
        )
    return archive


def kept_demands(archive: ArchiveStore) -> list[JSONObject]:
    """Every demand request kept, oldest first; none for a store that keeps none."""
    return archive.demands() if isinstance(archive, DemandStore) else []


DEMAND_EVENT = "demand_added"
"""The history event of a demand request kept."""


def demand_summary(event: Mapping[str, Any], lang: str, policy: Policy | None = None) -> str:
    """A kept demand request in one line of ``lang``, as the history shows it:
    ``需求 R000001 · 塔式起重机 ×2 · 需求日期 2026-12-20 · 申请日期 2026-11-20``."""
    said = translation(lang)
    item = str(event.get("item", ""))
    label = policy.item_label(item) if policy is not None else item
    parts = [
        said.pgettext("history summary", "demand {id}").format(id=event.get("demand_id", "")),
        f"{label} ×{event.get('quantity')}",
        said.pgettext("history summary", "wanted {date}").format(date=event.get("wanted_on", "")),
        said.pgettext("history summary", "requested {date}").format(
            date=event.get("requested_on", "")
        ),
    ]
    if event.get("note"):
        parts.append(str(event["note"]))
    return " · ".join(parts)


def read_demand_file(path: str | Path) -> list[DemandInput]:
    """The rows of a demand sheet (CSV, UTF-8 with or without BOM, or the first sheet of an
    XLSX workbook), located as ``FILE:ROW``; headers in Chinese or English (``HEADERS``).

    Raises:
        DemandError: the file cannot be read, or a required column is missing.
    """
    file = Path(path)
    workbook = file.suffix.lower() == ".xlsx"
    problem = file_said(file, MAX_XLSX_BYTES if workbook else MAX_FILE_BYTES)
    if problem is None and workbook:
        problem = unpacked_said(str(file))
    if problem is not None:
        raise DemandError([f"{file}: {problem.text(_)}"])
    try:
        rows = _bounded(file, _xlsx_rows(file) if workbook else _csv_rows(file))
    except DemandError:
        raise
    except UnicodeDecodeError as exc:
        said = _("not UTF-8 text (byte {byte}); save the file as UTF-8").format(byte=exc.start)
        raise DemandError([f"{file}: {said}"]) from None
    except (OSError, csv.Error, ValueError) as exc:
        error = os_said(exc).text(_) if isinstance(exc, OSError) else str(exc)
        raise DemandError(
            [_("{file}: cannot be read as a demand sheet ({error})").format(file=file, error=error)]
        ) from None
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign workbook
        message = _("not a readable .xlsx workbook ({error}); save it as .xlsx").format(
            error=type(exc).__name__
        )
        raise DemandError([f"{file}: {message}"]) from None
    if not rows:
        raise DemandError([_("{file}: empty; the first row names the columns").format(file=file)])
    formulas = _formula_problems(file, rows)
    if formulas:
        raise DemandError(formulas)
    columns = _columns(file, rows[0])
    entries = []
    for number, row in enumerate(rows[1:], start=2):
        values = {key: _text(row[i]) if i < len(row) else "" for key, i in columns.items()}
        if not any(values.values()):
            continue
        entries.append(DemandInput(**values, where=f"{file.name}:{number}"))
    return entries


def _columns(file: Path, header: Sequence[Any]) -> dict[str, int]:
    names = {alias.lower(): key for key, aliases in HEADERS.items() for alias in aliases}
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = names.get(_text(cell).strip().lower())
        if key is not None and key not in columns:
            columns[key] = index
    named = demand_columns()
    missing = [named[key] for key in REQUIRED if key not in columns]
    if missing:
        raise DemandError(
            [
                _("{file}: no column {missing}; the first row names the columns: {known}").format(
                    file=file,
                    missing=", ".join(missing),
                    known=", ".join(f"{name} ({key})" for key, name in named.items()),
                )
            ]
        )
    return columns


def demand_columns() -> dict[str, str]:
    """Each column of a demand sheet as the language in force names it, by its key: the
    Chinese headers, or the English labels of the field catalogue and the plan (each of which
    a sheet may use)."""
    if language() == "zh":
        return {key: names[0] for key, names in HEADERS.items()}
    plan = allocation_headers()
    return {
        "customer_id": _english("id"),
        "item": _english("leases[].item"),
        "quantity": plan["quantity"],
        "wanted_on": plan["wanted_on"],
        "requested_on": plan["requested_on"],
        "note": _english("sources[].note"),
    }


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _bounded(file: Path, rows: Iterator[Sequence[Any]]) -> list[list[Any]]:
    """The rows read until a limit is passed: ``MAX_ROWS`` rows, ``MAX_COLUMNS`` columns, a
    cell of ``MAX_CELL_CHARS`` characters (a demand sheet has six short columns)."""
    kept: list[list[Any]] = []
    for number, row in enumerate(rows, start=1):
        if number > MAX_ROWS + 1:
            raise DemandError(
                [
                    _("{file}: more than {most} rows; split the file").format(
                        file=file, most=f"{MAX_ROWS:,}"
                    )
                ]
            )
        cells = list(row)
        while cells and cells[-1] in (None, ""):
            cells.pop()  # the empty cells a spreadsheet keeps after the last value
        if len(cells) > MAX_COLUMNS:
            raise DemandError(
                [
                    _("{file}:{row}: {count} columns; a sheet may use at most {most}").format(
                        file=file, row=number, count=f"{len(cells):,}", most=f"{MAX_COLUMNS:,}"
                    )
                ]
            )
        long = next((c for c in cells if isinstance(c, str) and len(c) > MAX_CELL_CHARS), None)
        if long is not None:
            raise DemandError(
                [
                    _(
                        "{file}:{row}: a cell of {count} characters; a cell may hold at most {most}"
                    ).format(
                        file=file, row=number, count=f"{len(long):,}", most=f"{MAX_CELL_CHARS:,}"
                    )
                ]
            )
        kept.append(cells)
    return kept


def _csv_rows(file: Path) -> Iterator[list[str]]:
    csv.field_size_limit(MAX_CELL_CHARS)
    with file.open(encoding="utf-8-sig", newline="") as stream:
        yield from csv.reader(stream, strict=True)


@dataclass(frozen=True)
class Formula:
    """A workbook cell holding a formula, where a value is wanted.

    Attributes:
        place: ``需求!E2``: the sheet and the cell.
        text: The formula as written (``=A2&"急"``).
    """

    place: str
    text: str


def _xlsx_rows(file: Path) -> Iterator[Sequence[Any]]:
    from openpyxl import load_workbook

    # Formulas read as written, not as the value a spreadsheet last computed (a workbook
    # written by a program has none, and the value would be lost without a word).
    book = load_workbook(file, read_only=True, data_only=False)
    try:
        sheet = book.worksheets[0]
        # The stored dimension (A1:XFD1048576) is a claim: read only the cells that exist.
        sheet.reset_dimensions()
        for row in sheet.iter_rows():
            yield [
                Formula(f"{sheet.title}!{cell.coordinate}", str(cell.value))
                if getattr(cell, "data_type", None) == "f"
                else cell.value
                for cell in row
            ]
    finally:
        book.close()


def _formula_problems(file: Path, rows: Sequence[Sequence[Any]]) -> list[str]:
    """Each formula of a demand sheet, at its cell: a request is kept as typed values."""
    return [
        _("{file}:{cell}: a formula ({start}…) is not a value; write the value itself").format(
            file=file, cell=value.place, start=value.text[:12]
        )
        for row in rows
        for value in row
        if isinstance(value, Formula)
    ]


def standings(archive: ArchiveStore) -> dict[str, Standing]:
    """Every customer's standing for allocation: name, nature, stored grade, tier, total,
    what it owes now."""
    found = {}
    for cid, record in archive.records().items():
        grading = record.get("_grading") or {}
        doc = customer_document(record)
        nature = doc.get("nature")
        found[cid] = Standing(
            name=str(doc.get("name") or ""),
            nature=nature if isinstance(nature, str) else None,
            grade=grading.get("grade"),
            tier=grading.get("tier"),
            total=grading.get("total"),
            outstanding=outstanding_of(doc),
        )
    return found


def allocate(archive: ArchiveStore, policy: Policy, item: str, available: int) -> dict[str, Any]:
    """The allocation plan of ``available`` units of ``item`` over the demand kept.

    Raises:
        DemandError: an unknown item or a negative quantity.
    """
    key = _item(item.strip(), policy)
    if key is None:
        raise DemandError([_unknown_item(repr(item), policy, option=True)])
    if not 0 <= available <= MAX_QUANTITY * 1000:
        raise DemandError(
            [
                _("--available {value}: give the units there are, from 0 to {most}").format(
                    value=available, most=f"{MAX_QUANTITY * 1000:,}"
                )
            ]
        )
    return allocation_plan(
        kept_demands(archive), standings(archive), policy, item=key, available=available
    )


def held_words(held: Mapping[str, Any], policy: Policy) -> str:
    """Why a request is held back, in the language in force, a grade named as ``policy``
    (given in that language) names it."""
    said = held.get("said")
    if not isinstance(said, Phrase):
        return str(held.get("reason") or "")
    if "label" in said.values:
        grade = str(said.values.get("grade"))
        labels = {g.name: g.label for g in policy.all_grades}
        said = Phrase(said.template, {**said.values, "label": labels.get(grade, grade)})
    return said.text(_)


def allocation_headers() -> dict[str, str]:
    """The plan's column headers in the language in force, by the key of the row."""
    fields = field_catalogue()
    return {
        "rank": pgettext("allocation", "Rank"),
        "demand_id": pgettext("allocation", "Demand"),
        "customer_id": fields["id"].text(language()),
        "name": fields["name"].text(language()),
        "grade": pgettext("allocation", "Grade"),
        "tier": pgettext("allocation", "Tier"),
        "requested_on": pgettext("allocation", "Requested"),
        "wanted_on": pgettext("allocation", "Wanted"),
        "quantity": pgettext("allocation", "Quantity"),
        "allocated": pgettext("allocation", "Allocated"),
        "short": pgettext("allocation", "Short"),
        "reason": pgettext("allocation", "Reason"),
    }


def allocation_tables(plan: Mapping[str, Any], policy: Policy) -> list[Table]:
    """The plan as two tables (the plan, the requests held back) for sheets, headed in the
    language in force; grades and tiers named by ``policy`` (give it in that language)."""
    grade_labels = {grade.name: grade.label for grade in policy.all_grades}
    tier_labels = {tier.key: tier.label for tier in policy.tiers}
    rows = [
        {**row, "grade": f"{row['grade']} {grade_labels.get(row['grade'], '')}".strip(),
         "tier": tier_labels.get(row["tier"], row["tier"])}
        for row in plan["rows"]
    ]  # fmt: skip
    held = [
        {key: value for key, value in row.items() if key != "said"}
        | {"reason": held_words(row, policy)}
        for row in plan["held"]
    ]
    item = policy.item_label(plan["item"])
    head = allocation_headers()
    kinds: dict[str, ColumnFormat] = {
        "rank": "int",
        "demand_id": "id",
        "customer_id": "id",
        "requested_on": "date",
        "wanted_on": "date",
        "quantity": "int",
        "allocated": "int",
        "short": "int",
    }

    def columns(*keys: str) -> tuple[Column, ...]:
        return tuple(Column(key, head[key], kinds.get(key, "text")) for key in keys)

    plan_sheet = pgettext("allocation", "Allocation plan")
    held_sheet = pgettext("allocation", "Held back")
    return [
        Table(
            plan_sheet,
            _("{item}: allocation plan ({available} available)").format(
                item=item, available=plan["available"]
            ),
            columns(
                "rank",
                "demand_id",
                "customer_id",
                "name",
                "grade",
                "tier",
                "requested_on",
                "wanted_on",
                "quantity",
                "allocated",
                "short",
            ),
            rows,
        ),
        Table(
            held_sheet,
            _("{item}: held back").format(item=item),
            columns("demand_id", "customer_id", "name", "grade", "quantity", "reason"),
            held,
        ),
    ]


def write_allocation_xlsx(
    target: str | Path, plan: Mapping[str, Any], policy: Policy, *, archive: Path | None
) -> Path:
    """Write the plan as a workbook (inert cells, 0600), never over the archive.

    Raises:
        OutputError: the target was refused or could not be written.
    """
    from creditfile.spreadsheets.writing import write_tables_xlsx

    tables = allocation_tables(plan, policy)
    out = write_output(
        target,
        lambda path: write_tables_xlsx(path, tables),
        archive=archive,
        private=True,
        option="--xlsx",
    )
    return out.real
