"""HTML input: the story found in the page, its furniture recorded as removals, its metadata filled.

Small synthetic pages, each built around one behaviour: a figcaption, a share bar, a related box
and a newsletter block become `Removal`s with their category; the story's own paragraphs all stay
(also when split into parts, when they repeat a short line, when they sit in a table); pages in
other charsets come out right; metadata comes from the page's structured data first.
"""
from __future__ import annotations

import gzip
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.clean import clean_article
from cleaner.html import body as B
from cleaner.html import markup as R
from cleaner.read import read_file
from cleaner.records import Article, Source

P1 = "The harbour ferry returned to service on Monday after three weeks of repairs to its engines, the operator said."
P2 = "Commuters, who had faced a long detour by road around the bay, welcomed the news, and traffic eased by the evening."
P3 = "The council said it would review the maintenance contract, which runs until 2026, at its next meeting in March."
P4 = "A spokesperson for the operator said a second vessel would join the route in the summer, doubling the service."
STORY = (P1, P2, P3, P4)


def page(body: str, head: str = "<title>Ferry back in service | Harbour News</title>") -> str:
    return f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"


def article_html(inner: str) -> str:
    return page(
        "<header class='site-header'><nav><a href='/'>Home</a> <a href='/news'>News</a> <a href='/sport'>Sport</a></nav></header>"
        f"<main><article class='post'><h1>Ferry back in service</h1>{inner}</article></main>"
        "<footer class='site-footer'><p>© 2024 Harbour News. All rights reserved.</p></footer>")


def clean(raw: str, name: str = "page.html") -> Article:
    return clean_article(Article(id="t", source=Source(name, "0" * 64), raw=raw, content_type="html"))


def removed(a: Article, category: str) -> list[str]:
    return [r.text for r in a.removals if r.category == category]


def assert_story_kept(a: Article, paragraphs=STORY) -> None:
    for p in paragraphs:
        assert p in a.text, p


def test_figcaption_is_a_caption_removal_and_not_body():
    a = clean(article_html(
        f"<p>{P1}</p><figure><img src='f.jpg'><figcaption>The ferry at the quay on Monday morning.</figcaption></figure>"
        f"<p>{P2}</p><p>{P3}</p><p>{P4}</p>"))
    assert_story_kept(a)
    assert "The ferry at the quay" not in a.text
    assert removed(a, "caption") == ["The ferry at the quay on Monday morning."]
    assert [r.rule for r in a.removals if r.category == "caption"] == ["html.figcaption"]


def test_share_bar_is_a_social_removal():
    a = clean(article_html(
        "<div class='entry-share-buttons'><a href='#'>Facebook</a> <a href='#'>Twitter</a> <a href='#'>Email</a></div>"
        f"<p>{P1}</p><p>{P2}</p><p>{P3}</p><p>{P4}</p>"))
    assert_story_kept(a)
    assert "Facebook" not in a.text
    assert any("Facebook" in t for t in removed(a, "social"))


def test_related_box_inside_the_article_is_a_related_removal():
    a = clean(article_html(
        f"<p>{P1}</p><p>{P2}</p>"
        "<div class='related-articles'><h3>Related</h3><ul>"
        "<li><a href='/a'>Bridge closure delayed until spring</a></li>"
        "<li><a href='/b'>New timetable for the island buses</a></li></ul></div>"
        f"<p>{P3}</p><p>{P4}</p>"))
    assert_story_kept(a)
    assert "Bridge closure delayed" not in a.text
    assert any("Bridge closure delayed" in t for t in removed(a, "related"))


def test_newsletter_block_is_a_newsletter_removal():
    a = clean(article_html(
        f"<p>{P1}</p><p>{P2}</p><p>{P3}</p>"
        "<div class='newsletter-signup'><p>Get the morning briefing in your inbox.</p><p>Sign up now</p></div>"
        f"<p>{P4}</p>"))
    assert_story_kept(a)
    assert "morning briefing" not in a.text
    assert any("morning briefing" in t for t in removed(a, "newsletter"))


def test_a_wrapper_named_share_that_holds_the_story_is_not_a_share_bar():
    """The marker guard: an element whose class says "share" but which holds the whole story is a
    wrapper, and the story inside it stays."""
    a = clean(article_html(f"<div class='post-share-wrap'><p>{P1}</p><p>{P2}</p><p>{P3}</p><p>{P4}</p></div>"))
    assert_story_kept(a)


def test_hidden_elements_are_not_read():
    a = clean(article_html(f"<p>{P1}</p><div style='display: none'>Secret tracking text here.</div>"
                           f"<p>{P2}</p><p>{P3}</p><p>{P4}</p>"))
    assert_story_kept(a)
    assert "Secret tracking" not in a.text


def test_menus_and_footer_outside_the_article_are_not_body():
    a = clean(article_html("".join(f"<p>{p}</p>" for p in STORY)))
    assert_story_kept(a)
    assert "Sport" not in a.text and "All rights reserved" not in a.text
    assert a.title == "Ferry back in service"
    assert "Ferry back in service" not in a.text  # the headline is the title, not a body line


def test_story_in_same_class_parts_with_an_ad_between_is_taken_whole():
    a = clean(page(
        f"<div class='layout'><div class='story-part'><div class='text'><p>{P1}</p><p>{P2}</p></div></div>"
        "<div class='ad-slot'><p>Advertisement</p></div>"
        f"<div class='story-part'><div class='text'><p>{P3}</p><p>{P4}</p>"
        "<p>Officials expect passenger numbers to return to normal, they said, within a fortnight.</p></div></div>"
        "<div class='sidebar'><ul><li><a href='/x'>Most read: a story</a></li></ul></div></div>"))
    assert_story_kept(a)
    assert "Most read" not in a.text


def test_a_paragraph_per_card_is_taken_whole():
    cards = "".join(f"<div class='card'><div class='card-content card-article'><p>{p}</p></div></div>" for p in STORY)
    a = clean(page(f"<div id='article-body'>{cards}</div><div class='sidebar'><p>Weather: sunny</p></div>"))
    assert_story_kept(a)


def test_repeated_short_lines_inside_the_story_are_kept():
    """A recipe says "Eat every 2-3 hours" under each meal: structure, not a duplicate to drop."""
    meals = "".join(f"<h3>Meal {i}</h3><p>Eat every 2-3 hours</p><p>{p}</p>" for i, p in enumerate(STORY, 1))
    a = clean(article_html(meals))
    assert a.text.count("Eat every 2-3 hours") == 4


