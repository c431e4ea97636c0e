"""WARC and ARC input: each HTML page fetched is an article, every other record is counted, a broken one quarantined.

Fixtures: `tests/data/warcio/` holds warcio's own test files (webrecorder/warcio, test/data/, the
text as stored by the code index, line ends and the one invalid UTF-8 byte restored so that every
Content-Length and block digest matches again; `space-in-url.arc` is its first two records, the
30 KB page that follows left out). The crawl is built by `scripts/make_warc.py` from the real
ScrapingHub benchmark pages, with request, metadata, revisit, image and 404 records between them.
"""
from __future__ import annotations

import importlib.util
import io
import json
import re
import sys
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from cleaner import build
from cleaner.cli import app
from cleaner.read import read_file
from cleaner.records import Article, Quarantined, Skipped
from conftest import ROOT, SHARED

sys.path.insert(0, str(ROOT / "scripts"))
import make_warc  # noqa: E402

WARCIO = Path(__file__).parent / "data" / "warcio"
BENCH = SHARED / "benchmarks" / "scrapinghub"
needs_bench = pytest.mark.skipif(not (BENCH / "ground-truth.json").exists(), reason="../shared benchmarks not here")


def outcomes(path: Path) -> Counter:
    """(record type, kind or check) of every record read from `path`."""
    seen: Counter = Counter()
    for r in read_file(path):
        if isinstance(r, Skipped):
            seen[("skipped", r.kind)] += 1
        elif isinstance(r, Quarantined):
            seen[("quarantined", r.checks[0])] += 1
        else:
            seen[("article", r.content_type)] += 1
    return seen


def record_starts(data: bytes) -> int:
    """How many records the bytes hold, counted independently of any reader: WARC version lines."""
    return len(re.findall(rb"(?:^|\n)WARC/[^\r\n]*\r\n", data))


# --- warcio's own test files -------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(p.name for p in WARCIO.iterdir()))
def test_each_warcio_test_file_gives_a_clean_result_with_every_record_accounted_for(name):
    path = WARCIO / name
    seen = outcomes(path)
    assert ("quarantined", "read.error") not in seen, seen  # no reader bug behind a traceback
    if name.endswith(".warc"):
        assert sum(seen.values()) == record_starts(path.read_bytes()), seen


def test_torture_file_records_are_counted_by_their_kind():
    seen = outcomes(WARCIO / "standard-torture-validate-record.warc")
    assert seen == Counter({("skipped", "warc.warcinfo"): 3, ("skipped", "warc.resource"): 3,
                            ("skipped", "warc.revisit"): 3, ("skipped", "warc.request"): 2,
                            ("skipped", "warc.metadata"): 2, ("skipped", "warc.continuation"): 2,
                            ("skipped", "warc.conversion"): 1, ("skipped", "warc.response_no_http"): 1})


def test_invalid_warc_version_line_is_quarantined_naming_file_record_and_offset():
    [bad] = [r for r in read_file(WARCIO / "standard-torture-validate-field.warc") if isinstance(r, Quarantined)]
    assert bad.checks == ["read.bad_record"]
    assert re.match(r".*standard-torture-validate-field\.warc:4: record at byte 1,350 cannot be read: .*WARC/invalid",
                    bad.message), bad.message


def test_chunked_response_is_one_article_with_its_url_fetch_date_and_offset():
    [page] = [r for r in read_file(WARCIO / "example-iana.org-chunked.warc") if isinstance(r, Article)]
    assert page.url == "http://www.iana.org/"
    assert page.source.index == 2 and page.extra["warc_offset"] == 405
    assert page.extra["fetched"] == "2017-03-06T16:54:09Z"
    assert page.raw.startswith("<!doctype html>") and page.raw.rstrip().endswith("</html>")  # chunk sizes gone


def test_arc_record_with_spaces_in_its_url_is_read_and_its_400_counted():
    seen = outcomes(WARCIO / "space-in-url.arc")
    assert seen == Counter({("skipped", "warc.warcinfo"): 1, ("skipped", "warc.response_not_2xx"): 1})


def test_truncated_warc_keeps_the_records_before_and_quarantines_the_cut_one(tmp_path):
    data = (WARCIO / "example-iana.org-chunked.warc").read_bytes()
    path = tmp_path / "cut.warc"
    path.write_bytes(data[:3000])
    records = list(read_file(path))
    assert [type(r).__name__ for r in records] == ["Skipped", "Quarantined"]
    assert "record at byte 405 is truncated" in records[1].message


