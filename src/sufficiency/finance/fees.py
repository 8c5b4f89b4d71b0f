"""A council's placement cost file: what each child's placement actually costs.

One row per child placement, in the spirit of the DfE section 251
placement-cost collection: ``child_id``, ``placement_start``,
``placement_end`` (blank while the placement continues), ``weekly_fee``
[£/week], ``route`` (purchasing route or procurement platform: in-house,
framework, spot, block, partner, ...) and optionally ``health_contribution``
and ``education_contribution`` [£/week] paid by health and education, and
``placement`` (the placement category, also read from a ``category``
column; otherwise it is taken from the
SSDA903 episodes the placement overlaps). The council's cost of a placement
is the fee less the contributions.

Fees are heavy-tailed (councils now pay £10,000 a week and more for some
placements), so :func:`sufficiency.cost` prices each category and route
with the council's own fee distribution rather than one average.

The table holds child ids: it is for analysis inside the council, and no
report writes it out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..common import schema as S
from ..common.dates import financial_year_of, parse_dates
from ..common.errors import SchemaError
from ..common.numbers import parse_numbers
from ..counts.pieces import episodes_of
from ..ingest.quality import QualityLog, summarise_quality, warn_about
from ..ingest.returns import EpisodesLike
from ..ingest.tables import read_named_table
from .checks import WEEKLY_COST_LIMITS
from .tables import ROUTES, normalise_routes

__all__ = ["FEE_COLUMNS", "RECENT_MONTHS", "PlacementFees", "check_placement_costs", "fee_year", "read_placement_costs"]

#: Column names understood in a placement cost file, with the other spellings accepted.
FEE_COLUMNS = {
    "child_id": ("child_id", "child"),
    "placement_start": ("placement_start", "start", "start_date"),
    "placement_end": ("placement_end", "end", "end_date"),
    "weekly_fee": ("weekly_fee", "fee", "weekly_cost"),
    "route": ("route", "procurement_platform", "platform"),
    "health_contribution": ("health_contribution", "health"),
    "education_contribution": ("education_contribution", "education"),
    "placement": ("placement", "category"),
}
#: Window of the fee distribution :func:`sufficiency.cost` uses: placements open in the file's last months [months].
RECENT_MONTHS = 12


@dataclass(frozen=True)
class PlacementFees:
    """A checked placement cost file, linked to placement categories.

    Attributes
    ----------
    fees : pandas.DataFrame
        One row per usable placement: ``child_id``, ``placement_start``,
        ``placement_end`` (NaT while open), ``weekly_fee``,
        ``health_contribution``, ``education_contribution``, ``net_weekly``
        (fee less contributions, at least 0) [£/week], ``route``,
        ``placement``, ``source_row``.
    quality : pandas.DataFrame
        Findings (columns :data:`sufficiency.schema.QUALITY_COLUMNS`): every
        row not used is here, counted.
    end : pandas.Timestamp
        Last day the file describes (the latest date in it, or the SSDA903
        data's last day when linked).
    where : str
        The file's name (as messages name it).
    """

    fees: pd.DataFrame = field(repr=False)
    quality: pd.DataFrame = field(repr=False)
    end: pd.Timestamp
    where: str = "<placement costs>"

    def recent(self, months: int = RECENT_MONTHS) -> pd.DataFrame:
        """Placements open at any time in the last ``months`` months of the file.

        Parameters
        ----------
        months : int

        Returns
        -------
        pandas.DataFrame
            Rows of :attr:`fees`.
        """
        since = self.end - pd.DateOffset(months=months) + pd.Timedelta(days=1)
        f = self.fees
        return f[(f["placement_start"] <= self.end) & (f["placement_end"].isna() | (f["placement_end"] > since))]

    def summary(self) -> pd.DataFrame:
        """The fee distribution by category and route of the recent placements (see :meth:`recent`).

        Returns
        -------
        pandas.DataFrame
            Index (placement, route): ``placements``, ``mean``, ``median``,
            ``p90``, ``max`` of the net weekly cost [£/week].
        """
        recent = self.recent()
        net = recent.groupby([S.PLACEMENT, S.ROUTE])["net_weekly"]
        return pd.DataFrame(
            {
                "placements": net.size(),
                "mean": net.mean(),
                "median": net.median(),
                "p90": net.quantile(0.9),
                "max": net.max(),
            }
        )

    def quality_summary(self) -> pd.DataFrame:
        """Count the findings by rule (see :func:`sufficiency.summarise_quality`)."""
        return summarise_quality(self.quality)


def read_placement_costs(path: str | Path, data: EpisodesLike | None = None, *, warn: bool = True) -> PlacementFees:
    """Read a placement cost file (CSV or ``.xlsx``) and link it to the SSDA903 episodes.

    Parameters
    ----------
    path : path
        The file (columns: see the module notes; names are matched without
        regard to case, and ``child``, ``start``, ``end``, ``fee`` and
        ``platform`` are understood too).
    data : SSDA903Data or pandas.DataFrame, optional
        The episodes; each placement takes the category of the episodes it
        overlaps most. Needed unless the file has a ``placement`` (or
        ``category``) column.
    warn : bool
        Emit one :class:`DataQualityWarning` summarising rows not used.

    Returns
    -------
    PlacementFees

    Raises
    ------
    SchemaError
        If the file cannot be read, lacks a required column, or has no
        category column and no episodes are given.
    """
    frame, lines = read_named_table(path, ())
    return check_placement_costs(frame, data, where=str(path), lines=lines, warn=warn)


def check_placement_costs(
    table: pd.DataFrame,
    data: EpisodesLike | None = None,
    *,
    where: str = "<placement costs>",
    lines: Sequence[int] | None = None,
    warn: bool = True,
) -> PlacementFees:
    """Check a placement cost table held in memory and link it to the episodes.

    Rows that cannot be used (no child, an unreadable date, an end before
    the start, a missing or negative fee, no overlapping episode) are left
    out and counted in :attr:`PlacementFees.quality`; contributions above
    the fee are capped at it.

    Parameters
    ----------
    table : pandas.DataFrame
        As for :func:`read_placement_costs`.
    data : SSDA903Data or pandas.DataFrame, optional
    where : str
        Name of the table in messages.
    lines : sequence of int, optional
        File line of each row (default: 1-based row numbers).
    warn : bool

    Returns
    -------
    PlacementFees
    """
    if not isinstance(table, pd.DataFrame):
        raise SchemaError(
            f"placement costs must be a DataFrame, not {type(table).__name__}", file=where, rule="not_a_table"
        )
    columns = {c.strip().lower(): c for c in table.columns}
    found = {name: next((columns[a] for a in aliases if a in columns), None) for name, aliases in FEE_COLUMNS.items()}
    for name in ("child_id", "placement_start", "weekly_fee", "route"):
        if found[name] is None:
            raise SchemaError(
                f"a placement cost file needs a {name!r} column (found: {', '.join(table.columns)})",
                file=where,
                column=name,
                rule="missing_column",
            )
    if found["placement"] is None and data is None:
        raise SchemaError(
            "the file has no 'placement' (or 'category') column: pass the SSDA903 data to link each placement to it",
            file=where,
            column="placement",
            rule="missing_column",
        )
    if table.empty:
        raise SchemaError("the placement cost file has no rows", file=where, rule="empty_table")
    rows = np.asarray(lines) if lines is not None else np.arange(len(table)) + 1
    raw = table.reset_index(drop=True)

    def text(name: str) -> pd.Series:
        return (
            raw[found[name]].fillna("").astype(str).str.strip()
            if found[name] is not None
            else pd.Series("", index=raw.index)
        )

    def money(name: str) -> tuple[pd.Series, pd.Series]:
        number, problem = parse_numbers(text(name))
        return number, problem != ""

    log = QualityLog()
    route = text("route")
    out = pd.DataFrame(
        {
            S.CHILD_ID: text("child_id"),
            S.SOURCE_FILE: where,
            S.SOURCE_ROW: rows,
            S.ROUTE: normalise_routes(route),
        }
    )
    start, bad_start = parse_dates(text("placement_start"))
    end, bad_end = parse_dates(text("placement_end"))
    fee, bad_fee = money("weekly_fee")
    health, bad_health = money("health_contribution")
    education, bad_education = money("education_contribution")
    drop = pd.Series(False, index=raw.index)
    for mask, column, rule, action in (
        (out[S.CHILD_ID] == "", "child_id", "missing_child_id", "row not used (no child)"),
        (bad_start | start.isna(), "placement_start", "invalid_date", "row not used (no usable start date)"),
        (bad_end, "placement_end", "invalid_date", "row not used (end date unreadable)"),
        (
            end.notna() & start.notna() & (end < start),
            "placement_end",
            "end_before_start",
            "row not used (end before start)",
        ),
        (fee.isna(), "weekly_fee", "missing_fee", "row not used (no fee, or not a number)"),
        (fee < 0, "weekly_fee", "negative_fee", "row not used (negative fee)"),
        (
            fee > WEEKLY_COST_LIMITS[1],
            "weekly_fee",
            "fee_out_of_range",
            f"row not used (above £{WEEKLY_COST_LIMITS[1]:,.0f} a week: an annual or total figure?)",
        ),
        (route == "", "route", "missing_route", "row not used (no purchasing route)"),
        (
            bad_health | bad_education,
            "health_contribution",
            "not_a_number",
            "row not used (a contribution is not a number)",
        ),
    ):
        mask = mask.fillna(False).astype(bool) & ~drop
        log.rows(
            out[mask],
            column=column,
            rule=rule,
            action=action,
            severity="error",
            value=raw.loc[mask, found[column]] if found.get(column) else None,
            removed=True,
        )
        drop |= mask
    dear = ~drop & (fee > WEEKLY_COST_LIMITS[0])
    log.rows(
        out[dear],
        column="weekly_fee",
        rule="high_fee",
        action=f"kept (above £{WEEKLY_COST_LIMITS[0]:,.0f} a week; bespoke placements can cost that)",
        value=fee[dear],
    )
    unknown = ~drop & ~out[S.ROUTE].isin(ROUTES)
    log.rows(
        out[unknown],
        column="route",
        rule="unknown_route",
        action=f"kept as a route of the council's own (known: {', '.join(ROUTES)})",
        value=out.loc[unknown, S.ROUTE],
    )
    for name, amount in (("health_contribution", health), ("education_contribution", education)):
        negative = ~drop & (amount < 0)
        log.rows(out[negative], column=name, rule="negative_contribution", action="read as 0", value=amount[negative])
        amount[negative] = 0.0
    duplicate = ~drop & raw.astype(str).apply(lambda c: c.str.strip()).duplicated(keep="first")
    log.rows(
        out[duplicate],
        column="",
        rule="duplicate_row",
        action="row not used (the same placement and fee as an earlier row)",
        severity="error",
        removed=True,
    )
    drop |= duplicate
    contributions = health.fillna(0.0) + education.fillna(0.0)
    over = ~drop & (contributions > fee)
    log.rows(
        out[over],
        column="health_contribution",
        rule="contributions_above_fee",
        action="net cost set to 0",
        value=(contributions - fee)[over],
    )
    out = out.assign(
        placement_start=start,
        placement_end=end,
        weekly_fee=fee,
        health_contribution=health.fillna(0.0),
        education_contribution=education.fillna(0.0),
        net_weekly=np.maximum(fee - contributions, 0.0),
        **{S.PLACEMENT: text("placement") if found["placement"] is not None else ""},
    )[~drop.to_numpy()]
    end_day = out["placement_end"].max() if out["placement_end"].notna().any() else pd.NaT
    last = pd.Timestamp(max(d for d in (end_day, out["placement_start"].max()) if pd.notna(d))) if len(out) else pd.NaT
    if data is not None:
        episodes, _, censor = episodes_of(data)
        last = pd.Timestamp(censor) if censor is not None else last
        out = _link(out, episodes, last, log, overwrite=found["placement"] is None)
    missing = out[S.PLACEMENT] == ""
    log.rows(
        out[missing],
        column=found["placement"] or S.PLACEMENT,
        rule="missing_category",
        action="row not used (no category)",
        severity="error",
        removed=True,
    )
    out = out[~missing]
    report = log.frame()
    if warn:
        warn_about(report)
    keep = [
        S.CHILD_ID,
        "placement_start",
        "placement_end",
        "weekly_fee",
        "health_contribution",
        "education_contribution",
        "net_weekly",
        "route",
        S.PLACEMENT,
        S.SOURCE_ROW,
    ]
    return PlacementFees(fees=out[keep].reset_index(drop=True), quality=report, end=last, where=where)


def _link(
    fees: pd.DataFrame, episodes: pd.DataFrame, last: pd.Timestamp, log: QualityLog, *, overwrite: bool
) -> pd.DataFrame:
    """Give each placement the category of the episodes it overlaps most; count those overlapping none."""
    ep = episodes[[S.CHILD_ID, S.EPISODE_START, S.EPISODE_END, S.PLACEMENT]].copy()
    stop = last + pd.Timedelta(days=1)
    ep[S.EPISODE_END] = ep[S.EPISODE_END].fillna(stop)
    fees = fees.reset_index(drop=True).assign(_row=lambda f: np.arange(len(f)))
    pairs = fees[[S.CHILD_ID, "_row", "placement_start", "placement_end"]].merge(ep, on=S.CHILD_ID, how="inner")
    f_end = pairs["placement_end"].fillna(stop)
    overlap = (
        np.minimum(f_end, pairs[S.EPISODE_END]) - np.maximum(pairs["placement_start"], pairs[S.EPISODE_START])
    ).dt.days
    # a one-day placement matching a one-day episode counts as an overlap
    same_day = (pairs["placement_start"] == pairs[S.EPISODE_START]) & (overlap == 0)
    pairs = pairs.assign(_days=np.where(same_day, 0.5, overlap))
    pairs = pairs[pairs["_days"] > 0]
    days = pairs.groupby(["_row", S.PLACEMENT])["_days"].sum().reset_index()
    best = (
        days.sort_values(["_row", "_days"], ascending=[True, False])
        .drop_duplicates("_row")
        .set_index("_row")[S.PLACEMENT]
    )
    matched = fees["_row"].isin(best.index)
    known_child = fees[S.CHILD_ID].isin(set(episodes[S.CHILD_ID]))
    log.rows(
        fees[~known_child],
        column="child_id",
        rule="fee_child_not_in_returns",
        action="row not used (the child is in no SSDA903 return)",
        severity="error",
        removed=True,
    )
    log.rows(
        fees[known_child & ~matched],
        column="placement_start",
        rule="fee_without_episode",
        action="row not used (no episode of the child overlaps the placement)",
        severity="error",
        removed=True,
    )
    mixed = days.groupby("_row").size()
    mixed_rows = fees[fees["_row"].isin(mixed[mixed > 1].index)]
    log.rows(
        mixed_rows,
        column=S.PLACEMENT,
        rule="placement_spans_categories",
        action="given the category it overlaps most",
        severity="info",
    )
    out = fees[matched].copy()
    linked = out["_row"].map(best)
    if overwrite:
        out[S.PLACEMENT] = linked
    else:
        differs = (out[S.PLACEMENT] != linked) & (out[S.PLACEMENT] != "")
        log.rows(
            out[differs],
            column=S.PLACEMENT,
            rule="category_differs_from_returns",
            action="the file's category kept",
            value=out.loc[differs, S.PLACEMENT] + " / " + linked[differs],
        )
        out[S.PLACEMENT] = out[S.PLACEMENT].where(out[S.PLACEMENT] != "", linked)
    return out.drop(columns="_row")


def fee_year(fees: PlacementFees) -> int:
    """Financial year whose prices the recent fees are taken to be at: the file's last [year ending 31 March]."""
    return int(financial_year_of(pd.DatetimeIndex([fees.end]))[0])
