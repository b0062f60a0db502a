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

from creditfile.policy.errors import N_, Phrase, phrase, verbatim
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
_LITERALS = {
    "DATETIME": N_("date (d'…')"),
    "TIMEDELTA": N_("duration (t'…')"),
    "BYTES": N_("bytes (b'…')"),
}
_OPENING = {"LPAREN", "LBRACKET"}
_CLOSING = {"RPAREN", "RBRACKET"}


class ConditionCompileError(ValueError):
    """A condition that cannot be compiled; ``suggestion`` names a likely fact.

    ``said`` is the reason as a phrase, for a front end to word in the language in force;
    ``message`` (and ``str()``) is its English.
    """

    def __init__(self, said: Phrase, suggestion: str | None = None) -> None:
        super().__init__(str(said))
        self.said = said
        self.message = str(said)
        self.suggestion = suggestion


def syntax_said(error: Any) -> Phrase:
    """Where rule-engine's parser or lexer stopped reading a condition (its ``RuleSyntaxError``),
    in words: the character it could not take, or that the condition ends too early."""
    token = getattr(error, "token", None)
    if token is None:
        return phrase(
            "syntax error: the condition ends too early; is a value, a bracket or a quote missing?"
        )
    position = getattr(token, "lexpos", None)
    value = str(getattr(token, "value", ""))[:20]
    if position is None:
        return phrase("syntax error at {value}", value=repr(value))
    return phrase(
        "syntax error: {value} at character {position} cannot stand there",
        value=repr(value),
        position=int(position) + 1,
    )


def screen(text: str) -> None:
    """Refuse what no credit condition needs and what could hang or crash grading.

    Raises:
        ConditionCompileError: naming the word or operator and what to write instead.
    """
    if len(text) > MAX_CHARS:
        raise ConditionCompileError(
            phrase(
                "the condition is {count} characters long; at most {limit} are allowed: split it "
                "over several tiers or overrides",
                count=format(len(text), ","),
                limit=format(MAX_CHARS, ","),
            )
        )
    depth = 0
    for count, token in enumerate(_tokens(text), start=1):
        if count > MAX_TOKENS:
            raise ConditionCompileError(
                phrase(
                    "the condition has more than {limit} words and operators; split it over "
                    "several tiers or overrides, or use `fact in [...]` for a list",
                    limit=MAX_TOKENS,
                )
            )
        depth += (token.type in _OPENING) - (token.type in _CLOSING)
        if depth > MAX_NESTING:
            raise ConditionCompileError(
                phrase(
                    "brackets are nested more than {limit} deep; write the condition flatter",
                    limit=MAX_NESTING,
                )
            )
        _screen_token(token)


def _tokens(text: str) -> Any:
    lexer = _lexer().clone()
    lexer.input(text)
    try:
        yield from lexer
    except rule_engine.RuleSyntaxError as exc:
        raise ConditionCompileError(syntax_said(exc)) from None


def _screen_token(token: Any) -> None:
    kind = token.type
    if kind in _REGEX:
        raise ConditionCompileError(
            phrase(
                "the regular-expression operator {operator} is not allowed (a pattern can take "
                "hours on one crafted text); compare whole values with == or "
                "`fact in ['…', '…']`",
                operator=repr(_REGEX[kind]),
            )
        )
    if kind in _LITERALS:
        raise ConditionCompileError(
            phrase(
                "{kind} literals are not allowed: facts are numbers, text and true/false; for "
                "time, compare the day counts (days_since_assessment, months_since_first_trade…) "
                "with a number",
                kind=phrase(_LITERALS[kind]),
            )
        )
    if kind in {"FLOAT_NAN", "FLOAT_INF"}:
        raise ConditionCompileError(
            phrase(
                "{value} is not a finite number; compare with an ordinary number",
                value=repr(token.value),
            )
        )
    if kind == "FLOAT":
        check_number(_decimal(token.value), token.value)
    elif kind == "STRING" and len(token.value) > MAX_TEXT_CHARS + 2:
        raise ConditionCompileError(
            phrase(
                "a text in quotes is {count} characters long; at most {limit} are allowed",
                count=format(len(token.value) - 2, ","),
                limit=MAX_TEXT_CHARS,
            )
        )
    elif kind == "SYMBOL" and str(token.value).startswith("$"):
        raise ConditionCompileError(builtin_said(str(token.value)))
    elif kind not in _ALLOWED:
        raise ConditionCompileError(
            phrase(
                "{value} is not allowed in a condition; use facts, numbers, 'text', "
                "true/false/null, comparisons (== != < <= > >=), + - * /, and, or, not, in [...] "
                "and ( )",
                value=repr(token.value),
            )
        )


def builtin_said(name: str) -> Phrase:
    """A rule-engine built-in (``$today``) named in a condition: refused, as it reads the
    clock or the machine, not the customer."""
    return phrase("built-in {name} is not allowed; conditions may only name facts", name=name)


def _decimal(written: str) -> Decimal:
    if len(written) > 40:
        raise ConditionCompileError(
            phrase(
                "the number {start}… has {count} characters; numbers in a policy are at most "
                "{limit}",
                start=written[:20],
                count=format(len(written), ","),
                limit=format(MAX_MAGNITUDE, ",.0f"),
            )
        )
    try:
        value = rule_engine.parser.utilities.parse_float(written)
    except (ValueError, ArithmeticError):
        raise ConditionCompileError(_not_a_number(written)) from None
    if not isinstance(value, Decimal):
        raise ConditionCompileError(_not_a_number(written))
    return value


def _not_a_number(written: str) -> Phrase:
    return phrase("{value} is not a number", value=repr(written))


def check_number(value: Decimal, written: str) -> None:
    """Refuse a non-finite, absurdly large or over-precise number of a policy.

    Raises:
        ConditionCompileError: saying which bound it breaks.
    """
    # No arithmetic here: the decimal context would overflow or round the very numbers checked.
    if not value.is_finite():
        raise ConditionCompileError(
            phrase(
                "{value} is not a finite number; write an ordinary number", value=verbatim(written)
            )
        )
    if value.copy_abs() > MAX_MAGNITUDE:
        raise ConditionCompileError(
            phrase(
                "{value} is out of range; numbers in a policy are at most {limit} in size",
                value=verbatim(written),
                limit=format(MAX_MAGNITUDE, ",.0f"),
            )
        )
    if decimal_places(value) > MAX_DECIMALS:
        raise ConditionCompileError(
            phrase(
                "{value} has more than {limit} decimal places; round it",
                value=verbatim(written),
                limit=MAX_DECIMALS,
            )
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
