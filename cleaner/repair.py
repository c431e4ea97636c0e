"""Repair: undo encoding damage before any rule looks at the text.

ftfy does the hard part (mojibake, HTML entities, broken line endings). Around it we fix the
few things ftfy leaves alone on purpose but a dataset does not want: no-break and other
fixed-width spaces, invisible zero-width characters, runs of spaces, trailing blanks.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

import ftfy
from ftfy import chardata as ftfy_chardata

from cleaner.text import CACHED_LINES, CACHED_MAX_CHARS, re_internals

# Curly quotes are the article's own typography, not damage: keep them (ftfy would straighten them).
#: ftfy's repairs, less two that are not repairs: curly quotes stay curly, and full-width forms stay
#: full-width (``，`` and ``（`` are how Chinese and Japanese are punctuated, not damage).
_FTFY = ftfy.TextFixerConfig(uncurl_quotes=False, fix_character_width=False, unescape_html=True,
                             normalization="NFC", explain=False)

# Spaces that render as a plain space. U+00A0 NBSP is the usual one in scraped text.
_SPACES = re.compile("[\u00a0\u2007\u202f\u2000-\u200a\u205f\u3000\t\f\v]")
# Invisible characters with no meaning in running text. ZWJ/ZWNJ (U+200C/D) are kept: they shape
# Persian, Indic scripts and emoji sequences.
_INVISIBLE = "\u200b\u2060\ufeff\u00ad\u200e\u200f\u202a-\u202e\u2066-\u2069"
# C0/C1 controls other than newline (tabs become spaces), dropped with the invisible characters in
# one pass; the C1 controls only after ftfy, which reads them as mojibake ("â€\x9d" is ”).
_C0 = "\x00-\x08\x0b-\x1f\x7f"
_DROPPED = re.compile(f"[{_INVISIBLE}{_C0}\x80-\x9f]")
_DROPPED_BUT_C1 = re.compile(f"[{_INVISIBLE}{_C0}]")
_C1_CONTROLS = re.compile("[\x80-\x9f]")
#: Every character `_normalise` drops or rewrites, whichever `dropped` it is given.
_NORMALISED_AWAY = re.compile(f"[{_INVISIBLE}{_C0}\x80-\x9f{_SPACES.pattern[1:-1]}\u2028\u2029]")


#: Characters ftfy may look at for one record. ftfy costs 3 s a MB on clean French text and 25 s
#: on random high bytes read as latin-1 (each run of them is a mojibake candidate it tries to
#: re-decode, and the C1 controls send the text through it twice more), so a 16 MiB record would
#: take minutes; 256 Ki characters (a 40,000-word article of accented text) cost at most
#: about 7 s. Past the budget, lines are normalised (spaces, controls) but not given to ftfy;
#: real mojibake left there is then caught by the contract (`no_mojibake_left`).
MAX_FTFY_CHARS = 1 << 18


class RepairBudget:
    """What is left of one record's `MAX_FTFY_CHARS`, shared by every `repair` call for it.

    >>> budget = RepairBudget(10)
    >>> budget.take(4), budget.take(7), budget.left
    (True, False, 6)
    """

    def __init__(self, chars: int = MAX_FTFY_CHARS):
        self.left = chars

    def take(self, n: int) -> bool:
        """Spend `n` characters if that many are left; False (nothing spent) otherwise."""
        if n > self.left:
            return False
        self.left -= n
        return True


def repair(text: str, budget: RepairBudget | None = None) -> str:
    """Fix mojibake, entities, odd spaces and line endings; strip each line.

    Blank lines are kept (their count is a signal: a standfirst is often set off by a wider gap),
    so line numbers in the repaired text are stable and every `Removal.line` points into it.
    With a `budget`, ftfy sees only as many characters as it allows (`MAX_FTFY_CHARS`).

    >>> repair("China\u00e2\u20ac\u2122s &amp; caf\u00e9\u00a0bar\u200b\\r\\nnext  line ")
    'China’s & café bar\\nnext line'
    >>> repair("\u00e2\u20ac\u0153Quoted\u00e2\u20ac\x9d"), repair("“Quoted”")
    ('“Quoted”', '“Quoted”')
    >>> repair("“Quoted”")
    '“Quoted”'
    >>> repair("\x8d\u00c2\x80"), repair(repair("\x8d\u00c2\x80"))
    ('€', '€')
    """
    # Spaces and controls are normalised before ftfy too: ftfy reads "Â" + space as a mis-decoded
    # NBSP, so fixing only afterwards would leave text that a second repair changes again.
    # C1 controls stay for ftfy: they are how it recognises mojibake such as "â€\x9d" (”).
    quiet = _NORMALISED_AWAY.search(text) is None  # nothing to normalise, so no C1 control either
    normalised = text if quiet else _rewrite(text, _DROPPED_BUT_C1)
    text = _fix_text(normalised, budget)
    if text == normalised and (quiet or not _C1_CONTROLS.search(text)):
        # ftfy changed nothing and no C1 control is left (all that `_DROPPED` adds): the text is
        # normalised already, as `_normalise` would leave it. Most texts; saves two passes over each.
        return _strip_lines(text)
    for _ in range(2):
        # C1 controls ftfy could not place are dropped, and that can join a new mojibake sequence
        # ("\x8dÂ€" -> "Â€", which a second repair would turn into "€"): fix again until none is left.
        if not _C1_CONTROLS.search(text) or (budget is not None and not budget.take(len(text))):
            break
        text = ftfy.fix_text(_normalise(text), _FTFY)
    return _strip_lines(_normalise(text))


def _strip_lines(text: str) -> str:
    """Each line of normalised text stripped, its runs of spaces made one, on the whole text at once.

    After `_normalise` the only white space left is the space, the newline and U+1680 (OGHAM SPACE
    MARK, `_ODD_SPACE`): runs of spaces never cross a line, so they are made one space each on the
    whole text, and the spaces next to a newline are then at most one on each side. Only a text holding
    U+1680 is stripped line by line, which costs ten times more on a long page.

    >>> _strip_lines("  Title  \\n\\n  Body  two   words ")
    'Title\\n\\nBody two words'
    >>> _strip_lines("\\u1680 odd\\u1680\\n")
    'odd\\n'
    """
    while "  " in text:  # each pass halves every run; faster than a regex, which stops at every space
        text = text.replace("  ", " ")
    if _ODD_SPACE in text:
        return "\n".join(line.strip() for line in text.split("\n"))
    return text.replace(" \n", "\n").replace("\n ", "\n").strip(" ")


#: The one white space character (`str.isspace`) that `_normalise` neither drops nor turns into a
#: space or a newline (`tests/test_repair.py` checks it against every character).
_ODD_SPACE = "\u1680"


def _fix_text(text: str, budget: RepairBudget | None = None) -> str:
    """ftfy, only on the lines it could change.

    A line of plain ASCII without `&` has no mojibake and no entity, so ftfy would return it as
    is; most lines of scraped news are such lines, and skipping them halves the cost of cleaning.
    ftfy works line by line anyway, so fixing lines one at a time gives the same text.

    >>> _fix_text("plain line\\r\\nIt\u00e2\u20ac\u2122s &amp; more")
    'plain line\\nIt’s & more'
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.isascii() and "&" not in text:
        return text
    if not unicodedata.is_normalized("NFC", text):  # which lines are not in NFC: ask each line
        return "\n".join(_ftfy_line(line)
                         if _may_need_ftfy(line) and (budget is None or budget.take(len(line))) else line
                         for line in text.split("\n"))
    # A text in NFC has its lines in NFC (a newline composes with nothing), so the lines to fix are
    # those holding a character `_MAY_NEED_FTFY` finds: one search a line that holds one, instead of
    # a Python call on every line (about 1 line in 20 of news text holds one).
    pieces, done, pos = [], 0, 0
    while (found := _MAY_NEED_FTFY.search(text, pos)) is not None:
        start = text.rfind("\n", 0, found.start()) + 1
        end = text.find("\n", found.end())
        end = len(text) if end < 0 else end
        line = text[start:end]
        if budget is None or budget.take(len(line)):
            pieces += (text[done:start], _ftfy_line(line))
            done = end
        pos = end + 1
    return "".join(pieces) + text[done:] if pieces else text


