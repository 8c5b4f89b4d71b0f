"""Draw the charts the README shows, from the bundled sample, with :mod:`sufficiency.plotting`.

Writes ``docs/forecast.png`` (children looked after: history and forecast
with intervals), ``docs/cost_pressure.png`` (why spend rises: volume, price
and mix) and ``docs/scenarios.png`` (the sample brief's scenarios against a
£2m target). Same settings as the sample report: 1,000 paths, seed 1.

Usage::

    python docs/make_charts.py
"""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

import sufficiency as suf  # noqa: E402
from sufficiency import plotting  # noqa: E402

HERE = Path(__file__).resolve().parent


def main() -> None:
    warnings.simplefilter("ignore", suf.DataQualityWarning)
    data = suf.load_sample()
    fees = suf.read_placement_costs(suf.sample_path() / "placement_costs.csv", data, warn=False)
    unit_costs, inflation = suf.default_unit_costs(), suf.default_inflation()
    fitted = suf.fit(data)
    projection = suf.project(fitted, horizon=60, n_sims=1000, seed=1)
    costs = suf.cost(projection, unit_costs, inflation=inflation, fees=fees)
    scores = suf.score(
        fitted,
        suf.read_scenarios(suf.sample_path() / "scenarios.json"),
        unit_costs=unit_costs,
        inflation=inflation,
        fees=fees,
        horizon=60,
        n_sims=1000,
        seed=1,
        target=2_000_000,
        target_year="2027-28",
    )
    charts = {
        "forecast": lambda: plotting.fan(
            projection, data=data, baselines={"naive": suf.baseline_forecast(data, horizon=60)}
        ),
        "cost_pressure": lambda: plotting.cost_pressure(costs, "2025-26", "2027-28"),
        "scenarios": lambda: plotting.scenarios(scores),
    }
    for name, draw in charts.items():
        ax = draw()
        ax.figure.savefig(HERE / f"{name}.png", dpi=90)
        plt.close(ax.figure)
        print(HERE / f"{name}.png")


if __name__ == "__main__":
    main()
