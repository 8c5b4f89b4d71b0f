"""Command line: ``sufficiency report``, ``sufficiency evaluate``, ``sufficiency plan`` and ``sufficiency simulate``.

This module and the report (:mod:`sufficiency.report`) are the only places that write files.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

from .common.dates import financial_year_label, year_ending_march
from .common.errors import DataQualityWarning

__all__ = ["main"]


def _parse_money(text: str) -> float:
    """Read an amount such as ``3700000``, ``3.7m``, ``£3.7m``, ``3,700,000`` or ``450k`` [£].

    Parameters
    ----------
    text : str

    Returns
    -------
    float

    Raises
    ------
    argparse.ArgumentTypeError
        If it is not an amount.
    """
    match = re.fullmatch(r"\s*£?\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*([kKmM]?)\s*", text)
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r} is not an amount of money (write 3700000, 3.7m or £450k)")
    return float(match.group(1).replace(",", "")) * {"": 1, "k": 1e3, "m": 1e6}[match.group(2).lower()]


def _parse_financial_year(text: str) -> str:
    """Read a financial year such as ``2027-28`` (or ``2028``, the year it ends) into its label."""
    year = year_ending_march(text)
    if year is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a financial year (write 2027-28)")
    return financial_year_label(year)


#: Warnings printed on stderr after a report; the page lists them all.
_WARNINGS_SHOWN = 10


def _say_warnings(lines: Sequence[str], page: str) -> None:
    """The first :data:`_WARNINGS_SHOWN` findings on stderr, then how many more ``page`` lists."""
    for line in lines[:_WARNINGS_SHOWN]:
        print(f"sufficiency: warning: {line}", file=sys.stderr)
    if len(lines) > _WARNINGS_SHOWN:
        print(f"sufficiency: warning: and {len(lines) - _WARNINGS_SHOWN} more (see {page})", file=sys.stderr)


def _report(args: argparse.Namespace) -> int:
    from .report import Progress, ReportOptions, write_report

    if (args.target is None) != (args.target_year is None) and args.source is not None:
        raise ValueError("give --target and --target-year together")
    options = ReportOptions(
        costs=args.costs,
        fees=args.fees,
        capacity=args.capacity,
        scenarios=args.scenarios,
        inflation=args.inflation,
        route_shares=args.route_shares,
        target=args.target,
        target_year=args.target_year,
        horizon=args.horizon,
        n_sims=args.n_sims,
        seed=args.seed,
        suppress_below=args.suppress_below,
        include_episodes=args.include_episodes,
        uasc_arrivals=args.uasc_arrivals,
        outturn=args.outturn,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        result = write_report(args.source, args.out, options, progress=Progress(8, quiet=args.quiet))
    _say_warnings(result.warnings, "the report's data-quality section")
    if not args.quiet:
        print(result.text)
        print(
            f"\nWrote {len(result.files)} files to {Path(args.out).resolve()} (open report.html; report.xlsx for "
            "finance)"
        )
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from .report.evaluation_page import write_evaluation

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        run = write_evaluation(
            args.source,
            args.out,
            start=args.start,
            end=args.end,
            brief=args.brief,
            scenario=args.scenario,
            costs=args.costs,
            n_sims=args.n_sims,
            seed=args.seed,
            placebos=args.placebos,
            suppress_below=args.suppress_below,
        )
    _say_warnings(run.warnings, "evaluation.html")
    if not args.quiet:
        print(run.text)
        print(f"\nWrote {len(run.files)} files to {Path(args.out).resolve()} (open evaluation.html)")
    return 0


def _plan(args: argparse.Namespace) -> int:
    from .report.evaluation_plan import write_plan

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        run = write_plan(
            args.source,
            args.out,
            months=args.months,
            start=args.start,
            brief=args.brief,
            scenario=args.scenario,
            costs=args.costs,
            n_sims=args.n_sims,
            seed=args.seed,
        )
    _say_warnings(run.warnings, "plan.html")
    if not args.quiet:
        print(run.text)
        print(f"\nWrote {len(run.files)} files to {Path(args.out).resolve()} (open plan.html)")
    return 0


def _simulate(args: argparse.Namespace) -> int:
    from .datasets.build import build_sample

    files = build_sample(
        Path(args.out), seed=args.seed, scale=args.scale, first_year=args.first_year, last_year=args.last_year
    )
    print(f"Wrote {len(files)} files to {Path(args.out).resolve()}")
    return 0


def _whole(text: str, least: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < least:
        raise argparse.ArgumentTypeError(f"{text} must be {least} or more")
    return value


def _positive(text: str) -> int:
    return _whole(text, 1)


def _count(text: str) -> int:
    return _whole(text, 0)


def _horizon(text: str) -> int:
    from .projection.run import MAX_HORIZON_MONTHS

    months = _whole(text, 1)
    if months > MAX_HORIZON_MONTHS:
        raise argparse.ArgumentTypeError(
            f"{text} months is longer than a projection runs ({MAX_HORIZON_MONTHS} at most)"
        )
    return months


def _non_negative(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"{text} must be a number, 0 or more")
    return value


def _positive_number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text} must be a number above 0")
    return value


def _suppress_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--suppress-below",
        type=_positive,
        default=None,
        metavar="N",
        help="show counts of children under N as 'c', as the DfE publishes",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status: 0 on success, 2 when the input data or options cannot
        be used, 1 on any other error. Errors are printed as one line on
        stderr (``--traceback`` shows the traceback).
    """
    parser = argparse.ArgumentParser(
        prog="sufficiency",
        description="Looked-after children: forecasts, costs, savings scenarios and sufficiency from SSDA903 returns.",
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--traceback", action="store_true", help="show the full Python traceback of an error")
    sub = parser.add_subparsers(dest="command", required=True)
    rep = sub.add_parser(
        "report",
        parents=[common],
        help="write report.html, report.xlsx, charts and tables (from the bundled sample if no folder is given)",
    )
    rep.add_argument(
        "source",
        nargs="?",
        default=None,
        help="folder of yearly SSDA903 returns (default: the bundled sample, with its costs, places and scenarios)",
    )
    rep.add_argument("--out", default="sufficiency-report", help="output folder (default: ./sufficiency-report)")
    rep.add_argument(
        "--costs",
        type=Path,
        help="unit costs (CSV or xlsx: category, route, weekly_cost, price_year, source); default the package's",
    )
    rep.add_argument(
        "--fees",
        type=Path,
        help="placement cost file (one row per child placement: child, start, end, weekly fee, route)",
    )
    rep.add_argument("--capacity", type=Path, help="places (category, route, places, start, end)")
    rep.add_argument("--scenarios", type=Path, help="scenarios (JSON, as Scenario.to_json writes them)")
    rep.add_argument(
        "--inflation", type=Path, help="annual inflation by category (category, annual_rate); default the package's"
    )
    rep.add_argument(
        "--route-shares", type=Path, help="shares of each category's placements by route (category, route, share)"
    )
    rep.add_argument(
        "--outturn",
        type=Path,
        help="outturn and budgets (financial_year, placement, spend, budget): prices are anchored to it and the "
        "model reconciled with it",
    )
    rep.add_argument("--target", type=_parse_money, help="savings target, e.g. 3.7m")
    rep.add_argument("--target-year", type=_parse_financial_year, help="financial year of the target, e.g. 2027-28")
    rep.add_argument("--horizon", type=_horizon, default=60, help="months to forecast (default 60)")
    rep.add_argument("--n-sims", type=_positive, default=1000, help="simulated paths (default 1000)")
    rep.add_argument("--seed", type=_count, default=1, help="random seed (default 1)")
    rep.add_argument(
        "--uasc-arrivals",
        type=_non_negative,
        default=None,
        metavar="N",
        help="unaccompanied children arriving a year, e.g. the National Transfer Scheme's share (default: the rate "
        "of the last three years, held flat)",
    )
    _suppress_option(rep)
    rep.add_argument(
        "--include-episodes",
        action="store_true",
        help="also write every child's episodes (child-level data: ids and dates of birth)",
    )
    rep.add_argument("--quiet", action="store_true", help="no progress bar and no summary")
    rep.set_defaults(func=_report)
    ev = sub.add_parser(
        "evaluate",
        parents=[common],
        help="test whether a service works: what happened after its start against the forecast without it",
    )
    ev.add_argument("source", help="folder of yearly SSDA903 returns, including the years since the service started")
    ev.add_argument("--start", required=True, help="the day the service started, e.g. 2022-04-01")
    ev.add_argument("--end", default=None, help="last day to evaluate (default: the end of the returns)")
    ev.add_argument("--brief", type=Path, help="the brief's scenarios (JSON): each is tested as a hypothesis")
    ev.add_argument("--scenario", default=None, help="test only this scenario of the brief")
    ev.add_argument("--costs", type=Path, help="unit costs (CSV or xlsx) for the cost outcome; default the package's")
    ev.add_argument("--out", default="sufficiency-evaluation", help="output folder (default: ./sufficiency-evaluation)")
    ev.add_argument("--n-sims", type=_positive, default=1000, help="simulated paths (default 1000)")
    ev.add_argument("--seed", type=_count, default=1, help="random seed (default 1)")
    ev.add_argument("--placebos", type=_count, default=6, help="pretend starts before the real one (default 6)")
    _suppress_option(ev)
    ev.add_argument("--quiet", action="store_true", help="no summary")
    ev.set_defaults(func=_evaluate)
    pl = sub.add_parser(
        "plan",
        parents=[common],
        help="before a service starts: how large a change an evaluation could find, and its chance of confirming "
        "the brief",
    )
    pl.add_argument("source", help="folder of yearly SSDA903 returns, up to the service's start")
    pl.add_argument("--brief", type=Path, help="the brief's scenarios (JSON): each is planned as a hypothesis")
    pl.add_argument("--scenario", default=None, help="plan only this scenario of the brief")
    pl.add_argument("--months", type=_positive, default=36, help="months the evaluation will cover (default 36)")
    pl.add_argument("--start", default=None, help="the service's start (default: the end of the returns)")
    pl.add_argument("--costs", type=Path, help="unit costs (CSV or xlsx) for the cost outcome; default the package's")
    pl.add_argument("--out", default="sufficiency-plan", help="output folder (default: ./sufficiency-plan)")
    pl.add_argument("--n-sims", type=_positive, default=1000, help="simulated paths (default 1000)")
    pl.add_argument("--seed", type=_count, default=1, help="random seed (default 1)")
    pl.add_argument("--quiet", action="store_true", help="no summary")
    pl.set_defaults(func=_plan)
    sim = sub.add_parser(
        "simulate", parents=[common], help="write a synthetic county's SSDA903 returns with their ground truth"
    )
    sim.add_argument("--out", required=True, help="output folder")
    sim.add_argument("--seed", type=_count, default=903)
    sim.add_argument(
        "--scale",
        type=_positive_number,
        default=1.0,
        help="multiplies entry rates (about 110 gives a national-size dataset)",
    )
    sim.add_argument("--first-year", type=int, default=2016)
    sim.add_argument("--last-year", type=int, default=2025)
    sim.set_defaults(func=_simulate)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except Exception as exc:  # one line for the user, whatever went wrong
        if args.traceback:
            raise
        message = " ".join(str(exc).split()) or type(exc).__name__
        if isinstance(exc, (ValueError, OSError)):  # SchemaError is a ValueError: the input cannot be used
            print(f"sufficiency: error: {message}", file=sys.stderr)
            return 2
        print(
            f"sufficiency: error: {type(exc).__name__}: {message} (run with --traceback for details)", file=sys.stderr
        )
        return 1


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
