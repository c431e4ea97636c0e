"""The whole job through the CLI: run, clean, verify on the shipped samples and on bad input."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from cleaner.cli import app
from cleaner.publish.manifest import verify
from tests.conftest import SAMPLES

runner = CliRunner()


@pytest.fixture(scope="module")
def sample_build(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    result = runner.invoke(app, ["run", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out / "news-sample" / "v1"


def _manifest(version: Path) -> dict:
    return json.loads((version / "manifest.json").read_text(encoding="utf-8"))


def test_run_without_inputs_publishes_the_sample_corpus_as_news_sample_v1(sample_build):
    assert sample_build.is_dir()
    for folder in ("data", "removals", "quarantine", "duplicates"):
        assert list((sample_build / folder).glob("train-*.parquet")), folder
    assert verify(sample_build) == []


def test_counts_add_up_in_the_manifest_and_the_card(sample_build):
    counts = _manifest(sample_build)["counts"]
    assert counts["inputs"] == counts["published"] + counts["quarantined"] + counts["duplicates"]
    assert counts["inputs"] == 10  # 5 seeds, 1 HTML page, 3 JSONL records, 1 gzipped JSONL record
    assert len(pd.read_parquet(sample_build / "data")) == counts["published"]
    assert len(pd.read_parquet(sample_build / "duplicates")) == counts["duplicates"]
    assert len(pd.read_parquet(sample_build / "quarantine")) == counts["quarantined"]
    card = (sample_build / "README.md").read_text(encoding="utf-8")
    for key in ("inputs", "published", "quarantined", "duplicates"):
        assert f"| {key} | {counts[key]:,} |" in card, key
    assert (f"{counts['inputs']} = {counts['published']} + {counts['quarantined']} + {counts['duplicates']}; "
            "the ledger balances") in card


def test_the_wire_copy_is_reported_as_a_duplicate_of_the_original(sample_build):
    dups = pd.read_parquet(sample_build / "duplicates")
    arts = pd.read_parquet(sample_build / "data")
    assert list(dups["id"]) == ["wire-0002-copy"]
    assert dups["duplicate_of"].iloc[0] == "wire-0002"
    assert "wire-0002" in set(arts["id"])


def test_load_dataset_gives_back_every_published_article_and_its_removals(sample_build):
    datasets = pytest.importorskip("datasets")
    arts = datasets.load_dataset(str(sample_build), split="train")
    frame = pd.read_parquet(sample_build / "data")
    assert arts.num_rows == len(frame) == 9
    assert sorted(arts["title"]) == sorted(frame["title"])
    assert "Harbour ferry service to resume after winter repairs" in arts["title"]
    removals = datasets.load_dataset(str(sample_build), "removals", split="train")
    assert set(removals["article_id"]) <= set(arts["id"])
    assert {"caption", "credit", "byline"} <= set(removals["category"])


def test_html_and_jsonl_samples_get_their_metadata(sample_build):
    frame = pd.read_parquet(sample_build / "data").set_index("id")
    html = frame[frame["source_format"] == "html"].iloc[0]
    assert list(html["authors"]) == ["Maren Holt", "Tomas Reyes"]
    assert html["published"] == "2024-03-14"
    assert html["site_name"] == "The Coastal Gazette"
    assert html["subtitle"].startswith("The town’s only passenger ferry")
    # the standfirst reads as the story's first paragraph: it is the subtitle and stays in the text, once
    assert html["text"].startswith(html["subtitle"]) and html["text"].count(html["subtitle"]) == 1
    wire = frame.loc["wire-0001"]
    assert wire["published"] == "2023-11-08" and list(wire["authors"]) == ["Lucia Ferro"]


def test_two_builds_of_the_same_inputs_are_byte_identical(tmp_path):
    for out in ("a", "b"):
        result = runner.invoke(app, ["run", str(SAMPLES), "--out", str(tmp_path / out), "--name", "x", "--version", "v1"])
        assert result.exit_code == 0, result.output
    a, b = tmp_path / "a" / "x" / "v1", tmp_path / "b" / "x" / "v1"
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    for rel in files:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


def test_a_second_run_publishes_the_next_version_and_an_existing_one_is_refused(tmp_path):
    args = ["run", str(SAMPLES / "006_wire_feed.jsonl"), "--out", str(tmp_path), "--name", "wire"]
    assert runner.invoke(app, args).exit_code == 0
    assert runner.invoke(app, args).exit_code == 0
    assert sorted(p.name for p in (tmp_path / "wire").iterdir() if p.is_dir() and not p.is_symlink()) == ["v1", "v2"]
    refused = runner.invoke(app, args + ["--version", "v1"])
    assert refused.exit_code == 2
    assert "v1" in refused.output and "exist" in refused.output


def test_bad_records_are_quarantined_with_file_line_and_reason_and_the_run_goes_on(tmp_path):
    feed = tmp_path / "feed.jsonl"
    good = {"id": "ok", "title": "Bridge to close", "text": "The council voted on Tuesday to close the old bridge "
            "for repairs next spring, after engineers found cracks in two of its stone arches."}
    feed.write_text("\n".join([json.dumps(good), "{not json", json.dumps({"title": "no text"}),
                               json.dumps({"id": "short", "title": "Short", "text": "Too short to publish."})]) + "\n")
    result = runner.invoke(app, ["run", str(feed), "--out", str(tmp_path / "out"), "--name", "feed"])
    assert result.exit_code == 1, result.output
    version = tmp_path / "out" / "feed" / "v1"
    q = pd.read_parquet(version / "quarantine").set_index("source_index")
    assert set(q.index) == {2, 3, 4}
    assert q.loc[2, "stage"] == "read" and q.loc[2, "raw"] == "{not json"
    assert "text" in " ".join(q.loc[3, "reasons"])
    assert list(q.loc[4, "checks"]) == ["body_long_enough"]
    counts = _manifest(version)["counts"]
    assert (counts["inputs"], counts["published"], counts["quarantined"]) == (4, 1, 3)


def test_missing_input_is_a_usage_error_naming_the_path(tmp_path):
    result = runner.invoke(app, ["run", str(tmp_path / "nope"), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "nope" in result.output


def test_clean_writes_one_record_a_line_with_the_fields_the_scorers_read(tmp_path):
    out = tmp_path / "clean.jsonl"
    result = runner.invoke(app, ["clean", str(SAMPLES), "-o", str(out)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 10
    for rec in records:
        assert {"id", "source_path", "title", "subtitle", "authors", "text", "removals"} <= rec.keys()
        for removal in rec["removals"]:
            assert {"category", "rule", "text", "line"} <= removal.keys()
    seed = next(r for r in records if r["source_path"].endswith("004_cc1dd7cb33792fb3.txt"))
    assert seed["authors"] == ["Hwang Chun-mei", "Rita Cheng"]


def test_clean_reads_gzipped_jsonl_with_an_html_field(tmp_path):
    src = tmp_path / "page.jsonl.gz"
    html = ("<html><head><title>Mayor opens new library</title></head><body><article><h1>Mayor opens new library</h1>"
            "<p>The mayor opened the new central library on Saturday, three years after the old one burned down, "
            "and thousands of residents queued to see it.</p><p>Share this article</p></article></body></html>")
    src.write_bytes(gzip.compress(json.dumps({"id": "lib-1", "html": html, "url": "https://example.org/lib"}).encode()))
    out = tmp_path / "clean.jsonl"
    assert runner.invoke(app, ["clean", str(src), "-o", str(out)]).exit_code == 0
    rec = json.loads(out.read_text(encoding="utf-8"))
    assert rec["id"] == "lib-1" and rec["title"] == "Mayor opens new library"
    assert rec["text"].startswith("The mayor opened the new central library")
    assert "Share this article" not in rec["text"]


def test_verify_exits_1_and_names_a_damaged_file(sample_build, tmp_path):
    import shutil
    copy = tmp_path / "v1"
    shutil.copytree(sample_build, copy)
    shard = next((copy / "data").glob("*.parquet"))
    data = bytearray(shard.read_bytes())
    data[len(data) // 2] ^= 0xFF
    shard.write_bytes(bytes(data))
    result = runner.invoke(app, ["verify", str(copy)])
    assert result.exit_code == 1
    assert shard.name in result.output


def test_rules_lists_every_rule_id():
    from cleaner.rules import RULES
    result = runner.invoke(app, ["rules"])
    assert result.exit_code == 0
    for rule in RULES:
        assert rule.id in result.output


def test_an_id_reused_with_another_body_is_quarantined_wherever_the_shard_boundaries_fall(tmp_path):
    from cleaner.pipeline import build
    body = ("The council voted on Tuesday to close the old bridge for repairs next spring, after engineers "
            "found cracks in two of its stone arches. ")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.jsonl").write_text(json.dumps({"id": "x", "title": "One", "text": body}) + "\n")
    (folder / "b.jsonl").write_text(json.dumps({"id": "x", "title": "Two", "text": "Another story. " + body}) + "\n"
                                    + json.dumps({"id": "y", "title": "Copy", "text": body}) + "\n")
    results = []
    for shard_bytes in (1, 1 << 20):  # every file its own shard, then one shard for all
        version, _ = build([folder], tmp_path / f"out{shard_bytes}", "ids", "v1", shard_bytes=shard_bytes)
        q = pd.read_parquet(version / "quarantine")
        assert list(q["checks"].map(list)) == [["id_unique"]]
        assert q["source_path"].iloc[0].endswith("b.jsonl") and q["source_index"].iloc[0] == 1
        assert "Another story." in q["raw"].iloc[0]
        counts = _manifest(version)["counts"]
        assert (counts["published"], counts["quarantined"], counts["duplicates"]) == (1, 1, 1)
        results.append(sorted(p.name for p in version.rglob("*.parquet")))
    assert results[0] == results[1]


def test_kept_entries_are_the_published_articles_sorted_by_id_in_any_slice_size(tmp_path, monkeypatch):
    """The version's dedup entries, written a slice at a time from many shards: one per published
    article, sorted by id, each the signature of the published text; a child version's file holds
    its parent's entries too, and the slice size changes no entry."""
    from cleaner import pipeline
    from cleaner.dedup import ENTRIES_FILE, load_entries, signature
    from cleaner.executors import InlineExecutor

    seen = []
    for slice_rows in (2, 1000):
        monkeypatch.setattr(pipeline, "KEPT_ENTRIES_SLICE", slice_rows)
        out = tmp_path / f"out{slice_rows}"
        v1, _ = pipeline.build([SAMPLES], out, "ds", "v1", executor=InlineExecutor(), shard_bytes=1)
        entries = load_entries(v1 / ENTRIES_FILE)
        data = pd.read_parquet(v1 / "data")
        assert [e.id for e in entries] == sorted(data["id"])
        texts = dict(zip(data["id"], data["text"]))
        assert all((e.signature == signature(texts[e.id])).all() for e in entries)
        extra = tmp_path / f"extra{slice_rows}"
        extra.mkdir()
        (extra / "new.jsonl").write_text(json.dumps({"id": "0-new", "title": "New", "text": (
            "The harbour ferry will run every twenty minutes from April, the council said on Monday, "
            "after a year in which the service was cut to one boat an hour.")}) + "\n")
        v2, _ = pipeline.build([extra], out, "ds", "v2", parent="v1", executor=InlineExecutor())
        child = [e.id for e in load_entries(v2 / ENTRIES_FILE)]
        assert child == sorted([e.id for e in entries] + ["0-new"])
        seen.append([(e.id, e.exact_key, e.length, e.signature.tobytes()) for e in load_entries(v2 / ENTRIES_FILE)])
    assert seen[0] == seen[1]
