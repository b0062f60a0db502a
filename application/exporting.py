"""Exporting customers: each document with its latest grading; personal data only if asked."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from typing import Any

from creditfile.application.report_batches import record_batches
from creditfile.document.merging import REVISION_KEY
from creditfile.document.personal import DEFAULT_PERSONAL_NATURES, without_personal
from creditfile.store import ArchiveStore, JSONObject, RevealingStore, customer_document


def exported_documents(
    records: Iterable[Mapping[str, Any]],
    *,
    include_personal: bool,
    personal_natures: Collection[str] = DEFAULT_PERSONAL_NATURES,
) -> list[JSONObject]:
    """Documents without store bookkeeping, plus ``grading`` and ``revision`` (the stored
    revision: importing the file later refuses rows someone changed since).

    Personal data (``profile.person``; for a customer of one of ``personal_natures`` also its
    phone and address) only when ``include_personal``; without it the ID number is masked
    (``4201**********1234``), and importing the file keeps the stored one.
    """
    out = []
    for record in records:
        doc = customer_document(record)
        if not include_personal:
            doc = dict(without_personal(doc, personal_natures))
        doc["grading"] = record.get("_grading")
        meta = record.get("_meta")
        doc[REVISION_KEY] = meta.get("rev") if isinstance(meta, Mapping) else None
        out.append(doc)
    return out


class Exported:
    """Every customer exported without personal data, as ``exported_documents`` gives them,
    read a batch at a time where the store reads so (a database): a writer that writes each
    as it comes never holds the archive. ``count`` is how many were handed out."""

    def __init__(self, archive: ArchiveStore, personal_natures: Collection[str]) -> None:
        self._archive, self._natures, self.count = archive, personal_natures, 0

    def __iter__(self) -> Iterator[JSONObject]:
        for batch in record_batches(self._archive, _BATCH):
            docs = exported_documents(batch, include_personal=False, personal_natures=self._natures)
            self.count += len(docs)
            yield from docs


_BATCH = 2_000


def revealed_records(
    archive: ArchiveStore, actor: str, *, kind: str, detail: Mapping[str, Any]
) -> Mapping[str, JSONObject]:
    """Every record with its personal data, the reveal recorded in the history as ``kind``
    with ``detail``: by the server in the same transaction as the read when the store reveals
    (PostgreSQL), else by the program before anything is written out.

    Raises:
        StoreError: the store refused the reveal (the user may not reveal personal data).
    """
    if isinstance(archive, RevealingStore):
        return archive.reveal(None, actor=actor, kind=kind, detail=detail)
    archive.record_event(None, kind, actor, detail)
    return archive.records()
