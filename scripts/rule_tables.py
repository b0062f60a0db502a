"""Regenerate ``policy/rule_parsetab.py``, rule-engine's parser tables, for the installed version.

    python scripts/rule_tables.py

Run it after upgrading rule-engine when ``tests/policy/test_rule_tables.py`` says the tables no
longer match (``policy.rule_tables`` explains why they are shipped).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

TARGET = Path(__file__).resolve().parent.parent / "policy" / "rule_parsetab.py"


def main() -> int:
    """Build the tables with ply, as rule-engine does on import, and write them to TARGET."""
    from rule_engine import __version__
    from rule_engine._vendor.ply import yacc
    from rule_engine.parser import Parser

    with tempfile.TemporaryDirectory() as folder:
        yacc.yacc(
            module=Parser(),
            debug=False,
            write_tables=True,
            outputdir=folder,
            tabmodule="rule_parsetab",
        )
        built = Path(folder) / "rule_parsetab.py"
        text = built.read_text(encoding="utf-8")
    header = (
        f"# rule-engine {__version__}'s parser tables, written by scripts/rule_tables.py.\n"
        "# Generated: do not edit. See policy/rule_tables.py.\n"
    )
    TARGET.write_text(header + text, encoding="utf-8")
    print(f"wrote {TARGET} for rule-engine {__version__}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
