"""Publish to object storage (any fsspec URL: `s3://`, `gs://`, `az://`, ...), and read, verify,
retract and purge there.

A version is built on local disk exactly as for a local `--out` (in a temporary folder, with its
parent downloaded beside it), then uploaded:

1. every file the version does not share with its parent goes under a temporary prefix
   `NAME/.tmp-VERSION-<random>/`. A shared file (its sha256 is one of the parent's files: a shard
   taken over unchanged) is neither uploaded nor copied: the version's manifest entry names the
   object that holds its bytes (`"object": "../v1/data/train-00000-of-00002.parquet"`, see
   `manifest.py`), and the card's YAML `configs` list each config's files where they are stored,
   so the dataset grows by the new data only;
2. the files are copied to `NAME/VERSION/`, and `manifest.json` is written there **last**;
3. the temporary prefix is deleted, then the index (`versions.json`, `README.md`) and the `LATEST`
   pointer (object stores have no links) are written, the pointer last.

A version exists on a store when its `manifest.json` does: every listing here (`remote_versions`,
the next version number, the parent check) asks for it, so a run that fails or is killed part way
(a bucket that refuses writes, a lost connection) leaves no version anyone sees, and `LATEST`
still names the one before. What failed is removed when the store still lets us.

A reader gets a version's files from its manifest: `data_files` (exported as `cleaner.data_files`)
lists them as URLs for pyarrow, pandas, DuckDB and `datasets`; `download_version` copies a version
to disk with every file at its own path (a shared object fetched once per `cache`), which is what
`verify`, `retract` and `purge` work on, so a shared object is checked in every version naming it.

Two runs publishing to one dataset at once: one that took a number another run published meanwhile
is refused before it copies anything into `NAME/VERSION/`, and the manifest is put only if there is
none (`_create`: If-None-Match on S3), so a published manifest is never overwritten; two runs that
both pass the check within the seconds of the copy write the same data keys, which `verify` then
reports. Object stores have no lock for `versions.json` either. `versions.json`, `README.md` and `LATEST` are therefore rebuilt
from the listing of published manifests (keeping the dates already recorded), and the listing is
read again after writing them: a run that finds a version it did not list writes them again. The
last run to finish has written an index naming every version, and `LATEST` the newest.

Credentials and endpoints come from the standard environment of each storage package (for S3:
`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_ENDPOINT_URL`, `AWS_PROFILE`...); the packages
are optional extras (`pip install news-cleaner[s3]`).
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import posixpath
import secrets
import tempfile
from pathlib import Path
from typing import Iterator

from cleaner.publish.files import link_or_copy
from cleaner.publish.index import INDEX, LATEST, POINTER, README, entry, now_utc, render_readme
from cleaner.publish.manifest import CARD, MANIFEST, is_reference
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


def download_version(fs, base: str, version: str, local_base: Path, cache: dict[str, Path] | None = None,
                     in_place: bool = True) -> Path:
    """Copy the version `base/version` to `local_base/version`, every listed file at its own path
    (a shared one fetched from the object its entry names); return that folder. With `in_place`
    false, a shared file goes where the store keeps it instead (`local_base/v1/data/...`), as in a
    copy of the whole dataset, so `verify` says where a damaged one is stored.

    Every object under the version's prefix comes too, listed or not, so `verify` names one that
    should not be there. `cache` (object key -> local file) makes an object that several versions
    share one download, hard-linked into each. A referenced object that is gone is left out, so
    `verify` says which.
    """
    cache = {} if cache is None else cache
    target = Path(local_base) / version
    prefix = _join(base, version)

    def fetch(key: str, rel: str) -> None:
        dest = Path(posixpath.normpath(target / rel))
        dest.parent.mkdir(parents=True, exist_ok=True)
        if key in cache:
            link_or_copy(cache[key], dest)
        else:
            fs.get_file(key, str(dest))
            cache[key] = dest

    for key in fs.find(prefix):
        fetch(key, key[len(prefix):].lstrip("/"))
    try:
        listed = json.loads((target / MANIFEST).read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        listed = []    # what is wrong with the manifest is `verify`'s to say
    for f in listed if isinstance(listed, list) else ():
        if isinstance(f, dict) and isinstance(f.get("path"), str) and is_reference(f.get("object")) \
                and not (target / f["path"]).exists():
            with contextlib.suppress(FileNotFoundError):
                fetch(object_key(prefix, f["object"]), f["path"] if in_place else f["object"])
    return target


def object_key(version_prefix: str, obj: str) -> str:
    """The key of the object an entry names, from the version's prefix.

    >>> object_key("bucket/datasets/news/v3", "../v1/data/train-00000-of-00002.parquet")
    'bucket/datasets/news/v1/data/train-00000-of-00002.parquet'
    """
    return posixpath.normpath(posixpath.join(version_prefix, obj))


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
        return verify(download_version(fs, base, version, Path(tmp), in_place=False))


def data_files(version: str | Path, config: str = "default") -> list[str]:
    """The Parquet files of one config of a published version, in order: every row of the version,
    whether a file is its own or shared with an older version. Local paths for a folder, URLs for a
    version on a store (`s3://bucket/datasets/news/v2`, or `.../news/latest`).

    Hand the list to `pandas.read_parquet`, `pyarrow.parquet.read_table`, `duckdb.read_parquet` or
    `datasets.load_dataset("parquet", data_files=...)` (README: "Versions ... Object storage").
    """
    from cleaner.publish import tables

    folders = {cfg: folder for cfg, folder, _ in tables.CONFIGS}
    if config not in folders:
        raise ValueError(f"config {config!r} is not one of {', '.join(folders)}")
    folder = folders[config]
    if not is_remote(version):
        from cleaner.publish.index import resolve
        from cleaner.publish.manifest import table_files

        root = resolve(Path(version))
        if not (root / MANIFEST).is_file():
            raise FileNotFoundError(f"{version}: not a published version (no {MANIFEST})")
        return [str(p) for p in table_files(root, folder)]
    fs, path = open_store(str(version))
    path = resolve_remote(fs, path)
    try:
        manifest = json.loads(fs.cat_file(_join(path, MANIFEST)))
    except FileNotFoundError:
        raise StoreError(f"{version}: not a published version (no {MANIFEST})") from None
    return [fs.unstrip_protocol(object_key(path, f["object"]) if is_reference(f.get("object")) else _join(path, f["path"]))
            for f in sorted(manifest["files"], key=lambda f: f["path"])
            if f["path"].startswith(folder + "/") and f["path"].endswith(".parquet")]


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


@contextlib.contextmanager
def local_versions(paths: list[str]) -> Iterator[list[Path]]:
    """The versions `paths` as local folders: a folder as it is, a URL downloaded for the time of
    the block (an object two of them share fetched once)."""
    with tempfile.TemporaryDirectory(prefix="cleaner-versions-") as tmp:
        cache: dict[str, Path] = {}
        found = []
        for n, p in enumerate(paths):
            if not is_remote(p):
                found.append(Path(p))
                continue
            fs, path = open_store(str(p))
            path = resolve_remote(fs, path)
            if not fs.exists(_join(path, MANIFEST)):
                raise StoreError(f"{p}: not a published version (no {MANIFEST})")
            base, version = path.rsplit("/", 1)
            found.append(download_version(fs, base, version, Path(tmp) / str(n), cache))
        yield found


@contextlib.contextmanager
def remote_dataset(url: str) -> Iterator[tuple[Path, callable]]:
    """Every version of the dataset `url` (`.../NAME`) on local disk, for `purge`: yields `(local
    dataset folder, upload)`, where `upload(plans)` writes back what `retract.purge` changed there.

    An object several versions share is downloaded once and hard-linked into each (so `purge`
    rewrites it once and the versions go on sharing it), and `upload` writes it back to the one
    object they name: each purged object is overwritten in place, then each version's report, card
    and manifest, the manifest last. Between the two a reader may see a version fail `verify`.
    """
    fs, base = open_store(str(url).rstrip("/"))
    versions = remote_versions(fs, base)
    if not versions:
        raise StoreError(f"{url}: no published version")
    with tempfile.TemporaryDirectory(prefix="cleaner-dataset-") as tmp:
        local = Path(tmp) / check_name(base.rsplit("/", 1)[-1])
        cache: dict[str, Path] = {}
        for v in versions:
            download_version(fs, base, v, local, cache)

        def upload(plans) -> list[str]:
            return upload_purged(fs, base, local, plans)

        yield local, upload


def upload_purged(fs, base: str, local: Path, plans) -> list[str]:
    """Write the files `purge` rewrote in the local copy `local` back to the store; returns the keys written."""
    from cleaner.publish.files import sha256_file
    from cleaner.publish.report import REPORT

    objects: dict[str, tuple[Path, str]] = {}     # key -> (purged local file, its sha256)
    for plan in plans:
        folder, prefix = local / plan.version, _join(base, plan.version)
        listed = {f["path"]: f for f in json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["files"]}
        for rel in sorted(plan.files):
            e = listed[rel]
            key = object_key(prefix, e["object"]) if is_reference(e.get("object")) else _join(prefix, rel)
            if objects.setdefault(key, (folder / rel, e["sha256"]))[1] != e["sha256"]:
                raise StoreError(f"{fs.unstrip_protocol(key)}: purged to different bytes in two versions; nothing "
                                 "was written")
    written = []
    try:
        for key, (path, _) in sorted(objects.items()):
            fs.put_file(str(path), key)
            written.append(key)
        for plan in plans:
            for rel in (REPORT, CARD, MANIFEST):
                fs.put_file(str(local / plan.version / rel), _join(base, plan.version, rel))
                written.append(_join(base, plan.version, rel))
    except (OSError, ValueError) as e:
        raise StoreError(f"{base}: the store refused the purge part way ({type(e).__name__}: {e}) after "
                         f"{len(written)} of {len(objects) + 3 * len(plans)} objects; `cleaner verify` names the versions "
                         "left with purged data and their old manifest") from None
    return [fs.unstrip_protocol(k) for k in written]


def upload_version(fs, base: str, folder: Path, parent: str | None) -> str:
    """Upload the local version `folder` to `base/<its name>` (the steps in the module docstring); return its URL."""
    version = folder.name
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    if parent is not None:
        shared = {}   # sha256 -> the object holding those bytes, relative to a version folder
        for f in json.loads((folder.parent / parent / MANIFEST).read_text(encoding="utf-8"))["files"]:
            if f["path"] != CARD:
                shared.setdefault(f["sha256"], f["object"] if is_reference(f.get("object")) else f"../{parent}/{f['path']}")
        for f in manifest["files"]:
            if f["path"] != CARD and f["sha256"] in shared:
                f["object"] = shared[f["sha256"]]
    card = (folder / CARD).read_bytes()
    if any("object" in f for f in manifest["files"]):
        from cleaner.publish.card import with_stored_files

        card = with_stored_files(card.decode("utf-8"), manifest["files"]).encode("utf-8")
        next(f for f in manifest["files"] if f["path"] == CARD).update(sha256=hashlib.sha256(card).hexdigest(),
                                                                       bytes=len(card))
    tmp = _join(base, f"{TMP_PREFIX}{version}-{secrets.token_hex(4)}")
    final = _join(base, version)
    own = sorted(f["path"] for f in manifest["files"] if "object" not in f and f["path"] != CARD)
    try:
        for rel in own:
            fs.put_file(str(folder / rel), _join(tmp, rel))
        fs.pipe_file(_join(tmp, CARD), card)
        if fs.exists(_join(final, MANIFEST)):
            raise _taken(base, version)
        for rel in [*own, CARD]:
            fs.copy(_join(tmp, rel), _join(final, rel))
        # last, and only if no other run's manifest got there first (a conditional put where the
        # store has one: s3fs sends If-None-Match): now the version exists
        _create(fs, _join(final, MANIFEST), (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode())
    except (VersionExistsError, FileExistsError):
        _remove_quietly(fs, tmp)        # not `final`: it is the other run's version
        raise _taken(base, version) from None
    except (OSError, ValueError) as e:  # s3fs raises PermissionError/FileNotFoundError/OSError; others ValueError
        remove = [tmp]
        with contextlib.suppress(OSError, ValueError):
            if not fs.exists(_join(final, MANIFEST)):   # else another run's version got there: leave it whole
                remove.append(final)
        _remove_quietly(fs, *remove)
        raise StoreError(f"{base}/{version}: the store refused the upload ({type(e).__name__}: {e}); "
                         "no version was published") from None
    _remove_quietly(fs, tmp)
    update_index(fs, base, {manifest["version"]: now_utc()})
    return fs.unstrip_protocol(final)


def _create(fs, key: str, data: bytes) -> None:
    """Write a new object, FileExistsError if there is one: a conditional put where the store
    implements fsspec's `mode="create"`, else the check just before."""
    try:
        fs.pipe_file(key, data, mode="create")
    except (TypeError, NotImplementedError):
        if fs.exists(key):
            raise FileExistsError(17, "object exists", key) from None
        fs.pipe_file(key, data)


