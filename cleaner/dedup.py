"""Dedup: the same story once.

Exact duplicates are articles whose normalised body is the same: case, punctuation and
whitespace differences do not make a new story. The first one seen is kept (inputs are read in a
stable, sorted order, so "first" is deterministic); later ones are reported, not published.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata

from cleaner.publish import Duplicate
from cleaner.records import Article

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def body_key(text: str) -> str:
    """A hash of the body that ignores case, punctuation and spacing.

    >>> body_key("Hello,  World!") == body_key("hello world")
    True
    >>> body_key("Hello world") == body_key("Hello there")
    False
    """
    s = _NON_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()
    return hashlib.blake2b(s.encode(), digest_size=16).hexdigest()


class ExactDeduper:
    """Remembers the body key of every kept article (16 bytes each, not the texts)."""

    def __init__(self) -> None:
        self._first: dict[str, str] = {}

    def check(self, article: Article) -> Duplicate | None:
        """`None` when the article is new (and remember it), else the `Duplicate` to report."""
        key = body_key(article.text)
        kept = self._first.get(key)
        if kept is None:
            self._first[key] = article.id
            return None
        return Duplicate(id=article.id, source=article.source, duplicate_of=kept, similarity=1.0, kind="exact")
