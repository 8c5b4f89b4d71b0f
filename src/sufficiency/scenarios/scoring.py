"""Score savings scenarios against the baseline, path by path, with common random numbers.

The baseline is ``project(fitted, start=start, horizon=horizon,
n_sims=n_sims, seed=seed)`` costed with :func:`sufficiency.cost`. A
scenario whose levers change demand (:func:`change_hazard`,
:func:`change_entries`) is projected again with the same seed: every random
number is drawn as for the baseline, so its paths are the baseline's until
its first lever starts and differ only through the levers after. A scenario
whose levers touch only routes, prices, places or implementation costs
reuses the baseline's paths. Savings are the baseline's cost less the
scenario's, less its implementation costs, in every path: a scenario with
no levers saves exactly nothing in every path.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..common.ages import AGES
from ..common.dates import financial_year_of
from ..finance.costs import (
    CostProjection,
    Months,
    Pricing,
    assemble,
    monthly_child_days,
    months_of,
    pricing,
    summarise_years,
)
from ..finance.fees import PlacementFees
from ..finance.prices import normalise_routes, price_index
from ..places.capacity import capacity_keys, check_capacity, gap_frame, places_at, spot_prices
from ..projection.levers import DemandLevers
from ..projection.result import Projection
from ..projection.run import projection_dates, run_projection
from ..rates.fitted import FittedModel
from .levers import (
    AddCapacity,
    ChangeEntries,
    ChangeHazard,
    ChangeUnitCost,
    ImplementationCost,
    Scenario,
    ShiftPlacements,
    month_weights,
    scenarios_from_data,
)

#: HM Treasury Green Book discount rate [1/year].
GREEN_BOOK_RATE = 0.035


@dataclass(frozen=True)
class ScenarioScores:
    """Scenarios' costs and savings against a common baseline.

    Attributes
    ----------
    scenarios : tuple of Scenario
    baseline : CostProjection
        Cost of the baseline projection.
    costs : dict of str to CostProjection
        Each scenario's cost, before implementation costs.
    savings : dict of str to numpy.ndarray
        (simulation, financial year) baseline cost less scenario cost less
        implementation cost [£]; positive is money saved.
    implementation : dict of str to numpy.ndarray
        (financial year,) implementation cost [£].
    effects : pandas.DataFrame
        Per scenario (index): ``children_shifted`` (mean children in
        shifted placements over the target year) [children],
        ``entries_avoided`` (baseline entries less the scenario's, to the
        end of the target year) [children], ``child_months_changed``
        (child-months spent in a different category, or out of care, from
        the baseline, to the end of the target year) [child-months].
    shifted : dict of str to numpy.ndarray
        (simulation, month, shift lever) children in each
        :func:`shift_placements` lever's new placements, monthly mean
        [children].
    month_ends : pandas.DatetimeIndex
        Last day of each projected month.
    gaps : dict of str to pandas.DataFrame
        Sufficiency tables (:func:`sufficiency.sufficiency_gap`) of the
        baseline (key ``"baseline"``) and each scenario, when capacity was
        given.
    projections : dict of str to Projection
        The baseline (``"baseline"``) and each scenario that was projected
        again.
    target : float or None
        Savings target [£].
    target_year : str
        Financial year the target is for.
    discount_rate : float
        [1/year]
    """

    scenarios: tuple[Scenario, ...]
    baseline: CostProjection = field(repr=False)
    costs: dict[str, CostProjection] = field(repr=False)
    savings: dict[str, np.ndarray] = field(repr=False)
    implementation: dict[str, np.ndarray] = field(repr=False)
    effects: pd.DataFrame = field(repr=False)
    shifted: dict[str, np.ndarray] = field(repr=False)
    month_ends: pd.DatetimeIndex = field(repr=False)
    gaps: dict[str, pd.DataFrame] = field(repr=False)
    projections: dict[str, Projection] = field(repr=False)
    target: float | None
    target_year: str
    discount_rate: float

    @property
    def names(self) -> list[str]:
        """Scenario names, in order."""
        return [s.name for s in self.scenarios]

    def savings_frame(self, level: Sequence[int] = (80,)) -> pd.DataFrame:
        """Savings by scenario and financial year, net of implementation costs.

        Parameters
        ----------
        level : sequence of int
            Central interval levels [%].

        Returns
        -------
        pandas.DataFrame
            ``scenario``, ``financial_year``, ``days`` covered,
            ``complete``, ``mean``, ``median``, ``lower_<L>``,
            ``upper_<L>``, then the same of the cumulative saving to the end
            of the year (``cumulative_mean``, ...), and
            ``implementation_cost`` [£]; positive is saved against the
            baseline.
        """
        years = self.baseline.financial_years
        parts = []
        for name in self.names:
            draws = self.savings[name]
            frame = (
                summarise_years(years, "scenario", [name], draws[..., None], level)
                .drop(columns="group")
                .rename(columns={"value": "scenario"})
            )
            cumulative = summarise_years(years, "scenario", [name], np.cumsum(draws, axis=1)[..., None], level)
            for col in ["mean", "median", *[f"{b}_{lv}" for lv in level for b in ("lower", "upper")]]:
                frame[f"cumulative_{col}"] = cumulative[col].to_numpy()
            frame["implementation_cost"] = self.implementation[name]
            parts.append(frame)
        out = pd.concat(parts, ignore_index=True)
        out.insert(2, "days", out["financial_year"].map(dict(zip(years, self.baseline.days))).astype(int))
        out.insert(3, "complete", out["financial_year"].map(dict(zip(years, self.baseline.complete))).astype(bool))
        return out[["scenario", *[c for c in out.columns if c != "scenario"]]]

    def summary(self) -> pd.DataFrame:
        """One row per scenario: savings in the target year, value, payback, chance of the target, children affected, places.

        Returns
        -------
        pandas.DataFrame
            Index ``scenario``: ``target_year``, ``saving_mean``,
            ``saving_lower_80``, ``saving_upper_80`` (in the target year)
            [£], ``target`` [£] and ``p_target`` (share of paths whose
            saving in the target year reaches it), ``cumulative_saving``
            (to the end of the target year, mean) [£], ``npv`` (mean net
            present value of every year's saving, year 1 undiscounted) [£],
            ``payback_year`` (first year whose cumulative mean saving is
            above 0; empty if none), ``implementation_cost`` (all years)
            [£], the columns of :attr:`effects`, and
            ``shortfall_change`` / ``places_needed_change`` (summed over
            the categories with places, mean over the target year's months;
            negative is a smaller gap) [children] / [places].
        """
        years = list(self.baseline.financial_years)
        t = years.index(self.target_year)
        discount = (1.0 + self.discount_rate) ** -np.arange(len(years))
        rows = []
        for name in self.names:
            s = self.savings[name]
            in_year = s[:, t]
            cumulative = np.cumsum(s.mean(axis=0))
            paid_back = np.flatnonzero(cumulative > 0)
            row = {
                "scenario": name,
                "target_year": self.target_year,
                "saving_mean": in_year.mean(),
                "saving_lower_80": np.percentile(in_year, 10),
                "saving_upper_80": np.percentile(in_year, 90),
                "target": self.target,
                "p_target": np.nan if self.target is None else float((in_year >= self.target).mean()),
                "cumulative_saving": cumulative[t],
                "npv": float((s * discount[None, :]).sum(axis=1).mean()),
                "payback_year": years[int(paid_back[0])] if len(paid_back) else None,
                "implementation_cost": float(self.implementation[name].sum()),
            }
            row.update(self.effects.loc[name].to_dict())
            row.update(self._gap_change(name))
            rows.append(row)
        return pd.DataFrame(rows).set_index("scenario")

    def _gap_change(self, name: str) -> dict[str, float]:
        if not self.gaps:
            return {"shortfall_change": np.nan, "places_needed_change": np.nan}
        base, scen = self.gaps["baseline"], self.gaps[name]
        year = scen["financial_year"] == self.target_year
        months = scen.loc[year, "date"].nunique()

        def total(frame: pd.DataFrame, column: str) -> float:
            return float(frame.loc[frame["financial_year"] == self.target_year, column].sum()) / max(months, 1)

        return {
            "shortfall_change": total(scen, "expected_shortfall") - total(base, "expected_shortfall"),
            "places_needed_change": total(scen, "places_needed") - total(base, "places_needed"),
        }


def score(
    fitted: FittedModel,
    scenarios: Sequence[Scenario | Mapping],
    *,
    unit_costs: pd.DataFrame,
    start: object | None = None,
    horizon: int = 60,
    n_sims: int = 1000,
    seed: int | None = None,
    inflation: float | pd.DataFrame | None = None,
    route_shares: pd.DataFrame | None = None,
    fees: PlacementFees | None = None,
    capacity: pd.DataFrame | None = None,
    target: float | None = None,
    target_year: str | None = None,
    discount_rate: float = GREEN_BOOK_RATE,
    confidence: float = 0.8,
) -> ScenarioScores:
    """Score scenarios against the baseline with common random numbers.

    Parameters
    ----------
    fitted : FittedModel
    scenarios : sequence of Scenario or dict
        Dicts are read with :meth:`Scenario.from_dict`.
    unit_costs : pandas.DataFrame
    start, horizon, n_sims, seed
        As for :func:`sufficiency.project`; the baseline is exactly that
        projection.
    inflation, route_shares, fees
        As for :func:`sufficiency.cost`.
    capacity : pandas.DataFrame, optional
        Places (see :func:`sufficiency.sufficiency_gap`); scenarios add
        their :func:`add_capacity` places and the capacity of their
        :func:`shift_placements`.
    target : float, optional
        Savings target for ``target_year`` [£].
    target_year : str, optional
        Financial year such as ``"2027-28"``; default the last complete year.
    discount_rate : float
        For the net present value [1/year]; default the Green Book's 3.5%.
    confidence : float
        For ``places_needed``.

    Returns
    -------
    ScenarioScores

    Raises
    ------
    SchemaError
        For malformed price or capacity tables.
    ValueError
        For a lever naming an unknown category, route or destination, a
        lever starting outside the projection, two scenarios with one name,
        or a target year outside the projection.
    """
    chosen = [s if isinstance(s, Scenario) else scenarios_from_data(s)[0] for s in scenarios]
    names = [s.name for s in chosen]
    if len(set(names)) != len(names) or "baseline" in names:
        raise ValueError(f"scenario names must differ and not be 'baseline': {names}")
    dates = projection_dates(fitted, start=start, end=None, horizon=horizon, n_sims=n_sims)
    months = months_of(dates)
    for s in chosen:
        _check_levers(s, fitted.categories, dates)
    pr = pricing(fitted.categories, unit_costs, inflation=inflation, route_shares=route_shares, fees=fees)
    extra = [lv.to_route for s in chosen for lv in s.levers if isinstance(lv, ShiftPlacements)]
    pr = pr.with_routes([r for r in normalise_routes(pd.Series(extra, dtype=object)) if r not in pr.routes])
    for s in chosen:
        _check_routes(s, pr)
    baseline = run_projection(fitted, dates, n_sims=n_sims, seed=seed)
    base_cost, _, base_stock = _scenario_cost(pr, months, baseline, (), seed)
    labels = list(base_cost.financial_years)
    if target_year is None:
        complete = [y for y, ok in zip(labels, base_cost.complete) if ok]
        target_year = complete[-1] if complete else labels[-1]
    if target_year not in labels:
        raise ValueError(f"target year {target_year!r} is not in the projection ({', '.join(labels)})")
    keys = capacity_keys(fitted.categories)
    base_capacity = None if capacity is None else check_capacity(capacity, known=set(keys))
    gaps: dict[str, pd.DataFrame] = {}
    if base_capacity is not None:
        gaps["baseline"] = _gap(
            base_stock, dates, keys, base_capacity, unit_costs, fitted.categories, inflation, confidence
        )
    projections = {"baseline": baseline}
    costs, savings, implementation, effects, shifted = {}, {}, {}, [], {}
    end_of_target = pd.Timestamp(f"{int(target_year[:4]) + 1}-03-31")
    for s in chosen:
        demand = _demand_levers(s, fitted.categories, months)
        proj = baseline if demand is None else run_projection(fitted, dates, n_sims=n_sims, seed=seed, levers=demand)
        if demand is not None:
            projections[s.name] = proj
        scen_cost, moved, scen_stock = _scenario_cost(pr, months, proj, s.levers, seed)
        shifted[s.name] = moved
        impl = _implementation(s, months)
        costs[s.name] = scen_cost
        implementation[s.name] = impl
        savings[s.name] = base_cost.totals() - scen_cost.totals() - impl[None, :]
        effects.append(
            _effects(
                s.name,
                baseline,
                proj,
                base_stock,
                scen_stock,
                moved.sum(axis=2) * months.days[None, :],
                months,
                target_year,
                end_of_target,
            )
        )
        if base_capacity is not None:
            gaps[s.name] = _gap(
                scen_stock,
                dates,
                keys,
                _with_levers(base_capacity, s, keys),
                unit_costs,
                fitted.categories,
                inflation,
                confidence,
            )
    return ScenarioScores(
        scenarios=tuple(chosen),
        baseline=base_cost,
        costs=costs,
        savings=savings,
        implementation=implementation,
        effects=pd.DataFrame(effects).set_index("scenario")
        if effects
        else pd.DataFrame(columns=["children_shifted", "entries_avoided", "child_months_changed"]),
        shifted=shifted,
        month_ends=months.ends,
        gaps=gaps,
        projections=projections,
        target=None if target is None else float(target),
        target_year=target_year,
        discount_rate=float(discount_rate),
    )


def _check_levers(scenario: Scenario, categories: tuple[str, ...], dates: pd.DatetimeIndex) -> None:
    """Refuse levers that name unknown categories or start outside the projection."""
    valid = ", ".join(categories)
    for lever in scenario.levers:
        where = f"scenario {scenario.name!r}, {lever.lever}"
        named = []
        if isinstance(lever, ShiftPlacements):
            named = [lever.category] + ([lever.to_category] if lever.to_category else [])
        elif isinstance(lever, ChangeHazard):
            named = [lever.from_category] + ([] if lever.to == "exit" else [lever.to])
            if lever.to == lever.from_category:
                raise ValueError(
                    f"{where}: a move from {lever.to} to itself is not a hazard (use 'exit' or another category)"
                )
        elif isinstance(lever, ChangeEntries):
            named = list(lever.categories or [])
        elif isinstance(lever, (ChangeUnitCost, AddCapacity)):
            named = [lever.category]
        for c in named:
            if c not in categories and not (isinstance(lever, AddCapacity) and c in capacity_keys(categories)):
                raise ValueError(
                    f"{where}: unknown category {c!r}; the model's categories are {valid}"
                    + (" (or 'exit')" if isinstance(lever, ChangeHazard) else "")
                )
        when = pd.Timestamp(lever.start)
        if when < dates[0]:
            raise ValueError(f"{where}: starts {when.date()}, before the projection starts ({dates[0].date()})")
        if when > dates[-1]:
            raise ValueError(f"{where}: starts {when.date()}, after the projection ends ({dates[-1].date()})")


def _check_routes(scenario: Scenario, pr: Pricing) -> None:
    """Refuse levers that name a route the category has no placements by."""
    for lever in scenario.levers:
        if isinstance(lever, (ShiftPlacements, ChangeUnitCost)) and lever.route is not None:
            route = normalise_routes(pd.Series([lever.route])).iloc[0]
            i = pr.categories.index(lever.category)
            used = [r for j, r in enumerate(pr.routes) if pr.shares[i, j] > 0]
            if route not in used:
                raise ValueError(
                    f"scenario {scenario.name!r}, {lever.lever}: {lever.category} has no placements by route {lever.route!r}; its routes are {', '.join(used)}"
                )


def _demand_levers(scenario: Scenario, categories: tuple[str, ...], months: Months) -> DemandLevers | None:
    """The scenario's hazard and entry levers as month-by-month changes to the model, or None."""
    hazards = [lv for lv in scenario.levers if isinstance(lv, ChangeHazard)]
    entries = [lv for lv in scenario.levers if isinstance(lv, ChangeEntries)]
    if not hazards and not entries:
        return None
    n_c, n_steps = len(categories), len(months.ends)
    ages = np.zeros((len(hazards), len(AGES)), dtype=bool)
    for i, lv in enumerate(hazards):
        ages[i, list(lv.ages) if lv.ages else slice(None)] = True
    entry_factor = None
    if entries:
        entry_factor = np.ones((n_steps, n_c, len(AGES)))
        for lv in entries:
            w = month_weights(lv.start, lv.ramp_months, months.ends, months.days)
            cats = [categories.index(c) for c in lv.categories] if lv.categories else list(range(n_c))
            age_idx = list(lv.ages) if lv.ages else list(range(len(AGES)))
            change = 1.0 + w * (lv.factor - 1.0)
            entry_factor[np.ix_(range(n_steps), cats, age_idx)] *= change[:, None, None]
    return DemandLevers(
        hazard_from=np.array([categories.index(lv.from_category) for lv in hazards], dtype=np.int64),
        hazard_to=np.array([n_c if lv.to == "exit" else categories.index(lv.to) for lv in hazards], dtype=np.int64),
        hazard_ages=ages,
        hazard_factor=np.array([lv.factor for lv in hazards], dtype=float),
        hazard_weight=np.array(
            [month_weights(lv.start, lv.ramp_months, months.ends, months.days) for lv in hazards]
        ).reshape(len(hazards), n_steps),
        entry_factor=entry_factor,
    )


def _scenario_cost(
    pr: Pricing, months: Months, projection: Projection, levers: Sequence[object], seed: int | None
) -> tuple[CostProjection, np.ndarray, np.ndarray]:
    """Cost a projection under a scenario's route, price and shift levers.

    Returns the costs, the children moved by each shift lever by
    (simulation, month, lever) [children, monthly mean] and the stock by
    (simulation, date, category) after shifts between categories.
    """
    stock = projection.draws.sum(axis=3, dtype=np.float64)
    per_route = monthly_child_days(stock, months)[..., None] * pr.shares[None, None]  # (S, M, C, R)
    price = pr.weekly(months.fy)[months.year]  # (M, C, R)
    for lv in levers:
        if isinstance(lv, ChangeUnitCost):
            c = pr.categories.index(lv.category)
            cols = (
                list(range(len(pr.routes)))
                if lv.route is None
                else [pr.routes.index(normalise_routes(pd.Series([lv.route])).iloc[0])]
            )
            w = month_weights(lv.start, 0, months.ends, months.days)
            if lv.factor is not None:
                new = price[:, c, cols] * lv.factor
            else:
                new = lv.weekly_cost * _inflated(pr, c, lv.start, months)[:, None]
            price[:, c, cols] = price[:, c, cols] * (1 - w[:, None]) + new * w[:, None]
    parts: list[tuple[np.ndarray, np.ndarray, bool]] = []
    moved_by_lever = []
    shifted_stock = stock.copy()
    for lv in levers:
        if not isinstance(lv, ShiftPlacements):
            continue
        c = pr.categories.index(lv.category)
        src = (
            [j for j in range(len(pr.routes)) if pr.shares[c, j] > 0]
            if lv.route is None
            else [pr.routes.index(normalise_routes(pd.Series([lv.route])).iloc[0])]
        )
        to_c = pr.categories.index(lv.to_category) if lv.to_category else c
        to_r = pr.routes.index(normalise_routes(pd.Series([lv.to_route])).iloc[0])
        w = month_weights(lv.start, lv.ramp_months, months.ends, months.days)
        available = per_route[:, :, c, src].sum(axis=2) / months.days[None, :]  # children, monthly mean
        moved = lv.share * w[None, :] * available
        if lv.capacity is not None:
            moved = np.minimum(moved, lv.capacity)
        fraction = np.divide(moved, available, out=np.zeros_like(moved), where=available > 0)
        moved_days = per_route[:, :, c, src] * fraction[..., None]
        per_route[:, :, c, src] -= moved_days
        days = np.zeros_like(per_route)
        days[:, :, to_c, to_r] = moved_days.sum(axis=2)
        lever_price = np.full(price.shape, np.nan)
        lever_price[:, to_c, to_r] = lv.weekly_cost * _inflated(pr, to_c, lv.start, months)
        parts.append((days, lever_price, False))
        moved_by_lever.append(moved)
        if to_c != c:
            # children moved to another category are counted there (month-end stock moves by the month's mean)
            shift = np.concatenate([np.zeros((moved.shape[0], 1)), moved], axis=1)
            shifted_stock[:, :, c] -= shift
            shifted_stock[:, :, to_c] += shift
    moved_all = np.stack(moved_by_lever, axis=2) if moved_by_lever else np.zeros(per_route.shape[:2] + (0,))
    return assemble(pr, months, [(per_route, price, True), *parts], seed=seed), moved_all, shifted_stock


def _inflated(pr: Pricing, c: int, start: str, months: Months) -> np.ndarray:
    """Index of each month's price relative to the financial year of ``start``, with category ``c``'s inflation."""
    base = int(financial_year_of(pd.DatetimeIndex([pd.Timestamp(start)]))[0])
    years = months.fy[months.year]
    return price_index(years, np.full((1, 1), base), pr.rates[[c]])[:, 0, 0]


def _implementation(scenario: Scenario, months: Months) -> np.ndarray:
    """(financial year,) implementation costs [£]: one-off in the start's year, running costs by day."""
    out = np.zeros(len(months.labels))
    first = months.ends[0] - pd.Timedelta(days=float(months.days[0]) - 1)
    for lv in scenario.levers:
        if not isinstance(lv, ImplementationCost):
            continue
        start = pd.Timestamp(lv.start)
        year = int(financial_year_of(pd.DatetimeIndex([start]))[0])
        if lv.one_off and year in set(months.fy):
            out[list(months.fy).index(year)] += lv.one_off
        if lv.running_per_year:
            stop = months.ends[-1] if lv.end is None else min(pd.Timestamp(lv.end), months.ends[-1])
            month_start = pd.DatetimeIndex([first]).append(months.ends[:-1] + pd.Timedelta(days=1))
            lo = np.maximum(month_start.to_numpy("datetime64[D]"), np.datetime64(start.date()))
            hi = np.minimum(months.ends.to_numpy("datetime64[D]"), np.datetime64(stop.date()))
            days = np.maximum((hi - lo).astype(int) + 1, 0)
            np.add.at(out, months.year, lv.running_per_year * days / 365.25)
    return out


def _effects(
    name: str,
    baseline: Projection,
    proj: Projection,
    base_stock: np.ndarray,
    scen_stock: np.ndarray,
    shifted_days: np.ndarray,
    months: Months,
    target_year: str,
    end_of_target: pd.Timestamp,
) -> dict[str, float | str]:
    upto = np.r_[True, proj.dates[1:] <= end_of_target]
    in_year = np.array([label == target_year for label in np.asarray(months.labels)[months.year]])
    year_days = months.days[in_year].sum()
    delta = (scen_stock - base_stock)[:, upto]
    months_changed = (0.5 * np.abs(delta).sum(axis=2) + 0.5 * np.abs(delta.sum(axis=2)))[:, 1:].sum(axis=1)
    return {
        "scenario": name,
        "children_shifted": float(shifted_days[:, in_year].sum(axis=1).mean() / year_days) if year_days else 0.0,
        "entries_avoided": float(
            (baseline.entries[:, upto].sum(axis=(1, 2)) - proj.entries[:, upto].sum(axis=(1, 2))).mean()
        ),
        "child_months_changed": float(months_changed.mean()),
    }


def _with_levers(capacity: pd.DataFrame, scenario: Scenario, keys: dict[str, list[int]]) -> pd.DataFrame:
    """Capacity plus the scenario's added places and the capacity of its shifts."""
    rows = []
    for lv in scenario.levers:
        if isinstance(lv, AddCapacity):
            rows.append(
                {
                    "category": lv.category,
                    "route": lv.route or "all",
                    "places": lv.places,
                    "start": pd.Timestamp(lv.start),
                    "end": pd.NaT,
                }
            )
        elif isinstance(lv, ShiftPlacements) and lv.capacity is not None:
            rows.append(
                {
                    "category": lv.to_category or lv.category,
                    "route": lv.to_route,
                    "places": lv.capacity,
                    "start": pd.Timestamp(lv.start),
                    "end": pd.NaT,
                }
            )
    if not rows:
        return capacity
    return pd.concat([capacity, pd.DataFrame(rows)], ignore_index=True)


def _gap(
    stock: np.ndarray,
    dates: pd.DatetimeIndex,
    keys: dict[str, list[int]],
    capacity: pd.DataFrame,
    unit_costs: pd.DataFrame,
    categories: tuple[str, ...],
    inflation: float | pd.DataFrame | None,
    confidence: float,
) -> pd.DataFrame:
    names = list(dict.fromkeys(capacity["category"]))
    places = places_at(capacity, names, dates)
    spot = spot_prices(unit_costs, categories, keys, names, dates, inflation)
    return gap_frame(stock, dates, keys, places, names, confidence=confidence, spot_price=spot)
