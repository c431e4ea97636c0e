"""Dedup: the same story once, exact and near duplicates across the whole input.

Two passes over small per-article summaries (`DedupEntry`), never over the texts:

1. **Exact**: articles whose normalised body is the same (`body_key`: case, punctuation and
   spacing ignored) are one story.
2. **Near**: the same story with small edits (an updated paragraph, another intro line, a footer
   added by a syndicating site). Each body becomes a set of word shingles (`shingle_words` words,
   5 by default as in datatrove), summarised by a datasketch `MinHash` of `minhash_perm` 32-bit
   values. Candidates come from LSH banding (`lsh_bands` bands of `minhash_perm // lsh_bands` rows);
   a candidate pair is linked only when the MinHash estimate of the Jaccard similarity of the two
   shingle sets is at least `near_dup_threshold`. Linked articles form one story (union-find, as in
   datatrove's MinHash dedup), so an article updated twice, or fifty syndicated copies that each
   add their own header and footer, end as one story even when the two most different copies are
   less alike than the threshold. Every setting is a `CleanerConfig` field, so it is hashed into
   and written in the manifest.

**Which one is kept** (deterministic, whatever order the entries arrive in): an article of the
parent version always stays (it is published already); otherwise the longest clean body (in words)
is kept, then the earliest in source order (`DedupEntry.order`), then the smallest id. Each
duplicate names the kept article of its story (always a published one, or the parent's) and the
MinHash estimate of its similarity to that article: 1.0 for an exact copy, at least the threshold
for a direct near copy, possibly less for one linked through another copy. An exact copy of an
article that is itself a near duplicate is reported as a near duplicate of the kept one.

Why 0.7 by default: `scripts/bench_dedup.py` on real bodies finds copies with a new lead sentence
or an edited paragraph of short articles at true Jaccard 0.45-0.7, while a follow-up story that
reuses half of an earlier one as background reaches 0.57 (estimate 0.62) and must stay apart.

**LSH in numpy, not `datasketch.MinHashLSH`**: the datasketch index keeps a Python set per bucket
and band (kilobytes per article), too much for millions of articles. Here each band of all
signatures is hashed to one uint64 and sorted, as datatrove does; every member of a shared bucket
is paired with the bucket's first member, and only those pairs are verified. Memory is the
signature matrix (`4 * minhash_perm` bytes an article, 512 by default) and the candidate pairs,
not the texts.

**How the pipeline uses it** (cleaner/pipeline.py owns the wiring):

- in the worker, per published article: ``entry_for(article, order, config)`` (cheap, picklable,
  works the same in a process pool or on Dask);
- on the driver, once every entry is in: ``find_duplicates(entries, config, parent=parent_entries)``
  returns ``{id: Duplicate}`` for the articles not to publish. At scale the pipeline skips the
  objects: it fills an `EntryColumns` straight from the staged Parquet entries and asks
  `duplicate_rows`, which `find_duplicates` also calls, so both decide alike;
- across versions: ``pipeline.write_kept_entries`` writes the kept articles' entries (and the
  parent's, so a chain of versions keeps deduping against all of its ancestors) as a small Parquet
  file in the version, ``ENTRIES_FILE`` (id, exact key, length, signature, sorted by id, the
  MinHash settings in its metadata); a build with ``--parent`` reads it back with
  `load_entry_table`, and ``load_entries(parent_dir / ENTRIES_FILE, config)`` gives the entries
  as objects, to pass as ``parent``. A parent
  whose signatures were made with other MinHash settings cannot be compared: `load_entries` raises
  `ValueError` naming the difference.

"""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from cleaner.config import DEFAULT_CONFIG, CleanerConfig
from cleaner.records import Article, Duplicate, Source
from cleaner.text import UNSPACED  # scripts written without spaces: each character is a word

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)

#: MinHash seed and datasketch permutation scheme: part of what a saved signature means.
MINHASH_SEED = 1
MINHASH_SCHEME = "affine32"
#: Bumped when the normalisation or shingling changes, so old signature files are refused.
SIGNATURE_VERSION = "1"
#: Where a published version keeps its dedup entries (relative to the version folder).
ENTRIES_FILE = "dedup/entries.parquet"
_META_KEY = b"cleaner.dedup"
_MAX_HASH = np.uint32(0xFFFFFFFF)


