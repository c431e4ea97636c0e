"""Readers: every supported format, gzipped too, folders walked; fields mapped as the README says."""
from __future__ import annotations

import gzip
import json

from cleaner.read import iter_input_files, read_file
from cleaner.records import Article, Quarantined
from tests.conftest import SAMPLES

TEXT = "Bridge to close\n\nThe council voted on Tuesday to close the old bridge for repairs next spring.\n"


def _one(path):
    records = list(read_file(path))
    assert len(records) == 1, records
    return records[0]


def test_a_text_file_is_one_article_with_its_raw_text(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text(TEXT, encoding="utf-8")
    rec = _one(p)
    assert isinstance(rec, Article) and rec.content_type == "text"
    assert rec.raw.startswith("Bridge to close") and rec.source.index == 1 and len(rec.source.sha256) == 64


def test_a_gzipped_text_file_reads_like_the_plain_one(tmp_path):
    plain, packed = tmp_path / "a.txt", tmp_path / "b.txt.gz"
    plain.write_text(TEXT, encoding="utf-8")
    packed.write_bytes(gzip.compress(TEXT.encode()))
    assert _one(packed).raw == _one(plain).raw


def test_html_files_are_read_as_html(tmp_path):
    p = tmp_path / "page.htm"
    p.write_text("<html><body><p>Hello</p></body></html>", encoding="utf-8")
    assert _one(p).content_type == "html"


def test_jsonl_fields_are_mapped_and_unknown_ones_kept_in_extra():
    records = list(read_file(SAMPLES / "006_wire_feed.jsonl"))
    assert all(isinstance(r, Article) for r in records)
    first = records[0]
    assert first.id == "wire-0001" and first.title == "Drought cuts olive harvest for a second year"
    assert first.published == "2023-11-08" and first.authors == ["Lucia Ferro"]
    assert first.extra  # fields the reader does not know travel along
    assert [r.source.index for r in records] == [1, 2, 3]


def test_a_json_array_gives_one_record_per_element(tmp_path):
    p = tmp_path / "feed.json"
    p.write_text(json.dumps([{"id": "x", "text": "one"}, {"id": "y", "text": "two", "section": "city"}]))
    records = list(read_file(p))
    assert [r.id for r in records] == ["x", "y"]
    assert records[1].extra == {"section": "city"}


def test_a_jsonl_record_with_html_is_read_as_html():
    rec = _one(SAMPLES / "007_wire_html.jsonl.gz")
    assert isinstance(rec, Article) and rec.content_type == "html"


def test_a_record_without_text_is_quarantined_with_line_and_reason(tmp_path):
    p = tmp_path / "feed.jsonl"
    p.write_text('{"id": "a", "text": "fine"}\n{"id": "b", "title": "no body"}\n')
    ok, bad = list(read_file(p))
    assert isinstance(ok, Article) and isinstance(bad, Quarantined)
    assert bad.source.index == 2 and bad.stage == "read"
    assert bad.message.startswith(f"{p}:2: ")


def test_folders_are_walked_files_first_then_subfolders_sorted_and_other_files_skipped(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text(TEXT)
    (tmp_path / "a.jsonl").write_text('{"text": "x"}\n')
    (tmp_path / "notes.md").write_text("not an input")
    (tmp_path / "z.html.gz").write_bytes(gzip.compress(b"<p>x</p>"))
    assert [p.relative_to(tmp_path).as_posix() for p in iter_input_files([tmp_path])] == [
        "a.jsonl", "z.html.gz", "b/2.txt"]
