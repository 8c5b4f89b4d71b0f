"""Run a compiled loop over chunks of its range in threads.

The compiled kernels release the interpreter lock (``nogil``), so threads
run them in parallel. This takes the place of numba's ``parallel=True``
loops, whose compilation took most of a first projection's time (37 s on
the sample, against about 15 s this way: ``first_run_s`` of
``benchmarks/forecast.py``); later runs load the compiled code from numba's
cache either way. Each item draws from its own random stream, so
results do not depend on the number of threads or chunks.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from numba import get_num_threads

__all__ = ["in_chunks"]


def in_chunks(n: int, run: Callable[[int, int], None]) -> None:
    """Call ``run(first, last)`` on chunks covering ``range(n)``, in threads.

    Parameters
    ----------
    n : int
        Number of items.
    run : callable
        Does items ``first`` to ``last - 1``; called once per chunk.

    Notes
    -----
    The number of threads is numba's (``NUMBA_NUM_THREADS``, by default the
    machine's cores); each thread takes a few chunks, so one slow chunk does
    not keep the others waiting.
    """
    threads = get_num_threads()
    chunks = max(1, min(n, 4 * threads))
    bounds = np.linspace(0, n, chunks + 1).astype(np.int64)
    if threads == 1 or chunks == 1:
        for i in range(chunks):
            run(int(bounds[i]), int(bounds[i + 1]))
        return
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(lambda i: run(int(bounds[i]), int(bounds[i + 1])), range(chunks)))
