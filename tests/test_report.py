"""The report: files, no child-level data, suppression, the workbook read back, and the command line."""

from __future__ import annotations

import datetime
import re
import subprocess
import sys
from xml.etree import ElementTree

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

import sufficiency as suf
from sufficiency import schema as S
from sufficiency.cli import main
from sufficiency.common.money import pounds
from sufficiency.report import Progress
from sufficiency.report.analysis import SAMPLE_TARGET
from sufficiency.report.formats import COUNT, MONEY, Table, suppress, suppressed
from sufficiency.report.workbook import write_workbook

SIMS = 200


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    assert main(["report", "--out", str(out), "--n-sims", str(SIMS), "--quiet"]) == 0
    return out


def test_writes_the_page_workbook_charts_and_tables(report):
    names = {p.name for p in report.iterdir()}
    assert {"report.html", "report.xlsx"} <= names
    assert {
        "forecast.svg",
        "demand_by_placement.svg",
        "demand_by_age.svg",
        "sufficiency_gap.svg",
        "spend_by_year.svg",
        "cost_pressure.svg",
        "scenarios.svg",
        "accuracy.svg",
    } <= names
    assert {
        "forecast.csv",
        "spend_forecast.csv",
        "cost_pressure.csv",
        "scenario_savings.csv",
        "scenario_summary.csv",
        "sufficiency_gap.csv",
        "assumptions.csv",
        "data_quality.csv",
        "accuracy.csv",
        "financial_plan.csv",
        "spend_profile.csv",
    } <= names
    assert "episodes.csv" not in names
    # the sample's ledger: the model reconciled with it, and the budgets of the first forecast year
    assert {"reconciliation.csv", "budget.csv"} <= names
    charts = sorted(report.glob("*.svg"))
    assert len(charts) >= 8 and not list(report.glob("*.png"))
    for chart in charts:
        root = ElementTree.parse(chart).getroot()
        assert root.tag == "{http://www.w3.org/2000/svg}svg" and chart.stat().st_size > 10_000
        # text stays text (a reader can select it), and no date: the same figures give the same file
        assert root.find(".//{http://www.w3.org/2000/svg}text") is not None, chart.name
        assert "dc:date" not in chart.read_text(encoding="utf-8"), chart.name


def test_no_child_level_data_anywhere(report, sample):
    ids = set(sample.episodes[S.CHILD_ID]) | set(sample.children[S.CHILD_ID])
    born = sample.children[S.DATE_OF_BIRTH].dropna()
    dobs = set(born.dt.strftime("%d/%m/%Y"))
    # in ISO form too, leaving out month ends and 1 April: the report's own dates fall on those
    ordinary = born[~born.dt.is_month_end & ~((born.dt.month == 4) & (born.dt.day == 1))]
    dobs |= set(ordinary.dt.strftime("%Y-%m-%d"))
    texts = [p.read_text(encoding="utf-8") for p in report.iterdir() if p.suffix in (".csv", ".html", ".svg")]
    book = load_workbook(report / "report.xlsx")
    texts += [
        " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None) for ws in book.worksheets
    ]
    words = set()
    for text in texts:
        words |= set(re.findall(r"\bC\d{6}\b", text))
        assert not any(d in text for d in dobs)
        assert "date_of_birth" not in text and "child_id" not in text
    assert not words & ids


