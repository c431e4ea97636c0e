"""Speed and memory of `cleaner run` at two corpus sizes, 1 worker and all workers, with datatrove's C4 as reference.

    python scripts/bench_speed.py                      # every section: scale, text, html, stages
    python scripts/bench_speed.py --sizes 5 50         # smaller, when time is short
    python scripts/bench_speed.py --sections text html stages startup   # issue 19's figures only

Sections (`--sections`, default all):

- **scale**: what follows below (the synthetic corpus of the shipped samples, two sizes, 1 and N workers);
- **text**: the whole job, `cleaner run --workers 1`, on `--text-mb` of ScrapingHub page texts (each
  page reduced to its visible text, one block per line, as `../shared/bench/htmlbench.py --as-text`
  does, with words varied per record as below so dedup keeps them), next to datatrove's C4 line
  filter and its quality-filter stack (C4, Gopher repetition, Gopher quality, FineWeb; a document
  one filter drops goes no further, as in a datatrove pipeline) over the same texts, one process
  each; the stack, 50 times slower, over the first `--stack-mb` of them;
- **html**: `cleaner clean --workers 1` on the 181 ScrapingHub pages (start-up included, as the
  shared scorer times it) and `trafilatura.extract` on the same pages in one other process (the
  extraction timed, as the scorer does; the whole process's time is printed too);
- **startup**: `cleaner run` on the shipped sample (issue 19: under 1.5 s), the median of three
  processes, next to processes that only import the libraries it uses;
- **stages**: the seconds of each stage (read, crossdoc, repair, extract, classify, language,
  validate, MinHash, write) on those page texts and on the HTML pages (`profile_stages.py`).

Each figure comes with the CPU seconds of its process, since the machine is shared.

The corpus is synthetic, built from the samples shipped in the package (`cleaner/data/samples`):
every record is a sample (plain text, HTML or a JSONL record) whose body paragraphs have about one
word in five replaced by another word of the samples' vocabulary, chosen by a seeded RNG per record.
That keeps the shape of the lines (length, punctuation, boilerplate lines untouched) while making
every article a different text for dedup: at that rate few 5-word shingles survive, far below the
near-duplicate threshold, so dedup does not collapse the corpus (the table prints how many were
found). Records go to JSONL files of about 2 MB.

For each size it runs `cleaner run CORPUS --workers 1` and `--workers N` (N = all cores) as separate
processes, and prints wall-clock MB/s (input bytes) and articles/s (input records), the CPU
seconds of the whole process tree (which shows what the workers could reach on idle cores when the
machine is shared), and the peak RSS: the largest single process, and the whole process tree
(driver + workers), sampled every 50 ms.
The reference is datatrove's `C4QualityFilter(min_num_sentences=-1)` (its line filter, as the
shared scorers run it) over the same texts (the `text` of each record, or the HTML as is), one
process, timed without reading or writing: a lower bound on what a C4 pipeline costs.

`--one-file` (issue 17) measures one big file instead of a folder: the same records concatenated
into one JSONL of each size, cut into pieces at line boundaries so all workers share it
(`bench_one_file`): peak RSS at the large size over the small one, `--workers N` over 1 worker, and
whether both published the same bytes (the manifest fingerprints).

The machine is shared: the figures are as measured in one run, and noisy.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "cleaner" / "data" / "samples"
FILE_BYTES = 2 << 20
_WORD = re.compile(r"[A-Za-z][a-z]{3,}")
_P = re.compile(r"(<p>)([^<]{60,})(</p>)")


def _templates() -> list[dict]:
    """One JSONL record per shipped sample: txt and html files become `text` and `html` records."""
    out = []
    for path in sorted(SAMPLES.iterdir()):
        name = path.name
        if name.endswith(".txt"):
            text = path.read_text(encoding="utf-8")
            title = next(line.strip() for line in text.splitlines() if line.strip())
            out.append({"title": title, "text": text})
        elif name.endswith((".html", ".htm")):
            out.append({"html": path.read_text(encoding="utf-8")})
        elif name.endswith((".jsonl", ".jsonl.gz")):
            raw = gzip.decompress(path.read_bytes()) if name.endswith(".gz") else path.read_bytes()
            for line in raw.decode("utf-8").splitlines():
                if line.strip():
                    rec = json.loads(line)
                    rec.pop("id", None)
                    out.append(rec)
    return out


def _vocabulary(templates: list[dict]) -> list[str]:
    words = set()
    for t in templates:
        words.update(w.lower() for w in _WORD.findall(t.get("text") or t.get("html") or ""))
    return sorted(words)


def _vary_line(line: str, rng: random.Random, vocab: list[str], rate: float) -> str:
    """`line` with about `rate` of its words replaced, when it is a body-sized line (12+ words)."""
    words = line.split(" ")
    if len(words) < 12:
        return line
    for i, w in enumerate(words):
        if _WORD.fullmatch(w) and rng.random() < rate:
            new = rng.choice(vocab)
            words[i] = new.capitalize() if w[0].isupper() else new
    return " ".join(words)


def vary(template: dict, k: int, vocab: list[str], seed: int = 0, rate: float = 0.2) -> dict:
    """Record number `k` made from `template`: same shape, different words in its body paragraphs."""
    rng = random.Random(seed * 1_000_003 + k)
    rec = dict(template)
    rec["id"] = f"syn-{seed}-{k:08d}"
    if "text" in rec:
        rec["text"] = "\n".join(_vary_line(line, rng, vocab, rate) for line in rec["text"].split("\n"))
    if "html" in rec:
        rec["html"] = _P.sub(lambda m: m.group(1) + _vary_line(m.group(2), rng, vocab, rate) + m.group(3), rec["html"])
    return rec


def synthetic_corpus(dest: Path, total_bytes: int, file_bytes: int = FILE_BYTES, seed: int = 0) -> tuple[int, int]:
    """Write about `total_bytes` of JSONL records into `dest`; return (bytes, records) written."""
    dest.mkdir(parents=True, exist_ok=True)
    return write_varied(dest, _templates(), total_bytes, file_bytes, seed)


def write_varied(dest: Path, templates: list[dict], total_bytes: int, file_bytes: int, seed: int) -> tuple[int, int]:
    """Write varied copies of `templates` (`vary`) to JSONL files of about `file_bytes` in `dest`
    until about `total_bytes`; return (bytes, records) written."""
    vocab = _vocabulary(templates)
    written = records = n_file = 0
    while written < total_bytes:
        chunk, size = [], 0
        while size < file_bytes and written + size < total_bytes:
            line = json.dumps(vary(templates[records % len(templates)], records, vocab, seed), ensure_ascii=False) + "\n"
            chunk.append(line)
            size += len(line.encode("utf-8"))
            records += 1
        (dest / f"part-{n_file:05d}.jsonl").write_text("".join(chunk), encoding="utf-8")
        written += size
        n_file += 1
    return written, records


def _texts(corpus: Path):
    for path in sorted(corpus.glob("*.jsonl")):
        with open(path, encoding="utf-8") as f:
            for line in f:
                rec = json.loads(line)
                yield rec.get("text") or rec.get("html") or ""


def bench_c4(corpus: Path) -> dict:
    """datatrove's C4 line filter over every record's text, one process (reading excluded)."""
    from datatrove.data import Document
    from datatrove.pipeline.filters import C4QualityFilter

    docs = [Document(text=t, id=str(i)) for i, t in enumerate(_texts(corpus))]
    nbytes = sum(len(d.text.encode("utf-8")) for d in docs)
    filt = C4QualityFilter(min_num_sentences=-1)  # as ../shared/bench scores it (no spaCy sentence split)
    start, cpu = time.perf_counter(), time.process_time()
    kept = sum(1 for d in docs if filt.filter(d) is True)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "cpu": time.process_time() - cpu, "mb_s": nbytes / 1e6 / seconds, "docs_s": len(docs) / seconds,
            "docs": len(docs), "kept": kept}


def _tree_sample(proc, cpu: dict[int, float]) -> tuple[int, int]:
    """(sum, max) RSS over the process tree now; each process's CPU seconds so far go into `cpu`."""
    import psutil
    try:
        procs = [proc] + proc.children(recursive=True)
    except psutil.Error:
        return 0, 0
    sizes = []
    for p in procs:
        try:
            with p.oneshot():
                sizes.append(p.memory_info().rss)
                t = p.cpu_times()
                cpu[p.pid] = t.user + t.system
        except psutil.Error:
            pass
    return sum(sizes), max(sizes, default=0)


