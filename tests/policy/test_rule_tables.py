"""The rule-engine parser tables shipped in ``policy/rule_parsetab.py`` (see policy.rule_tables)."""

from __future__ import annotations

import subprocess
import sys


def test_shipped_tables_match_the_installed_rule_engine() -> None:
    from rule_engine._vendor.ply import yacc
    from rule_engine.parser import Parser

    from creditfile.policy import rule_parsetab

    parser = Parser()
    # The grammar description ply signs, gathered as ply.yacc.yacc gathers it.
    found = {name: getattr(parser, name) for name in dir(parser)}
    reflect = yacc.ParserReflect(found)
    reflect.get_all()
    assert rule_parsetab._lr_signature == reflect.signature(), (
        "policy/rule_parsetab.py was written for another rule-engine version: "
        "run `python scripts/rule_tables.py` and commit the result"
    )


def test_the_shipped_tables_are_the_ones_used_and_conditions_still_work() -> None:
    code = (
        "import time; t = time.perf_counter()\n"
        "from creditfile.policy.rule_tables import rule_engine\n"
        "import rule_engine.parser as p, sys\n"
        "assert sys.modules['rule_engine.parser.parsetab'].__name__ == 'creditfile.policy.rule_parsetab'\n"
        "ctx = rule_engine.Context(type_resolver=rule_engine.type_resolver_from_dict("
        "{'n': rule_engine.DataType.FLOAT}))\n"
        "rule = rule_engine.Rule('n >= 3 and n < 10', context=ctx)\n"
        "print(rule.matches({'n': 5}), rule.matches({'n': 12}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "False"]
    assert done.stderr == ""  # ply warns on stderr when it cannot read tables
