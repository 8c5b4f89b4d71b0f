"""The report's tables: what each shows, its title, and the kind of each column (for formats and suppression)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..common import schema as S
from ..common.dates import financial_year_label
from ..counts.yearly import march_stock, yearly_flows
from ..ingest.quality import summarise_quality
from ..projection.calibration import HorizonCalibration, default_calibration
from .analysis import Analysis
from .formats import COUNT, INTEGER, MONEY, NUMBER, SHARE, Table, pounds

__all__ = ["assumptions", "tables"]


def tables(a: Analysis) -> list[Table]:
    """Every table of the report, with the kinds of their columns."""
    data, p, costs = a.inputs.data, a.projection, a.costs
    out = []
    stock = march_stock(data, by=(S.PLACEMENT,)).reset_index()
    out.append(
        Table(
            "stock_31_march",
            "Children looked after at 31 March, by placement",
            stock,
            {c: COUNT for c in stock.columns if c != S.DATE},
            linked=(tuple(c for c in stock.columns if c not in (S.DATE, "total")),),  # they add up to the total
        )
    )
    flows = yearly_flows(data).drop(columns=[S.EXPOSURE_DAYS])
    flows.insert(0, S.FINANCIAL_YEAR, [financial_year_label(d.year + 1) for d in flows[S.PERIOD_START]])
    flows = flows.drop(columns=[S.PERIOD_START, S.PERIOD_END])
    out.append(
        Table(
            "flows_by_year",
            "Entries and exits by financial year",
            flows,
            {c: COUNT for c in flows.columns if c != S.FINANCIAL_YEAR},
            # the stock at the end less the stock at the start is entries less exits; the stocks are each year's
            # neighbours' too, so the second cell hidden is the other flow
            linked=(("entries", "exits"),),
        )
    )
    forecast = p.summary_frame(level=(80, 95))
    forecast = forecast[forecast[S.DATE].dt.month == p.dates[0].month]
    by_year = _by_year(forecast)
    out.append(
        Table(
            "forecast_by_year",
            "Children looked after at each anniversary of the start: "
            "total with its 80% interval, and the mean by stream and placement",
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
            {c: MONEY for c in _spend_by_year(spend).columns if c not in (S.FINANCIAL_YEAR, "complete")},
        )
    )
    out.append(
        Table(
            "spend_forecast",
            "Spend on placements by financial year, with intervals",
            spend,
            {
                **{c: MONEY for c in spend.columns if c.startswith(("mean", "median", "lower", "upper"))},
                S.CHILD_DAYS: NUMBER,
            },
        )
    )
    history = a.history[a.history[S.CHILD_DAYS] > 0].reset_index(drop=True)
    past = history.pivot_table(index=S.FINANCIAL_YEAR, columns="placement", values="spend", aggfunc="sum", sort=False)
    order = [c for c in a.projection.categories if c in past.columns]  # the forecast's columns, in its order
    past = past[order + [c for c in past.columns if c not in order]].reset_index()
    past.insert(1, "total", past.drop(columns=S.FINANCIAL_YEAR).sum(axis=1))
    out.append(
        Table(
            "spend_history_by_year",
            "Spend on placements in past years by placement (child-days priced at unit costs or actual fees)",
            past,
            {c: MONEY for c in past.columns if c != S.FINANCIAL_YEAR},
        )
    )
    out.append(
        Table(
            "spend_history",
            "Spend on placements in past years (child-days priced at unit costs or actual fees)",
            history,
            {S.SPEND: MONEY, S.WEEKLY_PRICE: MONEY, S.CHILD_DAYS: NUMBER},
        )
    )
    plan = a.plan.reset_index()
    out.append(
        Table(
            "financial_plan",
            "Medium-term plan by placement group: past spend and the forecast (mean, median, 80% band and the prudent "
            "90th percentile, which is also the band's top)",
            plan,
            {c: MONEY for c in plan.columns if c not in (S.PLACEMENT, "figure")},
        )
    )
    out.append(
        Table(
            "spend_profile",
            "Spend month by month over the first forecast year, for in-year monitoring",
            a.profile,
            {c: MONEY for c in a.profile.columns if c.startswith(("mean", "lower", "upper"))},
        )
    )
    if a.reconciliation is not None:
        out.append(
            Table(
                "reconciliation",
                "The model's past spend (before anchoring) against the outturn; the prices are anchored to the latest "
                "whole year",
                a.reconciliation,
                {"modelled": MONEY, "outturn": MONEY, "difference": MONEY, "budget": MONEY, "ratio": SHARE},
            )
        )
    if a.budget is not None:
        out.append(
            Table(
                "budget",
                "The forecast against the budget, with the chance of overspending",
                a.budget,
                {
                    **{c: MONEY for c in a.budget.columns if c.startswith(("budget", "mean", "lower", "upper"))},
                    "p_overspend": SHARE,
                },
            )
        )
    if a.pressure is not None:
        split = a.pressure.pivot_table(index="placement", columns="effect", values="mean", sort=False)[
            ["volume", "price", "mix", "total"]
        ].reset_index()
        out.append(
            Table(
                "cost_pressure_by_placement",
                f"Change in spend from {a.pressure['from_year'].iloc[0]} to {a.target_year} by placement: "
                "volume, price and mix (mean of the paths)",
                split,
                {c: MONEY for c in ("volume", "price", "mix", "total")},
            )
        )
        out.append(
            Table(
                "cost_pressure",
                "Change in spend split into volume, price and mix",
                a.pressure,
                {c: MONEY for c in a.pressure.columns if c.startswith(("mean", "median", "lower", "upper"))},
            )
        )
    if a.scores is not None:
        savings = a.scores.savings_frame(level=(80,))
        wide = savings.pivot_table(index="scenario", columns=S.FINANCIAL_YEAR, values="mean", sort=False).reset_index()
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
                {c: MONEY for c in savings.columns if c not in ("scenario", S.FINANCIAL_YEAR, "days", "complete")},
            )
        )
        summary = a.scores.summary().reset_index()
        kinds = {
            c: MONEY
            for c in (
                "saving_mean",
                "saving_lower_80",
                "saving_upper_80",
                "target",
                "cumulative_saving",
                "cumulative_lower_80",
                "cumulative_upper_80",
                "npv",
                "npv_lower_80",
                "npv_upper_80",
                "implementation_cost",
            )
        }
        kinds.update(
            {
                "p_target": SHARE,
                "p_payback": SHARE,
                "children_shifted": NUMBER,
                "entries_avoided": NUMBER,
                "child_months_changed": NUMBER,
                "shortfall_change": NUMBER,
                "places_needed_change": NUMBER,
            }
        )
        out.append(Table("scenario_summary", f"Scenarios scored against the target in {a.target_year}", summary, kinds))
    if a.gap is not None:
        gap = a.gap
        yearly = gap[gap[S.DATE].dt.month == p.dates[0].month].drop(columns="shortfall_cost", errors="ignore")
        if a.shortfall is not None:
            # the shortfall of the financial year ending at the date, bought spot: the sum of its months
            year_cost = a.shortfall.rename(
                columns={
                    "mean": "shortfall_cost_year",
                    "lower_80": "shortfall_cost_lower_80",
                    "upper_80": "shortfall_cost_upper_80",
                }
            )[
                [
                    S.FINANCIAL_YEAR,
                    S.PLACEMENT,
                    "shortfall_cost_year",
                    "shortfall_cost_lower_80",
                    "shortfall_cost_upper_80",
                ]
            ]
            yearly = yearly.merge(year_cost, on=[S.FINANCIAL_YEAR, S.PLACEMENT], how="left")
        kinds = {c: COUNT for c in yearly.columns if c.startswith("demand_")}
        kinds.update(
            {
                "capacity": INTEGER,
                "expected_shortfall": NUMBER,
                "places_needed": INTEGER,
                "p_shortfall": SHARE,
                **{c: MONEY for c in yearly.columns if c.startswith("shortfall_cost")},
            }
        )
        out.append(
            Table(
                "sufficiency_by_year",
                "Demand against places at the end of each financial year, and the cost of that year's shortfall bought "
                "spot (the sum of its months, with its 80% band)",
                yearly,
                kinds,
            )
        )
        kinds = {c: COUNT for c in gap.columns if c.startswith("demand_")}
        kinds.update(
            {
                "capacity": INTEGER,
                "expected_shortfall": NUMBER,
                "places_needed": INTEGER,
                "p_shortfall": SHARE,
                "shortfall_cost": MONEY,
            }
        )
        out.append(Table("sufficiency_gap", "Demand against places, every month", gap, kinds))
    if a.accuracy is not None:
        out.append(
            Table(
                "accuracy",
                "Past accuracy on this council's own data: forecasts from 12, 24 and 36 months before the end, scored",
                a.accuracy,
                {
                    "origins": INTEGER,
                    **{c: NUMBER for c in a.accuracy.columns if c not in ("method", "months ahead", "origins")},
                },
            )
        )
    out += assumptions(a)
    files = _files_read(a)
    out.append(Table("files_read", "Files of the returns read, by year and table", files, {"rows": INTEGER}))
    if a.warnings:
        said = pd.DataFrame({"warning": list(a.warnings)})
        out.append(Table("warnings", "Warnings raised while the inputs were checked and the figures made", said, {}))
    quality = summarise_quality(data.quality)
    out.append(
        Table(
            "data_quality",
            "Data-quality findings, counted by rule (what the reader repaired or could not use)",
            quality,
            {"n_rows": INTEGER, "n_files": INTEGER},
        )
    )
    if a.inputs.prices.fees is not None and len(a.inputs.prices.fees.quality):
        out.append(
            Table(
                "fee_file_quality",
                "Placement cost file: rows repaired or not used, by rule",
                a.inputs.prices.fees.quality_summary(),
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
    total = spend[spend["group"] == "total"].set_index(S.FINANCIAL_YEAR)
    out = total[["complete", "mean", "lower_80", "upper_80"]].rename(
        columns={"mean": "total", "lower_80": "total_lower_80", "upper_80": "total_upper_80"}
    )
    part = spend[spend["group"] == "placement"].pivot_table(
        index=S.FINANCIAL_YEAR, columns="value", values="mean", sort=False
    )
    return out.join(part).reset_index()


def _files_read(a: Analysis) -> pd.DataFrame:
    """The returns' files read, named by their place in the returns' folder (no folder of the user's machine)."""
    files = a.inputs.data.files.copy()
    root = a.inputs.sources.get("returns")

    def short(path: str) -> str:
        try:
            return str(Path(path).relative_to(root)) if root is not None else Path(path).name
        except ValueError:
            return Path(path).name

    files["file"] = files["file"].map(short)
    files.insert(1, S.FINANCIAL_YEAR, [financial_year_label(int(y)) for y in files["year"]])
    return files.drop(columns="year")


def _calibration_text(cal: HorizonCalibration) -> str:
    """The corrections every projection applies, in a sentence."""
    weight = cal.factor("blend", "total", np.array([12.0, 60.0]))
    return (
        f"each placement category's mean moved towards its count at the start by {weight[0]:.0%} at one year to "
        f"{weight[1]:.0%} at five, and the bands of the total, placement groups and categories, age bands and "
        f"unaccompanied children stretched by horizon, all learned from backtests ({cal.source})"
    )


def _uasc_text(a: Analysis) -> str:
    """How unaccompanied children were fitted and how many are assumed to arrive."""
    f = a.fitted
    if f.uasc is None:
        return (
            "none flagged in the returns (no UASC file and no UASC column in the headers): every child was fitted "
            "together, so arrivals of unaccompanied children follow the other entries"
        )
    arrivals = a.inputs.uasc_arrivals
    if arrivals is None:
        rate = f.uasc.entries.sum() / f.uasc.entry_days * 365.25
        return (
            f"fitted and projected as their own stream: {rate:,.0f} arrivals a year, the entry window's rate held flat"
        )
    return f"fitted and projected as their own stream: {arrivals:,.0f} arrivals a year, as set (--uasc-arrivals)"


def assumptions(a: Analysis) -> list[Table]:
    """The settings, prices, inflation and route shares behind the figures, with their sources."""
    f, cal, years = a.fitted, default_calibration(), a.inputs.data.years
    entries = f.entry_window or f.reference
    rows = [
        (
            "returns",
            f"{financial_year_label(min(years))} to {financial_year_label(max(years))}"
            + (" (the bundled synthetic county)" if a.inputs.sample else ""),
        ),
        ("hazard window", f"{f.reference[0]:%d %B %Y} to {f.reference[1]:%d %B %Y}, every month weighed alike"),
        ("entry window", f"{entries[0]:%d %B %Y} to {entries[1]:%d %B %Y}, rate held flat (no trend)"),
        ("unaccompanied children", _uasc_text(a)),
        ("simulated paths", f"{a.projection.draws.shape[0]:,}"),
        ("forecast calibration", _calibration_text(cal)),
        ("unit costs", str(a.inputs.sources["costs"] or "the package's defaults (sources below)")),
        ("placement cost file", str(a.inputs.sources["fees"] or "none: unit costs only")),
        ("inflation", str(a.inputs.sources["inflation"] or "the package's defaults (sources below)")),
        ("places", str(a.inputs.sources["capacity"] or "none given")),
        ("scenarios", str(a.inputs.sources["scenarios"] or "none given")),
        ("savings target", "none" if a.inputs.target is None else f"{pounds(a.inputs.target)} in {a.target_year}"),
        ("outturn", str(a.inputs.sources.get("outturn") or "none given: prices are not anchored to a ledger")),
        (
            "price uncertainty",
            "off: prices follow the stated inflation rates exactly; the bands are those of the number of children "
            "and of the council's fees",
        ),
        (
            "net present value",
            "none (no scenarios)"
            if a.scores is None
            else f"cash savings deflated by {a.scores.deflator:.1%} a year (GDP deflator, OBR long-run assumption), "
            f"then discounted at the Green Book's real {a.scores.discount_rate:.1%}",
        ),
    ]
    settings = pd.DataFrame(rows, columns=["setting", "value"])
    out = [Table("assumptions", "Assumptions and settings", settings, {})]
    out.append(
        Table(
            "assumptions_prices",
            "Prices, routes and inflation used, with their sources",
            a.costs.assumptions,
            {"weekly_cost": MONEY, "share": SHARE, "annual_rate": SHARE},
        )
    )
    out.append(
        Table(
            "assumptions_inflation",
            "Inflation by placement category",
            a.inputs.prices.inflation,
            {"annual_rate": SHARE},
        )
    )
    if a.inputs.scenarios:
        levers = pd.DataFrame(
            [
                {
                    "scenario": s.name,
                    "description": s.description,
                    **{"lever": lv.lever},
                    "settings": ", ".join(f"{k}={v}" for k, v in s.to_dict()["levers"][i].items() if k != "lever"),
                }
                for s in a.inputs.scenarios
                for i, lv in enumerate(s.levers)
            ]
        )
        out.append(Table("assumptions_scenarios", "Scenarios and their levers", levers, {}))
    return out
