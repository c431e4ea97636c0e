#!/usr/bin/env python3
"""Seconds and MB/s of each stage of `cleaner run`'s per-record work, one process, on a corpus folder.

Reads, counts each site's recurring lines (crossdoc, a second read of the input), cleans, validates, makes the dedup entries (MinHash) of and writes (stages, then publishes
as `cleaner run` does) every record, after a warm-up. Cleaning is split into its stages by timing
the calls `clean_article` makes (repair, HTML extraction, segment + classify, language) with a
wrapper around each; what is left of cleaning (assembling, bookkeeping) is `clean, other`. So the
next speed-up can be chosen from figures, next to datatrove's C4 filter (`bench_speed.py` prints
both on the same corpus):

    python scripts/profile_stages.py FOLDER        # a folder of inputs, e.g. the corpus bench_speed.py makes
    python scripts/bench_speed.py --keep /tmp/benchc --sections text stages   # both, on page texts and HTML
"""
from __future__ import annotations

import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

#: The stages, in the order they run; `clean` is split into the ones `clean_article` calls.
STAGES = ("read", "crossdoc", "repair", "extract", "classify", "language", "clean, other", "validate", "MinHash", "write")


def _timed(seconds: Counter, stage: str, fn):
    """`fn`, adding the time of each call to `seconds[stage]` (not re-entrant: a nested call is not counted twice)."""
    active = [False]

    def wrapper(*args, **kwargs):
        if active[0]:
            return fn(*args, **kwargs)
        active[0] = True
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            seconds[stage] += time.perf_counter() - t
            active[0] = False
    return wrapper


def _instrument(seconds: Counter) -> None:
    """Wrap the functions `cleaner.clean` calls for each stage, so their time is counted."""
    from cleaner import clean, stream
    from cleaner.html import extract

    clean.repair = _timed(seconds, "repair", clean.repair)
    extract.extract_html = _timed(seconds, "extract", extract.extract_html)
    clean.segment = _timed(seconds, "classify", clean.segment)
    clean.classify = _timed(seconds, "classify", clean.classify)
    clean.identify = _timed(seconds, "language", clean.identify)
    stream.identify = _timed(seconds, "language", stream.identify)  # clean_records names languages in batches


def _write(good, config, work: Path) -> None:
    """Stage the articles as a worker does (`StagedShard`), then publish the shard into a version folder."""
    from cleaner import pipeline
    from cleaner.publish.staging import StagedShard, publish_shard

    with StagedShard(work, 0, config, pipeline.entry_schema(config)) as staged:
        for a, entry in good:
            staged.add_article(a, entry)
        staged.commit({"shard": 0})
    out = work / "version"
    for folder in ("data", "removals", "quarantine", "duplicates"):  # as VersionWriter lays a version out
        (out / folder).mkdir(parents=True)
    publish_shard(work, 0, out, {}, config)


def stage_seconds(folder: str) -> tuple[dict[str, float], int, int]:
    """(seconds by stage, records, input bytes) of the corpus in `folder`."""
    from cleaner import pipeline
    from cleaner.config import DEFAULT_CONFIG as config
    from cleaner.crossdoc import site_commons
    from cleaner.executors import InlineExecutor
    from cleaner.stream import plan_shards
    from cleaner.read import iter_input_files, read_file
    from cleaner.records import Article
    from cleaner.validate import validate_articles

    pipeline.warm_up()
    seconds: Counter = Counter()
    _instrument(seconds)
    files = list(iter_input_files([folder]))
    nbytes = sum(f.stat().st_size for f in files)
    t0 = time.perf_counter()
    records = [r for f in files for r in read_file(f, config)]
    t_read = time.perf_counter()
    shards, _ = plan_shards(files)
    commons = {site: lines for common in site_commons(shards, config, InlineExecutor()) for site, lines in common.items()}
    t1 = time.perf_counter()
    seconds["crossdoc"] = t1 - t_read
    cleaned = list(pipeline.clean_records(records, config, commons))
    t2 = time.perf_counter()
    good, _ = validate_articles([a for a in cleaned if isinstance(a, Article)], config)
    t3 = time.perf_counter()
    entries = [(a, pipeline.dedup_entry(a, config)) for a in good]
    t4 = time.perf_counter()
    with tempfile.TemporaryDirectory() as work:
        _write(entries, config, Path(work))
    t5 = time.perf_counter()
    split = sum(seconds[s] for s in ("repair", "extract", "classify", "language"))
    seconds.update({"read": t_read - t0, "clean, other": t2 - t1 - split, "validate": t3 - t2,
                    "MinHash": t4 - t3, "write": t5 - t4})
    return {s: seconds[s] for s in STAGES}, len(records), nbytes


def print_stages(seconds: dict[str, float], records: int, nbytes: int) -> None:
    total = sum(seconds.values())
    print(f"stages: {records} records, {nbytes / 1e6:.1f} MB, {total:.2f} s in all")
    for name, dt in seconds.items():
        rate = f"{nbytes / 1e6 / dt:8.2f} MB/s" if dt > 0 else "       - MB/s"
        print(f"  {name:14s} {dt:7.2f} s  {100 * dt / total:5.1f}%  {rate}")


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    print_stages(*stage_seconds(sys.argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