def run_cleaner(corpus: Path, workers: int, extra: list[str] | None = None) -> dict:
    """`cleaner run CORPUS --workers N` in a fresh process: seconds, peak RSS, the manifest counts."""
    import psutil

    out = Path(tempfile.mkdtemp(prefix="bench-out-"))
    cmd = [sys.executable, "-m", "cleaner", "run", str(corpus), "--out", str(out), "--name", "bench",
           "--version", "v1", "--workers", str(workers), *(extra or [])]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    ps = psutil.Process(proc.pid)
    peak_tree = peak_one = 0
    cpu: dict[int, float] = {}
    while proc.poll() is None:
        tree, one = _tree_sample(ps, cpu)
        peak_tree, peak_one = max(peak_tree, tree), max(peak_one, one)
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    stderr = proc.stderr.read().decode(errors="replace")
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{stderr}")
    manifest = json.loads((out / "bench" / "v1" / "manifest.json").read_text())
    shutil.rmtree(out, ignore_errors=True)
    return {"seconds": seconds, "peak_tree": peak_tree, "peak_one": peak_one, "counts": manifest["counts"],
            "cpu": sum(cpu.values()), "fingerprint": manifest["fingerprint"],
            "shards": manifest["stats"].get("input_shards")}


def one_file_corpus(base: Path, mb: float) -> Path:
    """The synthetic corpus of `mb` MB as one JSONL file (made once under `base`)."""
    path = base / f"one-{mb:g}MB.jsonl"
    if not path.exists():
        parts = base / f"parts-{mb:g}MB"
        synthetic_corpus(parts, int(mb * 1e6))
        with open(path, "wb") as out:
            for part in sorted(parts.glob("*.jsonl")):
                out.write(part.read_bytes())
        shutil.rmtree(parts, ignore_errors=True)
    return path


