"""Find the story in a parsed page and cut it into blocks (paragraphs, headings, list items).

Three passes over an lxml tree, none recursive (a page nested 100,000 levels deep must not
overflow the stack):

1. `segment` walks the tree once and cuts its visible text into `Segment`s at block-level element
   boundaries and at ``<br>``; each segment remembers the element that owns it, how much of it is
   link text, and which boilerplate markers (`cleaner.html.markup`) sit above it.
2. `choose_region` scores the elements that hold sentence-shaped, link-poor paragraphs
   (readability's scoring, spread over five ancestor levels), climbs from the best one as
   readability.js does (several high scorers under one ancestor, a parent scoring higher, an only
   child), then to a part that has siblings of its kind holding prose (a story cut into
   ``story-body`` parts, a card per paragraph, a page builder's rows: `part_key`), and takes it
   with those siblings and the ones that score close to it or are paragraphs themselves, so an
   article split by an ad slot is taken whole. Table
   rows are one block each (their cells joined), list items count half (a gallery's legends and
   a teaser list are sentences too).
3. `label` keeps every segment of that region in order, with the lede a page sets between the
   headline and that region (`lede_segments`), and says which ones the markup itself calls
   boilerplate (a ``<figcaption>``, a share bar, the headline repeated) or which read as a box
   of links under the story (`label_link_lists`).

Recall comes first: a marker is ignored when the marked element holds more story-shaped text than
its group allows (`Marker.max_prose`) or holds the headline, and a link-poor sentence is never
labelled for its look alone. A marker ignored for its size still counts against its element when
the region is chosen (`MUTED_SHARE`): a long author bio is not removed, nor taken for the story.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import lxml.html
from lxml import etree

from cleaner.html import markup as R
from cleaner.records import Label
from cleaner.text import CJK, ENDS_IN_PUNCTUATION

#: Elements whose start and end cut the text into blocks.
BLOCK_TAGS = frozenset((
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li", "main",
    "menu", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "tfoot",
    "thead", "tr", "ul", "frameset", "noframes", "option", "optgroup",
))
#: Table cells: a row of cells is one block, its cells joined by a space (a results table reads
#: "1 Kyle Busch 5040"), unless a cell holds blocks of its own (a layout table).
CELL_TAGS = frozenset(("td", "th"))
#: Elements whose content is never visible text (or never the story), dropped with their content.
DROP_TAGS = (
    "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed",
    "canvas", "button", "input", "select", "textarea", "head", "audio", "video", "map", "title",
    "datalist", "applet", "frame",
)
LIST_ITEMS = frozenset(("li", "dd", "dt"))
HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
#: Owners that are a paragraph themselves: their score goes to the element around them.
PARA_TAGS = frozenset(("p", "pre", "blockquote", "li", "dd", "dt", "h1", "h2", "h3", "h4", "h5", "h6",
                       "figcaption", "caption", "address", "summary", "legend"))
#: How a block is tagged: generic containers holding text directly read as a paragraph.
OUT_TAG = {"div": "p", "section": "p", "article": "p", "main": "p", "body": "p", "html": "p",
           "center": "p", "header": "p", "footer": "p", "aside": "p", "nav": "p", "form": "p",
           "figure": "p", "details": "p", "fieldset": "p", "dialog": "p", "span": "p", "hgroup": "p",
           "table": "td", "tr": "tr", "tbody": "td", "thead": "td", "tfoot": "td", "ul": "li",
           "ol": "li", "dl": "dd", "menu": "li", "dir": "li", "frameset": "p", "noframes": "p",
           "option": "li", "optgroup": "li"}

#: A space that is there only when no punctuation or space touches it: around a link, "to <a>X</a>,"
#: reads "to X," and "アプリ<a>Kindle</a>" reads "アプリ Kindle".
_SOFT = "\ue000"
_SOFT_RUN = re.compile("\ue000+")
#: What a soft space is dropped before (a closing mark, a space, the end) and after (an opening
#: mark, a space, the start): the text reads "to X," and "(X".
_SOFT_GONE_BEFORE = frozenset(",.;:!?)]}»”’%、。，．！？）")
_SOFT_GONE_AFTER = frozenset("([{«“‘（")
_COMMAS = re.compile(r"[,，、،]")
#: The marks `ENDS_IN_PUNCTUATION` finds at the end of a text (before its trailing spaces).
_END_MARKS = frozenset(".!?。！？…»”\"')]")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_ALNUM = re.compile(r"[a-z0-9]+")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
#: The elements that may be hidden (`prune`): compiled once, as a ``descendant::`` step (the same
#: elements in the same order as ``.//*``, which libxml2 walks as every node's children).
_MAYBE_HIDDEN = etree.XPath('descendant::*[@hidden or @style[contains(., "none") or contains(., "hidden")]]')
#: Each class/id token of the marker table, with the place in the table of the first group that has it.
_TOKEN_RANK = {tok: rank for rank, m in reversed(tuple(enumerate(R.CLASS_MARKERS))) for tok in m.tokens}
_MARKED_TOKENS = frozenset(_TOKEN_RANK)
#: The words of those tokens: single ones, and the first and second words of pairs (``share-bar``).
_MARKED_WORDS = frozenset(t for t in _TOKEN_RANK if "-" not in t)
_PAIR_FIRST = frozenset(t.split("-")[0] for t in _TOKEN_RANK if t.count("-") == 1)
_PAIR_SECOND = frozenset(t.split("-")[1] for t in _TOKEN_RANK if t.count("-") == 1)
_MENU = R.CLASS_MARKERS[_TOKEN_RANK["menu"]]
_STATE_WORDS = frozenset(("open", "closed", "enabled", "disabled", "has", "no", "allowed", "off",
                          "count", "counts", "number", "status"))


@dataclass(slots=True)
class Segment:
    """One run of text between block boundaries, before the region is chosen."""

    text: str
    owner: etree._Element          # innermost block-level element around the text
    links: int                     # characters inside <a>
    marks: tuple                   # elements carrying a marker, outermost first
    weight: int = 0                # length with CJK characters counted three times
    prose: bool = False            # sentence-shaped and link-poor
    label: Label | None = None     # what the markup says it is, when it says it is boilerplate
    muted: bool = False            # under a marker kept off for holding too much prose (`MUTED_SHARE`)


def weighted_length(text: str) -> int:
    """Characters, a CJK character counting three: a Korean sentence is short in characters.

    >>> weighted_length("abc"), weighted_length("한국어")
    (3, 9)
    """
    if text.isascii():  # no CJK character, and no scan of the text for one
        return len(text)
    return len(text) + 2 * len(CJK.findall(text))


@lru_cache(maxsize=1 << 16)
def class_tokens(value: str) -> frozenset:
    """Word tokens and adjacent pairs of a class/id value, for the marker tables.

    A token next to a state word (``comments-open``, ``has-comments``) is not the thing itself,
    so it is left out.

    >>> sorted(class_tokens("social-shareBar js-x"))
    ['bar', 'js', 'js-x', 'share', 'share-bar', 'social', 'social-share', 'x']
    >>> sorted(class_tokens("post comments-open"))
    ['post']
    """
    keys = set()
    for name in _lowered(value).split():
        toks = _ALNUM.findall(name)
        if _STATE_WORDS.isdisjoint(toks):
            keys.update(toks)
            keys.update(map("-".join, zip(toks, toks[1:])))
    return frozenset(keys)


def _lowered(value: str) -> str:
    """A class/id value in lower case, its camel-case words cut (``shareBar`` -> ``share-bar``).

    >>> _lowered("social-shareBar js-X")
    'social-share-bar js-x'
    """
    lowered = value.lower()
    if lowered != value:  # a capital: cut camel-case words first (the regex costs as much as the rest)
        lowered = _CAMEL.sub("-", value).lower()
    return lowered


@lru_cache(maxsize=1 << 16)
def class_marker(value: str) -> R.Marker | None:
    """The boilerplate group a class/id value names, most specific group first.

    >>> class_marker("entry-share-buttons").label.rule, class_marker("commentary") is None
    ('html.share_bar', True)
    >>> class_marker("social-media-embed") is None, class_marker("article-teaser") is None, class_marker("teaser").label.rule
    (True, True, 'html.related')
    """
    lowered = _lowered(value)
    words = _ALNUM.findall(lowered)
    if _MARKED_WORDS.isdisjoint(words) and (_PAIR_FIRST.isdisjoint(words) or _PAIR_SECOND.isdisjoint(words)) \
            and "menu" not in lowered:
        return None  # half the values: no token of the table can be among theirs (`tokens_marker`)
    return tokens_marker(class_tokens(value))


def tokens_marker(keys: frozenset) -> R.Marker | None:
    """The marker of a class/id value's tokens (`class_tokens`).

    `class_marker` calls this only when the value's words could make one of the table's tokens:
    a single word of the table, a first and a second word of one of its pairs, or a word ending in
    "menu". Every other value has none of the tokens this looks for, so its marker is None.
    """
    if keys & R.EMBED_TOKENS:  # a quoted post or a pull quote is the story's, whatever else it says
        return None
    hits = keys & _MARKED_TOKENS
    best = R.CLASS_MARKERS[min(_TOKEN_RANK[k] for k in hits)] if hits else None
    if best is not None and best.label.category == "related" and keys & R.STANDFIRST_TOKENS:
        return None  # German CMSs call the lede a teaser ("teaser-text", "article-teaser"): a standfirst
    if best is None and any(len(k) > 4 and k.endswith("menu") for k in keys):
        return _MENU  # a menu by any prefix: "spmenu", "mainmenu", "wprmenu"
    return best


def marker_of(el: etree._Element) -> R.Marker | None:
    """The marker an element carries by its tag, role, itemprop or class/id, if any."""
    tag = el.tag
    m = R.TAG_MARKERS.get(tag)
    if m is not None:
        return m
    # The names of its attributes, in one call, say which of the five are worth a lookup each
    # (most elements carry a class and nothing else of these): ~5% of `segment`'s instructions.
    names = el.keys()
    if not names:
        return None
    get = el.get
    if "role" in names:
        role = get("role")
        if role and role.lower() in R.ROLE_MARKERS:
            return R.ROLE_MARKERS[role.lower()]
    if "itemprop" in names:
        prop = get("itemprop")
        if prop:
            m = R.ITEMPROP_MARKERS.get(prop.split()[0].lower())
            if m is not None:
                return m
    if "rel" in names and get("rel") == "author":
        return R.ITEMPROP_MARKERS["author"]
    cls = get("class") if "class" in names else None
    ident = get("id") if "id" in names else None
    value = _joined(cls, ident)
    return class_marker(value) if value else None


def class_and_id(el) -> str:
    """An element's class and id as one value for the class/id tables (`class_tokens`), "" for neither."""
    return _joined(el.get("class"), el.get("id"))


