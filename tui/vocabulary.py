"""Names the terminal UI gives to its own places (screens, columns, views, tabs), marked for
the catalogue (``presentation/locale``) and translated where they are shown, with ``_()``; the
names of the archive's values are ``presentation.vocabulary``'s, re-exported here.

Policy labels and customer field labels are not here: the policy file and the field catalogue
name those in both languages.
"""

from __future__ import annotations

from creditfile.document import field_catalogue
from creditfile.presentation.translation import N_, _, language
from creditfile.presentation.vocabulary import EVENTS, LIFECYCLES, PRIVILEGES, STAGES, named

# List columns that are not customer fields (those are headed by the field catalogue).
COLUMNS: dict[str, str] = {
    "tier": N_("Tier"),
    "grade": N_("Grade"),
    "total": N_("Total"),
    "lifecycle": N_("Lifecycle"),
    "stage": N_("Stage"),
    "assessed": N_("Assessed"),
    "attention": N_("Attn"),
}

# Where a key works, in the key list.
HELP_PLACES: dict[str, str] = {
    "focus": N_("Forms, dialogs"),
    "app": N_("Everywhere"),
    "list": N_("Customer list"),
    "table": N_("In the list"),
    "card": N_("Customer card"),
    "filters": N_("Filter dialog"),
    "regrade": N_("Regrade preview"),
    "portfolio": N_("Portfolio"),
    "policy": N_("Policy"),
    "screen": N_("Other screens"),
    "help": N_("This list"),
}

# Screen titles.
SCREENS: dict[str, str] = {
    "list": N_("Customers"),
    "portfolio": N_("Portfolio"),
    "policy": N_("Policy"),
    "review": N_("Review"),
    "regrade": N_("Regrade preview"),
    "help": N_("Keys"),
}

# The portfolio screen's views.
PORTFOLIO_VIEWS: dict[str, str] = {
    "grade": N_("grade"),
    "item": N_("leased-item category"),
    "nature": N_("nature"),
    "tier": N_("tier"),
    "trend": N_("trend by year"),
}

# Phases of a regrade being applied.
REGRADE_PHASES: dict[str, str] = {
    "reading": N_("reading"),
    "grading": N_("grading"),
    "writing": N_("writing"),
    "done": N_("done"),
}

# The review screen's columns.
REVIEW_COLUMNS: dict[str, str] = {
    "rank": N_("#"),
    "id": N_("Id"),
    "grade": N_("Grade"),
    "reason": N_("Most urgent"),
    "how_much": N_("By how much"),
}

# Where the policy in force comes from.
POLICY_ORIGINS: dict[str, str] = {
    "option": N_("the --policy option"),
    "environment": N_("$CREDITFILE_POLICY"),
    "archive": N_("the archive's activated policy"),
    "default": N_("the shipped default policy"),
}

# Textual's own palette commands, by their English title: (title, help).
BUILTIN_COMMANDS: dict[str, tuple[str, str]] = {
    "Theme": (N_("Theme"), N_("Change the colours of the interface")),
    "Screenshot": (N_("Screenshot"), N_("Save the screen as an SVG picture")),
    "Maximize": (N_("Maximize"), N_("Maximize the focused widget")),
    "Minimize": (N_("Minimize"), N_("Restore the normal size")),
}

# The card's tabs that show one section of the document are named as the field catalogue names it.
TAB_SECTIONS = {
    "person": "profile.person",
    "characteristics": "characteristics",
    "business": "business",
    "trading": "trading",
    "leases": "leases",
    "assessment": "assessment",
    "sources": "sources",
    "related": "related",
}
OWN_TABS = {"basic": N_("Basic data"), "history": N_("History")}
# Where the whole tab bar does not fit the terminal's width.
OWN_SHORT_TABS = {"basic": N_("Basic"), "history": N_("History")}


def tab_label(tab: str, *, short: bool = False) -> str:
    """The title of one of the card's tabs, in the language in force (``short``: the short
    one the field catalogue gives, for a narrow terminal)."""
    if tab in OWN_TABS:
        return _((OWN_SHORT_TABS if short else OWN_TABS)[tab])
    field = field_catalogue()[TAB_SECTIONS[tab]]
    return (field.short if short else field.label).text(language())


def column_title(column: str) -> str:
    """The list's heading of ``column``: the field catalogue's short label for a customer
    field, else the interface's own name for it."""
    if column in COLUMNS:
        return _(COLUMNS[column])
    return field_catalogue()[column].short.text(language())


__all__ = [
    "BUILTIN_COMMANDS",
    "COLUMNS",
    "EVENTS",
    "HELP_PLACES",
    "LIFECYCLES",
    "OWN_TABS",
    "POLICY_ORIGINS",
    "PORTFOLIO_VIEWS",
    "PRIVILEGES",
    "REGRADE_PHASES",
    "REVIEW_COLUMNS",
    "SCREENS",
    "STAGES",
    "TAB_SECTIONS",
    "column_title",
    "named",
    "tab_label",
]
