"""`cleaner push`: a published version as one commit of a Hugging Face Hub dataset repo, tagged with its name.

The repo's tree at that commit is the version folder itself: the card (`README.md`, whose YAML
`configs` point `datasets` at `data/train-*.parquet` and the other tables), the Parquet files, the
manifest and the report. Files of the previous version that this one does not hold are deleted in
the same commit, so `load_dataset("ORG/NAME", revision="vN")` gives exactly version vN and the
tag keeps it when later versions are pushed.

A file two versions share (a shard taken over from the parent: same bytes, another name) is sent
once. huggingface_hub asks the Hub before sending any large file: through the LFS batch endpoint
by sha256 (the Hub answers without an upload action for an object it already stores), or, with
`hf_xet` installed, by content-defined chunks that the Xet store already has. Either way the bytes
of a shared shard cross the network once.

The token comes from `HF_TOKEN` or the login (`hf auth login`), the endpoint from `HF_ENDPOINT`.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

from cleaner.errors import CleanerError
from cleaner.publish.manifest import CARD, MANIFEST, stored, verify

_REPO_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}$")


class HubError(CleanerError, ValueError):
    """The push cannot start (no token, a bad repo id, a version that does not verify) or the Hub refused it."""


def push(version: Path, repo: str, *, private: bool = False, token: str | None = None) -> dict:
    """Upload the published `version` folder to the dataset repo `repo` as one commit tagged with
    the version's name; returns `{"commit": oid, "url": ..., "tag": ..., "files": n, "deleted": n}`."""
    from huggingface_hub import CommitOperationAdd, CommitOperationDelete, HfApi, get_token
    from huggingface_hub.errors import HfHubHTTPError

    if not _REPO_RE.fullmatch(repo):
        raise HubError(f"--repo {repo!r} is not a repo id: use ORG/NAME")
    version = Path(version)
    problems = verify(version)
    if problems:
        raise HubError(f"{version}: does not verify, not pushed: {problems[0]}")
    manifest = json.loads((version / MANIFEST).read_text(encoding="utf-8"))
    token = token or os.environ.get("HF_TOKEN") or get_token()
    if not token:
        raise HubError("no Hugging Face token: set HF_TOKEN or run `hf auth login`")
    api = HfApi(endpoint=os.environ.get("HF_ENDPOINT") or None, token=token)
    files = sorted({f["path"] for f in manifest["files"]} | {MANIFEST})
    content = _contents(version, manifest)
    tag = manifest["version"]
    try:
        api.create_repo(repo, repo_type="dataset", private=private or None, exist_ok=True)
        if tag in {t.name for t in api.list_repo_refs(repo, repo_type="dataset").tags}:
            raise HubError(f"{repo}: tag {tag!r} already exists; a pushed version is never replaced")
        before = set(api.list_repo_files(repo, repo_type="dataset"))
        gone = sorted(before - set(files) - {".gitattributes"})
        ops = [CommitOperationAdd(path_in_repo=rel, path_or_fileobj=content[rel]) for rel in files]
        ops += [CommitOperationDelete(path_in_repo=rel) for rel in gone]
        info = api.create_commit(repo, ops, repo_type="dataset",
                                 commit_message=f"{manifest['name']} {tag}",
                                 commit_description=f"news-cleaner version {tag} (parent {manifest.get('parent') or 'none'}), "
                                                    f"fingerprint {manifest['fingerprint']}")
        api.create_tag(repo, tag=tag, revision=info.oid, repo_type="dataset",
                       tag_message=f"{manifest['name']} {tag}")
    except HfHubHTTPError as e:
        raise HubError(f"{repo}: the Hub refused the push: {e}") from None
    return {"commit": info.oid, "url": info.commit_url, "tag": tag, "files": len(files), "deleted": len(gone)}


def _contents(version: Path, manifest: dict) -> dict[str, str | bytes]:
    """What the repo gets for each file: the file itself, wherever the version stores it. A version
    copied from object storage names some files' bytes in older versions (`"object"`, and the card's
    `../v1/...` paths); the repo holds each at its own path, so its card and manifest name them there."""
    content: dict[str, str | bytes] = {f["path"]: str(stored(version, f)) for f in manifest["files"]}
    content[MANIFEST] = str(version / MANIFEST)
    if any("object" in f for f in manifest["files"]):
        from cleaner.publish.card import with_stored_files

        own = [{k: v for k, v in f.items() if k != "object"} for f in manifest["files"]]
        card = with_stored_files((version / CARD).read_text(encoding="utf-8"), own).encode("utf-8")
        next(f for f in own if f["path"] == CARD).update(sha256=hashlib.sha256(card).hexdigest(), bytes=len(card))
        content[CARD] = card
        content[MANIFEST] = (json.dumps({**manifest, "files": own}, indent=2, ensure_ascii=False) + "\n").encode()
    return content
