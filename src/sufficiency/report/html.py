"""The report as one self-contained HTML page: charts embedded, no request leaves it."""

from __future__ import annotations

import base64
import html

from .analysis import Analysis
from .formats import Table, format_value

__all__ = ["html_page"]

_CSS = " ".join(
    [
        "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;max-width:1100px;margin:2em auto;",
        "padding:0 1em;color:#222;line-height:1.45}",
        "h1{font-size:1.7em}h2{border-bottom:2px solid #0072B2;padding-bottom:.2em;margin-top:2em}",
        "table{border-collapse:collapse;font-size:.85em;margin:.6em 0 1.4em}",
        "th,td{border:1px solid #ccc;padding:.25em .5em;text-align:right}",
        "th{background:#eef3f8}td.text,th.text{text-align:left}.headline td{font-size:1.05em;white-space:normal}",
        "img{max-width:100%;height:auto;display:block;margin:.5em 0}",
        ".note{color:#555;font-size:.9em}.scroll{overflow-x:auto}td.text{white-space:nowrap}",
        "td.wrap{white-space:normal;min-width:18em}.headline td.text{white-space:normal}",
        "@page{size:A4;margin:15mm}",
        "@media print{body{max-width:none;margin:0;font-size:10pt}.scroll{overflow:visible}",
        "img{page-break-inside:avoid;max-width:100%}h2,h3{page-break-after:avoid}table{font-size:8pt}}",
    ]
)


def _html_table(table: Table, *, max_rows: int = 60) -> str:
    """A table as HTML with its formats.

    Parameters
    ----------
    table : Table
    max_rows : int
        Rows shown; the CSV and the workbook hold them all.

    Returns
    -------
    str
        A ``<table>`` in a horizontally scrolling ``<div>``; text columns
        whose cells run long wrap.
    """
    frame = table.frame.head(max_rows)

    def css(column: str) -> str:
        if table.kinds.get(column) is not None:
            return ""
        longest = frame[column].astype(str).str.len().max() if len(frame) else 0
        return "text wrap" if longest > 40 else "text"

    classes = {c: css(c) for c in frame.columns}
    head = "".join(f'<th class="{classes[c]}">{html.escape(str(c).replace("_", " "))}</th>' for c in frame.columns)
    rows = []
    for row in frame.itertuples(index=False):
        cells = "".join(
            f'<td class="{classes[c]}">{html.escape(format_value(v, table.kinds.get(c, "")))}</td>'
            for c, v in zip(frame.columns, row)
        )
        rows.append(f"<tr>{cells}</tr>")
    more = (
        f'<p class="note">First {max_rows} of {len(table.frame):,} rows; all are in {table.name}.csv and the '
        "workbook.</p>"
        if len(table.frame) > max_rows
        else ""
    )
    return (
        f"<div class='scroll'><table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>{more}"
    )


