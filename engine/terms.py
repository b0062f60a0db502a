"""The terms that apply to one customer: its grade's privileges under the policy.

Every view that applies terms (a quote, an allocation) reads them here, so that a policy that
refines terms further (for example by the customer's nature) changes all of them at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from creditfile.policy.model import Policy


def terms_that_apply(policy: Policy, grade: str | None, nature: str | None) -> Mapping[str, Any]:
    """The privileges a customer of ``grade`` and ``nature`` gets under ``policy``.

    Args:
        policy: The policy in force.
        grade: The customer's grade; None (ungraded) gets the below-lowest grade's terms, the
            most restrictive ones, until it is graded.
        nature: The customer's nature (``developer`` …); the grade's terms apply to every
            nature unless the policy says otherwise.

    Returns:
        ``{price_discount_pct, payment_method, payment_cycle_days, deposit_pct, credit_limit,
        priority_supply, …}`` as the policy writes them (empty when the policy has none).
    """
    del nature  # the shipped policy sets terms per grade only
    name = grade if grade is not None else policy.below_lowest.name
    return policy.privileges.get(name, {})
