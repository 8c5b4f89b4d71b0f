"""Evaluations of services on generated councils with a known effect, and the widening learned where nothing changed.

Learning councils come from two worlds of the generator, taken in turn:
``growing`` (its defaults: entries rising 6% a year) and ``flat`` (entries
level after 2015). Held-out councils come from those two and from three
worlds kept out of every choice: ``falling`` (entries falling 3% a year),
``step`` (entries rising 1% a year with a step up of a quarter in October
2019) and ``steady`` (level entries, one child at a time, no pandemic
fall). Learning councils (seeds ``--first-seed`` onwards, no service) are
evaluated from pretend starts at the end of March 2019, 2020, 2021 and 2022,
each over up to three years, where the truth is "no effect". They give

* the comparison of entry settings behind ``EVALUATION_FIT`` (how far each
  misses the three-year totals of entries, exits, moves and stock of
  children other than unaccompanied ones), world by world; the setting is
  the one with the sharpest calibrated band for three years of entries in
  its worse world (its simulated band times the widening it needs to hold,
  over the 2021 and 2022 starts, whose windows hold the pandemic's first
  year as a window does today: ``CHOICE_ORIGINS``), since a band that must be
  wide to be honest is what hides an effect;
* the widening of each outcome's band for the chosen setting, by months
  since the start: the factor that puts 90% of the pretend starts' outcomes
  (children other than unaccompanied ones, added up to 12, 24 and 36 months)
  inside their 90% band in the worse of the two worlds (a counterfactual that
  leans in one world, as a trend pulled towards none does where entries
  grow, is widened until that world's bands hold). A factor below 1 narrows
  a band the test bed shows to be wider than it needs. The unaccompanied
  children's stream is left out: its national surges are not the local
  change an evaluation looks for, and they show in its own row.

Held-out councils (the next seeds, the five worlds in turn) have a service
that keeps a quarter of the entries of children other than unaccompanied
ones out of care from 1 April 2022 in a third of the councils of each world,
and none in the others; each is
evaluated from 31 March 2022 to 31 March 2025 with the learned widening and
six in-time placebos, against the truth: the same seed without the service.
Another third of each world's councils has a service that steps children
down from residential care to in-house foster care; the moves from
residential care to fostering are judged the same way. The same councils'
entries are also tested by a CausalImpact-style peer, a local level on the
generator's own monthly counts (``_local_level.py``).

Writes ``benchmarks/results/evaluation.md`` and, with ``--ship``,
``src/sufficiency/data/evaluation_widening.csv`` (refused when the rule
chooses a setting other than ``EVALUATION_FIT``: the package's default and
its widening must be the same setting's).

    python benchmarks/evaluation.py --ship
"""

from __future__ import annotations

import argparse
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from _local_level import PEERS, local_level, monthly_entries
from _real_starts import section as real_councils
from _results import machine, markdown_table, write_result

import sufficiency as sf
from sufficiency.datasets import Service
from sufficiency.evaluation import Widening
from sufficiency.evaluation.evaluate import EVALUATION_FIT
from sufficiency.rates.entries import PANDEMIC_YEAR

