"""Exporting customers: each document with its latest grading; personal data only if asked."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from creditfile.document.merging import REVISION_KEY
from creditfile.document.personal import DEFAULT_PERSONAL_NATURES, without_personal
from creditfile.store import JSONObject, customer_document


def exported_documents(
    records: Mapping[str, Mapping[str, Any]],
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
    for record in records.values():
        doc = customer_document(record)
        if not include_personal:
            doc = dict(without_personal(doc, personal_natures))
        doc["grading"] = record.get("_grading")
        meta = record.get("_meta")
        doc[REVISION_KEY] = meta.get("rev") if isinstance(meta, Mapping) else None
        out.append(doc)
    return out
