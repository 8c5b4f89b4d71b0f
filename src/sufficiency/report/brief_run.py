"""What a run over a brief shares, for an evaluation or a plan: its inputs and their findings, a file name for each
scenario, and the opening and data-quality section of its page."""

from __future__ import annotations

import html
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..common.errors import DataQualityWarning
from ..evaluation.evaluate import EvaluationWarning
from ..finance.prices import Prices
from ..finance.readers import read_unit_costs
from ..ingest.returns import SSDA903Data, read_ssda903
from ..scenarios.scenario import Scenario, read_scenarios
from .findings import quality_lines, recorded_warnings
from .formats import input_folders, without_folders

__all__ = [
    "BriefInputs",
    "brief_hypotheses",
    "findings_section",
    "page_start",
    "published_findings",
    "read_brief_inputs",
    "slug",
    "stems",
]


@dataclass
class BriefInputs:
    """The returns, prices and scenarios of a run over a brief, and what the run must tell its reader.

    Attributes
    ----------
    data : SSDA903Data
    prices : Prices
        The unit costs given, or the package's.
    scenarios : dict
        ``{name: scenario}``: each of the brief's scenarios (only the one
        named when one is), or ``{"no hypothesis": None}`` without a brief.
    stem_of : dict
        Each name's file-name part (:func:`stems`).
    said : list of str
        The returns' counted data-quality problems, the cost file's
        warnings and, after :meth:`recording`, the run's own warnings.
    """

    data: SSDA903Data
    prices: Prices
    scenarios: dict[str, Scenario | None]
    stem_of: dict[str, str]
    said: list[str] = field(default_factory=list)

    @contextmanager
    def recording(self) -> Iterator[None]:
        """Add the data-quality and evaluation warnings raised inside the block to :attr:`said`, once each."""
        with recorded_warnings(DataQualityWarning, EvaluationWarning) as run_said:
            yield
        self.said += [line for line in run_said if line not in self.said]


def read_brief_inputs(
    source: str | Path, *, costs: str | Path | None, brief: str | Path | None, scenario: str | None
) -> BriefInputs:
    """Read the returns, the unit costs and the brief's scenarios, counting what a reader must be told.

    Parameters
    ----------
    source : path
        Folder of yearly SSDA903 returns.
    costs : path, optional
        Unit costs (:func:`sufficiency.read_unit_costs`); default the package's.
    brief : path, optional
        Scenarios as JSON (:func:`sufficiency.read_scenarios`).
    scenario : str, optional
        Only this scenario of the brief.

    Returns
    -------
    BriefInputs
    """
    with recorded_warnings(DataQualityWarning):  # the reader's summary of data.quality, counted below line by line
        data = read_ssda903(source)
    with recorded_warnings(DataQualityWarning) as cost_said:
        prices = Prices(unit_costs=None if costs is None else read_unit_costs(costs))
    named = {"no hypothesis" if h is None else h.name: h for h in brief_hypotheses(brief, scenario)}
    return BriefInputs(
        data=data,
        prices=prices,
        scenarios=named,
        stem_of=stems(list(named)),
        said=quality_lines("returns", data.quality) + cost_said,
    )


def brief_hypotheses(brief: str | Path | None, scenario: str | None) -> list[Scenario | None]:
    """The brief's scenarios to test (only ``scenario`` when named), or ``[None]`` without a brief.

    Raises
    ------
    ValueError
        If the brief has no scenario of that name (the message lists its scenarios).
    """
    if brief is None:
        return [None]
    chosen = read_scenarios(brief)
    if scenario is not None:
        chosen = [s for s in chosen if s.name == scenario]
        if not chosen:
            names = [s.name for s in read_scenarios(brief)]
            raise ValueError(f"no scenario {scenario!r} in {Path(brief).name} (it has {names})")
    return list(chosen)


def slug(name: str) -> str:
    """A scenario's name as a file name's part: letters and digits kept, lower case, the rest ``_`` (``brief`` if
    nothing is left).

    Parameters
    ----------
    name : str

    Returns
    -------
    str
    """
    return "".join(ch if ch.isalnum() else "_" for ch in name.lower()).strip("_") or "brief"


def stems(names: list[str]) -> dict[str, str]:
    """Each name's :func:`slug`, made unique in order (``a_b``, ``a_b_2``), so no file of one overwrites another's.

    Parameters
    ----------
    names : list of str
        Distinct names.

    Returns
    -------
    dict of str to str
    """
    out: dict[str, str] = {}
    for name in names:
        stem, k = slug(name), 1
        while stem in out.values():
            k += 1
            stem = f"{slug(name)}_{k}"
        out[name] = stem
    return out


def published_findings(said: list[str], *inputs: str | Path | None) -> list[str]:
    """The findings with the folders of the inputs cut from them, so files are named, not folders.

    Parameters
    ----------
    said : list of str
    *inputs : path or None
        The returns folder first, then each input file given.

    Returns
    -------
    list of str
    """
    sources = {"returns": Path(inputs[0]) if inputs[0] is not None else None}
    sources |= {f"file {i}": Path(p) for i, p in enumerate(inputs[1:]) if p is not None}
    folders = input_folders(sources)
    return [without_folders(line, folders) for line in said]


def page_start(title: str, heading: str) -> list[str]:
    """The opening of a short page in the evaluation pages' style: head, style and the first heading.

    Parameters
    ----------
    title, heading : str
        Plain text (escaped here).

    Returns
    -------
    list of str
        HTML fragments.
    """
    return [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>{html.escape(title)}</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:1em auto;padding:0 1em;line-height:1.4}"
        "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:right}"
        "th{background:#f2f2f2}td.text{text-align:left}img{max-width:100%}</style></head><body>",
        f"<h1>{html.escape(heading)}</h1>",
    ]


def findings_section(said: list[str]) -> list[str]:
    """The page's list of data-quality problems and warnings, or a line saying there were none.

    Parameters
    ----------
    said : list of str
        Lines as :func:`sufficiency.report.findings.quality_lines` writes them, and warnings' messages.

    Returns
    -------
    list of str
        HTML fragments.
    """
    if not said:
        return ["<h2>Data quality</h2>", "<p>The returns were read with no data-quality problem to report.</p>"]
    items = "".join(f"<li>{html.escape(line)}</li>" for line in said)
    return [
        "<h2>Data quality</h2>",
        "<p>Rows of the returns with problems, counted by rule (each was kept or dropped as the line says), and "
        f"warnings raised on the way:</p><ul>{items}</ul>",
    ]
