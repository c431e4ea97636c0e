"""Metadata and body of real benchmark pages, each value checked by hand in the page itself.

For every page below, the title is the page's visible <h1>, the authors are the names in its visible
byline, and the date is the day its visible dateline (or its URL) gives, read in the HTML source;
the comment says where. Pages whose visible date and machine date disagree (a UTC timestamp past
midnight, a print date in the URL) were left out rather than pinned to either.
"""
from __future__ import annotations

import gzip
import json
import re

import pytest

from cleaner.clean import clean_article
from cleaner.records import Article, Source
from tests.conftest import SHARED, needs_shared

BENCH = SHARED / "benchmarks"

PAGES = [
    # (set, id, title, authors, published)
    # "By Justine Coleman - 11/18/19 11:04 PM EST"
    ("scrapinghub", "6ebac05f637ece8aa57c298a2a5e3a8047f546f855d0f29cc683cea60ce85c85",
     "New York man pleads guilty to threatening to kill Omar", ["Justine Coleman"], "2019-11-18"),
    # AP story: "By TOM KRISHER, AP Auto Writer"; "Updated 1:39 am EST, Wednesday, November 20, 2019"
    ("scrapinghub", "05844573ca7e1fba714d715bb11ca08c26e25328999c74a1cb3bc8a0e4399f0f",
     "New SUVs and electric vehicles highlight L.A. Auto Show", ["TOM KRISHER"], "2019-11-20"),
    # author "Ilana Muhlstein, MS, RDN" (the credentials are not names); published 2018-01-29
    ("scrapinghub", "ec3878db7e49b1ed354c511b132e3de5f773ff4fc8014163df58c22fffd93d2f",
     "How to Tackle Game Day Snack Temptations", ["Ilana Muhlstein"], "2018-01-29"),
    # "Analysis by Chris Cillizza, CNN Editor-at-large"; "Updated 1909 GMT ... November 18, 2019"
    ("scrapinghub", "ef4e67b66d63b5facef55c06a94d85f2ae01a0a1a4a3a1bcfe2499c8c8a7dacf",
     "Why you just can't trust the White House on Donald Trump's health", ["Chris Cillizza"], "2019-11-18"),
    # "By Lia Eustachewich and Yaron Steinbuch"; "November 19, 2019"
    ("scrapinghub", "a1fca19b884e0e946ad3fbe2a7f5031e5e3b23372702a76db302b6143c77cb31",
     "Taliban say they freed US, Australian hostages for 3 terrorist figures",
     ["Lia Eustachewich", "Yaron Steinbuch"], "2019-11-19"),
    # "By Phil Helsel"; Tue Nov 19 2019
    ("scrapinghub", "7a457a4f71735c17b8b34fafc88835d225cf879b2d812311857a64cfc891eee9",
     "New York man pleads guilty to threatening to kill Rep. Ilhan Omar", ["Phil Helsel"], "2019-11-19"),
    # "By Ana Swanson"; URL /2019/11/18/ (no structured date in the page: htmldate's find)
    ("scrapinghub", "702d1da63b8e064cb70617620e45c2d116b4912c9bc9d518dcf5ce54bb8057ed",
     "Trump’s Made-for-TV Trade War Keeps World Guessing", ["Ana Swanson"], "2019-11-18"),
    # "Posted by Michael David Smith on November 19, 2019"; the headline's quotes are entities in the page
    ("scrapinghub", "8e3efab59f48fd29a1e1e7aa135880c4251a9f090f94999668cdbaec59d30b5a",
     "Anthony Lynn: “We needed to win this game”", ["Michael David Smith"], "2019-11-19"),
    # metadata names the site ("AppleInsider") as author; the byline block "By Mike Wuerthele and
    # Malcolm Owen Monday, November 18, 2019" names the people
    ("scrapinghub", "65bf3048b500bbd84928d9122f99617ca898216b91add1d8b2ac09c670484a5c",
     "16-inch MacBook Pro review: The keyboard is probably enough to convince those waiting",
     ["Mike Wuerthele", "Malcolm Owen"], "2019-11-18"),
    # "By Jill Disis, CNN Business"; "November 19, 2019"
    ("scrapinghub", "d605bdef2cde7308a9f2fbd1484d4a9c3da0167177245d346da61e455f42208d",
     "Investors don't seem to know what to make of the US-China trade war", ["Jill Disis"], "2019-11-19"),
    # og:title ends "| Eleanor Ainge Roy" (the author, not the headline); "Thu 3 Jan 2019"
    ("readability-en", "guardian-1",
     "'What is the sea telling us?': Māori tribes fearful over whale strandings", ["Eleanor Ainge Roy"], "2019-01-03"),
    # Medium: "Pippin Lee", published 2015-03-17
    ("readability-en", "medium-1",
     "The Open Journalism Project: Better Student Journalism", ["Pippin Lee"], "2015-03-17"),
    # "By Alex Heath, a deputy editor"; Jun 7, 2023
    ("readability-en", "theverge",
     "Apple’s Vision Pro is the Retina display moment for headsets", ["Alex Heath"], "2023-06-07"),
    # "By Nelson D. Schwartz Sept. 25, 2018"
    ("readability-en", "nytimes-4",
     "As Debt Rises, the Government Will Soon Spend More on Interest Than on the Military",
     ["Nelson D. Schwartz"], "2018-09-25"),
]


def _page(bench: str, page_id: str) -> Article:
    folder = BENCH / bench / "html"
    path = next(p for p in (folder / f"{page_id}.html.gz", folder / f"{page_id}.html") if p.exists())
    data = path.read_bytes()
    raw = (gzip.decompress(data) if path.suffix == ".gz" else data).decode("utf-8")
    return clean_article(Article(id=page_id[:12], source=Source(str(path), "0" * 64), raw=raw, content_type="html"))


@needs_shared
@pytest.mark.parametrize("bench,page_id,title,authors,published", PAGES, ids=[p[1][:12] for p in PAGES])
def test_real_page_metadata_matches_what_the_page_shows(bench, page_id, title, authors, published):
    a = _page(bench, page_id)
    assert a.title == title
    assert a.authors == authors
    assert a.published == published


@needs_shared
def test_at_least_ten_real_pages_are_pinned():
    assert len({p[1] for p in PAGES}) >= 10


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


@needs_shared
@pytest.mark.parametrize("bench,page_id", [
    ("scrapinghub", "f344ca5fb36e"),  # a paragraph per card
    ("scrapinghub", "11ea381ad92b"),  # a results table
    ("scrapinghub", "5f03fc173ebc"),  # repeated recipe lines
    ("readability-en", "nytimes-2"),  # the story in two same-class parts with a promo between them
    ("readability-en", "quanta-1"),   # the story in three sections, the first nested deeper
])
def test_every_paragraph_of_these_stories_is_kept(bench, page_id):  # ids are prefixes of the page ids
    """Pages whose story is split or repeats itself in ways a region chooser gets wrong: every
    ground-truth paragraph of ten or more words must come out in the body."""
    truth = json.loads((BENCH / bench / "ground-truth.json").read_text(encoding="utf-8"))
    page_id = next(k for k in truth if k.startswith(page_id))
    body = _words(_page(bench, page_id).text)
    paragraphs = [p for p in truth[page_id]["articleBody"].split("\n") if len(p.split()) >= 10]
    lost = [p[:80] for p in paragraphs if _words(p) not in body]
    assert not lost, lost
