"""Write a report of a dataset to a folder (CSV tables and a text summary)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import schema as S
from .datasets.sample import sample_path
from .ingest import SSDA903Data, read_ssda903
from .projection import Projection, project
from .quality import summarise_quality
from .rates import fit
from .stock import stock
from .summary import march_stock, yearly_flows


@dataclass(frozen=True)
class Report:
    """What :func:`write_report` produced.

    Attributes
    ----------
    text : str
        Plain-text summary.
    files : tuple of pathlib.Path
        Files written.
    """

    text: str
    files: tuple[Path, ...]


def summary_text(data: SSDA903Data, projection: Projection | None = None) -> str:
    """Short plain-text summary of stock, flows and (if given) the forecast.

    Parameters
    ----------
    data : SSDA903Data
    projection : Projection, optional

    Returns
    -------
    str
    """
    coarse = march_stock(data, by=(S.PLACEMENT_COARSE,))
    years = yearly_flows(data)
    quality = summarise_quality(data.quality)
    problems = quality[quality["severity"] != "info"]
    lines = [
        (f"SSDA903 returns {min(data.years) - 1}-{str(min(data.years))[-2:]} to {max(data.years) - 1}-{str(max(data.years))[-2:]}: "
        f"{data.episodes[S.CHILD_ID].nunique():,} children, {len(data.episodes):,} episodes"),
        "",
        "Children looked after at 31 March",
        coarse.rename(index=lambda d: d.strftime("%Y-%m-%d")).to_string(),
        "",
        "Entries and exits by year (April to March)",
        years.assign(year=years[S.PERIOD_END].dt.strftime("%Y"))[["year", S.STOCK_START, S.ENTRIES, S.EXITS, S.STOCK_END]].to_string(index=False),
        "",
        f"Data quality: {int(problems['n_rows'].sum()) if len(problems) else 0} rows with problems survived"
        + ("" if problems.empty else ":\n" + problems[["severity", "rule", "column", "n_rows", "action"]].to_string(index=False)),
    ]
    if projection is not None:
        frame = projection.summary_frame(level=(80,))
        total = frame[frame["group"] == "total"].iloc[[12, 24, 36, 48, 60]] if len(projection.dates) > 60 else frame[frame["group"] == "total"]
        lines += [
            "",
            f"Forecast of children looked after (multi-state model, {projection.draws.shape[0]:,} simulations, 80% intervals)",
            total.assign(date=total["date"].dt.strftime("%Y-%m-%d"))[["date", "mean", "lower_80", "upper_80"]].round(0).to_string(index=False),
        ]
    return "\n".join(lines)


def write_report(source: str | Path | None, out: str | Path, *, horizon: int = 60, n_sims: int = 1000, seed: int = 903) -> Report:
    """Read returns, forecast, and write the report tables.

    Parameters
    ----------
    source : path or None
        Folder of SSDA903 returns; ``None`` uses the bundled sample.
    out : path
        Output folder (created if needed).
    horizon : int
        Months to forecast.
    n_sims : int
        Monte Carlo paths.
    seed : int
        Seed of the forecast.

    Returns
    -------
    Report
    """
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    data = read_ssda903(sample_path() / "returns" if source is None else source)
    tables: dict[str, pd.DataFrame] = {
        "stock_31_march_by_placement.csv": march_stock(data, by=(S.PLACEMENT,)).reset_index(),
        "stock_31_march_by_age_band.csv": march_stock(data, by=(S.AGE_BAND,)).reset_index(),
        "stock_31_march_by_placement_and_age.csv": stock(
            data, sorted({pd.Timestamp(year=y, month=3, day=31) for y in data.years}), by=(S.PLACEMENT, S.AGE)
        ),
        "flows_by_year.csv": yearly_flows(data),
        "episodes.csv": data.episodes,
        "data_quality.csv": data.quality,
    }
    fitted = fit(data)
    projection = project(fitted, horizon=horizon, n_sims=n_sims, seed=seed)
    tables["forecast_summary.csv"] = projection.summary_frame(level=(80, 95))
    tables["forecast_rates.csv"] = fitted.rates_frame()
    files = []
    for name, table in tables.items():
        path = folder / name
        table.to_csv(path, index=False, date_format="%Y-%m-%d")
        files.append(path)
    text = summary_text(data, projection)
    (folder / "summary.txt").write_text(text + "\n", encoding="utf-8")
    files.append(folder / "summary.txt")
    return Report(text=text, files=tuple(files))
