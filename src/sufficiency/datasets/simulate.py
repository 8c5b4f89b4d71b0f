"""A seeded synthetic county: children's journeys through care, with known truth.

The generator is deliberately *not* the model the library fits. It has:

* duration dependence: each period of care has a length drawn at entry from
  a short-stay / long-stay mixture, and placements last a Weibull time with
  a falling hazard, so the chance of leaving or moving depends on time
  already spent;
* sibling groups who enter together, share a first placement and leave
  together;
* a trend change in entries (flat, then rising), a rising share of entries
  aged 16+, a rising share of residential care for older children;
* seasonality in entries, a pandemic dip (fewer entries, court-based exits
  delayed) from April 2020 to March 2021;
* a surge of unaccompanied asylum-seeking children (UASC) from 2021-22;
* re-entries after returning home, exits at 18, adoption pathways, legal
  status changes and changes of placement status with the same carer (new
  episodes that are not moves), and short temporary (respite) placements.

Every setting is calibrated to a published figure, listed with its source
in ``docs/calibration.md`` of the repository: for example Leicestershire had
469 children looked after at 31 March 2016 and 694 at 31 March 2025 with
244 to 311 starts a year (DfE *Children looked after in England*, council
tables); nationally 16+ starters rose from 12% (2011) to 29% (2024) of
starts, 14% of 2024 leavers had been in care under 8 weeks and 39% left on
their 18th birthday. Settings no figure pins down are marked as assumptions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..common import schema as S
from ..common.dates import age_at, birthday
from ..ingest.codes import code_groups
from ..ingest.taxonomy import coarse_map, ordered_categories

# internal category codes
KIN, INF, AGF, PFA, PWP, INR, EXR, SEC, OTR, SUP = range(10)
_CATEGORY_NAMES = (
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
_FOSTER = (KIN, INF, AGF)
_RESIDENTIAL = (INR, EXR)
_DAY = np.timedelta64(1, "D")


@dataclass(frozen=True)
class CountyParameters:
    """Settings of the synthetic county.

    Attributes
    ----------
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


@dataclass(frozen=True)
class SimulatedCounty:
    """A simulated county with its ground truth.

    Attributes
    ----------
    episodes : pandas.DataFrame
        True episodes (canonical columns), cut at ``censor_date``: episodes
        still running then have no end. Includes history before the first
        return.
    children : pandas.DataFrame
        One row per child: ``child_id``, ``date_of_birth``, ``sex``,
        ``ethnicity``, ``uasc``, ``uasc_ceased``.
    placements : pandas.DataFrame
        The generator's own record of where each child was: one row per
        placement spell, ``child_id``, ``period_of_care``, ``start`` and
        ``end`` (the child is in care in the spell at the end of each day
        ``start <= d < end``; ``end`` is NaT for spells running at
        ``censor_date``), ``placement``, ``date_of_birth``, ``uasc``. It is
        kept apart from the episodes (which add legal-status changes,
        respite and the returns' codes), so counts from it are a truth the
        library's readers and counters did not make.
    parameters : CountyParameters
    seed : int
    coverage_start, censor_date : pandas.Timestamp
        First and last day the returns describe.
    """

    episodes: pd.DataFrame
    children: pd.DataFrame
    placements: pd.DataFrame
    parameters: CountyParameters
    seed: int
    coverage_start: pd.Timestamp
    censor_date: pd.Timestamp

    def true_stock(self, dates: object, *, by: tuple[str, ...] = ("placement",)) -> pd.DataFrame:
        """Children in care at the end of each date, counted day by day from :attr:`placements`.

        Parameters
        ----------
        dates : date or sequence of dates
            Count dates, up to ``censor_date``.
        by : tuple of str
            Any of ``"placement"``, ``"age"`` (completed years on the date;
            a 29 February birthday falls on 1 March in common years),
            ``"uasc"``; ``()`` for totals.

        Returns
        -------
        pandas.DataFrame
            ``date``, the ``by`` columns and ``children`` [children]; with
            ``by=("placement",)`` every category the county used appears at
            every date (zeros included), in the taxonomy's order.
        """
        days = pd.DatetimeIndex(pd.to_datetime([dates] if isinstance(dates, (str, pd.Timestamp)) else list(dates)))
        spells = self.placements
        start = spells["start"].to_numpy("datetime64[ns]")
        end = spells["end"].fillna(self.censor_date + pd.Timedelta(days=1)).to_numpy("datetime64[ns]")
        dob = pd.DatetimeIndex(spells[S.DATE_OF_BIRTH])
        parts = []
        for day in days:
            here = (start <= day.to_datetime64()) & (end > day.to_datetime64())
            frame = spells.loc[here, [S.PLACEMENT, S.UASC]].copy()
            born = dob[here]
            before_birthday = (day.month < born.month) | ((day.month == born.month) & (day.day < born.day))
            frame[S.AGE] = day.year - born.year - before_birthday.astype(int)
            if not by:
                parts.append(pd.DataFrame({S.DATE: [day], S.CHILDREN: [len(frame)]}))
                continue
            counts = frame.groupby(list(by)).size().rename(S.CHILDREN)
            if tuple(by) == (S.PLACEMENT,):
                counts = counts.reindex(ordered_categories(spells[S.PLACEMENT]), fill_value=0).rename_axis(S.PLACEMENT)
            parts.append(counts.reset_index().assign(**{S.DATE: day}))
        out = pd.concat(parts, ignore_index=True)
        return out[[S.DATE, *by, S.CHILDREN]]


