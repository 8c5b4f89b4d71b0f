"""Write a report a council can send round: one HTML page, an Excel workbook for finance, PNG charts, CSV tables.

This module orchestrates: every number in the report comes from a public
function of the library (:func:`read_ssda903`, :func:`fit`, :func:`project`,
:func:`cost`, :func:`cost_pressure`, :func:`spend_history`, :func:`score`,
:func:`sufficiency_gap`, :func:`backtest`, ...); the report only chooses,
formats and writes. The page is made by :mod:`sufficiency.report_html`, the
workbook by :mod:`sufficiency.report_workbook`, and cells are formatted and
small counts suppressed by :mod:`sufficiency.report_tables`. These modules and
:mod:`sufficiency.cli` are the only code that writes files.

Reports are aggregate: no child id, date of birth or row of the returns is
written unless ``include_episodes`` asks for the episodes, and counts of
children below ``suppress_below`` are shown as ``c``, as the DfE publishes.
"""

from __future__ import annotations

import io
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..accuracy.backtest import backtest
from ..common import schema as S
from ..common.dates import financial_year_label
from ..common.errors import DataQualityWarning
from ..counts.yearly import march_stock, yearly_flows
from ..datasets.sample import sample_path
from ..finance.costs import cost
from ..finance.fees import read_placement_costs
from ..finance.history import spend_history
from ..finance.pressure import cost_pressure
from ..finance.prices import Prices
from ..finance.readers import read_inflation, read_route_shares, read_unit_costs
from ..finance.tables import default_inflation, default_unit_costs
from ..ingest.quality import summarise_quality
from ..ingest.returns import SSDA903Data, read_ssda903
from ..ingest.taxonomy import ordered_categories
from ..places.capacity import read_capacity
from ..places.gap import sufficiency_gap
from ..projection.calibration import default_calibration
from ..projection.run import project
from ..rates.fitting import fit
from ..scenarios.scenario import read_scenarios
from ..scenarios.scoring import score
from .html import html_page
from .tables import COUNT, INTEGER, MONEY, NUMBER, SHARE, Table, band, label, pounds, suppressed
from .workbook import write_workbook

#: Savings target of the bundled sample's story [£] and its financial year.
SAMPLE_TARGET = (2_000_000.0, "2027-28")


@dataclass(frozen=True)
class ReportOptions:
    """What to put in a report.

    Attributes
    ----------
    costs, fees, capacity, scenarios, inflation, route_shares : path or None
        A unit-cost table (default :func:`default_unit_costs`), a placement
        cost file, a capacity table, a JSON file of scenarios, inflation
        rates (default :func:`default_inflation`) and route shares. For the
        bundled sample the sample's own fees, places and scenarios are used.
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


@dataclass(frozen=True)
class Report:
    """What :func:`write_report` wrote.

    Attributes
    ----------
    files : tuple of pathlib.Path
    headline : dict of str to str
        The headline figures as printed.
    text : str
        A plain-text summary.
    """

    files: tuple[Path, ...]
    headline: dict[str, str]
    text: str


class Progress:
    """Step-by-step progress on stderr: a line redrawn in place when stderr is a terminal, silent otherwise."""

    def __init__(self, steps: int, *, quiet: bool = False, stream: object = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = not quiet and hasattr(self.stream, "isatty") and self.stream.isatty()
        self.steps = steps
        self.done = 0

    def step(self, what: str) -> None:
        """Announce the next step."""
        self.done += 1
        if self.enabled:
            width = 24
            filled = int(width * (self.done - 1) / self.steps)
            self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.steps} {what:<40}")
            self.stream.flush()

    def close(self) -> None:
        """End the progress line."""
        if self.enabled:
            self.stream.write(f"\r[{'#' * 24}] {self.steps}/{self.steps} {'done':<40}\n")
            self.stream.flush()


def _inputs(source: str | Path | None, options: ReportOptions) -> dict:
    """Read the data and the tables the report needs."""
    sample = source is None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        data = read_ssda903(sample_path() / "returns" if sample else source)
        fees_path = options.fees or (sample_path() / "placement_costs.csv" if sample else None)
        fees = read_placement_costs(fees_path, data, warn=False) if fees_path else None
    capacity_path = options.capacity or (sample_path() / "capacity.csv" if sample else None)
    scenarios_path = options.scenarios or (sample_path() / "scenarios.json" if sample else None)
    target, target_year = options.target, options.target_year
    if sample and target is None:
        target, target_year = SAMPLE_TARGET
    return {
        "data": data,
        "sample": sample,
        "unit_costs": read_unit_costs(options.costs) if options.costs else default_unit_costs(),
        "inflation": read_inflation(options.inflation) if options.inflation else default_inflation(),
        "route_shares": read_route_shares(options.route_shares) if options.route_shares else None,
        "fees": fees,
        "capacity": read_capacity(capacity_path, categories=ordered_categories(data.episodes[S.PLACEMENT]))
        if capacity_path
        else None,
        "scenarios": read_scenarios(scenarios_path) if scenarios_path else [],
        "target": target,
        "target_year": target_year,
        "paths": {
            "costs": options.costs,
            "fees": fees_path,
            "capacity": capacity_path,
            "scenarios": scenarios_path,
            "inflation": options.inflation,
            "route_shares": options.route_shares,
        },
    }


def _quick_backtest(data: SSDA903Data, seed: int) -> pd.DataFrame | None:
    """Error of the total one and two years ahead on the council's own past, against no change."""
    end = data.censor_date
    origins = [end - pd.DateOffset(months=m) for m in (36, 24, 12)]
    origins = [
        pd.Timestamp(o) + pd.offsets.MonthEnd(0) for o in origins if o >= data.coverage_start + pd.DateOffset(years=2)
    ]
    if not origins:
        return None
    result = backtest(data, origins=origins, horizon=24, methods=("multistate", "naive"), n_sims=200, seed=seed)
    table = result.table(horizons=[h for h in (12, 24) if h in set(result.scores["h"])])
    table = table.reset_index().rename(columns={"h": "months ahead"})
    return table.astype({"origins": int})


