"""Context and shape signals of the classifier, pinned on real-looking page text.

Page text is what a scraper or a page-to-text converter hands over: the article's paragraphs with
the site's menus, share bars, teaser lists and comment threads around them, one block a line
("* " and "+ " mark list items, as inscriptis writes them). Each test names the signal it pins and
has a negative: a body line that must stay.
"""
from __future__ import annotations

import pytest

from cleaner.classify import classify, norm, segment
from cleaner.clean import clean_article
from cleaner.records import Article, Source
from cleaner.rules import CONTEXT_RULES, RULES_BY_ID
from schemas.removals import CATEGORIES

P1 = ("The city council voted on Tuesday to close the old stone bridge over the river for at least six "
      "months, after engineers found deep cracks in two of its arches during a routine inspection.")
P2 = ("Traffic will be diverted over the ring road while the repairs are carried out, and buses will add "
      "about ten minutes to the journey into the centre, the transport office said in a statement.")
P3 = ("Local shop owners said they feared the closure would keep customers away in the run-up to the "
      "holidays, and asked the council to consider a temporary footbridge for pedestrians.")
P4 = ("The mayor said the council had no choice, because the bridge was no longer safe, and promised that "
      "the work would be finished before the summer tourist season begins next year.")
MENU = ["* Home", "* News", "+ Politics", "+ Business", "+ Sport", "* Opinion", "* Lifestyle", "* Contact us"]


def _clean(text: str) -> Article:
    return clean_article(Article(id="t", source=Source("t.txt", "0" * 64), raw=text))


def _page(*parts: str | list[str]) -> str:
    lines: list[str] = []
    for p in parts:
        lines.extend(p if isinstance(p, list) else [p])
    return "\n".join(lines)


def test_menus_before_and_after_the_story_are_removed_and_the_story_kept():
    text = _page("Site name", MENU, "Bridge to close for repairs", P1, P2, P3, P4, MENU, "Terms of Service Privacy Notice")
    a = _clean(text)
    assert a.text.split("\n\n") == [P1, P2, P3, P4]
    rules = {r.rule for r in a.removals}
    assert "context.before_core" in rules and "context.after_core" in rules


def test_every_label_is_a_listed_rule_with_a_known_category():
    text = _page("Site", MENU, P1, "Advertisement", P2, "Related Articles", "City opens new pool", P3, MENU)
    for lab in classify(segment(text)):
        if lab is None:
            continue
        known = RULES_BY_ID.get(lab.rule)
        category = known.category if known else CONTEXT_RULES[lab.rule][0]
        assert category == lab.category and lab.category in CATEGORIES


def test_a_story_of_one_paragraph_between_header_and_share_bar_is_kept():
    """An isolated paragraph counts less, unless it is most of the page's prose: then it is the story."""
    text = _page("Site", MENU, "Break-in at the health centre", "05/10/2018 - Posted by: Clara Borba", P1,
                 "Facebook Twitter Google+ Whatsapp", "Back")
    assert _clean(text).text == P1


def test_teaser_list_after_the_story_is_removed():
    teasers = []
    for head, summary in [
        ("Why farmers may want to paint their cows with zebra stripes",
         "Some people thought the stripy cattle in a Japanese pasture were a joke, but the science could save farmers money."),
        ("Two troops killed in helicopter crash",
         "Officials dismissed a claim that the craft was shot down and said the cause of the crash is being investigated."),
        ("Woman risks her life to save a koala",
         "At least six people have died and hundreds of homes have been destroyed by bushfires across the state."),
        ("Cities urge boycott of meat companies",
         "Lawmakers in the two biggest cities want to cut ties with businesses involved with beef imports from Brazil."),
    ]:
        teasers += [head, summary, "32M ago"]
    a = _clean(_page("Site", MENU, P1, P2, P3, P4, "More in World", teasers, MENU))
    assert a.text.split("\n\n") == [P1, P2, P3, P4]


def test_a_listicle_made_of_isolated_paragraphs_is_kept():
    """Headline, paragraph, headline, paragraph… is a teaser list, unless it is the page itself."""
    items = []
    for k, p in enumerate([P1, P2, P3, P4], 1):
        items += [f"{k}. Reason number {k}", p]
    a = _clean(_page("Site", MENU, "Four reasons the bridge had to close", items, MENU))
    for p in (P1, P2, P3, P4):
        assert p in a.text