def test_workbook_reads_back_with_formats_and_no_formulas(report):
    book = load_workbook(report / "report.xlsx")
    # sheets are named in words; each holds its table's title, then a frozen header with filters, then the rows
    assert {
        "forecast",
        "spend forecast",
        "cost pressure",
        "scenario savings",
        "sufficiency gap",
        "assumptions",
        "assumptions prices",
        "data quality",
    } <= set(book.sheetnames)
    spend = book["spend forecast"]
    assert spend["A1"].value.startswith("Spend on placements") and spend.freeze_panes == "A3"
    header = [c.value for c in spend[2]]
    mean = spend.cell(row=3, column=header.index("mean") + 1)
    assert mean.number_format == '"£"#,##0;-"£"#,##0' and isinstance(mean.value, float)
    # the sheet holds what the CSV holds, as numbers
    csv = pd.read_csv(report / "spend_forecast.csv")
    np.testing.assert_allclose(
        [spend.cell(row=i + 3, column=header.index("mean") + 1).value for i in range(len(csv))], csv["mean"]
    )
    # past and forecast spend list the placements in one order (the forecast's), so a reader can set them side by side
    past = pd.read_csv(report / "spend_history_by_year.csv").columns
    ahead = pd.read_csv(report / "spend_by_year.csv").columns
    shared = [c for c in ahead if c in set(past) and c not in ("financial_year", "total")]
    assert len(shared) >= 8 and [c for c in past if c in set(shared)] == shared
    # the wide spend sheet finance reads first holds the long table's totals, year by year
    wide = pd.read_csv(report / "spend_by_year.csv")
    totals = csv[csv["group"] == "total"]
    np.testing.assert_allclose(wide["total"], totals["mean"])
    np.testing.assert_allclose(wide["total_lower_80"], totals["lower_80"])
    sheet = book["spend by year"]
    assert [c.value for c in sheet[2]][:3] == ["financial year", "complete", "total"]
    np.testing.assert_allclose([sheet.cell(row=i + 3, column=3).value for i in range(len(wide))], wide["total"])
    for ws in book.worksheets[1:]:
        assert ws.freeze_panes == "A3" and ws.auto_filter.ref.startswith("A2:")
    for ws in book.worksheets:
        assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)
    # the first sheet is the contents: the run stamp, then every sheet's title
    contents = book.worksheets[0]
    assert contents.title == "contents"
    stamp = {row[0]: row[1] for row in contents.iter_rows(values_only=True) if row and row[0]}
    assert stamp["made by"].startswith("sufficiency ") and stamp["seed"] == "1"
    assert "placement_costs.csv" in stamp["input files"]
    listed = [row[0] for row in contents.iter_rows(values_only=True) if row and row[0] in book.sheetnames]
    assert listed == book.sheetnames[1:]


def test_headline_figures_are_the_librarys(report, sample):
    page = (report / "report.html").read_text(encoding="utf-8")
    fitted = suf.fit(sample)
    projection = suf.project(fitted, horizon=60, n_sims=SIMS, seed=1)
    total = projection.totals()
    mean, lo, hi = total[:, 12].mean(), np.percentile(total[:, 12], 10), np.percentile(total[:, 12], 90)
    assert f"{mean:,.0f} ({lo:,.0f} to {hi:,.0f})" in page
    fees = suf.read_placement_costs(suf.sample_path() / "placement_costs.csv", sample, warn=False)
    outturn = suf.read_outturn(suf.sample_path() / "outturn.csv")  # the sample's ledger anchors every pound
    costs = suf.cost(projection, suf.default_unit_costs(), inflation=suf.default_inflation(), fees=fees, anchor=outturn)
    first = costs.totals()[:, 0]
    assert (
        f"£{first.mean() / 1e6:,.1f}m (£{np.percentile(first, 10) / 1e6:,.1f}m to "
        f"£{np.percentile(first, 90) / 1e6:,.1f}m)" in page
    )


def test_suppression_and_asking_for_episodes(tmp_path):
    out = tmp_path / "r"
    assert (
        main(
            [
                "report",
                "--out",
                str(out),
                "--n-sims",
                "20",
                "--horizon",
                "24",
                "--suppress-below",
                "10",
                "--include-episodes",
                "--quiet",
            ]
        )
        == 0
    )
    stock = pd.read_csv(out / "stock_31_march.csv", dtype=str)
    values = stock.drop(columns="date").stack()
    assert (values == "c").any()
    numbers = pd.to_numeric(values[values != "c"])
    assert not numbers.between(1, 9).any()
    # no placement is hidden alone in a year: with the total shown it could be worked back
    parts = stock.drop(columns=["date", "total"])
    assert not ((parts == "c").sum(axis=1) == 1).any()
    # the forecast's counts by placement are suppressed too (after rounding)
    by_year = pd.read_csv(out / "forecast_by_year.csv", dtype=str).drop(columns="date").stack()
    assert (by_year == "c").any()
    assert not pd.to_numeric(by_year[by_year != "c"]).round().between(1, 9).any()
    assert (out / "episodes.csv").is_file()
    frame = pd.DataFrame({"n": [0, 3, 9.4, 10, 250]})
    assert suppress(frame, ["n"], 10)["n"].tolist() == [0, "c", "c", 10, 250]