def simulate_county(*, seed: int = 903, parameters: CountyParameters | None = None) -> SimulatedCounty:
    """Simulate a county's children in care.

    Parameters
    ----------
    seed : int
        Seed of the random generator; the same seed gives the same county.
    parameters : CountyParameters, optional
        Settings; defaults give roughly 500 children in care at 31 March
        2016 rising to about 750 by 2025.

    Returns
    -------
    SimulatedCounty
        Write it as SSDA903 returns with :func:`sufficiency.write_returns`.
    """
    p = parameters or CountyParameters()
    rng = np.random.default_rng(seed)
    censor = pd.Timestamp(year=p.last_year, month=3, day=31)
    coverage = pd.Timestamp(year=p.first_year - 1, month=4, day=1)
    sim_start = pd.Timestamp(year=p.first_year - 20, month=4, day=1)
    kids = _first_entries(rng, p, sim_start, censor)
    periods = [kids]
    generation = kids
    for _ in range(4):
        generation = _re_entries(rng, p, generation, censor)
        if generation.empty:
            break
        periods.append(generation)
    periods_df = pd.concat(periods, ignore_index=True)
    periods_df["period_id"] = np.arange(len(periods_df))
    segments = _placements(rng, periods_df)
    episodes = _episodes(rng, p, periods_df, segments)
    children = _children(periods_df)
    episodes = _truncate(episodes, censor, children, p)
    return SimulatedCounty(
        episodes=episodes,
        children=children,
        placements=_true_placements(periods_df, segments, censor),
        parameters=p,
        seed=seed,
        coverage_start=coverage,
        censor_date=censor,
    )


# --------------------------------------------------------------------------- entries


def _years_since_2015(dates: np.ndarray) -> np.ndarray:
    return (dates - np.datetime64("2015-01-01")) / np.timedelta64(1, "D") / 365.25


def _first_entries(
    rng: np.random.Generator, p: CountyParameters, start: pd.Timestamp, end: pd.Timestamp
) -> pd.DataFrame:
    months = pd.date_range(start, end, freq="MS")
    mid = (months + pd.Timedelta(days=14)).to_numpy("datetime64[ns]")
    t = _years_since_2015(mid)
    t_change = _years_since_2015(np.array([np.datetime64(p.trend_change)]))[0]
    log_rate = np.where(t < t_change, p.growth_before * t, p.growth_before * t_change + p.growth_after * (t - t_change))
    rate = p.scale * p.entries_per_year / 12 * np.exp(log_rate) * np.asarray(p.season)[months.month - 1]
    covid = (months >= pd.Timestamp(p.pandemic[0])) & (months <= pd.Timestamp(p.pandemic[1]))
    rate = np.where(covid, rate * p.pandemic_entry_factor, rate)
    for since, factor in p.entry_steps:
        rate = np.where(months >= pd.Timestamp(since), rate * factor, rate)
    sizes = np.asarray(p.sibling_sizes) / np.sum(p.sibling_sizes)
    mean_size = float(np.sum(sizes * np.arange(1, len(sizes) + 1)))
    n_fam = rng.poisson(rate / mean_size)
    fam_month = np.repeat(np.arange(len(months)), n_fam)
    days_in = months.days_in_month.to_numpy()[fam_month]
    fam_date = months.to_numpy("datetime64[ns]")[fam_month] + (rng.integers(0, 10_000, len(fam_month)) % days_in) * _DAY
    fam_size = 1 + rng.choice(len(sizes), size=len(fam_month), p=sizes)
    # eldest's age from the entry age mix of the year (16+ share rising)
    year_t = _years_since_2015(fam_date)
    w = np.clip(year_t / 10, -1.5, 1.2)[:, None]
    shares = np.array([0.20, 0.20, 0.18, 0.30, 0.12]) + w * np.array([-0.03, -0.05, -0.02, -0.02, 0.12])
    shares = np.clip(shares, 0.01, None)
    shares /= shares.sum(axis=1, keepdims=True)
    band = (rng.random(len(fam_month))[:, None] > np.cumsum(shares, axis=1)).sum(axis=1)
    lo = np.array([0, 1, 5, 10, 16])[band]
    hi = np.array([0, 4, 9, 15, 17])[band]
    eldest = lo + (rng.random(len(fam_month)) * (hi - lo + 1)).astype(int)
    fam_size = np.where(eldest >= 16, 1, fam_size)
    fam_id = np.arange(len(fam_month))
    child_fam = np.repeat(fam_id, fam_size)
    order = np.arange(len(child_fam)) - np.repeat(np.cumsum(fam_size) - fam_size, fam_size)
    gaps = rng.integers(1, 4, len(child_fam)) * (order > 0)
    cum = np.cumsum(gaps)
    cum_first = np.repeat(cum[np.cumsum(fam_size) - fam_size], fam_size)
    age = np.maximum(eldest[child_fam] - (cum - cum_first), 0)
    frame = pd.DataFrame(
        {
            "family": child_fam,
            "entry": fam_date[child_fam],
            "age": age,
            "uasc": False,
        }
    )
    # UASC: single young people, mostly 16-17
    uasc_dates = []
    for (since, per_month), nxt in zip(p.uasc_per_month, list(p.uasc_per_month[1:]) + [(str(end.date()), 0.0)]):
        a, b = max(pd.Timestamp(since), start), min(pd.Timestamp(nxt[0]), end)
        if b <= a:
            continue
        span = (b - a).days
        n = rng.poisson(p.scale * per_month * span / 30.44)
        uasc_dates.append(np.datetime64(a, "ns") + rng.integers(0, span, n) * _DAY)
    u_dates = np.concatenate(uasc_dates) if uasc_dates else np.array([], dtype="datetime64[ns]")
    u_age = rng.choice([14, 15, 16, 17], size=len(u_dates), p=[0.04, 0.14, 0.42, 0.40])
    uasc = pd.DataFrame({"family": fam_id.size + np.arange(len(u_dates)), "entry": u_dates, "age": u_age, "uasc": True})
    frame = pd.concat([frame, uasc], ignore_index=True)
    frame = frame[frame["entry"] <= np.datetime64(end)].reset_index(drop=True)
    n = len(frame)
    entry = frame["entry"].to_numpy("datetime64[ns]")
    age = frame["age"].to_numpy()
    newborn = (age == 0) & (rng.random(n) < 0.45)
    age_days = np.where(newborn, rng.integers(0, 8, n), (age * 365.25 + rng.random(n) * 364).astype(int))
    frame["dob"] = entry - age_days * _DAY
    male_share = np.where(frame["uasc"], 0.94, 0.53)
    frame["sex"] = np.where(rng.random(n) < male_share, "M", "F")
    frame["child"] = np.arange(n)
    frame["episode_no"] = 1
    return _draw_period(rng, p, frame)


