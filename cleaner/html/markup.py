"""The HTML stage's vocabulary: which markup says "this is boilerplate", as data.

Tables, not `if` chains (trafilatura's `xpaths.py` is the model). A page's `class`/`id` is cut into
lowercase word tokens (``"social-shareBar"`` -> ``social``, ``share``, ``bar``) and the tokens and
adjacent token pairs (``share-bar``) are looked up here, so ``comment`` never matches ``commentary``
and ``ad`` never matches ``header``.

Each group is a `Marker`: the `Label` the cleaner records (category and rule id), the tokens, and
`max_prose`, the most story-like text (weighted characters in sentence-shaped, link-poor blocks)
the marked element may hold before the mark is ignored. That is the guard that makes a rule which
could eat a paragraph of the story harder to fire than one that eats a share bar: a wrapper named
``post-share-wrap`` around the whole article holds thousands of characters of prose and so is not
a share bar.
"""
from __future__ import annotations

from typing import NamedTuple

from cleaner import lexicon
from cleaner.records import Label


class Marker(NamedTuple):
    label: Label
    tokens: tuple[str, ...]
    max_prose: int  # weighted chars of prose-like text the marked subtree may hold


def _group(category: str, rule: str, tokens: tuple[str, ...], max_prose: int) -> Marker:
    if not tokens:  # an empty group would mark nothing and hide a typo in the table
        raise ValueError(f"empty token group for {rule}")
    return Marker(Label(category, rule), tokens, max_prose)


#: Most specific first: the first group with a token on an element wins (``author-bio`` before ``author``).
CLASS_MARKERS: tuple[Marker, ...] = (
    _group("comments", "html.comments", (
        "comment", "comments", "commentlist", "comment-list", "disqus", "respond", "replies",
        "user-comments", "livefyre", "fb-comments",
    ), 10**9),  # a comment thread may be longer than the story; it is never the story
    _group("author_bio", "html.author_bio", (
        "author-bio", "authorbio", "about-author", "about-the-author", "author-box", "authorbox",
        "author-info", "author-description", "author-card", "author-details", "bio-box",
        "author-profile", "contributor-bio", "bio",
    ), 900),
    _group("newsletter", "html.newsletter", (
        "newsletter", "newsletters", "subscribe", "subscription", "signup", "sign-up", "mailchimp",
        "mc4wp", "optin", "opt-in", "email-capture", "news-letter",
    ), 500),
    _group("social", "html.share_bar", (
        "share", "shares", "sharing", "sharebar", "sharetools", "social", "socials", "addthis",
        "sociable", "shareaholic", "sharethis", "addtoany", "a2a", "follow-us", "sharedaddy",
    ), 250),
    _group("related", "html.related", (
        "related", "relatedposts", "related-posts", "related-articles", "readmore", "read-more",
        "more-stories", "recommended", "recommendations", "recommendation", "outbrain", "taboola",
        "trending", "popular", "most-read", "mostread", "most-popular", "mostpopular", "more-from",
        "also-read", "further-reading", "next-article", "yarpp", "teaser", "teasers", "more-news",
        "more-articles", "see-also", "zergnet", "revcontent", "read-next", "up-next", "relatedlinks",
        "recirculation",
    ), 1500),  # teasers are sentences too: a related box is allowed a few of them
    _group("ad", "html.ad", (
        "ad", "ads", "advert", "adverts", "advertisement", "advertising", "adsense", "adslot",
        "adunit", "ad-slot", "ad-unit", "dfp", "gpt", "sponsor", "sponsored", "adsbygoogle",
        "doubleclick", "banner-ad", "commercial", "paid-content", "native-ad", "advertorial",
    ), 300),
    _group("promo", "html.promo", (
        "promo", "promotion", "promoted", "cta", "paywall", "upsell", "offer", "inline-promo",
    ), 400),
    _group("cookie", "html.cookie", ("cookie", "cookies", "consent", "gdpr", "cookiebar"), 400),
    _group("tags", "html.tags", (
        "tags", "tag-list", "taglist", "tagcloud", "post-tags", "entry-tags", "article-tags",
        "keywords", "topics", "tag-links", "categories", "cat-links",
    ), 200),
    _group("caption", "html.caption", (
        "caption", "captions", "figcaption", "wp-caption-text", "cutline", "image-caption",
        "photo-caption", "img-caption", "media-caption", "caption-text",
    ), 700),
    _group("credit", "html.credit", (
        "credit", "credits", "photo-credit", "image-credit", "img-credit", "copyright",
    ), 200),
    _group("byline", "html.byline", (
        "byline", "bylines", "byl", "author", "authors", "author-name", "posted-by", "writer",
        "contributor", "contributors",
    ), 150),
    _group("timestamp", "html.timestamp", (
        "date", "timestamp", "pubdate", "dateline", "post-date", "entry-date", "posted-on",
        "published", "updated", "publish-date", "article-date", "time-stamp", "datetime",
    ), 150),
    _group("disclaimer", "html.disclaimer", (
        "disclaimer", "disclaimers", "legal-notice",
    ), 600),
    _group("navigation", "html.navigation", (
        "nav", "navbar", "navigation", "menu", "breadcrumb", "breadcrumbs", "pagination", "pager",
        "skip-link", "masthead", "footer", "site-footer", "site-header", "topbar", "post-navigation",
        "prev-next", "subnav", "megamenu",
    ), 600),
    _group("widget", "html.widget", (
        "sidebar", "widget", "widgets", "toolbar", "tools", "print", "rating", "poll", "modal",
        "popup", "overlay", "login", "signin", "sr-only", "screen-reader-text", "visually-hidden",
        "visuallyhidden", "offscreen", "rail", "right-rail", "slideshow",
        "gallery", "carousel", "video-player", "audio-player", "media-player", "jwplayer", "skip",
    ), 200),
)