def normalised_words(text: str) -> list[str]:
    """The words of `text`, casefolded and NFKC-normalised, punctuation dropped.

    Chinese and Japanese characters count as one word each, so that shingles stay short in text
    written without spaces (a clause would otherwise be one "word").

    >>> normalised_words("The  Mayor's   plan — ‘bold’, said  ＣＮＮ.")
    ['the', 'mayor', 's', 'plan', 'bold', 'said', 'cnn']
    >>> normalised_words("渡轮四月恢复运营。Ferry 2")
    ['渡', '轮', '四', '月', '恢', '复', '运', '营', 'ferry', '2']
    """
    s = normalised_text(text)
    return s.split(" ") if s else []


def normalised_text(text: str) -> str:
    """`normalised_words` joined by one space: what the exact key hashes and the shingles are cut
    from, made without a string per word (`normalised_utf8`, decoded).

    >>> normalised_text(" The  Mayor's plan! "), normalised_text("渡轮 Ferry")
    ('the mayor s plan', '渡 轮 ferry')
    """
    return normalised_utf8(text).decode()


def _normalised_plain(text: str) -> str:
    """`normalised_text` as its definition says: runs of non-word characters become one space, so
    the text needs only its ends stripped, unless Chinese or Japanese characters were spaced apart.
    `normalised_utf8` makes the same in less time; `tests/test_dedup.py` compares the two."""
    s = _NON_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold())
    if UNSPACED.search(s):
        return " ".join(UNSPACED.sub(r" \g<0> ", s).split())
    return s.strip(" ")


#: ASCII bytes that are not word characters (all but letters and digits; `_` too) to a space; any
#: other byte, so every byte of a multi-byte UTF-8 sequence, to itself.
_ASCII_NON_WORD = bytes(c if c >= 0x80 or chr(c).isalnum() else 0x20 for c in range(256))
#: Runs of non-word characters outside ASCII (curly quotes, dashes, ...).
_NON_ASCII_NON_WORD = re.compile(r"[^\x00-\x7f\w]+")


def normalised_utf8(text: str) -> bytes:
    """`normalised_text(text).encode()`, in about two thirds of the time of `_normalised_plain`.

    The regex of non-word runs tests the Unicode category of every character, most of the cost;
    here it only sees the characters outside ASCII (the range test settles the others first), the
    ASCII punctuation and spacing become spaces through a byte table, and `bytes.split` (ASCII
    whitespace only, which a multi-byte sequence never holds) collapses the runs and strips the
    ends. Text with Chinese or Japanese characters takes the plain path.

    >>> normalised_utf8("“Ça va”, said   O’Brien_2 — fine…").decode()
    'ça va said o brien 2 fine'
    """
    s = unicodedata.normalize("NFKC", text).casefold()
    if not s.isascii():
        if UNSPACED.search(s):
            return _normalised_plain(text).encode()
        s = _NON_ASCII_NON_WORD.sub(" ", s)
    return b" ".join(s.encode().translate(_ASCII_NON_WORD).split())


def body_key(text: str) -> str:
    """A hash of the body that ignores case, punctuation and spacing.

    >>> body_key("Hello,  World!") == body_key("hello world")
    True
    >>> body_key("Hello world") == body_key("Hello there")
    False
    """
    return hashlib.blake2b(normalised_utf8(text), digest_size=16).hexdigest()


def shingles(words: Sequence[str], n: int) -> set[bytes]:
    """The set of `n`-word shingles; a text shorter than `n` words is one shingle.

    >>> sorted(shingles("a b c d".split(), 3))
    [b'a b c', b'b c d']
    >>> shingles(["short"], 5), shingles([], 5)
    ({b'short'}, set())
    """
    if len(words) <= n:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i:i + n]).encode() for i in range(len(words) - n + 1)}


def _shingles_of(joined: bytes, n: int) -> list[bytes]:
    """`shingles` of the words whose UTF-8 `normalised_text` is `joined`, sliced out of it where
    `_shingle_bounds` says, in text order and with their repeats.

    >>> _shingles_of(b"a b a b", 3), _shingles_of(b"short", 5), _shingles_of(b"", 5)
    ([b'a b a', b'b a b'], [b'short'], [])
    """
    return [joined[a:b] for a, b in zip(*_shingle_bounds(joined, n))]


