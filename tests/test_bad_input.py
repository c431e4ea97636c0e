"""Bad input: every nasty file gets a message naming the file, the record and the problem, a
quarantine row with that reason and its raw content, and the run goes on with the counts adding up.

The small fixtures are in tests/nasty/ (written by scripts/make_nasty.py --small); the big ones
(a 50 MB record, gzip bombs, 100,000 nested tags, huge attributes, external entities) are made in a
temporary folder at test time. Each group is published once by `cleaner.pipeline.build`, and each
test checks its own file's rows, its own message and that its own records all came out somewhere.
"""
from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import signal
import socket
import threading
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from cleaner.cli import app
from cleaner.pipeline import build, process
from cleaner.publish.manifest import verify
from cleaner.records import Quarantined
from tests.conftest import ROOT, SAMPLES

NASTY = Path(__file__).parent / "nasty"
GOOD = SAMPLES / "000_dbd554452a004b69.txt"
runner = CliRunner()

_spec = importlib.util.spec_from_file_location("make_nasty", ROOT / "scripts" / "make_nasty.py")
make_nasty = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_nasty)


@dataclass
class Run:
    """One published build of a folder of inputs, and the message of every record not published."""

    folder: Path
    version: Path
    counts: dict
    data: pd.DataFrame
    quarantine: pd.DataFrame
    duplicates: pd.DataFrame
    messages: dict[str, str]          # "path:index" -> Quarantined.message, from the pipeline

    def rows(self, name: str) -> pd.DataFrame:
        q = self.quarantine
        return q[q["source_path"] == name].sort_values("source_index")   # published paths are relative to the input folder

    def published(self, name: str) -> pd.DataFrame:
        d = self.data
        return d[d["source_path"] == name].sort_values("source_index")

    def kept(self, name: str) -> list[int]:
        """Indexes of the file's records that were published or reported as repeats (the small
        fixtures share good records, so a later file's copy is a duplicate of an earlier one)."""
        path = name
        return sorted(int(i) for frame in (self.data, self.duplicates)
                      for i in frame.loc[frame["source_path"] == path, "source_index"])

    def outcomes(self, name: str) -> int:
        path = name
        return sum(int((frame["source_path"] == path).sum())
                   for frame in (self.data, self.quarantine, self.duplicates))

    def message(self, name: str, index: int = 1) -> str:
        return self.messages[f"{self.folder / name}:{index}"]


def _publish(folder: Path, out: Path) -> Run:
    version, tally = build([folder], out, "nasty", "v1")
    counts = json.loads((version / "manifest.json").read_text(encoding="utf-8"))["counts"]
    messages = {o.source.where: o.message for o in process([folder]) if isinstance(o, Quarantined)}
    return Run(folder, version, counts, pd.read_parquet(version / "data"), pd.read_parquet(version / "quarantine"),
               pd.read_parquet(version / "duplicates"), messages)


@pytest.fixture(scope="module")
def nasty(tmp_path_factory) -> Run:
    """Every small fixture plus one good article, published in one run."""
    folder = tmp_path_factory.mktemp("nasty-in")
    for p in NASTY.iterdir():
        shutil.copyfile(p, folder / p.name)
    shutil.copyfile(GOOD, folder / "good.txt")
    return _publish(folder, tmp_path_factory.mktemp("nasty-out"))


class _Listener:
    """A loopback TCP server that only counts connections: proof that nothing was fetched."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> tuple[Run, _Listener]:
    """The big nasty files, made here, plus one good article, published in one run."""
    folder = tmp_path_factory.mktemp("big-in")
    secret = tmp_path_factory.mktemp("secret") / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT\n")
    listener = _Listener()
    try:
        make_nasty.big_record_jsonl(folder / "big_record.jsonl")
        make_nasty.gzip_bomb(folder / "bomb.txt.gz")
        make_nasty.gzip_bomb(folder / "bomb.jsonl.gz")
        make_nasty.deep_html(folder / "deep.html")
        make_nasty.huge_attribute_html(folder / "huge_attribute.html")
        make_nasty.external_entity_html(folder / "external_entity.html", secret,
                                        f"http://127.0.0.1:{listener.port}/")
        shutil.copyfile(GOOD, folder / "good.txt")
        run = _publish(folder, tmp_path_factory.mktemp("big-out"))
    finally:
        listener.close()
    return run, listener


def _quarantined(run: Run, name: str, expected: dict[int, tuple[list[str], str]], inputs: int) -> pd.DataFrame:
    """Assert the file's quarantine rows: at these record indexes, these checks and a reason
    containing this text; the message names the file, the index and the reason; every one of the
    file's `inputs` records has exactly one outcome."""
    rows = run.rows(name)
    assert list(rows["source_index"]) == sorted(expected), rows[["source_index", "checks", "reasons"]]
    for index, (checks, reason) in expected.items():
        row = rows[rows["source_index"] == index].iloc[0]
        assert list(row["checks"]) == checks
        assert any(reason in r for r in row["reasons"]), list(row["reasons"])
        message = run.message(name, index)
        assert message.startswith(f"{run.folder / name}:{index}: ") and reason in message, message
    assert run.outcomes(name) == inputs
    return rows


