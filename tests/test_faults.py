"""Faults: a `cleaner run` killed at any point leaves no partial version visible, the next run
succeeds, and `cleaner verify` names whatever was damaged in a published version.

The kill test starts `python -m cleaner run` in its own process group and SIGKILLs the group (the
run and its workers, as a crash or an out-of-memory kill would) at chosen moments: while shards are
staged, as soon as the first Parquet file exists, while the version is assembled in its temporary
folder, right after its manifest is written (just before the rename), and at random times. After
each kill every visible version must verify; at the end a run with the same arguments completes,
and every version published along the way holds the same bytes.
"""
from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cleaner.cli import app
from cleaner.executors import InlineExecutor
from cleaner.pipeline import build
from cleaner.publish.manifest import verify
from tests.conftest import SAMPLES

runner = CliRunner()
NAME = "faults"


def _corpus(folder: Path, files: int = 8, per_file: int = 25, seed: int = 8) -> None:
    """JSONL feeds of distinct articles made of real sentences from the shipped samples."""
    rng = random.Random(seed)
    sentences = []
    for p in sorted(SAMPLES.glob("*.txt")):
        for line in p.read_text(encoding="utf-8").splitlines():
            sentences += [s for s in re.split(r"(?<=[.!?])\s+", line) if len(s.split()) >= 8 and s[-1] in '.!?"']
    folder.mkdir(parents=True)
    for f in range(files):
        with open(folder / f"feed-{f:03d}.jsonl", "w", encoding="utf-8") as out:
            for r in range(per_file):
                paras = [" ".join(rng.sample(sentences, 3)) for _ in range(4)]
                out.write(json.dumps({"id": f"a{f}-{r}", "title": f"Report {f}-{r}: {rng.choice(sentences)[:60]}",
                                      "text": "\n\n".join(paras)}) + "\n")


def _visible_versions(out: Path) -> list[Path]:
    base = out / NAME
    return sorted(p for p in base.iterdir() if not p.name.startswith(".") and p.is_dir() and not p.is_symlink()) \
        if base.is_dir() else []   # the versions; latest, LATEST, README.md and versions.json are the index


def _any(base: Path, pattern: str) -> bool:
    return base.is_dir() and next(base.glob(pattern), None) is not None


# When to kill: a test on the output folder (polled every few ms), or a delay after the start.
TRIGGERS = {
    "while staging shards": lambda base: _any(base, ".work-*"),
    "at the first Parquet file": lambda base: _any(base, ".work-*/**/*.parquet") or _any(base, ".tmp-*/**/*.parquet"),
    "while assembling the version": lambda base: _any(base, ".tmp-*/*"),
    "after the manifest, before the rename": lambda base: _any(base, ".tmp-*/manifest.json"),
}


def _run_and_kill(args: list[str], cwd: Path, base: Path, trigger, delay: float, log: Path) -> str:
    """Start a run; kill its process group when `trigger(base)` holds (then after `delay` more
    seconds), or at `delay` seconds when `trigger` is None. Returns "killed" or "finished"."""
    with open(log, "ab") as sink:
        proc = subprocess.Popen(args, cwd=cwd, stdout=sink, stderr=sink, start_new_session=True)
    try:
        start = time.monotonic()
        while proc.poll() is None and time.monotonic() - start < 120:
            if trigger is None or trigger(base):
                time.sleep(delay)
                break
            time.sleep(0.002)
        if proc.poll() is not None:
            return "finished"
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        return "killed"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


def _assert_every_visible_version_verifies(out: Path) -> None:
    for version in _visible_versions(out):
        assert verify(version) == [], (version, verify(version))


def test_a_run_killed_at_any_point_leaves_no_partial_version_and_the_next_run_succeeds(tmp_path):
    corpus, out, work = tmp_path / "in", tmp_path / "out", tmp_path / "cwd"
    _corpus(corpus)
    work.mkdir()
    args = [sys.executable, "-m", "cleaner", "run", str(corpus), "--out", str(out), "--name", NAME]
    base, log = out / NAME, tmp_path / "runs.log"
    rng = random.Random(int(os.environ.get("FAULT_SEED", "8")))
    plan = [(label, trigger, rng.uniform(0, 0.2)) for label, trigger in TRIGGERS.items()]
    plan.append(("at a random time", None, rng.uniform(1.0, 3.0)))
    outcomes = {}
    for label, trigger, delay in plan:
        outcomes[label] = _run_and_kill(args, work, base, trigger, delay, log)
        _assert_every_visible_version_verifies(out)
        for version in _visible_versions(out):
            assert (version / "manifest.json").is_file()
    print(outcomes)
    assert list(outcomes.values()).count("killed") >= 3, outcomes   # the kills did land mid-run

    final = subprocess.run(args, cwd=work, capture_output=True, text=True, timeout=300)
    assert final.returncode in (0, 1), final.stderr[-3000:]          # 1: some records quarantined
    versions = _visible_versions(out)
    assert versions, final.stdout[-2000:]
    _assert_every_visible_version_verifies(out)
    manifests = [json.loads((v / "manifest.json").read_text(encoding="utf-8")) for v in versions]
    assert all(m["counts"]["balanced"] and m["counts"]["inputs"] == 200 for m in manifests)
    parquet = [{f["path"]: f["sha256"] for f in m["files"] if f["path"].endswith(".parquet")} for m in manifests]
    assert all(p == parquet[0] for p in parquet), "every version of the same inputs holds the same data bytes"
    assert sorted(p.name for p in work.iterdir()) == [], "nothing is written outside the output folder"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cwd", "in", "out", "runs.log"]


# --- cleaner verify names what was damaged ------------------------------------------------------------

@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    path, _ = build([SAMPLES], tmp_path_factory.mktemp("out"), "news", "v1", executor=InlineExecutor())
    return path


@pytest.fixture
def version(published, tmp_path) -> Path:
    """A fresh copy of a published version, to damage."""
    return Path(shutil.copytree(published, tmp_path / "v1"))


def _verify(path: Path):
    result = runner.invoke(app, ["verify", str(path)])
    return result.exit_code, result.output


def _a_parquet(version: Path) -> Path:
    return sorted((version / "data").glob("*.parquet"))[0]


def test_verify_names_a_flipped_byte(version):
    target = _a_parquet(version)
    data = bytearray(target.read_bytes())
    data[len(data) // 3] ^= 0x01
    target.write_bytes(bytes(data))
    code, output = _verify(version)
    assert code == 1 and f"{target.relative_to(version).as_posix()}: sha256 mismatch" in output


def test_verify_names_a_truncated_file(version):
    target = _a_parquet(version)
    target.write_bytes(target.read_bytes()[:100])
    code, output = _verify(version)
    assert code == 1 and f"{target.relative_to(version).as_posix()}: size 100 != " in output


def test_verify_names_a_missing_file(version):
    target = version / "removals" / sorted(p.name for p in (version / "removals").iterdir())[0]
    target.unlink()
    code, output = _verify(version)
    assert code == 1 and f"removals/{target.name}: missing" in output


def test_verify_names_an_extra_file(version):
    (version / "data" / "notes.txt").write_text("added later")
    code, output = _verify(version)
    assert code == 1 and "extra file not in manifest: data/notes.txt" in output


def test_verify_passes_an_untouched_version_and_exits_2_for_no_version(version, tmp_path):
    assert _verify(version)[0] == 0
    assert _verify(tmp_path / "nothing-here")[0] == 2
