"""Scale: the same bytes whatever runs the shards (1 or 2 local workers, a Dask LocalCluster), and a killed run resumes."""
from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from cleaner import pipeline
from cleaner.cli import app
from cleaner.executors import DaskExecutor, InlineExecutor, LocalExecutor
from cleaner.publish.manifest import verify
from tests.conftest import ROOT, SAMPLES

SHARD_BYTES = 40_000  # small shards, so a small corpus is cut into several


def _bench_module():
    spec = importlib.util.spec_from_file_location("bench_speed", ROOT / "scripts" / "bench_speed.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """About 200 kB of varied records in 10 JSONL files, plus the shipped samples (which hold a duplicate)."""
    root = tmp_path_factory.mktemp("corpus")
    _bench_module().synthetic_corpus(root / "synthetic", 200_000, file_bytes=20_000)
    samples = root / "samples"
    samples.mkdir()
    for p in SAMPLES.iterdir():
        (samples / p.name).write_bytes(p.read_bytes())
    return root


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _build(corpus: Path, out: Path, executor, **kw) -> Path:
    path, _ = pipeline.build([corpus], out, "news", "v1", executor=executor, shard_bytes=SHARD_BYTES, **kw)
    return path


@pytest.fixture(scope="module")
def inline_build(corpus, tmp_path_factory) -> Path:
    return _build(corpus, tmp_path_factory.mktemp("inline"), InlineExecutor())


def test_corpus_is_cut_into_several_shards(corpus, inline_build):
    shards, _ = pipeline.plan_shards([corpus], SHARD_BYTES)
    assert len(shards) >= 5
    manifest = json.loads((inline_build / "manifest.json").read_text())
    assert manifest["stats"]["input_shards"] == len(shards)
    counts = manifest["counts"]
    assert counts["balanced"] and counts["duplicates"] >= 1 and counts["published"] > 50
    assert verify(inline_build) == []


def test_two_local_workers_give_the_same_bytes_as_one(corpus, inline_build, tmp_path):
    one = _build(corpus, tmp_path / "one", LocalExecutor(1))
    two = _build(corpus, tmp_path / "two", LocalExecutor(2))
    reference = tree(inline_build)
    assert tree(one) == reference
    assert tree(two) == reference


def test_dask_local_cluster_gives_the_same_bytes_as_the_local_executor(corpus, inline_build, tmp_path):
    pytest.importorskip("distributed")
    path = _build(corpus, tmp_path / "dask", DaskExecutor(None, 2))
    assert tree(path) == tree(inline_build)


def test_published_rows_are_in_input_order_and_duplicates_left_out(corpus, inline_build):
    data = pd.read_parquet(inline_build / "data")
    dups = pd.read_parquet(inline_build / "duplicates")
    # What a single streaming pass gives: every article, in input order, less the duplicates.
    streamed = [o for o in pipeline.checked_records([corpus]) if type(o).__name__ == "Article"]
    assert list(data["id"]) == [a.id for a in streamed if a.id not in set(dups["id"])]
    assert set(dups["duplicate_of"]) <= set(data["id"])
    removals = pd.read_parquet(inline_build / "removals")
    assert set(removals["article_id"]) <= set(data["id"])


KILL_SCRIPT = """
import os, signal, sys
from pathlib import Path
from cleaner import pipeline
from cleaner.publish import staging
from cleaner.executors import InlineExecutor

real_add = staging.StagedShard.add_article
def add_article(self, article, entry):
    if self.final.name == "shard-00003":  # killed in the middle of the fourth shard
        os.kill(os.getpid(), signal.SIGKILL)
    return real_add(self, article, entry)
staging.StagedShard.add_article = add_article
pipeline.build([sys.argv[1]], sys.argv[2], "news", "v1", executor=InlineExecutor(), shard_bytes=int(sys.argv[3]))
"""


def test_a_killed_run_restarted_redoes_only_unfinished_shards_and_ends_with_the_same_bytes(
        corpus, inline_build, tmp_path):
    out = tmp_path / "out"
    killed = subprocess.run([sys.executable, "-c", KILL_SCRIPT, str(corpus), str(out), str(SHARD_BYTES)],
                            cwd=ROOT, capture_output=True)
    assert killed.returncode == -9, killed.stderr.decode()
    assert not (out / "news" / "v1").exists()
    work = [p for p in (out / "news").iterdir() if p.name.startswith(".work-")]
    assert len(work) == 1
    assert sorted(p.name for p in work[0].glob("shard-*")) == ["shard-00000", "shard-00001", "shard-00002"]
    assert list(work[0].glob(".shard-00003-*")), "the shard being written when killed is left half done"

    staged = []
    real_stage = pipeline.stage_shard

    def stage_shard(shard, *args, **kw):
        staged.append(shard.index)
        return real_stage(shard, *args, **kw)

    pipeline.stage_shard = stage_shard
    try:
        events: list[tuple[str, int]] = []
        path, tally = pipeline.build([corpus], out, "news", "v1", executor=InlineExecutor(),
                                     shard_bytes=SHARD_BYTES, on_progress=lambda e, n: events.append((e, n)))
    finally:
        pipeline.stage_shard = real_stage
    n_shards = len(pipeline.plan_shards([corpus], SHARD_BYTES)[0])
    assert staged == list(range(3, n_shards))
    assert tally.resumed == 3 and ("resumed", 3) in events
    assert sum(n for e, n in events if e == "record") == tally.ledger.inputs
    assert tree(path) == tree(inline_build)
    assert verify(path) == []
    index = {"latest", "LATEST", "README.md", "versions.json", ".index.lock"}   # the dataset's index (publish.index)
    assert [p.name for p in (out / "news").iterdir() if not p.name.startswith(".tmp-") and p.name not in index] == ["v1"]


def test_changed_settings_do_not_reuse_staged_shards(corpus, tmp_path):
    shards, size = pipeline.plan_shards([corpus], SHARD_BYTES)
    a = pipeline.work_folder(tmp_path, "news", shards, size, pipeline.DEFAULT_CONFIG)
    b = pipeline.work_folder(tmp_path, "news", shards, size, pipeline.DEFAULT_CONFIG.with_(min_body_words=5))
    assert a != b and a == pipeline.work_folder(tmp_path, "news", shards, size, pipeline.DEFAULT_CONFIG)


def test_cli_workers_and_executor_options(corpus, tmp_path):
    runner = CliRunner()
    for workers in ("1", "2"):
        result = runner.invoke(app, ["run", str(corpus / "samples"), "--out", str(tmp_path / workers), "--name", "x",
                                     "--workers", workers, "--executor", "local"])
        assert result.exit_code == 0, result.output
    assert tree(tmp_path / "1" / "x" / "v1") == tree(tmp_path / "2" / "x" / "v1")
    bad = runner.invoke(app, ["run", str(corpus / "samples"), "--out", str(tmp_path), "--executor", "spark"])
    assert bad.exit_code == 2 and "spark" in bad.output
    bad = runner.invoke(app, ["run", str(corpus / "samples"), "--out", str(tmp_path), "--scheduler", "tcp://x:1"])
    assert bad.exit_code == 2 and "--executor dask" in bad.output


def test_clean_with_two_workers_writes_the_same_lines_in_the_same_order(corpus, tmp_path, monkeypatch):
    from cleaner import stream
    monkeypatch.setattr(stream, "SHARD_MIN_BYTES", SHARD_BYTES)  # several shards even for this small corpus
    assert len(stream.plan_shards([corpus])[0]) > 2
    runner = CliRunner()
    outs = []
    for workers in ("1", "2"):
        out = tmp_path / f"clean-{workers}.jsonl"
        result = runner.invoke(app, ["clean", str(corpus), "-o", str(out), "--workers", workers])
        assert result.exit_code == 0, result.output
        outs.append(out.read_bytes())
    assert outs[0] == outs[1] and outs[0].count(b"\n") > 50


def test_a_child_version_holds_its_parents_articles_once_and_publishes_only_the_new_ones(corpus, tmp_path):
    synthetic = sorted((corpus / "synthetic").glob("*.jsonl"))
    first, _ = pipeline.build(synthetic[:3], tmp_path, "news", "v1", executor=InlineExecutor())
    child, tally = pipeline.build(synthetic[:5], tmp_path, "news", "v2", parent="v1", executor=InlineExecutor())
    kept_before = set(pd.read_parquet(first / "data")["id"])
    dups = pd.read_parquet(child / "duplicates")
    assert set(dups["duplicate_of"]) <= kept_before and len(dups) >= len(kept_before)
    ids = list(pd.read_parquet(child / "data")["id"])
    assert len(ids) == len(set(ids)) and set(ids) >= kept_before          # a snapshot: the parent's articles, once
    assert tally.ledger.inherited == len(kept_before) and tally.ledger.published == len(ids) - len(kept_before)
    assert tally.ledger.balanced() and verify(child) == []
    # the child's entries carry the parent's too, so a grandchild dedups against both
    from cleaner.dedup import ENTRIES_FILE, load_entries
    assert {e.id for e in load_entries(child / ENTRIES_FILE)} >= kept_before
