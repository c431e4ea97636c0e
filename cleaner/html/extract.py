"""An HTML page to an article: its metadata and the blocks of its main content.

Metadata comes from what the page says about itself first (JSON-LD ``NewsArticle``, OpenGraph,
``<meta>``), then from its markup (``<title>``, ``<h1>``, ``<html lang>``, byline elements), then
from well-kept libraries: htmldate for a publication date the structured data does not give. The
language found here is the one the page declares; what the body is written in is detected from the
cleaned article (`cleaner.language`). Headlines lose the site name they
carry (``Headline | Site``); author fields lose roles, credentials and outlet names.

The body is found by `cleaner.html.body` and returned as blocks, each with the boilerplate
category its markup gave it (a ``<figcaption>``, a share bar...), so the line classifier sees HTML
and text input alike.

The page is parsed once: htmldate reads the same tree (it copies what it prunes) before the body
is cut out of it. Parsing never fetches or resolves anything: no network, no external entities, no
DTD loading; htmldate is handed that parsed tree, never a string it could take for a URL.
"""
from __future__ import annotations

import contextlib
import html as _html
import json
import re
from dataclasses import dataclass, field

import lxml.html
from lxml import etree

from cleaner.errors import RefusedRecord
from cleaner.html import body as B
from cleaner.html import markup as R
from cleaner.lexicon import HTML_BLOCK_RULE
from cleaner.records import Label

#: ``collect_ids=False``: libxml2 need not index the ``id`` attributes; nothing here or in htmldate
#: looks an element up by its id (XPath ``id()``), and the tree is the same.
_PARSER_OPTIONS = dict(remove_comments=True, remove_pis=True, no_network=True, huge_tree=True,
                       recover=True, encoding="utf-8", collect_ids=False)
#: Every element an `HtmlElement` (what htmldate takes), by lxml's C-level default lookup:
#: lxml.html's own parser picks a class per tag in Python, which costs ~9% more instructions
#: over cutting a page into blocks (callgrind, 40 ScrapingHub pages); this costs ~2%.
_HTML_ELEMENTS = etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment, pi=lxml.html.HtmlProcessingInstruction,
    entity=lxml.html.HtmlEntity)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_WS = re.compile(r"\s+")
_BOILERPLATE_PATTERN = re.compile("|".join(f"(?:{p})" for p in R.BOILERPLATE_PATTERNS), re.I)
_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_ARTICLE_TYPES = frozenset(("newsarticle", "article", "reportagenewsarticle", "blogposting", "analysisnewsarticle",
                            "opinionnewsarticle", "backgroundnewsarticle", "reviewnewsarticle", "report",
                            "scholarlyarticle", "techarticle", "liveblogposting", "webpage"))


@dataclass(slots=True)
class Block:
    """One paragraph-like run of the main content, with the label its markup gave it."""

    text: str
    tag: str = "p"
    label: Label | None = None
    links: int = 0          # characters of the text inside <a>
    standfirst: bool = False  # inside an element the markup calls a standfirst (``class="dek"``...)


@dataclass(slots=True)
class HtmlDocument:
    title: str | None = None
    subtitle: str | None = None
    description: str | None = None     # the page's summary of itself (JSON-LD, og:, <meta name=description>)
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    url: str | None = None
    site_name: str | None = None
    language: str | None = None        # declared by the page (<html lang>, og:locale...), primary subtag
    blocks: list[Block] = field(default_factory=list)
    bylines: list[str] = field(default_factory=list)   # texts the markup calls a byline, anywhere in the page
    whole_page: bool = False  # no story region found: the blocks are the whole page's
    ld_body: str | None = None  # the story as the page's JSON-LD gives it (``articleBody``)


class PageTooDeep(RefusedRecord):
    """A page nested deeper than the HTML parser goes: it stops there, and the rest would be lost."""

    check = "clean.html_too_deep"


class PageTooComplex(RefusedRecord):
    """A page past the work limits of one record: too many elements, or one element with too many
    attributes (libxml2 checks each new attribute against all earlier ones of its element, so one
    element of 100,000 attributes took a minute to parse, and htmldate as long again)."""

    check = "clean.html_too_complex"


