"""Lines that recur across many pages of one site: footers, menus, newsletter boxes.

A story's sentences are its own; a site's furniture repeats on every page. Counting in how many
pages of the same site each line appears is the strongest boilerplate signal there is, and it
needs no language knowledge. The cleaning commands (`cleaner run`, `clean`, `check`) count before
they clean (`site_commons`), in two cheap passes over the input shards:

1. **census** (`census_shard`): read every record and name its site (`site_of`: the URL's host,
   else the input folder), so a site with fewer than `config.crossdoc_min_docs` pages (every
   benchmark page is its own site) is never counted and costs nothing more;
2. **count** (`count_shard`): for the pages of the sites left (read again from the files that
   can hold one, `Census.files`), the lines the classifier will see
   (`page_lines`: repaired and segmented text, or a page's HTML blocks, parsed without the
   metadata and region steps), each distinct line once a page, as an 8-byte hash of the site and
   the normalised line.

Counts are additive: each shard counts, the driver merges (`LineCounts.merge`), so the common sets
are the same whatever the number of workers or the executor. Memory follows the distinct lines
(about 16 bytes each), not the corpus. Each cleaning worker is then sent its shard's sites'
`CommonLines`, which `cleaner.classify.classify(..., common=...)` weighs as furniture outside the
story, never inside it.

>>> lc = LineCounts(min_docs=2, min_share=0.5)
>>> for doc in (["Story one begins here.", "Subscribe to our newsletter"],
...             ["Another story entirely.", "Subscribe to our newsletter"],
...             ["A third story.", "Subscribe to our  Newsletter"]):
...     lc.add("example.com", doc)
>>> common = lc.common("example.com")
>>> len(common), "subscribe to our newsletter" in common, "a third story." in common
(1, True, False)
>>> bool(lc.common("other.org"))
False
"""
from __future__ import annotations

import math
import os
import re
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from xxhash import xxh3_64_intdigest

from cleaner.classify import norm
from cleaner.config import DEFAULT_CONFIG, CleanerConfig
from cleaner.read import read_file
from cleaner.records import Article
from cleaner.repair import RepairBudget, repair

#: A line seen in at least this many documents of a site… (`CleanerConfig.crossdoc_min_docs`)
MIN_DOCS = DEFAULT_CONFIG.crossdoc_min_docs
#: …and in at least this share of them is the site's furniture (`CleanerConfig.crossdoc_min_share`).
MIN_SHARE = DEFAULT_CONFIG.crossdoc_min_share
#: How far into a page its canonical URL is looked for (it sits in the <head>).
HEAD_CHARS = 64 << 10
#: Counts of fewer entries than this are compacted, merged and read in plain Python: numpy's
#: import (~0.1 s and 14 MB) costs more than the few thousand keys of a small site or a small
#: corpus take without it (`LineCounts._compact_small`), and a `cleaner clean` that counts only
#: them then never imports numpy at all.
NUMPY_FROM = 1 << 15
#: Formats whose file holds one record: fewer such files than `min_docs` cannot make a site to count.
_ONE_RECORD = (".txt", ".text", ".html", ".htm")

