"""Every command starts without loading what only one command needs.

A nightly ``regrade`` or a clerk's ``show`` should not pay for the pinyin dictionary (0.7 s of
CPU to load) or the completion generator: only a search and ``completion`` load them.
"""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import sys
from creditfile.cli.program import build_parser
build_parser()
print(",".join(sorted(m for m in ("pypinyin", "shtab", "textual", "openpyxl") if m in sys.modules)))
"""


def test_building_the_command_line_loads_no_search_completion_ui_or_workbook_library() -> None:
    out = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == ""