def _load() -> str:
    """The load averages now, to print beside figures measured on a shared machine."""
    import os

    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def bench_one_file(base: Path, sizes: list[float], workers: int) -> None:
    """One big JSONL per size, `cleaner run FILE` with 1 and `workers` workers: RSS, speed-up, same bytes."""
    runs = {}
    for mb in sizes:
        path = one_file_corpus(base, mb)
        for w in sorted({1, workers}):
            print(f"one file {mb:g} MB, workers={w}: {_load()} before", flush=True)
            r = runs[mb, w] = run_cleaner(path, w)
            print(f"  {r['seconds']:.1f}s, {path.stat().st_size / 1e6 / r['seconds']:.2f} MB/s, CPU {r['cpu']:.1f}s, "
                  f"peak RSS {r['peak_one'] / 2**20:.0f} MiB (tree {r['peak_tree'] / 2**20:.0f} MiB), "
                  f"shards={r['shards']}, inputs={r['counts']['inputs']}, {_load()} after", flush=True)
    small, large = sizes
    print(f"one file: peak RSS (largest process) {large:g} MB / {small:g} MB, 1 worker: "
          f"{runs[large, 1]['peak_one'] / runs[small, 1]['peak_one']:.2f}x (target <= 1.25x)")
    for mb in sizes:
        one, many = runs[mb, 1], runs[mb, workers]
        print(f"one file {mb:g} MB: {workers} workers / 1 worker speed: {one['seconds'] / many['seconds']:.2f}x "
              f"(target >= 1.6x); same bytes: {one['fingerprint'] == many['fingerprint']}")
# --- issue 19: text and HTML against their peers, one process each, and the stages -------------

SHARED = next((p / "shared" for p in (ROOT.parent, ROOT.parent.parent) if (p / "shared").is_dir()), ROOT.parent / "shared")
SCRAPINGHUB = SHARED / "benchmarks" / "scrapinghub"