def _draw_period(rng: np.random.Generator, p: CountyParameters, frame: pd.DataFrame) -> pd.DataFrame:
    """Draw each period's length, route out and first placement (shared by siblings)."""
    n = len(frame)
    fam = frame["family"].to_numpy()
    fam_codes, fam_idx = np.unique(fam, return_inverse=True)
    n_fam = len(fam_codes)
    entry = frame["entry"].to_numpy("datetime64[ns]")
    age = age_at(frame["dob"].to_numpy(), entry)
    uasc = frame["uasc"].to_numpy(bool)
    # family-level draws (eldest sets the family): very short / short / long stay
    eldest_age = pd.Series(age).groupby(fam_idx).transform("max").to_numpy()
    group = np.where(eldest_age < 1, 0, np.where(eldest_age < 10, 1, np.where(eldest_age < 16, 2, 3)))
    mix = np.asarray(p.stay_mix)[group]
    u_stay = rng.random(n_fam)[fam_idx]
    stay = (u_stay[:, None] > np.cumsum(mix, axis=1)).sum(axis=1)
    stay = np.minimum(stay, 2)
    z = rng.standard_normal(n_fam)[fam_idx]
    median = np.asarray(p.stay_median_days, dtype=float)[stay]
    sigma = np.asarray(p.stay_sigma, dtype=float)[stay]
    days = np.exp(np.log(median) + sigma * z)
    days = np.where(uasc, np.where(rng.random(n) < 0.15, rng.integers(5, 60, n), 10_000), days)
    days = np.maximum(days, 0).astype(np.int64)
    short = stay < 2
    eighteen = birthday(frame["dob"].to_numpy(), 18)
    end = np.minimum(entry + days * _DAY, eighteen)
    at18 = end >= eighteen
    age_exit = age_at(frame["dob"].to_numpy(), end)
    # route out: family-level uniform so siblings share the route where they can
    u = rng.random(n_fam)[fam_idx]
    adopt = (stay == 2) & (age < 4) & (u < 0.55) & ~at18
    young = age_exit < 16
    route = np.full(n, "home", dtype=object)
    cut = {
        0: (("home", 0.70), ("other", 0.90), ("transfer", 1.0)),
        1: (("home", 0.55), ("sgo", 0.70), ("cao", 0.78), ("other", 0.90), ("transfer", 1.0)),
        2: (("home", 0.30), ("sgo", 0.65), ("cao", 0.75), ("other", 0.90), ("transfer", 1.0)),
    }
    for k, bounds in cut.items():
        lo = 0.0
        for name, hi in bounds:
            route[young & (stay == k) & (u >= lo) & (u < hi)] = name
            lo = hi
    old = ~young
    route[old & (u < 0.45)] = "independent"
    route[old & (u >= 0.45) & (u < 0.70)] = "home"
    route[old & (u >= 0.70) & (u < 0.90)] = "other"
    route[old & (u >= 0.90) & (u < 0.93)] = "custody"
    route[old & (u >= 0.93)] = "transfer"
    route[adopt] = "adoption"
    uasc_route = np.where(rng.random(n) < 0.75, "transfer", "other")
    route[uasc & ~at18] = uasc_route[uasc & ~at18]
    route[at18] = "at18"
    # pandemic: court-based exits delayed
    court = np.isin(route, ["adoption", "sgo", "cao"])
    lo, hi = np.datetime64(p.pandemic[0]), np.datetime64(p.pandemic[1])
    delayed = court & (end >= lo) & (end <= hi)
    end = np.where(delayed, np.minimum(end + rng.integers(30, 120, n) * _DAY, eighteen - _DAY), end)
    for since, until, share, mean_days in p.slow_exits:
        slow = ~at18 & ~uasc & (end >= np.datetime64(since)) & (end <= np.datetime64(until)) & (rng.random(n) < share)
        delay = np.ceil(rng.exponential(mean_days, n)).astype(np.int64)
        end = np.where(slow, np.maximum(np.minimum(end + delay * _DAY, eighteen - _DAY), end), end)
    adopt_start = np.where(
        adopt, np.maximum(end - rng.integers(120, 420, n) * _DAY, entry + 60 * _DAY), np.datetime64("NaT")
    )
    adopt = adopt & (adopt_start < end)
    route[(route == "adoption") & ~adopt] = "sgo"
    frame = frame.assign(
        end=end,
        route=route,
        short=short,
        adopt_start=np.where(adopt, adopt_start, np.datetime64("NaT")),
        first_cat=_first_category(rng, age, entry, uasc, fam_idx),
        care_order=(~short & ~uasc & ((age < 16) | (rng.random(n) < 0.4))),
    )
    order_lag = rng.integers(40, 300, n) * _DAY
    frame["full_order"] = np.where(frame["care_order"], entry + order_lag, np.datetime64("NaT"))
    return frame


