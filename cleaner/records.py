"""The records that flow through every stage, each defined here and nowhere else.

`Source`, `Label`, `LabelledLine`, `Removal`, `Article`, `Quarantined`, `Skipped`, `Duplicate` and the
`Ledger` of outcomes. `Label` is the one "(category, rule)" pair: the HTML markers, segments and blocks, the
classified lines and the removals all hold one.

One record flows (datatrove's `Document`): a reader makes an `Article` holding the raw input, the
stages fill in the clean fields, and a record that cannot go on becomes a `Quarantined` that keeps
its raw content and the reasons. Nothing is dropped without one of the two.
"""
from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass, field
from typing import Any

@dataclass(slots=True, frozen=True)
class Source:
    """Where a record came from; never lost, whatever happens later.

    `index` is the 1-based record position in the file: the line number for JSONL, the record
    number for a JSON array or a WARC file (every record counted), and 1 for a whole-file input
    (.txt, .html).
    """

    path: str
    sha256: str
    index: int = 1
    format: str = "txt"

    @property
    def where(self) -> str:
        """`path:index`, the form every message uses.

        >>> Source("feed.jsonl", "0" * 64, 412, "jsonl").where
        'feed.jsonl:412'
        """
        return f"{self.path}:{self.index}"


@dataclass(slots=True, frozen=True)
class Label:
    """What a line is when it is not story: its category (caption, navigation...) and the rule id that said so."""

    category: str
    rule: str


@dataclass(slots=True, frozen=True)
class LabelledLine:
    """One line the classifier saw and its verdict: `label` is None for a body line.

    `index` is the line's place in the repaired input (0-based, blank lines counted) for text, the
    block's number for HTML: the same number a `Removal` of the line carries.
    """

    index: int
    text: str
    label: Label | None = None


@dataclass(slots=True, frozen=True)
class Removal:
    """One piece taken out of the body: what it was and which rule took it (`label`), and where it stood.

    `line` is the index of the line in the repaired input (0-based, blank lines counted), so the
    kept lines and the removals, sorted by `line`, give back every non-blank repaired line.

    >>> r = Removal(Label("caption", "caption.photo_credit"), "A man waves. (AP Photo)", 4)
    >>> r.category, r.rule
    ('caption', 'caption.photo_credit')
    """

    label: Label
    text: str
    line: int

    @property
    def category(self) -> str:
        return self.label.category

    @property
    def rule(self) -> str:
        return self.label.rule


@dataclass(slots=True)
class Article:
    """The unit that flows: raw input in, clean title, metadata and body out."""

    id: str
    source: Source
    raw: str = ""                      # the content as read (text or HTML), kept for audit/quarantine
    content_type: str = "text"         # "text" or "html": how `raw` is to be read
    title: str | None = None
    subtitle: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None       # ISO date (YYYY-MM-DD or full ISO timestamp)
    url: str | None = None
    site_name: str | None = None
    language: str | None = None        # detected from the cleaned body: ISO 639-1, or "und" (cleaner.language)
    language_score: float | None = None  # the detector's confidence in `language`, in [0, 1]
    declared_language: str | None = None  # what the input declared (<html lang>, a JSONL field), primary subtag
    text: str = ""                     # the clean body, paragraphs joined by a blank line
    captions: list[str] = field(default_factory=list)
    credits: list[str] = field(default_factory=list)
    removals: list[Removal] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    # The line index (as `Removal.line` counts) of each paragraph of `text`: with the removals,
    # every line the classifier saw and its verdict (`lines`). None: not cleaned here.
    text_lines: list[int] | None = None

    @property
    def lines(self) -> list[LabelledLine]:
        """Every line the classifier saw, in input order, with its verdict: what `explain` and the
        build report show, made from the same kept paragraphs and removals that are published."""
        return labelled_lines(self.text, self.text_lines, self.removals)

    def to_dict(self) -> dict[str, Any]:
        """The article as plain values, the JSON record `cleaner clean` writes (`article_dict`)."""
        return article_dict(self)


