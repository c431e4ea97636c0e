"""Dedup: exact and near copies found, the keep rule, the threshold, same-topic stories kept apart.

Fixtures are the articles shipped in cleaner/data/samples, cleaned: the five seed articles (000-004)
are different stories on one topic (China, Russia and the war in Ukraine), the wire records are
short local stories.
"""
from __future__ import annotations

import itertools
import random
import re
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.clean import clean_article
from cleaner.config import DEFAULT_CONFIG
from cleaner.dedup import (entry_for, shingles, find_duplicates, load_entries, normalised_words,
                           signature, similarity)
from cleaner.read import iter_input_files, read_file
from cleaner.records import Article, Source

from conftest import SAMPLES

FOOTER = ("© 2023 The Associated Press. All rights reserved. This material may not be published, broadcast, "
          "rewritten or redistributed.")


@pytest.fixture(scope="module")
def bodies() -> dict[str, str]:
    """Clean body of each sample article, by id."""
    out = {}
    for path in iter_input_files([SAMPLES]):
        for rec in read_file(path):
            if isinstance(rec, Article):
                out[rec.id] = clean_article(rec).text
    return out


@pytest.fixture(scope="module")
def seeds(bodies) -> list[str]:
    """The five seed articles: China, Russia and Ukraine, five different stories."""
    return [bodies[i] for i in ("ab90caa859200e07", "ada749156fdf6df9", "d00189bfae9bc534",
                                "e756cb94bc495d62", "ec607cbacf558e12")]


def art(id_: str, text: str) -> Article:
    return Article(id=id_, source=Source(f"{id_}.txt", "0" * 64), text=text)


def entries(*pairs: tuple[str, str], config=DEFAULT_CONFIG):
    """Entries for (id, text) pairs, in source order as given."""
    return [entry_for(art(i, t), (n,), config) for n, (i, t) in enumerate(pairs)]


def new_lead(text: str) -> str:
    """`text` with its first sentence replaced by another outlet's intro."""
    first, rest = re.split(r"(?<=[.!?”])\s+", text, maxsplit=1)
    return "In a development that surprised many observers, new details emerged on Monday. " + rest


def dateline(text: str) -> str:
    """`text` as a wire copy: a dateline before it and the agency's footer after it."""
    return "BEIJING (AP) — " + text + "\n\n" + FOOTER


def test_exact_copy_with_other_case_and_spacing_is_an_exact_duplicate(seeds):
    copy = "\n\n".join("  ".join(p.split()) for p in seeds[1].split("\n\n")).upper()
    dups = find_duplicates(entries(("a", seeds[1]), ("b", copy)))
    assert list(dups) == ["b"]
    d = dups["b"]
    assert (d.duplicate_of, d.kind, d.similarity) == ("a", "exact", 1.0)
    assert d.source.path == "b.txt"


def test_copy_with_a_new_lead_and_a_footer_is_a_near_duplicate_of_the_longest(seeds):
    syndicated = dateline(new_lead(seeds[1]))
    assert len(syndicated.split()) > len(seeds[1].split())
    dups = find_duplicates(entries(("orig", seeds[1]), ("synd", syndicated)))
    assert list(dups) == ["orig"], "the longer body is kept even though it came second"
    d = dups["orig"]
    assert d.duplicate_of == "synd" and d.kind == "near"
    assert DEFAULT_CONFIG.near_dup_threshold <= d.similarity < 1.0


def test_equal_lengths_keep_the_earliest_in_source_order(bodies):
    text = bodies["wire-0002"]
    same_length = text.upper()
    es = entries(("late", text), ("early", same_length))
    es = [replace(es[0], order=(5, 2)), replace(es[1], order=(1, 9))]
    dups = find_duplicates(es)
    assert {i: d.duplicate_of for i, d in dups.items()} == {"late": "early"}


def test_wire_record_copied_within_a_feed_is_found(bodies):
    dups = find_duplicates(entries(*bodies.items()))
    assert {i: (d.duplicate_of, d.kind) for i, d in dups.items()} == {"wire-0002-copy": ("wire-0002", "exact")}


def test_different_stories_on_the_same_topic_are_not_merged(seeds):
    assert find_duplicates(entries(*[(f"s{n}", t) for n, t in enumerate(seeds)])) == {}
    # even at a threshold far below the default
    low = DEFAULT_CONFIG.with_(near_dup_threshold=0.3)
    assert find_duplicates(entries(*[(f"s{n}", t) for n, t in enumerate(seeds)], config=low), low) == {}


