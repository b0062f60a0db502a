"""Numbers in a policy file: finite, of a sensible size and precision, checked as written.

YAML reads ``.nan`` and ``.inf`` as numbers, and JSON Schema's ``minimum``/``maximum`` never
refuse NaN (every comparison with it is false), so a weight of ``.nan`` would pass the schema
and break every later grading. A 5,000-digit integer stops PyYAML itself (Python refuses to
read integers that long). Every number is therefore checked on its YAML node, before anything
is built from it, so that the message can point at it.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import yaml

from creditfile.policy.condition_tokens import ConditionCompileError, check_number
from creditfile.policy.errors import Phrase, PolicyProblem, format_path, phrase, policy_problem

MAX_NUMBER_CHARS = 40
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_NUMERIC = frozenset({_INT, _FLOAT})


def number_problems(root: yaml.Node, file: str) -> list[PolicyProblem]:
    """A located problem for every number of the document that no policy can mean."""
    problems: list[PolicyProblem] = []
    loader = yaml.SafeLoader("")
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, tuple[str | int, ...]]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        if id(node) in seen:  # an alias: its values were checked where they were written
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            message = _problem(node, loader) if node.tag in _NUMERIC else None
            if message:
                mark = node.start_mark
                where = format_path(path)
                problems.append(
                    policy_problem(file, mark.line + 1, mark.column + 1, where, message)
                )
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.append((key, path))
                stack.append((value, (*path, str(key.value))))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, (*path, index)) for index, item in enumerate(node.value))
    loader.dispose()
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0))


def _problem(node: yaml.ScalarNode, loader: yaml.SafeLoader) -> Phrase | None:
    written = str(node.value)
    if len(written) > MAX_NUMBER_CHARS:
        return phrase(
            "a number of {count} characters ({start}…); numbers in a policy are at most "
            "1,000,000,000,000 with at most 6 decimal places",
            count=format(len(written), ","),
            start=written[:12],
        )
    try:
        check_number(_value(node, written, loader), written)
    except ConditionCompileError as exc:
        return exc.said
    return None


def _value(node: yaml.ScalarNode, written: str, loader: yaml.SafeLoader) -> Decimal:
    try:
        if node.tag == _INT:
            return Decimal(loader.construct_yaml_int(node))
        number = loader.construct_yaml_float(node)
    except (ValueError, ArithmeticError):
        return Decimal("NaN")  # unreadable: reported as not a finite number
    try:
        # The text as written keeps its decimals exactly (0.1 is 0.1, not 0.1000000000000000055).
        return Decimal(written.replace("_", ""))
    except InvalidOperation:  # .nan, .inf, 1:30.5 (base 60)
        return Decimal(repr(number))
