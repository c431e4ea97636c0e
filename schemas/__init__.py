"""The data contract: pandera models for published articles, removals and quarantine."""
from __future__ import annotations

import contextlib


@contextlib.contextmanager
def pandas_types_only():
    """While a model's schema is built, pandera considers only its pandas `Series` and `Index` types.

    pandera builds a `DataFrameModel`'s schema on first use and, to do so, collects every series
    and index type it supports, which imports `dask.dataframe` when dask is installed: about 2 s,
    most of `cleaner run`'s start-up on a small input. Our models are written with pandas'
    `Series` only, so the schema built is the same (`tests/test_validate.py` compares them); it is
    cached on the model class, so this is needed once per model and process.
    """
    import pandera.api.pandas.model as model
    from pandera.typing import Index, Series

    saved = model.get_series_types, model.get_index_types
    model.get_series_types, model.get_index_types = (lambda: {Series}), (lambda: {Index})
    try:
        yield
    finally:
        model.get_series_types, model.get_index_types = saved


def built(model):
    """`model` with its pandera schema built (see `pandas_types_only`); returns the model."""
    with pandas_types_only():
        model.to_schema()
    return model