def _ftfy_line(line: str) -> str:
    """`ftfy.fix_text(line)` with our settings; the answer for a short line is remembered.

    ftfy costs about 70 µs a line, and the lines it is asked about recur: a site's "Terms &
    Conditions" on each of its pages, and every line twice in a build, once when the site's
    recurring lines are counted (`cleaner.crossdoc`) and once when the record is cleaned. The
    budget is spent as before (by the caller), so what ftfy sees does not change.
    """
    if _ftfy_keeps(line):
        return line
    return _remembered_ftfy(line) if len(line) < CACHED_MAX_CHARS else ftfy.fix_text(line, _FTFY)


@lru_cache(maxsize=CACHED_LINES)
def _remembered_ftfy(line: str) -> str:
    return ftfy.fix_text(line, _FTFY)


def _ftfy_keeps(line: str) -> bool:
    """Whether ftfy certainly returns `line` as it is, for a line `_may_need_ftfy` sent its way.

    With our settings ftfy changes a line only through an entity (its `HTML_ENTITY_RE`: the "&" of
    "Q&A" or "AT&T" is none), mojibake its detector finds (`ftfy.badness.is_bad`, which every
    repair of the encoding waits for), a C1 control, a ligature, a surrogate, a control or
    terminal escape it removes, a line break it rewrites, or NFC. The detector is asked as ftfy
    would ask it, but only for its patterns the line holds a key character of (`_detector`): a
    French line whose only accents are "é" and "à" holds none, though `_may_need_ftfy` sees
    detector characters in it; a Russian line is asked the few keyed by its capitals, not all 37.
    ftfy runs the whole detector at every character, in Python's `re`: about 70 µs a line of
    news it is sent. Of the 33,862 lines of bench_speed's 30 MB of page texts that
    `_may_need_ftfy` sends, 160 reach ftfy, and ftfy changes each.
    Asked after the line's budget is spent, so what ftfy may see does not change.

    >>> _ftfy_keeps("L’été a été chaud à Paris."), _ftfy_keeps("Itâ€™s"), _ftfy_keeps("a &amp; b"), _ftfy_keeps("e\u0301")
    (True, False, False, False)
    >>> _ftfy_keeps("Q&A: AT&T and R&D"), _ftfy_keeps("Tom &amp Jerry &c.")
    (True, True)
    """
    return (_DETECTOR is not None and _OTHER_FIXES.search(line) is None
            and ("&" not in line or _HTML_ENTITY.search(line) is None) and unicodedata.is_normalized("NFC", line)
            and not _looks_bad(line))