def _taken(base: str, version: str) -> VersionExistsError:
    return VersionExistsError(17, f"version {version!r} was published by another run while this one was building; "
                              "published versions are never overwritten", f"{base}/{version}")


def _remove_quietly(fs, *prefixes: str) -> None:
    """Delete what a failed upload left, as far as the store allows (it may be refusing deletes too)."""
    for prefix in prefixes:
        with contextlib.suppress(OSError, ValueError):
            if fs.exists(prefix):
                fs.rm(prefix, recursive=True)


def update_index(fs, base: str, dated: dict[str, str] | None = None, tries: int = 5) -> list[str]:
    """Write `versions.json`, `README.md` and `LATEST` from the versions published under `base`, then
    check the listing again and write them again if a version appeared meanwhile (another run's:
    the module docstring); returns the versions written. `dated` gives the publication time of new
    versions; one missing from the old index (lost to a race) is dated by its manifest's object."""
    for _ in range(tries):
        versions = remote_versions(fs, base)
        try:
            old = {e.get("version"): e for e in json.loads(fs.cat_file(_join(base, INDEX)))}
        except FileNotFoundError:
            old = {}
        entries = [old[v] if v in old and v not in (dated or {}) else
                   entry(json.loads(fs.cat_file(_join(base, v, MANIFEST))),
                         (dated or {}).get(v) or _modified(fs, _join(base, v, MANIFEST)))
                   for v in versions]
        fs.pipe_file(_join(base, INDEX), (json.dumps(entries, indent=2, ensure_ascii=False) + "\n").encode())
        fs.pipe_file(_join(base, README), render_readme(base.rstrip("/").rsplit("/", 1)[-1], entries).encode())
        fs.pipe_file(_join(base, POINTER), f"{versions[-1]}\n".encode())
        if remote_versions(fs, base) == versions:
            return versions
    raise StoreError(f"{base}: versions kept appearing while the index was written ({tries} tries); "
                     "run `cleaner verify` on the newest and publish again later")


def _modified(fs, key: str) -> str:
    """An object's modification time as ISO 8601 UTC (when its version was published), or now."""
    import datetime as dt

    info = fs.info(key)
    when = info.get("LastModified") or info.get("mtime") or info.get("updated")
    if isinstance(when, dt.datetime):
        return when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return now_utc()
