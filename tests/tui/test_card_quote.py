"""The card's quote dialog, keyboard only (Pilot): live terms, refused over the limit, recorded."""

from __future__ import annotations

from pathlib import Path

from card_kit import drive, events, host, settle, text_of, type_into
from textual.pilot import Pilot
from textual.widgets import Checkbox

from creditfile.policy import Policy
from creditfile.presentation.translation import set_language
from creditfile.tui.card.quote_dialog import QuoteDialog
from creditfile.tui.card.views import history_row

# C000001 is graded B (80.19): 2% off, 10% deposit, limit 2,000,000, nothing outstanding.


def _quotes(path: Path) -> list[dict[str, object]]:
    return [e for e in events(path) if e["kind"] == "quote_issued"]


def test_q_prices_live_and_ctrl_s_records_the_quote(archive_path: Path, policy: Policy) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(pilot.app.screen, QuoteDialog)
        # 1,000 × 3 units × 2 months = 6,000.00; 2% = 120.00; 5,880.00; deposit 588.00.
        await type_into(pilot, "quote-list-price", "1000")
        await type_into(pilot, "quote-quantity", "3")
        await type_into(pilot, "quote-months", "2")
        shown = text_of(pilot, "#quote-result")
        for text in ("Grade B", "Discount 2% = 120.00", "Amount 5,880.00", "Deposit 10% = 588.00",
                     "headroom 2,000,000.00", "Within the credit limit"):  # fmt: skip
            assert text in shown
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, QuoteDialog)

    drive(host(archive_path, policy), steps)
    [quote] = _quotes(archive_path)
    assert (quote["amount"], quote["deposit"], quote["grade"]) == (5880.0, 588.0, "B")
    row = history_row(quote, "en", policy)
    assert row[2] == "quote"
    assert row[3].startswith("盘扣式脚手架 ×3 · 2 months · amount 5,880.00 (discount 2%)")
    set_language("zh")  # the card speaks the language in force
    assert history_row(quote, "zh", policy)[2] == "报价"
    assert quote["via"] == "creditfile tui" and quote["actor"] == "wang"


def test_over_the_limit_it_records_only_once_the_box_is_ticked(
    archive_path: Path, policy: Policy
) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("q")
        await settle(pilot)
        # 400,000 × 6 = 2,400,000.00; 2% off: 2,352,000.00, over 2,000,000 by 352,000.00.
        await type_into(pilot, "quote-list-price", "400000")
        await type_into(pilot, "quote-quantity", "6")
        assert "超出信用额度 352,000.00" in text_of(pilot, "#quote-result")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, QuoteDialog)  # refused: still open
        assert _quotes(archive_path) == []
        box = pilot.app.screen.query_one("#quote-allow", Checkbox)
        assert pilot.app.screen.focused is box
        await pilot.press("space")
        assert box.value
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, QuoteDialog)

    drive(host(archive_path, policy, lang="zh"), steps)
    [quote] = _quotes(archive_path)
    assert quote["over_limit"] is True and quote["allowed_over_limit"] is True


def test_escape_leaves_without_recording(archive_path: Path, policy: Policy) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("q")
        await settle(pilot)
        await type_into(pilot, "quote-list-price", "1000")
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, QuoteDialog)

    drive(host(archive_path, policy), steps)
    assert _quotes(archive_path) == []


def test_a_customer_over_its_limit_already_is_told_nothing_can_be_quoted(
    archive_path: Path, policy: Policy
) -> None:
    from creditfile.store import Archive

    archive = Archive.open(archive_path)
    record = archive.get("C000001")
    assert record is not None
    doc = {k: v for k, v in record.items() if not k.startswith("_")}
    doc["leases"][0]["outstanding"] = 2_500_000  # past grade B's 2,000,000 already
    archive.save_customer(doc, base_rev=record["_meta"]["rev"], actor="seed")

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("q")
        await settle(pilot)
        await type_into(pilot, "quote-list-price", "100")
        shown = text_of(pilot, "#quote-result")
        assert "信用额度已用完" in shown and "超出信用额度" not in shown
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, QuoteDialog)  # refused: still open
        assert _quotes(archive_path) == []
        await pilot.press("escape")
        await settle(pilot)

    drive(host(archive_path, policy, lang="zh"), steps)
