"""Many small files against one big one: `cleaner run` on N one-article .txt files and on one JSONL
holding the same N articles, each timed as its own process, and the ratio of the two.

    python scripts/bench_small_files.py               # 1,000 articles
    python scripts/bench_small_files.py -n 5000 --workers 2

The articles are the text samples shipped in the package, varied as `bench_speed.py` varies them
(about one body word in five replaced, a seeded RNG per record), so none is a duplicate of another.
Issue 16 asks for the many files within 3x of the one file (validation used to run one batch per
input file, which made 1,000 files 8x slower). The machine is shared: the figures are noisy.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("bench_speed", ROOT / "scripts" / "bench_speed.py")
bench_speed = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_speed)


def write_corpora(dest: Path, n: int) -> tuple[Path, Path]:
    """`dest/files/` with n .txt files and `dest/one/articles.jsonl` with the same n texts."""
    templates = [t for t in bench_speed._templates() if "text" in t and "html" not in t]
    vocab = bench_speed._vocabulary(templates)
    files, one = dest / "files", dest / "one"
    files.mkdir(parents=True)
    one.mkdir()
    with open(one / "articles.jsonl", "w", encoding="utf-8") as jsonl:
        for k in range(n):
            text = bench_speed.vary(templates[k % len(templates)], k, vocab)["text"]
            (files / f"{k:06d}.txt").write_text(text, encoding="utf-8")
            jsonl.write(json.dumps({"text": text}, ensure_ascii=False) + "\n")
    return files, one


def timed_run(inputs: Path, out: Path, workers: int) -> float:
    """Wall-clock seconds of `cleaner run INPUTS` in a fresh process (imports included)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "cleaner", "run", str(inputs), "--out", str(out),
                           "--workers", str(workers)], capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"cleaner run {inputs} failed ({done.returncode}): {done.stderr[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=1_000, help="articles (and .txt files)")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        files, one = write_corpora(Path(tmp), args.n)
        t_one = timed_run(one, Path(tmp) / "out-one", args.workers)
        t_files = timed_run(files, Path(tmp) / "out-files", args.workers)
    print(f"{args.n:,} articles, --workers {args.workers}")
    print(f"  one JSONL file      {t_one:7.2f} s")
    print(f"  {args.n:,} .txt files  {t_files:7.2f} s")
    print(f"  ratio               {t_files / t_one:7.2f}x  (target: within 3x)")


if __name__ == "__main__":
    main()
