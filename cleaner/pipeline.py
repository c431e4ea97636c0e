"""The stages joined: read → clean → validate → dedup → publish, streaming, with a counts ledger.

Each stage is a generator over records, so memory holds one validation batch and one Parquet row
group, not the corpus. Every input record ends as exactly one of published, quarantined or
duplicate, and the `Ledger` counts them.

`build` runs in three steps over **input shards** (runs of consecutive input files, `plan_shards`),
after counting, per site, the lines that recur across its pages (`cleaner.crossdoc.site_commons`:
each shard counts, the driver adds the counts up, and each shard is staged with its sites' common
lines):

1. **stage** (in parallel, `stage_shard`): each worker reads, cleans and validates one shard and
   writes it to a work folder: articles, removals and quarantine as Parquet, plus a small dedup
   entry per article (no text). A shard's folder appears only when it is complete (the done marker),
   so a killed run started again with the same arguments redoes only unfinished shards.
2. **dedup** (on the driver, `shard_duplicates`): the entries of every shard, in input order, decide
   which articles repeat another. Only the entries are held, as columns (about 550 bytes an
   article, `dedup.EntryColumns`), never the texts; `write_kept_entries` then writes the version's
   own entries for its children, a slice at a time.
3. **publish** (in parallel, `publish.staging.publish_shard`): each worker writes its shard's published
   pieces into the version's temporary folder; the driver adopts them in shard order, then writes
   the card and manifest and renames the version into place.

Shards are cut from the file list alone (sorted files, sizes), and every output is placed by shard
index, so the bytes are the same whatever the number of workers or the executor (`executors.py`).
"""
from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from cleaner import __version__
from cleaner.config import DEFAULT_CONFIG, CleanerConfig
from cleaner import dedup
from cleaner.crossdoc import site_commons
from cleaner.dedup import ENTRIES_FILE, entry_for
from cleaner.executors import LocalExecutor, fit_executor
from cleaner.provenance import is_uri, portable_path
from cleaner.publish.staging import StagedShard, publish_shard, staged_entries, staged_path, staged_summary
from cleaner.publish.version import VersionWriter, check_name
from cleaner.read import read_file
from cleaner.records import Article, Ledger, Quarantined, Skipped
from cleaner.rules import RULES_VERSION
from cleaner.stream import (InputShard, _validated, _work, checked_records, clean_records, plan_shards, read_shard,
                            settle_heap, validate_records)
from cleaner.validate import FirstIds


def process(paths: Iterable[str | Path], config: CleanerConfig = DEFAULT_CONFIG,
            executor=None) -> Iterator[Article | Quarantined]:
    """Every input record, cleaned and validated, in input order (files sorted, records in file order).

    With an `executor` of several workers, shards are cleaned and validated in parallel and their
    records come back in input order (a few shards are held while earlier ones finish). Which
    articles are duplicates is not decided here: that needs all of them (the longest copy is kept,
    wherever it comes), so callers collect `dedup.entry_for` of each article and ask
    `dedup.find_duplicates` at the end, as `build` does and `cleaner.check.run_check`.
    """
    return unique_ids(checked_records(paths, config, executor))


def unique_ids(items: Iterable[Article | Quarantined]) -> Iterator[Article | Quarantined]:
    """Quarantine an article whose id an earlier article of the run already has (`validate.FirstIds`)."""
    ids = FirstIds()
    for item in items:
        if isinstance(item, Article) and ids.clashes(item.id, dedup.body_key(item.text)):
            item = Quarantined(source=item.source, stage="validate", checks=["id_unique"],
                               reasons=[ids.reason(item.id)], raw=item.raw, id=item.id)
        yield item


# --- input shards -----------------------------------------------------------------------------------


# --- stage: clean and validate one shard into the work folder --------------------------------------

