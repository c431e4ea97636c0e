"""An error of the tool itself reaches the user as one line naming the file and exit 2, never a traceback."""
from __future__ import annotations

import errno

import pytest

from cleaner import cli


def _raise(exc):
    def command(*args, **kwargs):
        raise exc
    return command


@pytest.mark.parametrize("exc, expected", [
    (PermissionError(errno.EACCES, "Permission denied", "/data/out/feed.jsonl"), "/data/out/feed.jsonl: PermissionError: Permission denied"),
    (RuntimeError("the cleaner broke"), "RuntimeError: the cleaner broke"),
])
def test_an_unexpected_error_is_one_line_and_exit_2(monkeypatch, capsys, tmp_path, exc, expected):
    (tmp_path / "a.txt").write_text("Title\n\n" + "A sentence of the story that is long enough to keep. " * 5)
    monkeypatch.setattr("cleaner.stream.checked_records", _raise(exc))
    monkeypatch.setattr("sys.argv", ["cleaner", "clean", str(tmp_path / "a.txt"), "-o", str(tmp_path / "out.jsonl")])
    monkeypatch.delenv("CLEANER_DEBUG", raising=False)
    with pytest.raises(SystemExit) as stop:
        cli.main()
    assert stop.value.code == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert expected in " ".join(err.split()) and "Traceback" not in err


def test_cleaner_debug_shows_the_traceback(monkeypatch, tmp_path):
    (tmp_path / "a.txt").write_text("Title\n\nbody")
    monkeypatch.setattr("cleaner.stream.checked_records", _raise(RuntimeError("boom")))
    monkeypatch.setattr("sys.argv", ["cleaner", "clean", str(tmp_path / "a.txt"), "-o", str(tmp_path / "out.jsonl")])
    monkeypatch.setenv("CLEANER_DEBUG", "1")
    with pytest.raises(RuntimeError, match="boom"):
        cli.main()
