"""Plan the evaluation of a brief before its service starts: a page, and a table, chart and sentence per scenario."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from ..common.dates import day
from ..common.money import pounds
from ..evaluation.planning import FEWEST, plan_evaluation, plan_highlights
from ..evaluation.series import CHILD_OUTCOMES
from .brief_run import findings_section, page_start, published_findings, read_brief_inputs
from .stamp import package_version

__all__ = ["PlanRun", "write_plan"]


@dataclass(frozen=True)
class PlanRun:
    """What :func:`write_plan` wrote.

    Attributes
    ----------
    files : tuple of Path
        ``plan.html`` first, then each plan's CSV table and SVG chart.
    text : str
        One sentence per plan.
    plans : dict
        ``{name: table}``: ``"no hypothesis"`` or each scenario's name, each
        :func:`sufficiency.plan_evaluation`'s table.
    warnings : tuple of str
        The returns' counted data-quality problems and warnings raised on the
        way, one line each; the page lists them too.
    """

    files: tuple[Path, ...]
    text: str
    plans: dict[str, pd.DataFrame]
    warnings: tuple[str, ...] = ()


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
    run_date: str | None = None,
) -> PlanRun:
    """Plan the evaluation of each of a brief's scenarios from a folder of returns: a page, tables and charts.

    Parameters
    ----------
    source : path
        Folder of yearly SSDA903 returns.
    out : path
        Output folder (made if missing): ``plan.html``, and for each plan
        ``plan_<scenario>.csv`` (every series) and ``plan_<scenario>.svg``
        (the page's chart).
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
    run_date : str, optional
        The day of the run for the page's stamp (default today).

    Returns
    -------
    PlanRun
    """
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    run = read_brief_inputs(source, costs=costs, brief=brief, scenario=scenario)
    plans: dict[str, pd.DataFrame] = {}
    files: list[Path] = []
    for name, hyp in run.scenarios.items():
        with run.recording():
            plan = plan_evaluation(
                run.data, months=months, start=start, hypothesis=hyp, n_sims=n_sims, seed=seed, prices=run.prices
            )
        plans[name] = plan
        path = out_dir / f"plan_{run.stem_of[name]}.csv"
        plan.to_csv(path, index=False)
        files += [path, _chart(plan_highlights(plan), out_dir / f"plan_{run.stem_of[name]}.svg")]
    data = run.data
    start_day = data.censor_date if start is None else day(start, "start")
    text = "\n".join(_sentence(name, plan, months, start_day) for name, plan in plans.items())
    said = published_findings(run.said, source, costs, brief)
    page = out_dir / "plan.html"
    stamp = (
        f"Made by sufficiency {package_version()} on {run_date or date.today().isoformat()} from the returns in "
        f"{Path(source).name} (data to {data.censor_date:%d %B %Y}); seed {seed}, {n_sims:,} simulated paths."
    )
    page.write_text(_page(plans, run.stem_of, text, months, start_day, said, stamp), encoding="utf-8")
    return PlanRun(files=(page, *files), text=text, plans=plans, warnings=tuple(said))


def _chart(rows: pd.DataFrame, path: Path) -> Path:
    """The plan's chart as SVG, as the report writes its charts: text as text, no date, fixed ids."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    from ..plotting.evaluation import evaluation_plan

    with rc_context({"svg.fonttype": "none", "svg.hashsalt": "sufficiency"}):
        fig = Figure(figsize=(9, 1.4 + 0.45 * len(rows)), layout="constrained")
        evaluation_plan(rows, ax=fig.subplots())
        fig.savefig(path, format="svg", metadata={"Date": None})
    return path


def _page(
    plans: dict[str, pd.DataFrame],
    stem_of: dict[str, str],
    text: str,
    months: int,
    start: pd.Timestamp,
    said: list[str],
    stamp: str,
) -> str:
    parts = [
        *page_start("Planning the evaluation of a service", "Could an evaluation tell whether the service works?"),
        f"<p>Before the service starts: how large a change in each count an evaluation of the {months} months after "
        f"{start:%d %B %Y} would find four times in five, judged against what the model of care, fitted on the "
        "returns as they stand, says would happen without the service (the band an evaluation will use, widened as "
        "its pretend starts showed it must be). With a brief, the chance that the evaluation confirms what the brief "
        "expects, if the brief is right. A change smaller than these would most likely pass unseen: choose a longer "
        "period, a count the service moves more, or promise the board less.</p>",
    ]
    parts += [f"<p><strong>{html.escape(line)}</strong></p>" for line in text.splitlines()]
    for name, plan in plans.items():
        rows = plan_highlights(plan)
        parts.append(f"<h2>{html.escape(name)}</h2>")
        parts.append(_table(rows))
        parts.append(
            f"<figure><img src='plan_{stem_of[name]}.svg' alt='{html.escape(name)}: changes an evaluation would miss'>"
            "<figcaption>Grey: changes an evaluation would most likely miss. Diamonds: what the brief expects, with "
            f"the chance the evaluation confirms it. Every series is in plan_{stem_of[name]}.csv.</figcaption></figure>"
        )
    parts += findings_section(said)
    parts.append(
        f"<p><small>{html.escape(stamp)} The page holds the model's figures only, no child's record.</small></p>"
    )
    parts.append("</body></html>")
    return "\n".join(parts)


def _table(rows: pd.DataFrame) -> str:
    brief = "hypothesis_ratio" in rows
    head = ["series", "expected without the service", "smallest fall found 4 in 5", "smallest rise found 4 in 5"]
    head += ["the brief expects", "chance an evaluation confirms it"] if brief else []
    body = []
    for _, r in rows.iterrows():
        money = r["outcome"] == "cost"
        cells = [
            _describe(r["outcome"], r["group"], r["value"]),
            pounds(r["expected"]) if money else f"{r['expected']:,.0f}",
            f"×{r['smallest_fall']:.2f}" if np.isfinite(r["smallest_fall"]) else "none",
            f"×{r['smallest_rise']:.2f}" if np.isfinite(r["smallest_rise"]) else "none",
        ]
        if brief:
            cells += [f"×{r['hypothesis_ratio']:.2f}", f"{r['chance_found']:.0%}"]
        body.append(
            "<tr>" + "".join(f"<td{' class=text' if i == 0 else ''}>{html.escape(c)}</td>" for i, c in enumerate(cells))
        )
    heads = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    return f"<table><thead><tr>{heads}</tr></thead><tbody>{''.join(b + '</tr>' for b in body)}</tbody></table>"


_NOUNS = {
    "entries": "entries to care",
    "exits": "exits from care",
    "moves": "moves between placements",
    "stock": "children in care at the end",
    "child_days": "days in care",
    "cost": "cost of placements",
}


def _describe(outcome: str, group: str, value: str) -> str:
    if group == "move":
        return f"moves {value}"
    noun = _NOUNS.get(outcome, outcome.replace("_", " "))
    if group == "stream":
        return f"{noun} ({'children other than unaccompanied ones' if value == 'other' else 'unaccompanied children'})"
    if group == "age_band":
        return f"{noun} (children aged {value})"
    if group == "placement":
        return f"{noun} ({value.replace('_', ' ')})"
    return noun


def _key_row(plan: pd.DataFrame) -> tuple[pd.Series, bool]:
    """The row the sentence is about, and whether the brief moves any count of children.

    With a brief, the count of children (other than unaccompanied ones) the brief moves most, among those expecting at
    least :data:`~sufficiency.evaluation.planning.FEWEST` children; else the main stream's entries.
    """
    streams = (plan["group"] == "stream").any()
    entries = plan[(plan["outcome"] == "entries") & (plan["value"] == ("other" if streams else "total"))].iloc[0]
    if "hypothesis_ratio" not in plan:
        return entries, False
    rows = plan[plan["outcome"].isin(CHILD_OUTCOMES) & (plan["value"] != "uasc") & (plan["expected"] >= FEWEST)]
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
