"""The rule table: every line-level boilerplate rule, as data.

Each `Rule` (`cleaner.match`) has a stable `id` (what `Removal.rule` stores), a `category`, a regular
expression or a phrase group, an `example` it must match and a `counter` it must not; one
parametrized test walks the table. The phrase groups live in `cleaner/data/lexicons/boilerplate.json`
(`cleaner.lexicon`) and take their place in the table by id; the matching engine is `cleaner.match`.

Guards keep rules off story sentences: `max_words` makes a rule fire only on short lines (a
"Related Articles" heading, not a paragraph that mentions related articles), and `where` limits a
rule to the lines outside the article's run of paragraphs (see `cleaner.classify`). A rule that
could fire on a sentence of the story needs one or both. Losing a body sentence is worse than
leaking a caption.
"""
from __future__ import annotations

import re

from cleaner import lexicon
from cleaner.html.markup import html_rules
from cleaner.match import ANYWHERE, OUTSIDE, Matcher, Rule, phrase_key, phrase_rule, trie_pattern

__all__ = ["ANYWHERE", "OUTSIDE", "RULES", "RULES_BY_ID", "RULES_VERSION", "CONTEXT_RULES", "Rule",
           "first_match", "listing", "phrase_key", "phrase_match", "rules_for"]

#: Bump when a rule is added, removed or changed: it goes into the manifest.
RULES_VERSION = "2026.12.16"

_GROUPS = {g.id: g for g in lexicon.line_groups()}
_PLACED: set[str] = set()


def _phrases(group_id: str) -> Rule:
    """The rule made of one phrase group of the lexicon file, at this place in the table."""
    g = _GROUPS[group_id]
    _PLACED.add(group_id)
    langs = ", ".join(sorted({*g.phrases, *g.blocks}))
    return phrase_rule(g.id, g.category, g.all_phrases(), g.example, g.counter,
                       seen=f"{g.seen} (cleaner/data/lexicons/boilerplate.json: {langs})")


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def _alt(words: tuple[str, ...] | list[str]) -> str:
    """One alternation of lexicon words, each a whole word ("abonn*": any ending), longest first.
    Words in scripts written without spaces (Chinese, Japanese, Korean) match inside a run of text.

    >>> bool(re.search(_alt(["subscri*", "app"]), "Subscribers get the app")), bool(re.search(_alt(["app"]), "happy"))
    (True, False)
    """
    if not words:
        raise ValueError("a word list must not be empty")
    parts = []
    for w in sorted(set(words), key=len, reverse=True):
        stem = w.rstrip("*")
        body = re.escape(stem).replace(r"\ ", r"\s+") + (r"\w*" if w.endswith("*") else "")
        parts.append(body if _CJK.search(stem) else rf"(?<!\w){body}" + ("" if w.endswith("*") else r"(?!\w)"))
    return "(?:" + "|".join(parts) + ")"


def _trie_alt(words: tuple[str, ...] | list[str]) -> str:
    """`_alt`'s matches, its alternation factored by common prefix (`trie_pattern`): for a list of
    hundreds of words tried at every position of a line, where `_alt` tries each word in turn.

    >>> rx = re.compile(_trie_alt(["mar", "march", "márc*", "年"]), re.I)
    >>> [bool(rx.fullmatch(w)) for w in ("Mar", "March", "Márciusi", "年", "Marc", "smart")]
    [True, True, True, True, False, False]
    """
    words = sorted(set(words))
    cjk = [w for w in words if _CJK.search(w)]
    whole = [w for w in words if not w.endswith("*") and w not in cjk]
    stems = [w.rstrip("*") for w in words if w.endswith("*") and w not in cjk]
    parts = []
    if whole:
        parts.append(rf"(?<!\w){_spaced(trie_pattern([w.lower() for w in whole]))}(?!\w)")
    if stems:
        parts.append(rf"(?<!\w){_spaced(trie_pattern([w.lower() for w in stems]))}\w*")
    if cjk:
        parts.append(trie_pattern(cjk))
    if not parts:
        raise ValueError("a word list must not be empty")
    return "(?:" + "|".join(parts) + ")"


def _spaced(pattern: str) -> str:
    """A trie pattern whose literal spaces match any run of white space, as `_alt`'s do."""
    return pattern.replace(r"\ ", r"\s+")


def _holding(*parts: str, span: tuple[int, int]) -> str:
    """A whole line of `span` characters (least, most) holding a match of each of `parts`, in any
    order: what a shape rule made of two word lists ("a call and what it asks for") matches.

    >>> bool(re.match(_holding("subscribe", "app", span=(4, 300)), "Get the app and subscribe"))
    True
    """
    return "^" + "".join(f"(?=.*?{p})" for p in parts) + f".{{{span[0]},{span[1]}}}$"


def _clause(words: tuple[str, ...]) -> str:
    """`words` opening a clause (the line's start, or after a sentence mark or a comma): where an
    imperative stands. "Síguenos en Telegram" and "…, please subscribe" open one; "Police follow
    leads from Telegram" does not."""
    return rf"(?:^|[.!?¿¡:;,。！？，]\s*)[\W_]*{_alt(words)}"


def _needs(words: tuple[str, ...]) -> tuple[str, ...]:
    """The lower-case strings of which a line must hold one for `words` to match (the fast gate)."""
    return tuple(sorted({w.rstrip("*").lower() for w in words}))


