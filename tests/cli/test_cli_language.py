"""The command line speaks the locale's language (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``,
``LANG``) or ``--lang``'s: usage, help, messages and ``explain``, from the gettext catalogue."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cli_support import Run

ZH = {"LANG": "zh_CN.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": ""}
EN = {"LANG": "en_US.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": ""}
CJK = re.compile(r"[\u3400-\u9fff]")


def test_help_follows_a_chinese_locale(run: Run) -> None:
    result = run("--help", env=ZH)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("用法:creditfile")
    for words in ("显示本帮助并退出", "说明客户为何得到该等级", "档案文件", "选项:"):
        assert words in result.stdout
    assert "show this help" not in result.stdout and "why a customer" not in result.stdout


def test_lang_overrides_the_locale_before_or_after_the_command(run: Run) -> None:
    english = run("--lang", "en", "--help", env=ZH).stdout
    assert english.startswith("usage: creditfile")
    # the only Chinese: the company-form suffixes `duplicates` sets aside, quoted as written
    assert not CJK.search(english.replace("有限责任公司/有限公司", ""))
    chinese = run("explain", "--help", "--lang=zh", env=EN).stdout
    assert chinese.startswith("用法:") and "评级日期" in chinese
    assert run("--help", env={**EN, "LANGUAGE": "zh_CN:en"}).stdout.startswith("用法:")
    assert run("--help", env={**ZH, "LC_ALL": "C"}).stdout.startswith("usage:")


def test_usage_errors_follow_the_locale(run: Run, archive_path: Path) -> None:
    result = run("--lang", "fr", "list", env=ZH)
    assert result.returncode == 2
    assert "无效的选择" in result.stderr and "'fr'" in result.stderr
    result = run("explain", "C1", "--as-of", "someday", env=ZH)
    assert result.returncode == 2 and "不是日期" in result.stderr


@pytest.mark.parametrize("env", [ZH, EN], ids=["zh", "en"])
def test_explain_speaks_one_language(run: Run, archive_path: Path, env: dict[str, str]) -> None:
    result = run("explain", "C00003", "--as-of", "2026-11-29", env=env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    words = "\n".join(lines[1:])  # the first line is the customer's own id, name and nature
    if env is ZH:
        for text in (
            "评级日期",
            "政策",
            "项目",
            "得分",
            "失分",
            "依据",
            "总分",
            "待遇",
            "评估人录入",
        ):
            assert text in words, text
        # Nothing of the interface left in English (item keys are identifiers, not words).
        leftovers = re.findall(r"\b(as of|policy|total|grade|privileges|points|yes|no)\b", words)
        assert not leftovers, leftovers
    else:
        interface = [line for line in lines[1:] if line and not line[0].isspace()]
        for line in interface:
            # Chinese there is data: the policy's item, grade, tier and payment labels.
            english = CJK.sub("", line)
            assert english.strip(), line
        for text in ("as of", "item", "points", "lost", "clause", "total", "privileges"):
            assert text in words, text
        assert "评级日期" not in words and "待遇" not in words and "评估人录入" not in words