def _first_category(
    rng: np.random.Generator, age: np.ndarray, entry: np.ndarray, uasc: np.ndarray, fam_idx: np.ndarray
) -> np.ndarray:
    t = np.clip(_years_since_2015(entry), -3, 12)
    #           KIN   INF   AGF  PFA  PWP   INR   EXR   SEC   OTR   SUP
    base = {
        0: [0.24, 0.44, 0.20, 0.0, 0.06, 0.0, 0.0, 0.0, 0.06, 0.0],
        1: [0.22, 0.38, 0.29, 0.0, 0.05, 0.01, 0.04, 0.0, 0.01, 0.0],
        2: [0.11, 0.25, 0.31, 0.0, 0.06, 0.04, 0.20, 0.01, 0.02, 0.0],
        3: [0.04, 0.10, 0.16, 0.0, 0.05, 0.02, 0.12, 0.01, 0.02, 0.48],
    }
    group = np.where(age < 5, 0, np.where(age < 12, 1, np.where(age < 16, 2, 3)))
    probs = np.array([base[g] for g in group])
    res_boost = 1 + 0.06 * np.maximum(t, 0) * (group >= 2)
    probs[:, EXR] *= res_boost
    probs[:, INR] *= res_boost
    probs /= probs.sum(axis=1, keepdims=True)
    # siblings share a draw
    u = rng.random(fam_idx.max() + 1 if len(fam_idx) else 0)[fam_idx]
    cat = (u[:, None] > np.cumsum(probs, axis=1)).sum(axis=1)
    cat = np.minimum(cat, SUP)
    u_cat = np.where(age >= 16, SUP, AGF)
    return np.where(uasc, u_cat, cat)


def _re_entries(
    rng: np.random.Generator, p: CountyParameters, previous: pd.DataFrame, censor: pd.Timestamp
) -> pd.DataFrame:
    home = (previous["route"] == "home").to_numpy()
    back = home & (rng.random(len(previous)) < p.re_entry_share)
    gap = 1 + np.exp(np.log(220) + 0.9 * rng.standard_normal(len(previous))).astype(np.int64)
    entry = previous["end"].to_numpy("datetime64[ns]") + gap * _DAY
    eighteen = birthday(previous["dob"].to_numpy(), 18)
    back &= (entry < np.datetime64(censor)) & (entry < eighteen - 30 * _DAY)
    nxt = previous.loc[back, ["family", "dob", "sex", "uasc", "child", "episode_no"]].copy()
    nxt["entry"] = entry[back]
    nxt["episode_no"] = nxt["episode_no"] + 1
    nxt["age"] = age_at(nxt["dob"].to_numpy(), nxt["entry"].to_numpy())
    if nxt.empty:
        return nxt
    return _draw_period(rng, p, nxt.reset_index(drop=True))


# --------------------------------------------------------------------------- placements

