"""Shell completion scripts loaded in real shells, and "did you mean" for mistyped commands."""

from __future__ import annotations

import os
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


def _load(shell: str, program: str, tmp_path: Path) -> str:
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed here")
    path = tmp_path / f"creditfile.{shell}"
    path.write_text(_script(shell), encoding="utf-8")
    result = subprocess.run(
        [shell, "-c", program.format(path=path)],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_fish_completes_commands_and_options(tmp_path: Path) -> None:
    commands = _load("fish", "source {path}; complete -C 'creditfile re'", tmp_path)
    assert sorted(line.split("\t")[0] for line in commands.splitlines()) == ["regrade", "report"]
    options = _load("fish", "source {path}; complete -C 'creditfile regrade --d'", tmp_path)
    assert {line.split("\t")[0] for line in options.splitlines()} == {"--db", "--dry-run"}


def test_zsh_registers_the_completion(tmp_path: Path) -> None:
    out = _load(
        "zsh",
        'autoload -U compinit && compinit -u && eval "$(<{path})" && print $_comps[creditfile]',
        tmp_path,
    )
    assert out.strip() == "_shtab_creditfile"


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