_LINK_TAG = re.compile(r"<link\b[^>]*>|<meta\b[^>]*>", re.I)
_CANONICAL = re.compile(r"""\brel\s*=\s*["']?canonical\b|\bproperty\s*=\s*["']?og:url\b""", re.I)
_URL_ATTR = re.compile(r"""\b(?:href|content)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)


def host_of(url: str | None) -> str | None:
    """The site part of a URL: its host, lower case, without ``www.`` or a port; None if there is none.

    >>> host_of("https://WWW.Example.com:8080/news/a.html"), host_of("/relative/path"), host_of(None)
    ('example.com', None, None)
    """
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


def page_url(raw: str) -> str | None:
    """A page's own URL from its head (``<link rel=canonical>`` or ``og:url``), found by a regex, not a parse.

    >>> page_url('<head><meta property="og:url" content="https://a.example/x"></head>')
    'https://a.example/x'
    >>> page_url("<p>no head</p>") is None
    True
    """
    for tag in _LINK_TAG.finditer(raw, 0, min(len(raw), HEAD_CHARS)):
        text = tag.group(0)
        m = _URL_ATTR.search(text) if _CANONICAL.search(text) else None
        url = next((g for g in m.groups() if g is not None), None) if m else None
        if host_of(url):
            return url
    return None


def site_of(article: Article) -> str:
    """The site a record belongs to: its URL's host (a record's `url`, a page's canonical URL),
    else the folder of its input file (a folder of scraped pages is usually one site's).

    >>> from cleaner.records import Source
    >>> site_of(Article(id="a", source=Source("/data/feed.jsonl", ""), url="https://www.bbc.co.uk/news/1"))
    'bbc.co.uk'
    >>> site_of(Article(id="b", source=Source("/data/herald/p1.txt", "")))
    'folder:/data/herald'
    """
    host = host_of(article.url)
    if host is None and article.content_type == "html":
        host = host_of(page_url(article.raw))
    return host if host is not None else "folder:" + os.path.dirname(article.source.path)


def page_lines(article: Article) -> list[str]:
    """The lines the classifier will see of a record: its repaired text's lines, or for a page the
    texts of its blocks (every block, not only the story's region: the parse, pruning and
    segmentation of `cleaner.html.extract_html`, without its metadata and region steps, which
    cost about half of the extraction and do not change a block's text)."""
    budget = RepairBudget()  # spent as `clean_article` spends it (title, subtitle, then the body)
    for field in (article.title, article.subtitle):
        if field:
            repair(field, budget)
    if article.content_type != "html":  # the texts of `classify.segment`'s lines, without making them
        return [t for t in (line.strip() for line in repair(article.raw, budget).split("\n")) if t]
    from cleaner.html import body as B
    from cleaner.html.extract import parse

    root = parse(article.raw)
    if root is None:
        return []
    B.prune(root)
    segs, _ = B.segment(root)
    return [repair(s.text, budget) for s in segs]


#: A letter or a digit (what `str.isalnum` says of one character; `[^\W_]` is exactly that).
_ALNUM = re.compile(r"[^\W_]")


def line_key(site: str, normed: str) -> int:
    """An 8-byte hash of a site and a normalised line: what is counted, so memory does not hold lines.

    xxHash's XXH3 (64 bits), where BLAKE2b cut to 8 bytes took 1.2 µs a line against 0.1 µs: every
    line of every page of a crowded site is hashed when counted and again when cleaned. The keys
    live only in one build (counted, merged, handed to the workers), never in its output.

    >>> line_key("a.example", "home") == line_key("a.example", "home") != line_key("b.example", "home")
    True
    """
    return xxh3_64_intdigest(f"{site}\n{normed}".encode())


class CommonLines:
    """The recurring lines of one site, as hashes; `normed line in common` asks for one of them.

    A line without a letter or a digit (a ``___`` or ``* * *`` rule, a lone bullet) is never
    common: such lines recur in every site's stories as much as around them, so they say nothing
    about the site and are left to their place on the page, as without the count.

    >>> common = CommonLines("a.example", [line_key("a.example", "home"), line_key("a.example", "* * *")])
    >>> "home" in common, "* * *" in common, "away" in common
    (True, False, False)
    """

    __slots__ = ("site", "keys")

    def __init__(self, site: str, keys: Iterable[int] = ()) -> None:
        self.site = site
        self.keys = frozenset(keys)

    def __contains__(self, normed: object) -> bool:
        return isinstance(normed, str) and self.recurring([normed])[0]

    def recurring(self, norms: list[str]) -> list[bool]:
        """`normed in self` for each of a document's normalised lines, in one call."""
        keys, site, alnum = self.keys, self.site, _ALNUM.search
        return [line_key(site, n) in keys and alnum(n) is not None for n in norms]

    def __len__(self) -> int:
        return len(self.keys)

    def __bool__(self) -> bool:
        return bool(self.keys)

    def __reduce__(self):
        return CommonLines, (self.site, tuple(sorted(self.keys)))


class LineCounts:
    """Pages per site and, per (site, line), in how many pages the line occurs; two counts merge by adding.

    Keys are held in compact arrays (8 bytes of hash, 4 of site, 4 of count), sorted and summed
    (`_compact`) when they have doubled since the last time.
    """

    def __init__(self, min_docs: int = MIN_DOCS, min_share: float = MIN_SHARE) -> None:
        self.min_docs = min_docs
        self.min_share = min_share
        self.pages: Counter[str] = Counter()
        self._site_names: list[str] = []
        self._site_ids: dict[str, int] = {}
        self._keys, self._sites, self._counts = array("Q"), array("I"), array("I")
        self._compact_size = 0

    def _site(self, site: str) -> int:
        if site not in self._site_ids:
            self._site_ids[site] = len(self._site_names)
            self._site_names.append(site)
        return self._site_ids[site]

    def add(self, site: str, lines: Iterable[str]) -> None:
        """Count one page's lines (each distinct line once)."""
        self.pages[site] += 1
        keys = {line_key(site, norm(t)) for t in lines if t.strip()}
        sid = self._site(site)
        self._keys.extend(keys)
        self._sites.extend([sid] * len(keys))
        self._counts.extend([1] * len(keys))
        self._maybe_compact()

    def merge(self, other: "LineCounts") -> None:
        """Add another shard's counts to these (the order of merging does not matter)."""
        self.pages.update(other.pages)
        ids = [self._site(s) for s in other._site_names]
        self._keys.extend(other._keys)
        if len(other._sites) < NUMPY_FROM:
            self._sites.extend([ids[i] for i in other._sites])
        else:
            import numpy as np

            self._sites.frombytes(np.array(ids, dtype=np.uint32)[np.frombuffer(other._sites, dtype=np.uint32)].tobytes())
        self._counts.extend(other._counts)
        self._maybe_compact()

    def _maybe_compact(self) -> None:
        if len(self._keys) >= 2 * self._compact_size + (1 << 16):
            self._compact()

    def _compact(self) -> None:
        """One entry per key, its counts summed (sorted by key, with the site of its first entry)."""
        if not self._keys:
            return
        if len(self._keys) < NUMPY_FROM:
            self._compact_small()
            return
        import numpy as np

        keys = np.frombuffer(self._keys, dtype=np.uint64)
        uniq, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        counts = np.bincount(inverse, weights=np.frombuffer(self._counts, dtype=np.uint32), minlength=len(uniq))
        sites = np.frombuffer(self._sites, dtype=np.uint32)[first]
        self._keys, self._sites, self._counts = array("Q"), array("I"), array("I")
        self._keys.frombytes(uniq.astype(np.uint64).tobytes())
        self._sites.frombytes(sites.astype(np.uint32).tobytes())
        self._counts.frombytes(counts.astype(np.uint32).tobytes())
        self._compact_size = len(self._keys)

    def _compact_small(self) -> None:
        """`_compact` in plain Python, for the counts of a few pages: the same arrays, without numpy."""
        counts: dict[int, int] = {}
        sites: dict[int, int] = {}
        for key, site, count in zip(self._keys, self._sites, self._counts):
            counts[key] = counts.get(key, 0) + count
            sites.setdefault(key, site)
        keys = sorted(counts)
        self._keys = array("Q", keys)
        self._sites = array("I", [sites[k] for k in keys])
        self._counts = array("I", [counts[k] for k in keys])
        self._compact_size = len(self._keys)

    @property
    def distinct(self) -> int:
        """How many distinct (site, line) keys are counted: what the memory follows."""
        self._compact()
        return len(self._keys)

    def need(self, site: str) -> int | None:
        """In how many pages a line of `site` must occur to be common; None when the site is too small."""
        n = self.pages.get(site, 0)
        if n < self.min_docs:
            return None
        return max(self.min_docs, math.ceil(self.min_share * n))

    def common(self, site: str) -> CommonLines:
        """The lines that recur across enough of the site's pages."""
        return self.commons([site])[site]

    def commons(self, sites: Iterable[str]) -> dict[str, CommonLines]:
        """`common` of each site, in one scan of the counts."""
        sites = list(sites)
        self._compact()
        out = {s: CommonLines(s) for s in sites}
        wanted = {self._site_ids[s]: s for s in sites if s in self._site_ids and self.need(s) is not None}
        if not wanted or not self._keys:
            return out
        if len(self._keys) < NUMPY_FROM:
            need = {sid: self.need(s) for sid, s in wanted.items()}
            hits: dict[int, list[int]] = {sid: [] for sid in wanted}
            for key, sid, count in zip(self._keys, self._sites, self._counts):
                if sid in need and count >= need[sid]:
                    hits[sid].append(key)
            for sid, keys in hits.items():
                if keys:
                    out[wanted[sid]] = CommonLines(wanted[sid], keys)
            return out
        import numpy as np

        need = np.full(len(self._site_names), np.iinfo(np.uint32).max, dtype=np.uint64)
        for sid, s in wanted.items():
            need[sid] = self.need(s)
        keys = np.frombuffer(self._keys, dtype=np.uint64)
        site_ids = np.frombuffer(self._sites, dtype=np.uint32)
        hit = np.frombuffer(self._counts, dtype=np.uint32) >= need[site_ids]
        keys, site_ids = keys[hit], site_ids[hit]
        order = np.argsort(site_ids, kind="stable")
        keys, site_ids = keys[order], site_ids[order]
        present, starts = np.unique(site_ids, return_index=True)
        for sid, lo, hi in zip(present.tolist(), starts.tolist(), starts[1:].tolist() + [len(keys)]):
            out[wanted[sid]] = CommonLines(wanted[sid], keys[lo:hi].tolist())
        return out


def _read_files(shard, config: CleanerConfig, files: frozenset[int] | None = None) -> Iterable[Iterable]:
    """The records of each file of a shard, as `cleaner.stream.read_shard` reads them (its input
    tree bounds links), an iterator a file; only the files at the places `files` names in
    `shard.paths`, when it is given."""
    roots = getattr(shard, "roots", None) or None
    pieces = getattr(shard, "pieces", ()) or (None,) * len(shard.paths)
    for k, (path, piece) in enumerate(zip(shard.paths, pieces)):
        if files is None or k in files:
            yield read_file(path, config, roots, piece, ids=False)  # ids are not counted


def _read_shard(shard, config: CleanerConfig, files: frozenset[int] | None = None) -> Iterable:
    """A shard's records (of the files `files` names only, when given: `_read_files`)."""
    for records in _read_files(shard, config, files):
        yield from records


class Census(Counter):
    """How many records of each site one input shard holds, and the site of each of its files.

    `files` has an entry per path of the shard: the set of its records' sites when that is one
    site or none (a page, a text, a feed of one site), else None (a feed of many sites). The count
    pass then reads only the files that can hold a page of a counted site, not the shard again:
    a folder of pages of many sites has few pages of crowded ones (16 of the 181 ScrapingHub pages).
    """

    def __init__(self, counts=(), files: Sequence[frozenset[str] | None] = ()) -> None:
        super().__init__(counts)
        self.files = tuple(files)

    def __reduce__(self):
        return Census, (dict(self), self.files)


def census_shard(shard, config: CleanerConfig = DEFAULT_CONFIG) -> Census:
    """First pass over one input shard: how many records of each site it holds (reading only)."""
    sites = Census()
    files: list[frozenset[str] | None] = []
    for records in _read_files(shard, config):
        own: set[str] = set()
        for rec in records:
            if isinstance(rec, Article):
                site = site_of(rec)
                sites[site] += 1
                own.add(site)
        files.append(frozenset(own) if len(own) <= 1 else None)
    sites.files = tuple(files)
    return sites


def _files_of(census, sites: frozenset[str]) -> frozenset[int] | None:
    """The places in its shard of the files a shard's count must read to see every page of
    `sites`: those of one of them and those of many sites (`Census.files`); None for all of them."""
    files = getattr(census, "files", None)
    if not files:
        return None
    keep = frozenset(k for k, own in enumerate(files) if own is None or not own.isdisjoint(sites))
    return None if len(keep) == len(files) else keep


def count_shard(job: tuple, config: CleanerConfig = DEFAULT_CONFIG) -> LineCounts:
    """Second pass over one shard `(shard, sites)` or `(shard, sites, files)`: the line counts of
    its pages of `sites` (read from the files at the places `files` names only, when given)."""
    shard, sites, *files = job
    counts = LineCounts(config.crossdoc_min_docs, config.crossdoc_min_share)
    for rec in _read_shard(shard, config, files[0] if files else None):
        if isinstance(rec, Article) and (site := site_of(rec)) in sites:
            try:
                lines = page_lines(rec)
            except Exception:  # noqa: BLE001 - as in stream.clean_records: the cleaning pass quarantines it
                lines = []
            counts.add(site, lines)
    counts._compact()
    return counts


def may_share_a_site(shards: Sequence, config: CleanerConfig = DEFAULT_CONFIG) -> bool:
    """Whether the inputs can hold `min_docs` records of one site at all: not when they are fewer
    one-record files (a page, a text) than that, so one file is cleaned with no counting pass.

    >>> from types import SimpleNamespace as S
    >>> may_share_a_site([S(paths=("a.html", "b.txt"))]), may_share_a_site([S(paths=("feed.jsonl",))])
    (False, True)
    """
    paths = [p for s in shards for p in s.paths]
    many = any(not str(p).lower().removesuffix(".gz").endswith(_ONE_RECORD) for p in paths)
    return config.crossdoc_min_docs > 0 and (many or len(paths) >= config.crossdoc_min_docs)


def site_commons(shards: Sequence, config: CleanerConfig, executor) -> list[dict[str, CommonLines]]:
    """For each shard (in order), the `CommonLines` of the sites it holds that have any.

    Runs the census and, for the sites with at least `crossdoc_min_docs` pages, the count, on
    `executor` (already entered); results are merged by shard index, so they do not depend on it.
    """
    if not shards or not may_share_a_site(shards, config):
        return [{} for _ in shards]
    census: list[Census] = [Census() for _ in shards]
    pages: Counter[str] = Counter()
    for i, sites in executor.map_unordered(census_shard, shards, config):
        census[i] = sites
        pages.update(sites)
    crowded = {s for s, n in pages.items() if n >= config.crossdoc_min_docs}
    jobs = []
    for i, shard in enumerate(shards):
        sites = frozenset(s for s in census[i] if s in crowded)
        jobs.append((shard, sites, _files_of(census[i], sites)))
    todo = [k for k, (_, sites, _) in enumerate(jobs) if sites]
    if not todo:
        return [{} for _ in shards]
    total = LineCounts(config.crossdoc_min_docs, config.crossdoc_min_share)
    for i, counts in executor.map_unordered(count_shard, [jobs[k] for k in todo], config):
        total.merge(counts)
    common = total.commons(sorted(crowded))
    return [{s: common[s] for s in sorted(sites) if common[s]} for _, sites, _ in jobs]
