"""Forecasts from published council tables (no child-level data).

Input is the DfE *Children looked after in England* council table (read by
:func:`sufficiency.read_published`): children looked after at 31 March,
starts, ceases and the 0-17 population by council and year. Point forecasts come from one of:

* ``naive``: the last value carried forward;
* ``trend``: a straight line through the last five years;
* ``damped``: the council's recent log growth (mean of the last three
  years), shrunk half-way to its region's median recent growth and damped
  by ``damping`` a year;
* ``stock_flow``: ceases as a rate of the stock and starts as a rate of
  the child population (each the mean of the last two years), stepped
  forward from the last stock with the population carrying on at its
  recent growth; councils without two years of flows fall back to
  ``damped``;
* ``combined`` (the default of :func:`forecast_published`): the mean of
  ``naive``, ``damped`` and ``stock_flow``. The bundled tables hold starts,
  ceases and population from 2018, so from origins before 2019
  ``stock_flow`` falls back to ``damped`` and the mean is really
  ``(naive + 2 * damped) / 3``. In the
  rolling-origin backtest over every council (origins 2014-2021,
  ``benchmarks/accuracy.py``) it is a little ahead of no change at one to
  three years and ties damped growth, with stock-flow marginally ahead at
  three years: no part is clearly best, and the mean is the one that is
  never far behind. Models pooled across councils (each council's growth
  regressed on its recent growth, its distance from its own five-year
  mean, its flows and its rate per 10,000 against other councils') did no
  better than no change on the later origins and are not offered.

Intervals are empirical: the quantiles of the log errors the same method
made at the same horizon from every earlier origin whose outcome was known
(pooled over councils), so their width is whatever past performance
supports.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..common.dates import year_ending_march
from ..common.errors import DataQualityWarning, SchemaError
from .empirical import PointForecaster, Setup, backtest_forecasts, coverage, forecast_with_intervals
from .reorganisations import with_predecessors

__all__ = [
    "latest_common_year",
    "COMBINED",
    "PUBLISHED_METHODS",
    "backtest_published",
    "check_origins",
    "forecast_published",
    "point_forecasts",
    "starts_drift",
    "starts_variation",
]

PUBLISHED_METHODS = ("naive", "trend", "damped", "stock_flow", "combined")
#: The methods :func:`point_forecasts`' ``combined`` averages, with equal weights.
COMBINED = ("naive", "damped", "stock_flow")


def check_origins(table: pd.DataFrame, origins: Sequence[object], horizon: object) -> list[int]:
    """Origin years as the years of the table, and a horizon of whole years.

    Parameters
    ----------
    table : pandas.DataFrame
        With a ``year`` column [year ending 31 March].
    origins : sequence
        Years as ``2022`` or ``"2021-22"``.
    horizon : int
        Years ahead.

    Returns
    -------
    list of int

    Raises
    ------
    ValueError
        For no origin, an origin that is not a year or is outside the
        table's years, or a horizon below 1: each gave an empty forecast, or
        a message about ``int()``.
    """
    if isinstance(horizon, bool) or not isinstance(horizon, (int, np.integer)) or horizon < 1:
        raise ValueError(f"horizon must be a whole number of years, 1 or more, not {horizon!r}")
    if len(origins) == 0:
        raise ValueError("give at least one origin year, e.g. origins=[2019, 2020, 2021]")
    years = sorted(int(y) for y in pd.to_numeric(table["year"], errors="coerce").dropna().unique())
    out = []
    for origin in origins:
        year = year_ending_march(origin)
        if year is None:
            raise ValueError(f"origin {origin!r} is not a year: write 2022 (the year ending 31 March 2022) or 2021-22")
        if not years or not years[0] <= year <= years[-1]:
            span = f"{years[0]} to {years[-1]}" if years else "none"
            raise ValueError(f"origin {year} is outside the table's years ({span})")
        out.append(year)
    return out


def _series(table: pd.DataFrame, column: str) -> pd.DataFrame:
    return table.pivot(index="la_code", columns="year", values=column).sort_index(axis=1)


def point_forecasts(
    table: pd.DataFrame, *, origin: int, horizon: int, method: str, damping: float = 0.5
) -> pd.DataFrame:
    """Point forecasts of children looked after from one origin year.

    Parameters
    ----------
    table : pandas.DataFrame
        As returned by :func:`read_published`; only years up to ``origin``
        are used.
    origin : int
        Last year of data [year ending 31 March].
    horizon : int
        Years ahead.
    method : {"naive", "trend", "damped", "stock_flow", "combined"}
    damping : float
        Yearly damping of growth for ``damped`` (and the fallback of
        ``stock_flow``).

    Returns
    -------
    pandas.DataFrame
        ``la_code``, ``h``, ``year``, ``point`` [children], for councils
        with a value at ``origin``.
    """
    if method not in PUBLISHED_METHODS:
        raise ValueError(f"unknown method {method!r}; use one of {PUBLISHED_METHODS}")
    if method == "combined":
        parts = [
            point_forecasts(table, origin=origin, horizon=horizon, method=m, damping=damping).set_index(
                ["la_code", "h", "year"]
            )["point"]
            for m in COMBINED
        ]
        return pd.concat(parts, axis=1).mean(axis=1).rename("point").reset_index()[["la_code", "h", "year", "point"]]
    past = table[table["year"] <= origin]
    stock = _series(past, "cla_31_march")
    if origin not in stock.columns:
        return pd.DataFrame(columns=["la_code", "h", "year", "point"])
    stock = stock[stock[origin].notna()]
    last = stock[origin].to_numpy(dtype=float)
    h = np.arange(1, horizon + 1)
    if method == "naive":
        points = np.repeat(last[:, None], horizon, axis=1)
    elif method == "trend":
        window = stock.loc[:, [y for y in stock.columns if y > origin - 5]]
        x = np.asarray(window.columns, dtype=float)
        points = np.empty((len(stock), horizon))
        for i, row in enumerate(window.to_numpy(dtype=float)):
            ok = ~np.isnan(row)
            if ok.sum() >= 2:
                slope, intercept = np.polyfit(x[ok], row[ok], 1)
                points[i] = np.maximum(intercept + slope * (origin + h), 0)
            else:
                points[i] = last[i]
    else:
        growth = _damped_growth(past, stock, origin, damping)
        cum = np.cumsum(damping**h)
        points = last[:, None] * np.exp(growth[:, None] * cum[None, :])
        if method == "stock_flow":
            points = _stock_flow(past, stock, origin, horizon, points)
    frame = pd.DataFrame(points, index=stock.index, columns=h).stack().rename("point").reset_index()
    frame.columns = ["la_code", "h", "point"]
    frame["year"] = origin + frame["h"]
    return frame[["la_code", "h", "year", "point"]]


def _damped_growth(past: pd.DataFrame, stock: pd.DataFrame, origin: int, damping: float) -> np.ndarray:
    logs = np.log(stock.where(stock > 0))
    recent = logs.loc[:, [y for y in logs.columns if origin - 3 <= y <= origin]]
    growth = recent.diff(axis=1).mean(axis=1)
    region = past.drop_duplicates("la_code").set_index("la_code")["region_name"].reindex(stock.index)
    pooled = growth.groupby(region).transform("median")
    national = float(growth.median()) if growth.notna().any() else 0.0
    blended = 0.5 * growth.fillna(pooled).fillna(national) + 0.5 * pooled.fillna(national)
    return blended.to_numpy(dtype=float)


def _stock_flow(past: pd.DataFrame, stock: pd.DataFrame, origin: int, horizon: int, fallback: np.ndarray) -> np.ndarray:
    starts = _series(past, "starts").reindex(index=stock.index)
    ceases = _series(past, "ceases").reindex(index=stock.index)
    pop = _series(past, "population_0_17").reindex(index=stock.index)
    # the rates are means of the last two years' flows: with fewer (the bundled tables have none before 2018)
    # the council falls back to damped growth
    years = [
        y
        for y in (origin - 1, origin)
        if y in starts.columns
        and y in ceases.columns
        and starts[y].notna().any()
        and ceases[y].notna().any()
        and y - 1 in stock.columns
    ]
    if len(years) < 2:
        return fallback
    start_rate = pd.concat([starts[y] / pop[y] for y in years], axis=1).mean(axis=1, skipna=False)
    cease_rate = pd.concat([ceases[y] / stock[y - 1] for y in years], axis=1).mean(axis=1, skipna=False)
    ok = (
        (start_rate.notna() & cease_rate.notna() & pop[origin].notna()).to_numpy()
        if origin in pop.columns
        else np.zeros(len(stock), dtype=bool)
    )
    out = fallback.copy()
    level = stock[origin].to_numpy(dtype=float)
    base = pop[origin].to_numpy(dtype=float) if origin in pop.columns else np.zeros(len(stock))
    # the child population carries on at its mean log growth of the last two years (none known: held)
    known = [y for y in (origin - 2, origin - 1, origin) if y in pop.columns]
    growth = (
        np.log(pop[known[-1]] / pop[known[0]]).to_numpy(dtype=float) / (known[-1] - known[0])
        if len(known) > 1
        else np.zeros(len(stock))
    )
    growth = np.nan_to_num(growth)
    for j in range(horizon):
        level = level * (1 - cease_rate.to_numpy(dtype=float)) + start_rate.to_numpy(dtype=float) * base * np.exp(
            growth * (j + 1)
        )
        out[ok, j] = level[ok]
    return out


def _actual(table: pd.DataFrame) -> pd.DataFrame:
    """Published outcomes (not a reorganised council's estimated earlier years): ``la_code``, ``year``, ``actual``."""
    published = table[~table["estimated"].to_numpy(bool)] if "estimated" in table.columns else table
    return published[["la_code", "year", "cla_31_march"]].dropna().rename(columns={"cla_31_march": "actual"})


def _setup(table: pd.DataFrame, *, horizon: int, damping: float, reorganised: bool) -> Setup:
    """Forecasts of ``table`` at an origin from the years visible then (reorganised councils' history rebuilt)."""

    def setup(method: str, origin: int) -> tuple[PointForecaster, pd.DataFrame, list[int]]:
        visible = table[table["year"] <= origin]
        if reorganised:
            visible = with_predecessors(visible)
        earlier = [o for o in sorted(visible["year"].unique()) if o < origin]
        return (
            (lambda o: point_forecasts(visible, origin=o, horizon=horizon, method=method, damping=damping)),
            _actual(visible),
            earlier,
        )

    return setup


def latest_common_year(table: pd.DataFrame, column: str = "cla_31_march") -> int:
    """The latest year at least half the councils have a value of ``column`` for.

    Rows for later years (a typo of 2032 for 2023, or a few councils' early
    figures) are named in a counted :class:`~sufficiency.DataQualityWarning`.

    Parameters
    ----------
    table : pandas.DataFrame
        As returned by :func:`~sufficiency.read_published`.
    column : str

    Returns
    -------
    int
        [year ending 31 March]

    Raises
    ------
    SchemaError
        If the table holds no values.
    """
    known = table[table[column].notna()] if column in table.columns else table.iloc[0:0]
    if known.empty:
        raise SchemaError(f"the published table holds no {column} values", file="<published table>", rule="empty_table")
    councils = known.groupby("year")["la_code"].nunique()
    enough = councils[councils >= 0.5 * known["la_code"].nunique()]
    year = int(enough.index.max()) if len(enough) else int(councils.idxmax())
    later = known[known["year"] > year]
    if len(later):
        warnings.warn(
            f"{len(later)} rows dated after {year} (councils {', '.join(sorted(later['la_code'].unique())[:5])}) "
            f"are not used as the forecast origin: fewer than half the councils have a count for those years "
            "[stray_year]",
            DataQualityWarning,
            stacklevel=3,
        )
    return year


def forecast_published(
    table: pd.DataFrame,
    *,
    horizon: int = 3,
    level: Sequence[int] = (80,),
    method: str = "combined",
    origin: int | None = None,
    damping: float = 0.5,
    reorganised: bool = True,
) -> pd.DataFrame:
    """Forecast every council's children looked after 1 to ``horizon`` years ahead.

    Parameters
    ----------
    table : pandas.DataFrame
        As returned by :func:`read_published`.
    horizon : int
        Years ahead.
    level : sequence of int
        Interval levels [%].
    method : {"combined", "naive", "trend", "damped", "stock_flow"}
        Point forecast (see module notes); :func:`backtest_published`
        compares them.
    origin : int, optional
        Last year used; default the latest year that at least half the
        councils have a count for (:func:`latest_common_year`), so a stray
        row dated later does not make every other council's series end too
        soon.
    damping : float
        Yearly damping of growth.
    reorganised : bool
        Give councils formed by reorganisation (Bournemouth, Christchurch
        and Poole; Dorset; North and West Northamptonshire) the history of
        their predecessors (:func:`sufficiency.published.reorganisations.with_predecessors`)
        instead of a short series of their own.

    Returns
    -------
    pandas.DataFrame
        ``la_code``, ``la_name``, ``year``, ``h``, ``mean`` (the point
        forecast), ``lower_<L>``, ``upper_<L>`` [children], ``method``.
    """
    (last,) = check_origins(table, [latest_common_year(table) if origin is None else origin], horizon)
    names = table.drop_duplicates("la_code", keep="last").set_index("la_code")["la_name"]
    point_at, actual, earlier = _setup(table, horizon=horizon, damping=damping, reorganised=reorganised)(method, last)
    fc = forecast_with_intervals(point_at, actual, origin=last, earlier=earlier, level=level)
    fc.insert(1, "la_name", fc["la_code"].map(names))
    fc["method"] = method
    return fc.rename(columns={"point": "mean"})


def backtest_published(
    table: pd.DataFrame,
    *,
    origins: Sequence[int],
    horizon: int = 3,
    methods: Sequence[str] = PUBLISHED_METHODS,
    level: Sequence[int] = (80,),
    damping: float = 0.5,
    reorganised: bool = True,
) -> pd.DataFrame:
    """Rolling-origin backtest across councils with only past years visible.

    Intervals at each origin come from errors of origins whose outcomes
    were already known then.

    Parameters
    ----------
    table : pandas.DataFrame
    origins : sequence of int
        Origin years.
    horizon : int
        Years ahead.
    methods : sequence of str
    level : sequence of int
        Interval levels [%].
    damping : float
    reorganised : bool
        As for :func:`forecast_published`; forecasts are scored only
        against published figures.

    Returns
    -------
    pandas.DataFrame
        Index (method, h): ``forecasts`` (council-years scored), ``mape``
        and ``median_ape`` [%], ``bias`` (mean percentage error) [%] and
        ``coverage_<L>`` [%] (where intervals could be formed).
    """
    origins = check_origins(table, origins, horizon)
    setup = _setup(table, horizon=horizon, damping=damping, reorganised=reorganised)
    scored = backtest_forecasts(setup, _actual(table), methods=methods, origins=origins, level=level)
    scored = scored[
        scored["actual"] > 0
    ]  # a percentage error needs children (the Isles of Scilly have none some years)
    pct = 100 * (scored["point"] - scored["actual"]) / scored["actual"]
    scored = scored.assign(pct_error=pct, ape=pct.abs())
    out = scored.groupby(["method", "h"]).agg(
        forecasts=("ape", "size"), mape=("ape", "mean"), median_ape=("ape", "median"), bias=("pct_error", "mean")
    )
    for lv, cov in coverage(scored, level).items():
        out[f"coverage_{lv}"] = cov
    return out


def starts_drift(table: pd.DataFrame) -> float:
    """Year-to-year drift of councils' starts beyond Poisson noise, pooled.

    For each council with three or more consecutive years of starts, the
    yearly changes of log starts, centred on the council's own mean change
    (its trend), have variance ``sigma² + 1/n_y + 1/n_(y+1)`` if the log
    level of starts follows a random walk with spread ``sigma`` on top of
    Poisson counts; ``sigma²`` is estimated by the method of moments,
    pooled over councils and years.

    Parameters
    ----------
    table : pandas.DataFrame
        As returned by :func:`sufficiency.read_published`.

    Returns
    -------
    float
        ``sigma`` [log per sqrt(year)].
    """
    total, count = 0.0, 0
    rows = table[table["starts"].notna() & (table["starts"] > 0)].sort_values(["la_code", "year"])
    for _, council in rows.groupby("la_code"):
        years = council["year"].to_numpy()
        n = council["starts"].to_numpy(dtype=float)
        consecutive = np.diff(years) == 1
        if consecutive.sum() < 2:
            continue
        change = np.diff(np.log(n))[consecutive]
        noise = (1 / n[1:] + 1 / n[:-1])[consecutive]
        k = len(change)
        total += float((((change - change.mean()) ** 2) * k / (k - 1) - noise).sum())
        count += k
    return float(np.sqrt(max(total / count, 0.0))) if count else 0.0


def starts_variation(table: pd.DataFrame) -> tuple[float, float]:
    """How far councils' yearly starts stray from their own level beyond Poisson noise, and how long it lasts.

    The log of a council's starts is taken as its own level plus a
    stationary first-order autoregression (spread ``s``, persistence ``phi``
    a year) plus Poisson noise, so the change over ``h`` years has variance
    ``2 s² (1 - phi ** h) + 1/n_y + 1/n_(y+h)``. Each lag's variance is
    measured over every council with both years, less the national change of
    those years (a shock every council shared, such as the pandemic's) and
    the Poisson part, and ``s`` and ``phi`` are fitted to the lags by least
    squares (``phi`` on a grid of hundredths). A random walk would make the
    variance grow with ``h`` without end; councils' starts do not: on the
    DfE tables 2018-2022 the variance of the change over three and four
    years is about twice that over one.

    Parameters
    ----------
    table : pandas.DataFrame
        As returned by :func:`sufficiency.read_published`.

    Returns
    -------
    spread : float
        ``s``, the standard deviation of a year's log starts about the
        council's level [log].
    persistence : float
        ``phi``, the share of a year's deviation still there a year later [1/year].
    """
    rows = table[table["starts"].notna() & (table["starts"] > 0)]
    wide = rows.pivot_table(index="la_code", columns="year", values="starts", aggfunc="first").sort_index(axis=1)
    years = list(wide.columns)
    lags, variances = [], []
    for h in range(1, len(years)):
        total, count = 0.0, 0
        for y in years:
            if y + h not in wide.columns:
                continue
            pair = wide[[y, y + h]].dropna()
            m = len(pair)
            if m < 2:
                continue
            n0, n1 = pair[y].to_numpy(float), pair[y + h].to_numpy(float)
            change = np.log(n1 / n0)
            total += float(((change - change.mean()) ** 2).sum() * m / (m - 1) - (1 / n0 + 1 / n1).sum())
            count += m
        if count:
            lags.append(h)
            variances.append(total / count)
    if not lags:
        return 0.0, 0.0
    h_arr, v = np.asarray(lags, dtype=float), np.asarray(variances)
    best = (np.inf, 0.0, 0.0)
    for phi in np.arange(0.0, 1.0, 0.01):
        g = 2 * (1 - phi**h_arr)
        s2 = max(float((v * g).sum() / (g * g).sum()), 0.0)
        loss = float(((v - s2 * g) ** 2).sum())
        if loss < best[0]:
            best = (loss, float(np.sqrt(s2)), float(round(phi, 2)))
    return best[1], best[2]
