"""Fuzzing the readers and the cleaner with arbitrary bytes and text (hypothesis).

Whatever bytes a file holds, under whatever supported name: `read_file` yields records and never
raises; each record is an `Article` or a `Quarantined` with a known check, a reason and a message
naming the file and the record; every article cleans without an exception; the cleaned title and
text hold only words of the (repaired) input; kept lines and removals rebuild the repaired input;
cleaning the output again changes nothing; and a build over such files publishes a version whose
counts add up and which verifies. tests/test_properties.py covers the cleaner on generated
documents; here the input comes through the readers, from bytes.
"""
from __future__ import annotations

import gzip
import json
import os
import re
import shutil
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cleaner.clean import clean_article
from cleaner.executors import InlineExecutor
from cleaner.pipeline import build
from cleaner.publish.manifest import verify
from cleaner.read import CHECKS, read_file
from cleaner.records import Article, Quarantined
from cleaner.repair import repair

SUFFIXES = [".txt", ".text", ".html", ".htm", ".jsonl", ".ndjson", ".json",
            ".txt.gz", ".html.gz", ".jsonl.gz", ".json.gz"]
ENCODINGS = ["utf-8", "utf-16", "utf-16-be", "utf-32", "cp1252", "latin-1", "cp1251", "koi8-r",
             "shift_jis", "gb18030", "utf-8-sig"]

SNIPPETS = [
    "The council voted on Tuesday to close the old bridge for repairs, officials said.",
    "By Jane Doe", "Related Articles", "(AP Photo/Jon Roe)", "Sponsored Content", "Back to top button",
    "It\u00e2\u20ac\u2122s a caf\u00c3\u00a9 with&nbsp;tables", "\u00a0\u200b\ufeff", "\r\n", "\n\n", "\t",
    "<p>", "</p>", "<div>", "</div>", "<script>alert(1)</script>", "<figcaption>A caption.</figcaption>",
    "<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>", "&e;", "<?xml version='1.0'?>",
    "<meta charset='koi8-r'>", "<title>T</title>", "<h1>Headline</h1>", "<!--", "-->", "<![CDATA[", "]]>",
    '<script type="application/ld+json">{"@type": "NewsArticle", "headline": ', "}</script>",
    '{"text": "', '", "title": ', "null", "[", "]", "{", "}", ",", '"', "\\ud800", "\\u00e9",
]
text_pieces = st.lists(st.one_of(st.sampled_from(SNIPPETS), st.text(max_size=30)), max_size=25).map("".join)
encoded_text = st.tuples(text_pieces, st.sampled_from(ENCODINGS)).map(
    lambda te: te[0].encode(te[1], "replace") if te[1] != "utf-8" else te[0].encode("utf-8", "surrogatepass"))

json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=40),
                         st.sampled_from(SNIPPETS))
json_values = st.recursive(json_scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                                 st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                           max_leaves=12)
known_keys = st.sampled_from(["id", "text", "html", "title", "subtitle", "authors", "url", "published", "date",
                              "language", "site_name", "extra"])
json_records = st.dictionaries(known_keys, json_values, max_size=7)
json_lines = st.lists(st.one_of(json_records.map(json.dumps), json_values.map(json.dumps), text_pieces),
                      max_size=6).map(lambda ls: "\n".join(ls).encode("utf-8", "surrogatepass"))

payloads = st.one_of(st.binary(max_size=2000), encoded_text, json_lines)


@st.composite
def files(draw) -> tuple[str, bytes]:
    """A file name with a supported suffix and bytes for it: arbitrary, or gzip (whole or cut short)
    of arbitrary bytes for the .gz names."""
    suffix = draw(st.sampled_from(SUFFIXES))
    data = draw(payloads)
    if suffix.endswith(".gz"):
        how = draw(st.sampled_from(["whole", "truncated", "raw"]))
        if how != "raw":
            data = gzip.compress(data, mtime=0)
            if how == "truncated":
                data = data[:draw(st.integers(0, max(0, len(data) - 1)))]
    return "input" + suffix, data


#: `FUZZ_EXAMPLES=5000 python -m pytest tests/test_fuzz.py` for a long, random run. The default is
#: short and derandomized (the same examples every time), so the suite is fast and not flaky.
LONG = "FUZZ_EXAMPLES" in os.environ
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "150"))
_RUN = {} if LONG else {"derandomize": True, "database": None}
fuzz = settings(max_examples=EXAMPLES, deadline=None, **_RUN,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.data_too_large])
_WORD = re.compile(r"\w+")


def _words(text: str) -> Counter:
    return Counter(w.casefold() for w in _WORD.findall(text))


def _read(folder: Path, name: str, data: bytes) -> tuple[Path, list]:
    for old in folder.iterdir():
        old.unlink()
    path = folder / name
    path.write_bytes(data)
    return path, list(read_file(path))