# --- the whole run ---------------------------------------------------------------------------------

def test_the_run_goes_on_and_counts_add_up_in_the_manifest_and_the_tables(nasty):
    c = nasty.counts
    assert c["inputs"] == c["published"] + c["quarantined"] + c["duplicates"] and c["balanced"]
    assert (c["published"], c["quarantined"], c["duplicates"]) == (
        len(nasty.data), len(nasty.quarantine), len(nasty.duplicates))
    assert "good.txt" in {Path(p).name for p in nasty.data["source_path"]}
    assert sum(nasty.outcomes(p.name) for p in nasty.folder.iterdir()) == c["inputs"]
    assert verify(nasty.version) == []


def test_every_quarantined_record_keeps_its_reason_and_a_message(nasty):
    for row in nasty.quarantine.itertuples():
        assert len(row.checks) == len(row.reasons) > 0
        assert all(r.strip() for r in row.reasons)
        assert f"{nasty.folder / row.source_path}:{row.source_index}" in nasty.messages


# --- empty and nothing left ---------------------------------------------------------------------------

def test_empty_file(nasty):
    rows = _quarantined(nasty, "empty.txt", {1: (["read.empty_file"], "empty file")}, inputs=1)
    assert rows.iloc[0]["raw"] == ""


def test_file_of_only_whitespace(nasty):
    rows = _quarantined(nasty, "whitespace_only.txt", {1: (["read.empty_file"], "empty file")}, inputs=1)
    assert rows.iloc[0]["raw"] == (NASTY / "whitespace_only.txt").read_bytes().decode()


def test_file_of_only_boilerplate_has_no_body_left(nasty):
    rows = _quarantined(nasty, "only_boilerplate.txt",
                        {1: (["body_long_enough"], "the body has 0 words, fewer than the 20 required")}, inputs=1)
    assert rows.iloc[0]["stage"] == "validate"
    assert rows.iloc[0]["raw"] == (NASTY / "only_boilerplate.txt").read_text()


# --- encodings: decoded, repaired and published ---------------------------------------------------------

def _accented(run: Run, name: str, encoding: str) -> None:
    """The file's one article is published with its title and body exactly as written."""
    _quarantined(run, name, {}, inputs=1)
    (row,) = run.published(name).itertuples()
    title, body = make_nasty.ACCENTED[name]
    assert (row.title, row.text) == (title, body)
    assert json.loads(row.extra)["encoding"] == encoding


def test_invalid_utf8_bytes_in_a_utf8_file_are_read_as_cp1252_and_the_rest_kept(nasty):
    _quarantined(nasty, "invalid_utf8.txt", {}, inputs=1)
    (row,) = nasty.published("invalid_utf8.txt").itertuples()
    assert row.title == make_nasty.TITLE
    assert "“We had no choice,” said the mayor" in row.text      # the valid UTF-8 around them is intact
    assert "\ufffd" not in row.text
    assert json.loads(row.extra)["encoding"] == "utf-8+cp1252"


def test_utf16_with_bom(nasty):
    _accented(nasty, "utf16_bom.txt", "utf-16")


def test_windows1252(nasty):
    _accented(nasty, "windows1252.txt", "cp1252")


def test_latin1(nasty):
    _accented(nasty, "latin1.txt", "cp1252")       # browsers read latin-1 as its superset cp1252


def test_mixed_encodings_in_one_file(nasty):
    _accented(nasty, "mixed_encodings.txt", "utf-8+cp1252")


def _accented_records(run: Run, name: str, encodings: list[str]) -> None:
    _quarantined(run, name, {}, inputs=len(encodings))
    rows = run.published(name)
    expected = make_nasty.ACCENTED_RECORDS[name]
    assert [(r.id, r.title, r.text) for r in rows.itertuples()] == [(e["id"], e["title"], e["text"]) for e in expected]
    assert [json.loads(r.extra).get("encoding", "utf-8") for r in rows.itertuples()] == encodings


