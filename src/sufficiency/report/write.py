"""Write a report a council can send round: one HTML page, an Excel workbook for finance, SVG charts, CSV tables.

The analysis (:mod:`sufficiency.report.analysis`) runs the library; the
headline, tables and charts choose and format its results; the page is made
by :mod:`sufficiency.report.html` and the workbook by
:mod:`sufficiency.report.workbook`. These modules and :mod:`sufficiency.cli`
are the only code that writes files.

Reports are aggregate: no child id, date of birth or row of the returns is
written unless ``include_episodes`` asks for the episodes, and counts of
children below ``suppress_below`` are shown as ``c``, as the DfE publishes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .analysis import ReportOptions, analyse
from .charts import charts
from .formats import input_folders, named_files, suppressed, without_folders
from .headline import headline
from .html import html_page
from .progress import Progress
from .stamp import run_stamp
from .tables import tables
from .workbook import write_workbook

__all__ = ["Report", "write_report"]


@dataclass(frozen=True)
class Report:
    """What :func:`write_report` wrote.

    Attributes
    ----------
    files : tuple of pathlib.Path
    headline : dict of str to str
        The headline figures as printed.
    text : str
        A plain-text summary.
    warnings : tuple of str
        Counted problems in the inputs and warnings raised while the report
        was made, one line each (the page lists them too).
    """

    files: tuple[Path, ...]
    headline: dict[str, str]
    text: str
    warnings: tuple[str, ...] = ()


def write_report(
    source: str | Path | None,
    out: str | Path,
    options: ReportOptions | None = None,
    *,
    progress: Progress | None = None,
) -> Report:
    """Read returns, forecast, cost, score and check sufficiency; write the report to ``out``.

    Parameters
    ----------
    source : path or None
        Folder of SSDA903 returns; ``None`` uses the bundled sample with its
        placement cost file, places, scenarios and a £2m target for 2027-28.
    out : path
        Output folder (created if needed).
    options : ReportOptions, optional
    progress : Progress, optional
        Progress on stderr (default: none).

    Returns
    -------
    Report
        ``report.html``, ``report.xlsx``, an SVG per chart and a CSV per
        table (``episodes.csv`` only with ``include_episodes``).

    Raises
    ------
    ValueError
        If ``options.run_date`` is not a day written ``YYYY-MM-DD``.
    """
    options = options or ReportOptions()
    run_on = options.run_date or date.today().isoformat()
    try:
        created = date.fromisoformat(run_on)
    except ValueError as error:
        raise ValueError(f"run_date={run_on!r}: give the day as YYYY-MM-DD") from error
    progress = progress or Progress(8, quiet=True)
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    a = analyse(source, options, progress)
    progress.step("drawing the charts")
    folders = input_folders(a.inputs.sources)  # a council's folders are not published: files are named
    stamp = run_stamp(a, options, run_on)
    heads = {k: without_folders(v, folders) for k, v in headline(a).items()}
    all_tables = [named_files(suppressed(t, options.suppress_below), folders) for t in tables(a)]
    images = charts(a, suppress_below=options.suppress_below)
    progress.step("writing the report")
    files = []
    for name, svg in images.items():
        (folder / f"{name}.svg").write_bytes(svg)
        files.append(folder / f"{name}.svg")
    for t in all_tables:
        t.frame.to_csv(folder / f"{t.name}.csv", index=False, date_format="%Y-%m-%d")
        files.append(folder / f"{t.name}.csv")
    if options.include_episodes:
        a.inputs.data.episodes.to_csv(folder / "episodes.csv", index=False, date_format="%Y-%m-%d")
        files.append(folder / "episodes.csv")
    (folder / "report.html").write_text(html_page(a, heads, all_tables, images, stamp), encoding="utf-8")
    write_workbook(folder / "report.xlsx", all_tables, stamp, created=created)
    files += [folder / "report.html", folder / "report.xlsx"]
    progress.close()
    text = "\n".join(f"{k}: {v}" for k, v in heads.items())
    said = tuple(without_folders(line, folders) for line in a.findings())
    return Report(files=tuple(files), headline=heads, text=text, warnings=said)
