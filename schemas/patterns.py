"""The patterns and values of the contract, without pandas: what the checks of
`schemas.articles.ArticleSchema`, `schemas.removals.RemovalSchema` and
`schemas.quarantine.QuarantineSchema` look for, in a module the validate stage can import cheaply.

`cleaner.validate` screens each batch with these same patterns before it hands the few doubtful
rows to the pandera models, which stay the contract: importing pandas and
pandera and running a model costs about a second, most of `cleaner run`'s start-up on a small input.
"""
from __future__ import annotations

import functools
import re
import sys

import numpy as np
from ftfy.badness import BADNESS_RE

from cleaner import lexicon

#: Phrases that never belong in a published story body, each with where it may stand: "anywhere"
#: (substring, case-sensitive) or "line" (only as a line of its own). Only unmistakable leftovers
#: go here: ad-block walls, widget labels, photo credits in wire-agency form. "Related Articles" is
#: matched as a whole line only, because a sentence may well mention related articles. They are the
#: "contract" of the cleaner's one vocabulary file, `cleaner/data/lexicons/boilerplate.json`.
BOILERPLATE_PHRASES: tuple[tuple[str, str], ...] = lexicon.contract()

#: Characters a field may not contain: C0 controls except tab and newline, and DEL. (C1 controls,
#: U+0080-U+009F, are a mis-decoding, so ftfy's mojibake test reports them.) Carriage returns are
#: included: the repair stage normalises line ends, so a `\r` left over is a stage's bug.
CONTROL_CHARS_PATTERN = r"[\x00-\x08\x0b-\x1f\x7f]"

#: A field may hold this many U+FFFD replacement characters: a stray one is a lost byte in the
#: source and not worth a record; more says the input was decoded with the wrong codec.
MAX_REPLACEMENT_CHARS = 3

#: The text fields the character-level checks (control characters, U+FFFD, mojibake) look at.
TEXT_FIELDS = ("title", "subtitle", "text")

_DATE = r"[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
_TIME = r"(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:[.,][0-9]{1,9})?)?"
_ZONE = r"(?:Z|[+-](?:[01][0-9]|2[0-3]):?[0-5][0-9])"
#: `published`: an ISO 8601 calendar date, optionally with a `T` time and a zone (`2024-03-01`,
#: `2024-03-01T09:30`, `2024-03-01T09:30:00.123+01:00`). The day must exist in its month.
PUBLISHED_PATTERN = rf"{_DATE}(?:T{_TIME}{_ZONE}?)?"

#: `language`: an ISO 639-1 code (`de`), the ISO 639-3 code of a language that has none (`ceb`,
#: Cebuano), or `und` when the body is too short to tell or the detector too unsure.
LANGUAGE_PATTERN = r"[a-z]{2,3}"

_HOST_CHAR = r"[^\x00-\x20\x7f/\\?#@:\[\]<>\"]"
#: `url`: http or https, an optional user, a host (a name, which may be non-ASCII, or a bracketed
#: IPv6 address), an optional port, then any path/query/fragment without spaces or controls.
URL_PATTERN = (
    r"(?i:https?)://"
    r"(?:[^\x00-\x20\x7f/?#@]+@)?"
    rf"(?:[^\x00-\x20\x7f/\\?#@:\[\]<>\".]{_HOST_CHAR}*|\[[0-9A-Fa-f:.]+\])"
    r"(?::[0-9]{1,5})?"
    r"(?:[/?#][^\x00-\x20\x7f]*)?"
)


