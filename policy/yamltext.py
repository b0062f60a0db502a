"""Texts in a policy file: no character that acts on a terminal or hides in a spreadsheet.

A policy's labels, names, reasons and keys are shown by every table, report, workbook and the
terminal UI. A control character (``ESC]0;…BEL``), a bidirectional override (``U+202E``) or a
zero-width character in one would reach each of them: escaped on a terminal, but refused by a
workbook (Excel has no cell for it) and raw in a CSV file. So every text is checked on its YAML
node, as numbers are (``yamlnumbers``), and refused with its line. Tabs and line breaks, which
a YAML block text may hold, are allowed. The characters are those ``document.characters``
refuses in a customer's id or name (a test holds the two together).
"""

from __future__ import annotations

import re

import yaml

from creditfile.policy.errors import PolicyProblem, format_path, phrase, policy_problem

UNSAFE_IN_POLICY = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f"
    "\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb"
    "\ud800-\udfff\U000e0000-\U000e007f]"
)
_STR = "tag:yaml.org,2002:str"


def text_problems(root: yaml.Node, file: str) -> list[PolicyProblem]:
    """A located problem for every text of the document holding an unsafe character."""
    problems: list[PolicyProblem] = []
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, tuple[str | int, ...]]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        if id(node) in seen:  # an alias: checked where it was written
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            found = UNSAFE_IN_POLICY.search(str(node.value)) if node.tag == _STR else None
            if found:
                mark = node.start_mark
                said = phrase(
                    "U+{code} (a control, invisible or direction character) at character "
                    "{position}; a policy's texts are shown on terminals and in workbooks: "
                    "remove it",
                    code=format(ord(found.group()), "04X"),
                    position=found.start() + 1,
                )
                where = format_path(path)
                problems.append(policy_problem(file, mark.line + 1, mark.column + 1, where, said))
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.append((key, path))
                stack.append((value, (*path, str(key.value))))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, (*path, index)) for index, item in enumerate(node.value))
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0))
