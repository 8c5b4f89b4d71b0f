"""A service that starts on a date in the synthetic county: known truth for evaluating a brief.

The service thins entries to care: each family entering on or after the
start (children other than unaccompanied ones, of the ages it works with)
stays out of care with chance ``1 - entry_factor``, decided by a uniform
from a random stream of the service's own. Everything the county generator
draws is drawn first, as without the service; the periods of care the
service prevents (and any later period of the same child, who was never in
care to return to it) are then removed. So the county before the start is
unchanged, and the same seed without the service is the true
counterfactual: entries with the service ÷ entries without it is the true
ratio.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..common.dates import DateLike, age_at

__all__ = ["Service", "prevented_periods"]


@dataclass(frozen=True)
class Service:
    """A service from a date that keeps some children out of care.

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
    """

    start: DateLike
    entry_factor: float = 1.0
    ages: tuple[int, int] = (0, 17)

    def __post_init__(self) -> None:
        if not 0.0 <= float(self.entry_factor) <= 1.0:
            raise ValueError(
                f"entry_factor {self.entry_factor}: a service prevents entries, so give a share between 0 and 1"
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
    entry = periods["entry"].to_numpy("datetime64[ns]")
    # one uniform per family entering on a day, in a fixed order, whatever the service's settings
    groups = pd.MultiIndex.from_arrays([periods["family"].to_numpy(), entry])
    order = groups.unique().sort_values()
    u = np.random.default_rng([seed, 0x5E2]).random(len(order))[order.get_indexer(groups)]
    age = age_at(periods["dob"].to_numpy("datetime64[ns]"), entry)
    lo, hi = service.ages
    acted_on = (entry >= start) & ~periods["uasc"].to_numpy(bool) & (age >= lo) & (age <= hi)
    prevented = acted_on & (u >= float(service.entry_factor))
    first_prevented = (
        pd.Series(np.where(prevented, periods["episode_no"].to_numpy(), np.iinfo(np.int64).max))
        .groupby(periods["child"].to_numpy())
        .transform("min")
        .to_numpy()
    )
    return periods["episode_no"].to_numpy() >= first_prevented