def test_table_rows_are_one_line_each():
    rows = "".join(f"<tr><td>{i}</td><td>Driver {name}</td><td>{pts}</td></tr>"
                   for i, (name, pts) in enumerate((("Busch", 5040), ("Truex", 5035), ("Harvick", 5033)), 1))
    a = clean(article_html(f"<p>{P1}</p><p>{P2}</p><table class='results'><tbody>"
                           f"<tr><th>Pos</th><th>Driver</th><th>Points</th></tr>{rows}</tbody></table><p>{P3}</p>"))
    lines = a.text.split("\n\n")
    assert "1 Driver Busch 5040" in lines and "3 Driver Harvick 5033" in lines
    assert "Pos Driver Points" in lines


def test_a_page_without_a_title_keeps_its_first_paragraph():
    a = clean(f"<html><body><div><p>{P1}</p><p>{P2}</p></div></body></html>")
    assert_story_kept(a, (P1, P2))


def test_deep_nesting_does_not_crash():
    """Nesting the parser can follow is walked without recursion; past libxml2's limit the page is
    refused with a reason (see test_bad_input) rather than published without its story."""
    n = 1500
    a = clean("<html><body>" + "<div>" * n + f"<p>{P1}</p><p>{P2}</p>" + "</div>" * n + "</body></html>")
    assert_story_kept(a, (P1, P2))


# --- metadata -----------------------------------------------------------------------------------------

LD = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Ferry back in service",
      "alternativeHeadline": "Three weeks of engine repairs are over",
      "datePublished": "2024-03-05T09:30:00+01:00",
      "author": [{"@type": "Person", "name": "Jane Doe"}, {"@type": "Organization", "name": "Harbour News"}],
      "publisher": {"@type": "Organization", "name": "Harbour News"}}


def test_metadata_comes_from_json_ld_before_opengraph():
    head = (f"<script type='application/ld+json'>{json.dumps(LD)}</script>"
            "<meta property='og:title' content='Ferry back | Harbour News'>"
            "<meta property='og:site_name' content='Harbour News'>"
            "<meta property='article:published_time' content='2020-01-01T00:00:00Z'>"
            "<meta property='og:url' content='https://harbour.example/ferry'>"
            "<meta name='author' content='Someone Else'>")
    a = clean(page(f"<article><h1>Ferry back in service</h1>{''.join(f'<p>{p}</p>' for p in STORY)}</article>", head))
    assert (a.title, a.subtitle, a.authors, a.published) == (
        "Ferry back in service", "Three weeks of engine repairs are over", ["Jane Doe"], "2024-03-05")
    assert (a.url, a.site_name, a.language) == ("https://harbour.example/ferry", "Harbour News", "en")


def test_opengraph_and_meta_when_there_is_no_json_ld():
    head = ("<meta property='og:title' content='Ferry &amp;#8220;back&amp;#8221; | Harbour News'>"
            "<meta property='og:site_name' content='Harbour News'>"
            "<meta name='date' content='0001-01-01T00:00:00'>"
            "<meta property='article:published_time' content='2024-03-05T09:30:00Z'>"
            "<meta name='author' content='By Jane Doe, Staff Writer'>")
    a = clean(page(f"<article>{''.join(f'<p>{p}</p>' for p in STORY)}</article>", head))
    assert a.title == "Ferry “back”"          # entities escaped twice are resolved, the site name cut
    assert a.authors == ["Jane Doe"]           # "By" and the role are not names
    assert a.published == "2024-03-05"        # a CMS's 0001-01-01 is no date


def test_byline_block_names_the_authors_when_metadata_does_not():
    a = clean(article_html("<div class='byline'>By Jane Doe and John Roe</div>" + "".join(f"<p>{p}</p>" for p in STORY)))
    assert a.authors == ["Jane Doe", "John Roe"]
    assert "Jane Doe" not in a.text


def test_date_found_in_the_page_when_there_is_no_structured_date():
    a = clean(article_html("<p class='meta'><time datetime='2024-03-05'>5 March 2024</time></p>"
                           + "".join(f"<p>{p}</p>" for p in STORY)))
    assert a.published == "2024-03-05"


# --- character sets -----------------------------------------------------------------------------------

RU = "Городской совет во вторник проголосовал за закрытие старого моста на ремонт следующей весной, сообщили чиновники."
FR = "Le conseil municipal a voté mardi la fermeture du vieux pont pour des réparations au printemps prochain, a-t-il déclaré."
JA = "市議会は火曜日、古い橋を来春の修理のために閉鎖することを決議したと当局者が明らかにした。住民からは歓迎の声が上がっている。"


def charset_page(title: str, body: str, meta: str) -> str:
    return (f"<html><head>{meta}<title>{title}</title></head><body><article><h1>{title}</h1>"
            f"<p>{body}</p><p>{body[::-1]}</p></article></body></html>")


@pytest.mark.parametrize("name,title,body,meta,encoding", [
    ("ru-1251.html", "Мост закрыт", RU, "<meta charset='windows-1251'>", "cp1251"),
    ("ru-koi8.html", "Мост закрыт", RU, "<meta http-equiv='Content-Type' content='text/html; charset=koi8-r'>", "koi8-r"),
    ("fr-latin1-undeclared.html", "Le pont fermé", FR, "", "latin-1"),
    ("ja-sjis.html", "橋を閉鎖", JA, "<meta charset='shift_jis'>", "shift_jis"),
    ("ja-eucjp-undeclared.html", "橋を閉鎖", JA, "", "euc-jp"),
    ("fr-utf16.html", "Le pont fermé", FR, "", "utf-16"),
    ("fr-xml-decl.html", "Le pont fermé", FR, "<?xml version='1.0' encoding='ISO-8859-1'?>", "latin-1"),
], ids=lambda v: v if isinstance(v, str) and v.endswith(".html") else "")
def test_pages_in_other_charsets_come_out_right(tmp_path, name, title, body, meta, encoding):
    raw = charset_page(title, body, meta if not meta.startswith("<?xml") else "")
    if meta.startswith("<?xml"):
        raw = meta + raw
    path = tmp_path / name
    path.write_bytes(raw.encode(encoding))
    (a,) = list(read_file(path))
    a = clean_article(a)
    assert a.title == title
    assert body in a.text