def _shingle_bounds(joined: bytes, n: int) -> tuple[list[int], list[int]]:
    """Where each `n`-word shingle of `joined` (a UTF-8 `normalised_text`) starts and ends.

    A word holds no space and no UTF-8 sequence holds the byte 0x20, so the spaces are where words
    part; the shingles come in text order and with their repeats: a repeat changes no MinHash
    minimum, and hashing the 1% of shingles that repeat costs less than a set of them all. Slicing
    each shingle out of `joined` costs a third of joining and encoding its words.

    >>> _shingle_bounds(b"a b a b", 3), _shingle_bounds(b"short", 5), _shingle_bounds(b"", 5)
    (([0, 2], [5, 7]), ([0], [5]), ([], []))
    """
    spaces = np.flatnonzero(np.frombuffer(joined, dtype=np.uint8) == 0x20)
    if len(spaces) < n:  # n words or fewer: one shingle
        return ([0], [len(joined)]) if joined else ([], [])
    starts = np.concatenate(([0], spaces[:len(spaces) - n + 1] + 1)).tolist()
    ends = np.concatenate((spaces[n - 1:], [len(joined)])).tolist()
    return starts, ends


@lru_cache(maxsize=8)
def _permutations(num_perm: int) -> np.ndarray:
    """datasketch's affine32 permutations for `MINHASH_SEED`: odd multipliers `a` and offsets `b`.

    Drawn here as `MinHash._init_permutations` draws them (the same RandomState calls), because
    importing datasketch pulls in scipy, about 0.6 s of every start-up; `tests/test_dedup.py`
    checks the values against datasketch's.
    """
    gen = np.random.RandomState(MINHASH_SEED)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return np.array([a, b])


#: MurmurHash3's 32-bit finalizer constants, datasketch's `_FMIX_CONSTANTS[32]`.
_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))


