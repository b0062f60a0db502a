"""The lines of a policy what-if that say why customers would change, by reason: one per
effect and reason, with how many customers, as ``policy diff`` and ``policy activate`` print
them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from creditfile.policy import Policy
from creditfile.presentation.change_words import effect_words, summary_words
from creditfile.presentation.translation import _


def reason_lines(summary: Sequence[Mapping[str, Any]], policy: Policy) -> list[str]:
    """``  12 move down: payment record worse``: each summary row in one indented line.

    Args:
        summary: The what-if's rows (``change_reasons.summarise``): customers, effect and
            reason.
        policy: Names the scoring items of a reason, in the language it is given in.
    """
    return [
        "  "
        + _("{count} {effect}: {reason}").format(
            count=f"{row['customers']:,}",
            effect=effect_words(row["effect"]),
            reason=summary_words(row, policy),
        )
        for row in summary
    ]