def test_gzipped_page_and_jsonl_html_field_get_the_same_article(tmp_path):
    raw = article_html("".join(f"<p>{p}</p>" for p in STORY))
    (tmp_path / "p.html.gz").write_bytes(gzip.compress(raw.encode("utf-8")))
    (tmp_path / "p.jsonl").write_text(json.dumps({"id": "p", "html": raw}) + "\n", encoding="utf-8")
    a = clean_article(next(iter(read_file(tmp_path / "p.html.gz"))))
    b = clean_article(next(iter(read_file(tmp_path / "p.jsonl"))))
    assert a.text == b.text and a.title == b.title == "Ferry back in service"
    assert_story_kept(a)


def test_an_embedded_post_quoted_in_the_story_is_kept():
    tweet = "Yes this is real and yes the state spent nearly half a million dollars on the campaign, she wrote."
    a = clean(article_html(f"<p>{P1}</p><p>{P2}</p><div class='social-media-embed'><blockquote class='twitter-tweet'>"
                           f"<p>{tweet}</p></blockquote></div><p>{P3}</p><p>{P4}</p>"))
    assert_story_kept(a, STORY + (tweet,))


def test_text_only_divs_beside_the_story_are_paragraphs_of_it():
    """CNN writes its first paragraphs as <div class="zn-body__paragraph"> beside the container
    that holds the rest: readability reads a <div> with no block inside as a paragraph."""
    rest = "".join(f"<div class='para'>{p} It was the {n} such notice, officials said, and not the last.</div>"
                   for n in ("first", "second", "third", "fourth") for p in (P3, P4))
    a = clean(page(f"<section><div class='body'><div class='para'>{P1}</div><div class='para'>{P2}</div>"
                   f"<div class='read-all'>{rest}</div></div></section>"))
    assert_story_kept(a)
    assert a.text.startswith(P1)


def test_links_are_words_of_their_own_without_spaces_before_punctuation():
    a = clean(article_html(f"<p>{P1}</p><p>According to <a href='/r'>Reuters</a>, the (<a href='/d'>deal</a>) "
                           "is off after the harbour board met on Monday to review it, officials said.</p>"
                           f"<p>{P2}</p><p>古い橋はアプリ<a href='/k'>Kindle</a>で読める記事の中で紹介された。住民は歓迎している。</p>"))
    assert "According to Reuters, the (deal) is off" in a.text
    assert "アプリ Kindle で" in a.text


@pytest.mark.parametrize("body,lang", [
    ("Der Stadtrat hat am Dienstag beschlossen, die alte Brücke im Frühjahr für Reparaturen zu sperren, "
     "weil sie nicht mehr sicher ist und die Kosten seit Jahren steigen.", "de"),
    (RU + " " + RU, "ru"),
    (JA, "ja"),
])
def test_language_is_detected_when_the_page_does_not_declare_one(body, lang):
    a = clean(f"<html><head><title>T</title></head><body><article><p>{body}</p><p>{body}</p></article></body></html>")
    assert (a.language, a.declared_language) == (lang, None)
    assert a.language_score > 0.8


def test_a_wrong_declared_language_is_kept_apart_from_the_detected_one():
    a = clean(page(f"<article><p>{P1}</p><p>{P2}</p></article>").replace("lang='en'", "lang='fr-CA'"))
    assert (a.language, a.declared_language) == ("en", "fr")


def test_a_brief_with_no_long_paragraph_keeps_its_sentences():
    """No sentence-shaped paragraph of 40 characters anywhere: there is no region to choose, and the
    short sentences are still the story (the menu around them is not)."""
    a = clean("<html><head><title>Fire</title></head><body><ul><li><a href='/'>Home</a></li>"
              "<li><a href='/n'>News</a></li></ul><h1>Fire</h1><p>Fire at the docks.</p><p>Two hurt.</p></body></html>")
    assert a.text == "Fire at the docks.\n\nTwo hurt."


def test_a_related_story_dropped_in_as_a_link_in_capitals_is_a_related_removal():
    a = clean(article_html(f"<p>{P1}</p><p>{P2}</p><p><strong><a href='/x'>FERRY OPERATOR FINED OVER LATE SAILINGS"
                           f"</a></strong></p><p>{P3}</p><p>{P4}</p><p>The <a href='/y'>HARBOUR BOARD</a> meets again in May, "
                           "when it will also discuss the car park, its chair said.</p>"))
    assert_story_kept(a)
    assert "FERRY OPERATOR FINED" not in a.text
    assert "HARBOUR BOARD meets again" in a.text  # a link in capitals inside a sentence stays
    assert any("FERRY OPERATOR FINED" in t for t in removed(a, "related"))


def test_the_page_is_parsed_once_and_htmldate_reads_that_tree(monkeypatch):
    """A page whose metadata give no date goes to htmldate; it gets the tree the body is cut from,
    not the page's text to parse again."""
    import htmldate

    import cleaner.html.extract as X

    parsed, dated = [], []
    real_parse, real_find = X.parse, htmldate.find_date
    monkeypatch.setattr(X, "parse", lambda raw: parsed.append(real_parse(raw)) or parsed[-1])
    monkeypatch.setattr(htmldate, "find_date", lambda tree, **kw: dated.append(tree) or real_find(tree, **kw))
    a = clean(article_html(f"<p>{P1}</p><p class='date'>Published 14 March 2024</p><p>{P2}</p>"))
    assert len(parsed) == 1 and len(dated) == 1 and dated[0] is parsed[0]
    assert a.published == "2024-03-14" and a.text.startswith(P1)


LEDE = "The island's only ferry is running again after three weeks in dry dock, and the detour by road is over."


def test_a_lede_between_the_headline_and_the_body_container_is_kept():
    """auto-motor.at, focus.de: the lede sits in the story's header (``<h2 class="article-lead">``,
    ``<div class="leadIn">``), beside the container that scores best, not in it."""
    a = clean(page(
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<article><header><h1>Ferry back in service</h1><div class='leadIn'><p>{LEDE}</p></div>"
        "<div class='byline'>By Jane Doe</div></header>"
        f"<div class='article-body'>{''.join(f'<p>{p}</p>' for p in STORY)}</div></article>"
        "<aside><p>Our newsletter brings you the harbour news every morning, for free, to your inbox.</p></aside>"))
    assert_story_kept(a, (LEDE,) + STORY)
    assert a.text.startswith(LEDE)
    assert "newsletter" not in a.text


