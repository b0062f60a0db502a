"""Saving a card: blocked while invalid, in a worker, refused when stale; leaving asks first."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from textual import work

from creditfile.presentation.translation import _, error_text
from creditfile.store import StaleRevisionError
from creditfile.tui.card.base import CardBase
from creditfile.tui.card.draft import problem_line
from creditfile.tui.card.views import local_time
from creditfile.tui.key_order import after_typed_keys

SLOW_NOTICE_SECONDS = 0.6


class SaveActions(CardBase):
    """Save, reload and leave, for the card screen."""

    _leave_after_save = False
    _proceed: Callable[[], object] | None = None
    _save_started = 0.0

    @after_typed_keys
    def action_save(self) -> None:
        """Save the draft through the store's revision check, in the background."""
        if self._saving or self.missing:
            return
        self.take_editor(self.focused)  # its last keys' change may still be on its way
        if not self.draft.dirty:
            self.notify(_("Nothing to save"))
            self._leave_after_save = False
            return
        self.revalidate()
        if self.problems:
            first = self.problems[0]
            self.notify(
                _("Not saved: {n} problem(s) to correct first: {first}").format(
                    n=len(self.problems), first=problem_line(first)
                ),
                severity="error",
                timeout=8,
            )
            self._leave_after_save = False
            editor = self.first_invalid()
            if editor is not None:
                editor.focus()
            return
        self._saving = True
        self._save_started = time.monotonic()
        self._apply_mode()
        self.notify(_("Saving…"), timeout=2)
        self.set_timer(SLOW_NOTICE_SECONDS, self._slow_notice)
        self._save_worker(
            copy.deepcopy(self.draft.doc), self.draft.base_rev, self.draft.newly_verified()
        )

    def _slow_notice(self) -> None:
        if self._saving:
            self.notify(
                _(
                    "Still saving (a large archive, or someone else is writing "
                    "it); you can keep working…"
                ),
                severity="warning",
                timeout=6,
            )

    @work(thread=True, exclusive=True, group="card-save")
    def _save_worker(
        self, doc: dict[str, Any], base_rev: int | None, verified: Sequence[Mapping[str, Any]]
    ) -> None:
        from creditfile.policy import CreditfileError
        from creditfile.store import DuplicateCustomerError

        try:
            record = self.backend.save(doc, base_rev, verified)
        except StaleRevisionError as exc:
            self.app.call_from_thread(self._refused_stale, exc)
            return
        except DuplicateCustomerError:
            self.app.call_from_thread(self._refused_duplicate, str(doc.get("id")))
            return
        except (CreditfileError, OSError) as exc:
            self.app.call_from_thread(self._save_failed, error_text(exc))
            return
        self.app.call_from_thread(self._saved, doc, record)

    def _saved(self, doc: Mapping[str, Any], record: Mapping[str, Any]) -> None:
        self._saving = False
        typed_meanwhile = self.draft.doc != doc
        working = copy.deepcopy(self.draft.doc)
        self.draft.reset(record)
        if typed_meanwhile:
            # Edits made while the save ran stay, on top of the saved revision.
            self.draft.doc = working
        else:
            self.editing = False
        self.refresh_card(values=not typed_meanwhile)
        self.history_changed()
        self.load_tops()  # this customer's amounts may have moved the archive-wide top
        self.notify(
            _("Saved {id} (revision {rev})").format(
                id=self.draft.customer_id, rev=self.draft.base_rev
            )
        )
        if self._leave_after_save and not self.draft.dirty:
            self._leave_after_save = False
            if self._proceed is not None:
                self._proceed()

    def _refused_stale(self, exc: StaleRevisionError) -> None:
        from creditfile.tui.card.modals import stale_dialog

        self._saving = False
        self._leave_after_save = False
        self._apply_mode()
        dialog = stale_dialog(
            self.lang,
            exc.customer_id,
            by=str(exc.updated_by or ""),
            at=local_time(exc.updated_at),
            current=exc.current_rev if exc.current_rev is not None else "?",
            base=exc.base_rev if exc.base_rev is not None else "?",
        )
        self.app.push_screen(dialog, self._after_stale)

    def _after_stale(self, choice: str | None) -> None:
        if choice == "reload":
            self.reload()

    def reload(self) -> None:
        """Drop the draft and show the customer as it is on file now."""
        record = self.backend.record(self.draft.customer_id, fresh=True)
        if record is None:
            return
        self.draft.reset(record)
        self.editing = False
        self.refresh_card(values=True)
        self.history_changed()
        self.notify(_("Reloaded the latest version of {id}").format(id=self.draft.customer_id))

    def changed_elsewhere(self) -> None:
        """Someone else's write reached this customer (the app follows the archive live).

        A card with nothing unsaved shows the customer as it is now; one with unsaved edits
        keeps them and says that saving them will be refused (the store's revision check),
        so that the user can look at the other version first.
        """
        if self.missing or self.draft.is_new or self._saving:
            return
        record = self.backend.record(self.draft.customer_id)
        cid = self.draft.customer_id
        if record is None:
            self.notify(
                _("{id} was removed from the archive elsewhere").format(id=cid),
                severity="warning",
                timeout=20,
            )
            return
        meta = record.get("_meta") or {}
        rev, by = meta.get("rev"), str(meta.get("updated_by") or "?")
        if self.draft.dirty:
            if rev != self.draft.base_rev:
                self.notify(
                    _(
                        "{id} was saved elsewhere by {by} (revision {rev}) while you edit it: "
                        "saving your edits will be refused, and you may then reload theirs"
                    ).format(id=cid, by=by, rev=rev),
                    severity="warning",
                    timeout=20,
                )
            return
        before, editing = self.draft.base_rev, self.editing
        self.draft.reset(record)
        self.editing = editing
        self.refresh_card(values=True)
        self.history_changed()
        self.load_tops()
        if rev != before:
            self.notify(
                _("{id} was changed elsewhere by {by} (revision {rev}); shown as it is now").format(
                    id=cid, by=by, rev=rev
                ),
                timeout=10,
            )

    def _refused_duplicate(self, customer_id: str) -> None:
        self._saving = False
        self._leave_after_save = False
        self._apply_mode()
        self.show_tab("basic")
        self.notify(
            _("Customer id {id} already exists; choose another id.").format(id=customer_id),
            severity="error",
            timeout=8,
        )

    def _save_failed(self, message: str) -> None:
        self._saving = False
        self._leave_after_save = False
        self._apply_mode()
        self.notify(_("Saving failed: {error}").format(error=message), severity="error", timeout=12)

    def action_back(self) -> None:
        """Leave the card; with unsaved changes, ask first."""
        self.confirm_leave(lambda: self.dismiss(None))

    def has_unsaved_changes(self) -> bool:
        """Whether leaving now would lose edits (or a save is still running)."""
        return self._saving or self.draft.dirty

    def confirm_leave(self, proceed: Callable[[], object]) -> None:
        """Run ``proceed`` (leave the card, quit the app…) once nothing would be lost: at once
        when there are no unsaved changes, else after asking — save first, discard, or stay.

        Args:
            proceed: What to do once it is safe.
        """
        self._proceed = proceed
        if self._saving:
            self._leave_after_save = True
            return
        if not self.draft.dirty:
            proceed()
            return
        from creditfile.tui.card.modals import unsaved_dialog

        self.app.push_screen(unsaved_dialog(self.lang, self.draft.customer_id), self._after_unsaved)

    def _after_unsaved(self, choice: str | None) -> None:
        if choice == "discard" and self._proceed is not None:
            self._proceed()
        elif choice == "save":
            self._leave_after_save = True
            self.action_save()
