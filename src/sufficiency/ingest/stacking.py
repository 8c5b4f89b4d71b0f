"""Stack yearly SSDA903 returns into one history and repair episode chains.

Each year's return repeats the episodes that were open on 1 April, so a
stack of returns holds the same episode several times: open in earlier
returns and closed in later ones. The latest return that covers a date is
taken as the truth for that date.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..common import schema as S
from ..common.dates import birthday
from .codes import LOADER_CLOSED, code_groups
from .quality import QualityLog

__all__ = ["build_periods", "combine_returns", "repair_chains"]

_CONTENT = [
    S.CHILD_ID,
    S.EPISODE_START,
    S.EPISODE_END,
    S.REASON_NEW,
    S.LEGAL_STATUS,
    S.CATEGORY_OF_NEED,
    S.PLACEMENT_CODE,
    S.PROVIDER_CODE,
    S.REASON_CEASED,
    S.REASON_PLACE_CHANGE,
    S.URN,
    S.RETURN_YEAR,
]


def combine_returns(episodes: pd.DataFrame, *, log: QualityLog) -> pd.DataFrame:
    """Keep one version of each episode across overlapping returns.

    Rules, in order:

    1. exact duplicate rows within a return are dropped;
    2. an episode (child, start date) that a later return repeats is
       replaced by the later version;
    3. an episode open at the end of its return whose child appears in the
       next return without it was replaced or deleted there: dropped;
    4. an episode open at the end of its return whose child is missing
       from the next return is closed on the next day (1 April) with
       reason :data:`~sufficiency.ingest.codes.LOADER_CLOSED`;
    5. two different rows for the same (child, start) in one return: the
       later row in the file is kept.

    Parameters
    ----------
    episodes : pandas.DataFrame
        Cleaned episodes with ``return_year``, ``source_file`` and
        ``source_row``.
    log : QualityLog

    Returns
    -------
    pandas.DataFrame
        One row per (child, start date).
    """
    out = episodes.sort_values([S.CHILD_ID, S.EPISODE_START, S.RETURN_YEAR, S.SOURCE_FILE, S.SOURCE_ROW]).reset_index(
        drop=True
    )
    dup = out.duplicated(_CONTENT, keep="first")
    log.rows(
        out[dup],
        column="",
        rule="exact_duplicate",
        action="row dropped (same episode twice in one return)",
        severity="warning",
        removed=True,
    )
    out = out[~dup]

    years = np.array(sorted(out[S.RETURN_YEAR].unique()))
    key_latest = out.groupby([S.CHILD_ID, S.EPISODE_START])[S.RETURN_YEAR].transform("max")
    older = out[S.RETURN_YEAR] < key_latest
    for name, n in out[older].groupby(S.SOURCE_FILE).size().items():
        log.summary(
            file=str(name),
            column="",
            rule="resubmitted",
            action="replaced by the same episode in a later return",
            n_rows=int(n),
            removed=True,
        )
    out = out[~older]

    idx = np.searchsorted(years, out[S.RETURN_YEAR].to_numpy(), side="right")
    has_next = idx < len(years)
    next_year = np.where(has_next, years[np.minimum(idx, len(years) - 1)], -1)
    open_ = out[S.EPISODE_END].isna().to_numpy() & has_next
    presence = pd.MultiIndex.from_frame(out[[S.CHILD_ID, S.RETURN_YEAR]].drop_duplicates())
    child_in_next = pd.MultiIndex.from_arrays([out[S.CHILD_ID].to_numpy(), next_year]).isin(presence)
    replaced = open_ & child_in_next
    log.rows(
        out[replaced],
        column="DECOM",
        rule="replaced_in_later_return",
        action="row dropped (the next return has the child without this episode)",
        severity="warning",
        removed=True,
    )
    vanished = open_ & ~child_in_next
    log.rows(
        out[vanished],
        column="DEC",
        rule="open_episode_missing_from_next_return",
        action=f"closed on 1 April after its return with reason {LOADER_CLOSED}",
    )
    out = out[~replaced].copy()
    vanished = vanished[~replaced]
    close_on = pd.to_datetime(out.loc[vanished, S.RETURN_YEAR].astype(str) + "-04-01")
    out.loc[vanished, S.EPISODE_END] = close_on
    out.loc[vanished, S.REASON_CEASED] = LOADER_CLOSED

    twice = out.duplicated([S.CHILD_ID, S.EPISODE_START], keep="last")
    log.rows(
        out[twice],
        column="DECOM",
        rule="conflicting_duplicate",
        action="row dropped (a later row in the same return has the same child and start)",
        severity="warning",
        removed=True,
    )
    return out[~twice].reset_index(drop=True)


def repair_chains(episodes: pd.DataFrame, *, censor_date: pd.Timestamp, log: QualityLog) -> pd.DataFrame:
    """Make each child's episodes a consistent chain.

    Repairs: end before start (end blanked, then closed as an open episode);
    an open episode followed by another (closed at the next start, ``X1`` or
    :data:`~sufficiency.ingest.codes.LOADER_CLOSED` if the next starts a period); overlaps (end moved back to the
    next start); ``X1`` ends not followed on the same day (end moved to the
    next start, or reason :data:`~sufficiency.ingest.codes.LOADER_CLOSED` when the next episode starts a period);
    episodes starting on or after the 18th birthday (dropped); episodes
    running past the 18th birthday (ended on it).

    Parameters
    ----------
    episodes : pandas.DataFrame
        One row per (child, start) with ``date_of_birth`` attached.
    censor_date : pandas.Timestamp
        Last day covered by the returns.
    log : QualityLog

    Returns
    -------
    pandas.DataFrame
    """
    out = episodes.sort_values([S.CHILD_ID, S.EPISODE_START]).reset_index(drop=True)
    start, end = S.EPISODE_START, S.EPISODE_END

    backwards = out[end] < out[start]
    log.rows(
        out[backwards],
        column="DEC",
        rule="end_before_start",
        action="end date blanked and re-derived from the next episode",
        value=out.loc[backwards, end].dt.strftime("%d/%m/%Y"),
    )
    out.loc[backwards, end] = pd.NaT
    out.loc[backwards, S.REASON_CEASED] = ""

    eighteen = pd.Series(birthday(out[S.DATE_OF_BIRTH].to_numpy(), S.LEAVING_AGE), index=out.index)
    adult = out[start] >= eighteen
    log.rows(
        out[adult],
        column="DECOM",
        rule="starts_at_or_after_18",
        action="row dropped",
        severity="error",
        value=out.loc[adult, start].dt.strftime("%d/%m/%Y"),
        removed=True,
    )
    out = out[~adult].reset_index(drop=True)
    eighteen = eighteen[~adult].reset_index(drop=True)

    same = out[S.CHILD_ID].shift(-1) == out[S.CHILD_ID]
    nxt_start = out[start].shift(-1).where(same)
    nxt_rne = out[S.REASON_NEW].shift(-1).where(same, "")
    new_period = nxt_rne == "S"

    followed = out[end].isna() & same
    log.rows(out[followed], column="DEC", rule="open_episode_followed", action="closed at the next episode's start")
    out.loc[followed, end] = nxt_start[followed]
    out.loc[followed, S.REASON_CEASED] = np.where(new_period[followed], LOADER_CLOSED, "X1")

    overlap = same & (out[end] > nxt_start)
    log.rows(
        out[overlap],
        column="DEC",
        rule="overlapping_episodes",
        action="end moved back to the next episode's start",
        value=out.loc[overlap, end].dt.strftime("%d/%m/%Y"),
    )
    out.loc[overlap, end] = nxt_start[overlap]

    x1 = out[S.REASON_CEASED] == "X1"
    gap = x1 & same & (out[end] < nxt_start)
    to_exit = gap & new_period
    log.rows(out[to_exit], column="REC", rule="x1_then_new_period", action=f"reason set to {LOADER_CLOSED}")
    out.loc[to_exit, S.REASON_CEASED] = LOADER_CLOSED
    bridge = gap & ~new_period
    log.rows(out[bridge], column="DEC", rule="x1_gap", action="end moved forward to the next episode's start")
    out.loc[bridge, end] = nxt_start[bridge]
    dangling = x1 & ~same & out[end].notna()
    log.rows(out[dangling], column="REC", rule="x1_without_next", action=f"reason set to {LOADER_CLOSED}")
    out.loc[dangling, S.REASON_CEASED] = LOADER_CLOSED

    # a continuing X1 end that is not the next start (overlap repairs above) is aligned
    cont = (out[S.REASON_CEASED] == "X1") & same
    out.loc[cont, end] = nxt_start[cont]

    past = eighteen.notna() & ((out[end] > eighteen) | (out[end].isna() & (eighteen <= censor_date)))
    log.rows(
        out[past],
        column="DEC",
        rule="past_18th_birthday",
        action="ended on the 18th birthday",
        value=out.loc[past, end].dt.strftime("%d/%m/%Y").fillna("open"),
    )
    out.loc[past, end] = eighteen[past]
    out.loc[past & out[S.REASON_CEASED].isin(["", "X1"]), S.REASON_CEASED] = LOADER_CLOSED
    return out


def build_periods(episodes: pd.DataFrame, *, coverage_start: pd.Timestamp, log: QualityLog) -> pd.DataFrame:
    """Number periods of care and flag entries and exits.

    An episode continues the previous one when that ended with ``X1`` on
    the day this one starts; every other episode starts a period (an
    entry). An episode with an end date and a reason other than ``X1`` ends
    a period (an exit).

    Parameters
    ----------
    episodes : pandas.DataFrame
        Repaired chains (see :func:`repair_chains`).
    coverage_start : pandas.Timestamp
        First day the returns cover: a child's first episode starting
        before it is where the visible history begins, not necessarily an
        entry to care, and is not reported.
    log : QualityLog

    Returns
    -------
    pandas.DataFrame
        With ``period_of_care``, ``is_entry``, ``is_exit`` and
        ``exit_reason`` added.
    """
    out = episodes.sort_values([S.CHILD_ID, S.EPISODE_START]).reset_index(drop=True)
    same_prev = out[S.CHILD_ID].shift(1) == out[S.CHILD_ID]
    cont = same_prev & (out[S.REASON_CEASED].shift(1) == "X1") & (out[S.EPISODE_END].shift(1) == out[S.EPISODE_START])
    out[S.IS_ENTRY] = ~cont
    out[S.PERIOD_OF_CARE] = out[S.IS_ENTRY].astype(int).groupby(out[S.CHILD_ID]).cumsum().astype(int)
    out[S.IS_EXIT] = out[S.EPISODE_END].notna() & (out[S.REASON_CEASED] != "X1")
    groups = code_groups("REC")
    groups[LOADER_CLOSED] = "unknown"
    reason = out[S.REASON_CEASED].map(groups).fillna("unknown")
    out[S.EXIT_REASON] = reason.where(out[S.IS_EXIT], "")
    not_s = out[S.IS_ENTRY] & (out[S.REASON_NEW] != "S") & (out[S.EPISODE_START] >= coverage_start)
    log.rows(
        out[not_s],
        column="RNE",
        rule="period_starts_without_S",
        action="counted as an entry",
        severity="info",
        value=out.loc[not_s, S.REASON_NEW],
    )
    s_mid = ~out[S.IS_ENTRY] & (out[S.REASON_NEW] == "S")
    log.rows(
        out[s_mid],
        column="RNE",
        rule="S_within_period",
        action="counted as a continuation (previous episode ended X1 that day)",
        severity="info",
    )
    return out
