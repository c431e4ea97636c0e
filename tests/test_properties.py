"""Properties of the clean stage that must hold for any input, checked with hypothesis.

Documents are drawn from real-looking pieces (story sentences, captions, credits, bylines, menus,
widget text, mojibake) mixed with arbitrary text, so the rules and the context classifier both fire.
"""
from __future__ import annotations

import re
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner.clean import clean_article
from cleaner.records import Article, Source
from cleaner.repair import repair

PIECES = [
    "The council voted on Tuesday to close the old bridge for repairs, officials said.",
    "Engineers found cracks in two of its stone arches during an inspection in May.",
    "“We had no choice,” said the mayor, who called the decision painful but necessary.",
    "Repairs will cost about 1.2 million euros, paid for by the regional government.",
    "By Jane Doe and John Smith",
    "Translated and edited by Mark Lee",
    "(Photo by Anna Berg / AFP) (Photo by ANNA BERG/AFP via Getty Images)",
    "A worker inspects the bridge on May 3. (AP Photo/Jon Roe)",
    "A worker inspects the bridge on May 3.",
    "The Associated Press",
    "wire photo",
    "Adblock Detected",
    "Sponsored Content",
    "Related Articles",
    "Back to top button",
    "Hi! How can we help you today?",
    "Leave a Reply",
    "Share this article",
    "Home",
    "Tags: bridges, city council",
    "It\u00e2\u20ac\u2122s a caf\u00c3\u00a9 with&nbsp;tables",
    "Views expressed are the author's own and do not reflect those of the publisher.",
    "",
]
line = st.one_of(st.sampled_from(PIECES), st.text(st.characters(codec="utf-8"), max_size=60))
documents = st.lists(line, min_size=1, max_size=14).map(lambda ls: "\n\n".join(ls))
common = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_WORD = re.compile(r"\w+")


def _clean(raw: str, title: str | None = None) -> Article:
    return clean_article(Article(id="p", source=Source("p.txt", "0" * 64), raw=raw, title=title))


def _words(text: str) -> Counter:
    return Counter(w.casefold() for w in _WORD.findall(text))


@common
@given(documents)
def test_cleaning_never_adds_a_word_that_is_not_in_the_input(raw):
    article = _clean(raw)
    available = _words(repair(raw))
    produced = _words(article.text) + _words(article.title or "")
    assert not produced - available


@common
@given(documents)
def test_kept_lines_plus_removals_rebuild_the_repaired_input(raw):
    article = _clean(raw)
    repaired = [l.strip() for l in repair(raw).splitlines() if l.strip()]
    kept = [l for l in article.text.split("\n\n") if l]
    removed = [r.text for r in article.removals]
    assert Counter(kept) + Counter(removed) == Counter(repaired)
    assert [r.line for r in article.removals] == sorted(r.line for r in article.removals)
    # …and in order: the article's labelled lines (what explain and the report show) are the input's lines
    assert [m.text for m in article.lines] == repaired
    assert [m.label for m in article.lines if m.label] == [r.label for r in article.removals]


@common
@given(documents)
def test_cleaning_twice_changes_nothing(raw):
    once = _clean(raw)
    twice = _clean(once.text, title=once.title)
    assert twice.text == once.text
    assert twice.title == once.title
