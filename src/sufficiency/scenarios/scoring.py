"""Score savings scenarios against the baseline, path by path, with common random numbers.

The baseline is ``project(fitted, start=start, horizon=horizon,
n_sims=n_sims, seed=seed)`` costed with :func:`sufficiency.cost`, with its
mean blended towards no change as every projection's is
(:mod:`sufficiency.projection.calibration`) but its paths left as simulated:
the bands' stretches are learned for forecasts, not for the difference a
lever makes, so savings are differences of paired paths as simulated (each
scenario's paths blended by the baseline's factors, so a lever's effect is
scaled alike). Their spread is the simulation's: it carries the uncertainty
of rates and chance, not that of the lever's own effect. A
scenario with a lever that changes demand (:func:`~sufficiency.change_hazard`,
:func:`~sufficiency.change_entries`) is projected again with the same seed: every random
number is drawn as for the baseline, so its paths are the baseline's until
its first lever starts and differ only through the levers after. A scenario
whose levers touch only routes, prices, places or implementation costs
reuses the baseline's paths. Savings are the baseline's cost less the
scenario's, less its implementation costs, in every path: a scenario with
no levers saves exactly nothing in every path.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace

import numpy as np
import pandas as pd

from ..common import schema as S
from ..common.dates import DateLike
from ..common.errors import DataQualityWarning, SchemaError
from ..finance.fees import PlacementFees
from ..finance.history import anchored_pricing
from ..finance.months import Months, months_of
from ..finance.prices import Prices, as_prices
from ..finance.pricing import Pricing
from ..places.capacity import capacity_keys, check_capacity, places_at
from ..places.gap import gap_frame, shortfall_prices
from ..projection.blend import blend, blend_ratios
from ..projection.calibration import BLEND, check_settings, default_calibration, months_ahead
from ..projection.result import Projection
from ..projection.run import draw_run, projection_dates, run_projection
from ..rates.fitted import FittedModel
from .costing import demand_levers, running_costs, scenario_cost, with_places
from .lever import LeverError
from .scenario import Scenario, scenarios_from_data
from .scores import ScenarioScores

__all__ = ["GDP_DEFLATOR", "GREEN_BOOK_RATE", "check_levers", "score"]

#: HM Treasury Green Book discount rate, a real rate (net of general inflation) [1/year].
GREEN_BOOK_RATE = 0.035
#: General inflation (the GDP deflator) assumed to turn cash savings into real terms before discounting [1/year]:
#: the 2% the OBR assumes for the GDP deflator in the long run (Fiscal risks and sustainability, 2024).
GDP_DEFLATOR = 0.02
#: Paths blended at a time when they are added up by category.
_CHUNK = 100


def score(
    fitted: FittedModel,
    scenarios: Sequence[Scenario | Mapping],
    *,
    unit_costs: pd.DataFrame | Prices | None,
    start: DateLike | None = None,
    horizon: int = 60,
    n_sims: int = 1000,
    seed: int | None = None,
    inflation: float | pd.DataFrame | None = None,
    route_shares: pd.DataFrame | None = None,
    fees: PlacementFees | None = None,
    anchor: pd.DataFrame | None = None,
    capacity: pd.DataFrame | None = None,
    target: float | None = None,
    target_year: str | None = None,
    discount_rate: float = GREEN_BOOK_RATE,
    deflator: float = GDP_DEFLATOR,
    confidence: float = 0.8,
    level: int = 80,
    uasc_arrivals: float | None = None,
    keep_paths: bool = True,
    baseline: Projection | None = None,
) -> ScenarioScores:
    """Score scenarios against the baseline with common random numbers.

    Parameters
    ----------
    fitted : FittedModel
    scenarios : sequence of Scenario or dict
        Dicts are read with :meth:`Scenario.from_dict`.
    unit_costs : pandas.DataFrame, Prices or None
        The prices, as for :func:`sufficiency.cost`: a
        :class:`sufficiency.Prices` or the unit-cost table.
    start, horizon, n_sims, seed
        As for :func:`sufficiency.project`; the baseline is that projection
        blended but not stretched (see the module notes).
    inflation, route_shares, fees, anchor
        As for :func:`sufficiency.cost` (not with a :class:`Prices` that
        holds them); anchoring reconciles the fitted model's returns.
    capacity : pandas.DataFrame, optional
        Places (see :func:`sufficiency.sufficiency_gap`); scenarios add
        their levers' places (:meth:`Lever.added_places`). The shortfall
        is priced through the same prices as the costs.
    target : float, optional
        Savings target for ``target_year`` [£].
    target_year : str, optional
        Financial year such as ``"2027-28"``, one the projection covers in
        full; default the last such year.
    discount_rate : float
        Real discount rate of the net present value [1/year]; default the
        Green Book's 3.5%.
    deflator : float
        General inflation (the GDP deflator) [1/year]: savings are in cash,
        with each category's own inflation, so each year's saving is first
        deflated to the first year's prices by it and then discounted at
        the real rate (the same as discounting cash at
        ``(1 + discount_rate) * (1 + deflator) - 1``); default 2% a year.
    confidence : float
        For ``places_needed``: the one-sided probability that the places
        meet demand, between 0 and 1.
    level : int
        The level of the bands of :meth:`ScenarioScores.summary` [%]
        (savings, cumulative savings, net present value).
    uasc_arrivals : float, optional
        Arrivals of unaccompanied children [children/year], as for
        :func:`sufficiency.project`, in the baseline and every scenario.
    keep_paths : bool
        Keep each scenario's projected paths in
        :attr:`ScenarioScores.projections` (default); ``False`` keeps none,
        simulates children by placement only (not by age) and frees each
        projection's paths once they are costed (a report needs their
        costs, not their paths): the same figures to float32 rounding.
    baseline : Projection, optional
        The forecast :func:`sufficiency.project` made of ``fitted`` with
        this ``start``, ``horizon``, ``n_sims``, ``seed`` and
        ``uasc_arrivals``: its paths as simulated are the baseline's, so
        they are not simulated again (the same numbers, one projection
        less). A calibrated forecast serves with ``keep_paths=False`` only
        (its paths as simulated keep no stream of unaccompanied children),
        as does one whose paths as simulated are added up over ages (one
        age column; scoring reads children by placement).

    Returns
    -------
    ScenarioScores

    Raises
    ------
    SchemaError
        For malformed price or capacity tables, or a lever naming an unknown
        category, route or destination or starting outside the projection
        (naming the scenario's file and the lever's line when it was read
        from one).
    ValueError
        For two scenarios with one name, a target that is not above £0, a
        target year outside the projection or covered only in part (or no
        whole year to default to), a ``confidence`` outside 0-1, a file's whole contents (a
        dict with a ``scenarios`` list) given as the scenarios, or a
        ``baseline`` drawn otherwise than these settings ask.
    """
    chosen = _scenarios_given(scenarios)
    if not 0 < float(confidence) < 1:
        raise ValueError(f"confidence is a probability between 0 and 1 (0.8 for 80%), not {confidence}")
    if not 0 < level < 100 or int(level) != level:
        raise ValueError(f"level is a whole percentage between 0 and 100 (80 for an 80% band), not {level}")
    if target is not None and not (np.isfinite(float(target)) and float(target) > 0):
        raise ValueError(f"target is a saving to reach, above £0 [£], not {target!r}")
    names = [s.name for s in chosen]
    if len(set(names)) != len(names) or "baseline" in names:
        raise ValueError(f"scenario names must differ and not be 'baseline': {names}")
    prices = as_prices(unit_costs, inflation=inflation, route_shares=route_shares, fees=fees, anchor=anchor)
    calibration = default_calibration()
    check_settings(fitted, calibration)

    dates = projection_dates(fitted, start=start, end=None, horizon=horizon, n_sims=n_sims)
    weight = calibration.factor(BLEND, "total", months_ahead(dates))
    months = months_of(dates)
    for s in chosen:
        check_levers(s, fitted.categories, dates)
    pricing = anchored_pricing(prices, fitted.categories, fitted)
    pricing = pricing.with_routes([r for s in chosen for lv in s.levers for r in lv.routes_added()])
    for s in chosen:
        for i, lever in enumerate(s.levers):
            with _named(s, i):
                lever.check_routes(pricing, where=f"scenario {s.name!r}, {lever.lever}")
    if baseline is None:
        simulated = run_projection(
            fitted,
            dates,
            n_sims=n_sims,
            seed=seed,
            uasc_arrivals=uasc_arrivals,
            calibrate=False,
            streams=keep_paths,
            expected=keep_paths,
            ages=keep_paths,
        )
    else:
        simulated = _as_simulated(baseline, fitted, dates, n_sims=n_sims, seed=seed, uasc_arrivals=uasc_arrivals)
        if keep_paths and (baseline.simulated is not None or simulated.draws.shape[3] == 1):
            raise ValueError(
                "keep_paths=True keeps the baseline's paths as simulated by age with their stream of unaccompanied "
                "children, which a calibrated forecast (or one added up over ages) no longer has: give "
                "project(..., calibrate=False), or keep_paths=False"
            )
        del baseline
    # every path is blended by the baseline's factors, so a lever's effect is scaled alike
    ratio = blend_ratios(simulated.draws.sum(axis=3, dtype=np.float64).mean(axis=0), weight)  # (date, category)
    base_stock, base_entries = _blended_stock(simulated, ratio), simulated.entries
    projections = {"baseline": blend(simulated, weight)} if keep_paths else {}
    reference = simulated if keep_paths else None
    del simulated  # without keep_paths, the baseline's paths are done with once added up by category
    base = scenario_cost(pricing, months, base_stock, (), seed)
    labels = list(base.costs.financial_years)
    complete = [y for y, ok in zip(labels, base.costs.complete) if ok]
    if target_year is None:
        if not complete:
            raise ValueError(
                f"the projection covers no whole financial year ({', '.join(labels)} in part): a savings target is "
                "for a year, so project further (horizon) or give target_year"
            )
        target_year = complete[-1]
    if target_year not in labels:
        raise ValueError(f"target year {target_year!r} is not in the projection ({', '.join(labels)})")
    if target_year not in complete:
        days = int(base.costs.days[labels.index(target_year)])
        raise ValueError(
            f"target year {target_year} is covered for {days} days only: its savings would be compared with a "
            "year's target; choose a whole year of the projection"
            + (f" ({', '.join(complete)})" if complete else " (project further)")
        )
    keys = capacity_keys(fitted.categories)
    base_capacity = None if capacity is None else check_capacity(capacity, known=set(keys))
    gaps: dict[str, pd.DataFrame] = {}
    if base_capacity is not None:
        gaps["baseline"] = _gap(base.stock, dates, keys, base_capacity, pricing, confidence)
    costs, savings, implementation, effects, shifted = {}, {}, {}, [], {}
    end_of_target = pd.Timestamp(f"{int(target_year[:4]) + 1}-03-31")
    demands = [demand_levers(s.levers, fitted.categories, months) for s in chosen]
    # every scenario that changes demand is projected first, drawing the rates once for all (they draw them alike:
    # common random numbers), and kept as children by placement; the draws are freed before the costing
    drawn = None
    if seed is not None and any(d is not None for d in demands):
        drawn = draw_run(fitted, dates, n_sims=n_sims, seed=seed, uasc_arrivals=uasc_arrivals)
    projected = {}
    for s, demand in zip(chosen, demands):
        if demand is None:
            continue
        raw = run_projection(
            fitted,
            dates,
            n_sims=n_sims,
            seed=seed,
            levers=demand,
            uasc_arrivals=uasc_arrivals,
            calibrate=False,
            streams=keep_paths,
            expected=keep_paths,
            ages=keep_paths,
            drawn=drawn,
        )
        projected[s.name] = (_blended_stock(raw, ratio), raw.entries)
        if keep_paths:
            projections[s.name] = blend(raw, weight, reference=reference)
        del raw
    del drawn
    for s in chosen:
        stock, entries = projected.pop(s.name, (base_stock, base_entries))
        scen = scenario_cost(pricing, months, stock, s.levers, seed)
        shifted[s.name] = scen.shifted
        running = running_costs(s.levers, months)
        costs[s.name] = scen.costs
        implementation[s.name] = running
        savings[s.name] = base.costs.totals() - scen.costs.totals() - running[None, :]
        shifted_days = scen.shifted.sum(axis=2) * months.days[None, :]
        effects.append(
            _effects(
                s.name,
                dates,
                base_entries,
                entries,
                base.stock,
                scen.stock,
                shifted_days,
                months,
                target_year,
                end_of_target,
            )
        )
        if base_capacity is not None:
            places = with_places(base_capacity, s.levers)
            gaps[s.name] = _gap(scen.stock, dates, keys, places, pricing, confidence)
    no_effects = pd.DataFrame(columns=["children_shifted", "entries_avoided", "child_months_changed"])
    return ScenarioScores(
        scenarios=tuple(chosen),
        baseline=base.costs,
        costs=costs,
        savings=savings,
        implementation=implementation,
        effects=pd.DataFrame(effects).set_index("scenario") if effects else no_effects,
        shifted=shifted,
        month_ends=months.ends,
        gaps=gaps,
        projections=projections,
        target=None if target is None else float(target),
        target_year=target_year,
        discount_rate=float(discount_rate),
        deflator=float(deflator),
        level=int(level),
    )


def _as_simulated(
    baseline: Projection,
    fitted: FittedModel,
    dates: pd.DatetimeIndex,
    *,
    n_sims: int,
    seed: int | None,
    uasc_arrivals: float | None,
) -> Projection:
    """The paths as simulated of the forecast given as :func:`score`'s baseline, once checked to be the one asked for.

    Raises
    ------
    ValueError
        When it was drawn from another model, over other dates, with other
        settings, or with no seed (its random numbers could not be drawn
        again for the scenarios).
    """
    wanted = {
        "n_sims": int(n_sims),
        "seed": seed,
        "parameter_uncertainty": True,
        "uasc_arrivals": uasc_arrivals,
        "levers": False,
    }
    problems = []
    if baseline.model is not fitted:
        problems.append("it was projected from another fitted model")
    if not baseline.dates.equals(dates):
        problems.append(
            f"its dates run {baseline.dates[0].date()} to {baseline.dates[-1].date()} in place of "
            f"{dates[0].date()} to {dates[-1].date()}"
        )
    if seed is None:
        problems.append("score has no seed, so the scenarios could not draw the baseline's random numbers again")
    settings = dict(baseline.settings or {})
    differ = [f"{k}={settings.get(k)!r} (score's {v!r})" for k, v in wanted.items() if settings.get(k) != v]
    if baseline.settings is None:
        problems.append("it does not say how its paths were drawn (a projection made by hand)")
    elif differ:
        problems.append("it was drawn with " + ", ".join(differ))
    if problems:
        raise ValueError("the baseline given is not the projection score would make: " + "; ".join(problems))
    if baseline.simulated is None:
        return baseline
    # only the paths' children by placement and their entries are read (both as simulated)
    return replace(baseline, draws=baseline.simulated, simulated=None, uasc=None)


def check_levers(scenario: Scenario, categories: tuple[str, ...], dates: pd.DatetimeIndex) -> None:
    """Refuse levers that name unknown categories or start outside the projection; warn of places added twice."""
    _warn_places_twice(scenario)
    for i, lever in enumerate(scenario.levers):
        where = f"scenario {scenario.name!r}, {lever.lever}"
        with _named(scenario, i):
            lever.check(categories, where=where)
            when = pd.Timestamp(lever.start)
            if not dates[0] <= when <= dates[-1]:
                side = "before the projection starts" if when < dates[0] else "after the projection ends"
                raise LeverError(
                    f"{where}: starts {when.date()}, {side} ({dates[0].date()} to {dates[-1].date()})",
                    field="start",
                    rule="outside_projection",
                )


def _scenarios_given(scenarios: object) -> list[Scenario]:
    """The scenarios passed to :func:`score`: Scenario objects or one dict each; a file's whole dict is refused."""
    if isinstance(scenarios, Mapping) or isinstance(scenarios, (str, bytes)):
        raise ValueError(
            "score takes a list of scenarios: for a file's contents pass read_scenarios(path), or the list under its "
            "'scenarios' key"
        )
    chosen = []
    for s in scenarios:  # type: ignore[attr-defined]
        if isinstance(s, Scenario):
            chosen.append(s)
        elif isinstance(s, Mapping) and "scenarios" in s:
            raise ValueError(
                "a dict with a 'scenarios' list is a file's contents, not one scenario: pass read_scenarios(path), "
                "or the list under its 'scenarios' key"
            )
        else:
            chosen.append(scenarios_from_data(s)[0])
    return chosen


