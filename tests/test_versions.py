"""A dataset that grows (issue 18): versions are snapshots sharing their parent's files, `latest`,
the versions index, retraction and purge, portable provenance."""
from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from cleaner import build, verify
from cleaner.cli import app
from cleaner.diff import diff_versions
from cleaner.executors import InlineExecutor

runner = CliRunner()

WORDS = ("harbour council ferry bridge engine repairs passengers morning crossing mayor budget vote "
         "school teachers union strike hospital nurses winter storm river flood road closure police "
         "station market traders festival museum library park garden railway tram bus fares tax "
         "report minister election campaign voters district court judge trial witness village farm").split()


def write_feed(path: Path, start: int, n: int) -> list[str]:
    """`n` JSONL news records with ids `a{start}`... and bodies that share no 5-word run; returns the ids."""
    path.parent.mkdir(parents=True, exist_ok=True)
    ids = []
    with open(path, "w", encoding="utf-8") as f:
        for i in range(start, start + n):
            rnd = random.Random(i)
            paras = [" ".join(rnd.choice(WORDS) for _ in range(18)).capitalize() + "." for _ in range(4)]
            f.write(json.dumps({"id": f"a{i}", "title": f"Story number {i} about the {rnd.choice(WORDS)}",
                                "url": f"https://example.org/news/{i}", "text": "\n\n".join(paras + ["Share this article"])}) + "\n")
            ids.append(f"a{i}")
    return ids


def ids_of(version: Path) -> list[str]:
    return pq.read_table(version / "data", columns=["id"])["id"].to_pylist()


@pytest.fixture()
def grown(tmp_path):
    """v1 of 6 articles, then v2 = 3 new ones (and one of v1 fed again) with --parent v1."""
    first = write_feed(tmp_path / "day1" / "feed.jsonl", 0, 6)
    new = write_feed(tmp_path / "day2" / "feed.jsonl", 6, 3)
    with open(tmp_path / "day2" / "feed.jsonl", "a", encoding="utf-8") as f:  # yesterday's first record again
        f.write((tmp_path / "day1" / "feed.jsonl").read_text(encoding="utf-8").splitlines()[0] + "\n")
    out = tmp_path / "out"
    v1, _ = build([tmp_path / "day1"], out, "news", executor=InlineExecutor())
    v2, tally = build([tmp_path / "day2"], out, "news", parent="v1", executor=InlineExecutor())
    return out, v1, v2, first, new, tally


def test_a_child_version_holds_every_parent_article_plus_the_new_ones(grown):
    out, v1, v2, first, new, tally = grown
    assert sorted(ids_of(v2)) == sorted(first + new)
    led = tally
    assert (led.inputs, led.published, led.duplicates, led.inherited) == (4, 3, 1, 6)
    manifest = json.loads((v2 / "manifest.json").read_text())
    assert manifest["counts"]["inherited"] == 6 and manifest["parent"] == "v1"
    import datasets
    loaded = datasets.load_dataset(str(v2), split="train")
    assert sorted(loaded["id"]) == sorted(first + new)
    assert verify(v1) == [] and verify(v2) == []


def test_files_taken_over_from_the_parent_are_hard_links_not_copies(grown):
    out, v1, v2, *_ = grown
    inodes = lambda v, folder: {p.stat().st_ino for p in (v / folder).glob("*.parquet")}
    for folder in ("data", "removals"):
        assert inodes(v1, folder) <= inodes(v2, folder), folder
        assert len(inodes(v2, folder)) > len(inodes(v1, folder)), folder  # and the new articles in files of their own