_NEXT = {
    # from category: (probabilities to KIN INF AGF PFA PWP INR EXR SEC OTR SUP) for age <12, 12-15, 16+
    KIN: (
        [0.35, 0.40, 0.17, 0, 0.06, 0.0, 0.02, 0, 0.0, 0.0],
        [0.20, 0.30, 0.28, 0, 0.07, 0.02, 0.12, 0.01, 0.0, 0.0],
        [0.08, 0.10, 0.12, 0, 0.05, 0.02, 0.08, 0.0, 0.0, 0.55],
    ),
    INF: (
        [0.10, 0.55, 0.27, 0, 0.04, 0.0, 0.03, 0, 0.01, 0.0],
        [0.05, 0.40, 0.33, 0, 0.05, 0.03, 0.13, 0.01, 0.0, 0.0],
        [0.02, 0.12, 0.14, 0, 0.04, 0.02, 0.08, 0.0, 0.0, 0.58],
    ),
    AGF: (
        [0.08, 0.25, 0.58, 0, 0.04, 0.0, 0.04, 0, 0.01, 0.0],
        [0.04, 0.18, 0.52, 0, 0.05, 0.03, 0.16, 0.02, 0.0, 0.0],
        [0.02, 0.06, 0.22, 0, 0.04, 0.02, 0.08, 0.0, 0.0, 0.56],
    ),
    PWP: (
        [0.25, 0.40, 0.30, 0, 0.0, 0.0, 0.04, 0, 0.01, 0.0],
        [0.12, 0.30, 0.35, 0, 0.0, 0.03, 0.18, 0.02, 0.0, 0.0],
        [0.05, 0.10, 0.15, 0, 0.0, 0.02, 0.10, 0.0, 0.0, 0.58],
    ),
    INR: (
        [0.02, 0.30, 0.30, 0, 0.03, 0.10, 0.25, 0, 0.0, 0.0],
        [0.02, 0.12, 0.20, 0, 0.04, 0.12, 0.46, 0.04, 0.0, 0.0],
        [0.01, 0.04, 0.06, 0, 0.03, 0.06, 0.25, 0.01, 0.0, 0.54],
    ),
    EXR: (
        [0.02, 0.20, 0.35, 0, 0.03, 0.08, 0.32, 0, 0.0, 0.0],
        [0.02, 0.08, 0.22, 0, 0.04, 0.08, 0.51, 0.05, 0.0, 0.0],
        [0.01, 0.03, 0.06, 0, 0.03, 0.04, 0.33, 0.01, 0.0, 0.49],
    ),
    SEC: (
        [0.0, 0.1, 0.3, 0, 0.0, 0.1, 0.5, 0, 0.0, 0.0],
        [0.0, 0.05, 0.15, 0, 0.0, 0.15, 0.65, 0, 0.0, 0.0],
        [0.0, 0.02, 0.08, 0, 0.0, 0.1, 0.5, 0, 0.0, 0.3],
    ),
    OTR: (
        [0.25, 0.35, 0.30, 0, 0.10, 0.0, 0.0, 0, 0.0, 0.0],
        [0.1, 0.3, 0.35, 0, 0.05, 0.05, 0.15, 0, 0.0, 0.0],
        [0.05, 0.1, 0.15, 0, 0.05, 0.05, 0.1, 0, 0.0, 0.5],
    ),
    SUP: (
        [0.0, 0.3, 0.4, 0, 0.0, 0.0, 0.3, 0, 0.0, 0.0],
        [0.0, 0.2, 0.4, 0, 0.0, 0.1, 0.3, 0, 0.0, 0.0],
        [0.01, 0.03, 0.05, 0, 0.02, 0.02, 0.10, 0.0, 0.0, 0.77],
    ),
}
#: Weibull scale [days] of a placement's length by category; shape < 1 gives a falling hazard.
_PLACEMENT_SCALE = np.array([1100, 900, 800, 1.0, 500, 560, 520, 70, 120, 480], dtype=float)
_PLACEMENT_SHAPE = 0.75


def _placements(rng: np.random.Generator, periods: pd.DataFrame) -> pd.DataFrame:
    n = len(periods)
    table = np.zeros((10, 3, 10))
    for cat, rows in _NEXT.items():
        for g, row in enumerate(rows):
            r = np.asarray(row, dtype=float)
            table[cat, g] = r / r.sum()
    dob = periods["dob"].to_numpy("datetime64[ns]")
    end = periods["end"].to_numpy("datetime64[ns]")
    adopt_start = periods["adopt_start"].to_numpy("datetime64[ns]")
    adopting = ~np.isnat(adopt_start)
    idx = np.arange(n)
    start = periods["entry"].to_numpy("datetime64[ns]").copy()
    cat = periods["first_cat"].to_numpy().copy()
    rows = []
    for _ in range(200):
        if idx.size == 0:
            break
        soj = np.minimum(_PLACEMENT_SCALE[cat] * rng.weibull(_PLACEMENT_SHAPE, idx.size), 40_000).astype(np.int64) + 1
        limit = end[idx].copy()
        pre_adopt = adopting[idx] & (cat != PFA)
        limit[pre_adopt] = adopt_start[idx][pre_adopt]
        seg_end = np.minimum(start + soj * _DAY, limit)
        seg_end = np.where(cat == PFA, end[idx], seg_end)  # an adoptive placement lasts until adoption
        rows.append(pd.DataFrame({"period_id": idx, "start": start, "end": seg_end, "cat": cat}))
        going = seg_end < end[idx]
        to_adopt = pre_adopt & (seg_end == limit)
        age = age_at(dob[idx], seg_end)
        g = np.where(age < 12, 0, np.where(age < 16, 1, 2))
        probs = table[cat, g]
        nxt = (rng.random(idx.size)[:, None] > np.cumsum(probs, axis=1)).sum(axis=1)
        nxt = np.minimum(nxt, SUP)
        nxt = np.where(to_adopt, PFA, nxt)
        idx, start, cat = idx[going], seg_end[going], nxt[going]
    segs = pd.concat(rows, ignore_index=True).sort_values(["period_id", "start"]).reset_index(drop=True)
    return segs


