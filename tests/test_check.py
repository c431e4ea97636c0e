"""`cleaner check`, the CI gate: exit codes, the quarantine-rate limit and every report format.

Good inputs are the package's own samples (real scraped articles); bad ones are a JSONL feed with
a record too short to publish, a line that is not JSON and a record whose `text` is not a string.
"""
from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from cleaner.check import FORMATS, CheckResult, Failure, render, render_github, run_check
from cleaner.cli import app

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "cleaner" / "data" / "samples"
GOOD = SAMPLES / "000_dbd554452a004b69.txt"
GOOD_FEED = SAMPLES / "006_wire_feed.jsonl"
runner = CliRunner()


@pytest.fixture
def bad_feed(tmp_path) -> Path:
    """Line 1 a real article (passes), 2 too short, 3 not JSON, 4 `text` not a string."""
    first = GOOD_FEED.read_text(encoding="utf-8").splitlines()[0]
    path = tmp_path / "bad feed.jsonl"
    path.write_text("\n".join([
        first,
        json.dumps({"id": "short-1", "title": "Short", "text": "Too short to be a story."}),
        "{not json",
        json.dumps({"id": "typed-1", "title": "Typed", "text": 42}),
    ]) + "\n", encoding="utf-8")
    return path


def test_good_inputs_pass_with_exit_0():
    result = runner.invoke(app, ["check", str(SAMPLES)])
    assert result.exit_code == 0, result.output
    assert "PASS" in result.output and "0 failed" in result.output


def test_bad_records_fail_with_exit_1_and_each_is_named_by_file_and_line(bad_feed, monkeypatch):
    monkeypatch.chdir(bad_feed.parent)
    result = runner.invoke(app, ["check", bad_feed.name])
    assert result.exit_code == 1
    out = result.output
    for line in (2, 3, 4):
        assert f"bad feed.jsonl:{line}" in out
    assert "bad feed.jsonl:1 " not in out  # the good record is not listed
    assert "body_long_enough" in out and "FAIL" in out and "3 failed" in out


def test_missing_input_is_exit_2():
    result = runner.invoke(app, ["check", "no/such/feed.jsonl"])
    assert result.exit_code == 2
    assert "no/such/feed.jsonl" in result.output


def test_unknown_format_is_exit_2(bad_feed):
    assert runner.invoke(app, ["check", str(bad_feed), "--format", "xml"]).exit_code == 2


def test_unwritable_output_is_exit_2(bad_feed, tmp_path):
    result = runner.invoke(app, ["check", str(bad_feed), "--output", str(tmp_path / "no" / "dir" / "r.xml")])
    assert result.exit_code == 2


def test_quarantine_rate_limit_decides_the_exit_code(bad_feed):
    r = run_check([bad_feed])
    assert (r.inputs, r.passed, r.quarantined) == (4, 1, 3) and r.quarantine_rate == 0.75
    assert runner.invoke(app, ["check", str(bad_feed), "--max-quarantine-rate", "0.75"]).exit_code == 0
    assert runner.invoke(app, ["check", str(bad_feed), "--max-quarantine-rate", "0.7"]).exit_code == 1


