"""The form a customer fills in (客户资料表), written prefilled with what the archive holds.

Which fields a form asks for is the field catalogue's ``x-declarable``: name, registration
facts, contacts, declared capital and assets, projects; never a score, a grade, a note, a source
or our own assessment. An individual's phone, address and e-mail (personal data,
``x-personal-nature``) are never put on a form, nor what only a company has (``x-company-only``:
the unified social credit code, the founding date, the registered capital).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from creditfile.application.lookup import find_customer
from creditfile.application.outputs import check_output, write_output
from creditfile.document import CustomerField, field_catalogue
from creditfile.document.paths import value_at
from creditfile.document.personal import is_person
from creditfile.policy import Policy
from creditfile.spreadsheets.customer_form import build_form
from creditfile.store import ArchiveStore


@dataclass(frozen=True)
class FormWritten:
    """A form written: where, for whom, and how many fields it asks for."""

    out: Path
    customer_id: str
    fields: int


def form_fields(doc: Mapping[str, Any] | None, policy: Policy) -> tuple[CustomerField, ...]:
    """The fields a form asks for: the declarable ones; an individual's leaves out its personal
    data and what only a company has (a credit code, a founding date, a registered capital)."""
    if not is_person(doc, policy.personal_natures):
        return field_catalogue().declarable()
    return tuple(
        f for f in field_catalogue().declarable() if not (f.personal_by_nature or f.company_only)
    )


def cell_kind(fld: CustomerField) -> str:
    """How a field's answer cell is formatted: ``amount``, ``date`` or ``text``."""
    return fld.format if fld.format in ("amount", "date") else "text"


def write_form(
    archive: ArchiveStore | None,
    customer_id: str | None,
    out: str | Path,
    policy: Policy,
    *,
    db_path: Path | None,
    nature: str | None = None,
) -> FormWritten:
    """Write the customer's form, prefilled with what the archive holds (blank: no customer).

    Args:
        archive: The archive (None for a blank form).
        customer_id: The customer; None for a blank form.
        out: The ``.xlsx`` file to write (never the archive or a file beside it).
        policy: Says which natures are individuals.
        db_path: The archive's file, refused as ``out``.
        nature: A blank form's customer nature (an individual's asks for less); None: every
            declarable field.

    Raises:
        OutputError: ``out`` refused, or the write failed.
        CustomerNotFoundError: no such customer.
    """
    check_output(out, archive=db_path)
    doc: Mapping[str, Any] = {}
    if archive is not None and customer_id is not None:
        doc = find_customer(archive, customer_id)
    fields = form_fields(doc or ({"nature": nature} if nature else None), policy)
    values = {f.key: value_at(doc, f.key) for f in fields}
    kinds = {f.key: cell_kind(f) for f in fields}
    book = build_form(fields, values, str(doc.get("id") or ""), kinds)
    # A prefilled form names the customer and its contacts: readable by its owner only.
    written = write_output(out, book.save, archive=db_path, private=bool(doc))
    return FormWritten(written.given, str(doc.get("id") or ""), len(fields))
