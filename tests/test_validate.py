"""The data contract: each check of the article schema quarantines with its own reason."""
from __future__ import annotations

import pandas as pd
import pytest
from ftfy.badness import is_bad
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.config import CleanerConfig
from cleaner.records import Article, Source
import schemas
from schemas import patterns
from cleaner.validate import validate_articles
from schemas.articles import ArticleSchema, contains_re2, find_boilerplate, mojibake_pattern
from schemas.quarantine import QuarantineSchema
from schemas.removals import RemovalSchema

BODY = ("The council voted on Tuesday to close the old bridge for repairs next spring, after engineers "
        "found cracks in two of its stone arches.")


def _article(i: int = 1, **kw) -> Article:
    fields = dict(id=f"a{i}", source=Source("feed.jsonl", "0" * 64, i, "jsonl"), title="Bridge to close", text=BODY)
    fields.update(kw)
    return Article(**fields)


@pytest.mark.parametrize("fields, check, words", [
    ({"title": "  "}, "title_not_empty", "title is empty"),
    ({"text": "Too short."}, "body_long_enough", "2 words"),
    ({"published": "12/03/2024"}, "published_is_iso_date", "'12/03/2024'"),
    ({"published": "2024-02-30"}, "published_is_iso_date", "not an ISO date"),
    ({"url": "javascript:alert(1)"}, "url_valid", "not an http(s) URL"),
    ({"text": BODY + "\n\nRelated Articles"}, "no_boilerplate_left", "boilerplate"),
    ({"text": BODY + " It\u00e2\u20ac\u2122s"}, "no_mojibake_left", "mojibake left in text"),
    ({"title": "Bridge\x07 to close"}, "no_control_chars", "control characters left in title"),
    ({"text": BODY + " Caf\ufffd, na\ufffdve, S\ufffdo Paulo, Z\ufffdrich."}, "no_undecodable_chars", "U+FFFD"),
    ({"authors": ["Jane", 3]}, "authors_are_strings", "list of strings"),
])
def test_each_broken_clause_quarantines_the_record_with_its_reason(fields, check, words):
    good, bad = validate_articles([_article(1), _article(2, **fields)])
    assert [a.id for a in good] == ["a1"]
    assert len(bad) == 1 and bad[0].id == "a2" and bad[0].stage == "validate"
    assert bad[0].checks == [check]
    assert words in bad[0].reasons[0]
    assert bad[0].message.startswith("feed.jsonl:2: ")


def test_a_record_failing_two_checks_is_quarantined_once_with_both_reasons():
    good, bad = validate_articles([_article(1, title="", text="short")])
    assert good == [] and len(bad) == 1
    assert bad[0].checks == ["title_not_empty", "body_long_enough"]
    assert len(bad[0].reasons) == 2


def test_a_repeated_id_keeps_the_first_and_a_repeated_body_is_left_to_dedup():
    from cleaner.pipeline import unique_ids

    other = BODY.replace("bridge", "tunnel")
    items = [_article(1), _article(2, id="a1", text=other), _article(3, id="a1"), _article(4, id="a2", text=other)]
    out = list(unique_ids(items))
    assert [type(o).__name__ for o in out] == ["Article", "Quarantined", "Article", "Article"]
    assert out[1].checks == ["id_unique"] and out[1].reasons == ["the id 'a1' is used by an earlier article of the build"]


def test_the_batch_contract_leaves_ids_to_the_one_run_wide_check():
    # One check, over the whole build: inside a batch it would depend on where batches are cut.
    good, bad = validate_articles([_article(1), _article(2, id="a1", text=BODY + " More.")])
    assert len(good) == 2 and bad == []


def test_the_minimum_body_length_comes_from_the_config():
    short = _article(1, text="one two three four five six")
    assert validate_articles([short], CleanerConfig(min_body_words=5))[0] == [short]
    assert validate_articles([short])[1][0].checks == ["body_long_enough"]


def test_a_chinese_story_is_long_enough_by_its_characters():
    """Chinese and Japanese are written without spaces: a story of 60 characters is one
    whitespace-separated "word", and was quarantined as too short (xinhuanet.com's story)."""
    zh = ("一个约定，信守15年，感人至深；一段真情，延续15年，催人泪下。6月3日上午，话剧《约定无期限》全省各市巡演活动来到秦皇岛，"
          "引起强烈反响。")
    good, bad = validate_articles([_article(1, text=zh)])
    assert [a.id for a in good] == ["a1"] and bad == []
    assert validate_articles([_article(1, text="一个约定。")])[1][0].checks == ["body_long_enough"]