def test_a_comment_thread_after_the_story_is_removed():
    thread = ["34 responses to “Bridge to close for repairs”", "1. riverwatcher says:",
              "About time, that bridge has been falling apart for years and everyone in town knew it.",
              "2. commuter_jo says:", "So now my bus takes twenty minutes longer every day. Thanks a lot, council."]
    a = _clean(_page("Site", MENU, P1, P2, P3, thread))
    assert a.text.split("\n\n") == [P1, P2, P3]
    assert any(r.rule == "context.comments" for r in a.removals)


def test_a_bare_comments_button_does_not_end_the_story():
    a = _clean(_page("Site", MENU, P1, P2, "Comments", P3, P4, MENU))
    assert a.text.split("\n\n") == [P1, P2, P3, P4]


def test_a_list_of_dates_after_the_story_is_kept():
    """Runs of lines carrying figures (dates, results) count for the story: menus do not carry figures."""
    dates = ["June 9 -- Coral Sky Amphitheatre, West Palm Beach, FL", "June 10 -- Credit Union Amphitheatre, Tampa, FL",
             "June 14 -- Ameris Bank Amphitheatre, Alpharetta, GA", "June 17 -- Bridgestone Arena, Nashville, TN"]
    a = _clean(_page("Site", MENU, P1, P2, P3, "The 2020 tour dates:", dates, MENU))
    for d in dates:
        assert d in a.text


def test_menu_counts_are_not_data():
    """"+ Politics (47)" is a menu with post counts, not a list of figures."""
    cats = ["* Categories", "+ Politics (47)", "+ Business (160)", "o Markets (5)", "o Companies (68)", "+ Sport (225)"]
    a = _clean(_page("Site", MENU, P1, P2, P3, P4, cats))
    assert "Politics" not in a.text and a.text.endswith(P4)


def test_stop_word_density_works_in_other_languages():
    de = ["Der Stadtrat hat am Dienstag beschlossen, die alte Steinbrücke über den Fluss für mindestens sechs Monate zu sperren.",
          "Ingenieure hatten bei einer Routineprüfung tiefe Risse in zwei der Bögen gefunden, sagte ein Sprecher der Stadt.",
          "Der Verkehr wird während der Arbeiten über die Ringstraße umgeleitet, und die Busse brauchen etwa zehn Minuten länger."]
    menu = ["Startseite", "Politik Wirtschaft Sport Kultur", "* Impressum", "* Datenschutz"]
    a = _clean(_page("Seite", menu, *de, menu))
    assert a.text.split("\n\n") == de


def test_cjk_paragraphs_are_measured_by_characters():
    ja = ["先日、不正に改造したスマートフォンを販売したとして、商標法違反の疑いで二十代の男性が逮捕されたというニュースを耳にしました。",
          "報道によると、今回販売されたのは、いわゆる「脱獄」した端末で、公式のストアにないアプリを利用することもできるようになるとのことです。"]
    a = _clean(_page("サイト", ["* ホーム", "* ニュース", "* お問い合わせ"], *ja, ["* ホーム", "* プライバシー"]))
    assert a.text.split("\n\n") == ja


def test_short_sentence_lines_inside_the_story_are_kept():
    """Recall first: a short sentence between paragraphs is body, whatever its length."""
    a = _clean(_page("Site", MENU, P1, "He did not reply.", P2, "Nobody knows why.", P3, MENU))
    assert a.text.split("\n\n") == [P1, "He did not reply.", P2, "Nobody knows why.", P3]


def test_caption_ending_in_a_credit_label_is_a_caption():
    cap = "Engineers inspect the cracked arch of the old bridge on Monday Credit: Getty - Contributor"
    a = _clean(_page("Site", P1, cap, P2, P3))
    assert cap not in a.text and cap in a.captions
    assert [p for p in a.text.split("\n\n")] == [P1, P2, P3]


def test_a_listicle_of_short_items_is_kept_when_it_is_the_page():
    """Short isolated summaries are teasers only when they are not most of the page's prose."""
    tips = ["Check the bus timetable before you leave, because the diverted routes take longer.",
            "Walk across the weir footpath if you live on the east bank of the river.",
            "Park at the stadium on weekdays, where the council has opened free spaces.",
            "Ask your employer whether you can start later while the repairs are going on."]
    items = []
    for k, t in enumerate(tips, 1):
        items += [f"Tip {k}", t]
    a = _clean(_page("Site", MENU, "Four ways to get around the closed bridge", items, MENU))
    for t in tips:
        assert t in a.text


