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

Each line's state is one `_Mark`: its `label` from its content (upstream's `pre`, the title, the
rule table, caption pairs) and, apart, its `place` from the position passes (`context.*`, an
exact repeat). Later passes read both; the caller says which lines' places count (`position`):
every line's for text, none in the region an HTML page's markup chose, so HTML is told what to
do rather than having the position labels undone afterwards.

Every decision carries a rule id from `cleaner.rules` (the table or `CONTEXT_RULES`).
"""
from __future__ import annotations

import re
import statistics
import unicodedata
from collections.abc import Container
from dataclasses import dataclass

from cleaner.records import Label
from cleaner.rules import ANYWHERE, first_match, phrase_key, phrase_match
from cleaner.shape import Shape, document_language_mask, shape
from cleaner.text import SENTENCE_END, SENTENCE_OR_CLAUSE_END, cjk_share

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


def _recurring(common: Container[str], norms: list[str]) -> list[bool]:
    """`normed in common` for each line; one call for all of them where `common` can answer so
    (`cleaner.crossdoc.CommonLines.recurring`)."""
    many = getattr(common, "recurring", None)
    return many(norms) if many is not None else [n in common for n in norms]


def _common_prefix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i

#: Which lines the verdicts of the position passes (`context.*`, `duplicate.paragraph`) are given to.
#: Text input: all (a line's place in the document is the best evidence there is). An HTML region
#: the markup chose: none (a repeated short line there is structure, a recipe's "Eat every 2-3
#: hours", and what lies outside the region is already gone). An HTML page with no region (no
#: sentence-shaped paragraph at all, a two-line brief): only the lines that do not read as sentences.
POSITION_ALL, POSITION_NONE, POSITION_NOT_SENTENCES = "all", "none", "not_sentences"
POSITIONS = (POSITION_ALL, POSITION_NONE, POSITION_NOT_SENTENCES)


@dataclass(slots=True)
class _Mark:
    """One line while it is classified: what its content says and what its place says, kept apart.

    The passes read `verdict` (a line's place informs the passes after it: a footer begins at a
    navigation line, the standfirst comes first after the header); the caller's `position` mode
    decides whether `place` ends up in the result.
    """

    line: Line
    norm: str
    label: Label | None                # from its content: upstream (`pre`), the title, the rules, repeats
    place: Label | None = None         # from its position: outside the story, page head or footer, a repeat
    deferred: Label | None = None      # an OUTSIDE rule's label, given when the line lies outside the story
    recurring: bool = False            # recurs across many documents of the site
    shape: Shape | None = None
    score: float = 0.0                 # how much it argues for being inside the story
    inside: bool = False               # inside a stretch of story

    @property
    def verdict(self) -> Label | None:
        return self.label or self.place


#: The position passes' labels, made once: a page of 200 lines gives most of them one (a `Label`
#: is frozen, so they are shared).
_DUPLICATE = Label("duplicate_paragraph", "duplicate.paragraph")
_COMMENTS = Label("comments", "context.comments")
_CROSSDOC = Label("boilerplate", "context.crossdoc")
_BEFORE_CORE = Label("navigation", "context.before_core")
_AFTER_CORE = Label("navigation", "context.after_core")
_BETWEEN_CORES = Label("navigation", "context.between_cores")
_HEAD = Label("navigation", "context.head")
_FOOTER = Label("navigation", "context.footer")
_RULE_LABELS: dict[str, Label] = {}


def _rule_label(rule) -> Label:
    """The label a table rule gives, made once a rule."""
    label = _RULE_LABELS.get(rule.id)
    if label is None:
        label = _RULE_LABELS[rule.id] = Label(rule.category, rule.id)
    return label


def classify(lines: list[Line], *, title: str | None = None, title_is_first_line: bool = True,
             pre: list[Label | None] | None = None, common: Container[str] = frozenset(),
             position: str = POSITION_ALL) -> list[Label | None]:
    """Label each line; `None` means the line is body.

    `common` holds normalised lines that recur across many documents of the same site
    (`cleaner.crossdoc.LineCounts.common`): they weigh against the story like recognised
    boilerplate, and outside the story they are labelled `context.crossdoc`. Inside the story's
    stretch a recurring line that reads as prose stays (recall first), and a run of recurring
    paragraphs (wire copy, `_repeated_story`) keeps its weight, so it is found as story.

    `title` is the record's own title when it has one; otherwise, with `title_is_first_line`, the
    first line is the title (the convention of scraped .txt files). `pre` carries labels already
    decided upstream (the HTML structure: a `<figcaption>` is a caption); they are kept as given.
    `position` says which lines the position passes label (`POSITIONS`).

    >>> ls = segment("A title here\\n\\nA long enough first sentence of the story goes right here, as stories do.\\n\\nRelated Articles")
    >>> [(l.category, l.rule) if l else None for l in classify(ls)]
    [('title', 'meta.title'), None, ('related', 'related.label')]
    """
    if position not in POSITIONS:
        raise ValueError(f"position must be one of {POSITIONS}, got {position!r}")
    c = _Classification(lines, pre, common)
    if lines:
        c.title_and_rules(title, title_is_first_line)
        c.repeats()
        c.story()
        c.outside()
        c.head_and_footer()
    return c.labels(position)


class _Classification:
    """The passes of `classify` over one document's lines, in the order the module docstring gives."""

    def __init__(self, lines: list[Line], pre: list[Label | None] | None, common: frozenset[str]):
        self.lines = lines
        self.marks = [_Mark(l, norm(l.text), p) for l, p in zip(lines, pre if pre is not None else [None] * len(lines))]
        if common:
            for m, recurring in zip(self.marks, _recurring(common, [m.norm for m in self.marks])):
                m.recurring = recurring
        self.start = 0                         # the first line after a title taken from the text
        self.segs: list[tuple[int, int]] = []  # the stretches of story, first and last line
        self.body: list[int] = []              # paragraph-like lines inside them
        self.barrier = len(lines)              # where a comment section begins
        self.deferred: list[int] = []          # the lines an OUTSIDE rule matched

    def labels(self, position: str) -> list[Label | None]:
        """The result: content labels always, position labels where `position` applies."""
        if position == POSITION_ALL:
            return [m.label or m.place for m in self.marks]
        # A line outside the story that many of the site's pages repeat is its furniture whatever
        # the region: that is what the page's own markup could not tell.
        site = [m.place if m.place is not None and m.place.rule == "context.crossdoc" else None for m in self.marks]
        if position == POSITION_NONE:
            return [m.label or s for m, s in zip(self.marks, site)]
        return [m.label or s or (None if m.line.n_words >= 2 and SENTENCE_END.search(m.line.text) else m.place)
                for m, s in zip(self.marks, site)]

    def title_and_rules(self, title: str | None, title_is_first_line: bool) -> None:
        """Passes 1 and 2: the title and its repeats, then the rule table (OUTSIDE rules deferred)."""
        marks = self.marks
        if title is None and title_is_first_line:
            marks[0].label = marks[0].label or Label("title", "meta.title")
            title = self.lines[0].text
            self.start = 1
        ntitle = norm(title) if title else ""
        prefixed = ntitle + " " if ntitle and len(ntitle.split()) >= 4 else None
        for i in range(self.start, len(marks)):
            m = marks[i]
            if m.label is not None:
                continue
            if ntitle and m.norm == ntitle:
                m.label = Label("title", "meta.title_repeat")
                continue
            text = m.line.text
            rule = first_match(text, m.line.n_words)
            key = phrase_key(text) if rule is not None and rule.where != ANYWHERE and len(text) < 80 else ""
            if key:
                # A whole-line phrase names the line wherever it stands ("(Alle Angaben ohne
                # Gewähr)"), though a pattern that holds only outside the story matched it first.
                rule = phrase_match(key) or rule
            if rule is not None:
                if rule.where == ANYWHERE:
                    m.label = _rule_label(rule)
                else:
                    m.deferred = _rule_label(rule)
                    self.deferred.append(i)
            if m.label is None and prefixed and m.norm.startswith(prefixed):
                m.label = Label("caption", "caption.title_prefixed")

    def repeats(self) -> None:
        """Pass 3: caption pairs (long then short, sharing their opening) and repeats of earlier lines.

        Two nearby lines that share a long opening are a caption pair when one of them is already
        known as a caption (it ends in a photo credit, say): then both go. When neither is, the
        shorter is dropped only if the longer contains it whole, so no words are lost. A repeat of
        an earlier line is a position verdict: in a page's chosen region it is structure.
        """
        marks = self.marks
        openings = [m.norm[:50] for m in marks]  # sliced once a line, not once a pair
        for i in range(self.start, len(marks)):
            for j in range(i + 1, min(i + 3, len(marks))):
                if openings[i] != openings[j]:
                    continue
                a, b = marks[i].norm, marks[j].norm
                k = _common_prefix(a, b)
                if a == b or k < 50 or len(a[:k].split()) < 8:
                    continue
                pair = (marks[i].label, marks[j].label)
                if any(p is not None and p.category == "caption" for p in pair):
                    for x in (marks[i], marks[j]):
                        x.label = x.label or Label("caption", "caption.repeated_pair")
                elif pair == (None, None) and k == min(len(a), len(b)):
                    marks[i if len(a) < len(b) else j].label = Label("duplicate_paragraph", "duplicate.prefix")
        seen: set[str] = set()
        for m in marks[self.start:]:
            if m.verdict is None and m.norm in seen and m.line.n_words >= DUPLICATE_MIN_WORDS:
                m.place = _DUPLICATE
            seen.add(m.norm)

    def story(self) -> None:
        """Pass 4, first half: the stretches of story (`_core`), widened over the plain lines at their
        edges and the gaps between them; the paragraph-like lines inside are the story's body."""
        marks, start = self.marks, self.start
        # The story runs from its first to its last paragraph; a line an OUTSIDE rule matches (a
        # "… contributed to this report." credit) does not stretch that span, it may only end it.
        mask = document_language_mask([l.text for l in self.lines if l.n_words >= 8])
        for m in marks:
            m.shape = shape(m.line.text, mask)
        # When no stretch reads as story at all (a page of fragments), context decides nothing: the
        # rules' labels stand and the rest stays (recall first; cleaning the result again is a no-op).
        segs, self.barrier = _core(marks, start)
        self.segs = segs
        for lo, hi in segs:
            for m in marks[lo:hi + 1]:
                m.inside = True
        # A stretch's edges reach over plain lines next to it (list items, short steps: what scores
        # only a little below zero), up to the first menu-like or recognised line.
        for lo, hi in segs:
            for step in (range(hi + 1, len(marks)), range(lo - 1, start - 1, -1)):
                for j in step:
                    m = marks[j]
                    if m.inside or m.verdict is not None or m.score <= EDGE_MIN:
                        break
                    m.inside = True
        if segs:
            _reach_lede(marks, start, min(i for i in range(start, len(marks)) if marks[i].inside))
        # Between two stretches of story, a gap of plain lines (list items, short steps, not menus and
        # not headed by a rule's "Related" or "Newsletter") is the story going on in another form.
        for (_, a_hi), (b_lo, _) in zip(segs, segs[1:]):
            gap = marks[a_hi + 1:b_lo]
            if any(m.verdict is not None and m.verdict.category not in _INSIDE_CATEGORIES for m in gap):
                continue
            free = [m.score for m in gap if m.verdict is None]
            if len(gap) <= 2 or (free and sum(free) / len(free) > GAP_MEAN_MIN):
                for m in gap:
                    m.inside = True
        self.body = [i for i in range(start, len(marks)) if marks[i].inside and marks[i].verdict is None
                     and marks[i].line.paragraph_like and marks[i].deferred is None]

    def outside(self) -> None:
        """Pass 4, second half: every free line outside the stretches gets its place (before, after,
        between them, in the comments, the site's recurring furniture); OUTSIDE rules fire there."""
        body, marks = self.body, self.marks
        first, last = (body[0], body[-1]) if body else (len(marks), -1)
        for i in range(self.start, len(marks)) if self.segs else ():
            m = marks[i]
            if m.verdict is None and m.deferred is None and not m.inside:
                m.place = (_COMMENTS if i > self.barrier else _CROSSDOC if m.recurring else
                           _BEFORE_CORE if i < first else _AFTER_CORE if i > last else _BETWEEN_CORES)
        for i in self.deferred:
            m = marks[i]
            if m.verdict is None and (i < first or i > last):
                m.label = m.deferred

    def head_and_footer(self) -> None:
        """Pass 5 and the page's edges: the standfirst; short non-sentence lines before the first
        paragraph are the page's head; after the last, once a footer has begun, everything is footer."""
        marks, start = self.marks, self.start
        if not self.body:
            return  # no paragraph at all (a post of three lines of dialogue): no story to have edges
        last = self.body[-1]
        _mark_subtitle(marks, start, self.body[0])
        first = next((i for i in self.body if marks[i].verdict is None), len(marks))  # the standfirst is not the story
        for m in marks[start:first]:
            if m.verdict is None and m.line.n_words <= 6 and not SENTENCE_OR_CLAUSE_END.search(m.line.text):
                m.place = _HEAD
        footer = False
        for m in marks[last + 1:]:
            lab = m.verdict
            if lab is not None:
                footer = footer or lab.category in FOOTER_CATEGORIES
            elif footer:
                m.place = _FOOTER
        _mark_tail(marks[last + 1:])


