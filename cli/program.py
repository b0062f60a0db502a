"""The ``creditfile`` command line: a thin adapter over policy, engine and store."""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from creditfile import __version__
from creditfile.cli.completion import Parser
from creditfile.cli.env import Env, UiLauncher, UsageError
from creditfile.cli.table import configure as configure_tables
from creditfile.policy import CreditfileError, PolicyError

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
    "creditfile.cli.commands.policy_cmd",
    "creditfile.cli.commands.report",
    "creditfile.cli.commands.template",
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
        help="the archive file (default: $CREDITFILE_DB, else the user data dir)",
    )
    parent.add_argument(
        "--policy",
        metavar="PATH",
        default=default,
        help="the policy file (default: $CREDITFILE_POLICY, else the archive's "
        "active policy, else the shipped default)",
    )
    parent.add_argument(
        "--actor",
        metavar="NAME",
        default=default,
        help="who is acting, for the history (default: the OS user)",
    )
    parent.add_argument(
        "--wide",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="tables at full width on a terminal: never drop or fold a column",
    )
    parent.add_argument(
        "--json",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="print one JSON document on stdout",
    )
    return parent


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, with every registered command."""
    parser = Parser(
        prog="creditfile",
        parents=[global_options(suppress=False)],
        description="Customer credit archives graded A/B/C under a YAML credit policy.",
    )
    parser.add_argument("--version", action="version", version=f"creditfile {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
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
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args([*(argv or sys.argv[1:]), "tui"])
    env = Env(args, open_ui=open_ui)
    configure_tables(env.stdout, wide=bool(getattr(args, "wide", False)))
    if args.command != "tui":
        # A command runs once and exits; its data (JSON documents) has no reference cycles.
        # Without this, every batch of new gradings makes the collector walk the whole
        # archive again: a 100,000-customer regrade took five times as long.
        gc.disable()
    try:
        code: int = args.handler(args, env)
    except UsageError as exc:
        parser.exit(2, f"creditfile: {exc}\n")
    except PolicyError as exc:
        for problem in exc.problems:
            env.warn(str(problem))
        return 1
    except CreditfileError as exc:
        env.warn(f"creditfile: {exc}")
        return 1
    except KeyboardInterrupt:
        env.warn("creditfile: interrupted; nothing was written by the unfinished step")
        return 130
    except BrokenPipeError:
        return 0
    return code


def entry(open_ui: UiLauncher | None = None) -> NoReturn:
    """The ``creditfile`` program: run ``main``, then leave without tearing the heap down.

    After a command on a large archive the process holds millions of small objects (100,000
    records are about 1.5 GB of them); freeing them one by one at interpreter exit took over a
    second and did nothing useful. Every file the commands write is closed and synced by then,
    so only the standard streams need flushing.
    """
    code = main(open_ui=open_ui)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):
            pass  # the reader is gone, or the stream was closed: nothing left to tell
        except OSError:
            code = code or 120  # what Python itself answers when its output cannot be written
    os._exit(code)
