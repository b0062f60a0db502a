"""Policy conditions: rule-engine expressions compiled once against the typed facts."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from creditfile.policy.condition_memo import Keyer, children, memo_key, memo_keyers
from creditfile.policy.condition_tokens import (
    ConditionCompileError,
    builtin_said,
    screen,
    syntax_said,
)
from creditfile.policy.condition_types import check_types
from creditfile.policy.errors import N_, Phrase, phrase, verbatim
from creditfile.policy.fact_catalogue import FACTS_BY_NAME, Scope, facts_for
from creditfile.policy.rule_tables import rule_engine

__all__ = ["Condition", "ConditionCompileError", "ConditionEvaluationError", "compile_condition"]

_TYPES = {
    "number": rule_engine.DataType.FLOAT,
    "text": rule_engine.DataType.STRING,
    "boolean": rule_engine.DataType.BOOLEAN,
}


class ConditionEvaluationError(ValueError):
    """A condition that failed on one customer's facts (for example null < 3)."""


@dataclass(frozen=True)
class Condition:
    """A compiled condition; ``matches`` is pure and safe to call from any thread.

    Results are remembered under a key that provably decides them (see ``condition_memo``):
    rule-engine's evaluation is the costliest step of grading a large archive, and most
    customers fall into a handful of bands of the literals a condition compares with.
    """

    text: str
    rule: Any
    keyers: tuple[Keyer, ...] = ()
    _memo: dict[tuple[Any, ...], bool] = field(default_factory=dict, compare=False, repr=False)

    def matches(self, facts: Mapping[str, Any]) -> bool:
        """Whether the condition holds for ``facts``.

        Raises:
            ConditionEvaluationError: the facts do not fit the expression (e.g. a null compared
                with a number); the engine reports it as a reason instead of crashing.
        """
        try:
            key: tuple[Any, ...] | None = memo_key(self.keyers, facts)
            known = self._memo.get(key) if key is not None else None
        except (KeyError, TypeError):  # unhashable or missing values: evaluate directly
            key, known = None, None
        if known is not None:
            return known
        try:
            result = bool(self.rule.matches(facts))
        except rule_engine.EngineError as exc:
            raise ConditionEvaluationError(f"{self.text!r}: {_engine_message(exc)}") from exc
        except (ArithmeticError, TypeError, ValueError) as exc:
            # A checked condition only meets these on facts outside the documented types.
            raise ConditionEvaluationError(f"{self.text!r}: {type(exc).__name__}") from exc
        if key is not None:
            if len(self._memo) >= _MEMO_LIMIT:
                self._memo.clear()
            self._memo[key] = result
        return result


_MEMO_LIMIT = 200_000


def _context(scope: Scope) -> rule_engine.Context:
    types = {fact.name: _TYPES[fact.type] for fact in facts_for(scope)}
    # Facts are always complete plain dicts, so a direct lookup replaces the generic resolver
    # (about twice as fast, which matters when 100,000 customers are tiered in one regrade).
    return rule_engine.Context(
        type_resolver=rule_engine.type_resolver_from_dict(types), resolver=_lookup
    )


def _lookup(thing: Mapping[str, Any], name: str) -> Any:
    try:
        return thing[name]
    except KeyError:
        raise rule_engine.SymbolResolutionError(name) from None


# One context per scope; cached around a plain function so that mutation testing reaches it.
_context_for = functools.cache(_context)


def compile_condition(
    text: str, scope: Scope, allowed_values: Mapping[str, tuple[str, ...]] | None = None
) -> Condition:
    """Compile ``text`` for ``scope``, refusing unknown facts, bad types and unknown values.

    Only the safe, typed part of rule-engine's language is accepted (see ``condition_tokens``
    and ``condition_types``): evaluating an accepted condition takes time in proportion to its
    length, and it is true or false for every customer.

    Args:
        text: The expression as compliance wrote it.
        scope: ``tier`` or ``override``; decides which facts may be named.
        allowed_values: For text facts such as ``nature`` or ``grade``, the values that exist.

    Raises:
        ConditionCompileError: with a message for people and, for a typo, a suggestion.
    """
    if not isinstance(text, str) or not text.strip():
        raise ConditionCompileError(phrase("a condition must be a non-empty expression"))
    screen(text)
    context = _context_for(scope)
    try:
        rule = rule_engine.Rule(text, context=context)
    except rule_engine.SymbolResolutionError as exc:
        raise _unknown_fact(exc.symbol_name, scope, exc.suggestion) from exc
    except rule_engine.RuleSyntaxError as exc:
        raise ConditionCompileError(
            phrase("{text}: {reason}", text=repr(text), reason=syntax_said(exc))
        ) from exc
    except rule_engine.EngineError as exc:
        _explain_types(text)
        raise ConditionCompileError(
            phrase("{text}: {reason}", text=repr(text), reason=_engine_reason(exc))
        ) from exc
    except (ArithmeticError, RecursionError, ValueError) as exc:
        # Constant parts are folded while parsing; ``screen`` keeps them small, this is a guard.
        raise ConditionCompileError(_cannot(text, type(exc).__name__)) from exc
    expression = rule.statement.expression
    check_types(expression)
    _check_symbols_and_values(expression, text, allowed_values or {})
    numeric = {f.name for f in facts_for(scope) if f.type == "number"}
    keyers = memo_keyers(expression, {f.name for f in facts_for(scope)}, numeric)
    return Condition(text=text, rule=rule, keyers=keyers)


