"""Shell completion scripts loaded in real shells, and "did you mean" for mistyped commands."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import Run

ROOT = Path(__file__).parents[2]


def _script(shell: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "creditfile", "completion", shell],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )
    return result.stdout


@pytest.fixture(scope="module")
def bash_script(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("completion") / "creditfile.bash"
    path.write_text(_script("bash"), encoding="utf-8")
    return path


def _complete(script: Path, line: str, cwd: Path) -> list[str]:
    """What TAB offers after ``line`` in bash, as bash's completion machinery computes it."""
    words = line.split(" ")
    program = f"""
        source {script}
        complete -p creditfile >&2
        COMP_WORDS=({" ".join(f"'{w}'" for w in words)})
        COMP_CWORD={len(words) - 1}
        COMP_LINE='{line}'
        COMP_POINT={len(line)}
        func=$(complete -p creditfile | sed -E 's/.*-F ([^ ]+).*/\\1/')
        "$func" creditfile '{words[-1]}' '{words[-2]}'
        printf '%s\\n' "${{COMPREPLY[@]}}"
    """
    result = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", program],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
        check=True,
    )
    assert "complete" in result.stderr and "creditfile" in result.stderr
    return sorted(filter(None, (w.strip() for w in result.stdout.splitlines())))


def test_bash_completes_commands(bash_script: Path, tmp_path: Path) -> None:
    assert _complete(bash_script, "creditfile re", tmp_path) == ["regrade", "report"]
    assert _complete(bash_script, "creditfile report c", tmp_path) == ["composition", "credit"]
    assert _complete(bash_script, "creditfile policy ", tmp_path) == [
        "activate",
        "check",
        "diff",
        "history",
        "show",
        "test",
    ]


def test_bash_completes_options(bash_script: Path, tmp_path: Path) -> None:
    assert _complete(bash_script, "creditfile regrade --d", tmp_path) == ["--db", "--dry-run"]
    assert "--include-personal" in _complete(bash_script, "creditfile export --", tmp_path)
    assert _complete(bash_script, "creditfile export --format ", tmp_path) == [
        "csv",
        "json",
        "jsonl",
        "xlsx",
    ]