#: A heading is a few words: a longer line ending in a colon ("Twitter seemed confused by the
#: campaign:") is the story introducing an embed the page did not keep, and stays.
TAIL_MAX_WORDS = 4


def _mark_tail(after: list[_Mark]) -> None:
    """The line that closes a text after its last paragraph when it is a heading over nothing: a
    short line ending in a colon ("Mehr Themen:", "Related:") whose list or gallery is not there.
    A content label, not a position: in a page's chosen region too, a heading over nothing heads
    nothing. Other short closing lines stay: a sign-off ("x Franzi"), a list's last item."""
    free = [m for m in after if m.label is None]  # a place alone (`context.after_core`) is not heard in a region
    if free:
        m = free[-1]
        text = m.line.text.rstrip()
        if m.line.n_words <= TAIL_MAX_WORDS and text.endswith((":", "：")):
            m.label = Label("navigation", "context.tail")


def _score(m: _Mark, data_run: bool = False) -> float:
    """How much a line argues for being inside the story (positive) or outside it (negative).

    Prose counts for its words (a short sentence for half); a line a rule recognised costs a little
    when it is the kind that sits inside stories (captions, credits, bylines) and more otherwise;
    a menu-like line (a list marker, Title Case, one or two words, no function words) costs more
    than a short lower-case phrase, which is often a subhead or a list item of the story itself.
    A line in a run of lines carrying figures (tour dates, results, prices: `data_run`) counts a
    little for the story: menus do not carry figures on every line.
    """
    label, line, sh = m.verdict, m.line, m.shape
    if label is not None and label.category == "duplicate_paragraph":
        return DUPLICATE_SCORE  # a repeat says nothing about where the story is
    if label is not None or m.deferred is not None:
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
#: What sits between a story's lede and its body: the byline, the date, the share bar, the photo
#: and its copyright line.
_HEADER_CATEGORIES = frozenset({"caption", "credit", "byline", "timestamp", "social", "copyright"})
#: How far back over that header a lede is looked for: lines in all, and the free short lines
#: (share buttons the lexicon does not know, "Print", "E-mail") it may hold, each a few words.
LEDE_REACH = 20
LEDE_GAP_FREE = 6
LEDE_GAP_WORDS = 8
#: A lede is a paragraph: sentence-shaped and at least this many words.
LEDE_WORDS = 12