def test_lines_recurring_across_a_sites_pages_are_furniture_outside_the_story():
    """Cross-document frequency: what every page of a site repeats is its furniture."""
    from cleaner.crossdoc import LineCounts

    footer = ("The Daily Bridge is an independent newspaper founded in 1901 and published every "
              "weekday morning by the Bridge Media Group in the city centre.")
    stories = [[P1, P2], [P3, P4], [P2 + " More.", P4 + " More."]]
    counts = LineCounts(min_docs=3, min_share=0.5)
    pages = [_page("Site", MENU, *story, footer, "Back to top") for story in stories]
    for page in pages:
        counts.add("bridge.example", page.split("\n"))
    common = counts.common("bridge.example")
    assert norm(footer) in common and norm(P1) not in common
    lines = segment(pages[0])
    labels = classify(lines, common=common)
    kept = [l.text for l, lab in zip(lines, labels) if lab is None]
    assert kept == [P1, P2]
    assert any(lab is not None and lab.rule == "context.crossdoc" for lab in labels)
    # Without the counts the footer paragraph reads as prose and stays: the signal is what removes it.
    assert footer in [l.text for l, lab in zip(lines, classify(lines)) if lab is None]


def test_a_recurring_sentence_inside_the_story_stays():
    """Recall first: a story line that happens to recur on other pages is not removed for it."""
    from cleaner.crossdoc import LineCounts

    counts = LineCounts(min_docs=3, min_share=0.5)
    for _ in range(3):
        counts.add("bridge.example", ["He did not reply."])
    lines = segment(_page("Site", MENU, P1, "He did not reply.", P2, MENU))
    kept = [l.text for l, lab in zip(lines, classify(lines, common=counts.common("bridge.example"))) if lab is None]
    assert kept == [P1, "He did not reply.", P2]


def test_a_page_with_no_story_shaped_stretch_keeps_its_lines_and_cleans_idempotently():
    """When nothing reads as story, context removes nothing (the rules still do), so cleaning the
    result again changes nothing."""
    lines = ["Opening times for the museum: from 9:00 in the morning to 17:00",
             "Tickets for adults 12 euros, for children under twelve 6 euros"]
    once = _clean(_page("Title", *lines, "Share on Facebook"))
    assert once.text.split("\n\n") == lines
    again = clean_article(Article(id="t", source=Source("t.txt", "0" * 64), raw=once.text, title=once.title))
    assert again.text == once.text


def test_position_mode_none_gives_no_position_labels_and_keeps_the_content_ones():
    """HTML blocks come from a region the markup chose: the caller says position passes do not
    apply, and classify leaves those lines unlabelled instead of the caller undoing them."""
    text = _page("Site name", MENU, "Bridge to close for repairs", P1, "Advertisement", P2, P3, P4, MENU)
    lines = segment(text)
    every = classify(lines)
    none = classify(lines, position="none")
    positional = [i for i, lab in enumerate(every) if lab and lab.rule.startswith("context.")]
    assert positional and all(none[i] is None for i in positional)
    assert [lab for lab in none if lab is not None] == [lab for lab in every if lab and not lab.rule.startswith("context.")]
    ad = next(i for i, line in enumerate(lines) if line.text == "Advertisement")
    assert none[ad] is not None and none[ad].category == "ad"


def test_position_mode_not_sentences_keeps_the_sentences_a_position_would_remove():
    text = _page("Site name", MENU, P1, P2, MENU, "The bridge had been closed once before, in 1998.")
    lines = segment(text)
    every = classify(lines)
    short = classify(lines, position="not_sentences")
    assert every[-1] is not None and every[-1].rule.startswith("context.") and short[-1] is None
    fragments = [i for i, lab in enumerate(every) if lab and lab.rule.startswith("context.") and i != len(lines) - 1]
    assert fragments and all(short[i] == every[i] for i in fragments)  # menu items: not sentences


def test_an_unknown_position_mode_is_refused():
    import pytest

    with pytest.raises(ValueError, match="position must be one of"):
        classify(segment(P1), position="html")


