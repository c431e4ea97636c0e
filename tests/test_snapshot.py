"""`cleaner clean` writes the same bytes for every benchmark page as the pinned snapshot.

A refactor must not change any output; a deliberate change of behaviour updates the snapshot
(`python scripts/snapshot.py --update`) in the same commit, with the figures that justify it.
"""
from __future__ import annotations

import importlib.util
import json

from conftest import ROOT, needs_shared

spec = importlib.util.spec_from_file_location("snapshot", ROOT / "scripts" / "snapshot.py")
snapshot = importlib.util.module_from_spec(spec)
spec.loader.exec_module(snapshot)


@needs_shared
def test_clean_output_matches_the_snapshot_on_every_benchmark_page():
    pinned = json.loads(snapshot.SNAPSHOT.read_text(encoding="utf-8"))
    assert sum(map(len, pinned.values())) > 700
    changed = snapshot.changes(pinned, snapshot.snapshot())
    assert not changed, f"{len(changed)} pages changed:\n" + "\n".join(changed[:40])
