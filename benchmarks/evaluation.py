"""Evaluations of services on generated councils with a known effect, and the widening learned from placebos.

Councils are generated with seeds ``--first-seed`` onwards. The first half
(the learning councils) give only their in-time placebos, from which the
widening of each outcome's band is learned: the factor that puts 90% of the
placebos' outcomes (total and streams) inside their 90% band. The second
half (held out of the choice) alternate between a service that keeps a
quarter of the entries of children other than unaccompanied ones out of care
from 1 April 2022 and no service; each is evaluated from 31 March 2022 to
31 March 2025 with the learned widening, against the truth: the same seed
without the service.

Writes ``src/sufficiency/data/evaluation_widening.csv`` (with ``--ship``)
and ``benchmarks/results/evaluation.md``.

    python benchmarks/evaluation.py --councils 24 --ship
"""

from __future__ import annotations

import argparse
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from _results import machine, markdown_table, write_result

import sufficiency as sf
from sufficiency.datasets import Service
from sufficiency.evaluation import Widening

START = "2022-03-31"
SERVICE = Service(start="2022-04-01", entry_factor=0.75)
OUTCOMES = ("entries", "exits", "moves", "stock", "child_days")
SHIP = Path(__file__).resolve().parents[1] / "src" / "sufficiency" / "data" / "evaluation_widening.csv"


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


def _needed(placebos: pd.DataFrame) -> pd.Series:
    """The widening each placebo outcome needs to fall inside its 90% band."""
    above = placebos["observed"] > placebos["expected"]
    reach = np.where(
        above, placebos["upper_90"] - placebos["expected"], placebos["expected"] - placebos["lower_90"]
    ).astype(float)
    gap = (placebos["observed"] - placebos["expected"]).abs().to_numpy(float)
    return pd.Series(np.where(reach > 0, gap / np.maximum(reach, 1e-9), np.where(gap > 0, np.inf, 0.0)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--councils", type=int, default=24)
    parser.add_argument("--first-seed", type=int, default=301)
    parser.add_argument("--n-sims", type=int, default=500)
    parser.add_argument("--ship", action="store_true", help="write the learned widening into the package")
    args = parser.parse_args()
    seeds = list(range(args.first_seed, args.first_seed + args.councils))
    learn, judge = seeds[: len(seeds) // 2], seeds[len(seeds) // 2 :]
    tic = time.perf_counter()
    placebo_rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in learn:
            data = _returns(sf.simulate_county(seed=seed), f"{tmp}/{seed}")
            ev = sf.evaluate(data, START, n_sims=args.n_sims, seed=seed, placebos=4, widening=Widening.none())
            placebo_rows.append(ev.placebos.assign(council=seed))
        placebos = pd.concat(placebo_rows, ignore_index=True)
        placebos = placebos[placebos["group"].isin(["total", "stream"]) & placebos["outcome"].isin(OUTCOMES)]
        months = int(round((placebos["placebo_end"] - placebos["placebo_start"]).dt.days.mean() / 30.44))
        factors = {}
        for outcome, part in placebos.groupby("outcome"):
            need = _needed(part.reset_index(drop=True))
            factors[outcome] = max(1.0, float(np.quantile(need, 0.9)))
        widening = Widening({o: (np.array([months]), np.array([f])) for o, f in factors.items()}, source="")
        rows = []
        for i, seed in enumerate(judge):
            service = SERVICE if i % 2 == 0 else None
            county = sf.simulate_county(seed=seed, service=service)
            truth = sf.simulate_county(seed=seed)
            data = _returns(county, f"{tmp}/j{seed}")
            hyp = sf.Scenario("brief", [sf.change_entries(factor=0.75, start=SERVICE.start)])
            ev = sf.evaluate(data, START, n_sims=args.n_sims, seed=seed, placebos=4, widening=widening, hypothesis=hyp)
            s = ev.summary()
            r = s[(s["outcome"] == "entries") & (s["group"] == "stream") & (s["value"] == "other")].iloc[0]
            true_ratio = _other_entries(county) / _other_entries(truth)
            fa = ev.false_alarms()
            fa = fa[fa["group"].isin(["total", "stream"])]
            rows.append(
                {
                    "council": seed,
                    "service": "yes" if service else "no",
                    "true ratio": true_ratio,
                    "ratio": r["ratio"],
                    "ratio lower 90": r["ratio_lower_90"],
                    "ratio upper 90": r["ratio_upper_90"],
                    "holds truth": bool(r["ratio_lower_90"] <= true_ratio <= r["ratio_upper_90"]),
                    "p": r["p_value"],
                    "in brief band": bool(r["hypothesis_lower_90"] <= r["observed"] <= r["hypothesis_upper_90"]),
                    "Bayes factor": r["bayes_factor"],
                    "placebo false alarms %": 100
                    * float((fa["false_alarm_rate"] * fa["placebos"]).sum() / fa["placebos"].sum()),
                }
            )
    table = pd.DataFrame(rows)
    seconds = time.perf_counter() - tic
    with_service = table[table["service"] == "yes"]
    without = table[table["service"] == "no"]
    lines = [
        "# Evaluating a service on generated councils with a known effect",
        "",
        f"`python benchmarks/evaluation.py --councils {args.councils}{' --ship' if args.ship else ''}` "
        f"({args.n_sims} paths; {seconds:.0f} s on {machine()}).",
        "",
        f"Widening learned from the in-time placebos of councils {learn[0]}-{learn[-1]} (4 pretend starts each, "
        f"{months}-month periods, totals and streams): "
        + ", ".join(f"{o} {f:.2f}" for o, f in sorted(factors.items()))
        + ".",
        "",
        f"Held-out councils {judge[0]}-{judge[-1]}: a service cutting new entries of children other than "
        "unaccompanied ones by a quarter from 1 April 2022 in every other council; evaluated from 31 March 2022 "
        "to 31 March 2025 on the `stream`/`other` entries row. The true ratio is the council's entries with the "
        "service ÷ the same seed's entries without it.",
        "",
        f"- 90% interval holds the true ratio: {int(table['holds truth'].sum())} of {len(table)} councils.",
        f"- Effect found (p < 0.05) where there was a service: {int((with_service['p'] < 0.05).sum())} of "
        f"{len(with_service)}; false alarms where there was none: "
        f"{int((without['p'] < 0.05).sum())} of {len(without)}.",
        f"- Observed count inside the brief's band (`change_entries(factor=0.75)`): "
        f"{int(with_service['in brief band'].sum())} of {len(with_service)} with the service, "
        f"{int(without['in brief band'].sum())} of {len(without)} without.",
        "",
        markdown_table(table, digits=3, index=False),
    ]
    write_result("evaluation", "\n".join(lines))
    if args.ship:
        source = (
            f"benchmarks/evaluation.py: 90th percentile of the widening needed by {len(placebos)} placebo outcomes "
            f"(totals and streams) of councils {learn[0]}-{learn[-1]}, 4 pretend starts each"
        )
        out = pd.DataFrame(
            [{"outcome": o, "months": months, "factor": round(f, 3), "source": source} for o, f in factors.items()]
        )
        out.to_csv(SHIP, index=False)


if __name__ == "__main__":
    main()
