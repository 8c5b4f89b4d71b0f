"""A seeded synthetic county: children's journeys through care, with known truth.

The generator is deliberately *not* the model the library fits. It has:

* duration dependence: each period of care has a length drawn at entry from
  a short-stay / long-stay mixture, and placements last a Weibull time with
  a falling hazard, so the chance of leaving or moving depends on time
  already spent;
* sibling groups who enter together, share a first placement and leave
  together;
* a trend change in entries (flat, then rising), a rising share of entries
  aged 16+, a rising share of residential care for older children;
* seasonality in entries, a pandemic dip (fewer entries, court-based exits
  delayed) from April 2020 to March 2021;
* a surge of unaccompanied asylum-seeking children (UASC) from 2021-22;
* re-entries after returning home, exits at 18, adoption pathways, legal
  status changes and changes of placement status with the same carer (new
  episodes that are not moves), and short temporary (respite) placements.

Every setting is calibrated to a published figure, listed with its source
in ``docs/calibration.md`` of the repository: for example Leicestershire had
469 children looked after at 31 March 2016 and 694 at 31 March 2025 with
244 to 311 starts a year (DfE *Children looked after in England*, council
tables); nationally 16+ starters rose from 12% (2011) to 29% (2024) of
starts, 14% of 2024 leavers had been in care under 8 weeks and 39% left on
their 18th birthday. Settings no figure pins down are marked as assumptions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..common import schema as S
from ..common.dates import DateLike, day
from ..ingest.taxonomy import ordered_categories
from .episodes import child_id_of, children_of, episodes_of, placement_spells, true_placements, truncate_returns
from .journeys import first_entries, re_entries
from .parameters import CountyParameters
from .service import Service, end_sooner, prevented_periods, sooner_ends, stepped_down

__all__ = ["CountyParameters", "Service", "SimulatedCounty", "simulate_county"]


@dataclass(frozen=True)
class SimulatedCounty:
    """A simulated county with its ground truth.

    Attributes
    ----------
    episodes : pandas.DataFrame
        True episodes (canonical columns), cut at ``censor_date``: episodes
        still running then have no end. Includes history before the first
        return.
    children : pandas.DataFrame
        One row per child: ``child_id``, ``date_of_birth``, ``sex``,
        ``ethnicity``, ``uasc``, ``uasc_ceased``.
    placements : pandas.DataFrame
        The generator's own record of where each child was: one row per
        placement spell, ``child_id``, ``period_of_care``, ``start`` and
        ``end`` (the child is in care in the spell at the end of each day
        ``start <= d < end``; ``end`` is NaT for spells running at
        ``censor_date``), ``placement``, ``date_of_birth``, ``uasc``. It is
        kept apart from the episodes (which add legal-status changes,
        respite and the returns' codes), so counts from it are a truth the
        library's readers and counters did not make.
    parameters : CountyParameters
    seed : int
    coverage_start, censor_date : pandas.Timestamp
        First and last day the returns describe.
    service : Service or None
        The service the county ran, if any: the same seed without it is the
        county's true counterfactual.
    """

    episodes: pd.DataFrame
    children: pd.DataFrame
    placements: pd.DataFrame
    parameters: CountyParameters
    seed: int
    coverage_start: pd.Timestamp
    censor_date: pd.Timestamp
    service: Service | None = None

    def true_stock(self, dates: Iterable[DateLike] | DateLike, *, by: tuple[str, ...] = ("placement",)) -> pd.DataFrame:
        """Children in care at the end of each date, counted day by day from :attr:`placements`.

        Parameters
        ----------
        dates : date or sequence of dates
            Count dates, up to ``censor_date``.
        by : tuple of str
            Any of ``"placement"``, ``"age"`` (completed years on the date;
            a 29 February birthday falls on 1 March in common years),
            ``"uasc"``; ``()`` for totals.

        Returns
        -------
        pandas.DataFrame
            ``date``, the ``by`` columns and ``children`` [children]; with
            ``by=("placement",)`` every category the county used appears at
            every date (zeros included), in the taxonomy's order.
        """
        asked = [dates] if isinstance(dates, str) or not isinstance(dates, Iterable) else list(dates)
        days = pd.DatetimeIndex([day(d, "date") for d in asked])
        spells = self.placements
        start = spells["start"].to_numpy("datetime64[ns]")
        end = spells["end"].fillna(self.censor_date + pd.Timedelta(days=1)).to_numpy("datetime64[ns]")
        dob = pd.DatetimeIndex(spells[S.DATE_OF_BIRTH])
        parts = []
        for when in days:
            here = (start <= when.to_datetime64()) & (end > when.to_datetime64())
            frame = spells.loc[here, [S.PLACEMENT, S.UASC]].copy()
            born = dob[here]
            before_birthday = (when.month < born.month) | ((when.month == born.month) & (when.day < born.day))
            frame[S.AGE] = when.year - born.year - before_birthday.astype(int)
            if not by:
                parts.append(pd.DataFrame({S.DATE: [when], S.CHILDREN: [len(frame)]}))
                continue
            counts = frame.groupby(list(by)).size().rename(S.CHILDREN)
            if tuple(by) == (S.PLACEMENT,):
                counts = counts.reindex(ordered_categories(spells[S.PLACEMENT]), fill_value=0).rename_axis(S.PLACEMENT)
            parts.append(counts.reset_index().assign(**{S.DATE: when}))
        out = pd.concat(parts, ignore_index=True)
        return out[[S.DATE, *by, S.CHILDREN]]


def simulate_county(
    *, seed: int = 903, parameters: CountyParameters | None = None, service: Service | None = None
) -> SimulatedCounty:
    """Simulate a county's children in care.

    Parameters
    ----------
    seed : int
        Seed of the random generator; the same seed gives the same county.
    parameters : CountyParameters, optional
        Settings; defaults give roughly 500 children in care at 31 March
        2016 rising to about 750 by 2025.
    service : Service, optional
        A service from a date that keeps some children out of care, brings them home sooner or steps them down
        from residential care (see
        :mod:`sufficiency.datasets.service`): the county is the same until
        its start, and ``simulate_county(seed=seed)`` is what would have
        happened without it.

    Returns
    -------
    SimulatedCounty
        Write it as SSDA903 returns with :func:`sufficiency.write_returns`.

    Raises
    ------
    ValueError
        For a seed that is not a whole number, 0 or more.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a whole number, 0 or more, not {seed!r}")
    p = parameters or CountyParameters()
    rng = np.random.default_rng(seed)
    censor = pd.Timestamp(year=p.last_year, month=3, day=31)
    coverage = pd.Timestamp(year=p.first_year - 1, month=4, day=1)
    sim_start = pd.Timestamp(year=p.first_year - 20, month=4, day=1)
    kids = first_entries(rng, p, sim_start, censor)
    periods = [kids]
    generation = kids
    for _ in range(4):
        generation = re_entries(rng, p, generation, censor)
        if generation.empty:
            break
        periods.append(generation)
    periods_df = pd.concat(periods, ignore_index=True)
    periods_df["period_id"] = np.arange(len(periods_df))
    segments = placement_spells(rng, periods_df)
    episodes = episodes_of(rng, p, periods_df, segments)
    children = children_of(periods_df)
    episodes = truncate_returns(episodes, censor, children, p)
    placements = true_placements(periods_df, segments, censor)
    if service is not None:
        gone = periods_df.loc[prevented_periods(periods_df, service, seed=seed), ["child", "episode_no"]]
        gone_keys = pd.MultiIndex.from_arrays([child_id_of(gone["child"].to_numpy()), gone["episode_no"].to_numpy()])

        def kept(frame: pd.DataFrame) -> pd.DataFrame:
            keys = pd.MultiIndex.from_arrays([frame[S.CHILD_ID], frame[S.PERIOD_OF_CARE]])
            return frame[~keys.isin(gone_keys)].reset_index(drop=True)

        episodes, placements = kept(episodes), kept(placements)
        never = child_id_of(gone.loc[gone["episode_no"] == 1, "child"].to_numpy())
        children = children[~children[S.CHILD_ID].isin(never)].reset_index(drop=True)
        sooner = sooner_ends(periods_df, service)
        sooner = sooner[sooner.notna() & (sooner <= censor)]
        at = periods_df.loc[sooner.index]
        new_end = pd.Series(
            sooner.to_numpy(),
            index=pd.MultiIndex.from_arrays([child_id_of(at["child"].to_numpy()), at["episode_no"].to_numpy()]),
        )
        episodes = end_sooner(episodes, new_end, start=S.EPISODE_START, end=S.EPISODE_END, episodes=True)
        placements = end_sooner(placements, new_end, start="start", end="end", episodes=False)
        episodes, placements = stepped_down(episodes, placements, service, seed=seed, censor=censor)
    return SimulatedCounty(
        episodes=episodes,
        children=children,
        placements=placements,
        parameters=p,
        seed=seed,
        coverage_start=coverage,
        censor_date=censor,
        service=service,
    )
