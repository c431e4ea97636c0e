"""The validate stage: hold each batch of cleaned articles to the pandera contract in `schemas/`.

Validation is lazy (every check runs, every failure is collected), and each failure case becomes a
reason on its record: an article that breaks three checks is quarantined once, with three reasons.
Articles that pass are returned unchanged and in order.

The pandera models are the contract, but they are asked only about the rows that may break it.
A screen (`clear_rows`, `table_clear`) first runs each clause of the contract in plain Python or
pyarrow, with the contract's own patterns (`schemas.patterns`), and lets through only the rows that
certainly meet every clause; the rest go to pandera, which gives the failures and their reasons.
The screen may doubt a good row (pandera then passes it) but never clears a bad one
(`tests/test_validate.py` holds it to the models, clause by clause). Importing pandas and pandera
and running a model costs about a second, which most small builds now never pay.
"""
from __future__ import annotations

import datetime
import re
from collections import defaultdict
from functools import cache

from cleaner.config import DEFAULT_CONFIG, CleanerConfig
from cleaner.language import identify
from cleaner.records import Article, Quarantined, article_dict
from cleaner.text import count_words
from schemas import patterns

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


def articles_frame(articles: list[Article]):
    """The validation frame (a pandas DataFrame): one row per article (`records.article_dict`), the
    columns `ArticleSchema` describes.

    >>> from cleaner.records import Source
    >>> articles_frame([Article(id="a", source=Source("f.txt", "0" * 64), title="T", text="one two")])[["id", "n_words"]]
      id  n_words
    0  a        2
    """
    return _frame([article_dict(a, removals=False) for a in articles])


def _frame(rows: list[dict]):
    import pandas as pd

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
    rows = [article_dict(a, removals=False) for a in articles]  # the contract holds no removals
    doubtful = [i for i, ok in enumerate(clear_rows(rows, config)) if not ok]
    failures = _contract_failures(rows, doubtful, config) if doubtful else {}
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


def _contract_failures(rows: list[dict], doubtful: list[int], config: CleanerConfig) -> dict[int, dict[str, str]]:
    """{batch row: {check: reason}} for the `doubtful` rows of a batch, as the pandera model finds them.

    The model sees those rows alone: its checks go element by element, so a row fails the same
    checks in any company. A failure of the frame as a whole (a column's dtype) is the exception:
    it holds for every row of the batch, so then the whole batch is validated, as it always was.
    """
    failures = _pandera_failures([rows[i] for i in doubtful], config)
    if failures is None:
        return _pandera_failures(rows, config, frame_level_rows=True)
    return {doubtful[row]: checks for row, checks in failures.items()}


def _pandera_failures(rows: list[dict], config: CleanerConfig, frame_level_rows: bool = False
                      ) -> dict[int, dict[str, str]] | None:
    """{frame row: {check: reason}} from validating `rows` with the pandera model, lazily; None when a
    failure holds for the frame as a whole, unless `frame_level_rows` (then it goes on every row)."""
    import pandas as pd
    import pandera.errors

    from schemas import built
    from schemas.articles import article_schema

    failures: dict[int, dict[str, str]] = defaultdict(dict)
    try:
        built(article_schema(config)).validate(_frame(rows), lazy=True)
    except pandera.errors.SchemaErrors as err:
        for case in err.failure_cases.itertuples(index=False):
            check = _check_name(case.check)
            column = case.column if isinstance(case.column, str) else None
            index = case.index
            if index is None or (isinstance(index, float) and pd.isna(index)):
                if not frame_level_rows:
                    return None
                hit = range(len(rows))  # a frame-level failure (wrong dtype, missing column)
            else:
                hit = [int(index)]
            for row in hit:
                reason = REASONS.get(check, "failed check {check}").format(
                    value=case.failure_case, column=column, check=check, min_words=config.min_body_words)
                failures[row].setdefault(check, reason)
    return failures


#: The clauses of the article contract `clear_rows` screens for: every check of `ArticleSchema`,
#: and each column's type and nullability (`tests/test_validate.py` compares them with the model).
SCREENED_CHECKS = ("title_not_empty", "authors_are_strings", "published_is_iso_date", "url_valid",
                   "language_is_code", "language_score_in_range", "no_boilerplate_left", "no_mojibake_left",
                   "no_control_chars", "no_undecodable_chars", "body_long_enough")
#: The columns that must hold a string, and those that may also be None.
STR_COLUMNS = ("id", "title", "language", "text", "source_path")
NULLABLE_STR_COLUMNS = ("subtitle", "published", "url", "site_name", "declared_language")


@cache
def _fullmatch(pattern: str):
    return re.compile(pattern).fullmatch