def _htmlbench():
    """The shared scorer as a module, for its `page_text` (what `--as-text` hands a cleaner)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("htmlbench", SHARED / "bench" / "htmlbench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def scrapinghub_pages() -> dict[str, bytes]:
    """The 181 ScrapingHub pages, id -> HTML bytes."""
    return {p.name.split(".")[0]: gzip.decompress(p.read_bytes()) if p.name.endswith(".gz") else p.read_bytes()
            for p in sorted((SCRAPINGHUB / "html").glob("*.html*"))}


def page_text_corpus(dest: Path, total_bytes: int, file_bytes: int = FILE_BYTES, seed: int = 0) -> tuple[int, int]:
    """Write about `total_bytes` of JSONL text records, ScrapingHub page texts with varied words."""
    bench = _htmlbench()
    truth = json.loads((SCRAPINGHUB / "ground-truth.json").read_text(encoding="utf-8"))
    templates = [{"url": truth[i].get("url"), "text": bench.page_text(html)} for i, html in scrapinghub_pages().items()]
    dest.mkdir(parents=True, exist_ok=True)
    return write_varied(dest, templates, total_bytes, file_bytes, seed)


def bench_datatrove_stack(corpus: Path, max_bytes: float) -> dict:
    """datatrove's quality filters in a row (C4, Gopher repetition, Gopher quality, FineWeb) over the
    first `max_bytes` of texts, one process (reading excluded); a dropped document goes no further."""
    from datatrove.data import Document
    from datatrove.pipeline.filters import (C4QualityFilter, FineWebQualityFilter, GopherQualityFilter,
                                            GopherRepetitionFilter)

    docs, nbytes = [], 0
    for i, t in enumerate(_texts(corpus)):
        if nbytes >= max_bytes:
            break
        docs.append(Document(text=t, id=str(i)))
        nbytes += len(t.encode("utf-8"))
    filters = [C4QualityFilter(min_num_sentences=-1), GopherRepetitionFilter(), GopherQualityFilter(),
               FineWebQualityFilter()]
    filters[2].filter(Document(text="warm up the word tokenizer " * 20, id="w"))
    start, cpu = time.perf_counter(), time.process_time()
    kept = 0
    for d in docs:
        kept += all(f.filter(d) is True for f in filters)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "cpu": time.process_time() - cpu, "mb": nbytes / 1e6, "mb_s": nbytes / 1e6 / seconds,
            "docs": len(docs), "kept": kept}


def _child_cpu() -> float:
    import resource
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _timed_process(cmd: list[str]) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds, stdout) of a command run to its end in a fresh process."""
    cpu, start = _child_cpu(), time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if r.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stderr[-2000:]}")
    return seconds, _child_cpu() - cpu, r.stdout


