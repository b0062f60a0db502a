"""Which language, zh or en, a front end speaks: ``--lang`` when given, else the locale."""

from __future__ import annotations

import os
from collections.abc import Mapping

LANGS = ("zh", "en")


def _language_of(value: str) -> str | None:
    """``zh`` or ``en`` for a locale name such as ``zh_CN.UTF-8``; None for ``C``/``POSIX``."""
    name = value.strip().lower()
    if not name or name in ("c", "posix") or name.startswith(("c.", "posix.")):
        return None
    return "zh" if name.startswith("zh") else "en"


def default_lang(environ: Mapping[str, str] | None = None) -> str:
    """The locale's language, as gettext reads it: ``zh`` for a Chinese locale, else ``en``.

    ``LANGUAGE`` (a colon-separated preference list) comes first, then ``LC_ALL``,
    ``LC_MESSAGES`` and ``LANG``; the first entry that is ``zh`` or ``en`` decides. A ``C`` or
    ``POSIX`` locale is English, and under it ``LANGUAGE`` is ignored, as gettext does.
    """
    env = os.environ if environ is None else environ
    locale_name = next(
        (env[name] for name in ("LC_ALL", "LC_MESSAGES", "LANG") if env.get(name)), ""
    )
    if locale_name and _language_of(locale_name) is None:
        return "en"
    for entry in env.get("LANGUAGE", "").split(":"):
        if entry and entry.lower()[:2] in LANGS:
            return entry.lower()[:2]
    return _language_of(locale_name) or "en"


def resolve_lang(lang: str | None, environ: Mapping[str, str] | None = None) -> str:
    """``lang`` when it is ``zh`` or ``en``, else the locale's default."""
    return lang if lang in LANGS else default_lang(environ)