def analyse(source: str | Path | None, options: ReportOptions, progress: Progress) -> dict:
    """Run the library on the data: every result the report shows."""
    progress.step("reading the returns")
    inputs = _inputs(source, options)
    data = inputs["data"]
    progress.step("fitting the model")
    fitted = fit(data)
    progress.step("simulating the forecast")
    projection = project(fitted, horizon=options.horizon, n_sims=options.n_sims, seed=options.seed)
    progress.step("costing")
    prices = Prices(
        inputs["unit_costs"], inflation=inputs["inflation"], route_shares=inputs["route_shares"], fees=inputs["fees"]
    )
    costs = cost(projection, prices)
    history = spend_history(data, prices)
    years = list(costs.financial_years)
    complete = [y for y, ok in zip(years, costs.complete) if ok]
    target_year = (
        inputs["target_year"]
        if inputs["target_year"] in years
        else (complete[min(2, len(complete) - 1)] if complete else years[-1])
    )
    pressure = cost_pressure(costs, years[0], target_year) if target_year != years[0] else None
    gap = (
        sufficiency_gap(projection, inputs["capacity"], unit_costs=prices)
        if inputs["capacity"] is not None
        else None
    )
    scores = None
    if inputs["scenarios"]:
        progress.step("scoring the scenarios")
        scores = score(
            fitted,
            inputs["scenarios"],
            unit_costs=prices,
            horizon=options.horizon,
            n_sims=options.n_sims,
            seed=options.seed,
            capacity=inputs["capacity"],
            target=inputs["target"],
            target_year=target_year,
        )
    progress.step("checking past accuracy")
    accuracy = _quick_backtest(data, options.seed)
    return {
        **inputs,
        "fitted": fitted,
        "projection": projection,
        "costs": costs,
        "history": history,
        "pressure": pressure,
        "gap": gap,
        "scores": scores,
        "accuracy": accuracy,
        "target_year": target_year,
    }


