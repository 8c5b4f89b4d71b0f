"""Amounts of money as finance writes them, one way everywhere: tables, headlines and chart axes."""

from __future__ import annotations

import math

__all__ = ["pounds", "pounds_decimals"]


def pounds(value: float, *, decimals: int = 1) -> str:
    """An amount [£]: ``-900000`` gives ``"-£0.9m"``, ``450`` gives ``"£450"``; the sign before the pound.

    Parameters
    ----------
    value : float
        [£]
    decimals : int
        Decimals of millions (amounts of £100,000 or more).

    Returns
    -------
    str
    """
    size = abs(value)
    text = f"£{size / 1e6:,.{decimals}f}m" if size >= 1e5 else f"£{size:,.0f}"
    return f"-{text}" if value < 0 and text != "£0" else text  # no "-£0" for an amount that rounds to nothing


def pounds_decimals(step: float) -> int:
    """Decimals of millions that tell apart amounts ``step`` pounds apart (chart ticks): 1 for £0.5m, 2 for £0.25m.

    Parameters
    ----------
    step : float
        [£]

    Returns
    -------
    int
    """
    if not step > 0:
        return 1
    millions = step / 1e6
    for decimals in range(0, 4):
        if abs(round(millions, decimals) - millions) < 1e-9 * max(1.0, millions):
            return max(decimals, 1) if millions < 10 else decimals
    return 3 if math.isfinite(millions) else 1
