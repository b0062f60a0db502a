"""Key bindings and their remapping file, the two languages, and the service the screens share."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from creditfile.presentation.language import default_lang, resolve_lang
from creditfile.presentation.translation import _, set_language, translation
from creditfile.store import Archive, StaleRevisionError
from creditfile.tui.keys import KEYS, KeymapError, keymap_path, load_keymap
from creditfile.tui.service import ArchiveService


def test_every_binding_has_a_unique_id_and_a_description_in_both_languages() -> None:
    ids = [spec.id for spec in KEYS]
    assert len(ids) == len(set(ids))
    zh = translation("zh")
    for spec in KEYS:
        assert spec.text.strip(), spec.id
        assert zh.gettext(spec.text) != spec.text or spec.text == "SHA-256", spec.id


def test_the_keys_the_issue_names_are_bound() -> None:
    keys = {spec.id: spec.keys.split(",") for spec in KEYS}
    expected = {
        "list.search": "slash", "list.filters": "f", "list.sort": "s", "list.sort_reverse": "S",
        "table.down": "j", "table.up": "k", "table.top": "g", "table.bottom": "G",
        "table.page_up": "pageup", "table.page_down": "pagedown", "list.open": "enter",
        "list.edit": "e", "list.new": "n", "list.regrade": "r", "app.screen_list": "1",
        "app.screen_portfolio": "2", "app.screen_policy": "3", "app.screen_review": "4",
        "app.help": "f1", "app.palette": "ctrl+p", "app.quit": "ctrl+q", "list.back": "escape",
    }  # fmt: skip
    for binding_id, key in expected.items():
        assert key in keys[binding_id], binding_id
    assert "question_mark" in keys["app.help"]


def test_an_unknown_message_shows_itself_and_placeholders_are_filled_after_translation() -> None:
    try:
        set_language("zh")
        assert _("no such message") == "no such message"
        assert _("{shown} / {total} shown").format(shown=3, total=9) == "显示 3 / 共 9"
        set_language("en")
        assert _("{shown} / {total} shown").format(shown=3, total=9) == "3 / 9 shown"
    finally:
        set_language("en")


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LC_ALL": "zh_TW.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
        ({"LC_ALL": "C.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
        ({}, "en"),
        ({"LANGUAGE": "zh_CN:en", "LANG": "en_US.UTF-8"}, "zh"),
        ({"LANGUAGE": "zh_CN", "LC_ALL": "C"}, "en"),
        ({"LANGUAGE": "fr:en", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
    ],
)
def test_the_default_language_follows_the_locale(environ: dict[str, str], expected: str) -> None:
    assert default_lang(environ) == expected
    assert resolve_lang(None, environ) == expected
    assert resolve_lang("zh", environ) == "zh"


def test_the_keymap_file_lives_in_the_xdg_config_home() -> None:
    assert keymap_path({"XDG_CONFIG_HOME": "/cfg"}) == Path("/cfg/creditfile/keys.toml")
    assert keymap_path({}).parts[-3:] == (".config", "creditfile", "keys.toml")


def test_a_keymap_file_maps_binding_ids_to_keys(tmp_path: Path) -> None:
    path = tmp_path / "keys.toml"
    path.write_text('"list.search" = "ctrl+f"\n[keys]\n', "utf-8")
    with pytest.raises(KeymapError):
        load_keymap(path)  # bindings both at the top and under [keys]: which one was meant?
    path.write_text(
        '[keys]\n"list.search" = ["ctrl+f", "slash"]\n"card.save" = "ctrl+w"\n', "utf-8"
    )
    assert load_keymap(path) == {"list.search": "ctrl+f,slash", "card.save": "ctrl+w"}
    assert load_keymap(tmp_path / "absent.toml") == {}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('"list.serch" = "x"\n', "list.serch: is not a binding id; did you mean 'list.search'?"),
        ('"list.search" = ""\n', 'list.search: needs a key, e.g. "ctrl+f"'),
        ('"list.search" = 3\n', "list.search: needs a key"),
        ('"list.search" = [1]\n', "list.search: needs a key"),
        ("list.search = \n", "is not valid TOML"),
    ],
)
def test_a_bad_keymap_file_is_named_with_the_binding_and_what_to_do(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "keys.toml"
    path.write_text(content, "utf-8")
    with pytest.raises(KeymapError) as caught:
        load_keymap(path)
    assert str(path) in str(caught.value)
    assert message in str(caught.value)


# --- the service ----------------------------------------------------------------------------


def service_on(tui: Any, actor: str = "wang") -> ArchiveService:
    service = ArchiveService(tui.archive, tui.folder / "policy.yaml", actor=actor, as_of=tui.as_of)
    service.load()
    return service


def test_the_service_reads_every_record_once_and_answers_the_card(tui: Any) -> None:
    service = service_on(tui)
    assert len(service.records()) == 151
    record = service.record("C900001")
    assert record is not None
    assert record["_grading"]["status"] == "graded"
    assert service.new_id() == "C900002"
    # the top: the largest sum of non-cancelled lease amounts among established customers
    established = [
        r for r in service.records().values() if r["_grading"]["lifecycle"] == "established"
    ]
    top = max(
        sum(
            (
                Decimal(repr(lease["amount"]))
                for lease in r.get("leases") or []
                if lease["status"] != "cancelled"
            ),
            Decimal(0),
        )
        for r in established
    )
    assert top > 0
    assert service.tops() == {"cumulative_lease_amount": top}
    assert service.validate({"id": "C1", "name": "x", "nature": "ordinary_company"}) == []
    assert service.validate({"id": "C1", "name": "x", "nature": "alien"})


def test_a_save_on_top_of_someone_elses_is_refused_and_nothing_is_lost(tui: Any) -> None:
    first, second = service_on(tui, "wang"), service_on(tui, "li")
    record = first.record("C000003")
    assert record is not None
    doc = {k: v for k, v in record.items() if not k.startswith("_")}
    base = record["_meta"]["rev"]
    first.save({**doc, "name": "王先改的名字"}, base)
    with pytest.raises(StaleRevisionError):
        second.save({**doc, "name": "李后改的名字"}, base)
    assert Archive.open(tui.archive).records()["C000003"]["name"] == "王先改的名字"
    fresh = second.record("C000003", fresh=True)
    assert fresh is not None
    assert fresh["name"] == "王先改的名字"


def test_the_service_tells_screens_what_changed(tui: Any) -> None:
    service = service_on(tui)
    seen = service.generation
    record = service.record("C000004")
    assert record is not None
    doc = {k: v for k, v in record.items() if not k.startswith("_")}
    service.save(doc, record["_meta"]["rev"])
    assert service.changed_since(seen) == ["C000004"]
    service.load()
    assert service.changed_since(seen) is None  # re-read: everything may have changed


def test_a_reveal_of_personal_data_is_recorded_in_the_history(tui: Any) -> None:
    service = service_on(tui)
    service.record_event("C900001", "personal_data_revealed", {"via": "test"})
    events = service.history("C900001")
    assert events[-1]["kind"] == "personal_data_revealed"
    assert events[-1]["actor"] == "wang"


def test_the_policy_status_reports_a_file_that_no_longer_validates(tui: Any) -> None:
    service = service_on(tui)
    assert service.policy_status().disk_problems == ()
    path = tui.folder / "policy.yaml"
    path.write_text(path.read_text("utf-8").replace("min_score: 80", "min_score: 95"), "utf-8")
    status = service.policy_status()
    assert status.disk_problems
    assert any("grades" in str(p) for p in status.disk_problems)
    reloaded = service.reload_policy()
    assert reloaded.disk_problems
    assert service.policy.version == "2026.1"  # the loaded policy stays in force


def test_an_activated_policy_is_used_and_an_edited_file_is_reported_as_needing_activation(
    tui: Any,
) -> None:
    from creditfile.policy import load_policy
    from creditfile.tui.screens.policy_screen import disk_state

    path = tui.folder / "policy.yaml"
    policy = load_policy(path)
    Archive.open(tui.archive).activate_policy(
        path.read_text("utf-8"), sha256=policy.sha256, version=policy.version,
        path=str(path), actor="compliance",
    )  # fmt: skip
    service = ArchiveService(tui.archive, None, actor="wang", as_of=tui.as_of)
    service.load()
    status = service.policy_status()
    assert (status.source.origin, status.policy.sha256) == ("archive", policy.sha256)
    assert not status.disk_changed
    path.write_text(path.read_text("utf-8").replace('"2026.1"', '"2026.9"'), "utf-8")
    status = service.policy_status()
    assert status.disk_changed and not status.disk_problems
    assert "creditfile policy activate" in disk_state(status, "en").plain
    assert service.reload_policy().policy.version == "2026.1"  # the activated copy stays


def test_rows_read_so_far_start_over_when_the_preview_is_withdrawn() -> None:
    from types import SimpleNamespace

    from creditfile.application.customer_index import PinyinKeys
    from creditfile.policy import default_policy_path, load_policy
    from creditfile.tui.app import RowsSoFar
    from creditfile.tui.service import LoadingBatch

    shown: list[int] = []

    def call_from_thread(
        show: Any, index: Any, done: int, total: int, policy: Any, painted: Any
    ) -> None:
        shown.append(len(index))
        painted.set()

    app = SimpleNamespace(
        _pinyin=PinyinKeys(), call_from_thread=call_from_thread, _show_so_far=None
    )
    status = SimpleNamespace(policy=load_policy(default_policy_path()))
    rows = RowsSoFar(app)  # type: ignore[arg-type]
    preview = [{"id": "C1", "name": "甲"}, {"id": "C1", "name": "乙"}]
    rows.add(LoadingBatch(preview, 2, 10, status))  # type: ignore[arg-type]
    final = [{"id": "C1", "name": "乙"}, {"id": "C2", "name": "丙"}]
    rows.add(LoadingBatch(final, 2, 2, status, restart=True))  # type: ignore[arg-type]
    assert shown == [2]  # the preview was shown; the whole list follows from the app
    assert [(r.id, r.name) for r in rows.rows] == [("C1", "乙"), ("C2", "丙")]


def test_the_cards_history_masks_a_phone_under_the_policys_personal_natures(tui: Any) -> None:
    from creditfile.tui.card.views import history_row

    service = service_on(tui)
    record = service.record("C000004")
    assert record is not None
    doc = {k: v for k, v in record.items() if not k.startswith("_")}
    service.save({**doc, "contact": {**(doc.get("contact") or {}), "phone": "13912345678"}},
                 record["_meta"]["rev"])  # fmt: skip
    nature = doc["nature"]
    shown = [history_row(e, "en", service.policy) for e in service.history("C000004")]
    assert "13912345678" in str(shown)  # not a person under this policy: business data
    path = tui.folder / "policy.yaml"
    path.write_text(path.read_text("utf-8") + f"\npersonal_natures: [{nature}]\n", "utf-8")
    strict = service_on(tui)
    assert strict.policy.personal_natures == {nature}
    events = strict.history("C000004")
    rows = [history_row(e, "en", strict.policy) for e in events]
    assert "13912345678" not in str(events) + str(rows)
    assert any("••• → •••" in row[-1] for row in rows)
