"""What a line looks like: the shape features the context classifier weighs.

A story paragraph is long, ends like a sentence and is dense in function words ("the", "of",
"que", "und"); a menu item, a tag or a headline teaser is short, capitalised and nearly free of
them. jusText (Pomikálek 2011) showed stop-word density separates the two in any language that
has a stop-word list; we take the lists from the `stop-words` package (33 languages, ~150 kB of
data, no dependencies) and pick, per document, the list that covers most of its words. That vote
agrees with the language detector (`cleaner.language`) on 98% of trafilatura-dev's pages; feeding
the detected language in instead changed 1 of the 730 benchmark outputs and no score, for a second
detection per page, so the vote stays (where the two differ, the vote mostly says English and
the detector German: pages that mix the two).

All features are cheap (one split, one pass over the words) so a page of 200 lines costs well
under a millisecond.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from itertools import repeat
from operator import itemgetter
from typing import NamedTuple

from cleaner.text import CACHED_LINES, CACHED_MAX_CHARS, SENTENCE_END, cjk_share, stop_word_table

_WORD = re.compile(r"\w+(?:['’]\w+)*", re.UNICODE)
# List markers as page-to-text converters write them: "* ", "+ " and "o " for nested items, "• ", "1) ".
_BULLET = re.compile(r"^(?:[*+•·▪►»›◦‣∙–—-]|o(?=\s+[A-Z0-9])|\d{1,2}[.)])\s+")
_DIGIT = re.compile(r"\d")
_COUNT = re.compile(r"\s*[(\[]\d[\d,]*[)\]]\s*$")


def words(text: str) -> list[str]:
    """The words of a line, lower-cased.

    >>> words("Don’t stop: 3 of the 4 said NO.")
    ['don’t', 'stop', '3', 'of', 'the', '4', 'said', 'no']
    """
    return _WORD.findall(text.lower())


def document_language_mask(texts: list[str]) -> int:
    """The stop-word list (as a bit in the language mask) that covers most words of a document.

    >>> m = document_language_mask(["Der Rat hat am Dienstag die alte Brücke geschlossen, weil sie nicht mehr sicher ist."])
    >>> stop_density("Die Brücke ist seit dem Sommer gesperrt und wird nicht mehr befahren.", m) > 0.4
    True
    """
    table = stop_word_table()
    # One pass over the document's words ("\n" ends a word as the line's end did), counted in C.
    masks = Counter(map(table.get, _WORD.findall("\n".join(texts).lower()), repeat(0)))
    hits: Counter[int] = Counter()
    for m, n in masks.items():
        b = 0
        while m:
            if m & 1:
                hits[b] += n
            m >>= 1
            b += 1
    if not hits:
        return 1  # English
    return 1 << max(hits, key=lambda b: (hits[b], -b))


@lru_cache(maxsize=64)
def stop_words(mask: int) -> frozenset[str]:
    """The stop words of the languages in `mask` (a bit set, as `document_language_mask` gives).

    >>> "the" in stop_words(1), "der" in stop_words(1)
    (True, False)
    """
    return frozenset(w for w, m in stop_word_table().items() if m & mask)


def stop_density(text: str, mask: int = 1) -> float:
    """Share of a line's words that are stop words of the document's language.

    >>> stop_density("The council voted on Tuesday to close the old bridge.") > 0.3
    True
    >>> stop_density("Politics Business Tech Science Health")
    0.0
    """
    ws = _WORD.findall(text.lower())
    if not ws:
        return 0.0
    return sum(map(stop_words(mask).__contains__, ws)) / len(ws)


class Shape(NamedTuple):
    """The shape of one line, as the classifier reads it."""

    n_words: int
    stop: float          # stop-word density
    sentence: bool       # ends like a sentence
    caps: float          # share of words that start with a capital letter
    digits: float        # share of characters that are digits
    bullet: bool         # starts with a list marker ("* ", "• ", "1. ")
    cjk: float           # share of CJK characters
    data: bool           # carries figures past any list marker: a date, a score, a price, a model number
    prose: bool          # reads like running text (`reads_as_prose`), decided once when the line is measured


def reads_as_prose(n_words: int, stop: float, sentence: bool, cjk: float) -> bool:
    """Reads like running text: a sentence with function words in it, in any language.

    >>> shape("He did not reply.").prose
    True
    >>> shape("Home | World | Business").prose
    False
    >>> shape("* ホーム").prose, shape("東京都は火曜日に、来年の予算案を発表したと明らかにした。").prose
    (False, True)
    """
    if cjk >= 0.3:  # n_words counts about two characters a word here
        return (sentence and n_words >= 5) or n_words >= 15
    return n_words >= 3 and stop >= 0.15 and (sentence or n_words >= 20)


def shape(text: str, mask: int = 1) -> Shape:
    """Measure a line.

    >>> s = shape("* Politics Business Tech")
    >>> (s.n_words, s.stop, s.sentence, s.caps, s.bullet, s.data)
    (3, 0.0, False, 1.0, True, False)
    >>> shape("June 9 -- Coral Sky Amphitheatre, West Palm Beach, FL").data, shape("3. Politics").data
    (True, False)
    >>> shape("+ Akhlaq (47)").data, shape("* England (Group A): 10th appearance").data
    (False, True)
    """
    if len(text) < CACHED_MAX_CHARS:  # a site's menus and footers recur on each of its pages
        return _remembered_shape(text, mask)
    return _shape(text, mask)


@lru_cache(maxsize=CACHED_LINES)
def _remembered_shape(text: str, mask: int) -> Shape:
    return _shape(text, mask)


def _shape(text: str, mask: int) -> Shape:
    """`shape`, computed."""
    ws = _WORD.findall(text)
    n = len(ws)
    # Counted with C-level maps: this runs on every line of every page.
    stop = sum(map(stop_words(mask).__contains__, map(str.lower, ws)))
    caps = sum(map(str.isupper, map(itemgetter(0), ws)))
    ascii_ = text.isascii()
    digits = sum(map(text.count, "0123456789")) if ascii_ else len(_DIGIT.findall(text))
    cjk = cjk_share(text) if not ascii_ else 0.0
    if cjk:
        n = max(n, round(cjk * len(text) / 2))
    marker = _BULLET.match(text)
    # A trailing count ("+ Akhlaq (47)") is a menu's, not data; nor is the number of a list marker.
    # (`_COUNT` is tried only on a line ending in a bracket: at every position of a long line it costs
    # a quarter of its shape.)
    uncounted = _COUNT.sub("", text) if digits and text.rstrip().endswith((")", "]")) else text
    data = bool(digits) and bool(_DIGIT.search(uncounted, marker.end() if marker else 0))
    density, sentence = stop / n if n else 0.0, bool(SENTENCE_END.search(text.rstrip()))
    return Shape(n, density, sentence, caps / n if n else 0.0, digits / len(text) if text else 0.0, bool(marker), cjk,
                 data, reads_as_prose(n, density, sentence, cjk))
