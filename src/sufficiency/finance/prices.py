"""The one pricing path: unit costs, inflation, route shares and the council's own fees, held together.

A :class:`Prices` holds the price tables a council supplies (or the
package's defaults) and :meth:`Prices.resolve` turns them into a
:class:`~sufficiency.finance.pricing.Pricing` for the categories at hand.
:func:`sufficiency.cost`, :func:`sufficiency.spend_history`,
:func:`sufficiency.score`, :func:`sufficiency.sufficiency_gap` and the
report all price through it: pass them one ``Prices`` (or the same tables as
arguments) and a price is computed the same way everywhere.

How each category's routes and prices are chosen:

* route shares come from ``route_shares`` where given, else from the
  placement cost file (each category's child-days by route in its last 12
  months) for the categories whose routes it covers, else from the
  category's only priced route, else from
  :func:`sufficiency.default_route_shares`. A file that holds only some of
  a category's routes (only its spot placements, say) does not set that
  route's share to 100%: the category takes the other shares, with a
  :class:`~sufficiency.DataQualityWarning` naming it and how much of it the
  file's routes make up;
* a (category, route) cell with recent fees in the placement cost file is
  priced by their mean weighted by each placement's child-days in the
  file's last 12 months (as past spend is), at the file's last financial
  year; every other cell by the unit costs.
"""

from __future__ import annotations

import warnings
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from ..common import schema as S
from ..common.dates import financial_year_label
from ..common.errors import DataQualityWarning
from ..common.sources import source_of
from ..ingest.taxonomy import categories as taxonomy_categories
from .checks import check_inflation, check_route_shares, check_unit_costs, inflation_rates
from .fee_draws import FeeDraws
from .fees import RECENT_MONTHS, PlacementFees, fee_year
from .outturn import check_outturn
from .pricing import FeePool, Pricing, ordered_routes, price_lookup, route_split
from .tables import default_route_shares, default_unit_costs

__all__ = ["Prices", "as_prices"]