def _phrase_regex(phrase: str, where: str, end: str = r"\Z") -> str:
    """A regex for one boilerplate phrase, in syntax both `re` and RE2 accept but for the `end` of
    the text: `re`'s `\\Z`, which RE2 spells `\\z` (`BOILERPLATE_RE2_PATTERN`).

    >>> _phrase_regex("(AP Photo/", "anywhere")
    '\\\\(AP Photo/'
    >>> bool(re.search(_phrase_regex("Related Articles", "line"), "x\\n Related Articles\\ny"))
    True
    """
    text = re.sub(r"([\\.^$|?*+()\[\]{}])", r"\\\1", phrase)
    if where == "line":
        return rf"(?:\A|\n)[ \t]*{text}[ \t]*(?:\n|{end})"
    if where == "anywhere":
        return text
    raise ValueError(f"unknown place {where!r} for boilerplate phrase {phrase!r}")


_RE2_END = r"\z"
BOILERPLATE_PATTERN = "|".join(f"(?:{_phrase_regex(p, w)})" for p, w in BOILERPLATE_PHRASES)
#: `BOILERPLATE_PATTERN` as RE2 reads it (the same literals, spaces and line ends; `\z` for `\Z`),
#: for the validate stage's screen to search a batch's bodies in C (`search_re2`).
BOILERPLATE_RE2_PATTERN = "|".join(f"(?:{_phrase_regex(p, w, end=_RE2_END)})" for p, w in BOILERPLATE_PHRASES)
_BOILERPLATE_RE = re.compile("|".join(f"({_phrase_regex(p, w)})" for p, w in BOILERPLATE_PHRASES))


def find_boilerplate(text: str) -> str | None:
    """The first boilerplate phrase of `BOILERPLATE_PHRASES` in `text`, or None.

    >>> find_boilerplate("Great story. (AP Photo/Jane Doe)")
    '(AP Photo/'
    >>> find_boilerplate("We read the related articles too.") is None
    True
    """
    m = _BOILERPLATE_RE.search(text)
    return None if m is None else BOILERPLATE_PHRASES[m.lastindex - 1][0]


@functools.cache
def _code_points() -> tuple[str, ...]:
    """Every code point but the surrogates, as two strings (below and above the surrogate block)."""
    def run(a: int, b: int) -> str:
        return np.arange(a, b, dtype="<u4").tobytes().decode("utf-32-le")
    return run(0, 0xD800), run(0xE000, sys.maxunicode + 1)


@functools.cache
def _char_class(escape: str) -> str:
    r"""Every code point Python's `re` matches with `escape` (`\s` or `\w`), as one regex class of literal ranges.

    The runs are found by `re` itself over a string of all code points (a few milliseconds, where
    testing `str.isspace` code point by code point took 0.2 s each time): the class holds exactly
    what `re` means by the escape, which is `str.isspace`, and `str.isalnum` or `_`.

    >>> bool(re.fullmatch(_char_class(r"\s") + "+", "\t \u00a0\u3000")), bool(re.fullmatch(_char_class(r"\s"), "x"))
    (True, False)
    """
    ranges = [(ord(m.group()[0]), ord(m.group()[-1])) for part in _code_points()
              for m in re.finditer(escape + "+", part)]

    def lit(cp: int) -> str:
        ch = chr(cp)
        if cp < 0x20 or cp == 0x7F:
            return f"\\x{cp:02x}"
        return "\\" + ch if ch in "\\]^-[" else ch

    return "[" + "".join(lit(a) if a == b else f"{lit(a)}-{lit(b)}" for a, b in ranges) + "]"