def _joined(cls: str | None, ident: str | None) -> str:
    """``"class id"``, or the one of them there is: a value's tokens and marker are those of its
    names, whatever the spaces around them, and one form of it keeps one entry in their caches."""
    if ident:
        return f"{cls} {ident}" if cls else ident
    return cls or ""


def prune(root: etree._Element) -> None:
    """Drop what is never visible text: scripts, styles, form controls, hidden elements. A story
    the page keeps in a ``<script type="text/template">`` inside its ``itemprop="articleBody"``
    (Blogger's template for Google's blogs renders it with JavaScript) is opened first."""
    _open_body_templates(root)
    etree.strip_elements(root, *DROP_TAGS, with_tail=False)
    for el in _MAYBE_HIDDEN(root):
        if el.get("hidden") is not None or _HIDDEN_STYLE.search(el.get("style") or ""):
            if el.tag not in ("html", "body"):
                _drop(el)


def _open_body_templates(root: etree._Element) -> None:
    """Put the markup of a text/template script inside the element the page calls its
    articleBody in the script's place. Only there: elsewhere such templates are widgets'
    (``<div><%= name %></div>``), never the story. A page is searched for that element only when
    it has such a script at all: the search walks the whole tree, the scripts are few."""
    if not any(_template(script) for script in root.iter("script")):
        return
    for body in root.xpath('.//*[@itemprop="articleBody"]'):
        for script in body.iter("script"):
            if not _template(script):
                continue
            try:
                parts = lxml.html.fragments_fromstring(script.text, no_leading_text=False)
            except (etree.ParserError, etree.XMLSyntaxError, ValueError):
                continue
            holder = lxml.html.Element("div")
            for part in parts:
                if isinstance(part, str):
                    holder.text = (holder.text or "") + part
                else:
                    holder.append(part)
            holder.tail = script.tail
            script.getparent().replace(script, holder)
            break  # the iterator does not survive the replacement; a body holds one template


