"""What the customer card asks while a document is being edited: its problems, the archive-wide
tops its live preview is graded against, the preview's breakdown, and why a saved customer needs
attention. The same rules the command line applies, so the card never disagrees with it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from creditfile.engine import archive_tops_for, explain
from creditfile.engine.validation import Problem, validate_customer
from creditfile.policy import Policy
from creditfile.reports.review import review_reasons
from creditfile.store import customer_document

__all__ = [
    "Problem",
    "archive_tops",
    "attention_reasons",
    "draft_breakdown",
    "draft_problems",
]


def draft_problems(doc: Mapping[str, Any], policy: Policy) -> list[Problem]:
    """The problems of a (possibly unsaved) document, exactly as ``creditfile validate`` lists
    them, each with its ``path`` and ``message``."""
    return list(validate_customer(dict(doc), policy))


def archive_tops(
    documents: Iterable[Mapping[str, Any]], policy: Policy, as_of: date
) -> dict[str, Decimal]:
    """The archive-wide top of each relative item, which every customer is scored against."""
    return archive_tops_for(list(documents), policy, as_of)


def draft_breakdown(
    doc: Mapping[str, Any], policy: Policy, as_of: date, tops: Mapping[str, Decimal]
) -> dict[str, Any]:
    """The grading breakdown of a (possibly unsaved) document against the archive's tops."""
    return explain(doc, policy, as_of, tops=tops)


def attention_reasons(
    record: Mapping[str, Any], policy: Policy, as_of: date
) -> Sequence[dict[str, Any]]:
    """Why a saved customer needs attention (the review list's reasons); empty if not."""
    return review_reasons(customer_document(record), record.get("_grading"), policy, as_of)
