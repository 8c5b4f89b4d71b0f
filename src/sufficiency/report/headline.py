"""The report's headline: the figures a board paper quotes, each with its 80% interval."""

from __future__ import annotations

import pandas as pd

from ..common import schema as S
from .analysis import Analysis
from .formats import band, label, pounds

__all__ = ["headline"]


def headline(a: Analysis) -> dict[str, str]:
    """The headline figures, with their 80% intervals: label -> text."""
    p, costs = a.projection, a.costs
    total = p.summary_frame(level=(80,)).query("group == 'total'").set_index(S.DATE)
    out = {"Children looked after now": f"{total['mean'].iloc[0]:,.0f} on {p.dates[0]:%d %B %Y}"}
    for years in (1, 5):
        when = p.dates[0] + pd.offsets.MonthEnd(12 * years)
        if when in total.index:
            row = total.loc[when]
            out[f"In {years} year{'s' if years > 1 else ''} ({when:%B %Y})"] = band(
                row["mean"], row["lower_80"], row["upper_80"]
            )
    if a.accuracy is not None:
        acc = a.accuracy.set_index(["method", "months ahead"])
        said = []
        for months in sorted(set(a.accuracy["months ahead"])):
            if ("multistate", months) in acc.index and ("naive", months) in acc.index:
                model, naive = acc.loc[("multistate", months), "mape_total"], acc.loc[("naive", months), "mape_total"]
                ahead = f"{months // 12} year{'s' if months > 12 else ''} ahead"
                said.append(f"{ahead} {model:.1f}% (no change {naive:.1f}%)")
        if said:
            out["Its past error on these returns (mean absolute %)"] = "; ".join(said)
    spend = costs.summary_frame(level=(80,)).query("group == 'total'").set_index(S.FINANCIAL_YEAR)
    for year in (costs.financial_years[0], a.target_year, costs.financial_years[-1]):
        row = spend.loc[year]
        out[f"Spend on placements {year}" + ("" if row["complete"] else " (part year)")] = band(
            row["mean"], row["lower_80"], row["upper_80"], money=True
        )
    if a.pressure is not None:
        pr = a.pressure.query("placement == 'all'").set_index("effect")

        def effect(name: str) -> str:
            return band(pr.loc[name, "mean"], pr.loc[name, "lower_80"], pr.loc[name, "upper_80"], money=True)

        out[f"Cost pressure {a.pressure['from_year'].iloc[0]} to {a.target_year}"] = (
            f"{effect('total')}: volume {effect('volume')}, price {effect('price')}, mix {effect('mix')}"
        )
    if a.gap is not None:
        when = pd.Timestamp(f"{int(a.target_year[:4]) + 1}-03-31")
        at = a.gap[a.gap[S.DATE] == when]
        if len(at):
            short = at[at["places_needed"] > 0].sort_values("places_needed", ascending=False)
            out[
                f"Places to find by {when:%d %B %Y} beyond those the council has or has contracted (80% sure of a "
                "place; children placed spot today count as places to find)"
            ] = (
                "; ".join(
                    f"{label(row.placement)}: {row.places_needed:,.0f} more than its {row.capacity:,.0f} places "
                    f"(chance demand exceeds them {row.p_shortfall:.0%})"
                    for row in short.itertuples()
                )
                or "none: the places cover demand"
            )
    if a.scores is not None:
        summary = a.scores.summary()
        best = summary["saving_mean"].idxmax()
        row = summary.loc[best]
        chance = (
            "" if pd.isna(row["p_target"]) else f"; chance of the {pounds(row['target'])} target: {row['p_target']:.0%}"
        )
        out[f"Largest saving in {a.target_year}"] = (
            f"{best}: {band(row['saving_mean'], row['saving_lower_80'], row['saving_upper_80'], money=True)}{chance}"
        )
    return out
