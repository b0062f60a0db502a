"""Policy problems: each names the file, line, column and key, and says what to do."""

from __future__ import annotations

import errno
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Phrase:
    """A message kept as its English template and named values, worded by a front end.

    The catalogues of the interface languages belong to the front ends, above every other
    layer; a lower layer that has something to tell a person builds a ``Phrase`` (with
    ``phrase``, which marks the template for the catalogue), and the command line or the UI
    words it in the language in force with ``text(translate)``. ``str()`` is the English.
    Named values let a translation put them in its own order; a value may itself be a phrase
    (an optional part of a message).
    """

    template: str
    values: Mapping[str, object] = field(default_factory=dict)

    def text(self, translate: Callable[[str], str] | None = None) -> str:
        """The message, each template passed through ``translate`` (default: English)."""
        if not self.template:
            return ""
        words = {
            key: value.text(translate) if isinstance(value, Phrase) else value
            for key, value in self.values.items()
        }
        template = translate(self.template) if translate else self.template
        return template.format(**words)

    def __str__(self) -> str:
        return self.text()

    def as_data(self) -> list[object]:
        """The phrase as JSON data (``[template, {name: value}]``, a phrase value as its own
        data), to be sent to another process and read back with ``phrase_from_data``."""
        return [
            self.template,
            {
                key: {"phrase": value.as_data()} if isinstance(value, Phrase) else value
                for key, value in self.values.items()
            },
        ]


def phrase_from_data(data: object) -> Phrase:
    """The phrase that ``Phrase.as_data`` gave ``data`` for."""
    if not (isinstance(data, list) and len(data) == 2 and isinstance(data[0], str)):
        raise ValueError(f"not a phrase's data: {data!r}")
    template, values = data
    if not isinstance(values, dict):
        raise ValueError(f"not a phrase's values: {values!r}")
    if template == _EITHER and set(values) == {"in_english", "in_chinese"}:
        return in_either(str(values["in_chinese"]), str(values["in_english"]))
    return Phrase(
        template,
        {
            key: phrase_from_data(value["phrase"])
            if isinstance(value, dict) and set(value) == {"phrase"}
            else value
            for key, value in values.items()
        },
    )


def N_(message: str) -> str:
    """Mark ``message`` for the interface catalogue; a front end translates it where shown."""
    return message


def phrase(template: str, /, **values: object) -> Phrase:
    """A ``Phrase`` of ``template`` (English, with ``{named}`` values) and its values."""
    return Phrase(template, values)


NOTHING = Phrase("")
"""An optional part of a phrase that is left out."""


# TRANSLATORS: not a sentence: the catalogue's language code, "zh" in the Chinese one.
_LANGUAGE_CODE = N_("language code: en")
_EITHER = "{in_english}"


@dataclass(frozen=True)
class _Either(Phrase):
    """Data given in both languages: the catalogue picks the one it is written in."""

    def text(self, translate: Callable[[str], str] | None = None) -> str:
        chinese = translate is not None and translate(_LANGUAGE_CODE).endswith("zh")
        return str(self.values["in_chinese" if chinese else "in_english"])


def in_either(chinese: str, english: str) -> Phrase:
    """A phrase of data given in both languages (a policy's labels): the Chinese under a
    Chinese catalogue, the English otherwise."""
    return _Either(_EITHER, {"in_english": english, "in_chinese": chinese})


def joined(parts: Sequence[Phrase], separator: str = "; ") -> Phrase:
    """Several phrases as one, ``separator`` between them (each worded on its own)."""
    return Phrase(
        separator.join(f"{{p{n}}}" for n in range(len(parts))),
        {f"p{n}": part for n, part in enumerate(parts)},
    )


def verbatim(text: str) -> Phrase:
    """A phrase of text that is shown as it is, in every language (a name, a system's words)."""
    return Phrase("{text}", {"text": text})


# What the operating system's common refusals mean, worded for a person (its own words,
# ``strerror``, are English whatever the language in force).
_OS_REASONS = {
    errno.ENOENT: N_("no such file or folder"),
    errno.EACCES: N_("permission denied"),
    errno.EPERM: N_("permission denied"),
    errno.EISDIR: N_("it is a folder"),
    errno.ENOTDIR: N_("a part of the path is not a folder"),
    errno.ENOSPC: N_("the disk is full"),
    errno.EDQUOT: N_("the disk quota is used up"),
    errno.EEXIST: N_("a file is already there"),
    errno.EROFS: N_("the disk is read-only"),
    errno.ENAMETOOLONG: N_("the name is too long"),
    errno.ELOOP: N_("the symbolic links go round in a loop"),
}


def os_said(error: OSError) -> Phrase:
    """Why the operating system refused, as a phrase: its common refusals (no such file,
    permission denied, a folder, not a folder, disk full, already there) worded from the
    catalogue, any other in the system's own words. Every message that quotes an ``OSError``
    quotes it through here."""
    reason = _OS_REASONS.get(error.errno) if error.errno is not None else None
    if reason is not None:
        return Phrase(reason)
    return verbatim(error.strerror or str(error) or type(error).__name__)