def headline(r: dict) -> dict[str, str]:
    """The headline figures, with their 80% intervals."""
    p, costs = r["projection"], r["costs"]
    total = p.summary_frame(level=(80,)).query("group == 'total'").set_index(S.DATE)
    out = {"Children looked after now": f"{total['mean'].iloc[0]:,.0f} on {p.dates[0]:%d %B %Y}"}
    for years in (1, 5):
        when = p.dates[0] + pd.offsets.MonthEnd(12 * years)
        if when in total.index:
            row = total.loc[when]
            out[f"In {years} year{'s' if years > 1 else ''} ({when:%B %Y})"] = band(
                row["mean"], row["lower_80"], row["upper_80"]
            )
    spend = costs.summary_frame(level=(80,)).query("group == 'total'").set_index("financial_year")
    for year in (costs.financial_years[0], r["target_year"], costs.financial_years[-1]):
        row = spend.loc[year]
        out[f"Spend on placements {year}" + ("" if row["complete"] else " (part year)")] = band(
            row["mean"], row["lower_80"], row["upper_80"], money=True
        )
    if r["pressure"] is not None:
        pr = r["pressure"].query("placement == 'all'").set_index("effect")
        out[f"Cost pressure {r['pressure']['from_year'].iloc[0]} to {r['target_year']}"] = (
            f"{pounds(pr.loc['total', 'mean'])}: volume {pounds(pr.loc['volume', 'mean'])}, price {pounds(pr.loc['price', 'mean'])}, mix {pounds(pr.loc['mix', 'mean'])}"
        )
    if r["gap"] is not None:
        when = pd.Timestamp(f"{int(r['target_year'][:4]) + 1}-03-31")
        at = r["gap"][r["gap"]["date"] == when]
        if len(at):
            short = at[at["places_needed"] > 0].sort_values("places_needed", ascending=False)
            out[f"Places to find by {when:%d %B %Y} (80% sure of a place)"] = (
                "; ".join(
                    f"{label(row.placement)}: {row.places_needed:,.0f} (chance of a shortfall {row.p_shortfall:.0%})"
                    for row in short.itertuples()
                )
                or "none: the places cover demand"
            )
    if r["scores"] is not None:
        summary = r["scores"].summary()
        best = summary["saving_mean"].idxmax()
        row = summary.loc[best]
        chance = (
            "" if pd.isna(row["p_target"]) else f"; chance of the {pounds(row['target'])} target: {row['p_target']:.0%}"
        )
        out[f"Largest saving in {r['target_year']}"] = (
            f"{best}: {band(row['saving_mean'], row['saving_lower_80'], row['saving_upper_80'], money=True)}{chance}"
        )
    return out


