"""Classify every line of an article: body (None) or a `Label(category, rule)`.

Patterns alone cannot tell a caption from a story sentence; a line's place in the document can.
The passes, in order:

1. the title (first non-empty line of a text input), and lines that repeat it;
2. the rule table (`cleaner.rules`), first matching rule wins; rules marked `OUTSIDE` wait for 3;
3. repetition: the long-then-short caption pair (two nearby lines sharing a long opening), a line
   that is the title followed by a caption (image alt text), exact repeats of an earlier line;
4. the story's place in the page (`_core`): every line gets a score from its shape
   (`cleaner.shape`: words, sentence end, stop-word density in the page's language, capitals,
   figures, list markers) and its label: prose counts for, menus and recognised boilerplate
   against. Isolated sentences (teasers between headlines and dates) count less, unless they are
   most of the page; runs of lines with figures (dates, results) count a little for. The story is
   the densest stretch of lines (Kadane's maximum-sum run, as in Finn et al.'s Body Text
   Extraction), plus any other stretch that weighs enough next to it; plain lines at a stretch's
   edges and in gaps between stretches are taken in; a comment section after the story ends it.
   Every line outside is `context.before_core` / `after_core` / `between_cores` /
   `context.comments`; `OUTSIDE` rules fire there; short non-sentence lines before the first
   paragraph are page furniture; after the last, once a footer has begun, everything is footer;
5. the standfirst: the first line after the title becomes the subtitle when the page sets it off
   (a byline right after it, a dateline opening the next line, or a wider gap than the
   paragraphs use).

Recall comes first: no rule of the context passes removes a sentence-shaped line inside the
story's stretch for its look alone.

Every decision carries a rule id from `cleaner.rules` (the table or `CONTEXT_RULES`).
"""
from __future__ import annotations

import re
import statistics
import unicodedata
from dataclasses import dataclass

from cleaner.records import Label
from cleaner.rules import ANYWHERE, first_match, phrase_key
from cleaner.shape import Shape, document_language_mask, shape
from cleaner.text import SENTENCE_OR_CLAUSE_END, cjk_share

# Categories that, once seen after the last paragraph, mean the page footer has begun.
FOOTER_CATEGORIES = frozenset({"navigation", "related", "ad", "comments", "newsletter", "social", "disclaimer",
                               "widget", "cookie", "copyright", "tags", "author_bio"})
PARAGRAPH_MIN_WORDS = 10
# "WASHINGTON (AP) —", "Beijing (AsiaNews) –", "KYIV, Ukraine —": the dateline that opens a story.
_DATELINE = re.compile(r"^(?:[A-Z][\w.'’-]*(?:[ ,]+[A-Z][\w.'’-]*){0,3}\s*\([^()]{1,40}\)|[A-Z]{3,}(?:[ ,]+[A-Z][\w.'’-]*){0,3})\s*[–—-]{1,2}\s")


@dataclass(slots=True)
class Line:
    """A non-blank line of the repaired input."""

    index: int        # line number in the repaired text (blank lines counted)
    text: str
    gap_before: int   # blank lines between this line and the previous non-blank one
    n_words: int

    def __post_init__(self) -> None:
        # Chinese and Japanese are not split by spaces: count about two characters a word.
        if not self.text.isascii():
            self.n_words = max(self.n_words, round(cjk_share(self.text) * len(self.text) / 2))

    @property
    def paragraph_like(self) -> bool:
        """Long enough and ending like a sentence: what a story paragraph looks like."""
        return self.n_words >= 25 or (self.n_words >= PARAGRAPH_MIN_WORDS and bool(SENTENCE_OR_CLAUSE_END.search(self.text)))


def segment(text: str) -> list[Line]:
    """Split repaired text into its non-blank lines, remembering the gaps between them.

    >>> [(l.index, l.text, l.gap_before) for l in segment("Title\\n\\n\\nBody one.\\nBody two.")]
    [(0, 'Title', 0), (3, 'Body one.', 2), (4, 'Body two.', 0)]
    """
    lines: list[Line] = []
    last = -1
    for i, raw in enumerate(text.split("\n")):
        t = raw.strip()
        if t:
            lines.append(Line(i, t, i - last - 1 if lines else 0, len(t.split())))
            last = i
    return lines


