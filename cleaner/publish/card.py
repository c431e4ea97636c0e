"""The dataset card: YAML front matter that `datasets` and the Hub read, then counts and provenance."""
from __future__ import annotations

import hashlib
import json
from typing import Any

import yaml

from cleaner.publish import tables


def _cell(v: Any) -> str:
    return str(v).replace("|", "\\|").replace("\n", " ")


def _tally(title: str, what: str, counts: dict[str, int]) -> list[str]:
    lines = [f"## {title}", ""]
    if not counts:
        return lines + ["None.", ""]
    lines += [f"| {what} | count |", "|---|---:|"]
    for key, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"| {_cell(key)} | {n} |")
    return lines + [""]


def _language_section(languages: dict[str, int], mismatches: dict[str, int], published: int) -> list[str]:
    """The card's languages: published articles by detected language, then where the input's
    declared language disagrees with it.

    >>> print("\\n".join(_language_section({"de": 3, "und": 1}, {"en>de": 2}, 4)))
    ## Languages
    <BLANKLINE>
    Detected from each article's cleaned title and body (fastText lid.176); `und`: too short or too unsure to tell.
    <BLANKLINE>
    | language | count |
    |---|---:|
    | de | 3 |
    | und | 1 |
    <BLANKLINE>
    2 of 4 articles declare a language (`declared_language`) other than the one detected:
    <BLANKLINE>
    | declared | detected | articles |
    |---|---|---:|
    | en | de | 2 |
    <BLANKLINE>
    """
    lines = _tally("Languages", "language", languages)
    lines[1:1] = ["", "Detected from each article's cleaned title and body (fastText lid.176); "
                      "`und`: too short or too unsure to tell."]
    if mismatches:
        lines += [f"{sum(mismatches.values())} of {published} articles declare a language (`declared_language`) "
                  "other than the one detected:", "", "| declared | detected | articles |", "|---|---|---:|"]
        for pair, n in sorted(mismatches.items(), key=lambda kv: (-kv[1], kv[0])):
            declared, _, detected = pair.partition(">")
            lines.append(f"| {_cell(declared)} | {_cell(detected)} | {n} |")
        lines.append("")
    return lines


def _retraction_section(retracted: list[dict]) -> list[str]:
    """The card's record of takedowns: which ids, in which version, why and when.

    >>> print("\\n".join(_retraction_section([{"version": "v3", "ids": ["a", "b"], "reason": "legal", "at": "2026-01-01T00:00:00Z"}])))
    ## Retractions
    <BLANKLINE>
    | version | when | articles | reason | ids |
    |---|---|---:|---|---|
    | v3 | 2026-01-01T00:00:00Z | 2 | legal | a, b |
    <BLANKLINE>
    """
    if not retracted:
        return []
    lines = ["## Retractions", "", "| version | when | articles | reason | ids |", "|---|---|---:|---|---|"]
    for r in retracted:
        lines.append(f"| {_cell(r['version'])} | {_cell(r['at'])} | {len(r['ids'])} | {_cell(r['reason'])} | "
                     f"{_cell(', '.join(r['ids']))} |")
    return lines + [""]


def _size_category(n: int) -> str:
    """The Hub's size bucket for `n` rows.

    >>> _size_category(0), _size_category(999), _size_category(1000), _size_category(20_000)
    ('n<1K', 'n<1K', '1K<n<10K', '10K<n<100K')
    """
    for limit, label in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"),
                         (1_000_000, "100K<n<1M"), (10_000_000, "1M<n<10M")):
        if n < limit:
            return label
    return "n>10M"


