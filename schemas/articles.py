"""What a published article is: the pandera contract every row of a validation batch must meet.

The frame has one row per `Article` (built by `cleaner.validate.articles_frame`). Each named check
below is one clause of the contract; `cleaner.validate` turns its failure cases into per-record
quarantine reasons. The checks are vectorised (`Series.str`), and every pattern is written in the
subset of regex syntax that Python's `re` and RE2 read the same way, so pandas runs them in pyarrow
when the column is Arrow-backed: a batch of thousands of articles validates in milliseconds.

The contract is a safety net, not the cleaner: the cleaner's own rules live in `cleaner/rules.py`.
"""
from __future__ import annotations

import functools
import re
import sys

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.compute as pc
from ftfy.badness import BADNESS_RE
from pandera.typing import Series

from cleaner import lexicon
from cleaner.config import DEFAULT_CONFIG, CleanerConfig

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


def _phrase_regex(phrase: str, where: str) -> str:
    """A regex for one boilerplate phrase, in syntax both `re` and RE2 accept.

    >>> _phrase_regex("(AP Photo/", "anywhere")
    '\\\\(AP Photo/'
    >>> bool(re.search(_phrase_regex("Related Articles", "line"), "x\\n Related Articles\\ny"))
    True
    """
    text = re.sub(r"([\\.^$|?*+()\[\]{}])", r"\\\1", phrase)
    if where == "line":
        return rf"(?:\A|\n)[ \t]*{text}[ \t]*(?:\n|\Z)"
    if where == "anywhere":
        return text
    raise ValueError(f"unknown place {where!r} for boilerplate phrase {phrase!r}")


BOILERPLATE_PATTERN = "|".join(f"(?:{_phrase_regex(p, w)})" for p, w in BOILERPLATE_PHRASES)
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


def contains_re2(s: pd.Series, pattern: str) -> pd.Series:
    """`s.str.contains(pattern, na=False)`, searched by pyarrow (RE2, in C) rather than Python's `re`.

    The batch's columns are object dtype, where pandas would loop in Python: for the mojibake
    pattern (its classes spell out every space and word character) that was 80 µs an article,
    most of the contract's cost. `pattern` must mean the same in RE2 and `re` (`mojibake_pattern`
    is written so; the tests check it). A column holding something other than strings and
    missing values takes pandas' path.

    >>> contains_re2(pd.Series(["cafÃ© au lait", None, "café"]), mojibake_pattern()).tolist()
    [True, False, False]
    """
    try:
        found = pc.match_substring_regex(pyarrow.array(s.to_numpy(dtype=object), pyarrow.string(), from_pandas=True), pattern)
    except (pyarrow.ArrowInvalid, pyarrow.ArrowTypeError):
        return s.str.contains(pattern, na=False).astype(bool)
    return pd.Series(found.fill_null(False).to_numpy(zero_copy_only=False), index=s.index, dtype=bool)


def find_mojibake(text: str) -> str | None:
    """The first stretch of `text` that ftfy takes for mojibake, or None.

    >>> find_mojibake("Itâ€™s here")
    'â€'
    """
    m = BADNESS_RE.search(text)
    return None if m is None else m.group()


def _is_str_list(value: object) -> bool:
    """A list (or tuple, or 1-d array as read back from Parquet) of strings only."""
    if isinstance(value, np.ndarray):
        value = value.tolist() if value.ndim == 1 else None
    return isinstance(value, (list, tuple)) and all(isinstance(x, str) for x in value)


