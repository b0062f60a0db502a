"""Safe YAML parsing that keeps where every key and value stood in the file."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from creditfile.policy.errors import (
    N_,
    Phrase,
    PolicyProblem,
    format_path,
    phrase,
    policy_problem,
    verbatim,
)
from creditfile.policy.yamlnumbers import number_problems
from creditfile.policy.yamltext import text_problems

Path = tuple[str | int, ...]

MAX_BYTES = 1_000_000
MAX_NODES = 200_000
MAX_VALUES = 20_000  # the shipped policy has about 150; PyYAML needs seconds for 100,000
MAX_DEPTH = 20  # the shipped policy nests 4 deep; PyYAML's composer recurses per level


class _TooDeepError(yaml.MarkedYAMLError):
    """Collections nested deeper than ``MAX_DEPTH``."""


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text and refuses deep nesting, each with a line number."""

    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        """Compose as PyYAML does, refusing nesting past ``MAX_DEPTH`` before it recurses."""
        if self._depth >= MAX_DEPTH:
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise _TooDeepError(problem="nested too deeply", problem_mark=mark)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _timestamp_as_text(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    return loader.construct_scalar(node)  # type: ignore[arg-type]


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)


@dataclass
class YamlDocument:
    """Parsed data plus the (line, column) of each path, 1-based."""

    data: Any
    marks: dict[Path, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def locate(self, path: Path, *, key: bool = False) -> tuple[int | None, int | None]:
        """Where ``path`` stands, or its nearest existing parent."""
        probe = tuple(path)
        while True:
            found = (self.key_marks.get(probe) if key else None) or self.marks.get(probe)
            if found:
                return found
            if not probe:
                return None, None
            probe = probe[:-1]


def parse_yaml(text: str, file: str) -> tuple[YamlDocument | None, list[PolicyProblem]]:
    """Parse ``text``; return the document or the problems that stop parsing.

    Refuses duplicate keys, alias bombs and oversized files with located messages.
    """
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        return None, [
            policy_problem(
                file,
                None,
                None,
                "",
                phrase(
                    "file is larger than {limit} bytes; a policy is a few kilobytes — is this "
                    "the right file?",
                    limit=MAX_BYTES,
                ),
            )
        ]
    rough = text.count(",") + text.count("\n")
    if rough > MAX_VALUES:
        return None, [
            policy_problem(
                file,
                None,
                None,
                "",
                phrase(
                    "the file holds about {count} values; a policy holds a few hundred — is "
                    "this the right file?",
                    count=format(rough, ","),
                ),
            )
        ]
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            problems = _structure_problems(node, file)
            if problems:
                return None, problems
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except _TooDeepError as exc:
        mark = exc.problem_mark
        return None, [
            policy_problem(
                file,
                mark.line + 1 if mark else None,
                mark.column + 1 if mark else None,
                "",
                phrase(
                    "lists and mappings are nested more than {limit} deep here; a policy "
                    "nests 4 deep (see policy/default.yaml)",
                    limit=MAX_DEPTH,
                ),
            )
        ]
    except RecursionError:
        return None, [
            policy_problem(
                file, 1, 1, "", phrase("anchors and aliases nest too deeply; write the values out")
            )
        ]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        message = phrase(
            "YAML syntax error: {reason}; check indentation and quoting around this point",
            reason=yaml_reason(exc.problem or exc.context or ""),
        )
        return None, [policy_problem(file, line, col, "", message)]
    except yaml.reader.ReaderError as exc:
        line, col = _position(text, exc.position)
        return None, [
            policy_problem(
                file,
                line,
                col,
                "",
                phrase(
                    "character {character} is not allowed in YAML; remove it or save the file "
                    "as UTF-8 text",
                    character=repr(exc.character),
                ),
            )
        ]
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        message = phrase("YAML error: {reason}", reason=verbatim(first))
        return None, [policy_problem(file, None, None, "", message)]
    doc = YamlDocument(data)
    if node is not None:
        _record_marks(node, (), doc)
    return doc, []


# What PyYAML says of a file it cannot parse (by the start of its words), worded for a person;
# PyYAML's own words are English.
_YAML_REASONS = (
    ("expected the node content", N_("a value is missing here (a bracket or quote not closed?)")),
    ("mapping values are not allowed here", N_("a colon where none may stand: put text with "
                                                "': ' in quotes")),
    ("could not find expected ':'", N_("a colon (:) is missing after a key")),
    ("found character '\\t' that cannot start any token", N_("a tab: indent with spaces")),
    ("found a tab character", N_("a tab: indent with spaces")),
    ("found character", N_("a character that cannot start a value here; put the value in "
                           "quotes")),
    ("expected <block end>", N_("this line's indentation does not match the lines above")),
    ("did not find expected key", N_("this line's indentation does not match the lines above")),
    ("did not find expected '-' indicator", N_("this list item's indentation does not match "
                                               "the items above")),
    ("found unexpected end of stream", N_("the file ends inside quotes; close them")),
    ("expected ',' or ']'", N_("a comma or the closing ] is missing")),
    ("expected ',' or '}'", N_("a comma or the closing }} is missing")),
    ("found undefined alias", N_("an alias (*name) with no anchor (&name) before it")),
    ("found unknown escape character", N_("a backslash escape YAML does not have; use single "
                                          "quotes")),
    ("expected a comment or a line break", N_("more text after a value on this line")),
    ("found unhashable key", N_("a list or mapping used as a key")),
    ("found unexpected ':'", N_("a colon where none may stand: put text with ': ' in quotes")),
)  # fmt: skip


def yaml_reason(said: str) -> Phrase:
    """What PyYAML said (``problem`` of its error) as a phrase: its common reasons worded from
    the catalogue, any other in its own words."""
    for start, reason in _YAML_REASONS:
        if said.startswith(start):
            return Phrase(reason)
    return verbatim(said)


def _position(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def _structure_problems(node: yaml.Node | None, file: str) -> list[PolicyProblem]:
    problems: list[PolicyProblem] = []
    if node is None:
        message = phrase("the file is empty; start from policy/default.yaml")
        return [policy_problem(file, 1, 1, "", message)]
    if _expanded_size(node, {}) > MAX_NODES:
        return [
            policy_problem(
                file,
                node.start_mark.line + 1,
                1,
                "",
                phrase("anchors and aliases expand to too many values; write it out"),
            )
        ]
    numbers = number_problems(node, file) + text_problems(node, file)
    if numbers:
        return sorted(numbers, key=lambda p: (p.line or 0, p.column or 0))
    for path, key_node, first_line in _duplicate_keys(node, ()):
        problems.append(
            policy_problem(
                file,
                key_node.start_mark.line + 1,
                key_node.start_mark.column + 1,
                format_path(path),
                phrase(
                    "duplicate key (first given on line {line}); YAML would silently keep only "
                    "the last one — remove one of them",
                    line=first_line,
                ),
            )
        )
    return problems


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    # Aliases share nodes; counting with a memo measures the expanded size without expanding.
    if id(node) in memo:
        return memo[id(node)]
    memo[id(node)] = MAX_NODES + 1  # a cycle counts as too large
    size = 1
    if isinstance(node, yaml.MappingNode):
        size += sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
    elif isinstance(node, yaml.SequenceNode):
        size += sum(_expanded_size(item, memo) for item in node.value)
    memo[id(node)] = min(size, MAX_NODES + 1)
    return memo[id(node)]


def _duplicate_keys(node: yaml.Node, path: Path) -> Iterator[tuple[Path, yaml.Node, int]]:
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                yield (*path, key), key_node, seen[key]
            else:
                seen[key] = key_node.start_mark.line + 1
            yield from _duplicate_keys(value_node, (*path, key))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _duplicate_keys(item, (*path, index))


def _record_marks(node: yaml.Node, path: Path, doc: YamlDocument) -> None:
    doc.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            child = (*path, str(key_node.value))
            doc.key_marks[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            _record_marks(value_node, child, doc)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_marks(item, (*path, index), doc)
