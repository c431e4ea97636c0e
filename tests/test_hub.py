"""`cleaner push` against a local HTTP server that records the calls huggingface_hub makes.

This checks the calls, not the Hub: the server implements just enough of the Hub's HTTP API (the
routes huggingface_hub 2.x calls: repos/create, refs, tree, preupload, the LFS batch endpoint, the
commit and the tag) to take a push, and answers the LFS batch endpoint as the Hub does, without an
upload action for an object it already stores. What it cannot show is that the Hub renders the
card or that `load_dataset("ORG/NAME", revision=...)` works there; the test checks what the Hub
would need for that: the tree of each tagged commit is the whole version, card included.
"""
from __future__ import annotations

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from typer.testing import CliRunner

from cleaner import build
from cleaner.cli import app
from cleaner.executors import InlineExecutor

from test_versions import write_feed

runner = CliRunner()


class FakeHub:
    """The state the recording server keeps: calls, stored LFS objects, commits and tags."""

    def __init__(self):
        self.calls: list[tuple[str, str]] = []
        self.objects: dict[str, bytes] = {}      # sha256 -> bytes uploaded through LFS
        self.tree: dict[str, str] = {}           # path -> sha256 (or the inline content's hash) at main
        self.commits: list[dict] = []            # {"oid", "tree", "message"}
        self.tags: dict[str, str] = {}
        self.private: bool | None = None
        self.cards: list[dict] = []              # YAML headers sent to validate-yaml


def _handler(hub: FakeHub):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def _json(self, body, status=200):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def do_GET(self):
            hub.calls.append(("GET", self.path))
            if "/refs" in self.path:
                return self._json({"branches": [], "converts": [],
                                   "tags": [{"name": t, "ref": f"refs/tags/{t}", "targetCommit": o} for t, o in hub.tags.items()]})
            if "/tree/" in self.path:
                return self._json([{"type": "file", "path": p, "size": 1, "oid": s} for p, s in sorted(hub.tree.items())])
            self._json({"error": "not found"}, 404)

        def do_PUT(self):
            hub.calls.append(("PUT", self.path))
            data = self._body()
            hub.objects[hashlib.sha256(data).hexdigest()] = data
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_POST(self):
            hub.calls.append(("POST", self.path))
            body = self._body()
            host = f"http://{self.headers['Host']}"
            if self.path == "/api/validate-yaml":   # the client sends the card's front matter before committing it
                import yaml
                content = json.loads(body)["content"]
                header = yaml.safe_load(content.split("---\n")[1])
                hub.cards.append(header)
                ok = all(c.get("data_files") for c in header.get("configs", [])) and header.get("configs")
                return self._json({"warnings": [], "errors": [] if ok else [{"message": "no configs"}]}, 200 if ok else 400)
            if self.path == "/api/repos/create":
                hub.private = json.loads(body).get("visibility") == "private" if hub.private is None else hub.private
                return self._json({"url": f"{host}/datasets/org/news"})
            if "/preupload/" in self.path:
                files = json.loads(body)["files"]
                return self._json({"files": [{"path": f["path"], "uploadMode": "lfs" if f["path"].endswith(".parquet") else "regular",
                                              "shouldIgnore": False} for f in files]})
            if self.path.endswith(".git/info/lfs/objects/batch"):
                objects = []
                for o in json.loads(body)["objects"]:
                    entry = {"oid": o["oid"], "size": o["size"]}
                    if o["oid"] not in hub.objects:   # the Hub's dedup: a stored object gets no upload action
                        entry["actions"] = {"upload": {"href": f"{host}/lfs-upload/{o['oid']}"}}
                    objects.append(entry)
                return self._json({"transfer": "basic", "objects": objects})
            if "/commit/" in self.path:
                lines = [json.loads(line) for line in body.decode().splitlines() if line.strip()]
                for line in lines:
                    if line["key"] == "file":
                        hub.tree[line["value"]["path"]] = hashlib.sha256(line["value"]["content"].encode()).hexdigest()
                    elif line["key"] == "lfsFile":
                        assert line["value"]["oid"] in hub.objects, "an LFS file committed before it was uploaded"
                        hub.tree[line["value"]["path"]] = line["value"]["oid"]
                    elif line["key"] == "deletedFile":
                        hub.tree.pop(line["value"]["path"])
                oid = hashlib.sha1(json.dumps(hub.tree, sort_keys=True).encode()).hexdigest()
                hub.commits.append({"oid": oid, "tree": dict(hub.tree), "message": lines[0]["value"]["summary"]})
                return self._json({"commitOid": oid, "commitUrl": f"{host}/datasets/org/news/commit/{oid}"})
            if "/tag/" in self.path:
                hub.tags[json.loads(body)["tag"]] = self.path.rsplit("/", 1)[-1]
                return self._json({})
            self._json({"error": "not found"}, 404)
    return Handler