# --- a crawl of real pages -----------------------------------------------------------------------------

PAGES = 60  # of the 181: a third of the benchmark keeps the test quick (its F1 is 0.980, all of it 0.979)


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    folder = tmp_path_factory.mktemp("crawl")
    path = folder / "crawl.warc.gz"
    counts = make_warc.write_warc(BENCH, path, limit=PAGES)
    return path, counts


def _shingle_scorer():
    spec = importlib.util.spec_from_file_location("htmlbench", SHARED / "bench" / "htmlbench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@needs_bench
def test_crawl_publishes_each_page_with_its_url_and_counts_the_other_records(crawl, tmp_path):
    path, counts = crawl
    version, ledger = build([path], tmp_path / "out", "crawl", "v1", workers=1)
    assert ledger.balanced()
    assert ledger.inputs == counts["response"] == PAGES
    assert ledger.skipped_by_kind == {
        "warc.warcinfo": counts["warcinfo"], "warc.request": counts["request"], "warc.metadata": counts["metadata"],
        "warc.revisit": counts["revisit"], "warc.response_not_html": counts["response 200 image/png"],
        "warc.response_not_2xx": counts["response 404 text/html"]}
    manifest = json.loads((version / "manifest.json").read_text())
    assert manifest["counts"]["skipped_by_kind"] == ledger.skipped_by_kind
    assert f"| warc.request | {PAGES} |" in (version / "README.md").read_text()
    table = pq.read_table(version / "data").to_pylist()
    expected = make_warc.expected(BENCH, PAGES)
    assert {row["url"] for row in table} <= set(expected)
    # source_path is relative to the input root (cleaner.provenance): here the crawl's own folder
    assert all(row["source_path"] == path.name and row["extra"] for row in table)


@needs_bench
def test_crawl_bodies_match_the_ground_truth(crawl):
    path, _ = crawl
    runner = CliRunner()
    result = runner.invoke(app, ["clean", str(path), "-w", "1"])
    assert result.exit_code == 0, result.output
    got = {r["url"]: r["text"] for r in map(json.loads, result.stdout.splitlines())}
    expected = make_warc.expected(BENCH, PAGES)
    assert set(got) == set(expected)
    hb = _shingle_scorer()
    precision, recall, f1 = hb.score([hb.tpfpfn(expected[url], got[url]) for url in expected])
    assert f1 >= 0.95 and recall >= 0.95, (precision, recall, f1)
    assert f"not articles, not written: warc.metadata {PAGES}" in result.stderr


@needs_bench
def test_corrupt_gzip_member_is_quarantined_and_the_rest_of_the_crawl_is_read(crawl, tmp_path):
    path, counts = crawl
    data = path.read_bytes()
    bad = tmp_path / "bad.warc.gz"
    bad.write_bytes(data[:100_000] + b"not gzip at all " * 8 + data[100_000:])
    seen = outcomes(bad)
    assert seen[("quarantined", "read.bad_record")] == 1
    assert seen[("article", "html")] == counts["response"] - 1
    assert seen[("skipped", "warc.request")] == counts["request"]


@needs_bench
def test_arc_file_of_real_pages_gives_one_article_per_page(tmp_path):
    path = tmp_path / "crawl.arc"
    make_warc.write_arc(BENCH, path, limit=12)
    pages = [r for r in read_file(path) if isinstance(r, Article)]
    assert [p.url for p in pages] == list(make_warc.expected(BENCH, 12))


def test_page_without_a_date_gets_the_fetch_day(tmp_path):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from cleaner import clean_article

    # The ScrapingHub page shape, trimmed: no date anywhere in it.
    html = (b"<html><head><title>Harbour ferry returns</title></head><body><article><h1>Harbour ferry returns</h1>"
            b"<p>The harbour ferry returned to service on the north route after months of repairs to its hull.</p>"
            b"<p>Commuters, who had faced a long detour by road, welcomed the news, and traffic eased.</p>"
            b"</article></body></html>")
    path = tmp_path / "one.warc"
    with open(path, "wb") as stream:
        w = WARCWriter(stream, gzip=False)
        head = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        w.write_record(w.create_warc_record("https://news.example/ferry", "response", payload=io.BytesIO(html),
                                            http_headers=head, warc_headers_dict={"WARC-Date": "2023-05-06T07:08:09Z"}))
    [page] = list(read_file(path))
    assert clean_article(page).published == "2023-05-06"