def test_a_colon_heading_closing_the_text_is_removed_and_a_longer_colon_line_is_kept():
    # "Mehr Themen:" / "See more photos:" head a list or gallery the text does not hold; a sentence
    # that introduces an embed ("… by the campaign:") is the story's and stays.
    a = _clean("\n\n".join(["Bridge to close for repairs", P1, P2, P3, P4, "Mehr Themen:"]))
    assert [(r.text, r.rule) for r in a.removals if r.rule == "context.tail"] == [("Mehr Themen:", "context.tail")]
    intro = "Residents on social media seemed divided by the plan:"
    b = _clean("\n\n".join(["Bridge to close for repairs", P1, P2, P3, P4, intro]))
    assert intro in b.text


def test_date_lines_around_the_story_are_timestamps_in_many_languages():
    dates = ["Donnerstag, 31. Mai 2012", "Publicado el 3 de mayo de 2022 a las 10:45", "2020年8月29日 14:30",
             "Aktualisiert am 17.01.2021."]
    a = _clean("\n\n".join(["Bridge to close for repairs", dates[0], P1, P2, P3, P4, *dates[1:]]))
    assert sorted(r.text for r in a.removals if r.rule == "timestamp.date_line") == sorted(dates)
    # A sentence that starts with a date is the story's.
    s = "Am 31. Mai 2012 begann der Streik der Fährleute, der drei Wochen dauerte und den Hafen lahmlegte."
    b = _clean("\n\n".join(["Bridge to close for repairs", P1, s, P2, P3, P4]))
    assert s in b.text


def test_a_whole_line_phrase_inside_the_story_is_named_though_an_outside_only_pattern_matched_it_first():
    # handwerksblatt.de: "(Alle Angaben ohne Gewähr)" under a table in the story. The disclaimer
    # pattern (a disclaiming phrase and whose words) holds only outside the story; the phrase is
    # the lexicon's whole line and holds anywhere.
    a = _clean("\n\n".join(["Bridge to close for repairs", P1, P2, "(Alle Angaben ohne Gewähr)", P3, P4]))
    assert [(r.text, r.rule) for r in a.removals if r.category == "disclaimer"] == [
        ("(Alle Angaben ohne Gewähr)", "lexicon.disclaimer")]
    for p in (P1, P2, P3, P4):
        assert p in a.text


def test_a_lede_above_the_byline_and_share_bar_joins_the_story():
    """pcmag.com, auto-motor.at as page text: headline, standfirst, byline, date, a share bar of
    button labels, then the story. The header's lines cut the standfirst off from the stretch of
    story below it; a paragraph right above such a header is the story's lede."""
    lede = ("We're about to get twenty terabyte hard drives, but the path now looks clear to scale all the "
            "way up to eighty terabytes.")
    text = _page("Site name", MENU, "Next-gen platters promise 80TB hard drives", lede, "By Matthew Humphries",
                 "February 7, 2020", "* Facebook", "* Twitter", "* Flipboard", "Share", "* Email", "Comments",
                 P1, P2, P3, P4)
    a = _clean(text)
    assert lede in a.text
    for p in (P1, P2, P3, P4):
        assert p in a.text


def test_a_sentence_above_a_menu_does_not_join_the_story():
    """The header the lede may reach over is a byline, a date, a share bar; a menu between a
    sentence and the story ends the search (the sentence is the site's tagline, a teaser)."""
    tagline = "Bird flies. Fish swims. I write about the city and its people every single day of the week."
    text = _page("Site name", tagline, MENU, "Bridge to close for repairs", "By Jane Doe", P1, P2, P3, P4)
    a = _clean(text)
    assert tagline not in a.text
    assert P1 in a.text


@pytest.mark.parametrize("line, category", [
    ("Filed under", "tags"), ("Markiert mit", "tags"), ("Classé dans :", "tags"),
    ("Quelle:", "credit"), ("Źródło:", "credit"), ("Fuentes", "credit"),
    ("Einen Missbrauch melden", "comments"), ("Comentar este artículo", "comments"),
    ("Neueste Beiträge", "related"), ("Articles récents", "related"), ("Najnowsze wpisy", "related"),
    ("Teile diesen Beitrag", "social"), ("Rezept drucken", "navigation"),
])
def test_page_furniture_labels_in_the_lexicons_languages(line, category):
    """A tag, source, comment, recent-posts, share or print label on a line of its own, in the
    languages of the lexicon: the same few words on every site of a language."""
    a = _clean(_page("Bridge to close for repairs", P1, P2, line, P3, P4))
    assert line not in a.text.split("\n\n")
    assert [r.category for r in a.removals if r.text == line] == [category]
    for p in (P1, P2, P3, P4):
        assert p in a.text