def test_a_cell_hidden_alone_among_parts_of_a_total_gets_a_second():
    # by hand: row 0 hides 3 alone, so its smallest other part above 0 (12) goes too; row 1 already hides two;
    # row 2's smallest other part above 0 is 70 (its 0 stays shown); row 3 hides nothing
    frame = pd.DataFrame({"a": [3, 4, 2, 40], "b": [12, 5, 0, 50], "c": [30, 60, 70, 20], "total": [45, 69, 72, 110]})
    kinds = {col: COUNT for col in frame}
    table = suppressed(Table("t", "t", frame, kinds, linked=(("a", "b", "c"),)), 10)
    assert table.frame.astype(str).values.tolist() == [
        ["c", "c", "30", "45"],
        ["c", "c", "60", "69"],
        ["c", "0", "c", "72"],
        ["40", "50", "20", "110"],
    ]
    # a group whose only other cell is 0: the 0 is hidden, so the total less the rest gives back only their sum
    flows = pd.DataFrame({"start": [40], "entries": [5], "exits": [0], "end": [45]})
    table = suppressed(Table("f", "f", flows, {col: COUNT for col in flows}, linked=(("entries", "exits"),)), 10)
    assert table.frame.astype(str).values.tolist() == [["40", "c", "c", "45"]]


def test_report_reconciles_with_an_outturn_and_scores_a_programme(tmp_path, sample):
    fees = suf.read_placement_costs(suf.sample_path() / "placement_costs.csv", sample, warn=False)
    history = suf.spend_history(sample, suf.Prices(inflation=suf.default_inflation(), fees=fees))
    coarse = suf.categories().set_index("category")["coarse"]
    last = history[history[S.FINANCIAL_YEAR] == "2024-25"]
    by_group = last.groupby(last[S.PLACEMENT].map(coarse))[S.SPEND].sum()
    outturn = tmp_path / "outturn.csv"
    outturn.write_text(
        "financial_year,placement,spend,budget\n"
        f"2024-25,fostering,{0.9 * by_group['fostering']:.0f},\n"
        f"2024-25,residential,{1.2 * by_group['residential']:.0f},\n"
        "2025-26,residential,,20000000\n"
    )
    out = tmp_path / "r"
    assert main(["report", "--out", str(out), "--n-sims", "100", "--outturn", str(outturn), "--quiet"]) == 0
    rec = pd.read_csv(out / "reconciliation.csv").set_index(S.PLACEMENT)
    assert rec.loc["fostering", "ratio"] == pytest.approx(0.9, rel=0.005)
    assert rec.loc["residential", "ratio"] == pytest.approx(1.2, rel=0.005)
    budget = pd.read_csv(out / "budget.csv")
    assert budget["budget"].tolist() == [20_000_000] and 0 <= budget["p_overspend"].iloc[0] <= 1
    summary = pd.read_csv(out / "scenario_summary.csv").set_index("scenario")
    assert "All scenarios together" in summary.index and {"npv_lower_80", "cumulative_upper_80"} <= set(summary.columns)
    assumptions = pd.read_csv(out / "assumptions.csv").set_index("setting")["value"]
    assert "outturn.csv" in assumptions["outturn"] and assumptions["price uncertainty"].startswith("off")
    page = (out / "report.html").read_text()
    assert "Medium-term plan" in page and "against the outturn" in page


def test_the_page_carries_the_run_stamp(report):
    page = (report / "report.html").read_text(encoding="utf-8")
    stamp = re.search(r"<p class='note' id='run-stamp'>(.*?)</p>", page).group(1)
    assert "made by: sufficiency" in stamp and "seed: 1" in stamp and "data to 31 March 2025" in stamp


