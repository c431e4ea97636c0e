"""The build holds the removals and quarantine tables to their pandera schemas, not only the tests:
a table that breaks its contract is a bug, and the build stops with a message naming it."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, SAMPLES

from cleaner.executors import InlineExecutor
from cleaner.pipeline import build
from cleaner.publish import tables
from cleaner.validate import TableContractBroken

NASTY = ROOT / "tests" / "nasty"


def _inputs(tmp_path: Path) -> list[Path]:
    """Two seed samples (articles with removals) and an empty file (a quarantined record)."""
    folder = tmp_path / "in"
    folder.mkdir()
    for sample in sorted(SAMPLES.glob("*.txt"))[:2]:
        (folder / sample.name).write_bytes(sample.read_bytes())
    (folder / "empty.txt").write_bytes((NASTY / "empty.txt").read_bytes())
    return [folder]


def test_a_build_of_good_tables_publishes(tmp_path):
    path, tally = build(_inputs(tmp_path), tmp_path / "out", "news", executor=InlineExecutor())
    assert tally.ledger.quarantined == 1 and sum(tally.ledger.removals_by_category.values()) > 0
    assert path.is_dir()


def test_a_removal_outside_the_schema_stops_the_build_and_publishes_nothing(tmp_path, monkeypatch):
    real = tables.removal_columns  # what a shard's removals are staged from
    monkeypatch.setattr(tables, "removal_columns", lambda aid, rs: {**real(aid, rs), "category": ["weather"] * len(rs)})
    with pytest.raises(TableContractBroken, match=r"shard 0: the removals table breaks its contract "
                                                  r"\(schemas/removals.py RemovalSchema\).*category fails isin"):
        build(_inputs(tmp_path), tmp_path / "out", "news", executor=InlineExecutor())
    assert not (tmp_path / "out" / "news" / "v1").exists()


def test_a_quarantine_entry_without_a_reason_stops_the_build(tmp_path, monkeypatch):
    real = tables.quarantine_row
    monkeypatch.setattr(tables, "quarantine_row", lambda q: {**real(q), "reasons": []})
    with pytest.raises(TableContractBroken, match=r"the quarantine table breaks its contract.*reasons fails reasons_given"):
        build(_inputs(tmp_path), tmp_path / "out", "news", executor=InlineExecutor())
    assert not (tmp_path / "out" / "news" / "v1").exists()
