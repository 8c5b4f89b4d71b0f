"""A service that starts on a date in the synthetic county: known truth for evaluating a brief.

Everything the county generator draws is drawn first, as without the
service; the service then changes what happens from its start, so the county
before the start is unchanged and the same seed without the service is the
true counterfactual (entries with the service ÷ entries without it is the
true ratio). It can do three things, to children other than unaccompanied
ones of the ages it works with (age at entry):

* keep children out of care (``entry_factor``): each family entering on or
  after the start stays out with chance ``1 - entry_factor``, decided by a
  uniform from a random stream of the service's own; the periods of care it
  prevents (and any later period of the same child, who was never in care to
  return to it) are removed;
* bring children home sooner (``stay_factor``): a period of care that was to
  end with the child going home, after the start, ends sooner: the time it
  had left in care from the start (or from its entry, if later) is
  multiplied by ``stay_factor``. Its episodes and placements after the new
  end are removed and the episode running then ends with the child returned
  home (reason ``E13`` unless the period's own reason was one of returning
  home);
* step children down from residential care to the council's own foster
  carers (``step_down_rate``): a residential placement (the coarse group)
  running on or after the start ends in a move to in-house foster care with
  an extra rate ``step_down_rate`` a year from the start (or its own start,
  if later), the date drawn from a uniform of the service's own stream for
  each such placement. The child then stays with the foster carer until the
  period of care ends as it would have (same day, same reason): the
  residential episode ends there (``X1``), a foster episode begins (``P``,
  ``CARPL``, ``U4``, ``PR1``) and replaces the period's later episodes and
  placements. Entries and the ends of periods are unchanged; moves from
  residential care to fostering grow.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..common import schema as S
from ..common.dates import DateLike, age_at, financial_year_of
from ..ingest.codes import code_groups

__all__ = ["Service", "end_sooner", "prevented_periods", "sooner_ends", "stepped_down"]


@dataclass(frozen=True)
class Service:
    """A service from a date: fewer children in care, sooner home, or stepped down from residential care.

    Attributes
    ----------
    start : date
        First day of the service.
    entry_factor : float
        Share of the entries it acts on that still happen (0.75 cuts them by
        a quarter) [fraction, 0-1].
    ages : tuple of (int, int)
        Youngest and oldest age at entry [years] it works with (default
        every age); siblings count by their own age.
    stay_factor : float
        Multiplier of the time left in care of children going home [fraction,
        0-1]: 0.5 brings them home in half the time (default 1, no change).
    step_down_rate : float
        Extra rate of moves from a residential placement to in-house foster
        care [1/year] (default 0, none): 0.5 steps down about two in five of
        the children whose residential placement runs a year past the start.
    """

    start: DateLike
    entry_factor: float = 1.0
    ages: tuple[int, int] = (0, 17)
    stay_factor: float = 1.0
    step_down_rate: float = 0.0

    def __post_init__(self) -> None:
        if not 0.0 <= float(self.entry_factor) <= 1.0:
            raise ValueError(
                f"entry_factor {self.entry_factor}: a service prevents entries, so give a share between 0 and 1"
            )
        if not 0.0 < float(self.stay_factor) <= 1.0:
            raise ValueError(
                f"stay_factor {self.stay_factor}: a service brings children home sooner, so give a share above 0 "
                "and at most 1"
            )
        if not 0.0 <= float(self.step_down_rate) <= 50.0:
            raise ValueError(
                f"step_down_rate {self.step_down_rate}: a service adds step-downs, so give a rate per year from 0 "
                "(none) to 50"
            )
        lo, hi = self.ages
        if not 0 <= lo <= hi <= 17:
            raise ValueError(f"ages {self.ages}: give (youngest, oldest) between 0 and 17")


def prevented_periods(periods: pd.DataFrame, service: Service, *, seed: int) -> np.ndarray:
    """Which periods of care the service prevents.

    Parameters
    ----------
    periods : pandas.DataFrame
        The generator's periods of care (``family``, ``child``,
        ``episode_no``, ``entry``, ``dob``, ``uasc``).
    service : Service
    seed : int
        The county's seed; the service draws from its own stream of it.

    Returns
    -------
    numpy.ndarray
        (period,) bool: ``True`` for a period prevented, or a later period
        of a child whose earlier period was prevented.
    """
    start = np.datetime64(pd.Timestamp(service.start), "ns")
    entry, acted_on = _acted_on(periods, service)
    # one uniform per family entering on a day, in a fixed order, whatever the service's settings
    groups = pd.MultiIndex.from_arrays([periods["family"].to_numpy(), entry])
    order = groups.unique().sort_values()
    u = np.random.default_rng([seed, 0x5E2]).random(len(order))[order.get_indexer(groups)]
    prevented = acted_on & (entry >= start) & (u >= float(service.entry_factor))
    first_prevented = (
        pd.Series(np.where(prevented, periods["episode_no"].to_numpy(), np.iinfo(np.int64).max))
        .groupby(periods["child"].to_numpy())
        .transform("min")
        .to_numpy()
    )
    return periods["episode_no"].to_numpy() >= first_prevented


def _acted_on(periods: pd.DataFrame, service: Service) -> tuple[np.ndarray, np.ndarray]:
    """The periods' entry dates, and which periods are of children the service works with."""
    entry = periods["entry"].to_numpy("datetime64[ns]")
    age = age_at(periods["dob"].to_numpy("datetime64[ns]"), entry)
    lo, hi = service.ages
    return entry, ~periods["uasc"].to_numpy(bool) & (age >= lo) & (age <= hi)