def text_section(base: Path, text_mb: float, stack_mb: float) -> dict:
    """The whole job on page texts, one worker, next to datatrove's C4 filter and its stack."""
    corpus = base / f"pagetexts-{text_mb:g}MB"
    if not corpus.is_dir():
        t = time.perf_counter()
        nbytes, nrec = page_text_corpus(corpus, int(text_mb * 1e6))
        print(f"corpus {corpus}: {nbytes / 1e6:.1f} MB of page texts, {nrec} records, made in "
              f"{time.perf_counter() - t:.1f}s", flush=True)
    nbytes = sum(p.stat().st_size for p in corpus.glob("*.jsonl"))
    c4 = bench_c4(corpus)
    stack = bench_datatrove_stack(corpus, stack_mb * 1e6)
    ours = run_cleaner(corpus, 1)
    ours["mb_s"] = nbytes / 1e6 / ours["seconds"]
    c = ours["counts"]
    print()
    print(f"## text: {nbytes / 1e6:.1f} MB of ScrapingHub page texts ({c['inputs']} records), one process each")
    print("| runner | seconds | MB/s | CPU seconds | note |")
    print("|---|---:|---:|---:|---|")
    print(f"| cleaner run --workers 1 (whole job) | {ours['seconds']:.1f} | {ours['mb_s']:.2f} | {ours['cpu']:.1f} "
          f"| peak RSS {ours['peak_one'] / 2**20:.0f} MiB; published {c['published']}, quarantined "
          f"{c['quarantined']}, duplicates {c['duplicates']} |")
    print(f"| datatrove C4QualityFilter(min_num_sentences=-1) | {c4['seconds']:.1f} | {c4['mb_s']:.2f} | {c4['cpu']:.1f} | "
          f"filter only, texts in memory; kept {c4['kept']} of {c4['docs']} |")
    print(f"| datatrove C4 + Gopher repetition + Gopher quality + FineWeb | {stack['seconds']:.1f} | {stack['mb_s']:.3f} "
          f"| {stack['cpu']:.1f} | first {stack['mb']:.1f} MB; kept {stack['kept']} of {stack['docs']} |")
    print(f"text, whole job / C4 line filter: {ours['mb_s'] / c4['mb_s']:.2f}x (target >= 0.3x); "
          f"/ datatrove stack: {ours['mb_s'] / stack['mb_s']:.1f}x; by CPU seconds a MB: "
          f"{(c4['cpu'] / (c4['mb_s'] * c4['seconds'])) / (ours['cpu'] / (nbytes / 1e6)):.2f}x and "
          f"{(stack['cpu'] / stack['mb']) / (ours['cpu'] / (nbytes / 1e6)):.1f}x", flush=True)
    return {"corpus": corpus, "ours": ours, "c4": c4, "stack": stack}


_TRAFILATURA = """
import sys, time
from pathlib import Path
import json
import trafilatura
truth = json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
pages = [(p.stem, p.read_bytes().decode("utf-8", errors="replace")) for p in sorted(Path(sys.argv[1]).glob("*.html"))]
start = time.perf_counter()
for key, html in pages:
    trafilatura.extract(html, url=truth[key].get("url"), include_comments=False)
print(time.perf_counter() - start)
"""


def html_section() -> dict:
    """`cleaner clean --workers 1` and trafilatura on the 181 ScrapingHub pages, one process each."""
    with tempfile.TemporaryDirectory() as td:
        src = Path(td, "src")
        src.mkdir()
        for key, html in scrapinghub_pages().items():
            (src / f"{key}.html").write_bytes(html)
        n = len(list(src.iterdir()))
        ours = _timed_process([sys.executable, "-m", "cleaner", "clean", str(src), "-o", str(Path(td, "out.jsonl")),
                               "--workers", "1"])
        theirs = _timed_process([sys.executable, "-c", _TRAFILATURA, str(src), str(SCRAPINGHUB / "ground-truth.json")])
    extract_s = float(theirs[2].split()[-1])
    print()
    print(f"## html: the {n} ScrapingHub pages, one process each")
    print("| runner | seconds | pages/s | CPU seconds (process) | note |")
    print("|---|---:|---:|---:|---|")
    print(f"| cleaner clean --workers 1 | {ours[0]:.2f} | {n / ours[0]:.1f} | {ours[1]:.1f} | whole process, start-up included |")
    print(f"| trafilatura.extract | {extract_s:.2f} | {n / extract_s:.1f} | {theirs[1]:.1f} | extraction only, as the "
          f"scorer times it (whole process {theirs[0]:.2f} s, {n / theirs[0]:.1f} pages/s) |")
    print(f"html, cleaner / trafilatura pages/s: {extract_s / ours[0]:.2f}x (target >= 2x); "
          f"CPU seconds of the processes: {theirs[1] / ours[1]:.2f}x", flush=True)
    return {"ours": ours, "trafilatura": theirs, "pages": n}


def stages_section(text_corpus: Path | None) -> None:
    """profile_stages.py on the page texts (when made) and on the HTML pages, each in a fresh process."""
    script = str(ROOT / "scripts" / "profile_stages.py")
    with tempfile.TemporaryDirectory() as td:
        src = Path(td)
        for key, html in scrapinghub_pages().items():
            (src / f"{key}.html").write_bytes(html)
        for title, folder in (("page texts", text_corpus), ("ScrapingHub HTML pages", src)):
            if folder is None:
                continue
            seconds, _, out = _timed_process([sys.executable, script, str(folder)])
            print()
            print(f"## stages on the {title} (profile_stages.py, one process, {seconds:.1f} s with start-up)")
            print(out.rstrip(), flush=True)


