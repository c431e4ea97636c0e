"""What a removal is: one piece of an input the cleaner took out of the body, and why.

Every row names the article it came from, its category (one of `CATEGORIES`) and the rule id that
decided it (`cleaner rules` lists them), so any decision in a published dataset can be looked up.
"""
from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas.patterns import CATEGORIES, RULE_ID_PATTERN  # noqa: F401 - re-exported where they were


class RemovalSchema(pa.DataFrameModel):
    """One row per removed piece of an article."""

    article_id: Series[str] = pa.Field(description="Id of the article the piece was removed from.")
    category: Series[str] = pa.Field(isin=list(CATEGORIES), description="What kind of boilerplate it was.")
    rule: Series[str] = pa.Field(str_matches=RULE_ID_PATTERN, description="Id of the rule that removed it.")
    text: Series[str] = pa.Field(description="The removed text, as repaired.")
    line: Series[int] = pa.Field(ge=0, description="Index of the line (or HTML block) in the repaired input.")

    class Config:
        name = "removals"
        strict = True
        coerce = True

    @pa.check("text")
    def text_not_blank(cls, s: pd.Series) -> pd.Series:
        return s.str.strip().str.len() > 0
