"""Which language, zh or en, a front end speaks: ``--lang`` when given, else the locale."""

from __future__ import annotations

import os
from collections.abc import Mapping

LANGS = ("zh", "en")


def default_lang(environ: Mapping[str, str] | None = None) -> str:
    """``zh`` when the locale is Chinese (``LC_ALL``, ``LC_MESSAGES``, ``LANG``), else ``en``."""
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def resolve_lang(lang: str | None, environ: Mapping[str, str] | None = None) -> str:
    """``lang`` when it is ``zh`` or ``en``, else the locale's default."""
    return lang if lang in LANGS else default_lang(environ)
