"""Monthly flows counted straight from a simulated county's own placement spells.

This is the truth the readers and counters are checked against: it uses the
generator's record of where each child was (``SimulatedCounty.placements``),
not the episodes written to the returns, and none of the library's counting
code. A child is in a spell at the end of each day ``start <= d < end``; an
entry is the first day of a period of care, in its first spell's category;
an exit is the day the last spell of a period ends, from that spell's
category; a move is a change of category between consecutive spells of a
period, on the day the new spell starts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def monthly_truth(county, start: str | pd.Timestamp, end: str | pd.Timestamp) -> pd.DataFrame:
    """Entries, exits, moves in and child-days by (month, placement) from ``start`` to ``end`` (inclusive)."""
    spells = county.placements.sort_values(["child_id", "period_of_care", "start", "end"]).reset_index(drop=True)
    first_day, last_day = pd.Timestamp(start), pd.Timestamp(end)
    months = pd.date_range(first_day, last_day, freq="MS")
    stop = last_day + pd.Timedelta(days=1)
    s = spells["start"].to_numpy("datetime64[ns]")
    e = spells["end"].fillna(stop).to_numpy("datetime64[ns]")
    key = spells["child_id"] + "/" + spells["period_of_care"].astype(str)
    first = (key != key.shift()).to_numpy()
    last = (key != key.shift(-1)).to_numpy()
    ended = spells["end"].notna().to_numpy()
    cat = spells["placement"].to_numpy()
    rows = []
    for m0 in months:
        m1 = min(m0 + pd.offsets.MonthBegin(1), stop)
        a, b = np.datetime64(m0, "ns"), np.datetime64(m1, "ns")
        overlap = (np.minimum(e, b) - np.maximum(s, a)) / np.timedelta64(1, "D")
        days = pd.Series(np.maximum(overlap, 0)).groupby(cat).sum()
        entries = pd.Series(cat[first & (s >= a) & (s < b)]).value_counts()
        exits = pd.Series(cat[last & ended & (e >= a) & (e < b)]).value_counts()
        change = ~first & (cat != np.roll(cat, 1)) & (s >= a) & (s < b)
        moves_in = pd.Series(cat[change]).value_counts()
        frame = pd.DataFrame({"exposure_days": days, "entries": entries, "exits": exits, "moves_in": moves_in}).fillna(
            0
        )
        rows.append(frame.rename_axis("placement").reset_index().assign(period_start=m0))
    return pd.concat(rows, ignore_index=True)


def yearly_child_days(county, start: str | pd.Timestamp, end: str | pd.Timestamp) -> pd.Series:
    """Child-days by (financial year label, placement) from the generator's own placement spells."""
    monthly = monthly_truth(county, start, end)
    year = monthly["period_start"].dt.year + (monthly["period_start"].dt.month >= 4)
    label = (year - 1).astype(str) + "-" + (year % 100).astype(str).str.zfill(2)
    return monthly.groupby([label.rename("financial_year"), monthly["placement"]])["exposure_days"].sum()
