"""Clean one article: repair → (extract HTML) → segment → classify → assemble → language.

`assemble` is the only place text leaves the body, and it records a `Removal` for every line it
takes out, so the kept lines and the removals together give back the whole repaired input.
"""
from __future__ import annotations

import re
from collections.abc import Container

from cleaner.classify import LEDE_WORDS, POSITION_NONE, POSITION_NOT_SENTENCES, Line, classify, norm, segment
from cleaner.config import DEFAULT_CONFIG, CleanerConfig
from cleaner.language import identify
from cleaner.records import Article, Label, Removal
from cleaner.repair import RepairBudget, repair
from cleaner.shape import document_language_mask, shape

_BYLINE_LEAD = re.compile(r"^\s*(?:written\s+)?by\s*:?\s+", re.IGNORECASE)
_NAME_SPLIT = re.compile(r"\s*(?:,|&|\band\b|\|)\s*", re.IGNORECASE)
_AFFILIATION = re.compile(r"^(?:The\s+)?(?:Associated\s+Press|AP|AFP|Reuters|Bloomberg|Xinhua|CNN|BBC|Staff|Staff\s+Writer|"
                          r"Correspondent|Contributor|Senior\s+\w+|\w+\s+Correspondent|\w+\s+Editor|\w+\s+Reporter)$", re.IGNORECASE)


def parse_byline(line: str) -> tuple[list[str], list[str]]:
    """Split a byline into author names and the affiliations that came with them.

    >>> parse_byline("By Hwang Chun-mei and Rita Cheng")
    (['Hwang Chun-mei', 'Rita Cheng'], [])
    >>> parse_byline("By JOHN SMITH, Associated Press")
    (['JOHN SMITH'], ['Associated Press'])
    """
    rest = _BYLINE_LEAD.sub("", line).strip().rstrip(".")
    names, affiliations = [], []
    for part in _NAME_SPLIT.split(rest):
        part = part.strip(" -–—")
        if not part:
            continue
        (affiliations if _AFFILIATION.match(part) else names).append(part)
    return names, affiliations


def clean_text(article: Article, text: str, lines: list[Line] | None = None,
               pre: list[Label | None] | None = None, common: Container[str] = frozenset()) -> Article:
    """Classify the lines of repaired `text` and assemble the article from them.

    `common`: the normalised lines that recur across the site's pages (`cleaner.crossdoc`)."""
    lines = segment(text) if lines is None else lines
    given_title = article.title.strip() if article.title and article.title.strip() else None
    labels = classify(lines, title=given_title, title_is_first_line=given_title is None, pre=pre, common=common)
    return assemble(article, lines, labels)


def assemble(article: Article, lines: list[Line], labels: list[Label | None]) -> Article:
    """Fill the article's fields from its labelled lines; every non-body line becomes a `Removal`.

    The kept lines' indices stay with the article (`text_lines`); with the removals they give
    back every labelled line (`Article.lines`), so what `explain` and the build report show is
    these decisions, not a second cleaning of the input.
    """
    body: list[str] = []
    removals: list[Removal] = []
    subtitles: list[str] = []
    article.text_lines = [line.index for line, label in zip(lines, labels) if label is None]
    for line, label in zip(lines, labels):
        if label is None:
            body.append(line.text)
            continue
        removals.append(Removal(label, line.text, line.index))
        cat = label.category
        if cat == "title" and label.rule == "meta.title" and not article.title:
            article.title = line.text
        elif cat == "subtitle":
            subtitles.append(line.text)
        elif cat == "byline" and label.rule == "byline.by":
            names, affiliations = parse_byline(line.text)
            article.authors.extend(n for n in names if n not in article.authors)
            article.credits.extend(affiliations)
        elif cat in ("byline", "credit"):
            article.credits.append(line.text)
        elif cat == "caption":
            article.captions.append(line.text)
    if subtitles and not article.subtitle:
        article.subtitle = " ".join(subtitles)
    article.text = "\n\n".join(body)
    article.removals = removals
    return article