def norm(s: str) -> str:
    """Compare-form of a line: NFKC, straight quotes, lower case, single spaces.

    >>> norm("Ukraine’s  Second-Biggest City")
    "ukraine's second-biggest city"
    """
    if not s.isascii():  # NFKC and the quote table leave ASCII as it is
        s = unicodedata.normalize("NFKC", s)
        for curly, straight in _QUOTES:  # a few str.replace calls cost a tenth of str.translate here
            s = s.replace(curly, straight)
    return " ".join(s.lower().split())


_QUOTES = tuple({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "‟": '"', "–": "-", "—": "-"}.items())


def _common_prefix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def classify(lines: list[Line], *, title: str | None = None, title_is_first_line: bool = True,
             pre: list[Label | None] | None = None, common: frozenset[str] = frozenset()) -> list[Label | None]:
    """Label each line; `None` means the line is body.

    `common` holds normalised lines that recur across many documents of the same site
    (`cleaner.crossdoc.LineCounts.common`): they weigh against the story like recognised
    boilerplate, and outside the story they are labelled `context.crossdoc`. Inside the story's
    stretch a recurring line that reads as prose stays (recall first).

    `title` is the record's own title when it has one; otherwise, with `title_is_first_line`, the
    first line is the title (the convention of scraped .txt files). `pre` carries labels already
    decided upstream (the HTML structure: a `<figcaption>` is a caption); they are kept as given.

    >>> ls = segment("A title here\\n\\nA long enough first sentence of the story goes right here, as stories do.\\n\\nRelated Articles")
    >>> [(l.category, l.rule) if l else None for l in classify(ls)]
    [('title', 'meta.title'), None, ('related', 'related.label')]
    """
    labels: list[Label | None] = list(pre) if pre is not None else [None] * len(lines)
    if not lines:
        return labels
    start = 0
    if title is None and title_is_first_line:
        labels[0] = labels[0] or Label("title", "meta.title")
        title = lines[0].text
        start = 1
    ntitle = norm(title) if title else ""

    deferred: dict[int, Label] = {}
    normed = [norm(l.text) for l in lines]
    for i in range(start, len(lines)):
        if labels[i] is not None:
            continue
        line = lines[i]
        nline = normed[i]
        if ntitle and nline == ntitle:
            labels[i] = Label("title", "meta.title_repeat")
            continue
        lower = line.text.lower()
        key = phrase_key(line.text) if len(line.text) < 80 else ""
        rule = first_match(line.text, line.n_words, lower, key)
        if rule is not None:
            if rule.where == ANYWHERE:
                labels[i] = Label(rule.category, rule.id)
            else:
                deferred.setdefault(i, Label(rule.category, rule.id))
        if labels[i] is None and ntitle and len(ntitle.split()) >= 4 and nline.startswith(ntitle + " "):
            labels[i] = Label("caption", "caption.title_prefixed")

    _mark_repeats(lines, labels, start, normed)

    # The story runs from its first to its last paragraph; a line an OUTSIDE rule matches (a
    # "… contributed to this report." credit) does not stretch that span, it may only end it.
    mask = document_language_mask([l.text for l in lines if l.n_words >= 8])
    shapes = [shape(l.text, mask) for l in lines]
    recurring = [bool(common) and normed[i] in common for i in range(len(lines))]
    # When no stretch reads as story at all (a page of fragments), context decides nothing: the
    # rules' labels stand and the rest stays (recall first; cleaning the result again is a no-op).
    segs, scores, barrier = _core(lines, labels, shapes, start, deferred, recurring)
    inside = [False] * len(lines)
    for lo, hi in segs:
        inside[lo:hi + 1] = [True] * (hi + 1 - lo)
    # A stretch's edges reach over plain lines next to it (list items, short steps: what scores
    # only a little below zero), up to the first menu-like or recognised line.
    for lo, hi in segs:
        j = hi + 1
        while j < len(lines) and not inside[j] and labels[j] is None and scores[j] > EDGE_MIN:
            inside[j] = True
            j += 1
        j = lo - 1
        while j >= start and not inside[j] and labels[j] is None and scores[j] > EDGE_MIN:
            inside[j] = True
            j -= 1
    # Between two stretches of story, a gap of plain lines (list items, short steps, not menus and
    # not headed by a rule's "Related" or "Newsletter") is the story going on in another form.
    for (_, a_hi), (b_lo, _) in zip(segs, segs[1:]):
        gap = range(a_hi + 1, b_lo)
        if any(labels[i] is not None and labels[i].category not in _INSIDE_CATEGORIES for i in gap):
            continue
        free = [scores[i] for i in gap if labels[i] is None]
        if len(gap) <= 2 or (free and sum(free) / len(free) > GAP_MEAN_MIN):
            inside[a_hi + 1:b_lo] = [True] * len(gap)
    body = [i for i in range(start, len(lines))
            if inside[i] and labels[i] is None and lines[i].paragraph_like and i not in deferred]
    first, last = (body[0], body[-1]) if body else (len(lines), -1)
    for i in range(start, len(lines)):
        if labels[i] is None and i not in deferred and not inside[i] and segs:
            labels[i] = (Label("comments", "context.comments") if i > barrier else
                         Label("boilerplate", "context.crossdoc") if recurring[i] else
                         Label("navigation", "context.before_core" if i < first else
                               "context.after_core" if i > last else "context.between_cores"))
    for i, lab in deferred.items():
        if labels[i] is None and (i < first or i > last):
            labels[i] = lab

    _mark_subtitle(lines, labels, start, first)
    first = next((i for i in body if labels[i] is None), len(lines))  # the standfirst is not the story
    for i in range(start, min(first, len(lines))):
        if labels[i] is None and lines[i].n_words <= 6 and not SENTENCE_OR_CLAUSE_END.search(lines[i].text):
            labels[i] = Label("navigation", "context.head")
    footer = False
    for i in range(last + 1, len(lines)):
        lab = labels[i]
        if lab is not None:
            footer = footer or lab.category in FOOTER_CATEGORIES
        elif footer:
            labels[i] = Label("navigation", "context.footer")
    return labels


