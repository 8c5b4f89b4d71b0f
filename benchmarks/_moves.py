"""How far councils' placement groups move in one to three years: real councils against the worlds' councils.

A band of a placement group has to hold the group's count some years on. How far real councils' groups
moved is published: the DfE's children looked after at 31 March by placement type, every council
(``sufficiency/data/dfe_la_placements.csv``: 2011-2017 and 2021-2022). The worlds' councils are counted
from their returns at the backtests' origins and one to three years on. Comparing the two says whether a
world asks a band to hold moves real councils made, and how wide the default bands are against them.

The DfE's types match the model's placement groups only in some years: foster placements in every year;
children's homes and secure homes (most of the model's residential group; its other residential settings are
mostly suppressed as fewer than six children) and supported accommodation (independent and semi-independent
living) apart only in 2021 and 2022, so those two groups have one year's move, from 31 March 2021 to 2022
(the year unaccompanied children's arrivals nearly doubled in England).
"""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd

#: The DfE placement types summed into each placement group.
REAL_TYPES = {
    "fostering": ("Foster placements",),
    "residential": ("Secure homes and children's homes",),
    "supported": ("Independent and semi-independent living arrangements/supported accommodation",),
}
#: Councils whose group held fewer children at the start are left out (their moves are mostly counting noise).
MIN_CHILDREN = 20


def real_moves(*, years: tuple[int, ...] = (1, 2, 3)) -> pd.DataFrame:
    """Each council's move of each placement group over ``years`` years, from the DfE's tables.

    Returns
    -------
    pandas.DataFrame
        ``group``, ``months``, ``council``, ``origin`` (year), ``start`` [children] and ``ratio`` (the
        count ``months`` later ÷ the count at the origin).
    """
    path = resources.files("sufficiency").joinpath("data", "dfe_la_placements.csv")
    with path.open("r", encoding="utf-8") as fh:
        raw = pd.read_csv(fh)
    rows = []
    for group, types in REAL_TYPES.items():
        part = raw[raw["placement"].isin(types)]
        # a year counts only if every type of the group is published for the council (no suppressed cell)
        complete = part.groupby(["la_code", "year"])["number"].agg(["count", "sum"])
        complete = complete[complete["count"] == len(types)]["sum"]
        wide = complete.unstack("year")
        for y in years:
            for origin in wide.columns:
                if origin + y not in wide.columns:
                    continue
                a, b = wide[origin], wide[origin + y]
                ok = a.notna() & b.notna() & (a >= MIN_CHILDREN)
                rows.append(
                    pd.DataFrame(
                        {
                            "group": group,
                            "months": 12 * y,
                            "council": a.index[ok],
                            "origin": origin,
                            "start": a[ok].to_numpy(),
                            "ratio": (b[ok] / a[ok]).to_numpy(),
                        }
                    )
                )
    return pd.concat(rows, ignore_index=True)


def world_moves(frame: pd.DataFrame, groups: tuple[str, ...]) -> pd.DataFrame:
    """The worlds' councils' moves of each group, and the default 80% band's width, from the scored backtests.

    Parameters
    ----------
    frame : pandas.DataFrame
        ``band_coverage`` rows (``world``, ``step``, ``group``, ``months``, ``naive``, ``actual``,
        ``lower``, ``upper``) of one method.
    groups : tuple of str

    Returns
    -------
    pandas.DataFrame
        ``world``, ``group``, ``months``, ``start``, ``ratio`` and ``band`` (upper ÷ lower end).
    """
    g = frame[(frame["step"] == "placement_group") & frame["group"].isin(groups) & (frame["naive"] >= MIN_CHILDREN)]
    return pd.DataFrame(
        {
            "world": g["world"],
            "group": g["group"],
            "months": g["months"],
            "start": g["naive"],
            "ratio": g["actual"] / g["naive"],
            "band": g["upper"] / g["lower"].where(g["lower"] > 0),
        }
    )


def moves_table(real: pd.DataFrame, worlds: pd.DataFrame) -> pd.DataFrame:
    """Percentiles of the moves (count later ÷ count at the start) by group, horizon and source."""

    def summary(x: pd.DataFrame) -> pd.Series:
        r = x["ratio"].to_numpy(float)
        out = {
            "councils": len(x),
            "median_start": float(np.median(x["start"])),
            "p10": float(np.percentile(r, 10)),
            "median": float(np.median(r)),
            "p90": float(np.percentile(r, 90)),
            "beyond_1_5x": 100 * float(np.mean((r > 1.5) | (r < 1 / 1.5))),
        }
        if "band" in x:
            out["default_band_width"] = float(np.nanmedian(x["band"]))
        return pd.Series(out)

    parts = [
        real.groupby(["group", "months"]).apply(summary, include_groups=False).assign(source="real councils (DfE)"),
        worlds.groupby(["group", "months", "world"])
        .apply(summary, include_groups=False)
        .reset_index("world")
        .assign(source=lambda t: "world: " + t.pop("world")),
    ]
    out = pd.concat(parts).reset_index().set_index(["group", "months", "source"]).sort_index()
    return out[[c for c in out.columns if c != "source"]]
