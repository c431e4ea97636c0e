#!/usr/bin/env python3
"""MB/s of each stage of `cleaner run`'s per-record work, one process, on a corpus folder.

Reads, cleans, validates and makes the dedup entries (MinHash) of every record, each stage timed
on its own after a warm-up, so the cost of the stages the other issues require can be set next to
datatrove's C4 filter (`bench_speed.py` prints that on the same corpus):

    python scripts/bench_speed.py --keep /tmp/benchc        # makes /tmp/benchc/corpus-20MB
    python scripts/profile_stages.py /tmp/benchc/corpus-20MB
"""
from __future__ import annotations

import sys
import time

from cleaner import pipeline
from cleaner.config import DEFAULT_CONFIG
from cleaner.read import iter_input_files, read_file
from cleaner.records import Article
from cleaner.validate import validate_articles


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    pipeline.warm_up()
    files = list(iter_input_files([sys.argv[1]]))
    nbytes = sum(f.stat().st_size for f in files)
    t0 = time.perf_counter()
    records = [r for f in files for r in read_file(f, DEFAULT_CONFIG)]
    t1 = time.perf_counter()
    cleaned = list(pipeline.clean_records(records, DEFAULT_CONFIG))
    t2 = time.perf_counter()
    good, _ = validate_articles([a for a in cleaned if isinstance(a, Article)], DEFAULT_CONFIG)
    t3 = time.perf_counter()
    for a in good:
        pipeline.dedup_entry(a, DEFAULT_CONFIG)
    t4 = time.perf_counter()
    print(f"{len(records)} records, {nbytes / 1e6:.1f} MB")
    for name, dt in [("read", t1 - t0), ("clean", t2 - t1), ("validate", t3 - t2), ("dedup entry (MinHash)", t4 - t3)]:
        print(f"  {name:24s} {dt:6.2f} s  {len(records) / dt:8.0f} records/s  {nbytes / 1e6 / dt:7.2f} MB/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