def entry_schema(config: CleanerConfig = DEFAULT_CONFIG) -> pa.Schema:
    """The dedup entry staged for each article: what the global dedup step needs, never the text.

    The signature is fixed-size binary, so a shard's signatures read back as one numpy matrix.
    """
    return pa.schema([("seq", pa.int64()), ("id", pa.string()), ("length", pa.int64()),
                      ("exact_key", pa.string()), ("signature", pa.binary(4 * config.minhash_perm))])


def warm_up(config: CleanerConfig = DEFAULT_CONFIG) -> None:
    """Build every lazily made cache (contract patterns, MinHash permutations) by running one record,
    and one that breaks the contract, so that pandera, which only sees the rows the validate stage's
    screen doubts (`cleaner.validate`), is imported and its schema built too."""
    from cleaner.records import Source
    text = "The council voted on Tuesday to close the old bridge for repairs next spring. " * 4
    article = Article(id="warm-up", source=Source("warm-up.txt", "0" * 64), title="Bridge to close", text=text)
    untitled = Article(id="warm-up-2", source=Source("warm-up.txt", "0" * 64, 2), title="", text=text)
    list(_validated([article, untitled], config))
    dedup_entry(article, config)


def dedup_entry(article: Article, config: CleanerConfig = DEFAULT_CONFIG) -> dict:
    """The staged dedup entry of an article (`dedup.entry_for`); its `seq` is added when it is staged."""
    e = entry_for(article, (), config)
    return {"id": e.id, "length": e.length, "exact_key": e.exact_key,
            "signature": np.ascontiguousarray(e.signature, dtype="<u4").tobytes()}


def stage_shard(shard: InputShard, work: str, config: CleanerConfig,
                on_record: Callable[[int], None] | None = None, common: dict | None = None) -> dict:
    """Read, clean and validate one shard into `work/shard-NNNNN/`; return its summary.

    `common`: the recurring lines of the shard's sites (`cleaner.crossdoc.site_commons`). A shard
    already staged (its folder exists) is not redone: its summary is returned as it was.
    """
    work_dir = Path(work)
    done = staged_summary(work_dir, shard.index)
    if done is not None:
        return done
    inputs: dict[str, str] = {}
    checks: Counter = Counter()
    skipped: Counter = Counter()
    n_in = n_articles = n_quarantined = 0
    settle_heap()
    with StagedShard(work_dir, shard.index, config, entry_schema(config)) as staged:
        for item in validate_records(clean_records(read_shard(shard, config), config, common), config):
            source = replace(item.source, path=portable_path(item.source.path, shard.root))
            inputs.setdefault(source.path, source.sha256)
            if isinstance(item, Skipped):  # not an article: counted by kind, not an input of the balance
                skipped[item.kind] += 1
                continue
            item.source = source
            n_in += 1
            if isinstance(item, Article):
                staged.add_article(item, dedup_entry(item, config))
                n_articles += 1
            else:
                staged.add_quarantined(item)
                n_quarantined += 1
                checks.update(item.checks)
            if on_record is not None:
                on_record(1)
        summary = {"shard": shard.index, "files": len(shard.paths), "inputs": n_in, "articles": n_articles,
                   "quarantined": n_quarantined, "quarantine_by_check": dict(sorted(checks.items())),
                   "skipped_by_kind": dict(sorted(skipped.items())), "input_sha256": inputs}
        staged.commit(summary)
    return summary


def stage_job(job: tuple[InputShard, dict], work: str, config: CleanerConfig,
              on_record: Callable[[int], None] | None = None) -> dict:
    """`stage_shard` of a `(shard, its sites' common lines)` job, as the executors send it."""
    shard, common = job
    return stage_shard(shard, work, config, on_record, common)


# --- dedup: decide on the driver from the staged entries ---------------------------------------------

def id_clashes(work: Path, shards: list[InputShard]) -> dict[int, dict[int, str]]:
    """Staged articles that fail `id_unique` (`validate.FirstIds`), in input order: `{shard: {seq: id}}`."""
    ids = FirstIds()
    out: dict[int, dict[int, str]] = {}
    for shard in shards:
        t = staged_entries(work, shard.index)
        for seq, id_, key in zip(t["seq"].to_pylist(), t["id"].to_pylist(), t["exact_key"].to_pylist()):
            if ids.clashes(id_, key):
                out.setdefault(shard.index, {})[seq] = id_
    return out