def test_no_folder_of_the_machine_is_published(report, tmp_path):
    # the sample's inputs live in the package's folder, a council's in its own: only file names are written
    folders = {str(suf.sample_path()), str(suf.sample_path().resolve()), str(report), str(report.resolve())}
    for path in report.iterdir():
        if path.suffix in (".csv", ".html", ".svg"):
            text = path.read_text(encoding="utf-8")
            assert not [f for f in folders if f in text], path.name
    workbook = load_workbook(report / "report.xlsx", read_only=True)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for cell in row:
                assert not (isinstance(cell, str) and any(f in cell for f in folders)), (sheet.title, cell)


def test_yearly_shortfall_cost_is_the_sum_of_its_months(report):
    monthly = pd.read_csv(report / "sufficiency_gap.csv")
    yearly = pd.read_csv(report / "sufficiency_by_year.csv")
    summed = monthly.groupby(["financial_year", "placement"])["shortfall_cost"].sum()
    for row in yearly.dropna(subset=["shortfall_cost_year"]).itertuples():  # the start has no year behind it
        assert row.shortfall_cost_year == pytest.approx(summed[(row.financial_year, row.placement)], rel=1e-6)
        assert row.shortfall_cost_lower_80 <= row.shortfall_cost_year <= row.shortfall_cost_upper_80 + 1e-6


def test_every_headline_pound_carries_its_band(report):
    page = (report / "report.html").read_text(encoding="utf-8")
    cells = re.findall(r'data-headline="[^"]*">([^<]*)<', page)
    money = r"-?£[0-9][0-9,.]*m?"
    band = re.compile(rf"({money}) \(({money}) to ({money})\)")
    checked = 0
    for text in cells:
        # every amount is a mean followed by its band, or one end of a band; none stands alone
        banded = {m.start(k) for m in band.finditer(text) for k in (1, 2, 3)}
        alone = [m.group(0) for m in re.finditer(money, text) if m.start() not in banded]
        target = pounds(SAMPLE_TARGET[0])  # the sample's savings target is given, not forecast
        assert not alone or (alone == [target] and "target" in text), (text, alone)
        checked += len(banded)
    assert checked >= 15  # spend in three years, the pressure and its three parts, the largest saving


def test_report_on_another_councils_returns(tmp_path):
    county = suf.simulate_county(seed=4, parameters=suf.datasets.CountyParameters(first_year=2019, last_year=2024))
    suf.write_returns(county.episodes, county.children, tmp_path / "returns", first_year=2019, last_year=2024)
    out = tmp_path / "r"
    assert (
        main(["report", str(tmp_path / "returns"), "--out", str(out), "--n-sims", "50", "--horizon", "36", "--quiet"])
        == 0
    )
    names = {p.name for p in out.iterdir()}
    # no places or scenarios were given, so those parts are left out, and the rest is there
    assert "scenarios.svg" not in names and "sufficiency_gap.svg" not in names
    assert {"report.html", "report.xlsx", "forecast.svg", "spend_by_year.svg", "data_quality.csv"} <= names


@pytest.mark.parametrize(
    "args, message",
    [
        (["report", "/no/such/folder"], "no such file or folder"),
        (["report", "--costs", "/no/costs.csv"], "costs.csv"),
        (["report", "--target", "lots"], "is not an amount"),
    ],
)
def test_bad_inputs_are_one_line_errors(tmp_path, capsys, args, message):
    with pytest.raises(SystemExit) if "lots" in args else _nothing():
        code = main([*args, "--out", str(tmp_path / "r"), "--quiet"])
        assert code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_progress_shows_only_on_a_terminal():
    class Tty:
        def __init__(self, tty):
            self.tty, self.text = tty, ""

        def isatty(self):
            return self.tty

        def write(self, s):
            self.text += s

        def flush(self):
            pass

    for tty in (True, False):
        stream = Tty(tty)
        bar = Progress(2, stream=stream)
        bar.step("reading")
        bar.close()
        assert ("2/2" in stream.text) is tty and ("reading" in stream.text) is tty
    quiet = Tty(True)
    Progress(2, quiet=True, stream=quiet).step("x")
    assert quiet.text == ""
    # a callback hears every step, terminal or not: for a progress bar of the caller's own
    heard = []
    bar = Progress(
        2, quiet=True, stream=Tty(False), callback=lambda done, steps, what: heard.append((done, steps, what))
    )
    bar.step("reading")
    bar.step("fitting")
    assert heard == [(1, 2, "reading"), (2, 2, "fitting")]