def test_good_articles_pass_unchanged_and_in_order():
    arts = [_article(i, url="https://example.org/x", published="2024-03-14T09:00:00Z") for i in range(1, 6)]
    assert validate_articles(arts) == (arts, [])


_PHRASES = [p for p, _ in patterns.BOILERPLATE_PHRASES]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_PHRASES), st.sampled_from(["\n", " ", "\t", "\r", "\n\n", "x", "é", "\u3000"]),
                          st.text(max_size=3)), max_size=8).map("".join))
def test_the_boilerplate_pattern_reads_the_same_in_re2(text):
    """The screen searches bodies for boilerplate with RE2 (`BOILERPLATE_RE2_PATTERN`); the model asks `re`."""
    import re
    expected = re.search(patterns.BOILERPLATE_PATTERN, text) is not None
    assert patterns.search_re2([text], patterns.BOILERPLATE_RE2_PATTERN).tolist() == [expected]


def test_every_boilerplate_phrase_is_found_by_re2_where_re_finds_it():
    import re
    texts = [t for p in _PHRASES for t in (p, f"Body.\n {p}\t\nMore", f"a {p} b", f"{p}\n", f"x{p}")]
    found = patterns.search_re2(texts, patterns.BOILERPLATE_RE2_PATTERN).tolist()
    assert found == [re.search(patterns.BOILERPLATE_PATTERN, t) is not None for t in texts]


def test_a_sentence_that_mentions_related_articles_is_not_boilerplate():
    assert find_boilerplate("The minister said related articles of the treaty would be reviewed.") is None
    assert find_boilerplate("Great story.\nRelated Articles\nMore") == "Related Articles"


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(codec="utf-8"), max_size=40) | st.sampled_from(
    ["cafÃ©", "Itâ€™s", "naïve café", "Ã¼ber", "Â£5", "“quoted”", "中文 текст", "â€œHiâ€\x9d"]))
def test_the_vectorised_mojibake_pattern_agrees_with_ftfy(text):
    """In Python's `re` and in RE2 (pyarrow), where the contract runs it."""
    import re

    import pandas as pd
    assert bool(re.search(mojibake_pattern(), text)) == is_bad(text)
    assert contains_re2(pd.Series([text]), mojibake_pattern()).tolist() == [is_bad(text)]


