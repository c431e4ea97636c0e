"""Cross-document frequency wired into the cleaning commands, on site batches built from real pages.

The fixtures (`scripts/make_site_batch.py`): the chrome of one real ScrapingHub page (space.com: its
menus, newsletter box, footer and related links, as its visible text and as its own HTML) around
the ground-truth bodies of four other ScrapingHub pages, and an AP story as wire copy.
"""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import lxml.html
import pytest

import cleaner.stream
from cleaner.classify import norm
from cleaner.config import DEFAULT_CONFIG
from cleaner.crossdoc import LineCounts, count_shard, census_shard, page_lines, site_commons, site_of
from cleaner.executors import DaskExecutor, InlineExecutor, LocalExecutor
from cleaner.records import Article, Source
from cleaner.stream import checked_records, plan_shards

CASES = Path(__file__).parent / "cases"
SITE = json.loads((CASES / "crossdoc_site.json").read_text(encoding="utf-8"))
CHROME = SITE["chrome_head"] + SITE["chrome_tail"]
OFF = DEFAULT_CONFIG.with_(crossdoc_min_docs=0)


def _text_page(title: str, body: list[str]) -> str:
    """A scraped page's text: its headline, the site's header, the story, the site's footer."""
    return "\n".join([title, "", *SITE["chrome_head"], "", "\n\n".join(body), "", *SITE["chrome_tail"]]) + "\n"


def _html_page(title: str, body: list[str], url: str) -> str:
    """The real space.com page with its story's paragraphs replaced by `body`."""
    raw = gzip.decompress((CASES / "crossdoc_chrome_space_com.html.gz").read_bytes()).decode("utf-8")
    root = lxml.html.fromstring(raw)
    own = {norm(p) for p in SITE["own_body"]}  # the chrome page's own story, to be replaced
    paragraphs = [p for p in root.iter("p") if norm(p.text_content()) in own]
    story = paragraphs[0].getparent()
    assert all(p.getparent() is story for p in paragraphs)
    at = story.index(paragraphs[0])
    for p in paragraphs:
        story.remove(p)
    for k, text in enumerate(body):
        el = lxml.html.Element("p")
        el.text = text
        story.insert(at + k, el)
    for h1 in root.iter("h1"):
        h1.text = title
        for child in list(h1):
            h1.remove(child)
    for link in root.iter("link", "meta"):
        if link.get("rel") == "canonical":
            link.set("href", url)
        if link.get("property") == "og:url":
            link.set("content", url)
    return lxml.html.tostring(root, encoding="unicode")


def _texts(folder: Path, config=DEFAULT_CONFIG, executor=None) -> dict[str, Article]:
    return {Path(a.source.path).name: a for a in checked_records([folder], config, executor, validate=False)
            if isinstance(a, Article)}


def _paragraphs(a: Article) -> set[str]:
    return {norm(t) for t in a.text.split("\n\n")}


@pytest.fixture(scope="module")
def text_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("text_site")
    (root / "site").mkdir()
    for k, page in enumerate(SITE["pages"]):
        (root / "site" / f"page{k}.txt").write_text(_text_page(page["title"], page["body"]), encoding="utf-8")
    return root


def test_a_sites_real_chrome_around_real_bodies_goes_as_crossdoc_and_every_body_line_stays(text_site):
    got = _texts(text_site)
    assert len(got) == len(SITE["pages"])
    chrome = {norm(line) for line in CHROME}
    for k, page in enumerate(SITE["pages"]):
        a = got[f"page{k}.txt"]
        kept = _paragraphs(a)
        assert all(norm(p) in kept for p in page["body"]), f"page{k}: a body line was lost"
        assert not kept & chrome, f"page{k}: chrome left: {sorted(kept & chrome)[:3]}"
        crossdoc = [r.text for r in a.removals if r.rule == "context.crossdoc"]
        assert crossdoc and all(norm(t) in chrome for t in crossdoc)
    # Without the counts, the chrome next to the story reads as part of it: the signal is what removes it.
    leaked = set.union(*(_paragraphs(a) for a in _texts(text_site, OFF).values())) & chrome
    assert any("no spam, we promise" in t for t in leaked)


