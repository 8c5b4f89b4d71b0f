"""Placements within each period of care, and the SSDA903 episodes a council would record for them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..common import schema as S
from ..common.dates import age_at, birthday
from ..ingest.codes import code_groups
from ..ingest.taxonomy import coarse_map
from .parameters import (
    AGF,
    CATEGORY_NAMES,
    DAY,
    EXR,
    FOSTER,
    INF,
    INR,
    KIN,
    OTR,
    PFA,
    PWP,
    RESIDENTIAL,
    SEC,
    SUP,
    CountyParameters,
)

__all__ = ["child_id_of", "children_of", "episodes_of", "placement_spells", "true_placements", "truncate_returns"]


_NEXT = {
    # from category: (probabilities to KIN INF AGF PFA PWP INR EXR SEC OTR SUP) for age <12, 12-15, 16+
    KIN: (
        [0.35, 0.40, 0.17, 0, 0.06, 0.0, 0.02, 0, 0.0, 0.0],
        [0.20, 0.30, 0.28, 0, 0.07, 0.02, 0.12, 0.01, 0.0, 0.0],
        [0.08, 0.10, 0.12, 0, 0.05, 0.02, 0.08, 0.0, 0.0, 0.55],
    ),
    INF: (
        [0.10, 0.55, 0.27, 0, 0.04, 0.0, 0.03, 0, 0.01, 0.0],
        [0.05, 0.40, 0.33, 0, 0.05, 0.03, 0.13, 0.01, 0.0, 0.0],
        [0.02, 0.12, 0.14, 0, 0.04, 0.02, 0.08, 0.0, 0.0, 0.58],
    ),
    AGF: (
        [0.08, 0.25, 0.58, 0, 0.04, 0.0, 0.04, 0, 0.01, 0.0],
        [0.04, 0.18, 0.52, 0, 0.05, 0.03, 0.16, 0.02, 0.0, 0.0],
        [0.02, 0.06, 0.22, 0, 0.04, 0.02, 0.08, 0.0, 0.0, 0.56],
    ),
    PWP: (
        [0.25, 0.40, 0.30, 0, 0.0, 0.0, 0.04, 0, 0.01, 0.0],
        [0.12, 0.30, 0.35, 0, 0.0, 0.03, 0.18, 0.02, 0.0, 0.0],
        [0.05, 0.10, 0.15, 0, 0.0, 0.02, 0.10, 0.0, 0.0, 0.58],
    ),
    INR: (
        [0.02, 0.30, 0.30, 0, 0.03, 0.10, 0.25, 0, 0.0, 0.0],
        [0.02, 0.12, 0.20, 0, 0.04, 0.12, 0.46, 0.04, 0.0, 0.0],
        [0.01, 0.04, 0.06, 0, 0.03, 0.06, 0.25, 0.01, 0.0, 0.54],
    ),
    EXR: (
        [0.02, 0.20, 0.35, 0, 0.03, 0.08, 0.32, 0, 0.0, 0.0],
        [0.02, 0.08, 0.22, 0, 0.04, 0.08, 0.51, 0.05, 0.0, 0.0],
        [0.01, 0.03, 0.06, 0, 0.03, 0.04, 0.33, 0.01, 0.0, 0.49],
    ),
    SEC: (
        [0.0, 0.1, 0.3, 0, 0.0, 0.1, 0.5, 0, 0.0, 0.0],
        [0.0, 0.05, 0.15, 0, 0.0, 0.15, 0.65, 0, 0.0, 0.0],
        [0.0, 0.02, 0.08, 0, 0.0, 0.1, 0.5, 0, 0.0, 0.3],
    ),
    OTR: (
        [0.25, 0.35, 0.30, 0, 0.10, 0.0, 0.0, 0, 0.0, 0.0],
        [0.1, 0.3, 0.35, 0, 0.05, 0.05, 0.15, 0, 0.0, 0.0],
        [0.05, 0.1, 0.15, 0, 0.05, 0.05, 0.1, 0, 0.0, 0.5],
    ),
    SUP: (
        [0.0, 0.3, 0.4, 0, 0.0, 0.0, 0.3, 0, 0.0, 0.0],
        [0.0, 0.2, 0.4, 0, 0.0, 0.1, 0.3, 0, 0.0, 0.0],
        [0.01, 0.03, 0.05, 0, 0.02, 0.02, 0.10, 0.0, 0.0, 0.77],
    ),
}
#: Weibull scale [days] of a placement's length by category; shape < 1 gives a falling hazard.
_PLACEMENT_SCALE = np.array([1100, 900, 800, 1.0, 500, 560, 520, 70, 120, 480], dtype=float)
_PLACEMENT_SHAPE = 0.75


def placement_spells(rng: np.random.Generator, periods: pd.DataFrame) -> pd.DataFrame:
    n = len(periods)
    table = np.zeros((10, 3, 10))
    for cat, by_age in _NEXT.items():
        for g, row in enumerate(by_age):
            r = np.asarray(row, dtype=float)
            table[cat, g] = r / r.sum()
    dob = periods["dob"].to_numpy("datetime64[ns]")
    end = periods["end"].to_numpy("datetime64[ns]")
    adopt_start = periods["adopt_start"].to_numpy("datetime64[ns]")
    adopting = ~np.isnat(adopt_start)
    idx = np.arange(n)
    start = periods["entry"].to_numpy("datetime64[ns]").copy()
    cat = periods["first_cat"].to_numpy().copy()
    rows = []
    for _ in range(200):
        if idx.size == 0:
            break
        soj = np.minimum(_PLACEMENT_SCALE[cat] * rng.weibull(_PLACEMENT_SHAPE, idx.size), 40_000).astype(np.int64) + 1
        limit = end[idx].copy()
        pre_adopt = adopting[idx] & (cat != PFA)
        limit[pre_adopt] = adopt_start[idx][pre_adopt]
        seg_end = np.minimum(start + soj * DAY, limit)
        seg_end = np.where(cat == PFA, end[idx], seg_end)  # an adoptive placement lasts until adoption
        rows.append(pd.DataFrame({"period_id": idx, "start": start, "end": seg_end, "cat": cat}))
        going = seg_end < end[idx]
        to_adopt = pre_adopt & (seg_end == limit)
        age = age_at(dob[idx], seg_end)
        age_group = np.where(age < 12, 0, np.where(age < 16, 1, 2))
        probs = table[cat, age_group]
        nxt = (rng.random(idx.size)[:, None] > np.cumsum(probs, axis=1)).sum(axis=1)
        nxt = np.minimum(nxt, SUP)
        nxt = np.where(to_adopt, PFA, nxt)
        idx, start, cat = idx[going], seg_end[going], nxt[going]
    segs = pd.concat(rows, ignore_index=True).sort_values(["period_id", "start"]).reset_index(drop=True)
    return segs


def _codes_for(
    rng: np.random.Generator, cat: np.ndarray, start: np.ndarray, age: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = len(cat)
    u = rng.random(n)
    place = np.empty(n, dtype=object)
    prov = np.empty(n, dtype=object)
    place[cat == KIN] = np.where(u[cat == KIN] < 0.5, "U3", "U1")
    for c in (INF, AGF):
        m = cat == c
        place[m] = np.where(u[m] < 0.55, "U6", "U4")
    place[cat == PFA] = np.where(u[cat == PFA] < 0.6, "A5", "A6")
    place[cat == PWP] = "P1"
    place[np.isin(cat, RESIDENTIAL)] = "K2"
    place[cat == SEC] = "K1"
    m = cat == OTR
    place[m] = np.where(age[m] < 2, "R3", np.where(u[m] < 0.5, "R2", np.where(u[m] < 0.8, "S1", "R5")))
    sup = cat == SUP
    oct23 = np.datetime64("2023-10-28")
    apr24 = np.datetime64("2024-04-01")
    place[sup] = np.where(start[sup] >= apr24, "K3", np.where((start[sup] < oct23) & (u[sup] < 0.15), "P2", "H5"))
    v = rng.random(n)
    prov[:] = "PR4"
    prov[cat == KIN] = "PR1"
    prov[cat == INF] = np.where(v[cat == INF] < 0.95, "PR1", "PR2")
    prov[cat == AGF] = np.where(v[cat == AGF] < 0.8, "PR4", "PR5")
    prov[cat == PFA] = np.where(v[cat == PFA] < 0.85, "PR1", "PR2")
    prov[cat == PWP] = "PR0"
    prov[cat == INR] = "PR1"
    prov[cat == EXR] = np.where(v[cat == EXR] < 0.88, "PR4", "PR5")
    prov[cat == SEC] = np.where(v[cat == SEC] < 0.7, "PR2", "PR1")
    m = cat == OTR
    prov[m] = np.where(place[m] == "S1", "PR5", np.where(place[m] == "R3", "PR4", "PR3"))
    prov[m & (place == "R5")] = "PR3"
    urn = np.full(n, "", dtype=object)
    needs = np.isin(place, ["K1", "K2", "K3", "U4", "U5", "U6", "A5", "A6", "U1", "U3", "S1"]) | (
        (place == "H5") & (start >= oct23)
    )
    urn[needs] = np.char.add("SC", (100000 + rng.integers(0, 900000, needs.sum())).astype(str))
    return place, prov, urn


def episodes_of(
    rng: np.random.Generator, p: CountyParameters, periods: pd.DataFrame, segs: pd.DataFrame
) -> pd.DataFrame:
    per = periods.set_index("period_id")
    pid = segs["period_id"].to_numpy()
    start = segs["start"].to_numpy("datetime64[ns]")
    end = segs["end"].to_numpy("datetime64[ns]")
    cat = segs["cat"].to_numpy()
    dob = per["dob"].to_numpy("datetime64[ns]")[pid]
    age = age_at(dob, start)
    place, prov, urn = _codes_for(rng, cat, start, age)
    seg_id = np.arange(len(segs))
    # cuts inside segments: (segment, date, kind)
    cuts = []
    full_order = per["full_order"].to_numpy("datetime64[ns]")[pid]
    inside = ~np.isnat(full_order) & (full_order > start) & (full_order < end)
    cuts.append(pd.DataFrame({"seg": seg_id[inside], "date": full_order[inside], "kind": "L"}))
    long_fost = np.isin(place, ["U6", "U3"]) & (end - start > 420 * DAY) & (rng.random(len(segs)) < 0.5)
    cuts.append(pd.DataFrame({"seg": seg_id[long_fost], "date": start[long_fost] + 365 * DAY, "kind": "T"}))
    respite = np.isin(cat, FOSTER) & (end - start > 120 * DAY) & (rng.random(len(segs)) < 0.04)
    mid = start[respite] + rng.integers(30, 90, respite.sum()) * DAY
    cuts.append(pd.DataFrame({"seg": seg_id[respite], "date": mid, "kind": "temp"}))
    cuts.append(pd.DataFrame({"seg": seg_id[respite], "date": mid + 7 * DAY, "kind": "back"}))
    cut = pd.concat(cuts, ignore_index=True).sort_values(["seg", "date"])
    cut = cut[cut["date"] < end[cut["seg"].to_numpy()]]
    # build pieces: each segment start plus its cuts
    heads = pd.DataFrame({"seg": seg_id, "date": start, "kind": "seg"})
    pieces = (
        pd.concat([heads, cut], ignore_index=True).sort_values(["seg", "date"], kind="stable").reset_index(drop=True)
    )
    pieces = pieces.drop_duplicates(["seg", "date"], keep="first").reset_index(drop=True)
    s = pieces["seg"].to_numpy()
    pc_start = pieces["date"].to_numpy("datetime64[ns]")
    nxt_same = np.r_[s[1:] == s[:-1], False]
    pc_end = np.where(nxt_same, np.r_[pc_start[1:], pc_start[:1]], end[s])
    # a zero-length piece followed by another piece of the same period is dropped
    pid_of = pid[s]
    last_of_period = np.r_[pid_of[1:] != pid_of[:-1], True]
    keep = (pc_end > pc_start) | last_of_period
    pieces, s, pc_start, pc_end = pieces[keep].reset_index(drop=True), s[keep], pc_start[keep], pc_end[keep]
    kind = pieces["kind"].to_numpy()
    pc_place = place[s].copy()
    # after a T cut the placement becomes long-term (U6->U4, U3->U1)
    after_t = pd.Series(kind == "T").groupby(s).cummax().to_numpy()
    pc_place = np.where(after_t & (pc_place == "U6"), "U4", np.where(after_t & (pc_place == "U3"), "U1", pc_place))
    temp = kind == "temp"
    pc_place[temp] = "T3"
    pc_prov = prov[s].copy()
    pc_prov[temp] = ""
    pc_urn = urn[s].copy()
    pc_urn[temp] = ""
    pc_pid = pid[s]
    # legal status
    care = per["care_order"].to_numpy()[pc_pid]
    order_date = per["full_order"].to_numpy("datetime64[ns]")[pc_pid]
    ls = np.where(care, np.where(pc_start < order_date, "C1", "C2"), "V2")
    ls = np.where(cat[s] == PFA, "E1", ls)
    ages = age_at(dob[s], pc_start)
    youth = (~care) & (ages >= 12) & (rng.random(len(s)) < 0.02)
    ls = np.where(youth & (cat[s] == SEC), "J1", ls)
    # reasons for new episode
    first_in_period = np.r_[True, pc_pid[1:] != pc_pid[:-1]]
    prev_ls = np.r_[[""], ls[:-1]]
    rne = np.where(
        kind == "seg", np.where(ls != prev_ls, "B", "P"), np.where(kind == "L", "L", np.where(kind == "T", "T", "P"))
    )
    rne = np.where(first_in_period, "S", rne)
    # reasons ceased
    last_in_period = np.r_[pc_pid[1:] != pc_pid[:-1], True]
    route = per["route"].to_numpy()[pc_pid]
    rec = np.where(last_in_period, _exit_codes(rng, route, cat[s], pc_end), "X1")
    nxt_rne = np.r_[rne[1:], [""]]
    reasons = np.array(["CARPL", "CARPL", "CARPL", "CREQB", "CREQO", "CHILD", "LAREQ", "CLOSE", "STAND", "OTHER"])
    rpc = np.where(np.isin(nxt_rne, ["P", "B"]) & ~last_in_period, reasons[rng.integers(0, len(reasons), len(s))], "")
    rpc = np.where((nxt_rne == "T") & ~last_in_period, "PLACE", rpc)
    rpc = np.where(temp, "", rpc)
    cin = np.where(
        per["uasc"].to_numpy()[pc_pid],
        "N8",
        rng.choice(
            ["N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8"],
            size=len(s),
            p=[0.64, 0.04, 0.04, 0.08, 0.12, 0.02, 0.01, 0.05],
        ),
    )
    cin = pd.Series(cin).groupby(pc_pid).transform("first").to_numpy()
    child_ids = per["child"].to_numpy()[pc_pid]
    out = pd.DataFrame(
        {
            "_child": child_ids,
            "_period_no": per["episode_no"].to_numpy()[pc_pid],
            "_first": first_in_period,
            "_last": last_in_period,
            S.EPISODE_START: pc_start,
            S.EPISODE_END: pc_end,
            S.REASON_NEW: rne,
            S.LEGAL_STATUS: ls,
            S.CATEGORY_OF_NEED: cin,
            S.PLACEMENT_CODE: pc_place,
            S.PROVIDER_CODE: pc_prov,
            S.REASON_CEASED: rec,
            S.REASON_PLACE_CHANGE: rpc,
            S.URN: pc_urn,
            S.PLACEMENT: np.array(CATEGORY_NAMES, dtype=object)[cat[s]],
        }
    )
    out = out[out[S.EPISODE_END] >= out[S.EPISODE_START]]
    return out


def _exit_codes(rng: np.random.Generator, route: np.ndarray, cat: np.ndarray, when: np.ndarray) -> np.ndarray:
    n = len(route)
    u = rng.random(n)
    out = np.full(n, "E8", dtype=object)
    out[route == "adoption"] = np.where(u[route == "adoption"] < 0.7, "E11", "E12")
    m = route == "home"
    out[m] = np.where(u[m] < 0.75, "E4A", np.where(u[m] < 0.85, "E4B", "E13"))
    m = route == "sgo"
    kin = np.isin(cat, [KIN])
    fost = np.isin(cat, FOSTER)
    out[m] = np.where(kin[m], "E45", np.where(fost[m], "E46", np.where(u[m] < 0.7, "E47", "E48")))
    # before the 2018-19 return the SGO codes were E43 (former foster carer) and E44 (other)
    old = m & (when < np.datetime64("2018-04-01"))
    out[old] = np.where(np.isin(out[old], ["E45", "E46"]), "E43", "E44")
    out[route == "cao"] = "E41"
    m = route == "independent"
    out[m] = np.where(u[m] < 0.85, "E5", "E6")
    m = route == "at18"
    out[m] = np.where(
        fost[m],
        np.where(u[m] < 0.55, "E17", np.where(u[m] < 0.9, "E5", "E6")),
        np.where(u[m] < 0.75, "E5", np.where(u[m] < 0.9, "E6", np.where(u[m] < 0.95, "E7", "E8"))),
    )
    m = route == "transfer"
    out[m] = "E3"
    m = route == "custody"
    out[m] = np.where(u[m] < 0.6, "E9", "E14")
    m = route == "other"
    out[m] = np.where(u[m] < 0.85, "E8", np.where(u[m] < 0.95, "E15", "E16"))
    return out


def truncate_returns(
    episodes: pd.DataFrame, censor: pd.Timestamp, children: pd.DataFrame, p: CountyParameters
) -> pd.DataFrame:
    out = episodes[episodes[S.EPISODE_START] <= censor].copy()
    open_ = out[S.EPISODE_END] > censor
    out.loc[open_, S.EPISODE_END] = pd.NaT
    out.loc[open_, S.REASON_CEASED] = ""
    out.loc[open_, S.REASON_PLACE_CHANGE] = ""
    out[S.CHILD_ID] = child_id_of(out["_child"].to_numpy())
    # periods of care as the generator made them (not re-derived from the episodes)
    out[S.PERIOD_OF_CARE] = out["_period_no"].astype(int)
    out[S.IS_ENTRY] = out["_first"].to_numpy(bool)
    out[S.IS_EXIT] = out["_last"].to_numpy(bool) & out[S.EPISODE_END].notna().to_numpy()
    out[S.EXIT_REASON] = np.where(out[S.IS_EXIT], out[S.REASON_CEASED].map(code_groups("REC")).fillna("unknown"), "")
    out[S.PLACEMENT_COARSE] = out[S.PLACEMENT].map(coarse_map())
    out = out.drop(columns=["_child", "_period_no", "_first", "_last"]).merge(
        children[[S.CHILD_ID, S.DATE_OF_BIRTH, S.SEX, S.UASC, S.UASC_CEASED]], on=S.CHILD_ID, how="left"
    )
    last_day = out[S.EPISODE_END].fillna(censor)
    year = last_day.dt.year + (last_day.dt.month >= 4).astype(int)
    out[S.RETURN_YEAR] = year.where(year >= p.first_year).astype("Int64")
    out[S.SOURCE_FILE] = ""
    out[S.SOURCE_ROW] = pd.array([pd.NA] * len(out), dtype="Int64")
    return out[list(S.EPISODE_COLUMNS)]


def true_placements(periods: pd.DataFrame, segments: pd.DataFrame, censor: pd.Timestamp) -> pd.DataFrame:
    """The generator's placement spells up to the censor date, with child ids and periods of care."""
    per = periods.set_index("period_id")
    pid = segments["period_id"].to_numpy()
    spells = pd.DataFrame(
        {
            S.CHILD_ID: child_id_of(per["child"].to_numpy()[pid]),
            S.PERIOD_OF_CARE: per["episode_no"].to_numpy()[pid],
            "start": segments["start"].to_numpy("datetime64[ns]"),
            "end": segments["end"].to_numpy("datetime64[ns]"),
            S.PLACEMENT: np.array(CATEGORY_NAMES, dtype=object)[segments["cat"].to_numpy()],
            S.DATE_OF_BIRTH: per["dob"].to_numpy("datetime64[ns]")[pid],
            S.UASC: per["uasc"].to_numpy(bool)[pid],
        }
    )
    spells = spells[spells["start"] <= censor].reset_index(drop=True)
    spells.loc[spells["end"] > censor, "end"] = pd.NaT
    return spells


