"""Worker processes for analysing large imports on every CPU core.

Workers are started with "spawn": a fresh interpreter must not inherit the locks and threads
of a web or queue process. Each one keeps torch out (spaCy's thinc imports it whenever it
is installed: ~1.5 s and ~250 MiB a worker, unused), uses one BLAS thread (the workers
already fill the cores), runs at a lower priority (annotators' requests, and the import's own
short writes, which hold the database's write lock, come first on busy cores), ignores Ctrl+C
(the parent stops the import; a worker must not print a traceback of its own) and ends when
the process that started it is gone.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor

WORKER_NICENESS = 10  # added to the parent's: 1/10 of its share of a busy core


def map_in_workers(
    work: Callable, items: Iterable, processes: int, prepare: Callable[[], object]
) -> Iterator:
    """`work(item)` for each item, in order, spread over `processes` fresh worker processes
    that each run `prepare()` first. Stopping the iteration cancels the work not started."""
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(
        processes, mp_context=context, initializer=_start_worker, initargs=(prepare, os.getpid())
    )
    try:
        yield from pool.map(work, items)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _start_worker(prepare: Callable[[], object], parent: int) -> None:
    sys.modules.setdefault("torch", None)  # makes `import torch` fail as if not installed
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.nice(WORKER_NICENESS)
    import numpy  # noqa: F401  (threadpoolctl limits the libraries loaded so far)
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    prepare()


def _exit_with_parent(parent: int) -> None:
    """End this worker once its parent is gone (killed, say): the pool's workers would
    otherwise wait for work forever. The parent's id comes from the parent itself, so a
    worker whose parent died while it started ends too."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)
