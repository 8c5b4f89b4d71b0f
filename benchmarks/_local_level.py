"""A CausalImpact-style peer for the evaluation benchmark: a local level on clean monthly counts of entries.

CausalImpact (Brodersen et al. 2015) with no control series is a structural
time series: the monthly count is a level that walks plus noise. The level
and noise variances are fitted by maximum likelihood on the months before the
start (statsmodels' ``UnobservedComponents``, the model Python ports of
CausalImpact use), or the level's standard deviation is held at 0.01 of the
series' own, which is CausalImpact's default prior. The counterfactual of the
period's total is the sum of the forecast months: its variance is the end
level's filtered variance times the months squared, plus the walk's
increments weighted by the months they carry, plus the noise of each month.
The counts are the generator's own, with no messy returns between them and
the method: a peer with a cleaner view of the data than the library has.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy.stats import norm
from statsmodels.tsa.statespace.structural import UnobservedComponents

import sufficiency as sf

__all__ = ["PEERS", "local_level", "monthly_entries"]

#: The peer's two forms: the level's variance fitted, or held at CausalImpact's default prior.
PEERS = {"fitted level": None, "level sd 0.01 (CausalImpact's default)": 0.01}


def monthly_entries(county: sf.datasets.SimulatedCounty, first: str, last: str) -> pd.Series:
    """Entries of children other than unaccompanied ones by calendar month, from the generator's own episodes."""
    e = county.episodes
    is_entry = e["is_entry"].astype(bool) & ~e["uasc"].fillna(False).astype(bool)
    months = e.loc[is_entry, "episode_start"].dt.to_period("M").value_counts()
    return months.reindex(pd.period_range(first, last, freq="M"), fill_value=0).astype(float)


def local_level(series: pd.Series, start: str, *, months: int, level_sd: float | None) -> dict[str, float]:
    """The peer's test of the months from ``start``: ratio observed ÷ expected, its 90% interval and p.

    Parameters
    ----------
    series : pandas.Series
        Monthly counts by period [children/month].
    start : str
        First month of the service (``YYYY-MM``).
    months : int
        Months evaluated from the start.
    level_sd : float or None
        The level's standard deviation as a share of the series' own before
        the start, held fixed; ``None`` fits it.

    Returns
    -------
    dict
        ``ratio``, ``ratio_lower_90``, ``ratio_upper_90`` and ``p_value`` (two-sided).
    """
    first = pd.Period(start, freq="M")
    before = series[series.index < first].to_numpy()
    observed = float(series[(series.index >= first) & (series.index < first + months)].sum())
    model = UnobservedComponents(before, level="llevel")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter of the optimiser
        if level_sd is None:
            result = model.fit(disp=False)
        else:
            with model.fix_params({"sigma2.level": (level_sd * before.std()) ** 2}):
                result = model.fit(disp=False)
    params = dict(zip(model.param_names, np.asarray(result.params, dtype=float)))
    noise, walk = params["sigma2.irregular"], params["sigma2.level"]
    end_level = float(result.filtered_state[0, -1])
    end_var = float(result.filtered_state_cov[0, 0, -1])
    carried = np.arange(months, 0, -1, dtype=float)  # the walk's step h reaches months - h + 1 of the months
    expected = months * end_level
    sd = float(np.sqrt(months**2 * end_var + walk * (carried**2).sum() + months * noise))
    z = (observed - expected) / sd
    low, high = expected - norm.ppf(0.95) * sd, expected + norm.ppf(0.95) * sd
    return {
        "ratio": observed / expected,
        "ratio_lower_90": observed / high if high > 0 else np.nan,
        "ratio_upper_90": observed / low if low > 0 else np.inf,
        "p_value": float(2 * norm.sf(abs(z))),
    }
