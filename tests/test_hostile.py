"""Hostile input and careless use (issue 16): nothing overwritten, nothing leaked, no traceback.

One section per class of the issue; each test was seen failing before its fix. The good article
is a seed from the package samples; the hostile files are made here.
"""
from __future__ import annotations

import codecs
import encodings.aliases
import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from typer.testing import CliRunner

from cleaner.check import render, run_check
from cleaner.cli import app
from cleaner.pipeline import build
from cleaner.read import iter_input_files, read_inputs
from tests.conftest import ROOT, SAMPLES

GOOD = SAMPLES / "000_dbd554452a004b69.txt"
BODY = GOOD.read_text(encoding="utf-8")
SECRET = "HOSTILE-SECRET-7f3a"
runner = CliRunner()


def _folder(tmp_path: Path, name: str = "in") -> Path:
    folder = tmp_path / name
    folder.mkdir(parents=True)
    (folder / "good.txt").write_text(BODY, encoding="utf-8")
    return folder


def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """The installed CLI in a child process, as a user runs it (tracebacks show on stderr)."""
    return subprocess.run([sys.executable, "-m", "cleaner", *args], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}, timeout=600)


# --- 3. symbolic links out of the input tree ----------------------------------------------------------

@pytest.fixture()
def linked(tmp_path) -> Path:
    """An input folder with links to a secret file, to /proc/self/environ, to a secret folder, to a
    folder inside itself and to a file inside itself."""
    folder = _folder(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "key.txt").write_text(f"{SECRET} the council voted to close the bridge\n" * 20)
    (folder / "key.txt").symlink_to(outside / "key.txt")
    (folder / "environ.txt").symlink_to("/proc/self/environ")
    (folder / "secrets").symlink_to(outside)
    (folder / "sub").mkdir()
    (folder / "sub" / "inner.txt").write_text(BODY.replace("bridge", "tunnel"), encoding="utf-8")
    (folder / "sub-link").symlink_to(folder / "sub")
    (folder / "same.txt").symlink_to("good.txt")
    return folder


def test_links_out_of_the_tree_are_quarantined_and_never_read_into_reports(linked, tmp_path):
    result = _cli("check", str(linked), "--format", "github", env={"HOSTILE_TOKEN": SECRET})
    assert result.returncode == 1, result.stderr
    assert SECRET not in result.stdout + result.stderr
    errors = [line for line in result.stdout.splitlines() if line.startswith("::error file=")]
    names = sorted(line.split("file=")[1].split(",")[0].rsplit("/", 1)[-1] for line in errors)
    assert names == ["environ.txt", "key.txt", "secrets"]
    assert all("read.link_outside" in line for line in errors)


def test_published_quarantine_keeps_no_byte_of_a_link_target(linked, tmp_path, monkeypatch):
    monkeypatch.setenv("HOSTILE_TOKEN", SECRET)
    version, tally = build([linked], tmp_path / "out", "links", "v1")
    q = pd.read_parquet(version / "quarantine")
    assert sorted(Path(p).name for p in q["source_path"]) == ["environ.txt", "key.txt", "secrets"]
    assert all(list(c) == ["read.link_outside"] for c in q["checks"]) and (q["raw"] == "").all()
    for path in version.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path
    kept = pd.concat([pd.read_parquet(version / "data"), pd.read_parquet(version / "duplicates")])
    assert sorted(Path(p).name for p in kept["source_path"]) == ["good.txt", "inner.txt", "same.txt"]
    assert tally.ledger.balanced()


def test_a_link_to_a_folder_inside_is_reported_as_skipped_not_silently(linked):
    result = _cli("check", str(linked))
    assert f"skipped {linked / 'sub-link'}: a link to a folder inside" in result.stderr


def test_follow_links_reads_through_them(linked):
    files = {p.name for p in iter_input_files([linked], follow_links=True)}
    assert {"key.txt", "inner.txt"} <= files
    result = run_check([linked], _config(follow_links=True))
    assert "read.link_outside" not in {c for f in result.failures for c in f.checks}


def _config(**changes):
    from cleaner.config import DEFAULT_CONFIG
    return DEFAULT_CONFIG.with_(**changes)


def test_a_link_given_directly_that_leaves_its_folder_is_not_read(linked):
    records = list(read_inputs([linked / "environ.txt"]))
    assert [r.checks for r in records] == [["read.link_outside"]]


