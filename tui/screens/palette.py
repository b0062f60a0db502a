"""The command palette (ctrl+p): every action of the interface, named in the interface language."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from rich.align import Align
from rich.text import Text
from textual.app import App, SystemCommand
from textual.command import CommandList, CommandPalette
from textual.screen import Screen
from textual.widgets.option_list import Option

from creditfile.presentation.translation import _
from creditfile.tui.keys import KEYS, key_text
from creditfile.tui.vocabulary import BUILTIN_COMMANDS, SCREENS, named


class Palette(CommandPalette):
    """Textual's command palette, its "no matches" line in the interface language.

    Textual words that line in English in a private method; this one replaces it whole. If a
    Textual release renames what it relies on, tests/tui/test_palette_words.py fails.
    """

    def _start_no_matches_countdown(self, search_value: str) -> None:
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text(_("No matches found"), style="not bold")),
                        disabled=True,
                        id=self._NO_MATCHES,
                    )
                )
            self._list_visible = bool(search_value)

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)


# Actions of the list screen reachable from anywhere (the list is shown first).
LIST_ACTIONS = ("search", "filters", "sort", "sort_reverse", "open", "edit", "new", "regrade")
REPEATS = frozenset({"Quit", "Keys"})
"""Textual's commands that ours replace (ours asks before losing edits; F1 lists every key)."""
SKIP = frozenset(
    {
        "app.palette",
        "list.back",
        "screen.back",
        "filters.enter",
        "help.close",
        "filters.apply",
        "filters.cancel",
    }
)


def commands_for(app: App[Any], screen: Screen[Any]) -> Iterable[SystemCommand]:
    """One command per binding of ``keys.KEYS`` that makes sense from ``screen``.

    Args:
        app: The running app (its ``lang`` names the commands).
        screen: The screen the palette was opened on.
    """
    lang = str(getattr(app, "lang", "en"))
    seen: set[str] = set()
    for spec in KEYS:
        if spec.id in SKIP or spec.id in seen:
            continue
        scope = spec.id.split(".", 1)[0]
        run = _runner(app, screen, scope, spec.action)
        if run is None:
            continue
        seen.add(spec.id)
        yield SystemCommand(_(spec.text), _keys_help(app, spec.id, spec.keys, lang), run)
    if screen.id != "policy":
        yield SystemCommand(
            _("Reload the policy"),
            _keys_help(app, "policy.reload", "r", lang, where="policy"),
            _in_mode(app, "policy", "reload"),
        )


def _keys_help(app: App[Any], binding_id: str, keys: str, lang: str, where: str = "") -> str:
    """The help line of a command: its keys as remapped, readable (``F1 · ?``)."""
    keymap: dict[str, str] = getattr(app, "_keymap", {})
    shown = key_text(keymap.get(binding_id, keys))
    if where:
        return _("{keys} on the {where} screen").format(keys=shown, where=named(SCREENS, where))
    return _("keys {keys}").format(keys=shown)


def builtin_commands(
    lang: str, commands: Iterable[SystemCommand], ours: Iterable[str]
) -> Iterable[SystemCommand]:
    """Textual's own commands (theme, screenshot, maximize), named in ``lang``; those that
    repeat one of ours (its Quit, its Keys panel) are left out.

    Args:
        lang: ``zh`` or ``en``.
        commands: What ``App.get_system_commands`` offers.
        ours: The titles of our own commands.
    """
    taken = set(ours)
    for command in commands:
        if command.title in REPEATS or command.title in taken:
            continue
        title, help_text = BUILTIN_COMMANDS.get(command.title, (command.title, command.help))
        yield SystemCommand(_(title), _(help_text), command.callback, command.discover)


def _runner(
    app: App[Any], screen: Screen[Any], scope: str, action: str
) -> Callable[[], Any] | None:
    if scope == "app":
        return lambda: app.run_action(action)
    if scope == "list" and action in LIST_ACTIONS:
        return _in_mode(app, "list", action)
    if scope == "table":
        return _in_mode(app, "list", action, widget="#customers")
    if scope == "portfolio":
        return _in_mode(app, "portfolio", action)
    if scope in ("regrade", "policy") and screen.id == scope:
        return lambda: screen.run_action(action)
    return None


def _in_mode(app: App[Any], mode: str, action: str, widget: str | None = None) -> Callable[[], Any]:
    async def run() -> None:
        if app.current_mode != mode:
            await app.switch_mode(mode)
        target: Any = app.screen
        if widget is not None:
            target = app.screen.query_one(widget)
        await target.run_action(action)

    return run
