"""What a condition may be written with: its words and operators, checked before parsing.

rule-engine's language can do far more than a credit policy needs, and some of it can hurt:
regular expressions can take hours to match one crafted text, ``**`` builds numbers of millions
of digits, a duration literal such as ``t'P9999999999D'`` overflows, and very long or deeply
nested expressions exhaust the parser's recursion. rule-engine folds constant parts of an
expression while it parses, so these must be refused before the text ever reaches its parser.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from creditfile.policy.rule_tables import rule_engine

MAX_CHARS = 2_000
MAX_TOKENS = 200
MAX_NESTING = 16
MAX_TEXT_CHARS = 200
MAX_MAGNITUDE = Decimal(10) ** 12
MAX_DECIMALS = 6

_ALLOWED = frozenset(
    {
        "SYMBOL",
        "FLOAT",
        "STRING",
        "TRUE",
        "FALSE",
        "NULL",
        "LPAREN",
        "RPAREN",
        "LBRACKET",
        "RBRACKET",
        "COMMA",
        "EQ",
        "NE",
        "GT",
        "GE",
        "LT",
        "LE",
        "AND",
        "OR",
        "NOT",
        "IN",
        "ADD",
        "SUB",
        "MUL",
        "TDIV",
        "QMARK",
        "COLON",
        "COALESCE",
    }
)
_REGEX = {"EQ_FZM": "=~", "EQ_FZS": "=~~", "NE_FZM": "!~", "NE_FZS": "!~~"}
_LITERALS = {"DATETIME": "date (d'…')", "TIMEDELTA": "duration (t'…')", "BYTES": "bytes (b'…')"}
_OPENING = {"LPAREN", "LBRACKET"}
_CLOSING = {"RPAREN", "RBRACKET"}


class ConditionCompileError(ValueError):
    """A condition that cannot be compiled; ``suggestion`` names a likely fact."""

    def __init__(self, message: str, suggestion: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.suggestion = suggestion


def screen(text: str) -> None:
    """Refuse what no credit condition needs and what could hang or crash grading.

    Raises:
        ConditionCompileError: naming the word or operator and what to write instead.
    """
    if len(text) > MAX_CHARS:
        raise ConditionCompileError(
            f"the condition is {len(text):,} characters long; at most {MAX_CHARS:,} are allowed"
            " — split it over several tiers or overrides"
        )
    depth = 0
    for count, token in enumerate(_tokens(text), start=1):
        if count > MAX_TOKENS:
            raise ConditionCompileError(
                f"the condition has more than {MAX_TOKENS} words and operators; "
                "split it over several tiers or overrides, or use `fact in [...]` for a list"
            )
        depth += (token.type in _OPENING) - (token.type in _CLOSING)
        if depth > MAX_NESTING:
            raise ConditionCompileError(
                f"brackets are nested more than {MAX_NESTING} deep; write the condition flatter"
            )
        _screen_token(token)


def _tokens(text: str) -> Any:
    lexer = _lexer().clone()
    lexer.input(text)
    try:
        yield from lexer
    except rule_engine.RuleSyntaxError as exc:
        raise ConditionCompileError(f"syntax error: {exc.message}") from None


def _screen_token(token: Any) -> None:
    kind = token.type
    if kind in _REGEX:
        raise ConditionCompileError(
            f"the regular-expression operator {_REGEX[kind]!r} is not allowed (a pattern can "
            "take hours on one crafted text); compare whole values with == or "
            "`fact in ['…', '…']`"
        )
    if kind in _LITERALS:
        raise ConditionCompileError(
            f"{_LITERALS[kind]} literals are not allowed: facts are numbers, text and "
            "true/false; for time, compare the day counts (days_since_assessment, "
            "months_since_first_trade…) with a number"
        )
    if kind in {"FLOAT_NAN", "FLOAT_INF"}:
        raise ConditionCompileError(
            f"{token.value!r} is not a finite number; compare with an ordinary number"
        )
    if kind == "FLOAT":
        check_number(_decimal(token.value), token.value)
    elif kind == "STRING" and len(token.value) > MAX_TEXT_CHARS + 2:
        raise ConditionCompileError(
            f"a text in quotes is {len(token.value) - 2:,} characters long; "
            f"at most {MAX_TEXT_CHARS} are allowed"
        )
    elif kind == "SYMBOL" and str(token.value).startswith("$"):
        raise ConditionCompileError(
            f"built-in {token.value} is not allowed; conditions may only name facts"
        )
    elif kind not in _ALLOWED:
        raise ConditionCompileError(
            f"{token.value!r} is not allowed in a condition; use facts, numbers, 'text', "
            "true/false/null, comparisons (== != < <= > >=), + - * /, and, or, not, "
            "in [...] and ( )"
        )


def _decimal(written: str) -> Decimal:
    if len(written) > 40:
        raise ConditionCompileError(
            f"the number {written[:20]}… has {len(written):,} characters; "
            f"numbers in a policy are at most {MAX_MAGNITUDE:,.0f}"
        )
    try:
        value = rule_engine.parser.utilities.parse_float(written)
    except (ValueError, ArithmeticError):
        raise ConditionCompileError(f"{written!r} is not a number") from None
    if not isinstance(value, Decimal):
        raise ConditionCompileError(f"{written!r} is not a number")
    return value


def check_number(value: Decimal, written: str) -> None:
    """Refuse a non-finite, absurdly large or over-precise number of a policy.

    Raises:
        ConditionCompileError: saying which bound it breaks.
    """
    # No arithmetic here: the decimal context would overflow or round the very numbers checked.
    if not value.is_finite():
        raise ConditionCompileError(f"{written} is not a finite number; write an ordinary number")
    if value.copy_abs() > MAX_MAGNITUDE:
        raise ConditionCompileError(
            f"{written} is out of range; numbers in a policy are at most "
            f"{MAX_MAGNITUDE:,.0f} in size"
        )
    if decimal_places(value) > MAX_DECIMALS:
        raise ConditionCompileError(
            f"{written} has more than {MAX_DECIMALS} decimal places; round it"
        )


def decimal_places(value: Decimal) -> int:
    """How many decimal places a finite ``value`` needs (``1.50`` needs 1)."""
    _, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):
        return 0
    significant = "".join(map(str, digits)).rstrip("0")
    if not significant:
        return 0
    return max(0, -(exponent + len(digits) - len(significant)))


_LEXER: list[Any] = []


def _lexer() -> Any:
    if not _LEXER:
        # rule-engine's own lexer, so that words are split exactly as its parser splits them.
        _LEXER.append(rule_engine.parser.Parser()._lexer)
    return _LEXER[0]