def test_two_stories_quoting_the_same_paragraph_are_not_merged(seeds, bodies):
    quote = "“" + max(seeds[4].split("\n\n"), key=len) + "”"
    a = bodies["wire-0001"] + "\n\n" + quote
    b = bodies["d9d652259a01f5b3"] + "\n\n" + quote
    assert find_duplicates(entries(("a", a), ("b", b))) == {}


def test_threshold_decides_between_near_duplicate_and_new_story(seeds):
    paras = seeds[2].split("\n\n")
    edited = "\n\n".join(paras[:-3] + ["The ministry did not respond to a request for comment on Tuesday."])
    sim = similarity(signature(seeds[2]), signature(edited))
    assert 0.3 < sim < 0.95
    at = DEFAULT_CONFIG.with_(near_dup_threshold=sim)
    above = DEFAULT_CONFIG.with_(near_dup_threshold=sim + 1 / 128)
    pair = (("orig", seeds[2]), ("edit", edited))
    assert find_duplicates(entries(*pair, config=at), at)["edit"].similarity == sim
    assert find_duplicates(entries(*pair, config=above), above) == {}


def test_an_article_updated_twice_is_one_story_kept_once(seeds):
    """B close to A and C close to B make one story even when C is less like A than the threshold."""
    paras = seeds[3].split("\n\n")
    a = "\n\n".join(paras + [FOOTER])                        # longest: kept
    b = "\n\n".join(paras[: len(paras) * 3 // 4])            # drops the last quarter
    c = "\n\n".join(paras[: len(paras) // 2])                # drops the last half
    sig = {k: signature(v) for k, v in {"a": a, "b": b, "c": c}.items()}
    ab, bc, ac = similarity(sig["a"], sig["b"]), similarity(sig["b"], sig["c"]), similarity(sig["a"], sig["c"])
    assert ac < ab and ac < bc
    config = DEFAULT_CONFIG.with_(near_dup_threshold=(ac + min(ab, bc)) / 2)
    dups = find_duplicates(entries(("a", a), ("b", b), ("c", c), config=config), config)
    assert {i: (d.duplicate_of, d.similarity) for i, d in dups.items()} == {"b": ("a", ab), "c": ("a", ac)}
    # without B there is no link between A and C
    assert find_duplicates(entries(("a", a), ("c", c), config=config), config) == {}


def test_every_duplicate_names_a_published_article(seeds, bodies):
    pairs = [(f"s{n}", t) for n, t in enumerate(seeds)]
    pairs += [(f"s{n}-lead", new_lead(t)) for n, t in enumerate(seeds)]
    pairs += [(f"s{n}-wire", dateline(t)) for n, t in enumerate(seeds)]
    pairs += [(f"s{n}-copy", t.upper()) for n, t in enumerate(seeds)]
    dups = find_duplicates(entries(*pairs))
    assert len(dups) == 15
    assert all(d.duplicate_of not in dups for d in dups.values())
    assert {d.duplicate_of for d in dups.values()} == {f"s{n}-wire" for n in range(5)}


def test_exact_copy_of_a_near_duplicate_points_to_the_published_article(seeds):
    longer = seeds[1] + "\n\n" + FOOTER
    dups = find_duplicates(entries(("x", seeds[1]), ("y", seeds[1]), ("long", longer)))
    assert {i: (d.duplicate_of, d.kind) for i, d in dups.items()} == {"x": ("long", "near"), "y": ("long", "near")}
    assert dups["x"].similarity == dups["y"].similarity


def test_result_does_not_depend_on_the_order_entries_arrive_in(seeds, bodies):
    pairs = [(f"s{n}", t) for n, t in enumerate(seeds)]
    pairs += [(f"s{n}-lead", new_lead(t)) for n, t in enumerate(seeds)]
    pairs += [(f"s{n}-footer", t + "\n\n" + FOOTER) for n, t in enumerate(seeds[:3])]
    pairs += [("s0-copy", seeds[0]), ("s1-copy", seeds[1])]
    pairs += [(i, t) for i, t in bodies.items() if t not in seeds]
    es = entries(*pairs)
    want = {i: (d.duplicate_of, d.similarity, d.kind) for i, d in find_duplicates(es).items()}
    assert len(want) >= 10  # of 11: 2 x 5 copies of the seeds and the copied wire record
    rng = random.Random(3)
    for _ in range(5):
        rng.shuffle(es)
        got = {i: (d.duplicate_of, d.similarity, d.kind) for i, d in find_duplicates(es).items()}
        assert got == want


def test_new_articles_repeating_the_parent_version_are_duplicates_of_it(seeds, tmp_path):
    parent = entries(("p0", seeds[0]), ("p1", seeds[1]))
    path = tmp_path / "entries.parquet"
    save_entries(parent, path)
    loaded = load_entries(path)
    longer = seeds[0] + "\n\n" + FOOTER                      # longer than the parent's, still not kept
    dups = find_duplicates(entries(("n0", longer), ("n1", seeds[1]), ("n2", seeds[2])), parent=loaded)
    assert {i: (d.duplicate_of, d.kind) for i, d in dups.items()} == {"n0": ("p0", "near"), "n1": ("p1", "exact")}


def test_saved_entries_load_back_equal(seeds, tmp_path):
    es = entries(*[(f"s{n}", t) for n, t in enumerate(seeds)])
    save_entries(es, tmp_path / "a.parquet")
    back = {e.id: e for e in load_entries(tmp_path / "a.parquet")}
    for e in es:
        got = back[e.id]
        assert (got.exact_key, got.length) == (e.exact_key, e.length)
        assert got.signature.dtype == np.uint32 and np.array_equal(got.signature, e.signature)


def test_entries_made_with_other_minhash_settings_are_refused(seeds, tmp_path):
    small = DEFAULT_CONFIG.with_(minhash_perm=64, lsh_bands=16)
    save_entries(entries(("s0", seeds[0]), config=small), tmp_path / "e.parquet", small)
    with pytest.raises(ValueError, match="minhash_perm=64 there, 128 here"):
        load_entries(tmp_path / "e.parquet")


def test_duplicate_ids_are_refused(seeds):
    with pytest.raises(ValueError, match="'x' is not unique"):
        find_duplicates(entries(("x", seeds[0]), ("x", seeds[1])))


def test_signature_is_the_same_in_another_process(seeds):
    """Signatures cross process boundaries (workers, Dask): no salted hash may go into them."""
    import subprocess
    import sys
    code = ("import sys; from cleaner.dedup import signature; "
            "sys.stdout.write(signature(sys.stdin.read()).tobytes().hex())")
    out = subprocess.run([sys.executable, "-c", code], input=seeds[1], capture_output=True, text=True,
                         check=True, env={"PYTHONHASHSEED": "123", "PATH": ""}).stdout
    assert out == signature(seeds[1]).tobytes().hex()


def test_keep_rule_is_the_same_for_every_permutation_of_a_small_group(bodies):
    text = bodies["wire-0001"]
    variants = [("v0", text), ("v1", dateline(text)), ("v2", text.upper()), ("v3", text + "\n\n" + FOOTER)]
    results = set()
    for perm in itertools.permutations(entries(*variants)):
        results.add(tuple(sorted((i, d.duplicate_of) for i, d in find_duplicates(list(perm)).items())))
    assert len(results) == 1
    kept = {i for i, _ in variants} - {i for i, _ in next(iter(results))}
    assert kept == {"v1"}


def test_entries_survive_pickling_for_process_pools_and_dask(seeds):
    import pickle
    e = entries(("s0", seeds[0]))[0]
    back = pickle.loads(pickle.dumps(e))
    assert (back.id, back.order, back.length, back.exact_key, back.source) == (e.id, e.order, e.length, e.exact_key, e.source)
    assert np.array_equal(back.signature, e.signature)


FERRY_ZH = ("市港务局周二宣布，港口客运渡轮将于四月一日恢复运营，首班船早上六点十五分从东码头出发。"
            "渡轮冬季停航期间，船体完成了全面检修，并新增了两个无障碍座位区。"
            "港务局表示，今年票价维持不变，单程成人票为三元，儿童和老人半价。"
            "新的时刻表将于下周在两个码头和港务局网站上公布。")


def test_chinese_story_with_an_updated_sentence_is_found_and_another_ferry_story_is_not():
    """Text without spaces is shingled by character (the harbour ferry sample, told in Chinese)."""
    updated = FERRY_ZH.replace("新的时刻表将于下周在两个码头和港务局网站上公布。",
                               "新的时刻表已经在港务局网站上公布，市民也可以拨打热线查询。")
    other = ("市议会周一批准了一项预算，用于在明年夏天之前更换港口的两艘旧渡轮。议员们表示，新船将使用电力驱动，"
             "可减少噪音和燃油费用。港务局预计，新渡轮每趟可多载六十名乘客，并将在高峰时段增加班次。")
    dups = find_duplicates(entries(("a", FERRY_ZH), ("b", updated), ("c", other)))
    assert len(normalised_words(updated)) > len(normalised_words(FERRY_ZH))
    assert {i: (d.duplicate_of, d.kind) for i, d in dups.items()} == {"a": ("b", "near")}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from("the of and harbour ferry council voted on monday 渡 轮 2024 é".split()), max_size=60))
def test_signature_is_datasketchs_minhash(words):
    """`_minhash` computes in bulk what datasketch's MinHash computes shingle by shingle: saved
    signatures of earlier versions stay comparable."""
    from datasketch import MinHash

    from cleaner import dedup
    m = MinHash(num_perm=DEFAULT_CONFIG.minhash_perm, seed=dedup.MINHASH_SEED, scheme=dedup.MINHASH_SCHEME)
    m.update_batch(shingles(words, DEFAULT_CONFIG.shingle_words))
    assert dedup._minhash(" ".join(words).encode(), DEFAULT_CONFIG).tolist() == np.asarray(m.hashvalues, dtype=np.uint32).tolist()
    assert (dedup.signature(" ".join(words)) == dedup._minhash(" ".join(words).encode(), DEFAULT_CONFIG)).all()


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from("ab 渡轮,.é\u3000\n_-'ＣＮ"), max_size=80), st.integers(1, 6))
def test_the_normalised_text_is_the_words_joined_and_its_shingles_are_theirs(text, n):
    from cleaner import dedup
    words = normalised_words(text)
    assert dedup.normalised_text(text) == " ".join(words)
    assert set(dedup._shingles_of(" ".join(words).encode(), n)) == shingles(words, n)
    assert entry_for(Article(id="a", source=Source("a.txt", "0" * 64), text=text)).length == len(words)


