"""The matching engine: what a rule is and how a line finds the first rule that fits it.

The rules themselves are data (`cleaner.rules`, and the phrase groups of
`cleaner/data/lexicons/boilerplate.json` read by `cleaner.lexicon`); this module only knows how to
match them, fast. A table of rules becomes a `Matcher`, whose `first_match` returns what walking the
table in order and asking each rule's `matches` would return, without asking most of them.

Guards keep rules off story sentences: `max_words` makes a rule fire only on short lines (a
"Related Articles" heading, not a paragraph that mentions related articles), and `where` limits a
rule to the lines outside the article's run of paragraphs (see `cleaner.classify`).

Phrase rules match the whole line, compared case-insensitively with surrounding punctuation
ignored, so "Related Articles:" and "RELATED ARTICLES" both match but "Related articles show…"
does not.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

import ahocorasick

from cleaner.text import CACHED_LINES, CACHED_MAX_CHARS, re_internals

ANYWHERE, OUTSIDE = "anywhere", "outside"

#: A line this long (in characters) is never a phrase: its `phrase_key` is not computed.
PHRASE_MAX_CHARS = 80


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
    phrases: frozenset[str] = frozenset()  # phrase rules: the line's `phrase_key` is one of these

    @cached_property
    def regex(self) -> re.Pattern:
        return re.compile(self.pattern, re.IGNORECASE)

    @cached_property
    def find(self):
        """`regex.match` when every alternative is anchored at the start (the same answer as
        `search` there, without trying every later position), else `regex.search`."""
        return self.regex.match if _anchored(self.pattern) else self.regex.search

    @cached_property
    def needs_regex(self) -> re.Pattern:
        """`needs` as one pattern: a line holds one of them when it finds a match in `line.lower()`."""
        return re.compile(trie_pattern(self.needs))

    def matches(self, line: str, n_words: int | None = None, lower: str | None = None, key: str | None = None) -> bool:
        """Whether the line is this rule's kind of boilerplate (the `where` guard is the caller's).

        `needs` is checked first: a pattern that can only match a line holding "cookie" is not run
        over a line without it. Unanchored patterns scan the whole line, so this is most of the speed.

        >>> Rule("ad.adblock", "ad", r"\\bad\\s*block", "x", "y", needs=("block",)).matches("Adblock Detected")
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
        return self.find(line) is not None


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
    return rf"^[\W_]*(?:{alts})[\W_]*$"


def phrase_rule(id: str, category: str, phrases: list[str], example: str, counter: str, *,
                max_words: int | None = None, where: str = ANYWHERE, seen: str = "") -> Rule:
    """A rule that fires on a line which is exactly one of `phrases`: matched by a key lookup
    (`phrase_key`), which says the same as the `whole_line` pattern at a fraction of the cost.

    >>> phrase_rule("related.label", "related", ["Related Articles"], "Related", "x").matches("RELATED ARTICLES:")
    True
    """
    keys = frozenset(phrase_key(p) for p in phrases)
    if "" in keys:
        raise ValueError(f"{id}: a phrase is empty once its punctuation is dropped")
    return Rule(id, category, whole_line(*phrases), example, counter, max_words=max_words, where=where,
                seen=seen, phrases=keys)


def trie_pattern(words: tuple[str, ...] | list[str]) -> str:
    """An alternation of literal `words` factored by common prefix, so the regex engine rejects a
    position on its first character instead of trying every word there (hundreds of `needs`
    strings over every line is most of the matching time otherwise).

    >>> trie_pattern(["app", "apple", "abo", "x"])
    '(?:a(?:bo|pp(?:le)?)|x)'
    >>> bool(re.search(trie_pattern(["subscri", "app"]), "he subscribed"))
    True
    """
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if "" in node:  # a word ends here: what follows is optional
            body = (f"(?:{body})" if len(alts) == 1 and len(alts[0]) > 1 else body) + "?"
        return body

    if not words or not all(words):
        raise ValueError("trie_pattern needs non-empty words")
    return "(?:" + "|".join(re.escape(ch) + build(child) for ch, child in sorted(trie.items())) + ")"


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


def _bands(rules: tuple[Rule, ...]) -> tuple[tuple[int | None, re.Pattern], ...]:
    """The rules without `needs` or phrases, one anchored pattern per `max_words` they carry
    (None last): if a band's pattern does not match at a line's start, none of its rules can match
    anywhere (each is anchored), so they need not be tried.

    One pattern per band, rather than one per line length holding every rule that length allows,
    compiles each rule once: the nested unions cost 0.48 s of every process's start, these 0.12 s.
    """
    plain = [r for r in rules if not r.needs and not r.phrases]
    bad = [r.id for r in plain if not _anchored(r.pattern)]
    if bad:
        raise ValueError(f"rules must be anchored (^) or have `needs`: {bad}")
    limits = sorted({r.max_words for r in plain if r.max_words is not None}) + [None] * any(r.max_words is None for r in plain)
    return tuple((limit, re.compile("|".join(f"(?:{r.pattern})" for r in plain if r.max_words == limit), re.IGNORECASE))
                 for limit in limits)


