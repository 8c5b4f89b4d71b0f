"""How far real councils' entries stray from their own past: the band an evaluation needs where nothing changed.

An evaluation's counterfactual band has to hold a council's entries where no service acted. The
generator's councils can be as smooth as their counts allow; real councils are not. The DfE publishes
every council's starts to care for the years ending 31 March 2018 to 2022
(``sufficiency/data/dfe_la_totals.csv``). For each council with all five years, the counterfactual is
the mean of its starts in 2018-2020 (the pandemic's first year, 2021, left out, as ``EVALUATION_FIT``
leaves it out), and the outcome is its starts in 2022. A counterfactual that takes a council's entries to
stray from their level no more than counting noise does (as a local level fitted to a smooth council's
months does) has a 90% band of ``1.645 * sqrt(1 / n_2022 + 1 / (3 * mean))`` on the log scale; the
share of real councils outside it is that method's false-alarm rate on councils where no service is
known, with England's change over the years taken out (a counterfactual does not know it either, so
this is the kinder count).
"""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd

#: The years the counterfactual is the mean of, and the year it is judged on.
WINDOW = (2018, 2019, 2020)
OUTCOME = 2022
#: The cut the evaluation benchmark's service makes.
CUT = 0.75


def real_starts() -> pd.DataFrame:
    """Each council's starts in ``WINDOW`` years' mean and in ``OUTCOME`` [children], councils with every year."""
    path = resources.files("sufficiency").joinpath("data", "dfe_la_totals.csv")
    with path.open("r", encoding="utf-8") as fh:
        table = pd.read_csv(fh)
    wide = table.pivot_table(index="la_code", columns="year", values="starts", aggfunc="first")
    years = [*WINDOW, WINDOW[-1] + 1, OUTCOME]
    wide = wide[years].dropna()
    wide = wide[(wide > 0).all(axis=1)]
    return pd.DataFrame({"mean": wide[list(WINDOW)].mean(axis=1), "outcome": wide[OUTCOME]})


def section() -> str:
    """The results file's section on real councils (Markdown)."""
    s = real_starts()
    log_ratio = np.log(s["outcome"] / s["mean"])
    national = float(np.log(s["outcome"].sum() / s["mean"].sum()))
    counting = np.sqrt(1 / s["outcome"] + 1 / (len(WINDOW) * s["mean"]))
    outside = float((np.abs(log_ratio - national) > 1.645 * counting).mean())
    big = s["outcome"] >= 300
    outside_big = float((np.abs(log_ratio - national)[big] > 1.645 * counting[big]).mean())
    excess = float(np.sqrt(max(float((log_ratio - national).var()) - float((counting**2).mean()), 0.0)))
    q = np.exp(log_ratio.quantile([0.05, 0.1, 0.5, 0.9, 0.95]))
    below_cut = float((np.exp(log_ratio - national) <= CUT).mean())
    return "\n".join(
        [
            "## Real councils: how far entries stray from their own past",
            "",
            f"DfE starts by council ({len(s)} councils with every year, median {s['outcome'].median():.0f} starts in "
            f"{OUTCOME}; `benchmarks/_real_starts.py`): each council's starts in {OUTCOME} ÷ its mean over "
            f"{WINDOW[0]}-{WINDOW[-1]} (the pandemic's first year left out), two years after the window's end. "
            f"England's ratio was {np.exp(national):.3f}. Whatever moved these councils is what a counterfactual's "
            "band has to allow for where no service acted.",
            "",
            f"- 5th, 10th, 50th, 90th and 95th percentiles of the ratio: {', '.join(f'{v:.2f}' for v in q)}.",
            f"- Outside a 90% band from counting noise alone (England's change taken out): {100 * outside:.0f}% "
            f"of councils ({100 * outside_big:.0f}% of the {int(big.sum())} with 300 starts or more), where the "
            "band claims 10%. That is the false-alarm rate of a counterfactual that takes a council's entries to "
            "be as smooth as their counts.",
            f"- Their spread beyond counting noise: {excess:.2f} on the log scale, in one year.",
            f"- A fall to {CUT} or below (England's change taken out), the cut of the held-out councils' service, "
            f"happened in {100 * below_cut:.0f}% of councils.",
        ]
    )