#: class/id tokens of quoted content: an embedded post (``social-media-embed``, ``twitter-tweet``)
#: is part of the story it is quoted in, whatever else its class says.
EMBED_TOKENS = frozenset((
    "tweet", "twitter-tweet", "embedded-tweet", "twitter-embed", "embed-twitter", "instagram-media",
    "instagram-embed", "tiktok-embed", "fb-post", "social-embed", "media-embed", "pullquote", "pull-quote",
))

#: Elements marked by what they are, whatever their class.
TAG_MARKERS: dict[str, Marker] = {
    "figcaption": _group("caption", "html.figcaption", ("figcaption",), 1200),
    "nav": _group("navigation", "html.nav", ("nav",), 600),
    "aside": _group("widget", "html.aside", ("aside",), 400),
    "footer": _group("navigation", "html.footer", ("footer",), 400),
    "form": _group("widget", "html.form", ("form",), 300),
    "menu": _group("navigation", "html.nav", ("menu",), 600),
}

#: ARIA roles that name page chrome.
ROLE_MARKERS: dict[str, Marker] = {
    "navigation": TAG_MARKERS["nav"],
    "banner": _group("navigation", "html.banner", ("banner",), 300),
    "contentinfo": _group("navigation", "html.footer", ("contentinfo",), 400),
    "complementary": _group("widget", "html.aside", ("complementary",), 400),
    "search": _group("widget", "html.form", ("search",), 100),
    "dialog": _group("widget", "html.widget", ("dialog",), 200),
}

#: `itemprop`/`rel` values that name the author or the date.
ITEMPROP_MARKERS: dict[str, Marker] = {
    "author": _group("byline", "html.byline", ("author",), 150),
    "datepublished": _group("timestamp", "html.timestamp", ("datepublished",), 150),
    "datemodified": _group("timestamp", "html.timestamp", ("datemodified",), 150),
    "datecreated": _group("timestamp", "html.timestamp", ("datecreated",), 150),
    "caption": _group("caption", "html.caption", ("caption",), 700),
}

#: class/id tokens of the element that holds the story (readability's positive pattern): a bonus
#: when choosing among candidate containers, never a reason to keep text on its own.
CONTENT_TOKENS = frozenset((
    "article", "articles", "body", "content", "entry", "hentry", "main", "post", "text", "blog",
    "story", "articlebody", "article-body", "post-body", "entry-content", "post-content",
    "story-body", "article-content", "article-text", "body-text", "news", "single", "prose",
    "richtext", "rich-text", "field-body", "main-content", "page-content", "articletext",
))