def shard_duplicates(work: Path, shards: list[InputShard], config: CleanerConfig = DEFAULT_CONFIG,
                     parent_file: Path | None = None, skip: dict[int, dict[int, str]] | None = None
                     ) -> dict[int, dict[int, tuple[str, float, str]]]:
    """Which staged articles repeat another, decided once over every shard's entries (`dedup.duplicate_rows`).

    Returns `{shard: {seq: (duplicate_of, similarity, kind)}}`. Rows are places (shard, seq), not
    ids, so two input records that carry the same `id` are still two articles. Articles in `skip`
    (id clashes, quarantined instead) take no part. The parent version's entries (`parent_file`,
    `dedup.ENTRIES_FILE` of the parent) come first and are always kept.

    Memory: the entries as columns, about 550 bytes an article (`dedup.EntryColumns`), filled
    shard by shard into arrays sized once; ids stay in Arrow until a duplicate names one.
    """
    skip = skip or {}
    parent = dedup.load_entry_table(parent_file, config) if parent_file is not None and parent_file.is_file() else None
    n_parent = len(parent) if parent is not None else 0
    sizes = [pq.read_metadata(staged_path(work, s.index) / "entries.parquet").num_rows for s in shards]
    total = n_parent + sum(sizes)
    cols = dedup.EntryColumns(length=np.empty(total, dtype=np.int64), rank=np.empty(total, dtype=np.int64),
                              exact=np.empty(total, dtype=object),
                              sigs=np.empty((total, config.minhash_perm), dtype=np.uint32))
    ids: list[pa.Array] = []          # per part: the ids of its rows, for naming the kept article
    places: list[tuple[int, np.ndarray]] = []  # per shard part: (shard index, seq of each row)
    starts: list[int] = []
    filled = 0

    def fill(t: pa.Table, rank: np.ndarray) -> None:
        nonlocal filled
        k = len(t)
        cols.length[filled:filled + k] = t["length"].to_numpy()
        cols.rank[filled:filled + k] = rank
        cols.exact[filled:filled + k] = t["exact_key"].to_numpy(zero_copy_only=False)
        cols.sigs[filled:filled + k] = _signature_matrix(t["signature"], config.minhash_perm)
        starts.append(filled)
        ids.append(t["id"].combine_chunks())
        filled += k

    if parent is not None:
        rank = np.empty(n_parent, dtype=np.int64)  # a parent's articles rank by id (their order is ())
        rank[pc.sort_indices(parent["id"]).to_numpy()] = np.arange(n_parent)
        fill(parent, rank)
        places.append((-1, np.empty(0, dtype=np.int64)))
    del parent
    for shard in shards:
        t = staged_entries(work, shard.index)
        if skip.get(shard.index):
            t = t.filter(pc.invert(pc.is_in(t["seq"], value_set=pa.array(sorted(skip[shard.index]), pa.int64()))))
        seq = t["seq"].to_numpy()
        fill(t, (shard.index << 32) | seq)
        places.append((shard.index, seq))
    rows, kept, sims, near = dedup.duplicate_rows(
        dedup.EntryColumns(cols.length[:filled], cols.rank[:filled], cols.exact[:filled], cols.sigs[:filled]),
        n_parent, config)
    starts_arr = np.array(starts, dtype=np.int64)
    out: dict[int, dict[int, tuple[str, float, str]]] = {}
    for row, keep, sim, is_near in zip(rows, kept, sims, near):
        part = int(np.searchsorted(starts_arr, row, side="right")) - 1
        kpart = int(np.searchsorted(starts_arr, keep, side="right")) - 1
        shard_index, seq = places[part]
        out.setdefault(shard_index, {})[int(seq[row - starts[part]])] = (
            ids[kpart][keep - starts[kpart]].as_py(), sim, "near" if is_near else "exact")
    return out


