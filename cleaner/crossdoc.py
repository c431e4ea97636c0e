"""Lines that recur across many documents of one site: footers, menus, newsletter boxes.

A story's sentences are its own; a site's furniture repeats on every page. Counting in how many
documents of the same site (or corpus) each line appears is the strongest boilerplate signal there
is, and it needs no language knowledge. `LineCounts` is fed every document's lines in a first
pass; `common(site)` then gives the lines to treat as furniture when the documents are classified
(`cleaner.classify.classify(..., common=...)`).

Only the *set* of normalised lines per document is counted (a line repeated within one page counts
once), so memory grows with the number of distinct lines, not with the corpus.

>>> lc = LineCounts(min_docs=2, min_share=0.5)
>>> for doc in (["Story one begins here.", "Subscribe to our newsletter"],
...             ["Another story entirely.", "Subscribe to our newsletter"],
...             ["A third story.", "Subscribe to our  Newsletter"]):
...     lc.add("example.com", doc)
>>> sorted(lc.common("example.com"))
['subscribe to our newsletter']
>>> lc.common("other.org")
frozenset()
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from cleaner.classify import norm

#: A line seen in at least this many documents of a site…
MIN_DOCS = 3
#: …and in at least this share of them is the site's furniture.
MIN_SHARE = 0.3


class LineCounts:
    """Document frequency of normalised lines, per site."""

    def __init__(self, min_docs: int = MIN_DOCS, min_share: float = MIN_SHARE) -> None:
        self.min_docs = min_docs
        self.min_share = min_share
        self._docs: Counter[str] = Counter()
        self._lines: defaultdict[str, Counter[str]] = defaultdict(Counter)

    def add(self, site: str, lines: Iterable[str]) -> None:
        """Count one document's lines (each distinct line once)."""
        self._docs[site] += 1
        self._lines[site].update({norm(t) for t in lines if t.strip()})

    def common(self, site: str) -> frozenset[str]:
        """The normalised lines that recur across enough of the site's documents."""
        n = self._docs.get(site, 0)
        if n < self.min_docs:
            return frozenset()
        need = max(self.min_docs, self.min_share * n)
        return frozenset(t for t, c in self._lines[site].items() if c >= need)
