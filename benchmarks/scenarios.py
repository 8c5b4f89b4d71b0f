"""Benchmark: costing a projection, scoring five scenarios and evaluating a brief, against one baseline projection.

On the bundled sample: fit once, then time (best of ``--repeat`` runs after a
warm-up) a 1,000-path, 60-month ``project``; ``cost`` of that projection
with the default prices and inflation (with and without the sample's
placement cost file); and ``score`` of five scenarios, one of each kind of
lever (a route shift to a partner, a step-down of hazards, fewer entries,
a unit-cost change, added places), whose baseline is the same projection;
and ``evaluate`` of a brief (fewer entries) from 31 March 2022 to the end of
the data, with prices, without placebos and with the default six; and
``plan_evaluation`` of the same brief over the 36 months after the data end.
Writes ``results/speed_scenarios.md``.

Usage::

    python benchmarks/scenarios.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _results import machine, markdown_table, write_result  # noqa: E402

import sufficiency as suf  # noqa: E402

START = "2025-07-01"
SCENARIOS = [
    suf.Scenario(
        "route shift",
        (
            suf.shift_placements(
                "external_residential",
                route="spot",
                to_route="partner",
                share=0.5,
                weekly_cost=5800,
                start=START,
                ramp_months=18,
                capacity=12,
            ),
        ),
    ),
    suf.Scenario(
        "step-down",
        (
            suf.change_hazard(
                "external_residential", "agency_fostering", factor=2.0, ages=range(8, 16), start=START, ramp_months=12
            ),
        ),
    ),
    suf.Scenario("entries", (suf.change_entries(factor=0.85, ages=(16, 17), start=START, ramp_months=12),)),
    suf.Scenario(
        "unit cost", (suf.change_unit_cost("agency_fostering", route="spot", factor=0.9, start="2026-04-01"),)
    ),
    suf.Scenario("capacity", (suf.add_capacity("inhouse_fostering", places=30, start="2026-04-01"),)),
]


def best(fn, repeat: int) -> float:
    """Best wall time of ``repeat`` calls after one warm-up [s]."""
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", suf.DataQualityWarning)
        data = suf.load_sample()
        fees = suf.read_placement_costs(suf.sample_path() / "placement_costs.csv", data, warn=False)
    fitted = suf.fit(data)
    unit, inflation = suf.default_unit_costs(), suf.default_inflation()
    capacity = suf.read_capacity(suf.sample_path() / "capacity.csv")
    projection = suf.project(fitted, horizon=60, n_sims=1000, seed=1)
    t_project = best(lambda: suf.project(fitted, horizon=60, n_sims=1000, seed=1), args.repeat)
    t_cost = best(lambda: suf.cost(projection, unit, inflation=inflation), args.repeat)
    t_cost_fees = best(lambda: suf.cost(projection, unit, inflation=inflation, fees=fees), args.repeat)
    t_score = best(
        lambda: suf.score(
            fitted, SCENARIOS, unit_costs=unit, inflation=inflation, capacity=capacity, horizon=60, n_sims=1000, seed=1
        ),
        args.repeat,
    )
    brief = suf.Scenario("brief", (suf.change_entries(factor=0.8, start="2022-04-01"),))
    prices = suf.Prices()

    def evaluation(placebos: int) -> float:
        return best(
            lambda: suf.evaluate(data, "2022-03-31", hypothesis=brief, prices=prices, seed=1, placebos=placebos),
            args.repeat,
        )

    t_eval, t_placebos = evaluation(0), evaluation(6)
    later = suf.Scenario("brief", (suf.change_entries(factor=0.8, start="2025-04-01"),))  # starts after the data
    t_plan = best(lambda: suf.plan_evaluation(data, months=36, hypothesis=later, prices=prices, seed=1), args.repeat)
    seconds = [t_project, t_cost, t_cost_fees, t_score, t_eval, t_placebos, t_plan]
    table = pd.DataFrame(
        {"seconds": seconds, "times one projection": [t / t_project for t in seconds]},
        index=pd.Index(
            [
                "project (1,000 paths, 60 months)",
                "cost",
                "cost with the placement cost file",
                "score, five scenarios (with places)",
                "evaluate a brief from 2022-03-31 (1,000 paths, 36 months)",
                "evaluate a brief with six placebos (300 paths each)",
                "plan the evaluation of a brief (1,000 paths, 36 months)",
            ],
            name="step",
        ),
    )
    text = (
        f"`python benchmarks/scenarios.py` on {machine()}, the sample county; best of {args.repeat} runs after a "
        "warm-up:\n\n" + markdown_table(table, digits=2)
    )
    print(write_result("speed_scenarios", text))


if __name__ == "__main__":
    main()