def _fmix(hv: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, element-wise (datasketch's `_fmix(hv, 32)`: wrapping uint32 products)."""
    s1, m1, s2, m2, s3 = _FMIX32
    hv = hv ^ (hv >> s1)
    hv = hv * m1
    hv = hv ^ (hv >> s2)
    hv = hv * m2
    return hv ^ (hv >> s3)


def signature(text: str, config: CleanerConfig = DEFAULT_CONFIG) -> np.ndarray:
    """The MinHash of `text`'s word shingles: `config.minhash_perm` uint32 values.

    The same text gives the same values in any process (datasketch hashes with SHA-1, not Python's
    salted `hash`). An empty text gives all 0xFFFFFFFF, which `find_duplicates` never compares.

    >>> a = signature("Olive growers across the south expect their smallest harvest in a decade.")
    >>> a.dtype, a.shape
    (dtype('uint32'), (128,))
    >>> bool((a == signature("OLIVE growers, across the south expect their smallest harvest in a decade")).all())
    True
    """
    return _minhash(normalised_utf8(text), config)


def _minhash(joined: bytes, config: CleanerConfig) -> np.ndarray:
    """datasketch's `MinHash(scheme="affine32").update_batch(shingles).hashvalues` of the words
    whose UTF-8 `normalised_text` is `joined`, computed here.

    datasketch hashes each shingle with a Python call (SHA-1, then `struct.unpack`); here the
    SHA-1 digests are joined whole (cutting each to its first 4 bytes in Python costs more than
    numpy's taking every fifth uint32) and read as one array, and the scheme's mix and permutations
    (datasketch's own, `_fmix` and `permutations`) are applied to all at once: the same values,
    which `tests/test_dedup.py` checks against datasketch, at about a third of the cost. The
    shingles are sliced out of `joined` as they are hashed, with no list of them.
    """
    starts, ends = _shingle_bounds(joined, config.shingle_words)
    if not starts:
        return np.full(config.minhash_perm, _MAX_HASH, dtype=np.uint32)
    sha1 = hashlib.sha1
    digests = b"".join([sha1(joined[a:b]).digest() for a, b in zip(starts, ends)])
    a, b = _permutations(config.minhash_perm)[:, :, None]  # columns: one row of values a permutation
    hv = _fmix(np.frombuffer(digests, dtype="<u4")[::5].astype(np.uint32))
    # (perm, shingles), so that the minimum runs along contiguous rows; in place, one temporary.
    values = a * hv
    values += b
    return values.min(axis=1)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """The MinHash estimate of the Jaccard similarity of two shingle sets: the share of equal values.

    >>> s = signature("The council approved the new budget for the harbour ferry on Tuesday evening.")
    >>> similarity(s, s)
    1.0
    """
    return float(np.count_nonzero(a == b)) / len(a)


@dataclass(frozen=True, slots=True, eq=False)
class DedupEntry:
    """What dedup keeps of one article: its id, where it came from, and its body's fingerprints.

    `order` is any tuple that sorts in source order (for example `(file_index, record_index)`);
    with `length` (words in the clean body, so spacing and punctuation do not count) it decides
    which copy is kept. `source` names the
    record in the duplicates table; entries loaded from a parent version have none.
    """

    id: str
    order: tuple
    length: int
    exact_key: str
    signature: np.ndarray
    source: Source | None = None


def entry_for(article: Article, order: tuple = (), config: CleanerConfig = DEFAULT_CONFIG) -> DedupEntry:
    """The `DedupEntry` of a cleaned article (cheap; meant to run in the worker that cleaned it).

    >>> from cleaner.records import Source
    >>> e = entry_for(Article(id="a1", source=Source("a.txt", "0" * 64), text="Hello, world."), (0, 1))
    >>> e.id, e.order, e.length, e.exact_key == body_key("hello world"), e.signature.shape
    ('a1', (0, 1), 2, True, (128,))
    """
    joined = normalised_utf8(article.text)
    key = hashlib.blake2b(joined, digest_size=16).hexdigest()
    return DedupEntry(id=article.id, order=tuple(order), length=joined.count(b" ") + 1 if joined else 0, exact_key=key,
                      signature=_minhash(joined, config), source=article.source)


def lsh_rows(config: CleanerConfig) -> int:
    """Rows per LSH band: `minhash_perm // lsh_bands` (ValueError when that is not at least 1).

    >>> lsh_rows(CleanerConfig(minhash_perm=128, lsh_bands=32))
    4
    """
    if config.lsh_bands < 1 or config.minhash_perm // config.lsh_bands < 1:
        raise ValueError(f"lsh_bands={config.lsh_bands} must be between 1 and minhash_perm={config.minhash_perm}")
    return config.minhash_perm // config.lsh_bands


def find_duplicates(entries: Iterable[DedupEntry], config: CleanerConfig = DEFAULT_CONFIG,
                    parent: Iterable[DedupEntry] = ()) -> dict[str, Duplicate]:
    """`{id: Duplicate}` for every entry that repeats a kept article or one of `parent`.

    Exact copies first (same `exact_key`), then near copies (MinHash-LSH candidates whose
    estimated Jaccard similarity is at least `config.near_dup_threshold` are linked, and linked
    articles are one story); the keep rule is in the module docstring. Ids must be unique among
    `entries` (ValueError otherwise). The work is `duplicate_rows`'s, on the entries as columns.

    >>> from cleaner.records import Source
    >>> body = ("Olive growers across the south expect their smallest harvest in a decade, as a second "
    ...         "dry summer left trees with fewer and smaller fruit, the national growers' association said "
    ...         "on Wednesday. The association forecast output of 210,000 tonnes, down 34 percent.")
    >>> arts = [Article(id=i, source=Source(f"{i}.txt", "0" * 64), text=t) for i, t in
    ...         [("short", body), ("long", body + " Copyright 2023 Wire."), ("copy", body.upper()),
    ...          ("other", "The central library will stay open until midnight on weekdays.")]]
    >>> dups = find_duplicates([entry_for(a, (n,)) for n, a in enumerate(arts)])
    >>> sorted((d.id, d.duplicate_of, d.kind) for d in dups.values())
    [('copy', 'long', 'near'), ('short', 'long', 'near')]
    """
    new, old = list(entries), list(parent)
    seen_ids: set[str] = set()
    for e in new:
        if e.id in seen_ids:
            raise ValueError(f"dedup entry id {e.id!r} is not unique")
        seen_ids.add(e.id)
    perm = config.minhash_perm
    rows = old + new
    for e in rows:
        if e.signature.shape != (perm,):
            raise ValueError(f"entry {e.id!r} has {e.signature.size} MinHash values, the settings say {perm}")

    def ranks(group: list[DedupEntry]) -> list[int]:  # place in (order, id) order
        out = [0] * len(group)
        for r, k in enumerate(sorted(range(len(group)), key=lambda k: (group[k].order, group[k].id))):
            out[k] = r
        return out

    cols = EntryColumns(length=np.array([e.length for e in rows], dtype=np.int64),
                        rank=np.array(ranks(old) + ranks(new), dtype=np.int64),
                        exact=np.array([e.exact_key.encode() for e in rows], dtype=object),
                        sigs=np.array([e.signature for e in rows], dtype=np.uint32).reshape(len(rows), perm))
    out: dict[str, Duplicate] = {}
    for row, kept, sim, near in zip(*duplicate_rows(cols, len(old), config)):
        e = rows[row]
        out[e.id] = Duplicate(id=e.id, source=e.source, duplicate_of=rows[kept].id, similarity=sim,
                              kind="near" if near else "exact")
    return out


@dataclass(slots=True)
class EntryColumns:
    """Dedup entries as columns, one row an article: what `duplicate_rows` works on.

    About 550 bytes an article (the signature is 512 of them) and no Python object per article, so
    a build over millions of articles can hold them on the driver. `rank` orders rows of the same
    group (parent or new) as their source order; `exact` holds the exact keys (any hashable,
    comparable values: bytes or str).
    """

    length: np.ndarray   # int64, words in the clean body
    rank: np.ndarray     # int64, source order within the group
    exact: np.ndarray    # exact keys
    sigs: np.ndarray     # (rows, minhash_perm) uint32


def duplicate_rows(cols: EntryColumns, n_parent: int, config: CleanerConfig = DEFAULT_CONFIG
                   ) -> tuple[list[int], list[int], list[float], list[bool]]:
    """Which rows of `cols` from `n_parent` on repeat another: `(rows, kept rows, similarities, near?)`.

    Rows before `n_parent` are the parent version's (always kept; they only absorb copies). The
    keep order is the parent's rows, then the new ones, each by longest body, then `rank`; the
    first row of each exact key represents it, the representatives are linked by MinHash-LSH
    (`_near`), and each cluster keeps its first row in keep order.
    """
    n = len(cols.length)
    keep: list[np.ndarray] = []
    for lo, hi in ((0, n_parent), (n_parent, n)):
        keep.append(lo + np.lexsort((cols.rank[lo:hi], -cols.length[lo:hi])))
    keep_order = np.concatenate(keep) if n else np.empty(0, dtype=np.int64)
    # Exact pass: the first of each key in keep order represents it.
    first: dict = {}
    rep_of = np.empty(n, dtype=np.int64)        # keep position -> position of its representative
    exact = cols.exact
    for pos, row in enumerate(keep_order.tolist()):
        rep_of[pos] = first.setdefault(exact[row], pos)
    del first
    is_rep = rep_of == np.arange(n)
    rep_positions = np.flatnonzero(is_rep)
    rep_index = np.cumsum(is_rep) - 1            # keep position of a representative -> its index among reps
    n_parent_reps = int(np.count_nonzero(is_rep[:n_parent]))
    resolved = _near(cols.sigs, keep_order[rep_positions], n_parent_reps, config)
    rows: list[int] = []
    kept: list[int] = []
    sims: list[float] = []
    near: list[bool] = []
    for pos in range(n_parent, n):
        rep = int(rep_index[rep_of[pos]])
        hit = resolved.get(rep)
        if rep_of[pos] == pos and hit is None:
            continue                              # a kept article
        rows.append(int(keep_order[pos]))
        if hit is None:                           # an exact copy of a kept representative
            kept.append(int(keep_order[rep_of[pos]]))
            sims.append(1.0)
            near.append(False)
        else:
            kept.append(int(keep_order[rep_positions[hit[0]]]))
            sims.append(hit[1])
            near.append(True)
    return rows, kept, sims, near


def _near(sigs: np.ndarray, reps: np.ndarray, n_parent: int, config: CleanerConfig) -> dict[int, tuple[int, float]]:
    """For each representative from `n_parent` on that is a near duplicate: (kept index, similarity).

    `reps` are rows of `sigs`, in keep order; indexes in and out are positions in `reps`. Candidate
    pairs come from the LSH buckets (each member of a bucket paired with the bucket's first member
    in keep order); a pair whose estimated similarity reaches the threshold joins the two clusters
    (union-find); each cluster keeps its first member.
    """
    n = len(reps)
    if n - n_parent == 0 or n < 2:
        return {}
    perm = config.minhash_perm
    empty = np.zeros(n, dtype=bool)              # no shingles: nothing to compare
    for lo in range(0, n, _PAIR_CHUNK):
        empty[lo:lo + _PAIR_CHUNK] = (sigs[reps[lo:lo + _PAIR_CHUNK]] == _MAX_HASH).all(axis=1)
    root = np.arange(n)                          # union-find; a cluster's root is its first in keep order

    def find(i: int) -> int:
        while root[i] != i:
            root[i] = root[root[i]]
            i = int(root[i])
        return i

    need = int(np.ceil(config.near_dup_threshold * perm - 1e-9))
    for first, other in _band_pairs(sigs, reps, config.lsh_bands, lsh_rows(config), empty):
        while True:                              # flatten the forest so root[i] is i's cluster
            up = root[root]
            if np.array_equal(up, root):
                break
            root = up
        todo = root[first] != root[other]        # pairs already in one cluster need no check
        first, other = first[todo], other[todo]
        for lo in range(0, len(first), _PAIR_CHUNK):
            a, b = first[lo:lo + _PAIR_CHUNK], other[lo:lo + _PAIR_CHUNK]
            linked = np.count_nonzero(sigs[reps[a]] == sigs[reps[b]], axis=1) >= need
            for x, y in zip(a[linked].tolist(), b[linked].tolist()):
                rx, ry = find(x), find(y)
                if rx != ry:
                    root[max(rx, ry)] = min(rx, ry)
    result: dict[int, tuple[int, float]] = {}
    for i in range(n_parent, n):
        r = find(i)
        if r != i:
            result[i] = (r, similarity(sigs[reps[i]], sigs[reps[r]]))
    return result


#: Pairs (or rows) compared at a time: two (chunk, minhash_perm) copies of signatures, 8 MB by default.
_PAIR_CHUNK = 8_192
_BAND_MIX = np.random.RandomState(20240601).randint(1, 2**62, size=64, dtype=np.int64).astype(np.uint64) | np.uint64(1)


def _band_pairs(sigs: np.ndarray, reps: np.ndarray, bands: int, rows: int, empty: np.ndarray
                ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """For each LSH band, the index pairs (first, other) of `reps` positions that share a bucket in
    it: each member of a bucket with the bucket's first member (smallest position).

    A band's `rows` values are mixed into one uint64 (odd multipliers, wrapping); a collision of
    two different bands only adds a candidate, which the similarity check then rejects.
    """
    idx = np.flatnonzero(~empty)
    at = reps[idx]
    for b in range(bands):
        block = sigs[at, b * rows:(b + 1) * rows].astype(np.uint64)
        h = np.zeros(len(idx), dtype=np.uint64)
        for j in range(rows):
            h = (h ^ block[:, j]) * _BAND_MIX[j % len(_BAND_MIX)]
        order = np.lexsort((idx, h))
        h, i = h[order], idx[order]
        starts = np.r_[True, h[1:] != h[:-1]]
        head = i[np.maximum.accumulate(np.where(starts, np.arange(len(i)), 0))]
        yield head[~starts], i[~starts]


# --- entries of a published version, for `--parent` -------------------------------------------

def _settings(config: CleanerConfig) -> dict:
    return {"signature_version": SIGNATURE_VERSION, "minhash_perm": config.minhash_perm,
            "shingle_words": config.shingle_words, "seed": MINHASH_SEED, "scheme": MINHASH_SCHEME}


def load_entry_table(path: str | Path, config: CleanerConfig = DEFAULT_CONFIG) -> pa.Table:
    """A version's `ENTRIES_FILE` (`pipeline.write_kept_entries`), or ValueError if it was made with other MinHash settings."""
    table = pq.read_table(str(path))
    meta = (table.schema.metadata or {}).get(_META_KEY)
    theirs = json.loads(meta) if meta else {}
    ours = _settings(config)
    diff = [f"{k}={theirs.get(k)!r} there, {v!r} here" for k, v in ours.items() if theirs.get(k) != v]
    if diff:
        raise ValueError(f"{path}: dedup signatures were made with other settings ({'; '.join(diff)}); "
                         "rebuild the parent or use the same settings")
    return table


def load_entries(path: str | Path, config: CleanerConfig = DEFAULT_CONFIG) -> list[DedupEntry]:
    """The entries of a version's `ENTRIES_FILE` as objects, or ValueError if made with other MinHash settings."""
    table = load_entry_table(path, config)
    ids = table.column("id").to_pylist()
    keys = table.column("exact_key").to_pylist()
    lengths = table.column("length").to_pylist()
    sigs = table.column("signature").to_pylist()
    return [DedupEntry(id=i, order=(), length=n, exact_key=k, signature=np.frombuffer(s, dtype="<u4").astype(np.uint32))
            for i, k, n, s in zip(ids, keys, lengths, sigs)]