# What JSON readers say (Python's ``json`` and orjson, by the start of their message), worded
# for a person; the reader's own words are English.
_JSON_REASONS = (
    ("Expecting value", N_("a value is missing here, or is not JSON")),
    ("unexpected character, expected a JSON value", N_("a value is missing here, or is not JSON")),
    ("Expecting property name", N_("a key must be text in double quotes")),
    ("unexpected character, expected a string key", N_("a key must be text in double quotes")),
    ("Expecting ',' delimiter", N_("a comma is missing")),
    ("unexpected character, expected ','", N_("a comma is missing")),
    ("Expecting ':' delimiter", N_("a colon is missing after the key")),
    ("unexpected character, expected ':'", N_("a colon is missing after the key")),
    ("Unterminated string", N_("text in quotes is not closed")),
    ("unexpected end of data", N_("the data ends too early")),
    ("Input is a zero-length, empty document", N_("there is nothing in it")),
    ("Extra data", N_("more text after the JSON value")),
    ("unexpected content after document", N_("more text after the JSON value")),
    ("trailing comma is not allowed", N_("a comma before a closing bracket")),
    ("Invalid control character", N_("a control character (a tab, a line break) inside quotes")),
    ("unexpected control character", N_("a control character (a tab, a line break) inside quotes")),
    ("Invalid \\", N_("a backslash escape that JSON does not have")),
    ("invalid escaped sequence", N_("a backslash escape that JSON does not have")),
    ("number with leading zero", N_("a number begins with 0")),
    ("no digit after sign", N_("a sign with no digits after it")),
)


def json_reason(error: json.JSONDecodeError) -> Phrase:
    """Why a JSON reader refused, as a phrase: its common reasons worded from the catalogue,
    any other in the reader's own words (the place is not part of it: ``error.lineno`` and
    ``error.colno`` give it)."""
    for start, reason in _JSON_REASONS:
        if error.msg.startswith(start):
            return Phrase(reason)
    return verbatim(error.msg)


def json_said(error: json.JSONDecodeError) -> Phrase:
    """``json_reason`` with where it is: line and column."""
    return phrase(
        "line {line}, column {column}: {reason}",
        line=error.lineno,
        column=error.colno,
        reason=json_reason(error),
    )


class CreditfileError(Exception):
    """Base of every error creditfile reports to a person.

    ``said``, when set, is the message as a ``Phrase``, for a front end to word in the
    language in force (raise ``XError(phrase(...))`` to set it); ``str()`` of the error is
    always its English.
    """

    said: Phrase | None = None

    def __init__(self, *args: object) -> None:
        # Raised with one phrase, the error keeps it to be worded by the front end.
        if len(args) == 1 and isinstance(args[0], Phrase):
            self.said = args[0]
            args = (str(args[0]),)
        super().__init__(*args)

    def text(self, translate: Callable[[str], str] | None = None) -> str:
        """The message in the language of ``translate`` (English without it)."""
        return self.said.text(translate) if self.said is not None else str(self)

    def as_phrase(self) -> Phrase:
        """The message as a phrase, to be part of another (its English kept as is if unsaid)."""
        return self.said if self.said is not None else verbatim(str(self))


@dataclass(frozen=True)
class PolicyProblem:
    """One thing wrong with a policy file, located in it."""

    file: str
    line: int | None
    column: int | None
    path: str
    message: str
    said: Phrase | None = None
    """The message as a phrase, for a front end to word in the language in force (``message``
    is its English); None when the message is English only."""

    def __str__(self) -> str:
        return self.text()

    def text(self, translate: Callable[[str], str] | None = None) -> str:
        """The problem located, in the language of ``translate`` (English without it)."""
        return self.as_phrase().text(translate)

    def as_phrase(self) -> Phrase:
        """The problem located, as a phrase (``FILE:LINE:COL: key: message``)."""
        where = self.file
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        key = f" {self.path}:" if self.path else ""
        message = self.said if self.said is not None else verbatim(self.message)
        return Phrase("{where}:{key} {message}", {"where": where, "key": key, "message": message})


def policy_problem(
    file: str, line: int | None, column: int | None, path: str, said: Phrase
) -> PolicyProblem:
    """A problem whose message is a phrase (its English kept as ``message``)."""
    return PolicyProblem(file, line, column, path, str(said), said)


class PolicyError(CreditfileError):
    """A policy that cannot be used; ``problems`` lists every reason found."""

    def __init__(self, problems: Sequence[PolicyProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def text(self, translate: Callable[[str], str] | None = None) -> str:
        """Every problem, one a line, in the language of ``translate``."""
        return self.as_phrase().text(translate)

    def as_phrase(self) -> Phrase:
        """Every problem, one a line, as one phrase."""
        return joined([p.as_phrase() for p in self.problems], "\n")


def format_path(path: Sequence[str | int]) -> str:
    """``('grades', 1, 'min_score')`` → ``grades[1].min_score``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def clipped(text: str, limit: int = 40) -> str:
    """``text`` as a message may quote it: whole up to ``limit`` characters, else its start
    and an ellipsis, so a page pasted into an id field does not become a page of message.
    """
    return text if len(text) <= limit else f"{text[:limit]}…"
