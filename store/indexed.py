"""Records a store hands a write's grading hook that it can answer questions about without
reading every record: the hook asks, and only a change that moves an archive-wide top reads
them all.

A file archive holds every record in memory and hands a plain mapping; a database hands an
``IndexedRecords``, which reads a record when it is named and answers the two questions a save
asks of the whole archive (a stored grading to take the tops from, whoever else holds a credit
code) by one indexed query each. Iterating it reads every record, as the plain mapping holds.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Collection, Mapping
from typing import Any

JSONObject = dict[str, Any]


class IndexedRecords(Mapping[str, JSONObject]):
    """Every record of the archive as a write sees it, by id, in stored order."""

    @abstractmethod
    def first_with_tops(self, skip: Collection[str]) -> Mapping[str, Any] | None:
        """The stored grading holding ``tops`` of the first customer, in stored order, not in
        ``skip``; None when there is none."""

    @abstractmethod
    def credit_code_holder(self, code: str, other_than: str) -> str | None:
        """The id of the first customer, in stored order, other than ``other_than`` whose
        ``credit_code`` is ``code``; None when there is none."""


def first_with_tops(
    records: Mapping[str, Mapping[str, Any]], skip: Collection[str]
) -> Mapping[str, Any] | None:
    """``IndexedRecords.first_with_tops`` of any mapping of records (a scan of a plain one)."""
    if isinstance(records, IndexedRecords):
        return records.first_with_tops(skip)
    for cid, record in records.items():
        grading = record.get("_grading")
        if (
            cid not in skip
            and isinstance(grading, Mapping)
            and isinstance(grading.get("tops"), Mapping)
        ):
            return grading
    return None


def credit_code_holder(
    records: Mapping[str, Mapping[str, Any]], code: str, other_than: str
) -> str | None:
    """``IndexedRecords.credit_code_holder`` of any mapping of records (a scan of a plain one)."""
    if isinstance(records, IndexedRecords):
        return records.credit_code_holder(code, other_than)
    for owner, record in records.items():
        if owner != other_than and record.get("credit_code") == code:
            return owner
    return None
