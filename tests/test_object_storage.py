"""Publishing to object storage (issue 18), against a local S3 server (conftest's `s3`: moto's server
mode on a free port, reached through the standard environment as a real bucket would be).

Publish, verify, read back, diff, retract, purge; a version stores only what it does not share with
its parent, and every reader gets all its rows through `cleaner.data_files`; a bucket that refuses
writes; two runs writing the index at once."""
from __future__ import annotations

import hashlib
import json

import pandas as pd
import pyarrow.dataset
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import cleaner
from cleaner.cli import app

s3fs = pytest.importorskip("s3fs")

from test_versions import write_feed  # noqa: E402  (the synthetic feeds of the versions tests)

runner = CliRunner()


@pytest.fixture()
def grown(s3, tmp_path):
    """v1 (6 articles) then v2 (3 new, --parent v1) published to the bucket."""
    fs, name = s3
    first = write_feed(tmp_path / "day1" / "feed.jsonl", 0, 6)
    new = write_feed(tmp_path / "day2" / "feed.jsonl", 6, 3)
    url = f"s3://{name}/datasets"
    for day, extra in (("day1", []), ("day2", ["--parent", "v1"])):
        result = runner.invoke(app, ["run", str(tmp_path / day), "--out", url, "--name", "news", "-w", "1", *extra])
        assert result.exit_code == 0, result.output
    return fs, name, f"{url}/news", first, new


