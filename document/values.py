"""Amounts and dates as people write and read them, the same in the card, CSV and XLSX.

An amount (``x-format: amount``) may be typed with thousands separators and in 万 (10⁴) or
亿 (10⁸) of CNY: ``5,000万`` is 50,000,000 everywhere, and anything that cannot be read exactly
one way (``5,00万``, ``1.2.3``, ``-5``, ``5千``) is refused with a message, never reinterpreted.
A date (``x-format: date``) may be ``2026-03-05``, ``2026/3/5``, ``2026.3.5`` or
``2026年3月5日``; it is stored as ``2026-03-05``.

Amounts are shown one way, by ``format_amount`` (and, in a workbook, by the cell format
``AMOUNT_CELL_FORMAT``, which Excel draws the same).
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation

from creditfile.policy.errors import N_, Phrase, phrase

UNITS = {"万": Decimal(10_000), "亿": Decimal(100_000_000)}
"""Chinese units of an amount, by how many CNY one of them is."""

AMOUNT_CELL_FORMAT = "#,##0.00"
"""The workbook cell format showing an amount as ``format_amount`` writes it."""

AMOUNT_EXAMPLES = N_("e.g. 50000000, 50,000,000, 5,000万 or 0.5亿")
MAX_AMOUNT_CHARS = 40

_AMOUNT = re.compile(
    r"[¥]?(?P<digits>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<fraction>\d+))?"
    r"(?P<unit>[万亿])?(?:元|CNY|RMB)?",
    re.IGNORECASE | re.ASCII,
)
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", re.ASCII)


class AmountError(ValueError):
    """Text that is not an amount; the message says how to write one (``said``, for a front
    end to word; ``str()`` is the English)."""

    def __init__(self, said: Phrase) -> None:
        self.said = said
        super().__init__(str(said))


def parse_amount(text: str) -> int | float:
    """The amount in CNY that ``text`` writes.

    Args:
        text: Digits with optional thousands separators (every three digits), decimals, a
            unit 万 or 亿, a leading ¥ and a trailing 元; full-width forms are read as their
            half-width ones, spaces are ignored.

    Returns:
        A whole number of CNY as an int, else a float.

    Raises:
        AmountError: the text is not exactly one amount (the message quotes it).
    """
    plain = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    match = _AMOUNT.fullmatch(plain) if len(plain) <= MAX_AMOUNT_CHARS else None
    if match is None:
        raise AmountError(_amount_advice(text, plain))
    number = Decimal(match["digits"].replace(",", "") + "." + (match["fraction"] or "0"))
    if match["unit"]:
        number *= UNITS[match["unit"]]
    if number == number.to_integral_value():
        return int(number)
    return float(number)


def _amount_advice(text: str, plain: str) -> Phrase:
    shown = text if len(text) <= MAX_AMOUNT_CHARS else text[: MAX_AMOUNT_CHARS - 1] + "…"
    if plain.startswith(("-", "−")):
        why = phrase("an amount is never negative")
    elif re.fullmatch(r"[¥]?[\d,]+(\.\d+)?[万亿]?(元)?", plain):
        why = phrase("thousands separators go every three digits")
    elif re.search(r"[一二两三四五六七八九零壹贰叁肆伍陆柒捌玖拾]", plain):
        why = phrase("write the number in digits (5000万, not 五千万)")
    elif re.search(r"[千百十佰仟兆]", plain):
        why = phrase("only 万 and 亿 are understood as units")
    else:
        why = phrase("it is not a number")
    return phrase(
        "{value} is not an amount: {why}; write it as CNY, {examples}",
        value=repr(shown),
        why=why,
        examples=phrase(AMOUNT_EXAMPLES),
    )


def amount_or_text(value: object) -> object:
    """``value`` read as an amount when it is text that writes one; otherwise unchanged, so
    that validation reports it where it was found."""
    if isinstance(value, str):
        try:
            return parse_amount(value)
        except AmountError:
            return value
    return value


def amount_problem(value: object) -> str | None:
    """Why ``value`` (found where an amount belongs) is not one (English); None when it is a
    number."""
    found = amount_said(value)
    return None if found is None else str(found)


def amount_said(value: object) -> Phrase | None:
    """Why ``value`` (found where an amount belongs) is not one, for a front end to word; None
    when it is a number."""
    if isinstance(value, str):
        try:
            parse_amount(value)
        except AmountError as exc:
            return exc.said
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return phrase(
            "{value} is not an amount; write it as CNY, {examples}",
            value=repr(value),
            examples=phrase(AMOUNT_EXAMPLES),
        )
    return None


def format_amount(value: object) -> str:
    """An amount as every view shows it: ``50,000,000.00`` (CNY, two decimals); anything
    else as text, None as ``""``."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return str(value)
    try:
        return f"{Decimal(str(value)):,.2f}"
    except InvalidOperation:
        return str(value)


def parse_date(text: str) -> str | None:
    """``text`` as an ISO date ``YYYY-MM-DD``, from any form the card and import accept.

    Returns:
        The ISO date, or None when ``text`` writes no real date (validation then says so).
    """
    match = _DATE.fullmatch(unicodedata.normalize("NFKC", text).strip())
    if match is None:
        return None
    year, month, day = (int(group) for group in match.groups())
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def date_or_text(value: str) -> str:
    """``value`` as an ISO date when it writes one, else unchanged (validation names it)."""
    return parse_date(value) or value
