"""Names the front ends give to the values of the archive the engine computes (lifecycles,
stages, privileges, history events), marked for the gettext catalogue and translated where they
are shown: ``named(LIFECYCLES, "new")``.

Policy labels (grades, natures, tiers, items) are not here: the policy file names them.
The kinds of review reason are, with ``reason_label`` and ``reason_message`` that word a reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from creditfile.policy.fact_catalogue import FACT_NAMES, LIFECYCLE_NAMES
from creditfile.presentation.translation import N_, _, language, translation

# A customer's lifecycle (the engine's words).
LIFECYCLES: dict[str, str] = LIFECYCLE_NAMES

# A customer's trading stage.
STAGES: dict[str, str] = {
    "current": N_("current"),
    "past": N_("past"),
    "upcoming": N_("upcoming"),
}

# The privilege names of a grade.
PRIVILEGES: dict[str, str] = {
    "price_discount_pct": N_("Price discount (%)"),
    "payment_method": N_("Payment method"),
    "payment_cycle_days": N_("Payment cycle (days)"),
    "deposit_pct": N_("Deposit (%)"),
    "credit_limit": N_("Credit limit (CNY)"),
    "priority_supply": N_("Priority supply"),
    "review_every_days": N_("Review every (days)"),
}

# The documented facts a scoring item may be computed from (bands, relative_to_max).
FACTS: dict[str, str] = FACT_NAMES

# History event kinds.
EVENTS: dict[str, str] = {
    "customer_created": N_("created"),
    "customer_changed": N_("changed"),
    "grade_changed": N_("grade changed"),
    "customer_imported": N_("imported"),
    "customer_deleted": N_("deleted"),
    "personal_data_revealed": N_("personal data revealed"),
    "source_verified": N_("source verified"),
    "customer_merged": N_("merged"),
    "customer_merged_away": N_("merged into another"),
    "quote_issued": N_("quote"),
    "demand_added": N_("demand request"),
    "form_imported": N_("customer form recorded"),
    "form_audited": N_("declared value audited"),
    "assessment_rescaled": N_("entries rescaled"),
    "policy_activated": N_("policy activated"),
}


def named(names: dict[str, str], value: object) -> str:
    """``value``'s name from one of the tables above, translated; the value itself if unnamed."""
    key = str(value)
    return _(names[key]) if key in names else key


# Words for groups no policy names.
WORDS: dict[str, str] = {
    "ungraded": N_("ungraded"),
    "unknown": N_("unknown"),
}

# The kinds of review reason (``reports.review``), most urgent first.
REVIEW_REASONS: dict[str, str] = {
    "over_limit": N_("over credit limit"),
    "ungraded": N_("ungraded"),
    "never_assessed": N_("never assessed"),
    "review_overdue": N_("review overdue"),
    "policy_flag": N_("flagged by a policy rule"),
    "unaudited_form": N_("customer form not audited"),
    "agency_report_stale": N_("agency report out of date"),
    "investigation": N_("agency investigation suggested"),
}


def reason_label(reason: Mapping[str, Any], lang: str | None = None) -> str:
    """The name of a review reason's kind, in ``lang`` (default: the language in force)."""
    code = str(reason.get("code"))
    if code not in REVIEW_REASONS:
        return code
    return translation(lang or language()).gettext(REVIEW_REASONS[code])


def reason_message(reason: Mapping[str, Any], lang: str | None = None) -> str:
    """What a review reason says (``{template, values}``), in ``lang`` (default: in force).

    A value ``x_en`` beside ``x`` is its English (names the policy gives in both languages).
    """
    chosen = lang or language()
    template = str(reason.get("template") or "")
    if not template:
        return ""
    values = dict(reason.get("values") or {})
    if chosen == "en":
        values.update({k[:-3]: v for k, v in values.items() if k.endswith("_en")})
    return translation(chosen).gettext(template).format(**values)
