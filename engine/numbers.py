"""Half-up (四舍五入) decimal rounding, as the regime and the policy's ``rounding`` require."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def to_decimal(value: float | int | Decimal) -> Decimal:
    """The decimal a person reads in ``value`` (``2.675`` is 2.675, not 2.67499…)."""
    if isinstance(value, Decimal):
        return value
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def round_half_up(value: float | int | Decimal, places: int) -> Decimal:
    """Round half away from zero to ``places`` decimals."""
    return to_decimal(value).quantize(_QUANTA[places], rounding=ROUND_HALF_UP)


_QUANTA = tuple(Decimal(1).scaleb(-places) for places in range(10))


def as_number(value: Decimal) -> float:
    """A JSON-friendly number for a rounded decimal."""
    return float(value)