START = "2022-03-31"
ORIGINS = ("2019-03-31", "2020-03-31", "2021-03-31", "2022-03-31")
#: The pretend starts the setting is chosen on: those after the pandemic's first year began, whose five-year
#: windows hold it, as the window of a service evaluated from 2021 on does. The three years after the earlier
#: starts run into that year's national fall, which no setting foresees and which widens every setting's band
#: alike; those starts still count for the widening.
CHOICE_ORIGINS = ("2021-03-31", "2022-03-31")
HORIZONS = (12, 24, 36)
SERVICE = Service(start="2022-04-01", entry_factor=0.75)
#: A second service, in another third of the held-out councils: step-downs from residential care to in-house
#: foster care at an extra half a year (its truth is the generator's own count of those moves).
STEP_DOWN = Service(start="2022-04-01", step_down_rate=0.5)
MOVE = "residential→fostering"
OUTCOMES = ("entries", "exits", "moves", "stock", "child_days")
_TREND = {"entry_trend": True, "entry_years": 5.0, "trend_damping": 1.0}
_SKIP = {"entry_skip": (PANDEMIC_YEAR,)}
_SETTINGS = {
    "five-year trend, prior sd 0.04": {**_TREND, "trend_prior": 0.04},
    "five-year trend, prior sd 0.04, pandemic year left out": {**_TREND, **_SKIP, "trend_prior": 0.04},
    "five-year trend, prior sd 0.02, pandemic year left out": {**_TREND, **_SKIP, "trend_prior": 0.02},
    "five-year trend, prior sd 0.02": {**_TREND, "trend_prior": 0.02},
    "five-year trend, prior sd 0.08, pandemic year left out": {**_TREND, **_SKIP, "trend_prior": 0.08},
    "five-year trend as fitted, pandemic year left out": {**_TREND, **_SKIP},
    "last three years held flat, pandemic year left out": dict(_SKIP),
    "last three years held flat (fit's default)": {},
}
SETTINGS = {f"{k} (EVALUATION_FIT)" if v == dict(EVALUATION_FIT) else k: v for k, v in _SETTINGS.items()}
SHIP = Path(__file__).resolve().parents[1] / "src" / "sufficiency" / "data" / "evaluation_widening.csv"
WORLDS = {"growing": sf.datasets.CountyParameters(), "flat": sf.datasets.CountyParameters(growth_after=0.0)}
HELD_OUT_WORLDS = {
    **WORLDS,
    "falling": sf.datasets.CountyParameters(growth_after=-0.03),
    "step": sf.datasets.CountyParameters(growth_after=0.01, entry_steps=(("2019-10-01", 1.25),)),
    # the smoothest: entries level since 2015, one child at a time (no sibling groups), no pandemic fall
    "steady": sf.datasets.CountyParameters(
        growth_after=0.0, sibling_sizes=(1.0, 0.0, 0.0, 0.0), pandemic_entry_factor=1.0
    ),
}


def _world(i: int, worlds: dict[str, sf.datasets.CountyParameters] = WORLDS) -> str:
    return list(worlds)[i % len(worlds)]


def _returns(county: sf.datasets.SimulatedCounty, folder: str) -> sf.SSDA903Data:
    p = county.parameters
    sf.write_returns(county.episodes, county.children, folder, first_year=p.first_year, last_year=p.last_year)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sf.read_ssda903(folder)


def _other_entries(county: sf.datasets.SimulatedCounty) -> int:
    """Entries of children other than unaccompanied ones after the start, from the generator's own episodes."""
    e = county.episodes
    after = e["is_entry"].astype(bool) & (e["episode_start"] > pd.Timestamp(START))
    return int((after & ~e["uasc"].fillna(False).astype(bool)).sum())


def _step_downs(county: sf.datasets.SimulatedCounty) -> int:
    """Moves from residential care to fostering of children other than unaccompanied ones after the start, from the
    generator's own episodes (consecutive episodes of a period of care, as the evaluation counts moves)."""
    e = county.episodes.sort_values(["child_id", "episode_start"], kind="stable")
    before = e.groupby(["child_id", "period_of_care"])["placement_coarse"].shift()
    when = e["episode_start"]
    hit = (before == "residential") & (e["placement_coarse"] == "fostering") & (when > pd.Timestamp(START))
    hit &= (when <= pd.Timestamp("2025-03-31")) & ~e["uasc"].fillna(False).astype(bool)
    return int(hit.sum())


def _needed(frame: pd.DataFrame) -> np.ndarray:
    """The widening each outcome needs to fall inside its 90% band (bands as simulated)."""
    above = frame["observed"] > frame["expected"]
    reach = np.where(above, frame["upper_90"] - frame["expected"], frame["expected"] - frame["lower_90"])
    gap = (frame["observed"] - frame["expected"]).abs().to_numpy(float)
    reach = np.asarray(reach, dtype=float)
    return np.where(reach > 0, gap / np.maximum(reach, 1e-9), np.where(gap > 0, np.inf, 0.0))