def test_a_byline_shaped_as_a_sentence_before_the_body_is_not_a_lede():
    """gamesindustry.biz: ``<p class="meta">By Sherif Saed, Wednesday, 20 November 2019 08:05 GMT</p>``
    between the headline and the body reads as prose; page furniture tokens keep it out."""
    meta = "By Jane Doe, harbour correspondent, Wednesday, 20 November 2019 08:05 GMT"
    a = clean(page(f"<article><header><h1>Ferry back in service</h1><p class='meta'>{meta}</p></header>"
                   f"<div class='article-body'>{''.join(f'<p>{p}</p>' for p in STORY)}</div></article>"))
    assert_story_kept(a)
    assert meta not in a.text


def test_a_dek_set_as_a_heading_that_repeats_the_description_is_the_subtitle():
    """foxbusiness, the Sun: ``<h2>`` under the headline says what ``og:description`` says: a dek,
    set apart by its type. A dek too short to be a paragraph of the story goes to the subtitle only."""
    dek = "The island's ferry is running again after three weeks."
    head = ("<title>Ferry back in service | Harbour News</title>"
            f"<meta property='og:description' content=\"{dek}\">")
    a = clean(page(f"<article><h1>Ferry back in service</h1><h2>{dek}</h2>"
                   f"<div class='article-body'>{''.join(f'<p>{p}</p>' for p in STORY)}</div></article>", head))
    assert_story_kept(a)
    assert dek not in a.text
    assert a.subtitle == dek
    assert [r.rule for r in a.removals if r.text == dek] == ["meta.subtitle_description"]


@pytest.mark.parametrize("tag", ["h2", "p class='intro'"])
def test_a_standfirst_that_reads_as_the_first_paragraph_is_text_and_subtitle(tag):
    """dw.com's ``<p class="intro">``, dorzeczy.pl's ``art-lead``, elpais.com.uy's
    ``<h2 class="epigraph">``: the standfirst that repeats the description is a paragraph of the
    story (it carries the news itself), so it stays in the text, and is the subtitle too."""
    head = ("<title>Ferry back in service | Harbour News</title>"
            f"<meta property='og:description' content=\"{LEDE}\">")
    close = tag.split()[0]
    a = clean(page(f"<article><h1>Ferry back in service</h1><{tag}>{LEDE}</{close}>"
                   f"<div class='article-body'>{''.join(f'<p>{p}</p>' for p in STORY)}</div></article>", head))
    assert_story_kept(a, (LEDE,) + STORY)
    assert a.text.startswith(LEDE)
    assert a.subtitle == LEDE
    assert not [r for r in a.removals if r.text == LEDE]


def test_a_standfirst_in_german_reads_as_a_paragraph_by_german_stop_words():
    """The lede test reads the page's language: a German ``Vorspann`` is prose by German function
    words, not English ones (ok-magazin.de, fr.de)."""
    lede = ("Die Fähre zur Insel fährt nach drei Wochen in der Werft wieder, und der lange Umweg "
            "über die Straße ist damit für die Pendler vorbei.")
    story = ["Die Fähre hat am Montag nach drei Wochen Reparatur an den Motoren den Betrieb wieder aufgenommen, sagte der Betreiber.",
             "Die Pendler, die lange Umwege über die Straße um die Bucht fahren mussten, begrüßten die Nachricht am Abend.",
             "Der Hafen rechnet damit, dass der Fahrplan bis zum Sommer wieder ohne Einschränkungen gilt, hieß es weiter."]
    head = f"<title>Fähre fährt wieder</title><meta name='description' content=\"{lede}\">"
    a = clean(page(f"<article><h1>Fähre fährt wieder</h1><div class='teaser-text'><p>{lede}</p></div>"
                   f"<div class='article-body'>{''.join(f'<p>{p}</p>' for p in story)}</div></article>", head))
    assert a.text.startswith(lede)
    assert a.subtitle == lede


def test_a_long_author_bio_does_not_outscore_the_story_beside_it():
    """journelles.de, a contact modal on oetker.de: an ``author-bio`` (or ``sidebar``, ``modal``)
    holding more prose than its marker allows is not removed for its look, but it counts for less
    when the region is chosen, so the story wins."""
    bio = "".join(f"<p>Jane Doe, who grew up in Dover, Kent, has written about ferries, harbours, tides and {w} "
                  "for twenty years, in print, on radio and online, and teaches, when she can, at the college.</p>"
                  for w in ("bridges", "canals", "lighthouses", "docks", "buoys"))
    story = "".join(f"<section><div class='text'><p>{p}</p></div></section>" for p in STORY * 3)
    a = clean(page(f"<article><h1>Ferry back in service</h1><div class='post-inner'><div class='entry-content'>{story}"
                   "</div></div><div class='section-inner'><div class='author-bio'><div class='author-description'>"
                   f"{bio}</div></div></div></article>"))
    assert_story_kept(a)
    assert "twenty years" not in a.text


def test_a_story_cut_into_page_builder_rows_is_taken_whole():
    """WPBakery, elementor, munich2022.com: each paragraph in its own row of single-child
    wrappers (``vc_row > wpb_column > vc_column-inner > wpb_wrapper > wpb_text_column``), rows told
    apart by a per-row class; the rows are parts of one story when their first class agrees."""
    def row(i, inner):
        return (f"<div class='vc_row wpb_row vc_custom_{i}'><div class='wpb_column'><div class='vc_column-inner'>"
                f"<div class='wpb_wrapper'><div class='wpb_text_column'>{inner}</div></div></div></div></div>")
    long_p1 = P1 + " " + P2 + " " + P3
    rows = row(1, f"<p>{long_p1}</p><p>{P4}</p>") + row(2, "<h2>Tides</h2>") + row(3, f"<p>{LEDE}</p>")
    a = clean(page(f"<article><h1>Ferry back in service</h1><div class='post-text-main'>{rows}</div></article>"
                   "<div class='promo-box'><p>Book a crossing today and save ten percent, the operator says.</p></div>"))
    assert_story_kept(a, (long_p1, P4, LEDE))
    assert "Tides" not in a.text  # a row that holds no prose is not taken for being a row