def test_published_removals_and_quarantine_meet_their_schemas(tmp_path):
    from typer.testing import CliRunner

    from cleaner.cli import app
    from tests.conftest import SAMPLES
    bad = tmp_path / "in" / "bad.jsonl"
    bad.parent.mkdir()
    bad.write_text('{"text": 5}\nnot json\n')
    import shutil
    shutil.copy(SAMPLES / "006_wire_feed.jsonl", tmp_path / "in")
    result = CliRunner().invoke(app, ["run", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--name", "t"])
    assert result.exit_code == 1, result.output
    version = tmp_path / "out" / "t" / "v1"
    RemovalSchema.validate(pd.read_parquet(version / "removals"))
    quarantine = pd.read_parquet(version / "quarantine")
    assert len(quarantine) == 2
    QuarantineSchema.validate(quarantine)


_DESCRIBE_SCHEMAS = """
import sys
import schemas
from schemas import patterns
from schemas.articles import ArticleSchema
from schemas.quarantine import QuarantineSchema
from schemas.removals import RemovalSchema
for model in (ArticleSchema, QuarantineSchema, RemovalSchema):
    if sys.argv[1] == "pandas-only":
        schemas.built(model)
    s = model.to_schema()
    print(model.__name__, s.strict, s.ordered, s.unique, [c.name for c in s.checks])
    for name, col in s.columns.items():
        print(" ", name, col.dtype, col.nullable, col.required, col.unique, col.coerce,
              [(c.name, c.error) for c in col.checks])
print("dask.dataframe" in sys.modules)
"""


def test_schemas_built_with_pandas_types_only_are_pandera_s_own():
    """`schemas.built` (which spares start-up the dask import) gives the schema pandera builds itself."""
    import subprocess
    import sys

    def describe(how):
        return subprocess.run([sys.executable, "-c", _DESCRIBE_SCHEMAS, how], capture_output=True, text=True,
                              check=True).stdout.splitlines()

    ours, pandera_s = describe("pandas-only"), describe("pandera")
    assert ours[:-1] == pandera_s[:-1] and len(ours) > 20
    assert ours[-1] == "False"  # and ours did not import dask


# ── the screen before the model: it may doubt a good row, never clear a bad one ────────────────────

def _model_checks(model) -> set[str]:
    schema = schemas.built(model).to_schema()
    return {c.name for c in schema.checks} | {c.name for col in schema.columns.values() for c in col.checks}


def test_the_screen_asks_every_clause_of_the_article_model():
    """A check added to `ArticleSchema`, or a column made nullable, fails here until the screen asks it too."""
    from cleaner import validate

    schema = schemas.built(ArticleSchema).to_schema()
    assert set(validate.SCREENED_CHECKS) == _model_checks(ArticleSchema)
    strs = {name for name, col in schema.columns.items() if str(col.dtype).startswith("str")}  # "string[pyarrow]"
    assert set(validate.STR_COLUMNS) == {n for n in strs if not schema.columns[n].nullable}
    assert set(validate.NULLABLE_STR_COLUMNS) == {n for n in strs if schema.columns[n].nullable}
    assert {n for n, col in schema.columns.items() if col.nullable} == set(validate.NULLABLE_STR_COLUMNS)


def test_the_table_screen_asks_every_check_of_the_table_models():
    from cleaner import validate

    assert set(validate.SCREENED_TABLE_CHECKS["removals"]) == _model_checks(RemovalSchema)
    assert set(validate.SCREENED_TABLE_CHECKS["quarantine"]) == _model_checks(QuarantineSchema)


#: Values that break, bend or just meet a clause of the contract, per field of `records.article_dict`.
_TRICKY = {
    "id": ["a9", "", None, 7],
    "title": ["Bridge", " ", "\u3000", "", None, "Bridge\x07", "Caf\u00c3\u00a9 Paris", "x\ufffd\ufffd\ufffd\ufffd"],
    "subtitle": [None, "A dek", "Itâ€™s", "\x1f", "\ufffd" * 4],
    "authors": [[], ["Jane"], ["Jane", 3], None, ("Jane",)],
    "published": [None, "2024-03-14", "2024-02-29", "2023-02-29", "2024-13-01", "0001-01-01", "1677-01-01",
                  "2262-06-01", "9999-12-31", "2024-03-14T09:30", "2024-03-14T25:00", "2024-03-14T09:30:00.5+01:00",
                  "2024-03-14\n", "14/03/2024", ""],
    "url": [None, "https://example.org/x", "http://[::1]:80/", "ftp://x.org", "https://", "HTTPS://EXAMPLE.ORG",
            "https://exa mple.org", "javascript:alert(1)", "https://example.org/\n"],
    "site_name": [None, "Example", 3],
    "language": ["en", "und", "ceb", "EN", "e", "engl", None, "en\n"],
    "language_score": [0.9, 0.0, 1.0, 1.5, -0.1, float("nan"), None, 1],
    "declared_language": [None, "de", 3],
    "text": [BODY, "Too short.", BODY + "\n\nRelated Articles", BODY + " It\u00e2\u20ac\u2122s", BODY + "\x0b",
             BODY + " \ufffd\ufffd\ufffd", BODY + " \ufffd\ufffd\ufffd\ufffd", BODY + "\n(AP Photo/J. Doe)", ""],
    "source_path": ["feed.jsonl", None],
}


def _row(**changes) -> dict:
    from cleaner.records import article_dict
    row = article_dict(_article(1, language="en", language_score=0.9))
    row.update(changes)
    return row


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(_TRICKY)), st.integers(0, 20), max_size=4))
def test_a_row_the_screen_clears_the_model_passes(choice):
    from cleaner.validate import _pandera_failures, clear_rows

    row = _row(**{field: _TRICKY[field][k % len(_TRICKY[field])] for field, k in choice.items()})
    failures = _pandera_failures([row, _row()], CleanerConfig(), frame_level_rows=True)
    if clear_rows([row, _row()]) == [True, True]:
        assert failures == {}, (row, failures)
    assert 1 not in failures  # the good row beside it is never blamed for the other


@pytest.mark.parametrize("field, value", [(f, v) for f, vs in _TRICKY.items() for v in vs
                                          if f != "source_path" and not (f == "authors" and v is None)])
