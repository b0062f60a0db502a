"""A key configuration file the UI cannot use is told in the language of the UI: the file, the
binding at fault and what to do, with the default keys kept."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest

from creditfile.presentation.translation import translation
from creditfile.tui.keys import KeymapError, load_keymap

CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.mark.parametrize(
    ("content", "chinese", "english"),
    [
        (
            '"list.serch" = "ctrl+f"\n',
            "list.serch: 不是按键绑定的编号；是否应为 'list.search'？",
            "list.serch: is not a binding id; did you mean 'list.search'?",
        ),
        (
            '"list.search" = ""\n',
            'list.search: 需要写一个按键, 例如 "ctrl+f" 或 "slash,ctrl+f"',
            'list.search: needs a key, e.g. "ctrl+f" or "slash,ctrl+f"',
        ),
        (
            "list search = 1\n",
            "不是有效的 TOML: 第 1 行第 6 列: 键后面缺少 =",
            "is not valid TOML: line 1, column 6: an = is missing after the key",
        ),
        (
            '"list.search" = "ctrl+f\n',
            "不是有效的 TOML: 第 1 行第 24 列: 此处不能有这个字符 (引号没有闭合?)",
            "is not valid TOML: line 1, column 24: a character that cannot stand here (a quote "
            "not closed?)",
        ),
        (
            '"list.search" = "x"\n[keys]\n',
            "请把所有绑定都写在 [keys] 下, 或者都不写在其下",
            "put every binding under [keys], or none of them",
        ),
    ],
)
def test_a_bad_keymap_file_is_worded_in_each_language(
    tmp_path: Path, content: str, chinese: str, english: str
) -> None:
    path = tmp_path / "keys.toml"
    path.write_text(content, "utf-8")
    with pytest.raises(KeymapError) as caught:
        load_keymap(path)
    said_zh = caught.value.text(translation("zh").gettext)
    assert said_zh.startswith(f"{path}: ") and chinese in said_zh, said_zh
    said_en = caught.value.text(translation("en").gettext)
    assert said_en == str(caught.value)
    assert said_en.startswith(f"{path}: ") and english in said_en, said_en
    assert not CJK.search(said_en)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_ui_tells_of_a_broken_keymap_in_its_language(tui: Any, lang: str) -> None:
    keymap = tui.folder / "keys.toml"
    keymap.write_text('"list.serch" = "ctrl+f"\n', "utf-8")
    app = tui.make_app(lang, keymap=keymap)
    told: list[str] = []
    notify = app.notify

    def noted(message: str, *args: Any, **kwargs: Any) -> None:
        told.append(str(message))  # every toast, however soon the list clears it
        notify(message, *args, **kwargs)

    app.notify = noted  # type: ignore[method-assign]

    async def main() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await pilot.app.workers.wait_for_complete()

    asyncio.run(main())
    said = next((message for message in told if str(keymap) in message), str(told))
    if lang == "zh":
        assert said == (
            f"按键配置有误,已忽略:{keymap}: list.serch: 不是按键绑定的编号；是否应为 'list.search'？"
        )
    else:
        assert said == (
            f"Key configuration ignored: {keymap}: list.serch: is not a binding id; did you "
            "mean 'list.search'?"
        )