def html_page(
    a: Analysis,
    heads: dict[str, str],
    all_tables: list[Table],
    images: dict[str, bytes],
    stamp: list[tuple[str, str]] | None = None,
) -> str:
    """The whole report as one self-contained HTML page (images embedded; no request leaves it).

    Parameters
    ----------
    a : Analysis
        The results of :func:`sufficiency.report.analysis.analyse`.
    heads : dict of str to str
        The headline figures (:func:`sufficiency.report.headline`).
    all_tables : list of Table
        The report's tables, already suppressed where asked.
    images : dict of str to bytes
        The charts as PNG, by name.
    stamp : list of (str, str), optional
        The run stamp (:func:`sufficiency.report.stamp.run_stamp`), shown
        under the title.

    Returns
    -------
    str
        The page: headline with ``data-headline`` cells, then forecast,
        sufficiency, spend, scenarios, accuracy, assumptions and data
        quality.
    """
    by_name = {t.name: t for t in all_tables}

    def image(name: str, alt: str) -> str:
        if name not in images:
            return ""
        data = base64.b64encode(images[name]).decode("ascii")
        return f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt)}" id="chart-{name}">'

    def table(name: str, rows: int = 60) -> str:
        return (
            f"<h3>{html.escape(by_name[name].title)}</h3>{_html_table(by_name[name], max_rows=rows)}"
            if name in by_name
            else ""
        )

    title = "Children looked after: forecast, costs and sufficiency" + (
        " (bundled synthetic county)" if a.inputs.sample else ""
    )
    head_rows = "".join(
        f'<tr><td class="text">{html.escape(k)}</td><td class="text" '
        f'data-headline="{html.escape(k)}">{html.escape(v)}</td></tr>'
        for k, v in heads.items()
    )
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><meta name='viewport' "
        "content='width=device-width, "
        f"initial-scale=1'><title>{html.escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        "<p class='note'>Made by <code>sufficiency</code>. Figures in brackets are 80% intervals: the range the method "
        "expects the outcome to fall in four times out of five. No child-level data is in this report.</p>",
        (
            "<p class='note' id='run-stamp'>"
            + " · ".join(f"{html.escape(k)}: {html.escape(v)}" for k, v in (stamp or []))
            + "</p>"
            if stamp
            else ""
        ),
        "<h2>Headline</h2>",
        f"<table class='headline'><tbody>{head_rows}</tbody></table>",
        "<h2>Children in care: history and forecast</h2>",
        image("forecast", "children looked after, history and forecast with intervals"),
        table("forecast_by_year"),
        image("demand_by_placement", "demand by placement"),
        image("forecast_by_placement", "forecast by placement with intervals, one panel per placement"),
        image("demand_by_age", "projected children by age band"),
    ]
    if "sufficiency_gap" in images:
        parts += [
            "<h2>Sufficiency: demand against places</h2>",
            image("sufficiency_gap", "demand against places with the probability of a shortfall"),
            table("sufficiency_by_year"),
        ]
    parts += ["<h2>Spend</h2>", image("spend_by_year", "spend by financial year"), table("spend_by_year")]
    if "cost_pressure" in images:
        parts += [image("cost_pressure", "volume, price and mix"), table("cost_pressure_by_placement")]
    parts += [table("financial_plan"), table("reconciliation"), table("budget"), table("spend_history_by_year")]
    if "scenarios" in images:
        parts += [
            "<h2>Savings scenarios</h2>",
            image("scenarios", "savings by scenario against the target"),
            table("scenario_summary"),
            table("scenario_savings_by_year"),
        ]
    parts += ["<h2>How accurate has this been?</h2>"]
    if "accuracy" in images:
        parts += [
            "<p>Forecasts made from this council's own returns 12, 24 and 36 months before their end, scored against "
            "what "
            "happened, beside carrying the last count forward (no change). On 60 synthetic councils with spells of "
            "slow exits, "
            "surges of unaccompanied children and steps in entries, the method's error one to five years ahead is in "
            "the "
            "package's benchmark (<code>benchmarks/results/accuracy_counties.md</code>).</p>",
            image("accuracy", "error by horizon and interval coverage"),
            table("accuracy"),
        ]
    else:
        parts += ["<p>The returns are too short for a backtest (two years are needed before an origin).</p>"]
    parts += [
        "<h2>Assumptions</h2>",
        table("assumptions"),
        table("assumptions_prices"),
        table("assumptions_inflation"),
        table("assumptions_scenarios"),
        image("hazards", "hazard of leaving care by placement and age"),
    ]
    parts += [
        "<h2>Data quality</h2>",
        table("warnings"),
        table("data_quality", 100),
        table("files_read"),
        table("fee_file_quality"),
        table("stock_31_march"),
        image("flows", "entries, exits and children in care by financial year"),
        table("flows_by_year"),
    ]
    parts += ["</body></html>"]
    return "\n".join(p for p in parts if p)
