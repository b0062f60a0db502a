"""The ``creditfile`` command line: a thin adapter over policy, engine and store."""

from __future__ import annotations

import argparse
import gc
import importlib
import io
import os
import signal
import sys
from collections.abc import Sequence
from typing import NoReturn

from creditfile import __version__
from creditfile.cli.completion import Parser
from creditfile.cli.env import Env, UiLauncher, UsageError
from creditfile.cli.table import configure as configure_tables
from creditfile.policy import CreditfileError, PolicyError
from creditfile.presentation.language import LANGS
from creditfile.presentation.translation import N_, _, error_text, set_language

# argparse's own words that people see, translated through our catalogue: Python ships no
# Chinese for them, and argparse looks its ``_`` up at each call (see ``speak_argparse``).
ARGPARSE_WORDS = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("unrecognized arguments: %s"),
    N_("the following arguments are required: %s"),
    N_("expected one argument"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("%(prog)s: error: %(message)s\n"),
)


def speak_argparse() -> None:
    """Have argparse's usage, headings and errors speak the language in force."""
    setattr(argparse, "_", _)  # noqa: B010 - argparse has no hook; its stubs do not declare _


# Each module registers its own subcommand; the TUI is imported only when it is run.
COMMAND_MODULES = (
    "creditfile.cli.commands.tui_cmd",
    "creditfile.cli.commands.demo",
    "creditfile.cli.commands.import_cmd",
    "creditfile.cli.commands.export",
    "creditfile.cli.commands.regrade",
    "creditfile.cli.commands.explain",
    "creditfile.cli.commands.show",
    "creditfile.cli.commands.list_cmd",
    "creditfile.cli.commands.history",
    "creditfile.cli.commands.runs",
    "creditfile.cli.commands.duplicates",
    "creditfile.cli.commands.merge",
    "creditfile.cli.commands.quote",
    "creditfile.cli.commands.demand",
    "creditfile.cli.commands.allocate",
    "creditfile.cli.commands.market",
    "creditfile.cli.commands.policy_cmd",
    "creditfile.cli.commands.report",
    "creditfile.cli.commands.template",
    "creditfile.cli.commands.form",
    "creditfile.cli.commands.doctor",
    "creditfile.cli.commands.db",
    "creditfile.cli.commands.completion",
)


def global_options(*, suppress: bool) -> argparse.ArgumentParser:
    """The options every command accepts, before or after the command name."""
    default = argparse.SUPPRESS if suppress else None
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--db",
        metavar="PATH",
        default=default,
        help=_("the archive file (default: $CREDITFILE_DB, else the user data dir)"),
    )
    parent.add_argument(
        "--policy",
        metavar="PATH",
        default=default,
        help=_(
            "the policy file (default: $CREDITFILE_POLICY, else the archive's "
            "active policy, else the shipped default)"
        ),
    )
    parent.add_argument(
        "--actor",
        metavar="NAME",
        default=default,
        help=_("who is acting, for the history (default: the OS user)"),
    )
    parent.add_argument(
        "--wide",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help=_("tables at full width on a terminal: never drop or fold a column"),
    )
    parent.add_argument(
        "--json",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help=_("print one JSON document on stdout"),
    )
    parent.add_argument(
        "--lang",
        choices=LANGS,
        default=default,
        help=_(
            "language of messages, help, tables and the terminal UI "
            "(default: the locale: LANGUAGE, LC_ALL, LC_MESSAGES, LANG)"
        ),
    )
    return parent


def language_asked(argv: Sequence[str]) -> str | None:
    """The ``--lang`` given on the command line, read before the parser is built (its help is
    in that language); None when absent or not ``zh``/``en``."""
    for index, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and index + 1 < len(argv):
            value = argv[index + 1]
        elif arg.startswith("--lang="):
            value = arg.removeprefix("--lang=")
        else:
            continue
        return value if value in LANGS else None
    return None


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, with every registered command."""
    parser = Parser(
        prog="creditfile",
        parents=[global_options(suppress=False)],
        description=_("Customer credit archives graded A/B/C under a YAML credit policy."),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"creditfile {__version__}",
        help=_("show the version and exit"),
    )
    sub = parser.add_subparsers(dest="command", metavar=_("COMMAND"))
    parent = global_options(suppress=True)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(sub, parent)
    return parser


def main(argv: Sequence[str] | None = None, *, open_ui: UiLauncher | None = None) -> int:
    """Run one command; return its exit code (0 ok, 1 invalid input, 2 usage).

    Args:
        argv: The arguments (default: the process's).
        open_ui: Starts the terminal UI for ``creditfile tui``; the program at the namespace
            root (``creditfile.launch``) passes it, so the command line never imports the UI.
    """
    arguments = list(sys.argv[1:] if argv is None else argv)
    set_language(language_asked(arguments))
    speak_argparse()
    parser = build_parser()
    args = parser.parse_args(arguments)
    if args.command is None:
        args = parser.parse_args([*arguments, "tui"])
    env = Env(args, open_ui=open_ui)
    configure_tables(env.stdout, wide=bool(getattr(args, "wide", False)))
    if args.command != "tui":
        # A command runs once and exits; its data (JSON documents) has no reference cycles.
        # Without this, every batch of new gradings makes the collector walk the whole
        # archive again: a 100,000-customer regrade took five times as long.
        gc.disable()
    _interrupt_as_usual()
    try:
        code: int = args.handler(args, env)
    except UsageError as exc:
        parser.exit(2, f"creditfile: {exc}\n")
    except PolicyError as exc:
        for problem in exc.problems:
            env.warn(problem.text(_))
        return 1
    except CreditfileError as exc:
        env.warn(f"creditfile: {error_text(exc)}")
        return 1
    except KeyboardInterrupt:
        env.warn(_("creditfile: interrupted; nothing was written by the unfinished step"))
        return 130
    except BrokenPipeError:
        return 0
    return code


def _interrupt_as_usual() -> None:
    """Ctrl+C raises KeyboardInterrupt again once a command runs (each command says what it
    kept), where the program's launcher made it end the process quietly while loading."""
    if getattr(signal.getsignal(signal.SIGINT), "while_loading", False):
        signal.signal(signal.SIGINT, signal.default_int_handler)


def entry(open_ui: UiLauncher | None = None) -> NoReturn:
    """The ``creditfile`` program: run ``main``, then leave without tearing the heap down.

    After a command on a large archive the process holds millions of small objects (100,000
    records are about 1.5 GB of them); freeing them one by one at interpreter exit took over a
    second and did nothing useful. Every file the commands write is closed and synced by then,
    so only the standard streams need flushing.
    """
    for stream in (sys.stdout, sys.stderr):
        # A terminal or pipe whose encoding has no Chinese (PYTHONIOENCODING=ascii, a latin-1
        # locale) shows what it cannot encode as escapes (\u5b8f) instead of ending in a
        # traceback at the first Chinese word.
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    try:
        code = main(open_ui=open_ui)
    except KeyboardInterrupt:
        # Before the command started (reading the arguments, loading its modules): nothing
        # was done, so nothing is said; during the command ``main`` says what was kept.
        code = 130
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):
            pass  # the reader is gone, or the stream was closed: nothing left to tell
        except OSError:
            code = code or 120  # what Python itself answers when its output cannot be written
    os._exit(code)
