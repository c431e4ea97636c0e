"""Staged shards: what a worker writes for its input shard before dedup decides what is published,
and how a staged shard then becomes the published pieces of a version.

A worker cleans and validates its shard into `WORK/shard-NNNNN/` (`StagedShard`); once the driver
has decided duplicates over the whole build, `publish_shard` turns each staged shard into Parquet
pieces of the version's configs, which `VersionWriter.add_shards` adopts.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from cleaner.config import CleanerConfig
from cleaner.publish import tables
from cleaner.publish.files import fsync, write_bytes
from cleaner.records import DUPLICATE_KINDS, Article, Quarantined
from cleaner.validate import check_table

STAGED_SUMMARY = "done.json"
STAGED_REMOVALS = tables.REMOVALS.append(pa.field("seq", pa.int64()))  # seq: the article's row in its shard


class _RowFile:
    """Rows of one schema written to one Parquet file a row group at a time (memory: one group).

    The group is held as a list per column and made into Arrow arrays, a third of the cost of
    `Table.from_pylist` over a dict per row (a shard's removals are a hundred rows an article).
    """

    def __init__(self, path: Path, schema: pa.Schema, config: CleanerConfig):
        self.schema, self.group_rows, self.rows = schema, config.row_group_rows, 0
        self._group: dict[str, list] = {name: [] for name in schema.names}
        self._writer = pq.ParquetWriter(path, schema, compression=config.compression)

    @property
    def pending(self) -> int:
        """Rows added and not written yet."""
        return len(self._group[self.schema.names[0]])

    def add(self, row: dict) -> None:
        for name, column in self._group.items():
            column.append(row[name])
        if self.pending >= self.group_rows:
            self._flush()

    def add_columns(self, columns: dict[str, list]) -> None:
        """Add rows given as a list per column (all of one length); the group may pass `group_rows` by them."""
        for name, column in self._group.items():
            column.extend(columns[name])
        if self.pending >= self.group_rows:
            self._flush()

    def _flush(self) -> None:
        if not self.pending:
            return
        try:
            table = self._table(self._group)
        except UnicodeEncodeError:  # a lone surrogate: see tables.replace_surrogates
            table = self._table(tables.replace_surrogates(self._group))
        self._writer.write_table(table, row_group_size=table.num_rows)
        self.rows += table.num_rows
        self._group = {name: [] for name in self.schema.names}

    def _table(self, group: dict[str, list]) -> pa.Table:
        return pa.table([pa.array(group[f.name], f.type) for f in self.schema], schema=self.schema)

    def close(self) -> None:
        self._flush()
        self._writer.close()


class StagedShard:
    """What a worker made of one input shard before dedup: articles, removals, quarantine, dedup entries.

    It is written in `WORK/.shard-00012-<random>/` and renamed to `WORK/shard-00012/` once complete,
    with a summary in `done.json`: the folder is the done marker (as datatrove's completion files),
    so a run killed part way leaves finished shards to be reused and half-written ones to be redone.
    Use as a context manager; leaving it without `commit` removes the temporary folder.
    """

    def __init__(self, work: Path, index: int, config: CleanerConfig, entry_schema: pa.Schema):
        self.final = staged_path(work, index)
        self.tmp = Path(tempfile.mkdtemp(prefix=f".shard-{index:05d}-", dir=work))
        self.articles = _RowFile(self.tmp / "articles.parquet", tables.ARTICLES, config)
        self.removals = _RowFile(self.tmp / "removals.parquet", STAGED_REMOVALS, config)
        self.quarantine = _RowFile(self.tmp / "quarantine.parquet", tables.QUARANTINE, config)
        self.entries = _RowFile(self.tmp / "entries.parquet", entry_schema, config)
        self._open = True

    def __enter__(self) -> "StagedShard":
        return self

    def __exit__(self, *exc) -> None:
        if self._open:
            self._close_files()
            shutil.rmtree(self.tmp, ignore_errors=True)

    def add_article(self, a: Article, entry: dict) -> int:
        """Stage an article that met the contract and its dedup entry; return its row (`seq`)."""
        seq = self.articles.rows + self.articles.pending
        self.articles.add(tables.article_row(a))
        if a.removals:
            self.removals.add_columns({**tables.removal_columns(a.id, a.removals), "seq": [seq] * len(a.removals)})
        self.entries.add({**entry, "seq": seq})
        return seq

    def add_quarantined(self, q: Quarantined) -> None:
        self.quarantine.add(tables.quarantine_row(q))

    def _close_files(self) -> None:
        for f in (self.articles, self.removals, self.quarantine, self.entries):
            f.close()

    def commit(self, summary: dict) -> Path:
        """Close the files, write the summary and rename the folder into place (the done marker)."""
        self._close_files()
        self._open = False
        write_bytes(self.tmp / STAGED_SUMMARY, json.dumps(summary, sort_keys=True).encode())
        fsync(self.tmp)
        if self.final.exists():  # a retried task (Dask may run one twice) finished first: keep that one
            shutil.rmtree(self.tmp, ignore_errors=True)
        else:
            os.rename(self.tmp, self.final)
            fsync(self.final.parent)
        return self.final


def staged_path(work: Path, index: int) -> Path:
    return Path(work) / f"shard-{index:05d}"


def staged_summary(work: Path, index: int) -> dict | None:
    """The summary of a finished staged shard, or None when it has not finished."""
    try:
        return json.loads((staged_path(work, index) / STAGED_SUMMARY).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def staged_entries(work: Path, index: int) -> pa.Table:
    """The dedup entries of a finished staged shard (small: no texts)."""
    return pq.read_table(staged_path(work, index) / "entries.parquet")


def publish_shard(work: Path, index: int, version_tmp: Path, duplicates: dict[int, tuple[str, float, str]],
                  config: CleanerConfig, clashes: dict[int, tuple[str, str]] | None = None) -> dict[str, Any]:
    """Write the published pieces of one staged shard into a version's temporary folder.

    `duplicates` maps an article's `seq` to `(duplicate_of, similarity, kind)`: those rows go to the
    `duplicates` config instead of `data`, and their removals are left out. Each config gets pieces of
    at most `shard_rows` rows named `part-<shard>-<k>.parquet`; `VersionWriter.add_shards` adopts
    them and the commit names them `train-i-of-N`. The bytes depend only on the staged rows and the
    decisions, not on which worker writes them. Returns the pieces and the tallies the ledger needs.

    `clashes` maps the `seq` of an article whose id an earlier article of the build already has to
    `(reason, raw)`: it is quarantined under `id_unique` (`validate.FirstIds`).

    The removals and quarantine tables are held to their schemas (`schemas/removals.py`,
    `schemas/quarantine.py`) before anything is written; `validate.TableContractBroken` if not.
    """
    staged = staged_path(work, index)
    version_tmp = Path(version_tmp)
    # One thread: a worker is one core, and Arrow's per-thread allocator caches would grow its memory.
    articles = pq.read_table(staged / "articles.parquet", use_threads=False)
    removals = pq.read_table(staged / "removals.parquet", use_threads=False)
    quarantine = pq.read_table(staged / "quarantine.parquet", use_threads=False)
    for kind in {d[2] for d in duplicates.values()}:
        if kind not in DUPLICATE_KINDS:
            raise ValueError(f"shard {index}: duplicate kind {kind!r} is not one of {DUPLICATE_KINDS}")
    clashes = clashes or {}
    if clashes:
        quarantine = _quarantine_clashes(articles, quarantine, clashes)
        removals = removals.filter(pc.invert(pc.is_in(removals["seq"], value_set=pa.array(sorted(clashes), pa.int64()))))
    dup_seqs = sorted(duplicates)
    gone_seqs = sorted(set(dup_seqs) | set(clashes))
    if gone_seqs:
        mask = [True] * articles.num_rows
        for s in gone_seqs:
            mask[s] = False
        kept = articles.filter(pa.array(mask))
        gone = articles.take(pa.array(dup_seqs, pa.int64()))
        dups = pa.table({
            **_source_columns(gone),
            "duplicate_of": pa.array([duplicates[s][0] for s in dup_seqs], pa.string()),
            "similarity": pa.array([float(duplicates[s][1]) for s in dup_seqs], pa.float64()),
            "kind": pa.array([duplicates[s][2] for s in dup_seqs], pa.string()),
        }, schema=tables.DUPLICATES)
        removals = removals.filter(pc.invert(pc.is_in(removals["seq"], value_set=pa.array(dup_seqs, pa.int64()))))
    else:
        kept, dups = articles, tables.DUPLICATES.empty_table()
    removals = removals.drop_columns(["seq"])
    check_table("removals", removals, f"shard {index}")   # a table that breaks its schema stops the build
    check_table("quarantine", quarantine, f"shard {index}")
    out: dict[str, Any] = {"pieces": {}}
    for cfg, folder, schema in tables.CONFIGS:
        table = {"default": kept, "removals": removals, "quarantine": quarantine, "duplicates": dups}[cfg]
        out["pieces"][cfg] = _write_pieces(table.cast(schema), version_tmp, folder, index, config)
    out["published"], out["duplicates"], out["clashes"] = kept.num_rows, dups.num_rows, len(clashes)
    out["removals_by_category"] = _counts(removals["category"])
    out["removals_by_rule"] = _counts(removals["rule"])
    out["languages"] = {k: n for k, n in _counts(kept["language"]).items() if k}
    out["language_mismatches"] = language_mismatches(kept)
    del articles, removals, quarantine, kept, dups, table
    pa.default_memory_pool().release_unused()
    return out


def _source_columns(rows: pa.Table) -> dict[str, pa.ChunkedArray]:
    """The id and provenance columns every table of records not published starts with."""
    return {name: rows[name] for name in ("id", "source_path", "source_sha256", "source_index", "source_format")}


def _quarantine_clashes(articles: pa.Table, quarantine: pa.Table, clashes: dict[int, tuple[str, str]]) -> pa.Table:
    """The staged quarantine with the id-clashing articles added after it (in input order among themselves)."""
    seqs = sorted(clashes)
    gone = articles.take(pa.array(seqs, pa.int64()))
    extra = pa.table({
        **_source_columns(gone),
        "stage": pa.array(["validate"] * len(seqs), pa.string()),
        "checks": pa.array([["id_unique"]] * len(seqs), pa.list_(pa.string())),
        "reasons": pa.array([[clashes[s][0]] for s in seqs], pa.list_(pa.string())),
        "raw": pa.array([clashes[s][1] for s in seqs], pa.string()),
    })
    return pa.concat_tables([quarantine, extra.cast(quarantine.schema)])


def _counts(column: pa.ChunkedArray) -> dict[str, int]:
    """How often each value occurs, counted in Arrow (no Python string per row)."""
    counts = pc.value_counts(column).flatten() if len(column) else [pa.array([]), pa.array([])]
    return dict(zip(counts[0].to_pylist(), counts[1].to_pylist()))


def language_mismatches(articles: pa.Table) -> dict[str, int]:
    """How many articles declared one language and read as another, by `declared>detected` pair.

    >>> t = pa.table({"language": ["de", "de", "en", "und"], "declared_language": ["en", "en", "en", "fr"]})
    >>> language_mismatches(t)
    {'en>de': 2}
    """
    detected, declared = articles["language"], articles["declared_language"]
    differ = pc.and_kleene(pc.and_kleene(pc.is_valid(declared), pc.not_equal(detected, "und")),
                           pc.not_equal(detected, declared))
    pairs = pc.binary_join_element_wise(pc.filter(declared, differ), pc.filter(detected, differ), ">")
    return {k: n for k, n in _counts(pairs).items() if k}


def _write_pieces(table: pa.Table, version_tmp: Path, folder: str, index: int,
                  config: CleanerConfig) -> list[tuple[str, int, int]]:
    """`table` as Parquet files of at most `shard_rows` rows, row groups of `row_group_rows`."""
    pieces = []
    for k, start in enumerate(range(0, table.num_rows, config.shard_rows)):
        piece = table.slice(start, config.shard_rows).combine_chunks()
        rel = f"{folder}/part-{index:05d}-{k:04d}.parquet"
        path = version_tmp / rel
        with pq.ParquetWriter(path, piece.schema, compression=config.compression) as writer:
            writer.write_table(piece, row_group_size=config.row_group_rows)
        fsync(path)
        pieces.append((rel, piece.num_rows, piece.nbytes))
    return pieces
