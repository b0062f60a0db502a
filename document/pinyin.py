"""Pinyin of Chinese text for search keys (full and initials), and the search text of a
customer a database keeps for a search by the server.

Shared by the list's in-memory index (``application.customer_index``) and the PostgreSQL
archive, which stores every customer's search text in a column it indexes: both find a
customer by the same pinyin.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

SEPARATOR = "\x1f"
"""Between the parts of a search text: whitespace to ``str.split``, so no search word holds
it and no word matches across two parts (PostgreSQL text cannot hold the NUL the in-memory
index uses)."""


class PinyinKeys:
    """Full pinyin and initials of Chinese text, with a per-character cache.

    Converting whole names with ``pypinyin`` costs ~150 µs each (15 s for 100,000); one
    dictionary lookup per character costs well under 1 µs. A character with several readings
    takes its default one, and also, when it forms a known two-character word with a
    neighbour (重庆, 银行, 成都, 长沙), that word's reading: both are searchable.
    """

    def __init__(self) -> None:
        self._chars: dict[str, tuple[str, str, bool]] = {}
        self._pairs: dict[str, tuple[str, str]] = {}
        self._loaded: _Pypinyin | None = None

    def _pypinyin(self) -> _Pypinyin:
        # Loaded when the first Chinese character is looked up, not when the keys are made:
        # loading pypinyin takes 0.2–0.7 s, which a terminal UI on a database archive (whose
        # server keeps the search keys) would otherwise spend before showing its first rows.
        if self._loaded is None:
            from pypinyin import Style, lazy_pinyin, pinyin
            from pypinyin.constants import PHRASES_DICT

            self._loaded = _Pypinyin(
                pinyin, lazy_pinyin, PHRASES_DICT, Style.NORMAL, Style.FIRST_LETTER
            )
        return self._loaded

    def _char(self, char: str) -> tuple[str, str, bool]:
        if not _is_han(char):
            low = char.lower()
            entry = (low, low, False)
        else:
            lib = self._pypinyin()
            readings = lib.pinyin(char, heteronym=True, style=lib.normal)[0]
            first = lib.pinyin(char, style=lib.first_letter)[0][0]
            entry = (readings[0], first, len(set(readings)) > 1)
        self._chars[char] = entry
        return entry

    def _pair(self, pair: str) -> tuple[str, str] | None:
        """The readings of a known two-character word, or None."""
        lib = self._pypinyin()
        if pair not in lib.phrases:
            return None
        found = self._pairs.get(pair)
        if found is None:
            first, second = lib.lazy_pinyin(pair)[:2]
            found = self._pairs[pair] = (first, second)
        return found

    def _in_context(self, text: str, i: int, default: str) -> str:
        pair = self._pair(text[i : i + 2]) if i + 1 < len(text) else None
        if pair is not None:
            return pair[0]
        pair = self._pair(text[i - 1 : i + 1]) if i > 0 else None
        return pair[1] if pair is not None else default

    def keys(self, text: str) -> tuple[str, ...]:
        """``(full, initials)``, plus ``(full, initials)`` in context when a reading differs."""
        text = "".join(text.split())
        chars = self._chars
        parts = [chars.get(c) or self._char(c) for c in text]
        full = "".join(p[0] for p in parts)
        initials = "".join(p[1] for p in parts)
        if not any(p[2] for p in parts):
            return (full, initials)
        context = [self._in_context(text, i, p[0]) if p[2] else p[0] for i, p in enumerate(parts)]
        alt = "".join(context)
        if alt == full:
            return (full, initials)
        return (full, initials, alt, "".join(r[:1] for r in context))


class _Pypinyin(NamedTuple):
    """What ``PinyinKeys`` uses of pypinyin, once loaded."""

    pinyin: Any
    lazy_pinyin: Any
    phrases: Mapping[str, Any]
    normal: Any
    first_letter: Any


def _is_han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def search_text(doc: Mapping[str, Any], keys: PinyinKeys) -> str:
    """The text a search by the server looks words up in: the id, the name and the contact
    person's name, each with its pinyin (full and initials), lowercased.

    No personal data: a person's phone, address, e-mail and ``profile.person`` are left out,
    since the column is read by every duty and a search is not a recorded reveal.
    """
    contact = doc.get("contact")
    person = contact.get("person") if isinstance(contact, Mapping) else None
    parts = [str(doc.get("id", "")).lower()]
    for text in (doc.get("name"), person):
        if not isinstance(text, str) or not text:
            continue
        parts.append(text.lower())
        if not text.isascii():
            parts.extend(keys.keys(text))
    return SEPARATOR.join(parts)