def _may_need_ftfy(line: str) -> bool:
    """Whether ftfy could change `line` (C0 controls already removed): it holds `&` (an entity), a
    character one of ftfy's fixes acts on, a character its mojibake detector could count, or is
    not in NFC.

    Typographic quotes, dashes and the ellipsis are in the detector's tables, but only ever next
    to a rarer character it also counts ("â€™"): a line whose only non-ASCII characters are those,
    or are outside the tables altogether (most scripts: CJK, Arabic, Devanagari…), reads as
    clean to ftfy and is passed over. That is most non-ASCII lines of news text, and ftfy costs
    about 70 µs a line. `tests/test_repair.py` checks the claim against ftfy itself.

    >>> _may_need_ftfy("“Quoted” — it’s fine…"), _may_need_ftfy("Itâ€™s"), _may_need_ftfy("a &amp; b")
    (False, True, True)
    """
    if line.isascii():
        return "&" in line
    return "&" in line or _FTFY_CHARS.search(line) is not None or not unicodedata.is_normalized("NFC", line)


def _ftfy_chars() -> re.Pattern:
    """A character class of what ftfy may act on (see `_may_need_ftfy`), read from ftfy's own tables,
    so an ftfy upgrade that widens them widens this too. If its tables cannot be read, every
    non-ASCII character counts (ftfy then sees every line that is not plain ASCII)."""
    try:
        _, _parser = re_internals()  # the parsed form of the detector's regex: its literal characters
        from ftfy.badness import BADNESS_RE, MOJIBAKE_CATEGORIES
        from ftfy.chardata import CONTROL_CHARS, LIGATURES

        chars: set[int] = set()
        ranges: list[tuple[int, int]] = [(0x80, 0x9F), (0xD800, 0xDFFF)]  # C1 controls, surrogates
        stack = [_parser.parse(BADNESS_RE.pattern, BADNESS_RE.flags)]
        while stack:
            for op, av in stack.pop():
                if op is _parser.LITERAL:
                    chars.add(av)
                elif op is _parser.IN and not any(o is _parser.NEGATE for o, _ in av):
                    chars.update(v for o, v in av if o is _parser.LITERAL)
                    ranges.extend(v for o, v in av if o is _parser.RANGE)
                elif op is _parser.BRANCH:
                    stack.extend(av[1])
                elif op is _parser.SUBPATTERN:
                    stack.append(av[-1])
                elif op in (_parser.MAX_REPEAT, _parser.MIN_REPEAT):
                    stack.append(av[2])
        inert = {ord(c) for k in _INERT_CATEGORIES for c in MOJIBAKE_CATEGORIES[k]}
        chars = (chars - inert) | set(LIGATURES) | set(CONTROL_CHARS)  # not WIDTH_MAP: widths are kept (`_FTFY`)
        chars |= {0x2028, 0x2029}  # line breaks ftfy rewrites
    except Exception:  # noqa: BLE001 - private tables moved in some ftfy release: be safe, not fast
        return re.compile("[^\x00-\x7f]")
    listed = "".join(re.escape(chr(c)) for c in sorted(c for c in chars if c >= 0x80))
    spans = "".join(f"{re.escape(chr(lo))}-{re.escape(chr(hi))}" for lo, hi in ranges if hi >= 0x80)
    return re.compile(f"[{listed}{spans}]")


