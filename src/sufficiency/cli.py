"""Command line: ``sufficiency report`` and ``sufficiency simulate``.

This module and :mod:`sufficiency.report` are the only places that write files.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

from .errors import DataQualityWarning


def _report(args: argparse.Namespace) -> int:
    from .report import write_report

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        result = write_report(args.source, args.out)
    print(result.text)
    print(f"\nWrote {len(result.files)} files to {Path(args.out).resolve()}")
    return 0


def _simulate(args: argparse.Namespace) -> int:
    from .datasets.build import build_sample

    files = build_sample(Path(args.out), seed=args.seed, scale=args.scale, first_year=args.first_year, last_year=args.last_year)
    print(f"Wrote {len(files)} files to {Path(args.out).resolve()}")
    return 0


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
    parser = argparse.ArgumentParser(prog="sufficiency", description="Looked-after children: stock, flows and forecasts from SSDA903 returns.")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--traceback", action="store_true", help="show the full Python traceback of an error")
    sub = parser.add_subparsers(dest="command", required=True)
    rep = sub.add_parser("report", parents=[common], help="read SSDA903 returns and write a report (the bundled sample if no folder is given)")
    rep.add_argument("source", nargs="?", default=None, help="folder of yearly SSDA903 returns (default: the bundled sample)")
    rep.add_argument("--out", default="sufficiency-report", help="output folder (default: ./sufficiency-report)")
    rep.set_defaults(func=_report)
    sim = sub.add_parser("simulate", parents=[common], help="write a synthetic county's SSDA903 returns with their ground truth")
    sim.add_argument("--out", required=True, help="output folder")
    sim.add_argument("--seed", type=int, default=903)
    sim.add_argument("--scale", type=float, default=1.0, help="multiplies entry rates (about 110 gives a national-size dataset)")
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
        print(f"sufficiency: error: {type(exc).__name__}: {message} (run with --traceback for details)", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
