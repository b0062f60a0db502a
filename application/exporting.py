"""Exporting customers: each document with its latest grading; personal data only if asked."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from creditfile.document.merging import REVISION_KEY
from creditfile.store import JSONObject, customer_document


def exported_documents(
    records: Mapping[str, Mapping[str, Any]], *, include_personal: bool
) -> list[JSONObject]:
    """Documents without store bookkeeping, plus ``grading`` and ``revision`` (the stored
    revision: importing the file later refuses rows someone changed since); ``profile.person``
    only when ``include_personal``."""
    out = []
    for record in records.values():
        doc = customer_document(record)
        profile = doc.get("profile")
        if not include_personal and isinstance(profile, dict) and "person" in profile:
            doc["profile"] = {k: v for k, v in profile.items() if k != "person"}
        doc["grading"] = record.get("_grading")
        meta = record.get("_meta")
        doc[REVISION_KEY] = meta.get("rev") if isinstance(meta, Mapping) else None
        out.append(doc)
    return out
