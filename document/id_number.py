"""The resident identity card number (居民身份证号码) of GB 11643-1999: its check digit and the
masked form it is shown in."""

from __future__ import annotations

import re

from creditfile.policy.errors import Phrase, phrase

__all__ = ["check_digit", "id_number_problem", "is_masked_id_number", "mask_id_number"]

_SHAPE = re.compile(r"[0-9]{17}[0-9Xx]\Z")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_MASKED = re.compile(r"[0-9]{4}\*{10}[0-9]{3}[0-9Xx]\Z")


def check_digit(first17: str) -> str:
    """The check digit (``0``–``9`` or ``X``) of the first 17 digits, per GB 11643-1999."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def id_number_problem(value: str) -> str | None:
    """What is wrong with an ID number, in words that never repeat it (English); None when it
    is right."""
    found = id_number_said(value)
    return None if found is None else str(found)


def id_number_said(value: str) -> Phrase | None:
    """What is wrong with an ID number, in words that never repeat it, for a front end to
    word; None when it is right."""
    if is_masked_id_number(value):
        return phrase(
            "is a masked number (as an export without personal data shows it), not the "
            "customer's: export with --include-personal to change ID numbers, or leave it out"
        )
    if not _SHAPE.match(value):
        return phrase(
            "is not a resident ID number ({count} characters): write the 18 characters, "
            "17 digits and a check digit 0–9 or X",
            count=len(value),
        )
    if check_digit(value[:17]) != value[17].upper():
        return phrase(
            "its check digit (the last character) does not match the other 17 (GB 11643); "
            "check the number"
        )
    return None


def mask_id_number(value: str) -> str:
    """``4201**********1234``: the first four and the last four characters, the rest hidden."""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def is_masked_id_number(value: str) -> bool:
    """Whether ``value`` is an ID number in its masked form (``4201**********1234``)."""
    return _MASKED.match(value) is not None