class ArticleSchema(pa.DataFrameModel):
    """A batch of articles ready to publish, one row per `Article`.

    Use `article_schema(config)` to get the contract for a given config; this class is the one for
    `DEFAULT_CONFIG`. Ids are unique over the whole build, which one batch cannot see: the pipeline
    checks that (`cleaner.validate.FirstIds`, quarantine check `id_unique`).
    """

    _min_body_words = DEFAULT_CONFIG.min_body_words

    id: Series[str] = pa.Field(description="Stable article id; unique over the build (check id_unique, run by the pipeline).")
    title: Series[str] = pa.Field(description="Clean headline; not blank (check title_not_empty).")
    subtitle: Series[str] = pa.Field(nullable=True, description="Standfirst or dek, when the input had one.")
    authors: Series[object] = pa.Field(description="Author names, a list of strings (may be empty).")
    published: Series[str] = pa.Field(
        nullable=True, description="Publication date: ISO `YYYY-MM-DD` or ISO datetime (check published_is_iso_date).")
    url: Series[str] = pa.Field(nullable=True, description="Canonical http(s) URL with a host (check url_valid).")
    site_name: Series[str] = pa.Field(nullable=True, description="Publisher or site name, when known.")
    language: Series[str] = pa.Field(
        description="Language of the title and body, detected from the cleaned text (fastText lid.176 via "
                    "cleaner.language): ISO 639-1, ISO 639-3 for a language with no 639-1 code, or 'und' when "
                    "the text is too short or the guess below 0.5 (check language_is_code).")
    language_score: Series[float] = pa.Field(
        description="The detector's confidence in `language`, in [0, 1] (check language_score_in_range).")
    declared_language: Series[str] = pa.Field(
        nullable=True, description="The language the input declared (<html lang>, og:locale, a JSONL 'language' "
                                   "field), primary subtag; kept apart from `language`, which it may contradict.")
    text: Series[str] = pa.Field(
        description="Clean body, paragraphs joined by a blank line; no boilerplate, mojibake or controls left.")
    n_words: Series[int] = pa.Field(
        description="Words in `text` (whitespace-separated; Chinese and Japanese, written without spaces, count two "
                    "characters a word: cleaner.text.count_words); at least config.min_body_words (check body_long_enough).")
    source_path: Series[str] = pa.Field(description="Path of the input file the article came from.")

    class Config:
        name = "articles"
        description = "One row per article of a validation batch: the contract a published article meets."
        strict = True
        coerce = False

    @pa.check("title")
    def title_not_empty(cls, s: pd.Series) -> pd.Series:
        return s.str.strip().str.len().fillna(0) > 0

    @pa.check("authors")
    def authors_are_strings(cls, s: pd.Series) -> pd.Series:
        return s.map(_is_str_list).astype(bool)

    @pa.check("published")
    def published_is_iso_date(cls, s: pd.Series) -> pd.Series:
        shaped = s.str.fullmatch(PUBLISHED_PATTERN, na=False)
        real_day = pd.to_datetime(s.str.slice(0, 10).where(shaped), format="%Y-%m-%d", errors="coerce").notna()
        return shaped & real_day

    @pa.check("url")
    def url_valid(cls, s: pd.Series) -> pd.Series:
        return s.str.fullmatch(URL_PATTERN, na=False)

    @pa.check("language")
    def language_is_code(cls, s: pd.Series) -> pd.Series:
        return s.str.fullmatch(LANGUAGE_PATTERN, na=False)

    @pa.check("language_score")
    def language_score_in_range(cls, s: pd.Series) -> pd.Series:
        return s.between(0.0, 1.0)

    @pa.check("text")
    def no_boilerplate_left(cls, s: pd.Series) -> pd.Series:
        return ~s.str.contains(BOILERPLATE_PATTERN, na=False)

    @pa.check(*TEXT_FIELDS)
    def no_mojibake_left(cls, s: pd.Series) -> pd.Series:
        return ~contains_re2(s, mojibake_pattern())

    @pa.check(*TEXT_FIELDS)
    def no_control_chars(cls, s: pd.Series) -> pd.Series:
        return ~contains_re2(s, CONTROL_CHARS_PATTERN)

    @pa.check(*TEXT_FIELDS)
    def no_undecodable_chars(cls, s: pd.Series) -> pd.Series:
        return s.str.count("\ufffd").fillna(0) <= MAX_REPLACEMENT_CHARS

    @pa.check("n_words")
    def body_long_enough(cls, s: pd.Series) -> pd.Series:
        return s >= cls._min_body_words


@functools.cache
def _schema_for(min_body_words: int) -> type[ArticleSchema]:
    if min_body_words == ArticleSchema._min_body_words:
        return ArticleSchema
    return type("ArticleSchema", (ArticleSchema,), {
        "__doc__": ArticleSchema.__doc__, "__module__": __name__, "_min_body_words": min_body_words})


def article_schema(config: CleanerConfig = DEFAULT_CONFIG) -> type[ArticleSchema]:
    """The article contract for `config`: `ArticleSchema` with its minimum body length.

    >>> article_schema(CleanerConfig(min_body_words=5))._min_body_words
    5
    >>> article_schema() is ArticleSchema
    True
    """
    return _schema_for(config.min_body_words)