def clean_article(article: Article, config: CleanerConfig = DEFAULT_CONFIG,
                  common: Container[str] = frozenset()) -> Article:
    """Clean one article in place and return it; `common` as for `clean_text`.

    >>> from cleaner.records import Source
    >>> a = Article(id="x", source=Source("x.txt", "0" * 64), raw="A Title\\n\\nBy Jane Doe\\n\\n"
    ...             "The council voted on Tuesday to close the old bridge for repairs next spring.\\n\\nRelated Articles")
    >>> a = clean_article(a)
    >>> a.title, a.authors, a.text, [r.rule for r in a.removals]
    ('A Title', ['Jane Doe'], 'The council voted on Tuesday to close the old bridge for repairs next spring.', ['meta.title', 'byline.by', 'related.label'])
    """
    return identify(clean_body(article, config, common))


def clean_body(article: Article, config: CleanerConfig = DEFAULT_CONFIG,
               common: Container[str] = frozenset()) -> Article:
    """`clean_article` but for the language (`language.identify`, its last step): for a caller
    that names the languages of several articles in a row, as `stream.clean_records` does."""
    budget = RepairBudget()  # one record's bound on ftfy's work (repair.MAX_FTFY_CHARS)
    if article.title:
        article.title = repair(article.title, budget).strip() or None
    if article.subtitle:
        article.subtitle = repair(article.subtitle, budget).strip() or None
    if article.content_type == "html":
        article = _clean_html(article, config, budget, common)
    else:
        article = clean_text(article, repair(article.raw, budget), common=common)
    if article.published is None:
        article.published = fetch_day(article.extra.get("fetched"))
    return article


def fetch_day(fetched: object) -> str | None:
    """The day a page was fetched (a WARC record's date), the fallback for a page that gives no date.

    >>> fetch_day("2024-03-01T12:00:00Z"), fetch_day("yesterday"), fetch_day(None)
    ('2024-03-01', None, None)
    """
    if isinstance(fetched, str) and re.match(r"\d{4}-\d{2}-\d{2}(?:T|$)", fetched):
        return fetched[:10]
    return None


def _clean_html(article: Article, config: CleanerConfig, budget: RepairBudget | None = None,
                common: Container[str] = frozenset()) -> Article:
    """Extract the main content's blocks, then run the same line classifier over them."""
    from cleaner.html.extract import clean_authors, extract_html

    doc = extract_html(article.raw, article.url)
    for field in ("title", "subtitle", "published", "url", "site_name"):
        if not getattr(article, field) and getattr(doc, field):
            setattr(article, field, getattr(doc, field))
    article.declared_language = article.declared_language or doc.language
    if not article.authors:
        article.authors = list(doc.authors)
    lines, pre, set_apart = [], [], []
    for i, block in enumerate(doc.blocks):
        text = repair(block.text, budget).replace("\n", " ").strip()
        if text:
            lines.append(Line(i, text, 1 if lines else 0, len(text.split())))
            pre.append(block.label)
            set_apart.append(block.standfirst)
    lede = _mark_description(lines, pre, doc.description, article.title, set_apart)
    if lede and not article.subtitle:
        article.subtitle = lede
    # A page's title comes from its metadata or its <h1>; a page with neither has no title line,
    # and its first block is the story's, not a title to take out. The markup chose the region, so
    # a line's position says nothing more; a page with no region (no sentence-shaped paragraph at
    # all: a two-line brief) keeps the lines that read as sentences, whatever their position.
    labels = classify(lines, title=article.title, title_is_first_line=False, pre=pre, common=common,
                      position=POSITION_NOT_SENTENCES if doc.whole_page else POSITION_NONE)
    if not article.authors:  # the story's own byline blocks first, then those around it (a header's)
        bylines = [l.text for l, lab in zip(lines, labels) if lab is not None and lab.rule == "html.byline"]
        article.authors = clean_authors(_byline_names(bylines + [t for t in doc.bylines if t not in bylines]),
                                        [article.site_name or ""])
    return assemble(article, lines, labels)


_NAME_WORD = re.compile(r"^(?:[A-Z][\w'’.-]*|[a-z]{1,3}|(?:van|von|de|da|del|der|di|du|la|le|bin|al)\b)$")


