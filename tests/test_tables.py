"""Parquet, Arrow (IPC file, feather, the stream `datasets.save_to_disk` writes) and CSV input: one record a row.

Fixtures are real: the package's wire-feed sample (cleaner/data/samples/006_wire_feed.jsonl) and
the ScrapingHub benchmark pages, written into each table format by the tests themselves.
"""
from __future__ import annotations

import csv
import datetime as dt
import gzip
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.feather as feather
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from cleaner import build, clean_inputs
from cleaner.cli import app
from cleaner.read import read_file, read_inputs, skipped_inputs
from cleaner.records import Article, Quarantined
from conftest import SAMPLES, SHARED

FEED = SAMPLES / "006_wire_feed.jsonl"
BENCH = SHARED / "benchmarks" / "scrapinghub"
needs_bench = pytest.mark.skipif(not (BENCH / "ground-truth.json").exists(), reason="../shared benchmarks not here")


def feed_rows() -> list[dict]:
    return [json.loads(line) for line in FEED.read_text(encoding="utf-8").splitlines() if line.strip()]


def feed_table() -> pa.Table:
    rows = feed_rows()
    names = sorted({k for r in rows for k in r})
    return pa.Table.from_pylist(rows, schema=pa.Table.from_pylist([{k: r.get(k) for k in names} for r in rows]).schema)


def write_all_formats(folder: Path) -> list[Path]:
    """The wire feed as Parquet (one row group a row), Arrow IPC, feather, a save_to_disk folder and CSV."""
    import datasets

    t = feed_table()
    pq.write_table(t, folder / "feed.parquet", row_group_size=1)
    with pa.OSFile(str(folder / "feed.arrow"), "wb") as sink, pa.ipc.new_file(sink, t.schema) as writer:
        writer.write_table(t)
    feather.write_feather(t, folder / "feed.feather")
    datasets.Dataset(t).save_to_disk(str(folder / "hf"))
    with open(folder / "feed.csv", "w", newline="", encoding="utf-8") as stream:
        names = [n for n in t.column_names if n != "authors"]   # CSV holds strings; a list is not one
        writer = csv.DictWriter(stream, fieldnames=names)
        writer.writeheader()
        for row in t.to_pylist():
            writer.writerow({n: row[n] for n in names})
    return [folder / n for n in ("feed.parquet", "feed.arrow", "feed.feather", "hf", "feed.csv")]


def _comparable(records) -> list[tuple]:
    return [(r.title, r.url, r.published, r.text) for r in records if isinstance(r, Article)]


def test_each_table_format_gives_the_records_the_jsonl_gives(tmp_path):
    want = _comparable(clean_inputs([FEED]))
    assert len(want) == 3
    for path in write_all_formats(tmp_path):
        got = list(clean_inputs([path]))
        assert not [r for r in got if isinstance(r, Quarantined)], path
        if path.suffix == ".csv":  # no authors column: the rest is the same
            assert [w[:3] for w in want] == [g[:3] for g in _comparable(got)]
        else:
            assert _comparable(got) == want, path


def test_save_to_disk_metadata_files_are_skipped_not_read_as_records(tmp_path):
    write_all_formats(tmp_path)
    skipped = {p.name: why for p, why in skipped_inputs([tmp_path / "hf"])}
    assert set(skipped) == {"dataset_info.json", "state.json"}
    assert [r.source.index for r in read_inputs([tmp_path / "hf"])] == [1, 2, 3]


def test_rows_keep_every_other_column_in_extra_as_plain_values(tmp_path):
    t = feed_table().append_column("fetched_at", pa.array([dt.datetime(2024, 3, 1, 12, 0)] * 3, pa.timestamp("s")))
    t = t.append_column("crawl", pa.array([b"cc-2024-10"] * 3, pa.binary()))
    pq.write_table(t, tmp_path / "feed.parquet")
    [first, *_] = list(read_file(tmp_path / "feed.parquet"))
    assert first.extra["fetched_at"] == "2024-03-01T12:00:00"
    assert first.extra["crawl"] == "cc-2024-10" and first.extra["section"] == "Business"
    assert first.source.format == "parquet" and first.source.index == 1


def test_field_options_name_the_text_url_and_id_columns(tmp_path):
    rows = [{"doc_id": f"d{i}", "page_url": r["url"], "body": r["text"], "title": r["title"]} for i, r in enumerate(feed_rows())]
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "renamed.parquet")
    runner = CliRunner()
    plain = runner.invoke(app, ["clean", str(tmp_path / "renamed.parquet")])
    # the message is wrapped at the console's width, which a longer temporary path moves: compare words
    assert plain.exit_code == 1 and "renamed.parquet:1: no 'text' or 'html' field" in " ".join(plain.stderr.split())
    named = runner.invoke(app, ["clean", str(tmp_path / "renamed.parquet"), "--text-field", "body",
                                "--url-field", "page_url", "--id-field", "doc_id"])
    assert named.exit_code == 0, named.output
    out = [json.loads(line) for line in named.stdout.splitlines()]
    assert [r["id"] for r in out] == ["d0", "d1", "d2"]
    assert [r["url"] for r in out] == [r["page_url"] for r in rows]
    assert all("body" not in r["extra"] and "page_url" not in r["extra"] for r in out)


def test_csv_empty_cell_is_a_missing_value_not_an_empty_date(tmp_path):
    path = tmp_path / "feed.csv.gz"
    with gzip.open(path, "wt", newline="", encoding="utf-8") as stream:
        stream.write("title,published,text\nBridge to close,,The council voted on Tuesday to close the old bridge.\n")
    [rec] = list(read_file(path))
    assert rec.published is None and rec.title == "Bridge to close"


def test_corrupt_parquet_is_one_quarantined_record_naming_the_file(tmp_path):
    pq.write_table(feed_table(), tmp_path / "feed.parquet")
    data = (tmp_path / "feed.parquet").read_bytes()
    (tmp_path / "cut.parquet").write_bytes(data[: len(data) // 2])
    [rec] = list(read_file(tmp_path / "cut.parquet"))
    assert isinstance(rec, Quarantined) and rec.checks == ["read.unreadable"]
    assert rec.message.startswith(str(tmp_path / "cut.parquet") + ":1: cannot read parquet file")


@needs_bench
def test_parquet_of_real_pages_accounts_for_every_row_and_keeps_extra_columns(tmp_path):
    truth = json.loads((BENCH / "ground-truth.json").read_text(encoding="utf-8"))
    pages = sorted((BENCH / "html").glob("*.html.gz"))[:24]
    rows = [{"html": gzip.decompress(p.read_bytes()).decode("utf-8", "replace"),
             "url": truth[p.name.split(".")[0]]["url"], "crawl_batch": i // 8} for i, p in enumerate(pages)]
    rows.append({"html": None, "url": "https://example.com/empty", "crawl_batch": 9})  # a row with no content
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "pages.parquet", row_group_size=8)
    version, ledger = build([tmp_path / "pages.parquet"], tmp_path / "out", "pages", "v1", workers=1)
    assert ledger.balanced() and ledger.inputs == len(rows)
    assert ledger.quarantine_by_check.get("read.no_text") == 1
    table = pq.read_table(version / "data").to_pylist()
    assert {r["url"] for r in table} <= {r["url"] for r in rows}
    assert all(json.loads(r["extra"])["crawl_batch"] in (0, 1, 2) for r in table)