#: Work limits of one page, far above what pages carry (the benchmarks' 730 pages: at most 92
#: attributes on an element, 25,000 elements on a page), so that every record has a bounded cost.
MAX_ATTRIBUTES = 1_000        # on one element
MAX_ELEMENTS = 200_000        # start tags on one page (about 50 s of cleaning at the worst shape)

#: A start tag and its attributes (quoted values may hold ">"), and one attribute in it.
_START_TAG = re.compile(r"""<[A-Za-z][^\s/>]*(?:\s+[^\s=>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]*))?)*""")
_ATTRIBUTE = re.compile(r"""\s+[^\s=>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]*))?""")


def check_work(raw: str) -> None:
    """Raise `PageTooComplex` when a page is past `MAX_ELEMENTS` or `MAX_ATTRIBUTES`, in linear time.

    Elements are counted as "<" minus "</" (an upper bound: a "<" in text counts too), and the
    "</" only when the "<" alone are too many; only start tags long enough to hold `MAX_ATTRIBUTES`
    attributes have theirs counted.

    >>> check_work("<div " + " ".join(f"a{i}" for i in range(2000)) + ">x</div>")
    Traceback (most recent call last):
    ...
    cleaner.html.extract.PageTooComplex: an element with more than 1,000 attributes (the limit for one element) at character 0
    >>> check_work("<p class=a id=b>fine</p>")
    """
    # A page no longer than the limit cannot hold more "<" than it: most pages need no count.
    elements = raw.count("<") if len(raw) > MAX_ELEMENTS else 0
    if elements > MAX_ELEMENTS:
        elements -= raw.count("</")
    if elements > MAX_ELEMENTS:
        raise PageTooComplex(f"the page has about {elements:,} elements, over the limit of {MAX_ELEMENTS:,} for one page")
    tags = _START_TAG.findall(raw)
    if max(map(len, tags), default=0) <= 2 * MAX_ATTRIBUTES:
        return  # the common case, found without a Python step per tag
    # A page with a long tag (an inline image's data URL: 70 of the 181 ScrapingHub pages) has
    # the attributes of its long tags counted in their texts, without a match object per tag of
    # the page; the page is walked tag by tag only to say where the one over the limit is.
    if all(len(_ATTRIBUTE.findall(t)) <= MAX_ATTRIBUTES for t in tags if len(t) > 2 * MAX_ATTRIBUTES):
        return
    for tag in _START_TAG.finditer(raw):
        if tag.end() - tag.start() > 2 * MAX_ATTRIBUTES:
            count = 0
            for count, _ in enumerate(_ATTRIBUTE.finditer(raw, tag.start(), tag.end()), 1):
                if count > MAX_ATTRIBUTES:
                    raise PageTooComplex(f"an element with more than {MAX_ATTRIBUTES:,} attributes (the limit "
                                         f"for one element) at character {tag.start():,}")