# --- 1. an output that overlaps an input ---------------------------------------------------------------

@pytest.mark.parametrize("command", ["clean", "check"])
def test_an_output_that_is_an_input_is_refused_and_the_input_kept(tmp_path, command):
    folder = _folder(tmp_path)
    feed = folder / "feed.jsonl"
    feed.write_text(json.dumps({"title": "T", "text": BODY}) + "\n")
    before = feed.read_bytes()
    for target, inputs in ((feed, [feed]), (folder / "out.jsonl", [folder]), (folder / "good.txt", [feed, folder])):
        result = runner.invoke(app, [command, *map(str, inputs), "-o", str(target)])
        assert result.exit_code == 2, result.output
        assert "lies inside, the input" in result.output
    assert feed.read_bytes() == before and not (folder / "out.jsonl").exists()


def test_an_output_linked_to_an_input_is_refused(tmp_path):
    folder = _folder(tmp_path)
    (tmp_path / "alias.jsonl").symlink_to(folder / "good.txt")
    result = runner.invoke(app, ["clean", str(folder / "good.txt"), "-o", str(tmp_path / "alias.jsonl")])
    assert result.exit_code == 2 and (folder / "good.txt").read_text(encoding="utf-8") == BODY


def test_run_in_the_input_folder_never_reads_its_own_versions(tmp_path):
    folder = _folder(tmp_path)
    counts = []
    for version in ("v1", "v2"):
        result = runner.invoke(app, ["run", str(folder), "--out", str(folder / "dist_data"), "--name", "self",
                                     "--version", version])
        assert result.exit_code == 0, result.output
        counts.append(json.loads((folder / "dist_data" / "self" / version / "manifest.json").read_text())["counts"])
    assert counts[0]["inputs"] == counts[1]["inputs"] == 1
    assert f"skipped {folder / 'dist_data' / 'self'}: a dataset published" in result.output   # its versions and index


# --- 2. a declared charset that is not a text encoding ---------------------------------------------------

#: Every codec name Python knows (its aliases and codec modules), text encodings or not.
CODEC_NAMES = sorted(set(encodings.aliases.aliases) | set(encodings.aliases.aliases.values())
                     | {"rot13", "hex", "base64", "zlib", "bz2", "uu", "quopri", "unicode_escape", "idna",
                        "punycode", "undefined", "utf_7"})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(label=st.sampled_from(CODEC_NAMES))
def test_any_declared_charset_decodes_or_is_ignored_never_raises(tmp_path, label):
    from cleaner.decode import decode
    page = (f'<html><head><meta charset="{label}"><title>Bridge</title></head><body><p>Caf\xe9 '
            ).encode("latin-1") + b"\xff\xfe the council voted.</p></body></html>"
    text, encoding = decode(page, html=True)
    assert "the council voted" in text
    assert codecs.lookup(encoding)._is_text_encoding


@pytest.mark.parametrize("command", ["run", "check", "clean", "explain"])
def test_a_rot13_page_is_cleaned_by_every_command(tmp_path, command):
    folder = _folder(tmp_path)
    page = folder / "rot.html"
    page.write_bytes(b'<html><head><meta charset="rot13"><title>Bridge</title></head><body><p>'
                     + BODY.encode("cp1252", "replace") + b"</p></body></html>")
    args = {"run": ["run", str(folder), "--out", str(tmp_path / "out")], "check": ["check", str(folder)],
            "clean": ["clean", str(folder), "-o", str(tmp_path / "o.jsonl")], "explain": ["explain", str(page)]}
    result = runner.invoke(app, args[command])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code in (0, 1), result.output


# --- 4. no traceback: file names, surrogates, NaN, trailing garbage, a full disk --------------------------

def test_a_file_name_that_is_not_utf8_is_named_and_read(tmp_path):
    folder = _folder(tmp_path)
    bad = os.fsdecode(b"caf\xe9.txt")
    (folder / bad).write_text(BODY.replace("bridge", "ferry"), encoding="utf-8")
    for args in (["check", str(folder), "--format", "json"], ["clean", str(folder), "-o", str(tmp_path / "o.jsonl")],
                 ["run", str(folder), "--out", str(tmp_path / "out")]):
        result = _cli(*args)
        assert result.returncode in (0, 1) and "Traceback" not in result.stderr, result.stderr
    paths = set(pd.read_parquet(tmp_path / "out" / "news" / "v1" / "data")["source_path"])
    assert "caf\\xe9.txt" in paths   # published relative to the input folder