def _reach_lede(marks: list[_Mark], start: int, first: int) -> None:
    """The lede set above the story's header: "standfirst, byline, date, share bar, story" is how
    news pages are laid out, and the header's lines (each scored against the story) cut the lede's
    paragraph off from the stretch below. A paragraph (`LEDE_WORDS` or more, sentence-shaped) right
    above a header of recognised byline, date, share, photo or copyright lines and a few short
    free ones, no further than `LEDE_REACH` lines up, joins the story, with the paragraph right
    above it if there is one. Any other recognised line (a menu, a teaser box) ends the search."""
    free = 0
    for j in range(first - 1, max(start, first - LEDE_REACH) - 1, -1):
        m = marks[j]
        if m.verdict is not None:
            if m.verdict.category in _HEADER_CATEGORIES:
                continue
            # a bare "Print", "E-mail" or "Comments" button of the share bar counts as a free line
            if m.verdict.rule != "navigation.label" and m.norm.strip(" :.") not in _BARE_COMMENT_LINKS:
                return
        elif m.recurring or m.deferred is not None:
            return
        elif _lede(m):
            if j == first - 1:
                return  # right above the stretch and not in it: the stretch left it out for a reason
            m.inside = True
            above = marks[j - 1] if j - 1 >= start else None
            if above is not None and above.verdict is None and not above.recurring and above.deferred is None and _lede(above):
                above.inside = True
            return
        free += 1
        if free > LEDE_GAP_FREE or m.line.n_words > LEDE_GAP_WORDS:
            return


