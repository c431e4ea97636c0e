"""The exceptions news-cleaner raises on purpose, all under one base, `CleanerError`.

Kept apart from the stages (and free of imports) so that `import cleaner` stays light and every
stage can raise them without importing another stage.
"""
from __future__ import annotations


class CleanerError(Exception):
    """Base of every error news-cleaner raises on purpose about what it was given.

    Catch this one to handle any refused input: a record it will not clean (`RefusedRecord`), a
    folder that is not a published version (`diff.NotAVersion`). Python's own errors keep their
    types (`FileNotFoundError` for an input path that does not exist, `FileExistsError` for a
    version already published); anything else escaping the cleaner is a bug.
    """


class RefusedRecord(CleanerError, ValueError):
    """One input record the cleaner will not clean, and why.

    `check` is the id its quarantine entry carries (`Quarantined.checks`), so a run quarantines
    the record under that name while the Python API raises it. It is a `ValueError` too, as the
    refusals were before they had a base of their own.

    >>> err = RefusedRecord("empty input", check="read.empty_file")
    >>> err.check, str(err), isinstance(err, CleanerError)
    ('read.empty_file', 'empty input', True)
    """

    check = "clean.refused"

    def __init__(self, message: str, check: str | None = None):
        super().__init__(message)
        if check is not None:
            self.check = check
