"""Inputs given as fsspec URLs: `s3://` against a local S3-compatible server (moto) that the test starts.

The files are the package's samples (cleaner/data/samples) and a WARC.gz built from ScrapingHub
pages (`scripts/make_warc.py`), uploaded as they are.
"""
from __future__ import annotations

import json
import sys

import pytest
from typer.testing import CliRunner

from cleaner import build, clean_inputs
from cleaner.cli import app
from cleaner.read import iter_input_files, skipped_inputs
from cleaner.records import Article
from conftest import ROOT, SAMPLES, SHARED

pytest.importorskip("s3fs")

BENCH = SHARED / "benchmarks" / "scrapinghub"


@pytest.fixture()
def bucket(s3):
    """A bucket holding the sample corpus under samples/ (and a hidden file)."""
    fs, name = s3
    for path in sorted(SAMPLES.iterdir()):
        fs.put_file(str(path), f"{name}/samples/{path.name}")
    fs.pipe(f"{name}/samples/.DS_Store", b"junk")
    fs.invalidate_cache()
    return name


def _records(records):
    return [(type(r).__name__, r.id, r.title, r.text, r.url, r.source.index, r.source.sha256)
            if isinstance(r, Article) else (type(r).__name__, r.source.index) for r in records]


def test_s3_folder_gives_the_records_of_the_same_files_on_disk(bucket):
    url = f"s3://{bucket}/samples"
    remote = list(clean_inputs([url]))
    local = list(clean_inputs([SAMPLES]))
    assert len(remote) == len(local) == 10
    assert _records(remote) == _records(local)
    assert all(r.source.path.startswith(url + "/") for r in remote)
    assert [p.rsplit("/", 1)[-1] for p in iter_input_files([url])] == [p.name for p in iter_input_files([SAMPLES])]
    assert [(p.rsplit("/", 1)[-1], why.split(" (")[0]) for p, why in skipped_inputs([url])] == [(".DS_Store", "hidden")]


def test_run_publishes_from_s3_with_uris_as_source_paths(bucket, tmp_path):
    version, ledger = build([f"s3://{bucket}/samples"], tmp_path / "out", "remote", "v1", workers=1)
    local_version, local_ledger = build([SAMPLES], tmp_path / "out", "local", "v1", workers=1)
    assert ledger.to_dict() == local_ledger.to_dict()
    manifest = json.loads((version / "manifest.json").read_text())
    assert all(i["path"].startswith(f"s3://{bucket}/samples/") for i in manifest["inputs"])
    local_manifest = json.loads((local_version / "manifest.json").read_text())
    assert [i["sha256"] for i in manifest["inputs"]] == [i["sha256"] for i in local_manifest["inputs"]]


def test_cli_check_reads_an_s3_object_and_refuses_a_missing_one(bucket):
    runner = CliRunner()
    ok = runner.invoke(app, ["check", f"s3://{bucket}/samples/006_wire_feed.jsonl", "-w", "1"])
    assert ok.exit_code == 0, ok.output
    assert "PASS: 1 file, 3 records" in ok.stdout
    missing = runner.invoke(app, ["clean", f"s3://{bucket}/no/such/prefix"])
    assert missing.exit_code == 2 and "no such file or folder" in missing.stderr


@pytest.mark.skipif(not (BENCH / "ground-truth.json").exists(), reason="../shared benchmarks not here")
def test_s3_warc_gives_the_articles_the_local_warc_gives(bucket, tmp_path):
    import fsspec

    sys.path.insert(0, str(ROOT / "scripts"))
    import make_warc

    path = tmp_path / "crawl.warc.gz"
    make_warc.write_warc(BENCH, path, limit=6)
    fsspec.filesystem("s3").put_file(str(path), f"{bucket}/crawls/crawl.warc.gz")
    remote = list(clean_inputs([f"s3://{bucket}/crawls/crawl.warc.gz"]))
    assert _records(remote) == _records(clean_inputs([path]))
    assert sum(isinstance(r, Article) for r in remote) == 6
