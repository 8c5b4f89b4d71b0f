"""Write episodes as yearly SSDA903 returns (header, episodes, UASC CSVs)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..common import schema as S

__all__ = ["write_returns"]

_EPISODE_COLUMNS = [
    "CHILD",
    "DECOM",
    "RNE",
    "LS",
    "CIN",
    "PLACE",
    "PLACE_PROVIDER",
    "DEC",
    "REC",
    "REASON_PLACE_CHANGE",
    "HOME_POST",
    "PL_POST",
    "URN",
]
_HEADER_COLUMNS = ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]


def _dmy(values: pd.Series) -> pd.Series:
    return values.dt.strftime("%d/%m/%Y").fillna("")


def write_returns(
    episodes: pd.DataFrame,
    children: pd.DataFrame,
    folder: str | Path,
    *,
    first_year: int,
    last_year: int,
) -> list[Path]:
    """Write one SSDA903 return per collection year, as a council would hold them.

    Each year's return holds every episode open at any time from 1 April to
    31 March; episodes still open on 31 March have blank ``DEC`` and
    ``REC``. Files go to ``folder/<yyyy-yy>/header.csv``, ``episodes.csv``
    and ``uasc.csv`` (UASC only where the year has any). ``SEX`` is written
    1/2 up to 2023-24 and M/F from 2024-25.

    Parameters
    ----------
    episodes : pandas.DataFrame
        True episodes in canonical columns (e.g. ``SimulatedCounty.episodes``).
    children : pandas.DataFrame
        One row per child (``child_id``, ``date_of_birth``, ``sex``,
        ``ethnicity``, ``uasc``, ``uasc_ceased``).
    folder : path
        Output folder (created if needed).
    first_year, last_year : int
        Collection years to write [year ending 31 March].

    Returns
    -------
    list of pathlib.Path
        The files written.

    Raises
    ------
    TypeError
        If ``children`` is not the table of children.
    ValueError
        If ``folder`` is a file.
    """
    if not isinstance(children, pd.DataFrame) or S.CHILD_ID not in children.columns:
        raise TypeError(
            "write_returns needs the children table (one row per child, with child_id and date_of_birth), e.g. "
            "SimulatedCounty.children"
        )
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"{folder} is a file: write the returns to a folder")
    written = []
    kids = children.set_index(S.CHILD_ID)
    for year in range(first_year, last_year + 1):
        y_start = pd.Timestamp(year=year - 1, month=4, day=1)
        y_end = pd.Timestamp(year=year, month=3, day=31)
        ep = episodes[
            (episodes[S.EPISODE_START] <= y_end)
            & (episodes[S.EPISODE_END].isna() | (episodes[S.EPISODE_END] >= y_start))
        ]
        ep = ep.sort_values([S.CHILD_ID, S.EPISODE_START])
        open_now = ep[S.EPISODE_END].isna() | (ep[S.EPISODE_END] > y_end)
        out = pd.DataFrame(
            {
                "CHILD": ep[S.CHILD_ID],
                "DECOM": _dmy(ep[S.EPISODE_START]),
                "RNE": ep[S.REASON_NEW],
                "LS": ep[S.LEGAL_STATUS],
                "CIN": ep[S.CATEGORY_OF_NEED],
                "PLACE": ep[S.PLACEMENT_CODE],
                "PLACE_PROVIDER": ep[S.PROVIDER_CODE],
                "DEC": _dmy(ep[S.EPISODE_END].where(~open_now)),
                "REC": ep[S.REASON_CEASED].where(~open_now, ""),
                "REASON_PLACE_CHANGE": ep[S.REASON_PLACE_CHANGE].where(~open_now, ""),
                "HOME_POST": "",
                "PL_POST": "",
                "URN": ep[S.URN],
            }
        )[_EPISODE_COLUMNS]
        ids = ep[S.CHILD_ID].drop_duplicates()
        who = kids.loc[ids]
        sex = who[S.SEX].map({"M": "1", "F": "2"}) if year <= 2024 else who[S.SEX]
        header = pd.DataFrame(
            {
                "CHILD": ids.to_numpy(),
                "SEX": sex.to_numpy(),
                "DOB": _dmy(who[S.DATE_OF_BIRTH]).to_numpy(),
                "ETHNIC": who[S.ETHNICITY].to_numpy(),
                "UPN": np.where(who[S.UASC], "UN2", "UN1"),
                "MOTHER": np.where(who[S.SEX] == "F", "0", ""),
                "MC_DOB": "",
            }
        )[_HEADER_COLUMNS]
        sub = folder / f"{year - 1}-{str(year)[-2:]}"
        sub.mkdir(parents=True, exist_ok=True)
        for name, table in (("header.csv", header), ("episodes.csv", out)):
            table.to_csv(sub / name, index=False, lineterminator="\n")
            written.append(sub / name)
        uasc = who[who[S.UASC]]
        if len(uasc):
            table = pd.DataFrame(
                {
                    "CHILD": uasc.index.to_numpy(),
                    "SEX": (uasc[S.SEX].map({"M": "1", "F": "2"}) if year <= 2024 else uasc[S.SEX]).to_numpy(),
                    "DOB": _dmy(uasc[S.DATE_OF_BIRTH]).to_numpy(),
                    "DUC": _dmy(uasc[S.UASC_CEASED]).to_numpy(),
                }
            )
            table.to_csv(sub / "uasc.csv", index=False, lineterminator="\n")
            written.append(sub / "uasc.csv")
    return written
