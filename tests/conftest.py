"""Shared fixtures: paths to the seed corpus and the benchmarks in ../shared (tests may read it)."""
from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import pytest
from hypothesis import settings

# CI runs the same examples every time (a red CI must mean the change broke something, not that a
# new random draw found an old bug); locally each run draws new ones and keeps failures in its database.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
# ../shared beside the checkout, or beside the folder of checkouts (a git worktree in wt/NAME)
SHARED = next((p / "shared" for p in (ROOT.parent, ROOT.parent.parent) if (p / "shared").is_dir()), ROOT.parent / "shared")
SEEDS = SHARED / "corpus" / "seeds"
SEED_GOLD = SHARED / "corpus" / "seeds.gold.jsonl"
SAMPLES = ROOT / "cleaner" / "data" / "samples"

needs_shared = pytest.mark.skipif(not SEED_GOLD.exists(), reason="../shared is not beside this checkout")


def load_gold() -> list[dict]:
    return [json.loads(line) for line in SEED_GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(autouse=True)
def _offline(monkeypatch):
    """No test may reach a hub: load_dataset works on local folders offline."""
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def s3_endpoint():
    """A local S3-compatible server (moto's server mode) on a free loopback port, for the whole run:
    `s3://` inputs and `--out` are tested against it as against a real bucket."""
    moto_server = pytest.importorskip("moto.server")
    pytest.importorskip("s3fs")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture()
def s3(s3_endpoint, monkeypatch, request):
    """`(s3fs filesystem, a new empty bucket named after the test)`, reached as a real bucket would be:
    through the standard environment (AWS_ENDPOINT_URL and test credentials)."""
    import s3fs

    for key, value in {"AWS_ENDPOINT_URL": s3_endpoint, "AWS_ACCESS_KEY_ID": "test",
                       "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(key, value)
    # fsspec caches filesystems by their arguments, not the environment: start from none.
    s3fs.S3FileSystem.clear_instance_cache()
    fs = s3fs.S3FileSystem()
    name = "b-" + "".join(c if c.isalnum() else "-" for c in request.node.name.lower())[:50].strip("-")
    fs.mkdir(name)
    return fs, name
