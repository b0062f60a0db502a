"""Run mypy on the installed layout: ``creditfile.*`` as pyproject's package-dir maps it.

The repository keeps one folder per layer at its top (``policy/``, ``engine/`` …) and setuptools
installs each under the ``creditfile`` name. mypy resolves modules by folder, so this builds a
tree of symlinks with that layout under ``build/typecheck`` and checks it; every error names the
file by its path in the repository.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TREE = ROOT / "build" / "typecheck"


def build_tree() -> None:
    """``build/typecheck/creditfile/…`` as symlinks to the repository's folders."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    mapping: dict[str, str] = config["tool"]["setuptools"]["package-dir"]
    package = TREE / "creditfile"
    if package.exists():
        for entry in package.iterdir():
            if entry.is_dir() and not entry.is_symlink():  # a __pycache__ made through the tree
                shutil.rmtree(entry)
            else:
                entry.unlink()
    package.mkdir(parents=True, exist_ok=True)
    for entry in (ROOT / mapping["creditfile"]).iterdir():
        if entry.suffix == ".py":
            (package / entry.name).symlink_to(entry)
    for name, folder in mapping.items():
        if name != "creditfile":
            (package / name.split(".", 1)[1]).symlink_to(ROOT / folder)


def main() -> int:
    """Build the tree, run mypy, print its report with repository paths."""
    build_tree()
    done = subprocess.run(
        [sys.executable, "-m", "mypy", *sys.argv[1:]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    prefix = os.path.relpath(TREE / "creditfile", ROOT) + os.sep
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    mapping = config["tool"]["setuptools"]["package-dir"]
    for line in (done.stdout + done.stderr).splitlines():
        print(_repository_path(line, prefix, mapping))
    return done.returncode


def _repository_path(line: str, prefix: str, mapping: dict[str, str]) -> str:
    """``line`` with a path of the symlink tree turned into the repository's own path."""
    if not line.startswith(prefix):
        return line
    rest = line[len(prefix) :]
    first, _, tail = rest.partition(os.sep)
    folder = mapping.get(f"creditfile.{first}")
    return f"{folder}{os.sep}{tail}" if folder and tail else f"creditfile{os.sep}{rest}"


if __name__ == "__main__":
    sys.exit(main())