def tables(r: dict) -> list[Table]:
    """Every table of the report, with the kinds of their columns."""
    data, p, costs = r["data"], r["projection"], r["costs"]
    out = []
    stock = march_stock(data, by=(S.PLACEMENT,)).reset_index()
    out.append(
        Table(
            "stock_31_march",
            "Children looked after at 31 March, by placement",
            stock,
            {c: COUNT for c in stock.columns if c != S.DATE},
        )
    )
    flows = yearly_flows(data).drop(columns=[S.EXPOSURE_DAYS])
    flows.insert(0, "financial_year", [financial_year_label(d.year + 1) for d in flows[S.PERIOD_START]])
    flows = flows.drop(columns=[S.PERIOD_START, S.PERIOD_END])
    out.append(
        Table(
            "flows_by_year",
            "Entries and exits by financial year",
            flows,
            {c: COUNT for c in flows.columns if c != "financial_year"},
        )
    )
    forecast = p.summary_frame(level=(80, 95))
    forecast = forecast[forecast[S.DATE].dt.month == p.dates[0].month]
    by_year = _by_year(forecast)
    out.append(
        Table(
            "forecast_by_year",
            "Children looked after at each anniversary of the start: total with its 80% interval, and the mean by stream and placement",
            by_year,
            {c: COUNT for c in by_year.columns if c != S.DATE},
        )
    )
    forecast_kinds = {c: COUNT for c in ("expected", "mean", "median", "lower_80", "upper_80", "lower_95", "upper_95")}
    out.append(
        Table(
            "forecast",
            "Forecast of children looked after at each anniversary of the start: total, placement, age band, stream",
            forecast,
            forecast_kinds,
        )
    )
    monthly = p.summary_frame(level=(80, 95))
    out.append(Table("forecast_monthly", "Forecast of children looked after, every month", monthly, forecast_kinds))
    spend = costs.summary_frame(level=(80, 95))
    out.append(
        Table(
            "spend_by_year",
            "Spend on placements by financial year: total with its 80% interval, and the mean by placement",
            _spend_by_year(spend),
            {c: MONEY for c in _spend_by_year(spend).columns if c not in ("financial_year", "complete")},
        )
    )
    out.append(
        Table(
            "spend_forecast",
            "Spend on placements by financial year, with intervals",
            spend,
            {
                **{c: MONEY for c in spend.columns if c.startswith(("mean", "median", "lower", "upper"))},
                "child_days": NUMBER,
            },
        )
    )
    history = r["history"][r["history"]["child_days"] > 0].reset_index(drop=True)
    past = history.pivot_table(
        index="financial_year", columns="placement", values="spend", aggfunc="sum", sort=False
    ).reset_index()
    past.insert(1, "total", past.drop(columns="financial_year").sum(axis=1))
    out.append(
        Table(
            "spend_history_by_year",
            "Spend on placements in past years by placement (child-days priced at unit costs or actual fees)",
            past,
            {c: MONEY for c in past.columns if c != "financial_year"},
        )
    )
    out.append(
        Table(
            "spend_history",
            "Spend on placements in past years (child-days priced at unit costs or actual fees)",
            history,
            {"spend": MONEY, "weekly_price": MONEY, "child_days": NUMBER},
        )
    )
    if r["pressure"] is not None:
        split = (
            r["pressure"]
            .pivot_table(index="placement", columns="effect", values="mean", sort=False)[
                ["volume", "price", "mix", "total"]
            ]
            .reset_index()
        )
        out.append(
            Table(
                "cost_pressure_by_placement",
                f"Change in spend from {r['pressure']['from_year'].iloc[0]} to {r['target_year']} by placement: volume, price and mix (mean of the paths)",
                split,
                {c: MONEY for c in ("volume", "price", "mix", "total")},
            )
        )
        out.append(
            Table(
                "cost_pressure",
                "Change in spend split into volume, price and mix",
                r["pressure"],
                {c: MONEY for c in r["pressure"].columns if c.startswith(("mean", "median", "lower", "upper"))},
            )
        )
    if r["scores"] is not None:
        savings = r["scores"].savings_frame(level=(80,))
        wide = savings.pivot_table(index="scenario", columns="financial_year", values="mean", sort=False).reset_index()
        out.append(
            Table(
                "scenario_savings_by_year",
                "Savings by scenario and financial year, net of implementation costs (mean of the paths)",
                wide,
                {c: MONEY for c in wide.columns if c != "scenario"},
            )
        )
        out.append(
            Table(
                "scenario_savings",
                "Savings by scenario and financial year, net of implementation costs",
                savings,
                {c: MONEY for c in savings.columns if c not in ("scenario", "financial_year", "days", "complete")},
            )
        )
        summary = r["scores"].summary().reset_index()
        kinds = {
            c: MONEY
            for c in (
                "saving_mean",
                "saving_lower_80",
                "saving_upper_80",
                "target",
                "cumulative_saving",
                "npv",
                "implementation_cost",
            )
        }
        kinds.update(
            {
                "p_target": SHARE,
                "children_shifted": NUMBER,
                "entries_avoided": NUMBER,
                "child_months_changed": NUMBER,
                "shortfall_change": NUMBER,
                "places_needed_change": NUMBER,
            }
        )
        out.append(
            Table("scenario_summary", f"Scenarios scored against the target in {r['target_year']}", summary, kinds)
        )
    if r["gap"] is not None:
        gap = r["gap"]
        yearly = gap[gap["date"].dt.month == p.dates[0].month]
        kinds = {c: COUNT for c in yearly.columns if c.startswith("demand_")}
        kinds.update(
            {
                "capacity": NUMBER,
                "expected_shortfall": NUMBER,
                "places_needed": INTEGER,
                "p_shortfall": SHARE,
                "shortfall_cost": MONEY,
            }
        )
        out.append(
            Table("sufficiency_by_year", "Demand against places at each anniversary of the start", yearly, kinds)
        )
        kinds = {c: COUNT for c in gap.columns if c.startswith("demand_")}
        kinds.update(
            {
                "capacity": NUMBER,
                "expected_shortfall": NUMBER,
                "places_needed": INTEGER,
                "p_shortfall": SHARE,
                "shortfall_cost": MONEY,
            }
        )
        out.append(Table("sufficiency_gap", "Demand against places, every month", gap, kinds))
    if r["accuracy"] is not None:
        out.append(
            Table(
                "accuracy",
                "Past accuracy on this council's own data: forecasts from 12, 24 and 36 months before the end, scored",
                r["accuracy"],
                {
                    "origins": INTEGER,
                    **{c: NUMBER for c in r["accuracy"].columns if c not in ("method", "months ahead", "origins")},
                },
            )
        )
    out += assumptions(r)
    quality = summarise_quality(data.quality)
    out.append(
        Table(
            "data_quality",
            "Data-quality findings, counted by rule (what the reader repaired or could not use)",
            quality,
            {"n_rows": INTEGER, "n_files": INTEGER},
        )
    )
    if r["fees"] is not None and len(r["fees"].quality):
        out.append(
            Table(
                "fee_file_quality",
                "Placement cost file: rows repaired or not used, by rule",
                r["fees"].quality_summary(),
                {"n_rows": INTEGER, "n_files": INTEGER},
            )
        )
    return out