def write_kept_entries(path: Path, work: Path, shards: list[InputShard], duplicates: dict[int, set[int]],
                       parent_file: Path | None, config: CleanerConfig) -> int:
    """Write the dedup entries a version keeps for its children (its published articles' and its
    parent's) to `path`; return the rows.

    The file `dedup.load_entry_table` reads (id, exact_key, length, signature, sorted by id, the
    MinHash settings in the metadata), assembled in Arrow from the staged entries, with no Python
    object per article, and written a slice of rows at a time, so only the entries themselves
    (about 600 bytes an article) are held, not sorted copies of them.
    """
    columns = ["id", "exact_key", "length", "signature"]
    staged = entry_schema(config)
    schema = pa.schema([staged.field(name) for name in columns])
    parts = []
    for shard in shards:
        t = staged_entries(work, shard.index)
        dups = duplicates.get(shard.index)
        if dups:
            t = t.filter(pc.invert(pc.is_in(t["seq"], value_set=pa.array(sorted(dups), pa.int64()))))
        parts.append(t.select(columns).cast(schema))
    if parent_file is not None and parent_file.is_file():
        parts.append(pq.read_table(parent_file).select(columns).cast(schema))
    # Sorted by id without one sorted copy of everything: each slice of the id order takes its rows
    # from the parts that hold them (Arrow's take on a many-chunked table would join the chunks).
    starts = np.cumsum([0] + [len(t) for t in parts])
    order = pc.sort_indices(pa.chunked_array([t["id"] for t in parts], pa.string())).to_numpy().astype(np.int64)
    settings = json.dumps(dedup._settings(config), sort_keys=True).encode()
    with pq.ParquetWriter(str(path), schema.with_metadata({dedup._META_KEY: settings}),
                          compression=config.compression) as out:
        if not len(order):
            out.write_table(schema.empty_table())
        for lo in range(0, len(order), KEPT_ENTRIES_SLICE):
            rows = order[lo:lo + KEPT_ENTRIES_SLICE]
            part_of = np.searchsorted(starts, rows, side="right") - 1
            pieces, where = [], []
            for p in np.unique(part_of).tolist():
                picked = np.flatnonzero(part_of == p)
                pieces.append(parts[p].take(pa.array(rows[picked] - starts[p])))
                where.append(picked)
            back = np.empty(len(rows), dtype=np.int64)  # row k of the slice is row back[k] of the pieces
            back[np.concatenate(where)] = np.arange(len(rows))
            out.write_table(pa.concat_tables(pieces).combine_chunks().take(pa.array(back)),
                            row_group_size=KEPT_ENTRIES_SLICE)
    return int(starts[-1])


#: Rows of the kept-entries file written (and held sorted) at a time: one Parquet row group.
KEPT_ENTRIES_SLICE = 4_096


def _signature_matrix(column: pa.ChunkedArray, perm: int) -> np.ndarray:
    """A shard's signatures as one (articles, perm) uint32 matrix: a row view per entry, not an array each."""
    arr = column.combine_chunks()
    if len(arr) == 0:
        return np.empty((0, perm), dtype=np.uint32)
    flat = np.frombuffer(arr.buffers()[1], dtype="<u4", count=(arr.offset + len(arr)) * perm)
    return flat[arr.offset * perm:].reshape(len(arr), perm).astype(np.uint32, copy=False)


def _publish_one(item: tuple[int, dict, dict, str], work: str, version_tmp: str, config: CleanerConfig) -> dict:
    index, duplicates, clashes, root = item
    quarantine = {}
    if clashes:
        t = pq.read_table(staged_path(Path(work), index) / "articles.parquet", columns=["source_path", "source_index"])
        paths, indices = t["source_path"].to_pylist(), t["source_index"].to_pylist()
        for seq, id_ in clashes.items():
            path = paths[seq] if is_uri(paths[seq]) or not root else os.path.join(root, paths[seq])
            quarantine[seq] = (FirstIds.reason(id_), _raw_of(path, indices[seq], config))
    return publish_shard(Path(work), index, Path(version_tmp), duplicates, config, quarantine)


