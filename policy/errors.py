"""Policy problems: each names the file, line, column and key, and says what to do."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class CreditfileError(Exception):
    """Base of every error creditfile reports to a person."""


@dataclass(frozen=True)
class PolicyProblem:
    """One thing wrong with a policy file, located in it."""

    file: str
    line: int | None
    column: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        key = f" {self.path}:" if self.path else ""
        return f"{where}:{key} {self.message}"


class PolicyError(CreditfileError):
    """A policy that cannot be used; ``problems`` lists every reason found."""

    def __init__(self, problems: Sequence[PolicyProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def format_path(path: Sequence[str | int]) -> str:
    """``('grades', 1, 'min_score')`` → ``grades[1].min_score``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text