def _untyped_context() -> rule_engine.Context:
    return rule_engine.Context(resolver=_lookup)


_untyped = functools.cache(_untyped_context)


def _explain_types(text: str) -> None:
    """Say which parts do not fit, where rule-engine only says "data type mismatch"."""
    try:
        untyped = rule_engine.Rule(text, context=_untyped())
    except (rule_engine.EngineError, ArithmeticError, RecursionError, ValueError):
        return
    check_types(untyped.statement.expression)


_ENGINE_REASONS = {
    "data type mismatch": N_(
        "type mismatch: the parts of the condition are of kinds that cannot be compared "
        "(a number with text, or with null?)"
    ),
}


def _engine_reason(exc: BaseException) -> Phrase:
    """rule-engine's reason for refusing a condition: its common ones worded from the
    catalogue, any other in its own words."""
    message = _engine_message(exc)
    known = _ENGINE_REASONS.get(message)
    return phrase(known) if known is not None else verbatim(message)


def _cannot(text: str, reason: str) -> Phrase:
    """A condition rule-engine refused for a reason no check before it words (its own words)."""
    return phrase("{text} cannot be computed ({reason})", text=repr(text), reason=reason)


def _unknown_fact(name: str, scope: Scope, suggestion: str | None) -> ConditionCompileError:
    if name in FACTS_BY_NAME:
        return ConditionCompileError(
            phrase("fact {name} is only available in overrides", name=repr(name))
        )
    if suggestion:
        return ConditionCompileError(
            phrase(
                "unknown fact {name}; did you mean {fact}?",
                name=repr(name),
                fact=repr(suggestion),
            ),
            suggestion,
        )
    known = ", ".join(fact.name for fact in facts_for(scope))
    return ConditionCompileError(
        phrase("unknown fact {name} (known facts: {known})", name=repr(name), known=known)
    )


def _engine_message(exc: BaseException) -> str:
    message = getattr(exc, "message", None) or str(exc)
    return str(message)


def _check_symbols_and_values(
    root: Any, text: str, allowed_values: Mapping[str, tuple[str, ...]]
) -> None:
    """Refuse clock built-ins and values (natures, grades…) that do not exist."""
    # Built-ins such as $today read the clock: a grading must depend only on the as-of date.
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, rule_engine.ast.SymbolExpression) and node.scope == "built-in":
            raise ConditionCompileError(
                phrase("{text}: {reason}", text=repr(text), reason=builtin_said(f"${node.name}"))
            )
        symbols, strings = _compared(node)
        for symbol in symbols:
            allowed = allowed_values.get(symbol) or FACTS_BY_NAME[symbol].values
            if not allowed:
                continue
            for value in strings:
                if value not in allowed:
                    close = _closest(value, allowed)
                    hint = (
                        phrase("did you mean {value}?", value=repr(close))
                        if close
                        else phrase("known: {values}", values=", ".join(allowed))
                    )
                    said = phrase(
                        "{text}: {value} is not a known {fact}; {hint}",
                        text=repr(text),
                        value=repr(value),
                        fact=symbol,
                        hint=hint,
                    )
                    raise ConditionCompileError(said, close)
        stack.extend(children(node))


def _compared(node: Any) -> tuple[list[str], list[str]]:
    """Symbols and string literals that ``node`` compares directly with each other."""
    ast = rule_engine.ast
    if isinstance(node, ast.ComparisonExpression):
        operands = [node.left, node.right]
    elif isinstance(node, ast.ContainsExpression):
        operands = [node.container, node.member]
    else:
        return [], []
    symbols: list[str] = []
    strings: list[str] = []
    for operand in operands:
        if isinstance(operand, ast.SymbolExpression) and operand.name in FACTS_BY_NAME:
            symbols.append(operand.name)
        elif isinstance(operand, ast.StringExpression):
            strings.append(operand.value)
        elif isinstance(operand, ast.ArrayExpression):
            strings.extend(v.value for v in operand.value if isinstance(v, ast.StringExpression))
    return symbols, strings


def _closest(value: str, candidates: tuple[str, ...]) -> str | None:
    import difflib

    found = difflib.get_close_matches(value, candidates, n=1)
    return found[0] if found else None