def _lede(m: _Mark) -> bool:
    return m.shape.prose and m.line.paragraph_like and m.line.n_words >= LEDE_WORDS
#: Lines carrying figures count for the story when at least this many follow each other.
DATA_RUN_MIN = 3
DATA_MAX_WORDS = 60
#: A stretch of story text counts when it weighs at least this share of the densest stretch…
CORE_SHARE = 0.3
#: …and at least this many words: one stray sentence in a footer is not a story.
CORE_MIN = 12.0


def _comments_start(marks: list[_Mark], start: int) -> int:
    """Where a comment section begins: a comments heading (a count, "Leave a Reply") after at least
    `COMMENTS_AFTER` words of story prose. The story never runs past it."""
    mass = 0.0
    for i in range(start, len(marks)):
        m = marks[i]
        lab = m.verdict
        if (lab is not None and lab.rule in _COMMENT_HEADS and mass >= COMMENTS_AFTER
                and m.norm.strip(" :.") not in _BARE_COMMENT_LINKS):
            return i
        if lab is None and m.score > 0:
            mass += m.score
    return len(marks)


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


def _core(marks: list[_Mark], start: int) -> tuple[list[tuple[int, int]], int]:
    """The stretches of story text: runs of lines whose running score stays positive (Kadane's
    scan, as in Finn et al.'s Body Text Extraction), kept when they weigh enough next to the
    densest one; and where a comment section begins. Sets every line's `score` on the way."""
    _set_scores(marks, start)
    # A comment section, once the story has begun, ends it: what follows are readers' words.
    barrier = _comments_start(marks, start)
    segs: list[tuple[float, int, int]] = []
    run, run_lo, peak, peak_hi = 0.0, start, 0.0, -1
    for i in range(start, barrier):
        sc = marks[i].score
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
        return [], barrier
    best = max(p for p, _, _ in segs)
    return [(lo, hi) for p, lo, hi in segs if p == best or p >= max(CORE_MIN, CORE_SHARE * best)], barrier


