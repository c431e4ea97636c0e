"""Publish to object storage (any fsspec URL: `s3://`, `gs://`, `az://`, ...), verify and retract there.

A version is built on local disk exactly as for a local `--out` (in a temporary folder, with its
parent downloaded beside it), then uploaded:

1. every file but the manifest goes under a temporary prefix `NAME/.tmp-VERSION-<random>/`; a file
   the parent already holds (same path's sha256 in the parent's manifest, i.e. a shard taken over
   unchanged) is copied from the parent's object on the server instead of uploaded again;
2. the files are copied to `NAME/VERSION/`, and `manifest.json` is written there **last**;
3. the temporary prefix is deleted, then the index (`versions.json`, `README.md`) and the `LATEST`
   pointer (object stores have no links) are written, the pointer last.

A version exists on a store when its `manifest.json` does: every listing here (`remote_versions`,
the next version number, the parent check) asks for it, so a run that fails or is killed part way
(a bucket that refuses writes, a lost connection) leaves no version anyone sees, and `LATEST`
still names the one before. What failed is removed when the store still lets us.

Credentials and endpoints come from the standard environment of each storage package (for S3:
`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_ENDPOINT_URL`, `AWS_PROFILE`...); the packages
are optional extras (`pip install news-cleaner[s3]`).

Limits: S3 has no hard links, so a shared file is a server-side copy (no upload, but stored again);
two runs publishing to the same dataset at once race on the index (each version is still whole).
"""
from __future__ import annotations

import contextlib
import json
import secrets
import tempfile
from pathlib import Path
from typing import Iterator

from cleaner.publish.index import INDEX, LATEST, POINTER, README, entry, now_utc, render_readme
from cleaner.publish.manifest import MANIFEST
from cleaner.publish.version import TMP_PREFIX, VersionExistsError, _AUTO_RE, _version_key, check_name
from cleaner.remote import is_url


class StoreError(OSError):
    """The object store refused or failed an operation; names the URL and the cause."""


def is_remote(target: str | Path) -> bool:
    """True for an fsspec URL other than a local file.

    >>> is_remote("s3://bucket/out"), is_remote("dist_data"), is_remote("file:///tmp/x")
    (True, False, False)
    """
    return is_url(str(target))


def open_store(url: str):
    """`(filesystem, path in it)` for an fsspec URL; a clear error when its package is not installed."""
    import fsspec

    try:
        return fsspec.core.url_to_fs(str(url))
    except ImportError as e:
        scheme = str(url).split("://", 1)[0]
        raise StoreError(f"{url}: the storage package for {scheme}:// is not installed ({e}); "
                         f"pip install 'news-cleaner[{scheme}]'") from None


def _join(*parts: str) -> str:
    return "/".join(p.strip("/") for p in parts if p)


def remote_versions(fs, base: str) -> list[str]:
    """Versions published under `base` (the dataset's prefix), oldest first: those with a manifest."""
    try:
        entries = fs.ls(base, detail=False)
    except FileNotFoundError:
        return []
    names = [e.rstrip("/").rsplit("/", 1)[-1] for e in entries]
    found = [n for n in names if not n.startswith(".") and n not in (LATEST, POINTER, INDEX, README)
             and fs.exists(_join(base, n, MANIFEST))]
    return sorted(found, key=_version_key)


def download_version(fs, base: str, version: str, local_base: Path) -> Path:
    """Copy the version `base/version` to `local_base/version`; return that folder."""
    target = Path(local_base) / version
    prefix = _join(base, version)
    for key in fs.find(prefix):
        rel = key[len(prefix):].lstrip("/")
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        fs.get_file(key, str(target / rel))
    return target


def resolve_remote(fs, path: str) -> str:
    """A version's path in the store, following `NAME/latest` through the `LATEST` pointer."""
    path = path.rstrip("/")
    if path.rsplit("/", 1)[-1] == LATEST:
        base = path.rsplit("/", 1)[0]
        try:
            return _join(base, fs.cat_file(_join(base, POINTER)).decode("utf-8").strip())
        except FileNotFoundError:
            raise StoreError(f"{path}: no {POINTER} pointer; nothing is published under {base}") from None
    return path


def verify_remote(url: str) -> list[str]:
    """`manifest.verify` of a version on a store (`.../NAME/vN` or `.../NAME/latest`), read into a temporary folder."""
    from cleaner.publish.manifest import verify

    fs, path = open_store(url)
    path = resolve_remote(fs, path)
    if not fs.exists(_join(path, MANIFEST)):
        raise StoreError(f"{url}: not a published version (no {MANIFEST})")
    base, version = path.rsplit("/", 1)
    with tempfile.TemporaryDirectory(prefix="cleaner-verify-") as tmp:
        return verify(download_version(fs, base, version, Path(tmp)))