def _warn_places_twice(scenario: Scenario) -> None:
    """Warn when a shift's places (its capacity) are added again by an ``add_capacity`` of the same category and route.

    A shift's capacity is the places its new placements have, and counts as
    places of its destination; ``add_capacity`` adds places no lever fills.
    """
    rows = [lever.added_places() for lever in scenario.levers]
    kinds = [lever.lever for lever in scenario.levers]
    shifted = {(r[S.PLACEMENT], r[S.ROUTE]) for r, k in zip(rows, kinds) if r is not None and k != "add_capacity"}
    added = {(r[S.PLACEMENT], r[S.ROUTE]) for r, k in zip(rows, kinds) if r is not None and k == "add_capacity"}
    twice = sorted(shifted & added, key=str)
    if twice:
        named = ", ".join(f"{c} ({r})" for c, r in twice)
        warnings.warn(
            f"{scenario.source or f'<scenario {scenario.name}>'}: scenario {scenario.name!r} adds places of {named} "
            "with add_capacity as well as with a shift's capacity, which already counts them: they are counted "
            "twice [places_twice]",
            DataQualityWarning,
            stacklevel=4,
        )


@contextmanager
def _named(scenario: Scenario, lever: int) -> Iterator[None]:
    """Turn a lever's problem into a SchemaError naming the scenario's file, the lever's line and its setting."""
    try:
        yield
    except LeverError as exc:
        kind = scenario.levers[lever].lever
        raise SchemaError(
            str(exc),
            file=scenario.source or f"<scenario {scenario.name}>",
            row=scenario.line_of(lever),
            column=f"{kind}.{exc.field}",
            rule=exc.rule,
        ) from exc