def child_id_of(index: np.ndarray) -> np.ndarray:
    """The child ids the returns use for the generator's children numbered ``index`` (``C000001``...)."""
    if len(index) == 0:
        return np.array([], dtype=str)
    return np.char.add("C", np.char.zfill((index + 1).astype(str), 6))


def children_of(periods: pd.DataFrame) -> pd.DataFrame:
    first = periods.sort_values("entry").drop_duplicates("child")
    n = len(first)
    rng = np.random.default_rng(int(first["child"].sum()) % (2**32))
    eth = rng.choice(
        ["WBRI", "WOTH", "MWBC", "MOTH", "AIND", "APKN", "BAFR", "BCRB", "OOTH", "NOBT"],
        size=n,
        p=[0.72, 0.05, 0.05, 0.04, 0.03, 0.02, 0.03, 0.02, 0.03, 0.01],
    )
    uasc = first["uasc"].to_numpy(bool)
    eth = np.where(uasc, rng.choice(["OOTH", "BAFR", "AOTH", "WOTH"], size=n), eth)
    dob = first["dob"].to_numpy("datetime64[ns]")
    return (
        pd.DataFrame(
            {
                S.CHILD_ID: child_id_of(first["child"].to_numpy()),
                S.DATE_OF_BIRTH: dob,
                S.SEX: first["sex"].to_numpy(),
                S.ETHNICITY: eth,
                S.UASC: uasc,
                S.UASC_CEASED: np.where(uasc, birthday(dob, 18), np.datetime64("NaT")),
            }
        )
        .sort_values(S.CHILD_ID)
        .reset_index(drop=True)
    )
