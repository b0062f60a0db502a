"""A fast yes/no check equivalent to a JSON Schema, compiled once to plain Python.

jsonschema takes about 2 ms per customer document; validating 100,000 on import would take
minutes. The schema is turned once into straight-line Python (as fastjsonschema does) that
answers "valid?" in microseconds; only the documents it refuses go through jsonschema, which
collects and words every error. A property test holds the two to the same answers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

# jsonschema takes about 2 ms per document. The schema is turned once into straight-line Python
# (as fastjsonschema does) that answers "valid?" in microseconds; only the documents it refuses
# go through jsonschema, to have every error collected and worded.

Check = Callable[[object], bool]
# Every keyword the compiler understands; annotations (description, …) check nothing.
_KNOWN = frozenset((
    "$schema", "$id", "$defs", "$ref", "title", "description", "type", "properties", "required",
    "additionalProperties", "items", "enum", "minimum", "maximum", "minLength", "maxLength",
    "pattern",
))  # fmt: skip
_TYPE_TESTS = {
    "string": "type({v}) is str",
    "number": "type({v}) in _NUM",
    "integer": "(type({v}) is int or (type({v}) is float and {v}.is_integer()))",
    "object": "type({v}) is dict",
    "array": "type({v}) is list",
    "boolean": "type({v}) is bool",
    "null": "{v} is None",
}


def compile_schema(schema: Mapping[str, Any]) -> Check:
    """A predicate equal to ``Draft202012Validator(schema).is_valid`` on parsed JSON values.

    Only the keywords the customer schema uses are supported; any other raises ValueError, so
    the predicate never silently ignores a constraint.
    """
    emitter = _Emitter(schema.get("$defs", {}))
    body = emitter.node(schema, "doc", 1)
    source = "def check(doc):\n" + "\n".join(body) + "\n    return True\n"
    namespace: dict[str, Any] = {"_NUM": (int, float), "_MISSING": object(), **emitter.constants}
    exec(compile(source, "<customer schema check>", "exec"), namespace)
    check: Check = namespace["check"]
    return check


class _Emitter:
    """Writes the Python statements that check one schema node; each failure returns False."""

    def __init__(self, defs: Mapping[str, Any]) -> None:
        self.defs = defs
        self.constants: dict[str, Any] = {}
        self.count = 0

    def name(self, prefix: str, value: Any = None) -> str:
        self.count += 1
        name = f"{prefix}{self.count}"
        if value is not None:
            self.constants[name] = value
        return name

    def node(self, node: Mapping[str, Any], v: str, depth: int) -> list[str]:
        unknown = {k for k in set(node) - _KNOWN if not k.startswith("x-")}  # x-: annotations
        if unknown:
            raise ValueError(f"schema keywords {sorted(unknown)} are not supported")
        pad = "    " * depth
        lines: list[str] = []
        if "$ref" in node:
            lines += self.node(self.defs[str(node["$ref"]).removeprefix("#/$defs/")], v, depth)
        if "type" in node:
            kinds = [node["type"]] if isinstance(node["type"], str) else node["type"]
            test = " or ".join(_TYPE_TESTS[k].format(v=v) for k in kinds)
            lines.append(f"{pad}if not ({test}): return False")
        if "enum" in node:
            if not all(isinstance(e, str) for e in node["enum"]):
                raise ValueError("only enums of text are supported")
            enum = self.name("E", frozenset(node["enum"]))
            lines.append(f"{pad}if type({v}) is not str or {v} not in {enum}: return False")
        lines += self.scalar(node, v, pad)
        if "items" in node:
            item = self.name("i")
            lines += [f"{pad}if type({v}) is list:", f"{pad}    for {item} in {v}:"]
            lines += self.node(node["items"], item, depth + 2) or [f"{pad}        pass"]
        if {"properties", "required", "additionalProperties"} & set(node):
            lines += self.object(node, v, depth)
        return lines

    def scalar(self, node: Mapping[str, Any], v: str, pad: str) -> list[str]:
        lines = []
        for word, op in (("minimum", "<"), ("maximum", ">")):
            if word in node:
                lines.append(f"{pad}if type({v}) in _NUM and {v} {op} {node[word]!r}: return False")
        text = f"{pad}if type({v}) is str and "
        if "minLength" in node:
            lines.append(f"{text}len({v}) < {int(node['minLength'])}: return False")
        if "maxLength" in node:
            lines.append(f"{text}len({v}) > {int(node['maxLength'])}: return False")
        if "pattern" in node:
            search = self.name("P", re.compile(node["pattern"]).search)
            lines.append(f"{text}{search}({v}) is None: return False")
        return lines

    def object(self, node: Mapping[str, Any], v: str, depth: int) -> list[str]:
        pad = "    " * depth
        props: Mapping[str, Any] = node.get("properties", {})
        required = node.get("required", ())
        extra = node.get("additionalProperties", True)
        lines = [f"{pad}if type({v}) is dict:"]
        if required:
            lines.append(
                f"{pad}    if not {self.name('R', frozenset(required))} <= {v}.keys(): return False"
            )
        if extra is False:
            lines.append(
                f"{pad}    if not {v}.keys() <= {self.name('A', frozenset(props))}: return False"
            )
        for prop, sub in props.items():
            value = self.name("x")
            if prop in required:
                lines += [f"{pad}    {value} = {v}[{prop!r}]", *self.node(sub, value, depth + 1)]
            elif self.accepts_none(sub):  # absent reads as None, which it accepts anyway
                lines += [
                    f"{pad}    {value} = {v}.get({prop!r})",
                    *self.node(sub, value, depth + 1),
                ]
            else:
                lines += [f"{pad}    {value} = {v}.get({prop!r}, _MISSING)"]
                lines += [
                    f"{pad}    if {value} is not _MISSING:",
                    *self.node(sub, value, depth + 2),
                ]
        if isinstance(extra, Mapping):
            key = self.name("k")
            body = self.node(extra, f"{v}[{key}]", depth + 2)
            known = self.name("A", frozenset(props))
            lines += [f"{pad}    for {key} in {v}.keys() - {known}:", *body] if body else []
        return lines if len(lines) > 1 else []

    def accepts_none(self, node: Mapping[str, Any]) -> bool:
        """Whether ``node`` accepts null (so a missing key may be checked as null)."""
        while "$ref" in node and "type" not in node:
            node = self.defs[str(node["$ref"]).removeprefix("#/$defs/")]
        kinds = node.get("type", ())
        return "enum" not in node and ("null" in kinds if isinstance(kinds, list) else False)


# --- wording jsonschema's errors for people --------------------------------------------------
