"""Bands, effects, p-values and Bayes factors of observed outcomes against simulated ones."""

from __future__ import annotations

import numpy as np

__all__ = ["bayes_factor", "p_value", "p_values", "quantile_band", "widened"]


def widened(draws: np.ndarray, factor: np.ndarray | float) -> np.ndarray:
    """Stretch draws about their mean over paths (axis 0) by ``factor`` (1 leaves them as they are).

    Parameters
    ----------
    draws : numpy.ndarray
        (path, ...) simulated values.
    factor : float or numpy.ndarray
        Broadcast against ``draws[0]``.

    Returns
    -------
    numpy.ndarray
        Same shape; the mean over paths is unchanged and negative values
        are cut at zero (every outcome is a count or an amount).
    """
    mean = draws.mean(axis=0)
    return np.maximum(mean + np.asarray(factor) * (draws - mean), 0.0)


def quantile_band(draws: np.ndarray, level: int) -> tuple[np.ndarray, np.ndarray]:
    """The central ``level`` % band of draws over paths.

    Parameters
    ----------
    draws : numpy.ndarray
        (path, ...) simulated values.
    level : int
        Central interval level [%].

    Returns
    -------
    lower, upper : numpy.ndarray
        ``draws[0]``'s shape: the ``(100 - level) / 2`` and
        ``(100 + level) / 2`` percentiles.
    """
    tail = (100 - level) / 200
    lower, upper = np.quantile(draws, [tail, 1 - tail], axis=0)
    return lower, upper


def p_value(draws: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """Two-sided chance of a value at least as far out as ``observed``, either way, among ``draws``.

    Parameters
    ----------
    draws : numpy.ndarray
        (path, ...) simulated values where nothing changed.
    observed : numpy.ndarray
        What happened, broadcast against ``draws[0]``.

    Returns
    -------
    numpy.ndarray
        ``2 × min(P(X ≤ observed), P(X ≥ observed))`` over the paths, each
        tail counted with the observed value as one more draw (so the
        smallest p-value from ``n`` paths is ``2 / (n + 1)``), at most 1.
    """
    n = draws.shape[0]
    below = ((draws <= observed).sum(axis=0) + 1) / (n + 1)
    above = ((draws >= observed).sum(axis=0) + 1) / (n + 1)
    return np.minimum(1.0, 2.0 * np.minimum(below, above))


def p_values(draws: np.ndarray, values: np.ndarray) -> np.ndarray:
    """:func:`p_value` of each of many values against one set of draws, by sorting the draws once.

    Parameters
    ----------
    draws : numpy.ndarray
        (path,) simulated values where nothing changed.
    values : numpy.ndarray
        (value,) values to test.

    Returns
    -------
    numpy.ndarray
        (value,) the same numbers as ``p_value(draws[:, None], values[None, :])``.
    """
    ordered = np.sort(draws)
    n = len(ordered)
    below = (np.searchsorted(ordered, values, side="right") + 1) / (n + 1)
    above = (n - np.searchsorted(ordered, values, side="left") + 1) / (n + 1)
    return np.minimum(1.0, 2.0 * np.minimum(below, above))


def bayes_factor(hypothesis: np.ndarray, null: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """How much more likely ``observed`` is under the hypothesis's draws than under the null's.

    Parameters
    ----------
    hypothesis, null : numpy.ndarray
        (path, ...) values simulated under the brief's levers and under no
        effect.
    observed : numpy.ndarray
        What happened, broadcast against ``null[0]``.

    Returns
    -------
    numpy.ndarray
        The ratio of two normal densities at the observed value, each with
        its draws' mean and standard deviation (at least 0.5, so a count
        that cannot vary still has a width). Above 1 favours the hypothesis;
        kept between 1e-12 and 1e12.
    """
    out = _log_normal_pdf(observed, hypothesis) - _log_normal_pdf(observed, null)
    return np.exp(np.clip(out, -12 * np.log(10), 12 * np.log(10)))


def _log_normal_pdf(x: np.ndarray, draws: np.ndarray) -> np.ndarray:
    mean = draws.mean(axis=0)
    sd = np.maximum(draws.std(axis=0), 0.5)
    return -0.5 * ((x - mean) / sd) ** 2 - np.log(sd)
