"""The layers as docs/architecture.md draws them, held to the code's own imports."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FLOORS = {
    "policy": 0,
    "document": 1,
    "engine": 2,
    "reports": 3,
    "store": 3,
    "presentation": 4,
    "formats": 5,
    "spreadsheets": 5,
    "htmlreport": 5,
    "demodata": 5,
    "application": 6,
    "cli": 7,
    "tui": 7,
}
"""Each package may import only packages on lower floors (and itself)."""

STORE_INSIDE = {"framing", "lines", "snapshot", "storage", "peek", "bookkeeping", "locking"}
"""Modules of the store no other package may name: its bytes and its bookkeeping."""


def _imports(package: str) -> Iterator[tuple[str, str]]:
    for path in (ROOT / package).rglob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                yield str(path.relative_to(ROOT)), node.module
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    yield str(path.relative_to(ROOT)), alias.name


def test_every_package_imports_only_the_floors_below_it() -> None:
    upward = []
    for package, floor in FLOORS.items():
        for where, module in _imports(package):
            parts = module.split(".")
            if parts[0] != "creditfile" or len(parts) < 2 or parts[1] not in FLOORS:
                continue
            target = parts[1]
            if target == package or FLOORS[target] < floor:
                continue
            upward.append(f"{where} imports {module}")
    assert upward == []


def test_nothing_outside_the_store_names_its_inside() -> None:
    crossing = [
        f"{where} imports {module}"
        for package in FLOORS
        if package != "store"
        for where, module in _imports(package)
        if module.startswith("creditfile.store.") and module.split(".")[2] in STORE_INSIDE
    ]
    assert crossing == []


def test_the_ui_never_imports_the_command_line() -> None:
    assert [m for _, m in _imports("tui") if m.startswith("creditfile.cli")] == []


def test_front_ends_run_no_grading_or_report_of_their_own() -> None:
    """The command line and the UI take types and names from the engine and the reports, but
    every grading, validation and analysis they show comes through the application layer."""
    import importlib
    import inspect

    called = []
    for package in ("cli", "tui"):
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text("utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.ImportFrom) or not node.module:
                    continue
                parts = node.module.split(".")
                if len(parts) < 2 or parts[:1] != ["creditfile"]:
                    continue
                if parts[1] not in ("engine", "reports"):
                    continue
                module = importlib.import_module(node.module)
                for alias in node.names:
                    value = getattr(module, alias.name, None)
                    if inspect.isfunction(value):
                        called.append(f"{path.relative_to(ROOT)}: {node.module}.{alias.name}")
    assert called == []
