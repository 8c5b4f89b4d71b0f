"""Accuracy per world, each world kept out of the calibration it is scored with (``results/accuracy_worlds.md``).

The councils of ``calibrate.py`` (40 per world, seeds 101-140, origins 31 March 2019 and 2021, 300
paths) are scored world by world: for each world the corrections (blend and stretches) are learned
from the other three worlds' forecasts only, exactly as ``calibrate.py`` learns the shipped ones, and
applied to the held-out world's forecasts. So every figure below is for councils whose world no
choice saw. Methods: the default forecast (``fit`` + ``project``, with the corrections learned
without the world); the model as simulated (``calibrate=False``); carrying the stock forward (no
change); and a peer model (a one-year window, no entry window, the mean path).

Usage::

    python benchmarks/worlds.py [--sims 300] [--seeds 101 140]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _forecasts import world_forecasts  # noqa: E402
from _moves import MIN_CHILDREN, moves_table, real_moves, world_moves  # noqa: E402
from _results import markdown_table, write_result  # noqa: E402
from _worlds import WORLDS  # noqa: E402
from calibrate import COVERAGE  # noqa: E402

from sufficiency.accuracy.calibration import band_coverage, learn_calibration  # noqa: E402

GROUPS = ("fostering", "residential", "supported")
YEARS = {12: "1 year", 24: "2 years", 36: "3 years", 48: "4 years", 60: "5 years"}


def scored(forecasts: list, peer: pd.DataFrame) -> pd.DataFrame:
    """Every held-out world's groups, calibrated without it and as simulated, with the peer's and no change's points."""
    parts = []
    for world in WORLDS:
        kept = [f for f in forecasts if f.world == world]
        learned = learn_calibration([f for f in forecasts if f.world != world], coverage=COVERAGE)
        for name, calibration in (("default", learned), ("as simulated", None)):
            parts.append(band_coverage(kept, calibration).assign(method=name))
    frame = pd.concat(parts, ignore_index=True)
    frame = frame.merge(
        peer.rename(columns={"peer": "peer_point"}),
        how="left",
        on=["world", "council", "origin", "step", "group", "months"],
    )
    return frame


def _ape(point: pd.Series, actual: pd.Series) -> pd.Series:
    return 100 * (point - actual).abs() / actual.where(actual > 0)


def total_tables(frame: pd.DataFrame, world: str) -> str:
    t = frame[(frame["world"] == world) & (frame["step"] == "total")]
    default, simulated = (
        t[t["method"] == m].set_index(["council", "origin", "months"]) for m in ("default", "as simulated")
    )
    points = {
        "default (calibrated without this world)": default["mean"],
        "model as simulated": simulated["mean"],
        "no change": default["naive"],
        "peer (1-year window, mean path)": default["peer_point"],
    }
    mape = pd.DataFrame({k: _ape(v, default["actual"]).groupby("months").mean() for k, v in points.items()}).T
    bias = pd.DataFrame(
        {k: (100 * (v - default["actual"]) / default["actual"]).groupby("months").mean() for k, v in points.items()}
    ).T
    cover = pd.DataFrame(
        {
            "default": default["inside"].groupby("months").mean() * 100,
            "as simulated": simulated["inside"].groupby("months").mean() * 100,
        }
    ).T
    cover["pooled"] = [default["inside"].mean() * 100, simulated["inside"].mean() * 100]
    n = default.groupby("months").size()
    return "\n\n".join(
        [
            f"Forecasts per horizon: {', '.join(str(int(n[m])) for m in n.index)}. Total, mean absolute % error:",
            markdown_table(mape.rename(columns=YEARS).rename_axis("method"), digits=1),
            "Total, bias (mean % error):",
            markdown_table(bias.rename(columns=YEARS).rename_axis("method"), digits=1),
            "Total, % of outcomes inside the 80% band:",
            markdown_table(cover.rename(columns=YEARS).rename_axis("method"), digits=0),
        ]
    )


