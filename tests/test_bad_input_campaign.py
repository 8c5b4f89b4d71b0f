"""A seeded campaign of bad inputs: every run is refused, counted in a warning, or gives the clean run's figures.

For each kind of file the library reads, a seeded generator spoils a clean file in the ways councils' files
arrive spoilt (dates out of range or with times, ids re-spelt, codes the loader uses itself, NUL bytes, year
folders renamed, non-finite or mis-punctuated numbers, duplicated rows, reordered rows, strings where lists
belong, ...). Each spoilt file goes through its reader and the calculation that uses it. A run passes when it
ends in a :class:`~sufficiency.SchemaError`, in a :class:`~sufficiency.DataQualityWarning` (which counts what
it saw), or in figures equal to the clean run's; any other exception, or a figure that moved without a word,
fails it.
"""

from __future__ import annotations

import json
import shutil
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sufficiency as suf
from sufficiency import schema as S
from sufficiency.datasets.parameters import CountyParameters

SEED = 2016
RUNS = 12  # spoilt files per kind
YEARS = (2022, 2025)


def outcome(run: Callable[[], object]) -> tuple[str, object]:
    """``("refused", error)``, ``("warned", messages)`` or ``("result", figures)``; any other exception propagates."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            figures = run()
        except suf.SchemaError as exc:
            assert exc.file, f"a refusal that names no file: {exc}"
            return "refused", exc
    said = [str(w.message) for w in caught if issubclass(w.category, suf.DataQualityWarning)]
    return ("warned", said) if said else ("result", figures)


def same(a: object, b: object) -> bool:
    if isinstance(a, pd.DataFrame):
        try:  # the same rows in any order
            a, b = (f.sort_values(list(f.columns)).reset_index(drop=True) for f in (a, b))
            pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12)
            return True
        except AssertionError:
            return False
    if isinstance(a, np.ndarray):
        return bool(np.allclose(a, b, rtol=1e-12, atol=0, equal_nan=True))
    if isinstance(a, tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def campaign(kind: str, clean: object, spoil: Callable[[np.random.Generator, int], Callable[[], object]]) -> None:
    """Spoil ``RUNS`` times with a seeded generator and check each outcome."""
    rng = np.random.default_rng([SEED, sum(map(ord, kind))])
    tally = {"refused": 0, "warned": 0, "result": 0}
    for i in range(RUNS):
        run = spoil(rng, i)
        what, seen = outcome(run)
        tally[what] += 1
        if what == "result":
            assert same(seen, clean), f"{kind}, run {i} ({getattr(run, 'spoilt', '')}): a figure moved without a word"
    assert tally["refused"] + tally["warned"] > 0, tally


# --------------------------------------------------------------------------- the returns


@pytest.fixture(scope="module")
def county():
    return suf.simulate_county(seed=7, parameters=CountyParameters(first_year=YEARS[0], last_year=YEARS[1], scale=0.25))


def returns_figures(folder: Path) -> tuple:
    data = suf.read_ssda903(folder)
    marches = [
        pd.Timestamp(f"{y}-03-31")
        for y in range(YEARS[0], YEARS[1] + 1)
        if pd.Timestamp(f"{y}-03-31") >= data.coverage_start
    ]
    return data.censor_date, data.children[S.CHILD_ID].nunique(), suf.stock(data, marches, by=(S.PLACEMENT,))


BAD_DATES = ["01/01/1600", "31/12/2300", "01/01/0001", "31/02/2020", "yesterday", "2020-13-01"]


def _cell(rng, frame, column):
    rows = np.flatnonzero((frame[column] != "").to_numpy()) if column in frame else []
    return int(rng.choice(rows)) if len(rows) else None


def spoil_returns(folder: Path, rng: np.random.Generator, i: int) -> str:
    """Spoil one file or folder of the returns in place; say how."""
    years = sorted(p for p in folder.iterdir() if p.is_dir())
    year = years[int(rng.integers(len(years)))]
    kind = i % 10
    table = year / ("header.csv" if kind in (1, 6) else "episodes.csv")
    frame = pd.read_csv(table, dtype=str, keep_default_na=False)
    if kind == 0:  # a date out of range or impossible
        column = "DECOM" if rng.random() < 0.5 else "DEC"
        row = _cell(rng, frame, column)
        frame.loc[row, column] = str(rng.choice(BAD_DATES))
        how = f"{table.name} {column} row {row}"
    elif kind == 1:  # dates of birth blanked or out of range
        frame["DOB"] = "" if rng.random() < 0.5 else "01/01/1600"
        how = f"{table.name} DOB"
    elif kind == 2:  # end dates with a time of day
        frame["DEC"] = frame["DEC"].where(frame["DEC"] == "", frame["DEC"] + " 09:45")
        how = "DEC with times"
    elif kind == 3:  # the loader's own code, or codes in no list
        column = str(rng.choice(["REC", "PLACE", "LS", "RNE"]))
        row = _cell(rng, frame, column)
        frame.loc[row, column] = str(rng.choice(["E99", "XX9", "Q9"]))
        how = f"{column} row {row}"
    elif kind == 4:  # an id re-spelt
        row = int(rng.integers(len(frame)))
        frame.loc[row, "CHILD"] = frame.loc[row, "CHILD"].lower()
        how = f"CHILD row {row} lower-cased"
    elif kind == 5:  # NUL bytes after the last row
        table.write_bytes(table.read_bytes() + b"\x00" * int(rng.integers(10, 5000)))
        return f"NUL bytes in {table}"
    elif kind == 6:  # the header's rows shuffled
        frame = frame.sample(frac=1, random_state=int(rng.integers(1000)))
        how = "header shuffled"
    elif kind == 7:  # a year folder renamed
        name = str(rng.choice(["Returns", "24-25 returns", "returns 2024_25", "FY"]))
        year.rename(folder / name)
        return f"{year.name} renamed {name}"
    elif kind == 8:  # the last year's episodes header-only, or a file deleted
        if rng.random() < 0.5:
            table.write_text(table.read_text().splitlines()[0] + "\n")
            return f"{table} header only"
        table.unlink()
        return f"{table} deleted"
    else:  # an exact duplicate row
        frame = pd.concat([frame, frame.iloc[[int(rng.integers(len(frame)))]]])
        how = "a duplicated row"
    frame.to_csv(table, index=False)
    return how


def test_returns(county, tmp_path):
    clean_folder = tmp_path / "clean"
    suf.write_returns(county.episodes, county.children, clean_folder, first_year=YEARS[0], last_year=YEARS[1])
    clean = returns_figures(clean_folder)

    def spoil(rng, i):
        folder = tmp_path / f"run{i}"
        shutil.copytree(clean_folder, folder)
        how = spoil_returns(folder, rng, i)

        def run():
            return returns_figures(folder)

        run.spoilt = how
        return run

    campaign("returns", clean, spoil)


# --------------------------------------------------------------------------- tables priced, placed and published


@pytest.fixture(scope="module")
def projection(county, tmp_path_factory):
    folder = tmp_path_factory.mktemp("returns")
    suf.write_returns(county.episodes, county.children, folder, first_year=YEARS[0], last_year=YEARS[1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", suf.DataQualityWarning)
        data = suf.read_ssda903(folder)
    return data, suf.project(suf.fit(data), horizon=24, n_sims=20, seed=3)


NUMBER_SPOILS = ["inf", "-inf", "NaN", "1e308", "1e400", "532,58", "1.234,56", "abc", "", "-5", "250000", "45000"]


def table_campaign(kind, tmp_path, clean_frame, column, read, figures, *, reformat=None, extra=()):
    """Spoil one cell of ``column`` (or apply one of ``extra``) per run; read back; compute figures."""
    path = tmp_path / f"{kind}.csv"
    clean_frame.to_csv(path, index=False)
    clean = figures(read(path))

    def spoil(rng, i):
        frame = clean_frame.astype(str).copy()
        choice = i % (3 + len(extra))
        row = int(rng.integers(len(frame)))
        if choice == 0:
            frame.loc[row, column] = str(rng.choice(NUMBER_SPOILS))
            how = f"{column} row {row} = {frame.loc[row, column]}"
        elif choice == 1:
            frame = frame.sample(frac=1, random_state=int(rng.integers(1000)))
            how = "rows shuffled"
        elif choice == 2 and reformat is not None:
            frame.loc[row, column] = reformat(frame.loc[row, column])
            how = f"{column} row {row} reformatted as {frame.loc[row, column]}"
        elif choice == 2:
            frame = pd.concat([frame, frame.iloc[[row]]])
            how = f"row {row} duplicated"
        else:
            frame, how = extra[choice - 3](frame, rng)
        spoilt = tmp_path / f"{kind}_{i}.csv"
        frame.to_csv(spoilt, index=False)

        def run():
            return figures(read(spoilt))

        run.spoilt = how
        return run

    campaign(kind, clean, spoil)


def _thousands(value: str) -> str:
    number = float(value)
    return f"£{number:,.2f}" if number == round(number, 2) else value


def _typo_category(frame, rng):
    frame = frame.copy()
    frame.iloc[int(rng.integers(len(frame))), 0] = "fostering_typo"
    return frame, "a category typo"


def test_unit_costs(projection, tmp_path):
    _, proj = projection

    def far_price_year(frame, rng):
        frame = frame.copy()
        frame.loc[int(rng.integers(len(frame))), S.PRICE_YEAR] = str(rng.choice(["2099", "last year", "1850"]))
        return frame, "price year"

    table_campaign(
        "unit_costs",
        tmp_path,
        suf.default_unit_costs(),
        S.WEEKLY_COST,
        suf.read_unit_costs,
        lambda unit: suf.cost(proj, unit, inflation=0.03).totals().mean(axis=0),
        reformat=_thousands,
        extra=(_typo_category, far_price_year),
    )


def test_inflation(projection, tmp_path):
    _, proj = projection

    def rates(frame, rng):
        frame = frame.copy()
        frame.loc[int(rng.integers(len(frame))), S.ANNUAL_RATE] = str(rng.choice(["5", "1.0", "-0.6", "0.3", "6%"]))
        return frame, "a rate out of range"

    table_campaign(
        "inflation",
        tmp_path,
        suf.default_inflation(),
        S.ANNUAL_RATE,
        suf.read_inflation,
        lambda inflation: suf.cost(proj, None, inflation=inflation).totals().mean(axis=0),
        extra=(_typo_category, rates),
    )


def test_route_shares(projection, tmp_path):
    _, proj = projection

    def drop_category(frame, rng):
        return frame[frame[S.PLACEMENT] != "external_residential"], "external residential's rows deleted"

    def respell(frame, rng):
        return frame.assign(route=frame[S.ROUTE].replace({"spot": "Off-framework", "in_house": "In-house"})), "respelt"

    table_campaign(
        "route_shares",
        tmp_path,
        suf.default_route_shares(),
        S.SHARE,
        suf.read_route_shares,
        lambda shares: suf.cost(proj, None, route_shares=shares).totals().mean(axis=0),
        extra=(drop_category, respell),
    )


def test_capacity(projection, tmp_path):
    _, proj = projection
    clean = pd.DataFrame(
        {
            S.PLACEMENT: ["inhouse_fostering", "fostering", "inhouse_residential"],
            S.ROUTE: ["in_house", "all", "in_house"],
        }
    ).assign(places=[60, 150, 3])

    def header_only(frame, rng):
        return frame.iloc[0:0], "header only"

    def fraction(frame, rng):
        frame = frame.copy()
        frame.loc[0, S.PLACES] = str(rng.choice(["2.5", "0.1", "60.0"]))
        return frame, f"places {frame.loc[0, S.PLACES]}"

    table_campaign(
        "capacity",
        tmp_path,
        clean,
        S.PLACES,
        suf.read_capacity,
        lambda places: suf.sufficiency_gap(proj, places),
        extra=(header_only, fraction, _typo_category),
    )


def test_fee_files(projection, tmp_path):
    data, proj = projection
    spells = data.episodes[data.episodes[S.PLACEMENT].isin(["external_residential", "agency_fostering"])].tail(60)
    clean = pd.DataFrame(
        {
            "child_id": spells[S.CHILD_ID].to_numpy(),
            "placement_start": spells[S.EPISODE_START].dt.strftime("%d/%m/%Y").to_numpy(),
            "placement_end": spells[S.EPISODE_END].dt.strftime("%d/%m/%Y").fillna("").to_numpy(),
            "weekly_fee": np.linspace(900, 9000, len(spells)).round(2),
            "route": np.where(np.arange(len(spells)) % 3 == 0, "spot", "framework"),
            "health_contribution": 0.0,
        }
    )

    def contribution(frame, rng):
        frame = frame.copy()
        frame.loc[int(rng.integers(len(frame))), "health_contribution"] = str(rng.choice(["-400", "inf", "x"]))
        return frame, "a contribution"

    def route(frame, rng):
        frame = frame.copy()
        frame.loc[int(rng.integers(len(frame))), "route"] = str(rng.choice(["", "trusted_provider", "  "]))
        return frame, "a route"

    table_campaign(
        "fees",
        tmp_path,
        clean,
        "weekly_fee",
        lambda path: suf.read_placement_costs(path, data, warn=True),
        lambda fees: suf.cost(proj, None, fees=fees).totals().mean(axis=0),
        extra=(contribution, route),
    )


def test_published_tables(tmp_path):
    table = suf.load_published()
    table = table[table["year"] >= 2016]
    keep = table["la_code"].isin(sorted(table["la_code"].unique())[:40])
    clean = table[keep].drop(columns="region_name")

    def stray_year(frame, rng):
        row = frame.iloc[[int(rng.integers(len(frame)))]].copy()
        row["year"] = str(int(frame["year"].astype(int).max()) + int(rng.integers(1, 3)))
        return pd.concat([frame, row]), "a row dated later than the rest"

    def lower_codes(frame, rng):
        return frame.assign(la_code=frame["la_code"].str.lower()), "codes in lower case"

    table_campaign(
        "published",
        tmp_path,
        clean,
        "cla_31_march",
        suf.read_published,
        lambda published: suf.forecast_published(published, horizon=1, method="naive").reset_index(drop=True),
        extra=(stray_year, lower_codes),
    )


# --------------------------------------------------------------------------- scenario files


SCENARIO = {
    "name": "partner",
    "description": "half of spot homes to a partner",
    "levers": [
        {
            "lever": "shift_placements",
            "category": "external_residential",
            "route": "spot",
            "to_route": "partner",
            "share": 0.5,
            "weekly_cost": 5800,
            "start": "2025-07-01",
            "ramp_months": 6,
            "capacity": 12,
        },
        {"lever": "change_entries", "factor": 0.85, "ages": [16, 17], "start": "2025-07-01"},
    ],
}
LEVER_SPOILS = [
    ("start", 2025),
    ("start", "01/07/2025"),  # the same date, written as the returns write it
    ("start", "next spring"),
    ("share", True),
    ("share", "0.5"),
    ("share", 1e308),
    ("weekly_cost", float("inf")),
    ("ramp_months", 2.5),
    ("capacity", -1),
    ("category", None),
    ("to_route", 3),
    ("colour", "red"),
]


def test_scenario_files(tmp_path):
    path = tmp_path / "clean.json"
    path.write_text(json.dumps({"scenarios": [SCENARIO]}, indent=2))
    clean = [s.to_dict() for s in suf.read_scenarios(path)]

    def spoil(rng, i):
        spoilt = tmp_path / f"s{i}.json"
        data = json.loads(json.dumps({"scenarios": [SCENARIO]}))
        if i % 4 == 3:
            text, how = (
                str(rng.choice(['{"scenarios": ["partner"]}', '{"scenarios": []}', '{"name": null}', "[" * 50_000])),
                "not scenarios",
            )
            spoilt.write_text(text)
        else:
            key, value = LEVER_SPOILS[int(rng.integers(len(LEVER_SPOILS)))]
            data["scenarios"][0]["levers"][0][key] = value
            how = f"{key} = {value!r}"
            raw = json.dumps(data, indent=2).encode("cp1252" if i % 5 == 1 else "utf-8")
            spoilt.write_bytes(raw.replace(b"spot homes", "spot homes £".encode("cp1252")) if i % 5 == 1 else raw)

        def run():
            return [s.to_dict() for s in suf.read_scenarios(spoilt)]

        run.spoilt = how
        return run

    campaign("scenarios", clean, spoil)
