"""One big file on every core: a JSONL, WARC or Parquet file is cut into pieces at record boundaries.

Small sizes, small `shard_bytes`: the pieces are what a 200 MB file gets at 3 MB a shard. Fixtures
are the package's samples (as JSONL records, cleaner/data/samples) and ScrapingHub pages in a WARC
built by `scripts/make_warc.py`.
"""
from __future__ import annotations

import gzip
import json
import sys

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cleaner.executors import LocalExecutor
from cleaner.read import read_file, split_file
from cleaner.records import Article
from cleaner.pipeline import build
from cleaner.stream import plan_shards, read_shard
from conftest import ROOT, SAMPLES, SHARED

BENCH = SHARED / "benchmarks" / "scrapinghub"
sys.path.insert(0, str(ROOT / "scripts"))


def _feed(tmp_path, copies: int = 40):
    """The wire-feed sample's records, `copies` times with distinct ids, one JSONL (a blank and a bad line in it)."""
    rows = [json.loads(line) for line in (SAMPLES / "006_wire_feed.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    lines = []
    for k in range(copies):
        for r in rows:
            lines.append(json.dumps({**r, "id": f"{r.get('id', 'x')}-{k}", "url": f"{r['url']}?copy={k}"}))
        if k == copies // 2:
            lines += ["", "{not json"]
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _as_read(records) -> list[tuple]:
    return [(type(r).__name__, r.source.path, r.source.index, r.source.sha256, getattr(r, "id", None),
             getattr(r, "raw", None)) for r in records]


def test_jsonl_pieces_start_after_a_newline_and_give_the_records_of_the_whole_file(tmp_path):
    path = _feed(tmp_path)
    data = path.read_bytes()
    shards, _ = plan_shards([path], shard_bytes=4096)
    pieces = [s.pieces[0] for s in shards]
    assert len(pieces) > 5
    assert pieces[0].start == 0 and pieces[-1].stop == len(data)
    assert all(a.stop == b.start and data[b.start - 1:b.start] == b"\n" for a, b in zip(pieces, pieces[1:]))
    assert all(p.before == data[:p.start].count(b"\n") for p in pieces)
    split = [r for s in shards for r in read_shard(s, _config())]
    assert _as_read(split) == _as_read(read_file(path))
    [bad] = [r for r in split if not isinstance(r, Article)]
    assert bad.checks == ["read.invalid_json"] and bad.source.index == data.split(b"\n").index(b"{not json") + 1


def _config():
    from cleaner.config import DEFAULT_CONFIG
    return DEFAULT_CONFIG


def test_gzipped_jsonl_is_not_cut_and_is_read_whole(tmp_path):
    path = _feed(tmp_path)
    gz = tmp_path / "feed.jsonl.gz"
    gz.write_bytes(gzip.compress(path.read_bytes()))
    assert split_file(gz, 1024) is None
    shards, _ = plan_shards([gz], shard_bytes=1024)
    assert len(shards) == 1 and not shards[0].pieces


def test_parquet_pieces_are_runs_of_row_groups_with_the_rows_before_them(tmp_path):
    rows = [json.loads(line) for line in _feed(tmp_path).read_text().splitlines() if line.startswith("{\"")]
    path = tmp_path / "feed.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=10)
    shards, _ = plan_shards([path], shard_bytes=16384)
    assert len(shards) > 2 and all(s.pieces for s in shards)
    split = [r for s in shards for r in read_shard(s, _config())]
    assert _as_read(split) == _as_read(read_file(path))
    assert [r.source.index for r in split] == list(range(1, len(rows) + 1))


@pytest.mark.skipif(not (BENCH / "ground-truth.json").exists(), reason="../shared benchmarks not here")
@pytest.mark.parametrize("name", ["crawl.warc.gz", "crawl.warc"])
def test_warc_pieces_start_at_records_and_give_the_records_of_the_whole_file(tmp_path, name):
    import make_warc

    path = tmp_path / name
    make_warc.write_warc(BENCH, path, limit=9)
    shards, _ = plan_shards([path], shard_bytes=60_000)
    assert len(shards) > 2
    split = [r for s in shards for r in read_shard(s, _config())]
    whole = list(read_file(path))
    assert _as_read(split) == _as_read(whole)
    assert [r.source.index for r in split] == list(range(1, len(whole) + 1))


def test_a_split_file_publishes_the_same_bytes_with_one_worker_or_two(tmp_path):
    path = _feed(tmp_path, copies=16)
    one, tally1 = build([path], tmp_path / "one", "feed", "v1", executor=LocalExecutor(1), shard_bytes=16384)
    two, tally2 = build([path], tmp_path / "two", "feed", "v1", executor=LocalExecutor(2), shard_bytes=16384)
    led1, led2 = tally1.ledger, tally2.ledger
    m1, m2 = (json.loads((v / "manifest.json").read_text()) for v in (one, two))
    assert m1["stats"]["input_shards"] >= 3
    assert led1.balanced() and led1.to_dict() == led2.to_dict()
    assert m1["fingerprint"] == m2["fingerprint"]
