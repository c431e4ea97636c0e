"""The rule table: every line-level boilerplate rule, as data.

Each `Rule` has a stable `id` (what `Removal.rule` stores), a `category`, a regular expression, an
`example` it must match and a `counter` it must not; one parametrized test walks the table.

Guards keep rules off story sentences: `max_words` makes a rule fire only on short lines (a
"Related Articles" heading, not a paragraph that mentions related articles), and `where` limits a
rule to the lines outside the article's run of paragraphs (see `cleaner.classify`). A rule that
could fire on a sentence of the story needs one or both. Losing a body sentence is worse than
leaking a caption.

Phrase rules match the whole line, compared case-insensitively with surrounding punctuation
ignored, so "Related Articles:" and "RELATED ARTICLES" both match but "Related articles show…"
does not.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cached_property

#: Bump when a rule is added, removed or changed: it goes into the manifest.
RULES_VERSION = "2026.11.6"

ANYWHERE, OUTSIDE = "anywhere", "outside"


@dataclass(frozen=True)
class Rule:
    """One named way to recognise a boilerplate line."""

    id: str
    category: str
    pattern: str
    example: str
    counter: str
    max_words: int | None = None   # fire only on lines with at most this many words
    where: str = ANYWHERE          # ANYWHERE, or OUTSIDE the article's run of paragraphs
    seen: str = ""                 # where the pattern was seen in the wild
    needs: tuple[str, ...] = ()    # lower-case strings of which the line must hold one (a fast gate)
    phrases: frozenset[str] = frozenset()  # lexicon rules: the line's `phrase_key` is one of these

    @cached_property
    def regex(self) -> re.Pattern:
        return re.compile(self.pattern, re.IGNORECASE)

    def matches(self, line: str, n_words: int | None = None, lower: str | None = None, key: str | None = None) -> bool:
        """Whether the line is this rule's kind of boilerplate (the `where` guard is the caller's).

        `needs` is checked first: a pattern that can only match a line holding "cookie" is not run
        over a line without it. Unanchored patterns scan the whole line, so this is most of the speed.

        >>> RULES_BY_ID["ad.adblock"].matches("Adblock Detected")
        True
        """
        if self.max_words is not None:
            if (n_words if n_words is not None else len(line.split())) > self.max_words:
                return False
        if self.phrases:
            return (key if key is not None else phrase_key(line)) in self.phrases
        if self.needs:
            low = lower if lower is not None else line.lower()
            if not any(n in low for n in self.needs):
                return False
        return self.regex.search(line) is not None


_EDGES = re.compile(r"^[\W_]+|[\W_]+$")


def phrase_key(line: str) -> str:
    """A line as a lexicon looks it up: punctuation at either end dropped, spaces collapsed,
    case folded, curly apostrophes straightened (what `whole_line` patterns ignore too).

    >>> phrase_key("  » Related Articles: "), phrase_key("Don’t MISS")
    ('related articles', "don't miss")
    """
    return " ".join(_EDGES.sub("", line).split()).casefold().replace("’", "'")


def whole_line(*phrases: str) -> str:
    """A pattern matching a line that is exactly one of `phrases`, give or take punctuation.

    An empty phrase list would match every line, so it is refused (trafilatura does the same).

    >>> re.search(whole_line("related articles"), "Related Articles:", re.I) is not None
    True
    >>> re.search(whole_line("related articles"), "Related articles show the trend.", re.I) is None
    True
    """
    if not phrases or not all(p.strip() for p in phrases):
        raise ValueError("a phrase group must not be empty")

    alts = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in sorted(phrases, key=len, reverse=True))
    pattern = rf"^[\W_]*(?:{alts})[\W_]*$"
    _WHOLE_LINE[pattern] = phrases
    return pattern


# Phrases behind each `whole_line` pattern: such rules are matched by a key lookup (`phrase_key`),
# which says the same as the pattern at a fraction of the cost.
_WHOLE_LINE: dict[str, tuple[str, ...]] = {}


# Wire agencies and picture desks that sign photos. Used inside credit patterns.
_AGENCY = (r"(?:AP|AFP|Reuters|Getty(?:\s+Images)?|EPA(?:-EFE)?|EFE|Xinhua|Sputnik|Bloomberg|Anadolu(?:\s+Agency)?"
           r"|NurPhoto|SOPA\s+Images|LightRocket|Shutterstock|Pool|Alamy|dpa|ANSA|Kyodo|Yonhap|TASS|PA(?:\s+Wire)?"
           r"|Zuma(?:\s+Press)?|Imago|IANS|PTI|ANI|AAP|CNS|Handout|Courtesy)")
_DAYS_MONTHS = (r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|"
                r"June|July|August|September|October|November|December|Then|Now|The|This|That|Late|Early|Noon|Midnight)")
# A personal name: capitalised words, initials, particles (van, de, bin), hyphens and apostrophes.
_NAME = r"(?:[A-Z][\w'’.-]*|(?:van|von|de|da|del|der|di|du|la|le|bin|al|el)\b)(?:\s+(?:[A-Z][\w'’.-]*|(?:van|von|de|da|del|der|di|du|la|le|bin|al|el)\b)){0,4}"

# "Name on September 12, 2018 at 4:47 pm said:": who wrote a comment and when, to the minute.
_COMMENT_WHEN = (r"^{marker}[^.!?:]{{1,60}}?\s+(?:on\s+)?(?:\w+\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+\w+,?\s+\d{{4}}"
                 r"|\d{{1,4}}[-./]\d{{1,2}}[-./]\d{{1,4}})\s*(?:at|,|-)?\s*\d{{1,2}}[:.]\d{{2}}\s*(?:[ap]\.?m\.?)?{verb}\s*:?$")

RULES: tuple[Rule, ...] = (
    # ── credits: who took the picture ───────────────────────────────────────────────────────────
    Rule("credit.photo_by", "credit", r"^(?:(?:\(\s*(?:photo|image|picture|video|foto)s?\s+(?:by|courtesy\s+of|credit)\b[^()]{1,120}\)|(?:photo|image|picture|video|foto)s?\s+(?:by|courtesy\s+of)\s+[^,;()]{1,80})\s*)+$",
         example="(Photo by Noel Celis / AFP) (Photo by NOEL CELIS/AFP via Getty Images)",
         counter="Photo by photo, the exhibition retraces the war in the east of the country.", max_words=30,
         seen="AFP captions on aggregator sites, the credit alone on its line"),
    Rule("credit.label", "credit", r"^(?:photo|image|picture|photograph|foto|credit|photo\s+credit|image\s+credit|image\s+source|source|illustration)s?\s*[:|]\s*\S",
         example="Photo: Efrem Lukatsky/AP", counter="Source of the leak: a senior official, the paper said.", max_words=10,
         seen="credit lines under images"),
    Rule("credit.parenthetical", "credit", rf"^(?:\((?:[^()]*(?:/\s*{_AGENCY}|{_AGENCY}\s+Photo|via\s+Getty|Photo|Foto|Credit)[^()]*)\)\s*)+$",
         example="(AP Photo/Efrem Lukatsky)", counter="(The talks resumed on Monday.)", max_words=25,
         seen="credit left on its own line after the caption was split off"),
    Rule("credit.trailing", "credit", r"^[^!?]{0,60}?\b(?:submitted|contributed|courtesy|file|staff|handout|provided)\s+(?:photo|image|picture|graphic)s?\.?$",
         example="Ryan S. Hollman Submitted photo", counter="The family provided photos of the missing dog to the police on Monday.",
         max_words=10, seen="local news: the photographer's name and a credit under the picture",
         needs=("photo", "image", "picture", "graphic")),
    Rule("credit.agency_alone", "credit", whole_line(
            "The Associated Press", "Associated Press", "AP", "AP Photo", "Reuters", "AFP", "AFP via Getty Images",
            "Getty Images", "Getty", "EPA", "EPA-EFE", "Xinhua", "Bloomberg", "Shutterstock", "Handout", "Pool Photo",
            "Agence France-Presse", "dpa", "Anadolu Agency", "iStock", "iStockphoto"),
         example="The Associated Press", counter="The Associated Press reported the talks had stalled.",
         seen="seed 000: a stray agency line between paragraphs"),
    Rule("credit.stock_photo", "credit", r"^(?:wire|file|stock|handout|staff|pool|representational|representative|archive|illustrative)\s+(?:photo|image|picture|pic|photograph)s?\b.{0,60}$",
         example="wire photo", counter="File photos of the suspect were shared with police across the state.", max_words=8,
         seen="seed 003: 'wire photo' where an image was"),
    # ── captions ───────────────────────────────────────────────────────────────────────────────
    Rule("caption.ends_with_credit", "caption",
         rf"(?:\(\s*(?:AP|AFP|Reuters)?\s*(?:Photo|Photos|Foto|Image|Picture)\b[^()]*\)|\([^()]*/\s*{_AGENCY}[^()]*\)|via\s+Getty\s+Images\)?|Photo\s+credit\s+should\s+read\b[^()]*\)?|\(Photo:[^()]*\)|\b(?:REUTERS|AFP|EPA|AP)/[A-Z][\w .'-]+)\s*\(?\s*$",
         example="A man reacts inside a vehicle damaged by shelling, in Brovary, Ukraine, Tuesday, March 1, 2022. (AP Photo/Efrem Lukatsky)",
         counter="The agency said the photo (released on Monday) showed the damage.",
         seen="seeds 000 and 003: AFP/Getty and AP captions", needs=("photo", "foto", "image", "picture", "/", "getty")),
    Rule("caption.credit_label", "caption", r"^\s*\S.{10,}?[\s.]+(?:credit|photo|picture|image|foto)s?\s*:\s*[^:.!?]{2,60}$",
         example="Beijing Chaoyang Hospital in Beijing, China, where infected people sought treatment Credit: EPA",
         counter="The committee gave him credit: he had warned them about the bridge a year before it fell.", max_words=70,
         seen="UK tabloid captions, 'Credit: Getty - Contributor'", needs=("credit", "photo", "picture", "image", "foto")),
    Rule("caption.label_prefix", "caption", r"^(?:image|photo|picture|video|media|gallery)\s+caption\b\s*:?\s*\S.{0,300}$|^(?:image|photo|picture|video|media|gallery)\s+(?:copyright|source|credit)\b(?!.*[.!?]$)\s*:?\s*\S.{0,80}$",
         example="Image caption Scooter Braun has managed Justin Bieber, among others, throughout his career",
         counter="Image copyright law was the subject of the hearing, the judge said.", max_words=60,
         seen="BBC-style page text: 'Image caption …', 'Image copyright …' before each picture's text",
         needs=("caption", "copyright", "source", "credit")),
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
    # ── ads and paid content ───────────────────────────────────────────────────────────────────
    Rule("ad.adblock_heading", "ad", whole_line("Adblock Detected", "Ad Blocker Detected", "AdBlock Detected!"),
         example="Adblock Detected", counter="Adblock detected on half the devices, the study says.", seen="seed 000"),
    Rule("ad.adblock", "ad", r"\bad\s*-?\s*block(?:er|ing)?\b.*\b(?:detected|disable|disabling|whitelist|turn\s+off|pause|support)|\b(?:adblock|ad\s*blocker)\s+detected\b|\bdisabl\w*\s+(?:your\s+)?ad\s*-?\s*block",
         example="Please consider supporting us by disabling your ad blocker", counter="Sales of ad blockers rose last year, the report found.", max_words=40,
         seen="seed 000", needs=("block",)),
    Rule("ad.label", "ad", whole_line(
            "Sponsored Content", "Sponsored", "Sponsored Links", "Sponsored Stories", "Advertisement", "Advertisements",
            "Advertising", "Ad", "Ads", "Paid Content", "Paid Post", "Partner Content", "Promoted", "Promoted Content",
            "Promoted Stories", "Story continues below advertisement", "Article continues below advertisement",
            "Continue reading below", "Scroll to continue", "Scroll to continue with content", "Article continues below",
            "Content continues below", "Recommended by", "Ad Feedback", "Report this ad", "Anzeige", "Publicidad", "Publicité",
            "Werbung", "Pubblicità"),
         example="Sponsored Content", counter="Sponsored content is growing fast, advertisers say.", seen="seed 000; common ad slots"),
    # ── navigation, related links, promos ──────────────────────────────────────────────────────
    Rule("navigation.read_more", "navigation", r"^(?:read\s+(?:more|the\s+full\s+(?:story|article))|continue\s+reading|click\s+here\s+to\s+read|full\s+story)\b.{0,80}$",
         example="Read More From Original Article Here:", counter="Read more carefully, the judge told the lawyers, and you will see.",
         max_words=10, seen="seed 000"),
    Rule("navigation.label", "navigation", whole_line(
            "Back to top", "Back to top button", "Top", "Skip to content", "Skip to main content", "Skip to navigation",
            "Menu", "Main menu", "Home", "Search", "Close", "Open", "Toggle navigation", "Next", "Previous", "Next article",
            "Previous article", "Next post", "Previous post", "Next story", "Load more", "Show more", "See more", "View all",
            "More", "Read more", "Read More From Original Article Here", "Continue reading", "Click here", "Go to top",
            "Sign in", "Log in", "Login", "Register", "My account", "Subscribe", "Subscribe now", "Log out", "Sitemap",
            "Contact us", "About us", "Privacy policy", "Terms of use", "Terms of service", "Terms and conditions",
            "Cookie policy", "All rights reserved", "Breadcrumb", "You are here", "Latest news", "Top stories",
            "Watch", "Listen", "Listen to this article", "Print", "Print this article", "Email", "Text size", "Font size",
            "Zurück nach oben", "Volver arriba", "Retour en haut"),
         example="Back to top button", counter="He went back to the top of the hill to watch.", seen="seed 000"),
    Rule("navigation.counter", "navigation", r"^[\W_]*(?:(?:image|photo|slide|picture|page)s?\s+)?\d{1,3}\s*(?:-\s*\d{1,3}\s+)?(?:of|/)\s*\d{1,4}[\W_]*$|^[\W_]*(?:next|prev|previous)\W+(?:next|prev|previous)[\W_]*$|^[\W_]*(?:see|view)\s+(?:full|all|the)\s+(?:gallery|photos|slideshow)[\W_]*$",
         example="1 - 5 of 36", counter="1 of 3 voters said no.", max_words=6, seen="gallery and pager chrome"),
    Rule("related.label", "related", whole_line(
            "Related", "Related Articles", "Related Stories", "Related News", "Related Posts", "Related Content",
            "Related Coverage", "Related Topics", "Related Links", "Related Reading", "More Stories", "More News",
            "More on this story", "More on this topic", "Most Read", "Most Popular", "Most Viewed", "Popular",
            "Trending", "Trending Now", "Recommended", "Recommended for you", "Recommended Stories", "You may also like",
            "You might also like", "You May Have Missed", "Don't Miss", "Also Read", "Also read", "See also",
            "Editor's Picks", "Editors' Picks", "Top Picks", "What to read next", "Read next", "Up next", "In case you missed it",
            "Latest", "Latest Stories", "Lo más leído", "Lire aussi", "Mehr zum Thema", "Leggi anche"),
         example="Related Articles", counter="Related articles were removed from the site after the complaint.", seen="seed 000"),
    Rule("related.heading", "related",
         r"^[\W_]*(?:most\s+(?:read|popular|viewed|shared|watched|commented|recent)|more\s+(?:in|from|on|about|of)\s|more\s+(?:stories|news|articles|videos?|headlines|coverage)\b|(?:top|latest|trending|popular|related|recommended|featured)\s+(?:stories|news|articles|posts|videos?|headlines)\b|you\s+(?:may|might)\s+(?:also|have\s+missed)|(?:from|around)\s+the\s+web|elsewhere\s+on|also\s+on\s)(?!.*[.!?]$).{0,60}$",
         example="Most read in world news", counter="More from the hearing will follow.", max_words=8,
         seen="headings over lists of links to other stories"),
    Rule("related.inline", "related", r"^(?:related|read\s+also|also\s+read|see\s+also|read\s+more|more\s+on\s+this|watch|listen|recommended|must\s+read|don'?t\s+miss)\s*[:|»>]\s*\S.{0,200}$",
         example="RELATED: China's top diplomat says ties with Russia are rock solid", counter="Read: the word the judge used, twice.",
         max_words=30, seen="inline promos between paragraphs"),
    # ── social and sharing ─────────────────────────────────────────────────────────────────────
    Rule("social.label", "social", whole_line(
            "Share", "Share this", "Share this article", "Share this story", "Share this post", "Share on Facebook",
            "Share on Twitter", "Share on X", "Share via Email", "Share on WhatsApp", "Share on LinkedIn", "Tweet",
            "Facebook", "Twitter", "X", "WhatsApp", "LinkedIn", "Pinterest", "Reddit", "Telegram", "Instagram",
            "YouTube", "TikTok", "Copy link", "Copy Link", "Link copied", "Flipboard", "Messenger", "Pocket",
            "Share this page", "Share article", "Teilen", "Compartir", "Partager", "Condividi"),
         example="Share on Facebook", counter="Facebook shares fell 5 percent on Monday after the report.", seen="share bars"),
    Rule("social.follow", "social", r"^(?:follow|like)\s+(?:us|me|\w+)\s+on\s+(?:facebook|twitter|x|instagram|telegram|linkedin|youtube|tiktok|social\s+media)\b",
         example="Follow us on Twitter for the latest news", counter="Follow the money, the investigators said.", max_words=25,
         seen="footers"),
    # ── comments ───────────────────────────────────────────────────────────────────────────────
    Rule("comments.label", "comments", whole_line("Comments", "Comment", "Leave a Reply", "Leave a Comment", "Add a comment",
                                                 "Post a comment", "Discussion", "Reader comments", "Show comments", "Load comments"),
         example="Leave a Reply", counter="Comments from the minister angered the union.", seen="comment forms"),
    Rule("comments.count", "comments",
         r"^[\W_]*(?:\d[\d,.]*\s+(?:comments?|responses?|replies|reactions?|thoughts?)\b(?:\s+(?:to|on)\s*[“\x22'‘«].{0,150})?|(?:top[- ]rated|most\s+(?:liked|recent)|newest|oldest|all|reader|latest)\s+comments?|(?:no|view\s+all|show\s+all|see\s+all|read\s+all)\s+(?:\d+\s+)?comments?|comments?\s*\(\d+\))[\W_]*$",
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
    Rule("widget.chat", "widget", r"\b(?:how\s+can\s+(?:i|we)\s+help(?:\s+you)?(?:\s+today)?\s*\?|chat\s+with\s+us|live\s+chat|start\s+(?:a\s+)?chat|send\s+us\s+a\s+message|we'?re\s+(?:online|offline)|typically\s+replies)",
         example="Hello, I am Adam, how can I help you?", counter="How can I help them, she asked, when the roads are closed?", max_words=20,
         seen="seed 000: chat widget", needs=("help", "chat", "message", "online", "offline", "replies")),
    # ── publisher disclaimers ──────────────────────────────────────────────────────────────────
    Rule("disclaimer.views", "disclaimer",
         r"\b(?:does\s+not\s+(?:always\s+|necessarily\s+)?(?:share|support|endorse|reflect)\s+(?:or\s+(?:support|endorse|share)\s+)?the\s+(?:views|opinions)\s+(?:and\s+opinions\s+)?(?:expressed|of\s+(?:the\s+|its\s+|our\s+)?(?:authors?|writers?|contributors?|columnists?))|views\s+(?:and\s+opinions\s+)?expressed\s+(?:here|herein|in\s+this\s+(?:article|post|piece))|(?:do|does)\s+not\s+necessarily\s+(?:reflect|represent)\s+the\s+(?:views|opinions|position|policy)|is\s+not\s+responsible\s+for\s+the\s+content|opinions\s+expressed\s+(?:here|in\s+this)|for\s+informational\s+purposes\s+only|not\s+(?:intended\s+as\s+)?(?:financial|investment|legal|medical)\s+advice)\b",
         example='" Conservative News Daily does not always share or support the views and opinions expressed here; they are just those of the writer."',
         counter="The president does not share the views of his advisers on tariffs.", max_words=80, seen="seed 000", needs=("views", "opinion", "responsible", "informational", "advice", "reflect", "represent")),
    # ── newsletters, cookies ───────────────────────────────────────────────────────────────────
    Rule("newsletter.signup", "newsletter",
         r"\b(?:sign\s+up\s+(?:for|to)\s+(?:our|the|my)\b|subscribe\s+to\s+(?:our|the)\s+(?:\w+\s+)?(?:newsletter|channel|podcast)|newsletters?\b.*\b(?:inbox|sign\s+up|subscribe)|delivered\s+(?:straight\s+)?to\s+your\s+inbox|enter\s+your\s+e-?mail|get\s+(?:our|the)\s+(?:\w+\s+)?newsletter|by\s+(?:signing\s+up|subscribing),?\s+you\s+agree|thank\s+you\s+for\s+subscribing)",
         example="Sign up for our newsletter to get the latest news delivered to your inbox",
         counter="Thousands signed up for the program after the newsletter was published.", max_words=40,
         seen="newsletter boxes", needs=("sign", "subscrib", "newsletter", "inbox", "mail")),
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
    Rule("tags.label", "tags", r"^(?:tags?|topics?|filed\s+under|categories|category|keywords|themen|etiquetas|mots-clés)\s*[:|]",
         example="Tags: China, Russia, Ukraine", counter="Topics discussed included trade, they said: it went well.", max_words=40,
         seen="tag lists under articles"),
    Rule("timestamp.time_first", "timestamp",
         r"^(?:(?:first\s+|originally\s+)?(?:published|updated|posted|modified)\s*:?\s*(?:on|at)?\s*)?\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?\s*(?:[A-Z]{2,4}\b)?\s*[,|/-]?\s*(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s*)?(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{2,4}|\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+\d{2,4}|\d{1,4}[-./]\d{1,2}[-./]\d{1,4})\s*$",
         example="Published 10:02 AM EST Nov 19, 2019", counter="10:02 AM on Nov 19, 2019 was when the alarm went off.", max_words=10,
         seen="date lines that give the time first"),
    Rule("timestamp.label", "timestamp",
         r"^(?:[*+•·]\s+)?(?:(?:(?:first|originally)\s+published|published|updated|posted|last\s+updated|modified|created|date)\s*(?:on|at)?\s*:?\s*)?(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s*)?(?:\d{1,4}[-./]\d{1,2}[-./]\d{1,4}|\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+\d{2,4}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{2,4}|(?:updated\s+)?(?:\d+|an?)\s*(?:minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|[mhdw])\s+ago)(?:\s*(?:,|at|-|–|\||/)?\s*\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,4}\b)?)?\s*(?:[|/].{0,40})?$",
         example="Published: March 2, 2022 10:30 am EST", counter="March 2, 2022 was the day the city fell.", max_words=12,
         seen="date lines under headlines"),
)



def _lexicon_rules() -> tuple[Rule, ...]:
    """Rules `lexicon.<group>` from `cleaner/data/lexicons/boilerplate.json`: whole-line phrases by
    category and language, kept as data so a phrase is added without touching code."""
    import json
    from importlib.resources import files

    data = json.loads(files("cleaner").joinpath("data/lexicons/boilerplate.json").read_text(encoding="utf-8"))
    rules = []
    for group, spec in data.items():
        if group.startswith("_"):
            continue
        phrases = [p for ps in spec["phrases"].values() for p in ps]
        keys = frozenset(phrase_key(p) for p in phrases)
        if not keys or "" in keys:
            raise ValueError(f"lexicon group {group!r} has an empty phrase")
        rules.append(Rule(f"lexicon.{group}", spec["category"], whole_line(*phrases), example=spec["example"],
                          counter=spec["counter"], max_words=max(len(k.split()) for k in keys),
                          seen=f"cleaner/data/lexicons/boilerplate.json ({', '.join(spec['phrases'])})", phrases=keys))
    return tuple(rules)


#: The lexicons come after the hand-written rules: a more specific rule names a line first.
RULES = tuple(replace(r, phrases=frozenset(phrase_key(p) for p in _WHOLE_LINE[r.pattern]))
              if r.pattern in _WHOLE_LINE and not r.phrases else r for r in RULES + _lexicon_rules())

RULES_BY_ID: dict[str, Rule] = {r.id: r for r in RULES}

# Rules are grouped by the longest line they may match, so a long paragraph is not tried against
# rules that only fire on short lines.
_LONGEST = max(r.max_words or 0 for r in RULES)


def _anchored(pattern: str) -> bool:
    """Whether every top-level alternative of `pattern` starts with `^`.

    >>> _anchored(r"^a|^b"), _anchored(r"^(?:a|b)"), _anchored(r"^a|b"), _anchored(r"[|]^a")
    (True, True, False, False)
    """
    depth, in_class, esc, starts = 0, False, False, [0]
    for i, c in enumerate(pattern):
        if esc:
            esc = False
        elif c == "\\":
            esc = True
        elif in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            starts.append(i + 1)
    return all(pattern.startswith("^", k) for k in starts)


def _gate(rules: tuple[Rule, ...]) -> re.Pattern:
    """One anchored pattern for the rules without `needs`: if it does not match at a line's start, none
    of them can match anywhere (each is anchored), so the table walk can be skipped."""
    bad = [r.id for r in rules if not r.needs and not r.phrases and not _anchored(r.pattern)]
    if bad:
        raise ValueError(f"rules must be anchored (^) or have `needs`: {bad}")
    return re.compile("|".join(f"(?:{r.pattern})" for r in rules if not r.needs and not r.phrases), re.IGNORECASE)


def rules_for(n_words: int) -> tuple[Rule, ...]:
    """The rules, in table order, that may match a line of `n_words` words (their `max_words` allows it).

    >>> len(rules_for(1)) == len(RULES) and len(rules_for(500)) < len(RULES)
    True
    """
    return _BY_LENGTH[min(n_words, _LONGEST + 1)]


def first_match(line: str, n_words: int, lower: str | None = None, key: str | None = None) -> Rule | None:
    """The first rule of the table that matches `line`, as walking `rules_for(n_words)` and asking
    each rule's `matches` would find it, without asking most of them.

    Three cheap tests say which rules could match at all: the anchored rules' joint pattern (for
    this line length) must match the line's start, one of the `needs` strings must be in it, or
    its `phrase_key` must be in a lexicon. Most lines pass none, and the walk is skipped; on the
    others only the rules a test let through are tried. `lower` is `line.lower()` and `key` its
    `phrase_key` ("" for a line of 80 characters or more, too long to be a phrase), if known.

    >>> first_match("Related Articles", 2).id, first_match("The talks went on.", 4)
    ('related.label', None)
    """
    n = min(n_words, _LONGEST + 1)
    lower = line.lower() if lower is None else lower
    key = (phrase_key(line) if len(line) < 80 else "") if key is None else key
    gate = _GATES[n]
    anchored = gate is not None and gate.match(line) is not None
    present = frozenset(x for x in _ALL_NEEDS if x in lower) if _NEEDS.search(lower) else frozenset()
    phrase = key in _PHRASES
    if not (anchored or present or phrase):
        return None
    for rule in _BY_LENGTH[n]:
        if rule.phrases:
            if phrase and key in rule.phrases:
                return rule
        elif rule.needs:
            if not present.isdisjoint(rule.needs) and rule.regex.search(line):
                return rule
        elif anchored and rule.regex.search(line):
            return rule
    return None


_BY_LENGTH: tuple[tuple[Rule, ...], ...] = tuple(
    tuple(r for r in RULES if r.max_words is None or n <= r.max_words) for n in range(_LONGEST + 2))
_GATE_CACHE: dict[tuple[str, ...], re.Pattern | None] = {}


def _gate_for(rules: tuple[Rule, ...]) -> re.Pattern | None:
    ids = tuple(r.id for r in rules if not r.needs and not r.phrases)
    if ids not in _GATE_CACHE:
        _GATE_CACHE[ids] = _gate(rules) if ids else None
    return _GATE_CACHE[ids]


# One gate per line length: a long paragraph is not tried against the short-line rules' patterns.
_GATES: tuple[re.Pattern | None, ...] = tuple(_gate_for(rs) for rs in _BY_LENGTH)
_ALL_NEEDS: tuple[str, ...] = tuple(sorted({n for r in RULES for n in r.needs}, key=len, reverse=True))
_NEEDS = re.compile("|".join(map(re.escape, _ALL_NEEDS)))
_PHRASES = frozenset().union(*(r.phrases for r in RULES))
if len(RULES_BY_ID) != len(RULES):
    raise ValueError("rule ids must be unique")

# Rules decided by a line's context rather than its words; listed so every rule id a Removal can
# carry can be looked up (`cleaner rules`). Their logic lives in `cleaner.classify`.
CONTEXT_RULES: dict[str, tuple[str, str]] = {
    "meta.title": ("title", "the first non-empty line of a text input is the title"),
    "meta.title_repeat": ("title", "a line repeating the title"),
    "meta.subtitle": ("subtitle", "a standfirst between the title and the body (set off by a wider gap, followed by a byline or a dateline)"),
    "meta.subtitle_description": ("subtitle", "an HTML page's first block when it repeats the page's own description"),
    "caption.repeated_pair": ("caption", "two nearby lines sharing a long opening, one a caption: the long-then-short caption pair"),
    "caption.title_prefixed": ("caption", "a line that starts with the title and goes on: an image's alt text and caption"),
    "duplicate.paragraph": ("duplicate_paragraph", "an exact repeat of an earlier line"),
    "duplicate.prefix": ("duplicate_paragraph", "a line whose whole text opens the next line or the one after"),
    "context.footer": ("navigation", "a short line after the last paragraph, once a footer has begun"),
    "context.head": ("navigation", "a short, non-sentence line before the first paragraph"),
    "context.before_core": ("navigation", "a line before the densest stretch of story text (page header, menus)"),
    "context.after_core": ("navigation", "a line after the last stretch of story text (page footer, link lists)"),
    "context.crossdoc": ("boilerplate", "a line outside the story that recurs across many documents of the same site (cleaner.crossdoc)"),
    "context.comments": ("comments", "a line after a comment section's heading, once the story has begun"),
    "context.between_cores": ("navigation", "a line between two stretches of story text that outweighs neither"),
}
