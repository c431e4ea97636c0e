"""`cleaner diff OLD NEW`: articles added, removed and changed by id, removal counts, settings changes."""
from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from rich.console import Console

from cleaner.config import DEFAULT_CONFIG
from cleaner.diff import NotAVersion, diff_versions, print_diff
from cleaner.pipeline import build

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "cleaner" / "data" / "samples"


@pytest.fixture(scope="module")
def versions(tmp_path_factory) -> tuple[Path, Path]:
    """v1: four sample articles. v2: one dropped, one added, one edited, and a stricter setting."""
    tmp = tmp_path_factory.mktemp("diff")
    one, two = tmp / "in1", tmp / "in2"
    one.mkdir(), two.mkdir()
    names = sorted(p.name for p in SAMPLES.glob("00[0-3]_*.txt"))
    for n in names[:3]:
        shutil.copy(SAMPLES / n, one / n)
    shutil.copy(SAMPLES / names[3], one / names[3])
    shutil.copy(SAMPLES / names[0], two / names[0])                     # unchanged
    edited = (SAMPLES / names[1]).read_text(encoding="utf-8") + "\n\nSponsored Content\n"
    (two / names[1]).write_text(edited, encoding="utf-8")                # a new id: .txt ids hash the content
    shutil.copy(SAMPLES / names[2], two / names[2])                      # unchanged
    shutil.copy(SAMPLES / "004_cc1dd7cb33792fb3.txt", two / "004_cc1dd7cb33792fb3.txt")   # added
    v1, _ = build([one], tmp / "out", "news", "v1")
    v2, _ = build([two], tmp / "out", "news", "v2", DEFAULT_CONFIG.with_(min_body_words=25))
    return v1, v2


def test_articles_added_removed_and_unchanged_are_found_by_id(versions):
    v1, v2 = versions
    d = diff_versions(v1, v2)
    a = set(pq.read_table(v1 / "data", columns=["id"]).column("id").to_pylist())
    b = set(pq.read_table(v2 / "data", columns=["id"]).column("id").to_pylist())
    assert set(d.added) == b - a and set(d.removed) == a - b
    assert len(d.added) == 2 and len(d.removed) == 2     # the new file, and the edited one (its id is a content hash)
    assert d.unchanged == 2 and d.changed == {}


def test_an_edited_article_with_a_stable_id_is_changed_and_names_the_field(tmp_path):
    feed1, feed2 = tmp_path / "a" / "f.jsonl", tmp_path / "b" / "f.jsonl"
    feed1.parent.mkdir(), feed2.parent.mkdir()
    lines = (SAMPLES / "006_wire_feed.jsonl").read_text(encoding="utf-8").splitlines()
    rec = json.loads(lines[0])
    feed1.write_text(lines[0] + "\n", encoding="utf-8")
    rec["url"] = rec["url"] + "-updated"         # a field the cleaning of the body does not depend on
    feed2.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    v1, _ = build([feed1], tmp_path / "out", "news", "v1")
    v2, _ = build([feed2], tmp_path / "out", "news", "v2")
    d = diff_versions(v1, v2)
    assert d.changed == {rec["id"]: ["url"]} and not d.added and not d.removed
    assert d.settings == {}


def test_removal_counts_by_category_and_rule_come_with_deltas(versions):
    v1, v2 = versions
    d = diff_versions(*versions)
    m1 = json.loads((v1 / "manifest.json").read_text())["counts"]
    m2 = json.loads((v2 / "manifest.json").read_text())["counts"]
    for cat, (a, b) in d.categories.items():
        assert a == m1["removals_by_category"].get(cat, 0) and b == m2["removals_by_category"].get(cat, 0)
    assert set(d.rules) == set(m1["removals_by_rule"]) | set(m2["removals_by_rule"])
    assert d.counts["published"] == (m1["published"], m2["published"])


def test_changed_settings_are_named(versions):
    d = diff_versions(*versions)
    assert d.settings["config.min_body_words"] == (DEFAULT_CONFIG.min_body_words, 25)
    assert "config_sha256" in d.settings and "rules_version" not in d.settings


def test_a_version_against_itself_is_identical(versions):
    d = diff_versions(versions[0], versions[0])
    assert d.identical and d.unchanged > 0


def test_a_folder_without_manifest_is_refused(tmp_path, versions):
    with pytest.raises(NotAVersion):
        diff_versions(tmp_path, versions[0])


def test_printed_diff_shows_each_part(versions):
    console = Console(record=True, width=160, file=io.StringIO())
    print_diff(diff_versions(*versions), console)
    text = console.export_text()
    for part in ("Articles (matched by id)", "added", "removed", "Removals by category", "Removals by rule",
                 "config.min_body_words"):
        assert part in text


def test_cli_diff_prints_tables_or_json_and_refuses_a_non_version(versions, tmp_path):
    from typer.testing import CliRunner

    from cleaner.cli import app

    runner = CliRunner()
    v1, v2 = versions
    text = runner.invoke(app, ["diff", str(v1), str(v2)])
    assert text.exit_code == 0 and "Articles (matched by id)" in text.stdout
    as_json = json.loads(runner.invoke(app, ["diff", str(v1), str(v2), "--json"]).stdout)
    assert len(as_json["articles"]["added"]) == 2
    assert as_json["settings"]["config.min_body_words"]["new"] == 25
    assert runner.invoke(app, ["diff", str(tmp_path), str(v2)]).exit_code == 2
