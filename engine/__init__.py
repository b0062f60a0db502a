"""Pure grading: documents + policy + as-of date → gradings and explanations (no I/O, no clock)."""

from creditfile.engine.explain import explain
from creditfile.engine.facts import CustomerFacts, compute_facts
from creditfile.engine.grading import (
    archive_tops_for,
    customer_id,
    facts_of,
    grade_archive,
    grade_customer,
    grade_with_tops,
)

__all__ = [
    "CustomerFacts",
    "archive_tops_for",
    "compute_facts",
    "customer_id",
    "explain",
    "facts_of",
    "grade_archive",
    "grade_customer",
    "grade_with_tops",
]