def first_chars(pattern: re.Pattern) -> re.Pattern | None:
    """A class of every character a match of `pattern` can begin with, compiled with its flags (so
    that case folds as in `pattern`); None when it may match the empty string or uses a construct
    this does not read. Asking it of a line's first character tells most lines that `pattern`
    cannot match them at their start, at a tenth of the cost of trying `pattern`'s alternatives.

    Zero-width items (anchors, look-arounds) are passed over: the first character a match consumes
    comes after them whatever they assert.

    >>> first_chars(re.compile(r"^\\W*(?:share|follow)\\b", re.I)).pattern
    '[\\\\Wsf]'
    >>> first_chars(re.compile(r"^(?:x)?")) is None, first_chars(re.compile(r"^[^a]b")) is None
    (True, True)
    """
    _, _parser = re_internals()
    categories = {_parser.CATEGORY_SPACE: r"\s", _parser.CATEGORY_NOT_SPACE: r"\S", _parser.CATEGORY_DIGIT: r"\d",
                  _parser.CATEGORY_NOT_DIGIT: r"\D", _parser.CATEGORY_WORD: r"\w", _parser.CATEGORY_NOT_WORD: r"\W"}
    repeats = {_parser.MAX_REPEAT, _parser.MIN_REPEAT, getattr(_parser, "POSSESSIVE_REPEAT", _parser.MAX_REPEAT)}

    class Unread(Exception):
        pass

    def item(op, av) -> tuple[list[str], bool]:
        """(class pieces of the characters the item may begin with, whether it may match empty)"""
        if op is _parser.LITERAL:
            return [re.escape(chr(av))], False
        if op is _parser.IN:
            out = []
            for o, v in av:
                if o is _parser.LITERAL:
                    out.append(re.escape(chr(v)))
                elif o is _parser.RANGE:
                    out.append(f"{re.escape(chr(v[0]))}-{re.escape(chr(v[1]))}")
                elif o is _parser.CATEGORY and v in categories:
                    out.append(categories[v])
                else:
                    raise Unread(o)  # a negated class, a category without an escape
            return out, False
        if op is _parser.CATEGORY and av in categories:
            return [categories[av]], False
        if op in (_parser.AT, _parser.ASSERT, _parser.ASSERT_NOT):
            return [], True
        if op is _parser.SUBPATTERN:
            if (av[1] | av[2]) & ~re.UNICODE:  # flags set or cleared inside: the class would not fold alike
                raise Unread(op)
            return sequence(av[3])
        if op is _parser.BRANCH:
            pieces = [sequence(alternative) for alternative in av[1]]
            return [c for piece, _ in pieces for c in piece], any(empty for _, empty in pieces)
        if op in repeats:
            pieces, empty = sequence(av[2])
            return pieces, empty or av[0] == 0
        raise Unread(op)

    def sequence(items) -> tuple[list[str], bool]:
        out: list[str] = []
        for op, av in items:
            pieces, empty = item(op, av)
            out += pieces
            if not empty:
                return out, False
        return out, True

    try:
        pieces, empty = sequence(_parser.parse(pattern.pattern, pattern.flags))
    except Unread:
        return None
    return None if empty else re.compile("[" + "".join(pieces) + "]", pattern.flags)


#: Matches at the start of any line: the first characters of a gate `first_chars` cannot read.
_EVERY_LINE = re.compile("")


