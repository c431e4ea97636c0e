"""The streaming half of the pipeline: input shards, and records read, cleaned and validated in order.

Light on imports (no pyarrow, numpy or pandas until a batch is validated), so `cleaner clean`
starts fast; `cleaner.pipeline` builds dedup and publishing on top of it.
"""
from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from cleaner.clean import clean_body
from cleaner.config import DEFAULT_CONFIG, CleanerConfig
from cleaner.crossdoc import CommonLines, site_commons, site_of
from cleaner.errors import RefusedRecord
from cleaner.executors import InlineExecutor, fit_executor, input_work
from cleaner.language import identify
from cleaner.provenance import input_root
from cleaner.read import Piece, _format_of, input_roots, iter_input_files, read_file, split_file
from cleaner.remote import is_url, size as remote_size
from cleaner.records import Article, Quarantined, Skipped

VALIDATION_BATCH = 2_000


#: Records cleaned before their articles' languages are named, one after the other.
LANGUAGE_BATCH = 32


def clean_records(records: Iterable[Article | Quarantined], config: CleanerConfig = DEFAULT_CONFIG,
                  common: dict[str, CommonLines] | None = None) -> Iterator[Article | Quarantined | Skipped]:
    """Clean each article; one that makes the cleaner fail is quarantined with the error, not lost.

    Quarantined and `Skipped` records pass through as they are, in their place.

    `common` holds the recurring lines of the sites that have any (`cleaner.crossdoc.site_commons`).

    The articles of `LANGUAGE_BATCH` records are cleaned (`clean.clean_body`), then their languages
    named (`language.identify`) one after the other, and the records yielded in input order: the
    same articles as `clean_article` one at a time, but fastText's model stays in the CPU caches
    across the batch, where cleaning one article in between pushed it out (on the page-text
    corpus, 0.47 s of language detection became 0.33 s over 1,120 records).
    """
    held: list[Article | Quarantined | Skipped] = []
    for rec in records:
        held.append(_cleaned_body(rec, config, common) if isinstance(rec, Article) else rec)
        if len(held) >= LANGUAGE_BATCH:
            yield from _identified(held)
            held = []
    yield from _identified(held)


def _cleaned_body(rec: Article, config: CleanerConfig, common: dict[str, CommonLines] | None) -> Article | Quarantined:
    try:
        site_common = common.get(site_of(rec)) if common else None
        return clean_body(rec, config) if site_common is None else clean_body(rec, config, site_common)
    except Exception as exc:  # noqa: BLE001 - whatever a stage raises, the record is kept, not the run lost
        return _failed(rec, exc)


def _identified(held: list[Article | Quarantined | Skipped]) -> Iterator[Article | Quarantined | Skipped]:
    """`held` with each article's language named (every article in it is a cleaned one)."""
    for item in held:
        if isinstance(item, Article):
            try:
                item = identify(item)
            except Exception as exc:  # noqa: BLE001 - as in `_cleaned_body`
                item = _failed(item, exc)
        yield item


def _failed(rec: Article, exc: Exception) -> Quarantined:
    """The quarantine entry of an article the cleaner could not clean."""
    if isinstance(exc, RefusedRecord):  # refused on purpose (html.extract.PageTooDeep): its own check
        return Quarantined(source=rec.source, stage="clean", checks=[exc.check], reasons=[str(exc)],
                           raw=rec.raw, id=rec.id)
    # Any other exception is a cleaner bug, reported as such with the record kept.
    return Quarantined(source=rec.source, stage="clean", checks=["clean.error"],
                       reasons=[f"the cleaner failed: {type(exc).__name__}: {exc}"], raw=rec.raw, id=rec.id)


def validate_records(items: Iterable[Article | Quarantined], config: CleanerConfig = DEFAULT_CONFIG,
                     batch: int = VALIDATION_BATCH) -> Iterator[Article | Quarantined | Skipped]:
    """Validate articles against the contract in batches; quarantined and skipped records pass through.

    Callers hand it a whole shard, not one file at a time: a batch per file made a folder of
    one-article files pay the contract's fixed cost once per article (1,000 files: 6.5x one JSONL).
    """
    pending: list[Article] = []
    for item in items:
        if not isinstance(item, Article):
            yield item
            continue
        pending.append(item)
        if len(pending) >= batch:
            yield from _validated(pending, config)
            pending = []
    if pending:
        yield from _validated(pending, config)