# --------------------------------------------------------------------------- episodes


def _codes_for(
    rng: np.random.Generator, cat: np.ndarray, start: np.ndarray, age: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = len(cat)
    u = rng.random(n)
    place = np.empty(n, dtype=object)
    prov = np.empty(n, dtype=object)
    place[cat == KIN] = np.where(u[cat == KIN] < 0.5, "U3", "U1")
    for c in (INF, AGF):
        m = cat == c
        place[m] = np.where(u[m] < 0.55, "U6", "U4")
    place[cat == PFA] = np.where(u[cat == PFA] < 0.6, "A5", "A6")
    place[cat == PWP] = "P1"
    place[np.isin(cat, _RESIDENTIAL)] = "K2"
    place[cat == SEC] = "K1"
    m = cat == OTR
    place[m] = np.where(age[m] < 2, "R3", np.where(u[m] < 0.5, "R2", np.where(u[m] < 0.8, "S1", "R5")))
    sup = cat == SUP
    oct23 = np.datetime64("2023-10-28")
    apr24 = np.datetime64("2024-04-01")
    place[sup] = np.where(start[sup] >= apr24, "K3", np.where((start[sup] < oct23) & (u[sup] < 0.15), "P2", "H5"))
    v = rng.random(n)
    prov[:] = "PR4"
    prov[cat == KIN] = "PR1"
    prov[cat == INF] = np.where(v[cat == INF] < 0.95, "PR1", "PR2")
    prov[cat == AGF] = np.where(v[cat == AGF] < 0.8, "PR4", "PR5")
    prov[cat == PFA] = np.where(v[cat == PFA] < 0.85, "PR1", "PR2")
    prov[cat == PWP] = "PR0"
    prov[cat == INR] = "PR1"
    prov[cat == EXR] = np.where(v[cat == EXR] < 0.88, "PR4", "PR5")
    prov[cat == SEC] = np.where(v[cat == SEC] < 0.7, "PR2", "PR1")
    m = cat == OTR
    prov[m] = np.where(place[m] == "S1", "PR5", np.where(place[m] == "R3", "PR4", "PR3"))
    prov[m & (place == "R5")] = "PR3"
    urn = np.full(n, "", dtype=object)
    needs = np.isin(place, ["K1", "K2", "K3", "U4", "U5", "U6", "A5", "A6", "U1", "U3", "S1"]) | (
        (place == "H5") & (start >= oct23)
    )
    urn[needs] = np.char.add("SC", (100000 + rng.integers(0, 900000, needs.sum())).astype(str))
    return place, prov, urn


def _episodes(rng: np.random.Generator, p: CountyParameters, periods: pd.DataFrame, segs: pd.DataFrame) -> pd.DataFrame:
    per = periods.set_index("period_id")
    pid = segs["period_id"].to_numpy()
    start = segs["start"].to_numpy("datetime64[ns]")
    end = segs["end"].to_numpy("datetime64[ns]")
    cat = segs["cat"].to_numpy()
    dob = per["dob"].to_numpy("datetime64[ns]")[pid]
    age = age_at(dob, start)
    place, prov, urn = _codes_for(rng, cat, start, age)
    seg_id = np.arange(len(segs))
    # cuts inside segments: (segment, date, kind)
    cuts = []
    full_order = per["full_order"].to_numpy("datetime64[ns]")[pid]
    inside = ~np.isnat(full_order) & (full_order > start) & (full_order < end)
    cuts.append(pd.DataFrame({"seg": seg_id[inside], "date": full_order[inside], "kind": "L"}))
    long_fost = np.isin(place, ["U6", "U3"]) & (end - start > 420 * _DAY) & (rng.random(len(segs)) < 0.5)
    cuts.append(pd.DataFrame({"seg": seg_id[long_fost], "date": start[long_fost] + 365 * _DAY, "kind": "T"}))
    respite = np.isin(cat, _FOSTER) & (end - start > 120 * _DAY) & (rng.random(len(segs)) < 0.04)
    mid = start[respite] + rng.integers(30, 90, respite.sum()) * _DAY
    cuts.append(pd.DataFrame({"seg": seg_id[respite], "date": mid, "kind": "temp"}))
    cuts.append(pd.DataFrame({"seg": seg_id[respite], "date": mid + 7 * _DAY, "kind": "back"}))
    cut = pd.concat(cuts, ignore_index=True).sort_values(["seg", "date"])
    cut = cut[cut["date"] < end[cut["seg"].to_numpy()]]
    # build pieces: each segment start plus its cuts
    heads = pd.DataFrame({"seg": seg_id, "date": start, "kind": "seg"})
    pieces = (
        pd.concat([heads, cut], ignore_index=True).sort_values(["seg", "date"], kind="stable").reset_index(drop=True)
    )
    pieces = pieces.drop_duplicates(["seg", "date"], keep="first").reset_index(drop=True)
    s = pieces["seg"].to_numpy()
    pc_start = pieces["date"].to_numpy("datetime64[ns]")
    nxt_same = np.r_[s[1:] == s[:-1], False]
    pc_end = np.where(nxt_same, np.r_[pc_start[1:], pc_start[:1]], end[s])
    # a zero-length piece followed by another piece of the same period is dropped
    pid_of = pid[s]
    last_of_period = np.r_[pid_of[1:] != pid_of[:-1], True]
    keep = (pc_end > pc_start) | last_of_period
    pieces, s, pc_start, pc_end = pieces[keep].reset_index(drop=True), s[keep], pc_start[keep], pc_end[keep]
    kind = pieces["kind"].to_numpy()
    pc_place = place[s].copy()
    # after a T cut the placement becomes long-term (U6->U4, U3->U1)
    after_t = pd.Series(kind == "T").groupby(s).cummax().to_numpy()
    pc_place = np.where(after_t & (pc_place == "U6"), "U4", np.where(after_t & (pc_place == "U3"), "U1", pc_place))
    temp = kind == "temp"
    pc_place[temp] = "T3"
    pc_prov = prov[s].copy()
    pc_prov[temp] = ""
    pc_urn = urn[s].copy()
    pc_urn[temp] = ""
    pc_pid = pid[s]
    # legal status
    care = per["care_order"].to_numpy()[pc_pid]
    order_date = per["full_order"].to_numpy("datetime64[ns]")[pc_pid]
    ls = np.where(care, np.where(pc_start < order_date, "C1", "C2"), "V2")
    ls = np.where(cat[s] == PFA, "E1", ls)
    ages = age_at(dob[s], pc_start)
    youth = (~care) & (ages >= 12) & (rng.random(len(s)) < 0.02)
    ls = np.where(youth & (cat[s] == SEC), "J1", ls)
    # reasons for new episode
    first_in_period = np.r_[True, pc_pid[1:] != pc_pid[:-1]]
    prev_ls = np.r_[[""], ls[:-1]]
    rne = np.where(
        kind == "seg", np.where(ls != prev_ls, "B", "P"), np.where(kind == "L", "L", np.where(kind == "T", "T", "P"))
    )
    rne = np.where(first_in_period, "S", rne)
    # reasons ceased
    last_in_period = np.r_[pc_pid[1:] != pc_pid[:-1], True]
    route = per["route"].to_numpy()[pc_pid]
    rec = np.where(last_in_period, _exit_codes(rng, route, cat[s], pc_end), "X1")
    nxt_rne = np.r_[rne[1:], [""]]
    reasons = np.array(["CARPL", "CARPL", "CARPL", "CREQB", "CREQO", "CHILD", "LAREQ", "CLOSE", "STAND", "OTHER"])
    rpc = np.where(np.isin(nxt_rne, ["P", "B"]) & ~last_in_period, reasons[rng.integers(0, len(reasons), len(s))], "")
    rpc = np.where((nxt_rne == "T") & ~last_in_period, "PLACE", rpc)
    rpc = np.where(temp, "", rpc)
    cin = np.where(
        per["uasc"].to_numpy()[pc_pid],
        "N8",
        rng.choice(
            ["N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8"],
            size=len(s),
            p=[0.64, 0.04, 0.04, 0.08, 0.12, 0.02, 0.01, 0.05],
        ),
    )
    cin = pd.Series(cin).groupby(pc_pid).transform("first").to_numpy()
    child_ids = per["child"].to_numpy()[pc_pid]
    out = pd.DataFrame(
        {
            "_child": child_ids,
            "_period_no": per["episode_no"].to_numpy()[pc_pid],
            "_first": first_in_period,
            "_last": last_in_period,
            S.EPISODE_START: pc_start,
            S.EPISODE_END: pc_end,
            S.REASON_NEW: rne,
            S.LEGAL_STATUS: ls,
            S.CATEGORY_OF_NEED: cin,
            S.PLACEMENT_CODE: pc_place,
            S.PROVIDER_CODE: pc_prov,
            S.REASON_CEASED: rec,
            S.REASON_PLACE_CHANGE: rpc,
            S.URN: pc_urn,
            S.PLACEMENT: np.array(_CATEGORY_NAMES, dtype=object)[cat[s]],
        }
    )
    out = out[out[S.EPISODE_END] >= out[S.EPISODE_START]]
    return out


def _exit_codes(rng: np.random.Generator, route: np.ndarray, cat: np.ndarray, when: np.ndarray) -> np.ndarray:
    n = len(route)
    u = rng.random(n)
    out = np.full(n, "E8", dtype=object)
    out[route == "adoption"] = np.where(u[route == "adoption"] < 0.7, "E11", "E12")
    m = route == "home"
    out[m] = np.where(u[m] < 0.75, "E4A", np.where(u[m] < 0.85, "E4B", "E13"))
    m = route == "sgo"
    kin = np.isin(cat, [KIN])
    fost = np.isin(cat, _FOSTER)
    out[m] = np.where(kin[m], "E45", np.where(fost[m], "E46", np.where(u[m] < 0.7, "E47", "E48")))
    # before the 2018-19 return the SGO codes were E43 (former foster carer) and E44 (other)
    old = m & (when < np.datetime64("2018-04-01"))
    out[old] = np.where(np.isin(out[old], ["E45", "E46"]), "E43", "E44")
    out[route == "cao"] = "E41"
    m = route == "independent"
    out[m] = np.where(u[m] < 0.85, "E5", "E6")
    m = route == "at18"
    out[m] = np.where(
        fost[m],
        np.where(u[m] < 0.55, "E17", np.where(u[m] < 0.9, "E5", "E6")),
        np.where(u[m] < 0.75, "E5", np.where(u[m] < 0.9, "E6", np.where(u[m] < 0.95, "E7", "E8"))),
    )
    m = route == "transfer"
    out[m] = "E3"
    m = route == "custody"
    out[m] = np.where(u[m] < 0.6, "E9", "E14")
    m = route == "other"
    out[m] = np.where(u[m] < 0.85, "E8", np.where(u[m] < 0.95, "E15", "E16"))
    return out


def _truncate(
    episodes: pd.DataFrame, censor: pd.Timestamp, children: pd.DataFrame, p: CountyParameters
) -> pd.DataFrame:
    out = episodes[episodes[S.EPISODE_START] <= censor].copy()
    open_ = out[S.EPISODE_END] > censor
    out.loc[open_, S.EPISODE_END] = pd.NaT
    out.loc[open_, S.REASON_CEASED] = ""
    out.loc[open_, S.REASON_PLACE_CHANGE] = ""
    out[S.CHILD_ID] = _child_id(out["_child"].to_numpy())
    # periods of care as the generator made them (not re-derived from the episodes)
    out[S.PERIOD_OF_CARE] = out["_period_no"].astype(int)
    out[S.IS_ENTRY] = out["_first"].to_numpy(bool)
    out[S.IS_EXIT] = out["_last"].to_numpy(bool) & out[S.EPISODE_END].notna().to_numpy()
    out[S.EXIT_REASON] = np.where(out[S.IS_EXIT], out[S.REASON_CEASED].map(code_groups("REC")).fillna("unknown"), "")
    out[S.PLACEMENT_COARSE] = out[S.PLACEMENT].map(coarse_map())
    out = out.drop(columns=["_child", "_period_no", "_first", "_last"]).merge(
        children[[S.CHILD_ID, S.DATE_OF_BIRTH, S.SEX, S.UASC, S.UASC_CEASED]], on=S.CHILD_ID, how="left"
    )
    last_day = out[S.EPISODE_END].fillna(censor)
    year = last_day.dt.year + (last_day.dt.month >= 4).astype(int)
    out[S.RETURN_YEAR] = year.where(year >= p.first_year).astype("Int64")
    out[S.SOURCE_FILE] = ""
    out[S.SOURCE_ROW] = pd.array([pd.NA] * len(out), dtype="Int64")
    return out[list(S.EPISODE_COLUMNS)]


def _true_placements(periods: pd.DataFrame, segments: pd.DataFrame, censor: pd.Timestamp) -> pd.DataFrame:
    """The generator's placement spells up to the censor date, with child ids and periods of care."""
    per = periods.set_index("period_id")
    pid = segments["period_id"].to_numpy()
    spells = pd.DataFrame(
        {
            S.CHILD_ID: _child_id(per["child"].to_numpy()[pid]),
            S.PERIOD_OF_CARE: per["episode_no"].to_numpy()[pid],
            "start": segments["start"].to_numpy("datetime64[ns]"),
            "end": segments["end"].to_numpy("datetime64[ns]"),
            S.PLACEMENT: np.array(_CATEGORY_NAMES, dtype=object)[segments["cat"].to_numpy()],
            S.DATE_OF_BIRTH: per["dob"].to_numpy("datetime64[ns]")[pid],
            S.UASC: per["uasc"].to_numpy(bool)[pid],
        }
    )
    spells = spells[spells["start"] <= censor].reset_index(drop=True)
    spells.loc[spells["end"] > censor, "end"] = pd.NaT
    return spells


def _child_id(index: np.ndarray) -> np.ndarray:
    return np.char.add("C", np.char.zfill((index + 1).astype(str), 6))


def _children(periods: pd.DataFrame) -> pd.DataFrame:
    first = periods.sort_values("entry").drop_duplicates("child")
    n = len(first)
    rng = np.random.default_rng(int(first["child"].sum()) % (2**32))
    eth = rng.choice(
        ["WBRI", "WOTH", "MWBC", "MOTH", "AIND", "APKN", "BAFR", "BCRB", "OOTH", "NOBT"],
        size=n,
        p=[0.72, 0.05, 0.05, 0.04, 0.03, 0.02, 0.03, 0.02, 0.03, 0.01],
    )
    uasc = first["uasc"].to_numpy(bool)
    eth = np.where(uasc, rng.choice(["OOTH", "BAFR", "AOTH", "WOTH"], size=n), eth)
    dob = first["dob"].to_numpy("datetime64[ns]")
    return (
        pd.DataFrame(
            {
                S.CHILD_ID: _child_id(first["child"].to_numpy()),
                S.DATE_OF_BIRTH: dob,
                S.SEX: first["sex"].to_numpy(),
                S.ETHNICITY: eth,
                S.UASC: uasc,
                S.UASC_CEASED: np.where(uasc, birthday(dob, 18), np.datetime64("NaT")),
            }
        )
        .sort_values(S.CHILD_ID)
        .reset_index(drop=True)
    )
