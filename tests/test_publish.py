"""Publishing: what lands on disk, that it loads back, that it is reproducible, and that it is checked."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import pandas as pd  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402
import pytest  # noqa: E402
import yaml  # noqa: E402

from cleaner.config import CleanerConfig  # noqa: E402
from cleaner.publish.manifest import verify  # noqa: E402
from cleaner.publish.version import VersionExistsError, VersionWriter, latest_version, next_version  # noqa: E402
from cleaner.records import Article, Duplicate, Label, Ledger, Quarantined, Removal, Source  # noqa: E402

SHA = "ab" * 32
CONFIG = CleanerConfig(shard_rows=2, row_group_rows=1)


def make_articles(n: int = 3) -> list[Article]:
    return [
        Article(
            id=f"art-{i}", source=Source("inputs/../feed.jsonl", SHA, i + 1, "jsonl"),
            title=f"Flood waters recede in town {i}", subtitle="Residents return" if i % 2 else None,
            authors=["Ana Silva", "Bo Chen"][: i % 3], published="2024-05-0%d" % (i + 1),
            url=f"https://news.example/{i}", site_name="Example News", language="en",
            text=f"Paragraph one of story {i}.\n\nParagraph two, with ünïcode — “quotes”.",
            captions=["A man wades through water."] if i == 0 else [],
            credits=["(AP Photo/Efrem Lukatsky)"] if i == 0 else [],
            removals=[Removal(Label("ad", "ad.advertisement"), "ADVERTISEMENT", 3),
                      Removal(Label("newsletter", "newsletter.signup"), "Sign up for our newsletter", 7)][: i + 1],
            extra={"zeta": 1, "alpha": ["x", i]},
        )
        for i in range(n)
    ]


def make_quarantined() -> list[Quarantined]:
    return [Quarantined(Source("feed.jsonl", SHA, 9, "jsonl"), "read", ["json"], ["feed.jsonl:9: not JSON"],
                        raw='{"title": ')]


def make_duplicates() -> list[Duplicate]:
    return [Duplicate("art-9", Source("feed.jsonl", SHA, 10, "jsonl"), "art-0", 0.93, "near")]


def ledger_for(n: int = 3) -> Ledger:
    return Ledger(inputs=n + 2, published=n, quarantined=1, duplicates=1,
                  removals_by_category={"ad": n, "newsletter": max(n - 1, 0)},
                  removals_by_rule={"ad.advertisement": n, "newsletter.signup": max(n - 1, 0)},
                  quarantine_by_check={"json": 1})


def publish(out: Path, n: int = 3, version: str | None = None, config: CleanerConfig = CONFIG,
            name: str = "news") -> Path:
    with VersionWriter(out, name, version, config, tool_version="0.1.0", rules_version="rules-1") as w:
        w.add_articles(iter(make_articles(n)))
        w.add_quarantined(make_quarantined())
        w.add_duplicates(make_duplicates())
        w.add_inputs({"inputs/../feed.jsonl": SHA})
        return w.commit(ledger_for(n), extra_stats={"seconds_reading": 0})


def load(path: Path, tmp_path: Path, config: str | None = None):
    import datasets
    return datasets.load_dataset(str(path), config, cache_dir=str(tmp_path / "hf-cache"))["train"]


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# -- loading back ---------------------------------------------------------------------------------

def test_published_articles_load_back_with_datasets_in_order(tmp_path):
    path = publish(tmp_path / "out")
    ds = load(path, tmp_path)
    want = make_articles()
    assert ds["id"] == [a.id for a in want]
    row = ds[0]
    assert row["title"] == want[0].title and row["text"] == want[0].text
    assert row["authors"] == [] and ds[2]["authors"] == ["Ana Silva", "Bo Chen"]
    assert row["captions"] == want[0].captions and row["credits"] == want[0].credits
    assert row["n_removals"] == 1 and ds[2]["n_removals"] == 2
    assert json.loads(row["extra"]) == want[0].extra and row["extra"].startswith('{"alpha"')


def test_source_path_is_published_as_given_not_resolved(tmp_path):
    ds = load(publish(tmp_path / "out"), tmp_path)
    assert set(ds["source_path"]) == {"inputs/../feed.jsonl"}
    assert ds["source_index"] == [1, 2, 3] and set(ds["source_format"]) == {"jsonl"}


def test_removals_quarantine_and_duplicates_configs_load(tmp_path):
    path = publish(tmp_path / "out")
    removals = load(path, tmp_path, "removals")
    assert removals["article_id"] == ["art-0", "art-1", "art-1", "art-2", "art-2"]
    assert removals[1] == {"article_id": "art-1", "category": "ad", "rule": "ad.advertisement",
                           "text": "ADVERTISEMENT", "line": 3}
    quarantine = load(path, tmp_path, "quarantine")
    assert quarantine[0]["checks"] == ["json"] and quarantine[0]["raw"] == '{"title": '
    assert quarantine[0]["source_index"] == 9 and quarantine[0]["stage"] == "read"
    dups = load(path, tmp_path, "duplicates")
    assert dups[0]["duplicate_of"] == "art-0" and dups[0]["kind"] == "near" and dups[0]["similarity"] == 0.93


def test_empty_configs_are_written_with_their_schema(tmp_path):
    with VersionWriter(tmp_path, "news", None, CONFIG, tool_version="0.1.0", rules_version="r") as w:
        w.add_articles(make_articles(1)[:1])
        path = w.commit(Ledger(inputs=1, published=1))
    for folder in ("quarantine", "duplicates"):
        assert [p.name for p in (path / folder).iterdir()] == ["train-00000-of-00001.parquet"]
    q = pd.read_parquet(path / "quarantine")
    assert len(q) == 0 and list(q.columns)[:2] == ["id", "source_path"] and "reasons" in q.columns
    assert len(load(path, tmp_path)) == 1  # the articles load even though other configs are empty
    assert "no rows (quarantine, duplicates)" in (path / "README.md").read_text()


def test_pandas_reads_the_data_folder(tmp_path):
    path = publish(tmp_path / "out", n=5)
    df = pd.read_parquet(str(path) + "/data")
    assert df["id"].tolist() == [f"art-{i}" for i in range(5)]


def test_a_lone_surrogate_in_a_quarantined_record_does_not_stop_the_build(tmp_path):
    broken = json.loads('{"title": "\\ud800 broken"}')["title"]  # valid JSON, no UTF-8 form
    q = Quarantined(Source("feed.jsonl", SHA, 4, "jsonl"), "read", ["utf8"], ["bad text"], raw=broken)
    with VersionWriter(tmp_path, "news", None, CONFIG, tool_version="0", rules_version="r") as w:
        w.add_quarantined([q])
        path = w.commit(Ledger(inputs=1, quarantined=1))
    assert pd.read_parquet(path / "quarantine")["raw"].tolist() == ["\ufffd broken"]


# -- sharding and streaming -------------------------------------------------------------------------

def test_shard_rows_two_gives_n_shards_named_of_n_and_all_rows_load(tmp_path):
    path = publish(tmp_path / "out", n=5)
    names = sorted(p.name for p in (path / "data").iterdir())
    assert names == [f"train-0000{i}-of-00003.parquet" for i in range(3)]
    assert [pq.ParquetFile(path / "data" / n).metadata.num_rows for n in names] == [2, 2, 1]
    assert all(pq.ParquetFile(path / "data" / n).metadata.num_row_groups == r for n, r in zip(names, [2, 2, 1]))
    assert load(path, tmp_path)["id"] == [f"art-{i}" for i in range(5)]
    manifest = json.loads((path / "manifest.json").read_text())
    assert [f["rows"] for f in manifest["files"] if f["path"].startswith("data/")] == [2, 2, 1]


def test_articles_are_written_shard_by_shard_while_streaming(tmp_path):
    config = CONFIG.with_(row_group_rows=2)  # a file appears when its first (here: only) row group is full
    writer = VersionWriter(tmp_path, "news", None, config, tool_version="0.1.0", rules_version="r")
    seen = []

    def stream():
        for a in make_articles(5):
            seen.append(len(list((writer.tmp / "data").glob("*.parquet"))))
            yield a

    with writer:
        writer.add_articles(stream())
        writer.abort()
    assert seen == [0, 0, 1, 1, 2]  # rows go to disk as they come, not at commit


# -- reproducibility --------------------------------------------------------------------------------

BUILD_SCRIPT = """
import sys; from pathlib import Path
sys.path.insert(0, sys.argv[2])
from test_publish import publish
publish(Path(sys.argv[1]), n=5)
"""


def test_same_records_give_byte_identical_files_and_manifest(tmp_path):
    a = publish(tmp_path / "one", n=5)
    env = {**os.environ, "PYTHONHASHSEED": "123"}  # another process, another hash seed
    subprocess.run([sys.executable, "-c", BUILD_SCRIPT, str(tmp_path / "two"), str(Path(__file__).parent)],
                   check=True, env=env, cwd=Path(__file__).parent.parent)
    b = tmp_path / "two" / "news" / "v1"
    ta, tb = tree(a), tree(b)
    assert list(ta) == list(tb)
    for name in ta:
        assert ta[name] == tb[name], name
    assert str(tmp_path) not in ta["manifest.json"].decode() + ta["README.md"].decode()


def test_changing_config_changes_the_fingerprint(tmp_path):
    m1 = json.loads((publish(tmp_path / "one") / "manifest.json").read_text())
    m2 = json.loads((publish(tmp_path / "two", config=CONFIG.with_(min_body_words=1)) / "manifest.json").read_text())
    assert m1["config_sha256"] != m2["config_sha256"] and m1["fingerprint"] != m2["fingerprint"]


def test_manifest_lists_every_file_inputs_and_counts(tmp_path):
    path = publish(tmp_path / "out")
    m = json.loads((path / "manifest.json").read_text())
    on_disk = sorted(p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file())
    assert [f["path"] for f in m["files"]] == [p for p in on_disk if p != "manifest.json"]
    card = next(f for f in m["files"] if f["path"] == "README.md")
    assert card["rows"] is None and card["bytes"] == (path / "README.md").stat().st_size
    assert m["inputs"] == [{"path": "inputs/../feed.jsonl", "sha256": SHA}]
    assert m["counts"]["balanced"] is True and m["counts"]["published"] == 3
    assert m["name"] == "news" and m["version"] == "v1" and m["parent"] is None
    assert m["tool"] == {"name": "news-cleaner", "version": "0.1.0"} and m["rules_version"] == "rules-1"
    assert m["config"] == CONFIG.to_dict() and m["config_sha256"] == CONFIG.fingerprint()
    assert m["stats"] == {"seconds_reading": 0}


# -- verify -------------------------------------------------------------------------------------------

def test_verify_passes_on_a_fresh_version(tmp_path):
    assert verify(publish(tmp_path / "out")) == []


def _flip_byte(p: Path) -> None:
    data = bytearray(p.read_bytes())
    data[len(data) // 2] ^= 0xFF
    p.write_bytes(bytes(data))


def _truncate(p: Path) -> None:
    p.write_bytes(p.read_bytes()[:-10])


@pytest.mark.parametrize("damage, expected", [
    (_flip_byte, "data/train-00000-of-00002.parquet: sha256 mismatch"),
    (_truncate, "data/train-00000-of-00002.parquet: size "),
    (Path.unlink, "data/train-00000-of-00002.parquet: missing"),
])
def test_verify_names_the_damaged_file(tmp_path, damage, expected):
    path = publish(tmp_path / "out")
    damage(path / "data" / "train-00000-of-00002.parquet")
    problems = verify(path)
    assert len(problems) == 1 and problems[0].startswith(expected), problems


def test_verify_reports_a_flipped_byte_in_the_card(tmp_path):
    path = publish(tmp_path / "out")
    _flip_byte(path / "README.md")
    assert verify(path) == ["README.md: sha256 mismatch"]


def test_verify_reports_an_extra_file(tmp_path):
    path = publish(tmp_path / "out")
    (path / "removals" / "foo.txt").write_text("hi")
    assert verify(path) == ["extra file not in manifest: removals/foo.txt"]


@pytest.mark.parametrize("content", [None, "{not json", '{"files": 3}'])
def test_verify_reports_an_unreadable_manifest(tmp_path, content):
    path = publish(tmp_path / "out")
    if content is None:
        (path / "manifest.json").unlink()
    else:
        (path / "manifest.json").write_text(content)
    problems = verify(path)
    assert len(problems) == 1 and problems[0].startswith("manifest.json: unreadable"), problems


def test_verify_reports_an_edited_fingerprint(tmp_path):
    path = publish(tmp_path / "out")
    m = json.loads((path / "manifest.json").read_text())
    m["fingerprint"] = "0" * 64
    (path / "manifest.json").write_text(json.dumps(m))
    assert verify(path) == ["manifest.json: fingerprint does not match the listed files"]


# -- versions -----------------------------------------------------------------------------------------

def test_publishing_to_an_existing_version_raises_and_leaves_it_unchanged(tmp_path):
    path = publish(tmp_path, version="v1")
    before = tree(path)
    with pytest.raises(VersionExistsError, match="already exists") as err:
        publish(tmp_path, n=5, version="v1")
    assert isinstance(err.value, FileExistsError) and err.value.filename == str(path)
    assert tree(path) == before
    assert [p.name for p in (tmp_path / "news").iterdir() if p.is_dir() and not p.is_symlink()] == ["v1"]


def test_a_version_published_while_building_is_not_overwritten(tmp_path):
    with VersionWriter(tmp_path, "news", "v1", CONFIG, tool_version="0.1.0", rules_version="r") as w:
        w.add_articles(make_articles(1))
        first = publish(tmp_path, version="v1")  # another run wins the race
        before = tree(first)
        with pytest.raises(VersionExistsError):
            w.commit(Ledger(inputs=1, published=1))
    assert tree(first) == before
    assert [p.name for p in (tmp_path / "news").iterdir() if p.is_dir() and not p.is_symlink()] == ["v1"]


@pytest.mark.parametrize("name", ["../x", "/abs", "a/b", "", ".hidden", "a b", "x" * 101, "a\\b"])
def test_bad_names_raise_value_error(tmp_path, name):
    with pytest.raises(ValueError, match="dataset name"):
        VersionWriter(tmp_path, name, None, CONFIG, tool_version="0", rules_version="r")
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("version", ["../x", "/abs", "a/b", "", ".tmp-v1", "..", "v 1", "v" * 65])
def test_bad_versions_raise_value_error(tmp_path, version):
    with pytest.raises(ValueError, match="version"):
        VersionWriter(tmp_path, "news", version, CONFIG, tool_version="0", rules_version="r")
    assert not any(tmp_path.iterdir())


def test_name_is_lowercased(tmp_path):
    assert publish(tmp_path, name="World-News").parent.name == "world-news"


def test_versions_number_up_from_v1_and_latest_is_the_highest(tmp_path):
    assert latest_version(tmp_path, "news") is None and next_version(tmp_path, "news") == "v1"
    assert publish(tmp_path).name == "v1"
    assert publish(tmp_path).name == "v2"
    publish(tmp_path, version="v10")
    assert latest_version(tmp_path, "news") == "v10"
    assert publish(tmp_path).name == "v11"
    publish(tmp_path, version="2024.06")  # a named version does not disturb the numbering
    assert next_version(tmp_path, "news") == "v12"


def test_stale_tmp_folder_from_a_killed_run_does_not_break_the_next_run(tmp_path):
    stale = tmp_path / "news" / ".tmp-v1-99999-abcd"
    (stale / "data").mkdir(parents=True)
    (stale / "data" / "part-00000.parquet").write_bytes(b"half written")
    assert latest_version(tmp_path, "news") is None
    path = publish(tmp_path)
    assert path.name == "v1" and verify(path) == []
    assert latest_version(tmp_path, "news") == "v1"


def test_parent_is_recorded_in_manifest_and_card(tmp_path):
    publish(tmp_path)
    with VersionWriter(tmp_path, "news", None, CONFIG, parent="v1", tool_version="0", rules_version="r") as w:
        path = w.commit(Ledger())
    assert json.loads((path / "manifest.json").read_text())["parent"] == "v1"
    assert "| parent | v1 |" in (path / "README.md").read_text()


# -- failure leaves nothing visible -----------------------------------------------------------------------

def test_a_writer_aborted_by_an_exception_leaves_no_version(tmp_path):
    with pytest.raises(RuntimeError, match="boom"):
        with VersionWriter(tmp_path, "news", None, CONFIG, tool_version="0", rules_version="r") as w:
            w.add_articles(make_articles(3))
            raise RuntimeError("boom")
    assert list((tmp_path / "news").iterdir()) == []
    assert latest_version(tmp_path, "news") is None


def test_a_ledger_that_disagrees_with_the_rows_publishes_nothing(tmp_path):
    with VersionWriter(tmp_path, "news", None, CONFIG, tool_version="0", rules_version="r") as w:
        w.add_articles(make_articles(3))
        with pytest.raises(ValueError, match="ledger says 2 for 'default' but 3 rows"):
            w.commit(Ledger(inputs=2, published=2))
    assert list((tmp_path / "news").iterdir()) == []


def test_writer_refuses_records_after_commit(tmp_path):
    with VersionWriter(tmp_path, "news", None, CONFIG, tool_version="0", rules_version="r") as w:
        w.commit(Ledger())
        with pytest.raises(RuntimeError, match="committed"):
            w.add_articles(make_articles(1))


def test_unknown_duplicate_kind_is_refused(tmp_path):
    with VersionWriter(tmp_path, "news", None, CONFIG, tool_version="0", rules_version="r") as w:
        with pytest.raises(ValueError, match="feed.jsonl:10: duplicate kind 'fuzzy'"):
            w.add_duplicates([Duplicate("x", Source("feed.jsonl", SHA, 10, "jsonl"), "y", 0.5, "fuzzy")])


# -- the card -------------------------------------------------------------------------------------------

def _front_matter(path: Path) -> tuple[dict, str]:
    text = (path / "README.md").read_text()
    assert text.startswith("---\n")
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front), body


def test_card_front_matter_parses_and_counts_match(tmp_path):
    path = publish(tmp_path / "out", n=5)
    header, body = _front_matter(path)
    configs = {c["config_name"]: c for c in header["configs"]}
    assert list(configs) == ["default", "removals", "quarantine", "duplicates"]
    assert configs["default"]["default"] is True
    assert configs["removals"]["data_files"] == [{"split": "train", "path": "removals/train-*.parquet"}]
    examples = {i["config_name"]: i["splits"][0]["num_examples"] for i in header["dataset_info"]}
    assert examples == {"default": 5, "removals": 9, "quarantine": 1, "duplicates": 1}
    features = {f["name"]: f for f in header["dataset_info"][0]["features"]}
    assert features["authors"] == {"name": "authors", "sequence": "string"}
    assert header["language"] == ["en"]
    assert "| inputs | 7 |" in body and "| published | 5 |" in body and "| duplicates | 1 |" in body
    assert "7 = 5 + 1 + 1; the ledger balances" in body
    assert "| newsletter | 4 |" in body and "| json | 1 |" in body
    assert 'datasets.load_dataset("path/to/news/v1", "removals")' in body
    assert 'pd.read_parquet("path/to/news/v1/data")' in body
    assert json.loads((path / "manifest.json").read_text())["fingerprint"] in body


def test_card_says_when_the_ledger_does_not_balance(tmp_path):
    with VersionWriter(tmp_path, "news", None, CONFIG, tool_version="0", rules_version="r") as w:
        w.add_articles(make_articles(1))
        path = w.commit(Ledger(inputs=4, published=1))
    _, body = _front_matter(path)
    assert "4 != 1 + 0 + 0; the ledger DOES NOT balance" in body
    assert json.loads((path / "manifest.json").read_text())["counts"]["balanced"] is False


# -- shards written by workers ------------------------------------------------------------------------

def _staged(work: Path, index: int, articles: list[Article], config: CleanerConfig = CONFIG) -> None:
    import pyarrow as pa
    from cleaner.publish.staging import StagedShard
    schema = pa.schema([("seq", pa.int64()), ("id", pa.string())])
    with StagedShard(work, index, config, schema) as staged:
        for a in articles:
            staged.add_article(a, {"id": a.id})
        staged.commit({"shard": index})


def test_shards_written_by_workers_are_adopted_in_order_and_named_of_n(tmp_path):
    from cleaner.publish.staging import publish_shard, staged_summary
    work = tmp_path / "work"
    work.mkdir()
    arts = make_articles(5)
    _staged(work, 0, arts[:3])
    _staged(work, 1, arts[3:])
    assert staged_summary(work, 1) == {"shard": 1} and staged_summary(work, 2) is None
    with VersionWriter(tmp_path / "out", "news", None, CONFIG, tool_version="0", rules_version="r") as w:
        # shard 1 is written first (workers finish in any order) but adopted second
        second = publish_shard(work, 1, w.tmp, {}, CONFIG)
        first = publish_shard(work, 0, w.tmp, {1: ("art-0", 1.0, "exact")}, CONFIG)
        for result in (first, second):
            for cfg, pieces in result["pieces"].items():
                w.add_shards(cfg, pieces)
        assert first["published"] == 2 and first["duplicates"] == 1
        assert first["removals_by_category"] == {"ad": 2, "newsletter": 1}  # art-1's two removals left out
        path = w.commit(Ledger(inputs=5, published=4, duplicates=1))
    assert sorted(p.name for p in (path / "data").iterdir()) == [f"train-0000{i}-of-00002.parquet" for i in range(2)]
    assert pd.read_parquet(path / "data")["id"].tolist() == ["art-0", "art-2", "art-3", "art-4"]
    dups = pd.read_parquet(path / "duplicates")
    assert dups["id"].tolist() == ["art-1"] and dups["duplicate_of"].tolist() == ["art-0"]
    assert "art-1" not in set(pd.read_parquet(path / "removals")["article_id"])
    assert verify(path) == []


def test_a_staged_shard_left_without_commit_leaves_no_done_marker(tmp_path):
    import pyarrow as pa
    from cleaner.publish.staging import StagedShard, staged_summary
    with pytest.raises(RuntimeError):
        with StagedShard(tmp_path, 0, CONFIG, pa.schema([("seq", pa.int64())])) as staged:
            staged.add_article(make_articles(1)[0], {})
            raise RuntimeError("killed")
    assert staged_summary(tmp_path, 0) is None and list(tmp_path.iterdir()) == []


def test_extra_files_are_in_the_manifest_and_verified(tmp_path):
    with VersionWriter(tmp_path, "news", None, CONFIG, tool_version="0", rules_version="r") as w:
        w.extra_file("dedup/entries.parquet").write_bytes(b"signatures")
        w.add_extra_file("dedup/entries.parquet", 3)
        with pytest.raises(ValueError):
            w.extra_file("../escape")
        with pytest.raises(ValueError):
            w.extra_file("data/x.parquet")
        path = w.commit(Ledger())
    entry = next(f for f in json.loads((path / "manifest.json").read_text())["files"]
                 if f["path"] == "dedup/entries.parquet")
    assert entry["rows"] == 3 and entry["bytes"] == 10
    _flip_byte(path / "dedup" / "entries.parquet")
    assert verify(path) == ["dedup/entries.parquet: sha256 mismatch"]