@contextlib.contextmanager
def remote_session(url: str, name: str, version: str | None, parent: str | None) -> Iterator[tuple[Path, str, callable]]:
    """A local dataset folder standing in for `url/name` while a version is built: the parent is
    downloaded into it, and the `publish` callback uploads the version built there.

    Yields `(local out folder, the version to build, publish)`; refuses a version that exists and
    a parent that is not published, before anything is built.
    """
    name = check_name(name)
    fs, root = open_store(url)
    base = _join(root, name)
    try:
        versions = remote_versions(fs, base)
    except OSError as e:
        raise StoreError(f"{url}: cannot list {base}: {e}") from None
    if version is None:
        numbers = [int(m.group(1)) for v in versions if (m := _AUTO_RE.fullmatch(v))]
        version = f"v{max(numbers, default=0) + 1}"
    if version in versions:
        raise VersionExistsError(17, f"version {version!r} of {name!r} already exists; published versions "
                                 "are never overwritten", f"{url}/{name}/{version}")
    with tempfile.TemporaryDirectory(prefix="cleaner-remote-") as tmp:
        local = Path(tmp)
        if parent is not None:
            if parent not in versions:
                raise ValueError(f"{url}/{name}/{parent}: parent version {parent!r} of {name!r} is not published")
            download_version(fs, base, parent, local / name)

        def publish(folder: Path) -> str:
            return upload_version(fs, base, Path(folder), parent)

        yield local, version, publish


def remote_parent(url: str, name: str) -> str:
    """The newest version of `url/name` (what a retraction starts from), or StoreError when there is none."""
    fs, root = open_store(url)
    found = remote_versions(fs, _join(root, check_name(name)))
    if not found:
        raise StoreError(f"{url}/{name}: no published version")
    return found[-1]


def upload_version(fs, base: str, folder: Path, parent: str | None) -> str:
    """Upload the local version `folder` to `base/<its name>` (the steps in the module docstring); return its path."""
    version = folder.name
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    shared: dict[str, str] = {}
    if parent is not None:
        pm = json.loads((folder.parent / parent / MANIFEST).read_text(encoding="utf-8"))
        by_sha = {f["sha256"]: f["path"] for f in pm["files"]}
        shared = {f["path"]: by_sha[f["sha256"]] for f in manifest["files"] if f["sha256"] in by_sha}
    tmp = _join(base, f"{TMP_PREFIX}{version}-{secrets.token_hex(4)}")
    final = _join(base, version)
    files = sorted(f["path"] for f in manifest["files"])
    try:
        for rel in files:
            if rel in shared:
                fs.copy(_join(base, parent, shared[rel]), _join(tmp, rel))
            else:
                fs.put_file(str(folder / rel), _join(tmp, rel))
        for rel in files:
            fs.copy(_join(tmp, rel), _join(final, rel))
        fs.put_file(str(folder / MANIFEST), _join(final, MANIFEST))   # last: now the version exists
    except (OSError, ValueError) as e:  # s3fs raises PermissionError/FileNotFoundError/OSError; others ValueError
        _remove_quietly(fs, tmp, final)
        raise StoreError(f"{base}/{version}: the store refused the upload ({type(e).__name__}: {e}); "
                         "no version was published") from None
    _remove_quietly(fs, tmp)
    _update_index(fs, base, manifest)
    return fs.unstrip_protocol(final)


def _remove_quietly(fs, *prefixes: str) -> None:
    """Delete what a failed upload left, as far as the store allows (it may be refusing deletes too)."""
    for prefix in prefixes:
        with contextlib.suppress(OSError, ValueError):
            if fs.exists(prefix):
                fs.rm(prefix, recursive=True)


def _update_index(fs, base: str, manifest: dict) -> None:
    """Add the version to `versions.json` and `README.md`, then point `LATEST` at the newest version."""
    try:
        entries = json.loads(fs.cat_file(_join(base, INDEX)))
    except FileNotFoundError:
        entries = []
    entries = [e for e in entries if e.get("version") != manifest["version"]] + [entry(manifest, now_utc())]
    fs.pipe_file(_join(base, INDEX), (json.dumps(entries, indent=2, ensure_ascii=False) + "\n").encode())
    fs.pipe_file(_join(base, README), render_readme(manifest["name"], entries).encode())
    fs.pipe_file(_join(base, POINTER), f"{remote_versions(fs, base)[-1]}\n".encode())