def _score(line: Line, label: Label | None, sh: Shape, deferred: bool, data_run: bool = False) -> float:
    """How much a line argues for being inside the story (positive) or outside it (negative).

    Prose counts for its words (a short sentence for half); a line a rule recognised costs a little
    when it is the kind that sits inside stories (captions, credits, bylines) and more otherwise;
    a menu-like line (a list marker, Title Case, one or two words, no function words) costs more
    than a short lower-case phrase, which is often a subhead or a list item of the story itself.
    A line in a run of lines carrying figures (tour dates, results, prices: `data_run`) counts a
    little for the story: menus do not carry figures on every line.
    """
    if label is not None and label.category == "duplicate_paragraph":
        return DUPLICATE_SCORE  # a repeat says nothing about where the story is
    if label is not None or deferred:
        return -1.0 if label is not None and label.category in _INSIDE_CATEGORIES else -6.0
    n = line.n_words
    if sh.prose:
        return float(n) if line.paragraph_like else n / 2
    if data_run:
        return 2.0
    if n >= 8 and sh.stop < 0.1:
        return -n / 2
    if n <= 2 or sh.stop == 0 or (sh.caps >= 0.6 and n <= 12):
        return -3.0 - sh.bullet
    return -1.0


_INSIDE_CATEGORIES = frozenset({"caption", "credit", "title", "byline", "subtitle", "duplicate_paragraph", "timestamp"})
#: Lines carrying figures count for the story when at least this many follow each other.
DATA_RUN_MIN = 3
DATA_MAX_WORDS = 60
#: A stretch of story text counts when it weighs at least this share of the densest stretch…
CORE_SHARE = 0.3
#: …and at least this many words: one stray sentence in a footer is not a story.
CORE_MIN = 12.0


def _comments_start(lines: list[Line], labels: list[Label | None], scores: list[float], start: int) -> int:
    """Where a comment section begins: a comments heading (a count, "Leave a Reply") after at least
    `COMMENTS_AFTER` words of story prose. The story never runs past it."""
    mass = 0.0
    for i in range(start, len(lines)):
        lab = labels[i]
        if (lab is not None and lab.rule in _COMMENT_HEADS and mass >= COMMENTS_AFTER
                and norm(lines[i].text).strip(" :.") not in _BARE_COMMENT_LINKS):
            return i
        if lab is None and scores[i] > 0:
            mass += scores[i]
    return len(lines)