def test_publish_to_s3_then_verify_read_back_and_retract(grown, tmp_path):
    fs, name, base, first, new = grown
    url = base.rsplit("/", 1)[0]
    assert runner.invoke(app, ["verify", f"{url}/news/v2"]).exit_code == 0
    assert runner.invoke(app, ["verify", f"{url}/news/latest"]).exit_code == 0
    table = pq.read_table(cleaner.data_files(f"{url}/news/v2"), filesystem=fs)
    assert sorted(table["id"].to_pylist()) == sorted(first + new)
    assert fs.cat_file(f"{name}/datasets/news/LATEST") == b"v2\n"
    assert not [k for k in fs.find(f"{name}/datasets/news") if "/.tmp-" in k]
    (tmp_path / "ids.txt").write_text(f"{first[0]}\n")
    result = runner.invoke(app, ["retract", f"{url}/news", "--ids", str(tmp_path / "ids.txt"), "--reason", "request"])
    assert result.exit_code == 0, result.output
    v3 = json.loads(fs.cat_file(f"{name}/datasets/news/v3/manifest.json"))
    assert v3["retracted"][0]["ids"] == [first[0]] and v3["parent"] == "v2"
    assert pq.read_table(cleaner.data_files(f"{url}/news/v3"), filesystem=fs).num_rows == len(first + new) - 1
    assert runner.invoke(app, ["verify", f"{url}/news/latest"]).exit_code == 0
    index = json.loads(fs.cat_file(f"{name}/datasets/news/versions.json"))
    assert [e["version"] for e in index] == ["v1", "v2", "v3"]
    result = runner.invoke(app, ["diff", f"{url}/news/v2", f"{url}/news/v3", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["articles"]["removed"] == [first[0]]


def _stored(fs, prefix: str) -> dict[str, bytes]:
    return {k: fs.cat_file(k) for k in fs.find(prefix)}


def test_a_child_version_stores_only_the_files_it_does_not_share(grown):
    fs, name, url, first, new = grown
    objects = _stored(fs, f"{name}/datasets/news")
    tables = {k: v for k, v in objects.items() if k.endswith(".parquet")}
    assert len({hashlib.sha256(v).hexdigest() for v in tables.values()}) == len(tables)   # no bytes stored twice
    m1, m2 = (json.loads(objects[f"{name}/datasets/news/{v}/manifest.json"]) for v in ("v1", "v2"))
    shared = [f for f in m2["files"] if "object" in f]
    assert {f["path"].split("/")[0] for f in shared} >= {"data", "removals"}
    assert {f["object"] for f in shared} <= {f"../v1/{f['path']}" for f in m1["files"]}
    own = {f"{name}/datasets/news/v2/{f['path']}" for f in m2["files"] if "object" not in f}
    assert set(k for k in objects if "/v2/" in k) == own | {f"{name}/datasets/news/v2/manifest.json"}
    stored_v2 = sum(len(v) for k, v in objects.items() if "/v2/" in k)
    assert stored_v2 < sum(f["bytes"] for f in m2["files"]) - sum(f["bytes"] for f in shared) + 2 * len(objects[
        f"{name}/datasets/news/v2/manifest.json"])
    card = objects[f"{name}/datasets/news/v2/README.md"].decode()
    assert "- ../v1/data/train-00000-of-00001.parquet" in card


def test_every_reader_gets_every_row_of_a_child_version_from_data_files(grown, s3_endpoint, monkeypatch):
    fs, name, url, first, new = grown
    files = cleaner.data_files(f"{url}/latest")
    assert files[0].startswith(f"s3://{name}/datasets/news/v1/data/") and "/v2/data/" in files[-1]
    everyone = sorted(first + new)
    assert sorted(pd.read_parquet(files, filesystem=fs)["id"]) == everyone
    assert sorted(pyarrow.dataset.dataset(files, filesystem=fs).to_table()["id"].to_pylist()) == everyone
    datasets = pytest.importorskip("datasets")
    # datasets' offline mode (conftest: no test reaches a hub) refuses any URL; this one is the local server
    monkeypatch.setattr(datasets.config, "HF_HUB_OFFLINE", False)
    loaded = datasets.load_dataset("parquet", data_files=files, split="train",
                                   storage_options={"client_kwargs": {"endpoint_url": s3_endpoint}})
    assert sorted(loaded["id"]) == everyone
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    con.register_filesystem(fs)
    assert sorted(r[0] for r in con.sql(f"SELECT id FROM read_parquet({files!r})").fetchall()) == everyone
    removals = cleaner.data_files(f"{url}/v2", "removals")
    assert pd.read_parquet(removals, filesystem=fs)["article_id"].nunique() == len(everyone)


def test_a_dataset_copied_from_the_store_loads_and_verifies_on_disk(grown, tmp_path):
    fs, name, url, first, new = grown
    fs.get(f"{name}/datasets/news/", str(tmp_path / "copy" / "news"), recursive=True)
    v2 = tmp_path / "copy" / "news" / "v2"
    assert not (v2 / "data" / "train-00000-of-00002.parquet").exists()      # stored once, in v1
    assert cleaner.verify(v2) == []
    assert sorted(pq.read_table(cleaner.data_files(v2))["id"].to_pylist()) == sorted(first + new)
    datasets = pytest.importorskip("datasets")
    assert sorted(datasets.load_dataset(str(v2), split="train")["id"]) == sorted(first + new)   # the card's ../v1 paths


def test_a_copy_of_the_store_diffs_retracts_and_purges_on_disk(grown, tmp_path):
    fs, name, url, first, new = grown
    fs.get(f"{name}/datasets/news/", str(tmp_path / "copy" / "news"), recursive=True)
    base = tmp_path / "copy" / "news"
    diff = runner.invoke(app, ["diff", str(base / "v1"), str(base / "v2"), "--json"])
    assert json.loads(diff.stdout)["articles"]["added"] == sorted(new)
    (tmp_path / "ids.txt").write_text(f"{first[1]}\n")
    assert runner.invoke(app, ["retract", str(base), "--ids", str(tmp_path / "ids.txt"), "--reason", "x"]).exit_code == 0
    done = runner.invoke(app, ["purge", str(base), "--yes"])
    assert done.exit_code == 0, done.output
    for v in ("v1", "v2", "v3"):
        assert cleaner.verify(base / v) == [], v
        assert first[1] not in pq.read_table(cleaner.data_files(base / v))["id"].to_pylist(), v
    assert (base / "v1" / "data" / "train-00000-of-00001.parquet").stat().st_ino == \
        (base / "v2" / "data" / "train-00000-of-00002.parquet").stat().st_ino   # purged once, a link now


def test_a_tampered_shared_object_fails_verify_of_every_version_naming_it(grown, tmp_path):
    fs, name, url, first, new = grown
    (tmp_path / "ids.txt").write_text(f"{new[0]}\n")
    assert runner.invoke(app, ["retract", url, "--ids", str(tmp_path / "ids.txt"), "--reason", "x"]).exit_code == 0
    key = f"{name}/datasets/news/v1/data/train-00000-of-00001.parquet"
    m3 = json.loads(fs.cat_file(f"{name}/datasets/news/v3/manifest.json"))
    assert "../v1/data/train-00000-of-00001.parquet" in {f.get("object") for f in m3["files"]}   # not ../v2/...
    data = bytearray(fs.cat_file(key))
    data[len(data) // 2] ^= 0xFF
    fs.pipe_file(key, bytes(data))
    for v in ("v1", "v2", "v3"):
        result = runner.invoke(app, ["verify", f"{url}/{v}"])
        assert result.exit_code == 1 and "sha256 mismatch" in result.output, (v, result.output)
        assert ("stored at ../v1/data/" in result.output) == (v != "v1"), v


def test_purge_on_the_store_lists_then_deletes_and_the_versions_still_share(grown, tmp_path):
    fs, name, url, first, new = grown
    gone = [first[0], first[3]]
    (tmp_path / "ids.txt").write_text("\n".join(gone) + "\n")
    assert runner.invoke(app, ["retract", url, "--ids", str(tmp_path / "ids.txt"), "--reason", "court"]).exit_code == 0
    before = _stored(fs, f"{name}/datasets/news")
    dry = runner.invoke(app, ["purge", url])
    assert dry.exit_code == 0 and "would delete v1/data/train-00000-of-00001.parquet: 2 rows" in dry.output
    assert "would delete v2/data/" in dry.output and _stored(fs, f"{name}/datasets/news") == before
    done = runner.invoke(app, ["purge", url, "--yes"])
    assert done.exit_code == 0, done.output
    assert f"wrote s3://{name}/datasets/news/v1/data/train-00000-of-00001.parquet" in done.output
    after = _stored(fs, f"{name}/datasets/news")
    assert set(after) == set(before)                       # rewritten in place: no object added, none copied
    for v in ("v1", "v2", "v3"):
        assert runner.invoke(app, ["verify", f"{url}/{v}"]).exit_code == 0, v
        ids = pd.read_parquet(cleaner.data_files(f"{url}/{v}"), filesystem=fs)["id"].tolist()
        assert not set(gone) & set(ids), v
        assert not set(gone) & set(pd.read_parquet(cleaner.data_files(f"{url}/{v}", "removals"),
                                                   filesystem=fs)["article_id"]), v
    m2 = json.loads(after[f"{name}/datasets/news/v2/manifest.json"])
    assert m2["purged"][0]["deleted_rows"]["data"] == 2
    assert "../v1/data/train-00000-of-00001.parquet" in {f.get("object") for f in m2["files"]}


def test_an_index_written_over_by_a_run_that_did_not_see_a_version_is_written_again(grown, monkeypatch):
    """Two runs publishing at once: the other run's version appears after this run listed the
    versions, so the index this run writes first misses it; the listing after writing finds it."""
    from cleaner.publish import remote

    fs, name, url, first, new = grown
    base = f"{name}/datasets/news"
    real, calls = remote.remote_versions, []

    def listing(fs_, base_):
        found = real(fs_, base_)
        calls.append(found)
        if len(calls) == 1:   # the other run commits v3 (v2's objects, renamed) right after this listing
            for key in fs.find(f"{base}/v2"):
                fs.copy(key, key.replace("/v2/", "/v3/"))
            m = json.loads(fs.cat_file(f"{base}/v3/manifest.json"))
            fs.pipe_file(f"{base}/v3/manifest.json", json.dumps({**m, "version": "v3", "parent": "v2"}).encode())
        return found

    monkeypatch.setattr(remote, "remote_versions", listing)
    assert remote.update_index(fs, base) == ["v1", "v2", "v3"]
    assert [e["version"] for e in json.loads(fs.cat_file(f"{base}/versions.json"))] == ["v1", "v2", "v3"]
    assert fs.cat_file(f"{base}/LATEST") == b"v3\n" and "| v3 |" in fs.cat_file(f"{base}/README.md").decode()
    assert len(calls) == 4     # listed, wrote, listed again (v3 new), wrote again, listed: settled


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


def test_two_runs_that_took_the_same_version_number_publish_one_and_refuse_the_other(s3, tmp_path):
    from cleaner import build
    from cleaner.executors import InlineExecutor
    from cleaner.publish.remote import remote_session
    from cleaner.publish.version import VersionExistsError

    fs, name = s3
    url = f"s3://{name}/out"
    ours, theirs = write_feed(tmp_path / "a" / "feed.jsonl", 0, 2), write_feed(tmp_path / "b" / "feed.jsonl", 5, 3)
    with remote_session(url, "news", None, None) as (local_a, version_a, publish_a), \
            remote_session(url, "news", None, None) as (local_b, version_b, publish_b):
        assert version_a == version_b == "v1"          # both listed the store before either published
        path_b, _ = build([tmp_path / "b"], local_b, "news", version_b, executor=InlineExecutor())
        publish_b(path_b)
        path_a, _ = build([tmp_path / "a"], local_a, "news", version_a, executor=InlineExecutor())
        with pytest.raises(VersionExistsError, match="another run"):
            publish_a(path_a)
    assert runner.invoke(app, ["verify", f"{url}/news/v1"]).exit_code == 0
    assert sorted(pd.read_parquet(cleaner.data_files(f"{url}/news/v1"), filesystem=fs)["id"]) == sorted(theirs)
    assert not [k for k in fs.find(f"{name}/out/news") if "/.tmp-" in k] and ours
    from cleaner.publish.remote import _create
    with pytest.raises(FileExistsError):          # the manifest's put is conditional on the server too
        _create(fs, f"{name}/out/news/v1/manifest.json", b"{}")
    assert json.loads(fs.cat_file(f"{name}/out/news/v1/manifest.json"))["version"] == "v1"
