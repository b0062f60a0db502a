"""Shell completion scripts (through shtab) and "did you mean" for mistyped commands."""

from __future__ import annotations

import argparse
import difflib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from creditfile.presentation.inert import terminal_text

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

SHELLS = ("bash", "zsh", "fish")

# Every other command imports this module to build its parser; shtab (0.4 s to load) is loaded
# only when a completion script is asked for.
FILE_METAVARS = {"FILE", "PATH", "TESTFILE"}


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` that suggests the closest command for a mistyped one.

    Subcommand parsers are made by ``add_parser`` with the same class, so ``policy chek`` is
    answered as ``regrad`` is.
    """

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        # Usage errors repeat what was typed ("unrecognized arguments: …"): escaped, like all
        # output, so that an argument cannot steer the terminal.
        super()._print_message(terminal_text(message, lines=True) if message else message, file)

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        choices = action.choices
        if choices is None or not isinstance(value, str) or value in choices:
            super()._check_value(action, value)
            return
        names = [str(choice) for choice in choices]
        close = difflib.get_close_matches(value, names, n=1, cutoff=0.6)
        if not close:
            super()._check_value(action, value)
            return
        raise argparse.ArgumentError(
            action, f"invalid choice: {value!r}; did you mean {close[0]!r}?"
        )


def _actions(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.Action]]:
    """Every argument of ``parser`` and its subcommands, with the command words leading to it."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from _actions(child, (*path, name))
        else:
            yield path, action


def _completion_of(path: tuple[str, ...], action: argparse.Action) -> Any:
    """What a file-taking argument completes to, by its ``dest``; anything else that names a
    file (metavar FILE or PATH) completes to any file."""
    import shtab

    policy_files = shtab.glob("*.yaml", "*.yml")
    by_dest = {"policy", "old", "new", "tests"}
    if action.dest in by_dest:
        return policy_files
    if action.dest == "db":
        return shtab.glob("*.json")
    if action.dest in ("file", "files") and path[:1] == ("policy",):
        return policy_files
    if action.dest == "files" and path[:1] == ("import",):
        return shtab.glob("*.json", "*.jsonl", "*.csv", "*.xlsx")
    if action.metavar in FILE_METAVARS:
        return shtab.FILE
    return None


def mark_files(parser: argparse.ArgumentParser) -> None:
    """Tell shtab which arguments complete to files, and of which kinds."""
    for path, action in _actions(parser):
        completion = _completion_of(path, action)
        if completion is not None:
            action.complete = completion  # type: ignore[attr-defined]


def script(parser: argparse.ArgumentParser, shell: str) -> str:
    """The completion script of ``parser`` for ``shell`` (one of :data:`SHELLS`)."""
    import shtab

    mark_files(parser)
    text: str = shtab.complete(parser, shell=shell)
    return text
