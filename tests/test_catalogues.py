"""The gettext catalogues: every message of the code translated in zh_CN and en, none fuzzy or
unused, every .mo compiled from its .po, and the compiled catalogues installed with the package."""

from __future__ import annotations

import importlib.util
import re
import string
import sys
from pathlib import Path
from types import ModuleType

import pytest

from creditfile.presentation.translation import LOCALE_DIR, LOCALES, translation

ROOT = Path(__file__).resolve().parents[1]


def _catalogues_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("catalogues", ROOT / "scripts" / "catalogues.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("catalogues", module)
    spec.loader.exec_module(module)
    return module


def test_every_message_is_translated_none_fuzzy_none_unused_and_compiled() -> None:
    script = _catalogues_script()
    template = script.extract()
    assert len(template) > 250  # the extractor really found the marked messages
    problems = [p for locale in script.LOCALES for p in script.problems(template, locale)]
    assert not problems, "\n".join(problems)


def test_the_check_fails_on_a_fuzzy_or_missing_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = _catalogues_script()
    for locale in script.LOCALES:
        target = tmp_path / locale / "LC_MESSAGES"
        target.mkdir(parents=True)
        for suffix in (".po", ".mo"):
            source = script.po_path(locale).with_suffix(suffix)
            (target / source.name).write_bytes(source.read_bytes())
    monkeypatch.setattr(script, "LOCALE_DIR", tmp_path)
    po = tmp_path / "zh_CN" / "LC_MESSAGES" / "creditfile.po"
    text = po.read_text("utf-8")
    text = text.replace(
        'msgid "Search"\nmsgstr "搜索"', '#, fuzzy\nmsgid "Search"\nmsgstr "搜索"', 1
    )
    text = re.sub(r'msgid "Quit"\nmsgstr "[^"]*"', 'msgid "Quit"\nmsgstr ""', text, count=1)
    po.write_text(text, "utf-8")
    found = "\n".join(script.problems(script.extract(), "zh_CN"))
    assert "'Search' is fuzzy" in found and "'Quit' is not translated" in found
    assert "not compiled from its .po" in found


def test_both_languages_load_from_the_installed_package() -> None:
    for lang, locale in LOCALES.items():
        assert (LOCALE_DIR / locale / "LC_MESSAGES" / "creditfile.mo").is_file()
        assert translation(lang).gettext("Quit") == {"zh": "退出", "en": "Quit"}[lang]
    zh = translation("zh")
    assert zh.pgettext("regrade.new_row", "new") != zh.gettext("new")  # contexts kept apart


def _names(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_translation_keeps_the_named_values_of_its_message() -> None:
    """A translation may reorder ``{named}`` values but never lose, add or misspell one."""
    script = _catalogues_script()
    wrong = []
    for locale in script.LOCALES:
        for message in script.read(locale):
            if not message.id or "python-brace-format" not in message.flags:
                continue
            sources = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            expected = set().union(*(_names(s) for s in sources))
            for text in strings:
                if _names(text) != expected:
                    wrong.append(f"{locale}: {sources[0]!r} → {text!r}")
    assert not wrong, "\n".join(wrong)