#: class/id tokens (and itemprops) of the element that sets a standfirst apart from the story. A
#: first block that says what the page's description says is the standfirst only when it sits in
#: one of these: a lede the site copied into its description is still the story's first paragraph.
#: Next to a related-box token they name the lede, not a box: German CMSs call it the teaser
#: (``teaser-text``, ``article-teaser``), the word for a teaser box elsewhere.  Newsrooms in
#: other languages have their own words for it (``sommario``, ``entradilla``, ``bajada``, ``chapeau``).
STANDFIRST_TOKENS = frozenset((
    "lead", "lede", "standfirst", "dek", "deck", "subtitle", "subheadline", "sub-headline", "subhead",
    "summary", "sapo", "chapo", "excerpt", "description", "strapline", "abstract", "intro",
    "article-lead", "lead-text", "article-summary", "article-intro", "teaser-text", "kicker-text",
    "article-teaser", "artikel-teaser", "teaser-intro", "teaser-lead",
    "alternativeheadline",
    # the same, as CMSs in other languages name it: Italian, Spanish, Portuguese, French, German,
    # Polish and Dutch newsrooms' words for the standfirst
    "sommario", "sumario", "resumen", "resumo", "entradilla", "bajada", "linha-fina", "chapeau",
    "accroche", "vorspann", "anreisser", "lead-in", "leadin", "zajawka", "samenvatting",
))

#: class/id tokens of elements that are rarely the story (readability's negative pattern).
NON_CONTENT_TOKENS = frozenset((
    "comment", "comments", "foot", "footer", "footnote", "masthead", "media", "meta", "outbrain",
    "promo", "related", "scroll", "share", "shoutbox", "sidebar", "skyscraper", "sponsor",
    "shopping", "tags", "tool", "widget", "nav", "menu", "header", "ad", "ads", "banner",
    "social", "popular", "trending", "rail", "aside", "teaser", "recommended",
))

#: Blocks that are a phrase of their own and say "more elsewhere", lower-cased: phrase -> (category,
#: rule id). They are the `blocks` phrases of `cleaner/data/lexicons/boilerplate.json`, each under the
#: category and rule of its group (`cleaner.lexicon`); a block is marked only when it is the whole
#: phrase (a sentence that merely contains it stays).
BOILERPLATE_LINES: dict[str, tuple[str, str]] = lexicon.html_blocks()

#: The rule of a block that is one link in capitals (`cleaner.html.body.shouted_link`).
SHOUTED_LINK = "html.shouted_link"
ORPHAN_HEADING = "html.orphan_heading"
#: The rule of a run of link lines after the story's last paragraph (`cleaner.html.body.label_link_lists`).
LINK_LIST = "html.link_list"

#: Whole blocks that are a counter or a label, not a sentence: a gallery's "Image 1 of 5", "3/50".
BOILERPLATE_PATTERNS = (
    r"(?:image|photo|picture|slide|foto|bild)\s+\d+\s+(?:of|/|von|de|di)\s+\d+",
    r"\d+\s*/\s*\d+",
    r"\d+\s+(?:comments?|replies|shares)",
)  # marked as lexicon.HTML_BLOCK_RULE, category "boilerplate"


def html_rules() -> dict[str, tuple[str, str]]:
    """Every rule id the HTML stage can record, with its category and an example of what it marks.

    >>> html_rules()["html.share_bar"]
    ('social', '<div class="share">')
    """
    out: dict[str, tuple[str, str]] = {}
    for m in CLASS_MARKERS:
        out.setdefault(m.label.rule, (m.label.category, f'<div class="{m.tokens[0]}">'))
    for tag, m in TAG_MARKERS.items():
        out.setdefault(m.label.rule, (m.label.category, f"<{tag}>"))
    for role, m in ROLE_MARKERS.items():
        out.setdefault(m.label.rule, (m.label.category, f'<div role="{role}">'))
    for prop, m in ITEMPROP_MARKERS.items():
        out.setdefault(m.label.rule, (m.label.category, f'<span itemprop="{prop}">'))
    for phrase, (category, rule) in BOILERPLATE_LINES.items():  # the other groups are line rules too
        if rule == lexicon.HTML_BLOCK_RULE:
            out.setdefault(rule, (category, f"<div>{phrase}</div>"))
    out[SHOUTED_LINK] = ("related", "<p><a>SEAN SPICER ELIMINATED FROM 'DANCING WITH THE STARS'</a></p>")
    out[ORPHAN_HEADING] = ("navigation", "<h3>Bildergalerie</h3> closing the story's region, with nothing under it")
    out[LINK_LIST] = ("related", "<h3>More from the harbour</h3><p><a>Bridge closure delayed</a></p>"
                                 "<p><a>New bus times</a></p>, after the story's last paragraph")
    return out