def test_jsonl_with_lines_in_different_encodings_decodes_each_line(nasty):
    _accented_records(nasty, "mixed_encodings.jsonl", ["utf-8", "cp1252"])


def test_jsonl_in_utf16_with_bom_is_streamed(nasty):
    _accented_records(nasty, "utf16.jsonl", ["utf-16", "utf-16"])


# --- broken containers and binaries with text names ---------------------------------------------------

def test_truncated_gzip(nasty):
    _quarantined(nasty, "truncated.txt.gz", {1: (["read.gzip_error"], "truncated gzip")}, inputs=1)


def test_corrupt_gzip(nasty):
    _quarantined(nasty, "corrupt.jsonl.gz", {1: (["read.gzip_error"], "corrupt gzip")}, inputs=1)


def test_binary_file_named_txt(nasty):
    rows = _quarantined(nasty, "binary.txt", {1: (["read.binary"], "binary content (looks like NUL bytes)")}, inputs=1)
    # raw kept as text: ASCII bytes as themselves, the others escaped; nothing invented
    assert rows.iloc[0]["raw"] == bytes(range(256)).decode("utf-8", "backslashreplace") * 4


def test_image_named_html(nasty):
    rows = _quarantined(nasty, "image.html", {1: (["read.binary"], "binary content (looks like PNG image)")}, inputs=1)
    assert rows.iloc[0]["raw"].startswith("\\x89PNG")


# --- JSON lines ----------------------------------------------------------------------------------------

def _raw_line(name: str, index: int) -> str:
    return (NASTY / name).read_text(encoding="utf-8").split("\n")[index - 1]


def test_jsonl_malformed_line(nasty):
    rows = _quarantined(nasty, "malformed_line.jsonl", {2: (["read.invalid_json"], "invalid JSON: Unterminated string")},
                        inputs=3)
    assert rows.iloc[0]["raw"] == _raw_line("malformed_line.jsonl", 2)
    assert nasty.kept("malformed_line.jsonl") == [1, 3]


def test_jsonl_lines_that_are_not_objects(nasty):
    _quarantined(nasty, "not_an_object.jsonl", {
        2: (["read.not_an_object"], "record is an array, not an object"),
        3: (["read.not_an_object"], "record is a string, not an object"),
        4: (["read.not_an_object"], "record is a number, not an object"),
        5: (["read.not_an_object"], "record is null, not an object"),
    }, inputs=6)
    assert nasty.rows("not_an_object.jsonl")["raw"].tolist() == ['["a", "list"]', '"a string"', "42", "null"]


def test_jsonl_record_without_text(nasty):
    rows = _quarantined(nasty, "missing_text.jsonl", {2: (["read.no_text"], "no 'text' or 'html' field")}, inputs=3)
    assert json.loads(rows.iloc[0]["raw"])["id"] == "rec-2"


def test_jsonl_text_that_is_not_a_string(nasty):
    _quarantined(nasty, "text_not_a_string.jsonl", {
        2: (["read.wrong_type"], "'text' is not a string (got an array)"),
        3: (["read.wrong_type"], "'text' is not a string (got a number)"),
    }, inputs=4)


def test_jsonl_wrong_types_in_known_fields_give_one_reason_each(nasty):
    rows = _quarantined(nasty, "wrong_types.jsonl", {
        2: (["read.wrong_type", "read.wrong_type"], "'title' is not a string (got a number)"),
        3: (["read.wrong_type", "read.wrong_type"], "'url' is not a string (got an array)"),
        4: (["read.wrong_type"], "'id' is not a string or an integer (got a boolean)"),
    }, inputs=4)
    assert "'authors' is not a string or a list of strings (got an object)" in rows.iloc[0]["reasons"]
    assert "'published' is not a string (got a number)" in rows.iloc[1]["reasons"]
    assert rows.iloc[0]["raw"] == _raw_line("wrong_types.jsonl", 2)


def test_jsonl_duplicate_ids_publish_the_first_and_quarantine_the_repeat(nasty):
    _quarantined(nasty, "duplicate_ids.jsonl",
                 {2: (["id_unique"], "the id 'rec-1' is used by an earlier article")}, inputs=3)
    assert nasty.kept("duplicate_ids.jsonl") == [1, 3]


