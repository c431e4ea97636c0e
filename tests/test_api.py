"""The Python API (`cleaner/__init__.py`) gives what the command line gives on the same input.

Real pages: the first ScrapingHub pages and seed articles (sorted by name) from ../shared, cleaned
once by `python -m cleaner clean` in a subprocess and once by `clean_html`/`clean_text` here.
"""
from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLES, SEEDS, SHARED, needs_shared

import cleaner
from cleaner import CleanerError, RefusedRecord, clean_html, clean_inputs, clean_text

SCRAPINGHUB = SHARED / "benchmarks" / "scrapinghub" / "html"
PAGES = 6


def _cli_lines(paths: list[Path]) -> list[dict]:
    """The records `cleaner clean PATHS` writes, in order."""
    proc = subprocess.run([sys.executable, "-m", "cleaner", "clean", *map(str, paths), "--workers", "1"],
                          capture_output=True, text=True, cwd=ROOT, check=False)
    assert proc.returncode in (0, 1), proc.stderr
    return [json.loads(line) for line in proc.stdout.splitlines()]


def _cli_records(paths: list[Path]) -> dict[str, dict]:
    """`cleaner clean PATHS` (one record a file) as {source_path: record}."""
    return {r["source_path"]: r for r in _cli_lines(paths)}


@needs_shared
def test_clean_html_gives_what_cleaner_clean_writes_on_real_scrapinghub_pages():
    pages = sorted(SCRAPINGHUB.glob("*.html.gz"))[:PAGES]
    cli = _cli_records(pages)
    assert len(cli) == PAGES
    removed = 0
    for page in pages:
        got = clean_html(gzip.decompress(page.read_bytes()), name=str(page)).to_dict()
        assert got == cli[str(page)], page.name
        assert got["text"]
        removed += len(got["removals"])
    assert removed > 0


@needs_shared
def test_clean_text_gives_what_cleaner_clean_writes_on_the_seed_articles():
    seeds = sorted(SEEDS.glob("*.txt"))[:3]
    cli = _cli_records(seeds)
    for seed in seeds:
        assert clean_text(seed.read_bytes(), name=str(seed)).to_dict() == cli[str(seed)], seed.name
        text = seed.read_text(encoding="utf-8")  # the same article given as a string: same fields
        assert clean_text(text, name=str(seed)).to_dict() == cli[str(seed)], seed.name


def test_clean_text_with_a_title_reads_as_a_json_record_with_that_title(tmp_path):
    body = ("The council voted on Tuesday to close the old bridge for repairs next spring, officials said.\n\n"
            "Traffic will be sent over the new bridge.\n\nShare this article")
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"title": "Bridge to close", "text": body}) + "\n", encoding="utf-8")
    [via_cli] = _cli_records([feed]).values()
    got = clean_text(body, title="Bridge to close").to_dict()
    assert {k: v for k, v in got.items() if k not in ("id", "source_path")} == \
           {k: v for k, v in via_cli.items() if k not in ("id", "source_path")}
    assert got["title"] == "Bridge to close" and "Share this article" not in got["text"]


def test_clean_inputs_is_what_cleaner_clean_writes_on_the_shipped_samples():
    cli = _cli_lines([SAMPLES])
    api = [r.to_dict() for r in clean_inputs([SAMPLES]) if isinstance(r, cleaner.Article)]
    assert api == cli and len(api) >= 8


def test_a_page_nested_too_deeply_is_refused_with_the_check_a_run_quarantines_it_under():
    page = "<html><body>" + "<div>" * 3000 + "<p>deep</p>" + "</div>" * 3000 + "</body></html>"
    with pytest.raises(RefusedRecord) as info:
        clean_html(page)
    assert info.value.check == "clean.html_too_deep" and isinstance(info.value, CleanerError)
    from cleaner.html.extract import PageTooDeep
    assert isinstance(info.value, PageTooDeep)


@pytest.mark.parametrize("content, check", [
    ("", "read.empty_file"), (" \n\t", "read.empty_file"),
    (b"\x89PNG\r\n\x1a\n" + bytes(64), "read.binary"),
])
def test_refused_input_raises_one_base_exception_naming_the_check(content, check):
    for clean in (clean_html, clean_text):
        with pytest.raises(CleanerError) as info:
            clean(content)
        assert info.value.check == check and "<" in str(info.value)


def test_bytes_not_in_utf8_are_decoded_as_the_reader_decodes_a_file(tmp_path):
    text = ("Café crème\n\nLe conseil municipal a voté mardi la fermeture du vieux pont pour des travaux "
            "au printemps prochain, a-t-on appris.")
    page = tmp_path / "cafe.txt"
    page.write_bytes(text.encode("cp1252"))
    [via_cli] = _cli_records([page]).values()
    got = clean_text(page.read_bytes(), name=str(page)).to_dict()
    assert got == via_cli and got["extra"]["encoding"] == "cp1252"


def test_build_publishes_what_cleaner_run_publishes_and_verify_checks_it(tmp_path):
    path, ledger = cleaner.build([SAMPLES], tmp_path / "api", "news-sample", workers=1)
    proc = subprocess.run([sys.executable, "-m", "cleaner", "run", "--out", str(tmp_path / "cli"), "--workers", "1"],
                          capture_output=True, text=True, cwd=ROOT, check=False)
    assert proc.returncode == 0, proc.stderr
    cli_path = tmp_path / "cli" / "news-sample" / path.name
    assert ledger.balanced() and ledger.published > 0
    for folder in ("data", "removals", "quarantine", "duplicates"):
        ours = sorted(p.relative_to(path) for p in (path / folder).glob("*.parquet"))
        assert ours == sorted(p.relative_to(cli_path) for p in (cli_path / folder).glob("*.parquet"))
        for rel in ours:
            assert (path / rel).read_bytes() == (cli_path / rel).read_bytes(), rel
    assert cleaner.verify(path) == []
    data = next((path / "data").glob("*.parquet"))
    data.write_bytes(data.read_bytes() + b"x")
    assert cleaner.verify(path) != []


def test_every_name_in_all_is_documented_and_importing_cleaner_loads_no_stage():
    for name in cleaner.__all__:
        obj = getattr(cleaner, name)
        if callable(obj) and name != "__version__":
            assert (obj.__doc__ or "").strip(), name
    code = ("import sys, cleaner; loaded = sorted(m for m in sys.modules if m.startswith('cleaner.'));"
            "print(loaded)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert out.strip() == "['cleaner.errors']"
