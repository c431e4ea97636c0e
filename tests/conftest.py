"""Shared fixtures: paths to the seed corpus and the benchmarks in ../shared (tests may read it)."""
from __future__ import annotations

import json
import os
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