def parse(raw: str) -> etree._Element | None:
    """Parse a page with a forgiving, offline parser; None when there is no document at all.

    Its elements are lxml.html's `HtmlElement`s, so that htmldate can read the tree as it is
    instead of parsing the page a second time (`_HTML_ELEMENTS`).

    Raises `PageTooDeep` for a page nested past libxml2's depth limit (2048 levels even with
    `huge_tree`): the parser stops at that depth and drops everything after it, so the page is
    quarantined rather than published without its story. Raises `PageTooComplex` before parsing a
    page past the work limits (`check_work`).
    """
    check_work(raw)
    data = _XML_DECL.sub("", raw, count=1).encode("utf-8", "replace")
    if not data.strip():
        return None
    parser = etree.HTMLParser(**_PARSER_OPTIONS)
    parser.set_element_class_lookup(_HTML_ELEMENTS)
    try:
        root = etree.fromstring(data, parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        root = None
    for entry in parser.error_log:
        if entry.type == etree.ErrorTypes.ERR_RESOURCE_LIMIT:
            raise PageTooDeep(f"HTML nested too deeply at line {entry.line}, column {entry.column} "
                              f"({entry.message.split(',')[0]}): the parser stops there and the rest of the page would be lost")
    return root


def extract_html(raw: str, url: str | None = None) -> HtmlDocument:
    """The metadata and main-content blocks of a page.

    >>> page = ('<html lang="en"><head><title>Ferry back | Harbour News</title>'
    ...         '<meta property="og:site_name" content="Harbour News"></head><body>'
    ...         '<nav><a href="/">Home</a> <a href="/n">News</a></nav><article><h1>Ferry back</h1>'
    ...         '<p>The harbour ferry returned to service on Monday after three weeks of repairs, the operator said.</p>'
    ...         '<figure><img src="f.jpg"><figcaption>The ferry at the quay.</figcaption></figure>'
    ...         '<p>Commuters, who had faced a long detour by road, welcomed the news, and traffic eased.</p>'
    ...         '</article></body></html>')
    >>> doc = extract_html(page)
    >>> doc.title, doc.site_name, doc.language
    ('Ferry back', 'Harbour News', 'en')
    >>> [(b.text[:22], b.label and b.label.category) for b in doc.blocks]
    [('Ferry back', None), ('The harbour ferry retu', None), ('The ferry at the quay.', 'caption'), ('Commuters, who had fac', None)]
    """
    doc = HtmlDocument(url=url)
    root = parse(raw)
    if root is None:
        return doc
    _metadata(root, doc)
    if doc.published is None:
        doc.published = _date_from_page(root, doc.url)  # before pruning: htmldate reads scripts and meta
    B.prune(root)
    segs, markers = B.segment(root)
    title_el = _headline_element(root, doc.title)
    if doc.title is None and title_el is not None:
        doc.title = _text(title_el)
    valid = B.validate_marks(segs, markers, title_el)
    for s in segs:
        for el in reversed(s.marks):
            m = valid.get(el)
            if m is not None:
                s.label = m.label
                break
        if s.label is None and len(s.text) < 60:
            bare = s.text.strip(" .:!-–—|»›").lower()
            if bare in R.BOILERPLATE_LINES:
                s.label = Label(*R.BOILERPLATE_LINES[bare])
            elif _BOILERPLATE_PATTERN.fullmatch(bare):
                s.label = _BOILERPLATE_LINE
    doc.bylines = [s.text for s in segs if s.label is not None and s.label.rule == "html.byline"][:8]
    region = B.choose_region(segs)
    # No sentence-shaped paragraph anywhere (a two-line brief, a page of short lines): there is
    # no region to choose, so every block goes to the line classifier, as text input would.
    doc.whole_page = not region
    lede_at = B.lede_segments(segs, region, title_el)
    lede = {id(segs[i]) for i in lede_at}
    story = B.in_region(segs, region, lede_at) if region else segs
    if region:
        B.label_link_lists(story)
    standfirsts: dict = {}
    for s in story:
        if s.label is None and B.shouted_link(s):
            s.label = _SHOUTED_LINK
        tag = s.owner.tag if isinstance(s.owner.tag, str) else "p"
        # A lede set as a heading (<h2 class="sub-head">) is set apart by its type: a dek.
        set_apart = B.standfirst_marked(s.owner, known=standfirsts) or (id(s) in lede and tag in B.HEADINGS)
        doc.blocks.append(Block(s.text, B.OUT_TAG.get(tag, tag), s.label, s.links, set_apart))
    if region:
        _label_orphan_headings(doc.blocks)
    _story_from_json_ld(doc)
    return doc


#: A JSON-LD ``articleBody`` this much longer than the story found in the markup replaces it.
LD_BODY_RATIO = 3
LD_BODY_MIN_CHARS = 500


def _story_from_json_ld(doc: HtmlDocument) -> None:
    """The story from the page's JSON-LD when its markup holds only a stub of it.

    Pages rendered in the browser (scmp.com's Vue app) ship the markup of the header and a
    script that draws the rest; the ``articleBody`` of their ``NewsArticle`` is the whole story.
    When it is `LD_BODY_RATIO` times longer than the text the markup gave (and at least
    `LD_BODY_MIN_CHARS`), its paragraphs follow the header's blocks; they go to the line
    classifier like any other block. Otherwise the markup's story stands: ``articleBody`` is often
    a cut-off summary, or the story without its subheadings.
    """
    body = doc.ld_body
    if not body or len(body) < LD_BODY_MIN_CHARS:
        return
    if "<" in body and ">" in body:  # some CMSs put the story's HTML there
        with contextlib.suppress(etree.ParserError, etree.XMLSyntaxError, ValueError):
            fragment = lxml.html.fragment_fromstring(body, create_parent="div")
            body = "\n".join(t for t in (_text(el) for el in fragment.iter() if el.tag in B.PARA_TAGS) if t) or _text(fragment)
    kept = sum(len(b.text) for b in doc.blocks if b.label is None)
    if len(body) < LD_BODY_RATIO * kept:
        return
    have = {b.text for b in doc.blocks}
    for p in dict.fromkeys(_WS.sub(" ", p).strip() for p in re.split(r"\n\s*", body)):
        if p and p not in have:
            doc.blocks.append(Block(p, "p", None, 0, False))
    doc.whole_page = False


_ORPHAN_HEADING = Label("navigation", R.ORPHAN_HEADING)


def _label_orphan_headings(blocks: list[Block]) -> None:
    """The headings that close the story's region with nothing under them: a gallery's, a
    product box's or a "Schlagwörter" heading whose content the page keeps elsewhere. A heading
    heads what follows it; at the end of the story nothing does."""
    closing = []
    for b in reversed(blocks):
        if b.label is not None:
            continue
        if b.tag not in B.HEADINGS or len(b.text.split()) > 12 or b.text.rstrip().endswith((".", "!", "…", "。")):
            # the story's own text (a pull quote set as a heading is a sentence): what follows heads nothing
            for h in closing:
                h.label = _ORPHAN_HEADING
            return
        closing.append(b)


_BOILERPLATE_LINE = Label("boilerplate", HTML_BLOCK_RULE)
_SHOUTED_LINK = Label("related", R.SHOUTED_LINK)


def _text(el: etree._Element) -> str:
    return _WS.sub(" ", "".join(el.itertext())).strip()


def _headline_element(root: etree._Element, title: str | None) -> etree._Element | None:
    """The <h1> that carries the headline: the one matching the known title, else the first."""
    h1s = list(root.iter("h1"))
    if not h1s:
        return None
    if title:
        key = _key(title)
        for h in h1s:
            k = _key(_text(h))
            if k and (k == key or k in key or key in k):
                return h
        return None
    return h1s[0]


def _key(text: str) -> str:
    return re.sub(r"\W+", " ", text.casefold()).strip()


def _metadata(root: etree._Element, doc: HtmlDocument) -> None:
    meta: dict[str, str] = {}
    for m in root.iter("meta"):
        name = (m.get("property") or m.get("name") or m.get("itemprop") or m.get("http-equiv") or "").strip().lower()
        content = m.get("content")
        if name and content and content.strip() and name not in meta:
            meta[name] = _WS.sub(" ", content).strip()
    ld = _json_ld(root)
    doc.ld_body = ld.get("articleBody") if isinstance(ld.get("articleBody"), str) else None

    doc.title = _first(ld.get("headline"), meta.get("og:title"), meta.get("twitter:title"), _title_tag(root, meta))
    doc.subtitle = _first(ld.get("alternativeHeadline"))
    doc.description = _first(ld.get("description"), meta.get("og:description"), meta.get("description"),
                             meta.get("twitter:description"))
    doc.authors = _ld_authors(ld.get("author")) or _split_authors(meta.get("author") or meta.get("article:author")
                                                                  or meta.get("parsely-author") or meta.get("byl"))
    doc.published = next(filter(None, map(_iso_day, (
        ld.get("datePublished"), meta.get("article:published_time"), meta.get("datepublished"),
        meta.get("pubdate"), meta.get("date"), meta.get("dc.date"), meta.get("dc.date.issued"),
        meta.get("parsely-pub-date"), meta.get("sailthru.date"), ld.get("dateCreated")))), None)
    doc.url = doc.url or _first(meta.get("og:url"), _canonical(root))
    publisher = ld.get("publisher")
    publisher_name = _first(publisher.get("name")) if isinstance(publisher, dict) else None
    doc.site_name = _first(meta.get("og:site_name"), publisher_name, meta.get("application-name"))
    sites = [x for x in (doc.site_name, publisher_name, meta.get("application-name")) if x]
    doc.authors = clean_authors(doc.authors, sites)
    doc.title = _strip_site(doc.title, sites + doc.authors)  # "Headline | Site", "Headline | Author Name"

    lang = _first(root.get("lang"), root.get("xml:lang"), meta.get("og:locale"), meta.get("language"),
                  meta.get("content-language"), ld.get("inLanguage") if isinstance(ld.get("inLanguage"), str) else None)
    doc.language = lang.replace("_", "-").split("-")[0].lower() if lang else None


def _first(*values) -> str | None:
    """The first non-blank string, spaces collapsed and HTML entities a page escaped twice
    (``&amp;#8220;`` in a ``content`` attribute) resolved."""
    for v in values:
        if isinstance(v, str):
            if "&" in v:
                v = _html.unescape(v)
            v = _WS.sub(" ", v).strip()
            if v:
                return v
    return None


_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " » ", " · ")