def labelled_lines(text: str, text_lines: list[int] | None, removals: list[Removal]) -> list[LabelledLine]:
    """An article's lines in input order: the paragraphs of `text` at their `text_lines` indices,
    the removals at theirs.

    Without `text_lines` (an article that was not cleaned here) the kept paragraphs fill the line
    numbers the removals left free, in order, which is exact only when the input had no blank
    lines between its lines.

    >>> rs = [Removal(Label("title", "meta.title"), "T", 0), Removal(Label("caption", "caption.pair"), "C", 4)]
    >>> [(m.index, m.text, m.label and m.label.rule) for m in labelled_lines("One.\\n\\nTwo.", [2, 6], rs)]
    [(0, 'T', 'meta.title'), (2, 'One.', None), (4, 'C', 'caption.pair'), (6, 'Two.', None)]
    >>> [m.index for m in labelled_lines("One.\\n\\nTwo.", None, rs)]
    [0, 1, 2, 4]
    """
    paragraphs = [p for p in text.split("\n\n") if p] if text else []
    removed = [LabelledLine(r.line, r.text, r.label) for r in removals]
    if text_lines is None or len(text_lines) != len(paragraphs):
        taken = {r.line for r in removals}
        text_lines = list(itertools.islice((i for i in itertools.count() if i not in taken), len(paragraphs)))
    return sorted([LabelledLine(i, p) for i, p in zip(text_lines, paragraphs)] + removed, key=lambda m: m.index)


#: The fields of an article's plain form (`article_dict`), in the order `cleaner clean` writes them.
ARTICLE_FIELDS = ("id", "source_path", "source_index", "title", "subtitle", "authors", "published", "url",
                  "site_name", "language", "language_score", "declared_language", "text", "captions", "credits",
                  "removals", "extra")


def removal_dict(r: Removal) -> dict[str, Any]:
    """A removal as plain values.

    >>> removal_dict(Removal(Label("caption", "caption.photo"), "A ferry. (AP Photo)", 4))
    {'category': 'caption', 'rule': 'caption.photo', 'text': 'A ferry. (AP Photo)', 'line': 4}
    """
    return {"category": r.category, "rule": r.rule, "text": r.text, "line": r.line}


def removal_columns(removals: list[Removal]) -> dict[str, list]:
    """Removals as plain values, a list per field of `removal_dict`: what a table is made of, without
    a dict per removal (an article has a hundred of them, a page of furniture).

    >>> removal_columns([Removal(Label("caption", "caption.photo"), "A ferry. (AP Photo)", 4)])
    {'category': ['caption'], 'rule': ['caption.photo'], 'text': ['A ferry. (AP Photo)'], 'line': [4]}
    """
    return {"category": [r.label.category for r in removals], "rule": [r.label.rule for r in removals],
            "text": [r.text for r in removals], "line": [r.line for r in removals]}


def article_dict(a: Article, removals: bool = True) -> dict[str, Any]:
    """An article as plain values, keys in `ARTICLE_FIELDS` order: the one serialiser of `Article`.

    `cleaner clean` writes it as JSON, the published table's row (`publish.tables.article_row`)
    and the validation frame (`validate.articles_frame`) are made from it, so a field added to
    `Article` is added here once. Lists are copies; `extra` is the article's own dict. The table
    row and the frame hold no removals (they have a table of their own): `removals=False` leaves
    out their dicts, most of the cost of the dict of an article with many.

    >>> a = Article(id="x", source=Source("x.txt", "0" * 64), title="T", text="Body.",
    ...             removals=[Removal(Label("navigation", "nav.menu"), "Home", 2)])
    >>> d = article_dict(a)
    >>> list(d) == list(ARTICLE_FIELDS), d["source_path"], d["removals"][0]["rule"], "removals" in article_dict(a, False)
    (True, 'x.txt', 'nav.menu', False)
    """
    d = {
        "id": a.id, "source_path": a.source.path, "source_index": a.source.index, "title": a.title,
        "subtitle": a.subtitle, "authors": list(a.authors), "published": a.published, "url": a.url,
        "site_name": a.site_name, "language": a.language, "language_score": a.language_score,
        "declared_language": a.declared_language, "text": a.text, "captions": list(a.captions),
        "credits": list(a.credits),
    }
    if removals:
        d["removals"] = [removal_dict(r) for r in a.removals]
    d["extra"] = a.extra
    return d