def _check_records(path: Path, records: list) -> None:
    assert records, "every file gives at least one record (an article or a quarantine entry)"
    indexes = [r.source.index for r in records]
    assert indexes == sorted(set(indexes)) and indexes[0] >= 1
    if not path.name.split(".", 1)[1].startswith(("json", "ndjson")):
        assert len(records) == 1                   # a .txt or .html file is one article
    for rec in records:
        assert rec.source.path == str(path)
        assert isinstance(rec, (Article, Quarantined))
        if isinstance(rec, Quarantined):
            assert rec.stage == "read" and rec.checks and len(rec.checks) == len(rec.reasons)
            assert set(rec.checks) <= set(CHECKS), rec.checks
            assert rec.message.startswith(f"{path}:{rec.source.index}: ") and all(r.strip() for r in rec.reasons)
        else:
            assert isinstance(rec.raw, str) and rec.content_type in ("text", "html")


@fuzz
@given(files())
def test_readers_never_raise_and_every_record_is_an_article_or_has_a_reason(tmp_path, file):
    path, records = _read(tmp_path, *file)
    _check_records(path, records)


@fuzz
@given(files())
def test_every_article_a_reader_gives_cleans_without_an_exception(tmp_path, file):
    _, records = _read(tmp_path, *file)
    for rec in records:
        if isinstance(rec, Article):
            cleaned = clean_article(rec)
            assert isinstance(cleaned.text, str)


def _text_articles(records: list) -> list[Article]:
    return [r for r in records if isinstance(r, Article) and r.content_type == "text"]


text_files = st.tuples(st.sampled_from(["input.txt", "input.jsonl", "input.txt.gz"]), payloads)


@fuzz
@given(text_files)
def test_cleaning_read_bytes_never_adds_words_and_kept_plus_removed_rebuild_the_input(tmp_path, file):
    name, data = file
    if name.endswith(".gz"):
        data = gzip.compress(data, mtime=0)
    _, records = _read(tmp_path, name, data)
    for article in _text_articles(records):
        raw, given_title = article.raw, article.title
        cleaned = clean_article(article)
        available = _words(repair(raw)) + _words(repair(given_title or ""))
        assert not (_words(cleaned.text) + _words(cleaned.title or "")) - available
        repaired = [line.strip() for line in repair(raw).split("\n") if line.strip()]
        kept = [p for p in cleaned.text.split("\n\n") if p]
        assert Counter(kept) + Counter(r.text for r in cleaned.removals) == Counter(repaired)


@fuzz
@given(text_files)
@example(("input.txt", b"\xc2\x8d\xc3\x82\xc2\x80"))   # a C1 control dropped after ftfy made new mojibake
def test_cleaning_read_bytes_twice_changes_nothing(tmp_path, file):
    name, data = file
    if name.endswith(".gz"):
        data = gzip.compress(data, mtime=0)
    _, records = _read(tmp_path, name, data)
    for article in _text_articles(records):
        once = clean_article(article)
        again = clean_article(Article(id=once.id, source=once.source, raw=once.text, title=once.title))
        assert (again.text, again.title) == (once.text, once.title)


@settings(max_examples=max(12, EXAMPLES // 12), deadline=None, **_RUN,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.data_too_large])
@given(st.lists(files(), min_size=1, max_size=6))
def test_a_build_over_fuzzed_files_balances_its_counts_and_verifies(tmp_path, batch):
    folder, out = tmp_path / "in", tmp_path / "out"
    for p in (folder, out):
        shutil.rmtree(p, ignore_errors=True)
    folder.mkdir()
    for i, (name, data) in enumerate(batch):
        (folder / f"{i:02d}-{name}").write_bytes(data)
    version, tally = build([folder], out, "fuzz", "v1", executor=InlineExecutor())
    counts = json.loads((version / "manifest.json").read_text(encoding="utf-8"))["counts"]
    assert counts["balanced"] and counts["inputs"] >= len(batch)
    assert verify(version) == []


# Found by a long fuzz run: a JSON-looking first line becomes the title, the story line is kept
# after the junk line next to it is removed as `context.head`; cleaned again, with the story line
# now first and alone, no line is long enough to be the core, and `context.before_core` removes it.
KNOWN_NOT_IDEMPOTENT = (b'{}\n{"id": {"0": null}}\nThe council voted on Tuesday to close the old bridge for repairs, '
                        b'officials said.<?xml version=\'1.0\'?>\n{"id": null, "text": null, "html": null, "title": [], '
                        b'"subtitle": [], "authors": {"0": null, "0\\u001f\\u0007\\u0007\\ud800\\udc00": null, '
                        b'"0\\u001f\\u0007\\u001f\\u001f\\ud801\\udfca\\udb7e\\udf11\\udbb3\\udfb1": null, '
                        b'"\\u00dd\\ud80f\\ude23\\u00c0\\ud855\\uddf3\\udaf5\\ude42\\u00d7\\ud9e1\\udd6e\\\\": false}, '
                        b'"url": {"0\\u001f\\u001f\\u001f\\u001f\\u001f\\ud800\\udc00": false, '
                        b'"0": {"0\\u001f\\u001f\\u000b\\u0007\\ud800\\udc00": false}}}')


def test_known_case_where_cleaning_twice_loses_the_story_line(tmp_path):
    """Was a strict xfail: with no stretch that reads as story, context now decides nothing."""
    _, records = _read(tmp_path, "input.txt", KNOWN_NOT_IDEMPOTENT)
    (article,) = _text_articles(records)
    once = clean_article(article)
    assert once.text.startswith("The council voted")
    again = clean_article(Article(id=once.id, source=once.source, raw=once.text, title=once.title))
    assert again.text == once.text
