"""Settings of the synthetic county, and the generator's own codes of placement categories.

Every setting is calibrated to a published figure, listed with its source in
``docs/calibration.md`` of the repository; settings no figure pins down are
marked as assumptions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "AGF",
    "CATEGORY_NAMES",
    "DAY",
    "EXR",
    "FOSTER",
    "INF",
    "INR",
    "KIN",
    "OTR",
    "PFA",
    "PWP",
    "RESIDENTIAL",
    "SEC",
    "SUP",
    "CountyParameters",
]

# internal category codes
KIN, INF, AGF, PFA, PWP, INR, EXR, SEC, OTR, SUP = range(10)
CATEGORY_NAMES = (
    "kinship_fostering",
    "inhouse_fostering",
    "agency_fostering",
    "placed_for_adoption",
    "placed_with_parents",
    "inhouse_residential",
    "external_residential",
    "secure",
    "other_residential",
    "supported_accommodation",
)
FOSTER = (KIN, INF, AGF)
RESIDENTIAL = (INR, EXR)
DAY = np.timedelta64(1, "D")


@dataclass(frozen=True)
class CountyParameters:
    """Settings of the synthetic county.

    Each setting's source is in ``docs/calibration.md`` (the key in
    brackets).

    Attributes
    ----------
    first_year, last_year : int
        Collection years of the returns written [year ending 31 March].
    entries_per_year : float
        Non-UASC entries to care in the 2014-15 year [children/year]; with
        the growth below it gives Leicestershire's size (469 children in
        care at 31 March 2016, 694 in 2025 [SFR16], [R25]).
    growth_before, growth_after : float
        Yearly growth of entries before and after ``trend_change`` [1/year]
        (Leicestershire's starts rose from 244 in 2015 to 311 in 2024
        [SFR15], [R24]).
    trend_change : str
        Date the entry trend changes.
    uasc_per_month : tuple of (str, float)
        UASC entries per month from each date on [children/month]
        (Leicestershire: 20, 45, 77, 109, 59 UASC starts in 2021-2025
        [D25-rds]).
    scale : float
        Multiplies every entry rate (e.g. ~110 for a national-size dataset).
    stay_mix : tuple of (float, float, float)
        Shares of very short, short and long periods of care for families
        whose eldest child is under 1, 1-9, 10-15 and 16-17 at entry (14%
        of 2024 leavers had been in care under 8 weeks [D24-ceased]).
    stay_median_days, stay_sigma : tuple of float
        Median [days] and log-scale spread of each kind of stay's length.
    re_entry_share : float
        Share of children returning home who come back into care (11% of
        2024 leavers had two or more periods of care [D24-periods]).
    season : tuple of float
        Multiplier of entries by calendar month (an assumption).
    pandemic : (str, str)
        First and last day of the pandemic's effect.
    pandemic_entry_factor : float
        Multiplier of entries during it (England's starts fell 8% from
        2020 to 2021 [T24]); court-based exits are delayed then.
    sibling_sizes : tuple of float
        Relative frequency of families of 1, 2, 3 and 4 children entering
        together (an assumption).
    slow_exits : tuple of (str, str, float, float)
        Spells of slow exits, such as a court backlog: ``(first day, last
        day, share, mean delay [days])``; that share of the exits due in the
        spell (other than on the 18th birthday, and of children other than
        unaccompanied ones) is delayed by an exponential time with that
        mean, so the stock swells and falls back when the backlog clears.
    entry_steps : tuple of (str, float)
        Step changes in entries (other than unaccompanied children's):
        from each date on, entries are multiplied by the factor.
    stay_growth : float
        Yearly growth of the length of stays by the year a period of care
        begins [1/year]: stays of children entering ``t`` years after 2015
        are ``exp(stay_growth * t)`` times as long (England's children in
        care rose by about a quarter from 2011 to 2024 while starts were
        flat [T24]; 0 keeps lengths as they are).
    residential_drift : float
        Yearly growth of the chance that a child of 12 or more starts in a
        children's home, from 2015 [1/year] (an assumption).
    supported_drift : float
        Yearly growth of the chance that a child of 16 or more starts in
        supported accommodation, from 2015 [1/year] (an assumption; 0 keeps
        the share flat).
    """

    first_year: int = 2016
    last_year: int = 2025
    entries_per_year: float = 170.0
    growth_before: float = 0.005
    growth_after: float = 0.06
    trend_change: str = "2015-10-01"
    uasc_per_month: tuple[tuple[str, float], ...] = (
        ("1990-01-01", 0.6),
        ("2016-01-01", 1.2),
        ("2021-04-01", 3.5),
        ("2022-04-01", 6.0),
        ("2023-04-01", 8.0),
        ("2024-04-01", 4.5),
    )
    scale: float = 1.0
    stay_mix: tuple[tuple[float, float, float], ...] = (
        (0.08, 0.20, 0.72),
        (0.12, 0.28, 0.60),
        (0.14, 0.32, 0.54),
        (0.15, 0.35, 0.50),
    )
    stay_median_days: tuple[float, float, float] = (10.0, 150.0, 1400.0)
    stay_sigma: tuple[float, float, float] = (0.8, 0.9, 0.95)
    re_entry_share: float = 0.12
    season: tuple[float, ...] = (1.05, 1.05, 1.1, 0.95, 1.0, 1.0, 0.95, 0.85, 1.0, 1.1, 1.05, 0.9)
    pandemic: tuple[str, str] = ("2020-04-01", "2021-03-31")
    pandemic_entry_factor: float = 0.85
    slow_exits: tuple[tuple[str, str, float, float], ...] = ()
    entry_steps: tuple[tuple[str, float], ...] = ()
    sibling_sizes: tuple[float, ...] = (0.62, 0.24, 0.09, 0.05)
    stay_growth: float = 0.0
    residential_drift: float = 0.06
    supported_drift: float = 0.0

    def __post_init__(self) -> None:
        """Refuse settings no county could have.

        Raises
        ------
        ValueError
            If ``last_year`` is before ``first_year``, or ``scale`` or
            ``entries_per_year`` is not a positive finite number.
        """
        if int(self.last_year) < int(self.first_year):
            raise ValueError(f"last_year {self.last_year} is before first_year {self.first_year}")
        for name in ("scale", "entries_per_year"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value) or value <= 0:
                raise ValueError(f"{name} must be a positive number, not {value!r}")
