"""No English sentence reaches a person around the catalogue: in the modules listed, every
message given to an exception, printed by a command (``env.say``, ``env.warn``) or returned as
a problem is marked for the catalogue (``_``, ``pgettext``, ``ngettext``, ``phrase``) rather
than written as a bare string or an f-string of words."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# The modules whose every message is worded through the catalogue (grow this list as modules
# are brought in; a module here stays clean).
CHECKED = (
    "cli/commands/doctor.py",
    "store/doctor.py",
    "store/bookkeeping.py",
    "store/storage.py",
    "cli/commands/demand.py",
    "cli/commands/allocate.py",
    "application/allocation.py",
    "reports/allocation.py",
    "store/errors.py",
    "store/database.py",
    "store/postgres.py",
    "store/pg_roles.py",
    "store/pg_schema.py",
    "store/pg_notify.py",
    "store/pg_personal.py",
    "store/pg_personal_rules.py",
    "engine/validation.py",
    "document/values.py",
    "document/identity.py",
    "document/id_number.py",
    "document/limits.py",
    "store/archive.py",
    "store/history.py",
    "store/locking.py",
    "store/paths.py",
    "store/snapshot.py",
    "formats/interchange.py",
    "spreadsheets/reading.py",
    "policy/loader.py",
    "application/trend.py",
    "application/quotes.py",
    "application/market.py",
    "application/market_file.py",
    "application/policy_tests.py",
    "application/policy_choice.py",
    "cli/commands/quote.py",
    "cli/commands/policy_cmd.py",
)
MARKERS = {"_", "N_", "pgettext", "ngettext", "npgettext", "phrase", "verbatim"}
# What people are told through: exceptions (a name ending in Error) and a command's lines.
SPEAKERS = re.compile(r"(Error|Problem)$|^(say|warn)$")
# Two English words (a value between them allowed): a sentence, not a key.
WORDS = re.compile(r"[A-Za-z]{3,} (?:{} )?[A-Za-z]{2,}")


def _called(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _bare_words(node: ast.AST) -> list[str]:
    """English text in ``node`` that is not inside a call of a catalogue marker."""
    if isinstance(node, ast.Call) and _called(node) in MARKERS:
        return []
    if isinstance(node, ast.Call) and _called(node) == "format":
        return _bare_words(node.func)
    if isinstance(node, ast.JoinedStr):  # an f-string: its words with {} for each value
        text = "".join(
            part.value if isinstance(part, ast.Constant) else "{}" for part in node.values
        )
        return [text] if WORDS.search(text) else []
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value] if WORDS.search(node.value) else []
    found: list[str] = []
    for child in ast.iter_child_nodes(node):
        found.extend(_bare_words(child))
    return found


def _unmarked(path: Path, root: Path = ROOT) -> list[str]:
    tree = ast.parse(path.read_text("utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and SPEAKERS.search(_called(node)):
            for argument in [*node.args, *(k.value for k in node.keywords)]:
                found.extend(
                    f"{path.relative_to(root)}:{node.lineno}: {text!r}"
                    for text in _bare_words(argument)
                )
    return found


@pytest.mark.parametrize("module", CHECKED)
def test_every_message_goes_through_the_catalogue(module: str) -> None:
    unmarked = _unmarked(ROOT / module)
    assert not unmarked, "English outside the catalogue:\n" + "\n".join(unmarked)


def test_the_check_finds_a_bare_message(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text(
        "def f(env, path, n):\n"
        "    env.say(f'kept {n} requests')\n"
        "    env.warn(_('nothing was kept').format())\n"
        "    raise StoreError(path, 'no such file here')\n"
        "    raise StoreError(path, phrase('no such file {path}', path=path))\n",
        "utf-8",
    )
    found = _unmarked(source, tmp_path)
    assert found == ["m.py:2: 'kept {} requests'", "m.py:4: 'no such file here'"]
