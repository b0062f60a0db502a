"""The message catalogues of the one gettext domain ``creditfile``, kept with Babel.

    python scripts/catalogues.py            # extract, update every .po, compile every .mo
    python scripts/catalogues.py --check    # exit 1 when anything is missing, fuzzy or stale

Source strings are English, marked in the code with ``_``, ``N_``, ``pgettext``, ``ngettext``
and ``npgettext`` (``creditfile.presentation.translation``), and in the HTML report's Jinja2
templates (``htmlreport/templates/*.j2``) with the same functions. The catalogue template goes to
``presentation/locale/creditfile.pot``; each locale's ``.po`` is updated from it (new messages
appear untranslated, vanished ones are dropped) and compiled to the ``.mo`` read at run time.
A translator edits only the ``.po`` files, then runs this script.
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "presentation" / "locale"
DOMAIN = "creditfile"
LOCALES = ("zh_CN", "en")
FIXED_DATE = datetime(2026, 1, 1, tzinfo=UTC)
# The folders whose code shows text to people: the front ends (the HTML report's too), and the
# application, the store, the file formats and spreadsheets, the reports, the engine's
# validation, the document's checks and the policy's own words, whose messages (``_`` above the
# presentation floor, ``phrase`` and ``N_`` below it) reach people through them.
SOURCES = (
    "presentation",
    "cli",
    "tui",
    "application",
    "store",
    "formats",
    "spreadsheets",
    "reports",
    "htmlreport",
    "engine",
    "document",
    "policy",
)
KEYWORDS = {**DEFAULT_KEYWORDS, "phrase": None}
# Python modules, and the report's templates read by Jinja2's own extractor.
METHODS = [("**.py", "python"), ("**.j2", "jinja2.ext:babel_extract")]


def extract() -> Catalog:
    """Every marked message of the front ends, with where it is used."""
    template = Catalog(project="creditfile", domain=DOMAIN, charset="utf-8")
    for folder in SOURCES:
        for filename, lineno, message, comments, context in extract_from_dir(
            ROOT / folder,
            method_map=METHODS,
            keywords=KEYWORDS,
            comment_tags=("Translators:",),
            strip_comment_tags=True,
        ):
            template.add(
                message,
                None,
                [(f"{folder}/{filename}", lineno)],
                auto_comments=comments,
                context=context,
            )
    return template


def po_path(locale: str) -> Path:
    """The ``.po`` source of ``locale``."""
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def read(locale: str) -> Catalog:
    """The catalogue of ``locale`` as its ``.po`` holds it."""
    with po_path(locale).open("rb") as handle:
        return read_po(handle, locale=locale, domain=DOMAIN)


def po_bytes(catalog: Catalog) -> bytes:
    """A catalogue as ``.po`` text, sorted and without dates, so reruns change nothing."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, sort_output=True, omit_header=False, ignore_obsolete=True)
    return buffer.getvalue()


def mo_bytes(catalog: Catalog) -> bytes:
    """A catalogue compiled for ``gettext``."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def _stable(catalog: Catalog) -> Catalog:
    catalog.creation_date = catalog.revision_date = FIXED_DATE
    catalog.fuzzy = False
    return catalog


def _shown(path: Path) -> Path:
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def problems(template: Catalog, locale: str) -> Iterable[str]:
    """What is wrong with ``locale``'s catalogue: missing, untranslated, fuzzy, unused, stale."""
    catalog = read(locale)
    path = _shown(po_path(locale))
    for message in template:
        if not message.id:
            continue
        found = catalog.get(message.id, context=message.context)
        if found is None:
            yield f"{path}: missing {message.id!r} (run scripts/catalogues.py, then translate it)"
        elif not found.string or (isinstance(found.string, tuple) and not all(found.string)):
            yield f"{path}: {message.id!r} is not translated"
        elif found.fuzzy:
            yield f"{path}: {message.id!r} is fuzzy: check the translation, remove the flag"
    for message in catalog:
        if message.id and template.get(message.id, context=message.context) is None:
            yield f"{path}: {message.id!r} is no longer used (run scripts/catalogues.py)"
    mo = po_path(locale).with_suffix(".mo")
    if not mo.exists() or mo.read_bytes() != mo_bytes(catalog):
        yield f"{_shown(mo)}: not compiled from its .po (run scripts/catalogues.py)"


def update(template: Catalog) -> None:
    """Write the template, merge it into every ``.po`` and compile every ``.mo``."""
    LOCALE_DIR.mkdir(parents=True, exist_ok=True)
    (LOCALE_DIR / f"{DOMAIN}.pot").write_bytes(po_bytes(_stable(template)))
    for locale in LOCALES:
        path = po_path(locale)
        if path.exists():
            catalog = read(locale)
            catalog.update(template, no_fuzzy_matching=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(locale=locale, domain=DOMAIN, project="creditfile")
            catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        path.write_bytes(po_bytes(_stable(catalog)))
        path.with_suffix(".mo").write_bytes(mo_bytes(read(locale)))


def main(argv: list[str] | None = None) -> int:
    """Update the catalogues, or with ``--check`` only say what is out of date."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 on problems")
    args = parser.parse_args(argv)
    template = extract()
    if not args.check:
        update(template)
    found = [problem for locale in LOCALES for problem in problems(template, locale)]
    for problem in found:
        print(problem, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
