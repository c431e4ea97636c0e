"""One serialiser of `Article` (`records.article_dict`): the bytes `cleaner clean` writes and the
published row are pinned as the three serialisers before it (cli.article_record,
tables.article_row, validate.articles_frame) made them, on main at 7b926b5."""
from __future__ import annotations

import json

from cleaner.publish.tables import ARTICLES, article_row
from cleaner.records import ARTICLE_FIELDS, Article, Label, Removal, Source, article_dict, removal_columns
from cleaner.validate import articles_frame

ARTICLE = Article(
    id="harbour-1", source=Source("feeds/harbour.jsonl", "ab" * 32, 7, "jsonl"), raw="<p>x</p>",
    content_type="html", title="Ferry back in service", subtitle="After two weeks", authors=["Jane Doe", "Jo Roe"],
    published="2024-03-05", url="https://example.org/ferry", site_name="Harbour News", language="en",
    language_score=0.97, declared_language="en", text="The ferry is back.\n\nIt runs hourly.", captions=["The ferry. (Photo: J. Doe)"], credits=["AP"],
    removals=[Removal(Label("navigation", "nav.menu"), "Home | News", 0),
              Removal(Label("caption", "caption.photo"), "The ferry. (Photo: J. Doe)", 3)],
    extra={"tags": ["port", "ferry"], "encoding": "cp1252", "b": 1}, text_lines=[1, 2])

#: `json.dumps(cli.article_record(ARTICLE), ensure_ascii=False)` before the serialisers became one
#: (`cleaner clean` now writes `json.dumps(article.to_dict(), ensure_ascii=False)`), with the two
#: language fields of issue 15 (`language_score`, `declared_language`) after `language`.
PINNED_LINE = (
    '{"id": "harbour-1", "source_path": "feeds/harbour.jsonl", "source_index": 7, "title": "Ferry back in service", '
    '"subtitle": "After two weeks", "authors": ["Jane Doe", "Jo Roe"], "published": "2024-03-05", '
    '"url": "https://example.org/ferry", "site_name": "Harbour News", "language": "en", "language_score": 0.97, '
    '"declared_language": "en", "text": "The ferry is back.\\n\\nIt runs hourly.", "captions": ["The ferry. (Photo: J. Doe)"], "credits": ["AP"], '
    '"removals": [{"category": "navigation", "rule": "nav.menu", "text": "Home | News", "line": 0}, '
    '{"category": "caption", "rule": "caption.photo", "text": "The ferry. (Photo: J. Doe)", "line": 3}], '
    '"extra": {"tags": ["port", "ferry"], "encoding": "cp1252", "b": 1}}')


def test_clean_record_bytes_are_the_pinned_ones_key_order_included():
    assert json.dumps(ARTICLE.to_dict(), ensure_ascii=False) == PINNED_LINE  # what `cleaner clean` writes


def test_published_row_is_the_pinned_one_and_fills_every_column():
    row = article_row(ARTICLE)
    assert row == {
        "id": "harbour-1", "title": "Ferry back in service", "subtitle": "After two weeks",
        "authors": ["Jane Doe", "Jo Roe"], "published": "2024-03-05", "url": "https://example.org/ferry",
        "site_name": "Harbour News", "language": "en", "language_score": 0.97, "declared_language": "en",
        "text": "The ferry is back.\n\nIt runs hourly.",
        "captions": ["The ferry. (Photo: J. Doe)"], "credits": ["AP"], "n_removals": 2, "text_lines": [1, 2],
        "source_path": "feeds/harbour.jsonl", "source_sha256": "ab" * 32, "source_index": 7,
        "source_format": "jsonl", "extra": '{"b": 1, "encoding": "cp1252", "tags": ["port", "ferry"]}'}
    assert set(row) == set(ARTICLES.names)


def test_validation_frame_takes_its_values_from_the_same_serialiser():
    frame = articles_frame([ARTICLE])
    d = article_dict(ARTICLE)
    for name in ("id", "subtitle", "authors", "published", "url", "site_name", "language", "language_score",
                 "declared_language", "text", "source_path"):
        assert frame[name].iloc[0] == d[name], name
    assert frame["n_words"].iloc[0] == 7


def test_serialised_lists_are_copies_so_a_later_change_to_the_article_does_not_leak():
    d = article_dict(ARTICLE)
    d["authors"].append("Someone Else")
    assert ARTICLE.authors == ["Jane Doe", "Jo Roe"] and list(d) == list(ARTICLE_FIELDS)



def test_removal_columns_are_the_removal_dicts_a_column_each():
    """Staged removals are made from `removal_columns`: the same values as a dict per removal."""
    columns = removal_columns(ARTICLE.removals)
    assert [dict(zip(columns, row)) for row in zip(*columns.values())] == article_dict(ARTICLE)["removals"]
    assert article_dict(ARTICLE, removals=False) == {k: v for k, v in article_dict(ARTICLE).items() if k != "removals"}
