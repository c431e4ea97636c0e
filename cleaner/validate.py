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
from cleaner.language import identify
from cleaner.records import Article, Quarantined, article_dict
from cleaner.text import count_words
from schemas import built
from schemas.articles import article_schema

#: What each check means, in the words a quarantine reason uses.
REASONS = {
    "id_unique": "the id {value!r} is used by an earlier article of the build",
    "title_not_empty": "the title is empty",
    "authors_are_strings": "authors is not a list of strings",
    "published_is_iso_date": "published {value!r} is not an ISO date",
    "url_valid": "url {value!r} is not an http(s) URL",
    "language_is_code": "language {value!r} is not an ISO 639 code or 'und'",
    "language_score_in_range": "language_score {value!r} is not a confidence in [0, 1]",
    "no_boilerplate_left": "boilerplate left in the body",
    "no_mojibake_left": "mojibake left in {column}",
    "no_control_chars": "control characters left in {column}",
    "no_undecodable_chars": "too many U+FFFD replacement characters in {column}",
    "body_long_enough": "the body has {value} words, fewer than the {min_words} required",
}


class FirstIds:
    """The `id_unique` check, the one both `pipeline.process` (a stream) and `pipeline.build` (over
    staged shards) run: the first article with an id (in input order) keeps it; a later article with
    that id and another body is quarantined; with the same body it is a repeat, left to dedup.

    Run over the whole build rather than inside the contract, which sees one validation batch at a
    time, so the outcome does not depend on where batch or shard boundaries fall.

    >>> ids = FirstIds()
    >>> ids.clashes("a", "key-1"), ids.clashes("a", "key-1"), ids.clashes("a", "key-2"), ids.clashes("b", "key-2")
    (False, False, True, False)
    >>> ids.reason("a")
    "the id 'a' is used by an earlier article of the build"
    """

    def __init__(self) -> None:
        self._first: dict[str, str] = {}  # id -> body key of the article that has it

    def clashes(self, id_: str, body_key: str) -> bool:
        """Whether an article with this id and body must be quarantined (and remember the first one)."""
        return self._first.setdefault(id_, body_key) != body_key

    @staticmethod
    def reason(id_: str) -> str:
        return REASONS["id_unique"].format(value=id_)


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
        "language_score": pd.Series([r["language_score"] for r in rows], dtype="float64"),
        "declared_language": column("declared_language"),
        "n_words": pd.Series([count_words(r["text"]) for r in rows], dtype="int64"),
        "source_path": column("source_path"),
    })


def validate_articles(articles: list[Article], config: CleanerConfig = DEFAULT_CONFIG
                      ) -> tuple[list[Article], list[Quarantined]]:
    """Split a batch into the articles that meet the contract and quarantine entries for the rest.

    An article made in code rather than by `clean_article` (it has no `language_score`) has its
    language detected here first, so every published article has one; a `language` it was given
    is kept as its declared language.

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
    for a in articles:
        if a.language_score is None:  # made in code, not by clean_article: detect now
            a.declared_language = a.declared_language or a.language
            identify(a)
    frame = articles_frame(articles)
    schema = built(article_schema(config))
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


#: The published tables held to a schema of their own before they are written, by config name.
TABLE_SCHEMAS = {"removals": ("schemas/removals.py", "RemovalSchema"),
                 "quarantine": ("schemas/quarantine.py", "QuarantineSchema")}

#: Failing values quoted in the message, per (column, check).
SHOWN_FAILURES = 3


class TableContractBroken(RuntimeError):
    """A removals or quarantine table the build made breaks its schema: a bug in the cleaner, not in
    the input, so the build stops (nothing is published) rather than publish a table that lies."""


def check_table(name: str, table, where: str = "") -> None:
    """Validate a removals or quarantine table (Arrow) against its pandera schema, lazily.

    Raises `TableContractBroken` naming the table, each failed column and check, how many rows
    fail it and the first failing values.

    >>> import pyarrow as pa
    >>> from cleaner.publish.tables import REMOVALS
    >>> good = pa.table({"article_id": ["a"], "category": ["caption"], "rule": ["caption.photo"],
    ...                  "text": ["A ferry. (AP Photo)"], "line": [3]}, schema=REMOVALS)
    >>> check_table("removals", good)
    >>> bad = pa.table({"article_id": ["a"], "category": ["weather"], "rule": ["Caption"],
    ...                 "text": ["A ferry."], "line": [3]}, schema=REMOVALS)
    >>> check_table("removals", bad, "shard 4")
    Traceback (most recent call last):
    cleaner.validate.TableContractBroken: shard 4: the removals table breaks its contract (schemas/removals.py RemovalSchema), a bug in the cleaner: category fails isin (1 rows: 'weather'); rule fails str_matches (1 rows: 'Caption')
    """
    import schemas.quarantine
    import schemas.removals

    path, model = TABLE_SCHEMAS[name]
    schema = built(getattr(schemas.removals if name == "removals" else schemas.quarantine, model))
    try:
        schema.validate(table.to_pandas(), lazy=True)
    except pandera.errors.SchemaErrors as err:
        problems: dict[tuple[str, str], list] = defaultdict(list)
        for case in err.failure_cases.itertuples(index=False):
            column = case.column if isinstance(case.column, str) else "the table"
            problems[(column, _check_name(case.check))].append(case.failure_case)
        said = "; ".join(f"{column} fails {check} ({len(values)} rows: "
                         + ", ".join(repr(v) for v in values[:SHOWN_FAILURES]) + ")"
                         for (column, check), values in problems.items())
        raise TableContractBroken(f"{where + ': ' if where else ''}the {name} table breaks its contract "
                                  f"({path} {model}), a bug in the cleaner: {said}") from None