def _raw_of(path: str, index: int, config: CleanerConfig) -> str:
    """The raw content of record `index` of `path`, read again (quarantine keeps what came in)."""
    for rec in read_file(path, config):
        if rec.source.index == index:
            return rec.raw
    return ""


def work_folder(out_dir: str | Path, name: str, shards: list[InputShard], shard_bytes: int,
                config: CleanerConfig, version: str = "") -> Path:
    """Where a build stages its shards: `OUT/NAME/.work-<hash of everything that decides them>`.

    The same inputs, settings, tool and version give the same folder, so a restarted run finds the
    shards it finished; anything else starts afresh. The version is in the key so that two runs of
    the same inputs into different versions never share (and delete) one folder. An input is known
    by its path, size, modification time, inode and change time: an edit that restores the size
    and the modification time (`touch -d`) still moves the change time, which no one can set back,
    so a resumed run never republishes a shard staged from the old content.
    """
    h = hashlib.sha256()
    h.update(json.dumps({"tool": __version__, "rules": RULES_VERSION, "config": config.fingerprint(),
                         "shard_bytes": shard_bytes, "version": version}, sort_keys=True).encode())
    for shard in shards:
        for path in shard.paths:
            try:
                st = os.stat(path)
                stamp = (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)
            except OSError:
                stamp = (-1, -1, -1, -1)
            h.update(f"{shard.index}\t".encode() + os.fsencode(path) + "\t{}\t{}\t{}\t{}\n".format(*stamp).encode())
    return Path(out_dir) / check_name(name) / f".work-{h.hexdigest()[:20]}"


def lock_path(work: Path) -> Path:
    """The lock file of a work folder: `.lock-<hash>` beside `.work-<hash>`."""
    return work.with_name(".lock-" + work.name.removeprefix(".work-"))


class RunInProgress(OSError):
    """Another run holds the work folder this one would use (same inputs, settings and version)."""


@contextlib.contextmanager
def _locked(work: Path):
    """Hold an exclusive lock on `work` (`lock_path`, next to it) for the block, or raise
    `RunInProgress` at once: two runs of the same version would stage into one folder, and the first
    to finish would delete it under the other."""
    work.parent.mkdir(parents=True, exist_ok=True)
    lock = open(lock_path(work), "a+b")
    try:
        try:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunInProgress(errno.EBUSY, "another run is building this version from the same inputs; "
                                "wait for it or give another --version", str(work)) from None
        yield
    finally:
        lock.close()


@dataclass
class Tally:
    """Counts of a build: the ledger plus what the summary table shows."""

    ledger: Ledger = field(default_factory=Ledger)
    files: int = 0
    shards: int = 0
    resumed: int = 0                  # shards found finished by an earlier, interrupted run
    started: float = field(default_factory=time.perf_counter)


def _add_counts(into: dict[str, int], counts: dict[str, int]) -> None:
    for k, v in counts.items():
        into[k] = into.get(k, 0) + v


#: (event, amount): "shards" (how many in all, once), "resumed" (finished by an earlier run),
#: "record" (records staged), "shard" (a shard staged), "published" (a shard written).
ProgressHook = Callable[[str, int], None]