def _by_year(forecast: pd.DataFrame) -> pd.DataFrame:
    """One row per date: the total's mean and 80% interval, then each stream's and placement's mean [children]."""
    total = forecast[forecast["group"] == "total"].set_index(S.DATE)
    out = total[["mean", "lower_80", "upper_80"]].rename(
        columns={"mean": "children", "lower_80": "children_lower_80", "upper_80": "children_upper_80"}
    )
    for group in ("stream", "placement"):
        part = forecast[forecast["group"] == group].pivot(index=S.DATE, columns="value", values="mean")
        ordered = [v for v in dict.fromkeys(forecast.loc[forecast["group"] == group, "value"]) if v in part.columns]
        for value in ordered:
            name = (
                {"uasc": "unaccompanied_children", "other": "other_children"}.get(value, value)
                if group == "stream"
                else value
            )
            out[str(name)] = part[value]
    return out.reset_index()


def _spend_by_year(spend: pd.DataFrame) -> pd.DataFrame:
    """One row per financial year: total spend's mean and 80% interval, then each placement's mean [£]."""
    total = spend[spend["group"] == "total"].set_index("financial_year")
    out = total[["complete", "mean", "lower_80", "upper_80"]].rename(
        columns={"mean": "total", "lower_80": "total_lower_80", "upper_80": "total_upper_80"}
    )
    part = spend[spend["group"] == "placement"].pivot_table(
        index="financial_year", columns="value", values="mean", sort=False
    )
    return out.join(part).reset_index()


def assumptions(r: dict) -> list[Table]:
    """The settings, prices, inflation and route shares behind the figures, with their sources."""
    f, cal = r["fitted"], default_calibration()
    rows = [
        (
            "returns",
            f"{financial_year_label(min(r['data'].years))} to {financial_year_label(max(r['data'].years))}"
            + (" (the bundled synthetic county)" if r["sample"] else ""),
        ),
        ("hazard window", f"{f.reference[0]:%d %B %Y} to {f.reference[1]:%d %B %Y}, every month weighed alike"),
        ("entry window", f"{f.entry_window[0]:%d %B %Y} to {f.entry_window[1]:%d %B %Y}, rate held flat (no trend)"),
        (
            "unaccompanied children",
            "fitted and projected as their own stream at the entry window's rate"
            if f.uasc is not None
            else "none flagged in the returns, or fitted with the others",
        ),
        ("simulated paths", f"{r['projection'].draws.shape[0]:,}"),
        ("interval calibration", cal.source),
        ("unit costs", str(r["paths"]["costs"] or "the package's defaults (sources below)")),
        ("placement cost file", str(r["paths"]["fees"] or "none: unit costs only")),
        ("inflation", str(r["paths"]["inflation"] or "the package's defaults (sources below)")),
        ("places", str(r["paths"]["capacity"] or "none given")),
        ("scenarios", str(r["paths"]["scenarios"] or "none given")),
        ("savings target", "none" if r["target"] is None else f"{pounds(r['target'])} in {r['target_year']}"),
    ]
    settings = pd.DataFrame(rows, columns=["setting", "value"])
    out = [Table("assumptions", "Assumptions and settings", settings, {})]
    out.append(
        Table(
            "assumptions_prices",
            "Prices, routes and inflation used, with their sources",
            r["costs"].assumptions,
            {"weekly_cost": MONEY, "share": SHARE, "annual_rate": SHARE},
        )
    )
    out.append(
        Table("assumptions_inflation", "Inflation by placement category", r["inflation"], {"annual_rate": SHARE})
    )
    if r["scenarios"]:
        levers = pd.DataFrame(
            [
                {
                    "scenario": s.name,
                    "description": s.description,
                    **{"lever": lv.lever},
                    "settings": ", ".join(f"{k}={v}" for k, v in s.to_dict()["levers"][i].items() if k != "lever"),
                }
                for s in r["scenarios"]
                for i, lv in enumerate(s.levers)
            ]
        )
        out.append(Table("assumptions_scenarios", "Scenarios and their levers", levers, {}))
    return out


