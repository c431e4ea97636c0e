"""What a quarantine entry is: a record that was not published, with why and what it was.

Nothing is dropped silently: every record that could not be read, cleaned or that broke the article
contract lands here with one reason per failed check and its raw content, so it can be fixed and fed
again.
"""
from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas.patterns import SOURCE_SHA256_PATTERN, STAGES  # noqa: F401 - re-exported where it was


def _non_empty_str_list(value: object) -> bool:
    if hasattr(value, "tolist"):
        value = value.tolist()
    return isinstance(value, (list, tuple)) and len(value) > 0 and all(isinstance(x, str) and x for x in value)


class QuarantineSchema(pa.DataFrameModel):
    """One row per quarantined record."""

    id: Series[str] = pa.Field(nullable=True, description="The record's id, when it got that far.")
    source_path: Series[str] = pa.Field(description="The input file.")
    source_sha256: Series[str] = pa.Field(str_matches=SOURCE_SHA256_PATTERN,
                                         description="sha256 of the input file (empty when it could not be read).")
    source_index: Series[int] = pa.Field(ge=1, description="1-based record number in the file (JSONL: the line number).")
    source_format: Series[str] = pa.Field(description="How the file was read (text, html, jsonl...).")
    stage: Series[str] = pa.Field(isin=list(STAGES), description="The stage that quarantined it.")
    checks: Series[object] = pa.Field(description="Names of the failed checks.")
    reasons: Series[object] = pa.Field(description="One human-readable reason per failed check.")
    raw: Series[str] = pa.Field(description="The record as read (possibly truncated for huge inputs).")

    class Config:
        name = "quarantine"
        strict = True

    @pa.check("checks")
    def checks_named(cls, s: pd.Series) -> pd.Series:
        return s.map(_non_empty_str_list).astype(bool)

    @pa.check("reasons")
    def reasons_given(cls, s: pd.Series) -> pd.Series:
        return s.map(_non_empty_str_list).astype(bool)