def _set_scores(marks: list[_Mark], start: int) -> None:
    """Every line's score (`_score`), the site's recurring lines scored as furniture, teasers discounted."""
    data = [m.verdict is None and m.shape.data and not m.shape.prose and 2 <= m.line.n_words <= DATA_MAX_WORDS
            for m in marks]
    in_run = [False] * len(marks)
    i = start
    while i < len(marks):
        j = i
        while j < len(marks) and data[j]:
            j += 1
        if j - i >= DATA_RUN_MIN:
            in_run[i:j] = [True] * (j - i)
        i = j + 1
    wire = _repeated_story([m.line for m in marks], [m.shape for m in marks], [m.recurring for m in marks])
    for m, run, story in zip(marks, in_run, wire):
        m.score = _score(m, run)
        if m.recurring and m.verdict is None and not story:
            m.score = RECURRING_SCORE  # the site's furniture, seen on many of its pages
    _discount_teasers(marks, start, in_run)


def _discount_teasers(marks: list[_Mark], start: int, in_run: list[bool]) -> None:
    """A teaser: one sentence between a headline and a time or a count ("32M ago"), again and again.

    Story paragraphs come in runs; a prose line between two non-prose lines is "isolated". It
    counts less when its neighbours are clearly furniture, or when isolated lines follow each
    other at a short step (headline, summary, headline, summary…: a list of links to stories).
    """
    scores = [m.score for m in marks]
    n = len(marks)
    prev, nxt = list(range(-1, n - 1)), list(range(1, n + 1))
    iso = [prev[i] >= 0 and nxt[i] < n and scores[i] > 0 and not in_run[i] and scores[prev[i]] <= 0 and scores[nxt[i]] <= 0
           for i in range(n)]
    chains: list[list[int]] = [[]]
    for i in [k for k in range(start, n) if iso[k]] + [n + TEASER_STEP]:
        if chains[-1] and i - chains[-1][-1] > TEASER_STEP:
            if len(chains[-1]) < TEASER_CHAIN:
                chains[-1] = []
            else:
                chains.append([])
        chains[-1].append(i)
    chained = [k for c in chains[:-1] for k in c]
    # Teaser summaries are short (a sentence or two); a story told under subheads has paragraphs.
    short = [k for c in chains[:-1] if statistics.median(marks[k].line.n_words for k in c) <= TEASER_MAX_WORDS for k in c]
    teasers = list(chained)
    teasers += [i for i in range(start + 1, n - 1)
                if iso[i] and (marks[nxt[i]].verdict is not None or (scores[prev[i]] <= -3 and scores[nxt[i]] <= -3))]
    # …unless they are most of the page's prose: then they are the article (a listicle, a story
    # of one paragraph between a header and a share bar).
    prose = sum(sc for sc in scores if sc > 0)
    zero = sum(scores[k] for k in short) <= TEASER_SHARE * prose
    for k in set(teasers):
        marks[k].score *= ISOLATED_WEIGHT
    if zero:
        for k in short:
            marks[k].score = 0.0


