"""Pure grading: documents + policy + as-of date → gradings and explanations (no I/O, no clock)."""

from creditfile.engine.explain import explain
from creditfile.engine.facts import CustomerFacts, compute_facts
from creditfile.engine.grading import archive_tops_for, customer_id, grade_archive, grade_customer

__all__ = [
    "CustomerFacts",
    "archive_tops_for",
    "compute_facts",
    "customer_id",
    "explain",
    "grade_archive",
    "grade_customer",
]