def dataset_card(m: dict, files: list[dict], rows: dict[str, int], nbytes: dict[str, int],
          shards: dict[str, int], languages: dict[str, int], mismatches: dict[str, int] | None = None) -> str:
    """The dataset card: YAML front matter `datasets` reads, then counts and provenance in Markdown.

    `languages` counts the published articles by detected language; the YAML `language:` list the
    Hub reads names them all but 'und'. `mismatches` counts the `declared>detected` pairs of
    articles whose input declared another language than the body reads as.
    Nothing here depends on where the version is written, so two builds give the same card.
    Longer than most functions on purpose: it is the card's template, section after section in the
    order they are read; split up, the layout of one document would be spread over several.
    """
    header: dict[str, Any] = {"pretty_name": m["name"]}
    named = sorted(lang for lang in languages if lang != "und")
    if named:
        header["language"] = named
    header["tags"] = ["news", "text"]
    header["size_categories"] = [_size_category(rows["default"])]
    header["configs"] = [
        {"config_name": cfg, **({"default": True} if cfg == "default" else {}),
         "data_files": [{"split": "train", "path": f"{folder}/train-*.parquet"}]}
        for cfg, folder, _ in tables.CONFIGS]
    header["dataset_info"] = [
        {"config_name": cfg, "features": tables.features_yaml(schema),
         "splits": [{"name": "train", "num_bytes": nbytes[cfg], "num_examples": rows[cfg]}],
         "download_size": sum(f["bytes"] for f in files if f["path"].startswith(folder + "/")),
         "dataset_size": nbytes[cfg]}
        for cfg, folder, schema in tables.CONFIGS]
    front = yaml.safe_dump(header, sort_keys=False, allow_unicode=True, default_flow_style=False)
    c = m["counts"]
    inputs_sha = hashlib.sha256("".join(f"{i['path']}\t{i['sha256']}\n" for i in m["inputs"]).encode()).hexdigest()
    where = f"path/to/{m['name']}/{m['version']}"
    empty = [cfg for cfg, _, _ in tables.CONFIGS if rows[cfg] == 0]
    lines = [
        "---", front.rstrip("\n"), "---", "",
        f"# {m['name']} {m['version']}", "",
        f"Cleaned news articles: {c['published']} published from {c['inputs']} input records, built by "
        f"{m['tool']['name']} {m['tool']['version']} with rule set {m['rules_version']}. Every removed "
        "piece of text is in the `removals` config, every rejected record (with its reasons and raw "
        "input) in `quarantine`, and every record left out as a repeat in `duplicates`.", "",
        "## Counts", "",
        "| outcome | records |", "|---|---:|",
        f"| inputs | {c['inputs']} |", f"| published | {c['published']} |",
        f"| quarantined | {c['quarantined']} |", f"| duplicates | {c['duplicates']} |", "",
        *([f"The version also holds {c['inherited']} articles taken over from its parent {m['parent']} "
           f"(shared files, not inputs of this build): {c['published'] + c['inherited']} articles in all.", ""]
          if c.get("inherited") else []),
        *_retraction_section(m.get("retracted") or []),
        f"inputs = published + quarantined + duplicates: {c['inputs']} "
        f"{'=' if c['balanced'] else '!='} {c['published']} + {c['quarantined']} + {c['duplicates']}; "
        f"the ledger {'balances' if c['balanced'] else 'DOES NOT balance'}.", "",
        *_language_section(languages, mismatches or {}, c["published"]),
        *_tally("Removals by category", "category", c["removals_by_category"]),
        *_tally("Quarantine by check", "check", c["quarantine_by_check"]),
        *(_tally("Records that are not articles", "kind", c["skipped_by_kind"]) if c.get("skipped_by_kind") else []),
        "## Files", "",
        "| config | folder | shards | rows |", "|---|---|---:|---:|",
        *[f"| {cfg} | {folder}/ | {shards[cfg]} | {rows[cfg]} |" for cfg, folder, _ in tables.CONFIGS],
        "",
        "`manifest.json` lists every file with its sha256, size and rows; `cleaner verify` re-checks them.", "",
        *([f"Configs with no rows ({', '.join(empty)}) hold one Parquet file with the schema only. "
           "`datasets` refuses to load a split with no examples (\"corresponds to no data\"); "
           "pandas and pyarrow read them as empty tables.", ""] if empty else []),
        "## Provenance", "",
        "| | |", "|---|---|",
        f"| tool | {m['tool']['name']} {_cell(m['tool']['version'])} |",
        f"| rules version | {_cell(m['rules_version'])} |",
        f"| config sha256 | `{m['config_sha256']}` |",
        f"| inputs | {len(m['inputs'])} files, list sha256 `{inputs_sha}` |",
        f"| fingerprint | `{m['fingerprint']}` |",
        f"| parent | {m['parent'] or 'none'} |", "",
    ]
    if m["stats"]:
        lines += ["## Build statistics", "", "| statistic | value |", "|---|---|"]
        lines += [f"| {_cell(k)} | {_cell(json.dumps(v, sort_keys=True))} |" for k, v in m["stats"].items()]
        lines.append("")
    lines += [
        "## How to load", "",
        "```python",
        "import datasets",
        f'articles = datasets.load_dataset("{where}")["train"]',
        f'removals = datasets.load_dataset("{where}", "removals")["train"]',
        f'quarantine = datasets.load_dataset("{where}", "quarantine")["train"]',
        f'duplicates = datasets.load_dataset("{where}", "duplicates")["train"]',
        "",
        "import pandas as pd",
        f'df = pd.read_parquet("{where}/data")',
        "```", "",
    ]
    return "\n".join(lines)



def with_stored_files(card: str, files: list[dict]) -> str:
    """The card of a version stored by reference (on object storage, `manifest.py`): each config's
    `data_files` becomes the list of its files where they are stored (`../v1/data/...` for one shared
    with an older version), which `datasets` resolves next to the card as it does `data/...`, and
    the pandas line of "How to load" reads that list through `cleaner.data_files`.

    >>> card = "---\\nconfigs:\\n- config_name: default\\n  data_files:\\n  - split: train\\n    path: data/train-*.parquet\\n---\\ndf = pd.read_parquet(\\"path/to/news/v2/data\\")\\n"
    >>> print(with_stored_files(card, [{"path": "data/train-00000-of-00002.parquet", "object": "../v1/data/train-00000-of-00001.parquet"},
    ...                                {"path": "data/train-00001-of-00002.parquet"}]))
    ---
    configs:
    - config_name: default
      data_files:
      - split: train
        path:
        - ../v1/data/train-00000-of-00001.parquet
        - data/train-00001-of-00002.parquet
    ---
    import cleaner
    df = pd.read_parquet(cleaner.data_files("path/to/news/v2"))
    <BLANKLINE>
    """
    import re

    _, front, body = card.split("---\n", 2)
    header = yaml.safe_load(front)
    folders = {cfg: folder for cfg, folder, _ in tables.CONFIGS}
    for config in header.get("configs", []):
        folder = folders.get(config.get("config_name"))
        listed = [f.get("object") or f["path"] for f in sorted(files, key=lambda f: f["path"])
                  if f["path"].startswith(f"{folder}/") and f["path"].endswith(".parquet")]
        if listed:
            config["data_files"] = [{"split": "train", "path": listed}]
    body = re.sub(r'^df = pd\.read_parquet\("(.*)/data"\)$', r'import cleaner\ndf = pd.read_parquet(cleaner.data_files("\1"))',
                  body, flags=re.M)
    dumped = yaml.safe_dump(header, sort_keys=False, allow_unicode=True, default_flow_style=False)
    return f"---\n{dumped}---\n{body}"
