"""The Poisson regression of the entry trends against statsmodels' GLM, the reference implementation."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

from sufficiency.rates.poisson import poisson_glm


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_poisson_glm_matches_statsmodels(seed):
    rng = np.random.default_rng(seed)
    t = np.arange(60) / 12 - 5  # five years of months before a window's end [years]
    y = rng.poisson(np.exp(2.5 + 0.06 * t) * rng.gamma(4.0, 0.25, size=t.size)).astype(float)
    design = np.column_stack([np.ones_like(t), t])
    ours = poisson_glm(y, design)
    theirs = sm.GLM(y, design, family=sm.families.Poisson()).fit()
    np.testing.assert_allclose(ours.params, theirs.params, rtol=1e-7)
    np.testing.assert_allclose(ours.bse, theirs.bse, rtol=1e-6)
    assert ours.pearson_chi2 == pytest.approx(theirs.pearson_chi2, rel=1e-6)
    assert ours.df_resid == theirs.df_resid == 58


def test_poisson_glm_level_only_is_the_log_mean():
    # with a constant alone the estimate is log(mean(y)) and its standard error 1 / sqrt(sum(y)) (by hand)
    y = np.array([3.0, 0.0, 5.0, 2.0, 4.0, 6.0])
    fit = poisson_glm(y, np.ones((6, 1)))
    assert fit.params[0] == pytest.approx(np.log(20 / 6))
    assert fit.bse[0] == pytest.approx(1 / np.sqrt(20))
    assert fit.pearson_chi2 == pytest.approx(np.sum((y - 20 / 6) ** 2 / (20 / 6)))


def test_poisson_glm_refuses_what_it_cannot_fit():
    with pytest.raises(ValueError, match="not all zero"):
        poisson_glm(np.zeros(6), np.ones((6, 1)))
    with pytest.raises(ValueError, match="independent"):
        poisson_glm(np.arange(6.0), np.ones((6, 2)))