#: What separates a teaser's cue from its headline.
_TEASER_MARKS = ":：|»>›]】"


def _teaser(group_id: str) -> Rule:
    """A teaser line opened by one of a prefix group's phrases: "Lea más: <headline>", "【関連記事】…".

    The separator (a colon, a bar, a guillemet, a closing bracket) is required: without it the
    phrase may open a story sentence ("Lea también el informe…").
    """
    g = _GROUPS[group_id]
    return Rule(f"{group_id}_teaser", g.category,
                rf"^[\W_]*{_alt(g.all_phrases())}\s*[{re.escape(_TEASER_MARKS)}]+\s*\S.{{0,250}}$",
                example=f"{g.example}: Bahn streicht im Winter die Nachtzüge nach Hamburg", counter=g.counter, max_words=40,
                seen="read-also teasers between paragraphs, in the languages of cleaner/data/lexicons/boilerplate.json",
                needs=tuple(_TEASER_MARKS))


# Wire agencies and picture desks that sign photos. Used inside credit patterns.
_AGENCY = (r"(?:AP|AFP|Reuters|Getty(?:\s+Images)?|EPA(?:-EFE)?|EFE|Xinhua|Sputnik|Bloomberg|Anadolu(?:\s+Agency)?"
           r"|NurPhoto|SOPA\s+Images|LightRocket|Shutterstock|Pool|Alamy|dpa|ANSA|Kyodo|Yonhap|TASS|PA(?:\s+Wire)?"
           r"|Zuma(?:\s+Press)?|Imago|IANS|PTI|ANI|AAP|CNS|Handout|Courtesy)")
_DAYS_MONTHS = (r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|"
                r"June|July|August|September|October|November|December|Then|Now|The|This|That|Late|Early|Noon|Midnight)")
# A personal name: capitalised words, initials, particles (van, de, bin), hyphens and apostrophes.
_NAME = r"(?:[A-Z][\w'’.-]*|(?:van|von|de|da|del|der|di|du|la|le|bin|al|el)\b)(?:\s+(?:[A-Z][\w'’.-]*|(?:van|von|de|da|del|der|di|du|la|le|bin|al|el)\b)){0,4}"

# Picture agencies and desks that sign photos, as a credit line names them ("Judy Eddy/WENN.com").
_AGENCIES = (r"(?:AP|AFP|Reuters|REUTERS|Getty(?:\s+Images)?|EPA(?:-EFE)?|EFE|Xinhua|Sputnik|Bloomberg|Anadolu|dpa|DPA|ANSA|Kyodo|Yonhap"
             r"|TASS|ТАСС|PA(?:\s+Wire)?|Imago|IMAGO|IANS|PTI|ANI|AAP|WENN(?:\.com)?|PAP|ANP|Belga|BELGA|APA|Keystone|KEYSTONE|Ritzau"
             r"|NTB|Lusa|LUSA|Europa\s+Press|Agencia\s+\w+|Jiji|WAM|SPA|IRNA|Bernama|Antara|ANTARA|RIA\s+Novosti|Interfax|picture\s+alliance"
             r"|Bestimage|Abaca|ABACA|SIPA|Sipa|Maxppp|MAXPPP|LaPresse|Shutterstock|Alamy|NurPhoto|ZUMA(?:\s+Press)?|Zuma|Pool|POOL)")
# A photographer as credited: capitalised words or initials ("MARCO BERTORELLO", "Judy Eddy", "J. Smith").
_CREDIT_NAME = r"[A-ZÀ-ÖØ-Þ][\w'’.-]*(?:\s+[A-ZÀ-ÖØ-Þ][\w'’.-]*){0,3}"
# A person's name opening an author bio: two to four capitalised words, particles allowed (Latin or Cyrillic).
_BIO_NAME = (r"[A-ZÀ-ÖØ-ÞĀ-ŽА-ЯЁ][\w'’.-]+(?:\s+(?:[A-ZÀ-ÖØ-ÞĀ-ŽА-ЯЁ][\w'’.-]+|van|von|de|da|del|der|di|du|la|le|dos|das|bin|al|el)){1,3}")

# "Name on September 12, 2018 at 4:47 pm said:": who wrote a comment and when, to the minute.
_COMMENT_WHEN = (r"^{marker}[^.!?:]{{1,60}}?\s+(?:on\s+)?(?:\w+\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+\w+,?\s+\d{{4}}"
                 r"|\d{{1,4}}[-./]\d{{1,2}}[-./]\d{{1,4}})\s*(?:at|,|-)?\s*\d{{1,2}}[:.]\d{{2}}\s*(?:[ap]\.?m\.?)?{verb}\s*:?$")

