"""Where the stage functions run: in this process, on a pool of local processes, or on a Dask cluster.

An executor runs a top-level (picklable) function over a list of items and hands back each result
with the index of its item, in whatever order they finish. Callers write outputs by index, never by
arrival, so the bytes of a build do not depend on the executor, the number of workers, or timing.

- `InlineExecutor`: this process, one item after the other (also used when there is only one item,
  so small inputs never pay for starting workers).
- `LocalExecutor`: a `ProcessPoolExecutor` of N processes started by a fork server that has already
  imported the pipeline and built its caches (`cleaner/_warm.py`), so a worker starts warm in
  milliseconds and never forks a threaded parent.
- `DaskExecutor`: a `distributed.Client` on `scheduler` (`tcp://host:8786`), or on a `LocalCluster`
  of N single-threaded worker processes when no address is given. Workers must see the same
  file system paths as the driver (inputs and the output folder), as with any Dask file pipeline.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any

EXECUTORS = ("local", "dask")


def default_workers() -> int:
    """All the cores this process may use.

    >>> default_workers() >= 1
    True
    """
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class InlineExecutor:
    """Run every item here, lazily, in order: results come as the caller asks for them.

    >>> with InlineExecutor() as ex:
    ...     list(ex.map_unordered(abs, [-2, 3]))
    [(0, 2), (1, 3)]
    """

    name, workers, inline = "inline", 1, True

    def __enter__(self) -> "InlineExecutor":
        return self

    def __exit__(self, *exc) -> None:
        pass

    def map_unordered(self, fn: Callable, items: Sequence, *args: Any, window: int | None = None,
                      **inline_kwargs: Any) -> Iterator[tuple[int, Any]]:
        for i, item in enumerate(items):
            yield i, fn(item, *args, **inline_kwargs)


class LocalExecutor:
    """A pool of `workers` processes on this machine, started once and reused by every stage.

    `inline_kwargs` given to `map_unordered` (a per-record progress callback, say) are used only
    when the work runs in this process: a callback cannot cross into a worker process.
    """

    name, inline = "local", False

    def __init__(self, workers: int | None = None):
        self.auto = workers is None  # "all cores" was not asked for by number: small inputs may run inline
        self.workers = default_workers() if workers is None else workers
        if self.workers < 1:
            raise ValueError(f"workers must be >= 1, got {self.workers}")
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> "LocalExecutor":
        return self

    def __exit__(self, *exc) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _get_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["cleaner._warm"])
            self._pool = ProcessPoolExecutor(self.workers, mp_context=ctx)
        return self._pool

    def map_unordered(self, fn: Callable, items: Sequence, *args: Any, window: int | None = None,
                      **inline_kwargs: Any) -> Iterator[tuple[int, Any]]:
        """`(index, fn(item, *args))` as each finishes; at most `window` items submitted and not yet handed back."""
        if self.workers == 1 or len(items) <= 1:
            yield from InlineExecutor().map_unordered(fn, items, *args, **inline_kwargs)
            return
        pool = self._get_pool()
        yield from _windowed(lambda item: pool.submit(fn, item, *args), items, window,
                             lambda fs: as_completed(fs), lambda f: f.cancel())


class DaskExecutor:
    """The same functions on a Dask cluster: `scheduler` is its address, or None for a `LocalCluster`."""

    name, inline = "dask", False

    def __init__(self, scheduler: str | None = None, workers: int | None = None):
        self.scheduler = scheduler
        self.workers = default_workers() if workers is None else workers
        self._client = self._cluster = None

    def __enter__(self) -> "DaskExecutor":
        from distributed import Client, LocalCluster

        if self.scheduler:
            try:
                self._client = Client(self.scheduler, timeout=30)
            except (OSError, TimeoutError) as exc:
                raise ConnectionError(f"cannot reach the Dask scheduler {self.scheduler}: {exc}") from exc
            self.workers = max(1, sum(w.get("nthreads", 1) for w in
                                      self._client.scheduler_info().get("workers", {}).values()))
        else:
            self._cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                         dashboard_address=None, silence_logs=logging.ERROR)
            self._client = Client(self._cluster)
        return self

    def __exit__(self, *exc) -> None:
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()
        self._client = self._cluster = None

    def map_unordered(self, fn: Callable, items: Sequence, *args: Any, window: int | None = None,
                      **inline_kwargs: Any) -> Iterator[tuple[int, Any]]:
        """As `LocalExecutor.map_unordered`, on the cluster (`inline_kwargs` are not sent)."""
        from distributed import as_completed as dask_completed

        if self._client is None:
            raise RuntimeError("use the DaskExecutor as a context manager")
        client = self._client
        yield from _windowed(lambda item: client.submit(fn, item, *args, pure=False), items, window,
                             lambda fs: dask_completed(list(fs)), lambda f: f.release())


def _windowed(submit: Callable, items: Sequence, window: int | None, completed: Callable,
              cancel: Callable) -> Iterator[tuple[int, Any]]:
    """Submit items (at most `window` out at a time) and yield `(index, result)` as they finish."""
    pending: dict[Any, int] = {}
    try:
        if window is None or window >= len(items):
            pending.update((submit(item), i) for i, item in enumerate(items))
            for f in completed(pending):
                yield pending.pop(f), f.result()
            return
        queue = iter(enumerate(items))
        for i, item in queue:
            pending[submit(item)] = i
            if len(pending) >= max(1, window):
                break
        while pending:
            f = next(iter(completed(pending)))  # the first to finish of those out
            i = pending.pop(f)
            nxt = next(queue, None)
            if nxt is not None:
                pending[submit(nxt[1])] = nxt[0]
            yield i, f.result()
    finally:
        for f in pending:
            cancel(f)


#: Below this much work a pool of fresh workers costs about what it saves (starting and warming
#: them takes a second or so, and results travel back by pickle), so a local executor whose size was
#: not given runs it inline. Work is counted in bytes of plain text, about 3 s of cleaning.
POOL_MIN_WORK = 4 << 20
#: What a byte of each kind of input costs next to a byte of plain text (measured on the benchmark
#: pages: an HTML page is mostly markup that is parsed once and dropped; gzip holds ~4x its size).
_HTML_COST, _GZIP_SIZE = 1 / 16, 4


def input_work(paths: Sequence[str], sizes: Sequence[int]) -> int:
    """The cleaning work in `paths`, in plain-text bytes.

    >>> input_work(["a.txt", "b.html", "c.jsonl.gz"], [1000, 1600, 1000])
    5100
    """
    total = 0
    for path, size in zip(paths, sizes):
        name = str(path).lower()
        cost = _GZIP_SIZE if name.endswith(".gz") else 1
        if ".htm" in name.rsplit("/", 1)[-1]:
            cost *= _HTML_COST
        total += int(size * cost)
    return total


def fit_executor(executor, work: int):
    """`executor`, or an inline one when it is a local pool of default size and `work` is small.

    The output does not depend on it: shards are planned from the input alone.

    >>> fit_executor(LocalExecutor(), 1000).name, fit_executor(LocalExecutor(2), 1000).name
    ('inline', 'local')
    """
    if getattr(executor, "auto", False) and executor.name == "local" and work < POOL_MIN_WORK:
        return InlineExecutor()
    return executor


def make_executor(executor: str = "local", workers: int | None = None, scheduler: str | None = None):
    """The executor a CLI's `--executor/--workers/--scheduler` ask for.

    >>> make_executor("local", 3).workers
    3
    >>> make_executor("spark")
    Traceback (most recent call last):
    ...
    ValueError: executor 'spark' is not one of ('local', 'dask')
    """
    if executor == "local":
        if scheduler:
            raise ValueError("--scheduler needs --executor dask")
        return LocalExecutor(workers)
    if executor == "dask":
        return DaskExecutor(scheduler, workers)
    raise ValueError(f"executor {executor!r} is not one of {EXECUTORS}")