#: Detector categories that never make a mojibake match on their own, nor with each other: each
#: of the detector's patterns also needs a character from another category (checked in the tests).
_INERT_CATEGORIES = ("common", "start_punctuation", "end_punctuation")
_FTFY_CHARS = _ftfy_chars()


class _Detector(NamedTuple):
    """ftfy's mojibake detector (`BADNESS_RE`) taken apart, so that a line is asked about only the
    patterns it could match (`_detector`)."""

    keys: re.Pattern                          # a class of one character from each alternative's key set
    by_key: dict[str, tuple[re.Pattern, ...]]  # each such character: the alternatives that need it, compiled


def _detector() -> _Detector | None:
    """`BADNESS_RE` as its alternatives, each with a set of characters one of which every match
    of it holds; None when its pattern is not the alternation of character sequences this reads.

    Each alternative is a sequence of character classes and literals; a class it cannot skip
    (not optional, not negated, not a category like `\\s`) names characters one of which every
    match of the alternative holds at that place. Of those, the class least likely in clean text
    is the alternative's key set (each character weighed by the detector's own category of it: the
    inert punctuation most, then small letters, capitals, and symbols least). A line holding no
    character of any key set cannot look bad to the detector; one holding some is asked the
    alternatives keyed by them, each compiled alone (the detector matches where one of them
    does). An alternative with no non-ASCII class to key it (an ASCII line could match) makes the
    whole useless: None, and ftfy sees every line sent to it.
    """
    try:
        _compiler, _parser = re_internals()
        from ftfy.badness import BADNESS_RE, MOJIBAKE_CATEGORIES

        weights: dict[int, int] = {}
        for kind, members in MOJIBAKE_CATEGORIES.items():
            for c in re.findall(r".-.|.", members, re.S):  # the categories are class bodies ("à-ñ")
                cost = 20 if kind in _INERT_CATEGORIES else 10 if kind in _COMMON_KINDS else 2 if kind.startswith("upper") else 1
                weights.update(dict.fromkeys(range(ord(c[0]), ord(c[-1]) + 1), cost))

        def weight(cp: int) -> int:  # a character outside the categories, by what Unicode says it is
            return weights.get(cp) or (10 if unicodedata.category(chr(cp)) == "Ll" else 2)

        def needed(items) -> list[set[int]]:
            """The classes a match of the sequence `items` cannot skip, as sets of code points."""
            out: list[set[int]] = []
            for op, av in items:
                if op in (_parser.MAX_REPEAT, _parser.MIN_REPEAT) and av[0] >= 1:
                    out += needed(av[2])
                elif op is _parser.SUBPATTERN:
                    out += needed(av[-1])
                elif op is _parser.LITERAL:
                    out.append({av})
                elif op is _parser.IN and all(o in (_parser.LITERAL, _parser.RANGE) for o, _ in av):
                    out.append({c for o, v in av for c in ((v,) if o is _parser.LITERAL else range(v[0], v[1] + 1))})
            return out

        (op, (_, alternatives)), = _parser.parse(BADNESS_RE.pattern, BADNESS_RE.flags)
        if op is not _parser.BRANCH or BADNESS_RE.flags & re.IGNORECASE:  # a class would match more than it lists
            return None
        by_key: dict[str, list[re.Pattern]] = {}
        for alternative in alternatives:
            sets = [c for c in needed(alternative) if min(c) >= 0x80]
            if not sets:
                return None
            pattern = _compiler.compile(alternative, BADNESS_RE.flags)
            for c in min(sets, key=lambda c: sum(map(weight, c))):
                by_key.setdefault(chr(c), []).append(pattern)
        keys = re.compile("[" + "".join(map(re.escape, sorted(by_key))) + "]")
        return _Detector(keys, {c: tuple(p) for c, p in by_key.items()})
    except Exception:  # noqa: BLE001 - the detector's pattern moved or changed shape: ftfy decides
        return None


