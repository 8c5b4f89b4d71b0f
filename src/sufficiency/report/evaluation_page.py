"""Write an evaluation of a brief's service: a short page, CSV tables and charts, with no child-level data."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from ..common.money import pounds
from ..evaluation.evaluate import evaluate
from ..evaluation.result import Evaluation
from ..evaluation.series import CHILD_OUTCOMES
from .brief_run import findings_section, page_start, published_findings, read_brief_inputs
from .formats import label
from .stamp import package_version

__all__ = ["EvaluationRun", "write_evaluation"]


@dataclass(frozen=True)
class EvaluationRun:
    """What :func:`write_evaluation` wrote.

    Attributes
    ----------
    files : tuple of Path
    text : str
        The headline sentences, one per evaluation.
    evaluations : dict
        ``{name: Evaluation}``: ``"no hypothesis"`` or each scenario's name.
    warnings : tuple of str
        The returns' counted data-quality problems and the warnings the
        evaluations raised (a period too short to find much), one line each;
        the page lists them too.
    """

    files: tuple[Path, ...]
    text: str
    evaluations: dict[str, Evaluation]
    warnings: tuple[str, ...] = ()


def write_evaluation(
    source: str | Path,
    out: str | Path,
    *,
    start: str,
    end: str | None = None,
    brief: str | Path | None = None,
    scenario: str | None = None,
    costs: str | Path | None = None,
    n_sims: int = 1000,
    seed: int = 1,
    placebos: int = 6,
    suppress_below: int | None = None,
    run_date: str | None = None,
) -> EvaluationRun:
    """Evaluate a service from a folder of returns and write the page, tables and charts.

    Parameters
    ----------
    source : path
        Folder of yearly SSDA903 returns.
    out : path
        Output folder (made if missing).
    start, end : str
        The service's start and the last day evaluated (default the end of
        the returns).
    brief : path, optional
        Scenarios as JSON (:func:`sufficiency.read_scenarios`): each is
        evaluated as a hypothesis, or only ``scenario`` when named.
    scenario : str, optional
    costs : path, optional
        Unit costs (:func:`sufficiency.read_unit_costs`); default the
        package's, for the ``cost`` outcome.
    n_sims, seed, placebos : int
        As for :func:`sufficiency.evaluate`.
    suppress_below : int, optional
        Counts of children under this are written ``c``, as the DfE publishes.
    run_date : str, optional
        The day of the run for the page's stamp (default today).

    Returns
    -------
    EvaluationRun
    """
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    run = read_brief_inputs(source, costs=costs, brief=brief, scenario=scenario)
    evaluations: dict[str, Evaluation] = {}
    found: dict[str, pd.DataFrame] = {}
    files: list[Path] = []
    for name, hyp in run.scenarios.items():
        with run.recording():
            ev = evaluate(
                run.data, start, end=end, hypothesis=hyp, n_sims=n_sims, seed=seed, prices=run.prices, placebos=placebos
            )
        evaluations[name] = ev
        stem = run.stem_of[name]
        summary = ev.summary()
        monthly = ev.monthly()
        found[name] = ev.detectable()
        for frame, kind in ((summary, "summary"), (monthly, "monthly"), (found[name], "detectable")):
            path = out_dir / f"evaluation_{stem}_{kind}.csv"
            _children_suppressed(frame, suppress_below).to_csv(path, index=False)
            files.append(path)
        if not ev.placebos.empty:
            path = out_dir / f"evaluation_{stem}_placebos.csv"
            _children_suppressed(ev.placebos, suppress_below).to_csv(path, index=False)
            files.append(path)
        files += _charts(ev, out_dir, stem)
    text = "\n".join(_headline(name, ev, found[name], suppress_below) for name, ev in evaluations.items())
    said = published_findings(run.said, source, costs, brief)
    page = out_dir / "evaluation.html"
    page.write_text(
        _page(
            evaluations,
            run.stem_of,
            text,
            Path(source).name,
            run_date or date.today().isoformat(),
            suppress_below,
            said,
        ),
        encoding="utf-8",
    )
    files.insert(0, page)
    return EvaluationRun(files=tuple(files), text=text, evaluations=evaluations, warnings=tuple(said))


#: Columns from which a hidden count could be worked back (``observed = effect + expected``, ``ratio × expected``,
#: and the bands and tests of the gap): hidden with it.
_DERIVED = (
    "effect",
    "effect_lower_90",
    "effect_upper_90",
    "ratio",
    "ratio_lower_90",
    "ratio_upper_90",
    "p_value",
    "bayes_factor",
)


def _children_suppressed(frame: pd.DataFrame, below: int | None) -> pd.DataFrame:
    """Counts of children from 1 to ``below - 1`` written as ``c``, with every column of their row that would give
    the count back (:data:`_DERIVED`), as the DfE suppresses a cell and the cells that reveal it (outcomes in children
    only; a table of the model's own figures, with no ``observed`` column, has none to hide)."""
    if not below or "observed" not in frame.columns:
        return frame
    small = _hidden(frame, below)
    if not small.any():
        return frame
    out = frame.copy()
    for col in ("observed", *_DERIVED):
        if col in out.columns:
            out[col] = out[col].astype(object).where(~small, "c")
    return out


def _hidden(frame: pd.DataFrame, below: int | None) -> pd.Series:
    """Rows whose count of children is from 1 to ``below - 1``, and the second rows :func:`_second_rows` adds."""
    if not below:
        return pd.Series(False, index=frame.index)
    values = pd.to_numeric(frame["observed"], errors="coerce")
    small = frame["outcome"].isin(CHILD_OUTCOMES) & values.round().between(1, below - 1)
    return small | _second_rows(frame, small) if small.any() else small


def _second_rows(frame: pd.DataFrame, small: pd.Series) -> pd.Series:
    """Rows to hide besides ``small``: where one series of a breakdown (placements, age bands, streams, moves) is
    hidden alone, its total less the rest would give it back, so its smallest other series above 0 goes too."""
    keys = [c for c in ("placebo_start", "date", "cumulative", "outcome", "group") if c in frame.columns]
    values = pd.to_numeric(frame["observed"], errors="coerce")
    more = pd.Series(False, index=frame.index)
    parts = frame["group"] != "total"
    for _, rows in frame[parts].groupby(keys, sort=False).groups.items():
        hidden = small.loc[rows]
        if int(hidden.sum()) != 1:
            continue
        shown = values.loc[rows][~hidden & (values.loc[rows] > 0)]
        if not shown.empty:
            more.loc[shown.idxmin()] = True
    return more


def _key_row(ev: Evaluation, below: int | None = None) -> tuple[pd.Series, bool]:
    """The headline's row (entries of the main stream) and whether suppression hides it."""
    s = ev.summary()
    streams = (s["group"] == "stream").any()
    pick = (s["outcome"] == "entries") & (s["value"] == ("other" if streams else "total"))
    return s[pick].iloc[0], bool(_hidden(s, below)[pick].iloc[0])


def _headline(name: str, ev: Evaluation, found: pd.DataFrame, below: int | None = None) -> str:
    """The evaluation in a few sentences; ``found`` is its :meth:`Evaluation.detectable`; a count under ``below`` is
    not given, nor what would give it back."""
    r, hidden = _key_row(ev, below)
    who = "children other than unaccompanied ones" if r["group"] == "stream" else "children"
    text = (
        f"{name}: {'a suppressed number of' if hidden else format(r['observed'], ',.0f')} {who} entered care in the "
        f"{ev.months} months after {ev.start:%d %B %Y}, against {r['expected']:,.0f} expected without the service "
        f"(90% band {r['lower_90']:,.0f} to {r['upper_90']:,.0f})"
    )
    text += (
        "; the ratio and its test are not shown, as they would give the count back."
        if hidden
        else f": {r['ratio']:.2f} times as many (90% band {r['ratio_lower_90']:.2f} to {r['ratio_upper_90']:.2f}), "
        f"p = {r['p_value']:.3f}."
    )
    d = found[(found["outcome"] == "entries") & (found["group"] == r["group"]) & (found["value"] == r["value"])].iloc[0]
    if np.isfinite(d["smallest_fall"]) and np.isfinite(d["smallest_rise"]):
        text += (
            f" Over this period the test finds a fall to {d['smallest_fall']:.2f} times the expected entries, or a "
            f"rise to {d['smallest_rise']:.2f} times, four times in five; a smaller change would most likely pass "
            "unseen."
        )
    if "bayes_factor" in r and not hidden:
        bf = float(r["bayes_factor"])
        odds = (
            f"{bf:.3g} times as likely under the brief's hypothesis as under no effect"
            if bf >= 1
            else f"{1 / bf:.3g} times as likely under no effect as under the brief's hypothesis"
        )
        text += (
            f" The brief expected {r['hypothesis_expected']:,.0f} ({r['hypothesis_lower_90']:,.0f} to "
            f"{r['hypothesis_upper_90']:,.0f}); what happened is {odds}."
        )
    fa = ev.false_alarms()
    if not fa.empty:
        part = fa[fa["group"].isin(["total", "stream"])]
        rate = float((part["false_alarm_rate"] * part["placebos"]).sum() / max(part["placebos"].sum(), 1))
        text += (
            f" Placebo starts before the real one fell outside their 90% band {rate:.0%} of the time (10% is honest)."
        )
    return text


def _charts(ev: Evaluation, out_dir: Path, stem: str) -> list[Path]:
    """The entries and stock charts as SVG, as the report writes its charts: text as text, no date, fixed ids."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    from ..plotting.evaluation import evaluation as chart

    paths = []
    with rc_context({"svg.fonttype": "none", "svg.hashsalt": "sufficiency"}):
        for outcome in ("entries", "stock"):
            fig = Figure(figsize=(8, 7), layout="constrained")
            axes = fig.subplots(2, 1, sharex=True)
            chart(ev, outcome=outcome, ax=axes)
            path = out_dir / f"evaluation_{stem}_{outcome}.svg"
            fig.savefig(path, format="svg", metadata={"Date": None})
            paths.append(path)
    return paths


def _page(
    evaluations: dict[str, Evaluation],
    stem_of: dict[str, str],
    text: str,
    source: str,
    run_date: str,
    below: int | None,
    said: list[str],
) -> str:
    parts = [
        *page_start("Evaluation of a service", "Is the service working?"),
        "<p>What happened after the service started, against what the model of care, fitted on the returns as they "
        "stood at the start, says would have happened without it. A gap outside the 90% band is unlikely to be "
        "chance; the p-value is the chance of a gap at least this large if the service did nothing.</p>",
    ]
    parts += [f"<p><strong>{html.escape(line)}</strong></p>" for line in text.splitlines()]
    for name, ev in evaluations.items():
        stem = stem_of[name]
        parts.append(f"<h2>{html.escape(name)}</h2>")
        s = ev.summary()
        keep = s["group"].isin(["total", "stream"])
        parts.append(_table(s[keep], _hidden(s, below)[keep]))
        for outcome in ("entries", "stock"):
            parts.append(
                f"<figure><img src='evaluation_{stem}_{outcome}.svg' alt='{label(outcome)}: what happened against "
                f"the counterfactual'><figcaption>{label(outcome).capitalize()}: above, month by month against the "
                "band without the service; below, the effect added up since the start with its band.</figcaption>"
                "</figure>"
            )
        for note in ev.notes:
            parts.append(f"<p>Note: {html.escape(note)}.</p>")
    parts += findings_section(said)
    first = next(iter(evaluations.values()))
    pretend = 0 if first.placebos.empty else first.placebos["placebo_start"].nunique()
    parts.append(
        f"<p><small>Made by sufficiency {html.escape(package_version())} on {html.escape(run_date)} from the "
        f"returns in {html.escape(source)} (data to {first.dates[-1]:%d %B %Y}); seed {first.seed}, "
        f"{first.simulated.shape[1]:,} simulated paths, {pretend} placebo starts. Tables by stream, placement and "
        "age band are in the CSV files beside this page; they hold counts, not children's records.</small></p>"
        "</body></html>"
    )
    return "\n".join(parts)


def _table(s: pd.DataFrame, hidden: pd.Series) -> str:
    head = ["outcome", "series", "observed", "expected (90% band)", "ratio (90% band)", "p-value"]
    rows = []
    for _, r in s.iterrows():
        money = r["outcome"] == "cost"

        def fmt(v: float, money: bool = money) -> str:
            return pounds(v) if money else f"{v:,.0f}"

        small = bool(hidden.loc[r.name])
        rows.append(
            [
                label(r["outcome"]),
                label(r["value"]),
                "c" if small else fmt(r["observed"]),
                f"{fmt(r['expected'])} ({fmt(r['lower_90'])} to {fmt(r['upper_90'])})",
                "c" if small else f"{r['ratio']:.2f} ({r['ratio_lower_90']:.2f} to {r['ratio_upper_90']:.2f})",
                "c" if small else f"{r['p_value']:.3f}",
            ]
        )
    cells = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join(
        "<tr>"
        + "".join(f"<td{' class=text' if i < 2 else ''}>{html.escape(v)}</td>" for i, v in enumerate(r))
        + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>"