def test_a_link_list_after_the_story_is_a_related_removal_with_its_heading():
    """uepo.de, ntv.de: "Mehr zum Thema" and a list of teaser headlines, all links, under the story
    and inside the region, in a box the markup does not name."""
    teasers = "".join(f"<li><a href='/{i}'>{t}</a></li>" for i, t in enumerate(
        ("Bridge closure delayed until spring", "New timetable for the island buses", "Harbour board meets in May")))
    a = clean(article_html("".join(f"<p>{p}</p>" for p in STORY) + f"<h3>More from the harbour</h3><ul>{teasers}</ul>"))
    assert_story_kept(a)
    assert "Bridge closure delayed" not in a.text and "More from the harbour" not in a.text
    assert {r.rule for r in a.removals if "Bridge closure" in r.text or "More from the harbour" in r.text} == {"html.link_list"}


def test_links_between_paragraphs_and_cited_addresses_are_kept():
    """A list of links in the middle of the story (firefox-nightly's bug list) is the story's, and
    so are the addresses it cites by name (``http://www.gnu.org/philosophy/``) after its end."""
    bugs = "".join(f"<li><a href='/b{i}'>Bug {i} – the ferry timetable shows the winter hours</a></li>" for i in (1, 2, 3))
    cited = "<ul><li><a href='https://harbour.example.org/'>https://harbour.example.org/</a></li>" \
            "<li><a href='https://www.example.com/ferries'>www.example.com/ferries</a></li></ul>"
    a = clean(article_html(f"<p>{P1}</p><p>{P2}</p><h3>In progress:</h3><ul>{bugs}</ul><p>{P3}</p><p>{P4}</p>{cited}"))
    assert_story_kept(a)
    assert "Bug 2 – the ferry timetable" in a.text
    assert "https://harbour.example.org/" in a.text and "www.example.com/ferries" in a.text


def test_a_page_that_is_a_list_of_links_keeps_it():
    """A directory or an index page: the links are its content, not a box under it."""
    items = "".join(f"<li><a href='/{i}'>Ferry route {i}: Dover to Calais, with the times of the day</a></li>"
                    for i in range(12))
    a = clean(article_html(f"<p>{P1}</p><ul>{items}</ul>"))
    assert "Ferry route 7: Dover to Calais" in a.text


def test_every_rule_an_html_page_gets_is_listed_by_cleaner_rules():
    from cleaner.html.markup import html_rules
    from cleaner.rules import CONTEXT_RULES, RULES_BY_ID
    a = clean(article_html(
        "<div class='entry-share-buttons'><a href='#'>Facebook</a> <a href='#'>Twitter</a></div>"
        f"<p>{P1}</p><figure><img src='f.jpg'><figcaption>The ferry at the quay.</figcaption></figure><p>{P2}</p>"
        f"<p><a href='/x'>FERRY OPERATOR FINED OVER LATE SAILINGS</a></p><p>{P3}</p><p>{P4}</p><p>Advertisement</p>"
        "<h3>More from the harbour</h3><p><a href='/a'>Bridge closure delayed</a></p><p><a href='/b'>New bus times</a></p>"))
    listed = set(RULES_BY_ID) | set(CONTEXT_RULES) | set(html_rules())
    assert {r.rule for r in a.removals} >= {"html.share_bar", "html.figcaption", "html.shouted_link", "html.link_list"}
    assert {r.rule for r in a.removals} <= listed


def test_a_lede_a_german_cms_calls_a_teaser_is_kept_and_a_teaser_box_is_not():
    """nordbayern.de, ln-online.de: ``<div class="teaser-text">`` or ``<p class="article-teaser">``
    is the lede (the Anreißer); a box of ``<div class="teaser">`` cards under the story stays related."""
    box = "".join(f"<div class='teaser'><h3><a href='/{i}'>Bridge closure delayed until spring {i}</a></h3>"
                  "<p>The council said the works on the old bridge would take longer, and cost more, than planned.</p></div>"
                  for i in range(3))
    a = clean(page(f"<article><h1>Ferry back in service</h1><div class='article-teaser'><p>{LEDE}</p></div>"
                   f"<div class='article-body'>{''.join(f'<p>{p}</p>' for p in STORY)}</div>"
                   f"<div class='more'>{box}</div></article>"))
    assert_story_kept(a, (LEDE,) + STORY)
    assert "Bridge closure delayed" not in a.text and "works on the old bridge" not in a.text


def test_headings_closing_the_story_with_nothing_under_them_are_removed():
    # Shape seen on a German outdoor blog and a car site: the region's last blocks are a
    # promotion's heading and a gallery's heading whose content the page keeps elsewhere.
    a = clean(article_html("".join(f"<p>{p}</p>" for p in STORY)
                           + "<h3>Keine Lust alleine zu radeln?</h3><h2>Bildergalerie</h2>"))
    assert_story_kept(a)
    assert removed(a, "navigation") == ["Keine Lust alleine zu radeln?", "Bildergalerie"]
    assert {r.rule for r in a.removals if r.category == "navigation"} == {"html.orphan_heading"}


def test_a_heading_inside_the_story_and_a_pull_quote_at_its_end_are_kept():
    quote = "The ferry is back. Nobody here wants to drive round the bay again."
    a = clean(article_html(f"<p>{P1}</p><h2>A long wait</h2><p>{P2}</p><p>{P3}</p><p>{P4}</p><h3>{quote}</h3>"))
    assert_story_kept(a)
    assert "A long wait" in a.text and quote in a.text


def test_a_standfirst_in_the_story_header_is_the_subtitle_and_its_second_copy_goes():
    # netzpolitik.org's shape: <header class="entry-header"><h1/><div class="entry-excerpt"><p>…;
    # sites that set the dek twice (phones, desktops) give two equal blocks. The dek reads as the
    # story's first paragraph, so it stays in the text, once.
    dek = "The harbour ferry is back after three weeks of engine repairs, and commuters are relieved."
    raw = page("<main><article class='post'><header class='entry-header'><h1>Ferry back in service</h1>"
               f"<div class='entry-excerpt'><p>{dek}</p></div></header><div class='entry-content'>"
               f"<div class='article-lead mobile'><p>{dek}</p></div>{''.join(f'<p>{p}</p>' for p in STORY)}</div></article></main>",
               head=f"<title>Ferry back in service | Harbour News</title><meta name='description' content='{dek}'>")
    a = clean(raw)
    assert_story_kept(a, (dek,) + STORY)
    assert a.subtitle == dek
    assert a.text.count(dek) == 1
    assert [r.rule for r in a.removals if r.text == dek] == ["duplicate.paragraph"]