def _template(script: etree._Element) -> bool:
    """Whether a script is a text/template holding markup."""
    return (script.get("type") or "").strip().lower() == "text/template" and bool((script.text or "").strip())


def _drop(el: etree._Element) -> None:
    """Remove an element and its content, keeping the text that follows it."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def _soft_space(run: re.Match) -> str:
    r"""A run of soft spaces as it reads: nothing next to a space or a mark that takes none (or
    at either end of the text), else a space.

    This says what ``\ue000+(?=[\s,.;:!?)\]}»”’%、。，．！？）]|$)|(?<=[\s(\[{«“‘（])\ue000+|^\ue000+``
    dropped (and a space for each soft space left, the same once the spaces are collapsed), from a
    run's two neighbours: that pattern was tried at every position of a segment's text, most of
    the cost of closing one that holds a link.

    >>> " ".join(_SOFT_RUN.sub(_soft_space, "\ue000to\ue000X\ue000, (\ue000Y\ue000)\ue000").split())
    'to X, (Y)'
    """
    text, start, end = run.string, run.start(), run.end()
    if start == 0 or end == len(text):
        return ""
    after, before = text[end], text[start - 1]
    if after.isspace() or after in _SOFT_GONE_BEFORE or before.isspace() or before in _SOFT_GONE_AFTER:
        return ""
    return " "


def segment(root: etree._Element) -> tuple[list[Segment], dict]:
    """Cut the visible text into segments at block boundaries and <br>, in document order.

    One walk on purpose: the open segment's text, its link characters and the stack of owning
    elements are updated on every start and end event of a single `iterwalk`; split up, each piece
    would need all of that state, and the walk is the HTML stage's hot path.
    """
    segs: list[Segment] = []
    markers: dict = {}
    owners = [root]
    marks: list = []
    buf: list[str] = []
    link_chars = 0
    in_link = 0

    def flush() -> None:
        """Close the open segment. Called only when `buf` holds text (a call per boundary cost a
        tenth of the walk): `link_chars` counts characters of `buf` only, so it is 0 otherwise."""
        nonlocal link_chars
        text = "".join(buf)
        if _SOFT in text:
            text = _SOFT_RUN.sub(_soft_space, text)
        text = " ".join(text.split())
        if text:
            segs.append(Segment(text, owners[-1], link_chars, tuple(marks)))
        buf.clear()
        link_chars = 0

    # A segment's leading spaces and soft spaces are dropped when it is closed (`_soft_space`, then
    # `split`), so `buf` is left empty until text that is not blank arrives: the whitespace
    # between block tags (half the pieces of a page) then opens no segment and costs no `flush`.
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag
        if not isinstance(tag, str):  # comments, processing instructions, entities
            tail = el.tail
            if event == "end" and tail and (buf or not tail.isspace()):
                buf.append(tail)
                if in_link:
                    link_chars += len(tail.strip())
            continue
        if event == "start":
            m = marker_of(el)
            block = tag in BLOCK_TAGS
            if block or m is not None or tag == "br":
                if buf:
                    flush()
            if block:
                owners.append(el)
            if m is not None:
                markers[el] = m
                marks.append(el)
            if tag == "a":
                in_link += 1
                if buf:
                    buf.append(_SOFT)  # a link is a word of its own, on both sides (CJK text has no spaces)
            text = el.text
            if text and (buf or not text.isspace()):
                buf.append(text)
                if in_link:
                    link_chars += len(text.strip())
        else:
            if tag in BLOCK_TAGS:
                if buf:
                    flush()
                owners.pop()
            elif el in markers:
                if buf:
                    flush()
            if tag == "a":
                in_link -= 1
                if buf:
                    buf.append(_SOFT)
            elif tag in CELL_TAGS and buf:
                buf.append(" ")
            if marks and marks[-1] is el:
                marks.pop()
            tail = el.tail
            if tail and (buf or not tail.isspace()):
                buf.append(tail)
                if in_link:
                    link_chars += len(tail.strip())
    if buf:
        flush()
    for s in segs:
        s.weight = weighted_length(s.text)
        plain = s.weight - min(s.links, len(s.text))
        # A segment's text is stripped and never empty (`flush`): it ends in punctuation
        # (`ENDS_IN_PUNCTUATION`) when its last character is a mark, found without a regex scan of it.
        s.prose = plain >= 40 and s.links <= 0.5 * len(s.text) and (
            s.text[-1] in _END_MARKS or plain >= 120 or bool(_COMMAS.search(s.text)))
    return segs, markers


def _commas(text: str) -> int:
    """How many commas (`_COMMAS`) a text holds: four counts of one character each, which skip a
    text that cannot hold the character (a Latin text and "，") instead of scanning it with a class.

    >>> _commas("a, b，c、d،e"), len(_COMMAS.findall("a, b，c、d،e"))
    (4, 4)
    """
    return text.count(",") + text.count("，") + text.count("、") + text.count("،")


def _ancestors(el, limit=10**6):
    p = el.getparent()
    n = 0
    while p is not None and n < limit:
        yield p
        p = p.getparent()
        n += 1


def _levels_below(top):
    """A function of an element: how many levels below `top` it sits (0 for `top` itself), None
    when `top` is not above it. ``levels(el) <= k`` says ``el is top or top in _ancestors(el, k)``.

    Each element's answer is kept, so a run of segments asked about in document order walks each
    chain once, up to the first element already known, rather than every segment's whole chain
    (a page's segments before its story were 200,000 steps up over the ScrapingHub pages).

    >>> from lxml import etree
    >>> root = etree.fromstring("<a><b><c/></b><d/></a>")
    >>> levels = _levels_below(root[0])
    >>> levels(root[0][0]), levels(root[0]), levels(root[1]), levels(root)
    (1, 0, None, None)
    """
    known = {top: 0}

    def levels(el) -> int | None:
        path = []
        while el is not None and el not in known:
            path.append(el)
            el = el.getparent()
        level = None if el is None else known[el]
        for p in reversed(path):
            level = None if level is None else level + 1
            known[p] = level
        return level

    return levels


#: Class/id words of a gallery's slides (`_slide`); a carousel or a rail holds teasers as often.
_SLIDE_TOKENS = frozenset(("gallery", "slideshow", "slides", "slide"))


def _slide(el, m: R.Marker) -> bool:
    """A marked element that may be one slide of a gallery story: a caption, or a widget its
    class or id calls a gallery or a slide."""
    if m.label.category == "caption":
        return True
    if m.label.category != "widget":
        return False
    return bool(class_tokens(class_and_id(el)) & _SLIDE_TOKENS)


def validate_marks(segs: list[Segment], markers: dict, title_el) -> dict:
    """Which markers stand: those whose element holds little story-shaped text and not the headline."""
    prose: dict = {}
    total = 0
    for s in segs:
        if s.prose:
            total += s.weight
            for el in s.marks:
                prose[el] = prose.get(el, 0) + s.weight
    headline_holders = set(_ancestors(title_el)) | {title_el} if title_el is not None else set()
    # A gallery's slides (or a slideshow's captions), each marked on its own, are the story when
    # together they hold most of its prose: summed over the siblings that carry the same marker.
    runs: dict = {}
    slides = {el for el, m in markers.items() if el in prose and _slide(el, m)}
    for el in slides:
        key = (el.getparent(), markers[el].label.rule)
        runs[key] = runs.get(key, 0) + prose[el]
    valid = {}
    muted = set()
    for el, m in markers.items():
        p = prose.get(el, 0)
        if el.tag in ("body", "html"):  # a page's state ("showing-comments", "has-sidebar"), not a part of it
            continue
        if el in slides:
            p = max(p, runs[(el.getparent(), m.label.rule)])
        if el in headline_holders or (m.label.category != "comments" and total and p > 0.5 * total):
            continue
        if p > m.max_prose:
            muted.add(el)
            continue
        valid[el] = m
    if muted:
        for s in segs:
            s.muted = any(el in muted for el in s.marks)
    return valid


def _tag_weight(el) -> int:
    tag = el.tag
    if tag in ("div", "article", "section", "main"):
        w = 5
    elif tag in ("pre", "td", "blockquote"):
        w = 3
    elif tag in ("address", "ol", "ul", "dl", "dd", "dt", "li", "form"):
        w = -3
    elif tag in HEADINGS or tag == "th":
        w = -5
    else:
        w = 0
    cls = class_and_id(el)
    if cls.strip():
        toks = class_tokens(cls)
        if toks & R.CONTENT_TOKENS:
            w += 25
        if toks & R.NON_CONTENT_TOKENS:
            w -= 25
    return w


def choose_region(segs: list[Segment]) -> list:
    """The elements that hold the story: the best-scored container and its close siblings."""
    final = candidate_scores(segs)
    if not final:
        return []
    top = _ascend(max(final, key=final.get), final)
    threshold = max(10.0, final.get(top, 0.0) * 0.2)
    branch = _branch_points(segs, top)
    top = _climb_to_parts(top, branch)
    parent = top.getparent()
    if parent is None:
        return [top]
    key = part_key(top)
    para = _sibling_paragraphs(segs, parent)
    region = []
    for sib in parent:
        if sib is top:
            region.append(sib)
        elif isinstance(sib.tag, str) and ((key and part_key(sib) == key and branch.get(sib, 0) > 0)
                                           or final.get(sib, 0) >= threshold or sib in para):
            region.append(sib)
    return region


#: How many levels above the best container a story cut into parts may be cut (WPBakery's
#: ``vc_row > wpb_column > vc_column-inner > wpb_wrapper > wpb_text_column`` is five).
PART_LEVELS = 6
#: Prose points (`_branch_points`) the other parts must hold together for a cut to be a story's.
PART_POINTS = 10.0


def part_key(el) -> tuple | None:
    """What makes two elements parts of one story: the same tag and the same first class name
    (``vc_row wpb_row vc_custom_1563`` and ``vc_row wpb_row vc_custom_1570`` are two rows of one
    page builder's story). None for an element without a class.

    >>> from lxml import etree
    >>> part_key(etree.fromstring('<div class="vc_row wpb_row vc_custom_1"/>'))
    ('div', 'vc_row')
    """
    cls = el.get("class")
    if not cls or not cls.split():
        return None
    return el.tag, cls.split()[0]


def _climb_to_parts(top, branch: dict):
    """The element of `top`'s chain (itself or up to `PART_LEVELS` above it) that is one of
    several same-key parts holding prose: a story cut into parts (nytimes' story-body-supplemental,
    a paragraph per card, a page builder's rows) is taken whole. `top` itself when there is none."""
    el = top
    for _ in range(PART_LEVELS):
        parent = el.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        key = part_key(el)
        if key and sum(branch.get(sib, 0) for sib in parent
                       if sib is not el and isinstance(sib.tag, str) and part_key(sib) == key) >= PART_POINTS:
            return el
        el = parent
    return top


def _branch_points(segs: list[Segment], top, depth: int = 200) -> dict:
    """The prose points held by each side branch of `top`'s ancestor chain (the children of the
    chain's elements that are not on it), scaled down by their share of link text."""
    chain = {top, *_ancestors(top)}
    points: dict = {}
    text: dict = {}
    links: dict = {}
    for s in segs:
        if s.label is not None:
            continue
        el, child, n = s.owner, None, 0
        while el is not None and el not in chain and n < depth:
            child, el, n = el, el.getparent(), n + 1
        if child is None or el is None or el not in chain:
            continue
        text[child] = text.get(child, 0) + len(s.text)
        links[child] = links.get(child, 0) + s.links
        if s.prose:
            points[child] = points.get(child, 0) + 1 + _commas(s.text) + min((s.weight - s.links) / 100, 3)
    return {el: p * (1 - links[el] / max(text[el], 1)) for el, p in points.items()}


#: What a paragraph under a marker that was kept off for its size (an ``author-bio``, a
#: ``sidebar`` or a ``modal`` holding more prose than its group allows, yet less than half the
#: page's) counts towards choosing the region: its text is not removed, since the marker may be
#: wrong, but a long author bio or a sidebar of teasers must not outscore the story beside it.
MUTED_SHARE = 1 / 3


def candidate_scores(segs: list[Segment]) -> dict:
    """Readability's content score of every element above a prose paragraph, scaled down by the
    share of its text that is links."""
    scores: dict = {}
    for s in segs:
        if s.label is not None or not s.prose:
            continue
        owner = s.owner
        if owner.tag in PARA_TAGS or not any(isinstance(c.tag, str) and c.tag in BLOCK_TAGS for c in owner):
            start = owner.getparent()
        else:
            start = owner
        if start is None:
            start = owner
        points = 1 + _commas(s.text) + min((s.weight - s.links) / 100, 3)
        if s.muted:
            points *= MUTED_SHARE
        if owner.tag in LIST_ITEMS:  # a list of sentences is a gallery's legends or a teaser list as often as a story
            points /= 2
        el, level = start, 0
        while el is not None and level < 5:
            if el not in scores:
                scores[el] = _tag_weight(el)
            scores[el] += points / (1 if level == 0 else 2 if level == 1 else level * 3)
            el = el.getparent()
            level += 1
    if not scores:
        return {}
    text_len: dict = {}
    link_len: dict = {}
    for s in segs:
        if s.label is not None:
            continue
        el = s.owner
        while el is not None:
            if el in scores:
                text_len[el] = text_len.get(el, 0) + len(s.text)
                link_len[el] = link_len.get(el, 0) + s.links
            el = el.getparent()
    return {el: sc * (1 - link_len.get(el, 0) / max(text_len.get(el, 1), 1)) for el, sc in scores.items()}


def _ascend(top, final: dict):
    """Readability's three steps up from the best-scored element.

    1. When at least three of the other high scorers (within 75% of the best) sit under one of
       its ancestors, the story is split into parts (a paragraph per card): take that ancestor.
    2. When an ancestor scores higher than the element below it before the scores fall under a
       third of the best, there is more story beside it: take that ancestor.
    3. An element that is its parent's only child is the same container as its parent.
    """
    best = final[top]
    if best <= 0:
        return top
    others = sorted((el for el in final if el is not top and final[el] >= 0.75 * best),
                    key=final.get, reverse=True)[:4]
    if len(others) >= 3:
        chains = [set(_ancestors(el)) for el in others]
        for anc in _ancestors(top):
            if anc.tag in ("body", "html"):
                break
            if sum(anc in c for c in chains) >= 3:
                top = anc
                break
    last = final.get(top, best)
    for anc in _ancestors(top):
        if anc.tag in ("body", "html"):
            break
        sc = final.get(anc)
        if sc is None:
            continue
        if sc < best / 3:
            break
        if sc > last:
            top = anc
            break
        last = sc
    parent = top.getparent()
    while parent is not None and parent.tag not in ("body", "html") and _element_children(parent) == 1:
        top, parent = parent, parent.getparent()
    return top


def _element_children(el) -> int:
    return sum(1 for c in el if isinstance(c.tag, str))


def _sibling_paragraphs(segs: list[Segment], parent) -> set:
    """Paragraphs sitting right beside the chosen container (readability's sibling test): a
    ``<p>`` (or a ``<div>`` holding text only) child of its parent that reads as prose and is not
    mostly links."""
    out = set()
    for s in segs:
        owner = s.owner
        if s.label is None and s.prose and owner.getparent() is parent and s.links <= 0.25 * len(s.text) \
                and (owner.tag == "p" or (owner.tag == "div" and not _has_block_child(owner))):
            out.add(owner)
    return out


def _has_block_child(el) -> bool:
    """Readability reads a <div> with no block inside as a paragraph."""
    return any(isinstance(c.tag, str) and c.tag in BLOCK_TAGS for c in el)


#: A link list in the region: this many blocks in a row (labelled blocks between them aside)
#: that are each nearly all link text (`LINK_LINE_SHARE`).
LINK_LIST_MIN = 2
LINK_LINE_SHARE = 0.8


def label_link_lists(segs: list[Segment]) -> None:
    """Label the link lists inside the story's region ``related`` (``html.link_list``), with the
    heading or short line that introduces one ("Mehr zum Thema", "Weitere Beiträge:"): a "read
    more" box the markup does not name, a list of teaser headlines under the story.

    Two link lines in a row at least, and never more link text than the region's own prose, so a
    page that is a list of links (a directory, an index) keeps it: that is its content.

    >>> segs = [Segment("The harbour ferry returned to service on Monday, the operator said.", None, 0, ()),
    ...         Segment("More from the harbour:", None, 0, ()), Segment("Bridge closure delayed", None, 22, ()),
    ...         Segment("New timetable for the buses", None, 27, ())]
    >>> for s in segs: s.prose = s.links == 0 and len(s.text) > 40
    >>> label_link_lists(segs); [s.label and s.label.rule for s in segs]
    [None, 'html.link_list', 'html.link_list', 'html.link_list']
    """
    free = [s for s in segs if s.label is None]
    prose = sum(len(s.text) for s in free if s.prose and s.links <= 0.25 * len(s.text))
    last = max((k for k, s in enumerate(free) if s.prose and s.links <= 0.25 * len(s.text)), default=len(free))
    i = last + 1
    while i < len(free):
        j = i
        while j < len(free) and _link_line(free[j]):
            j += 1
        if j - i >= LINK_LIST_MIN and sum(len(s.text) for s in free[i:j]) < prose:
            run = free[i:j]
            if i > 0 and _box_title(free[i - 1]):
                run.insert(0, free[i - 1])
            for s in run:
                s.label = _LINK_LIST
        i = max(j, i + 1)


_LINK_LIST = Label("related", R.LINK_LIST)
_URL_TEXT = re.compile(r"^(?:https?://|www\.)\S+$|^\S+\.[a-z]{2,6}(?:/\S*)?$", re.I)


def _link_line(s: Segment) -> bool:
    """A block that is (nearly) all link text, and not an address the story cites
    (``http://www.gnu.org/philosophy/``): a link named by its URL is a source, not a teaser."""
    return len(s.text) >= 3 and s.links >= LINK_LINE_SHARE * len(s.text) and not _URL_TEXT.match(s.text)


def _box_title(s: Segment) -> bool:
    """A heading or a short line that opens a box: no links, not a sentence (a colon may end it)."""
    text = s.text.rstrip()
    return (s.links == 0 and len(text) <= 60 and not ENDS_IN_PUNCTUATION.search(text)
            and (text.endswith(":") or (s.owner is not None and s.owner.tag in HEADINGS)))


def shouted_link(s: Segment) -> bool:
    """A block that is one link in capitals ("SEAN SPICER ELIMINATED FROM 'DANCING WITH THE
    STARS'"): the way many sites drop a related story into the middle of another.

    >>> shouted_link(Segment("SEAN SPICER ELIMINATED FROM THE SHOW", None, 36, ()))
    True
    >>> shouted_link(Segment("Sean Spicer was eliminated from the show", None, 40, ()))
    False
    """
    if s.links < 0.95 * len(s.text) or len(s.text.split()) < 3:
        return False
    letters = [c for c in s.text if c.isalpha()]
    return len(letters) >= 12 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def in_region(segs: list[Segment], region: list, extra: set[int] = frozenset()) -> list[Segment]:
    """The segments under the region's elements and those at the `extra` indexes, in document order.

    The region's subtrees are listed once (lxml's iter, in C) rather than each segment's ancestors
    walked up in Python: a page has far fewer elements than its segments have ancestors."""
    inside = {el for top in region for el in top.iter()}
    return [s for i, s in enumerate(segs) if i in extra or s.owner in inside]


#: How far above the region's first element the headline's and the region's common ancestor may
#: be for what sits between them to be the story's lede: farther up, the two are different parts
#: of the page (a site header's <h1> and the story).
LEDE_SCOPE_LEVELS = 6


def lede_segments(segs: list[Segment], region: list, title_el) -> set[int]:
    """Indexes of the prose blocks between the headline and the region: the lede or standfirst a
    page sets in the story's header (``<h2 class="article-lead">``, ``<div class="leadIn">``)
    rather than in the body container that scored best.

    Only sentence-shaped, link-poor, unmarked blocks under the nearest element holding both the
    headline and the region: what sits between a headline and its body is a lede, a byline, a
    date, a share bar or a picture, and only the first reads as prose (the others are markers or
    short lines). A page whose headline is far from its body (a site header's <h1>) has none.
    """
    if not region:
        return set()
    if title_el is None:
        return _marked_lede(segs, region)
    chain = [region[0], *_ancestors(region[0], LEDE_SCOPE_LEVELS)]
    holders = {title_el, *_ancestors(title_el)}
    scope = next((el for el in chain if el in holders), None)
    if scope is None or scope.tag in ("body", "html"):
        return _marked_lede(segs, region)
    start = end = None
    below_title, below_first = _levels_below(title_el), _levels_below(region[0])
    for i, s in enumerate(segs):
        if start is None and (level := below_title(s.owner)) is not None and level <= 50:
            start = i
        if (level := below_first(s.owner)) is not None and level <= 200:
            end = i
            break
    if start is None or end is None or start >= end:
        return set()
    out, seen = set(), set()
    for i in range(start + 1, end):
        s = segs[i]
        if s.prose and s.label is None and s.links <= 0.25 * len(s.text) and s.text not in seen \
                and _under_content(s.owner, scope):
            out.add(i)
            seen.add(s.text)  # a dek set twice (for phones and for desktops) is one dek
    return out


#: How many blocks before the region a marked standfirst may sit (a picture, its caption, a date,
#: a byline and a share bar between them).
MARKED_LEDE_REACH = 8


def _marked_lede(segs: list[Segment], region: list) -> set[int]:
    """Indexes of the prose blocks just before the region that the markup itself calls a standfirst
    (``<div class="teaser-text">``, ``<div class="excerpt">``), when no headline ties them to it:
    a page with no matching <h1>, or one whose <h1> sits in a page header far from the story.
    Only blocks among the `MARKED_LEDE_REACH` before the region, and the first unmarked prose block
    on the way back ends the search: what is further up is another part of the page."""
    first = region[0]
    below_first = _levels_below(first)
    end = next((i for i, s in enumerate(segs) if (level := below_first(s.owner)) is not None and level <= 200), None)
    out: set[int] = set()
    if end is None:
        return out
    for i in range(end - 1, max(-1, end - 1 - MARKED_LEDE_REACH), -1):
        s = segs[i]
        if not s.prose or s.label is not None:
            continue
        if s.links > 0.25 * len(s.text) or not standfirst_marked(s.owner):
            break
        out.add(i)
    return out


def standfirst_marked(el, levels: int = 3, known: dict | None = None) -> bool:
    """Whether the element or one of its nearest ancestors is marked as a standfirst: by
    ``itemprop`` (``description``, ``abstract``) or a class the vocabulary knows (`R.STANDFIRST_TOKENS`).

    `known`, a dict kept over the calls for one page, keeps what each element says of itself: the
    blocks of a story share their parents, which are then read once.
    """
    for _ in range(levels + 1):
        if el is None or not isinstance(el.tag, str):
            return False
        if known is None:
            marked = _standfirst_itself(el)
        elif (marked := known.get(el)) is None:
            marked = known[el] = _standfirst_itself(el)
        if marked:
            return True
        el = el.getparent()
    return False


def _standfirst_itself(el) -> bool:
    """Whether the element's own ``itemprop`` or class/id mark it as a standfirst (`standfirst_marked`)."""
    prop = (el.get("itemprop") or "").lower()
    if prop in ("description", "alternativeheadline", "abstract"):
        return True
    cls = class_and_id(el)
    return bool(cls.strip() and class_tokens(cls) & R.STANDFIRST_TOKENS)


def _under_content(el, scope) -> bool:
    """Whether `el` sits under `scope` with no element between them that the markup calls page
    furniture (readability's negative tokens: ``meta``, ``share``, ``related``...): a byline line
    in ``<p class="meta">`` reads as prose too. Above an element the markup calls a standfirst
    (``<div class="entry-excerpt">``), the story's own header (``<header class="entry-header">``)
    is where a standfirst belongs, not furniture around it."""
    standfirst = False
    while el is not None:
        cls = el.get("class")
        if cls:
            toks = class_tokens(cls)
            if toks & R.STANDFIRST_TOKENS:
                standfirst = True
            elif toks & R.NON_CONTENT_TOKENS and not standfirst:
                return False
        if el is scope:
            return True
        el = el.getparent()
    return False
