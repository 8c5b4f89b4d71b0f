"""The report's analysis: the inputs read and every result of the library the report shows.

This is orchestration only: every number comes from a public function of
the library (:func:`~sufficiency.read_ssda903`, :func:`~sufficiency.fit`,
:func:`~sufficiency.project`, :func:`~sufficiency.cost`,
:func:`~sufficiency.cost_pressure`, :func:`~sufficiency.spend_history`,
:func:`~sufficiency.score`, :func:`~sufficiency.sufficiency_gap`,
:func:`~sufficiency.backtest`); every pound goes through one
:class:`~sufficiency.Prices`.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from ..accuracy.backtest import backtest
from ..common import schema as S
from ..common.dates import financial_year_days
from ..common.errors import DataQualityWarning
from ..datasets.sample import sample_path
from ..finance.costs import CostProjection, cost
from ..finance.fees import read_placement_costs
from ..finance.history import anchored, spend_history
from ..finance.outturn import read_outturn, reconcile
from ..finance.plan import against_budget, financial_plan, spend_profile
from ..finance.pressure import cost_pressure
from ..finance.prices import Prices
from ..finance.readers import read_inflation, read_route_shares, read_unit_costs
from ..finance.tables import default_inflation, default_unit_costs
from ..ingest.returns import SSDA903Data, read_ssda903
from ..ingest.taxonomy import ordered_categories
from ..places.capacity import read_capacity
from ..places.gap import shortfall_by_year, sufficiency_gap
from ..projection.result import Projection
from ..projection.run import project
from ..rates.fitted import FittedModel
from ..rates.fitting import fit
from ..scenarios.programme import programme
from ..scenarios.scenario import Scenario, read_scenarios
from ..scenarios.scores import ScenarioScores
from ..scenarios.scoring import score
from .findings import quality_lines, recorded_warnings
from .progress import Progress

__all__ = ["PROGRAMME", "SAMPLE_TARGET", "Analysis", "ReportInputs", "ReportOptions", "analyse", "read_inputs"]

#: Savings target of the bundled sample's story [£] and its financial year.
SAMPLE_TARGET = (2_000_000.0, "2027-28")
#: Name of the programme that runs every scenario of the report together.
PROGRAMME = "All scenarios together"


@dataclass(frozen=True)
class ReportOptions:
    """What to put in a report.

    Attributes
    ----------
    costs, fees, capacity, scenarios, inflation, route_shares : path or None
        A unit-cost table (default :func:`~sufficiency.default_unit_costs`),
        a placement cost file, a capacity table, a JSON file of scenarios,
        inflation rates (default :func:`~sufficiency.default_inflation`) and
        route shares. For the bundled sample the sample's own fees, places,
        scenarios and ledger (``outturn``) are used.
    target : float or None
        Savings target [£]; ``target_year`` its financial year (``"2027-28"``).
    horizon : int
        Months to project.
    n_sims : int
        Simulated paths.
    seed : int
    suppress_below : int or None
        Show counts of children from 1 to ``suppress_below - 1`` as ``c``.
    include_episodes : bool
        Also write ``episodes.csv``: every child's episodes, with ids and
        dates of birth. Off by default: a report sent round must not hold
        child-level data.
    uasc_arrivals : float or None
        Arrivals of unaccompanied children a year [children/year] (see
        :func:`~sufficiency.project`); default the entry window's rate.
    outturn : path or None
        The council's outturn (and budgets) by financial year and placement
        (:func:`~sufficiency.read_outturn`): every pound is anchored to it,
        and the report reconciles the model with it.
    run_date : str or None
        The day to stamp the report with (``"2026-12-06"``); default the
        day it is written.
    """

    costs: Path | None = None
    fees: Path | None = None
    capacity: Path | None = None
    scenarios: Path | None = None
    inflation: Path | None = None
    route_shares: Path | None = None
    target: float | None = None
    target_year: str | None = None
    horizon: int = 60
    n_sims: int = 1000
    seed: int = 1
    suppress_below: int | None = None
    include_episodes: bool = False
    uasc_arrivals: float | None = None
    outturn: Path | None = None
    run_date: str | None = None


@dataclass(frozen=True)
class ReportInputs:
    """What the report read.

    Attributes
    ----------
    data : SSDA903Data
        The returns.
    sample : bool
        Whether they are the bundled synthetic county.
    prices : Prices
        Unit costs, inflation, route shares and the placement cost file:
        every pound of the report is priced with them.
    capacity : pandas.DataFrame or None
        Places (canonical, :func:`~sufficiency.read_capacity`).
    scenarios : tuple of Scenario
    target : float or None
        Savings target [£].
    target_year : str or None
        The target's financial year as asked (see
        :attr:`Analysis.target_year` for the year used).
    sources : mapping of str to pathlib.Path or None
        The folder of returns (``"returns"``) and the file each input table
        came from (``"costs"``, ``"fees"``, ``"capacity"``, ``"scenarios"``,
        ``"inflation"``, ``"route_shares"``); ``None`` for the package's
        defaults or none.
    uasc_arrivals : float or None
        Arrivals of unaccompanied children a year as set [children/year];
        ``None`` for the entry window's rate.
    outturn : pandas.DataFrame or None
        The outturn read (:func:`~sufficiency.read_outturn`); the prices are
        anchored to it.
    unanchored : pandas.DataFrame or None
        With an outturn, the past spend priced before anchoring
        (:func:`~sufficiency.spend_history` with ``prices.without_anchor()``):
        what the anchor reconciles.
    """

    data: SSDA903Data = field(repr=False)
    sample: bool
    prices: Prices = field(repr=False)
    capacity: pd.DataFrame | None = field(repr=False)
    scenarios: tuple[Scenario, ...]
    target: float | None
    target_year: str | None
    sources: Mapping[str, Path | None]
    uasc_arrivals: float | None = None
    outturn: pd.DataFrame | None = field(default=None, repr=False)
    unanchored: pd.DataFrame | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Analysis:
    """Every result the report shows, with the inputs behind them.

    Attributes
    ----------
    inputs : ReportInputs
    fitted : FittedModel
    projection : Projection
        Children in care, month by month [children].
    costs : CostProjection
        Spend on placements by financial year [£].
    history : pandas.DataFrame
        Past spend (:func:`~sufficiency.spend_history`) [£].
    target_year : str
        Financial year the target, the pressure and the headline savings
        are for: the year asked if the projection covers it, else the third
        complete year (or the last).
    pressure : pandas.DataFrame or None
        Volume, price and mix from the first whole projected year to
        ``target_year`` [£] (the budget-variance view); ``None`` when they
        are the same year or ``target_year`` is a part year.
    gap : pandas.DataFrame or None
        Demand against places (:func:`~sufficiency.sufficiency_gap`), when
        places were given.
    scores : ScenarioScores or None
        The scenarios scored, when there are any.
    accuracy : pandas.DataFrame or None
        Backtest of the council's own past against no change (12 and 24
        months ahead) [%], when the returns are long enough.
    plan : pandas.DataFrame
        The medium-term plan (:func:`~sufficiency.finance.plan.financial_plan`):
        the last three whole years' spend and the forecast's whole years.
    profile : pandas.DataFrame
        Spend month by month over the first forecast year
        (:func:`~sufficiency.finance.plan.spend_profile`).
    reconciliation : pandas.DataFrame or None
        The model's past spend (before anchoring) against the outturn
        (:func:`~sufficiency.reconcile`), when an outturn was given.
    shortfall : pandas.DataFrame or None
        The cost of each financial year's shortfall of places bought spot,
        with its band (:func:`~sufficiency.places.gap.shortfall_by_year`),
        when places were given.
    budget : pandas.DataFrame or None
        The forecast against the outturn table's budgets
        (:func:`~sufficiency.finance.plan.against_budget`), when it gives
        budgets for forecast years.
    warnings : tuple of str
        Every :class:`~sufficiency.DataQualityWarning` raised while the
        inputs were checked and the results computed (the returns' own
        findings are in ``inputs.data.quality``).
    """

    inputs: ReportInputs
    fitted: FittedModel = field(repr=False)
    projection: Projection = field(repr=False)
    costs: CostProjection = field(repr=False)
    history: pd.DataFrame = field(repr=False)
    target_year: str
    pressure: pd.DataFrame | None = field(repr=False)
    gap: pd.DataFrame | None = field(repr=False)
    scores: ScenarioScores | None = field(repr=False)
    accuracy: pd.DataFrame | None = field(repr=False)
    plan: pd.DataFrame = field(repr=False)
    profile: pd.DataFrame = field(repr=False)
    reconciliation: pd.DataFrame | None = field(default=None, repr=False)
    budget: pd.DataFrame | None = field(default=None, repr=False)
    shortfall: pd.DataFrame | None = field(default=None, repr=False)
    warnings: tuple[str, ...] = ()

    def findings(self) -> list[str]:
        """What a reader of the report must be told: counted problems in the inputs and every warning, one line each."""
        lines = quality_lines("returns", self.inputs.data.quality)
        if self.inputs.prices.fees is not None:
            lines += quality_lines("placement cost file", self.inputs.prices.fees.quality)
        return lines + list(self.warnings)


def read_inputs(source: str | Path | None, options: ReportOptions) -> ReportInputs:
    """Read the returns and the tables a report needs (the bundled sample's when ``source`` is ``None``).

    Raises
    ------
    SchemaError
        For a file that cannot be used, naming it.
    """
    sample = source is None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        data = read_ssda903(sample_path() / "returns" if source is None else source)
        fees_path = options.fees or (sample_path() / "placement_costs.csv" if sample else None)
        fees = read_placement_costs(fees_path, data, warn=False) if fees_path else None
    capacity_path = options.capacity or (sample_path() / "capacity.csv" if sample else None)
    scenarios_path = options.scenarios or (sample_path() / "scenarios.json" if sample else None)
    target, target_year = options.target, options.target_year
    if sample and target is None:
        target, target_year = SAMPLE_TARGET
    outturn_path = options.outturn or (sample_path() / "outturn.csv" if sample else None)
    outturn = read_outturn(outturn_path) if outturn_path else None
    prices = Prices(
        read_unit_costs(options.costs) if options.costs else default_unit_costs(),
        inflation=read_inflation(options.inflation) if options.inflation else default_inflation(),
        route_shares=read_route_shares(options.route_shares) if options.route_shares else None,
        fees=fees,
        anchor=outturn,
    )
    # the ledger is reconciled once; every pound of the report reuses its ratios, and the reconciliation table its
    # past spend before anchoring
    unanchored = spend_history(data, prices.without_anchor()) if outturn is not None else None
    prices = anchored(prices, data, history=unanchored)
    categories = ordered_categories(data.episodes[S.PLACEMENT])
    return ReportInputs(
        data=data,
        sample=sample,
        prices=prices,
        capacity=read_capacity(capacity_path, categories=categories) if capacity_path else None,
        scenarios=tuple(read_scenarios(scenarios_path)) if scenarios_path else (),
        target=target,
        target_year=target_year,
        sources={
            "returns": sample_path() / "returns" if source is None else Path(source),
            "costs": options.costs,
            "fees": fees_path,
            "capacity": capacity_path,
            "scenarios": scenarios_path,
            "inflation": options.inflation,
            "route_shares": options.route_shares,
            "outturn": outturn_path,
        },
        uasc_arrivals=options.uasc_arrivals,
        outturn=outturn,
        unanchored=unanchored,
    )


def _quick_backtest(data: SSDA903Data, seed: int) -> pd.DataFrame | None:
    """Error of the total one and two years ahead on the council's own past, against no change."""
    end = data.censor_date
    earliest = data.coverage_start + pd.DateOffset(years=2)
    origins = [end - pd.DateOffset(months=m) for m in (36, 24, 12)]
    origins = [pd.Timestamp(o) + pd.offsets.MonthEnd(0) for o in origins if o >= earliest]
    if not origins:
        return None
    result = backtest(data, origins=origins, horizon=24, methods=("multistate", "naive"), n_sims=200, seed=seed)
    table = result.table(horizons=[h for h in (12, 24) if h in set(result.scores["h"])])
    table = table.reset_index().rename(columns={"h": "months ahead"})
    return table.astype({"origins": int})


def analyse(source: str | Path | None, options: ReportOptions, progress: Progress | None = None) -> Analysis:
    """Run the library on the data, recording every data-quality warning (see :func:`_analyse`)."""
    with recorded_warnings(DataQualityWarning) as said:
        analysis = _analyse(source, options, progress)
    return replace(analysis, warnings=tuple(said))


def _analyse(source: str | Path | None, options: ReportOptions, progress: Progress | None = None) -> Analysis:
    """Run the library on the data: every result the report shows.

    Parameters
    ----------
    source : path or None
        Folder of SSDA903 returns; ``None`` for the bundled sample.
    options : ReportOptions
    progress : Progress, optional

    Returns
    -------
    Analysis

    Raises
    ------
    ValueError
        If the target year asked for is not a financial year of the forecast.
    """
    progress = progress or Progress(8, quiet=True)
    progress.step("reading the returns")
    inputs = read_inputs(source, options)
    progress.step("fitting the model")
    fitted = fit(inputs.data)
    progress.step("simulating the forecast")
    forecast = project(
        fitted, horizon=options.horizon, n_sims=options.n_sims, seed=options.seed, uasc_arrivals=options.uasc_arrivals
    )
    projection = replace(forecast, simulated=None)  # the report reads the calibrated paths; scoring, the simulated
    raw = forecast.simulated if forecast.simulated is not None else forecast.draws
    # ... by placement only: their ages added up are a 36th of the memory
    forecast = replace(forecast, simulated=raw.sum(axis=3, keepdims=True, dtype=np.int32))
    del raw
    progress.step("costing")
    costs = cost(projection, inputs.prices)
    history = spend_history(inputs.data, inputs.prices)
    years = list(costs.financial_years)
    complete = [y for y, ok in zip(years, costs.complete) if ok]
    if inputs.target_year in years:
        target_year = str(inputs.target_year)
    elif options.target_year is not None:
        raise ValueError(
            f"target year {options.target_year} is outside the forecast ({years[0]} to {years[-1]}): give a year "
            "within it, or a --horizon that reaches it"
        )
    else:  # the sample's own target year, beyond a short forecast: the third year forecast
        target_year = complete[min(2, len(complete) - 1)] if complete else years[-1]
    whole = complete and target_year in complete and target_year != complete[0]
    pressure = cost_pressure(costs, complete[0], target_year) if whole else None
    gap = shortfall = None
    if inputs.capacity is not None:
        gap = sufficiency_gap(projection, inputs.capacity, unit_costs=inputs.prices)
        shortfall = shortfall_by_year(projection, inputs.capacity, unit_costs=inputs.prices)
    scores = None
    if inputs.scenarios:
        progress.step("scoring the scenarios")
        scenarios = list(inputs.scenarios)
        if len(scenarios) > 1:
            scenarios.append(programme(scenarios, name=PROGRAMME))
        scores = score(
            fitted,
            scenarios,
            unit_costs=inputs.prices,
            horizon=options.horizon,
            n_sims=options.n_sims,
            seed=options.seed,
            capacity=inputs.capacity,
            target=inputs.target,
            target_year=target_year,
            uasc_arrivals=options.uasc_arrivals,
            keep_paths=False,
            baseline=forecast if options.seed is not None else None,
        )
    del forecast
    progress.step("checking past accuracy")
    whole = history[history["days"] >= history[S.FINANCIAL_YEAR].map(financial_year_days)]
    recent = whole[whole[S.FINANCIAL_YEAR].isin(sorted(set(whole[S.FINANCIAL_YEAR]), key=lambda y: y[:4])[-3:])]
    outturn = inputs.outturn
    return Analysis(
        inputs=inputs,
        fitted=fitted,
        projection=projection,
        costs=costs,
        history=history,
        target_year=target_year,
        pressure=pressure,
        gap=gap,
        scores=scores,
        accuracy=_quick_backtest(inputs.data, options.seed),
        plan=financial_plan(costs, recent),
        profile=spend_profile(projection, inputs.prices),
        reconciliation=None if outturn is None or inputs.unanchored is None else reconcile(inputs.unanchored, outturn),
        budget=None if outturn is None or outturn["budget"].isna().all() else against_budget(costs, outturn),
        shortfall=shortfall,
    )
