"""Before a service starts: how large a change an evaluation could find, and the chance it finds the brief's.

An evaluation (:func:`~sufficiency.evaluation.evaluate.evaluate`) judges what
happened against the counterfactual's widened band. Before the service
starts, the same counterfactual, fitted on the returns the council holds and
projected over the period the evaluation will cover, already says how wide
that band will be, so how large a change the test can tell from chance
(:meth:`Evaluation.detectable`), and with the brief's levers the chance that
the test finds the effect the brief claims. A design team can then choose
the period, or see that the brief's effect is too small for the council's
numbers to show, before it promises the board an answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..common.dates import DateLike, day
from ..common.errors import SchemaError
from ..finance.prices import Prices
from ..ingest.returns import SSDA903Data
from ..scenarios.scenario import Scenario
from .bands import p_values
from .evaluate import check_history, counterfactual_evaluation, options
from .result import check_power, period_values
from .series import CHILD_OUTCOMES
from .widening import Widening, default_widening

__all__ = ["FEWEST", "plan_evaluation", "plan_highlights"]


def plan_evaluation(
    data: SSDA903Data,
    *,
    months: int = 36,
    start: DateLike | None = None,
    hypothesis: Scenario | None = None,
    power: float = 0.8,
    alpha: float = 0.05,
    n_sims: int = 1000,
    seed: int | None = None,
    prices: Prices | pd.DataFrame | None = None,
    fit_options: Mapping[str, Any] | None = None,
    project_options: Mapping[str, Any] | None = None,
    widening: Widening | None = None,
) -> pd.DataFrame:
    """How large a change an evaluation over ``months`` from ``start`` could find, and the chance it finds the brief's.

    The counterfactual is the one :func:`sufficiency.evaluate` would make
    (the model fitted on the returns as they stood at ``start``, projected
    from the stock then), over the ``months`` the evaluation will cover, which
    may run past the end of the returns. Its widened paths give each
    outcome's smallest detectable fall and rise
    (:meth:`Evaluation.detectable`: an evaluation from ``start`` to the same
    end, with the same seed, reports the same figures). With the brief's
    ``hypothesis``, each outcome's paths under its levers (paired with the
    counterfactual's, widened alike) stand for what the evaluation would
    observe if the brief were right, and ``chance_found`` is the share of
    them whose two-sided ``p_value`` against the counterfactual is below
    ``alpha``: the power of the evaluation to confirm the brief.

    Parameters
    ----------
    data : SSDA903Data
        The council's returns.
    months : int
        Months the evaluation will cover from the start [months], 1 or more
        (default three years).
    start : date, optional
        The service's start (default the end of the returns); on or before
        the end of the returns, with at least two years of returns before it.
    hypothesis : Scenario, optional
        The brief's levers.
    power : float
        Chance of finding the change [fraction, 0-1] for the smallest
        detectable change.
    alpha : float
        Two-sided significance level of the evaluation's test [fraction, 0-1].
    n_sims : int
        Paths of the counterfactual (and of the hypothesis).
    seed : int, optional
    prices : Prices or pandas.DataFrame, optional
        As :func:`sufficiency.evaluate` takes them: adds the ``cost`` outcome [£].
    fit_options, project_options : mapping, optional
        As for :func:`sufficiency.evaluate`.
    widening : Widening, optional
        The bands' widening (default the shipped factors, as an evaluation uses).

    Returns
    -------
    pandas.DataFrame
        One row per series, as :meth:`Evaluation.detectable`: ``outcome``,
        ``group``, ``value``, ``expected`` (the counterfactual's mean over the
        period, in the outcome's units), ``smallest_fall`` and
        ``smallest_rise`` [ratio]; with a hypothesis also
        ``hypothesis_expected`` (the mean under the brief's levers),
        ``hypothesis_ratio`` (that ÷ ``expected``) and ``chance_found``
        [fraction] (near ``alpha`` for a series the brief does not move: the
        test's false-alarm rate).

    Raises
    ------
    SchemaError
        If ``start`` is after the end of the returns, or fewer than two years
        of returns come before it.
    ValueError
        For ``months`` below 1, a start that is not a date, ``power`` or
        ``alpha`` outside (0, 1), unknown project options, a hypothesis that
        is not a scenario, or levers that do not fit the model.
    """
    if not isinstance(data, SSDA903Data):
        raise TypeError("plan_evaluation needs the returns as read by sufficiency.read_ssda903 (an SSDA903Data)")
    if isinstance(months, bool) or not isinstance(months, (int, np.integer)) or months < 1:
        raise ValueError(f"months must be a whole number of months, 1 or more, not {months!r}")
    check_power(power, alpha)
    start_ts = data.censor_date if start is None else day(start, "start")
    if start_ts > data.censor_date:
        raise SchemaError(
            f"start {start_ts.date()} is after the end of the returns ({data.censor_date.date()}): the stock at the "
            "start is not known; plan from the end of the returns",
            file="<returns>",
            rule="start_after_data",
        )
    check_history(data, start_ts)
    fopts, popts = options(data, hypothesis, fit_options, project_options)
    end = start_ts + pd.offsets.MonthEnd(int(months))
    _, ev = counterfactual_evaluation(
        data,
        start_ts,
        end,
        hypothesis,
        n_sims=n_sims,
        seed=seed,
        fit_options=fopts,
        project_options=popts,
        prices=prices,
        widening=default_widening() if widening is None else widening,
    )
    out = ev.detectable(power=power, alpha=alpha)
    if ev.hypothesis is None:
        return out
    found, means = [], []
    for i, (outcome, _, _) in enumerate(ev.keys):
        null = period_values(ev, ev.simulated[i], outcome)
        brief = period_values(ev, ev.hypothesis[i], outcome)
        found.append(float((p_values(null, brief) < alpha).mean()))
        means.append(float(brief.mean()))
    out["hypothesis_expected"] = means
    out["hypothesis_ratio"] = np.divide(
        out["hypothesis_expected"], out["expected"], out=np.full(len(out), np.nan), where=out["expected"] > 0
    )
    out["chance_found"] = found
    return out


#: Fewest children a series must expect to be among a plan's highlights [children].
FEWEST = 5


def plan_highlights(plan: pd.DataFrame, *, limit: int = 8) -> pd.DataFrame:
    """The rows of a plan a reader should see first.

    Parameters
    ----------
    plan : pandas.DataFrame
        :func:`plan_evaluation`'s table.
    limit : int
        Most rows kept.

    Returns
    -------
    pandas.DataFrame
        With a brief, the series it moves (its expected count at least 1%
        off the counterfactual's), unaccompanied children's stream and
        counts of children expecting fewer than :data:`FEWEST` left out,
        the likeliest to be confirmed first. Without a brief, or when the
        brief moves no series, the entries, exits, moves and stock of
        children other than unaccompanied ones (of all children when the
        returns flag none). The plan's own index and columns.
    """
    streams = bool((plan["group"] == "stream").any())
    main = plan[plan["value"] == ("other" if streams else "total")]
    main = main[main["group"] == ("stream" if streams else "total")]
    main = main[main["outcome"].isin(CHILD_OUTCOMES)]
    if "hypothesis_ratio" not in plan:
        return main.head(limit)
    ratio = plan["hypothesis_ratio"]
    moved = (ratio == 0) | (np.abs(np.log(ratio.where(ratio > 0))) >= np.log(1.01)).fillna(False)
    small = plan["outcome"].isin(CHILD_OUTCOMES) & (plan["expected"] < FEWEST)
    rows = plan[moved & ~small & (plan["value"] != "uasc")]
    if rows.empty:
        return main.head(limit)
    return rows.sort_values("chance_found", ascending=False, kind="stable").head(limit)
