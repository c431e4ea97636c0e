"""Publishing to object storage (issue 18), against a local S3 server (conftest's `s3`: moto's server
mode on a free port, reached through the standard environment as a real bucket would be). Publish, verify, read back with pyarrow, retract; a bucket that refuses writes."""
from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from cleaner.cli import app

s3fs = pytest.importorskip("s3fs")

from test_versions import write_feed  # noqa: E402  (the synthetic feeds of the versions tests)

runner = CliRunner()


def test_publish_to_s3_then_verify_read_back_and_retract(s3, tmp_path):
    fs, name = s3
    first = write_feed(tmp_path / "day1" / "feed.jsonl", 0, 5)
    new = write_feed(tmp_path / "day2" / "feed.jsonl", 5, 2)
    url = f"s3://{name}/datasets"
    for day, extra in (("day1", []), ("day2", ["--parent", "v1"])):
        result = runner.invoke(app, ["run", str(tmp_path / day), "--out", url, "--name", "news", "-w", "1", *extra])
        assert result.exit_code == 0, result.output
    assert runner.invoke(app, ["verify", f"{url}/news/v2"]).exit_code == 0
    assert runner.invoke(app, ["verify", f"{url}/news/latest"]).exit_code == 0
    table = pq.read_table(f"{name}/datasets/news/v2/data", filesystem=fs)
    assert sorted(table["id"].to_pylist()) == sorted(first + new)
    assert fs.cat_file(f"{name}/datasets/news/LATEST") == b"v2\n"
    assert not [k for k in fs.find(f"{name}/datasets/news") if "/.tmp-" in k]
    (tmp_path / "ids.txt").write_text(f"{first[0]}\n")
    result = runner.invoke(app, ["retract", f"{url}/news", "--ids", str(tmp_path / "ids.txt"), "--reason", "request"])
    assert result.exit_code == 0, result.output
    v3 = json.loads(fs.cat_file(f"{name}/datasets/news/v3/manifest.json"))
    assert v3["retracted"][0]["ids"] == [first[0]] and v3["parent"] == "v2"
    assert pq.read_table(f"{name}/datasets/news/v3/data", filesystem=fs).num_rows == len(first + new) - 1
    assert runner.invoke(app, ["verify", f"{url}/news/latest"]).exit_code == 0
    index = json.loads(fs.cat_file(f"{name}/datasets/news/versions.json"))
    assert [e["version"] for e in index] == ["v1", "v2", "v3"]


def test_a_damaged_object_fails_verify(s3, tmp_path):
    fs, name = s3
    write_feed(tmp_path / "in" / "feed.jsonl", 0, 3)
    url = f"s3://{name}/out"
    assert runner.invoke(app, ["run", str(tmp_path / "in"), "--out", url, "--name", "news", "-w", "1"]).exit_code == 0
    key = next(k for k in fs.find(f"{name}/out/news/v1/data"))
    fs.pipe_file(key, fs.cat_file(key)[:-10])
    result = runner.invoke(app, ["verify", f"{url}/news/v1"])
    assert result.exit_code == 1 and "size" in result.output


def test_a_bucket_that_refuses_writes_leaves_no_version_visible(s3, tmp_path, monkeypatch):
    fs, name = s3
    write_feed(tmp_path / "in" / "feed.jsonl", 0, 3)
    url = f"s3://{name}/out"
    assert runner.invoke(app, ["run", str(tmp_path / "in"), "--out", url, "--name", "news", "-w", "1"]).exit_code == 0
    real, calls = s3fs.S3FileSystem._put_file, []

    async def refusing(self, lpath, rpath, *args, **kwargs):   # the bucket takes two files, then denies access
        calls.append(rpath)
        if len(calls) > 2:
            raise PermissionError(f"Access Denied: {rpath}")
        return await real(self, lpath, rpath, *args, **kwargs)

    monkeypatch.setattr(s3fs.S3FileSystem, "_put_file", refusing)   # the sync put_file calls it (fsspec mirrors them)
    s3fs.S3FileSystem.clear_instance_cache()
    write_feed(tmp_path / "in2" / "feed.jsonl", 10, 3)
    result = runner.invoke(app, ["run", str(tmp_path / "in2"), "--out", url, "--name", "news", "--parent", "v1", "-w", "1"])
    assert result.exit_code == 2 and "refused" in result.output and "no version was published" in result.output
    assert len(calls) == 3
    assert not fs.exists(f"{name}/out/news/v2/manifest.json")
    assert not [k for k in fs.find(f"{name}/out/news") if "/v2/" in k or "/.tmp-" in k]
    assert fs.cat_file(f"{name}/out/news/LATEST") == b"v1\n"


def test_a_bucket_that_does_not_exist_is_a_clear_error(s3, tmp_path):
    write_feed(tmp_path / "in" / "feed.jsonl", 0, 2)
    result = runner.invoke(app, ["run", str(tmp_path / "in"), "--out", "s3://no-such-bucket-here/x", "--name", "news",
                                 "-w", "1"])
    assert result.exit_code == 2 and "no-such-bucket-here" in result.output and "Traceback" not in result.output


def test_a_parent_that_is_not_on_the_store_is_refused(s3, tmp_path):
    fs, name = s3
    write_feed(tmp_path / "in" / "feed.jsonl", 0, 2)
    result = runner.invoke(app, ["run", str(tmp_path / "in"), "--out", f"s3://{name}/x", "--name", "news",
                                 "--parent", "v7", "-w", "1"])
    assert result.exit_code == 2 and "v7" in result.output and "not published" in result.output
