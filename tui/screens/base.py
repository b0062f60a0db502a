"""What the portfolio, policy and review screens share: data computed in a worker, kept fresh."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.screen import Screen
from textual.widgets import Static

from creditfile.presentation.translation import _
from creditfile.tui.keys import described

if TYPE_CHECKING:
    from creditfile.tui.service import ArchiveService


class DataScreen(Screen[None]):
    """A screen whose content is computed from the service in a worker.

    Subclasses implement ``compute`` (in the worker) and ``present`` (on the app thread);
    the screen recomputes whenever it is shown and the archive changed since.

    Args:
        service: The application's service.
        screen_id: The screen's id (``portfolio``, ``policy``, ``review``).
    """

    def __init__(self, service: ArchiveService, screen_id: str) -> None:
        super().__init__(id=screen_id)
        self.service = service
        self.lang = service.lang
        self._bindings = described(self._bindings, self.lang)
        self._seen = -1
        self.ready = False

    def title_line(self, title: str) -> Static:
        """The screen's title line."""
        return Static(Text(_(title), style="bold"), classes="screen-title")

    def on_screen_resume(self) -> None:
        """Recompute when the archive changed while the screen was away; speak the language
        switched to meanwhile."""
        if self.lang != self.service.lang:
            self.run_worker(self.speak(), exclusive=True, group="speak")
            return
        self.refresh_data()

    async def speak(self) -> None:
        """Draw the screen again in the language now in force."""
        self.lang = self.service.lang
        self._bindings = described(self._bindings, self.lang)
        await self.recompose()
        self.refresh_bindings()
        self.spoken()
        self.refresh_data(force=True)

    def spoken(self) -> None:
        """After ``speak`` composed the screen again: put back what the screen's own state
        shows (its view, its focus)."""

    def counting_line(self) -> Static:
        """The line that says how far a computation over every customer has come (shown
        only while one runs)."""
        line = Static("", id="counting", classes="counting")
        line.display = False
        return line

    def counted_from_thread(self, done: int, total: int) -> None:
        """Show how many customers ``compute`` has counted (from its worker thread)."""
        self.app.call_from_thread(self._counted, done, total)

    def _counted(self, done: int, total: int) -> None:
        for line in self.query("#counting").results(Static):
            line.display = True
            line.update(
                Text(
                    _("Counting… {done} of {total} customers").format(
                        done=f"{done:,}", total=f"{total:,}"
                    ),
                    style="dim",
                )
            )

    def refresh_data(self, *, force: bool = False) -> None:
        """Recompute in a worker if the archive is loaded and changed (or ``force``)."""
        if not self.service.loaded:
            return
        if force or self._seen != self.service.generation:
            self._seen = self.service.generation
            self._run()

    @work(thread=True, exclusive=True, group="screen-data", exit_on_error=False)
    def _run(self) -> None:
        data = self.compute()
        self.app.call_from_thread(self._present, data)

    def _present(self, data: Any) -> None:
        self.ready = True
        for line in self.query("#counting").results(Static):
            line.update("")
            line.display = False
        self.present(data)

    def compute(self) -> Any:
        """Compute the content from the service (runs in a worker thread)."""
        raise NotImplementedError

    def present(self, data: Any) -> None:
        """Show what ``compute`` returned (runs on the app thread)."""
        raise NotImplementedError

    def action_back(self) -> None:
        """Back to the customer list."""
        self.app.switch_mode("list")
