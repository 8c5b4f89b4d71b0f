"""Plan the evaluation of a brief before its service starts: a table and a sentence per scenario, no child data."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..evaluation.evaluate import day
from ..evaluation.planning import plan_evaluation
from ..finance.prices import Prices
from ..finance.readers import read_unit_costs
from ..ingest.returns import read_ssda903
from .evaluation_page import brief_hypotheses, slug

__all__ = ["PlanRun", "write_plan"]


@dataclass(frozen=True)
class PlanRun:
    """What :func:`write_plan` wrote.

    Attributes
    ----------
    files : tuple of Path
    text : str
        One sentence per plan.
    plans : dict
        ``{name: table}``: ``"no hypothesis"`` or each scenario's name, each
        :func:`sufficiency.plan_evaluation`'s table.
    """

    files: tuple[Path, ...]
    text: str
    plans: dict[str, pd.DataFrame]


def write_plan(
    source: str | Path,
    out: str | Path,
    *,
    months: int = 36,
    start: str | None = None,
    brief: str | Path | None = None,
    scenario: str | None = None,
    costs: str | Path | None = None,
    n_sims: int = 1000,
    seed: int = 1,
) -> PlanRun:
    """Plan the evaluation of each of a brief's scenarios from a folder of returns and write a table for each.

    Parameters
    ----------
    source : path
        Folder of yearly SSDA903 returns.
    out : path
        Output folder (made if missing); one ``plan_<scenario>.csv`` per plan.
    months : int
        Months the evaluation will cover [months].
    start : str, optional
        The service's start (default the end of the returns).
    brief : path, optional
        Scenarios as JSON (:func:`sufficiency.read_scenarios`): each is
        planned as a hypothesis, or only ``scenario`` when named.
    scenario : str, optional
    costs : path, optional
        Unit costs (:func:`sufficiency.read_unit_costs`); default the
        package's, for the ``cost`` outcome.
    n_sims, seed : int
        As for :func:`sufficiency.plan_evaluation`.

    Returns
    -------
    PlanRun
    """
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    data = read_ssda903(source)
    prices = Prices(unit_costs=None if costs is None else read_unit_costs(costs))
    plans: dict[str, pd.DataFrame] = {}
    files: list[Path] = []
    for hyp in brief_hypotheses(brief, scenario):
        name = "no hypothesis" if hyp is None else hyp.name
        plan = plan_evaluation(
            data, months=months, start=start, hypothesis=hyp, n_sims=n_sims, seed=seed, prices=prices
        )
        plans[name] = plan
        path = out_dir / f"plan_{slug(name)}.csv"
        plan.to_csv(path, index=False)
        files.append(path)
    start_day = data.censor_date if start is None else day(start, "start")
    text = "\n".join(_sentence(name, plan, months, start_day) for name, plan in plans.items())
    return PlanRun(files=tuple(files), text=text, plans=plans)


_NOUNS = {
    "entries": "entries to care",
    "exits": "exits from care",
    "moves": "moves between placements",
    "stock": "children in care at the end",
}


def _describe(outcome: str, group: str, value: str) -> str:
    if group == "move":
        return f"moves {value}"
    noun = _NOUNS[outcome]
    if group == "stream":
        return f"{noun} (children other than unaccompanied ones)"
    if group == "age_band":
        return f"{noun} (children aged {value})"
    if group == "placement":
        return f"{noun} ({value.replace('_', ' ')})"
    return noun


#: Fewest children a series must expect for the sentence to be about it [children].
_FEWEST = 5


def _key_row(plan: pd.DataFrame) -> tuple[pd.Series, bool]:
    """The row the sentence is about, and whether the brief moves any count of children.

    With a brief, the count of children (other than unaccompanied ones) the brief moves most, among those expecting at
    least :data:`_FEWEST` children; else the main stream's entries.
    """
    streams = (plan["group"] == "stream").any()
    entries = plan[(plan["outcome"] == "entries") & (plan["value"] == ("other" if streams else "total"))].iloc[0]
    if "hypothesis_ratio" not in plan:
        return entries, False
    rows = plan[plan["outcome"].isin(list(_NOUNS)) & (plan["value"] != "uasc") & (plan["expected"] >= _FEWEST)]
    shift = np.abs(np.log(rows["hypothesis_ratio"].where(rows["hypothesis_ratio"] > 0))).fillna(0.0)
    if rows.empty or float(shift.max()) < 1e-6:
        return entries, False
    return rows.loc[shift.idxmax()], True


def _sentence(name: str, plan: pd.DataFrame, months: int, start: pd.Timestamp) -> str:
    """The plan in a sentence or two, for the series the brief moves most."""
    r, moved = _key_row(plan)
    text = (
        f"{name}: {_describe(r['outcome'], r['group'], r['value'])} in the {months} months after {start:%d %B %Y}: "
        f"{r['expected']:,.0f} expected without the service; an evaluation finds a "
    )
    rise = f"rise to {r['smallest_rise']:.2f} times that"
    if np.isfinite(r["smallest_fall"]):
        text += f"fall to {r['smallest_fall']:.2f} times that, or a {rise}, four times in five."
    else:
        text += f"{rise} four times in five."
    if "chance_found" in plan and not moved:
        text += (
            " The brief's levers change no count of children (they change prices, routes or places), so an evaluation "
            "of these counts cannot confirm it (its savings are in what each placement costs)."
        )
    elif "chance_found" in plan:
        text += (
            f" The brief expects {r['hypothesis_ratio']:.2f} times as many; if it is right, the evaluation confirms it "
            f"with a chance of {r['chance_found']:.0%}."
        )
    return text
