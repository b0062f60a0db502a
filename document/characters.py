"""Characters that have no place in an id or a name, and that must never reach a terminal raw.

One definition for validation (which refuses them in ids and names) and for presentation
(which shows them escaped wherever else they occur).
"""

from __future__ import annotations

import re
import unicodedata

import orjson

from creditfile.policy.errors import N_, Phrase, phrase, verbatim

__all__ = [
    "UNSAFE_CLASS",
    "describe_char",
    "first_unsafe",
    "has_lone_surrogate",
    "json_encoded",
    "json_size",
    "nul_path",
    "surrogate_path",
]

UNSAFE_CLASS = (
    # C0 controls except tab and line feed (handled by callers), DEL and the C1 controls;
    "\x00-\x08\x0b-\x1f\x7f-\x9f"
    # soft hyphen, combining grapheme joiner, Arabic letter mark, Hangul and Khmer fillers,
    # Mongolian variation selectors and vowel separator;
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f"
    # zero-width spaces and joiners, direction marks, line and paragraph separators,
    # bidirectional embeddings and overrides, word joiner, invisible operators, isolates;
    "\u200b-\u200f\u2028-\u202e\u2060-\u206f"
    # Hangul filler, variation selectors, byte-order mark, half-width filler, specials;
    "\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb"
    # lone surrogates (not characters at all) and the tag characters.
    "\ud800-\udfff\U000e0000-\U000e007f"
)
"""A regular-expression character class body (without brackets) of every unsafe character."""

_UNSAFE = re.compile(f"[{UNSAFE_CLASS}\t\n]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_NUL = re.compile("\x00")

_NAMES = {
    "\t": N_("a tab"),
    "\n": N_("a line break"),
    "\r": N_("a carriage return"),
    "\x1b": N_("an escape character"),
    "\x00": N_("a NUL"),
    "\u200b": N_("a zero-width space"),
    "\u200c": N_("a zero-width non-joiner"),
    "\u200d": N_("a zero-width joiner"),
    "\u2060": N_("a word joiner"),
    "\ufeff": N_("a zero-width no-break space"),
    "\u202e": N_("a right-to-left override"),
    "\u202d": N_("a left-to-right override"),
}


def first_unsafe(text: str) -> tuple[int, str] | None:
    """The 0-based position and character of the first unsafe character of ``text``, if any.

    Tabs and line breaks count as unsafe here: an id or a name is one line.
    """
    found = _UNSAFE.search(text)
    return (found.start(), found.group()) if found else None


def describe_char(char: str) -> str:
    """``U+202E (a right-to-left override)``: a character named without printing it."""
    return str(describe_char_said(char))


def describe_char_said(char: str) -> Phrase:
    """``describe_char`` for a front end to word: the code, and the name in the language in
    force where it is one we give (a Unicode name otherwise, which has no translation)."""
    code = ord(char)
    if char in _NAMES:
        what = phrase(_NAMES[char])
    elif 0xD800 <= code <= 0xDFFF:
        what = phrase("a lone surrogate, not a character: the text was damaged")
    elif code < 0x20 or 0x7F <= code <= 0x9F:
        what = phrase("a control character")
    elif unicodedata.name(char, ""):
        what = verbatim(unicodedata.name(char).lower())
    else:
        what = phrase("an invisible or format character")
    return phrase("U+{code} ({what})", code=format(code, "04X"), what=what)


def has_lone_surrogate(value: object) -> bool:
    """Whether any text in ``value`` (nested dicts and lists) holds a lone surrogate.

    Cheap for the usual document: orjson refuses to encode a surrogate (it is no character, so
    has no UTF-8), and encodes a customer document in a few microseconds, a fifth of what its
    ``repr`` takes. Only a value it refuses, for a surrogate or for anything else (a key that
    is not text, an integer too large for it), is searched properly.
    """
    try:
        orjson.dumps(value)
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return surrogate_path(value) is not None
    return False


def surrogate_path(value: object, path: str = "") -> str | None:
    """The document path (``contact.address``, ``leases[0].note``) of the first text holding a
    lone surrogate, or of the key holding one; None when there is none."""
    return _path_holding(_SURROGATE, value, path)


def nul_path(value: object, path: str = "") -> str | None:
    """The document path of the first text (or key) holding a NUL character, which no
    PostgreSQL text can hold; None when there is none."""
    return _path_holding(_NUL, value, path)


def _path_holding(pattern: re.Pattern[str], value: object, path: str) -> str | None:
    if isinstance(value, str):
        return path if pattern.search(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and pattern.search(key):
                return path or "(a key)"
            found = _path_holding(pattern, item, name)
            if found is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _path_holding(pattern, item, f"{path}[{index}]")
            if found is not None:
                return found
    return None


def json_size(value: object) -> int | None:
    """The length in bytes of ``value`` as compact JSON (orjson), or None where orjson refuses
    it: a lone surrogate, a key that is not text, an integer beyond 64 bits, nesting too deep.

    A customer document is encoded in about 2 µs; no text in it can be longer than the result.
    """
    encoded = json_encoded(value)
    return None if encoded is None else len(encoded)


def json_encoded(value: object) -> bytes | None:
    """``value`` as compact JSON (orjson), or None where orjson refuses it (see
    ``json_size``)."""
    try:
        return orjson.dumps(value)
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return None