def _date_line() -> str:
    """A line that is a date and nothing else, in any of the lexicon's languages: month and weekday
    names, numbers, times, time zones, the words that label a date ("Aktualisiert am", "Publicado
    el") and separators. It must hold a month or weekday name, a full numeric date or a time, so a
    bare number or a score is not a date.

    >>> rx = re.compile(_date_line(), re.I)
    >>> [bool(rx.match(s)) for s in ("Donnerstag, 31. Mai 2012", "Aktualisiert am 17.01.2021.",
    ...  "Publicado el 3 de mayo de 2022 a las 10:45", "2020年8月29日 14:30", "12 listopada 2021 r.",
    ...  "Mai 68: la révolte", "2019", "3 - 1")]
    [True, True, True, True, True, False, False, False]
    """
    names = _trie_alt(lexicon.words("date_names"))
    labels = _trie_alt(lexicon.words("date_labels"))
    zone = r"(?<!\w)(?:[ap]\.?\s?m\.?|gmt|utc|cet|cest|est|edt|pst|pdt|bst|wib|msk|h|r)(?!\w)\.?"
    number = r"\d{1,4}(?:st|nd|rd|th|er|e|º|ª)?(?!(?!" + _CJK.pattern + r")[^\W\d_])"  # "2020年" is a number
    sep = r"[\s,.:;|/\-–—·•()\[\]]*"
    anchor = rf"(?=.*?(?:{names}|\d{{1,4}}[./-]\d{{1,2}}[./-]\d{{1,4}}|\d{{1,2}}[:h]\d{{2}}))"
    return rf"^{anchor}{sep}(?:(?:{names}|{number}|{zone}|{labels}){sep})+$"


