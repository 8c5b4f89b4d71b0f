"""Small builders of SSDA903 files for tests."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

HEADER = ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]
EPISODES = [
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


def header_row(child: str, dob: str, sex: str = "1") -> dict:
    return {"CHILD": child, "SEX": sex, "DOB": dob, "ETHNIC": "WBRI", "UPN": "UN1", "MOTHER": "", "MC_DOB": ""}


def episode_row(
    child: str,
    decom: str,
    dec: str = "",
    rec: str = "",
    *,
    rne: str = "S",
    ls: str = "C2",
    place: str = "U4",
    provider: str = "PR1",
) -> dict:
    return {
        "CHILD": child,
        "DECOM": decom,
        "RNE": rne,
        "LS": ls,
        "CIN": "N1",
        "PLACE": place,
        "PLACE_PROVIDER": provider,
        "DEC": dec,
        "REC": rec,
        "REASON_PLACE_CHANGE": "",
        "HOME_POST": "",
        "PL_POST": "",
        "URN": "",
    }


def write_year(
    root: Path,
    year: int,
    headers: list[dict],
    episodes: list[dict],
    *,
    encoding: str = "utf-8",
    newline: str = "\n",
) -> Path:
    """Write ``root/<yyyy-yy>/header.csv`` and ``episodes.csv``; return the folder."""
    folder = root / f"{year - 1}-{str(year)[-2:]}"
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(headers, columns=HEADER).to_csv(
        folder / "header.csv", index=False, lineterminator=newline, encoding=encoding
    )
    pd.DataFrame(episodes, columns=EPISODES).to_csv(
        folder / "episodes.csv", index=False, lineterminator=newline, encoding=encoding
    )
    return folder