def sooner_ends(periods: pd.DataFrame, service: Service) -> pd.Series:
    """The new end of each period of care the service brings to an end sooner.

    Parameters
    ----------
    periods : pandas.DataFrame
        The generator's periods of care (``entry``, ``end``, ``route``,
        ``dob``, ``uasc``).
    service : Service

    Returns
    -------
    pandas.Series
        The new end [date], NaT where the period is unchanged (the service
        does not shorten stays, the child was not going home, or the period
        ends before the start).
    """
    start = np.datetime64(pd.Timestamp(service.start), "ns")
    entry, acted_on = _acted_on(periods, service)
    end = periods["end"].to_numpy("datetime64[ns]")
    going_home = periods["route"].to_numpy() == "home"
    chosen = acted_on & going_home & (end > start) & (float(service.stay_factor) < 1.0)
    since = np.maximum(entry, start)
    left = (end - since).astype("timedelta64[D]").astype(np.int64)
    new_end = since + np.ceil(left * float(service.stay_factor)).astype(np.int64) * np.timedelta64(1, "D")
    return pd.Series(np.where(chosen & (new_end < end), new_end, np.datetime64("NaT")), index=periods.index)


def end_sooner(frame: pd.DataFrame, new_end: pd.Series, *, start: str, end: str, episodes: bool) -> pd.DataFrame:
    """Cut a period's episodes or placement spells at its new end.

    Parameters
    ----------
    frame : pandas.DataFrame
        Episodes (``episodes=True``) or placement spells, with ``child_id``
        and ``period_of_care``.
    new_end : pandas.Series
        New end of each shortened period, indexed by (child id, period of
        care) [date].
    start, end : str
        The frame's start and end columns (an open row has no end).
    episodes : bool
        Episodes: the row running at the new end becomes the period's last,
        the child returned home.

    Returns
    -------
    pandas.DataFrame
    """
    cut = _when(frame, new_end)
    hit = cut.notna()
    if not hit.any():
        return frame
    shortened = frame[hit]
    out = frame[~(hit & (frame[start] >= cut))].copy()
    cut, hit = cut[out.index], hit[out.index]
    running = hit & (out[end].isna() | (out[end] >= cut))
    out.loc[running, end] = cut[running]
    if episodes:
        home = {code for code, group in code_groups("REC").items() if group == "returned_home"}
        last_reason = shortened.groupby([S.CHILD_ID, S.PERIOD_OF_CARE])[S.REASON_CEASED].last()
        reason = pd.Series(
            last_reason.reindex(pd.MultiIndex.from_arrays([out[S.CHILD_ID], out[S.PERIOD_OF_CARE]])).to_numpy(),
            index=out.index,
        )
        out.loc[running, S.REASON_CEASED] = np.where(reason[running].isin(home), reason[running], "E13")
        out.loc[running, S.REASON_PLACE_CHANGE] = ""
        out.loc[running, S.IS_EXIT] = True
        out.loc[running, S.EXIT_REASON] = "returned_home"
        out.loc[running, S.RETURN_YEAR] = pd.array(financial_year_of(out.loc[running, end]), dtype="Int64")
    return out.reset_index(drop=True)