def test_a_marked_standfirst_just_before_the_story_is_kept_when_no_headline_ties_them():
    # TYPO3's news pages (mpimet.mpg.de, oekolandbau.de): no <h1> matching the title, the lede in
    # <div class="teaser-text"> right before <div class="news-text-wrap">. An unmarked teaser of
    # another story further up the page stays out.
    lede = "The harbour ferry is back after three weeks of engine repairs, and commuters are relieved, the operator said."
    other = "Council approves a new cycle lane along the seafront after a long consultation with residents and shop owners."
    raw = page(f"<div class='sidebar-teaser'><p>{other}</p></div><div class='news news-single'><div class='article'>"
               f"<div class='teaser-text'><p>{lede}</p></div><div class='news-img-wrap'><img src='f.jpg'></div>"
               f"<div class='news-text-wrap'>{''.join(f'<p>{p}</p>' for p in STORY)}</div></div></div>",
               head="<title>Ferry back in service</title>")
    a = clean(raw)
    assert_story_kept(a)
    assert lede in a.text
    assert other not in a.text


def test_a_story_kept_in_a_template_script_inside_the_article_body_is_read():
    # Blogger's template for Google's blogs (security.googleblog.com) puts the post in
    # <script type="text/template"> inside itemprop="articleBody"; a widget's template elsewhere
    # on the page stays unread.
    story = "".join(f"<p>{p}</p>" for p in STORY)
    raw = page("<div class='post' itemscope itemtype='http://schema.org/BlogPosting'><h2 class='title'>Ferry back in service</h2>"
               f"<div class='post-body'><div class='post-content' itemprop='articleBody'><script type='text/template'>{story}</script>"
               "<noscript>Please enable JavaScript.</noscript></div></div></div>"
               "<script type='text/template'><div class='widget'><p>Sign in to see your saved stories and your reading list here.</p></div></script>")
    a = clean(raw)
    assert_story_kept(a)
    assert "Sign in to see" not in a.text


@pytest.mark.parametrize("token", ["sommario", "entradilla", "bajada", "chapeau", "vorspann"])
def test_a_standfirst_named_in_the_newsroom_s_own_language_is_kept(token):
    # vegolosi.it sets its lede in <div class="sommario">; Spanish, Argentine, French and German
    # CMSs use entradilla, bajada, chapeau and Vorspann for the same element.
    lede = "The harbour ferry is back after three weeks of engine repairs, and commuters are relieved, the operator said."
    raw = page(f"<div class='post'><div class='{token}'><p>{lede}</p></div>"
               f"<div class='post-content'>{''.join(f'<p>{p}</p>' for p in STORY)}</div></div>",
               head="<title>Ferry back in service</title>")
    a = clean(raw)
    assert_story_kept(a)
    assert lede in a.text


def test_a_class_on_body_describes_the_page_and_marks_nothing():
    """journelles.de: WordPress sets the page's state on ``<body class="... showing-comments ...">``;
    read as a marker it made the whole page a comment thread. A page's comments are in their own
    element; the one under the story still goes."""
    raw = page("<main><article class='post'>" + "".join(f"<p>{p}</p>" for p in STORY)  # no <h1> holds the page
               + "<div class='comments'><p>Great news, I take that ferry every day, finally!</p></div></article></main>")
    a = clean(raw.replace("<body>", "<body class='single showing-comments has-sidebar'>"))
    assert_story_kept(a)
    assert "Great news" not in a.text


def _ld(body: str) -> str:
    return ("<script type='application/ld+json'>"
            + json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Ferry back in service",
                          "articleBody": body}) + "</script>")


def test_a_story_the_page_draws_from_script_is_read_from_its_json_ld():
    """scmp.com: the markup holds the header and a script draws the story; the ``NewsArticle``'s
    ``articleBody`` is the whole story, and it is read when the markup gave only a stub."""
    more = ("The operator said the engines had been rebuilt by a yard in Leith, at a cost it would not disclose.",
            "Fares will stay as they were before the repairs until the end of the year, the council added.")
    head = "<title>Ferry back in service | Harbour News</title>" + _ld("\n".join(STORY + more))
    a = clean(page("<div id='app'><h1>Ferry back in service</h1><p>Opinion</p>"
                   "<div class='article-summary'>The ferry is back after repairs.</div></div>", head))
    assert_story_kept(a, STORY + more)
    assert set(STORY + more) <= set(a.text.split("\n\n"))  # its paragraphs, one block each


def test_a_json_ld_summary_does_not_replace_the_story_in_the_markup():
    head = "<title>Ferry back in service | Harbour News</title>" + _ld(P1 + " " + P2 + " The council will review it.")
    a = clean(article_html("".join(f"<p>{p}</p>" for p in STORY), ).replace("<head>", "<head>" + head, 1))
    assert_story_kept(a)
    assert "The council will review it." not in a.text


@pytest.mark.parametrize("cls, category, text", [
    ("editorial-disclaimer", "disclaimer", "The advertising disclaimer below does not apply to this article."),
    ("cbp-spmenu cbp-spmenu-vertical", "navigation", "Yoga"),       # a menu by any prefix
    ("news-letter-section", "newsletter", "We have many more stories for you every week in our letter."),
    ("relatedlinks block", "related", "Discover now"),
    ("wp-block-mmo-recirculation-box", "related", "More columns on our site"),
])
def test_boxes_named_by_their_class_in_common_spellings(cls, category, text):
    """villagevoice.com's ``editorial-disclaimer``, a WordPress mobile menu's ``cbp-spmenu``,
    gofeminin's ``news-letter-section``, industriemagazin's ``relatedlinks``, the recirculation
    boxes of Vox Media and MeinMMO: boxes the markup names, in one word or two."""
    a = clean(article_html("".join(f"<p>{p}</p>" for p in STORY[:2]) + f"<div class='{cls}'><p>{text}</p></div>"
                           + "".join(f"<p>{p}</p>" for p in STORY[2:])))
    assert_story_kept(a)
    assert text not in a.text
    assert removed(a, category) == [text]