def _learn(datas: dict[int, tuple[str, sf.SSDA903Data]], n_sims: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Pretend starts in councils without a service: the settings' errors and the bands' needed widening."""
    errors, needs = [], []
    for name, opts in SETTINGS.items():
        for seed, (world, data) in datas.items():
            for origin in ORIGINS:
                end = min(pd.Timestamp(origin) + pd.DateOffset(years=3), data.censor_date)
                ev = sf.evaluate(
                    data,
                    origin,
                    end=end,
                    n_sims=n_sims,
                    seed=seed,
                    placebos=0,
                    fit_options=opts,
                    widening=Widening.none(),
                )
                s = ev.summary()
                other = s[(s["group"] == "stream") & (s["value"] == "other") & s["outcome"].isin(OUTCOMES)]
                if ev.months == 36:
                    for _, r in other.iterrows():
                        errors.append(
                            {"world": world, "setting": name, "outcome": r["outcome"], "log_ratio": np.log(r["ratio"])}
                        )
                m = ev.monthly()
                # the stream a service acts on: unaccompanied children's national surges are their own stream
                m = m[m["cumulative"] & (m["value"] == "other") & m["outcome"].isin(OUTCOMES)]
                m = m.assign(months=m.groupby(["outcome", "group", "value"]).cumcount() + 1)
                m = m[m["months"].isin(HORIZONS)]
                half_width = (m["upper_90"] - m["lower_90"]) / 2 / m["expected"].where(m["expected"] > 0)
                needs.append(
                    m.assign(
                        needed=_needed(m), half_width=half_width, council=seed, origin=origin, world=world, setting=name
                    )
                )
    return pd.DataFrame(errors), pd.concat(needs, ignore_index=True)


def _sharpness(needs: pd.DataFrame) -> pd.DataFrame:
    """Each setting's band for three years of entries, as simulated and as widened until it holds, world by world.

    The honest half-width is the median simulated half-width of the 90% band (÷ the expected count) times the
    widening that puts 90% of the world's pretend starts inside it: the band a user would get, calibrated. Only
    the starts of :data:`CHOICE_ORIGINS` count.
    """
    e = needs[(needs["outcome"] == "entries") & (needs["months"] == 36) & needs["origin"].isin(CHOICE_ORIGINS)]
    g = e.groupby(["setting", "world"], sort=False)
    out = pd.DataFrame(
        {"widening needed": g["needed"].quantile(0.9), "simulated half-width %": 100 * g["half_width"].median()}
    )
    out["honest half-width %"] = out["widening needed"] * out["simulated half-width %"]
    return out


def _by_world(table: pd.DataFrame) -> pd.DataFrame:
    """The held-out councils' counts world by world."""
    rows = []
    for world, t in table.groupby("world", sort=False):
        yes, no = t[t["service"] == "yes"], t[t["service"] == "no"]
        rows.append(
            {
                "world": world,
                "councils": len(t),
                "interval holds the true ratio": int(t["holds truth"].sum()),
                "effects found": f"{int((yes['p'] < 0.05).sum())} of {len(yes)}",
                "false alarms": f"{int((no['p'] < 0.05).sum())} of {len(no)}",
            }
        )
    return pd.DataFrame(rows)


def _methods(peers: pd.DataFrame) -> pd.DataFrame:
    """The library against the local-level peer on the same councils' entries, world by world and in all."""
    rows = []
    for (method, world), t in pd.concat([peers, peers.assign(world="all worlds")]).groupby(
        ["method", "world"], sort=False
    ):
        yes, no = t[t["service"] == "yes"], t[t["service"] == "no"]
        rows.append(
            {
                "method": method,
                "world": world,
                "interval holds the true ratio": f"{int(t['holds truth'].sum())} of {len(t)}",
                "effects found": f"{int((yes['p'] < 0.05).sum())} of {len(yes)}",
                "found at p ≤ 0.002": f"{int((yes['p'] <= 0.002).sum())} of {len(yes)}",
                "false alarms": f"{int((no['p'] < 0.05).sum())} of {len(no)}",
            }
        )
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learning", type=int, default=10, help="councils without a service to learn from")
    parser.add_argument(
        "--held-out", type=int, default=30, help="councils to judge on, the five worlds in turn (a service in a third)"
    )
    parser.add_argument("--first-seed", type=int, default=301)
    parser.add_argument("--n-sims", type=int, default=500)
    parser.add_argument("--ship", action="store_true", help="write the learned widening into the package")
    args = parser.parse_args()
    learn = list(range(args.first_seed, args.first_seed + args.learning))
    judge = list(range(learn[-1] + 1, learn[-1] + 1 + args.held_out))
    tic = time.perf_counter()
    rows: list[dict] = []
    peers: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        datas = {
            seed: (_world(i), _returns(sf.simulate_county(seed=seed, parameters=WORLDS[_world(i)]), f"{tmp}/{seed}"))
            for i, seed in enumerate(learn)
        }
        errors, needs = _learn(datas, min(args.n_sims, 300))
        # the setting: the sharpest band for three years of entries once calibrated, in its worse learning world
        sharp = _sharpness(needs)
        ranked = sharp.groupby(level="setting", sort=False)["honest half-width %"].max().sort_values()
        chosen = str(ranked.index[0])
        needs = needs[needs["setting"] == chosen]
        # its widening: the worse learning world decides, as for the forecast's calibration: a counterfactual that
        # leans in one world (a trend pulled towards none where entries grow) is widened until that world's bands hold
        factors = (
            needs.groupby(["outcome", "months", "world"])["needed"]
            .quantile(0.9)
            .groupby(["outcome", "months"])
            .max()
            .rename("factor")
            .reset_index()
        )
        widening = Widening.from_frame(factors)
        for i, seed in enumerate(judge):
            world = _world(i, HELD_OUT_WORLDS)
            turn = (i // len(HELD_OUT_WORLDS)) % 3
            service = SERVICE if turn == 0 else STEP_DOWN if turn == 1 else None
            county = sf.simulate_county(seed=seed, parameters=HELD_OUT_WORLDS[world], service=service)
            truth = sf.simulate_county(seed=seed, parameters=HELD_OUT_WORLDS[world])
            data = _returns(county, f"{tmp}/j{seed}")
            hyp = sf.Scenario("brief", [sf.change_entries(factor=0.75, start=SERVICE.start)])
            ev = sf.evaluate(
                data,
                START,
                n_sims=args.n_sims,
                seed=seed,
                placebos=6,
                widening=widening,
                hypothesis=hyp,
                fit_options=SETTINGS[chosen],
            )
            s = ev.summary()
            r = s[(s["outcome"] == "entries") & (s["group"] == "stream") & (s["value"] == "other")].iloc[0]
            # what a design team would have been told at the start, from the returns up to then only
            plan = sf.plan_evaluation(
                data,
                start=START,
                hypothesis=hyp,
                n_sims=args.n_sims,
                seed=seed,
                widening=widening,
                fit_options=SETTINGS[chosen],
            )
            planned = plan[(plan["outcome"] == "entries") & (plan["group"] == "stream") & (plan["value"] == "other")]
            true_ratio = _other_entries(county) / _other_entries(truth)
            found = ev.detectable()
            found = found[(found["outcome"] == "entries") & (found["group"] == "stream") & (found["value"] == "other")]
            clean = monthly_entries(county, "2017-04", "2025-03")
            for peer, level_sd in PEERS.items():
                test = local_level(clean, "2022-04", months=36, level_sd=level_sd)
                peers.append(
                    {
                        "council": seed,
                        "world": world,
                        "service": "yes" if service is SERVICE else "no",
                        "method": f"local level on clean monthly counts, {peer}",
                        "holds truth": bool(test["ratio_lower_90"] <= true_ratio <= test["ratio_upper_90"]),
                        "p": test["p_value"],
                    }
                )
            peers.append(
                {
                    "council": seed,
                    "world": world,
                    "service": "yes" if service is SERVICE else "no",
                    "method": "evaluate on the returns",
                    "holds truth": bool(r["ratio_lower_90"] <= true_ratio <= r["ratio_upper_90"]),
                    "p": r["p_value"],
                }
            )
            m = s[(s["outcome"] == "moves") & (s["group"] == "move") & (s["value"] == MOVE)].iloc[0]
            true_moves = _step_downs(county) / max(_step_downs(truth), 1)
            fa = ev.false_alarms()
            fa = fa[fa["group"].isin(["total", "stream"])]
            rows.append(
                {
                    "council": seed,
                    "world": world,
                    "service": "yes" if service is SERVICE else "no",
                    "step-down service": "yes" if service is STEP_DOWN else "no",
                    "true ratio": true_ratio,
                    "ratio": r["ratio"],
                    "ratio lower 90": r["ratio_lower_90"],
                    "ratio upper 90": r["ratio_upper_90"],
                    "holds truth": bool(r["ratio_lower_90"] <= true_ratio <= r["ratio_upper_90"]),
                    "p": r["p_value"],
                    "smallest fall found 4 in 5": float(found["smallest_fall"].iloc[0]),
                    "chance found, planned": float(planned["chance_found"].iloc[0]),
                    "in brief band": bool(r["hypothesis_lower_90"] <= r["observed"] <= r["hypothesis_upper_90"]),
                    "Bayes factor": r["bayes_factor"],
                    "placebo false alarms %": 100
                    * float((fa["false_alarm_rate"] * fa["placebos"]).sum() / fa["placebos"].sum()),
                    "moves true ratio": true_moves,
                    "moves ratio": m["ratio"],
                    "moves holds truth": bool(m["ratio_lower_90"] <= true_moves <= m["ratio_upper_90"]),
                    "moves p": m["p_value"],
                }
            )
    table = pd.DataFrame(rows)
    seconds = time.perf_counter() - tic
    settings = (
        errors.assign(square=errors["log_ratio"] ** 2, bias=100 * errors["log_ratio"])
        .groupby(["outcome", "world", "setting"], sort=False)[["square", "bias"]]
        .mean()
    )
    settings = pd.DataFrame(
        {"root mean square log error %": 100 * np.sqrt(settings["square"]), "mean log error %": settings["bias"]}
    ).sort_index()
    worst = (
        settings.loc["entries", "root mean square log error %"].groupby(level="setting").max().sort_values().round(1)
    )
    widths = factors.pivot(index="outcome", columns="months", values="factor")
    widths.columns = [f"{m} months" for m in widths.columns]
    with_service = table[table["service"] == "yes"]
    without = table[table["service"] == "no"]
    stepped = table[table["step-down service"] == "yes"]
    unstepped = table[table["step-down service"] == "no"]
    lines = [
        "# Evaluating a service on generated councils with a known effect",
        "",
        f"`python benchmarks/evaluation.py{' --ship' if args.ship else ''}` ({args.n_sims} paths for the held-out "
        f"councils, 300 for learning; {seconds:.0f} s on {machine()}).",
        "",
        f"## Learning councils {learn[0]}-{learn[-1]}: no service, pretend starts at the end of March "
        f"{', '.join(o[:4] for o in ORIGINS)}",
        "",
        "Three-year totals of children other than unaccompanied ones, by the entry setting of the counterfactual "
        "(log of observed ÷ expected, in %):",
        "",
        markdown_table(settings),
        "",
        "Worst world's root mean square log error of the entries, by setting: "
        + "; ".join(f"{k} {v}%" for k, v in worst.items())
        + ".",
        "",
        "The setting is chosen for the sharpest band subject to calibration (Gneiting, Balabdaoui and Raftery "
        "2007): for three years of entries, the median half-width of each setting's simulated 90% band (÷ the "
        "expected count) times the widening its pretend starts needed to hold in 90% of them, in its worse world, "
        f"over the starts {' and '.join(o[:4] for o in CHOICE_ORIGINS)}, whose five-year windows hold the "
        "pandemic's first year as a window does today (the years after the earlier starts run into that year's "
        "national fall, which no setting foresees; those starts still count for the widening). "
        "A counterfactual that misses less but is simulated wider, or narrower but needs widening, is judged by the "
        "band a user would get:",
        "",
        markdown_table(sharp.round(2)),
        "",
        "Worst world's honest half-width, by setting: "
        + "; ".join(f"{k} {v:.1f}%" for k, v in ranked.items())
        + f". Chosen: {chosen}"
        + ("." if dict(SETTINGS[chosen]) == dict(EVALUATION_FIT) else " (not yet `EVALUATION_FIT`)."),
        "",
        "Widening of the bands (in the worse of the two learning worlds, the 90th percentile of the factor each "
        "outcome of children other than unaccompanied "
        "ones needed, added up since the start):",
        "",
        markdown_table(widths, digits=2),
        "",
        f"## Held-out councils {judge[0]}-{judge[-1]}",
        "",
        "Worlds in turn: growing and flat as above, and three kept out of every choice, falling (entries down 3% a "
        "year), step (up 1% a year, a step up of a quarter in October 2019) and steady (level entries, one child "
        "at a time, no pandemic fall: the smoothest world). A service cutting new entries of "
        "children other than unaccompanied ones by a quarter from 1 April 2022 in a third of each world's "
        "councils; each evaluated from 31 March 2022 to 31 March 2025 on the `stream`/`other` entries "
        "row, with six in-time placebos. The true ratio is the council's entries with the service ÷ the same "
        "seed's entries without it.",
        "",
        f"- 90% interval holds the true ratio: {int(table['holds truth'].sum())} of {len(table)} councils.",
        f"- Effect found (p < 0.05) where there was a service: {int((with_service['p'] < 0.05).sum())} of "
        f"{len(with_service)}; false alarms (p < 0.05) where there was none: "
        f"{int((without['p'] < 0.05).sum())} of {len(without)}.",
        f"- The smallest fall the test finds four times in five (`Evaluation.detectable`), as a multiple of the "
        f"expected entries: median {table['smallest fall found 4 in 5'].median():.2f} (from "
        f"{table['smallest fall found 4 in 5'].min():.2f} to {table['smallest fall found 4 in 5'].max():.2f}), so "
        f"the service's cut to {SERVICE.entry_factor} is too small to be found four times in five in "
        f"{int((table['smallest fall found 4 in 5'] < SERVICE.entry_factor).sum())} of {len(table)} councils.",
        f"- Planned at the start (`plan_evaluation` with the brief, from the returns up to the start only): "
        f"chance of finding the brief's cut {100 * table['chance found, planned'].mean():.0f}% on average (from "
        f"{100 * table['chance found, planned'].min():.0f}% to {100 * table['chance found, planned'].max():.0f}%). "
        f"Over the {len(with_service)} councils that had the service the chances add up to "
        f"{with_service['chance found, planned'].sum():.1f} expected finds; "
        f"{int((with_service['p'] < 0.05).sum())} were found.",
        f"- Observed count inside the brief's band (`change_entries(factor=0.75)`): "
        f"{int(with_service['in brief band'].sum())} of {len(with_service)} with the service, "
        f"{int(without['in brief band'].sum())} of {len(without)} without.",
        f"- In-time placebos outside their 90% band (totals and streams of every outcome): "
        f"{table['placebo false alarms %'].mean():.1f}% on average (10% is what the band claims).",
        "",
        f"A second service, in another third of each world's councils, steps children down from residential "
        f"care to in-house foster care at an extra {STEP_DOWN.step_down_rate} a year from the same date; on the "
        f"`move`/`{MOVE}` row of `moves` (true ratio: the generator's own count of those moves ÷ the same seed's "
        "without the service):",
        "",
        f"- 90% interval holds the true ratio: {int(table['moves holds truth'].sum())} of {len(table)} councils.",
        f"- Effect found (p < 0.05) where there was a step-down service: "
        f"{int((stepped['moves p'] < 0.05).sum())} of {len(stepped)}; false alarms where there was none: "
        f"{int((unstepped['moves p'] < 0.05).sum())} of {len(unstepped)}.",
        "",
        "By world:",
        "",
        markdown_table(_by_world(table), index=False),
        "",
        "The same councils' entries tested the way CausalImpact tests them (Brodersen et al. 2015; "
        "`benchmarks/_local_level.py`): a local level fitted to the generator's own monthly counts of entries of "
        "children other than unaccompanied ones, April 2017 to March 2022, its forecast of the next 36 months "
        "against what happened. The peer sees clean counts; the library reads the returns. Its level's variance "
        "fitted, or held at CausalImpact's default prior (a standard deviation of 0.01 of the series'):",
        "",
        markdown_table(_methods(pd.DataFrame(peers)), index=False),
        "",
        real_councils(),
        "",
        "## Every held-out council",
        "",
        markdown_table(table, digits=3, index=False),
    ]
    write_result("evaluation", "\n".join(lines))
    if args.ship and dict(SETTINGS[chosen]) != dict(EVALUATION_FIT):
        raise SystemExit(f"the rule chooses {chosen!r}, not EVALUATION_FIT: set it before shipping")
    if args.ship:
        source = (
            f"benchmarks/evaluation.py: in the worse learning world, the 90th percentile of the widening needed by "
            f"{len(needs)} outcomes of children "
            f"other than unaccompanied ones in councils {learn[0]}-{learn[-1]} without a service, pretend starts "
            f"{', '.join(ORIGINS)}"
        )
        factors.assign(factor=factors["factor"].round(3), source=source).to_csv(SHIP, index=False)


if __name__ == "__main__":
    main()
