"""The report as one self-contained HTML page: charts embedded, no request leaves it."""

from __future__ import annotations

import base64
import html
import re

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
        ".note{color:#555;font-size:.9em}.scroll{overflow-x:auto}td.text,td.num{white-space:nowrap}",
        "td.wrap{white-space:normal;min-width:18em}.headline td.text{white-space:normal}",
        "nav.contents ol{columns:2;font-size:.9em}dl.terms dt{font-weight:600}dl.terms dd{margin:0 0 .4em 1.2em}",
        "@page{size:A4;margin:15mm}",
        "@media print{body{max-width:none;margin:0;font-size:10pt}.scroll{overflow:visible}",
        "img{page-break-inside:avoid;max-width:100%}h2,h3{page-break-after:avoid}table{font-size:8pt}}",
    ]
)


_CODE = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)+")


def _words(text: str) -> str:
    """A code such as ``external_residential`` in words for the page (``external residential``); other text as is."""
    return text.replace("_", " ") if _CODE.fullmatch(text) else text


#: What each chart shows and how to read it, printed under it.
_CAPTIONS = {
    "forecast": "The line is the median of the simulated paths; the shades hold 50%, 80% and 95% of them. Black is "
    "what the returns recorded.",
    "demand_by_placement": "Children in each placement: the returns, then the forecast's mean.",
    "forecast_by_placement": "The same fan for each placement: a wide fan is a placement the forecast is unsure of.",
    "demand_by_age": "The forecast's mean by age band: older children drive placement costs.",
    "sufficiency_gap": "Demand against the places the council has; the dotted line is the chance that demand "
    "exceeds them in a month.",
    "spend_by_year": "Spend by placement (mean); the whiskers are the total's 80% interval.",
    "cost_pressure": "How spend changes between the years: each placement's own volume at last year's price, then "
    "price, then the shift between its purchasing routes.",
    "scenarios": "Each scenario's saving against the forecast with no change of service, net of its running and "
    "one-off costs, with its 80% band.",
    "accuracy": "Forecasts made from this council's own earlier returns, scored against what happened.",
    "hazards": "How often children leave care each year, by placement and age, in the fitted window.",
    "flows": "Children entering and leaving care each year, and the number in care at 31 March.",
}

#: Terms the page uses.
_TERMS = (
    ("80% interval (band)", "the range the method expects the outcome to fall in four times out of five"),
    ("prudent (90th percentile)", "the figure exceeded in one year in ten"),
    ("MAPE", "mean absolute percentage error: how far forecasts were from what happened, on average, in %"),
    ("WAPE", "weighted absolute percentage error: errors over a council's groups summed, over its children"),
    ("coverage", "the share of outcomes that fell inside the forecast's interval (80% is right for an 80% band)"),
    ("bias", "the mean signed error in %: below zero, the forecasts were too low"),
    ("no change", "carrying the last count forward: the benchmark a forecast must beat"),
    ("volume, price, mix", "more or fewer children; dearer or cheaper prices; a shift between purchasing routes"),
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
            return "num"  # a figure stays on one line: "-£1,227,565" must not break after its minus
        longest = frame[column].astype(str).str.len().max() if len(frame) else 0
        return "text wrap" if longest > 40 else "text"

    classes = {c: css(c) for c in frame.columns}
    head = "".join(f'<th class="{classes[c]}">{html.escape(str(c).replace("_", " "))}</th>' for c in frame.columns)
    rows = []
    for row in frame.itertuples(index=False):
        cells = "".join(
            f'<td class="{classes[c]}">{html.escape(_words(format_value(v, table.kinds.get(c, ""))))}</td>'
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
        The charts as SVG, by name.
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
        caption = _CAPTIONS.get(name, "")
        return f'<img src="data:image/svg+xml;base64,{data}" alt="{html.escape(alt)}" id="chart-{name}">' + (
            f"<p class='note'>{html.escape(caption)}</p>" if caption else ""
        )

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
            "<p>Before a service starts, <code>sufficiency plan RETURNS --brief scenarios.json --out DIR</code> says "
            "how large a change an evaluation of its first three years could tell from chance, and the chance it "
            "confirms each scenario if the scenario is right; after it starts, <code>sufficiency evaluate</code> "
            "tests it against what would have happened without it.</p>",
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
    terms = "".join(f"<dt>{html.escape(t)}</dt><dd>{html.escape(d)}</dd>" for t, d in _TERMS)
    parts += ["<h2>Terms</h2>", f"<dl class='terms'>{terms}</dl>", "</body></html>"]
    return "\n".join(p for p in _with_contents(parts) if p)


def _with_contents(parts: list[str]) -> list[str]:
    """The parts with an id on every section heading and a contents list of them before the headline."""
    out, entries = [], []
    for part in parts:
        found = re.fullmatch(r"<h2>(.*)</h2>", part)
        if found:
            slug = "section-" + re.sub(r"[^a-z0-9]+", "-", found.group(1).lower()).strip("-")
            entries.append(f"<li><a href='#{slug}'>{found.group(1)}</a></li>")
            part = f"<h2 id='{slug}'>{found.group(1)}</h2>"
        out.append(part)
    at = next(i for i, part in enumerate(out) if part.startswith("<h2 id='section-headline'"))
    return [*out[:at], f"<nav class='contents'><ol>{''.join(entries)}</ol></nav>", *out[at:]]