def test_bash_completes_the_right_kind_of_file(bash_script: Path, tmp_path: Path) -> None:
    for name in ("客户.csv", "book.xlsx", "notes.txt", "policy.yaml", "archive.json"):
        (tmp_path / name).write_text("", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    imported = _complete(bash_script, "creditfile import ", tmp_path)
    assert {"客户.csv", "book.xlsx", "archive.json"} <= set(imported)
    assert "notes.txt" not in imported and "policy.yaml" not in imported
    policies = _complete(bash_script, "creditfile policy check ", tmp_path)
    assert "policy.yaml" in policies and "客户.csv" not in policies
    assert "archive.json" in _complete(bash_script, "creditfile --db ", tmp_path)
    assert "notes.txt" in _complete(bash_script, "creditfile report html --out ", tmp_path)


def _shell(name: str) -> str:
    """The path of ``name``; a missing shell fails the test (./run-tests installs zsh and fish)."""
    path = shutil.which(name)
    if path is None:
        pytest.fail(
            f"{name} is not installed, so its completion script cannot be checked: "
            f"./run-tests installs it (apt-get install {name}), or install it yourself"
        )
    return path


def _run_shell(shell: str, program: str, tmp_path: Path) -> str:
    # fish loads a completion file only for a command it finds on PATH.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "creditfile").write_text("#!/bin/sh\n", encoding="utf-8")
    (bin_dir / "creditfile").chmod(0o755)
    path = f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"
    result = subprocess.run(
        [_shell(shell), "-c", program],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env={**os.environ, "HOME": str(tmp_path), "PATH": path},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _fish_complete(line: str, tmp_path: Path) -> list[str]:
    """What TAB offers after ``line`` in fish, the script loaded as the help says to install it."""
    folder = tmp_path / ".config" / "fish" / "completions"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "creditfile.fish").write_text(_script("fish"), encoding="utf-8")
    out = _run_shell("fish", f"complete -C '{line}'", tmp_path)
    return sorted(row.split("\t")[0] for row in out.splitlines())


# zsh completes only inside its line editor: a second, interactive zsh in a pseudo-terminal loads
# the script as the help says (eval, after compinit), TAB is typed after the line and every
# candidate the completion system offers is printed. The markers are split in the typed commands
# so that their echo does not match.
_ZSH_DRIVER = """
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PROMPT='>'; autoload -U compinit && compinit -u -D && eval \\"\\$(<{path})\\""
zpty -w z 'compadd() {{ local -a hits; builtin compadd -A hits "$@"; \\
  print -rl -- "<M""ATCH>"${{^hits}} >/dev/tty; builtin compadd "$@"; }}'
zpty -w z 'print -r -- "<RE""ADY>"'
zpty -r z out '*<READY>*'
zpty -r z out '*>'
zpty -n -w z '{line}'$'\\t'
zpty -w z $'\\C-u print -r -- "<DO""NE>"'
zpty -r z out '*<DONE>*'
print -r -- "$out"
zpty -d z
"""


def _zsh_complete(line: str, tmp_path: Path) -> list[str]:
    """What TAB offers after ``line`` in zsh."""
    path = tmp_path / "creditfile.zsh"
    path.write_text(_script("zsh"), encoding="utf-8")
    out = _run_shell("zsh", _ZSH_DRIVER.format(path=path, line=line), tmp_path)
    return sorted(set(re.findall(r"<MATCH>(\S+)", out)))


def test_fish_completes_commands_and_options(tmp_path: Path) -> None:
    assert _fish_complete("creditfile re", tmp_path) == ["regrade", "report"]
    assert _fish_complete("creditfile regrade --d", tmp_path) == ["--db", "--dry-run"]
    assert _fish_complete("creditfile export --format ", tmp_path) == [
        "csv",
        "json",
        "jsonl",
        "xlsx",
    ]


def test_zsh_completes_commands_and_options(tmp_path: Path) -> None:
    assert _zsh_complete("creditfile re", tmp_path) == ["regrade", "report"]
    assert _zsh_complete("creditfile regrade --d", tmp_path) == ["--db", "--dry-run"]
    assert _zsh_complete("creditfile policy ", tmp_path) == [
        "activate",
        "check",
        "diff",
        "history",
        "show",
        "test",
    ]


def test_zsh_registers_the_completion(tmp_path: Path) -> None:
    path = tmp_path / "creditfile.zsh"
    path.write_text(_script("zsh"), encoding="utf-8")
    program = (
        f'autoload -U compinit && compinit -u && eval "$(<{path})" && print $_comps[creditfile]'
    )
    assert _run_shell("zsh", program, tmp_path).strip() == "_shtab_creditfile"


def test_unknown_shell_is_a_usage_error(run: Run) -> None:
    result = run("completion", "tcsh")
    assert result.returncode == 2
    assert "bash" in result.stderr and "fish" in result.stderr


@pytest.mark.parametrize(
    ("args", "suggestion"),
    [
        (["regrad"], "did you mean 'regrade'?"),
        (["exprot"], "did you mean 'export'?"),
        (["policy", "chek", "x.yaml"], "did you mean 'check'?"),
        (["report", "reveiw"], "did you mean 'review'?"),
    ],
)
def test_a_mistyped_command_gets_a_suggestion(run: Run, args: list[str], suggestion: str) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert suggestion in result.stderr
    assert result.stdout == ""


def test_a_word_like_no_command_lists_the_commands(run: Run) -> None:
    result = run("zzzz")
    assert result.returncode == 2
    assert "did you mean" not in result.stderr
    assert "regrade" in result.stderr