RULES: tuple[Rule, ...] = (
    # ── credits: who took the picture ───────────────────────────────────────────────────────────
    Rule("credit.photo_by", "credit", r"^(?:(?:\(\s*(?:photo|image|picture|video|foto)s?\s+(?:by|courtesy\s+of|credit)\b[^()]{1,120}\)|(?:photo|image|picture|video|foto)s?\s+(?:by|courtesy\s+of)\s+[^,;()]{1,80})\s*)+$",
         example="(Photo by Noel Celis / AFP) (Photo by NOEL CELIS/AFP via Getty Images)",
         counter="Photo by photo, the exhibition retraces the war in the east of the country.", max_words=30,
         seen="AFP captions on aggregator sites, the credit alone on its line"),
    Rule("credit.label", "credit", r"^(?:photo|image|picture|photograph|foto|credit|photo\s+credit|image\s+credit|image\s+source|source|illustration"
         r"|cr[ée]dits?(?:\s+photos?)?|bild(?:quelle)?|fotograf[íi]a|zdj[eę]cie|фото|quelle|fuente|fonte|źródło|источник|bron|kaynak|sumber"
         r"|写真|图片来源|圖片來源|사진|صورة)s?\s*[:：|]\s*\S",
         example="Photo: Efrem Lukatsky/AP", counter="Source of the leak: a senior official, the paper said.", max_words=10,
         seen="credit lines under images"),
    Rule("credit.parenthetical", "credit", rf"^(?:\((?:[^()]*(?:/\s*{_AGENCY}|{_AGENCY}\s+Photo|via\s+Getty|Photo|Foto|Credit)[^()]*)\)\s*)+$",
         example="(AP Photo/Efrem Lukatsky)", counter="(The talks resumed on Monday.)", max_words=25,
         seen="credit left on its own line after the caption was split off"),
    Rule("credit.trailing", "credit", r"^[^!?]{0,60}?\b(?:submitted|contributed|courtesy|file|staff|handout|provided)\s+(?:photo|image|picture|graphic)s?\.?$",
         example="Ryan S. Hollman Submitted photo", counter="The family provided photos of the missing dog to the police on Monday.",
         max_words=10, seen="local news: the photographer's name and a credit under the picture",
         needs=("photo", "image", "picture", "graphic")),
    _phrases("credit.agency_alone"),
    Rule("credit.stock_photo", "credit", r"^(?:wire|file|stock|handout|staff|pool|representational|representative|archive|illustrative)\s+(?:photo|image|picture|pic|photograph)s?\b.{0,60}$",
         example="wire photo", counter="File photos of the suspect were shared with police across the state.", max_words=8,
         seen="seed 003: 'wire photo' where an image was"),
    Rule("credit.agency_slash", "credit",
         rf"^(?-i:(?:{_CREDIT_NAME}|[a-z]{{2,4}})\s*/\s*{_AGENCIES}|{_AGENCIES}\s*/\s*(?:{_CREDIT_NAME}|{_AGENCIES}))(?:\s*/\s*{_AGENCIES})?\s*$",
         example="AFP / MARCO BERTORELLO", counter="Reuters/Ipsos polls show support falling.", max_words=8,
         seen="picture-agency credit on its own line: 'Photographer/Agency', 'AGENCY / NAME', 'aja/PAP'", needs=("/",)),
    # ── captions ───────────────────────────────────────────────────────────────────────────────
    Rule("caption.ends_with_credit", "caption",
         rf"(?:\(\s*(?:AP|AFP|Reuters)?\s*(?:Photo|Photos|Foto|Image|Picture)\b[^()]*\)|\([^()]*/\s*{_AGENCY}[^()]*\)|via\s+Getty\s+Images\)?|Photo\s+credit\s+should\s+read\b[^()]*\)?|\(Photo:[^()]*\)|\b(?:REUTERS|AFP|EPA|AP)/[A-Z][\w .'-]+)\s*\(?\s*$",
         example="A man reacts inside a vehicle damaged by shelling, in Brovary, Ukraine, Tuesday, March 1, 2022. (AP Photo/Efrem Lukatsky)",
         counter="The agency said the photo (released on Monday) showed the damage.",
         seen="seeds 000 and 003: AFP/Getty and AP captions", needs=("photo", "foto", "image", "picture", "/", "getty")),
    Rule("caption.ends_with_copyright", "caption", r"^[^©]{10,300}?[.!?]\s*(?:©|\(c\))\s*[^©.!?]{2,60}$",
         example="Marco Odermatt, Ski-Star aus der Schweiz. © AFP / MARCO BERTORELLO",
         counter="The logo ends in a ©, the designer said, because the firm insisted.", max_words=70,
         seen="a caption's sentence and its picture's copyright holder on one line, in any language", needs=("©", "(c)")),
    Rule("caption.credit_label", "caption", r"^\s*\S.{10,}?[\s.]+(?:credit|photo|picture|image|foto)s?\s*:\s*[^:.!?]{2,60}$",
         example="Beijing Chaoyang Hospital in Beijing, China, where infected people sought treatment Credit: EPA",
         counter="The committee gave him credit: he had warned them about the bridge a year before it fell.", max_words=70,
         seen="UK tabloid captions, 'Credit: Getty - Contributor'", needs=("credit", "photo", "picture", "image", "foto")),
    Rule("caption.label_prefix", "caption", r"^(?:image|photo|picture|video|media|gallery)\s+caption\b\s*:?\s*\S.{0,300}$|^(?:image|photo|picture|video|media|gallery)\s+(?:copyright|source|credit)\b(?!.*[.!?]$)\s*:?\s*\S.{0,80}$",
         example="Image caption Scooter Braun has managed Justin Bieber, among others, throughout his career",
         counter="Image copyright law was the subject of the hearing, the judge said.", max_words=60,
         seen="BBC-style page text: 'Image caption …', 'Image copyright …' before each picture's text",
         needs=("caption", "copyright", "source", "credit")),
    Rule("caption.figure_label", "caption",
         rf"^{_alt(lexicon.words('figure_labels'))}\s*(?:\d{{1,3}}[a-z]?(?:[.-]\d{{1,2}})?)?\s*[:：|–—]\s*\S"
         rf"|^{_alt(lexicon.words('picture_words'))}\s*\d{{1,3}}[a-z]?\s*[:：|–—]\s*\S",
         example="Abbildung 4: klassische Schwachschicht unter der Schneedecke.",
         counter="Figure skating was the first sport to sell out, the organisers said.", max_words=80,
         seen="a figure's caption opened by its label, in the lexicon's languages (figure_labels, picture_words)"),
    Rule("caption.photo_cue", "caption",
         r"^(?:in\s+(?:this|a|the)\s+(?:file\s+)?(?:photo|image|picture|handout|video\s+grab|screen\s*grab|undated)\b|(?:this|the)\s+(?:file\s+)?(?:photo|image|picture)\s+(?:shows|taken|released|provided)\b|a\s+(?:picture|photo|photograph|handout)\s+(?:shows|taken|released)\b|file\s*(?:photo)?\s*[-–—:]|pictured\s*:|photo\s+shows\b)",
         example="In this photo released by Xinhua News Agency, Yang Jiechi meets Jake Sullivan in Rome.",
         counter="In this town, the photographer said, nobody sleeps.", max_words=120,
         seen="seed 004: caption in an image's alt text; wire captions"),
    # ── bylines and credits for the text ───────────────────────────────────────────────────────
    Rule("byline.by", "byline", rf"^(?:written\s+)?by\s*:?\s+(?!{_DAYS_MONTHS}\b){_NAME}(?:\s*(?:,|&|\band\b)\s*{_NAME})*(?:\s*[,|–—-]\s*(?:[A-Z][\w'’.&-]*\s*){{1,5}})?\.?$",
         example="By Hwang Chun-mei and Rita Cheng", counter="By Monday, the talks had collapsed.", max_words=16,
         seen="seed 004"),
    Rule("byline.credit", "byline",
         r"^(?:(?:translated|edited|written|reported|compiled|produced|updated|fact[- ]checked|illustrated)(?:\s*(?:,|and|&)\s*(?:translated|edited|written|reported|compiled|produced|updated))*\s+by|(?:additional\s+)?(?:reporting|editing|writing|research)\s+by|with\s+reporting\s+(?:from|by))\s+\S.{0,150}$",
         example="Translated and edited by Luisetta Mudie.", counter="Edited footage shows the convoy moving north.", max_words=30,
         seen="seed 004 (RFA); Reuters 'Reporting by … ; Editing by …'"),
    Rule("byline.posted_by", "byline", r"^(?:posted|published|written)\s+by\s*:?\s+[^.!?]{2,60}?(?:\s+(?:on|at|in)\s+[^!?]{4,60})?$",
         example="Posted by Michael David Smith on November 19, 2019, 6:21 AM EST", counter="Posted by the embassy, the letter reached him late.",
         max_words=18, seen="blog and news post meta under the headline", needs=("by",)),
    Rule("byline.contributed", "byline", r"(?:contributed\s+(?:reporting|to\s+this\s+(?:report|story|article))|\b(?:writers?|reporters?|correspondents?|staff|journalists?)\b[^.]{0,120}\bcontributed)\.?$",
         example="Associated Press writer Ken Moritsugu in Beijing contributed to this report.",
         counter="Rain contributed.", max_words=30, where=OUTSIDE, seen="AP tail lines", needs=("contributed",)),
    # ── author bios: who wrote it, after the story ─────────────────────────────────────────────
    Rule("author_bio.shape", "author_bio",
         rf"^(?-i:{_BIO_NAME}),?\s+(?:{_alt(lexicon.words('bio_links'))}\s+(?:[\w'’-]+\s+){{0,4}}?{_alt(lexicon.words('bio_roles'))}"
         rf"|{_alt(lexicon.words('bio_verbs'))})(?!\w).{{0,400}}$",
         example="Maria Lopez covers courts and crime for the Herald.",
         counter="Maria Lopez is a nurse at the city hospital, where the wounded were taken.", max_words=60, where=OUTSIDE,
         seen="author bios after the last paragraph: a person's name, then is a reporter / covers / writes about",
         needs=_needs(lexicon.words("bio_roles") + lexicon.words("bio_verbs"))),
    # ── ads and paid content ───────────────────────────────────────────────────────────────────
    _phrases("ad.adblock_heading"),
    Rule("ad.adblock", "ad", r"\bad\s*-?\s*block(?:er|ing)?\b.*\b(?:detected|disable|disabling|whitelist|turn\s+off|pause|support)|\b(?:adblock|ad\s*blocker)\s+detected\b|\bdisabl\w*\s+(?:your\s+)?ad\s*-?\s*block",
         example="Please consider supporting us by disabling your ad blocker", counter="Sales of ad blockers rose last year, the report found.", max_words=40,
         seen="seed 000", needs=("block",)),
    _phrases("ad.label"),
    Rule("ad.disclosure", "ad",
         r"\baffiliate[\s-]*links?\b|\b(?:partner|provisions)[\s-]*links?\b|\benlaces?\s+(?:de\s+)?afiliad|\bliens?\s+(?:d[’']\s*)?affili"
         r"|\blinks?\s+(?:di\s+)?affiliazion|\blinks?\s+(?:de\s+)?afiliad|\blink\w*\s+afiliacyjn|\baffiliatelinks?\b"
         r"|\b(?:beitrag|artikel|post|video)\s+enthält\s+(?:unbezahlte\s+)?(?:werbung|affiliate|anzeigen)"
         r"|\bthis\s+(?:post|article|video|page)\s+(?:contains|includes|may\s+contain)\s+(?:affiliate|sponsored|advertising|paid)"
         r"|\bthis\s+(?:post|article|video)\s+(?:is|was)\s+sponsored\b",
         example="*Werbung. Dieser Beitrag enthält Werbung für MYMARINI.",
         counter="Sales through links on social media rose by a third, the retailers' association said.", max_words=50,
         where=OUTSIDE, needs=("affiliat", "afiliad", "affili", "afiliacyjn", "partner", "provision", "enthält", "contain", "include", "sponsored"),
         seen="advertising and affiliate-link disclosures at the top or foot of blog posts and product reviews"),
    # ── navigation, related links, promos ──────────────────────────────────────────────────────
    Rule("navigation.read_more", "navigation", r"^(?:read\s+(?:more|the\s+full\s+(?:story|article))|continue\s+reading|click\s+here\s+to\s+read|full\s+story)\b.{0,80}$",
         example="Read More From Original Article Here:", counter="Read more carefully, the judge told the lawyers, and you will see.",
         max_words=10, seen="seed 000"),
    _phrases("navigation.label"),
    Rule("navigation.counter", "navigation", r"^[\W_]*(?:(?:image|photo|slide|picture|page)s?\s+)?\d{1,3}\s*(?:-\s*\d{1,3}\s+)?(?:of|/)\s*\d{1,4}[\W_]*$|^[\W_]*(?:next|prev|previous)\W+(?:next|prev|previous)[\W_]*$|^[\W_]*(?:see|view)\s+(?:full|all|the)\s+(?:gallery|photos|slideshow)[\W_]*$",
         example="1 - 5 of 36", counter="1 of 3 voters said no.", max_words=6, seen="gallery and pager chrome"),
    _phrases("related.label"),
    Rule("related.heading", "related",
         r"^[\W_]*(?:most\s+(?:read|popular|viewed|shared|watched|commented|recent)|more\s+(?:in|from|on|about|of)\s|more\s+(?:stories|news|articles|videos?|headlines|coverage)\b|(?:top|latest|trending|popular|related|recommended|featured)\s+(?:stories|news|articles|posts|videos?|headlines)\b|you\s+(?:may|might)\s+(?:also|have\s+missed)|(?:from|around)\s+the\s+web|elsewhere\s+on|also\s+on\s)(?!.*[.!?]$).{0,60}$",
         example="Most read in world news", counter="More from the hearing will follow.", max_words=8,
         seen="headings over lists of links to other stories"),
    Rule("related.inline", "related", r"^(?:related|read\s+also|also\s+read|see\s+also|read\s+more|more\s+on\s+this|watch|listen|recommended|must\s+read|don'?t\s+miss)\s*[:|»>]\s*\S.{0,200}$",
         example="RELATED: China's top diplomat says ties with Russia are rock solid", counter="Read: the word the judge used, twice.",
         max_words=30, seen="inline promos between paragraphs"),
    _teaser("related.read_also"),
    _teaser("navigation.prev_next"),
    # ── social and sharing ─────────────────────────────────────────────────────────────────────
    _phrases("social.label"),
    Rule("social.follow", "social", r"^(?:follow|like)\s+(?:us|me|\w+)\s+on\s+(?:facebook|twitter|x|instagram|telegram|linkedin|youtube|tiktok|social\s+media)\b",
         example="Follow us on Twitter for the latest news", counter="Follow the money, the investigators said.", max_words=25,
         seen="footers"),
    Rule("social.follow_prompt", "social",
         rf"^(?=.*?{_alt(lexicon.words('platforms'))})(?=.*?{_clause(lexicon.words('follow_calls'))}).{{4,300}}$",
         example="Síguenos en Telegram, Instagram, Facebook y Twitter",
         counter="Police follow leads from Telegram and Facebook posts, the spokesman said.", max_words=30, where=OUTSIDE,
         seen="prompts to follow the site on a platform, in the languages of the news", needs=_needs(lexicon.words("platforms"))),
    # ── comments ───────────────────────────────────────────────────────────────────────────────
    _phrases("comments.label"),
    Rule("comments.count", "comments",
         r"^[\W_]*(?:\d[\d,.]*\s+(?:comments?|responses?|replies|reactions?|thoughts?|kommentare?|comentarios?|commentaires?|comentários?|commenti|commento|комментари\w*|reacties|reactie|yorum(?:lar)?|komentar(?:zy|ze)?)\b(?:\s+(?:to|on)\s*[“\x22'‘«].{0,150})?|(?:top[- ]rated|most\s+(?:liked|recent)|newest|oldest|all|reader|latest)\s+comments?|(?:no|view\s+all|show\s+all|see\s+all|read\s+all)\s+(?:\d+\s+)?comments?|comments?\s*\(\d+\)|(?:コメント|评论|評論|留言|댓글|تعليقات?)\s*[(（]?\s*\d+\s*[)）]?|\d+\s*(?:件のコメント|条评论|條評論|개의\s*댓글|تعليقات?))[\W_]*$",
         example="34 responses to “ Anthony Lynn: “We needed to win this game” ”", counter="34 responses to the survey came from teachers, the union said.",
         max_words=30, seen="comment-section headers on blogs and news sites"),
    Rule("comments.author", "comments", r"^(?:(?:\d{1,3}[.)]|[*+•])\s+[\w.'’@-]+(?:\s+[\w.'’@()-]+){0,3}|[\w.@-]*[\d_@][\w.@-]*)\s+(?:says|said|wrote|writes|replied)\s*:$|^(?:rating|votes?|score)\s*:\s*[-+]?\d+\s*(?:votes?|points?)?$|^(?:reply|permalink)(?:\s*[|·•]\s*(?:reply|report|flag|permalink|like|dislike|share))*$",
         example="2. joetoronto says:", counter="The minister said:", max_words=8,
         seen="comment threads: who wrote, how it was rated, the reply links"),
    Rule("comments.author_dated", "comments",
         _COMMENT_WHEN.format(marker=r"[*+•]\s+", verb=r"(?:\s*(?:says|said|wrote|writes|replied))?")
         + "|" + _COMMENT_WHEN.format(marker="", verb=r"\s*(?:says|said|wrote|writes|replied)"),
         example="* Milan Griffes on September 12, 2018 at 4:47 pm said:", counter="The vote on March 3, 2020 at 4:30 pm decided it.",
         max_words=16, seen="blog comment threads: name, date and time over each comment"),
    # ── widgets ────────────────────────────────────────────────────────────────────────────────
    Rule("comments.prompt", "comments",
         r"\b(?:add\s+your\s+comment|leave\s+a\s+(?:comment|reply)|post\s+a\s+comment|having\s+issues\s+with\s+commenting|comments?\s+(?:are|is)\s+(?:moderated|approved|closed)|comments\s+will\s+not\s+appear|join\s+the\s+(?:conversation|discussion)|view\s+comments|show\s+comments|be\s+the\s+first\s+to\s+comment|you\s+must\s+be\s+logged\s+in\s+to\s+(?:post|comment)|comment\s+policy|commenting\s+(?:guidelines|policy|rules))\b",
         example="Please let us know if you're having issues with commenting.",
         counter="The minister declined to comment on the report.", max_words=90, seen="seeds 003 and 004", needs=("comment", "reply", "conversation", "discussion")),
    Rule("comments.prompt_ml", "comments", _alt(lexicon.words("comment_prompts")),
         example="Para comentar debes registrarte y completar los datos generales.",
         counter="Para comentar la reforma, el ministro convocó a la prensa el lunes.", max_words=40, where=OUTSIDE,
         seen="comment-form prompts, by language", needs=_needs(lexicon.words("comment_prompts"))),
    Rule("widget.chat", "widget", r"\b(?:how\s+can\s+(?:i|we)\s+help(?:\s+you)?(?:\s+today)?\s*\?|chat\s+with\s+us|live\s+chat|start\s+(?:a\s+)?chat|send\s+us\s+a\s+message|we'?re\s+(?:online|offline)|typically\s+replies)",
         example="Hello, I am Adam, how can I help you?", counter="How can I help them, she asked, when the roads are closed?", max_words=20,
         seen="seed 000: chat widget", needs=("help", "chat", "message", "online", "offline", "replies")),
    # ── publisher disclaimers ──────────────────────────────────────────────────────────────────
    Rule("disclaimer.views", "disclaimer",
         r"\b(?:does\s+not\s+(?:always\s+|necessarily\s+)?(?:share|support|endorse|reflect)\s+(?:or\s+(?:support|endorse|share)\s+)?the\s+(?:views|opinions)\s+(?:and\s+opinions\s+)?(?:expressed|of\s+(?:the\s+|its\s+|our\s+)?(?:authors?|writers?|contributors?|columnists?))|views\s+(?:and\s+opinions\s+)?expressed\s+(?:here|herein|in\s+this\s+(?:article|post|piece))|(?:do|does)\s+not\s+necessarily\s+(?:reflect|represent)\s+the\s+(?:views|opinions|position|policy)|is\s+not\s+responsible\s+for\s+the\s+content|opinions\s+expressed\s+(?:here|in\s+this)|for\s+informational\s+purposes\s+only|not\s+(?:intended\s+as\s+)?(?:financial|investment|legal|medical)\s+advice)\b",
         example='" Conservative News Daily does not always share or support the views and opinions expressed here; they are just those of the writer."',
         counter="The president does not share the views of his advisers on tariffs.", max_words=80, seen="seed 000", needs=("views", "opinion", "responsible", "informational", "advice", "reflect", "represent")),
    Rule("disclaimer.views_ml", "disclaimer",
         _holding(_trie_alt(lexicon.words("disclaimer_cues")), _trie_alt(lexicon.words("disclaimer_subjects")), span=(10, 800)),
         example="Der Beitrag gibt die Meinung des Autors wieder, nicht notwendigerweise die der Redaktion.",
         counter="The company said it is not responsible for the spill, but regulators disagreed.", max_words=80, where=OUTSIDE,
         seen="publisher disclaimers under stories: a disclaiming phrase and whose views (the author's, the site's), by language",
         needs=_needs(lexicon.words("disclaimer_cues"))),
    # ── newsletters, cookies ───────────────────────────────────────────────────────────────────
    Rule("newsletter.signup", "newsletter",
         r"\b(?:sign\s+up\s+(?:for|to)\s+(?:our|the|my)\b|subscribe\s+to\s+(?:our|the)\s+(?:\w+\s+)?(?:newsletter|channel|podcast)|newsletters?\b.*\b(?:inbox|sign\s+up|subscribe)|delivered\s+(?:straight\s+)?to\s+your\s+inbox|enter\s+your\s+e-?mail|get\s+(?:our|the)\s+(?:\w+\s+)?newsletter|by\s+(?:signing\s+up|subscribing),?\s+you\s+agree|thank\s+you\s+for\s+subscribing)",
         example="Sign up for our newsletter to get the latest news delivered to your inbox",
         counter="Thousands signed up for the program after the newsletter was published.", max_words=40,
         seen="newsletter boxes", needs=("sign", "subscrib", "newsletter", "inbox", "mail")),
    Rule("promo.prompt", "promo",
         _holding(_trie_alt(lexicon.words("prompt_objects")), _clause(lexicon.words("prompt_calls")), span=(4, 300)),
         example="To view the full story, please subscribe",
         counter="Subscribers to the app rose by a third last year, the company said.", max_words=30, where=OUTSIDE,
         seen="subscription, paywall, newsletter and app prompts near the end of a page: a call and what it asks for",
         needs=_needs(lexicon.words("prompt_objects"))),
    Rule("cookie.notice", "cookie",
         r"\b(?:(?:we|this\s+(?:site|website))\s+uses?\s+cookies|use\s+of\s+cookies|accept\s+(?:all\s+)?cookies|cookie\s+(?:policy|settings|preferences|consent)|by\s+continuing\s+to\s+(?:browse|use)\s+(?:this|our)\s+(?:site|website))\b",
         example="We use cookies to improve your experience. By continuing to use this site, you agree.",
         counter="Cookies were served to the visiting delegation at the embassy.", max_words=60,
         seen="cookie banners", needs=("cookie", "continuing")),
    # ── copyright, tags, timestamps ────────────────────────────────────────────────────────────
    Rule("copyright.notice", "copyright",
         r"^(?:©|\(c\)\s|copyright\s*(?:©|\(c\)|\d{4})|all\s+rights\s+reserved)|\ball\s+rights\s+reserved\b|\bmay\s+not\s+be\s+(?:published|reproduced|broadcast|rewritten|redistributed)\b",
         example="© 2022 Radio Free Asia. All rights reserved.", counter="Copyright lawyers say the ruling will be appealed.", max_words=40,
         seen="footers; AP 'may not be published, broadcast, rewritten or redistributed'", needs=("©", "(c)", "copyright", "rights reserved", "may not be")),
    Rule("tags.label", "tags", rf"^{_alt(lexicon.words('tag_labels'))}\s*(?:[:|：]|$)",
         example="Tags: China, Russia, Ukraine", counter="Topics discussed included trade, they said: it went well.", max_words=40,
         seen="tag and category lists under articles (cleaner/data/lexicons/boilerplate.json: tag_labels)"),
    Rule("tags.permalink", "tags", r"\bpermalink\W*$",
         example="This entry was posted in Allgemein. Bookmark the permalink.",
         counter="The permalink to the court's ruling was shared widely, and the page went down within the hour.",
         max_words=40, where=OUTSIDE, needs=("permalink",),
         seen="blog themes' post footer ('This entry was posted in …', 'Dieser Eintrag wurde … veröffentlicht … Permalink'), which keeps the word in every translation"),
    Rule("timestamp.time_first", "timestamp",
         r"^(?:(?:first\s+|originally\s+)?(?:published|updated|posted|modified)\s*:?\s*(?:on|at)?\s*)?\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?\s*(?:[A-Z]{2,4}\b)?\s*[,|/-]?\s*(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s*)?(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{2,4}|\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+\d{2,4}|\d{1,4}[-./]\d{1,2}[-./]\d{1,4})\s*$",
         example="Published 10:02 AM EST Nov 19, 2019", counter="10:02 AM on Nov 19, 2019 was when the alarm went off.", max_words=10,
         seen="date lines that give the time first"),
    Rule("timestamp.label", "timestamp",
         r"^(?:[*+•·]\s+)?(?:(?:(?:first|originally)\s+published|published|updated|posted|last\s+updated|modified|created|date)\s*(?:on|at)?\s*:?\s*)?(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s*)?(?:\d{1,4}[-./]\d{1,2}[-./]\d{1,4}|\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+\d{2,4}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{2,4}|(?:updated\s+)?(?:\d+|an?)\s*(?:minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|[mhdw])\s+ago)(?:\s*(?:,|at|-|–|\||/)?\s*\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,4}\b)?)?\s*(?:[|/].{0,40})?$",
         example="Published: March 2, 2022 10:30 am EST", counter="March 2, 2022 was the day the city fell.", max_words=12,
         seen="date lines under headlines"),
    Rule("timestamp.reading_time", "timestamp",
         rf"^\W*(?=.*[\d:：])(?:\d+(?:\s*[-–]\s*\d+)?\s*{_alt(lexicon.words('time_units'))}\.?\s*)?{_alt(lexicon.words('reading_labels'))}"
         rf"\s*[:：]?\s*(?:\d+(?:\s*[-–]\s*\d+)?\s*(?:{_alt(lexicon.words('time_units'))}\.?)?)?\W*$",
         example="Lesezeit: 3 Minuten", counter="Reading time: the children's favourite hour, the teacher said.", max_words=8,
         seen="the reading time a page gives under its headline, in the lexicon's languages (reading_labels, time_units)"),
    Rule("timestamp.date_line", "timestamp", _date_line(),
         example="Donnerstag, 31. Mai 2012", counter="Am 31. Mai 2012 begann der Streik.", max_words=12, where=OUTSIDE,
         seen="date lines around a story in the lexicon's languages (cleaner/data/lexicons/boilerplate.json: date_names, date_labels)",
         needs=tuple("0123456789")),
)



