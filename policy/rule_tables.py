"""rule-engine, imported with its parser tables read from this package instead of rebuilt.

rule-engine builds the LALR tables of its grammar with ply each time it is imported: about
0.5 s of every command's start-up (and of the terminal UI's), spent before any work. ply reads
prebuilt tables from the module ``rule_engine.parser.parsetab`` when the grammar signature
recorded in them matches the grammar it is given, and builds them as before when it does not;
so tables written for another rule-engine version cost start-up time, never correctness.
``scripts/rule_tables.py`` writes them; ``tests/policy/test_rule_tables.py`` fails when they no
longer match the installed rule-engine.
"""

from __future__ import annotations

import sys

from creditfile.policy import rule_parsetab

sys.modules.setdefault("rule_engine.parser.parsetab", rule_parsetab)

import rule_engine  # noqa: E402 - only after the tables are in place

__all__ = ["rule_engine"]
