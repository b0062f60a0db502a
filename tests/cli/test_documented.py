"""Every command of the program is documented in the README."""

from __future__ import annotations

import argparse
from pathlib import Path

from creditfile.cli.program import build_parser

README = (Path(__file__).parents[2] / "README.md").read_text("utf-8")


def _commands(parser: argparse.ArgumentParser, prefix: str = "creditfile") -> list[str]:
    names = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                names.append(f"{prefix} {name}")
                names.extend(_commands(sub, f"{prefix} {name}"))
    return names


def test_every_command_is_in_the_readme() -> None:
    missing = [name for name in _commands(build_parser()) if f"`{name}" not in README]
    assert not missing, f"document these commands in README.md: {missing}"


def test_headless_import_does_not_load_textual() -> None:
    import subprocess
    import sys

    code = (
        "import sys, creditfile.cli.program; creditfile.cli.program.build_parser(); "
        "print('textual' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
