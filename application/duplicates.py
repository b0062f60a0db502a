"""The same company twice: refused when its credit code is already on file, warned about when
its name matches another customer's, and listed for review (``creditfile duplicates``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from creditfile.application.report_batches import record_batches
from creditfile.document.identity import comparable_name
from creditfile.engine.validation import RecordProblem
from creditfile.policy import CreditfileError
from creditfile.presentation.translation import _
from creditfile.store import ArchiveStore, credit_code_holder

Reason = Literal["credit_code", "name"]


class DuplicateCreditCodeError(CreditfileError):
    """A customer's credit code is already another customer's; nothing was written."""

    def __init__(self, customer_id: str, code: str, existing: str, existing_name: str) -> None:
        self.customer_id = customer_id
        self.code = code
        self.existing = existing
        super().__init__(code_taken(customer_id, code, existing, existing_name))


@dataclass(frozen=True)
class Suspect:
    """Two customers that look like one company.

    Attributes:
        first: The id of the one on file first (the one to keep, unless people know better).
        second: The other's id.
        reason: ``credit_code`` (the same code: certainly one company) or ``name`` (the same
            name once spaces, widths, brackets and 有限责任公司/有限公司 are set aside).
        first_name: The first's name.
        second_name: The second's name.
    """

    first: str
    second: str
    reason: Reason
    first_name: str
    second_name: str

    def as_json(self) -> dict[str, str]:
        """The pair as ``duplicates --json`` prints it."""
        return {
            "keep": self.first,
            "drop": self.second,
            "reason": self.reason,
            "keep_name": self.first_name,
            "drop_name": self.second_name,
        }


@dataclass(frozen=True)
class DuplicateCheck:
    """What an import or a save would duplicate.

    Attributes:
        problems: Records whose credit code is another customer's (the import is refused).
        warnings: Records whose name matches another customer's (written, but said).
    """

    problems: list[RecordProblem]
    warnings: list[str]


def code_taken(customer_id: str, code: str, existing: str, existing_name: str) -> str:
    """The message refusing ``customer_id`` the credit code ``existing`` already has."""
    return _(
        "credit_code {code} is already {existing} ({existing_name}); one company is one "
        "customer: write this one under {existing}, or correct the code"
    ).format(code=repr(code), existing=existing, existing_name=existing_name)


def name_warning(customer_id: str, name: str, existing: str, existing_name: str) -> str:
    """The warning that ``customer_id`` looks like ``existing`` by name."""
    return _name_note().format(
        id=customer_id, name=name, existing=existing, existing_name=existing_name
    )


def _name_note() -> str:
    """The words of ``name_warning``, to be filled in (an import of many customers that share
    names translates them once)."""
    return _(
        "{id} {name} has the name of {existing} {existing_name}; if they are one "
        "company, `creditfile merge {existing} {id}` unites them"
    )


def check_duplicates(
    records: Mapping[str, Mapping[str, Any]], docs: Sequence[Mapping[str, Any]]
) -> DuplicateCheck:
    """The credit codes ``docs`` would duplicate, and the names they would repeat.

    Args:
        records: The customers on file, by id.
        docs: The documents to write (an import's, in order; or the one being saved).
    """
    codes: dict[str, str] = {}
    names: dict[str, str] = {}
    for cid, record in records.items():
        if isinstance(record.get("credit_code"), str):
            codes.setdefault(record["credit_code"], cid)
        if isinstance(record.get("name"), str):
            names.setdefault(comparable_name(record["name"]), cid)
    ids = [str(doc.get("id")) for doc in docs]
    incoming = set(ids)
    # The first document of each id (a dict built backwards keeps the first); which code each
    # id carries is built only when a code's earlier owner is itself in the import.
    first_doc = dict(zip(reversed(ids), reversed(docs), strict=True))
    carries: set[tuple[str, object]] | None = None
    # An import of many customers repeats names: each is reduced once.
    reduced: dict[str, str] = {}
    note = _name_note()
    problems: list[RecordProblem] = []
    warnings: list[str] = []
    for index, (cid, doc) in enumerate(zip(ids, docs, strict=True)):
        code = doc.get("credit_code")
        if isinstance(code, str) and code:
            owner = codes.setdefault(code, cid)
            # The owner is on file and keeps its code in this import, or came earlier in it.
            if owner != cid and owner in incoming and carries is None:
                carries = {(i, d.get("credit_code")) for i, d in zip(ids, docs, strict=True)}
            if owner != cid and (owner not in incoming or (owner, code) in (carries or ())):
                owner_name = _name_of(records, first_doc, owner)
                message = code_taken(cid, code, owner, owner_name)
                problems.append(RecordProblem("credit_code", message, index=index, customer_id=cid))
        name = doc.get("name")
        if isinstance(name, str) and name:
            key = reduced.get(name)
            if key is None:
                key = reduced[name] = comparable_name(name)
            other = names.setdefault(key, cid)
            if other != cid:
                existing_name = _name_of(records, first_doc, other)
                warnings.append(
                    note.format(id=cid, name=name, existing=other, existing_name=existing_name)
                )
    return DuplicateCheck(problems, warnings)


def codes_taken(
    records: Mapping[str, Mapping[str, Any]], docs: Sequence[Mapping[str, Any]]
) -> list[str]:
    """The credit codes ``docs`` would give a second customer, as messages naming the owner.

    Only codes: cheap enough to run inside a write, under the store's lock, on the records as
    stored then, so two writers giving one code to two customers at once cannot both pass.

    Args:
        records: The customers on file, by id, as before the write.
        docs: The documents the write stores.
    """
    writing = {str(doc.get("id")): doc for doc in docs}
    owners: dict[str, str] = {}
    for cid, record in records.items():
        code = writing[cid].get("credit_code") if cid in writing else record.get("credit_code")
        if isinstance(code, str) and code:
            owners.setdefault(code, cid)
    out = []
    for cid, doc in writing.items():
        code = doc.get("credit_code")
        if not (isinstance(code, str) and code):
            continue
        owner = owners.setdefault(code, cid)
        if owner != cid:
            name = str((writing.get(owner) or records[owner]).get("name", ""))
            out.append(code_taken(cid, code, owner, name))
    return out


def refuse_duplicate_code(records: Mapping[str, Mapping[str, Any]], doc: Mapping[str, Any]) -> None:
    """Refuse one customer about to be saved whose credit code another customer has.

    A save calls it inside its write, under the store's lock (``GradeAfter``), on the records
    as stored then.

    Args:
        records: The customers on file, by id (the one being saved may be among them).
        doc: The customer about to be saved.

    Raises:
        DuplicateCreditCodeError: another customer has its credit code.
    """
    code = doc.get("credit_code")
    if not (isinstance(code, str) and code):
        return
    cid = str(doc.get("id"))
    owner = credit_code_holder(records, code, cid)
    if owner is not None:
        raise DuplicateCreditCodeError(cid, code, owner, str(records[owner].get("name", "")))


def suspected_in(store: ArchiveStore) -> list[Suspect]:
    """``suspected_pairs`` of every customer of ``store``, read a batch at a time: of each,
    only what the pairs compare is kept (a database's records are never all in memory)."""
    compared = ("id", "name", "credit_code")
    return suspected_pairs(
        {key: record[key] for key in compared if key in record}
        for batch in record_batches(store)
        for record in batch
    )


def suspected_pairs(documents: Iterable[Mapping[str, Any]]) -> list[Suspect]:
    """Every pair of customers that look like one company, same credit code first.

    A group of three with one name gives two pairs: each later one with the first on file.
    """
    by_code: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    by_name: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for doc in documents:
        if isinstance(doc.get("credit_code"), str) and doc["credit_code"]:
            by_code[doc["credit_code"]].append(doc)
        if isinstance(doc.get("name"), str):
            by_name[comparable_name(doc["name"])].append(doc)
    pairs = _pairs(by_code.values(), "credit_code")
    seen = {(p.first, p.second) for p in pairs}
    pairs += [p for p in _pairs(by_name.values(), "name") if (p.first, p.second) not in seen]
    return pairs


def _pairs(groups: Iterable[list[Mapping[str, Any]]], reason: Reason) -> list[Suspect]:
    out = []
    for group in groups:
        first, *rest = group
        out += [
            Suspect(str(first["id"]), str(d["id"]), reason, str(first["name"]), str(d["name"]))
            for d in rest
        ]
    return out


def _name_of(
    records: Mapping[str, Mapping[str, Any]], first_doc: Mapping[str, Mapping[str, Any]], cid: str
) -> str:
    doc = first_doc.get(cid)
    if doc is not None:
        return str(doc.get("name", ""))
    return str(records.get(cid, {}).get("name", ""))
