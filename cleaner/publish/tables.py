"""The Arrow schemas of the published tables and how a record becomes a row.

One explicit schema per config (fixed column order and types) so that an empty shard and a full one
agree, and `datasets` sees the same features whatever the data. `published` stays a string: inputs
carry dates as `YYYY-MM-DD` or full ISO timestamps, and a timestamp column would force one of them.
"""
from __future__ import annotations

import json
import re
from typing import Any

import pyarrow as pa

from cleaner.records import Article, Duplicate, Quarantined, Removal, article_dict, removal_columns as _columns, removal_dict

_STR = pa.string()
_STRS = pa.list_(pa.string())

ARTICLES = pa.schema([
    ("id", _STR), ("title", _STR), ("subtitle", _STR), ("authors", _STRS), ("published", _STR),
    ("url", _STR), ("site_name", _STR), ("language", _STR), ("language_score", pa.float64()),
    ("declared_language", _STR), ("text", _STR), ("captions", _STRS),
    ("credits", _STRS), ("n_removals", pa.int64()), ("text_lines", pa.list_(pa.int64())),
    ("source_path", _STR), ("source_sha256", _STR), ("source_index", pa.int64()), ("source_format", _STR),
    ("extra", _STR),
])
REMOVALS = pa.schema([
    ("article_id", _STR), ("category", _STR), ("rule", _STR), ("text", _STR), ("line", pa.int64()),
])
QUARANTINE = pa.schema([
    ("id", _STR), ("source_path", _STR), ("source_sha256", _STR), ("source_index", pa.int64()),
    ("source_format", _STR), ("stage", _STR), ("checks", _STRS), ("reasons", _STRS), ("raw", _STR),
])
DUPLICATES = pa.schema([
    ("id", _STR), ("source_path", _STR), ("source_sha256", _STR), ("source_index", pa.int64()),
    ("source_format", _STR), ("duplicate_of", _STR), ("similarity", pa.float64()), ("kind", _STR),
])

#: (config name, folder in the version, schema), in the order the card lists them.
CONFIGS: tuple[tuple[str, str, pa.Schema], ...] = (
    ("default", "data", ARTICLES),
    ("removals", "removals", REMOVALS),
    ("quarantine", "quarantine", QUARANTINE),
    ("duplicates", "duplicates", DUPLICATES),
)


def extra_json(extra: dict[str, Any]) -> str:
    """`extra` as JSON with sorted keys, so equal dicts give equal bytes.

    Values JSON cannot hold (dates, sets...) are written with `str` rather than failing the build.

    >>> extra_json({"b": 1, "a": ["x"]})
    '{"a": ["x"], "b": 1}'
    >>> extra_json({})
    '{}'
    """
    return json.dumps(extra, sort_keys=True, ensure_ascii=False, default=str)


def article_row(a: Article) -> dict[str, Any]:
    """One row of the articles table (config "default"): `records.article_dict` with the removals
    counted (they have a table of their own), the full provenance, and `extra` as JSON.

    `text_lines` is the line index (as in the removals table) of each paragraph of `text`, so the
    kept and removed lines of an article can be shown in the order they came in without reading
    the input again; null for an article that was not cleaned here.
    """
    row = article_dict(a, removals=False)
    row.update(n_removals=len(a.removals), source_sha256=a.source.sha256, source_format=a.source.format,
               extra=extra_json(a.extra), text_lines=list(a.text_lines) if a.text_lines is not None else None)
    return row


def removal_row(article_id: str, r: Removal) -> dict[str, Any]:
    """One row of the removals table: which article lost which piece, to which rule."""
    return {"article_id": article_id, **removal_dict(r)}


def removal_columns(article_id: str, removals: list[Removal]) -> dict[str, list]:
    """`removal_row`'s rows for one article's removals, a list per column (how a shard stages them)."""
    return {"article_id": [article_id] * len(removals), **_columns(removals)}


def quarantine_row(q: Quarantined) -> dict[str, Any]:
    """One row of the quarantine table, raw input kept so the record can be fixed and rerun."""
    return {
        "id": q.id, "source_path": q.source.path, "source_sha256": q.source.sha256,
        "source_index": q.source.index, "source_format": q.source.format, "stage": q.stage,
        "checks": list(q.checks), "reasons": list(q.reasons), "raw": q.raw,
    }


def duplicate_row(d: Duplicate) -> dict[str, Any]:
    """One row of the duplicates table: the record left out and the id it repeats."""
    return {
        "id": d.id, "source_path": d.source.path, "source_sha256": d.source.sha256,
        "source_index": d.source.index, "source_format": d.source.format,
        "duplicate_of": d.duplicate_of, "similarity": float(d.similarity), "kind": d.kind,
    }


_SURROGATE = re.compile("[\ud800-\udfff]")


def replace_surrogates(row: dict[str, Any]) -> dict[str, Any]:
    r"""`row` with lone surrogates in its strings replaced by U+FFFD.

    Parquet strings are UTF-8 and a lone surrogate has no UTF-8 form, yet `json.loads('"\ud800"')`
    makes one, so a broken input record could otherwise stop the whole build. Only rows that fail to
    encode are passed here.

    >>> fixed = replace_surrogates({"raw": "a\udcffb", "checks": ["x\ud800"], "line": 3})
    >>> fixed == {"raw": "a\ufffdb", "checks": ["x\ufffd"], "line": 3}
    True
    """
    def fix(v: Any) -> Any:
        if isinstance(v, str):
            return _SURROGATE.sub("\ufffd", v)
        if isinstance(v, list):
            return [fix(x) for x in v]
        return v

    return {k: fix(v) for k, v in row.items()}


def features_yaml(schema: pa.Schema) -> list[dict[str, Any]]:
    """The `dataset_info.features` list of a dataset card for `schema`.

    Lists are written as `sequence:`, which every `datasets` release we support (>= 2.18) reads as a
    list of that type.

    >>> features_yaml(pa.schema([("id", pa.string()), ("authors", pa.list_(pa.string()))]))
    [{'name': 'id', 'dtype': 'string'}, {'name': 'authors', 'sequence': 'string'}]
    """
    def dtype(t: pa.DataType) -> str:
        if pa.types.is_string(t):
            return "string"
        if pa.types.is_int64(t):
            return "int64"
        if pa.types.is_float64(t):
            return "float64"
        raise TypeError(f"no dataset card dtype for {t}")

    out = []
    for f in schema:
        if pa.types.is_list(f.type):
            out.append({"name": f.name, "sequence": dtype(f.type.value_type)})
        else:
            out.append({"name": f.name, "dtype": dtype(f.type)})
    return out