def test_a_story_told_in_slides_is_kept_and_a_gallery_beside_a_story_is_not():
    """economictimes.com's slideshows, popsugar's galleries: each slide is marked on its own and
    holds little prose, but together the slides hold most of the page's: they are the story.
    A gallery of short captions under a story of paragraphs stays a widget."""
    slides = "".join(f"<section class='slides' id='/ferry/slideshow/{i}.cms'><h2>Part {i}</h2><p>{p}</p></section>"
                     for i, p in enumerate(STORY, 1))
    a = clean(article_html(f"<div class='package'>{slides}</div>"))
    assert_story_kept(a)
    gallery = "".join(f"<div class='gallery-item'><p>The quay at dawn, seen from boat {i}.</p></div>" for i in range(3))
    b = clean(article_html("".join(f"<p>{p}</p>" for p in STORY) + gallery))
    assert_story_kept(b)
    assert "The quay at dawn" not in b.text


def test_a_post_of_short_lines_with_no_paragraph_keeps_them():
    """gnaur.wordpress.com: a post of three lines of dialogue, no paragraph among them. The page's
    head and footer are the edges of a story; with no paragraph there is no story to have edges,
    so the lines the markup chose stay (the share bar and the comment form still go)."""
    lines = ("„Ich weiß ich bin betrunken und sollte das vielleicht nicht sagen…“", "– „Dann sag es nicht“", "– „Ok.“")
    a = clean(page("<div id='content'><div class='post'><p>Gnaur</p><h2>Doing nothing is an option too</h2>"
                   "<p>June 14, 2013 at 20:51</p>" + "".join(f"<p>{t}</p>" for t in lines)
                   + "<div class='sharedaddy'><p>Share this:</p><a href='/t'>Twitter</a></div>"
                   "<div id='respond'><p>Leave a comment</p></div></div></div>"))
    for t in lines:
        assert t in a.text
    assert "Share this" not in a.text and "Leave a comment" not in a.text


#: The words a class/id value is made of in the tests below: every word of the marker table, of the
#: embed and standfirst tokens, state words and words that are none of these.
_CLASS_WORDS = sorted({w for m in R.CLASS_MARKERS for t in m.tokens for w in t.split("-")}
                      | R.EMBED_TOKENS | R.STANDFIRST_TOKENS | {"open", "has", "spmenu", "Menu", "x9", "wrap"})


def _table_values() -> list[str]:
    """Each token of the marker table as pages write it: alone, camel-cased, among other words;
    and menus named by a prefix."""
    out = []
    for m in R.CLASS_MARKERS:
        for tok in m.tokens:
            words = tok.split("-")
            camel = words[0] + "".join(w.capitalize() for w in words[1:])
            out += [tok, camel, tok.upper(), f"x-{tok}-wrap", f"{tok}_open", f"post {camel} teaser-text"]
    return out + ["spmenu", "wprmenu-wrap", "MAINMENU", "menu-open"]  # a menu by any prefix


@pytest.mark.parametrize("value", _table_values())
def test_class_marker_s_shortcut_keeps_every_token_of_the_table(value):
    """`class_marker` skips making the tokens of a value whose words cannot make a marked token;
    for a value made of the table's tokens it must give what the tokens themselves give."""
    assert B.class_marker.__wrapped__(value) == B.tokens_marker(B.class_tokens(value))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_CLASS_WORDS), st.sampled_from((str.lower, str.capitalize, str.upper)),
                          st.sampled_from(("-", "_", " ", "", "--", ":"))), max_size=6))
def test_class_marker_s_shortcut_gives_the_marker_the_tokens_give(parts):
    """The same for any value made of the table's words, state words and others."""
    value = "".join(case(word) + sep for word, case, sep in parts)
    assert B.class_marker.__wrapped__(value) == B.tokens_marker(B.class_tokens(value))


def _check_work_tag_by_tag(raw: str) -> str | None:
    """`check_work`'s attribute limit as a walk over every start tag: the message it raises, or None."""
    from cleaner.html.extract import _ATTRIBUTE, _START_TAG, MAX_ATTRIBUTES

    for tag in _START_TAG.finditer(raw):
        if tag.end() - tag.start() > 2 * MAX_ATTRIBUTES:
            count = sum(1 for _ in _ATTRIBUTE.finditer(raw, tag.start(), tag.end()))
            if count > MAX_ATTRIBUTES:
                return (f"an element with more than {MAX_ATTRIBUTES:,} attributes (the limit for one element) "
                        f"at character {tag.start():,}")
    return None


@pytest.mark.parametrize("seed", range(6))
def test_check_work_counts_long_tags_as_a_walk_over_every_tag_would(seed):
    """Long tags (a data URL, many attributes, quoted ">") have their attributes counted in their
    own texts: the same verdict and message as counting them tag by tag in the page."""
    import random

    from cleaner.html.extract import PageTooComplex, check_work

    rng = random.Random(seed)
    parts = []
    for _ in range(rng.randint(1, 12)):
        kind = rng.randrange(5)
        if kind == 0:
            parts.append(f'<img src="data:image/png;base64,{"A" * rng.randint(1000, 5000)}">')
        elif kind == 1:
            n = rng.choice([400, 999, 1000, 1001, 1500])
            sep = rng.choice([" ", "\n", "  "])
            parts.append("<div" + "".join(f'{sep}a{i}="{rng.choice(["v", "x>y", "it s"])}"' for i in range(n)) + ">t</div>")
        elif kind == 2:
            parts.append("<span " + " ".join(f"b{i}" for i in range(rng.choice([900, 1001]))) + ">")
        elif kind == 3:
            parts.append(f"<p class='{'c ' * rng.randint(500, 1500)}'>text > more</p>")
        else:
            parts.append("<p>a < b and c</p>" * rng.randint(1, 5))
    raw = "<html><body>" + "".join(parts) + "</body></html>"
    expected = _check_work_tag_by_tag(raw)
    if expected is None:
        check_work(raw)
    else:
        with pytest.raises(PageTooComplex) as raised:
            check_work(raw)
        assert str(raised.value) == expected