def _strip_site(title: str | None, sites: list[str]) -> str | None:
    """A headline without the site name a page appends to it (``Ferry back | Harbour News``).

    Only a tail that is the site's name (or a cut-off start of it, ``| The`` for ``The Hill``) goes.

    >>> _strip_site("New York man pleads guilty | TheHill", ["The Hill"])
    'New York man pleads guilty'
    >>> _strip_site("Yes - No", ["Harbour News"])
    'Yes - No'
    """
    if not title or not sites:
        return title
    keys = [k for k in (_key(x).replace(" ", "") for x in sites) if k]
    for sep in _TITLE_SEPARATORS:
        if sep not in title:
            continue
        head, _, tail = title.rpartition(sep)
        t = _key(tail).replace(" ", "")
        if head.strip() and t and len(tail.split()) <= 6 and any(k == t or k.startswith(t) or t.startswith(k) for k in keys):
            return head.strip()
    return title


def _title_tag(root: etree._Element, meta: dict) -> str | None:
    t = root.find(".//title")
    if t is None:
        return None
    title = _text(t)
    site = meta.get("og:site_name")
    for sep in (" | ", " - ", " – ", " — ", " :: ", " » "):
        if sep in title:
            head, _, tail = title.rpartition(sep)
            if (site and tail.strip() == site) or (len(tail.split()) <= 4 < len(head.split()) + 3):
                return head.strip()
    return title or None