def _byline_names(texts: list[str], tries: int = 4) -> list[str]:
    """Authors from the blocks a page's markup calls a byline, when its metadata names none: the
    names in the first of them (of the first `tries`) that reads as names only, each one to five
    capitalised words (``By Jane Doe and John Roe``, ``Jane Doe | Staff Writer``). A byline block
    that reads otherwise (a date, a handle, a phrase) gives none.

    >>> _byline_names(["By", "Jane Doe and John Roe"])
    ['Jane Doe', 'John Roe']
    >>> _byline_names(["The Russian and Syrian defense ministries", "Nov 18, 2019"])
    []
    >>> _byline_names(["by Bryan DeArdo @BryanDeArdo Nov 18, 2019", "Posted by Bryan DeArdo"])
    ['Bryan DeArdo']
    """
    for text in texts:
        text = _POSTED_BY.sub("By ", text.split("|")[0]).strip()
        if not text or len(text) > 120 or text.lower().rstrip(":") in _BY_WORDS:
            continue  # "By" in a block of its own: the names are in the next
        tries -= 1
        if tries < 0:
            break
        if any(c.isdigit() or c in "@:/" for c in text):  # a date, an e-mail, a phone: not a bare byline
            continue
        names, _ = parse_byline(text)
        if names and all(1 <= len(n.split()) <= 5 and n.split()[0][:1].isupper()
                         and all(_NAME_WORD.match(w) for w in n.split()) for n in names):
            return names
    return []


_POSTED_BY = re.compile(r"^\s*(?:posted|written|published|words|reported)\s+by\s+", re.I)
_BY_WORDS = frozenset(("by", "von", "por", "par", "di", "door", "av", "af", "przez", "written by", "posted by",
                       "published by", "words by", "reported by", "author", "authors"))


def _mark_description(lines: list[Line], pre: list[Label | None], description: str | None,
                      title: str | None, set_apart: list[bool] | None = None) -> str | None:
    """The standfirst of a page: its first free block, when it says exactly what the page's own
    description says, the markup sets it apart (`set_apart`: a ``dek``/``lead``/``summary``
    element), and the story goes on after it. Many sites copy the story's first paragraph into
    their description; without the markup's word that block is the lede, and it stays.

    A standfirst that reads as a paragraph of the story (`LEDE_WORDS` words or more, sentence
    shaped: the ``intro``, ``chapô``, ``Vorspann`` or ``entradilla`` that carries the news itself)
    stays in the text as well: it is returned, to be the article's subtitle, and not removed. A
    headline-like dek (a phrase under the title) goes to the subtitle only, as a `Removal`.
    Returns the kept standfirst, or None.
    """
    if not description:
        return None
    key, ntitle = norm(repair(description)), norm(title or "")
    free = [i for i, lab in enumerate(pre) if lab is None and norm(lines[i].text) != ntitle]
    kept = None
    if len(free) >= 2 and key and norm(lines[free[0]].text) == key and (set_apart is None or set_apart[free[0]]):
        text = lines[free[0]].text
        if _reads_as_lede(text, document_language_mask([lines[i].text for i in free])):
            kept = text
        else:
            pre[free[0]] = Label("subtitle", "meta.subtitle_description")
        for i in free[1:]:  # a dek set twice (for phones and for desktops) is one dek
            if norm(lines[i].text) == key and (set_apart is None or set_apart[i]):
                pre[i] = Label("duplicate_paragraph", "duplicate.paragraph")
    return kept


def _reads_as_lede(text: str, mask: int = 1) -> bool:
    """A standfirst that is running text: sentence-shaped in the page's language (`mask`, the
    stop words of `document_language_mask`), `LEDE_WORDS` words or more (CJK counted by
    characters, two to a word).

    >>> pl = "Stopa bezrobocia w Polsce wyniosła 3,1 proc. w marcu i nadal jest najniższa w UE – podał Eurostat."
    >>> _reads_as_lede(pl, document_language_mask([pl]))
    True
    >>> _reads_as_lede("Carrie Lam should study Tsai Ing-wen's playbook")
    False
    """
    s = shape(text, mask)
    return s.prose and s.n_words >= LEDE_WORDS
