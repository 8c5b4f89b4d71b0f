"""A synthetic county's placement cost file, places and example scenarios.

Fees are drawn for every placement spell the generator made, at the price
of the financial year the placement started: the default unit cost of its
category and route (:func:`sufficiency.default_unit_costs`, with sources)
brought to that year by the default inflation, times a log-normal spread.
Children's homes bought spot have a heavy tail: some interim and bespoke
placements cost two to eight times the usual price (councils report over
1,500 placements at £10,000 a week or more in 2022-23 and a most expensive
of £63,000, LGA high-cost placements survey 2023). Some residential
placements have health or education contributions. The draws use their own
random stream, so the returns a seed gives do not change.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..common import schema as S
from ..common.dates import financial_year_of, year_ending_march
from ..finance.tables import default_inflation, default_unit_costs
from ..ingest.taxonomy import categories
from ..scenarios.entries import change_entries
from ..scenarios.hazards import change_hazard
from ..scenarios.running_costs import implementation_cost
from ..scenarios.scenario import Scenario
from ..scenarios.shifts import shift_placements
from .simulate import SimulatedCounty

__all__ = [
    "FEE_SPREAD",
    "LEDGER_UPLIFT",
    "NO_FEE",
    "ROUTE_MIX",
    "placement_costs",
    "sample_capacity",
    "sample_outturn",
    "sample_scenarios",
]

#: How much more the synthetic county's ledger books than its placements' modelled cost, by placement group
#: [fraction]: allowances, support and top-ups a placement cost file does not hold (illustrative).
LEDGER_UPLIFT = {"fostering": 0.06, "residential": 0.10, "supported": 0.04}

#: Share of each category's placements by route (assumptions of the synthetic county).
ROUTE_MIX = {
    "agency_fostering": {"framework": 0.72, "spot": 0.28},
    "external_residential": {"framework": 0.50, "spot": 0.38, "block": 0.12},
    "supported_accommodation": {"framework": 0.60, "spot": 0.40},
    "secure": {"spot": 1.0},
    "other_residential": {"spot": 1.0},
}
#: Log-scale spread of fees around the unit cost, by coarse kind of placement.
FEE_SPREAD = {"fostering": 0.15, "supported": 0.25, "residential": 0.30}
#: Zero-fee categories have no rows in a placement cost file.
NO_FEE = ("placed_for_adoption", "placed_with_parents")


def placement_costs(county: SimulatedCounty, *, seed: int | None = None) -> pd.DataFrame:
    """A placement cost file for the county: one row per placement spell from its first return on.

    Parameters
    ----------
    county : SimulatedCounty
    seed : int, optional
        Seed of the fee draws (default: the county's seed).

    Returns
    -------
    pandas.DataFrame
        ``child_id``, ``placement_start``, ``placement_end`` (NaT while
        open), ``weekly_fee``, ``route``, ``health_contribution``,
        ``education_contribution`` [£/week], as a council would export them.
    """
    rng = np.random.default_rng([county.seed if seed is None else seed, 251])
    spells = county.placements
    spells = spells[
        (spells["end"].isna() | (spells["end"] >= county.coverage_start)) & ~spells[S.PLACEMENT].isin(NO_FEE)
    ]
    spells = spells[spells["end"].isna() | (spells["end"] > spells["start"])].reset_index(drop=True)
    n = len(spells)
    cat = spells[S.PLACEMENT].to_numpy()
    route = np.array(["in_house"] * n, dtype=object)
    u = rng.random(n)
    for c, mix in ROUTE_MIX.items():
        here = cat == c
        edges = np.cumsum(list(mix.values()))
        route[here] = np.asarray(list(mix), dtype=object)[
            np.minimum(np.searchsorted(edges, u[here], side="right"), len(mix) - 1)
        ]
    costs = default_unit_costs()
    rates = default_inflation().set_index(S.PLACEMENT)[S.ANNUAL_RATE]
    price = {
        (c, r): (w, year_ending_march(y))
        for c, r, w, y in zip(costs[S.PLACEMENT], costs[S.ROUTE], costs[S.WEEKLY_COST], costs[S.PRICE_YEAR])
    }
    start_year = financial_year_of(spells["start"])
    fee = np.empty(n)
    coarse = {
        "kinship_fostering": "fostering",
        "inhouse_fostering": "fostering",
        "agency_fostering": "fostering",
        "supported_accommodation": "supported",
    }
    for i in range(n):
        weekly, year = price.get((cat[i], route[i])) or price[(cat[i], "all")]
        fee[i] = weekly * (1 + rates[cat[i]]) ** (start_year[i] - year)
    spread = np.array([FEE_SPREAD[coarse.get(c, "residential")] for c in cat])
    fee *= np.exp(spread * rng.standard_normal(n) - spread**2 / 2)
    # heavy tail: interim and bespoke children's-home placements bought spot
    dear = (cat == "external_residential") & (route == "spot")
    tail = dear & (rng.random(n) < 0.12)
    fee[tail] *= rng.uniform(2.0, 3.5, n)[tail]
    extreme = dear & (rng.random(n) < 0.015)
    fee[extreme] *= rng.uniform(5.0, 8.0, n)[extreme]
    residential = np.isin(cat, ["external_residential", "inhouse_residential", "secure", "other_residential"])
    health = np.where(residential & (rng.random(n) < 0.15), fee * rng.uniform(0.1, 0.3, n), 0.0)
    education = np.where(residential & (rng.random(n) < 0.10), rng.uniform(400, 900, n), 0.0)
    return (
        pd.DataFrame(
            {
                "child_id": spells[S.CHILD_ID],
                "placement_start": spells["start"],
                "placement_end": spells["end"],
                "weekly_fee": np.round(fee, 2),
                "route": route,
                "health_contribution": np.round(health, 2),
                "education_contribution": np.round(education, 2),
            }
        )
        .sort_values(["child_id", "placement_start"])
        .reset_index(drop=True)
    )


def sample_outturn(history: pd.DataFrame, *, years: int = 2, budget_growth: float = 0.03) -> pd.DataFrame:
    """A ledger for the synthetic county: the last whole years' outturn by placement group and next year's budgets.

    The outturn is the modelled spend of each group (fostering,
    residential, supported) times ``1 + LEDGER_UPLIFT``: what a council's
    books hold beyond its placements' fees. The budget of the year after
    the last is the last outturn times ``1 + budget_growth``.

    Parameters
    ----------
    history : pandas.DataFrame
        The county's past spend (:func:`sufficiency.spend_history`).
    years : int
        Whole years of outturn to write.
    budget_growth : float
        [1/year]

    Returns
    -------
    pandas.DataFrame
        ``financial_year``, ``placement``, ``spend``, ``budget`` [£] (blank
        spend for the budget year, blank budget for past years).
    """
    coarse = dict(zip(categories()["category"], categories()["coarse"]))
    whole = history[history["days"] >= 365]
    labels = sorted(set(whole[S.FINANCIAL_YEAR]), key=lambda y: int(y[:4]))[-years:]
    rows = []
    for label in labels:
        spent = whole[whole[S.FINANCIAL_YEAR] == label]
        by_group = spent.groupby(spent[S.PLACEMENT].map(coarse))[S.SPEND].sum()
        for group, uplift in LEDGER_UPLIFT.items():
            rows.append(
                {
                    S.FINANCIAL_YEAR: label,
                    S.PLACEMENT: group,
                    S.SPEND: round(by_group.get(group, 0.0) * (1 + uplift)),
                    "budget": None,
                }
            )
    last = labels[-1]
    following = f"{int(last[:4]) + 1}-{str(int(last[:4]) + 2)[-2:]}"
    for r in [r for r in rows if r[S.FINANCIAL_YEAR] == last]:
        rows.append(
            {
                S.FINANCIAL_YEAR: following,
                S.PLACEMENT: r[S.PLACEMENT],
                S.SPEND: None,
                "budget": round(r[S.SPEND] * (1 + budget_growth)),
            }
        )
    out = pd.DataFrame(rows, columns=[S.FINANCIAL_YEAR, S.PLACEMENT, S.SPEND, "budget"])
    return out.astype({S.SPEND: "Int64", "budget": "Int64"})


def sample_capacity() -> pd.DataFrame:
    """Places of the synthetic county: in-house foster places, in-house and block children's-home beds.

    Returns
    -------
    pandas.DataFrame
        ``placement``, ``route``, ``places`` [places], ``start``, ``end``
        (blank for open-ended), ``note``.
    """
    return pd.DataFrame(
        [
            {
                "placement": "inhouse_fostering",
                "route": "in_house",
                "places": 250,
                "start": "",
                "end": "",
                "note": "approved places of the council's own foster carers",
            },
            {
                "placement": "inhouse_residential",
                "route": "in_house",
                "places": 8,
                "start": "",
                "end": "",
                "note": "two council children's homes of four beds",
            },
            {
                "placement": "external_residential",
                "route": "block",
                "places": 6,
                "start": "",
                "end": "2027-03-31",
                "note": "block contract with a provider, ending March 2027",
            },
        ]
    )


def sample_scenarios() -> list[Scenario]:
    """The example scenarios of the synthetic county's brief (partner homes, step-down, edge of care, foster carers).

    Prices are at 2025-26 levels; implementation costs are illustrative.

    Returns
    -------
    list of Scenario
    """
    return [
        Scenario(
            "Partner children's homes",
            (
                shift_placements(
                    "external_residential",
                    route="spot",
                    to_route="partner",
                    share=0.5,
                    weekly_cost=5800,
                    start="2025-07-01",
                    ramp_months=18,
                    capacity=12,
                    contract="block",
                ),
                implementation_cost(one_off=400_000, running_per_year=150_000, start="2025-07-01"),
            ),
            "Half of the children in spot-purchased children's homes move to a partner's homes at £5,800 a week, "
            "phased in over 18 months; the partner's 12 places are a block contract, paid for from the start whether "
            "filled or not; set-up £400k and contract management £150k a year.",
        ),
        Scenario(
            "Step-down to foster care",
            (
                change_hazard(
                    "external_residential",
                    "agency_fostering",
                    factor=2.0,
                    ages=range(8, 16),
                    start="2025-07-01",
                    ramp_months=12,
                ),
                implementation_cost(running_per_year=300_000, start="2025-07-01"),
            ),
            "A specialist fostering service doubles the rate at which 8-15-year-olds move from children's homes to "
            "foster care, over 12 months; £300k a year for carers' support.",
        ),
        Scenario(
            "Edge of care for 16-17",
            (
                change_entries(factor=0.85, ages=(16, 17), start="2025-07-01", ramp_months=12),
                implementation_cost(running_per_year=450_000, start="2025-07-01"),
            ),
            "An edge-of-care service prevents 15% of entries at 16-17, reached over 12 months; £450k a year.",
        ),
        Scenario(
            "Recruit foster carers",
            (
                shift_placements(
                    "agency_fostering",
                    to_route="in_house",
                    to_category="inhouse_fostering",
                    share=0.2,
                    weekly_cost=700,
                    start="2026-04-01",
                    ramp_months=24,
                    capacity=30,
                ),
                implementation_cost(one_off=150_000, running_per_year=250_000, start="2025-10-01"),
            ),
            "A recruitment campaign approves 30 more in-house foster places over two years, taking 20% of agency "
            "placements at £700 a week (the shift's capacity counts the 30 places); £150k to start, £250k a year.",
        ),
    ]