def _canonical(root: etree._Element) -> str | None:
    for link in root.iter("link"):
        if (link.get("rel") or "").lower() == "canonical":
            return link.get("href")
    return None


def _json_ld(root: etree._Element) -> dict:
    """The first JSON-LD object of an article type (looking into lists and @graph)."""
    for script in root.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except (ValueError, RecursionError):
            continue
        stack, seen = [data], 0
        while stack and seen < 1000:
            item = stack.pop(0)
            seen += 1
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                kind = item.get("@type")
                kinds = kind if isinstance(kind, list) else [kind]
                if any(isinstance(k, str) and k.lower() in _ARTICLE_TYPES for k in kinds) and (
                        item.get("headline") or item.get("datePublished")):
                    return item
                if "@graph" in item:
                    stack.extend(item["@graph"] if isinstance(item["@graph"], list) else [item["@graph"]])
    return {}


def _ld_authors(value) -> list[str]:
    items = value if isinstance(value, list) else [value]
    people = [i for i in items if isinstance(i, dict) and str(i.get("@type", "")).lower() == "person"]
    if people:  # [Person, Organization]: the organisation is the publisher, not an author
        items = people
    names = []
    for item in items:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str):
            names.extend(n for n in _split_authors(name) if n not in names)
    return names


def _split_authors(value: str | None) -> list[str]:
    if not value or value.startswith(("http://", "https://")):
        return []
    value = _BY.sub("", value)
    return [p.strip() for p in re.split(r"\s*(?:,|;|\||\band\b|&)\s*", value) if p.strip()]


