"""Compiled loops run in threads: every item once, and the same paths whatever the number of threads."""

from __future__ import annotations

import threading
import warnings

import numba
import numpy as np
import pytest

import sufficiency as suf
from sufficiency.common.threads import in_chunks


@pytest.mark.parametrize("n", [0, 1, 3, 17, 1000])
def test_in_chunks_covers_every_item_once(n):
    seen = np.zeros(n, dtype=int)
    lock = threading.Lock()

    def run(first: int, last: int) -> None:
        with lock:
            seen[first:last] += 1

    in_chunks(n, run)
    assert (seen == 1).all()


def test_in_chunks_passes_errors_on():
    def run(first: int, last: int) -> None:
        raise RuntimeError("chunk failed")

    with pytest.raises(RuntimeError, match="chunk failed"):
        in_chunks(10, run)


def test_paths_do_not_depend_on_the_number_of_threads(sample):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = suf.fit(sample)
    threads = numba.get_num_threads()
    if threads == 1:
        pytest.skip("one thread only: nothing to compare one thread with")
    try:
        numba.set_num_threads(1)
        one = suf.project(fitted, horizon=24, n_sims=60, seed=5, calibrate=False)
    finally:
        numba.set_num_threads(threads)
    many = suf.project(fitted, horizon=24, n_sims=60, seed=5, calibrate=False)
    np.testing.assert_array_equal(one.draws, many.draws)
    np.testing.assert_array_equal(one.entries, many.entries)
    np.testing.assert_array_equal(one.exits, many.exits)
