"""The validate stage: hold each batch of cleaned articles to the pandera contract in `schemas/`.

Validation is lazy (every check runs, every failure is collected), and each failure case becomes a
reason on its record: an article that breaks three checks is quarantined once, with three reasons.
Articles that pass are returned unchanged and in order.
"""
from __future__ import annotations

from collections import defaultdict

import pandas as pd
import pandera.errors

from cleaner.config import DEFAULT_CONFIG, CleanerConfig
from cleaner.records import Article, Quarantined, article_dict
from schemas.articles import article_schema

#: What each check means, in the words a quarantine reason uses.
REASONS = {
    "id_unique": "the id {value!r} is used by an earlier article of the batch",
    "title_not_empty": "the title is empty",
    "authors_are_strings": "authors is not a list of strings",
    "published_is_iso_date": "published {value!r} is not an ISO date",
    "url_valid": "url {value!r} is not an http(s) URL",
    "no_boilerplate_left": "boilerplate left in the body",
    "no_mojibake_left": "mojibake left in {column}",
    "no_control_chars": "control characters left in {column}",
    "no_undecodable_chars": "too many U+FFFD replacement characters in {column}",
    "body_long_enough": "the body has {value} words, fewer than the {min_words} required",
}


def articles_frame(articles: list[Article]) -> pd.DataFrame:
    """The validation frame: one row per article (`records.article_dict`), the columns `ArticleSchema` describes.

    >>> from cleaner.records import Source
    >>> articles_frame([Article(id="a", source=Source("f.txt", "0" * 64), title="T", text="one two")])[["id", "n_words"]]
      id  n_words
    0  a        2
    """
    rows = [article_dict(a) for a in articles]

    def column(name: str) -> pd.Series:
        return pd.Series([r[name] for r in rows], dtype=object)

    return pd.DataFrame({
        "id": column("id"),
        "title": pd.Series([r["title"] if r["title"] is not None else "" for r in rows], dtype=object),
        **{name: column(name) for name in ("subtitle", "authors", "published", "url", "site_name", "language", "text")},
        "n_words": pd.Series([len(r["text"].split()) for r in rows], dtype="int64"),
        "source_path": column("source_path"),
    })


def validate_articles(articles: list[Article], config: CleanerConfig = DEFAULT_CONFIG
                      ) -> tuple[list[Article], list[Quarantined]]:
    """Split a batch into the articles that meet the contract and quarantine entries for the rest.

    >>> from cleaner.records import Source
    >>> ok = Article(id="a", source=Source("f.txt", "0" * 64), title="Bridge to close", text=" ".join(["word"] * 30))
    >>> short = Article(id="b", source=Source("f.txt", "0" * 64, 2), title="", text="too short")
    >>> good, bad = validate_articles([ok, short])
    >>> [a.id for a in good], bad[0].checks
    (['a'], ['title_not_empty', 'body_long_enough'])
    >>> bad[0].reasons[1]
    'the body has 2 words, fewer than the 20 required'
    """
    if not articles:
        return [], []
    frame = articles_frame(articles)
    schema = article_schema(config)
    failures: dict[int, dict[str, str]] = defaultdict(dict)
    try:
        schema.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as err:
        for case in err.failure_cases.itertuples(index=False):
            check = _check_name(case.check)
            column = case.column if isinstance(case.column, str) else None
            index = case.index
            if index is None or (isinstance(index, float) and pd.isna(index)):
                rows = range(len(articles))  # a frame-level failure (wrong dtype, missing column)
            else:
                rows = [int(index)]
            for row in rows:
                reason = REASONS.get(check, "failed check {check}").format(
                    value=case.failure_case, column=column, check=check, min_words=config.min_body_words)
                failures[row].setdefault(check, reason)
    good: list[Article] = []
    bad: list[Quarantined] = []
    order = {name: i for i, name in enumerate(REASONS)}
    for row, article in enumerate(articles):
        if row not in failures:
            good.append(article)
            continue
        checks = sorted(failures[row], key=lambda c: order.get(c, len(order)))
        bad.append(Quarantined(source=article.source, stage="validate", checks=checks,
                               reasons=[failures[row][c] for c in checks], raw=article.raw, id=article.id))
    return good, bad


def _check_name(check: object) -> str:
    """pandera names a failed check `name` or `name(args)`; keep the name."""
    text = str(check)
    return text.split("(", 1)[0]
