"""Telling one company from another: the unified social credit code and comparable names.

The unified social credit code (统一社会信用代码, GB 32100-2015) is 18 characters: digits and
capital letters other than I, O, Z, S and V; the last is a check character over the other 17.
Names are compared after the forms people vary without meaning another company: spaces, full-
and half-width characters, brackets, letter case, and 有限责任公司 written for 有限公司.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from creditfile.policy.errors import Phrase, phrase

CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
"""The 31 characters of a credit code, in the order of their values."""
CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
"""The weights of characters 1-17 (3^i mod 31) for the check character."""
CODE_PATTERN = "^[0-9A-HJ-NPQRTUWXY]{18}$"
_VALUES = {char: value for value, char in enumerate(CODE_CHARS)}
_BRACKETS = re.compile(r"[\s()\[\]{}【】〔〕〈〉《》「」『』<>]+")
_SUFFIXES = (("有限责任公司", "有限公司"),)


def check_character(first17: str) -> str:
    """The check character GB 32100-2015 gives the first 17 characters of a code.

    Raises:
        KeyError: a character outside ``CODE_CHARS``.
    """
    total = sum(_VALUES[char] * weight for char, weight in zip(first17, CODE_WEIGHTS, strict=True))
    return CODE_CHARS[(31 - total % 31) % 31]


def normal_credit_code(text: str) -> str:
    """``text`` as a code is written: half-width capitals, no spaces or dashes."""
    return re.sub(r"[\s\-]+", "", unicodedata.normalize("NFKC", text)).upper()


def credit_code_problem(code: str) -> str | None:
    """Why ``code`` is not a valid unified social credit code (English); None when it is."""
    found = credit_code_said(code)
    return None if found is None else str(found)


def credit_code_said(code: str) -> Phrase | None:
    """Why ``code`` is not a valid unified social credit code, for a front end to word; None
    when it is.

    The message says what to write: the code in capitals, or that the last character does
    not match (a code copied wrongly).
    """
    if len(code) != 18 or any(char not in _VALUES for char in code):
        normal = normal_credit_code(code)
        if normal != code and credit_code_said(normal) is None:
            return phrase("{code}: write the code as {normal} (18 capital letters and digits)",
                          code=repr(code), normal=repr(normal))  # fmt: skip
        return phrase(
            "{code} is not a unified social credit code: 18 digits and capital letters (not I, "
            "O, Z, S or V), as on the business licence, e.g. 91350100M000100Y43",
            code=_shown(code),
        )
    expected = check_character(code[:17])
    if code[17] != expected:
        return phrase(
            "{code}: the last character should be {expected} for the 17 before it "
            "(GB 32100-2015); check the code against the business licence",
            code=repr(code),
            expected=repr(expected),
        )
    return None


@lru_cache(maxsize=262_144)  # a save compares against every customer's name
def comparable_name(name: str) -> str:
    """``name`` reduced to what tells companies apart, for finding the same one twice."""
    text = _BRACKETS.sub("", unicodedata.normalize("NFKC", name)).casefold()
    for long, short in _SUFFIXES:
        text = text.replace(long, short)
    return text


def _shown(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:39] + "…")
