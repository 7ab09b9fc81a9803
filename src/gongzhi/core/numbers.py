"""Small number helpers shared by the services that parse amounts and hours."""

from __future__ import annotations

from decimal import Decimal


def decimal_places(value: Decimal) -> int:
    """Digits after the point of a finite Decimal (0 for NaN and infinities)."""
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) else 0