def test_a_wire_story_repeated_on_many_pages_of_the_site_stays_whole(tmp_path):
    """Syndicated copy: the same AP story on half the site's pages, alone or after a local lede."""
    wire = SITE["wire"]
    (tmp_path / "site").mkdir()
    for k, page in enumerate(SITE["pages"]):
        (tmp_path / "site" / f"own{k}.txt").write_text(_text_page(page["title"], page["body"]), encoding="utf-8")
        lede = [page["body"][0]] if k % 2 else []
        (tmp_path / "site" / f"wire{k}.txt").write_text(_text_page(wire["title"], lede + wire["body"]), encoding="utf-8")
    got = _texts(tmp_path)
    chrome = {norm(line) for line in CHROME}
    for k in range(len(SITE["pages"])):
        a = got[f"wire{k}.txt"]
        kept = _paragraphs(a)
        # Every line of the story with a word in it. Its closing "___" rule, no text, now goes as
        # context.after_core: the story ends where it does, no longer stretched by the footer's prose.
        lost = [p for p in wire["body"] if norm(p) not in kept and any(c.isalnum() for c in p)]
        assert not lost, f"wire{k}: lost {lost[:2]}"
        assert not kept & chrome
    assert any(r.rule == "context.crossdoc" for r in got["wire0.txt"].removals)


def test_html_pages_of_one_site_lose_the_chrome_inside_the_story_region_and_no_body_line(tmp_path):
    """The real space.com markup around other stories: the related links and forum box the page
    puts inside its article element recur on every page and go; without the counts they stay."""
    (tmp_path / "site").mkdir()
    for k, page in enumerate(SITE["pages"]):
        html = _html_page(page["title"], page["body"], f"https://www.space.com/story-{k}.html")
        (tmp_path / "site" / f"page{k}.html").write_text(html, encoding="utf-8")
    with_counts, without = _texts(tmp_path), _texts(tmp_path, OFF)
    extra_with = extra_without = 0
    for k, page in enumerate(SITE["pages"]):
        body = {norm(p) for p in page["body"]}
        assert body <= _paragraphs(with_counts[f"page{k}.html"]), f"page{k}: a body line was lost"
        extra_with += len(_paragraphs(with_counts[f"page{k}.html"]) - body)
        extra_without += len(_paragraphs(without[f"page{k}.html"]) - body)
    assert extra_with == 0 < extra_without
    assert {site_of(a) for a in with_counts.values()} == {"space.com"}


def _mixed_site(folder: Path) -> Path:
    """Text pages of one folder, HTML pages of one host, and a JSONL feed of several hosts."""
    (folder / "text").mkdir()
    (folder / "html").mkdir()
    for k, page in enumerate(SITE["pages"]):
        (folder / "text" / f"page{k}.txt").write_text(_text_page(page["title"], page["body"]), encoding="utf-8")
        (folder / "html" / f"page{k}.html").write_text(
            _html_page(page["title"], page["body"], f"https://www.space.com/story-{k}.html"), encoding="utf-8")
    with open(folder / "feed.jsonl", "w", encoding="utf-8") as feed:
        for k, page in enumerate(SITE["pages"] * 2):
            host = "a.example" if k % 2 else "b.example"
            feed.write(json.dumps({"url": f"https://{host}/{k}", "title": page["title"],
                                   "text": _text_page(page["title"], page["body"])}) + "\n")
    return folder


def test_the_output_is_the_same_whatever_the_workers_or_the_executor(tmp_path, monkeypatch):
    monkeypatch.setattr(cleaner.stream, "SHARD_MIN_BYTES", 20_000)  # several shards, each counted apart
    folder = _mixed_site(tmp_path)
    assert len(plan_shards([folder])[0]) >= 3
    runs = {}
    for name, executor in (("inline", None), ("one", LocalExecutor(1)), ("two", LocalExecutor(2)),
                           ("dask", DaskExecutor(None, 2))):
        if name == "dask":
            pytest.importorskip("distributed")
        runs[name] = [json.dumps(a.to_dict(), sort_keys=True) if isinstance(a, Article) else a.message
                      for a in checked_records([folder], DEFAULT_CONFIG, executor, validate=False)]
    assert runs["inline"] == runs["one"] == runs["two"] == runs["dask"]
    assert sum('"context.crossdoc"' in r for r in runs["two"]) >= 3 * len(SITE["pages"])


def test_shard_counts_merge_to_the_counts_of_the_whole(tmp_path):
    """Counts are additive: the shards' merged counts give the same common lines as one count."""
    folder = _mixed_site(tmp_path)
    shards, _ = plan_shards([folder], shard_bytes=1)
    whole = count_shard((plan_shards([folder], shard_bytes=1 << 30)[0][0], frozenset({f"folder:{folder / 'text'}"})),
                        DEFAULT_CONFIG)
    merged = LineCounts()
    for shard in reversed(shards):
        merged.merge(count_shard((shard, frozenset({f"folder:{folder / 'text'}"})), DEFAULT_CONFIG))
    site = f"folder:{folder / 'text'}"
    assert merged.pages == whole.pages and merged.pages[site] == len(SITE["pages"])
    assert merged.common(site).keys == whole.common(site).keys
    assert all(norm(line) in merged.common(site) for line in CHROME if any(c.isalnum() for c in line))
    assert not any(norm(p) in merged.common(site) for page in SITE["pages"] for p in page["body"])
    assert sum(census_shard(s).total() for s in shards) == 4 * len(SITE["pages"])  # text, html, feed twice


