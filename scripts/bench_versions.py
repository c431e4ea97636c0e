"""Issue 18's targets in one run: a dataset that grows, on a local disk and on an S3 server.

Usage: python scripts/bench_versions.py [--pages ../shared/benchmarks/scrapinghub/html] [--first 120] [--more 40]

v1 is the first 120 real pages (sorted by name), v2 the next 40 with `--parent v1`, on a local folder
and on a local S3 server (moto's server mode on a loopback port, as the tests start it; the test
extra installs it). Printed, each with its target:
- the dataset folder's bytes over v2's alone (every file v2 lists), locally (each inode once: shared
  files are hard links) and on the store (every object under the dataset's prefix; shared files are
  references in v2's manifest). Next to it, the same ratio if v2 held copies of what it shares, the
  cost of a snapshot that shares nothing (a server-side copy on the store, before references);
- `latest` loads v2 with `datasets` (every v1 article plus the new ones);
- a retraction of 3 ids gives v3 with 3 fewer rows, the ids and the reason in its manifest;
- every version verifies (local and store);
- the first pages built from two different absolute folders give byte-identical data files;
- the store's v2 read back with pyarrow through `cleaner.data_files`;
- bad input: a parent that does not exist, a parent that does not verify, an ids file with an
  unknown id, a bucket that refuses writes part way (no partial version, LATEST unchanged).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = ROOT.parent / "shared" / "benchmarks" / "scrapinghub" / "html"
if not PAGES.is_dir():
    PAGES = ROOT.parent.parent / "shared" / "benchmarks" / "scrapinghub" / "html"

RESULTS: list[tuple[str, str, str, bool]] = []   # (what, measured, target, met)


def report(what: str, measured: str, target: str, met: bool) -> None:
    RESULTS.append((what, measured, target, met))
    print(f"{'PASS' if met else 'FAIL'}  {what}: {measured}  (target: {target})", flush=True)


def cli(*args: str):
    from typer.testing import CliRunner

    from cleaner.cli import app

    return CliRunner().invoke(app, [str(a) for a in args])


def local_bytes(folder: Path) -> int:
    """Bytes under `folder`, each inode once, links not followed (`du -sb` without the folders)."""
    seen, total = set(), 0
    for dirpath, _, names in os.walk(folder):
        for n in names:
            st = os.lstat(os.path.join(dirpath, n))
            if (st.st_dev, st.st_ino) not in seen:
                seen.add((st.st_dev, st.st_ino))
                total += st.st_size
    return total


def listed_bytes(manifest: dict, manifest_bytes: int) -> int:
    """A version alone: every file its manifest lists, and the manifest."""
    return sum(f["bytes"] for f in manifest["files"]) + manifest_bytes


def split_pages(pages: Path, first: int, more: int, tmp: Path) -> tuple[Path, Path]:
    names = sorted(p for p in pages.iterdir() if p.is_file())
    if len(names) < first + more:
        sys.exit(f"{pages}: {len(names)} pages, {first + more} needed")
    days = tmp / "day1", tmp / "day2"
    for day, chunk in zip(days, (names[:first], names[first:first + more])):
        day.mkdir(parents=True)
        for p in chunk:
            shutil.copy(p, day / p.name)
    return days


def grow(out: str, day1: Path, day2: Path) -> None:
    for day, extra in ((day1, []), (day2, ["--parent", "v1"])):
        result = cli("run", day, "--out", out, "--name", "news", "-w", "1", *extra)
        if result.exit_code not in (0, 1):   # 1: some pages quarantined, published all the same
            sys.exit(f"cleaner run {day} --out {out} failed ({result.exit_code}): {result.output[-2000:]}")


def local_part(day1: Path, day2: Path, tmp: Path) -> None:
    import datasets
    import pyarrow.parquet as pq

    import cleaner

    out = tmp / "out"
    grow(str(out), day1, day2)
    base = out / "news"
    m1, m2 = (json.loads((base / v / "manifest.json").read_text()) for v in ("v1", "v2"))
    v2_alone = local_bytes(base / "v2")
    folder = local_bytes(base)
    copied = folder + sum(f["bytes"] for f in m2["files"] if (base / "v2" / f["path"]).stat().st_nlink > 1)
    report("local: dataset folder / v2 alone", f"{folder:,} / {v2_alone:,} B = {folder / v2_alone:.2f}x "
           f"(with copies instead of links: {copied / v2_alone:.2f}x)", "<= 1.3x", folder / v2_alone <= 1.3)
    os.environ["HF_DATASETS_OFFLINE"] = "1"
    latest = datasets.load_dataset(str(base / "latest"), split="train")
    rows1 = pq.read_table(cleaner.data_files(base / "v1"), columns=["id"]).num_rows
    new = m2["counts"]["published"]
    report("local: latest loads v2", f"{len(latest)} rows = v1 {rows1} + new {new}", "v1 + new",
           len(latest) == rows1 + new and m2["counts"]["inherited"] == rows1)
    ids = sorted(latest["id"])[:3]
    (tmp / "ids.txt").write_text("\n".join(ids) + "\n")
    result = cli("retract", base, "--ids", tmp / "ids.txt", "--reason", "bench takedown")
    m3 = json.loads((base / "v3" / "manifest.json").read_text()) if (base / "v3").is_dir() else {}
    rows3 = len(datasets.load_dataset(str(base / "v3"), split="train")) if m3 else -1
    rec = (m3.get("retracted") or [{}])[-1]
    report("local: retract 3 ids", f"exit {result.exit_code}, v3 {rows3} rows (v2 {len(latest)}), "
           f"manifest ids {rec.get('ids')}, reason {rec.get('reason')!r}", "3 fewer, ids and reason recorded",
           rows3 == len(latest) - 3 and rec.get("ids") == ids and rec.get("reason") == "bench takedown")
    problems = {v: cleaner.verify(base / v) for v in ("v1", "v2", "v3")}
    report("local: every version verifies", ", ".join(f"{v}: {len(p)} problems" for v, p in problems.items()),
           "0 problems", not any(problems.values()))
    bad_inputs_local(day2, base, tmp)


def bad_inputs_local(day2: Path, base: Path, tmp: Path) -> None:
    result = cli("run", day2, "--out", base.parent, "--name", "news", "--parent", "v9", "-w", "1")
    report("bad: a parent that does not exist", f"exit {result.exit_code}: {result.output.strip()[-120:]}",
           "exit 2 naming it", result.exit_code == 2 and "v9" in result.output)
    broken = tmp / "broken"
    shutil.copytree(base, broken / "news", symlinks=True)
    shard = sorted((broken / "news" / "v1" / "data").glob("*.parquet"))[0]
    shard.unlink()                                    # break the link first: v2's copy stays intact
    shutil.copy(base / "v1" / "data" / shard.name, shard)
    with open(shard, "r+b") as f:
        f.seek(100)
        f.write(b"\xff\xff")
    result = cli("run", day2, "--out", broken, "--name", "news", "--parent", "v1", "--version", "v9", "-w", "1")
    report("bad: a parent that does not verify", f"exit {result.exit_code}: {result.output.strip()[-120:]}",
           "exit 2, no v9", result.exit_code == 2 and "does not verify" in result.output
           and not (broken / "news" / "v9").exists())
    (tmp / "unknown.txt").write_text("no-such-article\n")
    result = cli("retract", base, "--ids", tmp / "unknown.txt", "--reason", "x")
    report("bad: an ids file with an unknown id", f"exit {result.exit_code}: {result.output.strip()[-120:]}",
           "exit 2 naming it, no v4", result.exit_code == 2 and "no-such-article" in result.output
           and not (base / "v4").exists())


def same_bytes_from_two_folders(day1: Path, tmp: Path) -> None:
    from cleaner import build
    from cleaner.executors import InlineExecutor

    built = []
    for where in ("a", "b/two/levels"):
        corpus = tmp / "abs" / where / "corpus"
        shutil.copytree(day1, corpus)
        built.append(build([corpus], tmp / "abs-out" / where.replace("/", "-"), "news", executor=InlineExecutor())[0])
    files = [{p.relative_to(v).as_posix(): p.read_bytes() for p in v.rglob("*") if p.is_file()} for v in built]
    differ = [k for k in sorted(set(files[0]) | set(files[1])) if files[0].get(k) != files[1].get(k)]
    report("same inputs under two absolute folders", f"{len(differ)} of {len(files[0])} files differ {differ[:3]}",
           "0 differ", not differ)


def store_part(day1: Path, day2: Path, tmp: Path) -> None:
    from moto.server import ThreadedMotoServer

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        os.environ.update(AWS_ENDPOINT_URL=f"http://127.0.0.1:{port}", AWS_ACCESS_KEY_ID="bench",
                          AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1")
        store(day1, day2, tmp)
    finally:
        server.stop()


def store(day1: Path, day2: Path, tmp: Path) -> None:
    import pyarrow.parquet as pq
    import s3fs

    import cleaner

    fs = s3fs.S3FileSystem()
    fs.mkdir("bench-versions")
    url = "s3://bench-versions/datasets"
    grow(url, day1, day2)
    base = "bench-versions/datasets/news"
    objects = {k: fs.info(k)["size"] for k in fs.find(base)}
    m2 = json.loads(fs.cat_file(f"{base}/v2/manifest.json"))
    v2_alone = listed_bytes(m2, objects[f"{base}/v2/manifest.json"])
    folder = sum(objects.values())
    copied = folder + sum(f["bytes"] for f in m2["files"] if "object" in f)
    report("store: dataset prefix / v2 alone", f"{folder:,} / {v2_alone:,} B = {folder / v2_alone:.2f}x "
           f"(with server-side copies: {copied / v2_alone:.2f}x); v2 stores {sum(1 for k in objects if '/v2/' in k)} "
           f"objects for {len(m2['files']) + 1} files", "<= 1.3x", folder / v2_alone <= 1.3)
    table = pq.read_table(cleaner.data_files(f"{url}/news/latest"), filesystem=fs)
    m1 = json.loads(fs.cat_file(f"{base}/v1/manifest.json"))
    want = m1["counts"]["published"] + m2["counts"]["published"]
    report("store: v2 read back with pyarrow (data_files)", f"{table.num_rows} rows", f"{want} (v1 + new)",
           table.num_rows == want)
    (tmp / "ids-s3.txt").write_text("\n".join(sorted(table["id"].to_pylist())[:3]) + "\n")
    result = cli("retract", f"{url}/news", "--ids", tmp / "ids-s3.txt", "--reason", "bench takedown")
    rows3 = pq.read_table(cleaner.data_files(f"{url}/news/v3"), filesystem=fs).num_rows if result.exit_code == 0 else -1
    report("store: retract 3 ids", f"exit {result.exit_code}, v3 {rows3} rows", f"{want - 3}", rows3 == want - 3)
    codes = {v: cli("verify", f"{url}/news/{v}").exit_code for v in ("v1", "v2", "v3")}
    report("store: every version verifies", ", ".join(f"{v}: exit {c}" for v, c in codes.items()), "exit 0",
           not any(codes.values()))
    refusing_bucket(fs, url, base, day2)


def refusing_bucket(fs, url: str, base: str, day2: Path) -> None:
    import s3fs

    real, calls = {m: getattr(s3fs.S3FileSystem, m) for m in ("_put_file", "_pipe_file")}, []

    def refusing(method):
        async def write(self, source, rpath, *args, **kwargs):   # takes two objects, then denies access
            calls.append(rpath)
            if len(calls) > 2:
                raise PermissionError(f"Access Denied: {rpath}")
            return await real[method](self, source, rpath, *args, **kwargs)
        return write

    for m in real:
        setattr(s3fs.S3FileSystem, m, refusing(m))
    s3fs.S3FileSystem.clear_instance_cache()   # an instance binds its sync methods when made
    try:
        result = cli("run", day2, "--out", url, "--name", "news", "--parent", "v3", "-w", "1")
    finally:
        for m, f in real.items():
            setattr(s3fs.S3FileSystem, m, f)
        s3fs.S3FileSystem.clear_instance_cache()
    fs.invalidate_cache()
    left = [k for k in fs.find(base) if "/v4/" in k or "/.tmp-" in k]
    latest = fs.cat_file(f"{base}/LATEST").decode().strip()
    report("bad: a bucket that refuses writes", f"exit {result.exit_code}, {len(left)} objects of v4 left, "
           f"LATEST {latest}", "exit 2, none left, LATEST v3",
           result.exit_code == 2 and not left and latest == "v3")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=Path, default=PAGES)
    parser.add_argument("--first", type=int, default=120)
    parser.add_argument("--more", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-versions-") as tmp:
        tmp = Path(tmp)
        day1, day2 = split_pages(args.pages, args.first, args.more, tmp)
        print(f"v1: {args.first} pages, v2: {args.more} more (--parent v1), from {args.pages}", flush=True)
        local_part(day1, day2, tmp)
        same_bytes_from_two_folders(day1, tmp)
        store_part(day1, day2, tmp)
    met = sum(r[3] for r in RESULTS)
    print(f"\n{met} of {len(RESULTS)} targets met")
    return 0 if met == len(RESULTS) else 1


if __name__ == "__main__":
    sys.exit(main())
