"""The Textual application and ``create_app``, the factory shared by the CLI and the tests."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.screen import Screen
from textual.widgets import Input, Select, TabbedContent, TextArea

from creditfile.application.customer_index import ListRow, SearchIndex, row_of
from creditfile.application.list_window import RowSource
from creditfile.application.watching import ArchiveChange
from creditfile.document.pinyin import PinyinKeys
from creditfile.policy import CreditfileError
from creditfile.presentation.language import resolve_lang
from creditfile.presentation.translation import _, error_text, set_language
from creditfile.tui.keys import KEYS, KeymapError, bindings, described, keymap_path, load_keymap
from creditfile.tui.service import (
    ArchiveService,
    LoadingBatch,
    PolicyStatus,
    gc_paused_then_frozen,
)
from creditfile.tui.terminal_guard import guard_terminal

SCREENS = ("list", "portfolio", "policy", "review")
DISK_CHECK_SECONDS = 3.0
WATCH_SECONDS = 0.5
"""How long the watching thread waits for news before it looks whether the app still runs."""
RETRY_SECONDS = 5.0
"""How long the watching thread waits before it tries again after losing the archive."""


class CreditfileApp(App[None]):
    """The staff terminal UI over one archive.

    Args:
        service: The archive, policy and engine (loaded here, in a worker).
        keymap_file: The key remapping file (None: the default location).
        live: Follow other people's writes as they commit and show them (a database tells
            them at once, a file is watched by its change stamp); False: only say that the
            file changed, and reload on ctrl+r.
    """

    CSS_PATH = "styles.tcss"
    TITLE = "creditfile"
    BINDINGS: ClassVar[list[BindingType]] = [
        *bindings("app", "en"),
        # As priority bindings the focus moves as the key is read, so what is typed next
        # (a paste, a fast typist) lands in the field moved to.
        Binding("tab", "focus_next", show=False, priority=True),
        Binding("shift+tab", "focus_previous", show=False, priority=True),
    ]
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        service: ArchiveService,
        keymap_file: str | Path | None = None,
        *,
        live: bool = True,
    ) -> None:
        guard_terminal()  # customer data never reaches the terminal raw
        super().__init__()
        self.service = service
        self.live = live
        self._watching: threading.Thread | None = None
        self._stop_watching = threading.Event()
        self.live_paused: str | None = None
        """Why others' writes are not followed just now (the archive cannot be reached)."""
        self.lang = set_language(service.lang)
        self._bindings = described(self._bindings, self.lang)
        self.keymap_file = Path(keymap_file) if keymap_file is not None else keymap_path()
        self.keymap_problem: KeymapError | None = None
        self.first_rows_at: float | None = None
        self.started_at = time.perf_counter()
        self.loading = False
        """Whether a read of the archive is going on (in the loading worker)."""
        self._pinyin = PinyinKeys()
        self.title = _("Customer credit archive")

    async def on_mount(self) -> None:
        """Apply the keymap, open the list and read the archive in the background."""
        try:
            self.set_keymap(load_keymap(self.keymap_file))
        except KeymapError as exc:
            self.keymap_problem = exc
            self.notify(
                _("Key configuration ignored: {error}").format(error=exc.text(_)),
                severity="warning",
                timeout=10,
            )
        from creditfile.tui.screens.list_screen import ListScreen
        from creditfile.tui.screens.policy_screen import PolicyScreen
        from creditfile.tui.screens.portfolio import PortfolioScreen
        from creditfile.tui.screens.review import ReviewScreen

        service = self.service
        self.add_mode("list", lambda: ListScreen(service))
        self.add_mode("portfolio", lambda: PortfolioScreen(service))
        self.add_mode("policy", lambda: PolicyScreen(service))
        self.add_mode("review", lambda: ReviewScreen(service))
        # The list is mounted before loading starts, so it can show the outcome either way.
        await self.switch_mode("list")
        self.load_archive()
        self._told_changed = False
        self.set_interval(DISK_CHECK_SECONDS, self._check_disk)

    # -- loading ------------------------------------------------------------------------------

    def list_screen(self) -> Any:
        """The customer list (the base screen of the ``list`` mode)."""
        from creditfile.tui.screens.list_screen import ListScreen

        stack = self._screen_stacks.get("list") or []
        return stack[0] if stack and isinstance(stack[0], ListScreen) else None

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load_archive(self) -> None:
        """Read the archive once, show the rows, then make them searchable (in this worker).

        On the first read the rows are shown as they are parsed (``RowsSoFar``): the first
        screenful appears well before a large archive is read whole.
        """
        so_far = None if self.service.loaded else RowsSoFar(self)
        self.loading = True
        try:
            result = self.service.load(on_batch=so_far.add if so_far is not None else None)
        except (CreditfileError, OSError) as exc:
            self.call_from_thread(self._load_failed, exc)
            return
        except Exception as exc:  # a fault of ours: say so rather than spin for ever
            self.call_from_thread(self._load_failed, RuntimeError(f"{type(exc).__name__}: {exc}"))
            raise
        finally:
            self.loading = False
        self._index_rows(so_far)
        if not result.paged:
            self.call_from_thread(
                self.notify,
                _("Read {n} customers in {s} s").format(
                    n=f"{result.customers:,}", s=f"{result.seconds:.1f}"
                ),
                timeout=3,
            )
        if self.live and self._watching is None:
            # A plain thread, not a worker: it runs as long as the app, and workers are
            # awaited as things that finish.
            self._watching = threading.Thread(
                target=self._watch, name="creditfile-watch", daemon=True
            )
            self._watching.start()

    def _index_rows(self, read: RowsSoFar | None = None) -> None:
        """Rows first (painted at once), then search keys, then the attention marks.

        Args:
            read: The rows made while the records were read, reused when they were made from
                the very records now held (not when ids collapsed or the file was re-read).
        """
        source = self.service.list_rows()
        if source is not None:  # the archive answers the list a page at a time
            self.call_from_thread(self._show_pages, source)
            return
        grades = [g.name for g in self.service.policy.all_grades]
        records = self.service.records()
        with gc_paused_then_frozen():
            if read is not None and read.made_from(records.values()):
                rows = read.rows
            else:
                natures = self.service.policy.personal_natures
                rows = [row_of(r, personal_natures=natures) for r in records.values()]
            server = self.service.server_search()
            index = SearchIndex(rows, grades, self._pinyin, searchable=False, server=server)
            index.order("id")
        self.call_from_thread(self._show_index, index)
        with gc_paused_then_frozen():
            index.build_search()
            for row, record in zip(rows, records.values(), strict=True):
                row.attention = tuple(r["code"] for r in self.service.attention(record))
        self.call_from_thread(self._attention_ready)

    def _show_index(self, index: SearchIndex) -> None:
        screen = self.list_screen()
        if screen is not None:
            screen.show_index(index)
            self._note_first_rows(screen)
        refresh = getattr(self.screen, "refresh_data", None)
        if callable(refresh) and self.screen is not screen:
            refresh()

    def _show_pages(self, source: RowSource) -> None:
        screen = self.list_screen()
        if screen is not None:
            screen.show_pages(source)  # notes the first rows once its first page is drawn
        refresh = getattr(self.screen, "refresh_data", None)
        if callable(refresh) and self.screen is not screen:
            refresh()

    def _show_so_far(
        self,
        index: SearchIndex,
        done: int,
        total: int,
        policy: PolicyStatus,
        painted: threading.Event,
    ) -> None:
        screen = self.list_screen()
        if screen is None or self.service.loaded:
            painted.set()
            return
        screen.show_so_far(index, done, total, policy)
        self._note_first_rows(screen)
        if screen is self.screen:
            screen.call_after_refresh(painted.set)
        else:
            painted.set()  # not on screen: nothing to wait for

    def _note_first_rows(self, screen: Screen[Any]) -> None:
        """Remember when rows were first on screen (after the refresh that draws them)."""

        def painted() -> None:
            if self.first_rows_at is None:
                self.first_rows_at = time.perf_counter() - self.started_at

        if self.first_rows_at is None:
            screen.call_after_refresh(painted)

    def _attention_ready(self) -> None:
        screen = self.list_screen()
        if screen is not None:
            screen.attention_ready = True
            screen.apply_query()

    def _load_failed(self, exc: Exception) -> None:
        self.notify(
            _("Cannot open the archive: {error}").format(error=error_text(exc)),
            severity="error",
            timeout=30,
        )
        screen = self.list_screen()
        if screen is not None:
            screen.load_failed(error_text(exc))

    # -- other people's writes ----------------------------------------------------------------

    def _watch(self) -> None:
        """Follow the writes others commit until the app ends (in the watching thread): the
        records they touched are read again and the screens shown redrawn. When the archive
        cannot be reached (the server restarted, the network dropped) say so once, try again
        every few seconds, and once it is back read what was missed."""
        watcher = None
        while not self._stop_watching.is_set():
            try:
                if watcher is None:
                    watcher = self.service.watcher()
                    # Whatever was written before the watcher started (or while the
                    # archive could not be reached) is read now.
                    missed = self.service.follow([_EVERYTHING])
                    if self.live_paused is not None:
                        self._tell(self._live_back, missed)
                    elif missed != []:
                        self._tell(self._live_changed, missed)
                changes = watcher.wait(WATCH_SECONDS)
                followed = self.service.follow(changes) if changes else []
            # Whatever the store's driver raises when its server goes away: the UI stays up.
            except Exception as exc:
                if watcher is not None:
                    with contextlib.suppress(Exception):
                        watcher.close()
                watcher = None
                if self.live_paused is None:
                    # A driver's own text runs on over lines of advice ("This probably
                    # means…"): its first line says what happened.
                    said = error_text(exc).strip()
                    self.live_paused = said.splitlines()[0] if said else type(exc).__name__
                    self._tell(self._live_lost, self.live_paused)
                self._stop_watching.wait(RETRY_SECONDS)
                continue
            if followed != []:
                self._tell(self._live_changed, followed)
        if watcher is not None:
            with contextlib.suppress(Exception):
                watcher.close()

    def _tell(self, callback: Any, *args: Any) -> None:
        """Run ``callback`` on the app's thread, unless the app has ended meanwhile."""
        if self._stop_watching.is_set():
            return
        with contextlib.suppress(RuntimeError):  # the app is no longer running
            self.call_from_thread(callback, *args)

    def _live_changed(self, followed: list[str] | None) -> None:
        """Others' writes were read: redraw the rows and screens shown, tell open cards."""
        from creditfile.tui.card.screen import CustomerScreen

        screen = self.list_screen()
        shown = self.screen is screen
        if screen is not None and shown:
            screen.show_changes()
        elif followed is None:
            self.action_reindex()  # the list and the screen shown, from the records now held
        refresh = getattr(self.screen, "refresh_data", None)
        if callable(refresh) and self.screen is not screen and followed is not None:
            refresh()
        for card in self.screen_stack:
            if isinstance(card, CustomerScreen) and (
                followed is None or card.draft.customer_id in followed
            ):
                card.changed_elsewhere()

    def _live_lost(self, reason: str) -> None:
        self.notify(
            _(
                "Lost the archive: {error}. What others change is not shown until it is "
                "back; trying again every few seconds"
            ).format(error=reason),
            severity="error",
            timeout=20,
        )

    def _live_back(self, followed: list[str] | None) -> None:
        self.live_paused = None
        self.notify(_("The archive is back: what others changed meanwhile is shown"), timeout=8)
        screen = self.list_screen()
        if screen is not None:
            screen.archive_back()
        if followed != []:
            self._live_changed(followed)

    def on_unmount(self) -> None:
        """Stop following the archive (the watching thread ends within a moment)."""
        self._stop_watching.set()
        if self._watching is not None:
            # Bounded: the thread may be waiting for this very loop to take its news.
            self._watching.join(timeout=2 * WATCH_SECONDS)

    def _check_disk(self) -> None:
        """Say once when another program (a second TUI, a headless regrade) wrote the file
        (when its writes are not followed live)."""
        if not self.service.loaded or self._told_changed:
            return
        if self._watching is not None and self.live_paused is None:
            return
        try:
            changed = self.service.changed_on_disk()
        except CreditfileError:
            # Unreadable now (the database server is down): the live feed has said so and
            # says when it is back; a timer's error would end the whole program.
            return
        if changed:
            self._told_changed = True
            self.notify(
                _("The archive was changed elsewhere; press ctrl+r to reload it"),
                severity="warning",
                timeout=15,
            )

    def action_reload_archive(self) -> None:
        """Read the archive again (what others changed shows up); the list stays meanwhile."""
        if self.loading:  # a read is going on: it will show all there is
            return
        self._told_changed = False
        self.load_archive()

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def action_reindex(self) -> None:
        """Rebuild the list from the records held (after a regrade or a policy reload)."""
        self._index_rows()

    # -- screens ------------------------------------------------------------------------------

    def action_switch(self, mode: str) -> None:
        """Show one of the four main screens (1–4); keeps each one's own stack.

        Never while a field has the focus (the digit belongs to the field) or while a form has
        unsaved edits (say so: save or leave the card first).
        """
        if mode not in SCREENS or mode == self.current_mode:
            return
        if isinstance(self.focused, Input | Select | TextArea):
            return
        if any(_unsaved(screen) for screen in self.screen_stack):
            self.notify(
                _(
                    "The card has unsaved changes: save (Ctrl+S) or leave it "
                    "(Esc) before switching screens"
                ),
                severity="warning",
                timeout=4,
            )
            return
        self.switch_mode(mode)

    async def action_switch_language(self) -> None:
        """F2: speak the other language; the screen shown is drawn again in it at once, the
        others when they are next shown.

        Never while a card has unsaved edits or a dialog is open (its choices would be lost):
        say so instead. A card open on top is opened again, on the same tab.
        """
        from creditfile.tui.card.screen import CustomerScreen
        from creditfile.tui.screens.help import HelpScreen

        if any(_unsaved(screen) for screen in self.screen_stack):
            self.notify(
                _(
                    "The card has unsaved changes: save (Ctrl+S) or leave it (Esc) before "
                    "switching the language"
                ),
                severity="warning",
                timeout=4,
            )
            return
        on_top = self.screen_stack[1:]
        if any(not isinstance(screen, CustomerScreen | HelpScreen) for screen in on_top):
            self.notify(_("Close the dialog first (Esc), then switch the language"), timeout=4)
            return
        reopen: list[tuple[str | None, str] | None] = []
        for screen in on_top:
            if isinstance(screen, CustomerScreen):
                customer = None if screen.draft.is_new else str(screen.draft.customer_id)
                reopen.append((customer, str(screen.query_one(TabbedContent).active)))
            else:
                reopen.append(None)  # the key list
        for _screen in on_top:
            await self.pop_screen()
        self.lang = self.service.switch_language("en" if self.lang == "zh" else "zh")
        self._bindings = described(self._bindings, self.lang)
        self.title = _("Customer credit archive")
        base = self.screen
        speak = getattr(base, "speak", None)
        if speak is not None:
            spoken = speak()
            if spoken is not None:
                await spoken
        self.refresh_bindings()
        for card in reopen:
            if card is None:
                await self.push_screen(
                    HelpScreen(self.lang, self.effective_keys(), self.keymap_file)
                )
                continue
            screen = CustomerScreen(self.service, card[0])
            await self.push_screen(screen)
            screen.query_one(TabbedContent).active = card[1]

    async def action_quit(self) -> None:
        """Quit; a customer card with unsaved edits asks first (save, discard or keep)."""
        for screen in reversed(self.screen_stack):
            if _unsaved(screen):
                screen.confirm_leave(self.exit)
                return
        self.exit()

    def action_help(self) -> None:
        """Show every key binding."""
        from creditfile.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.lang, self.effective_keys(), self.keymap_file))

    def effective_keys(self) -> list[tuple[str, str, str]]:
        """``(binding id, keys, description)`` of every binding, remapped keys applied."""
        keymap = getattr(self, "_keymap", {})
        rows = [(spec.id, keymap.get(spec.id, spec.keys), _(spec.text)) for spec in KEYS]
        try:
            from creditfile.tui.card.screen import card_bindings
        except ImportError:
            return rows
        for binding in card_bindings(self.lang):
            if binding.id is not None:  # type: ignore[union-attr]
                bid = binding.id  # type: ignore[union-attr]
                rows.append((bid, keymap.get(bid, binding.key), binding.description))  # type: ignore[union-attr]
        return rows

    def action_command_palette(self) -> None:
        """Ctrl+P: the command palette, its search box worded in the interface language."""
        if self.use_command_palette and not isinstance(self.screen, CommandPalette):
            from creditfile.tui.screens.palette import Palette

            placeholder = _("Search for commands…")
            self.push_screen(Palette(placeholder=placeholder, id="--command-palette"))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The command palette: every action of the interface, in the interface language."""
        from creditfile.tui.screens.palette import builtin_commands, commands_for

        ours = list(commands_for(self, screen))
        yield from ours
        yield from builtin_commands(
            self.lang, super().get_system_commands(screen), (c.title for c in ours)
        )


_EVERYTHING = ArchiveChange(kinds=(), customers=None)
"""A change touching every customer: read the whole archive again."""


def _unsaved(screen: Screen[Any]) -> bool:
    """Whether ``screen`` holds edits that leaving it would lose."""
    unsaved = getattr(screen, "has_unsaved_changes", None)
    return bool(unsaved is not None and unsaved())


class RowsSoFar:
    """The list rows of the records read so far, shown while a large archive is read.

    Fed from the loading worker, batch by batch. The first batch is shown at once; then the
    list is redrawn about every ``EVERY`` seconds (each showing sorts every row read so far).
    """

    EVERY = 0.75
    PAINT_WAIT = 0.5

    def __init__(self, app: CreditfileApp) -> None:
        self.app = app
        self.rows: list[ListRow] = []
        self._records: list[Mapping[str, Any]] = []
        self._shown_at: float | None = None

    def made_from(self, records: Iterable[Mapping[str, Any]]) -> bool:
        """Whether ``rows`` are those of exactly these record objects, in this order."""
        held = list(records)
        return len(held) == len(self._records) and all(
            a is b for a, b in zip(held, self._records, strict=True)
        )

    def add(self, batch: LoadingBatch) -> None:
        """Make the rows of ``batch``; show them all when it is time to."""
        if batch.restart:
            self.rows.clear()
            self._records.clear()
        self._records += batch.records
        with gc_paused_then_frozen():
            natures = batch.policy.policy.personal_natures
            self.rows.extend(row_of(r, personal_natures=natures) for r in batch.records)
        now = time.perf_counter()
        if batch.done >= batch.total or (
            self._shown_at is not None and now - self._shown_at < self.EVERY
        ):
            return  # the last batch: the whole index follows at once
        self._shown_at = now
        policy = batch.policy.policy
        grades = [g.name for g in policy.all_grades]
        with gc_paused_then_frozen():
            index = SearchIndex(list(self.rows), grades, self.app._pinyin, searchable=False)
        painted = threading.Event()
        self.app.call_from_thread(
            self.app._show_so_far, index, batch.done, batch.total, policy, painted
        )
        # Parsing holds the interpreter for tens of milliseconds at a time: let the screen
        # draw these rows before going on, or they would show only a batch or two later.
        painted.wait(self.PAINT_WAIT)


def create_app(
    db_path: str | Path,
    policy_path: str | Path | None = None,
    lang: str | None = None,
    *,
    as_of: date | None = None,
    actor: str | None = None,
    keymap_file: str | Path | None = None,
    live: bool = True,
) -> CreditfileApp:
    """The terminal UI over an archive, as ``creditfile tui`` and the tests start it.

    Args:
        db_path: The archive file, or a ``postgresql://`` URL.
        policy_path: ``--policy`` (None: as the command line resolves it).
        lang: ``zh`` or ``en`` (None: from the locale).
        as_of: The grading date (default: today).
        actor: Who is working (default: the OS user).
        keymap_file: The key remapping file (default: ``$XDG_CONFIG_HOME/creditfile/keys.toml``).
        live: Follow and show others' writes as they commit (see ``CreditfileApp``).

    Returns:
        The app; ``run()`` it, or drive it with ``run_test()``.
    """
    service = ArchiveService(
        db_path, policy_path, lang=resolve_lang(lang), actor=actor, as_of=as_of
    )
    return CreditfileApp(service, keymap_file, live=live)