@pytest.mark.parametrize("seed", range(4))
def test_small_counts_without_numpy_are_the_counts_with_it(seed, monkeypatch):
    """`LineCounts` below `NUMPY_FROM` entries compacts, merges and finds the common lines in plain
    Python: the same arrays and the same common lines as numpy's path, on shards of varied sites
    (repeated lines, lines of several sites, a site under `min_docs`)."""
    import random

    import cleaner.crossdoc as C

    rng = random.Random(seed)
    lines = [f"line {i}" for i in range(40)]
    shards = []
    for _ in range(rng.randint(1, 5)):
        docs = [(rng.choice(["a.example", "b.example", "c.example", "tiny.example"]),
                 rng.choices(lines, k=rng.randint(0, 30))) for _ in range(rng.randint(5, 25))]
        shards.append(docs)

    def build():
        total = LineCounts(min_docs=3, min_share=0.3)
        for docs in shards:
            counts = LineCounts(min_docs=3, min_share=0.3)
            for site, page in docs:
                counts.add(site, page)
            counts._compact()
            total.merge(counts)
        sites = ["a.example", "b.example", "c.example", "tiny.example", "absent.example"]
        common = total.commons(sites)
        return ((list(total._keys), list(total._sites), list(total._counts), total.distinct),
                {s: c.keys for s, c in common.items()})

    small = build()
    monkeypatch.setattr(C, "NUMPY_FROM", 0)
    assert build() == small
    assert any(small[1].values())


@pytest.mark.parametrize("shard_bytes", [1, 1 << 30])
def test_the_count_reads_only_the_files_that_can_hold_a_counted_site(tmp_path, monkeypatch, shard_bytes):
    """The count pass skips the files whose records are all of uncounted sites (`Census.files`):
    the same common lines as counting every file again, with the lone pages read once."""
    import cleaner.crossdoc as C

    folder = _mixed_site(tmp_path)
    (folder / "lone").mkdir()
    for k in range(3):  # three pages of three sites, none crowded
        (folder / "lone" / f"p{k}.html").write_text(
            _html_page("Lone", SITE["pages"][k]["body"], f"https://lone{k}.example/story.html"), encoding="utf-8")
    shards, _ = plan_shards([folder], shard_bytes=shard_bytes)
    read: list[str] = []
    real_read_file = C.read_file
    monkeypatch.setattr(C, "read_file", lambda path, *a, **k: read.append(str(path)) or real_read_file(path, *a, **k))
    with InlineExecutor() as ex:
        got = site_commons(shards, DEFAULT_CONFIG, ex)
    lone_reads = [p for p in read if "/lone/" in p]
    feed_reads = sum(p.endswith("feed.jsonl") for p in read)
    monkeypatch.setattr(C, "_files_of", lambda census, sites: None)
    with InlineExecutor() as ex:
        every = site_commons(shards, DEFAULT_CONFIG, ex)
    assert [{s: c.keys for s, c in d.items()} for d in got] == [{s: c.keys for s, c in d.items()} for d in every]
    assert any(got) and len(lone_reads) == 3  # read by the census only
    assert feed_reads == 2 * sum(p.endswith("feed.jsonl") for s in shards for p in s.paths)  # of many sites: read again


def test_the_count_s_reads_without_ids_are_the_records_with_their_ids_left_out(tmp_path):
    """`read_file(..., ids=False)`, as the census and the count read: the same records, a page's
    and a text's id left empty (their hash of the whole text is what it saves)."""
    import dataclasses

    from cleaner.read import iter_input_files, read_file

    folder = _mixed_site(tmp_path)
    (folder / "empty.txt").write_text("  \n", encoding="utf-8")
    for path in iter_input_files([folder]):
        with_ids, without = list(read_file(path, DEFAULT_CONFIG)), list(read_file(path, DEFAULT_CONFIG, ids=False))
        assert len(with_ids) == len(without)
        for a, b in zip(with_ids, without):
            assert type(a) is type(b)
            if isinstance(a, Article) and b.id == "":
                assert a.id and path.suffix in (".html", ".txt")
                b = dataclasses.replace(b, id=a.id)
            assert a == b


def test_each_shard_is_sent_only_its_own_sites_common_lines(tmp_path):
    folder = _mixed_site(tmp_path)
    shards, _ = plan_shards([folder], shard_bytes=1)
    with InlineExecutor() as ex:
        commons = site_commons(shards, DEFAULT_CONFIG, ex)
    by_path: dict[str, set] = {}  # the feed is cut into pieces (one a line at this size): their sites together
    for s, c in zip(shards, commons):
        by_path.setdefault(s.paths[0], set()).update(c)
    assert set(by_path[str(folder / "feed.jsonl")]) == {"a.example", "b.example"}
    assert set(by_path[str(folder / "html" / "page0.html")]) == {"space.com"}
    assert set(by_path[str(folder / "text" / "page0.txt")]) == {f"folder:{folder / 'text'}"}