def charts(r: dict) -> dict[str, bytes]:
    """The report's charts as PNG images."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    from ..plotting import charts as plotting

    out = {}

    def save(name: str, draw: Callable[[], object]) -> None:
        axes = draw()
        figure = (np.ravel(axes)[0] if isinstance(axes, np.ndarray) else axes).figure
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=110)
        plt.close(figure)
        out[name] = buffer.getvalue()

    p = r["projection"]
    save("forecast", lambda: plotting.fan(p, data=r["data"]))
    save("demand_by_placement", lambda: plotting.demand_by_category(p, data=r["data"]))
    save("forecast_by_placement", lambda: plotting.fans(p, data=r["data"]))
    save("demand_by_age", lambda: plotting.demand_by_age(p))
    save("spend_by_year", lambda: plotting.costs_by_year(r["costs"]))
    if r["pressure"] is not None:
        save(
            "cost_pressure", lambda: plotting.cost_pressure(r["costs"], r["costs"].financial_years[0], r["target_year"])
        )
    if r["scores"] is not None:
        save("scenarios", lambda: plotting.scenarios(r["scores"]))
    if r["gap"] is not None:
        save("sufficiency_gap", lambda: plotting.sufficiency_gap(r["gap"]))
    if r["accuracy"] is not None:
        save(
            "accuracy",
            lambda: plotting.backtest(r["accuracy"].rename(columns={"months ahead": "h"}).set_index(["method", "h"])),
        )
    save("flows", lambda: plotting.flows(r["data"]))
    save("hazards", lambda: plotting.rates(r["fitted"]))
    return out


def write_report(
    source: str | Path | None,
    out: str | Path,
    options: ReportOptions | None = None,
    *,
    progress: Progress | None = None,
) -> Report:
    """Read returns, forecast, cost, score and check sufficiency; write the report to ``out``.

    Parameters
    ----------
    source : path or None
        Folder of SSDA903 returns; ``None`` uses the bundled sample with its
        placement cost file, places, scenarios and a £2m target for 2027-28.
    out : path
        Output folder (created if needed).
    options : ReportOptions, optional
    progress : Progress, optional
        Progress on stderr (default: none).

    Returns
    -------
    Report
        ``report.html``, ``report.xlsx``, a PNG per chart and a CSV per
        table (``episodes.csv`` only with ``include_episodes``).
    """
    options = options or ReportOptions()
    progress = progress or Progress(8, quiet=True)
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    r = analyse(source, options, progress)
    progress.step("drawing the charts")
    heads = headline(r)
    all_tables = [suppressed(t, options.suppress_below) for t in tables(r)]
    images = charts(r)
    progress.step("writing the report")
    files = []
    for name, png in images.items():
        (folder / f"{name}.png").write_bytes(png)
        files.append(folder / f"{name}.png")
    for t in all_tables:
        t.frame.to_csv(folder / f"{t.name}.csv", index=False, date_format="%Y-%m-%d")
        files.append(folder / f"{t.name}.csv")
    if options.include_episodes:
        r["data"].episodes.to_csv(folder / "episodes.csv", index=False, date_format="%Y-%m-%d")
        files.append(folder / "episodes.csv")
    (folder / "report.html").write_text(html_page(r, heads, all_tables, images), encoding="utf-8")
    write_workbook(folder / "report.xlsx", all_tables)
    files += [folder / "report.html", folder / "report.xlsx"]
    progress.close()
    text = "\n".join(f"{k}: {v}" for k, v in heads.items())
    return Report(files=tuple(files), headline=heads, text=text)