def test_check_publishes_nothing(bad_feed, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner.invoke(app, ["check", str(SAMPLES)])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad feed.jsonl"]


def test_failures_come_in_file_then_line_order(bad_feed):
    r = run_check([GOOD, bad_feed])
    assert [(Path(f.path).name, f.line) for f in r.failures] == [("bad feed.jsonl", 2), ("bad feed.jsonl", 3),
                                                                ("bad feed.jsonl", 4)]
    assert list(r.files.values()) == [1, 4]


def test_json_report_holds_counts_and_every_failure(bad_feed, tmp_path):
    out = tmp_path / "report.json"
    result = runner.invoke(app, ["check", str(bad_feed), "--format", "json", "--output", str(out)])
    assert result.exit_code == 1
    report = json.loads(out.read_text())
    assert report["counts"] == {"files": 1, "inputs": 4, "passed": 1, "failed": 3, "duplicates": 0}
    assert [f["line"] for f in report["failures"]] == [2, 3, 4]
    assert report["failures"][1]["stage"] == "read" and report["failures"][0]["checks"] == ["body_long_enough"]
    assert report["ok"] is False and report["exit_code"] == 1


def test_junit_report_has_a_case_per_file_and_a_failure_per_bad_record(bad_feed):
    result = runner.invoke(app, ["check", str(GOOD), str(bad_feed), "--format", "junit"])
    assert result.exit_code == 1
    root = ET.fromstring(result.stdout)
    cases = root.findall(".//testcase")
    assert [c.get("name") for c in cases] == [str(GOOD), str(bad_feed)]
    assert cases[0].findall("failure") == []
    failures = cases[1].findall("failure")
    assert len(failures) == 3
    assert failures[0].get("type") == "body_long_enough" and f"{bad_feed}:2" in failures[0].get("message")
    assert root.find("testsuite").get("failures") == "1" and root.find("testsuite").get("tests") == "2"


def test_junit_report_survives_control_characters_in_the_input(tmp_path):
    path = tmp_path / "ctl.jsonl"
    path.write_text(json.dumps({"title": "x", "text": "bell \x07 and escape \x1b here"}) + "\n")
    ET.fromstring(render(run_check([path]), "junit"))  # would raise on a control character


def test_github_report_annotates_each_bad_record(bad_feed):
    result = runner.invoke(app, ["check", str(bad_feed), "--format", "github"])
    lines = result.stdout.splitlines()
    errors = [line for line in lines if line.startswith("::error file=")]
    assert len(errors) == 3
    assert re.match(r"^::error file=.*bad feed\.jsonl,line=2,title=cleaner check%3A body_long_enough::the body has", errors[0])
    assert lines[-1].startswith("::error title=cleaner check::FAIL")


def test_github_messages_are_escaped():
    r = CheckResult(files={"a,b.jsonl": 1}, inputs=1,
                    failures=[Failure("a,b.jsonl", 7, "validate", ["c"], ["100% bad\nreally"], "x")])
    first = render_github(r).splitlines()[0]
    assert first == "::error file=a%2Cb.jsonl,line=7,title=cleaner check%3A c::100%25 bad%0Areally | x"


def test_markdown_report_is_a_table_for_a_pr_comment(bad_feed):
    result = runner.invoke(app, ["check", str(bad_feed), "--format", "markdown"])
    md = result.stdout
    assert md.startswith("### ❌ cleaner check: failed")
    rows = [line for line in md.splitlines() if line.startswith("| `")]
    assert len(rows) == 3 and all(row.count(" | ") == 3 for row in rows)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_reports_a_clean_run_as_passing(fmt):
    text = render(run_check([GOOD]), fmt)
    assert text.strip()
    assert "body_long_enough" not in text


def _precommit_hook() -> dict:
    """The `cleaner check` hook exactly as the README shows it in `.pre-commit-config.yaml`."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n# \.pre-commit-config\.yaml\n(.*?)```", readme, re.S)
    assert block, "README has no .pre-commit-config.yaml block"
    config = yaml.safe_load(block.group(1))
    return next(h for repo in config["repos"] for h in repo["hooks"] if h["id"] == "cleaner-check")


def _run_hook(hook: dict, files: list[Path], cwd: Path) -> subprocess.CompletedProcess:
    """Run the hook as pre-commit does: its entry, its args, then the staged files its pattern matches."""
    staged = [f.relative_to(cwd).as_posix() for f in files]
    matched = [f for f in staged if re.search(hook["files"], f)]
    argv = shlex.split(hook["entry"]) + hook.get("args", []) + matched
    assert argv[0] == "cleaner"
    argv = [sys.executable, "-m", "cleaner", *argv[1:]]
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=300)


def test_precommit_hook_from_the_readme_passes_good_files_and_blocks_bad_ones(tmp_path, bad_feed):
    hook = _precommit_hook()
    good = tmp_path / "incoming" / "story.txt"
    good.parent.mkdir()
    good.write_bytes(GOOD.read_bytes())
    notes = tmp_path / "notes.md"       # not matched by the hook's pattern: never checked
    notes.write_text("not an input")
    ok = _run_hook(hook, [good, notes], tmp_path)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    bad = _run_hook(hook, [good, bad_feed, notes], tmp_path)
    assert bad.returncode == 1
    assert "bad feed.jsonl:2" in bad.stdout and "bad feed.jsonl:3" in bad.stdout


def test_text_report_caps_its_table_but_counts_every_failure(monkeypatch):
    import cleaner.check as check

    monkeypatch.setattr(check, "TEXT_MAX_ROWS", 2)
    fails = [Failure("f.jsonl", i, "read", ["read.invalid_json"], ["invalid JSON"], "x") for i in range(1, 6)]
    text = render(CheckResult(files={"f.jsonl": 5}, inputs=5, failures=fails), "text", width=200)
    assert "f.jsonl:2" in text and "f.jsonl:3" not in text
    assert "… and 3 more failing records" in text and "5 failed" in text


def test_two_workers_give_the_same_report_as_one(bad_feed, monkeypatch):
    import cleaner.stream
    from cleaner.executors import make_executor

    monkeypatch.setattr(cleaner.stream, "SHARD_MIN_BYTES", 4_000)   # small shards: several per worker
    files = [SAMPLES, bad_feed]
    assert len(cleaner.stream.plan_shards(files)[0]) > 2
    one = run_check(files, executor=make_executor("local", 1))
    two = run_check(files, executor=make_executor("local", 2))
    assert render(one, "json") == render(two, "json")
    assert one.quarantined == 3 and one.inputs > 10


def test_check_reports_the_duplicates_run_would_find(tmp_path):
    """An exact copy (other case) and a near copy (one paragraph rewritten, as another outlet's edit)
    of a seed story: `check` counts two duplicates, as `cleaner run` does, and passes the rest."""
    from cleaner.executors import InlineExecutor
    from cleaner.pipeline import build

    text = GOOD.read_text(encoding="utf-8")
    longest = max(text.split("\n"), key=len)
    near = text.replace(longest, "In a development that surprised many observers, new details emerged on Monday.")
    feed = tmp_path / "in" / "copies.jsonl"
    feed.parent.mkdir()
    feed.write_text("\n".join(json.dumps({"id": i, "text": t}) for i, t in [("story", text), ("copy", text.upper()), ("edit", near)]) + "\n",
                    encoding="utf-8")
    other = SAMPLES / "001_8adc84072993be0f.txt"
    result = run_check([feed.parent, other])
    assert (result.inputs, result.passed, result.duplicates, result.quarantined) == (4, 2, 2, 0)
    _, tally = build([feed.parent, other], tmp_path / "out", "ds", "v1", executor=InlineExecutor())
    assert (tally.ledger.published, tally.ledger.duplicates) == (result.passed, result.duplicates)