class Matcher:
    """A rule table made fast to walk: each rule is a bit of a mask (its place in the table), and
    three cheap tests set the bits of the rules that could match a line: the gate pattern of each
    band of anchored rules (rules grouped by the longest line they may match), one Aho-Corasick
    automaton of every rule's `needs` strings, and a lookup of the line's phrase key.

    >>> m = Matcher((Rule("a.x", "ad", r"^ad$", "ad", "no"), phrase_rule("b.y", "ad", ["Sponsored"], "s", "t")))
    >>> m.first_match("Sponsored:", 1).id, m.first_match("The talks went on.", 4)
    ('b.y', None)
    """

    def __init__(self, rules: tuple[Rule, ...]):
        ids = [r.id for r in rules]
        if len(set(ids)) != len(ids):
            raise ValueError(f"rule ids must be unique: {sorted({i for i in ids if ids.count(i) > 1})}")
        self.rules = rules
        self.longest = max((r.max_words or 0 for r in rules), default=0)
        self.by_length: tuple[tuple[Rule, ...], ...] = tuple(
            tuple(r for r in rules if r.max_words is None or n <= r.max_words) for n in range(self.longest + 2))
        #: per line length, the rules that may match a line that long, as a mask
        self.length_mask = tuple(sum(1 << i for i, r in enumerate(rules) if r.max_words is None or n <= r.max_words)
                                 for n in range(self.longest + 2))
        bands = _bands(rules)
        self.gates: tuple[re.Pattern, ...] = tuple(gate for _, gate in bands)
        #: per band, `first_chars` of its gate, or a pattern that matches every line when it has none
        self.gate_starts = tuple(first_chars(gate) or _EVERY_LINE for gate in self.gates)
        #: per line length, the bands (indices into `gates`) whose rules may match a line that long
        self.bands_for: tuple[tuple[int, ...], ...] = tuple(
            tuple(i for i, (limit, _) in enumerate(bands) if limit is None or n <= limit) for n in range(self.longest + 2))
        #: per band, its rules as a mask
        self.band_mask = tuple(sum(1 << i for i, r in enumerate(rules) if not r.needs and not r.phrases
                                   and r.max_words == limit) for limit, _ in bands)
        # every `needs` string, its value the mask of the rules that need it: the automaton finds
        # all of them in a line at once, overlapping ones too, which is what `n in lower` asks of each
        self.needs = ahocorasick.Automaton()
        for n in sorted({n for r in rules for n in r.needs}):
            self.needs.add_word(n, sum(1 << i for i, r in enumerate(rules) if n in r.needs))
        if len(self.needs):
            self.needs.make_automaton()
        self.by_phrase: dict[str, Rule] = {}
        self.phrase_mask: dict[str, int] = {}
        for i, r in enumerate(rules):
            for p in r.phrases:
                self.by_phrase.setdefault(p, r)
                self.phrase_mask[p] = self.phrase_mask.get(p, 0) | 1 << i
        self._remembered = lru_cache(maxsize=CACHED_LINES)(self._first_match)

    def phrase_match(self, key: str) -> Rule | None:
        """The phrase rule whose whole-line phrase `key` is (a line's `phrase_key`), if any: what
        names the line when an earlier pattern rule that matched it holds only outside the story.

        >>> m = Matcher((phrase_rule("b.y", "ad", ["Sponsored"], "s", "t"),))
        >>> m.phrase_match("sponsored").id, m.phrase_match("the talks")
        ('b.y', None)
        """
        return self.by_phrase.get(key)

    def rules_for(self, n_words: int) -> tuple[Rule, ...]:
        """The rules, in table order, that may match a line of `n_words` words (their `max_words` allows it)."""
        return self.by_length[min(n_words, self.longest + 1)]

    def first_match(self, line: str, n_words: int, lower: str | None = None, key: str | None = None) -> Rule | None:
        """The first rule of the table that matches `line`, as walking `rules_for(n_words)` and asking
        each rule's `matches` would find it, without asking most of them.

        Three cheap tests say which rules could match at all: the joint pattern of a band of anchored
        rules must match the line's start, one of a rule's `needs` strings must be in it (the
        automaton finds them all in one pass), or its `phrase_key` must be one of a rule's phrases.
        Only the rules a test let through, and whose `max_words` allows the line, are tried, in
        table order; most lines have none. Where one needed string was the test, the automaton
        replaced a regex search per rule of the table: on the calls `cleaner clean` makes for 5 MB
        of ScrapingHub page texts, 2.0 s -> 0.87 s (the same rule for each of the 26,678 lines).
        `lower` is `line.lower()` and `key` its `phrase_key` ("" for a line of `PHRASE_MAX_CHARS`
        or more, too long to be a phrase), if known.

        The answer for a line shorter than `CACHED_MAX_CHARS` is remembered (a bounded LRU cache of
        `CACHED_LINES` lines): it depends on the line and its word count only, and a site's
        furniture comes back on every one of its pages. On ScrapingHub page texts three lines in
        four are short, and half the calls find their answer there.
        """
        if lower is None and key is None and len(line) < CACHED_MAX_CHARS:
            return self._remembered(line, n_words)
        return self._first_match(line, n_words, lower, key)

    def _first_match(self, line: str, n_words: int, lower: str | None = None, key: str | None = None) -> Rule | None:
        """`first_match`, computed: the rules the tests let through (their bits), tried in table order."""
        n = min(n_words, self.longest + 1)
        key = (phrase_key(line) if len(line) < PHRASE_MAX_CHARS else "") if key is None else key
        maybe = self.phrase_mask.get(key, 0)
        gates, starts, band_mask = self.gates, self.gate_starts, self.band_mask
        for i in self.bands_for[n]:
            if starts[i].match(line) is not None and gates[i].match(line) is not None:
                maybe |= band_mask[i]
        if len(self.needs):
            for _, mask in self.needs.iter(line.lower() if lower is None else lower):
                maybe |= mask
        maybe &= self.length_mask[n]
        while maybe:
            bit = maybe & -maybe
            rule = self.rules[bit.bit_length() - 1]
            if (key in rule.phrases) if rule.phrases else rule.find(line) is not None:
                return rule
            maybe ^= bit
        return None