def group_tables(frame: pd.DataFrame, world: str) -> str:
    g = frame[(frame["world"] == world) & (frame["step"] == "placement_group") & (frame["months"] <= 36)]
    g = g[g["group"].isin(GROUPS)]
    default, simulated = (g[g["method"] == m] for m in ("default", "as simulated"))
    rows = []
    for group in GROUPS:
        d, s = default[default["group"] == group], simulated[simulated["group"] == group]
        rows.append(
            {
                "group": group,
                "inside_80_default": 100 * d["inside"].mean(),
                "inside_80_as_simulated": 100 * s["inside"].mean(),
                "mape_default": _ape(d["mean"], d["actual"]).mean(),
                "mape_as_simulated": _ape(s["mean"], s["actual"]).mean(),
                "mape_carried_forward": _ape(d["naive"], d["actual"]).mean(),
                "mape_peer": _ape(d["peer_point"], d["actual"]).mean(),
            }
        )
    rows.append(
        {
            "group": "pooled",
            "inside_80_default": 100 * default["inside"].mean(),
            "inside_80_as_simulated": 100 * simulated["inside"].mean(),
        }
    )
    other = frame[
        (frame["world"] == world)
        & (frame["method"] == "default")
        & frame["step"].isin(["age_band", "stream", "placement"])
    ]
    reads = (
        other.groupby("step")["inside"].mean().mul(100).rename("inside_80_default").rename_axis("breakdown").to_frame()
    )
    return "\n\n".join(
        [
            "Placement groups 1 to 3 years ahead (% inside the 80% band; mean absolute % error of the mean against "
            "carrying each group forward and the peer):",
            markdown_table(pd.DataFrame(rows).set_index("group"), digits=1),
            "Other breakdowns, 1 to 5 years ahead, % inside the 80% band (pooled over their groups):",
            markdown_table(reads, digits=1),
        ]
    )


def moves_section(frame: pd.DataFrame) -> str:
    """How far each placement group moved in real councils (DfE tables) and in each world, beside the default bands."""
    default = frame[(frame["method"] == "default") & (frame["months"] <= 36)]
    table = moves_table(real_moves(), world_moves(default, GROUPS))
    table = table.rename(columns={"councils": "moves"}).astype({"moves": int, "median_start": int})
    return "\n\n".join(
        [
            "### How far placement groups move: real councils and each world's councils",
            "Each council's group some years on ÷ the group at the start (`benchmarks/_moves.py`): real councils "
            "from the DfE's tables of children looked after by placement type (foster placements 2011-2017 and "
            "2021-2022; children's homes and secure homes, and supported accommodation, only "
            "2021 to 2022, the year England's arrivals of unaccompanied children nearly doubled), the worlds' "
            f"councils from their backtests' origins; groups of at least {MIN_CHILDREN} children at the start. "
            "`p10`, `median`, `p90`: percentiles of the move; `beyond_1_5x`: % of moves above 1.5 times or below "
            "two thirds; `default_band_width`: the median default 80% band's upper end ÷ its lower end (calibrated "
            "without the world).",
            markdown_table(table, digits=2),
        ]
    )


def text(frame: pd.DataFrame, sims: int, seeds: range) -> str:
    parts = [
        f"{len(seeds)} councils per world (seeds {seeds.start}-{seeds.stop - 1}), origins 31 March 2019 and 2021, "
        f"{sims} paths; each world scored with corrections learned from the other three only "
        "(`python benchmarks/worlds.py`). Worlds (`benchmarks/_worlds.py`): "
        "**backlog** (a court backlog that builds and clears, a wave of unaccompanied children 2021-24), "
        "**lengthening** (each year's entrants stay 2-5% longer, flat entries), "
        "**surges** (entries that surge and fall back, a mix drifting to children's homes and supported "
        "accommodation, a wave of unaccompanied children at a random date), "
        "**mixed** (a random mixture: the test bed of `accuracy.py`)."
    ]
    for world in WORLDS:
        parts += [f"### {world}", total_tables(frame, world), group_tables(frame, world)]
    parts.append(moves_section(frame))
    return "\n\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sims", type=int, default=300)
    parser.add_argument("--seeds", type=int, nargs=2, default=[101, 140])
    args = parser.parse_args()
    seeds = range(args.seeds[0], args.seeds[1] + 1)
    forecasts, peer = world_forecasts(list(WORLDS), seeds, args.sims)
    frame = scored(forecasts, peer)
    print(write_result("accuracy_worlds", text(frame, args.sims, seeds)))


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