_SOFT_GONE = __import__("re").compile(r"\ue000+(?=[\s,.;:!?)\]}»”’%、。，．！？）]|$)|(?<=[\s(\[{«“‘（])\ue000+|^\ue000+")


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("\ue000\ue000ab é字 \xa0\u3000\n\t,.;:!?)]}»”’%、。，．！？）([{«“‘（-'\"")),
               max_size=40))
def test_soft_spaces_read_as_the_pattern_over_every_position_read_them(text):
    """`_soft_space`, a run at a time, against the pattern it replaces (each soft space left a space)."""
    fast = " ".join(B._SOFT_RUN.sub(B._soft_space, text).split())
    plain = " ".join(_SOFT_GONE.sub("", text).replace(B._SOFT, " ").split())
    assert fast == plain


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab é字한 .!?。！？…»”\"')]:,")), min_size=1, max_size=20))
def test_a_segment_s_prose_test_reads_its_text_as_the_patterns_do(text):
    """The last-character test of `segment` and the ASCII path of `weighted_length`, against the patterns."""
    from cleaner.text import CJK, ENDS_IN_PUNCTUATION

    text = " ".join(text.split()) or "x"
    assert (text[-1] in B._END_MARKS) == bool(ENDS_IN_PUNCTUATION.search(text))
    assert B.weighted_length(text) == len(text) + 2 * len(CJK.findall(text))


@pytest.mark.parametrize("attrs", [{}, {"class": "share"}, {"id": "share"}, {"class": "post", "id": "sidebar"},
                                   {"class": "x", "id": ""}, {"class": "", "id": "nav"}, {"class": "  menu  "},
                                   {"class": "article-teaser", "id": "main"}, {"id": "a b"}, {"class": "Share Bar"}])
def test_an_element_s_marker_is_that_of_its_class_and_id_joined(attrs):
    """`marker_of` looks a lone class or id up as it is: the marker of the value joined with a space."""
    import lxml.html

    el = lxml.html.Element("div", attrs)
    cls, ident = attrs.get("class"), attrs.get("id")
    expected = B.class_marker(f"{cls or ''} {ident or ''}") if cls or ident else None
    assert B.marker_of(el) == expected


@pytest.mark.parametrize("seed", range(5))
def test_levels_below_an_element_say_what_walking_every_chain_up_says(seed):
    """`_levels_below`, which keeps each element's answer, against `_ancestors` walked for every
    element, asked in document order and in a shuffled one, on trees deeper than the limits."""
    import random

    from lxml import etree

    rng = random.Random(seed)
    root = etree.Element("html")
    nodes = [root]
    for _ in range(260):  # a chain past both limits
        nodes.append(etree.SubElement(nodes[-1], "div"))
    for _ in range(200):  # and bushes on it
        nodes.append(etree.SubElement(rng.choice(nodes), "p"))
    elements = list(root.iter())
    for top in rng.sample(elements, 6) + [root]:
        for order in (elements, rng.sample(elements, len(elements))):
            levels = B._levels_below(top)
            for el in order:
                level = levels(el)
                for k in (50, 200):
                    assert (level is not None and level <= k) == (el is top or top in B._ancestors(el, k))


@pytest.mark.parametrize("seed", range(4))
def test_standfirst_marks_kept_over_a_page_say_what_reading_each_element_says(seed):
    """`standfirst_marked` with a `known` dict shared over a page's calls, in any order, against
    reading every element each time; and `_commas` against the pattern it counts for."""
    import random

    from lxml import etree

    rng = random.Random(seed)
    root = etree.Element("div")
    nodes = [root]
    for _ in range(300):
        attrs = rng.choice([{}, {"class": "dek"}, {"class": "post body"}, {"id": "article-lead"},
                            {"itemprop": "description"}, {"itemprop": "articleBody"}, {"class": "x", "id": "intro"}])
        nodes.append(etree.SubElement(rng.choice(nodes[-8:] + nodes[:3]), rng.choice(["p", "div", "section"]), attrs))
    known: dict = {}
    for el in rng.sample(nodes, len(nodes)):
        assert B.standfirst_marked(el, known=known) == B.standfirst_marked(el)
    assert any(B.standfirst_marked(el) for el in nodes) and not all(B.standfirst_marked(el) for el in nodes)
    text = "".join(rng.choice("ab ,，、،.") for _ in range(200))
    assert B._commas(text) == len(B._COMMAS.findall(text))


def _marker_of_by_lookups(el):
    """`marker_of` as five attribute lookups, in the order of precedence."""
    m = R.TAG_MARKERS.get(el.tag)
    if m is not None:
        return m
    role = el.get("role")
    if role and role.lower() in R.ROLE_MARKERS:
        return R.ROLE_MARKERS[role.lower()]
    prop = el.get("itemprop")
    if prop and R.ITEMPROP_MARKERS.get(prop.split()[0].lower()) is not None:
        return R.ITEMPROP_MARKERS[prop.split()[0].lower()]
    if el.get("rel") == "author":
        return R.ITEMPROP_MARKERS["author"]
    cls, ident = el.get("class"), el.get("id")
    return B.class_marker(f"{cls or ''} {ident or ''}") if cls or ident else None


_ATTRS = ['role="navigation"', 'role="Banner"', 'role=""', 'role="main"', 'itemprop="author name"', 'itemprop=""',
          'itemprop="headline"', 'rel="author"', 'rel="nofollow"', 'class="share-bar"', 'class=""', 'class="post"',
          'id="sidebar"', 'id=""', 'id="main"', 'data-x="1"', 'xml:lang="en"', 'ROLE="search"', 'Class="menu"',
          'style="x"', 'class="related" class="post"']


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["div", "nav", "span", "aside", "p", "a"]), st.lists(st.sampled_from(_ATTRS), max_size=5))
def test_an_element_s_marker_from_its_attribute_names_is_the_five_lookups(tag, attrs):
    """`marker_of` asks only for the attributes the element has (`keys`): the same marker as
    looking all five up, on elements the HTML parser made (case, empty values, repeats, prefixes)."""
    import lxml.html

    el = lxml.html.fragment_fromstring(f"<{tag} {' '.join(attrs)}>x</{tag}>")
    assert B.marker_of(el) == _marker_of_by_lookups(el)