@functools.cache
def mojibake_pattern() -> str:
    """ftfy's `BADNESS_RE` (what `ftfy.badness.is_bad` searches) rewritten so RE2 reads it as `re` does.

    `is_bad` over a batch costs about a millisecond per article in Python's `re`, too slow for
    millions of records. The rewrite drops the verbose-mode spacing and comments and spells `\\s`
    and `\\w` as explicit classes of the code points Python counts as space and word characters
    (RE2's are ASCII-only); pandas then runs it in pyarrow. `tests/test_validate.py` checks that it
    agrees with `is_bad`. Built once, on first use (enumerating code points takes ~0.1 s).

    >>> bool(re.search(mojibake_pattern(), "cafÃ© au lait")), bool(re.search(mojibake_pattern(), "café"))
    (True, False)
    """
    src, out, i, in_class, class_start = BADNESS_RE.pattern, [], 0, False, False
    expand = {"s": lambda: _char_class("\\s"), "w": lambda: _char_class("\\w")}
    while i < len(src):
        ch = src[i]
        if ch == "\\":
            nxt = src[i + 1]
            if nxt in expand:
                if in_class:
                    raise ValueError(f"cannot rewrite \\{nxt} inside a class of ftfy's BADNESS_RE")
                out.append(expand[nxt]())
            elif nxt.isalpha() and nxt not in "x":
                raise ValueError(f"unexpected escape \\{nxt} in ftfy's BADNESS_RE")
            else:
                out.append(src[i:i + 2])
            i += 2
            continue
        if in_class:
            out.append(ch)
            in_class = not (ch == "]" and not class_start)
            class_start = False
        elif ch == "[":
            out.append("[^" if src[i + 1] == "^" else "[")
            i += src[i + 1] == "^"
            in_class = class_start = True
        elif ch == "#":
            while i < len(src) and src[i] != "\n":
                i += 1
        elif not ch.isspace():
            out.append(ch)
        i += 1
    return "".join(out)


def find_mojibake(text: str) -> str | None:
    """The first stretch of `text` that ftfy takes for mojibake, or None.

    >>> find_mojibake("Itâ€™s here")
    'â€'
    """
    m = BADNESS_RE.search(text)
    return None if m is None else m.group()


def search_re2(values, pattern: str):
    """Whether each of `values` (strings, or None) holds a match of `pattern`, searched by pyarrow
    (RE2, in C) rather than Python's `re`, as a numpy array of bools (None counts as no match); None
    when pyarrow refuses the values (something other than a string); a lone surrogate raises
    `UnicodeEncodeError`.

    `pattern` must mean the same in RE2 and `re` (`mojibake_pattern` is written so; the tests check it).

    >>> search_re2(["cafÃ© au lait", None, "café"], mojibake_pattern()).tolist()
    [True, False, False]
    >>> search_re2(["a", 3], "a") is None
    True
    """
    import pyarrow
    import pyarrow.compute as pc

    try:  # NaN is a missing value in a pandas column; a list holds None (and `from_pandas` imports pandas)
        found = pc.match_substring_regex(pyarrow.array(values, pyarrow.string(), from_pandas=not isinstance(values, list)),
                                         pattern)
    except (pyarrow.ArrowInvalid, pyarrow.ArrowTypeError):
        return None
    return found.fill_null(False).to_numpy(zero_copy_only=False)


# ── the removals and quarantine tables (schemas/removals.py, schemas/quarantine.py) ──────────────

#: Every category a removal may carry. Text rules (`cleaner/rules.py`), context labels
#: (`cleaner/classify.py`) and HTML markers (`cleaner/html/markup.py`) all draw from this list.
CATEGORIES: tuple[str, ...] = (
    "title", "subtitle", "byline", "caption", "credit", "ad", "navigation", "related", "comments",
    "newsletter", "cookie", "social", "widget", "disclaimer", "timestamp", "copyright", "tags",
    "author_bio", "duplicate_paragraph", "promo", "boilerplate", "other",
)

#: A removed text is not blank: it holds a character Python does not count as white space (what
#: `str.strip` leaves), written as a class RE2 reads as `re` does (`_char_class`).
NOT_BLANK_PATTERN = "[^\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"  # the characters, not escapes

#: A rule id: lowercase dotted words, `family.name` (`credit.photo_by`, `html.figcaption`).
RULE_ID_PATTERN = r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+"

#: The stages that quarantine records.
STAGES: tuple[str, ...] = ("read", "clean", "validate")

#: `source_sha256` of a quarantine entry: the input file's sha256, or empty when it could not be read.
SOURCE_SHA256_PATTERN = r"^(?:[0-9a-f]{64})?$"