#: What `cleaner run` imports from other packages, imported alone: the floor under its start-up.
_LIBRARIES = "import typer, typer._adapters, rich, ftfy, lxml.html, numpy, fasttext, yaml, pyarrow.parquet, pyarrow.compute"


def startup_section(runs: int = 3) -> dict:
    """`cleaner run` on the shipped sample (no inputs given), the median of `runs` fresh processes,
    next to a process that only imports the libraries it uses (`_LIBRARIES`) and one that imports
    pandas too (which pyarrow imports when it converts Python values, if installed)."""
    rows = {}
    with tempfile.TemporaryDirectory() as td:
        for label, cmd in (
                ("cleaner run (shipped sample)", lambda k: [sys.executable, "-m", "cleaner", "run", "--out", str(Path(td, f"o{k}"))]),
                ("its libraries, imported alone", lambda k: [sys.executable, "-c", _LIBRARIES]),
                ("those and pandas", lambda k: [sys.executable, "-c", _LIBRARIES + ", pandas"])):
            times = sorted((_timed_process(cmd(k))[:2] for k in range(runs)), key=lambda t: t[0])
            rows[label] = times[len(times) // 2]
    print()
    print(f"## start-up: the median of {runs} fresh processes each")
    print("| process | seconds | CPU seconds |")
    print("|---|---:|---:|")
    for label, (wall, cpu) in rows.items():
        print(f"| {label} | {wall:.2f} | {cpu:.2f} |")
    wall = rows["cleaner run (shipped sample)"][0]
    print(f"start-up: cleaner run on the shipped sample {wall:.2f} s (target < 1.5 s)", flush=True)
    return rows


SECTIONS = ("scale", "text", "html", "stages", "startup")


def _compiled_checkout() -> None:
    """Every process reads this checkout's modules as compiled bytecode, as an installed package's.

    pip compiles a package's modules when it installs it (the peers' are), but a checkout run
    with PYTHONDONTWRITEBYTECODE set (as on the machines this project is built on) compiles every
    module from source in every process: about 6% of a `cleaner clean` of the 181 pages, and more
    of a start-up. The bytecode goes where Python keeps it, `__pycache__` beside each module (which
    git ignores), and is checked against the source's time as always.
    """
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "cleaner")], check=True)
    print(f"bytecode of {ROOT / 'cleaner'} compiled, as an installed package has it", flush=True)


def main() -> None:
    # Every process this script starts, and its own imports, use the cleaner of this checkout,
    # whichever is installed (a worktree's script measures the worktree, as snapshot.py does).
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH"))))
    sys.path.insert(0, str(ROOT))
    _compiled_checkout()
    from cleaner.executors import default_workers

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sections", nargs="+", choices=SECTIONS, default=list(SECTIONS))
    ap.add_argument("--sizes", nargs=2, type=float, default=[20, 200], metavar=("SMALL_MB", "LARGE_MB"))
    ap.add_argument("--workers", type=int, default=default_workers(), help="the 'all workers' figure")
    ap.add_argument("--text-mb", type=float, default=30, help="MB of page texts for the text section")
    ap.add_argument("--stack-mb", type=float, default=2, help="MB of them the datatrove stack reads")
    ap.add_argument("--keep", type=Path, help="keep the corpora in this folder (reused when there)")
    ap.add_argument("--one-file", action="store_true", help="one big JSONL per size instead of a folder (issue 17)")
    args = ap.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="bench-corpus-"))
    if args.one_file:
        base.mkdir(parents=True, exist_ok=True)
        bench_one_file(base, args.sizes, args.workers)
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
        return
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores", flush=True)
    if "scale" in args.sections:
        scale_section(args, base)
    text = text_section(base, args.text_mb, args.stack_mb) if "text" in args.sections else None
    if "html" in args.sections:
        html_section()
    if "stages" in args.sections:
        stages_section(text["corpus"] if text else None)
    if "startup" in args.sections:
        startup_section()
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} at the end", flush=True)
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)