def build(paths: Iterable[str | Path], out_dir: str | Path, name: str, version: str | None = None,
          config: CleanerConfig = DEFAULT_CONFIG, *, parent: str | None = None,
          on_progress: ProgressHook | None = None, executor=None,
          shard_bytes: int | None = None) -> tuple[Path, Tally]:
    """Clean, validate, dedup and publish `paths` as `out_dir/name/version`; return its path and counts.

    `executor` (default: a `LocalExecutor` on every core) decides where shards run; the bytes
    published do not depend on it. A run killed part way leaves its finished shards in the work
    folder, and the same call again stages only the others.
    """
    progress = on_progress or (lambda event, n: None)
    shards, shard_bytes = plan_shards(paths, shard_bytes, config.follow_links)
    executor = fit_executor(executor if executor is not None else LocalExecutor(), _work(shards))
    tally = Tally(files=sum(len(s.paths) for s in shards), shards=len(shards))
    with contextlib.ExitStack() as stack:
        writer = stack.enter_context(VersionWriter(Path(out_dir), name, version, config, parent=parent,
                                                   tool_version=__version__, rules_version=RULES_VERSION))
        if writer.parent is not None:
            writer.inherit()  # a version is a snapshot: the parent's articles first, shared on disk
        work = work_folder(out_dir, writer.name, shards, shard_bytes, config, writer.version)
        stack.enter_context(_locked(work))
        work.mkdir(parents=True, exist_ok=True)
        summaries = {s.index: found for s in shards if (found := staged_summary(work, s.index)) is not None}
        tally.resumed = len(summaries)
        progress("shards", len(shards))
        if summaries:
            progress("resumed", len(summaries))
            progress("record", sum(s["inputs"] for s in summaries.values()))
        todo = [s for s in shards if s.index not in summaries]
        live = [0]  # records reported one by one, when a shard runs in this process

        def on_record(n: int) -> None:
            live[0] += n
            progress("record", n)

        with executor:
            # Every shard's sites' recurring lines, counted over all of them (a resumed run, too).
            commons = site_commons(shards, config, executor) if todo else []
            jobs = [(s, commons[s.index]) for s in todo]
            for i, summary in executor.map_unordered(stage_job, jobs, str(work), config, on_record=on_record):
                summaries[todo[i].index] = summary
                progress("record", summary["inputs"] - live[0])  # a worker's records, all at once
                live[0] = 0
                progress("shard", 1)
            clashes = id_clashes(work, shards)
            parent_file = writer.base / writer.parent / ENTRIES_FILE if writer.parent else None
            duplicates = shard_duplicates(work, shards, config, parent_file, skip=clashes)
            left_out = {i: set(duplicates.get(i, ())) | set(clashes.get(i, ())) for i in duplicates.keys() | clashes.keys()}
            rows = write_kept_entries(writer.extra_file(ENTRIES_FILE), work, shards, left_out, parent_file, config)
            writer.add_extra_file(ENTRIES_FILE, rows)
            items = [(s.index, duplicates.get(s.index, {}), clashes.get(s.index, {}), s.root) for s in shards]
            published: dict[int, dict] = {}
            for i, result in executor.map_unordered(_publish_one, items, str(work), str(writer.tmp), config):
                published[items[i][0]] = result
                progress("published", 1)
        led = tally.ledger
        for shard in shards:  # in shard order: that order is the published order
            staged, result = summaries[shard.index], published[shard.index]
            for cfg, pieces in result["pieces"].items():
                writer.add_shards(cfg, pieces)
            writer.add_languages(result["languages"], result["language_mismatches"])
            writer.add_inputs(staged["input_sha256"])
            led.inputs += staged["inputs"]
            led.quarantined += staged["quarantined"] + result["clashes"]
            if result["clashes"]:
                _add_counts(led.quarantine_by_check, {"id_unique": result["clashes"]})
            led.published += result["published"]
            led.duplicates += result["duplicates"]
            _add_counts(led.quarantine_by_check, staged["quarantine_by_check"])
            _add_counts(led.skipped_by_kind, staged.get("skipped_by_kind", {}))
            _add_counts(led.removals_by_category, result["removals_by_category"])
            _add_counts(led.removals_by_rule, result["removals_by_rule"])
        final = writer.commit(led, {"files": tally.files, "input_shards": len(shards),
                                    "input_shard_bytes": shard_bytes})
        shutil.rmtree(work, ignore_errors=True)
        lock_path(work).unlink(missing_ok=True)
    return final, tally