_COMMENT_HEADS = frozenset({"comments.count", "comments.label", "comments.author_dated"})
# A bare "Comments" is as often a button next to the share bar as the section's heading.
_BARE_COMMENT_LINKS = frozenset({"comments", "comment", "discussion", "show comments", "load comments"})
#: What a line recurring across many pages of the site weighs (as much as recognised boilerplate).
RECURRING_SCORE = -6.0
#: Lines scoring above this next to a stretch of story are taken in with it.
EDGE_MIN = -1.5
#: A gap between two stretches of story is kept when its plain lines score above this on average.
GAP_MEAN_MIN = -2.0
#: Words of story prose that must come before a comments heading for it to end the story.
COMMENTS_AFTER = 60.0
#: Isolated prose lines at most this many lines apart, at least `TEASER_CHAIN` of them, are teasers.
TEASER_STEP = 3
TEASER_CHAIN = 3
#: Isolated lines are discounted only when they are at most this share of the page's prose.
TEASER_SHARE = 0.5
#: A chain of isolated lines this short (median words) is teasers' summaries: they count nothing.
TEASER_MAX_WORDS = 25
#: What an isolated prose line (a teaser between a headline and its date) counts for.
ISOLATED_WEIGHT = 0.25


def _core(lines: list[Line], labels: list[Label | None], shapes: list[Shape], start: int,
          deferred: dict[int, Label], recurring: list[bool] | None = None) -> tuple[list[tuple[int, int]], list[float], int]:
    """The stretches of story text: runs of lines whose running score stays positive (Kadane's
    scan, as in Finn et al.'s Body Text Extraction), kept when they weigh enough next to the
    densest one; with the line scores and where a comment section begins."""
    data = [labels[i] is None and shapes[i].data and not shapes[i].prose and 2 <= lines[i].n_words <= DATA_MAX_WORDS
            for i in range(len(lines))]
    in_run = [False] * len(lines)
    i = start
    while i < len(lines):
        j = i
        while j < len(lines) and data[j]:
            j += 1
        if j - i >= DATA_RUN_MIN:
            in_run[i:j] = [True] * (j - i)
        i = j + 1
    scores = [_score(lines[i], labels[i], shapes[i], i in deferred, in_run[i]) for i in range(len(lines))]
    if recurring:
        for i in range(len(lines)):
            if recurring[i] and labels[i] is None:
                scores[i] = RECURRING_SCORE  # the site's furniture, seen on many of its pages
    # A teaser: one sentence between a headline and a time or a count ("32M ago"), again and again.
    # Story paragraphs come in runs; a prose line between two non-prose lines is "isolated". It
    # counts less when its neighbours are clearly furniture, or when isolated lines follow each
    # other at a short step (headline, summary, headline, summary…: a list of links to stories).
    iso = [0 < i < len(lines) - 1 and scores[i] > 0 and not in_run[i] and scores[i - 1] <= 0 and scores[i + 1] <= 0
           for i in range(len(lines))]
    chains: list[list[int]] = [[]]
    for i in [k for k in range(start, len(lines)) if iso[k]] + [len(lines) + TEASER_STEP]:
        if chains[-1] and i - chains[-1][-1] > TEASER_STEP:
            if len(chains[-1]) < TEASER_CHAIN:
                chains[-1] = []
            else:
                chains.append([])
        chains[-1].append(i)
    chained = [k for c in chains[:-1] for k in c]
    # Teaser summaries are short (a sentence or two); a story told under subheads has paragraphs.
    short = [k for c in chains[:-1] if statistics.median(lines[k].n_words for k in c) <= TEASER_MAX_WORDS for k in c]
    teasers = list(chained)
    teasers += [i for i in range(start + 1, len(lines) - 1)
                if iso[i] and (labels[i + 1] is not None or (scores[i - 1] <= -3 and scores[i + 1] <= -3))]
    # …unless they are most of the page's prose: then they are the article (a listicle, a story
    # of one paragraph between a header and a share bar).
    prose = sum(sc for sc in scores if sc > 0)
    zero = sum(scores[k] for k in short) <= TEASER_SHARE * prose
    for k in set(teasers):
        scores[k] *= ISOLATED_WEIGHT
    if zero:
        for k in short:
            scores[k] = 0.0
    # A comment section, once the story has begun, ends it: what follows are readers' words.
    barrier = _comments_start(lines, labels, scores, start)
    segs: list[tuple[float, int, int]] = []
    run, run_lo, peak, peak_hi = 0.0, start, 0.0, -1
    for i in range(start, barrier):
        sc = scores[i]
        if run <= 0:
            if peak > 0:
                segs.append((peak, run_lo, peak_hi))
            run, run_lo, peak, peak_hi = sc, i, 0.0, -1
        else:
            run += sc
        if run > peak:
            peak, peak_hi = run, i
    if peak > 0:
        segs.append((peak, run_lo, peak_hi))
    if not segs:
        return [], scores, barrier
    best = max(p for p, _, _ in segs)
    return [(lo, hi) for p, lo, hi in segs if p == best or p >= max(CORE_MIN, CORE_SHARE * best)], scores, barrier