def test_a_shared_file_that_changed_fails_verify_in_every_version_holding_it(grown):
    out, v1, v2, *_ = grown
    shared = sorted((v1 / "data").glob("*.parquet"))[0]
    data = bytearray(shared.read_bytes())
    data[len(data) // 2] ^= 0xFF
    shared.write_bytes(bytes(data))          # written in place: the link in v2 sees it too
    assert any("sha256 mismatch" in p for p in verify(v1))
    assert any("sha256 mismatch" in p for p in verify(v2))


def test_diff_of_a_parent_and_its_child_lists_the_new_articles_as_added(grown):
    out, v1, v2, first, new, _ = grown
    d = diff_versions(v1, v2)
    assert d.added == sorted(new) and d.removed == [] and d.unchanged == len(first)


def test_latest_loads_the_newest_version_and_the_index_lists_every_version(grown):
    out, v1, v2, first, new, _ = grown
    import datasets
    assert sorted(datasets.load_dataset(str(out / "news" / "latest"), split="train")["id"]) == sorted(first + new)
    assert pq.read_table(out / "news" / "latest" / "data").num_rows == len(first + new)
    import cleaner
    files = cleaner.data_files(out / "news" / "latest")            # on a disk: the version's own paths (links)
    assert files == sorted(str(p) for p in (out / "news" / "latest" / "data").glob("*.parquet"))
    assert sorted(pq.read_table(files)["id"].to_pylist()) == sorted(first + new)
    assert (out / "news" / "LATEST").read_text() == "v2\n"
    index = json.loads((out / "news" / "versions.json").read_text())
    assert [(e["version"], e["parent"], e["articles"], e["new"]) for e in index] == [("v1", None, 6, 6), ("v2", "v1", 9, 3)]
    readme = (out / "news" / "README.md").read_text()
    assert readme.index("| v2 |") < readme.index("| v1 |") and "| v2 | 20" in readme   # newest first, dated


@pytest.fixture()
def retracted(grown, tmp_path):
    """v3: v2 without three articles, by `cleaner retract`."""
    out, v1, v2, first, new, _ = grown
    gone = [first[1], first[2], new[0]]
    (tmp_path / "ids.txt").write_text("# legal request 17\n" + "\n".join(gone) + "\n")
    result = runner.invoke(app, ["retract", str(out / "news"), "--ids", str(tmp_path / "ids.txt"),
                                 "--reason", "court order 17"])
    assert result.exit_code == 0, result.output
    return out, gone, first, new


def test_retract_publishes_a_version_without_the_ids_and_records_why(retracted):
    out, gone, first, new = retracted
    v2, v3 = out / "news" / "v2", out / "news" / "v3"
    assert sorted(ids_of(v3)) == sorted(set(first + new) - set(gone))
    assert len(ids_of(v3)) == len(ids_of(v2)) - 3
    m = json.loads((v3 / "manifest.json").read_text())
    assert m["parent"] == "v2" and m["retracted"][0]["ids"] == sorted(gone)
    assert m["retracted"][0]["reason"] == "court order 17" and m["retracted"][0]["at"].endswith("Z")
    assert "court order 17" in (v3 / "README.md").read_text()
    assert all(verify(out / "news" / v) == [] for v in ("v1", "v2", "v3"))
    assert (out / "news" / "LATEST").read_text() == "v3\n"
    assert sorted(diff_versions(v2, v3).removed) == sorted(gone)


def test_retract_refuses_ids_the_newest_version_does_not_hold(retracted, tmp_path):
    out, gone, first, _ = retracted
    (tmp_path / "more.txt").write_text(f"{first[0]}\nno-such-id\n{gone[0]}\n")
    result = runner.invoke(app, ["retract", str(out / "news"), "--ids", str(tmp_path / "more.txt"), "--reason", "x"])
    assert result.exit_code == 2
    assert "no-such-id" in result.output and f"{gone[0]} (retracted in v3)" in result.output
    assert not (out / "news" / "v4").exists()


def test_retract_by_url(grown, tmp_path):
    out, v1, v2, first, new, _ = grown
    (tmp_path / "urls.txt").write_text("https://example.org/news/7\n")
    result = runner.invoke(app, ["retract", str(out / "news"), "--urls", str(tmp_path / "urls.txt"), "--reason", "x"])
    assert result.exit_code == 0, result.output
    assert "a7" not in ids_of(out / "news" / "v3") and len(ids_of(out / "news" / "v3")) == 8


def test_a_retracted_article_fed_again_does_not_come_back(retracted, tmp_path):
    out, gone, first, new = retracted
    v4, tally = build([tmp_path / "day1"], out, "news", parent="v3", executor=InlineExecutor())
    assert not set(gone) & set(ids_of(v4))
    dups = pq.read_table(v4 / "duplicates").to_pylist()
    assert {d["duplicate_of"] for d in dups} >= {first[1], first[2]}


def test_purge_lists_then_deletes_retracted_text_from_every_version_and_they_still_verify(retracted):
    out, gone, first, new = retracted
    dry = runner.invoke(app, ["purge", str(out / "news")])
    assert dry.exit_code == 0 and "would delete v1/data/" in dry.output and "would delete v2/data/" in dry.output
    assert first[1] in ids_of(out / "news" / "v1")              # a dry run deletes nothing
    done = runner.invoke(app, ["purge", str(out / "news"), "--yes"])
    assert done.exit_code == 0, done.output
    for v in ("v1", "v2", "v3"):
        folder = out / "news" / v
        assert not set(gone) & set(ids_of(folder)), v
        assert not set(gone) & set(pq.read_table(folder / "removals")["article_id"].to_pylist()), v
        assert verify(folder) == [], v
    inodes = lambda v: {p.stat().st_ino for p in (out / "news" / v / "data").glob("*.parquet")}
    assert inodes("v1") <= inodes("v2")                          # the purged shards are still shared
    m1 = json.loads((out / "news" / "v1" / "manifest.json").read_text())
    assert m1["purged"][0]["deleted_rows"]["data"] == 2 and m1["purged"][0]["previous_fingerprint"] != m1["fingerprint"]
    assert "## Purged" in (out / "news" / "v1" / "README.md").read_text()
    import datasets
    assert len(datasets.load_dataset(str(out / "news" / "v1"), split="train")) == len(first) - 2


SAMPLES = Path(__file__).resolve().parent.parent / "cleaner" / "data" / "samples"


def test_the_same_inputs_under_two_absolute_folders_publish_the_same_bytes(tmp_path):
    import shutil
    versions = []
    for where in ("one", "two/levels/deeper"):
        corpus = tmp_path / where / "corpus"
        shutil.copytree(SAMPLES, corpus)
        write_feed(corpus / "more" / "feed.jsonl", 0, 2)
        (corpus / "more" / "empty.txt").write_text("")          # a quarantined record names its file too
        v, _ = build([corpus], tmp_path / "out" / where.replace("/", "-"), "news", executor=InlineExecutor())
        versions.append(v)
    sums = [{p.relative_to(v).as_posix(): p.read_bytes() for p in v.rglob("*") if p.is_file()} for v in versions]
    assert sums[0].keys() == sums[1].keys() and "data/train-00000-of-00001.parquet" in sums[0]
    assert [k for k in sums[0] if sums[0][k] != sums[1][k]] == []
    paths = pq.read_table(versions[0] / "data", columns=["source_path"])["source_path"].to_pylist()
    assert "more/feed.jsonl" in paths and not any(os.path.isabs(p) or str(tmp_path) in p for p in paths)
    assert pq.read_table(versions[0] / "quarantine", columns=["source_path"])["source_path"].to_pylist() == ["more/empty.txt"]