_BY = re.compile(r"^\s*(?:(?:news\s+)?analysis|opinion|commentary|written|words|text|story)?\s*by\s*:?\s+", re.I)
#: What follows a name in a byline field without being a name: a role, a credential.
_ROLE = re.compile(r"\b(?:writer|editor|editor-at-large|correspondent|reporter|columnist|contributor|producer|analyst|"
                   r"media\s+for|staff\s+writer|bureau\s+chief|senior|technologist|director|professor|fellow|"
                   r"manager|officer|counsel|attorney|chief|founder|project|programme|program|department|university)s?\b", re.I)
_CONTACT = re.compile(r"\s*[(<\[](?:https?://|mailto:|www\.|@|[^)>\]]*@)[^)>\]]*[)>\]]")
_CREDENTIAL = re.compile(r"^(?:[A-Z]{2,4}|Ph\.?D\.?|M\.?D\.?|[A-Z]\.[A-Z]\.(?:[A-Z]\.)?|Jr\.?|Sr\.?)$")


def clean_authors(names: list[str], sites: list[str]) -> list[str]:
    """Author names without the roles, credentials and outlet names a byline field carries with them.

    >>> clean_authors(["TOM KRISHER", "AP Auto Writer"], [])
    ['TOM KRISHER']
    >>> clean_authors(["Ilana Muhlstein", "MS", "RDN"], [])
    ['Ilana Muhlstein']
    >>> clean_authors(["Bradley M. Kuhn (http://ebb.org/bkuhn/)"], [])
    ['Bradley M. Kuhn']
    >>> clean_authors(["Daniel Kahn Gillmor", "Senior Staff Technologist", "ACLU Speech", "Privacy"], [])
    ['Daniel Kahn Gillmor']
    >>> clean_authors(["Tanza Loudenback", "Business Insider"], ["Business Insider Deutschland"])
    ['Tanza Loudenback']
    >>> clean_authors(["PTI"], []), clean_authors(["BBC News"], ["BBC News"])
    (['PTI'], [])
    """
    keys = [k for k in (_key(x) for x in sites) if k]
    kept = []
    for n in names:
        n = _CONTACT.sub("", _BY.sub("", n)).strip(" .")
        if not n or n in kept:
            continue
        if kept and (_ROLE.search(n) or _CREDENTIAL.match(n)):
            break  # "Name, Senior Technologist, Some Project": what follows a role is affiliation
        k = _key(n)
        if any(k == s for s in keys) or (kept and any(k in s or s in k for s in keys)):
            continue  # the outlet itself ("BBC News" on bbc.com) is not an author
        kept.append(n)
    return kept


def _date_from_page(root: etree._Element, url: str | None) -> str | None:
    """The publication date htmldate finds in the page's markup, URL and visible dates (its fast
    mode: no extensive search of the text, the original date rather than the last update), for
    pages whose structured data gives none.

    htmldate is handed the page's own tree (it copies what it prunes, so the tree is left as it
    was), never a string, so it cannot take the input for a URL to fetch.
    """
    try:
        from htmldate import find_date
    except ImportError:  # pragma: no cover - htmldate is a dependency; stay usable without it
        return None
    try:
        # A fixed latest date rather than htmldate's default (today), so the same page gives the
        # same date whenever it is cleaned: a published version must rebuild byte for byte.
        found = find_date(root, extensive_search=False, original_date=True, url=url, max_date="2099-12-31")
    except Exception:  # a date library must never stop a page from being cleaned
        return None
    return _iso_day(found) if found else None


def _iso_day(value) -> str | None:
    """The ISO day a date field holds, when it is a real one (CMSs write ``0001-01-01`` for "none").

    >>> _iso_day("2019-11-19T02:46:42.471Z"), _iso_day("0001-01-01T00:00:00"), _iso_day("2019-13-01")
    ('2019-11-19', None, None)
    """
    if not isinstance(value, str) or not value:
        return None
    m = _ISO_DAY.search(value)
    if not m:
        return None
    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not (1900 <= y <= 2200 and 1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