def test_an_id_used_in_an_earlier_file_is_quarantined_too(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.jsonl").write_bytes(make_nasty._jsonl(make_nasty._record(1), make_nasty._record(2)))
    (folder / "b.jsonl").write_bytes(make_nasty._jsonl(make_nasty._record(3, id="rec-1")))
    run = _publish(folder, tmp_path / "out")
    _quarantined(run, "b.jsonl", {1: (["id_unique"], "the id 'rec-1' is used by an earlier article")}, inputs=1)
    assert list(run.data["id"]) == ["rec-1", "rec-2"]


def test_json_nested_100000_levels(nasty):
    rows = _quarantined(nasty, "deeply_nested.json", {1: (["read.invalid_json"], "nested too deeply")}, inputs=1)
    assert len(rows.iloc[0]["raw"]) == 200_000


def test_jsonl_record_of_50_mb_is_quarantined_and_its_neighbours_published(big):
    run, _ = big
    rows = _quarantined(run, "big_record.jsonl",
                        {2: (["read.record_too_large"], "over the limit of 16,777,216")}, inputs=3)
    assert re.fullmatch(r"record is 5\d,\d{3},\d{3} bytes, over the limit of 16,777,216", rows.iloc[0]["reasons"][0])
    assert rows.iloc[0]["raw"].startswith('{"id": "huge"')         # its head is kept to look at
    assert list(run.published("big_record.jsonl")["id"]) == ["rec-1", "rec-2"]


# --- HTML ----------------------------------------------------------------------------------------------

def test_html_with_no_body(nasty):
    rows = _quarantined(nasty, "no_body.html", {1: (["body_long_enough"], "the body has 0 words")}, inputs=1)
    assert rows.iloc[0]["raw"] == (NASTY / "no_body.html").read_text()


def test_html_of_scripts_only(nasty):
    rows = _quarantined(nasty, "scripts_only.html", {1: (["body_long_enough"], "the body has 0 words")}, inputs=1)
    assert "document.write" in rows.iloc[0]["raw"]


def test_html_nested_100000_levels_is_quarantined_not_published_without_its_story(big):
    run, _ = big
    rows = _quarantined(run, "deep.html", {1: (["clean.html_too_deep"], "HTML nested too deeply at line 1")}, inputs=1)
    assert rows.iloc[0]["stage"] == "clean"
    assert rows.iloc[0]["raw"].count("<div>") == 100_000


def test_html_with_huge_attribute_values_still_gives_its_story(big):
    run, _ = big
    _quarantined(run, "huge_attribute.html", {}, inputs=1)
    (row,) = run.published("huge_attribute.html").itertuples()
    assert (row.title, row.text.split("\n\n")) == (make_nasty.STORIES[5][0], make_nasty.STORIES[5][1])


def test_external_entities_are_never_resolved_nor_fetched(big):
    run, listener = big
    _quarantined(run, "external_entity.html", {}, inputs=1)
    (row,) = run.published("external_entity.html").itertuples()
    assert make_nasty.STORIES[6][1][0] in row.text
    assert listener.connections == 0
    published = " ".join(run.data["text"]) + " ".join(run.quarantine["raw"])
    assert "TOP-SECRET" not in published
    assert "lollollollol" not in row.text                         # the billion laughs were not expanded
    assert len(row.text) < 2_000


# --- decompression bombs -----------------------------------------------------------------------------

def test_gzip_bomb_of_one_article_stops_at_the_record_limit(big):
    run, _ = big
    rows = _quarantined(run, "bomb.txt.gz",
                        {1: (["read.too_large"], "decompressed size exceeds 16,777,216 bytes")}, inputs=1)
    assert len(rows.iloc[0]["raw"]) <= 1 << 16


def test_gzip_bomb_of_json_lines_stops_at_the_file_limit(big):
    run, _ = big
    rows = _quarantined(run, "bomb.jsonl.gz", {268_435_457: (["read.too_large"], "decompressed size exceeds 268,435,456 bytes")},
                        inputs=1)
    assert rows.iloc[0]["raw"] == ""


def test_big_inputs_run_goes_on_and_counts_add_up(big):
    run, _ = big
    c = run.counts
    assert c["balanced"] and c["inputs"] == len(run.data) + len(run.quarantine) + len(run.duplicates)
    assert "good.txt" in {Path(p).name for p in run.data["source_path"]}
    assert verify(run.version) == []


# --- files that are not files -------------------------------------------------------------------------

def test_fifo_device_and_broken_links_with_text_names_are_quarantined_without_blocking(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    os.mkfifo(folder / "fifo.jsonl")                       # opening it would wait for a writer forever
    (folder / "zero.txt").symlink_to("/dev/zero")          # reading it would never end
    (folder / "dangling.html").symlink_to(folder / "gone.html")
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    shutil.copyfile(GOOD, folder / "good.txt")
    previous = signal.signal(signal.SIGALRM, lambda *_: pytest.fail("reading blocked"))
    signal.alarm(60)
    try:
        run = _publish(folder, tmp_path / "out")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    _quarantined(run, "fifo.jsonl", {1: (["read.unreadable"], "not a regular file (a FIFO)")}, inputs=1)
    # a link out of the input folder is not even looked at (read.link_outside, tests/test_hostile.py)
    _quarantined(run, "zero.txt", {1: (["read.link_outside"], "symbolic link to outside the input folders")}, inputs=1)
    _quarantined(run, "dangling.html", {1: (["read.unreadable"], "No such file or directory")}, inputs=1)
    _quarantined(run, "loop.txt", {1: (["read.unreadable"], "Too many levels of symbolic links")}, inputs=1)
    assert run.counts["balanced"] and run.counts["published"] == 1


# --- exit codes: 1 for bad records, 2 only for unusable arguments ----------------------------------------

def test_run_on_nasty_input_exits_1_not_2_and_publishes(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("empty.txt", "binary.txt", "not_an_object.jsonl"):
        shutil.copyfile(NASTY / name, folder / name)
    result = runner.invoke(app, ["run", str(folder), "--out", str(tmp_path / "out"), "--name", "n"])
    assert result.exit_code == 1, result.output
    assert verify(tmp_path / "out" / "n" / "v1") == []


def test_run_prints_one_message_per_quarantined_record_naming_file_record_and_problem(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("empty.txt", "not_an_object.jsonl", "malformed_line.jsonl"):
        shutil.copyfile(NASTY / name, folder / name)
    result = runner.invoke(app, ["run", str(folder), "--out", str(tmp_path / "out"), "--name", "n"])
    assert result.exit_code == 1, result.output
    for message in (f"{folder / 'empty.txt'}:1: empty file",
                    f"{folder / 'not_an_object.jsonl'}:3: record is a string, not an object",
                    f"{folder / 'malformed_line.jsonl'}:2: invalid JSON: Unterminated string"):
        assert message in result.output, result.output


def test_missing_input_path_exits_2_naming_it(tmp_path):
    result = runner.invoke(app, ["run", str(tmp_path / "nope"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "nope" in result.output
    assert not (tmp_path / "out").exists()


def test_output_that_cannot_be_written_exits_2(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = runner.invoke(app, ["run", str(GOOD), "--out", str(blocker / "out")])
    assert result.exit_code == 2, result.output
    assert "cannot write" in result.output
    result = runner.invoke(app, ["clean", str(GOOD), "-o", str(blocker / "x.jsonl")])
    assert result.exit_code == 2, result.output


def _tree(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


@pytest.mark.parametrize("option, value", [
    ("--name", "../escape"), ("--name", "/tmp/abs"), ("--name", "a/b"), ("--name", "a b"), ("--name", ".."),
    ("--name", "x\x00y"), ("--version", "../escape"), ("--version", "/tmp/abs"), ("--version", ".."),
    ("--version", "v1/../../x"), ("--version", "v1;rm"), ("--parent", "../v1"),
])
def test_names_and_versions_that_could_leave_the_output_folder_exit_2_and_write_nothing(tmp_path, option, value):
    work = tmp_path / "work"
    (work / "out").mkdir(parents=True)
    before = _tree(tmp_path)
    result = runner.invoke(app, ["run", str(GOOD), "--out", str(work / "out"), option, value])
    assert result.exit_code == 2, result.output
    assert "not allowed" in result.output
    assert _tree(tmp_path) == before


@pytest.mark.parametrize("gap", [b"\n\n", b"  \n\t\n\r\n", b"\n" * 1_500_000 + b"   \n" * 300_000])
def test_jsonl_line_numbers_count_blank_lines_even_across_read_chunks(tmp_path, gap):
    from cleaner.read import read_file

    path = tmp_path / "gaps.jsonl"
    path.write_bytes(b'{"text": "a"}\n' + gap + b"{oops\n" + gap + b'"late"\n')
    records = list(read_file(path))
    first_bad = 2 + gap.count(b"\n")
    assert [(r.source.index, type(r).__name__) for r in records] == [
        (1, "Article"), (first_bad, "Quarantined"), (first_bad + 1 + gap.count(b"\n"), "Quarantined")]