def _blended_stock(projection: Projection, ratio: np.ndarray) -> np.ndarray:
    """Children by (path, date, category) of paths as simulated, blended by ``ratio`` (date, category) [children].

    The same numbers as :func:`sufficiency.projection.blend.blend`'s paths added up over ages, worked out a few
    paths at a time so that no blended copy of the paths is made. Paths whose ages are added up already (one age
    column) give them to float32 rounding (a millionth).
    """
    scale = ratio.astype(np.float32)[None, :, :, None]
    draws = projection.draws
    stock = np.empty(draws.shape[:3])
    for first in range(0, draws.shape[0], _CHUNK):
        chunk = slice(first, first + _CHUNK)
        stock[chunk] = np.multiply(draws[chunk], scale, dtype=np.float32).sum(axis=3, dtype=np.float64)
    return stock


def _effects(
    name: str,
    dates: pd.DatetimeIndex,
    base_entries: np.ndarray,
    entries: np.ndarray,
    base_stock: np.ndarray,
    scen_stock: np.ndarray,
    shifted_days: np.ndarray,
    months: Months,
    target_year: str,
    end_of_target: pd.Timestamp,
) -> dict[str, float | str]:
    upto = np.r_[True, dates[1:] <= end_of_target]
    in_year = np.array([label == target_year for label in np.asarray(months.labels)[months.year]])
    year_days = months.days[in_year].sum()
    delta = (scen_stock - base_stock)[:, upto]
    months_changed = (0.5 * np.abs(delta).sum(axis=2) + 0.5 * np.abs(delta.sum(axis=2)))[:, 1:].sum(axis=1)
    return {
        "scenario": name,
        "children_shifted": float(shifted_days[:, in_year].sum(axis=1).mean() / year_days) if year_days else 0.0,
        "entries_avoided": float((base_entries[:, upto].sum(axis=(1, 2)) - entries[:, upto].sum(axis=(1, 2))).mean()),
        "child_months_changed": float(months_changed.mean()),
    }


def _gap(
    stock: np.ndarray,
    dates: pd.DatetimeIndex,
    keys: dict[str, list[int]],
    capacity: pd.DataFrame,
    pricing: Pricing,
    confidence: float,
) -> pd.DataFrame:
    names = list(dict.fromkeys(capacity[S.PLACEMENT]))
    places = places_at(capacity, names, dates)
    spot = shortfall_prices(pricing, keys, names, dates)
    return gap_frame(stock, dates, keys, places, names, confidence=confidence, spot_price=spot)