@pytest.fixture()
def hub(monkeypatch):
    import huggingface_hub.constants as constants

    state = FakeHub()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{server.server_address[1]}")
    monkeypatch.setenv("HF_TOKEN", "hf_test_token")
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)      # conftest keeps every other test offline
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_XET", True)   # the LFS protocol: no Xet store to fake here
    yield state
    server.shutdown()


def test_push_sends_each_version_as_one_tagged_commit_and_shared_files_once(hub, tmp_path):
    write_feed(tmp_path / "day1" / "feed.jsonl", 0, 4)
    write_feed(tmp_path / "day2" / "feed.jsonl", 4, 2)
    out = tmp_path / "out"
    v1, _ = build([tmp_path / "day1"], out, "news", executor=InlineExecutor())
    v2, _ = build([tmp_path / "day2"], out, "news", parent="v1", executor=InlineExecutor())
    puts_before = {}
    for v, extra in ((v1, ["--private"]), (v2, [])):
        puts_before[v.name] = sum(1 for method, _ in hub.calls if method == "PUT")
        result = runner.invoke(app, ["push", str(v), "--repo", "org/news", *extra])
        assert result.exit_code == 0, result.output
    assert hub.private is True and list(hub.tags) == ["v1", "v2"] and len(hub.commits) == 2
    for commit, v in zip(hub.commits, (v1, v2)):
        on_disk = sorted(p.relative_to(v).as_posix() for p in v.rglob("*") if p.is_file())
        assert sorted(commit["tree"]) == on_disk                   # the tree at the tag is the whole version
        assert hub.tags[v.name] == commit["oid"]
    manifest2 = json.loads((v2 / "manifest.json").read_text())
    parquet = {f["sha256"] for f in manifest2["files"] if f["path"].endswith(".parquet")}
    shared = parquet & {f["sha256"] for f in json.loads((v1 / "manifest.json").read_text())["files"]}
    assert shared, "v2 shares shards with v1"
    uploads = [path.rsplit("/", 1)[-1] for method, path in hub.calls if method == "PUT"]
    assert sorted(uploads) == sorted(set(uploads)) and parquet <= set(uploads)   # each shard's bytes sent once
    assert not shared & set(uploads[puts_before["v2"]:])       # v2's push sent none of the shards it shares with v1
    assert "data/train-00000-of-00002.parquet" in hub.commits[1]["tree"]
    configs = {c["config_name"]: c["data_files"][0]["path"] for c in hub.cards[-1]["configs"]}
    assert configs["default"] == "data/train-*.parquet" and set(configs) == {"default", "removals", "quarantine", "duplicates"}


def test_push_refuses_a_tag_that_exists_and_a_missing_token(hub, tmp_path, monkeypatch):
    write_feed(tmp_path / "in" / "feed.jsonl", 0, 3)
    v1, _ = build([tmp_path / "in"], tmp_path / "out", "news", executor=InlineExecutor())
    assert runner.invoke(app, ["push", str(v1), "--repo", "org/news"]).exit_code == 0
    again = runner.invoke(app, ["push", str(v1), "--repo", "org/news"])
    assert again.exit_code == 2 and "tag 'v1' already exists" in again.output and len(hub.commits) == 1
    monkeypatch.delenv("HF_TOKEN")
    monkeypatch.setattr("huggingface_hub.get_token", lambda: None)
    result = runner.invoke(app, ["push", str(v1), "--repo", "org/other"])
    assert result.exit_code == 2 and "HF_TOKEN" in result.output


def test_push_of_a_version_copied_from_object_storage_gives_the_repo_every_file_at_its_path(hub, s3, tmp_path):
    fs, bucket = s3
    write_feed(tmp_path / "day1" / "feed.jsonl", 0, 4)
    write_feed(tmp_path / "day2" / "feed.jsonl", 4, 2)
    for day, extra in (("day1", []), ("day2", ["--parent", "v1"])):
        result = runner.invoke(app, ["run", str(tmp_path / day), "--out", f"s3://{bucket}/ds", "--name", "news",
                                     "-w", "1", *extra])
        assert result.exit_code == 0, result.output
    fs.get(f"{bucket}/ds/news/", str(tmp_path / "copy"), recursive=True)
    v2 = tmp_path / "copy" / "v2"
    assert not (v2 / "data" / "train-00000-of-00002.parquet").exists()     # the store keeps it in v1
    result = runner.invoke(app, ["push", str(v2), "--repo", "org/news"])
    assert result.exit_code == 0, result.output
    manifest = json.loads((v2 / "manifest.json").read_text())
    assert set(hub.commits[-1]["tree"]) == {f["path"] for f in manifest["files"]} | {"manifest.json"}
    paths = [p for c in hub.cards[-1]["configs"] for d in c["data_files"] for p in d["path"]]
    assert "data/train-00000-of-00002.parquet" in paths and not [p for p in paths if ".." in p]