def clear_rows(rows: list[dict], config: CleanerConfig = DEFAULT_CONFIG) -> list[bool]:
    """For each row (`records.article_dict`) of a batch, whether it certainly meets every clause of
    the article contract: True only when the pandera model would find no failure in it.

    Each clause asks what the model's check asks, in the same terms (`str.strip`, Python's `re` with
    the model's patterns, RE2 through pyarrow where the model uses it, and for the boilerplate
    phrases, which the model asks `re`, its pattern as RE2 reads it), or a stricter question:
    a date must lie between 1678 and 2261, where pandas' day parsing certainly reads it.

    >>> from cleaner.records import Source
    >>> ok = Article(id="a", source=Source("f.txt", "0" * 64), title="T", text=" ".join(["word"] * 30), language="en",
    ...              language_score=0.9, published="2024-02-29")
    >>> clear_rows([article_dict(ok), article_dict(ok) | {"published": "2023-02-29"}])
    [True, False]
    """
    published_shape = _fullmatch(patterns.PUBLISHED_PATTERN)
    url_shape = _fullmatch(patterns.URL_PATTERN)
    language_shape = _fullmatch(patterns.LANGUAGE_PATTERN)
    least_words = config.min_body_words
    ok = []
    for r in rows:
        ok.append(
            all(type(r[c]) is str for c in STR_COLUMNS)
            and all(r[c] is None or type(r[c]) is str for c in NULLABLE_STR_COLUMNS)
            and r["title"].strip() != ""
            and type(r["authors"]) is list and all(type(a) is str for a in r["authors"])
            and (r["published"] is None or (published_shape(r["published"]) is not None and _real_day(r["published"])))
            and (r["url"] is None or url_shape(r["url"]) is not None)
            and language_shape(r["language"]) is not None
            and type(r["language_score"]) is float and 0.0 <= r["language_score"] <= 1.0
            and _has_words(r["text"], least_words)
            and all(r[c] is None or r[c].count("\ufffd") <= patterns.MAX_REPLACEMENT_CHARS for c in patterns.TEXT_FIELDS))
    # Mojibake and control characters: the model's RE2 searches; boilerplate: its `re` pattern as
    # RE2 reads it (`patterns.BOILERPLATE_RE2_PATTERN`), a tenth of the cost on a batch's bodies.
    searches = [(column, pattern) for column in patterns.TEXT_FIELDS
                for pattern in (patterns.mojibake_pattern(), patterns.CONTROL_CHARS_PATTERN)]
    for column, pattern in searches + [("text", patterns.BOILERPLATE_RE2_PATTERN)]:
        values = [r[column] if type(r[column]) is str else None for r in rows]
        try:
            found = patterns.search_re2(values, pattern)
        except UnicodeEncodeError:  # a lone surrogate: the model's answer, whatever it is
            found = None
        if found is None:
            return [False] * len(rows)
        ok = [good and not hit for good, hit in zip(ok, found.tolist())]
    return ok


def _has_words(text: str, least: int) -> bool:
    """`count_words(text) >= least`, without counting every word of a long body: splitting at most
    `least - 1` times gives `least` pieces exactly when the text has `least` words or more, and
    only a text with fewer (or with Chinese or Japanese, counted by characters) is counted in full.

    >>> _has_words("one two three", 3), _has_words("one two", 3), _has_words("一个约定，信守15年", 3)
    (True, False, True)
    """
    return least < 1 or len(text.split(None, least - 1)) >= least or count_words(text) >= least


def _real_day(published: str) -> bool:
    """Whether the first ten characters of an ISO-shaped date name a day that exists, in years pandas reads."""
    try:
        day = datetime.date.fromisoformat(published[:10])
    except ValueError:
        return False
    return 1678 <= day.year <= 2261


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
    """Validate a removals or quarantine table (Arrow) against its pandera schema, lazily, when
    `table_clear` cannot tell that it meets it.

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
    if table_clear(name, table):
        return
    import pandera.errors

    import schemas.quarantine
    import schemas.removals
    from schemas import built

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


#: The clauses `table_clear` screens for, per table: every check of its model, and each column's
#: type and nullability (`tests/test_validate.py` compares them with the models).
SCREENED_TABLE_CHECKS = {"removals": ("isin", "str_matches", "text_not_blank", "greater_than_or_equal_to"),
                         "quarantine": ("str_matches", "greater_than_or_equal_to", "isin", "checks_named", "reasons_given")}


def table_clear(name: str, table) -> bool:
    """Whether a removals or quarantine table (Arrow) certainly meets its pandera model: its Arrow
    schema is the published one (`publish.tables`), only `id` of the quarantine has nulls, and each
    check of the model holds, asked in pyarrow with the model's own values and patterns. RE2 reads
    the patterns at least as strictly as Python's `re.match` does (its `$` is the end of the text,
    where `re`'s also allows a final newline), and a text is not blank when it holds a character
    outside Python's white space (`str.strip`'s).

    >>> import pyarrow as pa
    >>> from cleaner.publish.tables import REMOVALS
    >>> row = {"article_id": ["a"], "category": ["caption"], "rule": ["caption.photo"], "text": ["A ferry."], "line": [3]}
    >>> table_clear("removals", pa.table(row, schema=REMOVALS))
    True
    >>> table_clear("removals", pa.table(row | {"text": ["\u3000 "]}, schema=REMOVALS))
    False
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    from cleaner.publish.tables import QUARANTINE, REMOVALS

    if not table.schema.equals(REMOVALS if name == "removals" else QUARANTINE):
        return False
    if table.num_rows == 0:
        return True
    if any(table[c].null_count for c in table.column_names if not (name == "quarantine" and c == "id")):
        return False

    def every(found) -> bool:
        return pc.all(found).as_py() is True

    def matches(column: str, pattern: str) -> bool:
        return every(pc.match_substring_regex(table[column], pattern))

    if name == "removals":
        return (every(pc.is_in(table["category"], value_set=pa.array(patterns.CATEGORIES)))
                and matches("rule", f"^(?:{patterns.RULE_ID_PATTERN})")
                and matches("text", patterns.NOT_BLANK_PATTERN)
                and pc.min(table["line"]).as_py() >= 0)

    def named(column: str) -> bool:  # a non-empty list of non-empty strings
        items = pc.list_flatten(table[column])
        return (pc.min(pc.list_value_length(table[column])).as_py() >= 1 and items.null_count == 0
                and pc.min(pc.utf8_length(items)).as_py() >= 1)

    return (matches("source_sha256", patterns.SOURCE_SHA256_PATTERN)
            and pc.min(table["source_index"]).as_py() >= 1
            and every(pc.is_in(table["stage"], value_set=pa.array(patterns.STAGES)))
            and named("checks") and named("reasons"))