def test_one_document_or_too_few_pages_of_a_site_is_not_counted(tmp_path, monkeypatch):
    """A single file is cleaned with no counting pass (fast start); so is a site below min_docs."""
    calls = []
    monkeypatch.setattr("cleaner.crossdoc.census_shard", lambda *a: calls.append(a) or {})
    page = SITE["pages"][0]
    one = tmp_path / "one.txt"
    one.write_text(_text_page(page["title"], page["body"]), encoding="utf-8")
    assert len(list(checked_records([one], DEFAULT_CONFIG))) == 1 and not calls
    monkeypatch.undo()
    (tmp_path / "two").mkdir()
    for k in range(2):  # two pages: fewer than min_docs, so nothing recurs "across the site"
        (tmp_path / "two" / f"p{k}.txt").write_text(_text_page(SITE["pages"][k]["title"], SITE["pages"][k]["body"]),
                                                    encoding="utf-8")
    for a in checked_records([tmp_path / "two"], DEFAULT_CONFIG, validate=False):
        assert not any(r.rule == "context.crossdoc" for r in a.removals)


def test_page_lines_are_the_lines_the_classifier_sees():
    """What is counted for a page is what its cleaning classifies: the same texts, so the hashes meet."""
    page = SITE["pages"][0]
    raw = _html_page(page["title"], page["body"], "https://www.space.com/x.html")
    a = Article(id="x", source=Source("x.html", "0" * 64, 1, "html"), raw=raw, content_type="html")
    counted = {norm(t) for t in page_lines(a)}
    from cleaner.clean import clean_article
    cleaned = clean_article(Article(id="x", source=Source("x.html", "0" * 64, 1, "html"), raw=raw, content_type="html"))
    assert _paragraphs(cleaned) <= counted
    assert {norm(r.text) for r in cleaned.removals if r.rule != "meta.title"} <= counted
    assert site_of(a) == "space.com"


@pytest.mark.parametrize("raw", ["Title\n\n  Body one.  \n\n\nBody\u00a0two &amp; more\r\n\t\n",
                                 "It\u00e2\u20ac\u2122s\n \u3000 \nnext\x85line", "", "\n\n", "one"])
def test_a_text_record_s_page_lines_are_its_segment_lines(raw):
    from cleaner.classify import segment
    from cleaner.repair import repair

    a = Article(id="x", source=Source("x.txt", "0" * 64, 1, "text"), raw=raw)
    assert page_lines(a) == [line.text for line in segment(repair(raw))]


def test_run_and_check_count_the_sites_too_with_the_same_bytes_on_two_workers(tmp_path):
    from cleaner.check import run_check
    from cleaner.pipeline import build

    (tmp_path / "in").mkdir()
    folder = _mixed_site(tmp_path / "in")
    trees = []
    for name, executor in (("one", InlineExecutor()), ("two", LocalExecutor(2))):
        path, tally = build([folder], tmp_path / name, "site", "v1", executor=executor, shard_bytes=1)
        assert tally.ledger.removals_by_rule.get("context.crossdoc", 0) >= 3 * len(SITE["pages"])
        trees.append({p.relative_to(path).as_posix(): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()})
    assert trees[0] == trees[1]
    manifest = json.loads(trees[0]["manifest.json"])
    assert manifest["config"]["crossdoc_min_docs"] == DEFAULT_CONFIG.crossdoc_min_docs
    result = run_check([folder], DEFAULT_CONFIG, executor=LocalExecutor(2))
    assert result.inputs == 4 * len(SITE["pages"])


def test_common_lines_letter_or_digit_test_is_str_isalnum_on_every_code_point():
    """`CommonLines` leaves out lines with no letter or digit by one regex search (`_ALNUM`); it
    must say what `str.isalnum` says of every character, in every script."""
    import sys

    from cleaner.crossdoc import _ALNUM

    chars = (chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    assert [c for c in chars if c.isalnum() != (_ALNUM.search(c) is not None)] == []


def test_common_lines_answer_a_documents_lines_as_membership_does():
    from cleaner.crossdoc import CommonLines, line_key

    site = "a.example"
    common = CommonLines(site, [line_key(site, t) for t in ("home", "* * *", "über uns", "٣")])
    norms = ["home", "* * *", "über uns", "away", "٣", ""]
    assert common.recurring(norms) == [n in common for n in norms] == [True, False, True, False, True, False]