def test_each_tricky_value_gets_the_model_s_answer_through_validate(field, value):
    """Screened or not, a batch gets what the model alone gives it (the path every batch took before)."""
    from cleaner.validate import _pandera_failures

    arts = [_article(1, language="en", language_score=0.9), _article(2, language="en", language_score=0.9)]
    setattr(arts[1], field, value)  # (an Article's authors are never None, nor its source path)
    good, bad = validate_articles(arts)
    from cleaner.records import article_dict
    expected = _pandera_failures([article_dict(a) for a in arts], CleanerConfig(), frame_level_rows=True)
    assert [a.id for a in good] == [a.id for i, a in enumerate(arts) if i not in expected]
    assert [(q.id, set(q.checks)) for q in bad] == [(arts[i].id, set(expected[i])) for i in sorted(expected)]


def test_a_frame_level_failure_still_holds_for_the_whole_batch(monkeypatch):
    """A failure the model reports for the frame (no row) goes on every row of the batch, as before."""
    from cleaner import validate

    arts = [_article(1, language="en", language_score=0.9), _article(2, language="en", language_score=0.9, title="")]
    real = validate._pandera_failures
    calls = []

    def frame_level(rows, config, frame_level_rows=False):
        calls.append(len(rows))
        if not frame_level_rows:
            return None
        return {i: {"x": "a frame-level failure"} for i in range(len(rows))}
    monkeypatch.setattr(validate, "_pandera_failures", frame_level)
    good, bad = validate.validate_articles(arts)
    assert good == [] and [q.id for q in bad] == ["a1", "a2"] and calls == [1, 2]
    monkeypatch.setattr(validate, "_pandera_failures", real)


def _removals(**changes):
    import pyarrow as pa

    from cleaner.publish.tables import REMOVALS
    row = {"article_id": ["a", "b"], "category": ["caption", "ad"], "rule": ["caption.photo", "html.ad"],
           "text": ["A ferry.", "Advertisement"], "line": [3, 0]}
    row.update(changes)
    return pa.table(row, schema=REMOVALS)


def _quarantine(**changes):
    import pyarrow as pa

    from cleaner.publish.tables import QUARANTINE
    row = {"id": [None, "x"], "source_path": ["f.jsonl", "g.txt"], "source_sha256": ["0" * 64, ""],
           "source_index": [1, 2], "source_format": ["jsonl", "text"], "stage": ["read", "validate"],
           "checks": [["read.json"], ["title_not_empty"]], "reasons": [["not JSON"], ["the title is empty"]],
           "raw": ["{", ""]}
    row.update(changes)
    return pa.table(row, schema=QUARANTINE)


@pytest.mark.parametrize("name, table, clear", [
    ("removals", _removals(), True),
    ("removals", _removals(category=["caption", "weather"]), False),
    ("removals", _removals(rule=["caption.photo", "Caption"]), False),
    ("removals", _removals(rule=["caption.photo", "caption"]), False),
    ("removals", _removals(text=["A ferry.", " \u3000\x1c"]), False),
    ("removals", _removals(text=["A ferry.", None]), False),
    ("removals", _removals(line=[3, -1]), False),
    ("removals", _removals(article_id=["a", None]), False),
    ("quarantine", _quarantine(), True),
    ("quarantine", _quarantine(source_sha256=["0" * 64, "abc"]), False),
    ("quarantine", _quarantine(source_sha256=["0" * 64 + "\n", ""]), False),
    ("quarantine", _quarantine(source_index=[1, 0]), False),
    ("quarantine", _quarantine(stage=["read", "publish"]), False),
    ("quarantine", _quarantine(checks=[["read.json"], []]), False),
    ("quarantine", _quarantine(reasons=[["not JSON"], [""]]), False),
    ("quarantine", _quarantine(reasons=[["not JSON"], [None]]), False),
    ("quarantine", _quarantine(raw=["{", None]), False),
])
def test_the_table_screen_clears_only_what_the_model_passes(name, table, clear):
    from cleaner.validate import TableContractBroken, check_table, table_clear

    assert table_clear(name, table) is clear
    if clear:
        check_table(name, table)
    elif not (name == "quarantine" and table["source_sha256"][0].as_py().endswith("\n")):
        # the model fails the others too; RE2's `$` is stricter than `re`'s, which lets a final newline by
        with pytest.raises(TableContractBroken):
            check_table(name, table)
    assert table_clear(name, table.slice(0, 0)) is True


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["a", "bc", " ", "  ", "\n", "\t", "\u3000", "\xa0", "渡", "カ", "한", "."]), max_size=80).map("".join),
       st.integers(0, 25))
def test_the_screens_word_count_is_count_words(text, least):
    """`_has_words` stops splitting once it has `least` words: the same answer as counting them all."""
    from cleaner.text import count_words
    from cleaner.validate import _has_words
    assert _has_words(text, least) == (count_words(text) >= least)
