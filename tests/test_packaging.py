"""A plain (non-editable) install carries the default policy, its tests and the schemas."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).parents[1]


def test_wheel_contains_package_data(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                    "--quiet", "-w", str(tmp_path), str(ROOT)], check=True, cwd=tmp_path,
                   capture_output=True, timeout=300)
    (wheel,) = tmp_path.glob("creditfile-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("policy/default.yaml", "policy/default.tests.yaml",
                   "policy/schema/policy.schema.json", "policy/schema/customer.schema.json",
                   "creditfile/cli.py", "creditfile/commands/regrade.py", "store/archive.py",
                   "engine/grading.py", "tui/app.py", "tui/card/screen.py", "tui/card/card.tcss",
                   "tui/screens/list_screen.py", "tui/widgets/__init__.py"):
        assert needed in names, f"{needed} missing from {wheel.name}"
    assert any(name.startswith("tui/") and name.endswith(".tcss") for name in names)
