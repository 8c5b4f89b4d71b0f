"""Poisson regression with a log link, fitted by iteratively reweighted least squares.

The entry trends need only this small model (a level and a slope over a
few dozen months), so it is fitted here rather than through a general GLM
library, which would be loaded by every fit. It gives the same estimates,
standard errors and Pearson chi-square as ``statsmodels``' Poisson GLM
(checked in the tests).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["MAX_ITERATIONS", "TOLERANCE", "PoissonFit", "poisson_glm"]

#: Largest relative change of the deviance at which the iterations stop.
TOLERANCE = 1e-10
#: Most iterations before giving up on convergence.
MAX_ITERATIONS = 100


@dataclass(frozen=True)
class PoissonFit:
    """A fitted Poisson regression.

    Attributes
    ----------
    params : numpy.ndarray
        Coefficients on the log scale, one per column of the design.
    bse : numpy.ndarray
        Their standard errors (Poisson, before any dispersion).
    pearson_chi2 : float
        Sum of squared Pearson residuals, ``sum((y - mu)² / mu)``.
    df_resid : int
        Observations less coefficients.
    """

    params: np.ndarray
    bse: np.ndarray
    pearson_chi2: float
    df_resid: int


def _deviance(y: np.ndarray, mu: np.ndarray) -> float:
    ratio = np.divide(y, mu, out=np.ones_like(y), where=y > 0)
    return float(2.0 * np.sum(y * np.log(ratio) - (y - mu)))


def poisson_glm(y: np.ndarray, design: np.ndarray) -> PoissonFit:
    """Fit ``log E[y] = design @ params`` to counts ``y`` by maximum likelihood.

    Parameters
    ----------
    y : numpy.ndarray
        Counts, not all zero (n,) [events].
    design : numpy.ndarray
        (n, p) columns of full rank, the first usually a constant.

    Returns
    -------
    PoissonFit

    Raises
    ------
    ValueError
        If the counts are all zero or negative, or the design is not of
        full rank.
    """
    y = np.asarray(y, dtype=float)
    x = np.asarray(design, dtype=float)
    if y.sum() <= 0 or (y < 0).any():
        raise ValueError("a Poisson regression needs counts of zero or more, not all zero")
    if np.linalg.matrix_rank(x) < x.shape[1]:
        raise ValueError("the design's columns are not independent")
    mu = (y + y.mean()) / 2  # a start inside the range, as for any IRLS fit
    eta = np.log(mu)
    deviance = _deviance(y, mu)
    for _ in range(MAX_ITERATIONS):
        z = eta + (y - mu) / mu
        weighted = x * mu[:, None]
        params = np.linalg.solve(x.T @ weighted, weighted.T @ z)
        eta = x @ params
        mu = np.exp(eta)
        new = _deviance(y, mu)
        done = abs(new - deviance) <= TOLERANCE * (abs(new) + 0.1)
        deviance = new
        if done:
            break
    information = x.T @ (x * mu[:, None])
    return PoissonFit(
        params=params,
        bse=np.sqrt(np.diag(np.linalg.inv(information))),
        pearson_chi2=float(np.sum((y - mu) ** 2 / mu)),
        df_resid=len(y) - x.shape[1],
    )
