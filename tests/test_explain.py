"""`cleaner explain`: an input shown line by line with each removal marked by category and rule."""
from __future__ import annotations

import io
import json
import re
from pathlib import Path

from rich.console import Console
from typer.testing import CliRunner

from cleaner.cli import app
from cleaner.explain import Explained, explain_file, render_plain, render_rich
from cleaner.records import Article, Label, Removal, Source

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "cleaner" / "data" / "samples"
SEED = SAMPLES / "000_dbd554452a004b69.txt"     # a real scraped article with captions and a footer
PAGE = SAMPLES / "005_harbour_ferry.html"
FEED = SAMPLES / "006_wire_feed.jsonl"
runner = CliRunner()


def test_every_line_of_a_text_input_is_shown_kept_or_marked():
    [ex] = explain_file(SEED)
    article = ex.article
    kept = [m.text for m in ex.lines if m.label is None]
    assert "\n\n".join(kept) == article.text
    assert [Removal(m.label, m.text, m.index) for m in ex.lines if m.label] == sorted(article.removals, key=lambda r: r.line)
    assert len(ex.lines) == len(kept) + len(article.removals)


def test_piped_output_marks_removed_lines_with_category_and_rule():
    result = runner.invoke(app, ["explain", str(SEED)])
    assert result.exit_code == 0
    out = result.stdout
    assert "- L1     [title meta.title] China’s Anti-War Movement" in out
    assert re.search(r"^- L\d+ +\[caption caption\.\w+\] A man reacts inside a vehicle", out, re.M)
    assert re.search(r"^- L\d+ +\[ad ad\.\w+\] Sponsored Content$", out, re.M)
    assert re.search(r"^  L\d+ +A group of over 130 alumni", out, re.M)   # body lines carry no marker
    assert "\x1b[" not in out                                            # no colour codes when piped
    assert "verdict:   meets the contract" in out


def test_html_input_shows_its_blocks_and_the_metadata_found():
    result = runner.invoke(app, ["explain", str(PAGE)])
    out = result.stdout
    assert "authors:   Maren Holt; Tomas Reyes" in out and "published: 2024-03-14" in out
    assert re.search(r"^- L\d+ +\[caption html\.figcaption\] The ferry Skylark sits in dry dock", out, re.M)
    assert re.search(r"^  L\d+ +The harbour’s passenger ferry will carry", out, re.M)


def test_record_option_picks_one_jsonl_line():
    result = runner.invoke(app, ["explain", str(FEED), "--record", "2"])
    assert result.exit_code == 0
    assert result.stdout.count("== ") == 1 and f"{FEED}:2 (jsonl, id wire-0002)" in result.stdout


def test_a_record_that_fails_the_contract_says_why(tmp_path):
    feed = tmp_path / "f.jsonl"
    feed.write_text(json.dumps({"title": "Short", "text": "Too short to be a story."}) + "\n{oops\n")
    out = runner.invoke(app, ["explain", str(feed)]).stdout
    assert "quarantined at validate: body_long_enough" in out
    assert "quarantined at read: read.invalid_json" in out


def test_missing_file_or_record_is_exit_2(tmp_path):
    assert runner.invoke(app, ["explain", str(tmp_path / "nope.txt")]).exit_code == 2
    assert runner.invoke(app, ["explain", str(FEED), "--record", "99"]).exit_code == 2


def test_terminal_output_colours_removed_lines():
    console = Console(file=io.StringIO(), force_terminal=True, color_system="standard", width=200, record=True)
    render_rich(explain_file(FEED, 2), console)
    ansi = console.export_text(styles=True, clear=False)
    plain = console.export_text()
    assert "[copyright copyright.notice]" in plain
    copyright_line = next(line for line in ansi.splitlines() if "Wire Example" in line)
    assert "\x1b[9" in copyright_line or ";9" in copyright_line        # struck through
    body_line = next(line for line in ansi.splitlines() if "central library" in line)
    assert "\x1b[9" not in body_line and ";9m" not in body_line


def test_without_kept_line_indices_kept_paragraphs_fill_the_free_line_numbers():
    a = Article(id="x", source=Source("x.txt", "0" * 64), text="One.\n\nTwo.\n\nThree.",
                removals=[Removal(Label("title", "meta.title"), "T", 0), Removal(Label("ad", "ad.label"), "Ad", 3)])
    lines = a.lines  # no `text_lines`: the article was built by hand, not cleaned
    assert [(m.index, m.text) for m in lines] == [(0, "T"), (1, "One."), (2, "Two."), (3, "Ad"), (4, "Three.")]
    text = render_plain([Explained(a.source, a, lines)])
    assert "- L4     [ad ad.label] Ad\n  L5     Three." in text and "3 lines kept, 2 removed" in text