#: What a repeated line weighs in the search for the story.
DUPLICATE_SCORE = 0.0
#: A repeated line this short (a list item, a subhead, an interview question asked again) is left
#: to its context to judge; a longer one is a paragraph the page shows twice.
DUPLICATE_MIN_WORDS = 12


def _mark_repeats(lines: list[Line], labels: list[Label | None], start: int, normed: list[str]) -> None:
    """Caption pairs (long then short, sharing their opening) and repeats of earlier lines.

    Two nearby lines that share a long opening are a caption pair when one of them is already
    known as a caption (it ends in a photo credit, say): then both go. When neither is, the shorter
    is dropped only if the longer contains it whole, so no words are lost.
    """
    for i in range(start, len(lines)):
        for j in range(i + 1, min(i + 3, len(lines))):
            a, b = normed[i], normed[j]
            if a[:50] != b[:50]:
                continue
            k = _common_prefix(a, b)
            if a == b or k < 50 or len(a[:k].split()) < 8:
                continue
            pair = (labels[i], labels[j])
            if any(p is not None and p.category == "caption" for p in pair):
                for x in (i, j):
                    labels[x] = labels[x] or Label("caption", "caption.repeated_pair")
            elif pair == (None, None) and k == min(len(a), len(b)):
                labels[i if len(a) < len(b) else j] = Label("duplicate_paragraph", "duplicate.prefix")
    seen: set[str] = set()
    for i in range(start, len(lines)):
        if labels[i] is None and normed[i] in seen and lines[i].n_words >= DUPLICATE_MIN_WORDS:
            labels[i] = Label("duplicate_paragraph", "duplicate.paragraph")
        seen.add(normed[i])


def _mark_subtitle(lines: list[Line], labels: list[Label | None], start: int, first_body: int) -> None:
    """The standfirst: the first line after the title, when the page itself sets it apart."""
    cand = next((i for i in range(start, len(lines)) if labels[i] is None), None)
    if cand is None or cand > first_body or lines[cand].n_words > 60 or _DATELINE.match(lines[cand].text):
        return
    if any(labels[i] is not None and labels[i].category not in ("title", "caption", "credit") for i in range(start, cand)):
        return
    nxt = next((i for i in range(cand + 1, len(lines)) if labels[i] is None or labels[i].category == "byline"), None)
    if nxt is None:
        return
    if labels[nxt] is not None and labels[nxt].rule == "byline.by":
        labels[cand] = Label("subtitle", "meta.subtitle")
        return
    if labels[nxt] is None and _DATELINE.match(lines[nxt].text):
        labels[cand] = Label("subtitle", "meta.subtitle")
        return
    gaps = [lines[i].gap_before for i in range(nxt + 1, len(lines)) if labels[i] is None]
    if len(gaps) >= 2 and lines[nxt].gap_before > statistics.median(gaps) and lines[nxt].index == lines[cand + 1].index:
        labels[cand] = Label("subtitle", "meta.subtitle")