@pytest.mark.parametrize("num_perm", [16, 128, 256])
def test_permutations_are_datasketchs(num_perm):
    """The affine32 permutations drawn without importing datasketch are datasketch's, for any size."""
    from datasketch import MinHash

    from cleaner import dedup
    m = MinHash(num_perm=num_perm, seed=dedup.MINHASH_SEED, scheme=dedup.MINHASH_SCHEME)
    assert dedup._permutations(num_perm).tolist() == np.asarray(m.permutations).tolist()
    assert dedup._permutations(num_perm).dtype == np.asarray(m.permutations).dtype


def save_entries(entries, path, config=DEFAULT_CONFIG):
    """Write entries as a version's `ENTRIES_FILE` holds them (the layout `pipeline.write_kept_entries`
    writes, there from staged shards): a test's parent version without a build."""
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    from cleaner.dedup import _META_KEY, _settings

    rows = sorted(entries, key=lambda e: e.id)
    table = pa.table({
        "id": pa.array([e.id for e in rows], pa.string()),
        "exact_key": pa.array([e.exact_key for e in rows], pa.string()),
        "length": pa.array([e.length for e in rows], pa.int64()),
        "signature": pa.array([np.ascontiguousarray(e.signature, dtype="<u4").tobytes() for e in rows],
                              pa.binary(4 * config.minhash_perm)),
    }).replace_schema_metadata({_META_KEY: json.dumps(_settings(config), sort_keys=True).encode()})
    pq.write_table(table, str(path))


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from("aZ9 _-.,'\"\t\n\u00a0\u2019\u201c\u2014\u2026éÇß\u0130ﬁ①²\u3000渡カ한ＣＮ\U0001d400\U0001f600\x85\u2028"),
               max_size=60))
def test_the_fast_normalised_text_is_the_plain_one(text):
    """`normalised_utf8` (ASCII punctuation by a byte table) makes what the plain regex path makes,
    on text that mixes ASCII and other punctuation, letters, digits, spaces and scripts."""
    from cleaner import dedup
    assert dedup.normalised_utf8(text) == dedup._normalised_plain(text).encode()