def _validated(articles: list[Article], config: CleanerConfig) -> Iterator[Article | Quarantined | Skipped]:
    from cleaner.validate import validate_articles  # pandas + pandera: imported only when validating

    good, bad = validate_articles(articles, config)
    yield from good
    yield from bad


def checked_records(paths: Iterable[str | Path], config: CleanerConfig = DEFAULT_CONFIG, executor=None,
                    *, validate: bool = True) -> Iterator[Article | Quarantined | Skipped]:
    """Every input record cleaned (and validated unless `validate=False`), in input order.

    First the sites' recurring lines are counted (`cleaner.crossdoc.site_commons`: nothing to
    count for one page). Then, in this process when `executor` is None or has one worker
    (streaming); otherwise each shard's records are made by a worker and handed back whole, in
    shard order.
    """
    shards, _ = plan_shards(paths, follow_links=config.follow_links)
    executor = fit_executor(executor, _work(shards)) if executor is not None else None
    if executor is None or executor.inline or executor.workers == 1 or len(shards) <= 1:
        commons = site_commons(shards, config, InlineExecutor())
        for shard, common in zip(shards, commons):
            yield from _shard_records(shard, config, validate, common)
        return
    ready: dict[int, list] = {}
    next_index = 0
    with executor:
        jobs = list(zip(shards, site_commons(shards, config, executor)))
        for i, records in executor.map_unordered(shard_job_records, jobs, config, validate, window=2 * executor.workers):
            ready[i] = records
            while next_index in ready:
                yield from ready.pop(next_index)
                next_index += 1


def settle_heap() -> None:
    """Take the objects alive now out of the cyclic garbage collector's sight (`gc.freeze`, after
    one collection so that no garbage is kept): called before each shard, when what is alive is
    the process's own (modules, rules, patterns, the sites' common lines), not a shard's records.

    Each full collection walks every tracked object, and the modules and caches of a cleaning
    process (pandas, pandera, pyarrow, the rules) are most of them: on 10 MB of ScrapingHub page
    texts (1,120 records), 7 full collections took 0.6 s of a 12 s job. Frozen, those objects are
    not walked again (3 collections, 0.08 s); they are freed as before when their last reference
    goes. Only a reference cycle among them that becomes garbage later stays: what is alive
    between shards is the process's modules and caches, which do not make such cycles.
    The output does not change.
    """
    gc.collect()
    gc.freeze()


def _shard_records(shard: InputShard, config: CleanerConfig, validate: bool,
                   common: dict[str, CommonLines] | None = None) -> Iterator[Article | Quarantined | Skipped]:
    """A shard's records; validated in batches across its files, since a batch per file makes a
    folder of one-article files pay the contract's fixed cost once per article (8x slower)."""
    settle_heap()
    records = clean_records(read_shard(shard, config), config, common)
    yield from (validate_records(records, config) if validate else records)


def read_shard(shard: InputShard, config: CleanerConfig) -> Iterator[Article | Quarantined | Skipped]:
    """Every record of a shard's files, read with the shard's input tree as the bound for links."""
    roots = shard.roots or None
    for path, piece in zip(shard.paths, shard.pieces or (None,) * len(shard.paths)):
        yield from read_file(path, config, roots, piece)  # a str: an fsspec URL stays one


def shard_records(shard: InputShard, config: CleanerConfig, validate: bool = True,
                  common: dict[str, CommonLines] | None = None) -> list[Article | Quarantined]:
    """One shard's records, cleaned (and validated), as a list: the unit of work a worker sends back."""
    return list(_shard_records(shard, config, validate, common))


def shard_job_records(job: tuple[InputShard, dict[str, CommonLines]], config: CleanerConfig,
                      validate: bool = True) -> list[Article | Quarantined]:
    """`shard_records` of a `(shard, its sites' common lines)` job, as the executors send it."""
    shard, common = job
    return shard_records(shard, config, validate, common)


SHARD_MIN_BYTES = 1 << 20     # an input shard holds at least this much input (unless the input is smaller)