@dataclass(slots=True)
class Quarantined:
    """A record that was not published, with one reason per failed check and its raw content."""

    source: Source
    stage: str                         # "read", "clean" or "validate"
    checks: list[str]
    reasons: list[str]
    raw: str = ""
    id: str | None = None

    @property
    def message(self) -> str:
        """One line a person can act on: `file:record: reason; reason`."""
        return f"{self.source.where}: " + "; ".join(self.reasons)


@dataclass(slots=True, frozen=True)
class Skipped:
    """A record of an input file that is not an article (a WARC request, an image response, a 404).

    Not an input of the ledger's balance (nothing in it could be published), but never dropped
    silently: the ledger counts it by `kind` (`cleaner.warc.SKIPPED_KINDS`) in `skipped_by_kind`.
    """

    source: Source
    kind: str


def sha256_bytes(data: bytes) -> str:
    """Hex sha256 of `data`.

    >>> sha256_bytes(b"")[:12]
    'e3b0c44298fc'
    """
    return hashlib.sha256(data).hexdigest()


def article_id(source: Source, raw: str, given: str | None = None) -> str:
    """A stable id: the input's own id when it has one, else a hash of where it came from and what it said.

    The path's base name (not the full path) goes into the hash so that the same file read from two
    checkouts gets the same id.

    >>> a = article_id(Source("/x/a.txt", "f" * 64), "Title\\nBody")
    >>> a == article_id(Source("/y/a.txt", "f" * 64), "Title\\nBody"), len(a)
    (True, 16)
    >>> article_id(Source("a.jsonl", "f" * 64, 3, "jsonl"), "...", given="abc-1")
    'abc-1'
    """
    if given:
        return str(given)
    name = source.path.replace("\\", "/").rsplit("/", 1)[-1]
    h = hashlib.sha256(f"{name}\0{source.index}\0".encode())
    h.update(raw.encode("utf-8", "surrogatepass"))  # not appended to the prefix: no copy of the whole text
    return h.hexdigest()[:16]


@dataclass(slots=True)
class Ledger:
    """What happened to every input record; `inputs == published + quarantined + duplicates`.

    `inputs` counts the records that could be articles. The others (`Skipped`: a crawl's requests,
    images, redirects) are counted by kind in `skipped_by_kind`, so every record of every input
    file is in exactly one of the two.
    `inherited` counts the parent version's articles a snapshot takes over (not inputs of this
    build, so not in the balance): the version holds `published + inherited` articles.
    """

    inputs: int = 0
    published: int = 0
    quarantined: int = 0
    duplicates: int = 0
    inherited: int = 0
    removals_by_category: dict[str, int] = field(default_factory=dict)
    removals_by_rule: dict[str, int] = field(default_factory=dict)
    quarantine_by_check: dict[str, int] = field(default_factory=dict)
    skipped_by_kind: dict[str, int] = field(default_factory=dict)

    def balanced(self) -> bool:
        """True when every input record has exactly one outcome.

        >>> Ledger(inputs=3, published=1, quarantined=1, duplicates=1).balanced()
        True
        >>> Ledger(inputs=3, published=2).balanced()
        False
        """
        return self.inputs == self.published + self.quarantined + self.duplicates

    def to_dict(self) -> dict[str, Any]:
        """The ledger as the manifest stores it: tallies sorted by key, `balanced` spelled out."""
        return {
            "inputs": self.inputs, "published": self.published, "quarantined": self.quarantined,
            "duplicates": self.duplicates, "balanced": self.balanced(), "inherited": self.inherited,
            "removals_by_category": dict(sorted(self.removals_by_category.items())),
            "removals_by_rule": dict(sorted(self.removals_by_rule.items())),
            "quarantine_by_check": dict(sorted(self.quarantine_by_check.items())),
            "skipped_by_kind": dict(sorted(self.skipped_by_kind.items())),
        }


DUPLICATE_KINDS = ("exact", "near")


@dataclass(slots=True)
class Duplicate:
    """A record not published because it repeats another (`kind` is "exact" or "near")."""

    id: str
    source: Source
    duplicate_of: str
    similarity: float
    kind: str