#: The groups of the lexicon file not placed above (`lexicon.*`) come after the hand-written rules:
#: a more specific rule names a line first.
RULES = RULES + tuple(_phrases(gid) for gid in _GROUPS if gid not in _PLACED)

RULES_BY_ID: dict[str, Rule] = {r.id: r for r in RULES}

_MATCHER = Matcher(RULES)
first_match = _MATCHER.first_match
phrase_match = _MATCHER.phrase_match
rules_for = _MATCHER.rules_for

# Rules decided by a line's context rather than its words; listed so every rule id a Removal can
# carry can be looked up (`cleaner rules`). Their logic lives in `cleaner.classify`.
CONTEXT_RULES: dict[str, tuple[str, str]] = {
    "meta.title": ("title", "the first non-empty line of a text input is the title"),
    "meta.title_repeat": ("title", "a line repeating the title"),
    "meta.subtitle": ("subtitle", "a standfirst between the title and the body (set off by a wider gap, followed by a byline or a dateline)"),
    "meta.subtitle_description": ("subtitle", "an HTML page's first block when it repeats the page's own description and is a dek, not a paragraph of the story (a paragraph stays in the text and is the subtitle too)"),
    "caption.repeated_pair": ("caption", "two nearby lines sharing a long opening, one a caption: the long-then-short caption pair"),
    "caption.title_prefixed": ("caption", "a line that starts with the title and goes on: an image's alt text and caption"),
    "duplicate.paragraph": ("duplicate_paragraph", "an exact repeat of an earlier line"),
    "duplicate.prefix": ("duplicate_paragraph", "a line whose whole text opens the next line or the one after"),
    "context.footer": ("navigation", "a short line after the last paragraph, once a footer has begun"),
    "context.tail": ("navigation", "a short line ending in a colon that closes the text after its last paragraph: a heading with nothing under it"),
    "context.head": ("navigation", "a short, non-sentence line before the first paragraph"),
    "context.before_core": ("navigation", "a line before the densest stretch of story text (page header, menus)"),
    "context.after_core": ("navigation", "a line after the last stretch of story text (page footer, link lists)"),
    "context.crossdoc": ("boilerplate", "a line outside the story that recurs across many documents of the same site (cleaner.crossdoc)"),
    "context.comments": ("comments", "a line after a comment section's heading, once the story has begun"),
    "context.between_cores": ("navigation", "a line between two stretches of story text that outweighs neither"),
}


def listing() -> list[tuple[str, str, str]]:
    """Every rule id a `Removal` can carry, as (id, category, example or meaning): the table's rules,
    the context rules of `cleaner.classify` and the HTML stage's markers (`cleaner.html.markup`).

    >>> rows = {rid: (cat, ex) for rid, cat, ex in listing()}
    >>> rows["html.aside"], rows["context.footer"][0], rows["navigation.label"][1]
    (('widget', '<aside>'), 'navigation', 'Back to top button')
    """
    rows = [(r.id, r.category, r.example) for r in RULES]
    rows += [(rid, cat, meaning) for rid, (cat, meaning) in CONTEXT_RULES.items()]
    rows += [(rid, cat, example) for rid, (cat, example) in html_rules().items()]
    ids = [r[0] for r in rows]
    if len(set(ids)) != len(ids):
        raise ValueError(f"a rule id is listed twice: {sorted({i for i in ids if ids.count(i) > 1})}")
    return rows
