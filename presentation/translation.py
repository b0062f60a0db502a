"""The interface text of both front ends, through the standard gettext machinery.

Source strings are English; ``locale/<locale>/LC_MESSAGES/creditfile.po`` holds the
translations of the one domain ``creditfile`` (zh_CN and en) and the ``.mo`` file beside it is
what is read at run time (``scripts/catalogues.py`` extracts, updates and compiles them with
Babel). One language is in force at a time: the command line sets it once from ``--lang`` or
the locale, the terminal UI whenever the user switches.

Policy labels (grades, natures, tiers, items, privileges) and customer field labels are not
here: they come from the policy file and the field catalogue, in both languages already.
"""

from __future__ import annotations

import gettext as _gettext
from functools import cache
from pathlib import Path

from creditfile.policy.errors import CreditfileError
from creditfile.presentation.language import LANGS, resolve_lang

DOMAIN = "creditfile"
LOCALE_DIR = Path(__file__).with_name("locale")
LOCALES = {"zh": "zh_CN", "en": "en"}

__all__ = [
    "DOMAIN",
    "LOCALES",
    "LOCALE_DIR",
    "N_",
    "_",
    "error_text",
    "language",
    "ngettext",
    "npgettext",
    "pgettext",
    "set_language",
    "translation",
]


@cache
def translation(lang: str) -> _gettext.NullTranslations:
    """The compiled catalogue of ``lang`` (``zh`` or ``en``).

    Raises:
        FileNotFoundError: the installed package has no compiled catalogue for it (a broken
            install: reinstall creditfile).
    """
    if lang not in LANGS:
        raise ValueError(f"language {lang!r}: expected one of {', '.join(LANGS)}")
    return _gettext.translation(DOMAIN, LOCALE_DIR, languages=[LOCALES[lang]])


_state: dict[str, str] = {"lang": "en"}


def set_language(lang: str | None) -> str:
    """Make ``lang`` (``zh``, ``en``, or None for the locale's) the language in force.

    Returns:
        The language now in force.
    """
    chosen = resolve_lang(lang)
    translation(chosen)  # a missing catalogue shows here, not in the middle of a screen
    _state["lang"] = chosen
    return chosen


def language() -> str:
    """The language in force: ``zh`` or ``en``."""
    return _state["lang"]


def _(message: str) -> str:
    """``message`` (English source text) in the language in force."""
    return translation(_state["lang"]).gettext(message)


def pgettext(context: str, message: str) -> str:
    """Like ``_`` for a message whose English is shared by texts translated differently."""
    return translation(_state["lang"]).pgettext(context, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form of a message for ``n``, in the language in force."""
    return translation(_state["lang"]).ngettext(singular, plural, n)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    """``ngettext`` with a context, as ``pgettext``."""
    return translation(_state["lang"]).npgettext(context, singular, plural, n)


def error_text(error: BaseException) -> str:
    """An error's message in the language in force.

    Errors of the lower layers carry their message as a ``Phrase`` (``CreditfileError.said``),
    worded here; any other error is shown as its own text.
    """
    return error.text(_) if isinstance(error, CreditfileError) else str(error)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it yet (tables of labels)."""
    return message
