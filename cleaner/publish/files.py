"""Durable writes and checksums: what every published or staged file goes through."""
from __future__ import annotations

import errno
import hashlib
import os
import shutil
from pathlib import Path


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes, read a MiB at a time."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def fsync(path: Path) -> None:
    """Flush a file or folder to disk (folders so that the names in them survive a crash)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_bytes(path: Path, data: bytes) -> None:
    """Write `data` to `path` and flush it to disk."""
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


class LineWriter:
    """Text lines written to a file (or a binary stream) so that a failed write leaves whole lines only.

    Lines are gathered into blocks of `block` bytes and each block goes out with `os.write`; when
    a write fails (disk full, file size limit), the file is cut back to the end of the last block
    written whole and the error is raised, so the output never ends in half a JSON record.
    `lines` counts the lines that made it to the file.
    """

    def __init__(self, target: Path | object, block: int = 1 << 20):
        self._stream = None
        if isinstance(target, (str, os.PathLike)):
            self._fd, self._own = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666), True
        else:
            self._stream, self._fd, self._own = target, -1, False   # standard output: written as a stream
        self._block, self._pending, self._pending_lines = block, bytearray(), 0
        self.lines = 0

    def write(self, line: str) -> None:
        self._pending += line.encode("utf-8", "backslashreplace")
        self._pending_lines += 1
        if len(self._pending) >= self._block:
            self.flush()

    def flush(self) -> None:
        if not self._pending:
            return
        if self._stream is not None:
            self._stream.write(bytes(self._pending))
            self._stream.flush()
            self.lines += self._pending_lines
            self._pending.clear()
            self._pending_lines = 0
            return
        start = self._offset()
        done = 0
        try:
            with memoryview(self._pending) as view:
                while done < len(view):
                    done += os.write(self._fd, view[done:])
        except OSError:
            if start is not None:
                try:
                    os.ftruncate(self._fd, start)
                except OSError:
                    pass  # not a regular file (a pipe, /dev/full): nothing to cut back
            self._pending.clear()
            raise
        self.lines += self._pending_lines
        self._pending.clear()
        self._pending_lines = 0

    def _offset(self) -> int | None:
        try:
            return os.lseek(self._fd, 0, os.SEEK_CUR)
        except OSError:
            return None

    def __enter__(self) -> "LineWriter":
        return self

    def __exit__(self, kind, error, trace) -> None:
        try:
            if kind is None:
                self.flush()
        finally:
            if self._own:
                os.close(self._fd)


def link_or_copy(source: Path, target: Path) -> bool:
    """Make `target` a hard link to `source` (a file shared between versions); copy it when the
    file system has no hard links or `source` is on another device. True when linked.

    Published files are never written again once in place, so sharing the inode is safe; `purge`,
    the one command that changes an old version, writes new files and renames them over the links.
    """
    try:
        os.link(source, target)
        return True
    except OSError as e:
        if e.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise
    shutil.copyfile(source, target)
    fsync(target)
    return False
