"""The Jinja2 environment of the report: templates shipped in the package, escaping always on,
their words from the gettext catalogue (``pgettext("html", …)`` in a template, as in the code)."""

from __future__ import annotations

import re
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from creditfile.htmlreport.charts import FONT, ROW_HEIGHT
from creditfile.presentation.translation import language, npgettext, pgettext

# Bidirectional formatting characters (U+061C, U+200E/F, U+202A–E, U+2066–9) can make a
# customer's name reorder the text around it; control characters have no place on a page.
# Escaping leaves both intact, so they are shown as U+FFFD, as the spreadsheets do.
_UNSHOWABLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def showable(value: object) -> object:
    """Every ``{{ … }}`` result passes here before it is escaped: text loses what can mislead."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return _UNSHOWABLE.sub("\ufffd", value)
    return value


def wan(amount: float) -> str:
    """An amount in 万元 (ten thousands of CNY), as managers read it."""
    return f"{amount / 10000:,.1f}"


def num(count: float) -> str:
    """A count with thousands separators."""
    return f"{count:,}"


def in_wan(amount: float) -> str:
    """An amount in 万元 with its unit, in the language in force: ``1,234.5 万元``."""
    return pgettext("html", "{amount} × 10k CNY").format(amount=wan(amount))


def customers(count: int) -> str:
    """A number of customers, in the language in force: ``12 户``, ``12 customers``."""
    return npgettext("html", "{n} customer", "{n} customers", count).format(n=f"{count:,}")


_CHINESE_NUMBERS = "一二三四五六七八九十"


def numbered(number: int, title: str) -> str:
    """A section's title numbered as the page's language numbers sections: ``一、业务构成…``
    in Chinese, ``1. Business…`` in English."""
    if language() == "zh" and 0 < number <= len(_CHINESE_NUMBERS):
        return f"{_CHINESE_NUMBERS[number - 1]}、{title}"
    return f"{number}. {title}"


@cache
def environment() -> Environment:
    """The one environment, built on first use: autoescape on for every template."""
    env = Environment(
        loader=PackageLoader("creditfile.htmlreport", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        finalize=showable,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        wan=wan,
        in_wan=in_wan,
        customers=customers,
        num=num,
        px=lambda value: f"{value:.0f}",
        px1=lambda value: f"{value:.1f}",
    )
    # The translation functions read the language in force at each call, so the one cached
    # environment serves both languages.
    env.globals.update(
        font_size=FONT,
        row_height=ROW_HEIGHT,
        pgettext=pgettext,
        npgettext=npgettext,
        numbered=numbered,
    )
    return env
