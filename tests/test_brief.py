"""One-line shortening as a terminal shows it: measured in cells, never cut inside a character."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from creditfile.presentation.brief import one_line


def test_a_value_of_several_lines_shows_its_first_and_an_ellipsis() -> None:
    assert one_line("学校、医院\n2023年 武汉某小区", 40) == "学校、医院…"
    assert one_line("第一行\r\n第二行", 40) == "第一行…"


def test_a_long_line_is_cut_on_cell_width() -> None:
    # Each of these characters takes two cells: 11 cells hold five and the ellipsis.
    assert one_line("学校医院" * 5, 11) == "学校医院学…"
    assert one_line("abc", 3) == "abc"
    assert one_line("abcd", 3) == "ab…"


@given(st.text(), st.integers(min_value=1, max_value=80))
def test_never_wider_than_asked_and_a_prefix_of_the_first_line(text: str, width: int) -> None:
    shown = one_line(text, width)
    assert cell_len(shown) <= width
    assert "\n" not in shown and "\r" not in shown
    first = (text.splitlines() or [""])[0]
    assert first.startswith(shown.removesuffix("…").rstrip())