def test_money_is_written_with_the_sign_before_the_pound():
    from sufficiency.report.formats import MONEY, format_value, pounds

    # Hand-written expectations: the way a finance paper writes them.
    assert pounds(-900_000) == "-£0.9m" and pounds(14_700_000) == "£14.7m" and pounds(-450) == "-£450"
    assert format_value(-261_851.98, MONEY) == "-£261,852" and format_value(2_000_000.0, MONEY) == "£2,000,000"


def test_headline_places_are_counted_over_the_paths(report, sample):
    page = (report / "report.html").read_text(encoding="utf-8")
    projection = suf.project(suf.fit(sample), horizon=60, n_sims=SIMS, seed=1)
    places = suf.read_capacity(suf.sample_path() / "capacity.csv")
    gap = suf.sufficiency_gap(projection, places)
    when = pd.Timestamp("2028-03-31")
    t = list(projection.dates).index(when)
    k = list(projection.categories).index("external_residential")
    # Direct count over the simulated paths: places so that 80% of paths have one for every child.
    demand = projection.draws[:, t, k, :].sum(axis=1)
    capacity = gap[(gap["date"] == when) & (gap["placement"] == "external_residential")]["capacity"].iloc[0]
    needed = max(np.ceil(np.quantile(demand, 0.8) - capacity - 1e-9), 0)
    chance = (demand > capacity).mean()
    assert (
        f"external residential: {needed:,.0f} more than its {capacity:,.0f} places (chance demand exceeds them "
        f"{chance:.0%})" in page
    )


def test_making_a_report_leaves_matplotlib_as_it_was(tmp_path):
    # a notebook's backend and figures are its own: the report draws on figures of its own
    code = (
        "import matplotlib; matplotlib.use('svg'); import matplotlib.pyplot as plt; plt.figure();"
        "from sufficiency.cli import main;"
        f"assert main(['report', '--out', r'{tmp_path}', '--n-sims', '20', '--horizon', '24', '--quiet']) == 0;"
        "assert matplotlib.get_backend() == 'svg', matplotlib.get_backend();"
        "assert plt.get_fignums() == [1], plt.get_fignums()"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_the_contents_sheet_names_whole_money_columns():
    from sufficiency.report.workbook import _money_columns

    # by hand: 200 characters hold the three totals and eight of the twelve long names
    names = ["total", "total_lower_80", "total_upper_80"] + [f"placement_number_{i}" for i in range(12)]
    text = _money_columns(names)
    assert text.endswith("placement_number_7 and 4 more)") and text.startswith("£ (total, ")
    assert _money_columns(["a"]) == "£ (a)" and _money_columns([]) == ""


def test_figures_stay_on_one_line(report):
    # a negative amount broke after its minus ("-" above "£1,227,565") in narrow scenario columns
    page = (report / "report.html").read_text(encoding="utf-8")
    assert "td.text,td.num{white-space:nowrap}" in page
    assert '<td class="num">-£' in page and '<td class="">' not in page


def test_the_workbook_of_a_run_is_the_same_bytes_each_time(tmp_path):
    # the workbook's properties carry the run's date, not the moment it was written
    frame = pd.DataFrame({"financial_year": ["2025-26"], "total": [1_234_567.8], "date": [pd.Timestamp("2026-03-31")]})
    table = Table("spend_by_year", "Spend by financial year", frame, {"total": MONEY})
    day = datetime.date(2026, 12, 6)
    write_workbook(tmp_path / "a.xlsx", [table], [("run on", "2026-12-06")], created=day)
    write_workbook(tmp_path / "b.xlsx", [table], [("run on", "2026-12-06")], created=day)
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    assert load_workbook(tmp_path / "a.xlsx").properties.created.date() == day


def test_a_run_date_that_is_not_a_day_is_refused_before_any_work(tmp_path):
    with pytest.raises(ValueError, match="run_date='06/12/2026'"):
        suf.write_report(None, tmp_path, suf.ReportOptions(run_date="06/12/2026"))
    assert not any(tmp_path.iterdir())
