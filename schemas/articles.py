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

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from cleaner.config import DEFAULT_CONFIG, CleanerConfig
from schemas.patterns import (  # noqa: F401 - the contract's patterns, re-exported where they were
    BOILERPLATE_PATTERN, BOILERPLATE_PHRASES, CONTROL_CHARS_PATTERN, LANGUAGE_PATTERN, MAX_REPLACEMENT_CHARS, PUBLISHED_PATTERN,
    TEXT_FIELDS, URL_PATTERN, find_boilerplate, find_mojibake, mojibake_pattern, search_re2,
)


def contains_re2(s: pd.Series, pattern: str) -> pd.Series:
    """`s.str.contains(pattern, na=False)`, searched by pyarrow (RE2, in C) rather than Python's `re`
    (`patterns.search_re2`).

    The batch's columns are object dtype, where pandas would loop in Python: for the mojibake
    pattern (its classes spell out every space and word character) that was 80 µs an article,
    most of the contract's cost. A column holding something other than strings and missing
    values takes pandas' path.

    >>> contains_re2(pd.Series(["cafÃ© au lait", None, "café"]), mojibake_pattern()).tolist()
    [True, False, False]
    """
    found = search_re2(s.to_numpy(dtype=object), pattern)
    if found is None:
        return s.str.contains(pattern, na=False).astype(bool)
    return pd.Series(found, index=s.index, dtype=bool)


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
