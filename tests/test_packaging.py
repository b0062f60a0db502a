"""A plain (non-editable) install carries the default policy, its tests and the schemas."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).parents[1]


def test_wheel_contains_package_data(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        cwd=tmp_path,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("creditfile-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "policy/default.yaml",
        "policy/default.tests.yaml",
        "policy/schema/policy.schema.json",
        "document/customer.schema.json",
        "document/fields.py",
        "cli/program.py",
        "cli/commands/regrade.py",
        "store/archive.py",
        "engine/grading.py",
        "reports/review.py",
        "tui/app.py",
        "tui/card/screen.py",
        "tui/card/card.tcss",
        "tui/screens/list_screen.py",
        "tui/widgets/__init__.py",
        "htmlreport/templates/page.html.j2",
        "htmlreport/templates/macros.html.j2",
        "htmlreport/templates/style.css",
        "htmlreport/templates/sections/review.html.j2",
    ):
        assert f"creditfile/{needed}" in names, f"creditfile/{needed} missing from {wheel.name}"
    templates = {n for n in names if n.startswith("creditfile/htmlreport/templates/")}
    shipped = {
        "creditfile/" + str(p.relative_to(ROOT)).replace("\\", "/")
        for p in (ROOT / "htmlreport" / "templates").rglob("*")
        if p.is_file()
    }
    assert templates == shipped, f"report templates missing from the wheel: {shipped - templates}"
    # Nothing lands in site-packages under a generic name of its own.
    assert {name.split("/")[0] for name in names} <= {"creditfile", *DIST_INFO(names)}


def DIST_INFO(names: set[str]) -> set[str]:
    return {name.split("/")[0] for name in names if ".dist-info/" in name}


def test_every_package_folder_is_installed() -> None:
    """A folder of Python modules that pyproject does not map would be missing from a plain
    install while working in the editable one."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    folders = {Path(folder) for folder in config["package-dir"].values()}
    listed = set(config["packages"])
    for init in ROOT.glob("**/__init__.py"):
        folder = init.parent.relative_to(ROOT)
        top = Path(folder.parts[0])
        if top not in folders:
            continue
        mapped = next(n for n, f in config["package-dir"].items() if Path(f) == top)
        name = ".".join([mapped, *folder.parts[1:]])
        assert name in listed, f"{folder} holds modules but pyproject does not list {name}"
