"""Periods of care in the synthetic county: entries (siblings, unaccompanied children), lengths, re-entries."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..common.dates import age_at, birthday
from .parameters import AGF, DAY, EXR, INR, SUP, CountyParameters

__all__ = ["first_entries", "re_entries"]


def _years_since_2015(dates: np.ndarray) -> np.ndarray:
    return (dates - np.datetime64("2015-01-01")) / np.timedelta64(1, "D") / 365.25


def first_entries(
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
    fam_date = months.to_numpy("datetime64[ns]")[fam_month] + (rng.integers(0, 10_000, len(fam_month)) % days_in) * DAY
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
        uasc_dates.append(np.datetime64(a, "ns") + rng.integers(0, span, n) * DAY)
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
    frame["dob"] = entry - age_days * DAY
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
    if p.stay_growth:
        days = days * np.exp(p.stay_growth * _years_since_2015(entry))
    days = np.where(uasc, np.where(rng.random(n) < 0.15, rng.integers(5, 60, n), 10_000), days)
    days = np.maximum(days, 0).astype(np.int64)
    short = stay < 2
    eighteen = birthday(frame["dob"].to_numpy(), 18)
    end = np.minimum(entry + days * DAY, eighteen)
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
    pandemic_start, pandemic_end = np.datetime64(p.pandemic[0]), np.datetime64(p.pandemic[1])
    delayed = court & (end >= pandemic_start) & (end <= pandemic_end)
    end = np.where(delayed, np.minimum(end + rng.integers(30, 120, n) * DAY, eighteen - DAY), end)
    for since, until, share, mean_days in p.slow_exits:
        slow = ~at18 & ~uasc & (end >= np.datetime64(since)) & (end <= np.datetime64(until)) & (rng.random(n) < share)
        delay = np.ceil(rng.exponential(mean_days, n)).astype(np.int64)
        end = np.where(slow, np.maximum(np.minimum(end + delay * DAY, eighteen - DAY), end), end)
    adopt_start = np.where(
        adopt, np.maximum(end - rng.integers(120, 420, n) * DAY, entry + 60 * DAY), np.datetime64("NaT")
    )
    adopt = adopt & (adopt_start < end)
    route[(route == "adoption") & ~adopt] = "sgo"
    frame = frame.assign(
        end=end,
        route=route,
        short=short,
        adopt_start=np.where(adopt, adopt_start, np.datetime64("NaT")),
        first_cat=_first_category(rng, p, age, entry, uasc, fam_idx),
        care_order=(~short & ~uasc & ((age < 16) | (rng.random(n) < 0.4))),
    )
    order_lag = rng.integers(40, 300, n) * DAY
    frame["full_order"] = np.where(frame["care_order"], entry + order_lag, np.datetime64("NaT"))
    return frame


def _first_category(
    rng: np.random.Generator,
    p: CountyParameters,
    age: np.ndarray,
    entry: np.ndarray,
    uasc: np.ndarray,
    fam_idx: np.ndarray,
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
    res_boost = 1 + p.residential_drift * np.maximum(t, 0) * (group >= 2)
    probs[:, EXR] *= res_boost
    probs[:, INR] *= res_boost
    if p.supported_drift:
        probs[:, SUP] *= 1 + p.supported_drift * np.maximum(t, 0) * (group == 3)
    probs /= probs.sum(axis=1, keepdims=True)
    # siblings share a draw
    u = rng.random(fam_idx.max() + 1 if len(fam_idx) else 0)[fam_idx]
    cat = (u[:, None] > np.cumsum(probs, axis=1)).sum(axis=1)
    cat = np.minimum(cat, SUP)
    u_cat = np.where(age >= 16, SUP, AGF)
    return np.where(uasc, u_cat, cat)


def re_entries(
    rng: np.random.Generator, p: CountyParameters, previous: pd.DataFrame, censor: pd.Timestamp
) -> pd.DataFrame:
    home = (previous["route"] == "home").to_numpy()
    back = home & (rng.random(len(previous)) < p.re_entry_share)
    gap = 1 + np.exp(np.log(220) + 0.9 * rng.standard_normal(len(previous))).astype(np.int64)
    entry = previous["end"].to_numpy("datetime64[ns]") + gap * DAY
    eighteen = birthday(previous["dob"].to_numpy(), 18)
    back &= (entry < np.datetime64(censor)) & (entry < eighteen - 30 * DAY)
    nxt = previous.loc[back, ["family", "dob", "sex", "uasc", "child", "episode_no"]].copy()
    nxt["entry"] = entry[back]
    nxt["episode_no"] = nxt["episode_no"] + 1
    nxt["age"] = age_at(nxt["dob"].to_numpy(), nxt["entry"].to_numpy())
    if nxt.empty:
        return nxt
    return _draw_period(rng, p, nxt.reset_index(drop=True))