def test_lone_surrogates_reach_every_report_and_keep_ids_apart(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    lines = [json.dumps({"id": f"\\ud80{i}", "title": "T\\udc00", "text": f"{BODY} {i} \\ud800"})
             .replace("\\\\", "\\") for i in range(3)]
    (folder / "feed.jsonl").write_text("\n".join(lines) + "\n")
    result = run_check([folder])
    for fmt in ("text", "json", "junit", "github", "markdown"):
        render(result, fmt).encode("utf-8")
    assert result.failures == [] and result.inputs == 3
    version, tally = build([folder], tmp_path / "out", "sur", "v1")
    assert tally.ledger.quarantined == 0, pd.read_parquet(version / "quarantine")["reasons"].tolist()
    kept = pd.concat([pd.read_parquet(version / "data"), pd.read_parquet(version / "duplicates")])
    assert sorted(kept["id"]) == ["\\ud800", "\\ud801", "\\ud802"]
    cli = _cli("check", str(folder), "--format", "github")
    assert cli.returncode == 0 and "Traceback" not in cli.stderr


def test_nan_and_infinity_in_extra_are_written_as_valid_json(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"title": "T", "text": %s, "score": NaN, "big": 1e999, "low": -Infinity}\n'
                    % json.dumps(BODY))
    out = tmp_path / "o.jsonl"
    assert runner.invoke(app, ["clean", str(feed), "-o", str(out)]).exit_code == 0
    record = json.loads(out.read_text(), parse_constant=lambda c: pytest.fail(f"{c} written"))
    assert record["extra"] == {"score": None, "big": "1e999", "low": None}


def test_a_json_file_with_trailing_garbage_is_one_bad_record_not_one_per_line(tmp_path):
    doc = tmp_path / "doc.json"
    doc.write_text(json.dumps({"title": "T", "text": BODY}, indent=2) + "\ntrailing garbage\n")
    records = list(read_inputs([doc]))
    assert [r.checks for r in records] == [["read.invalid_json"]]
    assert "Extra data" in records[0].reasons[0]


def test_a_full_disk_during_clean_is_one_line_exit_2_and_only_whole_lines(tmp_path):
    out = tmp_path / "o.jsonl"

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (40_000, 40_000))

    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "feed.jsonl").write_text("".join(json.dumps({"title": f"T{i}", "text": BODY + f" {i}"}) + "\n"
                                               for i in range(200)))
    result = subprocess.run([sys.executable, "-m", "cleaner", "clean", str(corpus), "-o", str(out)],
                            capture_output=True, text=True, preexec_fn=limit,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=600)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and f"cannot write {out}" in result.stderr
    text = out.read_bytes()
    assert text == b"" or text.endswith(b"\n")
    for line in text.splitlines():
        json.loads(line)


@pytest.mark.parametrize("step", ["clean_body", "identify"])
def test_a_stage_that_raises_anything_quarantines_the_record(tmp_path, monkeypatch, step):
    """Cleaning and, after a batch is cleaned (`stream.clean_records`), naming the languages: a
    failure in either quarantines the record with the error."""
    import cleaner.stream

    def broken(*args, **kwargs):
        raise OSError(f"boom in {step}")

    monkeypatch.setattr(cleaner.stream, step, broken)
    folder = _folder(tmp_path)
    result = run_check([folder])
    assert [f.checks for f in result.failures] == [["clean.error"]]
    assert f"OSError: boom in {step}" in result.failures[0].reasons[0]


# --- 7. verify holds the manifest against itself and the files --------------------------------------------

@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("pub-in")
    (folder / "good.txt").write_text(BODY, encoding="utf-8")
    (folder / "empty.txt").write_text("")
    version, _ = build([folder], tmp_path_factory.mktemp("pub-out"), "news", "v1")
    return version


