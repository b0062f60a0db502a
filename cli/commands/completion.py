"""``creditfile completion bash|zsh|fish``: print a shell completion script."""

from __future__ import annotations

import argparse
from typing import Any

from creditfile.cli.completion import SHELLS, script
from creditfile.cli.env import Env
from creditfile.presentation.translation import _

INSTALL = {
    "bash": 'eval "$(creditfile completion bash)"   # in ~/.bashrc',
    "zsh": 'eval "$(creditfile completion zsh)"    # in ~/.zshrc, after compinit',
    "fish": "creditfile completion fish > ~/.config/fish/completions/creditfile.fish",
}


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    """Add the ``completion`` command."""
    parser = sub.add_parser(
        "completion",
        help=_("print a shell completion script"),
        description=_("Print the completion script for a shell. Install it with:")
        + "\n  "
        + "\n  ".join(INSTALL.values()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("shell", choices=SHELLS)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, env: Env) -> int:
    """Print the script for the whole command line, every command and option included."""
    from creditfile.cli.program import build_parser

    env.say(script(build_parser(), args.shell).rstrip("\n"))
    return 0