#: Consecutive recurring paragraphs, at least this many and this many words in all, are a story
#: the site carries again (wire copy); a newsletter box or an "about us" blurb is shorter.
WIRE_RUN = 2
WIRE_MIN_WORDS = 60


def _repeated_story(lines: list[Line], shapes: list[Shape], recurring: list[bool]) -> list[bool]:
    """Recurring lines that are a story told again: a run of `WIRE_RUN` or more paragraphs of prose
    that all recur, `WIRE_MIN_WORDS` or more words (syndicated wire copy on many of a site's
    pages). They keep their prose score, so the story is found where it is and stays whole."""
    para = [recurring[i] and shapes[i].prose and lines[i].paragraph_like for i in range(len(lines))]
    out = [False] * len(lines)
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and para[j]:
            j += 1
        if j - i >= WIRE_RUN and sum(lines[k].n_words for k in range(i, j)) >= WIRE_MIN_WORDS:
            out[i:j] = [True] * (j - i)
        i = j + 1
    return out


#: What a repeated line weighs in the search for the story.
DUPLICATE_SCORE = 0.0
#: A repeated line this short (a list item, a subhead, an interview question asked again) is left
#: to its context to judge; a longer one is a paragraph the page shows twice.
DUPLICATE_MIN_WORDS = 12


def _mark_subtitle(marks: list[_Mark], start: int, first_body: int) -> None:
    """The standfirst: the first line after the title, when the page itself sets it apart."""
    cand = next((i for i in range(start, len(marks)) if marks[i].verdict is None), None)
    if cand is None or cand > first_body or marks[cand].line.n_words > 60 or _DATELINE.match(marks[cand].line.text):
        return
    if any(m.verdict is not None and m.verdict.category not in ("title", "caption", "credit") for m in marks[start:cand]):
        return
    nxt = next((i for i in range(cand + 1, len(marks))
                if marks[i].verdict is None or marks[i].verdict.category == "byline"), None)
    if nxt is None:
        return
    after, line = marks[nxt], marks[cand].line
    if after.verdict is not None and after.verdict.rule == "byline.by":
        marks[cand].label = Label("subtitle", "meta.subtitle")
        return
    if after.verdict is None and _DATELINE.match(after.line.text):
        marks[cand].label = Label("subtitle", "meta.subtitle")
        return
    gaps = [m.line.gap_before for m in marks[nxt + 1:] if m.verdict is None]
    if len(gaps) >= 2 and after.line.gap_before > statistics.median(gaps) and after.line.index == marks[cand + 1].line.index:
        marks[cand].label = Label("subtitle", "meta.subtitle")