def _tampered(published: Path, tmp_path: Path, edit) -> Path:
    import shutil
    copy = tmp_path / "copy"
    shutil.copytree(published, copy)
    manifest = json.loads((copy / "manifest.json").read_text())
    edit(manifest)
    (copy / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return copy


@pytest.mark.parametrize("edit, named", [
    (lambda m: m["counts"].update(published=5, inputs=6), "counts.published is 5 but data/ holds 1 rows"),
    (lambda m: m["inputs"][0].update(sha256="0" * 64), "fingerprint does not match"),
    (lambda m: m["tool"].update(name="other-tool"), "tool is {'name': 'other-tool'"),
    (lambda m: m["config"].update(min_body_words=1), "config does not match config_sha256"),
    (lambda m: m["counts"].update(inputs=9), "balanced=True but inputs 9"),
    (lambda m: next(f for f in m["files"] if f["path"].startswith("data/")).update(rows=7), "1 rows != 7"),
    (lambda m: m["files"].append("junk"), "is malformed"),
    (lambda m: m.update(counts=[]), "counts are malformed"),
])
def test_verify_names_an_edited_manifest(published, tmp_path, edit, named):
    from cleaner.publish.manifest import verify
    assert verify(published) == []
    problems = verify(_tampered(published, tmp_path, edit))
    assert any(named in p for p in problems), problems


@pytest.mark.parametrize("damage", ["manifest", "parquet"])
def test_verify_and_diff_name_a_malformed_manifest_or_corrupt_parquet_without_traceback(published, tmp_path, damage):
    import shutil
    copy = tmp_path / "copy"
    shutil.copytree(published, copy)
    if damage == "manifest":
        (copy / "manifest.json").write_text('["not", "a", "manifest"]')
    else:
        shard = next((copy / "data").glob("*.parquet"))
        shard.write_bytes(b"PAR1" + b"\0" * 100)
    for args in (["verify", str(copy)], ["diff", str(published), str(copy)]):
        result = _cli(*args)
        assert result.returncode in (1, 2) and "Traceback" not in result.stderr, result.stderr
        assert ("manifest.json" if damage == "manifest" else "parquet") in result.stderr


# --- 8. --parent names a published version that verifies ------------------------------------------------

def test_parent_must_exist_verify_and_not_be_the_version_itself(published, tmp_path):
    import shutil
    out = tmp_path / "out"
    shutil.copytree(published, out / "news" / "v1")
    folder = _folder(tmp_path)
    for parent, version, named in (("v9", "v2", "not published"), ("v2", "v2", "is the version being built")):
        result = runner.invoke(app, ["run", str(folder), "--out", str(out), "--version", version, "--parent", parent])
        assert result.exit_code == 2 and named in result.output, result.output
    (out / "news" / "v1" / "report.html").write_text("edited")
    result = runner.invoke(app, ["run", str(folder), "--out", str(out), "--version", "v2", "--parent", "v1"])
    assert result.exit_code == 2 and "does not verify" in result.output, result.output
    assert sorted(p.name for p in (out / "news").iterdir() if p.is_dir() and not p.is_symlink()) == ["v1"]


# --- 9-11, 13. concurrent runs, permissions, nothing to read, stale resume --------------------------------

def test_two_runs_of_the_same_inputs_into_different_versions_both_succeed(tmp_path):
    from cleaner.pipeline import plan_shards, work_folder
    from cleaner.config import DEFAULT_CONFIG
    folder = _folder(tmp_path)
    shards, size = plan_shards([folder])
    assert work_folder(tmp_path, "news", shards, size, DEFAULT_CONFIG, "a") != \
        work_folder(tmp_path, "news", shards, size, DEFAULT_CONFIG, "b")   # never one folder for both
    for i in range(30):
        (folder / f"a{i}.txt").write_text(BODY.replace("the", f"the {i}"), encoding="utf-8")
    out = tmp_path / "out"
    procs = [subprocess.Popen([sys.executable, "-m", "cleaner", "run", str(folder), "--out", str(out),
                               "--version", v, "--workers", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env={**os.environ, "PYTHONPATH": str(ROOT)}) for v in ("a", "b")]
    results = [p.communicate(timeout=600) + (p.returncode,) for p in procs]
    assert [r[2] for r in results] == [0, 0], [r[1][-2000:] for r in results]
    from cleaner.publish.manifest import verify
    assert verify(out / "news" / "a") == [] == verify(out / "news" / "b")


def test_a_second_run_of_the_same_version_refuses_while_the_first_holds_the_work_folder(tmp_path):
    import fcntl
    from cleaner.pipeline import RunInProgress, lock_path, plan_shards, work_folder
    from cleaner.config import DEFAULT_CONFIG
    folder = _folder(tmp_path)
    shards, size = plan_shards([folder])
    work = work_folder(tmp_path / "out", "news", shards, size, DEFAULT_CONFIG, "v1")
    work.parent.mkdir(parents=True)
    with open(lock_path(work), "a+b") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        with pytest.raises(RunInProgress):
            build([folder], tmp_path / "out", "news", "v1")
    assert not (tmp_path / "out" / "news" / "v1").exists()


def test_a_published_version_is_readable_as_the_umask_allows(tmp_path):
    folder = _folder(tmp_path)
    old = os.umask(0o022)
    try:
        version, _ = build([folder], tmp_path / "out", "news", "v1")
    finally:
        os.umask(old)
    assert version.stat().st_mode & 0o777 == 0o755


def test_an_input_folder_with_nothing_to_read_exits_2_and_says_what_was_skipped(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("feed.jsonl.bz2", "page.xhtml", ".hidden.txt"):
        (folder / name).write_text("x")
    for command in (["run", str(folder), "--out", str(tmp_path / "out")], ["check", str(folder)],
                    ["clean", str(folder), "-o", str(tmp_path / "o.jsonl")]):
        result = runner.invoke(app, command)
        assert result.exit_code == 2, result.output
        for name, why in (("feed.jsonl.bz2", "not a supported input type"), ("page.xhtml", "not a supported"),
                          (".hidden.txt", "hidden")):
            assert f"skipped {folder / name}: {why}" in result.output
    assert not (tmp_path / "out").exists()


def test_resume_does_not_republish_an_input_edited_to_the_same_size_and_mtime(tmp_path):
    from cleaner.pipeline import plan_shards, work_folder
    from cleaner.config import DEFAULT_CONFIG
    folder = _folder(tmp_path)
    page = folder / "good.txt"
    shards, size = plan_shards([folder])
    before = work_folder(tmp_path, "news", shards, size, DEFAULT_CONFIG, "v1")
    st = page.stat()
    page.write_text(BODY.replace("a", "e", 1), encoding="utf-8")         # same size
    os.utime(page, ns=(st.st_atime_ns, st.st_mtime_ns))                   # same mtime
    assert page.stat().st_size == st.st_size and page.stat().st_mtime_ns == st.st_mtime_ns
    assert work_folder(tmp_path, "news", shards, size, DEFAULT_CONFIG, "v1") != before


# --- 5. bounded cost per record --------------------------------------------------------------------------

@pytest.mark.parametrize("page, named", [
    ("<html><body><div " + " ".join(f'data-a{i}="v>{i}"' for i in range(100_000)) + "><p>x</p></div></body></html>",
     "more than 1,000 attributes"),
    ("<html><body>" + "<i>w</i>" * 250_000 + "</body></html>", "over the limit of 200,000"),
])
def test_a_page_past_the_work_limits_is_quarantined_in_seconds_with_its_own_check(tmp_path, page, named):
    import time
    from cleaner.read import read_file
    from cleaner.stream import clean_records
    (tmp_path / "p.html").write_text(page)
    started = time.perf_counter()
    [record] = list(clean_records(read_file(tmp_path / "p.html")))
    assert time.perf_counter() - started < 10          # it took 58 s for 100k attributes
    assert record.checks == ["clean.html_too_complex"] and named in record.reasons[0]


def test_ftfy_sees_at_most_the_budget_of_one_record(tmp_path, monkeypatch):
    import ftfy
    from cleaner import repair as repair_module
    from cleaner.clean import clean_article
    from cleaner.read import read_file
    seen = []
    real = ftfy.fix_text
    monkeypatch.setattr(repair_module.ftfy, "fix_text", lambda text, cfg: seen.append(len(text)) or real(text, cfg))
    line = "caf\u00c3\u00a9 " * 2000                             # mojibake: every line is one ftfy must look at
    (tmp_path / "long.txt").write_text("Title\n\n" + "\n".join([line] * 100), encoding="utf-8")
    clean_article(next(read_file(tmp_path / "long.txt")))
    assert 0 < sum(seen) <= repair_module.MAX_FTFY_CHARS < 100 * len(line)


def test_a_full_disk_while_staging_a_run_names_the_cause_in_one_line_and_publishes_nothing(tmp_path):
    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (30_000, 30_000))

    result = subprocess.run([sys.executable, "-m", "cleaner", "run", str(SAMPLES), "--out", str(tmp_path / "out"),
                             "--workers", "1"], capture_output=True, text=True, preexec_fn=limit,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=600)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert "File too large" in result.stderr and "closed file" not in result.stderr
    assert not (tmp_path / "out" / "news-sample" / "v1").exists()