@dataclass(frozen=True)
class Prices:
    """The price tables of a council: what every child-day in the library is priced with.

    Parameters
    ----------
    unit_costs : pandas.DataFrame, optional
        ``placement``, optional ``route``, ``weekly_cost`` [£/week],
        ``price_year``, optional ``source`` (see
        :func:`sufficiency.default_unit_costs`, the default).
    inflation : float, pandas.DataFrame or None
        ``None`` keeps prices at their ``price_year`` level; a number is one
        annual rate for every category [1/year]; a frame has ``placement``,
        ``annual_rate`` (see :func:`sufficiency.default_inflation`).
    route_shares : pandas.DataFrame, optional
        ``placement``, ``route``, ``share`` (see the module notes for the
        default).
    fees : PlacementFees, optional
        The council's placement cost file
        (:func:`sufficiency.read_placement_costs`).
    anchor : pandas.DataFrame, optional
        The council's outturn (:func:`sufficiency.read_outturn`): the prices
        of each category it names are scaled so that the modelled spend of
        the latest year it gives, which the returns cover in full, matches
        it (see :mod:`sufficiency.finance.outturn`). Anchoring needs the
        returns: :func:`sufficiency.spend_history` has them, and a
        projection carries its model's.
    anchor_factors : mapping of str to float, optional
        The anchor's ratios by category once worked out for the returns
        (:func:`sufficiency.finance.history.anchored`), so that every pound
        priced with these prices reuses them rather than reconciling the
        returns again.

    Notes
    -----
    The tables are checked when the prices are resolved, against the
    categories being priced, so one ``Prices`` serves data with the
    council's own categories too. The tables are read as given: a
    ``Prices`` keeps what it resolved for each set of categories and the
    fee picks of each seed (see :class:`~sufficiency.finance.fee_draws.FeeDraws`),
    so change a table by making new prices, not by editing it in place.
    """

    unit_costs: pd.DataFrame | None = field(default=None, repr=False)
    inflation: float | pd.DataFrame | None = field(default=None, repr=False)
    route_shares: pd.DataFrame | None = field(default=None, repr=False)
    fees: PlacementFees | None = field(default=None, repr=False)
    anchor: pd.DataFrame | None = field(default=None, repr=False)
    anchor_factors: Mapping[str, float] | None = field(default=None, repr=False)
    # what was resolved for each set of categories, and the fee picks of each seed, shared by every Pricing made here
    _resolved: dict[tuple[tuple[str, ...], frozenset[str]], Pricing] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _fee_draws: dict[int | None, FeeDraws] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "inflation", check_inflation(self.inflation))
        if self.anchor is not None:
            object.__setattr__(self, "anchor", check_outturn(self.anchor))

    def without_fees(self) -> Prices:
        """The same prices with no placement cost file (cells priced at unit costs only)."""
        return replace(self, fees=None)

    def without_anchor(self) -> Prices:
        """The same prices not scaled to an outturn."""
        return replace(self, anchor=None, anchor_factors=None)

    def resolve(self, categories: Sequence[str], *, extra_categories: Collection[str] = ()) -> Pricing:
        """Check the tables against the categories to price and combine them.

        Parameters
        ----------
        categories : sequence of str
            Categories to price (those of the projection or data).
        extra_categories : collection of str
            Further categories the tables may name (a scenario's destinations).

        Returns
        -------
        Pricing

        Raises
        ------
        SchemaError
            If a table is malformed, a category has no price, or a share
            falls on a route with no price.
        """
        categories = tuple(categories)
        key = (categories, frozenset(extra_categories))
        if key not in self._resolved:
            self._resolved[key] = self._resolve(categories, extra_categories)
        return self._resolved[key]

    def _resolve(self, categories: tuple[str, ...], extra_categories: Collection[str]) -> Pricing:
        """:meth:`resolve`, worked out."""
        known = set(taxonomy_categories()["category"]) | set(categories) | set(extra_categories)
        costs = check_unit_costs(default_unit_costs() if self.unit_costs is None else self.unit_costs, known=known)
        costs_where, _ = source_of(costs, where=None, lines=None)
        shares = None if self.route_shares is None else check_route_shares(self.route_shares, known=known)
        shares_where = "<route shares>" if shares is None else source_of(shares, where=None, lines=None)[0]
        pools: dict[tuple[str, str], FeePool] = {}
        given_shares = shares is not None
        if self.fees is not None:
            costs, pools = _priced_by_fees(costs, self.fees)
            if shares is None:
                shares = _fee_shares(self.fees, default_route_shares(), where=self.fees.where)
        chosen = _chosen_shares(categories, costs, shares, warn_where=shares_where if given_shares else None)
        routes, matrix = route_split(costs, chosen, categories, where=shares_where, costs_where=costs_where)
        price, year = price_lookup(costs, categories, routes)
        rates = inflation_rates(self.inflation, categories, known=known)
        offered = ordered_routes(set(costs[S.ROUTE]))
        offered_price, offered_year = price_lookup(costs, categories, offered)
        sources = {(c, r): s for c, r, s in zip(costs[S.PLACEMENT], costs[S.ROUTE], costs[S.SOURCE])}
        rows = [
            {
                S.PLACEMENT: cat,
                S.ROUTE: route,
                S.SHARE: matrix[i, j],
                S.WEEKLY_COST: price[i, j],
                S.PRICE_YEAR: financial_year_label(year[i, j]),
                S.ANNUAL_RATE: rates[i],
                S.SOURCE: sources.get((cat, route), sources.get((cat, "all"), "")),
            }
            for i, cat in enumerate(categories)
            for j, route in enumerate(routes)
            if matrix[i, j] > 0
        ]
        return Pricing(
            categories=categories,
            routes=tuple(routes),
            shares=matrix,
            price=price,
            price_year=year,
            rates=rates,
            pools=pools,
            assumptions=pd.DataFrame(rows),
            offered_routes=tuple(offered),
            offered_price=offered_price,
            offered_year=offered_year,
            fee_draws=self._fee_draws,
        )


def as_prices(
    unit_costs: pd.DataFrame | Prices | None,
    *,
    inflation: float | pd.DataFrame | None = None,
    route_shares: pd.DataFrame | None = None,
    fees: PlacementFees | None = None,
    anchor: pd.DataFrame | None = None,
) -> Prices:
    """The prices a costing function was given: a :class:`Prices`, or the tables it is made of.

    Raises
    ------
    ValueError
        If a :class:`Prices` is given together with separate tables.
    """
    if isinstance(unit_costs, Prices):
        if inflation is not None or route_shares is not None or fees is not None:
            raise ValueError("give inflation, route shares and fees inside the Prices, not beside it")
        if anchor is not None:
            if unit_costs.anchor is not None:
                raise ValueError("give the outturn to anchor to once: in the Prices or as anchor=, not both")
            return replace(unit_costs, anchor=anchor, anchor_factors=None)
        return unit_costs
    return Prices(unit_costs=unit_costs, inflation=inflation, route_shares=route_shares, fees=fees, anchor=anchor)