#: The foster episode a step-down begins: the council's own foster carer, long term (``U4``, ``PR1``), a change
#: of placement to carry out the care plan.
_FOSTER_EPISODE = {
    S.REASON_NEW: "P",
    S.PLACEMENT_CODE: "U4",
    S.PROVIDER_CODE: "PR1",
    S.REASON_PLACE_CHANGE: "CARPL",
    S.PLACEMENT: "inhouse_fostering",
    S.PLACEMENT_COARSE: "fostering",
}


def stepped_down(
    episodes: pd.DataFrame, placements: pd.DataFrame, service: Service, *, seed: int, censor: pd.Timestamp
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The county's episodes and true placements with the service's step-downs from residential care.

    Parameters
    ----------
    episodes : pandas.DataFrame
        The county's episodes (as :func:`sufficiency.simulate_county` makes them).
    placements : pandas.DataFrame
        Its true placements (``child_id``, ``period_of_care``, ``start``, ``end``, ``placement``).
    service : Service
    seed : int
        The county's seed; the service draws from its own stream of it.
    censor : pandas.Timestamp
        The end of the returns: an episode open then runs to it.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        Episodes and placements; unchanged without a step-down rate.
    """
    rate = float(service.step_down_rate)
    if rate <= 0 or episodes.empty:
        return episodes, placements
    start = pd.Timestamp(service.start)
    end = episodes[S.EPISODE_END].fillna(censor)
    since = episodes[S.EPISODE_START].where(episodes[S.EPISODE_START] > start, start)
    age = age_at(episodes[S.DATE_OF_BIRTH].to_numpy("datetime64[ns]"), since.to_numpy("datetime64[ns]"))
    lo, hi = service.ages
    residential = (
        (episodes[S.PLACEMENT_COARSE] == "residential").to_numpy()
        & ~episodes[S.UASC].fillna(False).to_numpy(bool)
        & (end > start).to_numpy()
        & (age >= lo)
        & (age <= hi)
    )
    # one uniform per residential episode running on or after the start, in a fixed order, whatever the rate
    keys = episodes.loc[residential, [S.CHILD_ID, S.EPISODE_START]].sort_values([S.CHILD_ID, S.EPISODE_START])
    u = np.random.default_rng([seed, 0x5D0]).random(len(keys))
    wait = pd.to_timedelta(np.ceil(-np.log(np.maximum(u, 1e-300)) / rate * 365.25), unit="D")
    when = pd.Series(since[keys.index].to_numpy() + wait.to_numpy(), index=keys.index)
    when = when[when < end[keys.index]]
    if when.empty:
        return episodes, placements
    # a period steps down once, at its first step-down
    first = (
        pd.DataFrame(
            {
                S.CHILD_ID: episodes.loc[when.index, S.CHILD_ID],
                S.PERIOD_OF_CARE: episodes.loc[when.index, S.PERIOD_OF_CARE],
                "when": when,
            }
        )
        .sort_values("when")
        .drop_duplicates([S.CHILD_ID, S.PERIOD_OF_CARE])
    )
    at = pd.Series(
        first["when"].to_numpy(), index=pd.MultiIndex.from_arrays([first[S.CHILD_ID], first[S.PERIOD_OF_CARE]])
    )
    return _step_episodes(episodes, at, seed=seed), _step_placements(placements, at)


def _when(frame: pd.DataFrame, at: pd.Series) -> pd.Series:
    """Each row's period's date in ``at`` (indexed by child id and period of care), NaT where its period has none."""
    keys = pd.MultiIndex.from_arrays([frame[S.CHILD_ID], frame[S.PERIOD_OF_CARE]])
    return pd.Series(at.reindex(keys).to_numpy(), index=frame.index)


def _step_episodes(episodes: pd.DataFrame, at: pd.Series, *, seed: int) -> pd.DataFrame:
    """Episodes cut at each period's step-down, and a foster episode from it to the period's own end."""
    when = _when(episodes, at)
    hit = when.notna()
    ending = (episodes[hit].sort_values(S.EPISODE_START).groupby([S.CHILD_ID, S.PERIOD_OF_CARE]).tail(1)).set_index(
        [S.CHILD_ID, S.PERIOD_OF_CARE]
    )
    out = episodes[~(hit & (episodes[S.EPISODE_START] >= when))].copy()
    when, hit = when[out.index], hit[out.index]
    running = hit & (out[S.EPISODE_END].isna() | (out[S.EPISODE_END] > when))
    foster = out[running].copy()
    day = when[running]
    out.loc[running, S.EPISODE_END] = day
    out.loc[running, S.REASON_CEASED] = "X1"
    out.loc[running, S.IS_EXIT] = False
    out.loc[running, S.EXIT_REASON] = ""
    out.loc[running, S.RETURN_YEAR] = pd.array(financial_year_of(day), dtype="Int64")
    # the foster episode: from the step-down to the period's own end, with that end's reason
    keys = pd.MultiIndex.from_arrays([foster[S.CHILD_ID], foster[S.PERIOD_OF_CARE]])
    foster[S.EPISODE_START] = day.to_numpy()
    for column in (S.EPISODE_END, S.REASON_CEASED, S.IS_EXIT, S.EXIT_REASON, S.RETURN_YEAR):
        foster[column] = ending[column].reindex(keys).to_numpy()
    for column, value in _FOSTER_EPISODE.items():
        foster[column] = value
    foster[S.IS_ENTRY] = False
    urn = np.random.default_rng([seed, 0x5D1]).integers(100_000, 1_000_000, len(foster))
    foster[S.URN] = [f"SC{n}" for n in urn]
    return _after_their_own(out, foster)


def _step_placements(placements: pd.DataFrame, at: pd.Series) -> pd.DataFrame:
    """True placements cut at each period's step-down, then in-house foster care to the period's end."""
    when = _when(placements, at)
    hit = when.notna()
    spells = placements[hit].groupby([S.CHILD_ID, S.PERIOD_OF_CARE])["end"]
    period_end = spells.max().where(~spells.apply(lambda e: e.isna().any()))
    out = placements[~(hit & (placements["start"] >= when))].copy()
    when, hit = when[out.index], hit[out.index]
    running = hit & (out["end"].isna() | (out["end"] > when))
    foster = out[running].copy()
    out.loc[running, "end"] = when[running]
    keys = pd.MultiIndex.from_arrays([foster[S.CHILD_ID], foster[S.PERIOD_OF_CARE]])
    foster["start"] = when[running].to_numpy()
    foster["end"] = period_end.reindex(keys).to_numpy()
    foster[S.PLACEMENT] = "inhouse_fostering"
    return _after_their_own(out, foster)


def _after_their_own(frame: pd.DataFrame, added: pd.DataFrame) -> pd.DataFrame:
    """``frame`` in its own order, each row of ``added`` just after the row it was made from (same index)."""
    order = np.r_[frame.index.to_numpy(float), added.index.to_numpy(float) + 0.5]
    out = pd.concat([frame, added], ignore_index=True)
    return out.iloc[np.argsort(order, kind="stable")].reset_index(drop=True)