def scale_section(args, base: Path) -> None:
    """Two sizes of the synthetic corpus, 1 and N workers: throughput, CPU and peak memory."""
    rows = []
    for mb in args.sizes:
        corpus = base / f"corpus-{mb:g}MB"
        if not corpus.is_dir():
            t = time.perf_counter()
            nbytes, nrec = synthetic_corpus(corpus, int(mb * 1e6))
            print(f"corpus {corpus}: {nbytes / 1e6:.1f} MB, {nrec} records, made in {time.perf_counter() - t:.1f}s",
                  flush=True)
        nbytes = sum(p.stat().st_size for p in corpus.glob("*.jsonl"))
        c4 = bench_c4(corpus)
        print(f"{mb:g} MB  datatrove C4: {c4['mb_s']:.2f} MB/s, {c4['docs_s']:.0f} docs/s", flush=True)
        for workers in sorted({1, args.workers}):
            r = run_cleaner(corpus, workers)
            c = r["counts"]
            rows.append((mb, workers, nbytes, r, c4))
            print(f"{mb:g} MB  workers={workers}: {r['seconds']:.1f}s, {nbytes / 1e6 / r['seconds']:.2f} MB/s, "
                  f"{c['inputs'] / r['seconds']:.0f} articles/s, CPU {r['cpu']:.1f}s, peak RSS {r['peak_one'] / 2**20:.0f} MiB "
                  f"(tree {r['peak_tree'] / 2**20:.0f} MiB), inputs={c['inputs']} published={c['published']} "
                  f"quarantined={c['quarantined']} duplicates={c['duplicates']} shards={r['shards']}", flush=True)
    print()
    print("| corpus | runner | workers | seconds | MB/s | articles/s | CPU seconds (all processes) "
          "| peak RSS one process | peak RSS tree |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for mb, workers, nbytes, r, c4 in rows:
        print(f"| {mb:g} MB | cleaner run | {workers} | {r['seconds']:.1f} | {nbytes / 1e6 / r['seconds']:.2f} | "
              f"{r['counts']['inputs'] / r['seconds']:.0f} | {r['cpu']:.1f} | {r['peak_one'] / 2**20:.0f} MiB "
              f"| {r['peak_tree'] / 2**20:.0f} MiB |")
    for mb in args.sizes:
        c4 = next(row[4] for row in rows if row[0] == mb)
        print(f"| {mb:g} MB | datatrove C4 filter | 1 | {c4['seconds']:.1f} | {c4['mb_s']:.2f} | {c4['docs_s']:.0f} "
              "| | | |")
    small, large = args.sizes
    one = {mb: next(r for m, w, _, r, _ in rows if m == mb and w == 1) for mb in args.sizes}
    print()
    print(f"peak RSS at {large:g} MB / at {small:g} MB, 1 worker: "
          f"{one[large]['peak_one'] / one[small]['peak_one']:.2f}x (target <= 1.2x)")
    if args.workers > 1:
        for mb in args.sizes:
            many = next(r for m, w, _, r, _ in rows if m == mb and w == args.workers)
            print(f"{mb:g} MB: {args.workers} workers / 1 worker throughput: "
                  f"{one[mb]['seconds'] / many['seconds']:.2f}x (target >= 1.7x on 2 cores); "
                  f"CPU seconds {many['cpu']:.1f} vs {one[mb]['cpu']:.1f}, so at most "
                  f"{args.workers * one[mb]['cpu'] / max(many['cpu'], 1e-9):.2f}x with {args.workers} idle cores")
    for mb in args.sizes:
        nbytes = next(n for m, w, n, _, _ in rows if m == mb)
        c4 = next(row[4] for row in rows if row[0] == mb)
        print(f"{mb:g} MB: 1 worker {nbytes / 1e6 / one[mb]['seconds']:.2f} MB/s vs datatrove C4 {c4['mb_s']:.2f} MB/s")


if __name__ == "__main__":
    main()