def _priced_by_fees(costs: pd.DataFrame, fees: PlacementFees) -> tuple[pd.DataFrame, dict[tuple[str, str], FeePool]]:
    """Unit costs with every cell that has recent fees priced at their day-weighted mean; the fees of those cells."""
    recent, days = _recent_days(fees)
    label = financial_year_label(fee_year(fees))
    pools: dict[tuple[str, str], FeePool] = {}
    rows = []
    for (cat, route), group in recent.groupby([S.PLACEMENT, S.ROUTE]):
        value = group["net_weekly"].to_numpy(dtype=float)
        weight = days.loc[group.index].to_numpy(dtype=float)
        order = np.lexsort((weight, value))  # the file's row order must not matter
        pool = FeePool(fees=value[order], days=weight[order])
        pools[(cat, route)] = pool
        rows.append(
            {
                S.PLACEMENT: cat,
                S.ROUTE: route,
                S.WEEKLY_COST: pool.mean,
                S.PRICE_YEAR: label,
                S.SOURCE: f"placement cost file: {len(group)} placements of its last {RECENT_MONTHS} months, "
                "weighted by their days",
            }
        )
    if not rows:
        return costs, pools
    from_fees = pd.DataFrame(rows)
    keys = from_fees[[S.PLACEMENT, S.ROUTE]]
    kept = costs.merge(keys, how="left", indicator=True).query("_merge == 'left_only'").drop(columns="_merge")
    return pd.concat([kept, from_fees], ignore_index=True), pools


def _recent_days(fees: PlacementFees) -> tuple[pd.DataFrame, pd.Series]:
    """The placements open in the file's last 12 months and their child-days in them [days]."""
    recent = fees.recent(RECENT_MONTHS)
    since = fees.end - pd.DateOffset(months=RECENT_MONTHS) + pd.Timedelta(days=1)
    stop = fees.end + pd.Timedelta(days=1)
    start = recent["placement_start"].where(recent["placement_start"] > since, since)
    ends = recent["placement_end"].fillna(stop)
    end = ends.where(ends < stop, stop)
    return recent, (end - start).dt.days.clip(lower=0).astype(float)


def _chosen_shares(
    categories: Sequence[str], costs: pd.DataFrame, shares: pd.DataFrame | None, *, warn_where: str | None
) -> pd.DataFrame | None:
    """Each category's shares: given (or from the fees), else the defaults where the category prices their routes.

    With ``warn_where`` (route shares were given), a category that takes the
    defaults because the given shares leave it out is named in a
    :class:`~sufficiency.DataQualityWarning`.
    """
    defaults = default_route_shares()
    chosen, defaulted = [], []
    for cat in categories:
        priced = set(costs.loc[costs[S.PLACEMENT] == cat, S.ROUTE])
        default = defaults.loc[defaults[S.PLACEMENT] == cat, [S.PLACEMENT, S.ROUTE, S.SHARE]]
        if shares is not None and (shares[S.PLACEMENT] == cat).any():
            chosen.append(shares[shares[S.PLACEMENT] == cat])
        elif len(priced) > 1 and set(default[S.ROUTE]) <= priced:
            chosen.append(default)
            defaulted.append(cat)
    if defaulted and warn_where is not None:
        warnings.warn(
            f"{warn_where}: no route shares for {', '.join(defaulted)}; the package's default shares were used "
            "[default_route_shares]",
            DataQualityWarning,
            stacklevel=4,
        )
    return pd.concat(chosen, ignore_index=True) if chosen else None


def _fee_shares(fees: PlacementFees, others: pd.DataFrame | None, *, where: str) -> pd.DataFrame | None:
    """Each category's share of child-days by route over the file's last 12 months, for the categories it covers.

    A category covers its routes when the file holds every route that the
    other shares (given or the defaults) give it; one whose file routes are
    only some of those keeps the other shares, named in a warning with the
    part of it the file's routes make up.
    """
    recent, days = _recent_days(fees)
    by = days.groupby([recent[S.PLACEMENT], recent[S.ROUTE]]).sum()
    by = by[by > 0]
    share = (by / by.groupby(level=0).transform("sum")).rename(S.SHARE).reset_index()
    if others is None or share.empty:
        return share if len(share) else None
    kept, partial = [], []
    for cat, rows in share.groupby(S.PLACEMENT, sort=False):
        expected = others[(others[S.PLACEMENT] == cat) & (others[S.SHARE] > 0)]
        missing = set(expected[S.ROUTE]) - set(rows[S.ROUTE])
        if len(expected) and missing:
            part = float(expected.loc[expected[S.ROUTE].isin(rows[S.ROUTE]), S.SHARE].sum())
            partial.append(f"{cat} ({', '.join(sorted(rows[S.ROUTE]))}: {part:.0%} of it)")
        else:
            kept.append(rows)
    if partial:
        warnings.warn(
            f"{where}: the placement cost file holds only some routes of {'; '.join(partial)}; their route shares "
            "come from the route shares, not the file, and the routes it lacks are priced by the unit costs "
            "[partial_fee_routes]",
            DataQualityWarning,
            stacklevel=4,
        )
    return pd.concat(kept, ignore_index=True) if kept else None