def _looks_bad(line: str) -> bool:
    """`ftfy.badness.is_bad(line)`, asking only the alternatives keyed by the line's characters.

    >>> _looks_bad("Itâ€™s"), _looks_bad("Вход — Регистрация"), _looks_bad("Â£5")
    (True, False, True)
    """
    keys = set(_DETECTOR.keys.findall(line))
    return bool(keys) and any(p.search(line) for p in {p for c in keys for p in _DETECTOR.by_key[c]})


def _other_fixes() -> re.Pattern:
    """A class of every character another of ftfy's fixes acts on (not the detector's, not NFC):
    C1 controls, ligatures, the controls and terminal escapes it removes, surrogates, line breaks."""
    from ftfy.chardata import CONTROL_CHARS, LIGATURES

    chars = set(LIGATURES) | set(CONTROL_CHARS) | {ord(c) for c in "\x1b\r\x85\u2028\u2029"}
    listed = "".join(re.escape(chr(c)) for c in sorted(chars))
    return re.compile(f"[{listed}\x80-\x9f\ud800-\udfff]")


#: The detector's categories of letters that clean text is full of (weighed next to `_INERT_CATEGORIES`).
_COMMON_KINDS = ("lower_accented", "lower_common", "kaomoji")
_DETECTOR = _detector()
_OTHER_FIXES = _other_fixes()
#: What ftfy unescapes (`ftfy.fixes.unescape_html` substitutes its matches and nothing else).
_HTML_ENTITY: re.Pattern = getattr(ftfy_chardata, "HTML_ENTITY_RE", None) or re.compile("&")
#: What `_may_need_ftfy` looks for in a line in NFC, as one search: `&` or one of `_FTFY_CHARS`
#: (which holds no ASCII character, so an ASCII line is sent for its `&` alone, as there).
_MAY_NEED_FTFY = re.compile("&|" + _FTFY_CHARS.pattern)


def _normalise(text: str, dropped: re.Pattern = _DROPPED) -> str:
    """Odd spaces made plain, invisible characters and controls (`dropped`) gone, Unicode line
    separators made newlines: each is one character made one or none, so the order does not matter.

    >>> _normalise("a\\u00a0b\\u200b\\x85c\\u2028d"), _normalise("\\x85", _DROPPED_BUT_C1)
    ('a bc\\nd', '\\x85')
    """
    if _NORMALISED_AWAY.search(text) is None:  # one pass, not four, for the nine texts in ten with nothing to do
        return text
    return _rewrite(text, dropped)


def _rewrite(text: str, dropped: re.Pattern) -> str:
    """`_normalise`'s substitutions, for a text `_NORMALISED_AWAY` found something in."""
    text = _SPACES.sub(" ", dropped.sub("", text))
    return text.replace("\u2028", "\n").replace("\u2029", "\n")
