"""Executors hand back every result with its item's index, whatever order the workers finish in."""
from __future__ import annotations

import time

import pytest

from cleaner.executors import DaskExecutor, InlineExecutor, LocalExecutor, default_workers, make_executor


def slow_square(x: int) -> int:
    time.sleep(0.05 * (x % 3))
    return x * x


@pytest.mark.parametrize("window", [None, 1, 3])
def test_local_pool_returns_every_result_with_its_index(window):
    with LocalExecutor(2) as ex:
        got = dict(ex.map_unordered(slow_square, list(range(10)), window=window))
    assert got == {i: i * i for i in range(10)}


def test_one_worker_or_one_item_runs_inline_and_gets_inline_kwargs():
    calls = []

    def record(x, *, note):
        calls.append((x, note))
        return x

    assert list(LocalExecutor(1).map_unordered(record, [5, 6], note="here")) == [(0, 5), (1, 6)]
    assert list(LocalExecutor(2).map_unordered(record, [7], note="here")) == [(0, 7)]
    assert list(InlineExecutor().map_unordered(record, [8], note="x")) == [(0, 8)]
    assert calls == [(5, "here"), (6, "here"), (7, "here"), (8, "x")]


def test_dask_local_cluster_returns_every_result_with_its_index():
    pytest.importorskip("distributed")
    with DaskExecutor(None, 2) as ex:
        assert dict(ex.map_unordered(slow_square, list(range(6)), window=2)) == {i: i * i for i in range(6)}


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="workers"):
        LocalExecutor(0)
    with pytest.raises(ValueError, match="--scheduler needs --executor dask"):
        make_executor("local", 2, "tcp://x:1")
    assert make_executor("local").workers == default_workers()