SHARD_MAX_BYTES = 64 << 20    # and at most about this much, so a worker's staged output stays small


SHARDS_WANTED = 64            # between the two, cut the input into about this many shards


@dataclass(frozen=True, slots=True)
class InputShard:
    """A run of consecutive input files, or one piece of a big file, the unit of work; `index` orders the outputs."""

    index: int
    paths: tuple[str, ...]
    sizes: tuple[int, ...]
    roots: tuple[str, ...] = ()    # the input tree links may lead into (`read.input_roots`); () follows links
    pieces: tuple[Piece | None, ...] = ()  # per path, the part read (`read.split_file`); () reads them whole
    root: str = ""                 # the folder published source paths are relative to (`provenance.input_root`)


def _work(shards: list[InputShard]) -> int:
    return sum(input_work(s.paths, s.sizes) for s in shards)


def shard_bytes_for(total: int) -> int:
    """How much input a shard takes: about 1/64 of it, kept between 1 MiB and 64 MiB.

    It depends on the input alone, never on the number of workers, so the output does not either.

    >>> shard_bytes_for(10_000), shard_bytes_for(200 << 20) >> 20, shard_bytes_for(1 << 40) >> 20
    (1048576, 3, 64)
    """
    return min(SHARD_MAX_BYTES, max(SHARD_MIN_BYTES, total // SHARDS_WANTED))


def plan_shards(paths: Iterable[str | Path], shard_bytes: int | None = None,
                follow_links: bool = False) -> tuple[list[InputShard], int]:
    """Cut the input files (in `iter_input_files` order) into shards of about `shard_bytes`.

    A shard closes once it holds `shard_bytes` or more. A file of two shards' size or more is cut
    into pieces at record boundaries (`read.split_file`: JSONL lines, WARC records, Parquet row
    groups), one shard each, so that all workers share it and a worker's memory follows a piece,
    not the file; a file that cannot be cut (gzipped JSONL) is one shard, streamed. Returns the
    shards and the `shard_bytes` used (`shard_bytes_for` the total when not given).

    >>> from cleaner import __file__ as pkg
    >>> shards, size = plan_shards([Path(pkg).parent / "data" / "samples"], shard_bytes=10_000)
    >>> [p for s in shards for p in s.paths] == [str(p) for p in iter_input_files([Path(pkg).parent / "data" / "samples"])]
    True
    >>> all(sum(s.sizes) >= 10_000 for s in shards[:-1]), [s.index for s in shards] == list(range(len(shards)))
    (True, True)
    """
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    roots = () if follow_links else input_roots(paths)
    root = input_root(paths)
    files = []
    for path in iter_input_files(paths, follow_links):
        if isinstance(path, str):  # an fsspec URL
            files.append((path, remote_size(path)))
            continue
        try:
            files.append((str(path), path.stat().st_size))
        except OSError:
            files.append((str(path), 0))  # read_file quarantines it with the reason
    if shard_bytes is None:
        shard_bytes = shard_bytes_for(sum(size for _, size in files))
    if shard_bytes < 1:
        raise ValueError(f"shard_bytes must be >= 1, got {shard_bytes}")
    shards: list[InputShard] = []
    run: list[tuple[str, int]] = []
    held = 0
    for path, size in files:
        pieces = split_file(Path(path), shard_bytes) if size >= 2 * shard_bytes and not is_url(path) else None
        if pieces:
            if run:
                shards.append(InputShard(len(shards), tuple(p for p, _ in run), tuple(s for _, s in run), roots, root=root))
                run, held = [], 0
            for piece in pieces:
                share = piece.stop - piece.start if _format_of(path) != "parquet" else size // len(pieces)
                shards.append(InputShard(len(shards), (path,), (share,), roots, (piece,), root=root))
            continue
        run.append((path, size))
        held += size
        if held >= shard_bytes:
            shards.append(InputShard(len(shards), tuple(p for p, _ in run), tuple(s for _, s in run), roots, root=root))
            run, held = [], 0
    if run:
        shards.append(InputShard(len(shards), tuple(p for p, _ in run), tuple(s for _, s in run), roots, root=root))
    return shards, shard_bytes
